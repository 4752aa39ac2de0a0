//! Enterprise networks: `line-connector` reaching the simulator through an
//! HTTP proxy on loopback (a `CONNECT` tunnel for https, absolute-form
//! requests for plain http), from `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`
//! or `--proxy`, with the proxy's credentials kept out of every output; and
//! TLS to a loopback server whose certificate a test CA signed (made with
//! OpenSSL here), trusted only through `--ca-file` or `SSL_CERT_FILE`.

use crate::support::{USER, config_file, openssl, path_of, run_args, text};
use line_simulator::{self as simulator, Simulator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The proxy's user and password (a test value, not a real secret).
const PROXY_USER: &str = "soc-proxy";
const PROXY_PASSWORD: &str = "pr0xy-pa55word-7f3a";

/// Environment variables for a child.
type Env = Vec<(&'static str, String)>;

/// One request the proxy was asked: its request line and its
/// `Proxy-Authorization`.
#[derive(Clone, Debug)]
struct Asked {
    line: String,
    auth: Option<String>,
}

/// An HTTP proxy on loopback that requires Basic credentials, tunnels
/// `CONNECT` and forwards absolute-form requests, to loopback only.
struct Proxy {
    port: u16,
    asked: Arc<Mutex<Vec<Asked>>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve_proxy(client, log.clone()));
            }
        });
        Proxy { port, asked }
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT` (`password` given).
    fn url(&self, password: &str) -> String {
        format!("http://{PROXY_USER}:{password}@127.0.0.1:{}", self.port)
    }

    fn asked(&self) -> Vec<Asked> {
        self.asked.lock().unwrap().clone()
    }
}

/// One client of the proxy: its first request's head decides where the
/// connection goes; after that bytes flow both ways.
async fn serve_proxy(mut client: TcpStream, log: Arc<Mutex<Vec<Asked>>>) {
    let Some((head, length)) = read_head(&mut client).await else {
        return;
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    if request.parse(&head[..length]).is_err() {
        return;
    }
    let (method, target) = (request.method.unwrap_or(""), request.path.unwrap_or(""));
    let auth = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("proxy-authorization"))
        .map(|h| String::from_utf8_lossy(h.value).into_owned());
    log.lock().unwrap().push(Asked {
        line: format!("{method} {target}"),
        auth: auth.clone(),
    });
    let expected = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{PROXY_USER}:{PROXY_PASSWORD}")
        )
    );
    if auth.as_deref() != Some(expected.as_str()) {
        let _ = client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"soc\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
        return;
    }
    let authority = match method {
        "CONNECT" => target.to_owned(),
        _ => target
            .parse::<http::Uri>()
            .ok()
            .and_then(|u| u.authority().map(|a| a.to_string()))
            .unwrap_or_default(),
    };
    // Loopback only: this proxy reaches nothing else.
    let Some(port) = authority
        .strip_prefix("localhost:")
        .or_else(|| authority.strip_prefix("127.0.0.1:"))
        .and_then(|p| p.parse::<u16>().ok())
    else {
        let _ = client
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    };
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)).await else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    };
    if method == "CONNECT" {
        let _ = client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await;
    } else if upstream.write_all(&head).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// The bytes read up to the end of a request head, and the head's length.
async fn read_head(stream: &mut TcpStream) -> Option<(Vec<u8>, usize)> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some((head, end + 4));
        }
    }
}

/// A test CA and a certificate for `localhost` it signed, made by OpenSSL.
struct TestCa {
    dir: tempfile::TempDir,
}

impl TestCa {
    fn make() -> TestCa {
        let dir = tempfile::tempdir().unwrap();
        let openssl = |args: &[&str]| openssl(dir.path(), args);
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
        openssl(
            &[
                &["req", "-x509", "-nodes", "-days", "2"][..],
                &ec,
                &["-keyout", "ca.key", "-out", "ca.pem"],
                &["-subj", "/CN=line-connector test CA"],
                &["-addext", "basicConstraints=critical,CA:TRUE"],
                &["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ]
            .concat(),
        );
        openssl(
            &[
                &["req", "-new", "-nodes"][..],
                &ec,
                &["-keyout", "server.key", "-out", "server.csr"],
                &["-subj", "/CN=localhost"],
            ]
            .concat(),
        );
        std::fs::write(
            dir.path().join("server.ext"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "server.pem",
            "-extfile",
            "server.ext",
        ]);
        TestCa { dir }
    }

    fn ca_pem(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).unwrap()
    }
}

/// A TLS server on loopback with the test CA's `localhost` certificate, in
/// front of the simulator (each connection's bytes passed on to it).
struct TlsFront {
    port: u16,
    handshakes: Arc<AtomicUsize>,
}

impl TlsFront {
    async fn start(ca: &TestCa, sim: &Simulator) -> TlsFront {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = CertificateDer::pem_slice_iter(&ca.file("server.pem"))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_slice(&ca.file("server.key")).unwrap();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let upstream: std::net::SocketAddr =
            sim.url().trim_start_matches("http://").parse().unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let count = handshakes.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (acceptor, count) = (acceptor.clone(), count.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(client).await else {
                        return;
                    };
                    count.fetch_add(1, Ordering::SeqCst);
                    if let Ok(mut sim) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut sim).await;
                    }
                });
            }
        });
        TlsFront { port, handshakes }
    }

    /// `https://localhost:PORT`.
    fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

