//! No secret in any output, results included, whatever form a server
//! echoes it in: as it was sent, trimmed, URL- or form-encoded,
//! JSON-escaped or base64, in a header or in any answer field, and cut off.

use super::server::{Hostile, Request, Step, head, json as answer};
use super::{TOKEN, assert_no_piece_of, config};
use crate::support::*;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use line_connector_cli::examples::example;
use serde_json::{Value, json};

/// The request's bearer token, as the server received it.
fn bearer(request: &Request) -> String {
    let auth = request.header("authorization").unwrap_or_default();
    auth.trim_start_matches("Bearer ").to_owned()
}

/// The secrets the echoing server echoed, for the test to look for.
static ECHOED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The secret a request carries: its bearer token, its HTTP Basic pair, or
/// the credential field of a token endpoint's form or query (a JWT, the
/// channel secret, a token to verify or revoke).
fn secret_of(request: &Request) -> String {
    let auth = request.header("authorization").unwrap_or_default();
    let query = request.path().split_once('?').map(|(_, q)| q.as_bytes());
    let fields: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or(&request.body))
        .into_owned()
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let secret = match auth.split_once(' ') {
        Some(("Bearer" | "Basic", secret)) => secret.to_owned(),
        _ => field("client_assertion")
            .or_else(|| field("client_secret"))
            .or_else(|| field("access_token"))
            .unwrap_or_default(),
    };
    ECHOED.lock().unwrap().push(secret.clone());
    secret
}

/// Every form of `secret` a server might echo, side by side.
fn forms(secret: &str) -> String {
    let url: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let escaped = serde_json::to_string(secret).unwrap().replace('/', "\\/");
    format!(
        "plain {secret} url {url} json {escaped} b64 {} b64url {} wrapped x{}",
        STANDARD.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        STANDARD.encode(format!("user:{secret}")),
    )
}

/// An answer echoing the token into the request-id headers and every field.
fn echoing(request: &Request) -> Vec<Step> {
    let token = secret_of(request);
    let echoed = forms(&token);
    let header = format!("X-Line-Request-Id: {echoed}");
    let accepted = format!("X-Line-Accepted-Request-Id: {echoed}");
    let mut body = json!({
        "type": echoed, "value": 1, "totalUsage": 1, "status": echoed, "success": 1,
        "phase": echoed, "acceptedTime": echoed, "completedTime": echoed, "failedDescription": echoed,
        "sentMessages": [{"id": echoed, "quoteToken": echoed}],
        "displayName": echoed, "userId": echoed, "pictureUrl": echoed, "statusMessage": echoed,
        "language": echoed, "basicId": echoed, "premiumId": echoed, "chatMode": echoed,
        "markAsReadMode": echoed, "groupId": echoed, "groupName": echoed, "count": 1,
        "userIds": [echoed], "memberIds": [echoed], "customAggregationUnits": [echoed],
        "next": echoed, "linkToken": echoed, "endpoint": echoed, "active": true, "timestamp": echoed,
        "statusCode": 200, "reason": echoed, "detail": echoed, "numOfCustomAggregationUnits": 1,
    });
    let rich_menu = json!({
        "richMenuId": echoed, "richMenuAliasId": echoed, "name": echoed, "chatBarText": echoed,
        "selected": true, "size": {"width": 2500, "height": 1686}, "areas": [],
        "richmenus": [], "aliases": [{"richMenuAliasId": echoed, "richMenuId": echoed}],
        "audienceGroupId": 1, "audienceGroup": {"description": echoed, "status": "READY"},
        "audienceGroups": [], "couponId": echoed, "items": [], "memberships": [],
        "subscriptions": [], "overview": {"requestId": echoed}, "messages": [], "clicks": [],
        "liffId": echoed, "apps": [], "bots": [],
        "access_token": echoed, "expires_in": 1, "token_type": echoed, "key_id": echoed,
        "client_id": echoed, "scope": echoed, "kids": [echoed], "bot_id": echoed, "scopes": [echoed],
    });
    body.as_object_mut()
        .unwrap()
        .extend(rich_menu.as_object().unwrap().clone());
    // An audience list's `size` is a number, a rich menu's an object.
    if request.path().contains("/audienceGroup/") {
        body["size"] = json!(20);
    }
    if request.path().ends_with("/webhook/test") {
        body["success"] = json!(true);
    }
    answer(200, &[&header, &accepted], &body.to_string())
}

