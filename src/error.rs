//! Building `error-code` values: from bad input, from LINE's error answers
//! and from transport failures.

use crate::actions::{
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
        .unwrap_or_else(|| fallback_message(status, body));
    let details = json
        .get("details")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(detail).collect())
        .unwrap_or_default();
    ApiError {
        status,
        message,
        details,
        request_id,
    }
}

fn detail(value: &Value) -> ErrorDetail {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
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
        text.chars().take(500).collect()
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
    }
}

/// Shortest string treated as a secret: shorter ones are not real tokens
/// or secrets, and replacing them would garble messages.
const MIN_SECRET_LEN: usize = 8;

/// Replaces every occurrence of a secret (channel secret, token) in the
/// error's texts with `[redacted]`, whatever the server echoed back.
pub fn redact(error: ErrorCode, secrets: &[String]) -> ErrorCode {
    let clean = |text: String| {
        let secrets = secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN);
        secrets.fold(text, |text, secret| {
            text.replace(secret.as_str(), "[redacted]")
        })
    };
    let clean_api = |api: ApiError| ApiError {
        message: clean(api.message),
        details: api
            .details
            .into_iter()
            .map(|d| ErrorDetail {
                message: d.message.map(clean),
                property: d.property.map(clean),
            })
            .collect(),
        ..api
    };
    match error {
        ErrorCode::InvalidInput(i) => ErrorCode::InvalidInput(InvalidInput {
            message: clean(i.message),
            ..i
        }),
        ErrorCode::Authentication(a) => ErrorCode::Authentication(clean_api(a)),
        ErrorCode::RateLimited(a) => ErrorCode::RateLimited(clean_api(a)),
        ErrorCode::QuotaExceeded(a) => ErrorCode::QuotaExceeded(clean_api(a)),
        ErrorCode::Api(a) => ErrorCode::Api(clean_api(a)),
        ErrorCode::Transport(t) => ErrorCode::Transport(TransportError {
            message: clean(t.message),
            ..t
        }),
        ErrorCode::BatchesFailed(mut report) => {
            for failure in report.batches.iter_mut().filter_map(|b| b.failure.as_mut()) {
                failure.message = clean(std::mem::take(&mut failure.message));
            }
            ErrorCode::BatchesFailed(report)
        }
    }
}