/// The simulator, a test CA, a proxy and a TLS front of the simulator.
async fn setup() -> (Simulator, TestCa, Proxy, TlsFront) {
    let (sim, ca, proxy) = (
        Simulator::start().await.unwrap(),
        TestCa::make(),
        Proxy::start().await,
    );
    let front = TlsFront::start(&ca, &sim).await;
    (sim, ca, proxy, front)
}

/// The simulator's token, LINE's API at `api`.
fn config_at(api: &str) -> Value {
    json!({"channelAccessToken": simulator::CHANNEL_ACCESS_TOKEN, "apiBaseUrl": api, "dataApiBaseUrl": api})
}

/// `line-connector ARGS` with exactly `env` of the proxy and CA variables.
async fn command(args: Vec<String>, env: Env) -> (i32, Value, String) {
    let out = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_line-connector"));
        command.args(&args).env_remove("SSL_CERT_FILE");
        for var in line_connector_host::network::PROXY_VARIABLES {
            command.env_remove(var);
        }
        command.envs(env).output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for shown in [&stdout, &stderr] {
        assert!(
            !shown.contains(PROXY_PASSWORD),
            "the proxy's password was shown: {shown}"
        );
    }
    let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), value, stderr)
}

/// `line-connector run ACTION --config FILE --input JSON EXTRA...`.
async fn run_with(
    action: &str,
    config: &Value,
    input: Value,
    extra: &[&str],
    env: Env,
) -> (i32, Value, String) {
    let file = config_file(config);
    let args = run_args(action, &file, &input, extra);
    command(args, env).await
}

fn push_input() -> Value {
    json!({"to": USER, "messages": text("Disk full on db-2")})
}

