//! LINE's input rules, checked before anything is sent, each kept once and
//! keyed by the field it checks ([`field`]), so every operation with that
//! field gets it. Each check names the offending field by its path in LINE's
//! names (`messages[2].text`).

use crate::error::invalid;
use crate::redact::quote;
use crate::table::Rule;
use crate::types::ErrorCode;
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

/// Checks the input field `name` (at `path`, where it stands in the
/// input) by its rule, if it has one; returns the value to send (JSON text
/// of LINE objects becomes the objects).
pub fn field(path: &str, name: &str, value: Value) -> Result<Value, ErrorCode> {
    match (name, &value) {
        ("to", Value::String(to)) => id(path, to, IdKind::Receiver)?,
        ("to", Value::Array(to)) => recipients(path, to)?,
        ("chatId" | "userId", Value::String(user)) => id(path, user, IdKind::User)?,
        ("groupId", Value::String(group)) => id(path, group, IdKind::Group)?,
        ("roomId", Value::String(room)) => id(path, room, IdKind::Room)?,
        ("loadingSeconds", seconds) => loading_seconds(path, seconds)?,
        ("date", Value::String(day)) => date(path, day)?,
        ("replyToken" | "requestId" | "start" | "markAsReadToken", Value::String(token)) => {
            non_empty(path, token)?
        }
        ("customAggregationUnits", Value::Array(units)) => aggregation_units(path, units)?,
        ("endpoint", Value::String(url)) => webhook_url(path, url)?,
        ("messageId", Value::String(id)) => message_id(path, id)?,
        ("limit", Value::Number(n)) => in_range(path, n.as_u64(), 1, MAX_PAGE_SIZE)?,
        // The aggregation unit list's page size, which LINE takes as text.
        ("limit", Value::String(n)) if n.bytes().all(|b| b.is_ascii_digit()) => {
            in_range(path, n.parse().ok(), 1, 100)?
        }
        ("recipient" | "filter" | "limit", Value::String(text)) => return json_object(path, text),
        ("richMenuId", Value::String(id)) => rich_menu_id(path, id)?,
        ("richMenuAliasId", Value::String(alias)) => alias_id(path, alias)?,
        ("resumeRequestKey", Value::String(key)) => resume_key(path, key)?,
        ("userIds", Value::Array(users)) => recipients(path, users)?,
        ("operations", Value::Array(operations)) => batch_operations(path, operations)?,
        ("chatBarText", Value::String(text)) => chars(path, text, 1, MAX_CHAT_BAR_TEXT)?,
        ("name", Value::String(name)) => chars(path, name, 0, MAX_MENU_NAME)?,
        ("size", Value::Object(size)) => {
            let side = |key: &str| size.get(key).and_then(Value::as_u64).unwrap_or(0);
            menu_size(path, side("width"), side("height"))?
        }
        ("areas", Value::Array(areas)) => menu_areas(path, areas)?,
        ("audienceGroupId" | "membershipId", Value::Number(n)) => {
            in_range(path, n.as_u64(), 1, i64::MAX as u64)?
        }
        ("page", Value::Number(n)) => in_range(path, n.as_u64(), 1, u32::MAX.into())?,
        ("size", Value::Number(n)) => in_range(path, n.as_u64(), 1, 40)?,
        ("description", Value::String(name)) => chars(path, name, 1, MAX_AUDIENCE_NAME)?,
        ("clickUrl", Value::String(url)) => click_url(path, url)?,
        ("customAggregationUnit", Value::String(unit)) => unit_name(path, unit)?,
        ("couponId", Value::String(id)) => non_empty(path, id)?,
        ("title", Value::String(title)) => chars(path, title, 1, 60)?,
        ("usageCondition", Value::String(text)) => chars(path, text, 0, 100)?,
        ("maxUseCountPerTicket", Value::Number(n)) => in_range(path, n.as_u64(), 1, 1)?,
        ("lotteryProbability" | "percentage", Value::Number(n)) => {
            in_range(path, n.as_u64(), 1, 99)?
        }
        ("maxAcquireCount", Value::Number(n)) => in_range(path, n.as_u64(), 1, 999_999)?,
        ("view", Value::Object(view)) => liff_view(path, view)?,
        ("liffId" | "productId" | "productType", Value::String(text)) => non_empty(path, text)?,
        ("botId", Value::String(bot)) => id(path, bot, IdKind::User)?,
        (
            "access_token" | "client_id" | "client_secret" | "client_assertion" | "code"
            | "redirect_uri" | "code_verifier",
            Value::String(text),
        ) => credential(path, text)?,
        _ => {}
    }
    Ok(value)
}

