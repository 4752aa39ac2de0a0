//! LINE's side of webhooks: one event of each of the 19 types in
//! `webhook.yml`, batches signed as LINE signs them (`X-Line-Signature`:
//! base64 of the HMAC-SHA256 of the body under the channel secret), and
//! sending them, redeliveries included, to a URL.

use crate::seed::{CLIENT_SECRET, FRIENDS, GROUP};
use anyhow::{Context, Result};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

/// The bot's user id, as a batch's `destination`.
pub const BOT_USER_ID: &str = "U00000000000000000000000000000b07";

/// One event of each type LINE sends (`webhook.yml`'s 19), each with its
/// common fields; `webhookEventId`s are `sim-event-1` to `sim-event-19`.
pub fn every_event_type() -> Vec<Value> {
    let user = json!({"type": "user", "userId": FRIENDS[0]});
    let group = json!({"type": "group", "groupId": GROUP, "userId": FRIENDS[1]});
    let members = json!({"members": [{"type": "user", "userId": FRIENDS[2]}]});
    let payloads: [(&str, &Value, Value); 19] = [
        (
            "message",
            &user,
            json!({"replyToken": "r1", "message": {"type": "text", "id": "100001", "text": "CONFIRM", "quoteToken": "q1"}}),
        ),
        ("unsend", &user, json!({"unsend": {"messageId": "100001"}})),
        (
            "follow",
            &user,
            json!({"replyToken": "r3", "follow": {"isUnblocked": false}}),
        ),
        ("unfollow", &user, json!({})),
        ("join", &group, json!({"replyToken": "r5"})),
        ("leave", &group, json!({})),
        (
            "memberJoined",
            &group,
            json!({"replyToken": "r7", "joined": members}),
        ),
        ("memberLeft", &group, json!({"left": members})),
        (
            "postback",
            &user,
            json!({"replyToken": "r9", "postback": {"data": "action=report", "params": {"datetime": "2026-11-23T10:00"}}}),
        ),
        (
            "videoPlayComplete",
            &user,
            json!({"replyToken": "r10", "videoPlayComplete": {"trackingId": "incident-brief"}}),
        ),
        (
            "beacon",
            &user,
            json!({"replyToken": "r11", "beacon": {"hwid": "d41d8cd98f", "type": "enter"}}),
        ),
        (
            "accountLink",
            &user,
            json!({"replyToken": "r12", "link": {"result": "ok", "nonce": "xxxxxxxxxxxxxxx"}}),
        ),
        (
            "membership",
            &user,
            json!({"replyToken": "r13", "membership": {"type": "joined", "membershipId": 3189}}),
        ),
        (
            "module",
            &user,
            json!({"module": {"type": "attached", "botId": BOT_USER_ID, "scopes": ["message.write"]}}),
        ),
        (
            "activated",
            &user,
            json!({"chatControl": {"expireAt": 1_900_000_000_000i64}}),
        ),
        ("deactivated", &user, json!({})),
        ("botSuspended", &user, json!({})),
        ("botResumed", &user, json!({})),
        (
            "delivery",
            &user,
            json!({"delivery": {"data": "pnp-delivery-1"}}),
        ),
    ];
    payloads
        .into_iter()
        .enumerate()
        .map(|(i, (kind, source, payload))| {
            let mut event = json!({
                "type": kind, "mode": "active", "timestamp": 1_763_900_000_000i64 + i as i64,
                "source": source, "webhookEventId": format!("sim-event-{}", i + 1),
                "deliveryContext": {"isRedelivery": false},
            });
            if let (Value::Object(event), Value::Object(payload)) = (&mut event, payload) {
                event.extend(payload);
            }
            event
        })
        .collect()
}

/// A `messageEdited` event (LINE's 20th type, after the `webhook.yml`
/// these tests read): a group member's text message edited, under the
/// original message's id; an optional reply token, no mark-as-read token.
pub fn message_edited(id: &str, timestamp: i64, text: &str) -> Value {
    json!({
        "type": "messageEdited", "mode": "active", "timestamp": timestamp,
        "source": {"type": "group", "groupId": GROUP, "userId": FRIENDS[1]},
        "webhookEventId": id, "deliveryContext": {"isRedelivery": false},
        "replyToken": format!("reply-{id}"),
        "message": {"type": "text", "id": "100001", "text": text},
    })
}

/// Where `user` speaks in `chat` (a user, group or room id), as LINE's `source`.
fn source(chat: &str, user: &str) -> Value {
    match chat.chars().next() {
        Some('C') => json!({"type": "group", "groupId": chat, "userId": user}),
        Some('R') => json!({"type": "room", "roomId": chat, "userId": user}),
        _ => json!({"type": "user", "userId": user}),
    }
}

