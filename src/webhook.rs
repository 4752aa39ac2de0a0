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
        let batch: Value = serde_json::from_slice(&body).map_err(not_json)?;
        read(&body)?; // the same checks as parse
        Ok(batch.to_string())
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
    let destination = batch["destination"].as_str();
    let events = batch["events"].as_array();
    let (Some(destination), Some(events)) = (destination, events) else {
        return Err(WebhookError::NotJson(
            "a batch is an object with `destination` and `events`".into(),
        ));
    };
    Ok(CallbackRequest {
        destination: destination.to_owned(),
        events: events.iter().map(event).collect(),
    })
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

fn not_json(error: serde_json::Error) -> WebhookError {
    WebhookError::NotJson(line_rules::shown::cut(&error.to_string(), 200).into_owned())
}
