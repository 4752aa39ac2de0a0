//! `line-connector demo`: every action, with its example input, against the
//! simulator on a free loopback port.

use crate::Connector;
use crate::examples::in_order;
use crate::simulator::{self, Simulator};
use anyhow::Result;
use serde_json::{Value, json};
use std::io::Write;

/// The config the demo uses: client credentials against the simulator.
pub fn config(sim: &Simulator) -> Value {
    json!({
        "clientId": simulator::CLIENT_ID,
        "clientSecret": simulator::CLIENT_SECRET,
        "tokenUrl": format!("{}/oauth2/v3/token", sim.url()),
        "apiBaseUrl": sim.url(),
        "dataApiBaseUrl": sim.url(),
    })
}

/// Runs every action once and writes one line per action; returns how many
/// failed.
pub async fn run(connector: &Connector, out: &mut impl Write) -> Result<usize> {
    let sim = Simulator::start().await?;
    let config = config(&sim);
    writeln!(
        out,
        "LINE simulator at {} (client credentials, stateless token endpoint)",
        sim.url()
    )?;
    let mut failed = 0;
    let mut previous = None;
    for action in connector.actions() {
        let input = in_order(&action.name, previous.as_ref()).unwrap_or_else(|| json!({}));
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
    Ok(failed)
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
