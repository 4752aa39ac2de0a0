//! The rules that are code of their own ([`Custom`]): message objects,
//! LINE objects as JSON text, phone numbers, rich menus and their actions,
//! batch changes, LIFF views; and the checks that tie fields of one input
//! together or read a file of ids.

use crate::basic::{chars_between, id, url};
use crate::rule::{Custom, Invalid, invalid, invalid_got};
use serde_json::{Map, Value};

/// Checks `value` by the custom rule `kind`; returns what to send.
pub fn check(path: &str, kind: Custom, value: Value) -> Result<Value, Invalid> {
    match kind {
        Custom::Messages => messages(path, &value),
        Custom::JsonObject => json_object(path, &value),
        Custom::Phone => phone_hash(path, &value).map(Value::String),
        Custom::MenuSize => {
            let side = |key: &str| value.get(key).and_then(Value::as_u64).unwrap_or(0);
            menu_size(path, side("width"), side("height"))?;
            Ok(value)
        }
        Custom::MenuAreas => menu_areas(path, &value).map(|()| value),
        Custom::BatchOperations => batch_operations(path, &value).map(|()| value),
        Custom::LiffView => liff_view(path, &value).map(|()| value),
    }
}

/// A rich menu holds at most this many areas.
pub const MAX_MENU_AREAS: usize = 20;
/// A rich-menu batch change holds at most this many operations.
pub const MAX_BATCH_OPERATIONS: usize = 1000;
/// A rich menu's least width, most width, least height, in pixels.
pub const MENU_SIDES: (u64, u64, u64) = (800, 2500, 250);
/// A rich menu's least width / height, in hundredths.
pub const MENU_RATIO_PERCENT: u64 = 145;
/// LIFF view types.
pub const LIFF_VIEW_TYPES: [&str; 3] = ["compact", "tall", "full"];

/// JSON text longer than a request body can hold is refused before it is
/// parsed.
fn parsed(path: &str, value: &Value) -> Result<Value, Invalid> {
    let Some(text) = value.as_str() else {
        return Err(invalid(path, "must be JSON text"));
    };
    if text.len() > crate::rule::MAX_BODY_BYTES {
        return Err(invalid(
            path,
            format!(
                "is {} bytes long; a request body holds at most {}",
                text.len(),
                crate::rule::MAX_BODY_BYTES
            ),
        ));
    }
    serde_json::from_str(text).map_err(|e| invalid(path, format!("is not valid JSON: {e}")))
}

/// JSON text of one LINE object (`recipient`, `filter`, `limit`).
pub fn json_object(path: &str, value: &Value) -> Result<Value, Invalid> {
    let object = parsed(path, value)?;
    if !object.is_object() {
        return Err(invalid(path, "must be a JSON object"));
    }
    Ok(object)
}

/// `messages`: JSON text of an array of 1 to 5 LINE message objects.
pub fn messages(path: &str, value: &Value) -> Result<Value, Invalid> {
    let list = parsed(path, value)?;
    let Some(items) = list.as_array() else {
        return Err(invalid(path, "must be a JSON array of message objects"));
    };
    if items.is_empty() || items.len() > crate::rule::MAX_MESSAGES {
        return Err(invalid(
            path,
            format!(
                "must hold 1 to {} messages, got {}",
                crate::rule::MAX_MESSAGES,
                items.len()
            ),
        ));
    }
    for (i, message) in items.iter().enumerate() {
        self::message(&format!("{path}[{i}]"), message)?;
    }
    Ok(list)
}

