//! `dispatch`, which runs an action by name for `invoke` (the typed
//! exports are [`abi`](crate::abi)'s): JSON fields straight to the request, LINE's answer checked
//! against the output record and written as JSON, no Rust record between.

use crate::abi::ACTIONS;
use crate::types::{Config, ErrorCode};
use serde_json::{Map, Value};

/// Runs the action of table row `row` with input `fields` checked by
/// [`crate::json::fields`]; returns the output as JSON text.
pub fn dispatch(
    row: usize,
    config: Config,
    fields: Map<String, Value>,
) -> Result<String, ErrorCode> {
    let (fields, bytes) = crate::json::input(&ACTIONS[row], fields)?;
    let output = crate::call::run(row, &config, fields, bytes)?;
    crate::json::output(&ACTIONS[row], output)
}
