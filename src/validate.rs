//! LINE's input rules, checked before anything is sent. Each check names the
//! offending field by its path in LINE's names (`messages[2].text`).

use crate::actions::ErrorCode;
use crate::error::invalid;
use crate::redact::quote;
use serde_json::Value;

/// At most this many message objects per request.
pub const MAX_MESSAGES: usize = 5;
/// A text message's text: at most this many UTF-16 code units.
pub const MAX_TEXT_UTF16: usize = 5000;
/// `altText` of imagemap, template and flex messages: at most this many characters.
pub const MAX_ALT_TEXT: usize = 1500;
/// A quick reply: at most this many items.
pub const MAX_QUICK_REPLY_ITEMS: usize = 13;
/// `waitSeconds`: at most this many.
pub const MAX_WAIT_SECONDS: u32 = 3600;
/// A request body: at most this many bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Which kinds of LINE id a field accepts, by its first letter.
#[derive(Clone, Copy)]
pub enum IdKind {
    /// A user id (`U` + 32 hex digits).
    User,
    /// A user, group (`C`) or room (`R`) id.
    Receiver,
}

/// Checks that `value` is a LINE id of the given kind.
pub fn id(field: &str, value: &str, kind: IdKind) -> Result<(), ErrorCode> {
    let prefixes: &[char] = match kind {
        IdKind::User => &['U'],
        IdKind::Receiver => &['U', 'C', 'R'],
    };
    let mut chars = value.chars();
    let prefix_ok = chars.next().is_some_and(|c| prefixes.contains(&c));
    let rest = chars.as_str();
    let hex_ok = rest.len() == 32 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if prefix_ok && hex_ok {
        return Ok(());
    }
    let what = match kind {
        IdKind::User => "a user id: U followed by 32 lowercase hex digits",
        IdKind::Receiver => {
            "a user, group or room id: U, C or R followed by 32 lowercase hex digits"
        }
    };
    Err(invalid(
        field,
        format!("must be {what}, got {}", quote(value)),
    ))
}

/// The longest token-like value taken (a reply token, a request id).
pub const MAX_TOKEN_CHARS: usize = 1000;

