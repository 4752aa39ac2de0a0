//! How an action's input becomes LINE's request, for every operation alike:
//! the input record in LINE's names (camelCase, or snake_case where LINE
//! uses it), each field checked by its
//! rule in [`validate`], then placed in the path (`{name}` in the table's
//! template), the query string (the table's `query` fields) or the JSON
//! body. The fields that steer the connector (`retryKey`, `dryRun`, `text`,
//! `waitSeconds`, `all`, `maxPages`, `requireFriend`) are taken out and
//! never sent.

use crate::error::invalid;
use crate::names::camel_case;
use crate::table::{Body, Endpoint};
use crate::types::ErrorCode;
use crate::validate;
use serde::Serialize;
use serde_json::{Map, Value};
use std::time::Duration;

/// The part of an HTTP request that comes from the action's input.
#[derive(Default)]
pub struct Draft {
    /// The path, its parameters filled in.
    pub path: String,
    /// The path's parameters, as given (LINE's names).
    pub params: Map<String, Value>,
    /// The query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The JSON body's fields (for an operation with a JSON body).
    pub body: Map<String, Value>,
    /// The caller's retry key, checked (sends with a retry key).
    pub retry_key: Option<String>,
    /// Only validate the messages; send nothing (`dryRun`).
    pub dry_run: bool,
    /// How long the caller lets the action ask again until LINE's answer is
    /// final (`waitSeconds`); zero: ask once.
    pub wait: Duration,
    /// For a paged list: how many pages to read at most (`all` and
    /// `maxPages`; 1 without `all`).
    pub pages: u64,
    /// Send only to a friend (`requireFriend`).
    pub require_friend: bool,
    /// Headers from input fields (the table's `header`).
    pub headers: Vec<(&'static str, String)>,
}

/// An input record's JSON fields (Rust's names), as [`draft`] takes them.
pub fn fields(input: &impl Serialize) -> Result<Map<String, Value>, ErrorCode> {
    match serde_json::to_value(input) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(invalid("input", e.to_string())),
    }
}

/// The request for `fields` (an input record's, [`fields`]) to `endpoint`,
/// every field checked: an `invalid-input` error names the first field that
/// breaks a rule, and nothing has been sent.
///
/// `bytes` names the input's byte list (an image), which is sent apart
/// and left out here.
///
/// `snake_case`: the input's names are LINE's snake_case
/// ([`crate::record::Record::SNAKE_CASE`]), kept as they are.
pub fn draft(
    endpoint: &Endpoint,
    mut fields: Map<String, Value>,
    bytes: Option<&str>,
    snake_case: bool,
) -> Result<Draft, ErrorCode> {
    if let Some(name) = bytes {
        fields.remove(&crate::names::snake_case(name));
    }
    let (mut draft, mut rest) = read(endpoint, fields, snake_case)?;
    validate::together(&rest)?;
    draft.path = fill_path(endpoint.path, &mut rest, &mut draft.params)?;
    place(endpoint, rest, &mut draft)?;
    Ok(draft)
}

/// Each field checked: the ones that steer the request (retry key, dry
/// run, waiting, paging, friend check) read into a draft, the others
/// returned in LINE's names, as they are to be sent.
fn read(
    endpoint: &Endpoint,
    mut fields: Map<String, Value>,
    snake_case: bool,
) -> Result<(Draft, Map<String, Value>), ErrorCode> {
    let text = fields.remove("text").filter(|t| !t.is_null());
    let mut draft = Draft {
        pages: 1,
        ..Draft::default()
    };
    let (mut all, mut max_pages) = (false, validate::MAX_PAGES.1);
    let mut rest = Map::new();
    for (key, value) in fields {
        let name = match snake_case {
            true => key,
            false => camel_case(&key),
        };
        match (name.as_str(), value) {
            // A record with `messages` needs them, or the `text` shortcut.
            ("messages", messages) => {
                let messages = validate::messages_or_text(&messages, text.as_ref())?;
                rest.insert(name, messages);
            }
            (_, Value::Null) => {}
            ("retryKey", key) => draft.retry_key = Some(validate::retry_key(&key)?),
            ("dryRun", dry_run) => draft.dry_run = dry_run.as_bool().unwrap_or(false),
            ("waitSeconds", seconds) => draft.wait = validate::wait_seconds(&seconds)?,
            ("all", value) => all = value.as_bool().unwrap_or(false),
            ("requireFriend", value) => draft.require_friend = value.as_bool().unwrap_or(false),
            ("maxPages", n) => max_pages = validate::max_pages(&n)?,
            (_, value) => {
                let value = match endpoint.rules.iter().find(|(field, _)| *field == name) {
                    Some((_, rule)) => validate::by_rule(&name, rule, value)?,
                    None => checked(&name, &name, value)?,
                };
                rest.insert(name, value);
            }
        }
    }
    if all {
        draft.pages = max_pages;
    }
    Ok((draft, rest))
}

/// The fields left after the path: to the query string, a header, or the
/// body; a field with no place in this request is an error.
fn place(
    endpoint: &Endpoint,
    mut rest: Map<String, Value>,
    draft: &mut Draft,
) -> Result<(), ErrorCode> {
    for &field in endpoint.query {
        match rest.remove(field) {
            // A list repeats its parameter: `status=DRAFT&status=RUNNING`.
            Some(Value::Array(items)) => draft.query.extend(
                items
                    .iter()
                    .map(|item| (field.to_owned(), query_text(item))),
            ),
            Some(value) => draft.query.push((field.to_owned(), query_text(&value))),
            None => {}
        }
    }
    if let Some((field, header)) = endpoint.header
        && let Some(value) = rest.remove(field)
    {
        let text = query_text(&value);
        if !crate::auth::header_safe(&text) {
            return Err(invalid(
                field,
                format!(
                    "is sent as the {header} header, which cannot carry control characters (CR, LF, NUL, …) or non-ASCII"
                ),
            ));
        }
        draft.headers.push((header, text));
    }
    match endpoint.body {
        Body::Json | Body::Multipart | Body::Form => draft.body = rest,
        Body::None | Body::Image => {
            if let Some(field) = rest.keys().next() {
                return Err(invalid(field.as_str(), "has no place in this request"));
            }
        }
    }
    Ok(())
}

/// A field checked by its rule, and a record inside it field by field
/// (its keys in LINE's names, each checked by its own rule).
fn checked(path: &str, name: &str, value: Value) -> Result<Value, ErrorCode> {
    let value = match value {
        Value::Object(record) => record
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(key, v)| {
                let name = camel_case(&key);
                let value = checked(&format!("{path}.{name}"), &name, v)?;
                Ok((name, value))
            })
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object)?,
        // The records inside a list in LINE's names; the list's own rule
        // checks them.
        Value::Array(items) => {
            Value::Array(items.into_iter().map(crate::response::camel_keys).collect())
        }
        value => value,
    };
    validate::field(path, name, value)
}

/// The path template with each `{name}` replaced by the input field `name`
/// (moved from `fields` to `params`), percent-encoded.
fn fill_path(
    template: &str,
    fields: &mut Map<String, Value>,
    params: &mut Map<String, Value>,
) -> Result<String, ErrorCode> {
    let mut path = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let name = &rest[start + 1..end];
        let value = fields
            .remove(name)
            .ok_or_else(|| invalid(name, "is required"))?;
        path.push_str(&rest[..start]);
        path.push_str(&crate::forms::percent(&query_text(&value), true));
        params.insert(name.to_owned(), value);
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    path.push_str(rest);
    Ok(path)
}

/// A field's value as text in a URL: a string as it is, anything else as
/// its JSON.
fn query_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
