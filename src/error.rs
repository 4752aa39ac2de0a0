//! Building `error-code` values: from bad input, from LINE's error answers
//! and from transport failures.

use crate::types::{
    ApiError, BatchFailure, ErrorCode, ErrorDetail, InvalidInput, TransportError, TransportKind,
};
use serde_json::Value;

/// LINE's `message` on the 429 that means the monthly quota is used up (as
/// opposed to a rate limit).
pub const MONTHLY_LIMIT_MESSAGE: &str = "You have reached your monthly limit.";

/// Input rejected before sending: `field` is the path in LINE's names.
pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ErrorCode {
    ErrorCode::InvalidInput(InvalidInput {
        field: field.into(),
        message: message.into(),
    })
}

/// A transport failure of the given kind.
pub fn transport(kind: TransportKind, message: impl Into<String>) -> ErrorCode {
    ErrorCode::Transport(TransportError {
        kind,
        message: message.into(),
    })
}

/// The error for a non-2xx answer from LINE's Messaging API.
pub fn from_answer(status: u16, request_id: Option<String>, body: &[u8]) -> ErrorCode {
    let error = api_error(status, request_id, body);
    match status {
        401 => ErrorCode::Authentication(error),
        429 if error.message == MONTHLY_LIMIT_MESSAGE => ErrorCode::QuotaExceeded(error),
        429 => ErrorCode::RateLimited(error),
        _ => ErrorCode::Api(error),
    }
}

/// LINE's error body (`message`, `details[]`) as an [`ApiError`]; a body
/// that is not LINE's shape keeps its text as the message.
pub fn api_error(status: u16, request_id: Option<String>, body: &[u8]) -> ApiError {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_owned);
    let message = text("message")
        .or_else(|| text("error_description"))
        .or_else(|| text("error"))
        .map(|m| line_text(&m))
        .unwrap_or_else(|| fallback_message(status, body));
    let details = json
        .get("details")
        .and_then(Value::as_array)
        .map(|list| list.iter().take(MAX_DETAILS).map(detail).collect())
        .unwrap_or_default();
    ApiError {
        status,
        message,
        details,
        request_id,
    }
}

/// At most this many of LINE's `details` are kept (LINE sends a few; a
/// server that sends millions is not LINE).
const MAX_DETAILS: usize = 100;

/// At most this many characters of one of LINE's messages are kept.
const MAX_LINE_TEXT: usize = 1000;

/// One of LINE's texts, cut to [`MAX_LINE_TEXT`] characters.
fn line_text(text: &str) -> String {
    line_rules::shown::cut(text, MAX_LINE_TEXT).into_owned()
}

fn detail(value: &Value) -> ErrorDetail {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(line_text);
    ErrorDetail {
        message: text("message"),
        property: text("property"),
    }
}

fn fallback_message(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        format!("HTTP {status} with an empty body")
    } else {
        line_rules::shown::cut(text, crate::redact::MAX_QUOTE_CHARS).into_owned()
    }
}

/// An error in brief, for one batch's outcome.
pub fn brief(error: &ErrorCode) -> BatchFailure {
    let api = |kind: &str, api: &ApiError| BatchFailure {
        type_: kind.to_owned(),
        status: Some(api.status),
        message: api.message.clone(),
        request_id: api.request_id.clone(),
    };
    let other = |kind: &str, message: String| BatchFailure {
        type_: kind.to_owned(),
        status: None,
        message,
        request_id: None,
    };
    match error {
        ErrorCode::InvalidInput(i) => other("invalid-input", format!("{}: {}", i.field, i.message)),
        ErrorCode::Authentication(a) => api("authentication", a),
        ErrorCode::RateLimited(a) => api("rate-limited", a),
        ErrorCode::QuotaExceeded(a) => api("quota-exceeded", a),
        ErrorCode::Api(a) => api("api", a),
        ErrorCode::Transport(t) => other("transport", t.message.clone()),
        ErrorCode::BatchesFailed(_) => other("batches-failed", "some batches failed".into()),
        ErrorCode::NotAFriend(n) => other("not-a-friend", format!("{} is not a friend", n.user_id)),
    }
}
