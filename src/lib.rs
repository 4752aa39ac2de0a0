//! The LINE Messaging API connector, built as a WebAssembly component for
//! `wasm32-wasip2`.
//!
//! The contract is `wit/` (`world.wit`). Each exported action is one row of
//! the [`table`], exported by [`endpoints`]; the rest of the crate holds
//! LINE's rules: input checks ([`validate`], rich-menu images in
//! [`image`]), requests ([`request`]), answers ([`response`]), records and
//! their bytes ([`record`]), the config ([`config`]), tokens ([`auth`]),
//! retries and retry keys ([`retry`]), running an action ([`call`]): its
//! lookups ([`lookup`]) and each request ([`send`]) over WASI-HTTP
//! ([`http`]), error mapping ([`error`]), and keeping secrets out of every
//! output ([`redact`]).

mod auth;
mod call;
mod config;
mod endpoints;
mod error;
mod forms;
mod http;
mod image;
mod json;
mod jwt;
mod lookup;
mod manifest;
mod multipart;
mod names;
mod oauth;
mod record;
mod redact;
mod request;
mod response;
mod retry;
mod send;
mod table;
mod validate;
mod webhook;

#[allow(missing_docs)]
mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "connector",
        generate_all,
        // invoke reads the records from JSON and writes the results as JSON.
        additional_derives: [serde::Serialize, serde::Deserialize],
        additional_derives_ignore: ["stream-error"],
    });
}

pub use bindings::exports::line::messaging::types;

/// The component's implementation of the `actions` interface.
struct Connector;

// The exports exist for wasm32 only: natively (the unit tests) there is no
// host to call them, and their import stubs would not link into a library.
#[cfg(target_arch = "wasm32")]
bindings::export!(Connector with_types_in bindings);
