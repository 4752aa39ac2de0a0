//! How LINE's answers become the output record, for every operation alike:
//! LINE's JSON (camelCase) is read into the record by its field names
//! (snake_case in Rust), beside what the connector adds (`requestId`,
//! `retryKey`, `acceptedRequestId`, `attempts`, `dryRun`, `batches`,
//! `polls`; a record without such a field ignores it). A batched send's
//! answers are merged into one, or into a `batches-failed` error.

use crate::error;
use crate::names::snake_case;
use crate::table::Poll;
use crate::types::{ApiError, Batch, BatchReport, ErrorCode};
use serde_json::{Map, Value, json};

/// A successful answer from LINE.
pub struct Answer {
    /// The HTTP status (2xx).
    pub status: u16,
    /// `x-line-request-id` (empty if LINE sent none).
    pub request_id: String,
    /// The JSON body (`{}` when LINE sent no body; for content, its
    /// `contentType`).
    pub body: Value,
    /// For content: its bytes, kept out of the JSON.
    pub bytes: Option<Vec<u8>>,
    /// `x-line-accepted-request-id` of a 409: the send was accepted before.
    pub accepted_request_id: Option<String>,
    /// The retry key sent, if the endpoint takes one.
    pub retry_key: Option<String>,
    /// How many attempts it took.
    pub attempts: u32,
    /// Whether only the messages were validated (`dryRun`).
    pub dry_run: bool,
}

/// Which batch of an action's list a request carried.
#[derive(Clone, Debug)]
pub struct BatchOf {
    /// Its position, from 0.
    pub index: u32,
    /// How many items (recipients) it holds.
    pub recipients: u32,
    /// Its retry key.
    pub retry_key: String,
}

/// One request of an action and what came of it.
pub struct Sent {
    /// The batch it carried, for an endpoint that sends in batches.
    pub batch: Option<BatchOf>,
    /// How many HTTP attempts it took.
    pub attempts: u32,
    /// LINE's answer, or why there is none.
    pub answer: Result<Answer, ErrorCode>,
}

/// The action's outcome as the output record's fields (snake_case), before
/// it is read into the record.
pub struct Merged {
    /// The fields.
    pub fields: Map<String, Value>,
    /// The answer's status and request id, for an error about it.
    pub status: u16,
    /// `x-line-request-id`.
    pub request_id: String,
    /// For content: its bytes.
    pub bytes: Option<Vec<u8>>,
}

/// Merges every request of the action: for all but the batched sends,
/// exactly one. A batched send succeeds when every batch did, fails as its
/// one batch did, or fails with `batches-failed`.
pub fn merge(sent: Vec<Sent>) -> Result<Merged, ErrorCode> {
    let (mut batches, mut first, mut failed) = (Vec::new(), None, None);
    for Sent {
        batch,
        attempts,
        answer,
    } in sent
    {
        let Some(of) = batch else {
            return fields(answer?, Vec::new());
        };
        batches.push(batch_outcome(of, attempts, &answer));
        match answer {
            Ok(answer) => drop(first.get_or_insert(answer)),
            Err(error) => drop(failed.get_or_insert(error)),
        }
    }
    match (failed, first) {
        (None, Some(mut first)) => {
            first.attempts = batches.iter().map(|b| b.attempts).sum();
            fields(first, batches)
        }
        (Some(error), _) if batches.len() == 1 => Err(error),
        _ => Err(ErrorCode::BatchesFailed(BatchReport {
            retry_key: batches
                .first()
                .map(|b| b.retry_key.clone())
                .unwrap_or_default(),
            batches,
        })),
    }
}

/// Whether the answer is final for an operation that `poll`s (a
/// narrowcast that ended); any other answer is.
pub fn is_final(poll: Option<&Poll>, merged: &Merged) -> bool {
    poll.is_none_or(|poll| {
        let mut path = poll.field.split('.').map(snake_case);
        let first = path.next().and_then(|key| merged.fields.get(&key));
        let value = path.fold(first, |value, key| value.and_then(|v| v.get(&key)));
        value
            .and_then(Value::as_str)
            .is_some_and(|v| poll.until.contains(&v))
    })
}

