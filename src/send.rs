//! One request of an action, sent with its retries: the headers (token,
//! retry key, media type), the attempts within the deadline, and what an
//! answer means (done, retry, refresh the token, fail).

use crate::auth;
use crate::config::Settings;
use crate::error;
use crate::http::{self, Outgoing, Reply, Timeouts};
use crate::redact;
use crate::response::{self, Answer, BatchOf, Sent};
use crate::retry::{self, Resend, Step};
use crate::table::{Answer as AnswerKind, Auth, Endpoint, Host};
use crate::types::ErrorCode;
use base64::Engine as _;
use std::time::{Duration, Instant};

/// The most bytes of one of LINE's answers read (LINE's largest JSON
/// answers are a few kilobytes); a longer answer is a `transport` /
/// `protocol` error.
pub const MAX_ANSWER_BYTES: usize = 4 << 20;

/// The most bytes of content (what a user sent) read; a larger file is a
/// `transport` / `protocol` error.
pub const MAX_CONTENT_BYTES: usize = 32 << 20;

/// Sent as `User-Agent` on every request.
const USER_AGENT: &str = concat!("line-connector/", env!("CARGO_PKG_VERSION"));

/// One request of an action: the whole action, or one batch of it.
pub struct Part {
    /// The batch it carries, for an endpoint that sends in batches.
    pub batch: Option<BatchOf>,
    /// Its retry key, for a send LINE deduplicates.
    pub retry_key: Option<String>,
    /// Its body (empty for none).
    pub body: Vec<u8>,
    /// The body's media type (`Content-Type`), when it has one.
    pub content_type: Option<String>,
    /// Headers from the input (`X-Line-Delivery-Tag`).
    pub headers: Vec<(&'static str, String)>,
}

impl Part {
    /// A request with no body, batch or retry key (a lookup).
    pub fn empty() -> Self {
        Part {
            batch: None,
            retry_key: None,
            body: Vec::new(),
            content_type: None,
            headers: Vec::new(),
        }
    }
}

/// Sends one request (with its retries) and reads LINE's answer.
pub fn send(
    endpoint: &Endpoint,
    settings: &Settings,
    url: &str,
    part: &Part,
    dry_run: bool,
) -> Sent {
    let mut request = Attempts {
        endpoint,
        settings,
        url,
        part,
    };
    let (reply, attempts) = request.run();
    let answer = reply.and_then(|mut reply| {
        let request_id = reply.header("x-line-request-id").unwrap_or_default();
        let accepted_request_id = reply
            .header("x-line-accepted-request-id")
            .filter(|_| reply.status == 409);
        let (body, bytes) = match endpoint.answer {
            AnswerKind::Json => (
                response::parse_body(reply.status, &request_id, &reply.body)?,
                None,
            ),
            AnswerKind::Bytes => {
                let content_type = reply.header("content-type").unwrap_or_default();
                let bytes = std::mem::take(&mut reply.body);
                (
                    serde_json::json!({"contentType": content_type}),
                    Some(bytes),
                )
            }
        };
        Ok(Answer {
            status: reply.status,
            body,
            bytes,
            request_id,
            accepted_request_id,
            retry_key: part.retry_key.clone(),
            attempts,
            dry_run,
        })
    });
    Sent {
        batch: part.batch.clone(),
        attempts,
        answer,
    }
}

/// The URL of `draft`'s request to `endpoint`: its host, path and query.
pub fn url(endpoint: &Endpoint, settings: &Settings, draft: &crate::request::Draft) -> String {
    let base = match endpoint.host {
        Host::Api => settings.api_base,
        Host::Data => settings.data_base,
        Host::Manager => settings.manager_base,
    };
    let mut url = format!("{base}{}", draft.path);
    if !draft.query.is_empty() {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&draft.query)
            .finish();
        url = format!("{url}?{query}");
    }
    url
}

/// One action's request and the attempts at it.
struct Attempts<'a> {
    endpoint: &'a Endpoint,
    settings: &'a Settings<'a>,
    url: &'a str,
    part: &'a Part,
}