/// One message object: its `type`, and the limits LINE states for text,
/// `altText` and quick replies.
fn message(path: &str, message: &Value) -> Result<(), Invalid> {
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
        let text = required_str(path, message, "text")?;
        crate::basic::length(
            &format!("{path}.text"),
            crate::rule::Unit::Utf16,
            1,
            crate::rule::MAX_TEXT_UTF16,
            text,
        )?;
    }
    if matches!(kind, "imagemap" | "template" | "flex") {
        let alt = required_str(path, message, "altText")?;
        chars_between(
            &format!("{path}.altText"),
            alt,
            1,
            crate::rule::MAX_ALT_TEXT,
        )?;
    }
    if let Some(quick) = message.get("quickReply") {
        let items = quick.get("items").and_then(Value::as_array);
        let max = crate::rule::MAX_QUICK_REPLY_ITEMS;
        let Some(items) = items.filter(|i| (1..=max).contains(&i.len())) else {
            return Err(invalid(
                format!("{path}.quickReply.items"),
                format!("must be an array of 1 to {max} items"),
            ));
        };
        for (i, item) in items.iter().enumerate() {
            action(
                &format!("{path}.quickReply.items[{i}].action"),
                &item["action"],
            )?;
        }
    }
    template_actions(&format!("{path}.template"), &message["template"])
}

/// The actions of a template message: its `actions`, its `defaultAction`
/// and its columns' (image carousels: `action`).
fn template_actions(path: &str, template: &Value) -> Result<(), Invalid> {
    let mut found = vec![(path.to_owned(), template)];
    let columns = template["columns"].as_array().into_iter().flatten();
    for (j, column) in columns.enumerate() {
        found.push((format!("{path}.columns[{j}]"), column));
    }
    for (at, holder) in found {
        let actions = holder["actions"].as_array().into_iter().flatten();
        for (i, one) in actions.enumerate() {
            action(&format!("{at}.actions[{i}]"), one)?;
        }
        for key in ["defaultAction", "action"] {
            if let Some(one) = holder.get(key) {
                action(&format!("{at}.{key}"), one)?;
            }
        }
    }
    Ok(())
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

/// The longest value of an action's text fields, in characters (LINE's
/// limits).
pub const ACTION_FIELD_CHARS: [(&str, usize); 7] = [
    ("label", 20),
    ("data", 300),
    ("displayText", 300),
    ("text", 300),
    ("fillInText", 300),
    ("uri", 1000),
    ("clipboardText", 1000),
];

/// The schemes an action's `uri` may have.
pub const ACTION_URI_SCHEMES: [&str; 4] = ["http", "https", "line", "tel"];

/// The fields each action type needs.
fn needed(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "postback" => &["data"],
        "datetimepicker" => &["data", "mode"],
        "message" => &["text"],
        "uri" => &["uri"],
        "richmenuswitch" => &["richMenuAliasId", "data"],
        "clipboard" => &["clipboardText"],
        _ if ACTION_TYPES.contains(&kind) => &[],
        _ => return None,
    })
}

/// One action object (LINE's `Action`), in a rich menu's area or a message
/// (quick reply, template): a known `type`, the fields that type needs,
/// and LINE's lengths.
pub fn action(path: &str, action: &Value) -> Result<(), Invalid> {
    if !action.is_object() {
        return Err(invalid(path, "must be an action object"));
    }
    let kind = required_str(path, action, "type")?;
    let Some(needed) = needed(kind) else {
        return Err(invalid_got(
            format!("{path}.type"),
            format!("must be one of {}", ACTION_TYPES.join(", ")),
            kind,
        ));
    };
    for key in needed {
        required_str(path, action, key)?;
    }
    for (key, max) in ACTION_FIELD_CHARS {
        if let Some(value) = action.get(key) {
            let text = value
                .as_str()
                .ok_or_else(|| invalid(format!("{path}.{key}"), "must be a string"))?;
            let min = usize::from(needed.contains(&key));
            chars_between(&format!("{path}.{key}"), text, min, max)?;
        }
    }
    let field = |key: &str| action.get(key).and_then(Value::as_str);
    if let Some(uri) = field("uri") {
        let scheme = uri.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        if !scheme.is_some_and(|s| ACTION_URI_SCHEMES.contains(&s.as_str())) {
            return Err(invalid_got(
                format!("{path}.uri"),
                "must be an http, https, line or tel URI",
                uri,
            ));
        }
    }
    if let Some(alias) = field("richMenuAliasId") {
        let crate::rule::Rule::Id(shape) = crate::catalogue::ALIAS_ID else {
            unreachable!("an alias id is an id")
        };
        id(&format!("{path}.richMenuAliasId"), &shape, alias)?;
    }
    let one_of = |key: &str, allowed: &[&str]| match field(key) {
        Some(value) if !allowed.contains(&value) => Err(invalid_got(
            format!("{path}.{key}"),
            format!("must be one of {}", allowed.join(", ")),
            value,
        )),
        _ => Ok(()),
    };
    one_of("mode", &["date", "time", "datetime"])?;
    one_of(
        "inputOption",
        &["closeRichMenu", "openRichMenu", "openKeyboard", "openVoice"],
    )?;
    if let Some(desktop) = action["altUri"]["desktop"].as_str() {
        chars_between(&format!("{path}.altUri.desktop"), desktop, 0, 1000)?;
    }
    Ok(())
}

