//! The chats-and-users area: profiles (every well-formed user id is a
//! friend but [`BLOCKED_USER`], until users follow or block), the
//! followers list (403 for an account neither verified nor premium), the bot's account,
//! group and room summaries, members and leaving, read receipts, link
//! tokens, the webhook endpoint setting and its test, and aggregation
//! units, with LINE's 404s for what does not exist and paged lists.

use super::answer::{Reply, answer, error, settle};
use super::routes::{Call, Route};
use super::state::State;
use crate::line_rules::{self, Problems};
use crate::seed::{
    FRIENDS, GROUP, GROUP_SIZE, IMAGE_MESSAGE, OTHER_GROUP, OTHER_ROOM, ROOM, VIDEO_MESSAGE,
};
use serde_json::{Value, json};

pub(crate) mod state;

/// The area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("GET", "/v2/bot/profile/{userId}", profile),
    ("GET", "/v2/bot/followers/ids", followers),
    ("GET", "/v2/bot/info", |_, _| Ok(answer(200, bot_info()))),
    ("GET", "/v2/bot/group/{groupId}/summary", group_summary),
    ("GET", "/v2/bot/group/{groupId}/members/count", |s, c| {
        count(s, c, "groupId")
    }),
    ("GET", "/v2/bot/group/{groupId}/members/ids", |s, c| {
        member_ids(s, c, "groupId")
    }),
    ("GET", "/v2/bot/group/{groupId}/member/{userId}", |s, c| {
        member(s, c, "groupId")
    }),
    ("POST", "/v2/bot/group/{groupId}/leave", |s, c| {
        leave(s, c, "groupId")
    }),
    ("GET", "/v2/bot/room/{roomId}/members/count", |s, c| {
        count(s, c, "roomId")
    }),
    ("GET", "/v2/bot/room/{roomId}/members/ids", |s, c| {
        member_ids(s, c, "roomId")
    }),
    ("GET", "/v2/bot/room/{roomId}/member/{userId}", |s, c| {
        member(s, c, "roomId")
    }),
    ("POST", "/v2/bot/room/{roomId}/leave", |s, c| {
        leave(s, c, "roomId")
    }),
    ("POST", "/v2/bot/message/markAsRead", mark_as_read),
    ("POST", "/v2/bot/chat/markAsRead", mark_as_read_by_token),
    ("POST", "/v2/bot/user/{userId}/linkToken", link_token),
    ("GET", "/v2/bot/channel/webhook/endpoint", webhook_endpoint),
    (
        "PUT",
        "/v2/bot/channel/webhook/endpoint",
        set_webhook_endpoint,
    ),
    (
        "POST",
        "/v2/bot/channel/webhook/test",
        test_webhook_endpoint,
    ),
    ("GET", "/v2/bot/message/aggregation/info", |s, _| {
        Ok(answer(
            200,
            json!({"numOfCustomAggregationUnits": s.messages.units.len()}),
        ))
    }),
    ("GET", "/v2/bot/message/aggregation/list", unit_names),
    ("GET", "/v2/bot/message/{messageId}/content", |_, c| {
        content_answer(c, false)
    }),
    (
        "GET",
        "/v2/bot/message/{messageId}/content/preview",
        |_, c| content_answer(c, true),
    ),
    (
        "GET",
        "/v2/bot/message/{messageId}/content/transcoding",
        transcoding,
    ),
];

/// What a user sent, by message id: its media type and bytes (`preview`:
/// the smaller preview image), as the simulator keeps them.
pub fn content(message_id: &str, preview: bool) -> Option<(&'static str, Vec<u8>)> {
    let (media_type, size) = match (message_id, preview) {
        (IMAGE_MESSAGE, false) => ("image/jpeg", 20_000),
        (IMAGE_MESSAGE | VIDEO_MESSAGE, true) => ("image/jpeg", 2_000),
        (VIDEO_MESSAGE, false) => ("video/mp4", 50_000),
        _ => return None,
    };
    // Every byte value, so any change on the way shows.
    let bytes = (0..size).map(|i| (i * 7 % 256) as u8).collect();
    Some((media_type, bytes))
}

fn content_answer(call: &Call, preview: bool) -> Reply {
    let (media_type, bytes) = content(call.param("messageId"), preview).ok_or_else(not_found)?;
    let mut reply = answer(200, Value::Null);
    reply.bytes = Some((media_type, bytes));
    Ok(reply)
}

