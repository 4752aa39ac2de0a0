//! A token endpoint that misbehaves: an absurd lifetime, a token too long
//! or holding characters no header can carry. Each is a typed outcome at
//! once, never a trap and never a retry that cannot help.

use super::server::{Hostile, json as answer};
use crate::support::*;
use serde_json::{Value, json};

/// A token endpoint answering `token` and `expires_in` (any JSON), and LINE's
/// quota for a request that carries that token.
async fn endpoint(token: Value, expires_in: Value) -> Hostile {
    Hostile::start(move |request| match request.path() {
        "/oauth2/v3/token" => answer(
            200,
            &[],
            &json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"})
                .to_string(),
        ),
        _ => answer(200, &[], r#"{"type":"none"}"#),
    })
    .await
}

fn client(server: &Hostile) -> Value {
    json!({
        "clientId": "1234567890", "clientSecret": "a-client-secret",
        "tokenUrl": format!("{}/oauth2/v3/token", server.url()),
        "apiBaseUrl": server.url(), "retryDelayMs": 1,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_expires_in_is_taken_without_overflow() {
    for expires_in in [
        json!(u64::MAX),
        json!(i64::MAX),
        json!(-1),
        json!(1e300),
        json!("soon"),
    ] {
        let server = endpoint(json!("hostile-issued-token-1"), expires_in.clone()).await;
        let mut session = session(&client(&server)).await;
        for _ in 0..2 {
            let outcome = session.run("quota", &client(&server), &json!({})).await;
            let result = outcome.expect("no trap").expect("the token works");
            assert_eq!(result["type"], "none", "expires_in {expires_in}");
        }
        let fetched = server
            .requests()
            .iter()
            .filter(|r| r.path() == "/oauth2/v3/token")
            .count();
        assert!(
            (1..=2).contains(&fetched),
            "expires_in {expires_in}: {fetched} token requests"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_no_header_can_carry_is_refused_once() {
    for token in [
        "t".repeat(128 << 10),
        "token-with\r\nX-Injected: 1".into(),
        "token\0nul".into(),
    ] {
        let server = endpoint(json!(token), json!(900)).await;
        let error = run("quota", &client(&server), json!({})).await.unwrap_err();
        assert_eq!(error["type"], "authentication", "{error}");
        let paths: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.path().to_owned())
            .collect();
        assert_eq!(
            paths,
            ["/oauth2/v3/token"],
            "asked once, and nothing sent with it"
        );
        assert!(error.to_string().len() < 600);
    }
}
