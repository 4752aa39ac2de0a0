//! Outgoing HTTP/1.1 connections kept alive and reused across requests and
//! instances (one pool per [`Connector`](crate::Connector)), so an action
//! does not pay a TCP (and TLS) handshake each time. It sits behind the
//! sandbox's send hook, after the allow-list, and honours the same
//! WASI-HTTP request options as wasmtime's default sender: the connect
//! timeout, the first-byte timeout and the between-bytes timeout.
//!
//! A connection goes back to the pool only once its answer's body has been
//! read to the end; one that closed, or sat idle longer than
//! [`IDLE_LIMIT`], is dropped instead of reused. Connections go through the
//! proxy and trust the roots that the pool's [`Network`] names.

use crate::network::{self, Network};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

/// A connection idle longer than this is closed rather than reused (servers
/// drop idle keep-alive connections, and a request sent on one that is
/// closing would fail).
pub const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// The most of an answer's body [`Pool::send_bytes`] reads.
pub const MAX_ANSWER_READ: usize = 64 * 1024;

/// The default of every timeout the guest leaves unset (as wasmtime's).
const NO_TIMEOUT: Duration = Duration::from_secs(600);

/// Where a connection goes: TLS or not, and `host:port`.
type Key = (bool, String);

/// A kept-alive connection and when it went idle.
type Idle = (SendRequest<WasiBody>, Instant);

/// Idle connections, by destination (each destination goes through the
/// network's proxy or not, always the same way).
#[derive(Default)]
pub struct Pool {
    idle: Mutex<HashMap<Key, Vec<Idle>>>,
    network: Network,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let idle: usize = self.idle.lock().unwrap().values().map(Vec::len).sum();
        write!(f, "Pool {{ idle: {idle} }}")
    }
}

/// The answer and its connection's driver, as wasmtime's send hook returns them.
pub type Sent = (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
);

impl Pool {
    /// An empty pool whose connections go by `network`.
    pub fn new(network: Network) -> Self {
        Pool {
            idle: Mutex::default(),
            network,
        }
    }

