//! One request to the intake, along its steps: the cheap refusals first
//! (not a POST, no signature, a declared length over the bound: nothing is
//! read), then the body under a deadline and a byte budget shared by every
//! request, then the component's verdict (the signature under each channel
//! secret given), then the store. LINE is answered 200 only once the
//! batch's events are on disk; 503 when the store cannot take them (LINE
//! then redelivers).

use crate::store::{NewEvent, Refused, Store};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use line_connector_host::{Connector, Sandbox};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The largest batch read (the component refuses larger ones too).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The bytes of each body not charged to the shared budget.
pub const FREE_BYTES: usize = 64 * 1024;

/// What every request shares.
pub struct Shared {
    /// The component, which verifies and reads batches.
    pub connector: Arc<Connector>,
    /// The channel secrets a batch may be signed with (several during a rotation).
    pub secrets: Vec<String>,
    /// Where verified events go before LINE is answered.
    pub store: Store,
    /// Told when events were stored.
    pub wake: Arc<Notify>,
    /// Bytes of bodies held at once beyond each one's first [`FREE_BYTES`],
    /// by every request together.
    pub budget: Arc<Semaphore>,
    /// The deadline for a whole body.
    pub body_timeout: Duration,
    /// Only events of these types are kept (all when `None`).
    pub types: Option<Vec<String>>,
    /// The channel's config, for replies to answerers and the profiles of
    /// new followers (none: neither).
    pub reply_config: Option<serde_json::Value>,
    /// The channel's name, which its contacts are kept under.
    pub channel: String,
}

/// The answer to one request.
pub async fn answer(
    shared: &Shared,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (status, close) = match receive(shared, request).await {
        Ok(()) => (200, false),
        Err(status) => (status, status != 503 && status != 500),
    };
    let mut response = hyper::Response::builder().status(status);
    if close {
        // A refused request's body may be unread: the connection ends.
        response = response.header(http::header::CONNECTION, "close");
    }
    response
        .body(Full::new(Bytes::new()))
        .expect("a valid response")
}

/// The steps: `Ok` once stored, or the status to answer.
async fn receive(shared: &Shared, request: hyper::Request<Incoming>) -> Result<(), u16> {
    if request.method() != hyper::Method::POST {
        return Err(405);
    }
    let signature = request
        .headers()
        .get("x-line-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(401u16)?
        .to_owned();
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(413);
    }
    let (body, held) = read_body(shared, request.into_body()).await?;
    let batch = verdict(shared, &body, &signature).await?;
    drop((body, held));
    let events = events_of(&batch, shared.types.as_deref()).map_err(|_| 500u16)?;
    match shared.store.put(&shared.channel, &events).await {
        Ok(put) => {
            shared.wake.notify_one();
            send_replies(shared, put.replies);
            fetch_profiles(shared, put.followed);
            Ok(())
        }
        Err(Refused::Full(bound)) => {
            eprintln!(
                "the store holds {bound} undelivered events (its bound): answered 503, LINE redelivers"
            );
            Err(503)
        }
        Err(Refused::Failed(error)) => {
            eprintln!("the store failed: {error:#} (answered 503, LINE redelivers)");
            Err(503)
        }
    }
}

/// Replies to answerers (taken, or refused and why), after LINE was
/// answered: through the component's `reply`, with the channel's config.
/// Best effort: a reply token lasts a minute, and the answer is recorded
/// whether or not its acknowledgement arrives.
fn send_replies(shared: &Shared, replies: Vec<crate::store::Reply>) {
    let Some(config) = shared.reply_config.clone() else {
        return;
    };
    for reply in replies {
        let (connector, config) = (shared.connector.clone(), config.clone());
        tokio::spawn(async move {
            let input = serde_json::json!({
                "replyToken": reply.token,
                "messages": [{"type": "text", "text": reply.text}],
            });
            match connector.run("reply", &config, &input).await {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => eprintln!("replying to an answer: {}", error["type"]),
                Err(error) => eprintln!("replying to an answer: {error:#}"),
            }
        });
    }
}

/// The display names of new followers, fetched once each through the
/// component's `get-profile` after LINE was answered. Best effort: a
/// contact without a name is still a contact.
fn fetch_profiles(shared: &Shared, users: Vec<String>) {
    let Some(config) = shared.reply_config.clone() else {
        return;
    };
    for user in users {
        let (connector, config) = (shared.connector.clone(), config.clone());
        let (store, channel) = (shared.store.clone(), shared.channel.clone());
        tokio::spawn(async move {
            let input = serde_json::json!({"userId": user});
            match connector.run("get-profile", &config, &input).await {
                Ok(Ok(profile)) => {
                    let name = profile["displayName"].as_str().unwrap_or_default();
                    if let Err(error) = crate::contacts::named(&store, &channel, &user, name).await
                    {
                        eprintln!("storing a follower's name: {error:#}");
                    }
                }
                Ok(Err(error)) => eprintln!("a follower's profile: {}", error["type"]),
                Err(error) => eprintln!("a follower's profile: {error:#}"),
            }
        });
    }
}

