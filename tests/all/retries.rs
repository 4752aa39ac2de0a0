//! Exactly-once sends: retry keys, what is retried and what never is, 409
//! for an accepted key, timeouts, and token reuse and refresh.

use crate::support::*;
use line_simulator::{Fault, Simulator};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PUSH: &str = "/v2/bot/message/push";
const KEY: &str = "7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5b";

/// Token config with fast retries.
fn fast(sim: &Simulator) -> Value {
    let mut config = token_config(sim);
    config["retryDelayMs"] = json!(1);
    config
}

fn push_input() -> Value {
    json!({"to": USER, "messages": text("Suspicious login detected")})
}

fn paths(sim: &Simulator) -> Vec<String> {
    sim.requests().into_iter().map(|r| r.path).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_is_retried_with_the_same_retry_key_and_delivered_once() {
    let sim = Simulator::start().await.unwrap();
    sim.script(PUSH, [Fault::Status(503), Fault::Status(500)]);
    let result = run("push", &fast(&sim), push_input()).await.unwrap();
    let requests = sim.requests();
    assert_eq!(
        requests.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 500, 200]
    );
    let keys: Vec<_> = requests
        .iter()
        .map(|r| r.header("x-line-retry-key").unwrap().to_owned())
        .collect();
    assert!(
        keys.iter().all(|k| *k == keys[0]),
        "one key for every attempt: {keys:?}"
    );
    assert_eq!(result["attempts"], 3);
    assert_eq!(result["retryKey"], json!(keys[0]));
    assert_eq!(sim.deliveries().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_after_line_accepted_is_a_409_and_counts_as_sent_once() {
    let sim = Simulator::start().await.unwrap();
    sim.script(PUSH, [Fault::CloseAfterAccept]);
    let result = run("push", &fast(&sim), push_input()).await.unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].status, 409);
    assert_eq!(
        result["acceptedRequestId"],
        json!(requests[0].request_id),
        "the first attempt's id"
    );
    assert_eq!(result["requestId"], json!(requests[1].request_id));
    assert_eq!(
        result["sentMessages"].as_array().unwrap().len(),
        1,
        "LINE's 409 carries the sent messages"
    );
    assert_eq!(sim.deliveries().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_with_the_same_retry_key_sends_nothing_new() {
    let sim = Simulator::start().await.unwrap();
    let mut input = push_input();
    input["retryKey"] = json!(KEY);
    let first = run("push", &fast(&sim), input.clone()).await.unwrap();
    assert_eq!(first["retryKey"], KEY);
    assert_eq!(first.get("acceptedRequestId"), None);
    let again = run("push", &fast(&sim), input).await.unwrap();
    assert_eq!(again["acceptedRequestId"], first["requestId"]);
    assert_eq!(sim.requests()[1].header("x-line-retry-key"), Some(KEY));
    assert_eq!(sim.deliveries().len(), 1);
    assert_eq!(sim.deliveries()[0].retry_key.as_deref(), Some(KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_send_with_a_retry_key_gets_one() {
    let sim = Simulator::start().await.unwrap();
    let inputs = [
        ("multicast", json!({"to": [USER], "messages": text("m")})),
        ("broadcast", json!({"messages": text("b")})),
        ("narrowcast", json!({"messages": text("n")})),
    ];
    for (i, (action, mut input)) in inputs.into_iter().enumerate() {
        input["retryKey"] = json!(KEY.replace("7f", &format!("{i:02x}")));
        sim.script(
            &format!("/v2/bot/message/{action}"),
            [Fault::CloseAfterAccept],
        );
        let result = run(action, &fast(&sim), input.clone()).await.unwrap();
        assert!(
            result["acceptedRequestId"].is_string(),
            "{action}: {result}"
        );
        assert_eq!(result["retryKey"], input["retryKey"]);
    }
    assert_eq!(sim.deliveries().len(), 3, "each accepted once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_key_that_is_not_a_uuid_is_invalid_input() {
    let sim = Simulator::start().await.unwrap();
    for key in [
        "abc",
        "7f1c2a9e3b4d4e5f8a6b0c1d2e3f4a5b",
        "{7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5b}",
    ] {
        let mut input = push_input();
        input["retryKey"] = json!(key);
        let error = run("push", &fast(&sim), input).await.unwrap_err();
        assert_eq!(
            (error["type"].as_str(), error["field"].as_str()),
            (Some("invalid-input"), Some("retryKey")),
            "{key}"
        );
    }
    let error = run(
        "reply",
        &fast(&sim),
        json!({"replyToken": "t", "messages": text("x"), "retryKey": KEY}),
    )
    .await
    .unwrap_err();
    assert_eq!(error["field"], "retryKey", "reply has no retry key");
    assert!(sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_4xx_and_the_monthly_limit_are_never_retried() {
    let sim = Simulator::start().await.unwrap();
    sim.script(PUSH, [Fault::MonthlyLimit]);
    let error = run("push", &fast(&sim), push_input()).await.unwrap_err();
    assert_eq!(error["type"], "quota-exceeded");
    sim.script(
        PUSH,
        [Fault::Answer(403, json!({"message": "Not allowed"}))],
    );
    let error = run("push", &fast(&sim), push_input()).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(403))
    );
    let bad = json!({"to": USER, "messages": [{"type": "video", "originalContentUrl": "https://x.test/v.mp4"}]});
    let error = run("push", &fast(&sim), bad).await.unwrap_err();
    assert_eq!(error["status"], 400);
    assert_eq!(sim.requests().len(), 3, "one attempt each");
    assert!(sim.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_is_not_resent_once_it_may_have_reached_line() {
    let sim = Simulator::start().await.unwrap();
    for (i, fault) in [Fault::Status(503), Fault::CloseAfterAccept]
        .into_iter()
        .enumerate()
    {
        sim.script("/v2/bot/message/reply", [fault]);
        let input = json!({"replyToken": format!("token-{i}"), "messages": text("x")});
        let error = run("reply", &fast(&sim), input).await.unwrap_err();
        assert!(
            matches!(error["type"].as_str(), Some("api" | "transport")),
            "{error}"
        );
    }
    assert_eq!(sim.requests().len(), 2, "one attempt each");
    assert_eq!(
        sim.deliveries().len(),
        1,
        "the closed one was delivered, once"
    );
    // A rate-limit 429 means LINE did nothing: that reply is retried.
    sim.script("/v2/bot/message/reply", [Fault::RateLimit]);
    let result = run(
        "reply",
        &fast(&sim),
        json!({"replyToken": "token-2", "messages": text("x")}),
    )
    .await
    .unwrap();
    assert_eq!(result["attempts"], 2);
    assert_eq!(result.get("retryKey"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_retry_freely_and_stop_at_max_attempts() {
    let sim = Simulator::start().await.unwrap();
    sim.script(
        "/v2/bot/message/quota",
        [Fault::Status(502), Fault::CloseAfterAccept],
    );
    let result = run("quota", &fast(&sim), json!({})).await.unwrap();
    assert_eq!(result["type"], "limited");
    assert_eq!(sim.requests().len(), 3);

    sim.script(
        "/v2/bot/message/quota",
        [Fault::Status(500), Fault::Status(500), Fault::Status(500)],
    );
    let mut config = fast(&sim);
    config["maxAttempts"] = json!(3);
    let error = run("quota", &config, json!({})).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(500))
    );
    assert_eq!(sim.requests().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_server_fails_with_a_timeout_within_the_configured_bounds() {
    let sim = Simulator::start().await.unwrap();
    sim.script(
        "/v2/bot/message/quota",
        [Fault::Delay(Duration::from_secs(30))],
    );
    let mut config = fast(&sim);
    config["timeoutMs"] = json!(300);
    config["maxAttempts"] = json!(1);
    let started = Instant::now();
    let error = run("quota", &config, json!({})).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("transport"), Some("timeout")),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );

    // The total bound wins over attempts: three 30 s hangs end at ~1 s.
    // (A read: a push whose first attempt was accepted would rightly end
    // in success through LINE's 409.)
    sim.script(
        "/v2/bot/message/quota",
        (0..3).map(|_| Fault::Delay(Duration::from_secs(30))),
    );
    config["maxAttempts"] = json!(3);
    config["timeoutMs"] = json!(30_000);
    config["totalTimeoutMs"] = json!(1_000);
    let started = Instant::now();
    let error = run("quota", &config, json!({})).await.unwrap_err();
    assert_eq!(error["kind"], "timeout");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetched_token_is_reused_within_one_instance() {
    let sim = Simulator::start().await.unwrap();
    let config = client_config(&sim);
    let mut session = session(&config).await;
    for _ in 0..3 {
        session
            .run("push", &config, &push_input())
            .await
            .unwrap()
            .unwrap();
    }
    let token_requests = paths(&sim)
        .iter()
        .filter(|p| p.starts_with("/oauth2"))
        .count();
    assert_eq!(token_requests, 1);
    let bearers: Vec<_> = sim
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(bearers.windows(2).all(|w| w[0] == w[1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_about_to_expire_is_not_reused() {
    let sim = Simulator::start().await.unwrap();
    sim.set_token_lifetime(Duration::from_secs(1));
    let config = client_config(&sim);
    let mut session = session(&config).await;
    session
        .run("quota", &config, &json!({}))
        .await
        .unwrap()
        .unwrap();
    // 950 ms on, the token has 50 ms left: less than the margin kept.
    tokio::time::sleep(Duration::from_millis(950)).await;
    session
        .run("quota", &config, &json!({}))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        paths(&sim)
            .iter()
            .filter(|p| p.starts_with("/oauth2"))
            .count(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_on_a_fetched_token_refreshes_it_once_and_retries() {
    let sim = Simulator::start().await.unwrap();
    let config = client_config(&sim);
    let mut session = session(&config).await;
    session
        .run("quota", &config, &json!({}))
        .await
        .unwrap()
        .unwrap();
    sim.script(
        PUSH,
        [Fault::Answer(
            401,
            json!({"message": "Authentication failed."}),
        )],
    );
    let result = session
        .run("push", &config, &push_input())
        .await
        .unwrap()
        .unwrap();
    assert!(result["requestId"].is_string());
    assert_eq!(
        paths(&sim),
        [
            "/oauth2/v3/token",
            "/v2/bot/message/quota",
            PUSH,
            "/oauth2/v3/token",
            PUSH
        ]
    );
    assert_eq!(sim.deliveries().len(), 1);

    // A second 401 right after the refresh stands.
    sim.script(
        PUSH,
        (0..2).map(|_| Fault::Answer(401, json!({"message": "Authentication failed."}))),
    );
    let error = session
        .run("push", &config, &push_input())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error["type"], "authentication");
}
