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
    let as_json = webhook("parse-json", SECRET, &body, &signature)
        .await
        .unwrap();
    assert_eq!(as_json, sent);
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

/// A running `line-connector webhook listen`, killed when dropped.
struct Listener {
    child: std::process::Child,
    url: String,
}

impl Listener {
    fn start(config: &tempfile::NamedTempFile, extra: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_line-connector"))
            .args(["webhook", "listen", "--config", path_of(config)])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stderr.as_mut().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .expect("the address first")
            .to_owned();
        Listener { child, url }
    }

    /// Stops it and returns what it printed on stdout.
    fn stop(mut self) -> String {
        use std::io::Read;
        let _ = self.child.kill();
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let _ = self.child.wait();
        out
    }
}

/// POSTs `body` with `signature` to `url` and returns the status.
async fn post(url: &str, body: &[u8], signature: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /callback HTTP/1.1\r\nHost: {address}\r\nX-Line-Signature: {signature}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_passes_on_each_verified_event_once() {
    let config = config_file(&json!({"channelSecret": SECRET}));
    let listener = Listener::start(&config, &[]);
    let body = batch();
    assert_eq!(
        post(&listener.url, &body, &openssl_signature(SECRET, &body)).await,
        200
    );
    // Forged, unsigned and altered batches: 401, nothing passed on.
    let forged = json!({"destination": "U00000000000000000000000000000b07", "events": [{"type": "follow", "webhookEventId": "forged"}]});
    let forged = forged.to_string().into_bytes();
    assert_eq!(
        post(
            &listener.url,
            &forged,
            &openssl_signature("forger-secret-000000000000000000", &forged)
        )
        .await,
        401
    );
    assert_eq!(post(&listener.url, &forged, "").await, 401);
    // LINE redelivers the first batch's events: passed on once only.
    let mut again: Value = serde_json::from_slice(&body).unwrap();
    for event in again["events"].as_array_mut().unwrap() {
        event["deliveryContext"]["isRedelivery"] = json!(true);
    }
    let again = again.to_string().into_bytes();
    assert_eq!(
        post(&listener.url, &again, &openssl_signature(SECRET, &again)).await,
        200
    );
    // Redeliveries print nothing; give a late line time to show.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let printed = listener.stop();
    let ids: Vec<String> = printed
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["webhookEventId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let sent: Value = serde_json::from_slice(&body).unwrap();
    let expected: Vec<&str> = sent["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["webhookEventId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, expected, "each event once, in order: {printed}");
    assert!(!printed.contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_can_forward_each_event_to_a_platform() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = format!("http://{}/intake", receiver.local_addr().unwrap());
    let received = tokio::spawn(async move {
        let mut bodies = Vec::new();
        while bodies.len() < 4 {
            let (mut stream, _) = receiver.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        bodies.push(body.to_owned());
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
        }
        bodies
    });
    let config = config_file(&json!({"channelSecret": SECRET}));
    let listener = Listener::start(&config, &["--forward", &target]);
    let body = batch();
    assert_eq!(
        post(&listener.url, &body, &openssl_signature(SECRET, &body)).await,
        200
    );
    let bodies = tokio::time::timeout(std::time::Duration::from_secs(20), received)
        .await
        .unwrap()
        .unwrap();
    let printed = listener.stop();
    assert!(printed.is_empty(), "forwarded, not printed: {printed}");
    let types: Vec<String> = bodies
        .iter()
        .map(|b| {
            serde_json::from_str::<Value>(b).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(types, ["message", "follow", "postback", "somethingNew"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_type_the_simulator_sends_comes_out_of_the_listener_once() {
    use line_simulator::webhooks::{every_event_type, redelivered};
    use line_simulator::{CLIENT_SECRET, Simulator};
    let sim = Simulator::start().await.unwrap();
    let config = config_file(&json!({"channelSecret": CLIENT_SECRET}));
    let listener = Listener::start(&config, &[]);
    let url = format!("{}/callback", listener.url);
    let events = every_event_type();
    assert_eq!(events.len(), 19);
    assert_eq!(sim.send_webhook(&url, &events[..10]).await.unwrap(), 200);
    assert_eq!(
        sim.send_webhook(&url, &redelivered(&events[5..10]))
            .await
            .unwrap(),
        200
    );
    assert_eq!(sim.send_webhook(&url, &events[10..]).await.unwrap(), 200);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let printed = listener.stop();
    let types: Vec<String> = printed
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let sent: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, sent, "each of the 19 types once, in order");
    // Typed: each line has its payload case, none unknown.
    for line in printed.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        let case = &event["payload"]["type"];
        assert!(case.is_string() && case != "unknown", "{event}");
    }
}

#[test]
fn the_simulators_events_are_lines_events() {
    // Each event the simulator sends fits webhook.yml's schemas (the
    // discriminator-aware check the conformance tests use).
    use crate::openapi::{self, Spec};
    use line_simulator::webhooks::{BOT_USER_ID, every_event_type};
    let dir = openapi::dir();
    let spec = Spec::load(&dir, "webhook.yml");
    let batch = json!({"destination": BOT_USER_ID, "events": every_event_type()});
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_webhook_endpoint_sends_lines_signed_test_event_and_reports_the_answer() {
    use line_simulator::{CLIENT_SECRET, Simulator};
    let sim = Simulator::start().await.unwrap();
    let right = config_file(&json!({"channelSecret": CLIENT_SECRET}));
    let listener = Listener::start(&right, &[]);
    sim.deliver_webhooks_to(&format!("{}/callback", listener.url));
    let tested = run("test-webhook-endpoint", &token_config(&sim), json!({}))
        .await
        .unwrap();
    assert_eq!(
        (tested["success"].as_bool(), tested["statusCode"].as_i64()),
        (Some(true), Some(200)),
        "{tested}"
    );
    assert_eq!(listener.stop(), "", "a test batch has no events");

    // A listener with another channel's secret refuses LINE's test event.
    let wrong = config_file(&json!({"channelSecret": "another-channel-secret-0000000000"}));
    let listener = Listener::start(&wrong, &[]);
    sim.deliver_webhooks_to(&format!("{}/callback", listener.url));
    let refused = run("test-webhook-endpoint", &token_config(&sim), json!({}))
        .await
        .unwrap();
    assert_eq!(
        (refused["success"].as_bool(), refused["statusCode"].as_i64()),
        (Some(false), Some(401)),
        "{refused}"
    );
    listener.stop();
}
