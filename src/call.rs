//! Running an action: check the input and config, build every request,
//! then send them ([`send`](crate::send)), following pages, batches and
//! polls, and read LINE's answers into the result.

use crate::bindings::wasi::random::random::get_random_u64;
use crate::config::Settings;
use crate::error::invalid;
use crate::image::{self, Image};
use crate::lookup;
use crate::multipart;
use crate::oauth;
use crate::redact;
use crate::request::{self, Draft};
use crate::response::{self, BatchOf};
use crate::retry::{self, Resend};
use crate::send::{Part, send, url};
use crate::table::{Body, Endpoint, Pages, Paging};
use crate::types::{Config, ErrorCode};
use crate::validate::{self, MAX_BODY_BYTES};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The media type of a JSON body.
const JSON: &str = "application/json";

/// The media type of a form body (LINE's token endpoints).
const FORM: &str = "application/x-www-form-urlencoded";

/// Runs the action of table row `row` with the input's JSON `fields`
/// (Rust's names, absent options `null`) and its byte list. Everything is
/// checked before the first byte is sent, so an `invalid-input` error means
/// nothing left; no result or error carries the channel secret or a token
/// ([`redact`]). LINE's answer comes back checked against the output
/// record ([`crate::abi::conform`]).
pub fn run(
    row: usize,
    config: &Config,
    fields: serde_json::Map<String, Value>,
    bytes: Vec<u8>,
) -> Result<crate::abi::Output, ErrorCode> {
    let action = &crate::abi::ACTIONS[row];
    let kind = Kind {
        bytes: action.input_bytes,
        snake_case: action.input_snake_case,
        lists: action.lists,
    };
    let merged = by_fields(crate::table::ALL[row], config, fields, kind, bytes)?;
    response::output(merged, action).map_err(redact::error)
}

/// What [`by_fields`] needs to know of an action's records.
struct Kind {
    /// The input's byte list field, if it has one.
    bytes: Option<&'static str>,
    /// Whether the input keeps LINE's snake_case names.
    snake_case: bool,
    /// The output's list fields, which LINE leaves out when empty.
    lists: &'static [&'static str],
}

/// [`run`] with the input as its JSON fields: LINE's merged answer, ready
/// for the output record.
fn by_fields(
    endpoint: &'static Endpoint,
    config: &Config,
    fields: serde_json::Map<String, Value>,
    kind: Kind,
    bytes: Vec<u8>,
) -> Result<response::Merged, ErrorCode> {
    let secrets = [
        &config.channel_access_token,
        &config.client_secret,
        &config.assertion_private_key,
        &config.channel_secret,
    ];
    redact::begin(secrets.into_iter().flatten().map(String::as_str));
    // The key's private members alone, should a server echo one.
    let key = config.assertion_private_key.as_deref().unwrap_or_default();
    crate::jwt::private_parts(key)
        .iter()
        .for_each(|part| redact::add(part));
    checked(endpoint, config, fields, &kind, bytes).map_err(redact::error)
}

/// Checks the input and the config, builds every request, then sends them,
/// and again at growing intervals while LINE's answer is not final and the
/// input's `waitSeconds` allows.
fn checked(
    endpoint: &'static Endpoint,
    config: &Config,
    fields: serde_json::Map<String, Value>,
    kind: &Kind,
    bytes: Vec<u8>,
) -> Result<response::Merged, ErrorCode> {
    let mut draft = request::draft(endpoint, fields, kind.bytes, kind.snake_case)?;
    let (endpoint, mut bytes) = by_file(endpoint, &mut draft, bytes);
    let image = uploaded(endpoint, &draft, kind, &mut bytes)?;
    let settings = Settings::from_config(config)?;
    oauth::fill(endpoint, &settings, &mut draft)?;
    let endpoint = match endpoint.dry_run.filter(|_| draft.dry_run) {
        Some(validate) => {
            draft.body.retain(|field, _| field == "messages");
            draft.path = validate.path.to_owned();
            validate
        }
        None => endpoint,
    };
    // One deadline for the whole action: the lookups before a send and
    // every page share `totalTimeoutMs` (only `waitSeconds` extends it).
    let deadline = Instant::now() + Duration::from_millis(settings.total_timeout_ms);
    if draft.require_friend && !draft.dry_run {
        lookup::friend(&within(&settings, deadline)?, &draft)?;
    }
    if let Some(image) = &image {
        lookup::image_fits_menu(&within(&settings, deadline)?, &draft, image)?;
    }
    let retry_key = (endpoint.resend == Resend::RetryKey)
        .then(|| draft.retry_key.take().unwrap_or_else(retry::new_key));
    // Every request is built (and checked) before the first is sent.
    let parts = parts(endpoint, &draft, retry_key.as_deref(), image, bytes)?;
    until_final(endpoint, &settings, deadline, &mut draft, &parts, kind)
}

