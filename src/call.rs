//! Running an action: check the input, authenticate, send one HTTP request
//! through WASI-HTTP (`waki`), and map LINE's answer.

use crate::actions::{Config, ErrorCode};
use crate::auth::Credentials;
use crate::endpoints::{Endpoint, Host, Method};
use crate::error::{self, invalid};
use crate::request::{Draft, LineRequest};
use crate::response::{self, Answer, FromLine};
use crate::validate::MAX_BODY_BYTES;
use std::time::Duration;

/// Default Messaging API base URL.
pub const DEFAULT_API_BASE_URL: &str = "https://api.line.me";
/// Default data API base URL.
pub const DEFAULT_DATA_API_BASE_URL: &str = "https://api-data.line.me";
/// Default connect timeout in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Sent as `User-Agent` on every request.
const USER_AGENT: &str = concat!("line-connector/", env!("CARGO_PKG_VERSION"));

/// Runs `endpoint` with `input`: everything is checked before the first
/// byte is sent, so an `invalid-input` error means nothing left.
pub fn run<Req: LineRequest, Res: FromLine>(
    endpoint: &Endpoint,
    config: &Config,
    input: &Req,
) -> Result<Res, ErrorCode> {
    let mut draft = Draft::default();
    input.write(&mut draft)?;
    let body = match endpoint.method {
        Method::Post => Some(json_body(&draft)?),
        Method::Get => None,
    };
    let base = match endpoint.host {
        Host::Api => check_url(
            "config.apiBaseUrl",
            config
                .api_base_url
                .as_deref()
                .unwrap_or(DEFAULT_API_BASE_URL),
        )?,
        Host::Data => check_url(
            "config.dataApiBaseUrl",
            config
                .data_api_base_url
                .as_deref()
                .unwrap_or(DEFAULT_DATA_API_BASE_URL),
        )?,
    };
    let timeout_ms = timeout_ms(config)?;
    let credentials = Credentials::from_config(config)?;
    credentials.check()?;

    let token = credentials.bearer(timeout_ms)?;
    let reply = exchange(Outgoing {
        method: endpoint.method,
        url: format!("{base}{}", endpoint.path),
        query: draft.query,
        content_type: body.as_ref().map(|_| "application/json"),
        bearer: Some(token),
        body: body.unwrap_or_default(),
        timeout_ms,
    })?;
    if !(200..300).contains(&reply.status) {
        return Err(error::from_answer(
            reply.status,
            reply.request_id,
            &reply.body,
        ));
    }
    let request_id = reply.request_id.unwrap_or_default();
    let body = response::parse_body(reply.status, &request_id, &reply.body)?;
    Res::from_line(Answer {
        status: reply.status,
        request_id,
        body,
    })
}

fn json_body(draft: &Draft) -> Result<Vec<u8>, ErrorCode> {
    let bytes = serde_json::to_vec(&draft.body).expect("a JSON map always serializes");
    if bytes.len() > MAX_BODY_BYTES {
        return Err(invalid(
            "messages",
            format!(
                "the request body is {} bytes; LINE accepts at most {MAX_BODY_BYTES}",
                bytes.len()
            ),
        ));
    }
    Ok(bytes)
}

fn timeout_ms(config: &Config) -> Result<u32, ErrorCode> {
    match config.timeout_ms {
        Some(0) => Err(invalid(
            "config.timeoutMs",
            "must be at least 1 millisecond",
        )),
        Some(ms) => Ok(ms),
        None => Ok(DEFAULT_TIMEOUT_MS),
    }
}

/// Checks a configured URL (http or https) and returns it without a
/// trailing `/`.
pub fn check_url<'a>(field: &str, url: &'a str) -> Result<&'a str, ErrorCode> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            invalid(
                field,
                format!("must be an http:// or https:// URL, got {url:?}"),
            )
        })?;
    if rest.is_empty() || rest.starts_with('/') || url.parse::<http::Uri>().is_err() {
        return Err(invalid(field, format!("is not a valid URL: {url:?}")));
    }
    Ok(url.trim_end_matches('/'))
}

/// One HTTP request, as the connector sends it.
pub struct Outgoing {
    /// The method.
    pub method: Method,
    /// The full URL without the query.
    pub url: String,
    /// Query parameters, encoded by the client.
    pub query: Vec<(&'static str, String)>,
    /// `Content-Type` of the body, when there is one.
    pub content_type: Option<&'static str>,
    /// The bearer token for `Authorization`.
    pub bearer: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// Connect timeout.
    pub timeout_ms: u32,
}

impl Outgoing {
    /// A form-encoded POST (the token endpoints).
    pub fn form(url: &str, fields: &[(&str, &str)], timeout_ms: u32) -> Self {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        Outgoing {
            method: Method::Post,
            url: url.to_owned(),
            query: Vec::new(),
            content_type: Some("application/x-www-form-urlencoded"),
            bearer: None,
            body: body.into_bytes(),
            timeout_ms,
        }
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// What came back: status, request id and body.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// `x-line-request-id`, when present.
    pub request_id: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// Sends one request through WASI-HTTP and reads the whole answer.
pub fn exchange(out: Outgoing) -> Result<Reply, ErrorCode> {
    let method = match out.method {
        Method::Get => waki::Method::Get,
        Method::Post => waki::Method::Post,
    };
    let mut builder = waki::Client::new()
        .request(method, &out.url)
        .connect_timeout(Duration::from_millis(out.timeout_ms.into()))
        .header("user-agent", USER_AGENT);
    if !out.query.is_empty() {
        builder = builder.query(&out.query);
    }
    if let Some(token) = &out.bearer {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    if let Some(content_type) = out.content_type {
        builder = builder.header("content-type", content_type).body(out.body);
    }
    let response = builder.send().map_err(|e| error::from_http(&e))?;
    let status = response.status_code();
    let request_id = response
        .header("x-line-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.body().map_err(|e| error::from_http(&e))?;
    Ok(Reply {
        status,
        request_id,
        body,
    })
}
