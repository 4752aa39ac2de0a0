//! The manifest's side of each rule: the JSON Schema keywords that make a
//! platform's form refuse what the component would, added to the schema of
//! the property the rule is for.

use crate::basic::URL_CHARS;
use crate::custom::{
    LIFF_VIEW_TYPES, MAX_BATCH_OPERATIONS, MAX_MENU_AREAS, MENU_RATIO_PERCENT, MENU_SIDES,
};
use crate::rule::{Custom, Id, Rule, Unit};
use serde_json::{Value, json};

/// A calendar day as `yyyyMMdd`, leap days in leap years only.
pub const DATE_PATTERN: &str = concat!(
    "^(?:[0-9]{4}(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])",
    "|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)|02(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|[13579][26])00)0229)$"
);

/// A UUID, either case.
pub const UUID_PATTERN: &str = "^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$";

/// A phone number in E.164, or its SHA-256 in hex.
pub const PHONE_PATTERN: &str = "^(?:\\+[1-9][0-9]{1,14}|[0-9A-Fa-f]{64})$";

/// Adds `rule`'s keywords to `property` (the schema of the field it is for).
pub fn apply(rule: &Rule, property: &mut Value) {
    let keywords = match rule {
        Rule::Id(shape) => json!({"pattern": id_pattern(shape)}),
        Rule::Length { unit, min, max } => return length(*unit, *min, *max, property),
        Rule::Token { max } => json!({"minLength": 1, "maxLength": max, "pattern": "\\S"}),
        Rule::Range { min, max } if property["type"] == "string" => {
            json!({"pattern": digits_pattern(*min, *max)})
        }
        Rule::Range { min, max } => json!({"minimum": min, "maximum": max}),
        Rule::Steps { min, max, step } => {
            json!({"minimum": min, "maximum": max, "multipleOf": step})
        }
        Rule::Items { min, max, each } => return items(*min, *max, *each, property),
        Rule::Date => json!({"pattern": DATE_PATTERN}),
        Rule::Url { schemes, max } => url(schemes, *max),
        Rule::Uuid => json!({"pattern": UUID_PATTERN}),
        Rule::Custom(kind) => return custom(*kind, property),
    };
    merge(property, keywords);
}

/// Adds `keywords` to `schema`, into its sub-schemas (`items`,
/// `properties`) where both have one.
pub fn merge(schema: &mut Value, keywords: Value) {
    let Value::Object(keywords) = keywords else {
        return;
    };
    for (keyword, value) in keywords {
        match (schema.get_mut(&keyword), value) {
            (Some(existing @ Value::Object(_)), more @ Value::Object(_)) => merge(existing, more),
            (_, value) => schema[keyword.as_str()] = value,
        }
    }
}

/// Takes away the bounds a field's usual schema has (before an operation's
/// own rule for it is applied).
pub fn clear(property: &mut Value) {
    if let Some(object) = property.as_object_mut() {
        for keyword in [
            "minimum",
            "maximum",
            "multipleOf",
            "minLength",
            "maxLength",
            "pattern",
            "minItems",
            "maxItems",
        ] {
            object.remove(keyword);
        }
    }
}

fn note(property: &mut Value, text: &str) {
    let described = match property["description"].as_str() {
        Some(before) => format!("{before} {text}"),
        None => text.to_owned(),
    };
    property["description"] = json!(described);
}

/// A regular expression of the id's shape.
pub fn id_pattern(shape: &Id) -> String {
    let prefixes: Vec<&str> = shape.prefixes.to_vec();
    let count = match shape.min == shape.max {
        true => format!("{{{}}}", shape.min),
        false => format!("{{{},{}}}", shape.min, shape.max),
    };
    let body = format!("{}{count}", shape.chars.class());
    match prefixes.as_slice() {
        [""] => format!("^{body}$"),
        [one] => format!("^{one}{body}$"),
        many => format!("^(?:{}){body}$", many.join("|")),
    }
}

