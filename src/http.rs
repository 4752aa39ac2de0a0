//! One HTTP exchange through WASI-HTTP, with the connect, first-byte and
//! between-bytes timeouts set in the request options, and a deadline for
//! the whole exchange (writing the body, waiting, reading the answer) kept
//! by the component itself: a server that trickles its answer cannot hold
//! it past the deadline, nor make it read more than a set number of bytes.
//! Modelled on `waki`'s client, which sets only the connect timeout.

use crate::bindings::wasi::clocks::monotonic_clock;
use crate::bindings::wasi::http::outgoing_handler;
use crate::bindings::wasi::http::types::{
    self as wasi, Fields, IncomingBody, IncomingResponse, Method, OutgoingBody, OutgoingRequest,
    RequestOptions, Scheme,
};
use crate::bindings::wasi::io::poll::{self, Pollable};
use crate::bindings::wasi::io::streams::StreamError;
use crate::error;
use crate::redact;
use crate::types::{ErrorCode, TransportKind};
use std::time::Instant;

/// One request as the connector sends it.
pub struct Outgoing {
    /// The method: `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The full URL, query included.
    pub url: String,
    /// Header names (lowercase) and values.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
    /// The most answer body bytes read; a longer answer is an error.
    pub answer_limit: usize,
}

/// The three WASI-HTTP timeouts, in milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// Until the connection is made.
    pub connect_ms: u64,
    /// Until the first byte of the answer.
    pub first_byte_ms: u64,
    /// Between bytes of the answer.
    pub between_bytes_ms: u64,
}

/// What came back.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Header values the connector reads, by lowercase name.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The reply with any secret a server echoed in its body replaced, for
    /// a body read as text or JSON.
    pub fn redacted(mut self) -> Self {
        self.body = redact::clean_bytes(std::mem::take(&mut self.body));
        self
    }

    /// The value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// A failed exchange: the error, and whether the request may have reached
/// the server (it may have if the connection was made).
pub struct Failure {
    /// The transport error.
    pub error: ErrorCode,
    /// False when the request certainly did not reach the server.
    pub may_have_reached: bool,
    /// False when another attempt would only get the same: an answer over
    /// the size cap (the server sends it whole again).
    pub retry_helps: bool,
}

/// Sends `out` and reads the whole answer, all of it by `deadline`.
pub fn send(out: &Outgoing, timeouts: Timeouts, deadline: Instant) -> Result<Reply, Failure> {
    let request = build(out).map_err(|message| Failure {
        error: error::transport(TransportKind::Protocol, message),
        may_have_reached: false,
        retry_helps: true,
    })?;
    let options = RequestOptions::new();
    let ns = |ms: u64| Some(ms.saturating_mul(1_000_000));
    // A host may not support every option; those it refuses are left unset.
    let _ = options.set_connect_timeout(ns(timeouts.connect_ms));
    let _ = options.set_first_byte_timeout(ns(timeouts.first_byte_ms));
    let _ = options.set_between_bytes_timeout(ns(timeouts.between_bytes_ms));

    let body = request
        .body()
        .map_err(|()| protocol("the request body is not available"))?;
    let future = outgoing_handler::handle(request, Some(options)).map_err(|code| failure(&code))?;
    // A body that could not be written in full ends the exchange as its
    // answer says: the answer's error is the precise one (a refused
    // destination also breaks the body stream, less helpfully), and a
    // server may answer (400, 413) before it has read the body.
    if write_body(&body, &out.body, deadline).is_ok() {
        let _ = OutgoingBody::finish(body, None);
    }
    let response = loop {
        match future.get() {
            Some(Ok(response)) => break response,
            Some(Err(())) => return Err(protocol("the answer was taken twice")),
            None => wait(&future.subscribe(), deadline)?,
        }
    };
    match response {
        Err(code) => Err(failure(&code)),
        Ok(response) => read(response, out.answer_limit, deadline),
    }
}

