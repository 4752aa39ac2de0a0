//! The basic checks every kind of rule is made of: ids, lengths, tokens,
//! numbers, days, URLs and UUIDs, each on one value.

use crate::rule::{Id, Invalid, Unit, invalid, invalid_got};
use crate::shown::shown;
use serde_json::Value;

/// `value` as text, or a refusal saying it must be a string.
pub(crate) fn text<'v>(path: &str, value: &'v Value) -> Result<&'v str, Invalid> {
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
        Unit::Chars | Unit::HeaderChars => value.chars().count(),
        Unit::Utf16 => value.encode_utf16().count(),
    }
}

/// Whether `value` can stand in an HTTP header: visible ASCII and spaces.
pub fn header_safe(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// A text of `min` to `max` in `unit`.
pub fn length(path: &str, unit: Unit, min: usize, max: usize, value: &str) -> Result<(), Invalid> {
    if unit == Unit::HeaderChars && !header_safe(value) {
        return Err(invalid(
            path,
            "is sent as an HTTP header: visible ASCII characters and spaces only (no CR, LF, NUL or other control characters)",
        ));
    }
    let n = count(unit, value);
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let unit = match unit {
        Unit::Chars | Unit::HeaderChars => "characters",
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
