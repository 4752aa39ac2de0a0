//! The host's own machinery: kept-alive connections across instances, and
//! the compiled-component cache.

use crate::support::*;
use line_simulator::{Fault, Simulator};
use serde_json::json;
use sha2::Digest;

const PUSH: &str = "/v2/bot/message/push";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_share_kept_alive_connections() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    for i in 0..5 {
        run(
            "push",
            &config,
            json!({"to": USER, "text": format!("#{i}")}),
        )
        .await
        .unwrap();
    }
    let connections: Vec<u64> = sim.requests().iter().map(|r| r.connection).collect();
    assert_eq!(connections.len(), 5);
    assert!(
        connections.iter().all(|c| *c == connections[0]),
        "one connection for all: {connections:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_broke_is_not_reused() {
    let sim = Simulator::start().await.unwrap();
    let mut config = token_config(&sim);
    config["retryDelayMs"] = json!(1);
    run("push", &config, json!({"to": USER, "text": "first"}))
        .await
        .unwrap();
    // The server accepts the next push, then closes the connection unanswered.
    sim.script(PUSH, [Fault::CloseAfterAccept]);
    let retried = run("push", &config, json!({"to": USER, "text": "second"}))
        .await
        .unwrap();
    assert_eq!(retried["attempts"], 2);
    run("push", &config, json!({"to": USER, "text": "third"}))
        .await
        .unwrap();
    let connections: Vec<u64> = sim.requests().iter().map(|r| r.connection).collect();
    assert_eq!(
        connections[0], connections[1],
        "the second push went on the kept connection"
    );
    assert!(
        connections[2] > connections[1],
        "its retry on a new one: {connections:?}"
    );
    assert_eq!(
        connections[3], connections[2],
        "which is kept in turn: {connections:?}"
    );
    assert_eq!(sim.deliveries().len(), 3, "each push delivered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_compiles_once_and_then_loads_from_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let sim = Simulator::start().await.unwrap();
    let run_quota = || {
        let (cache, config) = (cache.path().to_owned(), config_file(&token_config(&sim)));
        async move {
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(env!("CARGO_BIN_EXE_line-connector"))
                    .args(["run", "quota", "--config", path_of(&config)])
                    .env("LINE_CONNECTOR_CACHE", cache)
                    .output()
                    .unwrap()
            })
            .await
            .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    let entries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(cache.path())
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };
    run_quota().await;
    let files = entries();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].to_string_lossy().ends_with(".cwasm"));
    // Keyed by the embedded component's SHA-256 (made at build time, and
    // the same as hashing its bytes now).
    let embedded = line_connector_host::EMBEDDED_COMPONENT;
    let hex: String = sha2::Sha256::digest(embedded)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(line_connector_host::cache::digest(embedded), hex);
    assert_eq!(line_connector_host::cache::digest(embedded), hex);
    assert!(
        files[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&hex)
    );
    let written = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
    run_quota().await;
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().modified().unwrap(),
        written,
        "loaded, not rewritten"
    );

    // Each entry is the artifact, then its CRC-32 (little-endian).
    let stored = std::fs::read(&files[0]).unwrap();
    let (artifact, crc) = stored.split_last_chunk::<4>().unwrap();
    assert_eq!(crc32fast::hash(artifact).to_le_bytes(), *crc);
    assert!(artifact.starts_with(b"\x7fELF"), "wasmtime's ELF artifact");

    // A damaged entry is compiled anew and replaced: one not a component at
    // all, one cut short, and one with a single byte changed deep inside the
    // artifact (where wasmtime's own header check would not look).
    std::fs::write(&files[0], b"not a compiled component").unwrap();
    run_quota().await;
    assert_eq!(std::fs::read(&files[0]).unwrap().len(), stored.len());
    std::fs::write(&files[0], &stored[..stored.len() - 4096]).unwrap();
    run_quota().await;
    assert_eq!(std::fs::read(&files[0]).unwrap().len(), stored.len());
    let mut altered = stored.clone();
    altered[stored.len() / 2] ^= 0x5a;
    std::fs::write(&files[0], &altered).unwrap();
    run_quota().await;
    assert_eq!(std::fs::read(&files[0]).unwrap(), stored, "rewritten whole");
    assert_eq!(sim.requests().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_goes_through_a_tls_handshake() {
    // The simulator speaks plain HTTP, so the handshake fails: a `connect`
    // failure, and the push never reaches it as a request.
    let sim = Simulator::start().await.unwrap();
    let https = sim.url().replace("http://", "https://");
    let config = json!({"channelAccessToken": "t", "apiBaseUrl": https, "maxAttempts": 1});
    let error = run("push", &config, json!({"to": USER, "text": "x"}))
        .await
        .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("transport"), Some("connect")),
        "{error}"
    );
    assert!(sim.deliveries().is_empty());
}
