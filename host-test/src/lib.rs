//! The native host for the LINE connector component: loads the `.wasm` with
//! wasmtime (WASI + WASI-HTTP), runs its actions from JSON ([`component`],
//! [`json`]) inside a [`sandbox`], and the LINE platform simulator the tests and the demo run
//! against ([`simulator`], a folder by area, with [`line_rules`]).

pub mod bench;
pub mod cache;
pub mod component;
pub mod demo;
pub mod examples;
pub mod json;
pub mod listen;
pub mod network;
pub use simulator::line_rules;
pub mod pool;
pub mod sandbox;
pub mod simulator;

pub use component::{Action, Connector, EMBEDDED_COMPONENT, Limits, Outcome, Session, manifest_of};
pub use network::Network;
pub use sandbox::{Exchange, ExchangeLog, Sandbox};
pub use simulator::Simulator;