/// A rich menu's (or its image's) size: 800 to 2500 pixels wide, at least
/// 250 high, width / height at least 1.45.
pub fn menu_size(path: &str, width: u64, height: u64) -> Result<(), Invalid> {
    let (least, most, least_height) = MENU_SIDES;
    let problem = if !(least..=most).contains(&width) {
        "the width must be 800 to 2500 pixels"
    } else if height < least_height {
        "the height must be at least 250 pixels"
    } else if width * 100 < height * MENU_RATIO_PERCENT {
        "width / height must be at least 1.45"
    } else {
        return Ok(());
    };
    Err(invalid(path, format!("is {width}x{height}: {problem}")))
}

/// A rich menu's areas: at most [`MAX_MENU_AREAS`], each with a valid
/// action.
fn menu_areas(path: &str, value: &Value) -> Result<(), Invalid> {
    let Some(areas) = value.as_array() else {
        return Err(invalid(path, "must be an array"));
    };
    if areas.len() > MAX_MENU_AREAS {
        return Err(invalid(
            path,
            format!("holds at most {MAX_MENU_AREAS} areas, got {}", areas.len()),
        ));
    }
    for (i, area) in areas.iter().enumerate() {
        action(&format!("{path}[{i}].action"), &area["action"])?;
    }
    Ok(())
}

/// A batch change's operations: 1 to [`MAX_BATCH_OPERATIONS`], each `link`
/// (`from`, `to`), `unlink` (`from`) or `unlinkAll`, with rich menu ids.
fn batch_operations(path: &str, value: &Value) -> Result<(), Invalid> {
    let operations = value.as_array().map_or(&[][..], Vec::as_slice);
    if operations.is_empty() || operations.len() > MAX_BATCH_OPERATIONS {
        return Err(invalid(
            path,
            format!(
                "must hold 1 to {MAX_BATCH_OPERATIONS} operations, got {}",
                operations.len()
            ),
        ));
    }
    let crate::rule::Rule::Id(menu) = crate::catalogue::RICH_MENU_ID else {
        unreachable!("a rich menu id is an id")
    };
    for (i, operation) in operations.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let menus: &[&str] = match operation["type"].as_str().unwrap_or_default() {
            "link" => &["from", "to"],
            "unlink" => &["from"],
            "unlinkAll" => &[],
            other => {
                return Err(invalid_got(
                    format!("{at}.type"),
                    "must be link, unlink or unlinkAll",
                    other,
                ));
            }
        };
        for key in menus {
            id(
                &format!("{at}.{key}"),
                &menu,
                required_str(&at, operation, key)?,
            )?;
        }
    }
    Ok(())
}

/// A LIFF app's view: `type` `compact`, `tall` or `full`, `url` an https
/// URL (both as given; an update may leave them out).
fn liff_view(path: &str, view: &Value) -> Result<(), Invalid> {
    if let Some(kind) = view.get("type").and_then(Value::as_str)
        && !LIFF_VIEW_TYPES.contains(&kind)
    {
        return Err(invalid_got(
            format!("{path}.type"),
            "must be compact, tall or full",
            kind,
        ));
    }
    if let Some(address) = view.get("url").and_then(Value::as_str) {
        url(&format!("{path}.url"), &["https"], usize::MAX, address)?;
    }
    Ok(())
}