/// Checks a query parameter: `from` and `to` are days (`yyyyMMdd`) there;
/// any other by its usual rule ([`field`]).
pub fn query_field(name: &str, value: Value) -> Result<Value, ErrorCode> {
    match (name, &value) {
        ("from" | "to", Value::String(day)) => date(name, day)?,
        _ => return field(name, name, value),
    }
    Ok(value)
}

/// Checks a field by an operation's own rule for it (the table's
/// `rules`); returns the value to send (a phone number's hash).
pub fn by_rule(name: &str, rule: Rule, value: Value) -> Result<Value, ErrorCode> {
    match (rule, &value) {
        (Rule::Range(min, max), Value::Number(n)) => in_range(name, n.as_u64(), min, max)?,
        (Rule::Chars(min, max), Value::String(text)) => chars(name, text, min, max)?,
        (Rule::Phone, Value::String(phone)) => return Ok(Value::String(phone_hash(name, phone)?)),
        (Rule::Receiver, Value::String(chat)) => id(name, chat, IdKind::Receiver)?,
        _ => return field(name, name, value),
    }
    Ok(value)
}

/// Checks a LIFF app's view: `type` `compact`, `tall` or `full`, `url` an
/// https URL (both as given; an update may leave them out).
pub fn liff_view(field: &str, view: &serde_json::Map<String, Value>) -> Result<(), ErrorCode> {
    if let Some(kind) = view.get("type").and_then(Value::as_str)
        && !matches!(kind, "compact" | "tall" | "full")
    {
        return Err(invalid(
            format!("{field}.type"),
            format!("must be compact, tall or full, got {}", quote(kind)),
        ));
    }
    if let Some(url) = view.get("url").and_then(Value::as_str)
        && !(url.starts_with("https://") && url.parse::<http::Uri>().is_ok())
    {
        return Err(invalid(
            format!("{field}.url"),
            format!("must be an https URL, got {}", quote(url)),
        ));
    }
    Ok(())
}

/// An audience's `description`: at most this many characters.
pub const MAX_AUDIENCE_NAME: usize = 120;
/// An audience's ids by file: at most this many.
pub const MAX_FILE_IDS: usize = 1_500_000;

/// The SHA-256 (lowercase hex) of a phone number in E.164 (`+` and 2 to 15
/// digits, no leading 0), which LINE takes in its place; a hash already
/// made (64 hex digits) as it is.
pub fn phone_hash(field: &str, phone: &str) -> Result<String, ErrorCode> {
    use sha2::Digest as _;
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
        field,
        "must be a phone number in E.164 (+ and 2 to 15 digits, e.g. +818000001234) or its SHA-256 (64 hex digits)",
    ))
}

/// Checks a `clickUrl`: an http(s) URL of at most 2,000 characters.
pub fn click_url(field: &str, url: &str) -> Result<(), ErrorCode> {
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    if scheme && url.chars().count() <= 2000 && url.parse::<http::Uri>().is_ok() {
        return Ok(());
    }
    Err(invalid(
        field,
        format!(
            "must be an http(s) URL of at most 2000 characters, got {}",
            quote(url)
        ),
    ))
}

/// Checks an audience's id: a user id, or with `ifa` an IFA (a UUID).
fn audience_id(field: &str, id: &str, ifa: bool) -> Result<(), ErrorCode> {
    match ifa {
        false => self::id(field, id, IdKind::User),
        true if uuid::Uuid::try_parse(id).is_ok() => Ok(()),
        true => Err(invalid(
            field,
            format!("must be an IFA (a UUID), got {}", quote(id)),
        )),
    }
}

