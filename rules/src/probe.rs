//! Each rule's boundaries, as values to try: the last accepted and the
//! first refused, with what the component and the schema each must say.
//! The boundary test (`tests/all/rules.rs`) tries every one through the
//! real component and the manifest's schema; the unit test below through
//! [`crate::check`].

use crate::custom::{MAX_BATCH_OPERATIONS, MAX_MENU_AREAS};
use crate::rule::{Chars, Custom, Id, Json, Rule, Unit};
use serde_json::{Value, json};

/// One value to try.
#[derive(Clone, Debug)]
pub struct Probe {
    /// What it is, for messages.
    pub what: String,
    /// The value (JSON text for a field of LINE objects as text).
    pub value: Value,
    /// Whether the component takes it.
    pub component: bool,
    /// Whether the schema takes it.
    pub schema: bool,
}

fn probe(what: impl Into<String>, value: Value, component: bool, schema: bool) -> Probe {
    Probe {
        what: what.into(),
        value,
        component,
        schema,
    }
}

/// Taken by both, or refused by both.
fn both(what: impl Into<String>, value: Value, taken: bool) -> Probe {
    probe(what, value, taken, taken)
}

/// The probes of `rule`, for a field of type `json`.
pub fn probes(rule: &Rule, json: Json) -> Vec<Probe> {
    match rule {
        Rule::Id(shape) => id(shape),
        Rule::Length { unit, min, max } => length(*unit, *min, *max),
        Rule::Token { max } => vec![
            both("the longest", json!("a".repeat(*max)), true),
            both("one too long", json!("a".repeat(max + 1)), false),
            both("empty", json!(""), false),
            both("blank", json!("   "), false),
        ],
        Rule::Range { min, max } => range(*min, *max, json),
        Rule::Steps { min, max, step } => vec![
            both("the least", json!(min), true),
            both("the most", json!(max), true),
            both("a step over", json!(max + step), false),
            both("between steps", json!(min + 1), false),
            both("a step under", json!(min.saturating_sub(*step)), false),
        ],
        Rule::Items { min, max, each } => items(*min, *max, *each),
        Rule::Date => vec![
            both("a leap day", json!("20240229"), true),
            both("the last day of a year", json!("20251231"), true),
            both("no leap day", json!("20230229"), false),
            both("no leap day in 1900", json!("19000229"), false),
            both("a 13th month", json!("20251301"), false),
            both("seven digits", json!("2025123"), false),
        ],
        Rule::Url { schemes, max } => url(schemes, *max),
        Rule::Uuid => vec![
            both(
                "a UUID",
                json!("123e4567-e89b-12d3-a456-426614174000"),
                true,
            ),
            both(
                "in capitals",
                json!("123E4567-E89B-12D3-A456-426614174000"),
                true,
            ),
            both(
                "one short",
                json!("123e4567-e89b-12d3-a456-42661417400"),
                false,
            ),
            both("no UUID", json!("not-a-uuid"), false),
        ],
        Rule::Custom(kind) => custom(*kind),
    }
}

fn id(shape: &Id) -> Vec<Probe> {
    let (good, bad) = shape.chars.samples();
    let body = |n: usize| good.to_string().repeat(n);
    let mut found = Vec::new();
    for prefix in shape.prefixes {
        found.push(both(
            format!("{prefix}… the longest"),
            json!(format!("{prefix}{}", body(shape.max))),
            true,
        ));
        found.push(both(
            format!("{prefix}… the shortest"),
            json!(format!("{prefix}{}", body(shape.min))),
            true,
        ));
    }
    let prefix = shape.prefixes[0];
    found.push(both(
        "one too long",
        json!(format!("{prefix}{}", body(shape.max + 1))),
        false,
    ));
    if shape.min > 0 {
        found.push(both(
            "one too short",
            json!(format!("{prefix}{}", body(shape.min - 1))),
            false,
        ));
    }
    found.push(both(
        "a character of another class",
        json!(format!("{prefix}{bad}{}", body(shape.max - 1))),
        false,
    ));
    if !prefix.is_empty() {
        found.push(both(
            "another prefix",
            json!(format!("X{}", body(shape.max))),
            false,
        ));
    }
    if shape.chars == Chars::LowerHex {
        found.push(both(
            "in capitals",
            json!(format!("{prefix}{}", "A".repeat(shape.max))),
            false,
        ));
    }
    found
}