/// The SHA-256 (lowercase hex) of a phone number in E.164 (`+` and 2 to 15
/// digits, no leading 0), which LINE takes in its place; a hash already
/// made (64 hex digits) as it is.
pub fn phone_hash(path: &str, value: &Value) -> Result<String, Invalid> {
    use sha2::Digest as _;
    let phone = value.as_str().unwrap_or_default();
    let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
    if phone.len() == 64 && phone.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(phone.to_ascii_lowercase());
    }
    let digits = phone.strip_prefix('+').unwrap_or_default();
    let e164 = (2..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if e164 {
        return Ok(hex(&sha2::Sha256::digest(phone.as_bytes())));
    }
    Err(invalid(
        path,
        "must be a phone number in E.164 (+ and 2 to 15 digits, e.g. +818000001234) or its SHA-256 (64 hex digits)",
    ))
}

/// An audience's id: a user id, or with `ifa` an IFA (a UUID).
fn audience_id(path: &str, value: &str, ifa: bool) -> Result<(), Invalid> {
    match ifa {
        false => {
            let crate::rule::Rule::Id(user) = crate::catalogue::USER_ID else {
                unreachable!("a user id is an id")
            };
            id(path, &user, value)
        }
        true if uuid::Uuid::try_parse(value).is_ok() => Ok(()),
        true => Err(invalid_got(path, "must be an IFA (a UUID)", value)),
    }
}

/// A file of audience ids: UTF-8 text, one id a line (user ids, or IFAs
/// with `ifa`), 1 to [`crate::rule::MAX_FILE_IDS`] of them.
pub fn ids_file(path: &str, file: &[u8], ifa: bool) -> Result<(), Invalid> {
    let text = std::str::from_utf8(file)
        .map_err(|_| invalid(path, "must be a text file (UTF-8) of ids, one a line"))?;
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        audience_id(&format!("{path}:{}", i + 1), line, ifa)?;
        count += 1;
    }
    let max = crate::rule::MAX_FILE_IDS;
    if (1..=max).contains(&count) {
        return Ok(());
    }
    Err(invalid(
        path,
        format!("must hold 1 to {max} ids, got {count}"),
    ))
}

/// The rules that tie fields of one input record together: `from` not
/// after `to`, a coupon's start before its end, an audience's ids of its
/// kind (user ids or IFAs), a rich menu's areas inside its size.
pub fn together(fields: &Map<String, Value>) -> Result<(), Invalid> {
    let text = |key: &str| fields.get(key).and_then(Value::as_str);
    if let (Some(from), Some(to)) = (text("from"), text("to"))
        && from > to
    {
        return Err(invalid("from", format!("{from} is after `to` ({to})")));
    }
    let number = |key: &str| fields.get(key).and_then(Value::as_i64);
    if let (Some(start), Some(end)) = (number("startTimestamp"), number("endTimestamp"))
        && start >= end
    {
        return Err(invalid("endTimestamp", "must be after startTimestamp"));
    }
    if let Some(Value::Array(audiences)) = fields.get("audiences") {
        let ifa = fields.get("isIfaAudience").and_then(Value::as_bool) == Some(true);
        for (i, audience) in audiences.iter().enumerate() {
            let id = audience["id"].as_str().unwrap_or_default();
            audience_id(&format!("audiences[{i}].id"), id, ifa)?;
        }
    }
    match (fields.get("size"), fields.get("areas")) {
        (Some(size), Some(Value::Array(areas))) => areas_inside(size, areas),
        _ => Ok(()),
    }
}

/// Each area's bounds inside the menu's size.
fn areas_inside(size: &Value, areas: &[Value]) -> Result<(), Invalid> {
    let number = |value: &Value, key: &str| value[key].as_u64().unwrap_or(0);
    let (width, height) = (number(size, "width"), number(size, "height"));
    for (i, area) in areas.iter().enumerate() {
        let bounds = &area["bounds"];
        let right = number(bounds, "x") + number(bounds, "width");
        let bottom = number(bounds, "y") + number(bounds, "height");
        if right > width || bottom > height {
            return Err(invalid(
                format!("areas[{i}].bounds"),
                format!(
                    "reaches to x {right}, y {bottom}; it must lie inside the menu ({width}x{height})"
                ),
            ));
        }
    }
    Ok(())
}

