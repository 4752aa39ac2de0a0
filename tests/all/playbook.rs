//! What playbook authors get on top of LINE's API: the `text` shortcut and
//! dry runs.

use crate::support::*;
use line_connector_cli::examples::example;
use line_simulator::{self as simulator, Fault, Simulator};
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
    let input = json!({"to": USER, "text": "hello"}).to_string();
    let out = run_command(
        "push",
        &token_config(&sim),
        &["--input", &input, "--dry-run"],
    )
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

const MULTICAST: &str = "/v2/bot/message/multicast";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_multicast_goes_in_batches_and_a_rerun_sends_only_the_failed_one() {
    let sim = Simulator::start().await.unwrap();
    let mut config = token_config(&sim);
    config["maxAttempts"] = json!(2);
    config["retryDelayMs"] = json!(1);
    let users: Vec<String> = (0..1234).map(|i| format!("U{i:032x}")).collect();
    let key = "123e4567-e89b-12d3-a456-426614174000";
    let input = json!({"to": users, "text": "Rotate your VPN password", "retryKey": key});

    // The second batch fails on both of its attempts.
    sim.script(
        MULTICAST,
        [Fault::Pass, Fault::Status(500), Fault::Status(500)],
    );
    let error = run("multicast", &config, input.clone()).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["retryKey"].as_str()),
        (Some("batches-failed"), Some(key))
    );
    let batches = error["batches"].as_array().unwrap();
    let field = |name: &str| batches.iter().map(|b| b[name].clone()).collect::<Vec<_>>();
    assert_eq!(field("index"), [json!(0), json!(1), json!(2)]);
    assert_eq!(field("recipients"), [json!(500), json!(500), json!(234)]);
    assert_eq!(field("attempts"), [json!(1), json!(2), json!(1)]);
    assert_eq!(batches[1]["failure"]["type"], "api");
    assert_eq!(batches[1]["failure"]["status"], 500);
    assert!(batches[0].get("failure").is_none() && batches[2].get("failure").is_none());
    assert!(batches[1].get("requestId").is_none());
    let keys = field("retryKey");
    assert_eq!(keys[0], key);
    assert!(keys[1] != keys[0] && keys[2] != keys[0] && keys[1] != keys[2]);

    // What LINE saw: three batches of at most 500, the second one twice,
    // each with its own key on every attempt.
    let seen: Vec<(usize, String)> = sim
        .requests()
        .iter()
        .map(|r| {
            (
                r.json()["to"].as_array().unwrap().len(),
                r.header("x-line-retry-key").unwrap().to_owned(),
            )
        })
        .collect();
    let key_of = |i: usize| keys[i].as_str().unwrap().to_owned();
    assert_eq!(
        seen,
        [
            (500, key_of(0)),
            (500, key_of(1)),
            (500, key_of(1)),
            (234, key_of(2))
        ]
    );
    assert_eq!(sim.deliveries().len(), 2);

    // The same run again: only the failed batch goes out; the others answer 409.
    let result = run("multicast", &config, input).await.unwrap();
    assert_eq!(result["retryKey"], key);
    let again = result["batches"].as_array().unwrap();
    assert_eq!(
        again
            .iter()
            .map(|b| b["retryKey"].clone())
            .collect::<Vec<_>>(),
        keys
    );
    assert_eq!(again[0]["acceptedRequestId"], batches[0]["requestId"]);
    assert_eq!(again[2]["acceptedRequestId"], batches[2]["requestId"]);
    assert!(again[1].get("acceptedRequestId").is_none());
    let deliveries = sim.deliveries();
    assert_eq!(deliveries.len(), 3);
    let mut reached: Vec<String> = deliveries.iter().flat_map(|d| d.to.clone()).collect();
    reached.sort();
    let mut everyone = users.clone();
    everyone.sort();
    assert_eq!(reached, everyone, "every user exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_multicast_is_one_batch_and_fails_as_that_batch() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let result = run("multicast", &config, example("multicast").unwrap())
        .await
        .unwrap();
    let batches = result["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0]["recipients"], 2);
    assert_eq!(batches[0]["retryKey"], result["retryKey"]);
    assert_eq!(batches[0]["requestId"], result["requestId"]);

    sim.inject(MULTICAST, 403, json!({"message": "Not allowed"}));
    let error = run("multicast", &config, example("multicast").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(403))
    );
}
