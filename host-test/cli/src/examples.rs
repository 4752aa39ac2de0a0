//! One example input per action, from `examples/ACTION.json` as the
//! component's manifest carries them (so the command works anywhere).

use serde_json::Value;
use std::sync::LazyLock;

/// The embedded component's manifest, read once.
static MANIFEST: LazyLock<Value> = LazyLock::new(|| {
    line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT)
        .expect("the embedded component carries its manifest")
});

/// The example input of `action`, if it has one.
pub fn example(action: &str) -> Option<Value> {
    let actions = MANIFEST["actions"].as_array()?;
    let action = actions.iter().find(|a| a["name"] == action)?;
    action["examples"].get(0).cloned()
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
