//! The manifest (written by `build.rs` from the WIT contract, the endpoint
//! table and `examples/`; the host's build script also puts it at the
//! component's top level, as the custom section `line-connector-manifest`),
//! and the `manifest` exports: `describe` returns
//! it, `invoke` runs an action by name from JSON checked against its schemas.

use crate::bindings::exports::line::messaging::manifest::Guest;
use crate::json;
use crate::types::{Config, ErrorCode};
use serde_json::Value;
use std::sync::OnceLock;

/// The manifest's bytes (one constant, so the data holds one copy).
const BYTES: &[u8; include_bytes!(concat!(env!("OUT_DIR"), "/manifest.json")).len()] =
    include_bytes!(concat!(env!("OUT_DIR"), "/manifest.json"));

/// The manifest, as JSON text.
pub static MANIFEST: &str = match std::str::from_utf8(BYTES) {
    Ok(text) => text,
    Err(_) => panic!("the manifest is UTF-8"),
};

/// The manifest, parsed once per instance.
fn parsed() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(MANIFEST).expect("the manifest is JSON"))
}

/// The input schema of `action`, if there is such an action.
fn input_schema(action: &str) -> Option<&'static Value> {
    let actions = parsed()["actions"].as_array()?;
    let entry = actions.iter().find(|a| a["name"] == action)?;
    Some(&entry["inputSchema"])
}

impl Guest for crate::Connector {
    fn describe() -> String {
        MANIFEST.to_owned()
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
    let config = json::fields(config_json, &parsed()["configSchema"], "config")?;
    let config: Config = json::into(config, "config")?;
    let input = json::fields(input_json, schema, "")?;
    crate::endpoints::dispatch(action, config, input)
}

/// The values of the config's secret fields (marked `x-secret` in its schema).
fn secrets(config_json: &str) -> Vec<String> {
    let config: Value = serde_json::from_str(config_json).unwrap_or_default();
    let properties = parsed()["configSchema"]["properties"].as_object();
    let secret_fields = properties
        .into_iter()
        .flatten()
        .filter(|(_, p)| p["x-secret"] == true);
    secret_fields
        .filter_map(|(key, _)| config.get(key).and_then(Value::as_str).map(str::to_owned))
        .collect()
}
