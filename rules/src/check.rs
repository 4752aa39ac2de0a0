//! The component's side of each rule: a value checked, and the value to
//! send returned (JSON text of LINE objects becomes the objects, a phone
//! number its hash).

use crate::basic::{date, id, length, range, steps, text, token, url, uuid};
use crate::custom;
use crate::rule::{Invalid, Rule, invalid};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{date, token, url};
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
        let text = rule_for("text", crate::rule::Json::String).unwrap();
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
        let rule = rule_for("to", crate::rule::Json::Array).unwrap();
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