/// `user` tapping a postback action whose data is `data`, in `chat`
/// (event id `id`, a reply token of its own).
pub fn postback_event(id: &str, chat: &str, user: &str, data: &str) -> Value {
    json!({
        "type": "postback", "mode": "active", "timestamp": now_ms(),
        "source": source(chat, user), "webhookEventId": id,
        "deliveryContext": {"isRedelivery": false}, "replyToken": format!("reply-{id}"),
        "postback": {"data": data},
    })
}

/// `user` sending the text message `text` in `chat`.
pub fn text_event(id: &str, chat: &str, user: &str, text: &str) -> Value {
    json!({
        "type": "message", "mode": "active", "timestamp": now_ms(),
        "source": source(chat, user), "webhookEventId": id,
        "deliveryContext": {"isRedelivery": false}, "replyToken": format!("reply-{id}"),
        "message": {"type": "text", "id": format!("{}", now_ms()), "text": text, "quoteToken": "q"},
    })
}

/// An event of `kind` from `user` in a one-to-one chat, now, with a
/// fresh `webhookEventId` and `extra` fields.
fn user_event(kind: &str, user: &str, extra: Value) -> Value {
    let mut event = json!({
        "type": kind, "mode": "active", "timestamp": now_ms(),
        "source": {"type": "user", "userId": user},
        "webhookEventId": format!("sim-{kind}-{}", uuid::Uuid::new_v4().simple()),
        "deliveryContext": {"isRedelivery": false},
    });
    if let (Value::Object(event), Value::Object(extra)) = (&mut event, extra) {
        event.extend(extra);
    }
    event
}

/// `user` adding the account as a friend (`unblocked`: after blocking it).
pub fn follow_event(user: &str, unblocked: bool) -> Value {
    let reply = format!("reply-follow-{}", now_ms());
    let extra = json!({"replyToken": reply, "follow": {"isUnblocked": unblocked}});
    user_event("follow", user, extra)
}

/// `user` blocking the account.
pub fn unfollow_event(user: &str) -> Value {
    user_event("unfollow", user, json!({}))
}

/// `user` confirming (or failing) an account link with `nonce`.
pub fn account_link_event(user: &str, ok: bool, nonce: &str) -> Value {
    let result = if ok { "ok" } else { "failed" };
    let reply = format!("reply-link-{}", now_ms());
    let extra = json!({"replyToken": reply, "link": {"result": result, "nonce": nonce}});
    user_event("accountLink", user, extra)
}

/// The postback data of option `option` of a pushed message (a confirm or
/// buttons template's action, or a quick reply's), as the user's app shows it.
pub fn option_data(messages: &Value, option: usize) -> Option<String> {
    let message = &messages[0];
    let action = match message["type"].as_str()? {
        "template" => &message["template"]["actions"][option],
        _ => &message["quickReply"]["items"][option]["action"],
    };
    action["data"].as_str().map(str::to_owned)
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `events` as a batch, and its `X-Line-Signature` under `secret`.
pub fn signed_batch(secret: &str, events: &[Value]) -> (Vec<u8>, String) {
    let body = json!({"destination": BOT_USER_ID, "events": events})
        .to_string()
        .into_bytes();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(&body);
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    (body, signature)
}

/// The same events as LINE redelivers them (`isRedelivery: true`).
pub fn redelivered(events: &[Value]) -> Vec<Value> {
    let mut events = events.to_vec();
    for event in &mut events {
        event["deliveryContext"]["isRedelivery"] = json!(true);
    }
    events
}

/// POSTs `events` to `url` (loopback only) as a batch signed with the
/// channel secret; the status it answered.
pub async fn post_batch(url: &str, events: &[Value]) -> Result<u16> {
    let (body, signature) = signed_batch(CLIENT_SECRET, events);
    let uri: http::Uri = url.parse().context("the webhook URL")?;
    let host = uri.host().context("a host")?.to_owned();
    anyhow::ensure!(
        host.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
            || host == "localhost",
        "the simulator sends webhooks only to loopback, not {host}"
    );
    post_json(url, &[("x-line-signature", &signature)], body).await
}

/// POSTs a JSON `body` with `headers` to `url`, as LINE's platform posts a
/// webhook; the status the bot answered.
async fn post_json(url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Result<u16> {
    use http_body_util::Full;
    use hyper_util::client::legacy::Client;
    let client: Client<_, Full<bytes::Bytes>> =
        Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let mut request = hyper::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = client
        .request(request.body(Full::new(body.into()))?)
        .await?;
    Ok(answer.status().as_u16())
}
