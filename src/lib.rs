//! The LINE Messaging API connector, built as a WebAssembly component for
//! `wasm32-wasip2`.
//!
//! The contract is `wit/connector.wit`. Each exported action is one endpoint of
//! the [`table`], exported by [`endpoints`]; the rest of the crate holds LINE's rules: input
//! checks ([`validate`]), request bodies ([`request`]), answers ([`response`]),
//! the config ([`config`]), tokens ([`auth`]), retries and retry keys
//! ([`retry`]), running an action ([`call`]) over WASI-HTTP ([`http`]),
//! error mapping ([`error`]), and keeping secrets out of every output
//! ([`redact`]).

mod auth;
mod call;
mod config;
mod endpoints;
mod error;
mod http;
mod json;
mod manifest;
mod names;
mod redact;
mod request;
mod response;
mod retry;
mod shown;
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

bindings::export!(Connector with_types_in bindings);
