//! Every class of bad input is an `invalid-input` error naming the field,
//! and nothing is sent: not the message, not even a token request.

use crate::support::*;
use line_simulator::Simulator;
use serde_json::{Value, json};

fn messages(count: usize) -> Value {
    Value::Array(
        (0..count)
            .map(|i| json!({"type": "text", "text": format!("m{i}")}))
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_required_field() {
    rejected("push", json!({"messages": text("x")}), "to").await;
    rejected("reply", json!({"replyToken": "t"}), "messages").await;
    rejected("display-loading", json!({}), "chatId").await;
    rejected("delivery-push", json!({}), "date").await;
    rejected("push", json!({"to": "", "messages": text("x")}), "to").await;
    rejected(
        "reply",
        json!({"replyToken": " ", "messages": text("x")}),
        "replyToken",
    )
    .await;
    rejected("narrowcast-progress", json!({"requestId": ""}), "requestId").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_or_six_messages() {
    for action in ["push", "multicast", "validate-push", "broadcast"] {
        let mut input = json!({"to": USER, "messages": messages(0)});
        if action == "multicast" {
            input["to"] = json!([USER]);
        }
        if action.starts_with("validate") || action == "broadcast" {
            input.as_object_mut().unwrap().remove("to");
        }
        rejected(action, input.clone(), "messages").await;
        input["messages"] = messages(6);
        rejected(action, input, "messages").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_multicast_recipients_or_a_bad_one_in_a_later_batch() {
    let mut users: Vec<String> = (0..1234).map(|i| format!("U{i:032x}")).collect();
    users[700] = "U700".into();
    let input = json!({"to": users, "messages": text("x")});
    rejected("multicast", input, "to[700]").await;
    rejected("multicast", json!({"to": [], "messages": text("x")}), "to").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_seconds_outside_lines_steps() {
    for seconds in [0, 7, 65, 3] {
        rejected(
            "display-loading",
            json!({"chatId": USER, "loadingSeconds": seconds}),
            "loadingSeconds",
        )
        .await;
    }
    rejected(
        "display-loading",
        json!({"chatId": USER, "loadingSeconds": -5}),
        "loadingSeconds",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_that_are_not_real_yyyymmdd_days() {
    for date in [
        "2025-01-01",
        "20251301",
        "20250230",
        "2025011",
        "2025O101",
        "",
    ] {
        rejected("delivery-broadcast", json!({"date": date}), "date").await;
    }
    rejected("delivery-push", json!({"date": 20251231}), "date").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_user_ids() {
    rejected("push", json!({"to": "U123", "messages": text("x")}), "to").await;
    rejected(
        "push",
        json!({"to": "X4af4980629a2b3c4d5e6f708192a3b4c", "messages": text("x")}),
        "to",
    )
    .await;
    rejected(
        "push",
        json!({"to": "U4AF4980629A2B3C4D5E6F708192A3B4C", "messages": text("x")}),
        "to",
    )
    .await;
    rejected(
        "multicast",
        json!({"to": [USER, "C4af4980629a2b3c4d5e6f708192a3b4c"], "messages": text("x")}),
        "to[1]",
    )
    .await;
    rejected(
        "display-loading",
        json!({"chatId": "R4af4980629a2b3c4d5e6f708192a3b4c"}),
        "chatId",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_that_are_not_json_or_not_message_objects() {
    let error = rejected(
        "push",
        json!({"to": USER, "messages": "hello there"}),
        "messages",
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    rejected(
        "push",
        json!({"to": USER, "messages": "{\"type\":\"text\""}),
        "messages",
    )
    .await;
    rejected(
        "push",
        json!({"to": USER, "messages": {"type": "text", "text": "x"}}),
        "messages",
    )
    .await;
    rejected(
        "push",
        json!({"to": USER, "messages": [{"text": "no type"}]}),
        "messages[0].type",
    )
    .await;
    rejected(
        "push",
        json!({"to": USER, "messages": [{"type": "text", "text": "a"}, "b"]}),
        "messages[1]",
    )
    .await;
    rejected(
        "narrowcast",
        json!({"messages": text("x"), "filter": "gender=female"}),
        "filter",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_limits_count_what_line_counts() {
    // 2,500 emoji are 5,000 UTF-16 code units: the limit exactly.
    let sim = Simulator::start().await.unwrap();
    let at_limit = "😀".repeat(2500);
    run(
        "push",
        &token_config(&sim),
        json!({"to": USER, "messages": text(&at_limit)}),
    )
    .await
    .unwrap();
    let over = "😀".repeat(2501);
    rejected(
        "push",
        json!({"to": USER, "messages": text(&over)}),
        "messages[0].text",
    )
    .await;
    rejected(
        "push",
        json!({"to": USER, "messages": text("")}),
        "messages[0].text",
    )
    .await;
    let long_alt =
        json!([{"type": "flex", "altText": "a".repeat(1501), "contents": {"type": "bubble"}}]);
    rejected(
        "push",
        json!({"to": USER, "messages": long_alt}),
        "messages[0].altText",
    )
    .await;
    let items: Vec<Value> = (0..14).map(|i| json!({"type": "action", "action": {"type": "message", "label": i.to_string(), "text": "x"}})).collect();
    let quick = json!([{"type": "text", "text": "pick", "quickReply": {"items": items}}]);
    rejected(
        "push",
        json!({"to": USER, "messages": quick}),
        "messages[0].quickReply.items",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_line_does_not_have_and_wrong_types() {
    rejected(
        "push",
        json!({"to": USER, "messages": text("x"), "notificationDisable": true}),
        "notificationDisable",
    )
    .await;
    rejected(
        "push",
        json!({"to": USER, "messages": text("x"), "notificationDisabled": "yes"}),
        "notificationDisabled",
    )
    .await;
    rejected("quota", json!({"date": "20250101"}), "date").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_mistakes() {
    let sim = Simulator::start().await.unwrap();
    let input = json!({"to": USER, "messages": text("x")});
    let cases = [
        (json!({}), "config.channelAccessToken"),
        (
            json!({"channelAccessToken": "t", "clientId": "1", "clientSecret": "s"}),
            "config.channelAccessToken",
        ),
        (json!({"clientId": "1"}), "config.clientSecret"),
        (json!({"clientSecret": "s"}), "config.clientId"),
        (
            json!({"channelAccessToken": "t", "apiBaseUrl": "ftp://example.test"}),
            "config.apiBaseUrl",
        ),
        (
            json!({"clientId": "1", "clientSecret": "s", "tokenUrl": "not a url"}),
            "config.tokenUrl",
        ),
        (
            json!({"channelAccessToken": "t", "timeoutMs": 0}),
            "config.timeoutMs",
        ),
        (
            json!({"channelAccessToken": "t", "timeoutMs": -1}),
            "config.timeoutMs",
        ),
        (
            json!({"channelAccesToken": "t"}),
            "config.channelAccesToken",
        ),
    ];
    for (mistake, field) in cases {
        // Everything points at the simulator, so a missed check would show there.
        let mut config =
            json!({"apiBaseUrl": sim.url(), "tokenUrl": format!("{}/oauth2/v3/token", sim.url())});
        config
            .as_object_mut()
            .unwrap()
            .extend(mistake.as_object().unwrap().clone());
        let error = run("push", &config, input.clone()).await.expect_err(field);
        assert_eq!(
            (error["type"].as_str(), error["field"].as_str()),
            (Some("invalid-input"), Some(field)),
            "{config}"
        );
    }
    assert!(sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_2_mb_is_refused_before_sending() {
    let huge = "x".repeat(2 * 1024 * 1024);
    let flex = json!([{"type": "flex", "altText": "big", "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [], "padding": huge}}}]);
    let error = rejected("push", json!({"to": USER, "messages": flex}), "messages").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("at most 2097152"),
        "{error}"
    );
}
