//! What the `line-connector` command runs besides single actions, shared
//! with the tests: the [`demo`] (every action against the simulator), the
//! [`bench`]mark, and the [`examples`] of every action's input.

pub mod bench;
pub mod demo;
pub mod demo_contacts;
pub mod examples;
