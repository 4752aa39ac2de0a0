//! The messaging area: sending (push, reply, multicast, broadcast,
//! narrowcast and its progress, LINE notification messages to phone
//! numbers), validation, the loading animation, quota and delivery counts,
//! with LINE's checks and state.

use super::answer::{Reply, answer, error, query_param, settle};
use super::routes::{Call, Route};
use crate::line_rules::{self, Problems};
use crate::recorded::{Delivery, Recorded};
use crate::seed::{FRIENDS, MONTHLY_LIMIT, SMALL_AUDIENCE, UNREACHABLE_PHONE};
use crate::state::State;
use serde_json::{Value, json};
use state::Narrowcast;
use std::time::SystemTime;

pub(crate) mod state;

/// The messaging area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("POST", "/v2/bot/chat/loading/start", |_, c| {
        loading(&c.body()?)
    }),
    ("POST", "/v2/bot/message/push", |s, c| {
        push(s, &c.body()?, c.request_id)
    }),
    ("POST", "/v2/bot/message/reply", |s, c| {
        reply(s, &c.body()?, c.request_id)
    }),
    ("POST", "/v2/bot/message/multicast", |s, c| {
        multicast(s, &c.body()?, c.request_id)
    }),
    ("POST", "/v2/bot/message/broadcast", |s, c| {
        broadcast(s, &c.body()?, c.request_id, "broadcast")
    }),
    ("POST", "/v2/bot/message/narrowcast", |s, c| {
        narrowcast(s, &c.body()?, c.request_id)
    }),
    ("GET", "/v2/bot/message/progress/narrowcast", |s, c| {
        narrowcast_progress(s, c.req)
    }),
    ("POST", "/v2/bot/message/validate/{kind}", validate),
    ("GET", "/v2/bot/message/quota", |_, _| {
        Ok(answer(
            200,
            json!({"type": "limited", "value": MONTHLY_LIMIT}),
        ))
    }),
    ("GET", "/v2/bot/message/quota/consumption", |s, _| {
        let total: usize = s.messages.deliveries.iter().map(|d| d.to.len()).sum();
        Ok(answer(200, json!({"totalUsage": total})))
    }),
    ("GET", "/v2/bot/message/delivery/{kind}", delivery),
    ("POST", "/bot/pnp/push", pnp_push),
];

/// A LINE notification message: `to` the SHA-256 of a phone number;
/// LINE's 422 for a number it cannot deliver to ([`UNREACHABLE_PHONE`]).
fn pnp_push(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let mut problems = Problems::default();
    let to = body["to"].as_str().unwrap_or_default();
    let hashed = to.len() == 64
        && to
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    problems.check(hashed, "to", "Must be a SHA-256 hashed phone number");
    line_rules::messages(&body, &mut problems);
    if let Some(tag) = call.req.header("x-line-delivery-tag") {
        let ok = (16..=100).contains(&tag.chars().count());
        problems.check(
            ok,
            "X-Line-Delivery-Tag",
            "Length must be between 16 and 100",
        );
    }
    settle(problems)?;
    if to == phone_hash(UNREACHABLE_PHONE) {
        return Err(error(422, "Failed to send messages"));
    }
    deliver(state, "pnp", vec![to.to_owned()], &body, call.request_id);
    Ok(answer(200, Value::Null))
}

