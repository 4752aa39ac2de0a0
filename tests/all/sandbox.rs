//! The host lets the component reach only its allow-list, and plain http
//! only on loopback; a refused call sends nothing.

use crate::support::*;
use line_connector_host::Sandbox;
use line_simulator::Simulator;
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
        ["127.0.0.1", "127.0.0.1", "manager.line.biz", "api.line.me"]
    );
    assert_eq!(
        Sandbox::for_config(&json!({})).hosts(),
        [
            "api.line.me",
            "api-data.line.me",
            "manager.line.biz",
            "api.line.me"
        ]
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

#[test]
fn an_allowed_host_with_a_port_allows_that_port_only() {
    let sandbox = Sandbox::allowing([
        "127.0.0.1:8080",
        "[::1]:9000",
        "api.line.me:443",
        "localhost",
    ]);
    let permits = |uri: &str| sandbox.permits(&uri.parse().unwrap());
    assert!(permits("http://127.0.0.1:8080/v2/bot/message/quota"));
    assert!(!permits("http://127.0.0.1:8081/v2/bot/message/quota"));
    assert!(!permits("http://127.0.0.1/"), "port 80 is not 8080");
    assert!(permits("http://[::1]:9000/"));
    assert!(!permits("http://[::1]:9001/"));
    assert!(
        permits("https://api.line.me/v2/bot/message/push"),
        "443 is https's port"
    );
    assert!(!permits("https://api.line.me:8443/"));
    assert!(
        permits("http://localhost:1234/"),
        "a host alone allows any port"
    );
    for bad in ["127.0.0.1:port", "user@api.line.me", "api.line.me:", "a b"] {
        assert!(Sandbox::checked([bad]).is_err(), "{bad}");
    }
    assert!(Sandbox::checked(["::1", "[::1]:1", "api.line.me"]).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_allow_list_takes_a_port() {
    let sim = Simulator::start().await.unwrap();
    let host_port = sim.url().trim_start_matches("http://").to_owned();
    let ok = run_command("quota", &token_config(&sim), &["--allow-host", &host_port]).await;
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let port: u16 = host_port.rsplit(':').next().unwrap().parse().unwrap();
    let other = format!("127.0.0.1:{}", port.wrapping_add(1));
    let denied = run_command("quota", &token_config(&sim), &["--allow-host", &other]).await;
    assert_eq!(denied.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&denied.stdout).unwrap();
    assert_eq!(error["kind"], "denied");
    let bad = run_command(
        "quota",
        &token_config(&sim),
        &["--allow-host", "127.0.0.1:port"],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--allow-host"));
    assert_eq!(sim.requests().len(), 1);
}
