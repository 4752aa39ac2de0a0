//! The host lets the component reach only its allow-list, and plain http
//! only on loopback; a refused call sends nothing.

use crate::support::*;
use line_connector_host::Sandbox;
use line_connector_host::simulator::Simulator;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_to_a_host_off_the_allow_list_is_refused_and_sends_nothing() {
    let sim = Simulator::start().await.unwrap();
    let config = client_config(&sim);
    let mut session = CONNECTOR
        .session(Sandbox::allowing(["api.line.me"]))
        .await
        .unwrap();
    let error = session
        .run("push", &config, &json!({"to": USER, "messages": text("x")}))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("transport"), Some("denied")),
        "{error}"
    );
    assert!(sim.requests().is_empty(), "nothing reached the simulator");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_allow_list_is_the_configs_hosts() {
    let sim = Simulator::start().await.unwrap();
    assert_eq!(
        Sandbox::for_config(&token_config(&sim)).hosts(),
        ["127.0.0.1", "127.0.0.1", "api.line.me"]
    );
    assert_eq!(
        Sandbox::for_config(&json!({})).hosts(),
        ["api.line.me", "api-data.line.me", "api.line.me"]
    );
    run("quota", &token_config(&sim), json!({})).await.unwrap();
}

#[test]
fn plain_http_is_allowed_only_to_loopback() {
    let sandbox = Sandbox::allowing(["api.line.me", "127.0.0.1", "::1", "localhost", "line.test"]);
    let permits = |uri: &str| sandbox.permits(&uri.parse().unwrap());
    assert!(permits("https://api.line.me/v2/bot/message/push"));
    assert!(permits("https://API.LINE.ME/v2/bot/message/push"));
    assert!(permits("http://127.0.0.1:8080/v2/bot/message/quota"));
    assert!(permits("http://[::1]:8080/"));
    assert!(permits("http://localhost/"));
    assert!(
        !permits("http://api.line.me/v2/bot/message/push"),
        "plain http off loopback"
    );
    assert!(!permits("http://line.test/"));
    assert!(!permits("https://api.line.me.evil.test/"));
    assert!(!permits("https://example.com/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_takes_an_allow_list() {
    let sim = Simulator::start().await.unwrap();
    let out = run_command(
        "quota",
        &token_config(&sim),
        &["--allow-host", "api.line.me"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["kind"], "denied");
    assert!(sim.requests().is_empty());
}
