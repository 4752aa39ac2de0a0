//! `line-connector webhook`: one batch verified or read (`verify`,
//! `parse`), the intake (`listen`), and its dead letters (`dead-letters`,
//! `replay`).

use anyhow::{Context, Result};
use line_connector_host::{Connector, Network, Sandbox};
use line_webhook_intake::{self as intake, Limits, Location, Retry, Sink, Store, Target};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The webhook command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// `verify` or `parse` (one batch), `listen` (the intake: an HTTP
    /// server), `dead-letters` (list the events whose delivery gave up) or
    /// `replay` (deliver them again).
    #[arg(value_parser = ["verify", "parse", "listen", "dead-letters", "replay"])]
    what: String,
    /// The channel (`--config FILE` or `--channel NAME`): its config's
    /// `channelSecret` (or `clientSecret`) is the key (never an argument,
    /// where process lists would show it). Needed by verify, parse and listen.
    #[command(flatten)]
    which: crate::channel::Which,
    /// verify, parse: the body as received (default: standard input).
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// verify, parse: the `X-Line-Signature` header's value.
    #[arg(long, value_name = "BASE64", default_value = "")]
    signature: String,
    /// listen: the address to serve on (default loopback, a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    bind: std::net::SocketAddr,
    /// listen, dead-letters, replay: the store, an SQLite file (created if
    /// missing; `sqlite:FILE` too) or a PostgreSQL database that replicas
    /// share (`postgres://USER@HOST:PORT/DB`, the password from
    /// $PGPASSWORD or the URL, never printed). Every event LINE is answered
    /// 200 for is in it first.
    #[arg(long, value_name = "FILE|URL")]
    store: Option<Location>,
    /// listen: POST each event to this URL instead of printing it
    /// (`https://`, or `http://` to loopback; `user:password@` is sent as
    /// Basic authorization and never printed).
    #[arg(long, value_name = "URL")]
    forward: Option<String>,
    /// listen: one more header on each forwarded POST, its value from the
    /// environment variable ENV, e.g. `Authorization=PLATFORM_AUTH`.
    #[arg(long = "forward-header", value_name = "NAME=ENV")]
    forward_header: Option<String>,
    /// listen: sign each forwarded body (`X-Line-Connector-Signature`:
    /// base64 of its HMAC-SHA256) with the secret in this environment variable.
    #[arg(long = "forward-secret-env", value_name = "ENV")]
    forward_secret_env: Option<String>,
    /// listen: a previous channel secret (from this environment variable)
    /// also accepted, while a rotation is under way; repeat for more.
    #[arg(long = "also-secret-env", value_name = "ENV")]
    also_secret_env: Vec<String>,
    /// listen, parse: keep only events of these types (LINE's names,
    /// comma-separated, e.g. `message,postback`); others are acknowledged
    /// and dropped.
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',')]
    types: Option<Vec<String>>,
    /// listen: delivery attempts per event before it is parked as a dead letter.
    #[arg(long, default_value_t = Retry::default().attempts)]
    attempts: u32,
    /// listen: the pause after a failed delivery (ms); it doubles each time…
    #[arg(long = "first-pause-ms", default_value_t = 1000)]
    first_pause_ms: u64,
    /// listen: …up to this (ms).
    #[arg(long = "longest-pause-ms", default_value_t = 300_000)]
    longest_pause_ms: u64,
    /// listen: each delivery attempt's bound (ms).
    #[arg(long = "attempt-timeout-ms", default_value_t = 10_000)]
    attempt_timeout_ms: u64,
    /// listen: undelivered events the store takes at most; beyond it LINE
    /// is answered 503 (and redelivers).
    #[arg(long = "max-backlog", default_value_t = 100_000)]
    max_backlog: u64,
    /// listen: days a delivered event is remembered (LINE's redeliveries of
    /// it recognised).
    #[arg(long = "keep-days", default_value_t = 7)]
    keep_days: u64,
    /// listen: connections open at once (fewer if the open-files limit is lower).
    #[arg(long = "max-connections", default_value_t = Limits::default().connections)]
    max_connections: usize,
    /// listen: the deadline for a request's head (ms).
    #[arg(long = "header-timeout-ms", default_value_t = 5000)]
    header_timeout_ms: u64,
    /// listen: the deadline for a request's body (ms).
    #[arg(long = "body-timeout-ms", default_value_t = 5000)]
    body_timeout_ms: u64,
    /// listen: a connection idle this long is closed (ms).
    #[arg(long = "idle-timeout-ms", default_value_t = 10_000)]
    idle_timeout_ms: u64,
    /// listen: serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long = "tls-cert", value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// listen: the PEM private key of --tls-cert.
    #[arg(long = "tls-key", value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// listen: days a contact nothing was heard of (no event, check, sync
    /// or link) is kept before it is deleted.
    #[arg(long = "contact-days", default_value_t = 180)]
    contact_days: u64,
    /// replay: only the dead letters with these webhookEventIds (default: all).
    #[arg(long = "id", value_name = "WEBHOOK_EVENT_ID")]
    ids: Vec<String>,
}

/// Runs `webhook WHAT`; the connector is made only when needed.
pub async fn run(
    args: &Args,
    connector: impl Fn(bool) -> Result<Connector>,
    network: impl Fn() -> Result<Network>,
) -> Result<ExitCode> {
    match args.what.as_str() {
        "dead-letters" => dead_letters(store_path(args)?).await,
        "replay" => replay(store_path(args)?, &args.ids).await,
        "listen" => {
            let options = listen_options(args, network()?)?;
            let connector = std::sync::Arc::new(connector(false)?);
            intake::listen(connector, options).await?;
            Ok(ExitCode::SUCCESS)
        }
        what => {
            let secret = channel_secret(args)?;
            let body = read_body(args.body.as_deref())?;
            one_batch(&connector(true)?, what, &secret, &body, args).await
        }
    }
}

