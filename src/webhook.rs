//! The `webhook` exports: a batch LINE sent, verified against its
//! `X-Line-Signature` (HMAC-SHA256 of the raw body under the channel secret,
//! compared in constant time by `hmac`'s `verify_slice`) and read into its
//! events. Nothing is sent; no output carries the secret.

use crate::bindings::exports::line::messaging::webhook::{
    CallbackRequest, EventPayload, Guest, WebhookError, WebhookEvent, WebhookSource,
};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The largest batch read, in bytes (LINE's batches are a few kilobytes).
pub const MAX_BODY_BYTES: usize = 1 << 20;

impl Guest for crate::Connector {
    fn verify(
        channel_secret: String,
        body: Vec<u8>,
        signature: String,
    ) -> Result<(), WebhookError> {
        verify(&channel_secret, &body, &signature)
    }

    fn parse(
        channel_secret: String,
        body: Vec<u8>,
        signature: String,
    ) -> Result<CallbackRequest, WebhookError> {
        verify(&channel_secret, &body, &signature)?;
        read(&body)
    }

    fn parse_json(
        channel_secret: String,
        body: Vec<u8>,
        signature: String,
    ) -> Result<String, WebhookError> {
        verify(&channel_secret, &body, &signature)?;
        shaped(&body)
    }
}

/// Checks `signature` (base64) against the body's HMAC-SHA256 under the
/// secret, in constant time, on the bytes as received.
fn verify(secret: &str, body: &[u8], signature: &str) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::MissingSecret);
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::TooLarge(MAX_BODY_BYTES as u32));
    }
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let tag = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .ok()
        .filter(|tag| tag.len() == 32)
        .ok_or(WebhookError::MalformedSignature)?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| WebhookError::MissingSecret)?;
    mac.update(body);
    mac.verify_slice(&tag)
        .map_err(|_| WebhookError::SignatureMismatch)
}

/// The batch's events, their common fields typed; an event of a type this
/// connector does not know reads like any other.
fn read(body: &[u8]) -> Result<CallbackRequest, WebhookError> {
    let batch: Value = serde_json::from_slice(body).map_err(not_json)?;
    let (destination, events) = parts(&batch)?;
    Ok(CallbackRequest {
        destination: destination.to_owned(),
        events: events.iter().map(event).collect(),
    })
}

/// A batch's `destination` and `events`, or why it is not a batch.
fn parts(batch: &Value) -> Result<(&str, &Vec<Value>), WebhookError> {
    match (batch["destination"].as_str(), batch["events"].as_array()) {
        (Some(destination), Some(events)) => Ok((destination, events)),
        _ => Err(WebhookError::NotJson(
            "a batch is an object with `destination` and `events`".into(),
        )),
    }
}

fn event(event: &Value) -> WebhookEvent {
    let text = |key: &str| event[key].as_str().map(str::to_owned);
    let source = event.get("source").filter(|s| s.is_object()).map(|s| {
        let field = |key: &str| s[key].as_str().map(str::to_owned);
        WebhookSource {
            type_: field("type").unwrap_or_default(),
            user_id: field("userId"),
            group_id: field("groupId"),
            room_id: field("roomId"),
        }
    });
    WebhookEvent {
        type_: text("type").unwrap_or_default(),
        mode: text("mode").unwrap_or_default(),
        timestamp: event["timestamp"].as_i64().unwrap_or_default(),
        source,
        webhook_event_id: text("webhookEventId").unwrap_or_default(),
        is_redelivery: event["deliveryContext"]["isRedelivery"]
            .as_bool()
            .unwrap_or(false),
        reply_token: text("replyToken"),
        payload: payload(event),
        json: event.to_string(),
    }
}

/// The event's payload, typed by its type; `unknown` for a type this
/// connector does not know or a payload not as LINE's reference gives it.
fn payload(event: &Value) -> EventPayload {
    use EventPayload as P;
    let kind = event["type"].as_str().unwrap_or_default();
    let typed = match kind {
        "message" => part(event, "message").map(P::Message),
        "messageEdited" => part(event, "message").map(P::MessageEdited),
        "unsend" => part(event, "unsend").map(P::Unsend),
        "follow" => part(event, "follow").map(P::Follow),
        "unfollow" => Some(P::Unfollow),
        "join" => Some(P::Join),
        "leave" => Some(P::Leave),
        "memberJoined" => part(event, "joined").map(P::MemberJoined),
        "memberLeft" => part(event, "left").map(P::MemberLeft),
        "postback" => postback(&event["postback"]).map(P::Postback),
        "videoPlayComplete" => part(event, "videoPlayComplete").map(P::VideoPlayComplete),
        "beacon" => part(event, "beacon").map(P::Beacon),
        "accountLink" => part(event, "link").map(P::AccountLink),
        "membership" => part(event, "membership").map(P::Membership),
        "module" => part(event, "module").map(P::Module),
        "activated" => part(event, "chatControl").map(P::Activated),
        "deactivated" => Some(P::Deactivated),
        "botSuspended" => Some(P::BotSuspended),
        "botResumed" => Some(P::BotResumed),
        "delivery" => part(event, "delivery").map(P::Delivery),
        _ => None,
    };
    typed.unwrap_or(P::Unknown)
}

/// The event's field `key` read into its record (LINE's names as Rust's).
fn part<T: DeserializeOwned>(event: &Value, key: &str) -> Option<T> {
    serde_json::from_value(crate::response::snake_keys(event.get(key)?.clone())).ok()
}

/// A postback: its `params` object travels as JSON text.
fn postback(
    content: &Value,
) -> Option<crate::bindings::exports::line::messaging::webhook::PostbackContent> {
    Some(
        crate::bindings::exports::line::messaging::webhook::PostbackContent {
            data: content["data"].as_str()?.to_owned(),
            params: content
                .get("params")
                .filter(|p| !p.is_null())
                .map(Value::to_string),
        },
    )
}

