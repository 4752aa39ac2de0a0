//! The demo's contacts scene: an intake for channel `soc` on loopback
//! (keeping contacts, delivering no events), a platform user linked to a
//! LINE user through LINE's account-link flow (the simulator playing the
//! user who confirms), a push to `contact:alice@corp.example`, and the
//! same push refused from the store once the user blocked the account.

use anyhow::{Context, Result};
use line_connector_host::{Connector, Network, Sandbox};
use line_simulator::{CLIENT_SECRET, Simulator};
use line_webhook_intake::sending::{self, DEFAULT_FRESH_FOR, Directory};
use line_webhook_intake::{self as intake, Limits, Retry, Sink, Store, contacts, linking};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// The platform's own id the scene links.
const ALICE: &str = "alice@corp.example";
/// The LINE user who is Alice.
const ALICE_LINE: &str = "U4af4980629a2b3c4d5e6f708192a3b4c";
/// The channel's name.
const CHANNEL: &str = "soc";

/// Plays the scene against `sim`, one line per step; how many steps did
/// not come out as they should.
pub async fn run(
    connector: Arc<Connector>,
    sim: &Simulator,
    config: &Value,
    out: &mut impl Write,
) -> Result<usize> {
    let dir = tempfile_dir()?;
    let store_path = dir.join("store.db");
    // The store is migrated before the intake opens it, and the intake's
    // port is bound here and handed over: a port found free and bound
    // later can be taken in between by another program on a busy machine.
    let store = Store::open(&store_path.clone().into(), u64::MAX).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("a loopback port")?;
    let bind = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listening = tokio::spawn(intake::serve_until(
        connector.clone(),
        options(bind, store_path, config),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let callback = format!("http://{bind}/callback");
    writeln!(
        out,
        "\nContacts: channel {CHANNEL}, its intake at {callback}"
    )?;
    let failed = scene(&connector, sim, config, &store, &callback, out).await;
    let _ = stop.send(());
    let _ = listening.await;
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    failed
}

/// The steps.
async fn scene(
    connector: &Connector,
    sim: &Simulator,
    config: &Value,
    store: &Store,
    callback: &str,
    out: &mut impl Write,
) -> Result<usize> {
    let mut failed = 0;
    let mut step = |ok: bool, line: String, out: &mut dyn Write| -> Result<()> {
        failed += usize::from(!ok);
        let mark = if ok { "ok  " } else { "FAIL" };
        Ok(writeln!(out, "{mark} {line}")?)
    };
    let expiry = linking::DEFAULT_EXPIRY;
    let started =
        linking::start(connector, config, store, CHANNEL, ALICE, ALICE_LINE, expiry).await?;
    let url = started
        .as_ref()
        .map(|s| s["url"].as_str().unwrap_or_default().to_owned());
    step(
        url.is_ok(),
        format!(
            "contacts link --user-id {ALICE_LINE} --platform-id {ALICE} → {}",
            shown(&started)
        ),
        out,
    )?;
    let (_, status) = sim
        .open_link(callback, &url.unwrap_or_default(), ALICE_LINE)
        .await?;
    let linked = wait_linked(store).await?;
    step(
        status == 200 && linked.is_some(),
        format!(
            "the user opens it in LINE and confirms: accountLink → intake {status}; contact {}",
            linked.map_or(Value::Null, |c| c.to_json())
        ),
        out,
    )?;
    let directory = Directory {
        store: store.clone(),
        channel: CHANNEL.into(),
        fresh_for: DEFAULT_FRESH_FOR,
    };
    let input = json!({"to": format!("contact:{ALICE}"), "messages": [{"type": "text", "text": "Sign-in from a new device: was it you?"}]});
    let mut session = connector.session(Sandbox::for_config(config)).await?;
    let sent = sending::run(&mut session, config, &directory, "push", &input).await?;
    let to = sim
        .deliveries()
        .last()
        .map(|d| d.to.clone())
        .unwrap_or_default();
    step(
        sent.is_ok() && to == [ALICE_LINE],
        format!(
            "run push --store … --input '{{\"to\":\"contact:{ALICE}\",…}}' → {} (delivered to {to:?})",
            shown(&sent)
        ),
        out,
    )?;
    let (_, status) = sim.unfollow(callback, ALICE_LINE).await?;
    let requests = sim.requests().len();
    wait_blocked(store).await?;
    let refused = sending::run(&mut session, config, &directory, "push", &input).await?;
    step(
        refused.as_ref().is_err_and(|e| e["type"] == "not-a-friend")
            && sim.requests().len() == requests,
        format!(
            "the user blocks the account (unfollow → intake {status}); the same push → {} with no request to LINE",
            shown(&refused)
        ),
        out,
    )?;
    Ok(failed)
}

/// The intake's options: contacts kept, no event delivered.
fn options(
    bind: std::net::SocketAddr,
    store: std::path::PathBuf,
    config: &Value,
) -> intake::Options {
    intake::Options {
        bind,
        secrets: vec![CLIENT_SECRET.to_owned()],
        store: store.into(),
        max_backlog: 1000,
        keep_delivered: Duration::from_secs(86_400),
        sink: Sink::Stdout,
        retry: Retry::default(),
        // No type kept: contacts are updated, nothing is printed.
        types: Some(Vec::new()),
        limits: Limits::default(),
        tls: None,
        network: Network::default(),
        reply_config: Some(config.clone()),
        channel: CHANNEL.into(),
        contact_retention: Duration::from_secs(180 * 86_400),
    }
}

/// Waits (at most 10 s) for Alice's link.
async fn wait_linked(store: &Store) -> Result<Option<contacts::Contact>> {
    for _ in 0..100 {
        if let Some(contact) = contacts::linked(store, CHANNEL, ALICE).await? {
            return Ok(Some(contact));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(None)
}

/// Waits (at most 10 s) for Alice's block to be stored.
async fn wait_blocked(store: &Store) -> Result<()> {
    for _ in 0..100 {
        let contact = contacts::get(store, CHANNEL, ALICE_LINE).await?;
        if contact.is_some_and(|c| c.status.as_deref() == Some("blocked")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// An outcome, compact.
fn shown(outcome: &std::result::Result<Value, Value>) -> String {
    match outcome {
        Ok(value) | Err(value) => value.to_string(),
    }
}

/// A fresh private folder for the scene's store.
fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "line-connector-demo-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