fn build(out: &Outgoing) -> Result<OutgoingRequest, String> {
    let uri: http::Uri = out.url.parse().map_err(|e| format!("invalid URL: {e}"))?;
    let mut entries: Vec<(String, Vec<u8>)> = out
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
    // The length is known: say it, rather than send the body in chunks
    // (which some proxies and gateways refuse).
    if !out.body.is_empty() || matches!(out.method, "POST" | "PUT") {
        let length = out.body.len().to_string();
        entries.push(("content-length".into(), length.into_bytes()));
    }
    let fields = Fields::from_list(&entries).map_err(|e| format!("invalid header: {e:?}"))?;
    let request = OutgoingRequest::new(fields);
    let method = match out.method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        other => Method::Other(other.to_owned()),
    };
    let scheme = match uri.scheme_str() {
        Some("http") => Scheme::Http,
        _ => Scheme::Https,
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let set = request.set_method(&method).is_ok()
        && request.set_scheme(Some(&scheme)).is_ok()
        && request
            .set_authority(uri.authority().map(|a| a.as_str()))
            .is_ok()
        && request.set_path_with_query(Some(path)).is_ok();
    if !set {
        return Err("the host refused the request line".into());
    }
    Ok(request)
}

/// Writes the body as fast as the host takes it, by `deadline`.
fn write_body(body: &OutgoingBody, bytes: &[u8], deadline: Instant) -> Result<(), Failure> {
    if bytes.is_empty() {
        return Ok(());
    }
    let stream = body
        .write()
        .map_err(|()| protocol("the request body is not writable"))?;
    let ready = stream.subscribe();
    let mut rest = bytes;
    let mut flushed = false;
    loop {
        let permitted = stream.check_write().map_err(stream_failure)?;
        if permitted == 0 {
            wait(&ready, deadline)?;
        } else if !rest.is_empty() {
            let (now, later) = rest.split_at(rest.len().min(permitted as usize));
            stream.write(now).map_err(stream_failure)?;
            rest = later;
        } else if !flushed {
            stream.flush().map_err(stream_failure)?;
            flushed = true;
        } else {
            return Ok(());
        }
    }
}

/// Reads the answer: its status, the headers the connector reads, and at
/// most `limit` bytes of body, all by `deadline`; any secret a server
/// echoed in a header is [redacted](crate::redact) before anything reads
/// it (the body by [`Reply::redacted`], unless it is content's bytes).
fn read(response: IncomingResponse, limit: usize, deadline: Instant) -> Result<Reply, Failure> {
    let status = response.status();
    let headers: Vec<(String, String)> = response
        .headers()
        .entries()
        .into_iter()
        .filter(|(name, _)| kept_header(name))
        .map(|(name, value)| {
            // Cleaned whole, then cut: a cut first could leave the start of
            // a long secret (a JWT) that no longer matches it.
            let value = redact::clean(&String::from_utf8_lossy(&value));
            let value = line_rules::shown::cut(&value, MAX_HEADER_BYTES).into_owned();
            (name.to_ascii_lowercase(), value)
        })
        .collect();
    let declared = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large(limit));
    }
    let incoming = response
        .consume()
        .map_err(|()| protocol("the answer has no body"))?;
    let body = read_body(&incoming, limit, deadline)?;
    let _ = IncomingBody::finish(incoming);
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn read_body(incoming: &IncomingBody, limit: usize, deadline: Instant) -> Result<Vec<u8>, Failure> {
    let stream = incoming
        .stream()
        .map_err(|()| protocol("the answer's body is not readable"))?;
    let ready = stream.subscribe();
    let mut body = Vec::new();
    loop {
        match stream.read(64 * 1024) {
            Ok(chunk) if chunk.is_empty() => wait(&ready, deadline)?,
            Ok(chunk) if body.len() + chunk.len() > limit => return Err(too_large(limit)),
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(StreamError::Closed) => return Ok(body),
            Err(e) => return Err(stream_failure(e)),
        }
    }
}

/// Most bytes of one answer header the connector keeps.
const MAX_HEADER_BYTES: usize = 1024;

/// The answer headers the connector reads: LINE's own (`x-line-…`) and
/// the body's length and type.
fn kept_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("x-line-") || name == "content-length" || name == "content-type"
}