/// A video is `processing` the first time it is asked about, then
/// `succeeded`; an image needs no transcoding.
fn transcoding(state: &mut State, call: &Call) -> Reply {
    match call.param("messageId") {
        VIDEO_MESSAGE => {
            state.chats.transcoding_asks += 1;
            let status = if state.chats.transcoding_asks == 1 {
                "processing"
            } else {
                "succeeded"
            };
            Ok(answer(200, json!({"status": status})))
        }
        IMAGE_MESSAGE => Ok(answer(200, json!({"status": "succeeded"}))),
        _ => Err(not_found()),
    }
}

/// The webhook URL before any is set.
pub const DEFAULT_WEBHOOK: &str = "https://soar.example.com/line/webhook";

fn not_found() -> super::answer::Answer {
    error(404, "Not found")
}

/// A user's display name, made from its id.
fn display_name(user: &str) -> String {
    format!("User {}", &user[user.len().saturating_sub(4)..])
}

fn profile(state: &mut State, call: &Call) -> Reply {
    let user = call.param("userId");
    if !line_rules::is_id(user, &['U']) || !state.chats.is_friend(user) {
        return Err(not_found());
    }
    Ok(answer(
        200,
        json!({
            "displayName": display_name(user), "userId": user, "language": "en",
            "pictureUrl": format!("https://profile.line-scdn.net/{user}"), "statusMessage": "On call",
        }),
    ))
}

fn bot_info() -> Value {
    json!({
        "userId": "U00000000000000000000000000000b07", "basicId": "@123abcde",
        "displayName": "SOC Alerts", "chatMode": "bot", "markAsReadMode": "manual",
    })
}

fn followers(state: &mut State, call: &Call) -> Reply {
    if state.chats.followers_unavailable {
        return Err(error(
            403,
            "Access to this API is not available for your account",
        ));
    }
    let limit = match call.query("limit") {
        None => 300,
        Some(text) => match text.parse::<usize>() {
            Ok(n @ 1..=1000) => n,
            _ => return Err(error(400, "The value for the 'limit' parameter is invalid")),
        },
    };
    page(
        &state.chats.followers(),
        call.query("start"),
        limit,
        "userIds",
    )
}

/// The members of a group or room the bot is in, or `None`.
fn members(state: &State, id: &str) -> Option<Vec<String>> {
    if state.chats.left.contains(id) {
        return None;
    }
    let friends = FRIENDS.iter().map(|f| f.to_string());
    match id {
        GROUP => Some(
            friends
                .chain((FRIENDS.len()..GROUP_SIZE).map(|i| format!("U{:032x}", 0x1000 + i)))
                .collect(),
        ),
        OTHER_GROUP | ROOM | OTHER_ROOM => Some(friends.collect()),
        _ => None,
    }
}

/// The chat a call names, checked as LINE checks it: a well-formed id the
/// bot is in, else 400 or 404.
fn chat<'c>(
    state: &State,
    call: &'c Call,
    key: &str,
) -> Result<(&'c str, Vec<String>), super::answer::Answer> {
    let id = call.param(key);
    let prefix = if key == "groupId" { 'C' } else { 'R' };
    if !line_rules::is_id(id, &[prefix]) {
        return Err(error(
            400,
            &format!("The value for the '{key}' parameter is invalid"),
        ));
    }
    members(state, id).map(|m| (id, m)).ok_or_else(not_found)
}

fn group_summary(state: &mut State, call: &Call) -> Reply {
    let (id, _) = chat(state, call, "groupId")?;
    let name = if id == GROUP {
        "Incident response"
    } else {
        "On-call"
    };
    Ok(answer(
        200,
        json!({"groupId": id, "groupName": name, "pictureUrl": "https://profile.line-scdn.net/group"}),
    ))
}

fn count(state: &mut State, call: &Call, key: &str) -> Reply {
    let (_, members) = chat(state, call, key)?;
    Ok(answer(200, json!({"count": members.len()})))
}

fn member_ids(state: &mut State, call: &Call, key: &str) -> Reply {
    let (_, members) = chat(state, call, key)?;
    page(&members, call.query("start"), 100, "memberIds")
}

fn member(state: &mut State, call: &Call, key: &str) -> Reply {
    let (_, members) = chat(state, call, key)?;
    let user = call.param("userId");
    if !members.iter().any(|m| m == user) {
        return Err(not_found());
    }
    Ok(answer(
        200,
        json!({"displayName": display_name(user), "userId": user}),
    ))
}