    /// The network its connections go by.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Sends `request` on an idle connection to its destination, or a new
    /// one; the connection returns to the pool when the answer is read.
    pub async fn send(
        self: Arc<Self>,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<Sent, Error> {
        let key = destination(request.uri())?;
        let timeout = |pick: fn(&RequestOptions) -> Option<Duration>| {
            options.as_ref().and_then(pick).unwrap_or(NO_TIMEOUT)
        };
        let proxy = self.network.proxy_for(request.uri());
        request_line(&mut request, proxy.as_ref(), key.0)?;
        let mut sender = match self.take(&key).await {
            Some(sender) => sender,
            None => {
                let connect = timeout(|o| o.connect_timeout);
                open(&key, proxy.as_ref(), &self.network, connect).await?
            }
        };
        let first_byte = timeout(|o| o.first_byte_timeout);
        let response = tokio::time::timeout(first_byte, sender.send_request(request))
            .await
            .map_err(|_| Error::ConnectionReadTimeout)?
            .map_err(Error::from)?;
        let between_bytes = timeout(|o| o.between_bytes_timeout).max(Duration::from_nanos(1));
        let mut timer = tokio::time::interval(between_bytes);
        timer.reset();
        let home = self.home_after(&response, key, sender);
        let response = response.map(|incoming| {
            Body {
                incoming: Some(incoming),
                timer: Some(timer),
                home,
            }
            .boxed_unsync()
        });
        Ok((response, Box::new(async { Ok(()) })))
    }

    /// Sends a request whose body is `bytes` (the webhook intake's
    /// forwarding), every timeout `timeout`; the status it answered, once
    /// the answer's body (at most [`MAX_ANSWER_READ`] bytes, the rest not
    /// read) is read, so the connection can be reused.
    pub async fn send_bytes(
        self: Arc<Self>,
        request: http::Request<Bytes>,
        timeout: Duration,
    ) -> Result<u16, Error> {
        let request = request.map(|body| {
            http_body_util::Full::new(body)
                .map_err(|never| match never {})
                .boxed_unsync()
        });
        let options = RequestOptions {
            connect_timeout: Some(timeout),
            first_byte_timeout: Some(timeout),
            between_bytes_timeout: Some(timeout),
        };
        let (response, _) = self.send(request, Some(options)).await?;
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let mut read = 0;
        while let Some(frame) = body.frame().await {
            read += frame?.data_ref().map_or(0, Bytes::len);
            if read > MAX_ANSWER_READ {
                break;
            }
        }
        Ok(status)
    }

    /// Where the connection goes once `response` is read: back to the pool
    /// at once for an answer without a body, when its body is read
    /// otherwise, and nowhere when the server closes it after this answer.
    fn home_after(
        self: &Arc<Self>,
        response: &http::Response<hyper::body::Incoming>,
        key: Key,
        sender: SendRequest<WasiBody>,
    ) -> Option<(Arc<Self>, Key, SendRequest<WasiBody>)> {
        let closing = response
            .headers()
            .get_all(http::header::CONNECTION)
            .iter()
            .any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.to_ascii_lowercase().contains("close"))
            });
        match (closing, hyper::body::Body::is_end_stream(response.body())) {
            (true, _) => None,
            (false, true) => {
                self.put(key, sender);
                None
            }
            (false, false) => Some((self.clone(), key, sender)),
        }
    }

    /// An idle connection to `key` that is still open and ready.
    async fn take(&self, key: &Key) -> Option<SendRequest<WasiBody>> {
        loop {
            let (mut sender, since) = self.idle.lock().unwrap().get_mut(key)?.pop()?;
            if since.elapsed() < IDLE_LIMIT && !sender.is_closed() && sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    fn put(&self, key: Key, sender: SendRequest<WasiBody>) {
        if !sender.is_closed() {
            self.idle
                .lock()
                .unwrap()
                .entry(key)
                .or_default()
                .push((sender, Instant::now()));
        }
    }
}

/// A new connection to `key` (directly, or through `proxy`: a `CONNECT`
/// tunnel for TLS), TLS with the network's roots.
async fn open(
    (tls, authority): &Key,
    proxy: Option<&network::Intercept>,
    network: &Network,
    timeout: Duration,
) -> Result<SendRequest<WasiBody>, Error> {
    let connect = async {
        let stream = match (proxy, tls) {
            (None, _) => {
                let stream = TcpStream::connect(authority)
                    .await
                    .map_err(Error::Connect)?;
                let _ = stream.set_nodelay(true);
                stream
            }
            (Some(proxy), true) => network::tunnel(proxy, authority).await?,
            (Some(proxy), false) => network::to_proxy(proxy).await?,
        };
        if !tls {
            return hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map(spawn)
                .map_err(Error::from);
        }
        let host = authority
            .rsplit_once(':')
            .map_or(authority.as_str(), |(host, _)| host);
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let name = rustls::pki_types::ServerName::try_from(host)
            .map_err(|_| Error::HttpRequestUriInvalid)?;
        let stream = tokio_rustls::TlsConnector::from(network.tls())
            .connect(name, stream)
            .await
            .map_err(Error::Tls)?;
        hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map(spawn)
            .map_err(Error::from)
    };
    tokio::time::timeout(timeout, connect)
        .await
        .map_err(|_| Error::ConnectionTimeout)?
}

/// Drives a new connection in its own task; returns its sender.
fn spawn<T, F>((sender, connection): (T, F)) -> T
where
    F: Future + Send + 'static,
{
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender
}

/// An answer's body: the between-bytes timeout, and the way home for its
/// connection once the body has been read to the end.
struct Body {
    incoming: Option<hyper::body::Incoming>,
    timer: Option<tokio::time::Interval>,
    home: Option<(Arc<Pool>, Key, SendRequest<WasiBody>)>,
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Error>>> {
        let Some(incoming) = self.incoming.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(incoming).poll_frame(cx) {
            Poll::Ready(None) => {
                if let Some((pool, key, sender)) = self.home.take() {
                    pool.put(key, sender);
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(err))) => {
                self.home = None;
                Poll::Ready(Some(Err(if err.is_timeout() {
                    Error::HttpResponseTimeout
                } else {
                    Error::from(err)
                })))
            }
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(timer) = self.timer.as_mut() {
                    timer.reset();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                if let Some(timer) = self.timer.as_mut() {
                    ready!(timer.poll_tick(cx));
                    self.home = None;
                    return Poll::Ready(Some(Err(Error::ConnectionReadTimeout)));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming
            .as_ref()
            .is_none_or(http_body::Body::is_end_stream)
    }
}

/// A request's destination: whether it is TLS, and `host:port`.
fn destination(uri: &http::Uri) -> Result<Key, Error> {
    let tls = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
    let authority = uri.authority().ok_or(Error::HttpRequestUriInvalid)?;
    let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
    Ok((tls, format!("{}:{port}", authority.host())))
}

/// The request line: plain HTTP through a proxy keeps the whole URL (and
/// carries the proxy's credentials in its own header); otherwise only the
/// path goes on it.
fn request_line(
    request: &mut http::Request<WasiBody>,
    proxy: Option<&network::Intercept>,
    tls: bool,
) -> Result<(), Error> {
    match (proxy, tls) {
        (Some(proxy), false) => {
            if let Some(auth) = proxy.basic_auth() {
                request
                    .headers_mut()
                    .insert(http::header::PROXY_AUTHORIZATION, auth.clone());
            }
        }
        _ => {
            let path = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            *request.uri_mut() =
                http::Uri::try_from(path).map_err(|_| Error::HttpRequestUriInvalid)?;
        }
    }
    Ok(())
}
