//! Clients of the intake that are not LINE: silent, trickling and stalled
//! connections, floods of forged megabytes, more connections than the
//! process may open, and batches built to cost memory. The intake goes on,
//! and valid batches keep being answered well within LINE's 2 seconds.

use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the intake closes the connection (or 15 s pass); how long
/// that took and what it answered.
async fn until_closed(stream: &mut TcpStream) -> (Duration, String) {
    let start = Instant::now();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer)).await;
    (
        start.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

fn address(intake: &Intake) -> String {
    intake.url.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_trickling_and_stalled_clients_are_cut_off_at_their_deadlines() {
    let (_dir, store) = store();
    let limits = [
        "--idle-timeout-ms",
        "1000",
        "--header-timeout-ms",
        "1500",
        "--body-timeout-ms",
        "1500",
    ];
    let intake = Intake::start(&store, &limits);
    // Connects and sends nothing.
    let mut silent = TcpStream::connect(address(&intake)).await.unwrap();
    // Sends its head one byte every 200 ms, forever.
    let mut trickle = TcpStream::connect(address(&intake)).await.unwrap();
    let head = b"POST /callback HTTP/1.1\r\nHost: x\r\nX-Line-Signature: aaaa\r\n";
    let trickling = tokio::spawn(async move {
        for byte in head.iter().cycle() {
            if trickle.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        trickle
    });
    // Sends a head and 10 of the 1,000 bytes it announced.
    let mut stalled = TcpStream::connect(address(&intake)).await.unwrap();
    stalled
        .write_all(b"POST /callback HTTP/1.1\r\nHost: x\r\nX-Line-Signature: aaaa\r\nContent-Length: 1000\r\n\r\n0123456789")
        .await
        .unwrap();
    let (silent_for, _) = until_closed(&mut silent).await;
    let (stalled_for, stalled_answer) = until_closed(&mut stalled).await;
    let trickle_start = Instant::now();
    let _ = tokio::time::timeout(Duration::from_secs(15), trickling)
        .await
        .expect("the trickle was cut off");
    assert!(
        silent_for < Duration::from_secs(3),
        "silent: {silent_for:?}"
    );
    assert!(
        stalled_for < Duration::from_secs(3),
        "stalled: {stalled_for:?}"
    );
    assert!(
        stalled_answer.starts_with("HTTP/1.1 408"),
        "{stalled_answer}"
    );
    assert!(trickle_start.elapsed() < Duration::from_secs(4));
    assert_eq!(send(&intake.url, &events("after", 1, 1)).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_batches_are_answered_within_two_seconds_through_stalls_and_a_forged_flood() {
    let (_dir, store) = store();
    let intake = Intake::start(&store, &[]);
    let at_rest = intake.peak_kib();
    // 300 uploads that announce a megabyte, send a kilobyte and stall.
    let mut stalls = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(address(&intake)).await.unwrap();
        let head = "POST /callback HTTP/1.1\r\nHost: x\r\nX-Line-Signature: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\nContent-Length: 1048576\r\n\r\n";
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&[b' '; 1024]).await.unwrap();
        stalls.push(stream);
    }
    // Four clients posting forged (well-formed, wrong) 1 MiB bodies, non-stop.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let forged_count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut flood = Vec::new();
    for _ in 0..4 {
        let (url, stop, count) = (intake.url.clone(), stop.clone(), forged_count.clone());
        flood.push(tokio::spawn(async move {
            let body = vec![b'x'; 1 << 20];
            let forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let status = post(&url, &body, forged).await;
                assert!(status == 401 || status == 0, "{status}");
                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut slowest = Duration::ZERO;
    for i in 0..10 {
        let start = Instant::now();
        assert_eq!(
            send(&intake.url, &events(&format!("through-{i}"), 3, 1)).await,
            200
        );
        slowest = slowest.max(start.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for task in flood {
        task.await.unwrap();
    }
    let forged = forged_count.load(std::sync::atomic::Ordering::Relaxed);
    let peak = intake.peak_kib();
    eprintln!(
        "valid batches through 300 stalls and {forged} forged 1 MiB bodies: slowest {slowest:?}; peak {} MiB (at rest {} MiB)",
        peak / 1024,
        at_rest / 1024
    );
    assert!(
        slowest < Duration::from_secs(2),
        "LINE gives up at 2 s: {slowest:?}"
    );
    assert!(forged >= 10, "the flood went on ({forged})");
    assert!(peak < 512 * 1024, "peak {peak} KiB");
    let lines = intake.wait_lines(30, Duration::from_secs(20)).await;
    assert_eq!(lines.len(), 30, "every valid event, once");
    drop(stalls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_connections_than_the_open_files_limit_allows_do_not_end_it() {
    let (_dir, store) = store();
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            "ulimit -n 256 && exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_line-connector"),
        ])
        .stdout(Stdio::piped());
    let mut intake = Intake::start_with(command, &store, &["--idle-timeout-ms", "1000"]);
    let mut held = Vec::new();
    for _ in 0..400 {
        if let Ok(Ok(stream)) =
            tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(address(&intake))).await
        {
            held.push(stream);
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(intake.running(), "{}", intake.stderr());
    // The idle ones are closed after the idle limit; a batch gets through
    // while the 400 are still held open on this side.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(send(&intake.url, &events("past-the-cap", 2, 1)).await, 200);
    assert!(intake.running());
    intake.wait_lines(2, Duration::from_secs(10)).await;
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_by_batch_and_backlog_size() {
    let (_dir, store) = store();
    let platform = Platform::start(Mode::Hang).await;
    let mut args = vec![
        "--forward",
        platform.url.as_str(),
        "--max-backlog",
        "1000000",
    ];
    args.extend(QUICK);
    let intake = Intake::start(&store, &args);
    let at_rest = intake.peak_kib();
    // 100,000 empty events in one 300 KB batch.
    let tiny: Vec<Value> = (0..100_000).map(|_| json!({})).collect();
    assert_eq!(send(&intake.url, &tiny).await, 200);
    let after_tiny = intake.peak_kib();
    // A backlog of 48 MB while the platform hangs: 48 batches of 1,000
    // events of a kilobyte each (as stored).
    let text = "k".repeat(700);
    for b in 0..48 {
        let mut batch = events(&format!("backlog-{b}"), 1000, 50);
        for event in &mut batch {
            event["message"]["text"] = json!(text);
        }
        assert_eq!(send(&intake.url, &batch).await, 200);
    }
    let after_backlog = intake.peak_kib();
    eprintln!(
        "peak memory: at rest {} MiB; after a batch of 100,000 events {} MiB; after a 48 MB backlog {} MiB",
        at_rest / 1024,
        after_tiny / 1024,
        after_backlog / 1024
    );
    assert!(after_tiny < 128 * 1024, "{after_tiny} KiB");
    assert!(
        after_backlog < after_tiny + 64 * 1024,
        "the backlog lives in the store: {after_backlog} KiB"
    );
    let file = std::fs::metadata(&store).unwrap().len()
        + std::fs::metadata(store.with_extension("db-wal")).map_or(0, |m| m.len());
    assert!(file > 48_000_000, "the backlog is on disk ({file} bytes)");
}