/// Waits until `pollable` is ready, or fails with a timeout at `deadline`.
fn wait(pollable: &Pollable, deadline: Instant) -> Result<(), Failure> {
    let left = deadline.saturating_duration_since(Instant::now());
    let nanos = u64::try_from(left.as_nanos()).unwrap_or(u64::MAX);
    if nanos > 0 {
        let timer = monotonic_clock::subscribe_duration(nanos);
        if poll::poll(&[pollable, &timer]).contains(&0) {
            return Ok(());
        }
    }
    if pollable.ready() {
        return Ok(());
    }
    Err(Failure {
        error: error::transport(
            TransportKind::Timeout,
            "the answer was not complete within totalTimeoutMs",
        ),
        may_have_reached: true,
        retry_helps: true,
    })
}

fn too_large(limit: usize) -> Failure {
    Failure {
        error: error::transport(
            TransportKind::Protocol,
            format!(
                "the answer is larger than {limit} bytes, more than LINE sends; it was not read"
            ),
        ),
        may_have_reached: true,
        retry_helps: false,
    }
}

fn protocol(message: &str) -> Failure {
    Failure {
        error: error::transport(TransportKind::Protocol, message),
        may_have_reached: true,
        retry_helps: true,
    }
}

fn stream_failure(error: StreamError) -> Failure {
    failure(&stream_error(error))
}

fn stream_error(error: StreamError) -> wasi::ErrorCode {
    match error {
        // Some hosts (wasmtime with its own sender among them) pass a body's
        // error as text only; a timeout is still a timeout.
        StreamError::LastOperationFailed(e) => wasi::http_error_code(&e).unwrap_or_else(|| {
            let text = e.to_debug_string();
            match text.to_ascii_lowercase().contains("timeout") {
                true => wasi::ErrorCode::ConnectionReadTimeout,
                false => wasi::ErrorCode::InternalError(Some(text)),
            }
        }),
        StreamError::Closed => wasi::ErrorCode::ConnectionTerminated,
    }
}

/// Classifies a WASI-HTTP error code; failures before a connection was
/// made cannot have reached the server.
fn failure(code: &wasi::ErrorCode) -> Failure {
    use wasi::ErrorCode as E;
    let (kind, may_have_reached) = match code {
        E::DnsTimeout | E::ConnectionTimeout => (TransportKind::Timeout, false),
        E::ConnectionReadTimeout | E::ConnectionWriteTimeout | E::HttpResponseTimeout => {
            (TransportKind::Timeout, true)
        }
        E::DnsError(_)
        | E::DestinationNotFound
        | E::DestinationUnavailable
        | E::DestinationIpProhibited
        | E::DestinationIpUnroutable
        | E::ConnectionRefused
        | E::TlsProtocolError
        | E::TlsCertificateError
        | E::TlsAlertReceived(_) => (TransportKind::Connect, false),
        E::HttpRequestDenied => (TransportKind::Denied, false),
        _ => (TransportKind::Protocol, true),
    };
    Failure {
        error: error::transport(kind, describe(code)),
        may_have_reached,
        retry_helps: true,
    }
}

fn describe(code: &wasi::ErrorCode) -> String {
    use wasi::ErrorCode as E;
    match code {
        E::HttpRequestDenied => "the host does not allow this destination".into(),
        E::ConnectionRefused => "connection refused".into(),
        E::ConnectionTimeout => "timed out connecting".into(),
        E::HttpResponseTimeout => "timed out waiting for the answer".into(),
        E::ConnectionReadTimeout => "timed out reading the answer".into(),
        E::ConnectionTerminated => "the connection closed before the answer was complete".into(),
        E::DestinationUnavailable => {
            "the destination could not be reached (a proxy may have refused the tunnel)".into()
        }
        E::TlsProtocolError | E::TlsCertificateError => {
            "TLS with the server failed (its certificate may not be trusted by this host)".into()
        }
        other => {
            line_rules::shown::cut(&format!("{other:?}"), redact::MAX_QUOTE_CHARS).into_owned()
        }
    }
}
