//! The component this crate's build script built, and its SHA-256 (made at
//! build time, the compiled-component cache's key).

/// The component built by this crate's build script. A `static`, not a
/// `const`: one address in every crate that uses it, which is how
/// [`cache::digest`](crate::cache::digest) knows it (a `const` is copied
/// into each crate, and the command then hashed 2.3 MB at every start).
pub static EMBEDDED_COMPONENT: &[u8] = include_bytes!(env!("LINE_CONNECTOR_WASM"));

/// The SHA-256 of [`EMBEDDED_COMPONENT`], in hex.
pub const EMBEDDED_SHA256: &str = env!("LINE_CONNECTOR_WASM_SHA256");