/// Checks a file of audience ids: UTF-8 text, one id a line (user ids, or
/// IFAs with `ifa`), 1 to [`MAX_FILE_IDS`] of them.
pub fn ids_file(field: &str, file: &[u8], ifa: bool) -> Result<(), ErrorCode> {
    let text = std::str::from_utf8(file)
        .map_err(|_| invalid(field, "must be a text file (UTF-8) of ids, one a line"))?;
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        audience_id(&format!("{field}:{}", i + 1), line, ifa)?;
        count += 1;
    }
    if (1..=MAX_FILE_IDS).contains(&count) {
        return Ok(());
    }
    Err(invalid(
        field,
        format!("must hold 1 to {MAX_FILE_IDS} ids, got {count}"),
    ))
}

/// Checks the rules that tie fields of one input record together: `from`
/// not after `to`, a coupon's start before its end, an audience's ids of
/// its kind (user ids or IFAs), a rich menu's areas inside its size.
pub fn together(fields: &serde_json::Map<String, Value>) -> Result<(), ErrorCode> {
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
    let (Some(size), Some(Value::Array(areas))) = (fields.get("size"), fields.get("areas")) else {
        return Ok(());
    };
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

/// A rich menu holds at most this many areas.
pub const MAX_MENU_AREAS: usize = 20;
/// A rich menu's `chatBarText`: at most this many characters.
pub const MAX_CHAT_BAR_TEXT: usize = 14;
/// A rich menu's `name`: at most this many characters.
pub const MAX_MENU_NAME: usize = 300;
/// A rich-menu batch change holds at most this many operations.
pub const MAX_BATCH_OPERATIONS: usize = 1000;

/// Checks a rich menu's (or its image's) size: 800 to 2500 pixels wide, at
/// least 250 high, width / height at least 1.45.
pub fn menu_size(field: &str, width: u64, height: u64) -> Result<(), ErrorCode> {
    let problem = if !(800..=2500).contains(&width) {
        "the width must be 800 to 2500 pixels"
    } else if height < 250 {
        "the height must be at least 250 pixels"
    } else if width * 100 < height * 145 {
        "width / height must be at least 1.45"
    } else {
        return Ok(());
    };
    Err(invalid(field, format!("is {width}x{height}: {problem}")))
}

/// Checks a rich menu's areas: at most [`MAX_MENU_AREAS`], each with a
/// valid action.
pub fn menu_areas(field: &str, areas: &[Value]) -> Result<(), ErrorCode> {
    if areas.len() > MAX_MENU_AREAS {
        return Err(invalid(
            field,
            format!("holds at most {MAX_MENU_AREAS} areas, got {}", areas.len()),
        ));
    }
    for (i, area) in areas.iter().enumerate() {
        action(&format!("{field}[{i}].action"), &area["action"])?;
    }
    Ok(())
}

/// Checks a rich menu id: `richmenu-` and 32 lowercase hex digits.
pub fn rich_menu_id(field: &str, id: &str) -> Result<(), ErrorCode> {
    let hex = id.strip_prefix("richmenu-").unwrap_or_default();
    if hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Ok(());
    }
    Err(invalid(
        field,
        format!(
            "must be a rich menu id: richmenu- followed by 32 lowercase hex digits, got {}",
            quote(id)
        ),
    ))
}

/// Checks a rich menu alias id: 1 to 32 of `a-z`, `0-9`, `_` and `-`.
pub fn alias_id(field: &str, alias: &str) -> Result<(), ErrorCode> {
    let ok = (1..=32).contains(&alias.len())
        && alias
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'));
    if ok {
        return Ok(());
    }
    Err(invalid(
        field,
        format!("must be 1 to 32 of a-z, 0-9, _ and -, got {}", quote(alias)),
    ))
}

/// Checks a batch change's `resumeRequestKey`: 1 to 100 of `a-zA-Z0-9_-`.
pub fn resume_key(field: &str, key: &str) -> Result<(), ErrorCode> {
    let ok = (1..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        return Ok(());
    }
    Err(invalid(
        field,
        format!(
            "must be 1 to 100 of a-z, A-Z, 0-9, _ and -, got {}",
            quote(key)
        ),
    ))
}

