//! The webhook intake (`line-connector webhook listen`) as an operator runs
//! it: a real process with a real SQLite store (or several replicas behind
//! a balancer, sharing a real PostgreSQL server), LINE's posts from the
//! simulator's signing, and a loopback stand-in for the platform that goes
//! down, answers 500 or hangs. Killed (SIGTERM, SIGKILL) at the worst
//! moments, flooded and stalled; counted: every event LINE was told 200 for
//! reaches the platform at least once.

mod ask;
// The asks', contacts' and durable store's suites again, each test on a
// PostgreSQL server of its own (see `store_for`): every query of theirs
// runs on both engines.
#[path = "ask.rs"]
#[allow(clippy::duplicate_mod)] // on purpose: the suite again, on PostgreSQL
mod ask_on_postgres;
mod contacts;
#[path = "contacts.rs"]
#[allow(clippy::duplicate_mod)] // on purpose: the suite again, on PostgreSQL
mod contacts_on_postgres;
mod durable;
#[path = "durable.rs"]
#[allow(clippy::duplicate_mod)] // on purpose: the suite again, on PostgreSQL
mod durable_on_postgres;
mod forward;
mod hostile;
mod replicas;
mod shape;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The channel secret the intakes here are configured with.
pub const SECRET: &str = "intake-channel-secret-0123456789";

/// A running `line-connector webhook listen`: its stderr and stdout read
/// as they come (so the process never blocks on a full pipe); killed when
/// dropped.
pub struct Intake {
    child: Child,
    /// `http://127.0.0.1:PORT` (or `https://`).
    pub url: String,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<Vec<String>>>,
    _config: Option<tempfile::NamedTempFile>,
}

impl Intake {
    /// `listen --config (SECRET) --store STORE EXTRA…`.
    pub fn start(store: impl AsRef<OsStr>, extra: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
        command.stdout(Stdio::piped());
        Self::start_with(command, store, extra)
    }

    /// The same, with `command` (its program, environment and stdout set).
    pub fn start_with(command: Command, store: impl AsRef<OsStr>, extra: &[&str]) -> Self {
        Self::start_as(command, SECRET, store, extra)
    }

    /// The same, for the channel whose secret is `secret`.
    pub fn start_as(
        command: Command,
        secret: &str,
        store: impl AsRef<OsStr>,
        extra: &[&str],
    ) -> Self {
        Self::start_config(command, &json!({"channelSecret": secret}), store, extra)
    }

    /// The same, with the whole channel config `config` (a channel secret,
    /// and send credentials to reply to answerers).
    pub fn start_config(
        command: Command,
        config: &Value,
        store: impl AsRef<OsStr>,
        extra: &[&str],
    ) -> Self {
        let config = crate::support::config_file(config);
        let path = crate::support::path_of(&config).to_owned();
        Self::spawn(command, &["--config", &path], store, extra, Some(config))
    }

    /// The same, for channel `name` of the channels folder `channels`.
    pub fn start_channel(
        command: Command,
        channels: &Path,
        name: &str,
        store: impl AsRef<OsStr>,
        extra: &[&str],
    ) -> Self {
        let channels = channels.to_str().unwrap();
        let which = ["--channel", name, "--channels", channels];
        Self::spawn(command, &which, store, extra, None)
    }

