//! No output ever carries the channel secret or a token, on any error path,
//! even from a server that echoes them back.

use crate::support::*;
use line_connector_host::Sandbox;
use line_simulator::{self as simulator, CHANNEL_ACCESS_TOKEN, CLIENT_SECRET, Fault, Simulator};
use serde_json::{Value, json};
use std::time::Duration;

const PUSH: &str = "/v2/bot/message/push";
const TOKEN: &str = "/oauth2/v3/token";

fn assert_clean(what: &str, output: &str) {
    for secret in [CLIENT_SECRET, CHANNEL_ACCESS_TOKEN, "sim-issued-"] {
        assert!(!output.contains(secret), "{what} leaks {secret}: {output}");
    }
    // The assertion key's private members, and any JWT (`{"` in base64url).
    let key: Value = serde_json::from_str(&simulator::assertion_private_jwk()).unwrap();
    for member in ["d", "p", "q"] {
        let secret = &key[member].as_str().unwrap()[..24];
        assert!(
            !output.contains(secret),
            "{what} leaks the key's {member}: {output}"
        );
    }
    assert!(!output.contains("eyJ"), "{what} leaks a JWT: {output}");
}

fn quick(mut config: Value) -> Value {
    config["retryDelayMs"] = json!(1);
    config["maxAttempts"] = json!(2);
    config["timeoutMs"] = json!(200);
    config
}