fn leave(state: &mut State, call: &Call, key: &str) -> Reply {
    let (id, _) = chat(state, call, key)?;
    state.chats.left.insert(id.to_owned());
    Ok(answer(200, Value::Null))
}

fn mark_as_read(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let mut problems = Problems::default();
    line_rules::user_id(&body["chat"], "userId", &mut problems);
    settle(problems)?;
    state.chats.read.push(
        body["chat"]["userId"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    );
    Ok(answer(200, Value::Null))
}

fn mark_as_read_by_token(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let token = body["markAsReadToken"].as_str().unwrap_or_default();
    let mut problems = Problems::default();
    problems.check(!token.is_empty(), "markAsReadToken", "May not be empty");
    settle(problems)?;
    state.chats.read.push(format!("token:{token}"));
    Ok(answer(200, Value::Null))
}

fn link_token(state: &mut State, call: &Call) -> Reply {
    let user = call.param("userId");
    if !line_rules::is_id(user, &['U']) {
        return Err(not_found());
    }
    let token = format!("sim-link-{}", uuid::Uuid::new_v4().simple());
    state
        .chats
        .link_tokens
        .insert(token.clone(), (user.to_owned(), false));
    Ok(answer(200, json!({"linkToken": token})))
}

fn webhook_endpoint(state: &mut State, _: &Call) -> Reply {
    let (endpoint, active) = state
        .chats
        .webhook
        .clone()
        .unwrap_or((DEFAULT_WEBHOOK.into(), true));
    Ok(answer(200, json!({"endpoint": endpoint, "active": active})))
}

/// LINE's rule for a webhook URL: https, at most 500 characters.
fn check_endpoint(endpoint: Option<&str>) -> Result<(), super::answer::Answer> {
    let mut problems = Problems::default();
    let ok = endpoint.is_some_and(|e| e.starts_with("https://") && e.len() <= 500);
    problems.check(
        ok,
        "endpoint",
        "Must be an https URL of at most 500 characters",
    );
    settle(problems)
}

fn set_webhook_endpoint(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let endpoint = body["endpoint"].as_str();
    check_endpoint(endpoint)?;
    state.chats.webhook = Some((endpoint.unwrap_or_default().to_owned(), true));
    Ok(answer(200, Value::Null))
}

fn test_webhook_endpoint(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let set = state
        .chats
        .webhook
        .clone()
        .map_or(DEFAULT_WEBHOOK.to_owned(), |(e, _)| e);
    let endpoint = body["endpoint"].as_str().map_or(set, str::to_owned);
    check_endpoint(Some(&endpoint))?;
    // The endpoint "answers" 200 unless its URL says it is broken.
    let broken = endpoint.contains("broken");
    let (success, status, reason) = if broken {
        (false, 500, "ERROR_STATUS_CODE")
    } else {
        (true, 200, "OK")
    };
    let timestamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let mut reply = answer(
        200,
        json!({"success": success, "timestamp": timestamp, "statusCode": status, "reason": reason, "detail": status.to_string()}),
    );
    // Where a test set the endpoint's stand-in, LINE's signed test event
    // really goes there, and its answer is reported.
    reply.webhook_test = state.chats.webhook_delivery.clone();
    Ok(reply)
}

fn unit_names(state: &mut State, call: &Call) -> Reply {
    let limit = match call.query("limit") {
        None => 100,
        Some(text) => match text.parse::<usize>() {
            Ok(n @ 1..=100) => n,
            _ => return Err(error(400, "The value for the 'limit' parameter is invalid")),
        },
    };
    let units = state.messages.units.clone();
    page(&units, call.query("start"), limit, "customAggregationUnits")
}

/// One page of `items` from `start` (a `next` LINE gave earlier), at most
/// `size` long, with `next` when more follow.
fn page(items: &[String], start: Option<String>, size: usize, key: &str) -> Reply {
    let from = match start {
        None => 0,
        Some(token) => match token
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n <= items.len() => n,
            _ => return Err(error(400, "The value for the 'start' parameter is invalid")),
        },
    };
    let to = (from + size).min(items.len());
    let mut body = json!({ key: items[from..to] });
    if to < items.len() {
        body["next"] = json!(format!("page-{to}"));
    }
    Ok(answer(200, body))
}