fn length(unit: Unit, min: usize, max: usize) -> Vec<Probe> {
    let mut found = vec![both("one too long", json!("a".repeat(max + 1)), false)];
    if min > 0 {
        found.push(both("one too short", json!("a".repeat(min - 1)), false));
        found.push(both("the shortest", json!("a".repeat(min)), true));
    }
    match unit {
        Unit::Chars => {
            found.push(both("the longest", json!("a".repeat(max)), true));
            found.push(both("the longest in emoji", json!("😀".repeat(max)), true));
        }
        Unit::HeaderChars => {
            let with = |c: &str| format!("{}{c}a", "a".repeat(min.max(2) - 2));
            found.push(both("the longest", json!("a".repeat(max)), true));
            found.push(both("with spaces", json!(with(" ")), true));
            found.push(both("with CR LF", json!(with("\r\n")), false));
            found.push(both("with NUL", json!(with("\u{0}")), false));
            found.push(both("with non-ASCII", json!(with("é")), false));
        }
        Unit::Utf16 => {
            // The schema counts characters: it takes at most max / 2.
            found.push(probe("the longest", json!("a".repeat(max)), true, false));
            found.push(both(
                "the schema's longest",
                json!("a".repeat(max / 2)),
                true,
            ));
            found.push(both(
                "the longest in emoji",
                json!("😀".repeat(max / 2)),
                true,
            ));
            found.push(both(
                "one unit too long in emoji",
                json!("😀".repeat(max / 2 + 1)),
                false,
            ));
        }
    }
    found
}

fn range(min: u64, max: u64, json: Json) -> Vec<Probe> {
    let value = |n: u64| match json {
        Json::String => json!(n.to_string()),
        _ => json!(n),
    };
    let mut found = vec![
        both("the least", value(min), true),
        both("the most", value(max), true),
        both("one over", value(max + 1), false),
    ];
    match (min, json) {
        (0, Json::String) => found.push(both("not digits", json!("-1"), false)),
        (0, _) => found.push(both("below zero", json!(-1), false)),
        (least, _) => found.push(both("one under", value(least - 1), false)),
    }
    found
}

fn items(min: usize, max: usize, each: Option<&Rule>) -> Vec<Probe> {
    let each_probes = each
        .map(|rule| probes(rule, Json::String))
        .unwrap_or_default();
    let good = each_probes
        .iter()
        .find(|p| p.component && p.schema)
        .map_or(json!("x"), |p| p.value.clone());
    let list = |n: usize| Value::Array(vec![good.clone(); n]);
    let mut found = vec![both("the fewest", list(min), true)];
    match max {
        usize::MAX => found.push(both("many", list(min.max(1) * 3), true)),
        _ => {
            found.push(both("the most", list(max), true));
            found.push(both("one too many", list(max + 1), false));
        }
    }
    if min > 0 {
        found.push(both("one too few", list(min - 1), false));
    }
    if let Some(bad) = each_probes.iter().find(|p| !p.component && !p.schema) {
        let mut mixed = vec![good.clone(); min.max(1)];
        mixed.push(bad.value.clone());
        if mixed.len() <= max {
            found.push(both(
                format!("an item {}", bad.what),
                Value::Array(mixed),
                false,
            ));
        }
    }
    found
}

