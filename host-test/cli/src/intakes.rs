//! `line-connector bench --intakes N`: the webhook intake end to end, LINE's
//! post to the platform's 2xx, as events per second: one intake on SQLite,
//! then one and two intakes (behind the loopback [`Balancer`]) sharing a
//! PostgreSQL server the benchmark starts itself. Each intake is a
//! `webhook listen` process of this command; LINE is played by eight
//! senders posting signed batches of ten events over fifty chats, each
//! batch posted again until it is answered 200 (as LINE redelivers); the
//! platform is a loopback server that answers 200 at once.

use crate::balancer::Balancer;
use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use line_scratch_postgres::Server as Postgres;
use line_simulator::webhooks::{post_batch, text_event};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Events per batch LINE posts.
const BATCH: usize = 10;
/// Batches posted at once.
const SENDERS: usize = 8;
/// Chats the events are spread over.
const CHATS: usize = 50;

/// One measured arrangement.
struct Figures {
    /// Events per second acknowledged to LINE (its posts answered 200).
    acknowledged: f64,
    /// Events per second taken by the platform, from the first post.
    end_to_end: f64,
}

/// Measures each arrangement with `events` events and writes its rows
/// (the table's columns: measurement, figure, compared with, ratio).
pub async fn run(out: &mut impl Write, events: usize) -> Result<()> {
    let events = events.max(BATCH * SENDERS);
    let dir = tempfile::tempdir()?;
    let sqlite = dir.path().join("intake.db");
    let alone = measure(&[sqlite.to_str().context("a UTF-8 path")?], None, events).await?;
    let postgres = tokio::task::spawn_blocking(Postgres::start).await??;
    postgres.create_database("one")?;
    postgres.create_database("two")?;
    let one_url = postgres.url("one");
    let one = measure(&[&one_url], Some(&postgres), events).await?;
    let two_url = postgres.url("two");
    let two = measure(&[&two_url, &two_url], Some(&postgres), events).await?;
    let baseline = "SQLite, 1 intake";
    for (name, figures) in [
        ("SQLite, 1 intake", &alone),
        ("PostgreSQL, 1 intake", &one),
        ("PostgreSQL, 2 intakes", &two),
    ] {
        writeln!(
            out,
            "| intake end to end, {name} | {:.0} events/s ({:.0}/s acknowledged) | {baseline} | {:.2}x |",
            figures.end_to_end,
            figures.acknowledged,
            figures.end_to_end / alone.end_to_end
        )?;
    }
    Ok(())
}

/// Starts an intake per store in `stores` (PostgreSQL's password from
/// `postgres`), a balancer before them when more than one, and sends
/// `events` events through.
async fn measure(stores: &[&str], postgres: Option<&Postgres>, events: usize) -> Result<Figures> {
    let platform = Platform::start().await?;
    let config = tempfile::NamedTempFile::new()?;
    std::fs::write(
        config.path(),
        json!({"channelSecret": line_simulator::CLIENT_SECRET}).to_string(),
    )?;
    let mut intakes = Vec::new();
    for store in stores {
        intakes.push(Intake::start(
            store,
            config.path(),
            &platform.url,
            postgres,
        )?);
    }
    let urls: Vec<&str> = intakes.iter().map(|i| i.url.as_str()).collect();
    let balancer = match urls.len() {
        1 => None,
        _ => Some(Balancer::start(&urls).await),
    };
    let front = balancer.as_ref().map_or(urls[0], |b| b.url.as_str());
    let callback = format!("{front}/callback");
    let batches = batches(events);
    let started = Instant::now();
    send_all(&callback, batches).await?;
    let acknowledged = started.elapsed();
    platform.wait_for(events, Duration::from_secs(600)).await?;
    let end_to_end = started.elapsed();
    Ok(Figures {
        acknowledged: events as f64 / acknowledged.as_secs_f64(),
        end_to_end: events as f64 / end_to_end.as_secs_f64(),
    })
}

/// `events` text events in batches, spread over the chats.
fn batches(events: usize) -> Vec<Vec<Value>> {
    let all: Vec<Value> = (0..events)
        .map(|i| {
            let user = format!("U{:032x}", i % CHATS);
            text_event(&format!("bench-{i}"), &user, &user, "bench")
        })
        .collect();
    all.chunks(BATCH).map(<[Value]>::to_vec).collect()
}

/// Posts every batch to `url`, [`SENDERS`] at once, each until answered 200.
async fn send_all(url: &str, batches: Vec<Vec<Value>>) -> Result<()> {
    let queue = Arc::new(Mutex::new(batches));
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..SENDERS {
        let (queue, url) = (queue.clone(), url.to_owned());
        senders.spawn(async move {
            loop {
                let Some(batch) = queue.lock().unwrap().pop() else {
                    return Ok::<_, anyhow::Error>(());
                };
                let mut tries = 0;
                while post_batch(&url, &batch).await.ok() != Some(200) {
                    tries += 1;
                    anyhow::ensure!(tries < 100, "a batch refused 100 times");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
    }
    while let Some(done) = senders.join_next().await {
        done??;
    }
    Ok(())
}

/// A `webhook listen` process of this command; killed when dropped.
struct Intake {
    child: Child,
    url: String,
}

impl Intake {
    fn start(
        store: &str,
        config: &std::path::Path,
        forward: &str,
        postgres: Option<&Postgres>,
    ) -> Result<Intake> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["webhook", "listen", "--store", store, "--forward", forward])
            .arg("--config")
            .arg(config)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(postgres) = postgres {
            command.env("PGPASSWORD", postgres.password());
        }
        let mut child = command.spawn()?;
        let mut stderr = BufReader::new(child.stderr.take().context("stderr")?);
        let mut first = String::new();
        stderr.read_line(&mut first)?;
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("the intake did not start: {first}"))?
            .to_owned();
        // Drained, so the intake never blocks on a full pipe.
        std::thread::spawn(move || for _ in stderr.lines() {});
        Ok(Intake { child, url })
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The platform: answers 200 at once, counting the distinct events taken.
struct Platform {
    url: String,
    taken: Arc<Mutex<HashSet<String>>>,
    more: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Platform {
    async fn start() -> Result<Platform> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/line", listener.local_addr()?);
        let taken: Arc<Mutex<HashSet<String>>> = Arc::default();
        let more = Arc::new(Notify::new());
        let (counted, told) = (taken.clone(), more.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (taken, more) = (counted.clone(), told.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let (taken, more) = (taken.clone(), more.clone());
                        async move {
                            take(request, &taken).await;
                            more.notify_one();
                            Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                                Bytes::new(),
                            )))
                        }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
        Ok(Platform {
            url,
            taken,
            more,
            task,
        })
    }

    /// Until `n` distinct events were taken, at most `within`.
    async fn wait_for(&self, n: usize, within: Duration) -> Result<()> {
        let deadline = Instant::now() + within;
        while self.taken.lock().unwrap().len() < n {
            anyhow::ensure!(Instant::now() < deadline, "the intakes delivered too few");
            let _ = tokio::time::timeout(Duration::from_millis(100), self.more.notified()).await;
        }
        Ok(())
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Records the event a forwarded POST carries.
async fn take(request: hyper::Request<hyper::body::Incoming>, taken: &Mutex<HashSet<String>>) {
    let Ok(body) = request.into_body().collect().await else {
        return;
    };
    let event: Value = serde_json::from_slice(&body.to_bytes()).unwrap_or_default();
    if let Some(id) = event["webhookEventId"].as_str() {
        taken.lock().unwrap().insert(id.to_owned());
    }
}
