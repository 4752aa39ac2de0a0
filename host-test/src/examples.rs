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

/// The example input of `action` in a run of every action in order (the
/// demo, the tests), given the `previous` action's result: see [`follow`].
pub fn in_order(action: &str, previous: Option<&Value>) -> Option<Value> {
    let mut input = example(action)?;
    follow(action, &mut input, previous);
    Some(input)
}

/// Makes `input` follow on from the `previous` action's result in a run of
/// every action in order: a progress lookup (`narrowcast-progress`,
/// `get-rich-menu-batch-progress`) takes the request id of the action run
/// just before it, whose progress it reads (when it has one).
pub fn follow(action: &str, input: &mut Value, previous: Option<&Value>) {
    let id = previous
        .and_then(|p| p.get("requestId"))
        .filter(|id| id.as_str().is_some_and(|id| !id.is_empty()));
    if let (true, Some(id), Some(slot)) = (
        action.ends_with("-progress"),
        id,
        input.get_mut("requestId"),
    ) {
        *slot = id.clone();
    }
}
