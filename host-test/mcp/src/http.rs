//! MCP's Streamable HTTP transport at `/mcp`, behind a bearer token: rmcp's
//! service, served by hyper, each request's `Authorization: Bearer TOKEN`
//! checked first (in constant time). Without a token the server listens on
//! loopback only.

use crate::server::LineServer;
use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioIo, TokioTimer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The path MCP is served at.
pub const PATH: &str = "/mcp";
/// Connections open at once; more are closed as they come.
pub const MAX_CONNECTIONS: usize = 256;
/// The deadline for a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection on which nothing moves this long is closed (rmcp's event
/// streams send a keep-alive well within it).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether `given` is the `Authorization` header for `token`, compared in
/// time that does not depend on where they differ.
pub fn authorized(given: Option<&[u8]>, token: &str) -> bool {
    let expected = format!("Bearer {token}");
    let Some(given) = given else { return false };
    let same_length = given.len() == expected.len();
    let differing = given
        .iter()
        .zip(expected.as_bytes().iter().cycle())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    same_length && differing == 0
}

/// Refuses to serve on a non-loopback address without a token.
pub fn check_bind(bind: SocketAddr, token: Option<&str>) -> Result<()> {
    anyhow::ensure!(
        bind.ip().is_loopback() || token.is_some_and(|t| !t.is_empty()),
        "serving MCP on {bind} (not loopback) needs a bearer token (--token-env)"
    );
    Ok(())
}

/// Serves `server` on `listener` until the process ends; each request
/// needs `token` when one is given. Prints where on stderr first. As the
/// intake's server does, it bounds what a client can hold: connections,
/// the time for a head, idle time.
pub async fn serve(server: LineServer, listener: TcpListener, token: Option<String>) -> Result<()> {
    let bind = listener.local_addr()?;
    check_bind(bind, token.as_deref())?;
    let mut config = StreamableHttpServerConfig::default();
    // rmcp checks `Host` against loopback names by default (DNS
    // rebinding); a server bound elsewhere is reached by its address.
    if !bind.ip().is_loopback() {
        config.allowed_hosts.push(bind.ip().to_string());
        config.allowed_hosts.push(bind.to_string());
    }
    let service: StreamableHttpService<LineServer, LocalSessionManager> =
        StreamableHttpService::new(move || Ok(server.clone()), Default::default(), config);
    let token: Option<Arc<str>> = token.map(Into::into);
    eprintln!("serving MCP on http://{bind}{PATH}");
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                eprintln!("accepting: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // dropped: closed at once
        };
        let (service, token) = (service.clone(), token.clone());
        tokio::spawn(async move {
            let stream = line_webhook_intake::idle::Idle::new(stream, IDLE_TIMEOUT);
            let handler = hyper::service::service_fn(move |request| {
                let (mut service, token) = (service.clone(), token.clone());
                async move { route(&mut service, token.as_deref(), request).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), handler)
                .await;
            drop(slot);
        });
    }
}

type Body = http_body_util::combinators::UnsyncBoxBody<Bytes, std::convert::Infallible>;

/// One request: refused without the token or off [`PATH`], else MCP's.
async fn route(
    service: &mut StreamableHttpService<LineServer, LocalSessionManager>,
    token: Option<&str>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Body>, std::convert::Infallible> {
    use tower_service::Service as _;
    if request.uri().path() != PATH {
        return Ok(plain(404, "MCP is served at /mcp\n"));
    }
    if let Some(token) = token {
        let given = request.headers().get(hyper::header::AUTHORIZATION);
        if !authorized(given.map(|v| v.as_bytes()), token) {
            let mut refused = plain(401, "a bearer token is needed\n");
            refused.headers_mut().insert(
                hyper::header::WWW_AUTHENTICATE,
                hyper::header::HeaderValue::from_static("Bearer"),
            );
            return Ok(refused);
        }
    }
    let response = service.call(request).await?;
    Ok(response.map(|body| body.boxed_unsync()))
}

fn plain(status: u16, text: &'static str) -> hyper::Response<Body> {
    let mut response =
        hyper::Response::new(Full::new(Bytes::from_static(text.as_bytes())).boxed_unsync());
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    response
}

/// Binds `bind` for [`serve`].
pub async fn bind(bind: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(bind)
        .await
        .with_context(|| format!("listening on {bind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_is_authorized() {
        assert!(authorized(Some(b"Bearer s3cret"), "s3cret"));
        for wrong in [
            &b"Bearer s3creT"[..],
            b"Bearer s3cret ",
            b"bearer s3cret",
            b"s3cret",
            b"",
        ] {
            assert!(!authorized(Some(wrong), "s3cret"), "{wrong:?}");
        }
        assert!(!authorized(None, "s3cret"));
    }

    #[test]
    fn a_server_off_loopback_needs_a_token() {
        let anywhere: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(check_bind(anywhere, None).is_err());
        assert!(check_bind(anywhere, Some("")).is_err());
        assert!(check_bind(anywhere, Some("t")).is_ok());
        assert!(check_bind("127.0.0.1:0".parse().unwrap(), None).is_ok());
    }
}
