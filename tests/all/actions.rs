//! Every action's success path, with the exact request LINE (the simulator)
//! received: method, path, query, headers and body.

use crate::support::*;
use line_connector_host::examples::example;
use line_connector_host::simulator::{CHANNEL_ACCESS_TOKEN, RETRY_KEY_PATHS, Recorded, Simulator};
use serde_json::{Value, json};

/// Each action, the method and path LINE's reference gives it, and the
/// status LINE answers with.
const REFERENCE: &[(&str, &str, &str, u16)] = &[
    ("display-loading", "POST", "/v2/bot/chat/loading/start", 202),
    ("push", "POST", "/v2/bot/message/push", 200),
    ("reply", "POST", "/v2/bot/message/reply", 200),
    ("multicast", "POST", "/v2/bot/message/multicast", 200),
    ("broadcast", "POST", "/v2/bot/message/broadcast", 200),
    ("narrowcast", "POST", "/v2/bot/message/narrowcast", 202),
    (
        "narrowcast-progress",
        "GET",
        "/v2/bot/message/progress/narrowcast",
        200,
    ),
    (
        "validate-push",
        "POST",
        "/v2/bot/message/validate/push",
        200,
    ),
    (
        "validate-reply",
        "POST",
        "/v2/bot/message/validate/reply",
        200,
    ),
    (
        "validate-multicast",
        "POST",
        "/v2/bot/message/validate/multicast",
        200,
    ),
    (
        "validate-broadcast",
        "POST",
        "/v2/bot/message/validate/broadcast",
        200,
    ),
    (
        "validate-narrowcast",
        "POST",
        "/v2/bot/message/validate/narrowcast",
        200,
    ),
    ("quota", "GET", "/v2/bot/message/quota", 200),
    (
        "quota-consumption",
        "GET",
        "/v2/bot/message/quota/consumption",
        200,
    ),
    ("delivery-push", "GET", "/v2/bot/message/delivery/push", 200),
    (
        "delivery-reply",
        "GET",
        "/v2/bot/message/delivery/reply",
        200,
    ),
    (
        "delivery-multicast",
        "GET",
        "/v2/bot/message/delivery/multicast",
        200,
    ),
    (
        "delivery-broadcast",
        "GET",
        "/v2/bot/message/delivery/broadcast",
        200,
    ),
];

