//! The component's side of each rule: a value checked, and the value to
//! send returned (JSON text of LINE objects becomes the objects, a phone
//! number its hash).

use crate::{Id, Invalid, Rule, Unit, custom, invalid, invalid_got};
use serde_json::Value;

/// Checks `value` (the field at `path`) by `rule`; returns what to send.
pub fn check(path: &str, rule: &Rule, value: Value) -> Result<Value, Invalid> {
    match rule {
        Rule::Id(shape) => id(path, shape, text(path, &value)?)?,
        Rule::Length { unit, min, max } => length(path, *unit, *min, *max, text(path, &value)?)?,
        Rule::Token { max } => token(path, *max, text(path, &value)?)?,
        Rule::Range { min, max } => range(path, *min, *max, &value)?,
        Rule::Steps { min, max, step } => steps(path, *min, *max, *step, &value)?,
        Rule::Items { min, max, each } => items(path, *min, *max, *each, &value)?,
        Rule::Date => date(path, text(path, &value)?)?,
        Rule::Url { schemes, max } => url(path, schemes, *max, text(path, &value)?)?,
        Rule::Uuid => uuid(path, text(path, &value)?)?,
        Rule::Custom(kind) => return custom::check(path, *kind, value),
    }
    Ok(value)
}

fn text<'v>(path: &str, value: &'v Value) -> Result<&'v str, Invalid> {
    value
        .as_str()
        .ok_or_else(|| invalid(path, "must be a string"))
}

/// An id or key of the shape `shape`.
pub fn id(path: &str, shape: &Id, value: &str) -> Result<(), Invalid> {
    let ok = shape.prefixes.iter().any(|prefix| {
        value.strip_prefix(prefix).is_some_and(|rest| {
            (shape.min..=shape.max).contains(&rest.len())
                && rest.bytes().all(|b| shape.chars.allows(b))
        })
    });
    match ok {
        true => Ok(()),
        false => Err(invalid_got(path, format!("must be {}", shape.what), value)),
    }
}

/// How long `value` is in `unit`.
pub fn count(unit: Unit, value: &str) -> usize {
    match unit {
        Unit::Chars => value.chars().count(),
        Unit::Utf16 => value.encode_utf16().count(),
    }
}

/// A text of `min` to `max` in `unit`.
pub fn length(path: &str, unit: Unit, min: usize, max: usize, value: &str) -> Result<(), Invalid> {
    let n = count(unit, value);
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let unit = match unit {
        Unit::Chars => "characters",
        Unit::Utf16 => "UTF-16 code units",
    };
    Err(invalid(
        path,
        format!("must be {min} to {max} {unit} long, got {n}"),
    ))
}

/// A text of `min` to `max` characters.
pub fn chars_between(path: &str, value: &str, min: usize, max: usize) -> Result<(), Invalid> {
    length(path, Unit::Chars, min, max, value)
}

/// Not blank, at most `max` characters; the value is never quoted (it may
/// be a credential).
pub fn token(path: &str, max: usize, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        return Err(invalid(path, "must not be empty"));
    }
    let n = value.chars().count();
    if n > max {
        return Err(invalid(
            path,
            format!("must be at most {max} characters long, got {n}"),
        ));
    }
    Ok(())
}

/// A whole number from `min` to `max`: a JSON number, or text of digits.
pub fn range(path: &str, min: u64, max: u64, value: &Value) -> Result<(), Invalid> {
    let n = match value {
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        other => other.as_u64(),
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(invalid(
            path,
            format!("must be a whole number from {min} to {max}"),
        )),
    }
}

/// A whole number from `min` to `max` in steps of `step`.
pub fn steps(path: &str, min: u64, max: u64, step: u64, value: &Value) -> Result<(), Invalid> {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) && n.is_multiple_of(step) => Ok(()),
        _ => Err(invalid(
            path,
            format!(
                "must be a multiple of {step} from {min} to {max}, got {}",
                shown(value)
            ),
        )),
    }
}

/// `value` as a message may show it: numbers as they are, anything else by
/// its kind only (it may be a secret typed into the wrong field).
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

/// A list of `min` to `max` items, each by `each`.
fn items(
    path: &str,
    min: usize,
    max: usize,
    each: Option<&Rule>,
    value: &Value,
) -> Result<(), Invalid> {
    let Some(list) = value.as_array() else {
        return Err(invalid(path, "must be an array"));
    };
    if !(min..=max).contains(&list.len()) {
        let bound = match max {
            usize::MAX => format!("at least {min}"),
            _ => format!("{min} to {max}"),
        };
        return Err(invalid(
            path,
            format!("must hold {bound} items, got {}", list.len()),
        ));
    }
    let Some(each) = each else {
        return Ok(());
    };
    // The path is written only for the item that is wrong.
    for (i, item) in list.iter().enumerate() {
        check(path, each, item.clone()).map_err(|mut e| {
            e.field = format!("{path}[{i}]");
            e
        })?;
    }
    Ok(())
}

