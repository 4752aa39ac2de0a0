//! Forwarding done as a platform needs it: HTTPS with the host's CA
//! options, the URL's query kept, an IPv6 literal, a `Host` header with
//! the port, kept-alive connections, the URL's credentials sent as Basic
//! and never printed, a header from the environment, the body signed with
//! a forward secret; a URL the intake cannot use refused at start.

use super::*;
use base64::Engine as _;
use hmac::{Hmac, Mac};

/// A TLS stand-in: the platform serving HTTPS with a certificate for
/// `localhost` from a CA made in `dir`; that CA's file.
async fn tls_platform(dir: &Path) -> (Platform, PathBuf) {
    let (ca, cert, key) = certificates(dir);
    let platform = Platform::start_tls(tls_acceptor(&cert, &key), Mode::Take).await;
    (platform, ca)
}

/// A rustls acceptor from OpenSSL's PEM files.
pub fn tls_acceptor(cert: &Path, key: &Path) -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_over_https_sends_credentials_a_header_and_a_signature_and_prints_none() {
    let dir = tempfile::tempdir().unwrap();
    let (platform, ca) = tls_platform(dir.path()).await;
    let port = platform.addr.port();
    let target = format!("https://bot:p%40ss-w0rd@localhost:{port}/line?tenant=7");
    let (_store_dir, store) = store();
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command
        .env("PLATFORM_TOKEN", "platform-token-7f3a")
        .env("FORWARD_SECRET", "forward-secret-91c2")
        .stdout(Stdio::piped());
    let intake = Intake::start_with(
        command,
        &store,
        &[
            "--ca-file",
            ca.to_str().unwrap(),
            "--forward",
            &target,
            "--forward-header",
            "X-Platform-Token=PLATFORM_TOKEN",
            "--forward-secret-env",
            "FORWARD_SECRET",
        ],
    );
    let sent = events("tls", 10, 1);
    assert_eq!(send(&intake.url, &sent).await, 200);
    let taken = platform.wait_taken(10, Duration::from_secs(20)).await;
    assert_eq!(
        taken,
        sent.iter()
            .map(|e| e["webhookEventId"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    for received in platform.received() {
        let headers = &received.headers;
        assert_eq!(received.target, "/line?tenant=7");
        assert_eq!(headers["host"], format!("localhost:{port}"));
        let basic = base64::engine::general_purpose::STANDARD.encode("bot:p@ss-w0rd");
        assert_eq!(headers["authorization"], format!("Basic {basic}"));
        assert_eq!(headers["x-platform-token"], "platform-token-7f3a");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"forward-secret-91c2").unwrap();
        mac.update(&received.body);
        let signature = base64::engine::general_purpose::STANDARD
            .decode(&headers["x-line-connector-signature"])
            .unwrap();
        mac.verify_slice(&signature)
            .expect("the platform can verify the intake");
        assert_eq!(
            received.event["destination"],
            line_simulator::webhooks::BOT_USER_ID
        );
    }
    assert!(
        platform.connections() <= 2,
        "kept alive: {} connections for 10 events",
        platform.connections()
    );
    let stderr = intake.stderr();
    for secret in [
        "p%40ss-w0rd",
        "p@ss-w0rd",
        "platform-token-7f3a",
        "forward-secret-91c2",
        SECRET,
    ] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ipv6_literal_target_is_reached_with_its_port_in_host() {
    let platform = Platform::start_on("[::1]:0".parse().unwrap(), Mode::Take).await;
    let target = format!("http://[::1]:{}/line", platform.addr.port());
    let (_dir, store) = store();
    let intake = Intake::start(&store, &["--forward", &target]);
    assert_eq!(send(&intake.url, &events("v6", 2, 1)).await, 200);
    platform.wait_taken(2, Duration::from_secs(20)).await;
    assert_eq!(
        platform.received()[0].headers["host"],
        format!("[::1]:{}", platform.addr.port())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_url_it_cannot_use_is_refused_at_start() {
    let (_dir, store) = store();
    let config = crate::support::config_file(&json!({"channelSecret": SECRET}));
    let refused = [
        ("not a url", vec![]),
        ("ftp://platform.example/line", vec![]),
        ("http://platform.example/line", vec![]),
        ("https://user:hunter2@/line", vec![]),
        (
            "https://platform.example/line",
            vec!["--forward-header", "X-Token=UNSET_ENV_VAR_FOR_TEST"],
        ),
        (
            "https://platform.example/line",
            vec!["--forward-secret-env", "UNSET_ENV_VAR_FOR_TEST"],
        ),
    ];
    for (url, extra) in refused {
        let mut args = vec![
            "webhook",
            "listen",
            "--config",
            crate::support::path_of(&config),
            "--store",
            store.to_str().unwrap(),
            "--forward",
            url,
        ];
        args.extend(extra);
        let out = crate::support::line_connector(&args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(stderr.contains("--forward"), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
        assert!(
            !stderr.contains("listening"),
            "refused before listening: {stderr}"
        );
    }
}