/// A text's length: exact in characters; in UTF-16 units, the most
/// characters that can never exceed them (an emoji is 2 units), said in
/// the description.
fn length(unit: Unit, min: usize, max: usize, property: &mut Value) {
    match unit {
        Unit::Chars => merge(property, json!({"minLength": min, "maxLength": max})),
        Unit::HeaderChars => merge(
            property,
            json!({"minLength": min, "maxLength": max, "pattern": "^[ -~]*$"}),
        ),
        Unit::Utf16 => {
            merge(property, json!({"minLength": min, "maxLength": max / 2}));
            note(
                property,
                &format!(
                    "LINE counts it in UTF-16 code units, at most {max} (a character beyond the Basic \
                     Multilingual Plane, such as an emoji, counts 2); JSON Schema counts characters, so \
                     maxLength is {}, the most characters that can never be more than {max} units. The \
                     connector itself takes up to {max} units.",
                    max / 2
                ),
            );
        }
    }
}

fn items(min: usize, max: usize, each: Option<&Rule>, property: &mut Value) {
    if min > 0 {
        merge(property, json!({"minItems": min}));
    }
    if max != usize::MAX {
        merge(property, json!({"maxItems": max}));
    }
    if let Some(each) = each {
        let mut item = property.get("items").cloned().unwrap_or_else(|| json!({}));
        apply(each, &mut item);
        property["items"] = item;
    }
}

fn url(schemes: &[&str], max: usize) -> Value {
    let pattern = format!("^(?:{})://[{URL_CHARS}]+$", schemes.join("|"));
    match max {
        usize::MAX => json!({"pattern": pattern}),
        _ => json!({"pattern": pattern, "maxLength": max}),
    }
}

/// Whole numbers from `min` (0 or 1) to `max` written as digits without
/// leading zeros, as a regular expression.
pub fn digits_pattern(min: u64, max: u64) -> String {
    assert!(min <= 1, "a range of digits starts at 0 or 1");
    let digits: Vec<u32> = max
        .to_string()
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    let n = digits.len();
    let mut alternatives = Vec::new();
    if min == 0 {
        alternatives.push("0".to_owned());
    }
    if n > 1 {
        alternatives.push(format!("[1-9][0-9]{{0,{}}}", n - 2));
    }
    for i in 0..n {
        let low = u32::from(i == 0);
        if digits[i] > low {
            let prefix: String = digits[..i].iter().map(|d| d.to_string()).collect();
            let rest = match n - i - 1 {
                0 => String::new(),
                k => format!("[0-9]{{{k}}}"),
            };
            alternatives.push(format!("{prefix}[{low}-{}]{rest}", digits[i] - 1));
        }
    }
    if max >= 1 {
        alternatives.push(max.to_string());
    }
    format!("^(?:{})$", alternatives.join("|"))
}

/// The schema fragment of each custom check.
fn custom(kind: Custom, property: &mut Value) {
    match kind {
        Custom::Messages => {
            let max = crate::rule::MAX_MESSAGES;
            let objects = json!({"minItems": 1, "maxItems": max});
            json_text(property, objects);
        }
        Custom::JsonObject => json_text(property, json!({})),
        Custom::Phone => merge(property, json!({"pattern": PHONE_PATTERN})),
        Custom::MenuSize => {
            let (least, most, least_height) = MENU_SIDES;
            let most_height = most * 100 / MENU_RATIO_PERCENT;
            merge(
                property,
                json!({"properties": {
                    "width": {"minimum": least, "maximum": most},
                    "height": {"minimum": least_height, "maximum": most_height},
                }}),
            );
            note(
                property,
                "Width / height must also be at least 1.45, which the connector checks.",
            );
        }
        Custom::MenuAreas => {
            merge(property, json!({"maxItems": MAX_MENU_AREAS}));
            note(
                property,
                "Each area's action is checked by LINE's rules for actions by the connector.",
            );
        }
        Custom::BatchOperations => merge(
            property,
            json!({"minItems": 1, "maxItems": MAX_BATCH_OPERATIONS}),
        ),
        Custom::LiffView => merge(
            property,
            json!({"properties": {
                "type": {"enum": LIFF_VIEW_TYPES},
                "url": url(&["https"], usize::MAX),
            }}),
        ),
    }
}

