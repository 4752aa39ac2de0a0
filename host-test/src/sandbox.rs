//! Where the component may send requests: an allow-list of hosts, and plain
//! `http://` only to loopback. Everything else is refused before any
//! connection is made (the component sees `transport` / `denied`).

use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// LINE's hosts the component reaches when the config names no other.
pub const LINE_HOSTS: [(&str, &str); 3] = [
    ("apiBaseUrl", "api.line.me"),
    ("dataApiBaseUrl", "api-data.line.me"),
    ("tokenUrl", "api.line.me"),
];

/// The hosts an instance may reach.
#[derive(Clone, Debug)]
pub struct Sandbox {
    hosts: Arc<Vec<String>>,
}

impl Sandbox {
    /// Exactly these hosts (names or IP literals, any port).
    pub fn allowing<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> Self {
        let hosts = hosts.into_iter().map(|h| normalize(h.as_ref())).collect();
        Sandbox {
            hosts: Arc::new(hosts),
        }
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
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            let io: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(io);
            Ok((response.map(BodyExt::boxed_unsync), io))
        })
    }
}
