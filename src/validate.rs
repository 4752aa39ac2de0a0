//! LINE's input rules, applied before anything is sent. The rules are
//! declared once in the `line-rules` crate's catalogue (which the manifest's
//! schemas derive from too); this module applies them to an input's fields
//! and turns a refusal into an `invalid-input` error naming the field by
//! its path in LINE's names (`messages[2].text`), quoting the value given
//! only after secrets are taken out.

use crate::error::invalid;
use crate::redact::quote;
use crate::types::ErrorCode;
use line_rules::{Invalid, Json, Rule};
use serde_json::{Map, Value};

pub use line_rules::{MAX_BODY_BYTES, MAX_PAGES};

/// A refusal as the error a caller gets.
fn error(refusal: Invalid) -> ErrorCode {
    match refusal.got {
        Some(got) => invalid(
            refusal.field,
            format!("{}, got {}", refusal.message, quote(&got)),
        ),
        None => invalid(refusal.field, refusal.message),
    }
}

/// Checks `value` (at `path`) by `rule`; returns the value to send.
pub fn by_rule(path: &str, rule: &Rule, value: Value) -> Result<Value, ErrorCode> {
    line_rules::check(path, rule, value).map_err(error)
}

/// Checks the input field `name` (at `path`, where it stands in the input)
/// by the catalogue's rule for it, if it has one; returns the value to send
/// (JSON text of LINE objects becomes the objects).
pub fn field(path: &str, name: &str, value: Value) -> Result<Value, ErrorCode> {
    match Json::of(&value).and_then(|json| line_rules::rule_for(name, json)) {
        Some(rule) => by_rule(path, rule, value),
        None => Ok(value),
    }
}

/// The catalogue's rule for a field the request itself reads (`retryKey`,
/// `waitSeconds`, `maxPages`, `text`, `messages`).
fn own(name: &str, json: Json) -> &'static Rule {
    line_rules::rule_for(name, json).expect("the catalogue has a rule for each field read here")
}

/// `messages` from its JSON text, or from the `text` shortcut (one text
/// message), checked; exactly one of them must be given.
pub fn messages_or_text(messages: &Value, text: Option<&Value>) -> Result<Value, ErrorCode> {
    match (messages.as_str(), text.and_then(Value::as_str)) {
        (Some(_), None) => by_rule("messages", own("messages", Json::String), messages.clone()),
        (None, Some(shortcut)) => {
            by_rule("text", own("text", Json::String), Value::from(shortcut))?;
            Ok(serde_json::json!([{"type": "text", "text": shortcut}]))
        }
        (Some(_), Some(_)) => Err(invalid("text", "give messages or text, not both")),
        (None, None) => Err(invalid(
            "messages",
            "is required: a JSON array of 1 to 5 message objects (or give text for one text message)",
        )),
    }
}

/// Checks a caller's retry key (a UUID); returns it in lowercase.
pub fn retry_key(key: &Value) -> Result<String, ErrorCode> {
    let key = by_rule("retryKey", own("retryKey", Json::String), key.clone())?;
    Ok(key.as_str().unwrap_or_default().to_ascii_lowercase())
}

/// Checks `waitSeconds` and returns it.
pub fn wait_seconds(seconds: &Value) -> Result<std::time::Duration, ErrorCode> {
    by_rule(
        "waitSeconds",
        own("waitSeconds", Json::Integer),
        seconds.clone(),
    )?;
    Ok(std::time::Duration::from_secs(
        seconds.as_u64().unwrap_or_default(),
    ))
}

/// Checks `maxPages` and returns it.
pub fn max_pages(pages: &Value) -> Result<u64, ErrorCode> {
    by_rule("maxPages", own("maxPages", Json::Integer), pages.clone())?;
    Ok(pages.as_u64().unwrap_or(1))
}

/// Checks the rules that tie fields of one input record together.
pub fn together(fields: &Map<String, Value>) -> Result<(), ErrorCode> {
    line_rules::custom::together(fields).map_err(error)
}

/// Checks a file of audience ids (user ids, or IFAs with `ifa`).
pub fn ids_file(field: &str, file: &[u8], ifa: bool) -> Result<(), ErrorCode> {
    line_rules::custom::ids_file(field, file, ifa).map_err(error)
}

/// Checks a rich menu's (or its image's) size.
pub fn menu_size(field: &str, width: u64, height: u64) -> Result<(), ErrorCode> {
    line_rules::custom::menu_size(field, width, height).map_err(error)
}
