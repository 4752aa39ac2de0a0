//! `line-connector webhook listen`: the webhook intake. LINE posts each
//! batch once, and redelivers only when it is not answered 2xx within two
//! seconds (where the channel turned redelivery on), so an intake that
//! answers 200 owns the events from then on. This one:
//!
//! - answers 200 only once the batch's events are in its store, synced to
//!   disk ([`store`]); 503 when the store cannot take them, so LINE
//!   redelivers; 401 to a batch whose signature no given channel secret
//!   verifies (checked by the component, before the store);
//! - delivers each stored event at least once, in order per chat, to
//!   stdout or a platform's URL, retrying with growing pauses, then parking
//!   dead letters ([`deliver`], [`target`]);
//! - recognises LINE's redeliveries against what it stored, not what it
//!   delivered;
//! - stops on SIGTERM or SIGINT (embedded in a Python or Node process,
//!   through its handle: [`hosted`]): no new connection, requests in
//!   flight answered, a delivery round in flight finished; after a SIGKILL,
//!   the next start delivers what was stored and not yet delivered;
//! - bounds what a client can hold: connections, idle time, the time for a
//!   head and for a body, the bytes of bodies at once ([`server`],
//!   [`receive`]);
//! - keeps the channel's contacts current from follow, unfollow and
//!   account-link events ([`contacts`], [`linking`]), which sends by
//!   contact then go by ([`sending`], [`followers`]);
//! - runs as one of several replicas behind a load balancer when they
//!   share a PostgreSQL store ([`location`]): any replica takes any batch,
//!   redeliveries are recognised across them, each event is delivered by
//!   one replica at a time (claims with leases), in order per chat.

pub mod answering;
pub mod ask;
pub mod asks;
pub mod contacts;
pub mod deliver;
pub mod event;
pub mod followers;
pub mod hosted;
pub mod idle;
pub mod linking;
pub mod location;
pub mod observing;
pub mod receive;
pub mod sending;
pub mod server;
pub mod store;
pub mod target;

pub use deliver::{Retry, Sink};
pub use location::Location;
pub use server::Limits;
pub use store::Store;
pub use target::Target;

use anyhow::{Context, Result};
use line_connector_host::{Connector, Network};
use std::net::SocketAddr;
use std::path::PathBuf;

use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, watch};

/// Everything `listen` is told.
pub struct Options {
    /// Where to listen.
    pub bind: SocketAddr,
    /// The channel secrets a batch may be signed with: the current one
    /// first, then others while a rotation is under way.
    pub secrets: Vec<String>,
    /// The store: an SQLite file, or a PostgreSQL database replicas share.
    pub store: Location,
    /// Undelivered events the store takes at most (then 503).
    pub max_backlog: u64,
    /// How long delivered events are remembered, to recognise LINE's
    /// redeliveries of them.
    pub keep_delivered: Duration,
    /// Where events go.
    pub sink: Sink,
    /// How failed deliveries are tried again.
    pub retry: Retry,
    /// Only events of these types are kept (LINE's names; all when `None`).
    pub types: Option<Vec<String>>,
    /// What bounds connections and requests.
    pub limits: Limits,
    /// TLS: a PEM certificate chain and its PEM private key.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The forwarder's proxy and CA settings.
    pub network: Network,
    /// The channel's config, to reply to answerers of asks and fetch new
    /// followers' profiles (none: neither).
    pub reply_config: Option<serde_json::Value>,
    /// The channel's name, which its contacts are kept under.
    pub channel: String,
    /// How long a contact nothing was heard of is kept.
    pub contact_retention: Duration,
}

/// Serves until SIGTERM or SIGINT; says where on stderr first.
pub async fn listen(connector: Arc<Connector>, options: Options) -> Result<()> {
    listen_until(connector, options, stopped()).await
}

/// Serves until `until` completes (a host that embeds the intake stops it
/// so), then stops as on SIGTERM; says where on stderr first.
pub async fn listen_until(
    connector: Arc<Connector>,
    options: Options,
    until: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let listener = TcpListener::bind(options.bind)
        .await
        .with_context(|| format!("listening on {}", options.bind))?;
    serve_until(connector, options, listener, until).await
}

/// [`listen_until`] on a listener already bound (a host that embeds the
/// intake binds it first, to know its port).
pub async fn serve_until(
    connector: Arc<Connector>,
    options: Options,
    listener: TcpListener,
    until: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let tls = options
        .tls
        .as_ref()
        .map(|(cert, key)| server::tls_acceptor(cert, key))
        .transpose()?;
    let store = Store::open(&options.store, options.max_backlog).await?;
    if store.engine() == store::Engine::Sqlite {
        // One intake per SQLite file (replicas share PostgreSQL): what a
        // killed predecessor claimed is this one's now.
        store.release_all().await?;
    }
    let mut limits = options.limits;
    limits.connections = server::fitted_connections(limits.connections);
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!("listening on {scheme}://{}", listener.local_addr()?);
    let (stop_tx, stop) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    let pool = Arc::new(line_connector_host::pool::Pool::new(
        options.network.clone(),
    ));
    let deliverer =
        deliver::Deliverer::new(store.clone(), options.sink.clone(), options.retry, pool);
    let delivering = tokio::spawn(deliverer.run(wake.clone(), stop.clone()));
    let pruning = tokio::spawn(prune(
        store.clone(),
        options.keep_delivered,
        options.contact_retention,
    ));
    let shared = Arc::new(receive::Shared {
        connector,
        secrets: options.secrets,
        store: store.clone(),
        wake,
        budget: Arc::new(Semaphore::new(limits.body_budget)),
        body_timeout: limits.body_timeout,
        types: options.types,
        reply_config: options.reply_config,
        channel: options.channel,
    });
    tokio::spawn(async move {
        until.await;
        eprintln!("stopping: no new connections; finishing what is in flight");
        let _ = stop_tx.send(true);
    });
    let grace = limits.body_timeout + Duration::from_secs(1);
    server::serve(listener, tls, shared, limits, stop, grace).await;
    let _ = delivering.await;
    pruning.abort();
    store.close().await;
    Ok(())
}

/// SIGTERM or SIGINT.
async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

/// Forgets delivered events older than `keep`, and contacts untouched
/// for `contacts`, at start and every hour.
async fn prune(store: Store, keep: Duration, contacts: Duration) {
    loop {
        let before = store::now_ms() - keep.as_millis() as i64;
        if let Err(error) = store.prune(before).await {
            eprintln!("pruning the store: {error:#}");
        }
        let before = store::now_ms() - contacts.as_millis() as i64;
        if let Err(error) = contacts::prune(&store, before).await {
            eprintln!("pruning the contacts: {error:#}");
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}
