//! The LINE Messaging API connector, built as a WebAssembly component for
//! `wasm32-wasip2`.
//!
//! The contract is `wit/` (`world.wit`). Each exported action is one row of
//! the [`table`], exported by [`typed`] through [`abi`] (and run by name by
//! [`endpoints`]);
//! the rest of the crate holds LINE's rules: input checks ([`validate`],
//! rich-menu images in [`image`]), requests ([`request`]), answers
//! ([`response`]), the config ([`config`]), tokens ([`auth`]), retries and retry keys ([`retry`]), running an action ([`call`]): its
//! lookups ([`lookup`]) and each request ([`send`]) over WASI-HTTP
//! ([`http`]), error mapping ([`error`]), and keeping secrets out of every
//! output ([`redact`]).

mod abi;
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
mod redact;
mod request;
mod response;
mod retry;
mod send;
mod table;
mod typed;
mod validate;
mod webhook;

#[allow(missing_docs)]
mod bindings {
    // wit-bindgen's `generate!` for the world, the actions' functions
    // skipped (src/abi.rs exports them), written by the build script.
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}

pub use bindings::exports::line::messaging::types;

/// The component's implementation of the `actions` interface.
struct Connector;

// The exports exist for wasm32 only: natively (the unit tests) there is no
// host to call them, and their import stubs would not link into a library.
#[cfg(target_arch = "wasm32")]
bindings::export!(Connector with_types_in bindings);