    /// `webhook listen WHICH --store STORE EXTRA…`, its address read first.
    fn spawn(
        mut command: Command,
        which: &[&str],
        store: impl AsRef<OsStr>,
        extra: &[&str],
        config: Option<tempfile::NamedTempFile>,
    ) -> Self {
        let mut child = command
            .args(["webhook", "listen"])
            .args(which)
            .arg("--store")
            .arg(store)
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        err.read_line(&mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the address first, not {first:?}"))
            .to_owned();
        let stderr = Arc::new(Mutex::new(first.clone()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let stdout = Arc::new(Mutex::new(Vec::new()));
        if let Some(out) = child.stdout.take() {
            let sink = stdout.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
        }
        Intake {
            child,
            url,
            stderr,
            stdout,
            _config: config,
        }
    }

    /// The process id.
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends `signal` (`libc::SIGTERM`, `libc::SIGKILL`).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill only sends a signal to our own child.
        unsafe { libc::kill(self.pid(), signal) };
    }

    /// Waits at most `within` for the process to end; its exit status.
    pub fn exited(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The JSON lines it printed on stdout so far.
    pub fn lines(&self) -> Vec<Value> {
        let lines = self.stdout.lock().unwrap();
        lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits until it printed `n` lines (at most `within`); the lines.
    pub async fn wait_lines(&self, n: usize, within: Duration) -> Vec<Value> {
        eventually(within, || self.stdout.lock().unwrap().len() >= n).await;
        self.lines()
    }

    /// Its peak resident memory so far, in KiB (`VmHWM`).
    pub fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `done()` (polling; at most `within`); panics otherwise.
pub async fn eventually(within: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "not within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A fresh store's path in a directory removed when dropped.
pub fn store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.db");
    (dir, path)
}

/// What keeps a test's store: its directory, or its PostgreSQL server
/// (held only to be dropped at the test's end).
#[allow(dead_code)]
pub enum Kept {
    /// The SQLite file's directory.
    Dir(tempfile::TempDir),
    /// The server (stopped and removed when dropped).
    Postgres(line_scratch_postgres::Server),
}

/// A fresh store for a test in `module` (its `module_path!()`): an SQLite
/// file, or in a suite run again on PostgreSQL (its module's name ends in
/// `_on_postgres`) a database on a server of the test's own, as a URL with
/// its password (what `--store` takes either way).
pub fn store_for(module: &str) -> (Kept, PathBuf) {
    if !module.ends_with("_on_postgres") {
        let (dir, path) = store();
        return (Kept::Dir(dir), path);
    }
    let server = line_scratch_postgres::Server::start().unwrap();
    server.create_database("intake").unwrap();
    let url = server
        .url("intake")
        .replacen("line@", &format!("line:{}@", server.password()), 1);
    (Kept::Postgres(server), PathBuf::from(url))
}

/// `n` message events, ids `{prefix}-{i}`, spread over `chats` users'
/// chats (event i in chat i % chats), timestamps in order.
pub fn events(prefix: &str, n: usize, chats: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "type": "message", "mode": "active", "timestamp": 1_764_000_000_000i64 + i as i64,
                "webhookEventId": format!("{prefix}-{i}"),
                "deliveryContext": {"isRedelivery": false},
                "source": {"type": "user", "userId": format!("U{:032x}", i % chats.max(1))},
                "replyToken": format!("reply-{prefix}-{i}"),
                "message": {"type": "text", "id": format!("{}", 500_000 + i), "text": format!("message {i}")},
            })
        })
        .collect()
}

/// `events` as LINE sends them: a batch signed with [`SECRET`]; the status
/// the intake answered (0 when it did not answer within 10 s).
pub async fn send(url: &str, events: &[Value]) -> u16 {
    let (body, signature) = line_simulator::webhooks::signed_batch(SECRET, events);
    post(url, &body, &signature).await
}

/// POSTs `body` with `signature` (none when empty) on a new connection;
/// the status (0 when no answer came within 10 s).
pub async fn post(url: &str, body: &[u8], signature: &str) -> u16 {
    let signed = match signature.is_empty() {
        true => String::new(),
        false => format!("X-Line-Signature: {signature}\r\n"),
    };
    post_to(url, "/callback", &signed, body).await
}

/// POSTs JSON `body` to `path` at `url` (`http://HOST:PORT`) with `headers`
/// (each line ending in CRLF) on a new connection; the status (0 when no
/// answer came within 10 s).
pub async fn post_to(url: &str, path: &str, headers: &str, body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = url.trim_start_matches("http://").to_owned();
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(&address).await.ok()?;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.ok()?;
        stream.write_all(body).await.ok()?;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer)
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
    };
    tokio::time::timeout(Duration::from_secs(10), attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(0)
}

/// How the platform stand-in answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// 200.
    Take,
    /// 200 after this many milliseconds (deliveries in flight).
    Slow(u64),
    /// This status, the event not taken.
    Refuse(u16),
    /// Reads the event, then never answers.
    Hang,
}

/// One POST the platform received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The event.
    pub event: Value,
    /// The body as received.
    pub body: Bytes,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The request target (path and query).
    pub target: String,
    /// Whether it was taken (answered 2xx).
    pub taken: bool,
    /// When it arrived.
    pub at: Instant,
}