fn sent_pushes(sim: &Simulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path == "/v2/bot/message/push")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_goes_through_a_connect_tunnel_and_trusts_the_added_ca() {
    let (sim, ca, proxy, front) = setup().await;
    let ca_file = ca.ca_pem();
    let (code, result, stderr) = run_with(
        "push",
        &config_at(&front.url()),
        push_input(),
        &["--ca-file", ca_file.to_str().unwrap()],
        vec![("HTTPS_PROXY", proxy.url(PROXY_PASSWORD))],
    )
    .await;
    assert_eq!(code, 0, "{result} {stderr}");
    assert!(result["sentMessages"][0]["id"].is_string(), "{result}");
    // One tunnel to the destination, asked with the proxy's credentials;
    // TLS ran end to end with the test CA's server, and the push arrived.
    let asked = proxy.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].line, format!("CONNECT localhost:{}", front.port));
    assert!(
        asked[0]
            .auth
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))
    );
    assert_eq!(front.handshakes.load(Ordering::SeqCst), 1);
    assert_eq!(sent_pushes(&sim), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_the_added_cas_did_not_sign_is_refused() {
    let (sim, _ca, proxy, front) = setup().await;
    // Through the proxy and directly: without the test CA, its server's
    // certificate is not trusted, and nothing is sent.
    for env in [vec![("HTTPS_PROXY", proxy.url(PROXY_PASSWORD))], vec![]] {
        let (code, error, stderr) =
            run_with("push", &config_at(&front.url()), push_input(), &[], env).await;
        assert_eq!(code, 1, "{error} {stderr}");
        assert_eq!(error["type"], "transport", "{error}");
        assert_eq!(error["kind"], "connect", "{error}");
        assert!(
            error["message"].as_str().unwrap().contains("TLS"),
            "{error}"
        );
    }
    assert_eq!(front.handshakes.load(Ordering::SeqCst), 0);
    assert_eq!(sent_pushes(&sim), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_cert_file_adds_the_ca_and_no_proxy_goes_direct() {
    let (sim, ca, proxy, front) = setup().await;
    let env = vec![
        ("HTTPS_PROXY", proxy.url(PROXY_PASSWORD)),
        ("NO_PROXY", "example.com, localhost".to_owned()),
        ("SSL_CERT_FILE", ca.ca_pem().to_str().unwrap().to_owned()),
    ];
    let (code, result, stderr) =
        run_with("push", &config_at(&front.url()), push_input(), &[], env).await;
    assert_eq!(code, 0, "{result} {stderr}");
    assert!(proxy.asked().is_empty(), "{:?}", proxy.asked());
    assert_eq!(front.handshakes.load(Ordering::SeqCst), 1);
    assert_eq!(sent_pushes(&sim), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_goes_to_the_proxy_in_absolute_form() {
    let (sim, proxy) = (Simulator::start().await.unwrap(), Proxy::start().await);
    let url = proxy.url(PROXY_PASSWORD);
    // --proxy wins over the environment's (which names no proxy at all).
    let env = vec![("HTTP_PROXY", "http://127.0.0.1:9".to_owned())];
    let (code, result, stderr) = run_with(
        "get-bot-info",
        &config_at(&sim.url()),
        json!({}),
        &["--proxy", &url],
        env,
    )
    .await;
    assert_eq!(code, 0, "{result} {stderr}");
    assert!(result["userId"].is_string(), "{result}");
    let asked = proxy.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].line, format!("GET {}/v2/bot/info", sim.url()));
    assert!(asked[0].auth.is_some());
    // The simulator got the request the proxy passed on.
    let seen = sim.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v2/bot/info");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_refuses_is_a_connect_error_that_shows_no_password() {
    let (sim, ca, proxy, front) = setup().await;
    let ca_file = ca.ca_pem();
    let wrong = "wr0ng-pa55word-91c2";
    let (code, error, stderr) = run_with(
        "push",
        &config_at(&front.url()),
        push_input(),
        &[
            "--ca-file",
            ca_file.to_str().unwrap(),
            "--proxy",
            &proxy.url(wrong),
        ],
        vec![],
    )
    .await;
    assert_eq!(code, 1, "{error} {stderr}");
    assert_eq!(error["type"], "transport", "{error}");
    // The tunnel was refused before anything reached LINE: a connect error.
    assert_eq!(error["kind"], "connect", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("proxy"),
        "{error}"
    );
    assert!(!error.to_string().contains(wrong) && !stderr.contains(wrong));
    assert!(!proxy.asked().is_empty());
    assert_eq!(sent_pushes(&sim), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_allow_list_applies_to_the_destination_not_the_proxy() {
    let (sim, proxy) = (Simulator::start().await.unwrap(), Proxy::start().await);
    let url = proxy.url(PROXY_PASSWORD);
    // The proxy's host needs no entry; a destination without one is denied
    // before the proxy is asked.
    let (code, error, _) = run_with(
        "get-bot-info",
        &config_at(&sim.url()),
        json!({}),
        &["--proxy", &url, "--allow-host", "api.line.me"],
        vec![],
    )
    .await;
    assert_eq!(code, 1, "{error}");
    assert_eq!(error["kind"], "denied", "{error}");
    assert!(proxy.asked().is_empty());
    assert!(sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_url_it_cannot_use_is_a_usage_error_that_quotes_no_password() {
    let config = config_file(&config_at("https://api.line.me"));
    let cases: Vec<(Vec<&str>, Env)> = vec![
        (
            vec!["--proxy", "socks5://u:pr0xy-pa55word-7f3a@127.0.0.1:1080"],
            vec![],
        ),
        (
            vec![
                "--proxy",
                "http://u:pr0xy-pa55word-7f3a@127.0.0.1:3128/path",
            ],
            vec![],
        ),
        (vec!["--proxy", "not a url pr0xy-pa55word-7f3a"], vec![]),
        (
            vec![],
            vec![(
                "HTTPS_PROXY",
                "https://u:pr0xy-pa55word-7f3a@127.0.0.1:3128".into(),
            )],
        ),
        // A raw `@` or second `:` in the password: refused, not cut at it
        // (curl refuses such a URL too).
        (
            vec!["--proxy", "http://u:pr0xy@pa55word-7f3a@127.0.0.1:3128"],
            vec![],
        ),
        (
            vec!["--proxy", "http://u:pr0xy:pa55word-7f3a@127.0.0.1:3128"],
            vec![],
        ),
        (vec!["--ca-file", "/nonexistent/ca.pem"], vec![]),
        (vec!["--ca-file", path_of(&config)], vec![]),
    ];
    for (extra, env) in cases {
        let mut args: Vec<String> = ["run", "quota", "--config", path_of(&config)]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        let (code, _, stderr) = command(args, env).await;
        assert_eq!(code, 2, "{extra:?}: {stderr}");
        assert!(
            stderr.contains("proxy") || stderr.contains("ca-file"),
            "{stderr}"
        );
        assert!(!stderr.contains("pa55word"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_library_takes_a_network_too() {
    let (sim, ca, proxy, front) = setup().await;
    let network = line_connector_host::Network::default()
        .proxy(&proxy.url(PROXY_PASSWORD))
        .unwrap()
        .ca_file(&ca.ca_pem())
        .unwrap();
    assert!(!format!("{network:?}").contains(PROXY_PASSWORD));
    let connector = line_connector_host::Connector::embedded()
        .unwrap()
        .with_network(network);
    let config = config_at(&front.url());
    for _ in 0..3 {
        let result = connector.run("quota", &config, &json!({})).await.unwrap();
        assert!(result.is_ok(), "{result:?}");
    }
    // The kept-alive tunnel served all three.
    assert_eq!(proxy.asked().len(), 1, "{:?}", proxy.asked());
    assert_eq!(sim.requests().len(), 3);
    assert_eq!(front.handshakes.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_echoes_its_credentials_gets_none_printed() {
    // The component never sees the proxy's credentials, so the host cleans
    // them out of every outcome, in every form the component cleans its own.
    use base64::Engine as _;
    let echo = super::hostile::server::Hostile::start(|request| {
        let auth = request
            .header("proxy-authorization")
            .unwrap_or_default()
            .to_owned();
        let basic = auth.trim_start_matches("Basic ");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let password = decoded.split_once(':').map_or("", |(_, p)| p).to_owned();
        let echoed = format!(
            "{auth} | {decoded} | {password} | {} | {}",
            form_urlencoded::byte_serialize(decoded.as_bytes()).collect::<String>(),
            base64::engine::general_purpose::STANDARD.encode(format!("x{decoded}")),
        );
        let body = json!({"message": echoed, "details": [{"message": echoed}]}).to_string();
        super::hostile::server::json(400, &[&format!("X-Line-Request-Id: {echoed}")], &body)
    })
    .await;
    let proxy = format!(
        "http://{PROXY_USER}:{PROXY_PASSWORD}@{}",
        echo.url().trim_start_matches("http://")
    );
    // Plain http to the API goes to the proxy in absolute form (here the
    // echoing server answers it itself).
    let config = json!({"channelAccessToken": "tQ7vX2mK9pL4wR8nZ3bY6cH1dF5gJ0aa", "apiBaseUrl": "http://127.0.0.1:9", "maxAttempts": 1});
    let connector = line_connector_host::Connector::embedded()
        .unwrap()
        .with_network(
            line_connector_host::Network::default()
                .proxy(&proxy)
                .unwrap(),
        );
    let error = connector
        .run("quota", &config, &json!({}))
        .await
        .unwrap()
        .unwrap_err();
    let text = error.to_string();
    assert!(echo.requests()[0].header("proxy-authorization").is_some());
    assert!(text.contains("[redacted]"), "{text}");
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASSWORD}"));
    for secret in [PROXY_PASSWORD, basic.as_str()] {
        assert!(!text.contains(secret), "{text}");
    }
    // And through the command line.
    let (code, printed, stderr) =
        run_with("quota", &config, json!({}), &["--proxy", &proxy], vec![]).await;
    assert_eq!(code, 1, "{printed} {stderr}");
    assert!(!printed.to_string().contains(PROXY_PASSWORD) && !stderr.contains(PROXY_PASSWORD));
    assert!(!printed.to_string().contains(&basic));
}

/// A push from the installed Python or Node package with the config as
/// JSON and the options as JSON (`allow`, `proxy`, `ca_file` / `caFile`).
const PACKAGE_PUSH: [(&str, &str); 2] = [
    (
        "python",
        r#"
import json, sys
from line_connector import Connector
options, config, message = (json.loads(a) for a in sys.argv[1:4])
print(json.dumps(Connector(**options).run("push", config, message)))
"#,
    ),
    (
        "node",
        r#"
import { Connector } from "line-connector";
const [options, config, message] = process.argv.slice(1, 4).map((a) => JSON.parse(a));
console.log(JSON.stringify(await new Connector(options).run("push", config, message)));
"#,
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_and_node_packages_tunnel_through_proxies_and_trust_added_cas() {
    let (sim, ca, proxy, front) = setup().await;
    let python = tokio::task::spawn_blocking(crate::python::installed)
        .await
        .unwrap();
    let node = tokio::task::spawn_blocking(crate::node::installed)
        .await
        .unwrap();
    let ca_file = ca.ca_pem().to_str().unwrap().to_owned();
    let config = config_at(&front.url()).to_string();
    let message = push_input().to_string();
    for (language, script) in PACKAGE_PUSH {
        // Python: HTTPS_PROXY and the ca_file option; Node: the proxy and
        // caFile options, with an HTTPS_PROXY that would fail if read.
        let (options, env) = match language {
            "python" => (
                json!({"ca_file": ca_file}),
                vec![("HTTPS_PROXY", proxy.url(PROXY_PASSWORD))],
            ),
            _ => (
                json!({"proxy": proxy.url(PROXY_PASSWORD), "caFile": ca_file}),
                vec![("HTTPS_PROXY", "http://127.0.0.1:9".to_owned())],
            ),
        };
        let mut command = match language {
            "python" => line_connector_cli::packages::python_script(&python.python, script),
            _ => line_connector_cli::packages::node_script(&node.app, script),
        };
        command
            .args([options.to_string(), config.clone(), message.clone()])
            .env_remove("SSL_CERT_FILE");
        for var in line_connector_host::network::PROXY_VARIABLES {
            command.env_remove(var);
        }
        command.envs(env);
        let out = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{language}: {stdout} {stderr}");
        let result: Value = serde_json::from_str(stdout.trim()).unwrap();
        assert!(result["sentMessages"][0]["id"].is_string(), "{result}");
        assert!(!stdout.contains(PROXY_PASSWORD) && !stderr.contains(PROXY_PASSWORD));
    }
    // Each package asked the proxy for one tunnel, with its credentials;
    // TLS ran end to end with the test CA's server; both pushes arrived.
    let asked = proxy.asked();
    assert_eq!(asked.len(), 2, "{asked:?}");
    for one in &asked {
        assert_eq!(one.line, format!("CONNECT localhost:{}", front.port));
        assert!(one.auth.as_deref().is_some_and(|a| a.starts_with("Basic ")));
    }
    assert_eq!(front.handshakes.load(Ordering::SeqCst), 2);
    assert_eq!(sent_pushes(&sim), 2);
}
