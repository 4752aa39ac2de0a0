//! Where the component may send requests: an allow-list of hosts, and plain
//! `http://` only to loopback. Everything else is refused before any
//! connection is made (the component sees `transport` / `denied`). A sandbox
//! can also keep a log of the exchanges it let through ([`Sandbox::logging`]).

use crate::pool::{Pool, Sent};
use serde_json::Value;
use std::future::Future;
use std::sync::{Arc, Mutex};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// LINE's hosts the component reaches when the config names no other.
pub const LINE_HOSTS: [(&str, &str); 4] = [
    ("apiBaseUrl", "api.line.me"),
    ("dataApiBaseUrl", "api-data.line.me"),
    ("managerBaseUrl", "manager.line.biz"),
    ("tokenUrl", "api.line.me"),
];

/// One request the component sent and the head of the answer it got.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The HTTP method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The answer's status, or `None` when no answer came (the connection
    /// failed or timed out).
    pub status: Option<u16>,
    /// The answer's headers, names lowercase.
    pub headers: Vec<(String, String)>,
}

impl Exchange {
    /// The first value of the answer's header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A shared, growing list of exchanges.
pub type ExchangeLog = Arc<Mutex<Vec<Exchange>>>;

/// The hosts an instance may reach.
#[derive(Clone, Debug)]
pub struct Sandbox {
    hosts: Arc<Vec<String>>,
    allowed: Arc<Vec<Allowed>>,
    log: Option<ExchangeLog>,
    pool: Option<Arc<Pool>>,
}

impl Sandbox {
    /// Exactly these hosts: `HOST` (a name or IP literal) on any port, or
    /// `HOST:PORT` (`[::1]:8080` for IPv6) on that port only. An entry that
    /// is neither matches nothing ([`Sandbox::checked`] says which).
    pub fn allowing<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> Self {
        let hosts: Vec<String> = hosts
            .into_iter()
            .map(|h| h.as_ref().trim().to_ascii_lowercase())
            .collect();
        let allowed = hosts
            .iter()
            .filter_map(|h| Allowed::parse(h).ok())
            .collect();
        Sandbox {
            hosts: Arc::new(hosts),
            allowed: Arc::new(allowed),
            log: None,
            pool: None,
        }
    }

    /// The same as [`Sandbox::allowing`], but an entry that is not `HOST`
    /// or `HOST:PORT` is an error naming it.
    pub fn checked<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> anyhow::Result<Self> {
        let sandbox = Self::allowing(hosts);
        for host in sandbox.hosts.iter() {
            Allowed::parse(host).map_err(|why| anyhow::anyhow!("--allow-host {host:?}: {why}"))?;
        }
        Ok(sandbox)
    }

    /// The same sandbox, appending every exchange it lets through to `log`
    /// (request line and answer head; never a body or a request header, so
    /// no token lands in it).
    pub fn logging(mut self, log: ExchangeLog) -> Self {
        self.log = Some(log);
        self
    }

    /// The hosts of the config's `apiBaseUrl`, `dataApiBaseUrl`,
    /// `managerBaseUrl` and `tokenUrl`, or LINE's own where a URL is not given.
    pub fn for_config(config: &Value) -> Self {
        let host = |(key, default): &(&str, &str)| match config.get(*key).and_then(Value::as_str) {
            Some(url) => url
                .parse::<http::Uri>()
                .ok()
                .and_then(|u| u.host().map(str::to_owned)),
            None => Some(default.to_string()),
        };
        Self::allowing(LINE_HOSTS.iter().filter_map(host))
    }

    /// The same sandbox, sending on `pool`'s kept-alive connections
    /// instead of a new connection per request.
    pub fn pooling(mut self, pool: Arc<Pool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The hosts allowed.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    /// Whether a request to `uri` may go out.
    pub fn permits(&self, uri: &http::Uri) -> bool {
        let Some(host) = uri.host().map(normalize) else {
            return false;
        };
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let secure = https || is_loopback(&host);
        secure
            && self
                .allowed
                .iter()
                .any(|a| a.host == host && a.port.is_none_or(|p| p == port))
    }
}

/// One allow-list entry: a host, and the one port allowed (any if none).
#[derive(Clone, Debug)]
struct Allowed {
    host: String,
    port: Option<u16>,
}

impl Allowed {
    /// `HOST`, `HOST:PORT`, `[IPV6]:PORT` or a bare IPv6 literal.
    fn parse(entry: &str) -> Result<Self, String> {
        let bare_ipv6 = entry.parse::<std::net::Ipv6Addr>().is_ok();
        let authority = match bare_ipv6 {
            true => None,
            false => Some(
                entry
                    .parse::<http::uri::Authority>()
                    .map_err(|_| "not a host or host:port".to_owned())?,
            ),
        };
        if authority.as_ref().is_some_and(|a| a.as_str().contains('@')) {
            return Err("a host takes no user name or password".into());
        }
        if authority
            .as_ref()
            .is_some_and(|a| a.as_str() != a.host() && a.port_u16().is_none())
        {
            return Err("the port after `:` must be a number from 0 to 65535".into());
        }
        Ok(Allowed {
            host: normalize(authority.as_ref().map_or(entry, |a| a.host())),
            port: authority.and_then(|a| a.port_u16()),
        })
    }
}

fn normalize(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

impl WasiHttpHooks for Sandbox {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        if !self.permits(request.uri()) {
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        _ = fut;
        let log = self.log.clone();
        let mut exchange = Exchange {
            method: request.method().to_string(),
            url: request.uri().to_string(),
            status: None,
            headers: Vec::new(),
        };
        let pool = self.pool.clone();
        Box::new(async move {
            let sent = match pool {
                Some(pool) => pool.send(request, options).await,
                None => default_send(request, options).await,
            };
            if let Some(log) = log {
                if let Ok((response, _)) = &sent {
                    exchange.status = Some(response.status().as_u16());
                    exchange.headers = response
                        .headers()
                        .iter()
                        .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                        .collect();
                }
                log.lock().unwrap().push(exchange);
            }
            sent
        })
    }
}

/// wasmtime's sender: a new connection per request.
async fn default_send(
    request: http::Request<WasiBody>,
    options: Option<RequestOptions>,
) -> Result<Sent, Error> {
    use http_body_util::BodyExt;
    let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
    Ok((response.map(BodyExt::boxed_unsync), Box::new(io)))
}
