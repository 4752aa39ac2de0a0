//! `line_connector.node`: the Rust host library ([`Foreign`]) as a Node
//! addon. The Node package (`node/index.js`) wraps it: JSON text crosses
//! here, objects and error classes are made there. Every call runs on
//! napi-rs's tokio runtime and resolves a promise, so Node's event loop
//! never waits on LINE.

use line_connector_host::foreign::{Foreign, Options, Reply as HostReply};
use napi::bindgen_prelude::{Buffer, Result};
use napi_derive::napi;
use std::path::PathBuf;
use std::sync::Arc;

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

    /// Verifies and reads a webhook batch.
    #[napi]
    pub async fn parse(&self, secret: String, body: Buffer, signature: String) -> NativeReply {
        self.foreign.parse(&secret, &body, &signature).await.into()
    }
}

/// The embedded component's bytes, for hosts nobody here wrote (jco).
#[napi]
pub fn component() -> Buffer {
    line_connector_host::EMBEDDED_COMPONENT.to_vec().into()
}
