//! LINE's server-side body checks, as the simulator applies them: every
//! problem is collected into LINE's `details` list, as LINE reports them.

use serde_json::{Value, json};

/// The message types LINE knows.
pub const MESSAGE_TYPES: [&str; 11] = [
    "text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap", "template",
    "flex", "coupon",
];

/// The problems found in one request body.
#[derive(Default, Debug)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    /// Notes a problem at `property` unless `ok`.
    pub fn check(&mut self, ok: bool, property: &str, message: &str) {
        if !ok {
            self.0.push((property.to_owned(), message.to_owned()));
        }
    }

    /// LINE's 400 body: `{"message": "The request body has N error(s)", "details": [...]}`.
    pub fn into_line_error(self) -> Value {
        let details: Vec<Value> = self
            .0
            .iter()
            .map(|(p, m)| json!({"message": m, "property": p}))
            .collect();
        json!({"message": format!("The request body has {} error(s)", details.len()), "details": details})
    }

    /// `Ok` when there are none, LINE's 400 body otherwise.
    pub fn into_result(self) -> Result<(), Value> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_line_error())
        }
    }
}

/// Whether `id` is one of LINE's ids: a prefix letter and 32 hex digits.
pub fn is_id(id: &str, prefixes: &[char]) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| prefixes.contains(&c))
        && chars.as_str().len() == 32
        && chars
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks that `body[key]` is a user id.
pub fn user_id(body: &Value, key: &str, problems: &mut Problems) {
    let ok = body
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|id| is_id(id, &['U']));
    problems.check(ok, key, "Must be a valid user id");
}

/// Checks that `body[key]` is a user, group or room id.
pub fn receiver_id(body: &Value, key: &str, problems: &mut Problems) {
    let ok = body
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|id| is_id(id, &['U', 'C', 'R']));
    problems.check(ok, key, "Must be a valid user, group or room id");
}

/// Whether `date` is a real calendar day written `yyyyMMdd`.
pub fn is_date(date: &str) -> bool {
    let format = time::macros::format_description!("[year][month][day]");
    date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
        && time::Date::parse(date, &format).is_ok()
}

/// Checks `body.messages`: 1 to 5 message objects of known types with the
/// fields each type requires.
pub fn messages(body: &Value, problems: &mut Problems) {
    let Some(list) = body.get("messages").and_then(Value::as_array) else {
        problems.check(false, "messages", "May not be null");
        return;
    };
    problems.check(
        (1..=5).contains(&list.len()),
        "messages",
        "Size must be between 1 and 5",
    );
    for (i, message) in list.iter().enumerate() {
        check_message(message, &format!("messages[{i}]"), problems);
    }
}

fn check_message(message: &Value, at: &str, problems: &mut Problems) {
    let field = |key: &str| format!("{at}.{key}");
    let text = |key: &str| message.get(key).and_then(Value::as_str);
    let kind = text("type").unwrap_or_default();
    if !MESSAGE_TYPES.contains(&kind) {
        let values = MESSAGE_TYPES.join(", ");
        problems.check(
            false,
            &field("type"),
            &format!("Must be one of the following values: [{values}]"),
        );
        return;
    }
    let required: &[&str] = match kind {
        "text" | "textV2" => &["text"],
        "coupon" => &["couponId"],
        "sticker" => &["packageId", "stickerId"],
        "image" | "video" => &["originalContentUrl", "previewImageUrl"],
        "audio" => &["originalContentUrl"],
        "location" => &["title", "address"],
        "imagemap" => &["baseUrl", "altText"],
        _ => &["altText"],
    };
    for key in required {
        problems.check(
            text(key).is_some_and(|v| !v.is_empty()),
            &field(key),
            "May not be empty",
        );
    }
    if let Some(t) = text("text") {
        problems.check(
            t.encode_utf16().count() <= 5000,
            &field("text"),
            "Length must be between 0 and 5000",
        );
    }
    if let Some(alt) = text("altText") {
        problems.check(
            alt.chars().count() <= 1500,
            &field("altText"),
            "Length must be between 0 and 1500",
        );
    }
    let objects: &[&str] = match kind {
        "template" => &["template"],
        "flex" => &["contents"],
        _ => &[],
    };
    for key in objects {
        problems.check(
            message.get(*key).is_some_and(Value::is_object),
            &field(key),
            "May not be null",
        );
    }
    if let Some(quick) = message.get("quickReply") {
        let count = quick
            .get("items")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        problems.check(
            (1..=13).contains(&count),
            &field("quickReply.items"),
            "Size must be between 1 and 13",
        );
    }
}

/// Whether `id` is a rich menu id: `richmenu-` and 32 hex digits.
pub fn is_rich_menu_id(id: &str) -> bool {
    id.strip_prefix("richmenu-").is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Whether `alias` is a rich menu alias id: `^[a-z0-9_-]{1,32}$`.
pub fn is_alias_id(alias: &str) -> bool {
    (1..=32).contains(&alias.len())
        && alias
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Checks a rich menu object (`RichMenuRequest`): its size, `selected`,
/// `name`, `chatBarText`, and at most 20 areas inside the menu, each with
/// an action.
pub fn rich_menu(body: &Value, problems: &mut Problems) {
    let number = |value: &Value, key: &str| value.get(key).and_then(Value::as_u64);
    let size = &body["size"];
    let (width, height) = (number(size, "width"), number(size, "height"));
    let fits = match (width, height) {
        (Some(w), Some(h)) => (800..=2500).contains(&w) && h >= 250 && w * 100 >= h * 145,
        _ => false,
    };
    problems.check(fits, "size", "invalid rich menu size");
    problems.check(body["selected"].is_boolean(), "selected", "May not be null");
    let text = |key: &str, max: usize| body[key].as_str().is_some_and(|t| t.chars().count() <= max);
    problems.check(
        text("name", 300),
        "name",
        "Length must be between 0 and 300",
    );
    problems.check(
        text("chatBarText", 14),
        "chatBarText",
        "Length must be between 0 and 14",
    );
    let Some(areas) = body["areas"].as_array() else {
        problems.check(false, "areas", "May not be null");
        return;
    };
    problems.check(areas.len() <= 20, "areas", "Size must be between 0 and 20");
    for (i, area) in areas.iter().enumerate() {
        let bounds = &area["bounds"];
        let inside = |at: &str, side: &str, limit: Option<u64>| match (
            number(bounds, at),
            number(bounds, side),
            limit,
        ) {
            (Some(at), Some(side), Some(limit)) => side >= 1 && at + side <= limit,
            _ => false,
        };
        problems.check(
            inside("x", "width", width) && inside("y", "height", height),
            &format!("areas[{i}].bounds"),
            "invalid area bounds: it must lie inside the rich menu",
        );
        let kind = area["action"]["type"].as_str().unwrap_or_default();
        problems.check(
            ACTION_TYPES.contains(&kind),
            &format!("areas[{i}].action.type"),
            "invalid action type",
        );
    }
}

/// The action types LINE knows.
pub const ACTION_TYPES: [&str; 9] = [
    "postback",
    "message",
    "uri",
    "datetimepicker",
    "richmenuswitch",
    "clipboard",
    "camera",
    "cameraRoll",
    "location",
];
