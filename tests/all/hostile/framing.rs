//! Requests framed as LINE's SDKs frame them: a body goes out with its
//! `Content-Length`, never in chunks; a GET carries no body.

use super::server::{Hostile, json as answer};
use super::{TOKEN, config};
use crate::support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_goes_out_with_its_length() {
    let server = Hostile::start(|request| match request.path() {
        "/oauth2/v3/token" => answer(
            200,
            &[],
            r#"{"access_token":"hostile-issued-token-1","expires_in":900,"token_type":"Bearer"}"#,
        ),
        "/v2/bot/message/quota" => answer(200, &[], r#"{"type":"none"}"#),
        _ => answer(200, &[], r#"{"sentMessages":[]}"#),
    })
    .await;
    let push = json!({"to": USER, "messages": text("framed")});
    run("push", &config(&server.url()), push.clone())
        .await
        .unwrap();
    let client = json!({
        "clientId": "1234567890", "clientSecret": "a-client-secret",
        "tokenUrl": format!("{}/oauth2/v3/token", server.url()),
        "apiBaseUrl": server.url(), "maxAttempts": 1,
    });
    run("quota", &client, json!({})).await.unwrap();
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        [
            "/v2/bot/message/push",
            "/oauth2/v3/token",
            "/v2/bot/message/quota"
        ]
    );
    for request in &requests {
        assert_eq!(
            request.header("transfer-encoding"),
            None,
            "{}",
            request.head
        );
    }
    for posted in [&requests[0], &requests[1]] {
        let length = posted.header("content-length").expect("a Content-Length");
        assert_eq!(length, posted.body.len().to_string(), "{}", posted.head);
        assert!(!posted.body.is_empty());
    }
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&requests[0].body).unwrap()["to"],
        USER
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(requests[2].body.is_empty(), "a GET has no body");
}
