//! Property test over the answer side: whatever status, headers and body a
//! server sends, every action's outcome is a typed result or a typed error,
//! never a trap; paged reads and sends that look something up first
//! included.

use super::config;
use super::server::{Hostile, Step};
use crate::support::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// A raw answer: any status, a few headers (LINE's among them, with any
/// value), and a body that is JSON-like, LINE-shaped or just bytes.
fn any_answer() -> impl Strategy<Value = Vec<u8>> {
    let status = prop_oneof![100u16..600, Just(200u16), Just(409u16), Just(429u16)];
    let header = prop_oneof![
        "[ -~]{0,60}".prop_map(|v| format!("X-Line-Request-Id: {v}")),
        "[ -~]{0,60}".prop_map(|v| format!("X-Line-Accepted-Request-Id: {v}")),
        "[0-9]{1,12}".prop_map(|v| format!("Content-Length: {v}")),
        "[A-Za-z-]{1,20}: [ -~]{0,40}",
    ];
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        "[{}\\[\\]\":,0-9a-z ]{0,200}".prop_map(String::into_bytes),
        (
            "[a-zA-Z]{0,12}",
            prop_oneof![
                Just(json!(null)),
                any::<i64>().prop_map(|n| json!(n)),
                any::<f64>().prop_map(|n| json!(n)),
                ".{0,30}".prop_map(|s| json!(s)),
                Just(json!([])),
                Just(json!({"id": 1}))
            ],
        )
            .prop_map(|(key, value)| {
                let fields = [
                    "type",
                    "value",
                    "totalUsage",
                    "status",
                    "success",
                    "phase",
                    "acceptedTime",
                    "sentMessages",
                    "message",
                    "details",
                    "userIds",
                    "next",
                    "displayName",
                    "userId",
                ];
                let mut object = serde_json::Map::new();
                for field in fields {
                    object.insert(field.into(), value.clone());
                }
                object.insert(key, value);
                serde_json::Value::Object(object).to_string().into_bytes()
            }),
    ];
    (status, prop::collection::vec(header, 0..4), body).prop_map(|(status, headers, body)| {
        let mut bytes = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n").into_bytes();
        for header in headers {
            bytes.extend_from_slice(header.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(&body);
        bytes
    })
}

#[test]
fn no_answer_makes_any_action_trap() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let next: Arc<Mutex<Vec<u8>>> = Arc::default();
    let served = next.clone();
    let server = runtime.block_on(Hostile::start(move |_| {
        vec![Step::Write(served.lock().unwrap().clone())]
    }));
    let mut config = config(&server.url());
    config["timeoutMs"] = json!(300);
    config["totalTimeoutMs"] = json!(600);
    let inputs = [
        ("quota", json!({})),
        ("quota-consumption", json!({})),
        ("push", json!({"to": USER, "messages": text("x")})),
        ("reply", json!({"replyToken": "r", "messages": text("x")})),
        ("narrowcast-progress", json!({"requestId": "r"})),
        ("delivery-broadcast", json!({"date": "20251231"})),
        // Paged, and looked up before the send: every page, every lookup.
        ("get-followers", json!({"all": true, "maxPages": 4})),
        (
            "push",
            json!({"to": USER, "messages": text("x"), "requireFriend": true}),
        ),
    ];
    let kinds = [
        "api",
        "authentication",
        "rate-limited",
        "quota-exceeded",
        "transport",
    ];
    for (action, input) in inputs {
        let mut runner = TestRunner::new(Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&any_answer(), |answer| {
                *next.lock().unwrap() = answer.clone();
                let outcome = runtime.block_on(CONNECTOR.run(action, &config, &input));
                let outcome = outcome.map_err(|trap| {
                    TestCaseError::fail(format!(
                        "{action} trapped on {:?}: {trap:#}",
                        String::from_utf8_lossy(&answer)
                    ))
                })?;
                if let Err(error) = outcome {
                    prop_assert!(
                        kinds.contains(&error["type"].as_str().unwrap_or_default()),
                        "{action}: {error}"
                    );
                }
                Ok(())
            })
            .unwrap();
    }
}