/// A field of LINE objects that also takes them as JSON text (`anyOf` the
/// objects and a string): `objects` added to the first branch, and the
/// second said to be JSON of that shape. `contentSchema` is only an
/// annotation to validators, so the text's outer shape is also a `pattern`
/// every validator applies ([`JSON_ARRAY_TEXT`], [`JSON_OBJECT_TEXT`]).
fn json_text(property: &mut Value, objects: Value) {
    let Some(branches) = property["anyOf"].as_array_mut() else {
        return;
    };
    merge(&mut branches[0], objects);
    let shape = branches[0].clone();
    let (pattern, what) = match shape["type"].as_str() {
        Some("array") => (JSON_ARRAY_TEXT, "an array: [ … ]"),
        _ => (JSON_OBJECT_TEXT, "an object: { … }"),
    };
    branches[1]["pattern"] = json!(pattern);
    branches[1]["description"] = json!(format!("the same, as JSON text of {what}"));
    branches[1]["contentMediaType"] = json!("application/json");
    branches[1]["contentSchema"] = shape;
}

/// JSON text of an array: its brackets, with anything (checked by the
/// component) between, and JSON's blanks (space, tab, CR, LF) around.
pub const JSON_ARRAY_TEXT: &str = r"^[ \t\n\r]*\[[\s\S]*\][ \t\n\r]*$";

/// JSON text of an object: its braces, with anything between.
pub const JSON_OBJECT_TEXT: &str = r"^[ \t\n\r]*\{[\s\S]*\}[ \t\n\r]*$";

/// Adds the catalogue's rules to every property of the record schema
/// `schema`, at every level of records (not inside lists: a list's own
/// rule checks its items), as the component applies them.
pub fn add_catalogue(schema: &mut Value) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, property) in properties.iter_mut() {
        add_catalogue(property);
        let rule = crate::rule::Json::of_schema(property)
            .and_then(|json| crate::catalogue::rule_for(key, json));
        if let Some(rule) = rule {
            apply(rule, property);
        }
    }
}

/// An operation's own rules, in place of the usual ones of those fields.
pub fn add_own(schema: &mut Value, own: &[(&str, Rule)]) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, rule) in own {
        if let Some(property) = properties.get_mut(*key) {
            let objects = matches!(rule, Rule::Custom(Custom::Messages | Custom::JsonObject));
            if property.get("anyOf").is_some() && !objects {
                // A name that elsewhere holds LINE objects as JSON text is
                // plain text here.
                let mut text = json!({"type": "string"});
                if let Some(docs) = property.get("description") {
                    text["description"] = docs.clone();
                }
                *property = text;
            }
            clear(property);
            apply(rule, property);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_ranges_as_patterns() {
        assert_eq!(digits_pattern(1, 100), "^(?:[1-9][0-9]{0,1}|100)$");
        assert_eq!(digits_pattern(1, 9), "^(?:[1-8]|9)$");
        assert_eq!(
            digits_pattern(0, 250),
            "^(?:0|[1-9][0-9]{0,1}|[1-1][0-9]{2}|2[0-4][0-9]{1}|250)$"
        );
    }

    #[test]
    fn ids_as_patterns() {
        let crate::rule::Rule::Id(receiver) = crate::catalogue::RECEIVER else {
            unreachable!()
        };
        assert_eq!(id_pattern(&receiver), "^(?:U|C|R)[0-9a-f]{32}$");
        let crate::rule::Rule::Id(alias) = crate::catalogue::ALIAS_ID else {
            unreachable!()
        };
        assert_eq!(id_pattern(&alias), "^[a-z0-9_-]{1,32}$");
    }

    #[test]
    fn a_utf16_bound_never_accepts_more_units() {
        let mut property = json!({"type": "string"});
        apply(
            crate::catalogue::rule_for("text", crate::rule::Json::String).unwrap(),
            &mut property,
        );
        assert_eq!(property["maxLength"], 2500);
        assert!(property["description"].as_str().unwrap().contains("UTF-16"));
    }

    #[test]
    fn list_items_get_their_rule() {
        let mut property = json!({"type": "array", "items": {"type": "string"}});
        apply(
            crate::catalogue::rule_for("to", crate::rule::Json::Array).unwrap(),
            &mut property,
        );
        assert_eq!(property["minItems"], 1);
        assert_eq!(property["items"]["pattern"], "^U[0-9a-f]{32}$");
        assert!(property.get("maxItems").is_none());
    }
}