/// The body, read within the deadline, each chunk's bytes taken from the
/// shared budget (held until the request is answered).
async fn read_body(
    shared: &Shared,
    mut body: Incoming,
) -> Result<(Vec<u8>, Vec<OwnedSemaphorePermit>), u16> {
    let read = async {
        let mut bytes = Vec::new();
        let mut held = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|error| match timed_out(&error) {
                true => 408u16,
                false => 400,
            })?;
            let Some(chunk) = frame.data_ref() else {
                continue;
            };
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(413);
            }
            // The first FREE_BYTES of a body are not charged: LINE's
            // batches (a few kilobytes) never wait behind large bodies.
            let charged = (bytes.len() + chunk.len()).saturating_sub(FREE_BYTES)
                - bytes.len().saturating_sub(FREE_BYTES);
            if charged > 0 {
                let permit = shared
                    .budget
                    .clone()
                    .acquire_many_owned(charged as u32)
                    .await
                    .map_err(|_| 503u16)?;
                held.push(permit);
            }
            bytes.extend_from_slice(chunk);
        }
        Ok((bytes, held))
    };
    tokio::time::timeout(shared.body_timeout, read)
        .await
        .unwrap_or(Err(408))
}

/// Whether a body's read failed because the connection went idle.
fn timed_out(error: &hyper::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        source = error.source();
    }
    error.is_timeout()
}

/// The component's verdict on the batch, under each secret in turn: its
/// `parse-json` text, or the status to answer.
async fn verdict(shared: &Shared, body: &[u8], signature: &str) -> Result<String, u16> {
    let mut session = shared
        .connector
        .session(Sandbox::allowing(Vec::<String>::new()))
        .await
        .map_err(|_| 503u16)?;
    for secret in &shared.secrets {
        match session.parse_json(secret, body, signature).await {
            Ok(Ok(batch)) => return Ok(batch),
            Ok(Err(error)) if error["type"] == "signature-mismatch" => continue,
            Ok(Err(error)) if error["type"] == "not-json" || error["type"] == "too-large" => {
                return Err(400);
            }
            Ok(Err(_)) => return Err(401),
            Err(error) => {
                eprintln!("verifying a batch: {error:#}");
                return Err(500);
            }
        }
    }
    Err(401)
}

/// A shaped batch, its events left as text.
#[derive(Deserialize)]
struct Batch<'a> {
    #[serde(borrow)]
    destination: &'a RawValue,
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

/// The fields of an event the intake itself uses.
#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(rename = "webhookEventId", default)]
    id: String,
    #[serde(default)]
    source: Option<Source>,
}

/// Where an event happened: the chat whose order it keeps.
#[derive(Deserialize)]
struct Source {
    #[serde(rename = "groupId")]
    group: Option<String>,
    #[serde(rename = "roomId")]
    room: Option<String>,
    #[serde(rename = "userId")]
    user: Option<String>,
}

/// The batch's events as stored: each with the batch's `destination`,
/// kept when of a kept type (all when `types` is `None`).
pub fn events_of(batch: &str, types: Option<&[String]>) -> serde_json::Result<Vec<NewEvent>> {
    let batch: Batch = serde_json::from_str(batch)?;
    let mut events = Vec::with_capacity(batch.events.len());
    for raw in batch.events {
        let head: Head = serde_json::from_str(raw.get())?;
        let keep = types.is_none_or(|types| types.contains(&head.kind));
        let chat = head
            .source
            .and_then(|s| s.group.or(s.room).or(s.user))
            .unwrap_or_default();
        let rest = raw.get().trim_start().strip_prefix('{').unwrap_or("}");
        let comma = if rest.trim_start().starts_with('}') {
            ""
        } else {
            ","
        };
        let json = format!("{{\"destination\":{}{comma}{rest}", batch.destination.get());
        events.push(NewEvent {
            id: head.id,
            chat,
            json,
            kind: head.kind,
            keep,
        });
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_carries_the_destination_and_its_chat() {
        let batch = r#"{"destination":"Ubot","events":[
            {"type":"message","webhookEventId":"e1","source":{"type":"group","groupId":"C1","userId":"U1"}},
            {"type":"follow","webhookEventId":"e2","source":{"type":"user","userId":"U2"}},
            {}]}"#;
        let events = events_of(batch, None).unwrap();
        let chats: Vec<&str> = events.iter().map(|e| e.chat.as_str()).collect();
        assert_eq!(chats, ["C1", "U2", ""]);
        let first: serde_json::Value = serde_json::from_str(&events[0].json).unwrap();
        assert_eq!(first["destination"], "Ubot");
        assert_eq!(first["source"]["groupId"], "C1");
        let empty: serde_json::Value = serde_json::from_str(&events[2].json).unwrap();
        assert_eq!(empty, serde_json::json!({"destination": "Ubot"}));
        let kept = events_of(batch, Some(&["follow".to_owned()])).unwrap();
        let kept: Vec<&str> = kept
            .iter()
            .filter(|e| e.keep)
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(kept, ["e2"]);
    }
}
