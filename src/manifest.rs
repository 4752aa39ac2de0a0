//! The manifest (written by `build.rs` from the WIT contract, the endpoint
//! table and `examples/`), and the `manifest` exports: `describe` returns
//! it, `invoke` runs an action by name from JSON checked against its schemas.

use crate::actions::{Config, ErrorCode};
use crate::bindings::exports::line::messaging::manifest::Guest;
use crate::json;
use serde_json::Value;
use std::sync::OnceLock;

/// The manifest, as JSON text.
pub const MANIFEST: &str = include_str!(concat!(env!("OUT_DIR"), "/manifest.json"));

/// The manifest as the custom section `line-connector-manifest`, so a
/// platform can read it from the `.wasm` without running anything.
#[used]
#[unsafe(link_section = "line-connector-manifest")]
static SECTION: [u8; MANIFEST.len()] = *include_bytes!(concat!(env!("OUT_DIR"), "/manifest.json"));

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
        let Some(schema) = input_schema(&action) else {
            let names: Vec<&str> = crate::table::ALL.iter().map(|e| e.action).collect();
            return Err(crate::error::invalid(
                "action",
                format!(
                    "there is no action {action:?}; the actions are {}",
                    names.join(", ")
                ),
            ));
        };
        let config = json::fields(&config_json, &parsed()["configSchema"], "config")?;
        let config: Config = json::into(config, "config")?;
        let input = json::fields(&input_json, schema, "")?;
        crate::endpoints::dispatch(&action, config, input)
    }
}