/// Runs `action` with its example input and returns the result and the one
/// request the simulator saw.
async fn run_example(sim: &Simulator, action: &str, input: Value) -> (Value, Recorded) {
    let before = sim.requests().len();
    let result = run(action, &token_config(sim), input)
        .await
        .unwrap_or_else(|e| panic!("{action} failed: {e}"));
    let requests = sim.requests();
    assert_eq!(
        requests.len(),
        before + 1,
        "{action} sent exactly one request"
    );
    (result, requests.last().unwrap().clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_component_exports_every_action_of_the_reference_in_order() {
    let names: Vec<&str> = CONNECTOR
        .actions()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let expected: Vec<&str> = REFERENCE.iter().map(|r| r.0).collect();
    assert_eq!(names, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_sends_lines_exact_request_and_returns_the_request_id() {
    let sim = Simulator::start().await.unwrap();
    let mut narrowcast_id = String::new();
    for &(action, method, path, status) in REFERENCE {
        let mut input = example(action).unwrap_or_else(|| panic!("examples/{action}.json exists"));
        if action == "narrowcast-progress" {
            input["requestId"] = json!(narrowcast_id);
        }
        let (result, req) = run_example(&sim, action, input.clone()).await;
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (method, path),
            "{action}"
        );
        assert_eq!(req.status, status, "{action}: the simulator accepted it");
        assert_eq!(
            req.header("authorization"),
            Some(format!("Bearer {CHANNEL_ACCESS_TOKEN}").as_str()),
            "{action}"
        );
        assert_eq!(
            result["requestId"],
            json!(req.request_id),
            "{action} returns LINE's request id"
        );
        assert!(
            req.header("user-agent")
                .is_some_and(|ua| ua.starts_with("line-connector/")),
            "{action}"
        );
        // LINE answers 400 to a retry key anywhere but the four sends.
        let key = req.header("x-line-retry-key");
        if RETRY_KEY_PATHS.contains(&path) {
            let is_uuid = key.is_some_and(|k| uuid::Uuid::try_parse(k).is_ok() && k.len() == 36);
            assert!(is_uuid, "{action}: {key:?}");
            assert_eq!(
                result["retryKey"].as_str(),
                key,
                "{action} returns the key it sent"
            );
        } else {
            assert_eq!(key, None, "{action} sends no retry key");
        }
        if method == "POST" {
            // Inputs use LINE's own field names, so LINE receives the input as it is.
            assert_eq!(
                req.header("content-type"),
                Some("application/json"),
                "{action}"
            );
            let mut sent = input.clone();
            sent.as_object_mut().unwrap().remove("retryKey");
            assert_eq!(req.json(), sent, "{action} body");
            assert_eq!(req.query, None, "{action}");
        } else {
            assert!(req.body.is_empty(), "{action} sends no body");
            let expected_query = input
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()));
            assert_eq!(
                req.query.clone().unwrap_or_default(),
                expected_query.collect::<Vec<_>>().join("&"),
                "{action} query"
            );
        }
        if action == "narrowcast" {
            narrowcast_id = result["requestId"].as_str().unwrap().to_owned();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_and_reply_return_the_sent_messages() {
    let sim = Simulator::start().await.unwrap();
    let messages = json!([{"type": "text", "text": "one"}, {"type": "sticker", "packageId": "446", "stickerId": "1988"}]);
    for (action, input) in [
        ("push", json!({"to": USER, "messages": messages})),
        (
            "reply",
            json!({"replyToken": "token-1", "messages": messages}),
        ),
    ] {
        let result = run(action, &token_config(&sim), input).await.unwrap();
        let sent = result["sentMessages"].as_array().unwrap();
        assert_eq!(sent.len(), 2, "{action}");
        assert!(
            sent.iter()
                .all(|m| m["id"].as_str().is_some_and(|id| !id.is_empty())
                    && m["quoteToken"].is_string())
        );
    }
    let deliveries = sim.deliveries();
    assert_eq!(
        deliveries.iter().map(|d| d.kind).collect::<Vec<_>>(),
        ["push", "reply"]
    );
    assert_eq!(deliveries[0].to, [USER]);
    assert_eq!(deliveries[0].messages, messages);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optional_fields_are_left_out_and_given_ones_are_sent() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    run("display-loading", &config, json!({"chatId": USER}))
        .await
        .unwrap();
    assert_eq!(sim.requests()[0].json(), json!({"chatId": USER}));

    let input = json!({"to": [USER, USER2], "messages": text("hi"), "notificationDisabled": true, "customAggregationUnits": ["promo_1"]});
    run("multicast", &config, input.clone()).await.unwrap();
    assert_eq!(sim.requests()[1].json(), input);
    assert_eq!(sim.deliveries()[0].to, [USER, USER2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_may_be_given_as_json_text() {
    let sim = Simulator::start().await.unwrap();
    let as_text = text("hello").to_string();
    run(
        "push",
        &token_config(&sim),
        json!({"to": USER, "messages": as_text}),
    )
    .await
    .unwrap();
    assert_eq!(sim.requests()[0].json()["messages"], text("hello"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrowcast_progress_reports_the_phase_and_counts() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let sent = run("narrowcast", &config, json!({"messages": text("hi"), "filter": {"demographic": {"type": "gender", "oneOf": ["female"]}}})).await.unwrap();
    let progress = run(
        "narrowcast-progress",
        &config,
        json!({"requestId": sent["requestId"]}),
    )
    .await
    .unwrap();
    assert_eq!(progress["phase"], "succeeded");
    assert_eq!(progress["targetCount"], 3);
    assert!(
        progress["acceptedTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(
        sim.requests()[1].query.as_deref(),
        Some(format!("requestId={}", sent["requestId"].as_str().unwrap()).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_consumption_and_delivery_counts_follow_what_was_sent() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    run(
        "multicast",
        &config,
        json!({"to": [USER, USER2], "messages": text("hi")}),
    )
    .await
    .unwrap();
    let usage = run("quota-consumption", &config, json!({})).await.unwrap();
    assert_eq!(usage["totalUsage"], 2);
    let delivered = run("delivery-multicast", &config, json!({"date": "20240229"}))
        .await
        .unwrap();
    assert_eq!(
        (delivered["status"].as_str(), delivered["success"].as_i64()),
        (Some("ready"), Some(2))
    );
}
