//! Running an action: check the input and config, then attempt the request
//! (retrying as [`retry`](crate::retry) allows) and map LINE's answer.

use crate::auth;
use crate::config::Settings;
use crate::error::{self, invalid};
use crate::http::{self, Outgoing, Reply, Timeouts};
use crate::redact;
use crate::request::{self, Draft};
use crate::response::{self, Answer, BatchOf, Output, Sent};
use crate::retry::{self, Resend, Step};
use crate::table::{Answer as AnswerKind, Body, Endpoint, Host, Pages};
use crate::types::{Config, ErrorCode, NotAFriend};
use crate::validate::MAX_BODY_BYTES;
use serde::Serialize;
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

/// Runs `endpoint` with `input`. Everything is checked before the first
/// byte is sent, so an `invalid-input` error means nothing left; no result
/// or error carries the channel secret or a token ([`redact`]).
pub fn run<Res: Output>(
    endpoint: &Endpoint,
    config: &Config,
    input: &impl Serialize,
) -> Result<Res, ErrorCode> {
    let secrets = [&config.channel_access_token, &config.client_secret];
    redact::begin(secrets.into_iter().flatten().map(String::as_str));
    checked(endpoint, config, input).map_err(redact::error)
}

/// Checks the input and the config, builds every request, then sends them,
/// and again at growing intervals while LINE's answer is not final and the
/// input's `waitSeconds` allows.
fn checked<Res: Output>(
    endpoint: &Endpoint,
    config: &Config,
    input: &impl Serialize,
) -> Result<Res, ErrorCode> {
    let mut draft = request::draft(endpoint, input)?;
    let settings = Settings::from_config(config)?;
    let endpoint = match endpoint.dry_run.filter(|_| draft.dry_run) {
        Some(validate) => {
            draft.body.retain(|field, _| field == "messages");
            draft.path = validate.path.to_owned();
            validate
        }
        None => endpoint,
    };
    if draft.require_friend && !draft.dry_run {
        friend(&settings, &draft)?;
    }
    let retry_key = (endpoint.resend == Resend::RetryKey)
        .then(|| draft.retry_key.take().unwrap_or_else(retry::new_key));
    // Every request is built (and checked) before the first is sent.
    let parts = parts(endpoint, &draft, retry_key.as_deref())?;
    let url = url(endpoint, &settings, &draft);
    let deadline = Instant::now() + draft.wait;
    let mut polls = 0;
    loop {
        polls += 1;
        let sent = parts
            .iter()
            .map(|part| send(endpoint, &settings, &url, part, draft.dry_run))
            .collect();
        let mut merged = response::merge(sent)?;
        if let Some(pages) = endpoint.pages {
            merged = read_on(endpoint, &settings, &mut draft, &parts[0], pages, merged)?;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if response::is_final(endpoint.poll.as_ref(), &merged) || left.is_zero() {
            return response::record(merged, polls);
        }
        std::thread::sleep(retry::poll_interval(polls).min(left));
    }
}

/// Checks that the user in `to` is a friend, by LINE's profile lookup
/// (`getProfile`): a 404 is `not-a-friend`, and the send does not happen.
fn friend(settings: &Settings, draft: &Draft) -> Result<(), ErrorCode> {
    let to = draft
        .body
        .get("to")
        .and_then(|t| t.as_str())
        .unwrap_or_default();
    if !to.starts_with('U') {
        return Err(invalid(
            "requireFriend",
            "applies only to a user id in `to`",
        ));
    }
    let lookup = &crate::table::GET_PROFILE;
    let profile = Draft {
        path: lookup.path.replace("{userId}", to),
        ..Draft::default()
    };
    let url = url(lookup, settings, &profile);
    let part = Part {
        batch: None,
        retry_key: None,
        body: Vec::new(),
    };
    match send(lookup, settings, &url, &part, false).answer {
        Ok(_) => Ok(()),
        Err(ErrorCode::Api(api)) if api.status == 404 => Err(ErrorCode::NotAFriend(NotAFriend {
            user_id: to.to_owned(),
            request_id: api.request_id,
        })),
        Err(error) => Err(error),
    }
}

/// Reads the pages after the first of a paged list, following LINE's
/// `next` (sent as `start`), until there is none, `draft.pages` pages were
/// read, or `totalTimeoutMs` has passed since the first; the lists are
/// joined, `next` says where to go on, and `pages` how many were read.
fn read_on(
    endpoint: &Endpoint,
    settings: &Settings,
    draft: &mut Draft,
    part: &Part,
    pages: Pages,
    mut merged: response::Merged,
) -> Result<response::Merged, ErrorCode> {
    let deadline = Instant::now() + Duration::from_millis(settings.total_timeout_ms);
    let list = crate::names::snake_case(pages.list);
    let mut read = 1;
    while let Some(next) = merged.fields.get("next").and_then(|n| n.as_str()) {
        let left = deadline.saturating_duration_since(Instant::now());
        if read >= draft.pages || left.is_zero() {
            break;
        }
        draft.query.retain(|(name, _)| name != "start");
        draft.query.push(("start".into(), next.to_owned()));
        let page_settings = Settings {
            total_timeout_ms: u64::try_from(left.as_millis()).unwrap_or(u64::MAX),
            ..settings.clone()
        };
        let url = url(endpoint, &page_settings, draft);
        let mut page = response::merge(vec![send(endpoint, &page_settings, &url, part, false)])?;
        let items = page.fields.remove(&list);
        if let (Some(serde_json::Value::Array(all)), Some(serde_json::Value::Array(more))) =
            (merged.fields.get_mut(&list), items)
        {
            all.extend(more);
        }
        for key in ["next", "request_id"] {
            match page.fields.remove(key) {
                Some(value) => merged.fields.insert(key.into(), value),
                None => merged.fields.remove(key),
            };
        }
        read += 1;
    }
    merged.fields.insert("pages".into(), read.into());
    Ok(merged)
}

/// One request of an action: the whole action, or one batch of it.
struct Part {
    batch: Option<BatchOf>,
    retry_key: Option<String>,
    body: Vec<u8>,
}

/// The requests for `draft`: one, or one per batch where the endpoint
/// splits a list field into batches.
fn parts(endpoint: &Endpoint, draft: &Draft, key: Option<&str>) -> Result<Vec<Part>, ErrorCode> {
    let list = endpoint.batch.and_then(|(field, size)| {
        let items = draft.body.get(field)?.as_array()?;
        Some((field, items.chunks(size)))
    });
    let Some((field, chunks)) = list else {
        let body = match endpoint.body {
            Body::Json => json_body(&draft.body)?,
            Body::None => Vec::new(),
        };
        return Ok(vec![Part {
            batch: None,
            retry_key: key.map(str::to_owned),
            body,
        }]);
    };
    // Every batch is the rest of the body with its own slice of the list:
    // the rest is copied once per batch, the list once in all.
    let rest: serde_json::Map<String, serde_json::Value> = draft
        .body
        .iter()
        .filter(|(key, _)| key.as_str() != field)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    chunks
        .enumerate()
        .map(|(index, chunk)| {
            let mut body = rest.clone();
            body.insert(field.to_owned(), chunk.to_vec().into());
            let retry_key = key.map(|key| retry::batch_key(key, index));
            Ok(Part {
                batch: Some(BatchOf {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    recipients: u32::try_from(chunk.len()).unwrap_or(u32::MAX),
                    retry_key: retry_key.clone().unwrap_or_default(),
                }),
                retry_key,
                body: json_body(&body)?,
            })
        })
        .collect()
}

/// Sends one request (with its retries) and reads LINE's answer.
fn send(endpoint: &Endpoint, settings: &Settings, url: &str, part: &Part, dry_run: bool) -> Sent {
    let mut request = Attempts {
        endpoint,
        settings,
        url,
        body: &part.body,
        retry_key: part.retry_key.as_deref(),
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

fn json_body(body: &serde_json::Map<String, serde_json::Value>) -> Result<Vec<u8>, ErrorCode> {
    let mut bytes = serde_json::to_vec(body).map_err(|e| invalid("input", e.to_string()))?;
    // A batched send holds every batch's body at once: no spare capacity.
    bytes.shrink_to_fit();
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

fn url(endpoint: &Endpoint, settings: &Settings, draft: &Draft) -> String {
    let base = match endpoint.host {
        Host::Api => settings.api_base,
        Host::Data => settings.data_base,
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
    body: &'a [u8],
    retry_key: Option<&'a str>,
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
        let bearer = match self.settings.credentials.bearer(timeouts, deadline) {
            Ok(bearer) => bearer,
            Err(step) => return step,
        };
        redact::add(&bearer.token);
        let mut headers = vec![
            ("user-agent", USER_AGENT.to_owned()),
            ("authorization", format!("Bearer {}", bearer.token)),
        ];
        if self.endpoint.body == Body::Json {
            headers.push(("content-type", "application/json".to_owned()));
        }
        if let Some(key) = self.retry_key {
            headers.push(("x-line-retry-key", key.to_owned()));
        }
        let out = Outgoing {
            method: self.endpoint.method.name(),
            url: self.url.to_owned(),
            headers,
            body: self.body.to_vec(),
            answer_limit: match self.endpoint.answer {
                AnswerKind::Json => MAX_ANSWER_BYTES,
                AnswerKind::Bytes => MAX_CONTENT_BYTES,
            },
        };
        let resend = self.endpoint.resend;
        match http::send(&out, timeouts, deadline) {
            Ok(reply) => match content(self.endpoint, reply) {
                Ok(reply) => judge_reply(reply, resend, bearer.fetched),
                Err(error) => Step::Fail(error),
            },
            Err(failure) if matches!(&failure.error, ErrorCode::Transport(t) if t.kind == crate::types::TransportKind::Denied) => {
                Step::Fail(failure.error)
            }
            Err(failure) if !failure.may_have_reached || resend != Resend::Once => {
                Step::Retry(failure.error)
            }
            Err(failure) => Step::Fail(failure.error),
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
