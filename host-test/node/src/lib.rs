//! `line_connector.node`: the Rust host library ([`Foreign`]) as a Node
//! addon. The Node package (`node/index.js`) wraps it: JSON text crosses
//! here, objects and error classes are made there. Every call runs on
//! napi-rs's tokio runtime and resolves a promise, so Node's event loop
//! never waits on LINE.

use line_connector_host::foreign::{Foreign, Options, Reply as HostReply};
use line_webhook_intake::hosted;
use napi::bindgen_prelude::{Buffer, Result};
use napi_derive::napi;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the connector is set up; every field optional.
#[napi(object)]
pub struct NativeOptions {
    /// The hosts actions may reach (`HOST` or `HOST:PORT`); by default the
    /// config's own hosts.
    pub allow: Option<Vec<String>>,
    /// A proxy for every destination but `NO_PROXY`'s.
    pub proxy: Option<String>,
    /// A PEM file of CA certificates trusted besides the built-in roots.
    pub ca_file: Option<String>,
    /// A `.wasm` to load instead of the embedded component.
    pub component: Option<String>,
}

/// A call's outcome: `ok` and the result's or error's JSON text.
#[napi(object)]
pub struct NativeReply {
    /// Whether it succeeded.
    pub ok: bool,
    /// The result's JSON text, or the error's.
    pub json: String,
}

impl From<HostReply> for NativeReply {
    fn from(reply: HostReply) -> Self {
        match reply {
            HostReply::Ok(json) => NativeReply { ok: true, json },
            HostReply::Err(json) => NativeReply { ok: false, json },
        }
    }
}

/// The component, loaded once, with the options it was made with.
#[napi]
pub struct Native {
    foreign: Arc<Foreign>,
}

#[napi]
impl Native {
    /// Loads the component (compiled-component cache first); a bad option
    /// throws, naming it.
    #[napi(constructor)]
    pub fn new(options: Option<NativeOptions>) -> Result<Self> {
        let options = options.map_or_else(Options::default, |o| Options {
            allow: o.allow,
            proxy: o.proxy,
            ca_file: o.ca_file.map(PathBuf::from),
            component: o.component.map(PathBuf::from),
        });
        let foreign = Foreign::new(options)
            .map_err(|error| napi::Error::from_reason(format!("{error:#}")))?;
        Ok(Native {
            foreign: Arc::new(foreign),
        })
    }

    /// Runs `action` with the config and input JSON text.
    #[napi]
    pub async fn run(&self, action: String, config: String, input: String) -> NativeReply {
        self.foreign.run(&action, &config, &input).await.into()
    }

    /// The manifest.
    #[napi]
    pub async fn describe(&self) -> NativeReply {
        self.foreign.describe().await.into()
    }

    /// Starts a webhook intake with the settings' JSON text; throws naming a
    /// setting it cannot use.
    #[napi]
    pub async fn start_intake(&self, settings: String) -> Result<NativeIntake> {
        let (connector, network) = (
            self.foreign.connector().clone(),
            self.foreign.network().clone(),
        );
        let running = hosted::start(connector, network, &settings)
            .await
            .map_err(|error| napi::Error::from_reason(format!("{error:#}")))?;
        Ok(NativeIntake {
            address: running.address.to_string(),
            running: Mutex::new(Some(running)),
        })
    }

    /// Puts a question (JSON) with the config (JSON), kept in `store`.
    #[napi]
    pub async fn ask(&self, config: String, store: String, question: String) -> NativeReply {
        let connector = self.foreign.connector().clone();
        outcome(
            hosted::ask(&connector, &config, &store, &question)
                .await
                .map(Some),
        )
    }

    /// Where an ask stands (`null` for one the store does not hold).
    #[napi]
    pub async fn ask_status(&self, store: String, id: String) -> NativeReply {
        outcome(hosted::status(&store, &id).await.map(|s| s.map(Ok)))
    }

    /// Waits up to `timeout` seconds (for ever without) for an ask's answer
    /// (`null` when the time ran out first).
    #[napi]
    pub async fn ask_wait(&self, store: String, id: String, timeout: Option<f64>) -> NativeReply {
        let timeout = timeout.map(|t| Duration::from_secs_f64(t.max(0.0)));
        outcome(hosted::wait(&store, &id, timeout).await.map(|s| s.map(Ok)))
    }

    /// Verifies and reads a webhook batch.
    #[napi]
    pub async fn parse(&self, secret: String, body: Buffer, signature: String) -> NativeReply {
        self.foreign.parse(&secret, &body, &signature).await.into()
    }
}

/// An outcome as a reply; `null` for `None`, a host failure as a `trap`.
fn outcome(result: anyhow::Result<Option<std::result::Result<Value, Value>>>) -> NativeReply {
    let (ok, json) = match result {
        Ok(Some(Ok(value))) => (true, value.to_string()),
        Ok(Some(Err(error))) => (false, error.to_string()),
        Ok(None) => (true, "null".into()),
        Err(error) => (
            false,
            serde_json::json!({"type": "trap", "message": format!("{error:#}")}).to_string(),
        ),
    };
    NativeReply { ok, json }
}

/// A running webhook intake.
#[napi]
pub struct NativeIntake {
    address: String,
    running: Mutex<Option<hosted::Running>>,
}

#[napi]
impl NativeIntake {
    /// Where it listens (`HOST:PORT`).
    #[napi(getter)]
    pub fn address(&self) -> String {
        self.address.clone()
    }

    /// Stops it as SIGTERM does and resolves once it has; again, nothing.
    #[napi]
    pub async fn stop(&self) -> Result<()> {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match running {
            Some(running) => running
                .stop()
                .await
                .map_err(|error| napi::Error::from_reason(format!("{error:#}"))),
            None => Ok(()),
        }
    }
}

/// The embedded component's bytes, for hosts nobody here wrote (jco).
#[napi]
pub fn component() -> Buffer {
    line_connector_host::EMBEDDED_COMPONENT.to_vec().into()
}
