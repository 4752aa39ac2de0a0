//! When an action is retried, how long it waits, and LINE's retry keys.
//!
//! Retried, always with the same retry key: 5xx answers, rate-limit 429s,
//! connection failures and timeouts. Never retried: other 4xx answers and the
//! monthly-limit 429, nor an answer over the size cap (the server would send
//! it whole again). Sends without a retry key (reply) are retried only when
//! the request cannot have reached LINE, or LINE refused it with a 429.

use crate::bindings::wasi::random::random::get_random_bytes;
use crate::http::Reply;
use crate::types::ErrorCode;
use std::time::Duration;

pub use crate::table::Resend;

/// What one attempt came to.
pub enum Step {
    /// An answer to hand to the caller (2xx, or 409 for an accepted key).
    Done(Reply),
    /// A failure worth another attempt.
    Retry(ErrorCode),
    /// LINE refused a token fetched earlier: fetch a new one and try again.
    Refresh(ErrorCode),
    /// A failure no retry helps.
    Fail(ErrorCode),
}

/// The delay before retry number `retry` (1 for the first): `first` doubled
/// per retry, at most 10 s, then scaled by a random 50 % to 100 % (jitter,
/// so that many playbooks retrying at once spread out).
pub fn delay(first_ms: u64, retry: u32) -> Duration {
    let base = first_ms
        .saturating_mul(1 << retry.saturating_sub(1).min(20))
        .min(10_000);
    let random = u64::from_le_bytes(get_random_bytes(8).try_into().unwrap_or([0; 8]));
    let jittered = base / 2 + random % (base / 2 + 1);
    Duration::from_millis(jittered)
}

/// The interval before asking LINE again after `polls` answers that were not
/// final: 0.5 s, doubling, at most 10 s.
pub fn poll_interval(polls: u32) -> Duration {
    Duration::from_millis((500u64 << polls.saturating_sub(1).min(5)).min(10_000))
}

/// A new retry key: a random (version 4) UUID.
pub fn new_key() -> String {
    let bytes: [u8; 16] = get_random_bytes(16).try_into().expect("16 random bytes");
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// The retry key of batch `index` of a send whose key is `key`: the key
/// itself for batch 0, else a version 5 UUID named by the batch in the key's
/// namespace, so the same key always gives the same batch keys.
pub fn batch_key(key: &str, index: usize) -> String {
    if index == 0 {
        return key.to_owned();
    }
    let namespace = uuid::Uuid::try_parse(key).expect("retry keys are checked UUIDs");
    uuid::Uuid::new_v5(&namespace, format!("batch-{index}").as_bytes())
        .hyphenated()
        .to_string()
}
