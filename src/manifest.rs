//! The manifest (written by `build.rs` from the WIT contract, the endpoint
//! table and `examples/`; the host's build script also puts it at the
//! component's top level, as the custom section `line-connector-manifest`),
//! and the `manifest` exports: `describe` returns it, `invoke` runs an action
//! by name from JSON checked against its schemas. Both are kept deflated in
//! the data (the whole manifest, and each schema `invoke` needs on its own),
//! so an instance's linear memory does not hold 340 KB of text.

use crate::bindings::exports::line::messaging::manifest::Guest;
use crate::json;
use crate::types::{Config, ErrorCode};
use serde_json::Value;
use std::sync::OnceLock;

/// The manifest, deflated (inflated for `describe` only: kept as text it
/// would be 340 KB of every instance's linear memory).
const MANIFEST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/manifest.deflate"));

/// The config's and every action's input schema, each deflated on its own.
const SCHEMAS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/schemas.deflate"));

/// Where each schema is in [`SCHEMAS`].
mod places {
    include!(concat!(env!("OUT_DIR"), "/schemas.rs"));
}

/// The JSON text deflated in `bytes` (written by this crate's build script).
fn inflate(bytes: &[u8]) -> String {
    let text = miniz_oxide::inflate::decompress_to_vec(bytes).expect("the build wrote deflate");
    String::from_utf8(text).expect("the build wrote UTF-8")
}

/// The schema at `place` in [`SCHEMAS`], parsed.
fn schema(place: &std::ops::Range<usize>) -> Value {
    serde_json::from_str(&inflate(&SCHEMAS[place.clone()])).expect("the build wrote JSON")
}

/// The config's schema, parsed once per instance.
fn config_schema() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| schema(&places::CONFIG_SCHEMA))
}

/// The input schema of `action`, if there is such an action.
fn input_schema(action: &str) -> Option<Value> {
    let (_, place) = places::INPUT_SCHEMAS
        .iter()
        .find(|(name, _)| *name == action)?;
    Some(schema(place))
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
    let Some(schema) = input_schema(action) else {
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
    let config = json::fields(config_json, config_schema(), "config")?;
    let config: Config = json::into(config, "config")?;
    let input = json::fields(input_json, &schema, "")?;
    crate::endpoints::dispatch(action, config, input)
}

/// The values of the config's secret fields (marked `x-secret` in its schema).
fn secrets(config_json: &str) -> Vec<String> {
    let config: Value = serde_json::from_str(config_json).unwrap_or_default();
    let properties = config_schema()["properties"].as_object();
    let secret_fields = properties
        .into_iter()
        .flatten()
        .filter(|(_, p)| p["x-secret"] == true);
    secret_fields
        .filter_map(|(key, _)| config.get(key).and_then(Value::as_str).map(str::to_owned))
        .collect()
}
