//! The intake and asks as the Python and Node packages call them: settings,
//! questions and answers as JSON (LINE's and the command's names in
//! camelCase), the intake stopped through its handle rather than a signal.
//! The same code paths as `line-connector webhook listen` and `ask`.

use crate::ask::{Answerers, Question, invalid};
use crate::deliver::{Retry, Sink};
use crate::sending::{self, DEFAULT_FRESH_FOR, Directory};
use crate::{Limits, Location, Options, Store, Target, asks, contacts};
use anyhow::{Context, Result};
use line_connector_host::{Connector, Network};
use serde::Deserialize;
use serde_json::Value;
use std::net::SocketAddr;

use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What an embedded intake is told; the command's defaults for the rest.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Where to listen (default `127.0.0.1:0`, a free loopback port).
    #[serde(default = "loopback")]
    bind: String,
    /// The channel secrets a batch may be signed with (the current first).
    channel_secrets: Vec<String>,
    /// The store: an SQLite file's path (or `sqlite:PATH`), or a
    /// `postgres://` URL that replicas share.
    store: Location,
    /// The platform's URL each stored event is POSTed to.
    forward: String,
    /// Only events of these types are delivered (all by default).
    #[serde(default)]
    types: Option<Vec<String>>,
    /// The channel's config, to reply to answerers of asks and fetch new
    /// followers' profiles.
    #[serde(default)]
    reply_config: Option<Value>,
    /// The channel's name, which its contacts are kept under.
    #[serde(default)]
    channel: Option<String>,
    /// Undelivered events the store takes at most (then 503).
    #[serde(default = "max_backlog")]
    max_backlog: u64,
    /// Days delivered events are remembered (to recognise redeliveries).
    #[serde(default = "keep_days")]
    keep_days: u64,
    /// Days a contact nothing was heard of is kept.
    #[serde(default = "contact_days")]
    contact_days: u64,
}

fn loopback() -> String {
    "127.0.0.1:0".into()
}
fn max_backlog() -> u64 {
    100_000
}
fn keep_days() -> u64 {
    7
}
fn contact_days() -> u64 {
    180
}

/// A settings error with every quoted value blanked: serde quotes a wrong
/// value (`invalid type: string "…", expected a sequence`), and settings
/// hold channel secrets and a config; field names (in backticks) stay.
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    out.push_str(parts.next().unwrap_or_default());
    while let (Some(_value), Some(rest)) = (parts.next(), parts.next()) {
        out.push_str("\"…\"");
        out.push_str(rest);
    }
    out
}

/// A running intake.
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<()>>,
}

impl Running {
    /// Stops it as SIGTERM does (no new connection; requests and a delivery
    /// round in flight finished) and waits until it has.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.context("the intake's task")?
    }
}

/// Starts an intake with `settings` (JSON text); a setting it cannot use
/// (an unknown name, a forward URL or address it cannot use) is an error
/// naming it, before anything listens.
pub async fn start(connector: Arc<Connector>, network: Network, settings: &str) -> Result<Running> {
    let settings: Settings = serde_json::from_str(settings).map_err(|error| {
        anyhow::anyhow!("the intake's settings: {}", unquoted(&error.to_string()))
    })?;
    anyhow::ensure!(
        !settings.channel_secrets.iter().all(|s| s.trim().is_empty()),
        "channelSecrets: at least one channel secret"
    );
    let bind: SocketAddr = settings.bind.parse().context("bind: not an address")?;
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("listening on {bind}"))?;
    let address = listener.local_addr()?;
    let target = Target::parse(&settings.forward, None, None).context("forward")?;
    // The store made and migrated before `start` returns, so an ask on it
    // right after never races the intake's first opening.
    Store::open(&settings.store, settings.max_backlog)
        .await?
        .close()
        .await;
    let options = Options {
        bind: address,
        secrets: settings.channel_secrets,
        store: settings.store,
        max_backlog: settings.max_backlog,
        keep_delivered: Duration::from_secs(settings.keep_days * 86_400),
        sink: Sink::Forward(Box::new(target)),
        retry: Retry::default(),
        types: settings.types,
        limits: Limits::default(),
        tls: None,
        network,
        reply_config: settings.reply_config,
        channel: settings
            .channel
            .unwrap_or_else(|| contacts::DEFAULT_CHANNEL.into()),
        contact_retention: Duration::from_secs(settings.contact_days.max(1) * 86_400),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(crate::serve_until(connector, options, listener, async {
        let _ = stopped.await;
    }));
    Ok(Running {
        address,
        stop: Some(stop),
        task,
    })
}

