//! `line-connector webhook listen`: an HTTP server for LINE's webhook
//! batches. Every POST is verified by the component before anything else (a
//! bad or missing signature: 401, nothing printed or forwarded); a good one
//! is answered 200 at once (LINE gives up after a few seconds) and its
//! events are passed on in the order received, typed as `parse` reads them
//! (common fields, `payload`, LINE's JSON as `json`), one JSON line each on
//! stdout or one POST each to `--forward`. Redelivered events already passed on
//! are dropped. Bodies are bounded, and so are the requests at once.

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use line_connector_host::Connector;
use line_connector_host::Sandbox;
use serde_json::Value;
use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};

/// The largest batch read (the component refuses larger ones too).
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Requests handled at once; more wait.
pub const MAX_CONCURRENT: usize = 32;
/// How many event ids are remembered to drop redeliveries.
const REMEMBERED: usize = 100_000;

/// Where events go.
pub enum Sink {
    /// One JSON line each on stdout.
    Stdout,
    /// One POST each (JSON) to this URL.
    Forward(String),
}

/// Serves on `addr` until the process ends; says where on stderr first.
pub async fn listen(
    connector: Arc<Connector>,
    secret: String,
    addr: SocketAddr,
    sink: Sink,
) -> Result<()> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    let (events, queue) = mpsc::unbounded_channel::<Vec<Value>>();
    tokio::spawn(pass_on(queue, sink));
    let secret = Arc::new(secret);
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT));
    loop {
        let (stream, _) = listener.accept().await?;
        let (connector, secret, events, permits) = (
            connector.clone(),
            secret.clone(),
            events.clone(),
            permits.clone(),
        );
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let (connector, secret, events, permits) = (
                    connector.clone(),
                    secret.clone(),
                    events.clone(),
                    permits.clone(),
                );
                async move {
                    let _permit = permits.acquire().await;
                    let status = receive(&connector, &secret, request, &events).await;
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .status(status)
                            .body(Full::new(Bytes::new()))
                            .expect("a valid response"),
                    )
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One request: verified and read by the component; its events queued.
async fn receive(
    connector: &Connector,
    secret: &str,
    request: hyper::Request<hyper::body::Incoming>,
    events: &mpsc::UnboundedSender<Vec<Value>>,
) -> u16 {
    if request.method() != hyper::Method::POST {
        return 405;
    }
    let signature = request
        .headers()
        .get("x-line-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Ok(body) = Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    else {
        return 413;
    };
    let body = body.to_bytes();
    let Ok(mut session) = connector
        .session(Sandbox::allowing(Vec::<String>::new()))
        .await
    else {
        return 503;
    };
    match session.webhook("parse", secret, &body, &signature).await {
        Ok(Ok(batch)) => {
            let list = batch["events"].as_array().cloned().unwrap_or_default();
            let _ = events.send(list);
            200
        }
        Ok(Err(error)) if error["type"] == "not-json" || error["type"] == "too-large" => 400,
        Ok(Err(_)) => 401,
        Err(_) => 500,
    }
}

/// Passes events on in order, dropping redeliveries of events already passed on.
async fn pass_on(mut queue: mpsc::UnboundedReceiver<Vec<Value>>, sink: Sink) {
    let mut seen: HashSet<String> = HashSet::new();
    let mut order: VecDeque<String> = VecDeque::new();
    while let Some(batch) = queue.recv().await {
        for event in batch {
            let id = event["webhookEventId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if !id.is_empty() && !seen.insert(id.clone()) {
                continue;
            }
            if !id.is_empty() {
                order.push_back(id);
                if order.len() > REMEMBERED {
                    order.pop_front().map(|old| seen.remove(&old));
                }
            }
            match &sink {
                Sink::Stdout => {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{event}");
                    let _ = out.flush();
                }
                Sink::Forward(url) => forward(url, &event).await,
            }
        }
    }
}

/// POSTs one event to `url` (errors are reported on stderr).
async fn forward(url: &str, event: &Value) {
    let sent = post_json(url, &[], event.to_string().into_bytes()).await;
    match sent {
        Ok(status) if (200..300).contains(&status) => {}
        Ok(status) => eprintln!("forwarding an event to {url}: it answered {status}"),
        Err(error) => eprintln!("forwarding an event to {url} failed: {error:#}"),
    }
}

/// POSTs a JSON `body` with `headers` to `url` over plain HTTP, on a new
/// connection; the status it answered. (The listener's forwarding and the
/// simulator's webhooks send this way.)
pub async fn post_json(url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Result<u16> {
    let uri: http::Uri = url.parse().context("the URL")?;
    let host = uri.host().context("no host")?.to_owned();
    let stream =
        tokio::net::TcpStream::connect((host.as_str(), uri.port_u16().unwrap_or(80))).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = hyper::Request::post(uri.path())
        .header("host", host)
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::from(body)))?;
    Ok(sender.send_request(request).await?.status().as_u16())
}