/// `settings` with `totalTimeoutMs` cut to what is left before `deadline`;
/// a `transport` / `timeout` error when nothing is left.
fn within<'a>(settings: &Settings<'a>, deadline: Instant) -> Result<Settings<'a>, ErrorCode> {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .as_millis();
    match u64::try_from(left).unwrap_or(u64::MAX) {
        0 => Err(crate::error::transport(
            crate::types::TransportKind::Timeout,
            "totalTimeoutMs passed before the action's next request",
        )),
        left => Ok(Settings {
            total_timeout_ms: left,
            ..settings.clone()
        }),
    }
}

/// The bytes an upload carries, checked by their endpoint's rules: a rich
/// menu's image (returned, its bytes taken), or a file of audience ids.
fn uploaded(
    endpoint: &Endpoint,
    draft: &Draft,
    kind: &Kind,
    bytes: &mut Vec<u8>,
) -> Result<Option<Image>, ErrorCode> {
    match endpoint.body {
        Body::Image => Ok(Some(image::checked(
            kind.bytes.unwrap_or("image"),
            std::mem::take(bytes),
        )?)),
        Body::Multipart => {
            let ifa = draft.body.get("isIfaAudience") == Some(&Value::Bool(true));
            validate::ids_file(kind.bytes.unwrap_or("file"), bytes, ifa)?;
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// Sends the requests, and again at growing intervals while LINE's answer
/// is not final and the input's `waitSeconds` allows; a paged list is read
/// on page by page.
fn until_final(
    endpoint: &'static Endpoint,
    settings: &Settings,
    deadline: Instant,
    draft: &mut Draft,
    parts: &[Part],
    kind: &Kind,
) -> Result<response::Merged, ErrorCode> {
    let url = url(endpoint, settings, draft);
    let waited = Instant::now() + draft.wait;
    let mut polls = 0;
    loop {
        polls += 1;
        // A poll after the first (within `waitSeconds`) gets a deadline of its own.
        let deadline = match polls {
            1 => deadline,
            _ => Instant::now() + Duration::from_millis(settings.total_timeout_ms),
        };
        let this = within(settings, deadline)?;
        let sent = parts
            .iter()
            .map(|part| send(endpoint, &this, &url, part, draft.dry_run))
            .collect();
        let mut merged = response::merge(sent)?;
        if endpoint.connection_test {
            connection_facts(settings, &mut merged);
        }
        if let Some(pages) = endpoint.pages {
            merged = read_on(
                endpoint, settings, deadline, draft, &parts[0], pages, merged,
            )?;
        }
        let left = waited.saturating_duration_since(Instant::now());
        if response::is_final(endpoint.poll.as_ref(), &merged) || left.is_zero() {
            return Ok(response::finished(merged, polls, kind.lists));
        }
        std::thread::sleep(retry::poll_interval(polls).min(left));
    }
}

/// What the connection test adds to the bot's account: how the config
/// authenticated, and when a fetched token expires.
fn connection_facts(settings: &Settings, merged: &mut response::Merged) {
    merged
        .fields
        .insert("auth_mode".into(), settings.credentials.mode().into());
    let expires_in = crate::auth::fetched_expires_in().filter(|_| !settings.credentials.is_given());
    merged
        .fields
        .insert("token_expires_in".into(), expires_in.into());
}

/// An upload of more ids than LINE's JSON upload takes, switched to its
/// file upload (the table's `by_file`): the ids become the file, one a
/// line; the other fields go along as the form's parts.
fn by_file(
    endpoint: &'static Endpoint,
    draft: &mut Draft,
    bytes: Vec<u8>,
) -> (&'static Endpoint, Vec<u8>) {
    let Some((file_endpoint, above)) = endpoint.by_file else {
        return (endpoint, bytes);
    };
    let count = draft
        .body
        .get("audiences")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if count <= above {
        return (endpoint, bytes);
    }
    let audiences = draft.body.remove("audiences").unwrap_or_default();
    let mut file = Vec::with_capacity(count * 34);
    for audience in audiences.as_array().into_iter().flatten() {
        file.extend_from_slice(audience["id"].as_str().unwrap_or_default().as_bytes());
        file.push(b'\n');
    }
    draft.path = file_endpoint.path.to_owned();
    (file_endpoint, file)
}

/// The most a paged read keeps, in bytes of LINE's JSON (its lists'
/// strings and numbers as text): well inside the instance's memory, which
/// also holds the record the lists become.
pub const MAX_PAGED_BYTES: usize = 8 << 20;

/// Reads the pages after the first of a paged list, following LINE's
/// `next` (sent as `start`) or `hasNextPage` (the next `page`), until there
/// is none, `draft.pages` pages were read, the lists hold
/// [`MAX_PAGED_BYTES`], or the action's `deadline` has passed (a page cut
/// off by it is not an error: the pages read are the result). The lists
/// are joined, the rest of the answer is the last page's (`next` says
/// where to go on), `pages` says how many were read and `stopped` why the
/// read ended before the list's end.
fn read_on(
    endpoint: &Endpoint,
    settings: &Settings,
    deadline: Instant,
    draft: &mut Draft,
    part: &Part,
    pages: Pages,
    mut merged: response::Merged,
) -> Result<response::Merged, ErrorCode> {
    let list = crate::names::snake_case(pages.list);
    let mut read = 1;
    let mut held = merged.fields.get(&list).map_or(0, text_bytes);
    let mut stopped = None;
    while let Some((key, value)) = next_page(pages.by, &merged, draft) {
        if read >= draft.pages {
            stopped = Some("max-pages");
            break;
        }
        if held >= MAX_PAGED_BYTES {
            stopped = Some("size");
            break;
        }
        let Ok(page_settings) = within(settings, deadline) else {
            stopped = Some("deadline");
            break;
        };
        draft.query.retain(|(name, _)| name != key);
        draft.query.push((key.into(), value));
        let url = url(endpoint, &page_settings, draft);
        let mut page =
            match response::merge(vec![send(endpoint, &page_settings, &url, part, false)]) {
                Ok(page) => page,
                Err(ErrorCode::Transport(t)) if t.kind == crate::types::TransportKind::Timeout => {
                    stopped = Some("deadline");
                    break;
                }
                Err(error) => return Err(error),
            };
        let items = page.fields.remove(&list);
        held += items.as_ref().map_or(0, text_bytes);
        if let (Some(Value::Array(all)), Some(Value::Array(more))) =
            (merged.fields.get_mut(&list), items)
        {
            all.extend(more);
        }
        merged.fields.remove("next");
        merged.fields.extend(page.fields);
        read += 1;
    }
    merged.fields.insert("pages".into(), read.into());
    if let Some(why) = stopped {
        merged.fields.insert("stopped".into(), why.into());
    }
    Ok(merged)
}

/// About how many bytes `value` is as JSON text: its strings' and numbers'
/// text and a few bytes of punctuation per item (counted, not written).
fn text_bytes(value: &Value) -> usize {
    match value {
        Value::String(text) => text.len() + 3,
        Value::Array(items) => items.iter().map(text_bytes).sum::<usize>() + 2,
        Value::Object(fields) => {
            fields
                .iter()
                .map(|(key, value)| key.len() + 4 + text_bytes(value))
                .sum::<usize>()
                + 2
        }
        _ => 8,
    }
}

/// The query parameter that asks for the page after `merged`, if there is
/// one.
fn next_page(
    by: Paging,
    merged: &response::Merged,
    draft: &Draft,
) -> Option<(&'static str, String)> {
    match by {
        Paging::Next => {
            let next = merged.fields.get("next").and_then(Value::as_str)?;
            Some(("start", next.to_owned()))
        }
        Paging::Number => {
            if merged.fields.get("has_next_page") != Some(&Value::Bool(true)) {
                return None;
            }
            let (_, page) = draft.query.iter().find(|(name, _)| name == "page")?;
            let page: u64 = page.parse().ok()?;
            Some(("page", (page + 1).to_string()))
        }
    }
}

/// The requests for `draft`: one, or one per batch where the endpoint
/// splits a list field into batches.
fn parts(
    endpoint: &Endpoint,
    draft: &Draft,
    key: Option<&str>,
    image: Option<Image>,
    file: Vec<u8>,
) -> Result<Vec<Part>, ErrorCode> {
    let list = endpoint.batch.and_then(|(field, size)| {
        let items = draft.body.get(field)?.as_array()?;
        Some((field, items.chunks(size)))
    });
    let Some((field, chunks)) = list else {
        let (body, content_type) = match (endpoint.body, image) {
            (Body::Json, _) => (json_body(&draft.body)?, Some(JSON.to_owned())),
            (Body::Form, _) => (form_body(&draft.body), Some(FORM.to_owned())),
            (Body::Image, Some(image)) => (image.bytes, Some(image.media_type.to_owned())),
            (Body::Multipart, _) => {
                let form = multipart::form(&draft.body, &file, get_random_u64);
                (form.body, Some(form.content_type))
            }
            (Body::None | Body::Image, _) => (Vec::new(), None),
        };
        return Ok(vec![Part {
            batch: None,
            retry_key: key.map(str::to_owned),
            body,
            content_type,
            headers: draft.headers.clone(),
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
                content_type: Some(JSON.to_owned()),
                headers: draft.headers.clone(),
            })
        })
        .collect()
}

/// The fields as a form body: strings as they are, anything else as its
/// JSON.
fn form_body(body: &serde_json::Map<String, Value>) -> Vec<u8> {
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(body.iter().map(|(name, value)| (name, text(value))))
        .finish()
        .into_bytes()
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(fields: Value) -> response::Merged {
        response::Merged {
            fields: fields.as_object().unwrap().clone(),
            status: 200,
            request_id: String::new(),
            bytes: None,
        }
    }

    #[test]
    fn a_next_token_asks_for_the_page_it_names() {
        let draft = Draft::default();
        let next = next_page(Paging::Next, &merged(json!({"next": "abc"})), &draft);
        assert_eq!(next, Some(("start", "abc".to_owned())));
        assert_eq!(next_page(Paging::Next, &merged(json!({})), &draft), None);
    }

    #[test]
    fn a_page_number_counts_on_while_there_are_more() {
        let draft = Draft {
            query: vec![("page".into(), "41".into())],
            ..Draft::default()
        };
        let more = merged(json!({"has_next_page": true}));
        assert_eq!(
            next_page(Paging::Number, &more, &draft),
            Some(("page", "42".into()))
        );
        let last = merged(json!({"has_next_page": false}));
        assert_eq!(next_page(Paging::Number, &last, &draft), None);
        // Without a page asked for, there is nothing to count on from.
        assert_eq!(next_page(Paging::Number, &more, &Draft::default()), None);
    }
}