/// The SHA-256 of `phone` in lowercase hex, as LINE takes a phone number.
pub fn phone_hash(phone: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(phone.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// LINE's validate endpoints: 200 with no body, or LINE's 400.
fn validate(_: &mut State, call: &Call) -> Reply {
    if !is_send_kind(call.param("kind")) {
        return Err(error(404, "Not found"));
    }
    let mut problems = Problems::default();
    line_rules::messages(&call.body()?, &mut problems);
    settle(problems)?;
    Ok(answer(200, Value::Null))
}

/// The number of messages of a kind sent on a day.
fn delivery(state: &mut State, call: &Call) -> Reply {
    let kind = call.param("kind");
    if !(is_send_kind(kind) || kind == "pnp") || kind == "narrowcast" {
        return Err(error(404, "Not found"));
    }
    let date = call.query("date").unwrap_or_default();
    if !line_rules::is_date(&date) {
        return Err(error(400, "The value for the 'date' parameter is invalid"));
    }
    let success: usize = state
        .messages
        .deliveries
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| d.to.len())
        .sum();
    Ok(answer(200, json!({"status": "ready", "success": success})))
}

pub(super) fn is_send_kind(kind: &str) -> bool {
    matches!(
        kind,
        "push" | "reply" | "multicast" | "broadcast" | "narrowcast"
    )
}

pub(super) fn loading(body: &Value) -> Reply {
    let mut problems = Problems::default();
    line_rules::user_id(body, "chatId", &mut problems);
    if let Some(seconds) = body.get("loadingSeconds") {
        let ok = seconds
            .as_u64()
            .is_some_and(|s| (5..=60).contains(&s) && s % 5 == 0);
        problems.check(
            ok,
            "loadingSeconds",
            "Must be a multiple of 5 between 5 and 60",
        );
    }
    settle(problems)?;
    Ok(answer(202, json!({})))
}

pub(super) fn push(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    line_rules::receiver_id(body, "to", &mut problems);
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    let to = vec![body["to"].as_str().unwrap_or_default().to_owned()];
    Ok(answer(200, deliver(state, "push", to, body, request_id)))
}

pub(super) fn reply(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    let token = body
        .get("replyToken")
        .and_then(Value::as_str)
        .unwrap_or_default();
    problems.check(!token.is_empty(), "replyToken", "May not be empty");
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    if !state.messages.used_reply_tokens.insert(token.to_owned()) {
        return Err(error(400, "Invalid reply token"));
    }
    let to = vec![format!("reply:{token}")];
    Ok(answer(200, deliver(state, "reply", to, body, request_id)))
}

pub(super) fn multicast(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    let to: Vec<String> = body["to"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let count_ok = body["to"]
        .as_array()
        .is_some_and(|a| (1..=500).contains(&a.len()));
    problems.check(count_ok, "to", "Size must be between 1 and 500");
    for (i, user) in to.iter().enumerate() {
        problems.check(
            line_rules::is_id(user, &['U']),
            &format!("to[{i}]"),
            "Must be a valid user id",
        );
    }
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    deliver(state, "multicast", to, body, request_id);
    Ok(answer(200, json!({})))
}

pub(super) fn broadcast(
    state: &mut State,
    body: &Value,
    request_id: &str,
    kind: &'static str,
) -> Reply {
    let mut problems = Problems::default();
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    let to = FRIENDS.iter().map(|f| f.to_string()).collect();
    deliver(state, kind, to, body, request_id);
    Ok(answer(200, json!({})))
}

pub(super) fn narrowcast(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    for key in ["recipient", "filter", "limit"] {
        let ok = body.get(key).is_none_or(Value::is_object);
        problems.check(ok, key, "Must be an object");
    }
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    let audience = body["recipient"]["audienceGroupId"].as_i64();
    let fails = audience == Some(SMALL_AUDIENCE);
    // An audience the account built reaches its users; any other, the
    // friends.
    let members = audience.and_then(|id| state.audiences.members(id));
    match members {
        _ if fails => {}
        Some(to) => drop(deliver(state, "narrowcast", to, body, request_id)),
        None => drop(broadcast(state, body, request_id, "narrowcast")?),
    }
    let accepted = SystemTime::now();
    state
        .messages
        .narrowcasts
        .insert(request_id.to_owned(), Narrowcast { accepted, fails });
    Ok(answer(202, json!({})))
}

pub(super) fn narrowcast_progress(state: &State, req: &Recorded) -> Reply {
    let Some(id) = query_param(req, "requestId").filter(|id| !id.is_empty()) else {
        return Err(error(
            400,
            "The value for the 'requestId' parameter is invalid",
        ));
    };
    let Some(narrowcast) = state.messages.narrowcasts.get(&id) else {
        return Err(error(404, "Not found"));
    };
    let time = |t: SystemTime| humantime::format_rfc3339_millis(t).to_string();
    let accepted = narrowcast.accepted;
    let elapsed = accepted.elapsed().unwrap_or_default();
    let took = state.messages.narrowcast_time;
    let count = FRIENDS.len();
    let progress = match elapsed {
        e if e < took / 2 => json!({"phase": "waiting", "acceptedTime": time(accepted)}),
        e if e < took => json!({"phase": "sending", "acceptedTime": time(accepted)}),
        _ if narrowcast.fails => json!({
            "phase": "failed",
            "failedDescription": "The target count of the narrowcast is too small",
            "errorCode": 1,
            "acceptedTime": time(accepted),
            "completedTime": time(accepted + took),
        }),
        _ => json!({
            "phase": "succeeded",
            "successCount": count,
            "failureCount": 0,
            "targetCount": count,
            "acceptedTime": time(accepted),
            "completedTime": time(accepted + took),
        }),
    };
    Ok(answer(200, progress))
}

/// Records a delivery and returns push/reply's `sentMessages` answer.
pub(super) fn deliver(
    state: &mut State,
    kind: &'static str,
    to: Vec<String>,
    body: &Value,
    request_id: &str,
) -> Value {
    for unit in body["customAggregationUnits"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let unit = unit.as_str().unwrap_or_default().to_owned();
        if !state.messages.units.contains(&unit) {
            state.messages.units.push(unit);
        }
    }
    let messages = body["messages"].clone();
    let count = messages.as_array().map_or(0, Vec::len);
    let sent: Vec<Value> = (0..count)
        .map(|_| {
            state.messages.next_message_id += 1;
            let id = format!(
                "{}",
                500_000_000_000_000u64 + state.messages.next_message_id
            );
            json!({"id": id, "quoteToken": format!("q{id}")})
        })
        .collect();
    state.messages.deliveries.push(Delivery {
        kind,
        to,
        messages,
        request_id: request_id.to_owned(),
        retry_key: None,
    });
    json!({"sentMessages": sent})
}
