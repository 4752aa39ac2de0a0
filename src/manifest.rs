//! The manifest (written by `build.rs` from the WIT contract, the endpoint
//! table and `examples/`; the host's build script also puts it at the
//! component's top level, as the custom section `line-connector-manifest.zlib`),
//! and the `manifest` exports: `describe` returns it, `invoke` runs an action
//! by name from JSON checked against its records' types (the schemas say
//! the same, derived from the same WIT). The manifest is kept deflated in
//! the data, so an instance's linear memory does not hold 350 KB of text.

use crate::abi::{ACTIONS, CONFIG, CONFIG_SECRETS, Ty};
use crate::bindings::exports::line::messaging::manifest::Guest;
use crate::json::{self, Names};
use crate::types::{Config, ErrorCode};
use serde_json::Value;

/// The manifest, deflated (inflated for `describe` only: kept as text it
/// would be 340 KB of every instance's linear memory).
const MANIFEST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/manifest.deflate"));

/// The JSON text deflated in `bytes` (written by this crate's build script).
fn inflate(bytes: &[u8]) -> String {
    let text = miniz_oxide::inflate::decompress_to_vec(bytes).expect("the build wrote deflate");
    String::from_utf8(text).expect("the build wrote UTF-8")
}

impl Guest for crate::Connector {
    fn describe() -> String {
        inflate(MANIFEST)
    }

    fn invoke(
        action: String,
        config_json: String,
        input_json: String,
    ) -> Result<String, ErrorCode> {
        // The actions redact their own output; this covers the JSON checks.
        let secrets = secrets(&config_json);
        crate::redact::begin(secrets.iter().map(String::as_str));
        by_name(&action, &config_json, &input_json)
            .map(|output| crate::redact::clean(&output))
            .map_err(crate::redact::error)
    }
}

/// Runs `action` from JSON text (see `invoke`).
fn by_name(action: &str, config_json: &str, input_json: &str) -> Result<String, ErrorCode> {
    let Some(row) = crate::table::ALL.iter().position(|e| e.action == action) else {
        let names: Vec<&str> = crate::table::ALL.iter().map(|e| e.action).collect();
        return Err(crate::error::invalid(
            "action",
            format!(
                "there is no action {}; the actions are {}",
                crate::redact::quote(action),
                names.join(", ")
            ),
        ));
    };
    let config = json::fields(config_json, CONFIG, Names::CAMEL, "config")?;
    let config: Config = json::into(config, "config")?;
    let names = Names {
        snake_case: ACTIONS[row].input_snake_case,
        own: crate::table::ALL[row].rules,
    };
    let input = ACTIONS[row].input.unwrap_or(&NO_INPUT);
    let input = json::fields(input_json, input, names, "")?;
    crate::endpoints::dispatch(row, config, input)
}

/// The input of an action that takes none: an empty record.
static NO_INPUT: Ty = Ty::Record(&[]);

/// The values of the config's secret fields.
fn secrets(config_json: &str) -> Vec<String> {
    let config: Value = serde_json::from_str(config_json).unwrap_or_default();
    CONFIG_SECRETS
        .iter()
        .filter_map(|key| config.get(key).and_then(Value::as_str).map(str::to_owned))
        .collect()
}
