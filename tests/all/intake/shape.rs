//! What comes out of the intake, and what goes in: each verified event
//! once, typed, in the shape `webhook parse` prints too (the batch's
//! `destination`, typed fields, the event's JSON as an object), filtered by
//! type if asked; `messageEdited` typed; several channel secrets during a
//! rotation; HTTPS served by the intake itself.

use super::*;
use line_simulator::webhooks::{every_event_type, message_edited, redelivered, signed_batch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_verified_event_comes_out_once_and_forged_ones_never() {
    let (_dir, store) = store();
    let intake = Intake::start(&store, &[]);
    let sent = events("once", 4, 2);
    assert_eq!(send(&intake.url, &sent).await, 200);
    // Forged (another secret) and unsigned: 401, nothing passed on.
    let (forged, forged_signature) =
        signed_batch("forger-secret-000000000000000000", &events("forged", 1, 1));
    assert_eq!(post(&intake.url, &forged, &forged_signature).await, 401);
    assert_eq!(post(&intake.url, &forged, "").await, 401);
    assert_eq!(send(&intake.url, &redelivered(&sent)).await, 200);
    intake.wait_lines(4, Duration::from_secs(10)).await;
    // Redeliveries print nothing; a late line would show by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let printed: Vec<String> = intake
        .lines()
        .iter()
        .map(|l| l["webhookEventId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        printed,
        ["once-0", "once-1", "once-2", "once-3"],
        "each event once, in order"
    );
    assert!(!intake.stderr().contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_type_comes_out_typed_messageedited_included() {
    let (_dir, store) = store();
    let intake = Intake::start(&store, &[]);
    let mut sent = every_event_type();
    assert_eq!(sent.len(), 19);
    sent.push(message_edited(
        "edit-1",
        1_763_900_000_100,
        "CONFIRM (edited)",
    ));
    assert_eq!(send(&intake.url, &sent[..10]).await, 200);
    assert_eq!(send(&intake.url, &redelivered(&sent[5..10])).await, 200);
    assert_eq!(send(&intake.url, &sent[10..]).await, 200);
    let lines = intake.wait_lines(20, Duration::from_secs(20)).await;
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    let expected: Vec<&str> = sent.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, expected, "each of the 20 types once, in order");
    for (line, original) in lines.iter().zip(&sent) {
        assert_eq!(
            &line["json"], original,
            "the event as LINE sent it, as an object"
        );
        assert_eq!(line["destination"], line_simulator::webhooks::BOT_USER_ID);
        let case = &line["payload"]["type"];
        assert!(case.is_string() && case != "unknown", "{line}");
    }
    let edited = &lines[19];
    assert_eq!(edited["payload"]["type"], "message-edited");
    assert_eq!(edited["payload"]["value"]["id"], "100001");
    assert_eq!(edited["payload"]["value"]["text"], "CONFIRM (edited)");
    assert_eq!(edited["replyToken"], "reply-edit-1");
    assert_eq!(edited["source"]["groupId"], sent[19]["source"]["groupId"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parse_and_listen_print_the_same_lines_and_filter_alike() {
    let mut sent = every_event_type();
    sent.push(message_edited("edit-2", 1_763_900_000_200, "edited"));
    let (body, signature) = signed_batch(SECRET, &sent);
    let body_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(body_file.path(), &body).unwrap();
    let config = crate::support::config_file(&json!({"channelSecret": SECRET}));
    for types in [None, Some("message,messageEdited,postback")] {
        let mut args = vec![
            "webhook",
            "parse",
            "--config",
            crate::support::path_of(&config),
            "--body",
            crate::support::path_of(&body_file),
            "--signature",
            &signature,
        ];
        let mut listen_args = vec![];
        if let Some(types) = types {
            args.extend(["--types", types]);
            listen_args.extend(["--types", types]);
        }
        let parsed = crate::support::line_connector(&args).await;
        assert_eq!(
            parsed.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&parsed.stderr)
        );
        let parsed: Vec<Value> = String::from_utf8(parsed.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (_dir, store) = store();
        let intake = Intake::start(&store, &listen_args);
        assert_eq!(post(&intake.url, &body, &signature).await, 200);
        let listened = intake
            .wait_lines(parsed.len(), Duration::from_secs(20))
            .await;
        assert_eq!(listened, parsed, "the same shape from both");
        let expected = match types {
            None => 20,
            Some(_) => 3,
        };
        assert_eq!(parsed.len(), expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rotation_a_batch_signed_with_either_secret_is_taken() {
    let (_dir, store) = store();
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command
        .env("OLD_CHANNEL_SECRET", "old-channel-secret-000000000000")
        .stdout(Stdio::piped());
    let intake = Intake::start_with(
        command,
        &store,
        &["--also-secret-env", "OLD_CHANNEL_SECRET"],
    );
    let (old, old_signature) =
        signed_batch("old-channel-secret-000000000000", &events("old", 1, 1));
    assert_eq!(post(&intake.url, &old, &old_signature).await, 200);
    assert_eq!(send(&intake.url, &events("new", 1, 1)).await, 200);
    let (neither, signature) =
        signed_batch("a-third-secret-0000000000000000", &events("neither", 1, 1));
    assert_eq!(post(&intake.url, &neither, &signature).await, 401);
    let lines = intake.wait_lines(2, Duration::from_secs(10)).await;
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["webhookEventId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["old-0", "new-0"]);
    assert!(!intake.stderr().contains("old-channel-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_intake_serves_https_itself() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let (_store_dir, store) = store();
    let intake = Intake::start(
        &store,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(intake.url.starts_with("https://"), "{}", intake.url);
    // A client trusting only that CA, as LINE trusts the public ones.
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_file_iter(&ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let address = intake.url.trim_start_matches("https://");
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let (body, signature) = signed_batch(SECRET, &events("tls-in", 2, 1));
    let head = format!(
        "POST /callback HTTP/1.1\r\nHost: localhost\r\nX-Line-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(&body).await.unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    intake.wait_lines(2, Duration::from_secs(10)).await;
    // A plain-HTTP client gets no answer from the TLS port.
    assert_ne!(
        post(&format!("http://{address}"), &body, &signature).await,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_webhook_endpoint_sends_lines_signed_test_event_and_reports_the_answer() {
    use crate::support::{run, token_config};
    use line_simulator::{CLIENT_SECRET, Simulator};
    let sim = Simulator::start().await.unwrap();
    let intake_as = |secret: &str, store: &Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
        command.stdout(Stdio::piped());
        Intake::start_as(command, secret, store, &[])
    };
    let (_dir, store) = store();
    let right = intake_as(CLIENT_SECRET, &store);
    sim.deliver_webhooks_to(&format!("{}/callback", right.url));
    let tested = run("test-webhook-endpoint", &token_config(&sim), json!({}))
        .await
        .unwrap();
    assert_eq!(
        (tested["success"].as_bool(), tested["statusCode"].as_i64()),
        (Some(true), Some(200)),
        "{tested}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(right.lines().is_empty(), "a test batch has no events");

    // An intake with another channel's secret refuses LINE's test event.
    let (_dir, store) = super::store();
    let wrong = intake_as("another-channel-secret-0000000000", &store);
    sim.deliver_webhooks_to(&format!("{}/callback", wrong.url));
    let refused = run("test-webhook-endpoint", &token_config(&sim), json!({}))
        .await
        .unwrap();
    assert_eq!(
        (refused["success"].as_bool(), refused["statusCode"].as_i64()),
        (Some(false), Some(401)),
        "{refused}"
    );
}