/// One error path: what it is, the config, faults scripted per path, the input.
type Case = (&'static str, Value, Vec<(&'static str, Fault)>, Value);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_error_path_shows_a_secret() {
    let sim = Simulator::start().await.unwrap();
    let push = json!({"to": USER, "messages": text("x")});
    let echo = |status| Fault::EchoAuthorization(status);
    let cases: Vec<Case> = vec![
        (
            "secret pasted into a field",
            client_config(&sim),
            vec![],
            json!({"to": CLIENT_SECRET, "messages": text("x")}),
        ),
        (
            "token pasted into a field",
            token_config(&sim),
            vec![],
            json!({"to": CHANNEL_ACCESS_TOKEN, "messages": text("x")}),
        ),
        (
            "both auth modes",
            {
                let mut c = client_config(&sim);
                c["channelAccessToken"] = json!(CHANNEL_ACCESS_TOKEN);
                c
            },
            vec![],
            push.clone(),
        ),
        (
            "token endpoint echoes the secret",
            client_config(&sim),
            vec![(
                TOKEN,
                Fault::Answer(
                    400,
                    json!({"error": "invalid_client", "error_description": format!("bad secret {CLIENT_SECRET}")}),
                ),
            )],
            push.clone(),
        ),
        (
            "token endpoint echoes the JWT assertion",
            assertion_config(&sim),
            vec![(TOKEN, Fault::EchoBody(400))],
            push.clone(),
        ),
        (
            "401 twice echoes tokens fetched with a JWT",
            assertion_config(&sim),
            vec![(PUSH, echo(401)), (PUSH, echo(401))],
            push.clone(),
        ),
        (
            "a private key member pasted into a field",
            assertion_config(&sim),
            vec![],
            {
                let key: Value = serde_json::from_str(&simulator::assertion_private_jwk()).unwrap();
                json!({"to": key["d"], "messages": text("x")})
            },
        ),
        (
            "401 echoes the given token",
            token_config(&sim),
            vec![(PUSH, echo(401))],
            push.clone(),
        ),
        (
            "401 twice echoes fetched tokens",
            client_config(&sim),
            vec![(PUSH, echo(401)), (PUSH, echo(401))],
            push.clone(),
        ),
        (
            "400 echoes in details",
            token_config(&sim),
            vec![(PUSH, echo(400))],
            push.clone(),
        ),
        (
            "rate limit echoes",
            client_config(&sim),
            vec![(PUSH, echo(429)), (PUSH, echo(429))],
            push.clone(),
        ),
        (
            "5xx echoes",
            token_config(&sim),
            vec![(PUSH, echo(500)), (PUSH, echo(503))],
            push.clone(),
        ),
        (
            "monthly limit",
            client_config(&sim),
            vec![(PUSH, Fault::MonthlyLimit)],
            push.clone(),
        ),
        (
            "timeout",
            // Settings of its own: a new instance, which must fetch a token
            // (runs of one config share an instance and its token).
            {
                let mut c = client_config(&sim);
                c["connectTimeoutMs"] = json!(4321);
                c
            },
            vec![
                (TOKEN, Fault::Delay(Duration::from_secs(5))),
                (TOKEN, Fault::Delay(Duration::from_secs(5))),
            ],
            push.clone(),
        ),
        (
            "connection refused",
            {
                let mut c = client_config(&sim);
                c["apiBaseUrl"] = json!("http://127.0.0.1:9");
                c
            },
            vec![],
            push.clone(),
        ),
    ];
    for (what, config, faults, input) in cases {
        for (path, fault) in faults {
            sim.script(path, [fault]);
        }
        let error = run("push", &quick(config.clone()), input.clone()).await;
        let error = match error {
            Err(e) => e,
            Ok(ok) => panic!("{what}: expected an error, got {ok}"),
        };
        assert_clean(what, &error.to_string());
    }
    // A reply that lost its connection, and a host that refuses the destination.
    sim.script("/v2/bot/message/reply", [Fault::CloseAfterAccept]);
    let closed = run(
        "reply",
        &quick(token_config(&sim)),
        json!({"replyToken": "r2", "messages": text("x")}),
    )
    .await
    .unwrap_err();
    assert_eq!(closed["type"], "transport");
    assert_clean("connection closed", &closed.to_string());
    let config = quick(client_config(&sim));
    let mut session = CONNECTOR
        .session(Sandbox::allowing(["api.line.me"]))
        .await
        .unwrap();
    let denied = session
        .run("push", &config, &push)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(denied["kind"], "denied");
    assert_clean("denied", &denied.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_actions_show_no_secret_on_any_error_path() {
    // The token endpoints echo the form (the secret, the JWT, the token to
    // verify or revoke) into their errors.
    let sim = Simulator::start().await.unwrap();
    for (action, path, config, input) in [
        (
            "issue-channel-token",
            "/v2/oauth/accessToken",
            client_config(&sim),
            json!({}),
        ),
        (
            "issue-stateless-channel-token",
            TOKEN,
            assertion_config(&sim),
            json!({}),
        ),
        (
            "issue-channel-token-by-jwt",
            "/oauth2/v2.1/token",
            assertion_config(&sim),
            json!({}),
        ),
        (
            "verify-channel-token",
            "/v2/oauth/verify",
            token_config(&sim),
            json!({}),
        ),
        (
            "revoke-channel-token-by-jwt",
            "/oauth2/v2.1/revoke",
            client_config(&sim),
            json!({"access_token": "sim-issued-0123456789abcdef"}),
        ),
    ] {
        sim.script(path, [Fault::EchoBody(400)]);
        let error = run(action, &quick(config), input).await.unwrap_err();
        assert_eq!(error["status"], 400, "{action}: {error}");
        assert!(
            error.to_string().contains("[redacted]"),
            "{action}: {error}"
        );
        assert_clean(action, &error.to_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_shows_no_secret_either() {
    let sim = Simulator::start().await.unwrap();
    sim.script(PUSH, [Fault::EchoAuthorization(401)]);
    let input = json!({"to": USER, "messages": text("x")}).to_string();
    let out = run_command("push", &quick(token_config(&sim)), &["--input", &input]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(sim.requests()[0].status, 401);
    assert_clean("stdout", &String::from_utf8_lossy(&out.stdout));
    assert_clean("stderr", &String::from_utf8_lossy(&out.stderr));
}
