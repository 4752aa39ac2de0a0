//! Both auth modes: a channel access token as given, and client credentials
//! exchanged at LINE's stateless (v3) or short-lived (v2) token endpoint.

use crate::support::*;
use line_simulator::{CLIENT_ID, CLIENT_SECRET, Simulator};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_are_exchanged_at_the_stateless_endpoint_then_used() {
    let sim = Simulator::start().await.unwrap();
    run("quota", &client_config(&sim), json!({})).await.unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 2);
    let token_req = &requests[0];
    assert_eq!(
        (token_req.method.as_str(), token_req.path.as_str()),
        ("POST", "/oauth2/v3/token")
    );
    assert_eq!(
        token_req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = token_req.form();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(token_req.header("authorization"), None);
    let api_req = &requests[1];
    assert_eq!(api_req.path, "/v2/bot/message/quota");
    let bearer = api_req.header("authorization").unwrap();
    assert!(
        bearer.starts_with("Bearer sim-issued-"),
        "the issued token is used, got {bearer}"
    );
    assert_eq!(api_req.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_short_lived_v2_token_endpoint_works_too() {
    let sim = Simulator::start().await.unwrap();
    let mut config = client_config(&sim);
    config["tokenUrl"] = json!(format!("{}/v2/oauth/accessToken", sim.url()));
    let result = run("push", &config, json!({"to": USER, "messages": text("v2")}))
        .await
        .unwrap();
    let requests = sim.requests();
    assert_eq!(requests[0].path, "/v2/oauth/accessToken");
    assert_eq!(requests[1].status, 200);
    assert_eq!(result["requestId"], json!(requests[1].request_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_are_an_authentication_error_and_nothing_is_sent() {
    let sim = Simulator::start().await.unwrap();
    let mut config = client_config(&sim);
    config["clientSecret"] = json!("wrong-secret-5f2b");
    let error = run("push", &config, json!({"to": USER, "messages": text("x")}))
        .await
        .unwrap_err();
    assert_eq!(error["type"], "authentication");
    assert_eq!(error["status"], 400);
    assert_eq!(error["message"], "invalid client_id or client_secret");
    assert!(
        !error.to_string().contains("wrong-secret-5f2b"),
        "the secret never appears: {error}"
    );
    let paths: Vec<String> = sim.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/oauth2/v3/token"],
        "no message request after the refusal"
    );
    assert!(sim.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_line_rejects_is_an_authentication_error_with_the_request_id() {
    let sim = Simulator::start().await.unwrap();
    let mut config = token_config(&sim);
    config["channelAccessToken"] = json!("revoked-token-77");
    let error = run("push", &config, json!({"to": USER, "messages": text("x")}))
        .await
        .unwrap_err();
    let seen = &sim.requests()[0];
    assert_eq!(seen.status, 401);
    assert_eq!(error["type"], "authentication");
    assert_eq!(error["status"], 401);
    assert_eq!(error["requestId"], json!(seen.request_id));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Authentication failed")
    );
    assert!(!error.to_string().contains("revoked-token-77"));
    assert!(sim.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issued_token_that_expired_is_refused_by_line() {
    let sim = Simulator::start().await.unwrap();
    sim.set_token_lifetime(std::time::Duration::ZERO);
    let error = run("quota", &client_config(&sim), json!({}))
        .await
        .unwrap_err();
    assert_eq!(error["type"], "authentication");
    assert_eq!(error["status"], 401);
}