/// The batch in the shape `parse-json` gives: `destination`, and each event
/// read as `parse` reads it, in LINE's names, with its JSON as an object.
/// Written event by event, so a batch of many small events costs the text
/// it becomes, not a tree of it.
fn shaped(body: &[u8]) -> Result<String, WebhookError> {
    let batch: Value = serde_json::from_slice(body).map_err(not_json)?;
    let (destination, events) = parts(&batch)?;
    let mut out = String::with_capacity(body.len() * 2);
    out.push_str("{\"destination\":");
    out.push_str(&Value::from(destination).to_string());
    out.push_str(",\"events\":[");
    for (i, raw) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&shaped_event(event(raw), raw.clone()).to_string());
    }
    out.push_str("]}");
    Ok(out)
}

/// One event: its common fields, its payload (`{"type": case, ...}`) and
/// its JSON as LINE sent it.
fn shaped_event(event: WebhookEvent, raw: Value) -> Value {
    let camel = |v: Value| crate::response::camel_keys(v);
    let (case, fields) = payload_parts(event.payload);
    let mut payload = serde_json::Map::new();
    payload.insert("type".into(), case.into());
    // As every variant reads in JSON: a case's record joins `type`, unless
    // it has a `type` of its own, when it stays whole as `value`.
    match fields.map(camel) {
        Some(Value::Object(fields)) if fields.contains_key("type") => {
            payload.insert("value".into(), Value::Object(fields));
        }
        Some(Value::Object(fields)) => payload.extend(fields),
        _ => {}
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), event.type_.into());
    out.insert("mode".into(), event.mode.into());
    out.insert("timestamp".into(), event.timestamp.into());
    if let Some(source) = event.source {
        out.insert(
            "source".into(),
            camel(serde_json::to_value(source).unwrap_or_default()),
        );
    }
    out.insert("webhookEventId".into(), event.webhook_event_id.into());
    out.insert("isRedelivery".into(), event.is_redelivery.into());
    if let Some(token) = event.reply_token {
        out.insert("replyToken".into(), token.into());
    }
    out.insert("payload".into(), Value::Object(payload));
    out.insert("json".into(), raw);
    Value::Object(out)
}

/// A payload's case name (as in the WIT) and its fields, if it has any.
fn payload_parts(payload: EventPayload) -> (&'static str, Option<Value>) {
    use EventPayload as P;
    let json = |v: Result<Value, serde_json::Error>| v.ok();
    match payload {
        P::Message(m) => ("message", json(serde_json::to_value(m))),
        P::MessageEdited(m) => ("message-edited", json(serde_json::to_value(m))),
        P::Unsend(d) => ("unsend", json(serde_json::to_value(d))),
        P::Follow(d) => ("follow", json(serde_json::to_value(d))),
        P::Unfollow => ("unfollow", None),
        P::Join => ("join", None),
        P::Leave => ("leave", None),
        P::MemberJoined(m) => ("member-joined", json(serde_json::to_value(m))),
        P::MemberLeft(m) => ("member-left", json(serde_json::to_value(m))),
        P::Postback(p) => ("postback", json(serde_json::to_value(p))),
        P::VideoPlayComplete(v) => ("video-play-complete", json(serde_json::to_value(v))),
        P::Beacon(b) => ("beacon", json(serde_json::to_value(b))),
        P::AccountLink(l) => ("account-link", json(serde_json::to_value(l))),
        P::Membership(m) => ("membership", json(serde_json::to_value(m))),
        P::Module(m) => ("module", json(serde_json::to_value(m))),
        P::Activated(c) => ("activated", json(serde_json::to_value(c))),
        P::Deactivated => ("deactivated", None),
        P::BotSuspended => ("bot-suspended", None),
        P::BotResumed => ("bot-resumed", None),
        P::Delivery(d) => ("delivery", json(serde_json::to_value(d))),
        P::Unknown => ("unknown", None),
    }
}

fn not_json(error: serde_json::Error) -> WebhookError {
    WebhookError::NotJson(line_rules::shown::cut(&error.to_string(), 200).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_json_shape_has_typed_fields_payload_and_the_event_as_an_object() {
        let body = br#"{"destination":"Ubot","events":[
            {"type":"messageEdited","mode":"active","timestamp":7,"webhookEventId":"e1",
             "deliveryContext":{"isRedelivery":true},"replyToken":"r1",
             "source":{"type":"group","groupId":"C1","userId":"U1"},
             "message":{"type":"text","id":"42","text":"edited"}},
            {"type":"somethingNew","mode":"active","timestamp":8,"webhookEventId":"e2","extra":[1]}]}"#;
        let shaped: Value = serde_json::from_str(&shaped(body).unwrap()).unwrap();
        assert_eq!(shaped["destination"], "Ubot");
        let edited = &shaped["events"][0];
        assert_eq!(edited["isRedelivery"], true);
        assert_eq!(edited["replyToken"], "r1");
        assert_eq!(edited["source"]["groupId"], "C1");
        assert_eq!(edited["payload"]["type"], "message-edited");
        assert_eq!(edited["payload"]["value"]["id"], "42");
        assert_eq!(edited["json"]["message"]["text"], "edited");
        let unknown = &shaped["events"][1];
        assert_eq!(unknown["payload"], serde_json::json!({"type": "unknown"}));
        assert_eq!(unknown["json"]["extra"], serde_json::json!([1]));
        assert!(matches!(
            super::shaped(b"{\"events\":[]}"),
            Err(WebhookError::NotJson(_))
        ));
    }
}