/// A `yyyyMMdd` date: eight digits naming a real calendar day.
pub fn date(path: &str, value: &str) -> Result<(), Invalid> {
    let format = time::macros::format_description!("[year][month][day]");
    let digits = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit());
    if digits && time::Date::parse(value, &format).is_ok() {
        return Ok(());
    }
    Err(invalid_got(
        path,
        "must be a date as yyyyMMdd (e.g. 20251231)",
        value,
    ))
}

/// The characters RFC 3986 allows in a URL (a `%` escape's included).
pub const URL_CHARS: &str = "A-Za-z0-9._~:/?#@!$&'()*+,;=%\\[\\]-";

/// Whether `b` may stand in a URL ([`URL_CHARS`]).
pub fn url_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._~:/?#@!$&'()*+,;=%[]-".contains(&b)
}

/// A URL of one of `schemes`, at most `max` characters.
pub fn url(path: &str, schemes: &[&str], max: usize, value: &str) -> Result<(), Invalid> {
    let rest = schemes
        .iter()
        .find_map(|s| value.strip_prefix(s)?.strip_prefix("://"));
    let ok = rest.is_some_and(|rest| !rest.is_empty() && rest.bytes().all(url_char))
        && value.len() <= max;
    if ok {
        return Ok(());
    }
    let schemes = schemes
        .iter()
        .map(|s| format!("{s}://"))
        .collect::<Vec<_>>()
        .join(" or ");
    let bound = match max {
        usize::MAX => String::new(),
        _ => format!(" of at most {max} characters"),
    };
    Err(invalid_got(
        path,
        format!("must be a {schemes} URL{bound}"),
        value,
    ))
}

/// A UUID such as `123e4567-e89b-12d3-a456-426614174000`.
pub fn uuid(path: &str, value: &str) -> Result<(), Invalid> {
    if value.len() == 36 && uuid::Uuid::try_parse(value).is_ok() {
        return Ok(());
    }
    Err(invalid_got(
        path,
        "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000",
        value,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{RECEIVER, USER_ID, rule_for};
    use serde_json::json;

    fn ok(rule: &Rule, value: Value) -> bool {
        check("f", rule, value).is_ok()
    }

    #[test]
    fn ids_take_their_prefixes_and_exact_length() {
        let user = format!("U{}", "a".repeat(32));
        assert!(ok(&USER_ID, json!(user)));
        assert!(ok(&RECEIVER, json!(user.replace('U', "C"))));
        assert!(!ok(&USER_ID, json!(user.replace('U', "C"))));
        assert!(!ok(&USER_ID, json!(format!("{user}a"))));
        assert!(!ok(&USER_ID, json!(user.to_uppercase())));
        let e = check("to", &USER_ID, json!("x")).unwrap_err();
        assert_eq!(e.got.as_deref(), Some("x"));
    }

    #[test]
    fn utf16_counts_an_emoji_twice() {
        let text = rule_for("text", crate::Json::String).unwrap();
        assert!(ok(text, json!("😀".repeat(2500))));
        assert!(!ok(text, json!("😀".repeat(2501))));
        assert!(ok(text, json!("a".repeat(5000))));
        assert!(!ok(text, json!("")));
    }

    #[test]
    fn ranges_take_numbers_or_digits() {
        let rule = Rule::Range { min: 1, max: 100 };
        assert!(ok(&rule, json!(100)));
        assert!(ok(&rule, json!("100")));
        assert!(!ok(&rule, json!("101")));
        assert!(!ok(&rule, json!("+1")));
        assert!(!ok(&rule, json!(0)));
        assert!(!ok(&rule, json!(-1)));
        assert!(!ok(&rule, json!(1.5)));
    }

    #[test]
    fn a_list_names_the_wrong_item() {
        let rule = rule_for("to", crate::Json::Array).unwrap();
        let user = format!("U{}", "a".repeat(32));
        let e = check("to", rule, json!([user, "nope"])).unwrap_err();
        assert_eq!(e.field, "to[1]");
        assert!(check("to", rule, json!([])).is_err());
    }

    #[test]
    fn dates_are_real_days() {
        assert!(date("d", "20240229").is_ok());
        assert!(date("d", "20230229").is_err());
        assert!(date("d", "2023-1-1").is_err());
    }

    #[test]
    fn urls_have_their_scheme_and_rfc_3986_characters() {
        assert!(url("u", &["https"], 500, "https://example.com/a?b=c#d").is_ok());
        assert!(url("u", &["https"], 500, "http://example.com").is_err());
        assert!(url("u", &["https"], 500, "https://").is_err());
        assert!(url("u", &["https"], 500, "https://a b").is_err());
        assert!(url("u", &["https"], 20, &format!("https://{}", "a".repeat(13))).is_err());
    }

    #[test]
    fn tokens_are_not_blank_and_never_quoted() {
        assert!(token("t", 3, " ").is_err());
        assert!(token("t", 3, "abc").is_ok());
        let e = token("t", 3, "abcd").unwrap_err();
        assert_eq!(e.got, None);
    }
}
