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
pub const LINE_HOSTS: [(&str, &str); 3] = [
    ("apiBaseUrl", "api.line.me"),
    ("dataApiBaseUrl", "api-data.line.me"),
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
    log: Option<ExchangeLog>,
    pool: Option<Arc<Pool>>,
}

impl Sandbox {
    /// Exactly these hosts (names or IP literals, any port).
    pub fn allowing<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> Self {
        let hosts = hosts.into_iter().map(|h| normalize(h.as_ref())).collect();
        Sandbox {
            hosts: Arc::new(hosts),
            log: None,
            pool: None,
        }
    }

    /// The same sandbox, appending every exchange it lets through to `log`
    /// (request line and answer head; never a body or a request header, so
    /// no token lands in it).
    pub fn logging(mut self, log: ExchangeLog) -> Self {
        self.log = Some(log);
        self
    }

    /// The hosts of the config's `apiBaseUrl`, `dataApiBaseUrl` and
    /// `tokenUrl`, or LINE's own where a URL is not given.
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
        let secure = uri.scheme_str() == Some("https") || is_loopback(&host);
        secure && self.hosts.contains(&host)
    }
}

fn normalize(host: &str) -> String {
    host.trim_start_matches('[')
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