impl Attempts<'_> {
    /// Attempts until an answer, a failure no retry helps, the attempt limit
    /// or the deadline; returns the outcome and the number of attempts.
    fn run(&mut self) -> (Result<Reply, ErrorCode>, u32) {
        let deadline = Instant::now() + Duration::from_millis(self.settings.total_timeout_ms);
        let (mut attempts, mut refreshed) = (0, false);
        loop {
            attempts += 1;
            let error = match self.attempt(deadline) {
                Step::Done(reply) => return (Ok(reply), attempts),
                Step::Fail(error) => return (Err(error), attempts),
                // One new token per action, then LINE's 401 stands.
                Step::Refresh(error) if refreshed => return (Err(error), attempts),
                Step::Refresh(_) => {
                    refreshed = true;
                    auth::forget();
                    attempts -= 1;
                    continue;
                }
                Step::Retry(error) => error,
            };
            let delay = retry::delay(self.settings.retry_delay_ms, attempts);
            if attempts >= self.settings.max_attempts || Instant::now() + delay >= deadline {
                return (Err(error), attempts);
            }
            std::thread::sleep(delay);
        }
    }

    /// One attempt, its timeouts cut to what is left before the deadline.
    fn attempt(&mut self, deadline: Instant) -> Step {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .as_millis()
            .max(1) as u64;
        let t = self.settings.timeouts;
        let timeouts = Timeouts {
            connect_ms: t.connect_ms.min(left),
            first_byte_ms: t.first_byte_ms.min(left),
            between_bytes_ms: t.between_bytes_ms.min(left),
        };
        let (authorization, fetched) = match self.authorization(timeouts, deadline) {
            Ok(found) => found,
            Err(step) => return step,
        };
        let mut headers = vec![("user-agent", USER_AGENT.to_owned())];
        headers.extend(authorization.map(|value| ("authorization", value)));
        if let Some(media_type) = &self.part.content_type {
            headers.push(("content-type", media_type.clone()));
        }
        headers.extend(self.part.headers.iter().cloned());
        if let Some(key) = &self.part.retry_key {
            headers.push(("x-line-retry-key", key.to_owned()));
        }
        let out = Outgoing {
            method: self.endpoint.method.name(),
            url: self.url.to_owned(),
            headers,
            body: self.part.body.clone(),
            answer_limit: match self.endpoint.answer {
                AnswerKind::Json => MAX_ANSWER_BYTES,
                AnswerKind::Bytes => MAX_CONTENT_BYTES,
            },
        };
        let resend = self.endpoint.resend;
        match http::send(&out, timeouts, deadline) {
            Ok(reply) => match content(self.endpoint, reply) {
                Ok(reply) => judge_reply(reply, resend, fetched),
                Err(error) => Step::Fail(error),
            },
            Err(failure) if matches!(&failure.error, ErrorCode::Transport(t) if t.kind == crate::types::TransportKind::Denied) => {
                Step::Fail(failure.error)
            }
            // The same server sends the same oversized answer again.
            Err(failure) if !failure.retry_helps => Step::Fail(failure.error),
            Err(failure) if !failure.may_have_reached || resend != Resend::Once => {
                Step::Retry(failure.error)
            }
            Err(failure) => Step::Fail(failure.error),
        }
    }
}

impl Attempts<'_> {
    /// The `Authorization` header the endpoint takes (none for LINE's
    /// token endpoints, whose credentials are in the body), and whether it
    /// carries a token fetched earlier (which LINE may have expired).
    fn authorization(
        &self,
        timeouts: Timeouts,
        deadline: Instant,
    ) -> Result<(Option<String>, bool), Step> {
        let credentials = &self.settings.credentials;
        match self.endpoint.auth {
            Auth::Fields(_) => Ok((None, false)),
            Auth::Basic => {
                let (id, secret) = credentials
                    .id_and_secret(
                        "attaching a module authenticates with the module channel's id and secret",
                    )
                    .map_err(Step::Fail)?;
                let pair =
                    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
                redact::add(&pair);
                Ok((Some(format!("Basic {pair}")), false))
            }
            Auth::Bearer => {
                let bearer = credentials.bearer(timeouts, deadline)?;
                redact::add(&bearer.token);
                Ok((Some(format!("Bearer {}", bearer.token)), bearer.fetched))
            }
        }
    }
}

/// A reply cleaned of echoed secrets; content's bytes are kept as LINE sent
/// them, and refused if they hold a secret (a server echoing the token into
/// a "file" is not LINE).
fn content(endpoint: &Endpoint, reply: Reply) -> Result<Reply, ErrorCode> {
    let bytes = endpoint.answer == AnswerKind::Bytes && (200..300).contains(&reply.status);
    if !bytes {
        return Ok(reply.redacted());
    }
    if redact::found_in(&reply.body) {
        return Err(error::transport(
            crate::types::TransportKind::Protocol,
            "the content holds the access token or channel secret; it is not returned",
        ));
    }
    Ok(reply)
}

/// What an answer means for the action.
fn judge_reply(reply: Reply, resend: Resend, fetched_token: bool) -> Step {
    let accepted_before =
        reply.status == 409 && reply.header("x-line-accepted-request-id").is_some();
    if (200..300).contains(&reply.status) || (accepted_before && resend == Resend::RetryKey) {
        return Step::Done(reply);
    }
    let error = error::from_answer(reply.status, reply.header("x-line-request-id"), &reply.body);
    match error {
        ErrorCode::Authentication(_) if fetched_token => Step::Refresh(error),
        ErrorCode::RateLimited(_) => Step::Retry(error),
        ErrorCode::Api(_) if reply.status >= 500 && resend != Resend::Once => Step::Retry(error),
        _ => Step::Fail(error),
    }
}
