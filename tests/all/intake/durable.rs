//! Acknowledged means stored: a platform that is down, answers 500 or
//! hangs, and intakes killed with SIGTERM and SIGKILL at the worst moments;
//! every event LINE was told 200 for reaches the platform at least once.

use super::*;
use std::collections::{HashMap, HashSet};

/// Each chat's events in the order they were sent (ids), as the platform
/// took them (first delivery of each).
fn per_chat(sent: &[Value], taken: &[String]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let chat_of: HashMap<String, String> = sent
        .iter()
        .map(|e| {
            (
                e["webhookEventId"].as_str().unwrap().to_owned(),
                e["source"]["userId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut chats: Vec<String> = chat_of.values().cloned().collect();
    chats.sort();
    chats.dedup();
    let order = |ids: &mut dyn Iterator<Item = String>| {
        let ids: Vec<String> = ids.collect();
        chats
            .iter()
            .map(|chat| {
                ids.iter()
                    .filter(|id| chat_of.get(*id) == Some(chat))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let mut seen = HashSet::new();
    let first_taken: Vec<String> = taken
        .iter()
        .filter(|id| seen.insert((*id).clone()))
        .cloned()
        .collect();
    (
        order(
            &mut sent
                .iter()
                .map(|e| e["webhookEventId"].as_str().unwrap().to_owned()),
        ),
        order(&mut first_taken.into_iter()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_acknowledged_while_the_platform_is_down_reach_it_when_it_is_back() {
    let (_dir, store) = store_for(module_path!());
    let addr = Platform::down().await;
    let url = format!("http://{addr}/line?tenant=7");
    let mut args = vec!["--forward", url.as_str()];
    args.extend(QUICK);
    let intake = Intake::start(&store, &args);
    let sent = events("down", 10, 3);
    for batch in sent.chunks(4) {
        assert_eq!(send(&intake.url, batch).await, 200);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let platform = Platform::start_on(addr, Mode::Take).await;
    platform.wait_taken(10, Duration::from_secs(20)).await;
    let (sent_order, taken_order) = per_chat(&sent, &platform.taken_ids());
    assert_eq!(taken_order, sent_order, "all ten, in order per chat");
    // Each POST carries its event's id as the idempotency key, and the
    // query string of the URL it was given.
    for received in platform.received() {
        assert_eq!(
            received.headers["idempotency-key"],
            received.event["webhookEventId"].as_str().unwrap()
        );
        assert_eq!(received.target, "/line?tenant=7");
    }
    assert!(
        intake.stderr().contains("to be tried again"),
        "{}",
        intake.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_that_answers_500_or_hangs_gets_every_event_once_it_takes_them() {
    for failing in [Mode::Refuse(500), Mode::Hang] {
        let (_dir, store) = store_for(module_path!());
        let platform = Platform::start(failing).await;
        let mut args = vec!["--forward", platform.url.as_str()];
        args.extend(QUICK);
        let intake = Intake::start(&store, &args);
        let sent = events("refused", 10, 2);
        assert_eq!(send(&intake.url, &sent).await, 200);
        eventually(Duration::from_secs(10), || platform.received().len() >= 2).await;
        assert!(platform.taken_ids().is_empty());
        platform.set(Mode::Take);
        platform.wait_taken(10, Duration::from_secs(30)).await;
        let (sent_order, taken_order) = per_chat(&sent, &platform.taken_ids());
        assert_eq!(
            taken_order, sent_order,
            "{failing:?}: all ten, in order per chat"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_and_sigterm_with_events_pending_lose_nothing() {
    for signal in [libc::SIGKILL, libc::SIGTERM] {
        let (_dir, store) = store_for(module_path!());
        let addr = Platform::down().await;
        let url = format!("http://{addr}/line");
        let mut args = vec!["--forward", url.as_str()];
        args.extend(QUICK);
        let mut intake = Intake::start(&store, &args);
        let sent = events(&format!("killed-{signal}"), 40, 5);
        for batch in sent.chunks(8) {
            assert_eq!(send(&intake.url, batch).await, 200);
        }
        intake.signal(signal);
        let status = intake.exited(Duration::from_secs(10)).expect("it ends");
        if signal == libc::SIGTERM {
            assert_eq!(status.code(), Some(0), "{}", intake.stderr());
        }
        drop(intake);
        // The next start, the platform up: all forty.
        let platform = Platform::start_on(addr, Mode::Take).await;
        let _again = Intake::start(&store, &args);
        platform.wait_taken(40, Duration::from_secs(30)).await;
        let (sent_order, taken_order) = per_chat(&sent, &platform.taken_ids());
        assert_eq!(taken_order, sent_order);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_forwarding_and_marking_the_event_is_delivered_again() {
    let (_dir, store) = store_for(module_path!());
    let mut platform = Platform::start(Mode::Hang).await;
    let mut args = vec!["--forward", platform.url.as_str()];
    args.extend(QUICK);
    let url = platform.url.clone();
    let mut intake = Intake::start(&store, &args);
    let sent = events("in-flight", 1, 1);
    assert_eq!(send(&intake.url, &sent).await, 200);
    // The platform has the event, and has not answered: killed now.
    eventually(Duration::from_secs(10), || !platform.received().is_empty()).await;
    intake.signal(libc::SIGKILL);
    intake.exited(Duration::from_secs(10)).expect("killed");
    platform.set(Mode::Take);
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == platform.url { url.as_str() } else { a })
        .collect();
    let _again = Intake::start(&store, &args);
    platform.wait_taken(1, Duration::from_secs(20)).await;
    let received = platform.received();
    assert!(received.len() >= 2, "sent again after the restart");
    let keys: HashSet<_> = received
        .iter()
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    assert_eq!(keys.len(), 1, "the same idempotency key each time");
    platform.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_batch_every_acknowledged_event_arrives() {
    // Many batches posted at once; SIGKILL while they are being stored and
    // answered. LINE redelivers what got no 200 (as it would), to the next
    // start; every event that got 200 the first time must arrive.
    let (_dir, store) = store_for(module_path!());
    let platform = Platform::start(Mode::Take).await;
    let args = vec!["--forward", platform.url.as_str()];
    let mut intake = Intake::start(&store, &args);
    let batches: Vec<Vec<Value>> = (0..60)
        .map(|b| events(&format!("race-{b}"), 5, 3))
        .collect();
    let url = intake.url.clone();
    let posts: Vec<_> = batches
        .iter()
        .cloned()
        .map(|batch| {
            let url = url.clone();
            tokio::spawn(async move { send(&url, &batch).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    intake.signal(libc::SIGKILL);
    let mut answered = Vec::new();
    for post in posts {
        answered.push(post.await.unwrap());
    }
    intake.exited(Duration::from_secs(10)).expect("killed");
    let acknowledged: Vec<&Vec<Value>> = batches
        .iter()
        .zip(&answered)
        .filter(|(_, status)| **status == 200)
        .map(|(batch, _)| batch)
        .collect();
    let again = Intake::start(&store, &args);
    for (batch, status) in batches.iter().zip(&answered) {
        if *status != 200 {
            let redelivered = line_simulator::webhooks::redelivered(batch);
            assert_eq!(send(&again.url, &redelivered).await, 200);
        }
    }
    platform.wait_taken(300, Duration::from_secs(60)).await;
    let taken: HashSet<String> = platform.taken_ids().into_iter().collect();
    for batch in acknowledged {
        for event in batch {
            assert!(taken.contains(event["webhookEventId"].as_str().unwrap()));
        }
    }
    assert_eq!(
        taken.len(),
        300,
        "every event, acknowledged first or redelivered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_is_recognised_against_what_was_stored() {
    let (_dir, store) = store_for(module_path!());
    let platform = Platform::start(Mode::Refuse(503)).await;
    let mut args = vec!["--forward", platform.url.as_str()];
    args.extend(QUICK);
    let intake = Intake::start(&store, &args);
    let sent = events("redelivered", 3, 1);
    assert_eq!(send(&intake.url, &sent).await, 200);
    // Not yet delivered; LINE sends them again: stored once, delivered once.
    assert_eq!(
        send(&intake.url, &line_simulator::webhooks::redelivered(&sent)).await,
        200
    );
    platform.set(Mode::Take);
    platform.wait_taken(3, Duration::from_secs(20)).await;
    // Delivered; LINE sends them again: not delivered twice.
    assert_eq!(
        send(&intake.url, &line_simulator::webhooks::redelivered(&sent)).await,
        200
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    let taken = platform.taken_ids();
    assert_eq!(taken, ["redelivered-0", "redelivered-1", "redelivered-2"]);
    let first = platform.received().into_iter().find(|r| r.taken).unwrap();
    assert_eq!(
        first.event["isRedelivery"], false,
        "the first copy stored is the one kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_are_parked_listed_and_replayed() {
    let (_dir, store) = store_for(module_path!());
    let platform = Platform::start(Mode::Refuse(500)).await;
    let mut args = vec!["--forward", platform.url.as_str(), "--attempts", "2"];
    args.extend(QUICK);
    let intake = Intake::start(&store, &args);
    let sent = events("dead", 2, 2);
    assert_eq!(send(&intake.url, &sent).await, 200);
    let store_arg = store.to_str().unwrap();
    let listed = async || {
        let out =
            crate::support::line_connector(&["webhook", "dead-letters", "--store", store_arg])
                .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let start = Instant::now();
    let dead = loop {
        let dead = listed().await;
        if dead.len() == 2 || start.elapsed() > Duration::from_secs(20) {
            break dead;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(dead.len(), 2, "{}", intake.stderr());
    assert_eq!(dead[0]["webhookEventId"], "dead-0");
    assert_eq!(dead[0]["attempts"], 2);
    assert!(dead[0]["lastError"].as_str().unwrap().contains("500"));
    assert_eq!(dead[0]["event"]["type"], "message");
    assert_eq!(
        platform.received().len(),
        4,
        "two attempts each, then parked"
    );
    platform.set(Mode::Take);
    let replay = crate::support::line_connector(&[
        "webhook", "replay", "--store", store_arg, "--id", "dead-1",
    ])
    .await;
    assert_eq!(
        String::from_utf8_lossy(&replay.stdout).trim(),
        r#"{"replayed":1}"#
    );
    platform.wait_taken(1, Duration::from_secs(10)).await;
    let replay = crate::support::line_connector(&["webhook", "replay", "--store", store_arg]).await;
    assert_eq!(
        String::from_utf8_lossy(&replay.stdout).trim(),
        r#"{"replayed":1}"#
    );
    platform.wait_taken(2, Duration::from_secs(10)).await;
    assert_eq!(platform.taken_ids(), ["dead-1", "dead-0"]);
    assert!(listed().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_store_answers_503_so_line_redelivers() {
    let (_dir, store) = store_for(module_path!());
    let platform = Platform::start(Mode::Refuse(500)).await;
    let mut args = vec!["--forward", platform.url.as_str(), "--max-backlog", "5"];
    args.extend(QUICK);
    let intake = Intake::start(&store, &args);
    assert_eq!(send(&intake.url, &events("full-a", 4, 1)).await, 200);
    assert_eq!(send(&intake.url, &events("full-b", 2, 1)).await, 503);
    platform.set(Mode::Take);
    platform.wait_taken(4, Duration::from_secs(20)).await;
    assert_eq!(send(&intake.url, &events("full-b", 2, 1)).await, 200);
    platform.wait_taken(6, Duration::from_secs(20)).await;
    assert!(intake.stderr().contains("503"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_take_the_batch_answers_503_within_lines_two_seconds() {
    let (_dir, store) = store_for(module_path!());
    let intake = Intake::start(&store, &[]);
    assert_eq!(send(&intake.url, &events("writable", 1, 1)).await, 200);
    // Another process holds the database's write lock (as a stuck backup
    // or a failing disk would keep writes from finishing).
    let mut holder = hold_the_lock(store.to_str().unwrap(), Duration::from_secs(4));
    let started = Instant::now();
    assert_eq!(send(&intake.url, &events("locked-out", 1, 1)).await, 503);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    holder.wait().unwrap();
    assert_eq!(send(&intake.url, &events("locked-out", 1, 1)).await, 200);
    assert!(
        intake.stderr().contains("the store failed"),
        "{}",
        intake.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_stdout_mode_events_wait_in_the_store_while_no_one_reads() {
    let (_dir, store) = store_for(module_path!());
    // Its stdout a pipe whose reader is gone.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command.stdout(writer);
    let mut intake = Intake::start_with(command, &store, &QUICK);
    let sent = events("unread", 3, 1);
    assert_eq!(send(&intake.url, &sent).await, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(intake.running(), "a gone reader does not end the intake");
    intake.signal(libc::SIGTERM);
    intake.exited(Duration::from_secs(10)).expect("it stops");
    drop(intake);
    let reading = Intake::start(&store, &[]);
    let lines = reading.wait_lines(3, Duration::from_secs(20)).await;
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["webhookEventId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["unread-0", "unread-1", "unread-2"]);
}

/// Another process holding the store's write lock for `hold`, from when
/// this returns: SQLite's exclusive lock (Python's sqlite3), or in
/// PostgreSQL the events table's (psql), as an operator's session might.
fn hold_the_lock(store: &str, hold: Duration) -> std::process::Child {
    let secs = hold.as_secs();
    if store.starts_with("postgres://") {
        let sql = format!(
            "BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE; \\echo locked\n\
             SELECT pg_sleep({secs}); COMMIT;\n"
        );
        let mut holder = Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", store])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        holder
            .stdin
            .take()
            .unwrap()
            .write_all(sql.as_bytes())
            .unwrap();
        return locked(holder);
    }
    let script = format!(
        "import sqlite3, sys, time\n\
c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
c.execute('BEGIN EXCLUSIVE')\n\
print('locked', flush=True)\n\
time.sleep({secs})\n"
    );
    let holder = Command::new("python3")
        .args(["-c", &script, store])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    locked(holder)
}

/// `holder`, once it printed `locked`.
fn locked(mut holder: std::process::Child) -> std::process::Child {
    let mut line = String::new();
    BufReader::new(holder.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    holder
}