/// The actions that answer with content's bytes.
fn is_content(action: &str) -> bool {
    matches!(
        action,
        "get-message-content" | "get-message-content-preview" | "get-rich-menu-image"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_action_returns_an_echoed_token() {
    // Every action with its example input, through the typed function and
    // through invoke: the result (or the error) holds none of the token.
    // Actions that take the channel secret or a JWT assertion run with
    // them (the secret a random-looking one, as a real one is).
    let server = Hostile::start(echoing).await;
    for action in CONNECTOR.actions().iter().map(|a| a.name.as_str()) {
        let mut config = with_credentials(action, config(&server.url()), &server.url());
        if config.get("clientSecret").is_some() {
            config["clientSecret"] = json!(TOKEN.chars().rev().collect::<String>());
        }
        let input = example(action).unwrap();
        ECHOED.lock().unwrap().clear();
        let output = match run(action, &config, input.clone()).await {
            Ok(result) => result.to_string(),
            // Content holding the token is refused, not returned.
            Err(error) if is_content(action) && error["kind"] == "protocol" => {
                assert_no_piece_of(TOKEN, action, &error.to_string());
                continue;
            }
            Err(error) => panic!("{action}: {error}"),
        };
        assert!(output.contains("[redacted]"), "{action}: {output}");
        let mut session = session(&config).await;
        let invoked = session.invoke(action, &config, &input).await.unwrap();
        assert!(invoked.is_ok(), "{action}: {invoked:?}");
        let echoed = ECHOED.lock().unwrap().clone();
        assert!(
            !echoed.is_empty() && echoed.iter().all(|s| s.len() >= 16),
            "{action}: {echoed:?}"
        );
        for secret in echoed {
            assert_no_piece_of(&secret, action, &output);
            assert_no_piece_of(&secret, action, &format!("{invoked:?}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_accepted_before_returns_no_echoed_token() {
    // A 409 for a retry key LINE accepted before: the accepted request's id
    // is echoed too.
    let server = Hostile::start(|request| {
        let echoed = forms(&bearer(request));
        let headers = [
            format!("X-Line-Request-Id: {echoed}"),
            format!("X-Line-Accepted-Request-Id: {echoed}"),
        ];
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        answer(409, &headers, &json!({"message": echoed}).to_string())
    })
    .await;
    let result = run(
        "push",
        &config(&server.url()),
        json!({"to": USER, "messages": text("x")}),
    )
    .await
    .unwrap();
    assert!(
        result["acceptedRequestId"]
            .as_str()
            .unwrap()
            .contains("[redacted]"),
        "{result}"
    );
    assert_no_piece_of(TOKEN, "409", &result.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_spaces_around_it_is_sent_trimmed_and_redacted() {
    let server = Hostile::start(echoing).await;
    let mut config = config(&server.url());
    config["channelAccessToken"] = json!(format!("  {TOKEN}\t "));
    let result = run("quota", &config, json!({})).await.unwrap();
    assert_eq!(bearer(&server.requests()[0]), TOKEN);
    assert_no_piece_of(TOKEN, "quota", &result.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_is_redacted_before_it_is_cut() {
    // The token straddles where a quoted body is cut.
    for filler in [150, 195, 199, 480, 495] {
        let server = Hostile::start(move |request| {
            let body = format!("{}{}", "x".repeat(filler), bearer(request));
            let length = format!("Content-Length: {}", body.len());
            let mut bytes = head(500, &["Content-Type: text/plain", &length]);
            bytes.extend_from_slice(body.as_bytes());
            vec![Step::Write(bytes)]
        })
        .await;
        let error = run("quota", &config(&server.url()), json!({}))
            .await
            .unwrap_err();
        assert_eq!(error["status"], 500, "{error}");
        assert_no_piece_of(TOKEN, &format!("filler {filler}"), &error.to_string());
        assert!(
            error["message"].as_str().unwrap().chars().count() <= 210,
            "{error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_that_echoes_the_form_shows_no_secret() {
    let secret = "s3cr+t/with=signs+and/more";
    for status in [200, 400, 401, 500] {
        let server = Hostile::start(move |request| {
            let form = String::from_utf8_lossy(&request.body).into_owned();
            let echoed = format!("{form} {}", forms(secret));
            let body = match status {
                200 => json!({"access_token": "", "expires_in": 10, "echo": echoed}),
                _ => json!({"error": "invalid_client", "error_description": echoed}),
            };
            answer(
                status,
                &[&format!("X-Line-Request-Id: {echoed}")],
                &body.to_string(),
            )
        })
        .await;
        let config = json!({
            "clientId": "1234567890", "clientSecret": secret,
            "tokenUrl": format!("{}/oauth2/v3/token", server.url()),
            "apiBaseUrl": server.url(), "maxAttempts": 1,
        });
        let error = run("quota", &config, json!({})).await.unwrap_err();
        assert!(
            server.requests()[0]
                .body
                .starts_with(b"grant_type=client_credentials")
        );
        assert_no_piece_of(
            secret,
            &format!("token endpoint {status}"),
            &error.to_string(),
        );
        let out = run_command("quota", &config, &[]).await;
        assert_no_piece_of(secret, "stdout", &String::from_utf8_lossy(&out.stdout));
        assert_no_piece_of(secret, "stderr", &String::from_utf8_lossy(&out.stderr));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_prints_no_echoed_token_in_a_result() {
    let server = Hostile::start(echoing).await;
    let out = run_command("quota", &config(&server.url()), &[]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        printed["requestId"]
            .as_str()
            .unwrap()
            .contains("[redacted]")
    );
    assert_no_piece_of(TOKEN, "stdout", &printed.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_that_holds_the_token_is_not_returned() {
    let server = Hostile::start(|request| {
        let mut bytes = vec![0xff, 0xd8];
        bytes.extend_from_slice(bearer(request).as_bytes());
        let length = format!("Content-Length: {}", bytes.len());
        let mut answer = head(200, &["Content-Type: image/jpeg", &length]);
        answer.extend_from_slice(&bytes);
        vec![Step::Write(answer)]
    })
    .await;
    let mut config = config(&server.url());
    config["dataApiBaseUrl"] = json!(server.url());
    let error = run(
        "get-message-content",
        &config,
        json!({"messageId": "100001"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("transport"), Some("protocol")),
        "{error}"
    );
    assert_no_piece_of(TOKEN, "content", &error.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_that_echoes_one_part_of_the_jwt_gets_none_printed() {
    // The rest of a JWT is guessable (kid, channel, an expiry within
    // seconds): its signature alone would rebuild an assertion LINE takes.
    for part in 0..3 {
        let server = Hostile::start(move |request| {
            let form: Vec<(String, String)> = form_urlencoded::parse(&request.body).into_owned().collect();
            let jwt = form
                .iter()
                .find(|(name, _)| name == "client_assertion")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let echoed = jwt.split('.').nth(part).unwrap_or_default().to_owned();
            let body = json!({"error": "invalid_client", "error_description": format!("bad part {echoed}")});
            answer(400, &[&format!("X-Line-Request-Id: {echoed}")], &body.to_string())
        })
        .await;
        let config = json!({
            "clientId": line_simulator::CLIENT_ID,
            "assertionPrivateKey": line_simulator::assertion_private_jwk(),
            "assertionKeyId": line_simulator::ASSERTION_KEY_ID,
            "tokenUrl": format!("{}/oauth2/v3/token", server.url()),
            "apiBaseUrl": server.url(), "maxAttempts": 1,
        });
        let error = run("quota", &config, json!({})).await.unwrap_err();
        let body = &server.requests()[0].body;
        let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let jwt = &form
            .iter()
            .find(|(n, _)| n == "client_assertion")
            .unwrap()
            .1;
        let echoed = jwt.split('.').nth(part).unwrap();
        assert!(!error.to_string().contains(echoed), "part {part}: {error}");
        assert!(
            error.to_string().contains("[redacted]"),
            "part {part}: {error}"
        );
    }
}
