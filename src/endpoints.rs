//! `dispatch`, which runs an action by name for `invoke` (the typed
//! exports are [`abi`](crate::abi)'s): JSON fields straight to the request, LINE's answer checked
//! against the output record and written as JSON, no Rust record between.

use crate::abi::ACTIONS;
use crate::types::{Config, ErrorCode};
use serde_json::{Map, Value};

/// Runs the action named `action` with input `fields` checked by
/// [`crate::json::fields`]; returns the output as JSON text.
pub fn dispatch(
    action: &str,
    config: Config,
    fields: Map<String, Value>,
) -> Result<String, ErrorCode> {
    let Some(row) = crate::table::ALL.iter().position(|e| e.action == action) else {
        let quoted = crate::redact::quote(action);
        return Err(crate::error::invalid(
            "action",
            format!("there is no action {quoted}"),
        ));
    };
    let (fields, bytes) = crate::json::input(&ACTIONS[row], fields)?;
    let output = crate::call::run(row, &config, fields, bytes)?;
    crate::json::output(&ACTIONS[row], output)
}
