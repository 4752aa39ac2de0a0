//! What the `line-connector` command runs besides single actions, shared
//! with the tests: the [`demo`] (every action against the simulator), the
//! [`bench`]mark (with the intakes' end to end: [`intakes`], behind a
//! loopback [`balancer`]), the [`examples`] of every action's input, and
//! the type declarations of the Python and Node packages ([`stubs`]) and
//! those packages built and installed as a user does ([`packages`]).

pub mod balancer;
pub mod bench;
pub mod demo;
pub mod demo_contacts;
pub mod examples;
pub mod intakes;
pub mod languages;
pub mod packages;
pub mod stubs;
