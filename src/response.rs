//! How LINE's successful answers become response records.

use crate::actions::*;
use crate::error;
use serde_json::Value;

/// A successful answer from LINE.
pub struct Answer {
    /// The HTTP status (2xx).
    pub status: u16,
    /// `x-line-request-id` (empty if LINE sent none).
    pub request_id: String,
    /// The JSON body (`{}` when LINE sent no body).
    pub body: Value,
    /// `x-line-accepted-request-id` of a 409: the send was accepted before.
    pub accepted_request_id: Option<String>,
    /// The retry key sent, if the endpoint takes one.
    pub retry_key: Option<String>,
    /// How many attempts it took.
    pub attempts: u32,
    /// Whether only the messages were validated (`dryRun`).
    pub dry_run: bool,
}

impl Answer {
    /// A required string field.
    pub fn str(&self, key: &str) -> Result<String, ErrorCode> {
        self.opt_str(key).ok_or_else(|| self.missing(key))
    }

    /// An optional string field.
    pub fn opt_str(&self, key: &str) -> Option<String> {
        self.body
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// A required integer field.
    pub fn int(&self, key: &str) -> Result<i64, ErrorCode> {
        self.opt_int(key).ok_or_else(|| self.missing(key))
    }

    /// An optional integer field.
    pub fn opt_int(&self, key: &str) -> Option<i64> {
        self.body.get(key).and_then(Value::as_i64)
    }

    /// The error for an answer that lacks what LINE's reference promises.
    fn missing(&self, key: &str) -> ErrorCode {
        ErrorCode::Api(ApiError {
            status: self.status,
            message: format!("LINE's answer has no valid `{key}`"),
            details: Vec::new(),
            request_id: Some(self.request_id.clone()),
        })
    }
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

/// A response record built from LINE's answer.
pub trait FromLine: Sized {
    /// Reads the record from a successful answer.
    fn from_line(answer: Answer) -> Result<Self, ErrorCode>;

    /// Reads the record from every request of the action: for all but the
    /// batched sends, exactly one.
    fn from_answers(sent: Vec<Sent>) -> Result<Self, ErrorCode> {
        let first = sent.into_iter().next().expect("an action sends a request");
        Self::from_line(first.answer?)
    }

    /// Whether LINE's answer is final (a narrowcast that ended); an action
    /// given time to wait asks again until it is.
    fn is_final(&self) -> bool {
        true
    }

    /// Notes how many times LINE was asked.
    fn set_polls(&mut self, _polls: u32) {}
}

impl FromLine for AckResponse {
    fn from_line(answer: Answer) -> Result<Self, ErrorCode> {
        Ok(AckResponse {
            request_id: answer.request_id,
        })
    }
}

impl FromLine for SendResponse {
    fn from_line(answer: Answer) -> Result<Self, ErrorCode> {
        let sent = answer.body.get("sentMessages").and_then(Value::as_array);
        let sent_messages = sent
            .into_iter()
            .flatten()
            .map(|m| SentMessage {
                id: m
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                quote_token: m
                    .get("quoteToken")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
            .collect();
        Ok(SendResponse {
            request_id: answer.request_id,
            sent_messages,
            retry_key: answer.retry_key,
            accepted_request_id: answer.accepted_request_id,
            attempts: answer.attempts,
            dry_run: answer.dry_run,
            batches: Vec::new(),
        })
    }

    /// A batched send (multicast) lists every batch; it succeeds when all
    /// did, fails as its one batch did, or fails with `batches-failed`.
    fn from_answers(sent: Vec<Sent>) -> Result<Self, ErrorCode> {
        let (mut batches, mut first, mut failed) = (Vec::new(), None, None);
        for Sent {
            batch,
            attempts,
            answer,
        } in sent
        {
            let Some(of) = batch else {
                return Self::from_line(answer?);
            };
            batches.push(batch_outcome(of, attempts, &answer));
            match answer {
                Ok(answer) => drop(first.get_or_insert(answer)),
                Err(error) => drop(failed.get_or_insert(error)),
            }
        }
        match (failed, first) {
            (None, Some(first)) => {
                let mut response = Self::from_line(first)?;
                response.attempts = batches.iter().map(|b| b.attempts).sum();
                response.batches = batches;
                Ok(response)
            }
            (Some(error), _) if batches.len() == 1 => Err(error),
            _ => Err(ErrorCode::BatchesFailed(BatchReport {
                retry_key: batches[0].retry_key.clone(),
                batches,
            })),
        }
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

impl FromLine for NarrowcastProgressResponse {
    fn from_line(answer: Answer) -> Result<Self, ErrorCode> {
        Ok(NarrowcastProgressResponse {
            phase: answer.str("phase")?,
            success_count: answer.opt_int("successCount"),
            failure_count: answer.opt_int("failureCount"),
            target_count: answer.opt_int("targetCount"),
            failed_description: answer.opt_str("failedDescription"),
            error_code: answer.opt_int("errorCode"),
            accepted_time: answer.str("acceptedTime")?,
            completed_time: answer.opt_str("completedTime"),
            request_id: answer.request_id,
            polls: 1,
        })
    }

    fn is_final(&self) -> bool {
        matches!(self.phase.as_str(), "succeeded" | "failed")
    }

    fn set_polls(&mut self, polls: u32) {
        self.polls = polls;
    }
}

impl FromLine for QuotaResponse {
    fn from_line(answer: Answer) -> Result<Self, ErrorCode> {
        Ok(QuotaResponse {
            type_: answer.str("type")?,
            value: answer.opt_int("value"),
            request_id: answer.request_id,
        })
    }
}

impl FromLine for QuotaConsumptionResponse {
    fn from_line(answer: Answer) -> Result<Self, ErrorCode> {
        Ok(QuotaConsumptionResponse {
            total_usage: answer.int("totalUsage")?,
            request_id: answer.request_id,
        })
    }
}

impl FromLine for DeliveryResponse {
    fn from_line(answer: Answer) -> Result<Self, ErrorCode> {
        Ok(DeliveryResponse {
            status: answer.str("status")?,
            success: answer.opt_int("success"),
            request_id: answer.request_id,
        })
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
