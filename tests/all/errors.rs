//! LINE's error answers become precise error variants: API errors with
//! LINE's details and request id, the two kinds of 429, transport failures.

use crate::support::*;
use line_simulator::{Fault, Simulator};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_400_is_an_api_error_with_details_and_request_id() {
    let sim = Simulator::start().await.unwrap();
    let messages = json!([{"type": "text", "text": "ok"}, {"type": "postcard", "text": "?"}]);
    let error = run(
        "validate-push",
        &token_config(&sim),
        json!({"messages": messages}),
    )
    .await
    .unwrap_err();
    let seen = &sim.requests()[0];
    assert_eq!(seen.status, 400);
    assert_eq!(error["type"], "api");
    assert_eq!(error["status"], 400);
    assert_eq!(error["message"], "The request body has 1 error(s)");
    assert_eq!(error["details"][0]["property"], "messages[1].type");
    assert!(
        error["details"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Must be one of the following values")
    );
    assert_eq!(error["requestId"], json!(seen.request_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_reply_token_is_refused_by_line() {
    let sim = Simulator::start().await.unwrap();
    let input = json!({"replyToken": "single-use", "messages": text("first")});
    run("reply", &token_config(&sim), input.clone())
        .await
        .unwrap();
    let error = run("reply", &token_config(&sim), input).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(400))
    );
    assert_eq!(error["message"], "Invalid reply token");
    assert_eq!(sim.deliveries().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_429_that_outlasts_the_retries_is_rate_limited() {
    let sim = Simulator::start().await.unwrap();
    sim.script("/v2/bot/message/push", [Fault::RateLimit, Fault::RateLimit]);
    let mut config = token_config(&sim);
    config["maxAttempts"] = json!(2);
    config["retryDelayMs"] = json!(1);
    let error = run("push", &config, json!({"to": USER, "messages": text("x")}))
        .await
        .unwrap_err();
    assert_eq!(error["type"], "rate-limited");
    assert_eq!(error["status"], 429);
    assert_eq!(error["requestId"], json!(sim.requests()[1].request_id));
    assert!(sim.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monthly_limit_429_is_quota_exceeded() {
    let sim = Simulator::start().await.unwrap();
    sim.inject(
        "/v2/bot/message/multicast",
        429,
        json!({"message": "You have reached your monthly limit."}),
    );
    let error = run(
        "multicast",
        &token_config(&sim),
        json!({"to": [USER], "messages": text("x")}),
    )
    .await
    .unwrap_err();
    assert_eq!(error["type"], "quota-exceeded");
    assert_eq!(error["message"], "You have reached your monthly limit.");
    assert!(sim.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_narrowcast_is_a_404_api_error() {
    let sim = Simulator::start().await.unwrap();
    let error = run(
        "narrowcast-progress",
        &token_config(&sim),
        json!({"requestId": "no-such-request"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(404))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_not_there_is_a_transport_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config =
        json!({"channelAccessToken": "t", "apiBaseUrl": format!("http://127.0.0.1:{port}")});
    let error = run("quota", &config, json!({})).await.unwrap_err();
    assert_eq!(error["type"], "transport");
    assert_eq!(error["kind"], "connect");
}