/// Checks a rich-menu batch change's operations: 1 to
/// [`MAX_BATCH_OPERATIONS`], each `link` (`from`, `to`), `unlink` (`from`)
/// or `unlinkAll`, with rich menu ids.
pub fn batch_operations(field: &str, operations: &[Value]) -> Result<(), ErrorCode> {
    if operations.is_empty() || operations.len() > MAX_BATCH_OPERATIONS {
        return Err(invalid(
            field,
            format!(
                "must hold 1 to {MAX_BATCH_OPERATIONS} operations, got {}",
                operations.len()
            ),
        ));
    }
    for (i, operation) in operations.iter().enumerate() {
        let path = format!("{field}[{i}]");
        let menus: &[&str] = match operation["type"].as_str().unwrap_or_default() {
            "link" => &["from", "to"],
            "unlink" => &["from"],
            "unlinkAll" => &[],
            other => {
                return Err(invalid(
                    format!("{path}.type"),
                    format!("must be link, unlink or unlinkAll, got {}", quote(other)),
                ));
            }
        };
        for key in menus {
            rich_menu_id(
                &format!("{path}.{key}"),
                required_str(&path, operation, key)?,
            )?;
        }
    }
    Ok(())
}

/// Checks that a text is `min` to `max` characters long.
pub fn chars(field: &str, text: &str, min: usize, max: usize) -> Result<(), ErrorCode> {
    let count = text.chars().count();
    if (min..=max).contains(&count) {
        return Ok(());
    }
    Err(invalid(
        field,
        format!("must be {min} to {max} characters long, got {count}"),
    ))
}

/// The action types LINE knows.
const ACTION_TYPES: [&str; 9] = [
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
const ACTION_FIELD_CHARS: [(&str, usize); 7] = [
    ("label", 20),
    ("data", 300),
    ("displayText", 300),
    ("text", 300),
    ("fillInText", 300),
    ("uri", 1000),
    ("clipboardText", 1000),
];

/// Checks one action object (LINE's `Action`), in a rich menu's area or a
/// message (quick reply, template): a known `type`, the fields that type
/// needs, and LINE's lengths.
pub fn action(path: &str, action: &Value) -> Result<(), ErrorCode> {
    if !action.is_object() {
        return Err(invalid(path, "must be an action object"));
    }
    let kind = required_str(path, action, "type")?;
    let needed: &[&str] = match kind {
        "postback" | "datetimepicker" => &["data"],
        "message" => &["text"],
        "uri" => &["uri"],
        "richmenuswitch" => &["richMenuAliasId", "data"],
        "clipboard" => &["clipboardText"],
        _ if ACTION_TYPES.contains(&kind) => &[],
        other => {
            return Err(invalid(
                format!("{path}.type"),
                format!(
                    "must be one of {}, got {}",
                    ACTION_TYPES.join(", "),
                    quote(other)
                ),
            ));
        }
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
            chars(&format!("{path}.{key}"), text, min, max)?;
        }
    }
    let field = |key: &str| action.get(key).and_then(Value::as_str);
    if let Some(uri) = field("uri") {
        let scheme = uri.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(scheme.as_deref(), Some("http" | "https" | "line" | "tel")) {
            return Err(invalid(
                format!("{path}.uri"),
                format!(
                    "must be an http, https, line or tel URI, got {}",
                    quote(uri)
                ),
            ));
        }
    }
    if let Some(alias) = field("richMenuAliasId") {
        alias_id(&format!("{path}.richMenuAliasId"), alias)?;
    }
    let one_of = |key: &str, allowed: &[&str]| match field(key) {
        Some(value) if !allowed.contains(&value) => Err(invalid(
            format!("{path}.{key}"),
            format!(
                "must be one of {}, got {}",
                allowed.join(", "),
                quote(value)
            ),
        )),
        _ => Ok(()),
    };
    if kind == "datetimepicker" {
        required_str(path, action, "mode")?;
    }
    one_of("mode", &["date", "time", "datetime"])?;
    one_of(
        "inputOption",
        &["closeRichMenu", "openRichMenu", "openKeyboard", "openVoice"],
    )?;
    if let Some(desktop) = action["altUri"]["desktop"].as_str() {
        chars(&format!("{path}.altUri.desktop"), desktop, 0, 1000)?;
    }
    Ok(())
}

