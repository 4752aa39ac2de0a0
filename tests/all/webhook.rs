//! Webhook batches: the signature checked (against signatures computed by
//! OpenSSL, not by the component's own code), forged, altered and malformed
//! ones refused, and the events read with their common fields, an unknown
//! type included.

use crate::support::*;
use serde_json::{Value, json};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// `X-Line-Signature` for `body`, by `openssl dgst -sha256 -hmac` and base64.
fn openssl_signature(secret: &str, body: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", secret, "-binary"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("openssl runs");
    child.stdin.take().unwrap().write_all(body).unwrap();
    let digest = child.wait_with_output().unwrap().stdout;
    assert_eq!(digest.len(), 32);
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// A batch with several event types, one of them not (yet) LINE's.
fn batch() -> Vec<u8> {
    let common = |t: &str, id: &str| {
        json!({"type": t, "mode": "active", "timestamp": 1_700_000_000_000i64, "webhookEventId": id,
               "deliveryContext": {"isRedelivery": false}, "source": {"type": "user", "userId": USER}})
    };
    let mut message = common("message", "01H0000000000000000000001");
    message["replyToken"] = json!("reply-token-1");
    message["message"] =
        json!({"type": "text", "id": "100001", "text": "CONFIRM", "quoteToken": "q1"});
    let follow = common("follow", "01H0000000000000000000002");
    let mut postback = common("postback", "01H0000000000000000000003");
    postback["postback"] =
        json!({"data": "action=report", "params": {"datetime": "2026-11-23T10:00"}});
    postback["source"] =
        json!({"type": "group", "groupId": "C00000000000000000000000000000001", "userId": USER});
    let mut future = common("somethingNew", "01H0000000000000000000004");
    future["deliveryContext"]["isRedelivery"] = json!(true);
    future["newField"] = json!({"nested": [1, 2, 3]});
    json!({"destination": "U00000000000000000000000000000b07", "events": [message, follow, postback, future]})
        .to_string()
        .into_bytes()
}

async fn webhook(
    function: &str,
    secret: &str,
    body: &[u8],
    signature: &str,
) -> Result<Value, Value> {
    session(&json!({}))
        .await
        .webhook(function, secret, body, signature)
        .await
        .expect("no trap")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_is_checked_on_the_raw_body_in_every_way_it_can_be_wrong() {
    let body = batch();
    let signature = openssl_signature(SECRET, &body);
    assert_eq!(
        webhook("verify", SECRET, &body, &signature).await,
        Ok(Value::Null)
    );
    let mut altered = body.clone();
    altered[40] ^= 1;
    let wrong_key = openssl_signature("another-channel-secret-0000000000", &body);
    let cases: [(&[u8], &str, &str, &str); 5] = [
        (&altered, SECRET, &signature, "signature-mismatch"),
        (&body, SECRET, &wrong_key, "signature-mismatch"),
        (&body, SECRET, "", "missing-signature"),
        (&body, SECRET, "not base64 at all!", "malformed-signature"),
        (&body, "", &signature, "missing-secret"),
    ];
    for (body, secret, signature, expected) in cases {
        let error = webhook("parse", secret, body, signature).await.unwrap_err();
        assert_eq!(error["type"], expected, "{error}");
        assert!(!error.to_string().contains(SECRET));
    }
    let huge = vec![b' '; (1 << 20) + 1];
    let error = webhook("verify", SECRET, &huge, &openssl_signature(SECRET, &huge))
        .await
        .unwrap_err();
    assert_eq!(error["type"], "too-large");
    let not_json = b"{\"destination\": ";
    let error = webhook(
        "parse",
        SECRET,
        not_json,
        &openssl_signature(SECRET, not_json),
    )
    .await
    .unwrap_err();
    assert_eq!(error["type"], "not-json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reads_into_events_and_a_new_type_passes_through() {
    let body = batch();
    let signature = openssl_signature(SECRET, &body);
    let batch = webhook("parse", SECRET, &body, &signature).await.unwrap();
    let sent: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(batch["destination"], sent["destination"]);
    let events = batch["events"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["message", "follow", "postback", "somethingNew"]);
    assert_eq!(events[0]["replyToken"], "reply-token-1");
    assert_eq!(events[0]["source"]["userId"], USER);
    assert_eq!(
        events[2]["source"]["groupId"],
        "C00000000000000000000000000000001"
    );
    assert_eq!(
        (
            events[3]["isRedelivery"].as_bool(),
            events[1]["isRedelivery"].as_bool()
        ),
        (Some(true), Some(false))
    );
    for (event, original) in events.iter().zip(sent["events"].as_array().unwrap()) {
        let json: Value = serde_json::from_str(event["json"].as_str().unwrap()).unwrap();
        assert_eq!(&json, original, "nothing lost");
    }
    let as_json = webhook("parse-json", SECRET, &body, &signature)
        .await
        .unwrap();
    assert_eq!(as_json, sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_reads_the_secret_from_the_config_only() {
    let body = batch();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let config = config_file(&json!({"channelSecret": SECRET}));
    let signature = openssl_signature(SECRET, &body);
    let parse = |signature: String| {
        let args = [
            "webhook",
            "parse",
            "--config",
            path_of(&config),
            "--body",
            path_of(&file),
            "--signature",
            &signature,
        ]
        .map(str::to_owned);
        async move { line_connector(&args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };
    let out = parse(signature).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["events"].as_array().unwrap().len(), 4);
    let forged = parse(openssl_signature("forger-secret-000000000000000000", &body)).await;
    assert_eq!(forged.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&forged.stdout).unwrap();
    assert_eq!(error["type"], "signature-mismatch");
    for output in [&out.stdout, &out.stderr, &forged.stdout, &forged.stderr] {
        assert!(!String::from_utf8_lossy(output).contains(SECRET));
    }
}
