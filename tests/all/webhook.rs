//! Webhook batches: the signature checked (against signatures computed by
//! OpenSSL, not by the component's own code), forged, altered and malformed
//! ones refused, and the events read with their common fields, an unknown
//! type included.

use crate::support::*;
use line_simulator::Simulator;
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
    // parse-json: the same events, the same typed fields, the event's JSON
    // as an object.
    let as_json = webhook("parse-json", SECRET, &body, &signature)
        .await
        .unwrap();
    assert_eq!(as_json["destination"], sent["destination"]);
    let shaped = as_json["events"].as_array().unwrap();
    assert_eq!(shaped.len(), events.len());
    for ((shaped, typed), original) in shaped
        .iter()
        .zip(events)
        .zip(sent["events"].as_array().unwrap())
    {
        let (mut shaped, mut typed) = (shaped.clone(), typed.clone());
        assert_eq!(&shaped["json"], original);
        shaped.as_object_mut().unwrap().remove("json");
        typed.as_object_mut().unwrap().remove("json");
        assert_eq!(shaped, typed);
    }
}

/// `line-connector webhook WHAT --config CONFIG --body BODY --signature SIGNATURE`.
async fn webhook_command(
    what: &str,
    config: &tempfile::NamedTempFile,
    body: &tempfile::NamedTempFile,
    signature: String,
) -> std::process::Output {
    let args = [
        "webhook",
        what,
        "--config",
        path_of(config),
        "--body",
        path_of(body),
        "--signature",
        &signature,
    ];
    line_connector(&args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_reads_the_secret_from_the_config_only() {
    let body = batch();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let config = config_file(&json!({"channelSecret": SECRET}));
    let signature = openssl_signature(SECRET, &body);
    let parse = |signature: String| webhook_command("parse", &config, &file, signature);
    let out = parse(signature).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One JSON line per event, as the intake prints them.
    let printed = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<Value> = printed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["destination"], "U00000000000000000000000000000b07");
    let forged = parse(openssl_signature("forger-secret-000000000000000000", &body)).await;
    assert_eq!(forged.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&forged.stdout).unwrap();
    assert_eq!(error["type"], "signature-mismatch");
    for output in [&out.stdout, &out.stderr, &forged.stdout, &forged.stderr] {
        assert!(!String::from_utf8_lossy(output).contains(SECRET));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_config_serves_a_channels_actions_and_its_webhooks() {
    let sim = Simulator::start().await.unwrap();
    // The channel secret beside the send credentials: `run` takes it (and
    // never shows it), `webhook` verifies with it.
    let mut both = token_config(&sim);
    both["channelSecret"] = json!(SECRET);
    let quota = run_command("quota", &both, &[]).await;
    assert_eq!(
        quota.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&quota.stderr)
    );
    let body = batch();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let config = config_file(&both);
    let signature = openssl_signature(SECRET, &body);
    let verified = webhook_command("verify", &config, &file, signature.clone()).await;
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    for output in [
        &quota.stdout,
        &quota.stderr,
        &verified.stdout,
        &verified.stderr,
    ] {
        assert!(!String::from_utf8_lossy(output).contains(SECRET));
    }
    // Without a secret, the webhook commands refuse to start (a listener
    // would otherwise answer 401 to every batch LINE sends).
    let no_secret = config_file(&token_config(&sim));
    let refused = webhook_command("verify", &no_secret, &file, signature.clone()).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("channelSecret"));
    let listen = line_connector(&["webhook", "listen", "--config", path_of(&no_secret)]).await;
    assert_eq!(
        listen.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&listen.stderr)
    );
}

