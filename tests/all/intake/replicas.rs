//! Two intakes behind one webhook URL, sharing a real PostgreSQL server
//! (Debian's, started here as a non-root user on loopback): a loopback TCP
//! balancer in front, LINE's posts through it, the platform behind. One
//! replica killed with SIGKILL mid-stream; the database crashed and
//! started again under load; a redelivery reaching the other replica; an
//! ask put by one process, answered through one replica and waited for by
//! a third process. Counted: every event LINE was told 200 for reaches the
//! platform, in order per chat, and twice only where the first delivery
//! was in flight when its replica died.

use super::ask::{ask, ask_with, pushed_to, replies};
use super::*;
use crate::support::{USER, token_config};
use line_connector_cli::balancer::Balancer;
use line_scratch_postgres::Server;
use line_simulator::{CLIENT_SECRET, Simulator};
use std::collections::{BTreeMap, HashMap};

/// The attempt timeout the replicas run with (their claims' lease is
/// this and 5 s).
const ATTEMPT_MS: &str = "1000";

/// A PostgreSQL server with a fresh database.
fn database() -> (Server, String) {
    let server = Server::start().unwrap();
    server.create_database("intake").unwrap();
    let url = server.url("intake");
    (server, url)
}

/// `webhook listen --store URL --forward PLATFORM` with the password in
/// `PGPASSWORD` (not in the URL), and `config` as its channel.
fn replica(pg: &Server, url: &str, config: &Value, platform: &Platform) -> Intake {
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command.env("PGPASSWORD", pg.password());
    let extra = [
        "--forward",
        platform.url.as_str(),
        "--first-pause-ms",
        "100",
        "--longest-pause-ms",
        "400",
        "--attempt-timeout-ms",
        ATTEMPT_MS,
    ];
    Intake::start_config(command, config, url, &extra)
}

/// Two replicas on one database, a balancer before them, a platform
/// answering as `mode` behind them.
struct Cluster {
    pg: Server,
    url: String,
    platform: Platform,
    a: Intake,
    b: Intake,
    balancer: Balancer,
}

impl Cluster {
    async fn start(mode: Mode, config: &Value) -> Self {
        let (pg, url) = database();
        let platform = Platform::start(mode).await;
        let a = replica(&pg, &url, config, &platform);
        let b = replica(&pg, &url, config, &platform);
        let balancer = Balancer::start(&[&a.url, &b.url]).await;
        Cluster {
            pg,
            url,
            platform,
            a,
            b,
            balancer,
        }
    }

    /// No replica printed the database's password.
    fn assert_no_password_shown(&self) {
        for (name, intake) in [("a", &self.a), ("b", &self.b)] {
            let stderr = intake.stderr();
            assert!(
                !stderr.contains(self.pg.password()),
                "replica {name}: {stderr}"
            );
        }
    }
}