fn required_str<'a>(path: &str, object: &'a Value, key: &str) -> Result<&'a str, Invalid> {
    object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("{path}.{key}"), "is required and must be a string"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_hold_one_to_five() {
        let one = json!([{"type": "text", "text": "hi"}]).to_string();
        assert!(messages("messages", &json!(one)).is_ok());
        let six = serde_json::to_string(&vec![json!({"type": "text", "text": "hi"}); 6]).unwrap();
        assert!(messages("messages", &json!(six)).is_err());
        assert!(messages("messages", &json!("[]")).is_err());
        assert!(messages("messages", &json!("{")).is_err());
    }

    #[test]
    fn a_message_names_its_wrong_part() {
        let text = json!([{"type": "text", "text": "hi"}, {"type": "text", "text": ""}]);
        let e = messages("messages", &json!(text.to_string())).unwrap_err();
        assert_eq!(e.field, "messages[1].text");
        let quick = json!([{"type": "text", "text": "hi", "quickReply": {"items": [
            {"type": "action", "action": {"type": "uri", "label": "x", "uri": "ftp://x"}}
        ]}}]);
        let e = messages("messages", &json!(quick.to_string())).unwrap_err();
        assert_eq!(e.field, "messages[0].quickReply.items[0].action.uri");
    }

    #[test]
    fn actions_need_their_fields() {
        assert!(action("a", &json!({"type": "postback", "data": "x"})).is_ok());
        let e = action("a", &json!({"type": "postback"})).unwrap_err();
        assert_eq!(e.field, "a.data");
        let e = action("a", &json!({"type": "datetimepicker", "data": "x"})).unwrap_err();
        assert_eq!(e.field, "a.mode");
        let e = action("a", &json!({"type": "nope"})).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.got.as_deref()),
            ("a.type", Some("nope"))
        );
        let label = "x".repeat(21);
        assert!(action("a", &json!({"type": "camera", "label": label})).is_err());
    }

    #[test]
    fn menu_sizes_keep_the_ratio() {
        assert!(menu_size("s", 2500, 1686).is_ok());
        assert!(menu_size("s", 2500, 1725).is_err());
        assert!(menu_size("s", 799, 250).is_err());
        assert!(menu_size("s", 800, 249).is_err());
    }

    #[test]
    fn phone_numbers_become_their_hash() {
        let hash = phone_hash("to", &json!("+818000001234")).unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(phone_hash("to", &json!(hash.to_uppercase())).unwrap(), hash);
        assert!(phone_hash("to", &json!("+0123")).is_err());
        assert!(phone_hash("to", &json!("818000001234")).is_err());
    }

    #[test]
    fn a_file_of_ids_names_its_line() {
        let user = format!("U{}", "a".repeat(32));
        assert!(ids_file("file", format!("{user}\n\n{user}\n").as_bytes(), false).is_ok());
        let e = ids_file("file", format!("{user}\nnope\n").as_bytes(), false).unwrap_err();
        assert_eq!(e.field, "file:2");
        assert!(ids_file("file", b"", false).is_err());
        assert!(ids_file("file", &[0xff], false).is_err());
    }

    #[test]
    fn fields_together() {
        let fields = |v: Value| v.as_object().unwrap().clone();
        assert!(together(&fields(json!({"from": "20250102", "to": "20250101"}))).is_err());
        assert!(together(&fields(json!({"startTimestamp": 2, "endTimestamp": 2}))).is_err());
        let menu = json!({"size": {"width": 800, "height": 250},
            "areas": [{"bounds": {"x": 700, "y": 0, "width": 101, "height": 10}}]});
        assert_eq!(
            together(&fields(menu)).unwrap_err().field,
            "areas[0].bounds"
        );
    }
}