/// What an ask is given, as JSON: the command's options' names.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Asked {
    to: String,
    question: String,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    free_text: bool,
    /// `"asked"` (default), `"any"`, or a list of user ids.
    #[serde(default)]
    answerers: Option<Value>,
    #[serde(default = "a_day")]
    expires_in: u64,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    every: bool,
    #[serde(default)]
    thanks: Option<String>,
    #[serde(default)]
    refused: Option<String>,
    /// The channel whose contacts a `contact:` reference is looked up in.
    #[serde(default)]
    channel: Option<String>,
}

fn a_day() -> u64 {
    86_400
}

/// A question from JSON, or the `invalid-input` naming what is wrong.
fn question(text: &str) -> std::result::Result<(Question, Option<String>), Value> {
    let asked: Asked = serde_json::from_str(text).map_err(|e| invalid("", e.to_string()))?;
    let answerers = match &asked.answerers {
        None => Answerers::Asked,
        Some(Value::String(s)) if s == "asked" => Answerers::Asked,
        Some(Value::String(s)) if s == "any" => Answerers::Any,
        Some(Value::Array(ids)) => Answerers::Listed(
            ids.iter()
                .map(|id| id.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| invalid("answerers", "a list of user ids (text)"))?,
        ),
        Some(_) => {
            return Err(invalid(
                "answerers",
                "\"asked\", \"any\" or a list of user ids",
            ));
        }
    };
    let question = Question {
        to: asked.to,
        text: asked.question,
        options: asked.options,
        free_text: asked.free_text,
        answerers,
        expires_in: asked.expires_in,
        default: asked.default,
        every: asked.every,
        thanks: asked.thanks.unwrap_or_else(|| crate::ask::THANKS.into()),
        refused: asked.refused.unwrap_or_else(|| crate::ask::REFUSED.into()),
    };
    Ok((question, asked.channel))
}

/// Puts a question (JSON) with `config` (JSON), stored in `store` (a
/// path or URL, as `--store` takes it): `Ok`
/// with `{"askId", "expiresAt", "requestId"}` or `Err` with the error, as
/// `line-connector ask` does (a `contact:` reference resolved first).
pub async fn ask(
    connector: &Connector,
    config: &str,
    store: &str,
    text: &str,
) -> Result<std::result::Result<Value, Value>> {
    let config: Value = match serde_json::from_str(config) {
        Ok(config) => config,
        Err(error) => return Ok(Err(invalid("config", error.to_string()))),
    };
    let (mut question, channel) = match question(text) {
        Ok(parsed) => parsed,
        Err(error) => return Ok(Err(error)),
    };
    let store = Store::open(&store.parse()?, u64::MAX).await?;
    let directory = Directory {
        store: store.clone(),
        channel: channel.unwrap_or_else(|| contacts::DEFAULT_CHANNEL.into()),
        fresh_for: DEFAULT_FRESH_FOR,
    };
    match sending::recipient(&directory, "to", &question.to).await? {
        Ok(user) => question.to = user,
        Err(error) => return Ok(Err(error)),
    }
    let put = asks::ask(connector, &config, &store, &question).await;
    store.close().await;
    put
}

/// Where ask `id` stands (`None` for one `store` does not hold).
pub async fn status(store: &str, id: &str) -> Result<Option<Value>> {
    let store = Store::open(&store.parse()?, u64::MAX).await?;
    let status = asks::status(&store, id).await;
    store.close().await;
    status
}

/// Waits up to `timeout` (for ever without one) for ask `id`'s answer, or
/// its default at expiry; `None` when the time ran out first.
pub async fn wait(store: &str, id: &str, timeout: Option<Duration>) -> Result<Option<Value>> {
    let store = Store::open(&store.parse()?, u64::MAX).await?;
    let answered = asks::wait(&store, id, timeout).await;
    store.close().await;
    answered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settings_error_names_the_field_and_quotes_no_value() {
        let error = serde_json::from_str::<Settings>(
            r#"{"channelSecrets": "hunter2", "store": "x.db", "forward": "http://127.0.0.1:1/"}"#,
        )
        .err()
        .unwrap();
        let shown = unquoted(&error.to_string());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("expected a sequence"), "{shown}");
        let error = serde_json::from_str::<Settings>(r#"{"chanelSecrets": []}"#)
            .err()
            .unwrap();
        assert!(unquoted(&error.to_string()).contains("unknown field `chanelSecrets`"));
    }
}
