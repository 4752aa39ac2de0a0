//! One example input per action, from `examples/ACTION.json` (embedded at
//! build time, so the command works anywhere).

use serde_json::Value;

/// `(action, JSON text)` for every file in `examples/`.
pub const EXAMPLES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The example input of `action`, if it has one.
pub fn example(action: &str) -> Option<Value> {
    let (_, text) = EXAMPLES.iter().find(|(name, _)| *name == action)?;
    Some(serde_json::from_str(text).expect("examples/*.json are valid JSON"))
}
