//! What the simulator answers, and reading a request's body and query the
//! way LINE does.

use crate::line_rules::Problems;
use crate::recorded::Recorded;
use serde_json::{Value, json};
use std::time::Duration;

/// An answer the simulator sends.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Value,
    pub(super) headers: Vec<(&'static str, String)>,
    /// Close the connection instead of answering.
    pub(super) close: bool,
    /// Wait this long before answering.
    pub(super) delay: Option<Duration>,
    /// Bytes and their media type instead of a JSON body (content).
    pub(super) bytes: Option<(&'static str, Vec<u8>)>,
    /// Before answering, send LINE's signed test webhook here and report
    /// how it answered (testWebhookEndpoint).
    pub(super) webhook_test: Option<String>,
}

pub(super) fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        body,
        headers: Vec::new(),
        close: false,
        delay: None,
        bytes: None,
        webhook_test: None,
    }
}

/// LINE's error body: `{"message"}`.
pub(super) fn error(status: u16, message: &str) -> Answer {
    answer(status, json!({"message": message}))
}

/// LINE's 400 for a body with problems: `{"message", "details": [...]}`.
pub(super) fn settle(problems: Problems) -> std::result::Result<(), Answer> {
    problems.into_result().map_err(|body| answer(400, body))
}

pub(super) type Reply = std::result::Result<Answer, Answer>;

/// A POST body: `application/json`, a JSON object.
pub(super) fn json_body(req: &Recorded) -> std::result::Result<Value, Answer> {
    if !req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
    {
        return Err(error(415, "Content-Type must be application/json"));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(body) if body.is_object() => Ok(body),
        _ => Err(error(400, "The request body could not be parsed as JSON")),
    }
}

pub(super) fn query_param(req: &Recorded, name: &str) -> Option<String> {
    let query = req.query.as_deref()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
