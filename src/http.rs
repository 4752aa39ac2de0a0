//! One HTTP exchange through WASI-HTTP, with the connect, first-byte and
//! between-bytes timeouts set in the request options. Modelled on `waki`'s
//! client, which sets only the connect timeout.

use crate::actions::{ErrorCode, TransportKind};
use crate::bindings::wasi::http::outgoing_handler;
use crate::bindings::wasi::http::types::{
    self as wasi, Fields, IncomingBody, IncomingResponse, Method, OutgoingBody, OutgoingRequest,
    RequestOptions, Scheme,
};
use crate::bindings::wasi::io::streams::StreamError;
use crate::error;

/// One request as the connector sends it.
pub struct Outgoing {
    /// GET or POST.
    pub method: crate::endpoints::Method,
    /// The full URL, query included.
    pub url: String,
    /// Header names (lowercase) and values.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
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
}

/// Sends `out` and reads the whole answer.
pub fn send(out: &Outgoing, timeouts: Timeouts) -> Result<Reply, Failure> {
    let request = build(out).map_err(|message| Failure {
        error: error::transport(TransportKind::Protocol, message),
        may_have_reached: false,
    })?;
    let options = RequestOptions::new();
    let ns = |ms: u64| Some(ms.saturating_mul(1_000_000));
    // A host may not support every option; those it refuses are left unset.
    let _ = options.set_connect_timeout(ns(timeouts.connect_ms));
    let _ = options.set_first_byte_timeout(ns(timeouts.first_byte_ms));
    let _ = options.set_between_bytes_timeout(ns(timeouts.between_bytes_ms));

    let body = request.body().expect("a new request's body is available");
    let future = outgoing_handler::handle(request, Some(options)).map_err(|code| failure(&code))?;
    let written = write_body(&body, &out.body).and_then(|()| OutgoingBody::finish(body, None));
    let response = loop {
        match future.get() {
            Some(Ok(response)) => break response,
            Some(Err(())) => unreachable!("the response is taken once"),
            None => future.subscribe().block(),
        }
    };
    // The response's error is the precise one (a refused destination also
    // breaks the body stream, less helpfully).
    match (written, response) {
        (_, Err(code)) | (Err(code), Ok(_)) => Err(failure(&code)),
        (Ok(()), Ok(response)) => read(response).map_err(|code| failure(&code)),
    }
}

fn build(out: &Outgoing) -> Result<OutgoingRequest, String> {
    let uri: http::Uri = out.url.parse().map_err(|e| format!("invalid URL: {e}"))?;
    let entries: Vec<(String, Vec<u8>)> = out
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
    let fields = Fields::from_list(&entries).map_err(|e| format!("invalid header: {e:?}"))?;
    let request = OutgoingRequest::new(fields);
    let method = match out.method {
        crate::endpoints::Method::Get => Method::Get,
        crate::endpoints::Method::Post => Method::Post,
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
        return Err(format!("the host refused the request line for {}", out.url));
    }
    Ok(request)
}

fn write_body(body: &OutgoingBody, bytes: &[u8]) -> Result<(), wasi::ErrorCode> {
    let stream = body.write().expect("the body stream is taken once");
    // WASI streams take at most 4096 bytes per blocking write.
    for chunk in bytes.chunks(4096) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(stream_error)?;
    }
    Ok(())
}

fn read(response: IncomingResponse) -> Result<Reply, wasi::ErrorCode> {
    let status = response.status();
    let headers = response
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                String::from_utf8_lossy(&value).into_owned(),
            )
        })
        .collect();
    let incoming = response.consume().expect("the body is consumed once");
    let stream = incoming.stream().expect("the body stream is taken once");
    let mut body = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(e) => return Err(stream_error(e)),
        }
    }
    drop(stream);
    let _ = IncomingBody::finish(incoming);
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn stream_error(error: StreamError) -> wasi::ErrorCode {
    match error {
        StreamError::LastOperationFailed(e) => wasi::http_error_code(&e)
            .unwrap_or(wasi::ErrorCode::InternalError(Some(e.to_debug_string()))),
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
        other => format!("{other:?}"),
    }
}
