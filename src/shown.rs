//! How a wrong value appears in an error message: numbers as they are,
//! anything else by its kind only (it may be a secret typed into the wrong
//! field), and any text quoted at most in part. Plain code on `serde_json`,
//! kept here and compiled into the rules crate (which the guest uses it
//! from) and into the host's JSON conversion (`host-test/host/src/json.rs`),
//! both by path.

use serde_json::Value;

/// `value` as an error message may show it.
pub fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(_) => "a string".into(),
        Value::Bool(_) => "true or false".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        Value::Null => "null".into(),
    }
}

/// `text` cut to at most `max` characters, `…` marking a cut.
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((end, _)) => format!("{}…", &text[..end]).into(),
    }
}
