//! Bounded in time and memory: a trickling, stalled, huge or endless answer
//! ends as a typed error by the deadline, never as a hang or a trap.

use super::config;
use super::server::{Hostile, Step, head};
use crate::support::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Runs quota with `config` and returns the error and how long it took.
async fn quota_error(config: &Value) -> (Value, Duration) {
    let started = Instant::now();
    let error = run("quota", config, json!({}))
        .await
        .expect_err("the answer is not LINE's");
    (error, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_answer_ends_at_the_total_timeout() {
    // One byte every 0.2 s: each byte comes well within timeoutMs, so only
    // the deadline for the whole request can end it.
    let body = br#"{"type":"limited","value":1000}"#.repeat(10);
    let server = Hostile::start(move |_| {
        let length = format!("Content-Length: {}", body.len());
        vec![
            Step::Write(head(200, &[&length])),
            Step::Trickle(body.clone(), Duration::from_millis(200)),
        ]
    })
    .await;
    let (error, took) = quota_error(&config(&server.url())).await;
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("transport"), Some("timeout")),
        "{error}"
    );
    // A hang guard, not a benchmark: the body alone would take 62 s.
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_stops_a_trickling_answer_too() {
    let server = Hostile::start(|_| {
        vec![
            Step::Write(head(200, &["Content-Length: 200"])),
            Step::Trickle(vec![b' '; 200], Duration::from_millis(200)),
        ]
    })
    .await;
    let out = run_command("quota", &config(&server.url()), &[]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["kind"], "timeout", "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_after_the_headers_is_a_timeout() {
    let server = Hostile::start(|_| {
        vec![
            Step::Write(head(200, &["Content-Length: 100"])),
            Step::Write(b"{\"type\":".to_vec()),
            Step::Sleep(Duration::from_secs(30)),
        ]
    })
    .await;
    let mut config = config(&server.url());
    config["timeoutMs"] = json!(300);
    let (error, _) = quota_error(&config).await;
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("transport"), Some("timeout")),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_and_endless_answers_are_refused_not_read() {
    let chunk = vec![b'a'; 64 * 1024];
    let endless_chunk = {
        let mut c = format!("{:x}\r\n", chunk.len()).into_bytes();
        c.extend_from_slice(&chunk);
        c.extend_from_slice(b"\r\n");
        c
    };
    let answers: Vec<(&str, Vec<Step>)> = vec![
        // Declared: refused from the header, before reading.
        (
            "declared 200 MB",
            vec![
                Step::Write(head(200, &["Content-Length: 200000000"])),
                Step::Repeat(chunk.clone(), 3200),
            ],
        ),
        // Not declared: ends where the body passes the limit.
        (
            "close-delimited 200 MB",
            vec![
                Step::Write(head(200, &[])),
                Step::Repeat(chunk.clone(), 3200),
            ],
        ),
        (
            "endless chunked",
            vec![
                Step::Write(head(200, &["Transfer-Encoding: chunked"])),
                Step::Repeat(endless_chunk, u64::MAX),
            ],
        ),
        (
            "huge error body",
            vec![
                Step::Write(head(500, &[])),
                Step::Repeat(chunk.clone(), 3200),
            ],
        ),
    ];
    for (what, steps) in answers {
        let server = Hostile::start(move |_| steps.clone()).await;
        let mut config = config(&server.url());
        config["totalTimeoutMs"] = json!(30_000);
        let (error, _) = quota_error(&config).await;
        assert_eq!(
            (error["type"].as_str(), error["kind"].as_str()),
            (Some("transport"), Some("protocol")),
            "{what}: {error}"
        );
        assert!(
            error["message"].as_str().unwrap().contains("larger than"),
            "{what}: {error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_flood_or_a_redirect_is_an_error() {
    let flood: Vec<String> = (0..5000)
        .map(|i| format!("X-Flood-{i}: {}", "v".repeat(100)))
        .collect();
    let flood_head = head(200, &flood.iter().map(String::as_str).collect::<Vec<_>>());
    let server = Hostile::start(move |_| vec![Step::Write(flood_head.clone())]).await;
    let (error, _) = quota_error(&config(&server.url())).await;
    assert_eq!(error["type"], "transport", "{error}");

    let redirect = Hostile::start(|_| {
        vec![Step::Write(head(
            302,
            &[
                "Location: http://127.0.0.1:9/v2/bot/message/quota",
                "Content-Length: 0",
            ],
        ))]
    })
    .await;
    let (error, _) = quota_error(&config(&redirect.url())).await;
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(302)),
        "{error}"
    );
    assert_eq!(redirect.requests().len(), 1, "the redirect is not followed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_cap_is_not_asked_for_again() {
    // Another attempt would only download the same oversized answer.
    let server = Hostile::start(|_| {
        vec![
            Step::Write(head(200, &[])),
            Step::Repeat(vec![b'a'; 64 * 1024], 100),
        ]
    })
    .await;
    let mut config = config(&server.url());
    config["maxAttempts"] = json!(4);
    config["retryDelayMs"] = json!(1);
    let (error, _) = quota_error(&config).await;
    assert!(
        error["message"].as_str().unwrap().contains("larger than"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");
}