/// Posts `batch` to `url` as LINE does: again (a redelivery) until it is
/// answered 200, at most for 60 s; the statuses answered before.
async fn until_acknowledged(url: &str, batch: &[Value]) -> Vec<u16> {
    let started = Instant::now();
    let mut refused = Vec::new();
    let mut batch = batch.to_vec();
    loop {
        let status = send(url, &batch).await;
        if status == 200 {
            return refused;
        }
        refused.push(status);
        assert!(started.elapsed() < Duration::from_secs(60), "{refused:?}");
        for event in &mut batch {
            event["deliveryContext"]["isRedelivery"] = json!(true);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Each event's receipts at the platform (taken ones), by id.
fn receipts(platform: &Platform) -> HashMap<String, Vec<Instant>> {
    let mut by_id: HashMap<String, Vec<Instant>> = HashMap::new();
    for received in platform.received().iter().filter(|r| r.taken) {
        let id = received.event["webhookEventId"]
            .as_str()
            .unwrap()
            .to_owned();
        by_id.entry(id).or_default().push(received.at);
    }
    by_id
}

/// Every event `acknowledged` reaches the platform (within 60 s), in order
/// per chat among those `sent`, and twice only if in flight at `at`.
async fn all_arrive(platform: &Platform, acknowledged: &[Value], sent: &[Value], at: Instant) {
    platform
        .wait_taken(acknowledged.len(), Duration::from_secs(60))
        .await;
    let seen = receipts(platform);
    for event in acknowledged {
        assert!(seen.contains_key(event["webhookEventId"].as_str().unwrap()));
    }
    assert_twice_only_in_flight(&seen, at);
    assert_order_per_chat(platform, sent);
}

/// Events delivered twice were in flight at `at` (a replica killed, the
/// database crashed): first received less than the attempt timeout before
/// it, and so at most one per chat a replica delivers to at once; again
/// only once the claim lapsed. None delivered and recorded is delivered
/// again.
fn assert_twice_only_in_flight(seen: &HashMap<String, Vec<Instant>>, at: Instant) {
    let attempt = Duration::from_millis(ATTEMPT_MS.parse().unwrap());
    let twice: Vec<(&String, &Vec<Instant>)> = seen.iter().filter(|(_, t)| t.len() > 1).collect();
    for (id, times) in &twice {
        let first = times[0];
        let in_flight = first < at + attempt && at.saturating_duration_since(first) < attempt;
        assert!(
            in_flight,
            "{id} delivered twice, first {first:?}, at {at:?}"
        );
    }
    assert!(twice.len() <= 2 * 16, "{} twice", twice.len());
}

/// Each chat's events of `sent`, in the order of their first receipts,
/// are in the order they were sent in.
fn assert_order_per_chat(platform: &Platform, sent: &[Value]) {
    let mut first_seen: Vec<(Instant, String)> = receipts(platform)
        .into_iter()
        .map(|(id, at)| (at[0], id))
        .collect();
    first_seen.sort();
    let chat_of: HashMap<&str, &str> = sent
        .iter()
        .map(|e| {
            (
                e["webhookEventId"].as_str().unwrap(),
                e["source"]["userId"].as_str().unwrap(),
            )
        })
        .collect();
    let mut per_chat: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (_, id) in &first_seen {
        if let Some(chat) = chat_of.get(id.as_str()) {
            per_chat.entry(chat).or_default().push(id);
        }
    }
    for e in sent {
        let chat = e["source"]["userId"].as_str().unwrap();
        let expected: Vec<&str> = sent
            .iter()
            .filter(|s| s["source"]["userId"] == chat)
            .map(|s| s["webhookEventId"].as_str().unwrap())
            .collect();
        assert_eq!(per_chat[chat], expected, "chat {chat}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_stream_loses_nothing_acknowledged() {
    let config = json!({"channelSecret": SECRET});
    let mut c = Cluster::start(Mode::Slow(50), &config).await;
    let sent = events("kill", 240, 12);
    let mut killed_at = None;
    for (n, batch) in sent.chunks(5).enumerate() {
        until_acknowledged(&c.balancer.url, batch).await;
        if n == 15 {
            // Deliveries in flight on both replicas (the platform takes 50 ms each).
            c.a.signal(libc::SIGKILL);
            killed_at = Some(Instant::now());
            c.a.exited(Duration::from_secs(10)).expect("killed");
        }
    }
    let killed_at = killed_at.unwrap();
    // Twice only if its first delivery was in flight (less than the
    // attempt timeout before the kill) on the killed replica.
    all_arrive(&c.platform, &sent, &sent, killed_at).await;
    assert!(c.b.running(), "the other replica goes on");
    c.assert_no_password_shown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_restarted_under_load_loses_nothing_acknowledged() {
    let config = json!({"channelSecret": SECRET});
    let mut c = Cluster::start(Mode::Take, &config).await;
    let sent = events("restart", 120, 6);
    let mut batches = sent.chunks(5);
    for batch in batches.by_ref().take(8) {
        until_acknowledged(&c.balancer.url, batch).await;
    }
    c.pg.crash();
    let crashed_at = Instant::now();
    // While it is away, each replica answers 503 (LINE redelivers), in time.
    let away = &events("away", 2, 1);
    for _ in 0..4 {
        let started = Instant::now();
        assert_eq!(send(&c.balancer.url, away).await, 503);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "within LINE's 2 s"
        );
    }
    c.pg.start_again().unwrap();
    let mut acknowledged = sent[..40].to_vec();
    let refused = until_acknowledged(&c.balancer.url, away).await;
    acknowledged.extend_from_slice(away);
    assert!(refused.iter().all(|s| *s == 503), "{refused:?}");
    for batch in batches {
        until_acknowledged(&c.balancer.url, batch).await;
        acknowledged.extend_from_slice(batch);
    }
    all_arrive(&c.platform, &acknowledged, &sent, crashed_at).await;
    assert!(c.a.running() && c.b.running(), "both replicas rode it out");
    c.assert_no_password_shown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_reaching_the_other_replica_is_recognised() {
    let config = json!({"channelSecret": SECRET});
    let c = Cluster::start(Mode::Take, &config).await;
    let mut first = events("first", 4, 2);
    // Redelivered to the other replica at once (maybe not delivered yet)…
    assert_eq!(send(&c.a.url, &first).await, 200);
    for event in &mut first {
        event["deliveryContext"]["isRedelivery"] = json!(true);
    }
    assert_eq!(send(&c.b.url, &first).await, 200);
    // …and once delivered.
    let second = events("second", 4, 2);
    assert_eq!(send(&c.b.url, &second).await, 200);
    c.platform.wait_taken(8, Duration::from_secs(20)).await;
    assert_eq!(send(&c.a.url, &second).await, 200);
    assert_eq!(send(&c.balancer.url, &first).await, 200);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = receipts(&c.platform);
    assert_eq!(seen.len(), 8);
    assert!(seen.values().all(|at| at.len() == 1), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ask_put_by_one_process_is_answered_through_a_replica_and_seen_by_a_third() {
    let sim = Simulator::start().await.unwrap();
    let mut config = token_config(&sim);
    config["channelSecret"] = json!(CLIENT_SECRET);
    let c = Cluster::start(Mode::Take, &config).await;
    // The asking process has the password in the URL instead.
    let with_password = c
        .url
        .replacen("line@", &format!("line:{}@", c.pg.password()), 1);
    let args = [
        "--to",
        USER,
        "--question",
        "Isolate host WS-042?",
        "--option",
        "Yes",
        "--option",
        "No",
    ];
    let (code, put) = ask(&sim, &with_password, &args).await;
    assert_eq!(code, Some(0), "{put}");
    let id = put["askId"].as_str().unwrap().to_owned();
    pushed_to(&sim, USER).await;
    // A third process waits…
    let waiting = tokio::spawn(ask_with(
        token_config(&sim),
        with_password.clone().into(),
        vec![
            "--id".into(),
            id.clone(),
            "--wait".into(),
            "--timeout".into(),
            "30".into(),
        ],
    ));
    // …while the user's tap reaches replica b.
    let callback = format!("{}/callback", c.b.url);
    assert_eq!(
        sim.tap(&callback, "tap-b", USER, USER, 0).await.unwrap(),
        200
    );
    let (code, done) = waiting.await.unwrap();
    assert_eq!(code, Some(0), "{done}");
    assert_eq!(done["answer"]["option"], "Yes");
    assert_eq!(done["answer"]["answerer"], USER);
    // The answerer was thanked once; a second tap through replica a finds
    // the ask closed.
    let callback = format!("{}/callback", c.a.url);
    assert_eq!(
        sim.tap(&callback, "tap-a", USER, USER, 1).await.unwrap(),
        200
    );
    eventually(Duration::from_secs(10), || replies(&sim).len() == 2).await;
    let told = replies(&sim);
    assert_eq!(
        told.iter().filter(|t| t.starts_with("Thanks")).count(),
        1,
        "{told:?}"
    );
    // The platform got the answer event once, whichever replica delivered it.
    eventually(Duration::from_secs(10), || {
        receipts(&c.platform)
            .keys()
            .any(|id| id.starts_with("answer-"))
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let answers: Vec<usize> = receipts(&c.platform)
        .iter()
        .filter(|(id, _)| id.starts_with("answer-"))
        .map(|(_, at)| at.len())
        .collect();
    assert_eq!(answers, [1]);
    let (_, status) = ask(&sim, &with_password, &["--id", &id]).await;
    assert_eq!(status["state"], "answered");
    assert!(!status.to_string().contains(c.pg.password()));
    c.assert_no_password_shown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_reached_over_tls_has_its_certificate_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let pg = Server::start_tls(&cert, &key).unwrap();
    pg.create_database("intake").unwrap();
    let platform = Platform::start(Mode::Take).await;
    let config = json!({"channelSecret": SECRET});
    let verified = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        pg.url("intake"),
        ca.display()
    );
    let intake = replica(&pg, &verified, &config, &platform);
    assert_eq!(send(&intake.url, &events("tls", 3, 1)).await, 200);
    platform.wait_taken(3, Duration::from_secs(20)).await;
    // Without TLS the server refuses; with a CA that did not sign it, the
    // intake does: neither starts.
    for (store, why) in [
        (format!("{}?sslmode=disable", pg.url("intake")), "no TLS"),
        (
            format!("{}?sslmode=verify-full", pg.url("intake")),
            "unknown CA",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_line-connector"))
            .env("PGPASSWORD", pg.password())
            .args(["webhook", "listen", "--store", &store])
            .args([
                "--config",
                crate::support::path_of(&crate::support::config_file(&config)),
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{why}: {stderr}");
        assert!(
            stderr.contains("opening the store postgres://line@127.0.0.1"),
            "{why}: {stderr}"
        );
        assert!(!stderr.contains(pg.password()), "{stderr}");
    }
}
