//! LINE's input rules, each declared once as data ([`catalogue`]) and read
//! two ways by exhaustive matches over [`Rule`]: [`check`] is what the
//! component applies before anything is sent, [`schema`] the JSON Schema
//! keywords the manifest gives a platform's forms. A new kind of rule is a
//! new variant, and the compiler then asks for its check, its schema and
//! its boundary probes ([`probe`]).
//!
//! Where JSON Schema cannot say what LINE counts (a text message's length
//! in UTF-16 code units), the schema states the nearest bound that never
//! accepts what the component refuses, and its `description` says so.
//! A named custom check ([`Custom`]) keeps its own schema fragment beside
//! its code.

pub mod basic;
pub mod catalogue;
pub mod check;
pub mod custom;
pub mod probe;
pub mod rule;
pub mod schema;
// How a wrong value shows in a message: one file with the host's JSON
// conversion, which includes it the same way.
#[path = "../../src/shown.rs"]
pub mod shown;

pub use catalogue::{CATALOGUE, Entry, rule_for};
pub use check::check;
pub use rule::*;
pub use schema::apply as schema;
