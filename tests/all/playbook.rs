//! What playbook authors get on top of LINE's API: the `text` shortcut and
//! dry runs.

use crate::support::*;
use line_connector_host::examples::example;
use line_connector_host::simulator::Simulator;
use serde_json::json;

/// The five send actions, each with the kind of its validate endpoint.
const SENDS: [&str; 5] = ["push", "reply", "multicast", "broadcast", "narrowcast"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_sends_one_text_message() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    for action in SENDS {
        let mut input = example(action).unwrap();
        input.as_object_mut().unwrap().remove("messages");
        input["text"] = json!("Disk full on db-2");
        run(action, &config, input).await.unwrap();
    }
    let requests = sim.requests();
    assert_eq!(requests.len(), SENDS.len());
    for r in requests {
        assert_eq!(
            r.json()["messages"],
            text("Disk full on db-2"),
            "{}",
            r.path
        );
        assert!(r.json().get("text").is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_and_messages_are_one_or_the_other() {
    let both = json!({"to": USER, "text": "a", "messages": text("b")});
    rejected("push", both, "text").await;
    rejected("push", json!({"to": USER}), "messages").await;
    rejected("broadcast", json!({"text": ""}), "text").await;
    let long = "x".repeat(5001);
    rejected("validate-push", json!({"text": long}), "text").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_validates_with_line_and_sends_nothing() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    for action in SENDS {
        let mut input = example(action).unwrap();
        input["dryRun"] = json!(true);
        let result = run(action, &config, input).await.unwrap();
        assert_eq!(result["dryRun"], true, "{action}");
        assert!(result.get("retryKey").is_none(), "{action}: {result}");
        let last = sim.requests().pop().unwrap();
        assert_eq!(last.path, format!("/v2/bot/message/validate/{action}"));
        assert_eq!(result["requestId"], last.request_id.as_str());
        assert_eq!(last.header("x-line-retry-key"), None, "{action}");
        let body = last.json();
        assert_eq!(
            body.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["messages"]
        );
    }
    assert!(sim.deliveries().is_empty());
    assert_eq!(sim.requests().len(), SENDS.len());

    // LINE's verdict on bad messages comes back as it would for a send.
    let bad =
        json!({"to": USER, "dryRun": true, "messages": [{"type": "sticker", "packageId": "446"}]});
    let error = run("push", &config, bad).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(400))
    );
    assert_eq!(error["details"][0]["property"], "messages[0].stickerId");
    assert!(sim.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_is_not_a_dry_run_says_so() {
    let sim = Simulator::start().await.unwrap();
    let result = run("push", &token_config(&sim), example("push").unwrap())
        .await
        .unwrap();
    assert_eq!(result["dryRun"], false);
    assert_eq!(sim.deliveries().len(), 1);
    let error = run("quota", &token_config(&sim), json!({"dryRun": true}))
        .await
        .unwrap_err();
    assert_eq!(error["field"], "dryRun");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_dry_run() {
    let sim = Simulator::start().await.unwrap();
    let config = config_file(&token_config(&sim));
    let input = json!({"to": USER, "text": "hello"}).to_string();
    let out = line_connector(&[
        "run",
        "push",
        "--config",
        path_of(&config),
        "--input",
        &input,
        "--dry-run",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["dryRun"], true);
    assert_eq!(sim.requests()[0].path, "/v2/bot/message/validate/push");
    assert!(sim.deliveries().is_empty());
}
