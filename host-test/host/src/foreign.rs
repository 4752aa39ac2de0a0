//! The host as another language's package calls it (the Python and Node
//! bindings): options and JSON text in, JSON text out, every failure a
//! [`Reply::Err`] holding the error's JSON. Both bindings are thin shells
//! around this, so the guarantees of [`Connector::run`] (the allow-list,
//! proxies and added roots, kept-alive connections, warm instances and
//! their tokens, bounded memory) are the same in every language.

use crate::{Connector, Limits, Network, Outcome, Sandbox};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

/// How a binding's connector is set up; every field optional.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The hosts actions may reach (`HOST` or `HOST:PORT`); `None` allows
    /// the config's own hosts ([`Sandbox::for_config`]).
    pub allow: Option<Vec<String>>,
    /// A proxy for every destination but `NO_PROXY`'s, over the
    /// environment's (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`).
    pub proxy: Option<String>,
    /// A PEM file of CA certificates trusted besides webpki's roots (and
    /// `SSL_CERT_FILE`'s).
    pub ca_file: Option<PathBuf>,
    /// A `.wasm` to load instead of the embedded component.
    pub component: Option<PathBuf>,
}

/// What a call gives back: the result's or the error's JSON text.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The action's result (or the manifest, or a webhook batch).
    Ok(String),
    /// The error: `{"type": case, ...}` as the component's `error-code` (or
    /// `webhook-error`) says, or `{"type": "trap", "message": ...}` when the
    /// component or the host failed.
    Err(String),
}

impl Reply {
    fn of(outcome: Result<Outcome>) -> Reply {
        match outcome {
            Ok(Ok(value)) => Reply::Ok(value.to_string()),
            Ok(Err(error)) => Reply::Err(error.to_string()),
            Err(error) => trap(&error),
        }
    }
}

/// A host failure as a `trap` error (its chain of causes, which never holds
/// a config's value: the component's trap and the host's own context only).
fn trap(error: &anyhow::Error) -> Reply {
    Reply::Err(json!({"type": "trap", "message": format!("{error:#}")}).to_string())
}

/// A connector for a binding: the component loaded once, its options fixed.
pub struct Foreign {
    connector: Arc<Connector>,
    network: Network,
    allow: Option<Sandbox>,
}

impl Foreign {
    /// Loads the component (from the compiled cache when warm) with these
    /// options. An allow-list entry, proxy URL or CA file it cannot use is
    /// an error naming the option (a proxy URL is never quoted).
    pub fn new(options: Options) -> Result<Self> {
        let limits = Limits::for_this_process();
        let connector = match &options.component {
            Some(path) => Connector::from_file(path, limits)?,
            None => Connector::with_limits(crate::EMBEDDED_COMPONENT, limits)?,
        };
        let mut network = Network::from_env()?;
        if let Some(url) = &options.proxy {
            network = network.proxy(url).context("proxy")?;
        }
        if let Some(file) = &options.ca_file {
            network = network.ca_file(file).context("caFile")?;
        }
        let allow = match options.allow {
            Some(hosts) => Some(Sandbox::checked(hosts).context("allow")?),
            None => None,
        };
        Ok(Foreign {
            connector: Arc::new(connector.with_network(network.clone())),
            network,
            allow,
        })
    }

    /// The connector inside (an embedded intake shares it).
    pub fn connector(&self) -> &Arc<Connector> {
        &self.connector
    }

    /// The proxy and CA settings it was made with (an embedded intake's
    /// forwarder goes by them too).
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Runs `action` with the config and input as JSON text (see
    /// [`Connector::run`]). Text that is not JSON, or an action the
    /// component does not have, goes to the component's `invoke` as given,
    /// so its error is the component's own (`invalid-input` with its field).
    pub async fn run(&self, action: &str, config: &str, input: &str) -> Reply {
        let parsed = serde_json::from_str::<Value>(config)
            .ok()
            .zip(serde_json::from_str::<Value>(input).ok());
        let (config, input) = match parsed {
            Some(both) if self.connector.action(action).is_ok() => both,
            _ => return self.invoke_as_given(action, config, input).await,
        };
        let sandbox = match &self.allow {
            Some(sandbox) => sandbox.clone(),
            None => Sandbox::for_config(&config),
        };
        Reply::of(
            self.connector
                .run_in(sandbox, action, &config, &input)
                .await,
        )
    }

    /// `invoke` with the text as given, in an instance that reaches nothing
    /// (the component refuses before sending).
    async fn invoke_as_given(&self, action: &str, config: &str, input: &str) -> Reply {
        let outcome = async {
            let mut session = self.connector.session(self.nowhere()).await?;
            session.invoke_text(action, config, input).await
        };
        Reply::of(outcome.await)
    }

    /// The manifest's JSON text.
    pub async fn describe(&self) -> Reply {
        let outcome = async {
            let mut session = self.connector.session(self.nowhere()).await?;
            session.describe().await.map(Ok)
        };
        Reply::of(outcome.await)
    }

    /// Verifies a webhook batch (the body as received, its
    /// `X-Line-Signature`) with the channel secret: the batch's JSON text,
    /// or the `webhook-error`.
    pub async fn parse(&self, secret: &str, body: &[u8], signature: &str) -> Reply {
        let outcome = async {
            let mut session = self.connector.session(self.nowhere()).await?;
            session.parse_json(secret, body, signature).await
        };
        match outcome.await {
            Ok(Ok(text)) => Reply::Ok(text),
            Ok(Err(error)) => Reply::Err(error.to_string()),
            Err(error) => trap(&error),
        }
    }

    /// A sandbox that reaches nothing.
    fn nowhere(&self) -> Sandbox {
        Sandbox::allowing(Vec::<String>::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_failure_is_a_trap_with_its_causes() {
        let error = anyhow::anyhow!("out of fuel").context("the component trapped in push");
        let Reply::Err(text) = trap(&error) else {
            panic!("not an error")
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["type"], "trap");
        assert_eq!(
            value["message"],
            "the component trapped in push: out of fuel"
        );
    }

    #[test]
    fn outcomes_become_replies_of_their_json_text() {
        assert_eq!(
            Reply::of(Ok(Ok(json!({"a": 1})))),
            Reply::Ok(r#"{"a":1}"#.into())
        );
        assert_eq!(
            Reply::of(Ok(Err(json!({"type": "api"})))),
            Reply::Err(r#"{"type":"api"}"#.into())
        );
    }
}