/// Checks that `value` is not empty, nor longer than any of LINE's tokens
/// and ids ([`MAX_TOKEN_CHARS`]).
pub fn non_empty(field: &str, value: &str) -> Result<(), ErrorCode> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.len() > MAX_TOKEN_CHARS {
        return Err(invalid(
            field,
            format!(
                "must be at most {MAX_TOKEN_CHARS} characters long, got {}",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// Checks `customAggregationUnits`: at most one unit name of 1 to 30
/// letters, digits or underscores (LINE's rule).
pub fn aggregation_units(field: &str, units: &[String]) -> Result<(), ErrorCode> {
    if units.len() > 1 {
        return Err(invalid(
            field,
            format!("holds at most 1 unit, got {}", units.len()),
        ));
    }
    let valid = |u: &String| {
        (1..=30).contains(&u.len()) && u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    match units.iter().position(|u| !valid(u)) {
        Some(i) => Err(invalid(
            format!("{field}[{i}]"),
            format!(
                "must be 1 to 30 letters, digits or underscores, got {}",
                quote(&units[i])
            ),
        )),
        None => Ok(()),
    }
}

/// Checks a multicast's recipients: 1 or more user ids (sent in batches).
pub fn recipients(field: &str, to: &[String]) -> Result<(), ErrorCode> {
    if to.is_empty() {
        return Err(invalid(field, "must hold at least 1 user id"));
    }
    // The path is written only for the id that is wrong.
    match to
        .iter()
        .position(|user| id(field, user, IdKind::User).is_err())
    {
        Some(i) => id(&format!("{field}[{i}]"), &to[i], IdKind::User),
        None => Ok(()),
    }
}

/// Checks that a number is at most `max`.
pub fn at_most(field: &str, value: u32, max: u32) -> Result<(), ErrorCode> {
    if value > max {
        return Err(invalid(
            field,
            format!("must be at most {max}, got {value}"),
        ));
    }
    Ok(())
}

/// Checks `loadingSeconds`: a multiple of 5 from 5 to 60.
pub fn loading_seconds(field: &str, seconds: u32) -> Result<(), ErrorCode> {
    if (5..=60).contains(&seconds) && seconds.is_multiple_of(5) {
        return Ok(());
    }
    Err(invalid(
        field,
        format!("must be a multiple of 5 from 5 to 60, got {seconds}"),
    ))
}

/// Checks a `yyyyMMdd` date: eight digits naming a real calendar day.
pub fn date(field: &str, value: &str) -> Result<(), ErrorCode> {
    let format = time::macros::format_description!("[year][month][day]");
    let digits = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit());
    if digits && time::Date::parse(value, &format).is_ok() {
        return Ok(());
    }
    Err(invalid(
        field,
        format!(
            "must be a date as yyyyMMdd (e.g. 20251231), got {}",
            quote(value)
        ),
    ))
}

/// Checks a text message's text: 1 to 5,000 UTF-16 code units.
pub fn text(field: &str, text: &str) -> Result<(), ErrorCode> {
    let units = text.encode_utf16().count();
    if units == 0 || units > MAX_TEXT_UTF16 {
        return Err(invalid(
            field,
            format!("must be 1 to {MAX_TEXT_UTF16} UTF-16 code units long, got {units}"),
        ));
    }
    Ok(())
}

/// Parses JSON text given for a LINE object field (`recipient`, `filter`,
/// `limit`); it must be a JSON object.
pub fn json_object(field: &str, text: &str) -> Result<Value, ErrorCode> {
    if text.len() > MAX_BODY_BYTES {
        return Err(too_long(field, text.len()));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| invalid(field, format!("is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(invalid(field, "must be a JSON object"));
    }
    Ok(value)
}

/// Parses and checks `messages`: JSON text of an array of 1 to 5 LINE
/// message objects.
pub fn messages(field: &str, text: &str) -> Result<Value, ErrorCode> {
    // Longer text cannot fit a request body: refused before it is parsed.
    if text.len() > MAX_BODY_BYTES {
        return Err(too_long(field, text.len()));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| invalid(field, format!("is not valid JSON: {e}")))?;
    let Some(list) = value.as_array() else {
        return Err(invalid(field, "must be a JSON array of message objects"));
    };
    if list.is_empty() || list.len() > MAX_MESSAGES {
        return Err(invalid(
            field,
            format!("must hold 1 to {MAX_MESSAGES} messages, got {}", list.len()),
        ));
    }
    for (i, message) in list.iter().enumerate() {
        self::message(&format!("{field}[{i}]"), message)?;
    }
    Ok(value)
}

/// Checks one message object: its `type`, and the limits LINE states for
/// text, `altText` and quick replies.
fn message(path: &str, message: &Value) -> Result<(), ErrorCode> {
    if !message.is_object() {
        return Err(invalid(path, "must be a message object"));
    }
    let Some(kind) = message.get("type").and_then(Value::as_str) else {
        return Err(invalid(
            format!("{path}.type"),
            "is required: the message type, e.g. \"text\"",
        ));
    };
    if matches!(kind, "text" | "textV2") {
        text(
            &format!("{path}.text"),
            required_str(path, message, "text")?,
        )?;
    }
    if matches!(kind, "imagemap" | "template" | "flex") {
        let alt = required_str(path, message, "altText")?;
        let chars = alt.chars().count();
        if chars == 0 || chars > MAX_ALT_TEXT {
            return Err(invalid(
                format!("{path}.altText"),
                format!("must be 1 to {MAX_ALT_TEXT} characters long, got {chars}"),
            ));
        }
    }
    if let Some(quick) = message.get("quickReply") {
        let count = quick.get("items").and_then(Value::as_array).map(Vec::len);
        if !matches!(count, Some(1..=MAX_QUICK_REPLY_ITEMS)) {
            return Err(invalid(
                format!("{path}.quickReply.items"),
                format!("must be an array of 1 to {MAX_QUICK_REPLY_ITEMS} items"),
            ));
        }
    }
    Ok(())
}

fn too_long(field: &str, bytes: usize) -> ErrorCode {
    invalid(
        field,
        format!("is {bytes} bytes long; a request body holds at most {MAX_BODY_BYTES}"),
    )
}

fn required_str<'a>(path: &str, object: &'a Value, key: &str) -> Result<&'a str, ErrorCode> {
    object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("{path}.{key}"), "is required and must be a string"))
}