/// `--store`, which the intake's commands need.
fn store_path(args: &Args) -> Result<&Location> {
    args.store.as_ref().context(
        "--store FILE|URL: the intake's store (an SQLite file or a PostgreSQL URL) is needed",
    )
}

/// The config's channel secret: `channelSecret` (or `clientSecret`, the
/// same secret in the client-credentials mode). Without one, every batch
/// would be refused: a usage error, not a server that answers 401 forever.
fn channel_secret(args: &Args) -> Result<String> {
    let config = args.which.config()?;
    let secret = ["channelSecret", "clientSecret"]
        .iter()
        .find_map(|key| config.get(*key).and_then(Value::as_str))
        .map(str::trim)
        .unwrap_or_default();
    anyhow::ensure!(
        !secret.is_empty(),
        "--config: no channelSecret (the channel secret webhook batches are signed with)"
    );
    Ok(secret.to_owned())
}

/// `listen`'s options from the arguments; a URL or file it cannot use is
/// refused here, before anything listens.
fn listen_options(args: &Args, network: Network) -> Result<intake::Options> {
    let mut secrets = vec![channel_secret(args)?];
    // With send credentials beside the secret, answerers of asks get replies.
    let config = args.which.config()?;
    let can_send = ["channelAccessToken", "clientId"]
        .iter()
        .any(|key| config.get(*key).is_some_and(|v| !v.is_null()));
    let reply_config = can_send.then_some(config);
    for env in &args.also_secret_env {
        let secret = std::env::var(env)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .with_context(|| format!("--also-secret-env: ${env} is not set"))?;
        secrets.push(secret.trim().to_owned());
    }
    let sink = match &args.forward {
        Some(url) => Sink::Forward(Box::new(Target::parse(
            url,
            args.forward_header.as_deref(),
            args.forward_secret_env.as_deref(),
        )?)),
        None => Sink::Stdout,
    };
    anyhow::ensure!(args.attempts >= 1, "--attempts: at least 1");
    let ms = Duration::from_millis;
    Ok(intake::Options {
        bind: args.bind,
        secrets,
        store: store_path(args)?.clone(),
        max_backlog: args.max_backlog,
        keep_delivered: Duration::from_secs(args.keep_days * 86_400),
        sink,
        retry: Retry {
            attempts: args.attempts,
            first_pause: ms(args.first_pause_ms),
            longest_pause: ms(args.longest_pause_ms.max(args.first_pause_ms)),
            attempt_timeout: ms(args.attempt_timeout_ms.max(1)),
        },
        types: args.types.clone(),
        limits: Limits {
            connections: args.max_connections.max(1),
            header_timeout: ms(args.header_timeout_ms.max(1)),
            body_timeout: ms(args.body_timeout_ms.max(1)),
            idle_timeout: ms(args.idle_timeout_ms.max(1)),
            ..Limits::default()
        },
        tls: args.tls_cert.clone().zip(args.tls_key.clone()),
        network,
        reply_config,
        channel: args.which.name().to_owned(),
        contact_retention: Duration::from_secs(args.contact_days.max(1) * 86_400),
    })
}

/// The body from `--body` or standard input, refused past the component's
/// bound before anything crosses into it.
fn read_body(path: Option<&Path>) -> Result<Vec<u8>> {
    use line_connector_host::files;
    let max = intake::receive::MAX_BODY_BYTES as u64;
    match path {
        Some(path) => files::read(path, max, "--body"),
        None => files::bounded(std::io::stdin(), max).context("the body on standard input"),
    }
}

/// `verify` (prints `{"verified": true}`) or `parse` (prints each event as
/// `listen` does: one JSON line each); the error (exit 1) otherwise.
async fn one_batch(
    connector: &Connector,
    what: &str,
    secret: &str,
    body: &[u8],
    args: &Args,
) -> Result<ExitCode> {
    let mut session = connector
        .session(Sandbox::allowing(Vec::<String>::new()))
        .await?;
    let outcome = match what {
        "parse" => session.parse_json(secret, body, &args.signature).await?,
        _ => session
            .webhook("verify", secret, body, &args.signature)
            .await?
            .map(|_| r#"{"verified":true}"#.to_owned()),
    };
    match (what, outcome) {
        ("parse", Ok(batch)) => {
            let events = intake::receive::events_of(&batch, args.types.as_deref())?;
            for event in events.iter().filter(|e| e.keep) {
                println!("{}", event.json);
            }
            Ok(ExitCode::SUCCESS)
        }
        (_, Ok(verified)) => {
            println!("{verified}");
            Ok(ExitCode::SUCCESS)
        }
        (_, Err(error)) => {
            println!("{}", serde_json::to_string_pretty(&error)?);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `dead-letters`: one JSON line per parked event (its id, attempts, the
/// last failure, the event).
async fn dead_letters(path: &Location) -> Result<ExitCode> {
    let store = Store::open(path, u64::MAX).await?;
    for dead in store.dead().await? {
        let event: Value = serde_json::from_str(&dead.json)?;
        let line = serde_json::json!({
            "webhookEventId": dead.id,
            "attempts": dead.attempts,
            "lastError": dead.last_error,
            "event": event,
        });
        println!("{line}");
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `replay`: the dead letters (all, or those `--id` names) put back to be
/// delivered by the running (or next) `listen`.
async fn replay(path: &Location, ids: &[String]) -> Result<ExitCode> {
    let store = Store::open(path, u64::MAX).await?;
    let count = store.replay(ids).await?;
    store.close().await;
    println!("{}", serde_json::json!({"replayed": count}));
    Ok(ExitCode::SUCCESS)
}
