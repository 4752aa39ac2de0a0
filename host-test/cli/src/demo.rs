//! `line-connector demo`: every action, with its example input, against the
//! simulator on a free loopback port.

use crate::examples::in_order;
use anyhow::Result;
use line_connector_host::Connector;
use line_simulator::{self as simulator, Simulator};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;

/// The config the demo uses: client credentials against the simulator.
pub fn config(sim: &Simulator) -> Value {
    json!({
        "clientId": simulator::CLIENT_ID,
        "clientSecret": simulator::CLIENT_SECRET,
        "tokenUrl": format!("{}/oauth2/v3/token", sim.url()),
        "apiBaseUrl": sim.url(),
        "dataApiBaseUrl": sim.url(),
        "managerBaseUrl": sim.url(),
    })
}

/// The JWT-assertion config against the simulator: the channel id and the
/// key pair the simulator registered at start.
pub fn assertion_config(sim: &Simulator) -> Value {
    let mut config = config(sim);
    let fields = config.as_object_mut().expect("an object");
    fields.remove("clientSecret");
    fields.insert(
        "assertionPrivateKey".into(),
        simulator::assertion_private_jwk().into(),
    );
    fields.insert("assertionKeyId".into(), simulator::ASSERTION_KEY_ID.into());
    config
}

/// The config for an action whose manifest hints say which credentials it
/// takes (`hints.credentials`): the JWT-assertion mode where it needs an
/// assertion key, client credentials otherwise.
pub fn config_for(sim: &Simulator, credentials: &str) -> Value {
    match credentials {
        "assertionPrivateKey" => assertion_config(sim),
        _ => config(sim),
    }
}

/// Runs every action once and writes one line per action, then the
/// contacts scene ([`crate::demo_contacts`]); returns how many failed.
pub async fn run(connector: &Arc<Connector>, out: &mut impl Write) -> Result<usize> {
    let sim = Simulator::start().await?;
    let manifest = line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT)?;
    writeln!(
        out,
        "LINE simulator at {} (client credentials, stateless token endpoint; a JWT assertion where an action needs one)",
        sim.url()
    )?;
    let mut failed = 0;
    let mut previous = None;
    for action in connector.actions() {
        let input = in_order(&action.name, previous.as_ref()).unwrap_or_else(|| json!({}));
        let config = config_for(&sim, credentials_of(&manifest, &action.name));
        let outcome = connector.run(&action.name, &config, &input).await?;
        let (mark, shown) = match &outcome {
            Ok(result) => ("ok  ", result),
            Err(error) => ("FAIL", error),
        };
        previous = outcome.as_ref().ok().cloned();
        failed += usize::from(outcome.is_err());
        writeln!(out, "{mark} {:<20} {}", action.name, brief(shown.clone()))?;
    }
    let total = connector.actions().len();
    writeln!(
        out,
        "{} of {total} actions succeeded; the simulator saw {} requests",
        total - failed,
        sim.requests().len()
    )?;
    let scene = crate::demo_contacts::run(connector.clone(), &sim, &config(&sim), out).await?;
    Ok(failed + scene)
}

/// The `credentials` hint of `action` in `manifest` (`any` if none).
pub fn credentials_of<'m>(manifest: &'m Value, action: &str) -> &'m str {
    let actions = manifest["actions"].as_array().into_iter().flatten();
    let entry = actions.into_iter().find(|a| a["name"] == action);
    entry
        .and_then(|a| a["hints"]["credentials"].as_str())
        .unwrap_or("any")
}

/// A result for one line: any string longer than 60 characters (content's
/// base64) cut, with how long it was.
fn brief(value: Value) -> Value {
    match value {
        Value::String(text) if text.chars().count() > 60 => {
            let head: String = text.chars().take(24).collect();
            Value::String(format!("{head}… ({} characters)", text.chars().count()))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(brief).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, brief(v))).collect()),
        other => other,
    }
}