#[test]
fn the_simulators_events_are_lines_events() {
    // Each event the simulator sends fits webhook.yml's schemas (the
    // discriminator-aware check the conformance tests use).
    use crate::openapi::{self, Spec};
    use line_simulator::webhooks::*;
    let dir = openapi::dir();
    let spec = Spec::load(&dir, "webhook.yml");
    let mut events = every_event_type();
    // And those it plays users with: following, blocking, linking, tapping, typing.
    let user = line_simulator::FRIENDS[0];
    events.extend([
        follow_event(user, true),
        unfollow_event(user),
        account_link_event(user, true, "nonce-0123456789"),
        account_link_event(user, false, "nonce-0123456789"),
        postback_event("p1", line_simulator::GROUP, user, "ask:x:0:y"),
        text_event("t1", user, user, "Yes"),
    ]);
    let batch = json!({"destination": BOT_USER_ID, "events": events});
    let problems = spec.check_schema("/components/schemas/CallbackRequest", &batch);
    assert!(problems.is_empty(), "{problems:#?}");
    // The check can fail: a follow event without its `follow`.
    let mut broken = batch.clone();
    broken["events"][2]
        .as_object_mut()
        .unwrap()
        .remove("follow");
    assert!(
        !spec
            .check_schema("/components/schemas/CallbackRequest", &broken)
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_of_the_19_event_types_reads_into_its_typed_payload() {
    use line_simulator::webhooks::{every_event_type, signed_batch};
    let mut events = every_event_type();
    let mut future = events[3].clone();
    future["type"] = json!("somethingNew");
    events.push(future);
    let (body, signature) = signed_batch(SECRET, &events);
    let batch = webhook("parse", SECRET, &body, &signature).await.unwrap();
    let parsed = batch["events"].as_array().unwrap();
    let kebab = |camel: &str| {
        camel.chars().fold(String::new(), |mut out, c| {
            if c.is_ascii_uppercase() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            out
        })
    };
    for (event, sent) in parsed.iter().zip(&events) {
        let kind = sent["type"].as_str().unwrap();
        let expected = if kind == "somethingNew" {
            "unknown".to_owned()
        } else {
            kebab(kind)
        };
        assert_eq!(event["payload"]["type"], expected, "{event}");
    }
    let payload = |i: usize| parsed[i]["payload"].clone();
    assert_eq!(payload(0)["value"]["text"], "CONFIRM");
    assert_eq!(payload(0)["value"]["type"], "text");
    assert_eq!(payload(2)["isUnblocked"], false);
    assert_eq!(
        payload(6)["members"][0]["userId"],
        events[6]["joined"]["members"][0]["userId"]
    );
    assert_eq!(payload(8)["data"], "action=report");
    let params: Value = serde_json::from_str(payload(8)["params"].as_str().unwrap()).unwrap();
    assert_eq!(params["datetime"], "2026-11-23T10:00");
    assert_eq!(payload(11)["result"], "ok");
    assert_eq!(payload(12)["value"]["membershipId"], 3189);
    assert_eq!(payload(14)["expireAt"], 1_900_000_000_000i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_describes_what_parse_returns() {
    use line_connector_host::component::EMBEDDED_COMPONENT;
    use line_simulator::webhooks::{every_event_type, signed_batch};
    let manifest = line_connector_host::manifest_of(EMBEDDED_COMPONENT).unwrap();
    let webhook = &manifest["webhook"];
    assert_eq!(webhook["name"], "line:messaging/webhook@0.2.0");
    let function = |name: &str| {
        let functions = webhook["functions"].as_array().unwrap();
        functions
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()
            .clone()
    };
    let check = |schema: &Value, instance: &Value| {
        let validator = jsonschema::draft202012::new(schema).expect("a valid schema");
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    };
    let (body, signature) = signed_batch(SECRET, &every_event_type());
    let batch = webhook_call("parse", &body, &signature).await.unwrap();
    check(&function("parse")["outputSchema"], &batch);
    let error = webhook_call("parse", &body, "").await.unwrap_err();
    check(&function("parse")["errorSchema"], &error);
}

async fn webhook_call(function: &str, body: &[u8], signature: &str) -> Result<Value, Value> {
    webhook(function, SECRET, body, signature).await
}
