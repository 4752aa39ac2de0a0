//! What playbook authors get on top of LINE's API: the `text` shortcut and
//! dry runs.

use crate::support::*;
use line_connector_host::examples::example;
use line_connector_host::simulator::{self, Simulator};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrowcast_progress_can_wait_for_the_end() {
    let sim = Simulator::start().await.unwrap();
    sim.set_narrowcast_time(std::time::Duration::from_millis(1500));
    let config = token_config(&sim);
    let sent = run("narrowcast", &config, example("narrowcast").unwrap())
        .await
        .unwrap();
    let id = sent["requestId"].clone();

    let now = run("narrowcast-progress", &config, json!({"requestId": id}))
        .await
        .unwrap();
    assert_eq!(
        (now["phase"].as_str(), now["polls"].as_u64()),
        (Some("waiting"), Some(1))
    );

    let waited = json!({"requestId": id, "waitSeconds": 30});
    let done = run("narrowcast-progress", &config, waited).await.unwrap();
    assert_eq!(done["phase"], "succeeded", "{done}");
    assert_eq!(done["successCount"], 3);
    let polls = done["polls"].as_u64().unwrap();
    assert!(polls >= 2, "{done}");
    let asked = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/progress/narrowcast"))
        .count();
    assert_eq!(asked as u64, 1 + polls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_ends_with_a_failed_narrowcast_or_when_time_is_up() {
    let sim = Simulator::start().await.unwrap();
    sim.set_narrowcast_time(std::time::Duration::from_millis(800));
    let config = token_config(&sim);
    let mut small = example("narrowcast").unwrap();
    small["recipient"] = json!({"type": "audience", "audienceGroupId": simulator::SMALL_AUDIENCE});
    let sent = run("narrowcast", &config, small).await.unwrap();
    let waited = json!({"requestId": sent["requestId"], "waitSeconds": 30});
    let failed = run("narrowcast-progress", &config, waited).await.unwrap();
    assert_eq!(
        (failed["phase"].as_str(), failed["errorCode"].as_i64()),
        (Some("failed"), Some(1))
    );
    assert!(sim.deliveries().is_empty());

    sim.set_narrowcast_time(std::time::Duration::from_secs(3600));
    let sent = run("narrowcast", &config, example("narrowcast").unwrap())
        .await
        .unwrap();
    let waited = json!({"requestId": sent["requestId"], "waitSeconds": 1});
    let pending = run("narrowcast-progress", &config, waited).await.unwrap();
    assert_eq!(pending["phase"], "waiting");
    assert!(pending["polls"].as_u64().unwrap() >= 2, "{pending}");

    rejected(
        "narrowcast-progress",
        json!({"requestId": "x", "waitSeconds": 3601}),
        "waitSeconds",
    )
    .await;
}
