//! The host library a platform embeds: loads the LINE connector component
//! with wasmtime (WASI + WASI-HTTP) and runs its actions from JSON
//! ([`component`], [`json`]) inside a [`sandbox`] that lets it reach only
//! the allowed hosts, over kept-alive connections ([`pool`]) through the
//! [`network`]'s proxies and roots, with compiled components cached on disk
//! ([`cache`]) and instances kept warm per config ([`warm`]); [`foreign`]
//! is the same as the Python and Node bindings call it. No HTTP server,
//! simulator or command line here: those are the crates beside it.

pub mod cache;
pub mod channels;
pub mod component;
pub mod embedded;
pub mod files;
pub mod foreign;
/// The forms a secret may be echoed in: the component's own list
/// (`src/forms.rs`), for the secrets the host adds (a proxy's credentials).
#[path = "../../../src/forms.rs"]
mod forms;
pub mod json;
pub mod network;
pub mod pool;
pub mod sandbox;
pub mod warm;

pub use channels::Channels;
pub use component::{
    Action, Connector, EMBEDDED_COMPONENT, Limits, MANIFEST_SECTION, Outcome, Session, manifest_of,
};
pub use network::Network;
pub use sandbox::{Exchange, ExchangeLog, Sandbox};