/// A page of ids holds at most this many (LINE's followers list).
pub const MAX_PAGE_SIZE: u64 = 1000;

/// `maxPages`: at most this many pages, and this many by default.
pub const MAX_PAGES: (u64, u64) = (10_000, 100);

/// Checks that a whole number is from `min` to `max`.
pub fn in_range(path: &str, value: Option<u64>, min: u64, max: u64) -> Result<(), ErrorCode> {
    match value {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(invalid(
            path,
            format!("must be a whole number from {min} to {max}"),
        )),
    }
}

/// Checks a message id: 1 to 64 digits, as LINE gives them.
pub fn message_id(path: &str, id: &str) -> Result<(), ErrorCode> {
    if (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(invalid(
        path,
        format!("must be a message id (digits), got {}", quote(id)),
    ))
}

/// Checks a webhook URL: `https://`, at most 500 characters (LINE's rules).
pub fn webhook_url(path: &str, url: &str) -> Result<(), ErrorCode> {
    let ok = url.len() <= 500 && url.starts_with("https://") && url.parse::<http::Uri>().is_ok();
    if ok {
        return Ok(());
    }
    Err(invalid(
        path,
        format!(
            "must be an https:// URL of at most 500 characters, got {}",
            quote(url)
        ),
    ))
}

/// `messages` from its JSON text, or from the `text` shortcut (one text
/// message), checked; exactly one of them must be given.
pub fn messages_or_text(messages: &Value, text: Option<&Value>) -> Result<Value, ErrorCode> {
    match (messages.as_str(), text.and_then(Value::as_str)) {
        (Some(messages), None) => self::messages("messages", messages),
        (None, Some(text)) => {
            self::text("text", text)?;
            Ok(serde_json::json!([{"type": "text", "text": text}]))
        }
        (Some(_), Some(_)) => Err(invalid("text", "give messages or text, not both")),
        (None, None) => Err(invalid(
            "messages",
            "is required: a JSON array of 1 to 5 message objects (or give text for one text message)",
        )),
    }
}

/// Checks a caller's retry key, which must be a UUID; returns it in
/// lowercase.
pub fn retry_key(field: &str, key: &Value) -> Result<String, ErrorCode> {
    match key.as_str() {
        Some(key) if crate::retry::is_key(key) => Ok(key.to_ascii_lowercase()),
        other => Err(invalid(
            field,
            format!(
                "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000, got {}",
                quote(other.unwrap_or_default())
            ),
        )),
    }
}

/// Checks `waitSeconds` (at most [`MAX_WAIT_SECONDS`]) and returns it.
pub fn wait_seconds(field: &str, seconds: &Value) -> Result<std::time::Duration, ErrorCode> {
    let seconds = seconds.as_u64().unwrap_or(u64::MAX);
    at_most(field, seconds, MAX_WAIT_SECONDS.into())?;
    Ok(std::time::Duration::from_secs(seconds))
}

/// Which kinds of LINE id a field accepts, by its first letter.
#[derive(Clone, Copy)]
pub enum IdKind {
    /// A user id (`U` + 32 hex digits).
    User,
    /// A user, group (`C`) or room (`R`) id.
    Receiver,
    /// A group chat's id (`C` + 32 hex digits).
    Group,
    /// A multi-person chat's id (`R` + 32 hex digits).
    Room,
}

/// Checks that `value` is a LINE id of the given kind.
pub fn id(field: &str, value: &str, kind: IdKind) -> Result<(), ErrorCode> {
    let prefixes: &[char] = match kind {
        IdKind::User => &['U'],
        IdKind::Receiver => &['U', 'C', 'R'],
        IdKind::Group => &['C'],
        IdKind::Room => &['R'],
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
        IdKind::Group => "a group id: C followed by 32 lowercase hex digits",
        IdKind::Room => "a room id: R followed by 32 lowercase hex digits",
    };
    Err(invalid(
        field,
        format!("must be {what}, got {}", quote(value)),
    ))
}

/// The longest token-like value taken (a reply token, a request id).
pub const MAX_TOKEN_CHARS: usize = 1000;

/// A credential field of LINE's token endpoints (a token, a secret, a
/// JWT, an authorization code): not empty, at most
/// [`crate::auth::MAX_SECRET_BYTES`] long; never quoted.
fn credential(field: &str, value: &str) -> Result<(), ErrorCode> {
    let max = crate::auth::MAX_SECRET_BYTES;
    match value.trim().is_empty() {
        true => Err(invalid(field, "must not be empty")),
        false if value.len() > max => Err(invalid(
            field,
            format!("must be at most {max} bytes long, got {}", value.len()),
        )),
        false => Ok(()),
    }
}

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
pub fn aggregation_units(field: &str, units: &[Value]) -> Result<(), ErrorCode> {
    if units.len() > 1 {
        return Err(invalid(
            field,
            format!("holds at most 1 unit, got {}", units.len()),
        ));
    }
    for (i, unit) in units.iter().enumerate() {
        unit_name(&format!("{field}[{i}]"), unit.as_str().unwrap_or_default())?;
    }
    Ok(())
}

/// Checks an aggregation unit's name: 1 to 30 letters, digits or
/// underscores.
pub fn unit_name(field: &str, unit: &str) -> Result<(), ErrorCode> {
    let valid = (1..=30).contains(&unit.len())
        && unit.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        return Ok(());
    }
    Err(invalid(
        field,
        format!(
            "must be 1 to 30 letters, digits or underscores, got {}",
            quote(unit)
        ),
    ))
}

