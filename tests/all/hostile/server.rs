//! A hostile HTTP server on loopback: it reads each request as raw bytes
//! (so a test can see exactly how the component framed it) and answers with
//! a script of raw writes and pauses, which may trickle, stall, never end,
//! flood headers or echo what it was sent. Every answer closes its
//! connection, so no kept-alive connection carries one test into another.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Request {
    /// The request line and headers, as sent.
    pub head: String,
    /// The body (by `Content-Length`, or the chunks of a chunked body).
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The request line's path.
    pub fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or_default()
    }
}

/// One step of an answer.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Write these bytes this many times.
    Repeat(Vec<u8>, u64),
    /// Write each byte on its own, pausing this long after each.
    Trickle(Vec<u8>, Duration),
    /// Pause.
    Sleep(Duration),
}

/// What to answer a request with.
pub type Script = Arc<dyn Fn(&Request) -> Vec<Step> + Send + Sync>;

/// The running server.
pub struct Hostile {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hostile {
    /// Starts a server on a free loopback port answering by `script`.
    pub async fn start(script: impl Fn(&Request) -> Vec<Step> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(script);
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, script.clone(), seen.clone()));
            }
        });
        Hostile {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An answer head: status line, headers (each `Name: value`), and
/// `Connection: close`.
pub fn head(status: u16, headers: &[&str]) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status} Hostile\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// A whole answer with a JSON body and its length.
pub fn json(status: u16, headers: &[&str], body: &str) -> Vec<Step> {
    let length = format!("Content-Length: {}", body.len());
    let mut all: Vec<&str> = vec!["Content-Type: application/json", &length];
    all.extend(headers);
    let mut bytes = head(status, &all);
    bytes.extend_from_slice(body.as_bytes());
    vec![Step::Write(bytes)]
}

async fn serve(mut stream: TcpStream, script: Script, seen: Arc<Mutex<Vec<Request>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(request.clone());
    for step in script(&request) {
        let written = match step {
            Step::Write(bytes) => stream.write_all(&bytes).await,
            Step::Repeat(bytes, times) => {
                let mut result = Ok(());
                for _ in 0..times {
                    result = stream.write_all(&bytes).await;
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
            Step::Trickle(bytes, pause) => {
                let mut result = Ok(());
                for byte in bytes {
                    result = stream.write_all(&[byte]).await;
                    if result.is_err() {
                        break;
                    }
                    tokio::time::sleep(pause).await;
                }
                result
            }
            Step::Sleep(pause) => {
                tokio::time::sleep(pause).await;
                Ok(())
            }
        };
        if written.is_err() {
            return;
        }
    }
    let _ = stream.shutdown().await;
}

/// Reads one request: the head, then a `Content-Length` or chunked body.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        if let Some(at) = find(&bytes, b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut request = Request {
        head,
        body: Vec::new(),
    };
    let mut rest = bytes[end..].to_vec();
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    loop {
        let done = match chunked {
            true => find(&rest, b"0\r\n\r\n").is_some(),
            false => rest.len() >= length,
        };
        if done {
            break;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        rest.extend_from_slice(&buf[..n]);
    }
    request.body = match chunked {
        true => dechunk(&rest),
        false => rest,
    };
    Some(request)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = find(bytes, b"\r\n") {
        let size_text = String::from_utf8_lossy(&bytes[..line_end]);
        let Ok(size) = usize::from_str_radix(size_text.trim(), 16) else {
            break;
        };
        let start = line_end + 2;
        if size == 0 || bytes.len() < start + size {
            break;
        }
        body.extend_from_slice(&bytes[start..start + size]);
        bytes = &bytes[(start + size + 2).min(bytes.len())..];
    }
    body
}