fn url(schemes: &[&str], max: usize) -> Vec<Probe> {
    let start = format!("{}://", schemes[0]);
    let mut found = Vec::new();
    for scheme in schemes {
        found.push(both(
            format!("{scheme} URL"),
            json!(format!("{scheme}://example.com/a?b=c#d")),
            true,
        ));
    }
    if max != usize::MAX {
        let pad = |n: usize| format!("{start}{}", "a".repeat(n - start.len()));
        found.push(both("the longest", json!(pad(max)), true));
        found.push(both("one too long", json!(pad(max + 1)), false));
    }
    found.push(both("another scheme", json!("ftp://example.com"), false));
    found.push(both("a space", json!(format!("{start}a b")), false));
    found.push(both("no host", json!(start), false));
    found
}

/// A postback action, valid everywhere an action is.
fn postback() -> Value {
    json!({"type": "postback", "data": "x"})
}

fn custom(kind: Custom) -> Vec<Probe> {
    let text = |value: Value| json!(value.to_string());
    let message = json!({"type": "text", "text": "hi"});
    match kind {
        Custom::Messages => vec![
            both("five", text(json!(vec![message.clone(); 5])), true),
            both("six", text(json!(vec![message.clone(); 6])), false),
            both("none", text(json!([])), false),
        ],
        Custom::JsonObject => vec![
            both("an object", text(json!({"type": "operator"})), true),
            both("an array", text(json!([1])), false),
        ],
        Custom::Phone => vec![
            both("E.164", json!("+818000001234"), true),
            both("the shortest", json!("+12"), true),
            both("the longest", json!("+123456789012345"), true),
            both("a hash", json!("a".repeat(64)), true),
            both("one digit too many", json!("+1234567890123456"), false),
            both("a leading 0", json!("+0123"), false),
            both("no +", json!("818000001234"), false),
        ],
        Custom::MenuSize => {
            let size = |w: u64, h: u64| json!({"width": w, "height": h});
            vec![
                both("the large size", size(2500, 1686), true),
                both("the smallest", size(800, 250), true),
                both("too narrow", size(799, 250), false),
                both("too wide", size(2501, 250), false),
                both("too low", size(800, 249), false),
                both("taller than any ratio allows", size(2500, 1725), false),
                // The ratio is the connector's own check.
                probe("taller than 1.45", size(800, 552), false, true),
            ]
        }
        Custom::MenuAreas => {
            let area = json!({"bounds": {"x": 0, "y": 0, "width": 10, "height": 10}, "action": postback()});
            let areas = |n: usize| Value::Array(vec![area.clone(); n]);
            vec![
                both("the most", areas(MAX_MENU_AREAS), true),
                both("one too many", areas(MAX_MENU_AREAS + 1), false),
            ]
        }
        Custom::BatchOperations => {
            let operation = json!({"type": "unlinkAll"});
            let operations = |n: usize| Value::Array(vec![operation.clone(); n]);
            vec![
                both("the most", operations(MAX_BATCH_OPERATIONS), true),
                both("one too many", operations(MAX_BATCH_OPERATIONS + 1), false),
                both("none", operations(0), false),
            ]
        }
        Custom::LiffView => vec![
            both(
                "a view",
                json!({"type": "full", "url": "https://example.com"}),
                true,
            ),
            both(
                "another type",
                json!({"type": "huge", "url": "https://example.com"}),
                false,
            ),
            both(
                "plain http",
                json!({"type": "tall", "url": "http://example.com"}),
                false,
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every probe of every catalogue rule says what [`crate::check`] does.
    #[test]
    fn the_probes_say_what_the_checks_do() {
        for entry in crate::CATALOGUE {
            for p in probes(&entry.rule, entry.json) {
                let taken = crate::check(entry.field, &entry.rule, p.value.clone()).is_ok();
                assert_eq!(
                    taken, p.component,
                    "{} ({:?}), {}: {}",
                    entry.field, entry.json, p.what, p.value
                );
            }
        }
    }
}