/// Checks a multicast's recipients: 1 or more user ids (sent in batches).
pub fn recipients(field: &str, to: &[Value]) -> Result<(), ErrorCode> {
    if to.is_empty() {
        return Err(invalid(field, "must hold at least 1 user id"));
    }
    fn user(value: &Value) -> &str {
        value.as_str().unwrap_or_default()
    }
    // The path is written only for the id that is wrong.
    match to
        .iter()
        .position(|u| id(field, user(u), IdKind::User).is_err())
    {
        Some(i) => id(&format!("{field}[{i}]"), user(&to[i]), IdKind::User),
        None => Ok(()),
    }
}

/// Checks that a number is at most `max`.
pub fn at_most(field: &str, value: u64, max: u64) -> Result<(), ErrorCode> {
    if value > max {
        return Err(invalid(
            field,
            format!("must be at most {max}, got {value}"),
        ));
    }
    Ok(())
}

/// Checks `loadingSeconds`: a multiple of 5 from 5 to 60.
pub fn loading_seconds(field: &str, seconds: &Value) -> Result<(), ErrorCode> {
    match seconds.as_u64() {
        Some(s) if (5..=60).contains(&s) && s.is_multiple_of(5) => Ok(()),
        _ => Err(invalid(
            field,
            format!(
                "must be a multiple of 5 from 5 to 60, got {}",
                crate::shown::shown(seconds)
            ),
        )),
    }
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
        let items = quick.get("items").and_then(Value::as_array);
        let Some(items) = items.filter(|i| (1..=MAX_QUICK_REPLY_ITEMS).contains(&i.len())) else {
            return Err(invalid(
                format!("{path}.quickReply.items"),
                format!("must be an array of 1 to {MAX_QUICK_REPLY_ITEMS} items"),
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

/// Checks the actions of a template message: its `actions`, its
/// `defaultAction` and its columns' (image carousels: `action`).
fn template_actions(path: &str, template: &Value) -> Result<(), ErrorCode> {
    let mut found = vec![(path.to_owned(), template)];
    for (j, column) in template["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        found.push((format!("{path}.columns[{j}]"), column));
    }
    for (at, holder) in found {
        for (i, one) in holder["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
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
