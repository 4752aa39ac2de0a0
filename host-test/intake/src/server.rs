//! The listening side: accepting connections under a cap (excess ones
//! closed at once, an `accept` error such as EMFILE waited out, never the
//! end of the process), each connection under an idle limit and hyper's
//! header deadline, plain or TLS, and stopped gracefully on request.

use crate::idle::Idle;
use crate::receive::{Shared, answer};
use anyhow::{Context, Result};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// What bounds each connection and all of them.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections open at once; more are closed as they come.
    pub connections: usize,
    /// The deadline for a request's head (hyper's header timeout).
    pub header_timeout: Duration,
    /// The deadline for a request's body.
    pub body_timeout: Duration,
    /// A connection on which nothing moves for this long is closed.
    pub idle_timeout: Duration,
    /// Bytes of bodies held at once beyond each one's first 64 KiB.
    pub body_budget: usize,
}

impl Default for Limits {
    /// 1,024 connections (fewer when the open-files limit is lower), 5 s
    /// for a head, 5 s for a body, 10 s idle, 64 MiB of bodies.
    fn default() -> Self {
        Limits {
            connections: 1024,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(10),
            body_budget: 64 << 20,
        }
    }
}

/// The connection cap fitted under the open-files limit (raised to its
/// hard bound first), leaving room for the store, the forwarder's
/// connections and the files a process needs.
pub fn fitted_connections(wanted: usize) -> usize {
    const RESERVED: u64 = 96;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write `limit`.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return wanted;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    let room = limit.rlim_cur.saturating_sub(RESERVED).max(16);
    wanted.min(room as usize)
}

/// TLS settings from a PEM certificate chain and a PEM private key.
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("--tls-cert {}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("--tls-cert {}: not PEM certificates", cert.display()))?;
    anyhow::ensure!(
        !chain.is_empty(),
        "--tls-cert {}: no certificate",
        cert.display()
    );
    // The error names the file only: a key's text never reaches a message.
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|_| anyhow::anyhow!("--tls-key {}: no PEM private key", key.display()))?;
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("--tls-cert and --tls-key do not make a pair")?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Serves until `stop` turns true, then waits (at most `grace`) for the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let mut open = tokio::task::JoinSet::new();
    let mut turned_away = 0u64;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // EMFILE, ENFILE, ECONNABORTED…: wait a moment, go on.
                eprintln!("accepting a connection: {error} (going on)");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            turned_away += 1;
            if turned_away.is_power_of_two() {
                eprintln!(
                    "{turned_away} connections turned away: {} open (the cap)",
                    limits.connections
                );
            }
            continue; // dropped: closed at once
        };
        let _ = stream.set_nodelay(true);
        let (shared, tls, stop) = (shared.clone(), tls.clone(), stop.clone());
        open.spawn(async move {
            let stream = Idle::new(stream, limits.idle_timeout);
            match tls {
                None => connection(stream, shared, limits, stop).await,
                Some(tls) => {
                    let handshake = tokio::time::timeout(limits.header_timeout, tls.accept(stream));
                    if let Ok(Ok(stream)) = handshake.await {
                        connection(stream, shared, limits, stop).await;
                    }
                }
            }
            drop(slot);
        });
        while open.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(grace, async { while open.join_next().await.is_some() {} }).await;
}

/// One connection's requests, until it closes, idles out or `stop` turns
/// true (then the request in flight is finished first).
async fn connection<S>(
    stream: S,
    shared: Arc<Shared>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| {
        let shared = shared.clone();
        async move { Ok::<_, std::convert::Infallible>(answer(&shared, request).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(64 * 1024);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    tokio::select! {
        _ = served.as_mut() => return,
        _ = stop.changed() => {}
    }
    served.as_mut().graceful_shutdown();
    let _ = served.await;
}
