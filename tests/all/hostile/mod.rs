//! The component against servers that misbehave on purpose (loopback only),
//! and against hostile inputs: it stays within its deadline and its memory,
//! never traps, frames its requests as LINE's SDKs do, and never lets a
//! secret out, whatever a server echoes.

mod answers;
mod bounds;
mod echo;
mod framing;
mod inputs;
mod paging;
pub(crate) mod server;
mod tokens;

use serde_json::{Value, json};

/// A channel access token with the characters that get escaped: `+ / =`.
pub const TOKEN: &str = "tQ7vX2mK9pL4wR8n/Z3bY6cH1+dF5gJ0=";

/// A config for `server` with [`TOKEN`], one attempt, short timeouts.
pub fn config(url: &str) -> Value {
    json!({
        "channelAccessToken": TOKEN,
        "apiBaseUrl": url,
        "dataApiBaseUrl": url,
        "maxAttempts": 1,
        "timeoutMs": 2000,
        "totalTimeoutMs": 3000,
    })
}

/// Asserts that `output` holds no piece of `secret` six characters or
/// longer (so neither the secret nor a cut-off part of it).
pub fn assert_no_piece_of(secret: &str, what: &str, output: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for window in chars.windows(6) {
        let piece: String = window.iter().collect();
        assert!(
            !output.contains(&piece),
            "{what}: {piece:?} of the secret is in {output}"
        );
    }
}