/// The merged answer as the output record takes it, having asked LINE
/// `polls` times: `polls` added, and the `lists` LINE left out (or sent as
/// null) empty.
pub fn finished(mut merged: Merged, polls: u32, lists: &[&str]) -> Merged {
    merged.fields.insert("polls".into(), polls.into());
    for list in lists {
        let field = merged.fields.entry(*list).or_insert_with(|| json!([]));
        if field.is_null() {
            *field = json!([]);
        }
    }
    merged
}

/// The output record's fields from a [`finished`] answer: checked against
/// the record (what LINE's reference promises), its bytes beside.
pub fn output(
    merged: Merged,
    action: &crate::abi::Action,
) -> Result<crate::abi::Output, ErrorCode> {
    let Merged {
        fields,
        status,
        request_id,
        bytes,
    } = merged;
    let fields = crate::abi::conform(action.output, Value::Object(fields), "")
        .map_err(|e| unexpected(status, request_id, &e))?;
    Ok(crate::abi::Output { fields, bytes })
}

/// LINE's answer did not fit the output record.
fn unexpected(status: u16, request_id: String, error: &str) -> ErrorCode {
    ErrorCode::Api(ApiError {
        status,
        message: format!(
            "LINE's answer does not have what its reference promises: {}",
            crate::redact::quote(error)
        ),
        details: Vec::new(),
        request_id: Some(request_id),
    })
}

/// LINE's fields and the connector's, for one answer.
fn fields(answer: Answer, batches: Vec<Batch>) -> Result<Merged, ErrorCode> {
    let Value::Object(body) = snake_keys(answer.body) else {
        let mut api = error::api_error(answer.status, Some(answer.request_id), b"");
        api.message = "LINE's answer is not a JSON object".into();
        return Err(ErrorCode::Api(api));
    };
    let mut fields = body;
    let added = json!({
        "request_id": answer.request_id,
        "retry_key": answer.retry_key,
        "accepted_request_id": answer.accepted_request_id,
        "attempts": answer.attempts,
        "dry_run": answer.dry_run,
        "batches": serde_json::to_value(batches).unwrap_or_default(),
    });
    if let Value::Object(added) = added {
        fields.extend(added.into_iter().filter(|(_, v)| !v.is_null()));
    }
    Ok(Merged {
        fields,
        status: answer.status,
        request_id: answer.request_id,
        bytes: answer.bytes,
    })
}

/// Rust's field names as LINE's camelCase keys, at every level; `null`s
/// (absent options) left out.
pub fn camel_keys(value: Value) -> Value {
    keys_as(value, &|k| crate::names::camel_case(&k))
}

/// Rust's field names kept (LINE's snake_case), at every level; `null`s
/// (absent options) left out.
pub fn snake_output(value: Value) -> Value {
    keys_as(value, &|k| k)
}

fn keys_as(value: Value, name: &dyn Fn(String) -> String) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (name(k), keys_as(v, name)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| keys_as(v, name)).collect()),
        other => other,
    }
}

/// LINE's camelCase keys as Rust's field names, at every level.
pub fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(k, v)| (snake_case(&k), snake_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        other => other,
    }
}

fn batch_outcome(of: BatchOf, attempts: u32, answer: &Result<Answer, ErrorCode>) -> Batch {
    let ok = answer.as_ref().ok();
    Batch {
        index: of.index,
        recipients: of.recipients,
        retry_key: of.retry_key,
        request_id: ok.map(|a| a.request_id.clone()),
        accepted_request_id: ok.and_then(|a| a.accepted_request_id.clone()),
        attempts,
        failure: answer.as_ref().err().map(error::brief),
    }
}

/// Parses a 2xx body: empty means `{}`; anything else must be JSON, whose
/// strings are then [cleaned](crate::redact::value) of secrets.
pub fn parse_body(status: u16, request_id: &str, body: &[u8]) -> Result<Value, ErrorCode> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let mut value = serde_json::from_slice(body).map_err(|e| {
        let mut api = error::api_error(status, Some(request_id.to_owned()), b"");
        api.message = format!("LINE's answer is not JSON: {e}");
        ErrorCode::Api(api)
    })?;
    crate::redact::value(&mut value);
    Ok(value)
}