/// A loopback stand-in for the platform the intake forwards to.
pub struct Platform {
    /// `http://127.0.0.1:PORT/line?tenant=7`.
    pub url: String,
    /// Its address.
    pub addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<Mutex<usize>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Platform {
    /// A platform answering as `mode`, on a free port.
    pub async fn start(mode: Mode) -> Self {
        Self::start_on("127.0.0.1:0".parse().unwrap(), mode).await
    }

    /// An address where no platform listens yet (down).
    pub async fn down() -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    }

    /// A platform answering as `mode` on `addr`.
    pub async fn start_on(addr: SocketAddr, mode: Mode) -> Self {
        Self::serving(addr, None, mode).await
    }

    /// A platform serving HTTPS with `tls` on a free port, as `localhost`.
    pub async fn start_tls(tls: tokio_rustls::TlsAcceptor, mode: Mode) -> Self {
        let mut platform = Self::serving("127.0.0.1:0".parse().unwrap(), Some(tls), mode).await;
        platform.url = format!("https://localhost:{}/line?tenant=7", platform.addr.port());
        platform
    }

    async fn serving(addr: SocketAddr, tls: Option<tokio_rustls::TlsAcceptor>, mode: Mode) -> Self {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut platform = Platform {
            url: format!("http://{addr}/line?tenant=7"),
            addr,
            mode: Arc::new(Mutex::new(mode)),
            received: Arc::default(),
            connections: Arc::default(),
            task: None,
        };
        let (mode, received, connections) = (
            platform.mode.clone(),
            platform.received.clone(),
            platform.connections.clone(),
        );
        platform.task = Some(tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                *connections.lock().unwrap() += 1;
                let (mode, received, tls) = (mode.clone(), received.clone(), tls.clone());
                tokio::spawn(async move {
                    match tls {
                        None => serve(stream, mode, received).await,
                        Some(tls) => {
                            if let Ok(stream) = tls.accept(stream).await {
                                serve(stream, mode, received).await;
                            }
                        }
                    }
                });
            }
        }));
        platform
    }

    /// Answers as `mode` from now on.
    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The ids of the events taken (answered 2xx), in the order received.
    pub fn taken_ids(&self) -> Vec<String> {
        self.received()
            .iter()
            .filter(|r| r.taken)
            .map(|r| r.event["webhookEventId"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }

    /// Waits until `n` distinct events were taken (at most `within`).
    pub async fn wait_taken(&self, n: usize, within: Duration) -> Vec<String> {
        eventually(within, || {
            let ids: std::collections::HashSet<String> = self.taken_ids().into_iter().collect();
            ids.len() >= n
        })
        .await;
        self.taken_ids()
    }

    /// Stops listening (connections in flight are dropped).
    pub fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Serves one connection of the stand-in (any stream, TLS or not).
pub async fn serve<S>(stream: S, mode: Arc<Mutex<Mode>>, received: Arc<Mutex<Vec<Received>>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let (mode, received) = (mode.clone(), received.clone());
            async move {
                let (parts, body) = request.into_parts();
                let body = body
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let now = *mode.lock().unwrap();
                let event = serde_json::from_slice(&body).unwrap_or(Value::Null);
                received.lock().unwrap().push(Received {
                    event,
                    body,
                    headers: parts.headers,
                    target: parts.uri.to_string(),
                    taken: matches!(now, Mode::Take | Mode::Slow(_)),
                    at: Instant::now(),
                });
                let status = match now {
                    Mode::Take => 200,
                    Mode::Slow(ms) => {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        200
                    }
                    Mode::Refuse(status) => status,
                    Mode::Hang => {
                        std::future::pending::<()>().await;
                        unreachable!()
                    }
                };
                Ok::<_, std::convert::Infallible>(
                    hyper::Response::builder()
                        .status(status)
                        .body(Full::new(Bytes::new()))
                        .unwrap(),
                )
            }
        });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await;
}

/// A CA and a server certificate it signed for `localhost` and
/// 127.0.0.1, made by OpenSSL in `dir`: (`ca.pem`, `cert.pem`, `key.pem`).
pub fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| crate::support::openssl(dir, args);
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=Intake Test CA",
    ]);
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "cert.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "1",
        "-extfile",
        "leaf.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    )
}

/// The forwarding options that make retries quick for a test.
pub const QUICK: [&str; 6] = [
    "--first-pause-ms",
    "100",
    "--longest-pause-ms",
    "400",
    "--attempt-timeout-ms",
    "1000",
];
