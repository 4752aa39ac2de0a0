//! Deciding answers, inside the transaction that stores their batch: an
//! ask's postback (its data verified against the store's key, the ask
//! open, not expired, the answerer allowed, the chat the ask's) or, for an
//! ask that takes free text, the next text message from an allowed
//! answerer in its chat. Every decision is recorded (a refusal with its
//! reason); an answer taken closes a first-wins ask and becomes an
//! `answer` event delivered like any other, with its own idempotency key.

use crate::ask::{self, Answerers};
use crate::event::{NewEvent, Reply};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

/// What an event came to.
pub struct Decision {
    /// The `answer` event to store and deliver (none for a refusal).
    pub event: Option<NewEvent>,
    /// The acknowledgement to reply, when the event has a reply token.
    pub reply: Option<Reply>,
}

/// The fields of a stored event an answer needs.
struct Incoming<'a> {
    event: &'a Value,
    user: &'a str,
    chat: &'a str,
    reply_token: Option<&'a str>,
}

/// An ask as stored.
struct Open {
    id: String,
    chat: String,
    options: Vec<String>,
    answerers: Answerers,
    expires_at: i64,
    every: bool,
    state: String,
    thanks: String,
    refused: String,
}

/// Decides what `event` (newly stored) answers, if anything.
pub async fn consider(
    tx: &mut AnyConnection,
    key: &[u8],
    event: &NewEvent,
    now: i64,
) -> sqlx::Result<Option<Decision>> {
    if event.kind != "postback" && event.kind != "message" {
        return Ok(None);
    }
    let Ok(value) = serde_json::from_str::<Value>(&event.json) else {
        return Ok(None);
    };
    let source = &value["source"];
    let incoming = Incoming {
        event: &value,
        user: source["userId"].as_str().unwrap_or_default(),
        chat: &event.chat,
        reply_token: value["replyToken"].as_str(),
    };
    match event.kind.as_str() {
        "postback" => {
            let data = value["payload"]["data"].as_str().unwrap_or_default();
            match ask::read_data(key, data) {
                None => Ok(None),
                Some(Err(why)) => {
                    // Recorded against the ask the data claims, if it exists.
                    let claimed = data
                        .strip_prefix(ask::DATA_PREFIX)
                        .and_then(|r| r.split(':').next());
                    let ask = match claimed {
                        Some(id) => load(tx, id).await?,
                        None => None,
                    };
                    let id = ask.as_ref().map_or("", |a| a.id.as_str()).to_owned();
                    refuse(tx, &id, &incoming, why, ask.as_ref(), now)
                        .await
                        .map(Some)
                }
                Some(Ok((id, option))) => tap(tx, &incoming, &id, option, now).await.map(Some),
            }
        }
        _ => free_text(tx, &incoming, now).await,
    }
}

/// A tap on option `option` of ask `id`.
async fn tap(
    tx: &mut AnyConnection,
    incoming: &Incoming<'_>,
    id: &str,
    option: usize,
    now: i64,
) -> sqlx::Result<Decision> {
    let Some(ask) = load(tx, id).await? else {
        return refuse(tx, "", incoming, "forged", None, now).await;
    };
    let Some(label) = ask.options.get(option).cloned() else {
        return refuse(tx, id, incoming, "forged", Some(&ask), now).await;
    };
    if let Some(why) = refusal(&ask, incoming, now) {
        return refuse(tx, id, incoming, why, Some(&ask), now).await;
    }
    take(tx, &ask, incoming, Some((option, label)), None, now).await
}

/// A text message: the answer to the open free-text ask of its chat that
/// its sender may answer, if there is one.
async fn free_text(
    tx: &mut AnyConnection,
    incoming: &Incoming<'_>,
    now: i64,
) -> sqlx::Result<Option<Decision>> {
    let value = &incoming.event["payload"]["value"];
    let Some(text) = value["text"].as_str().filter(|_| value["type"] == "text") else {
        return Ok(None);
    };
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM asks WHERE chat = $1 AND state = 'open' AND free_text = 1 AND expires_at > $2 \
         ORDER BY created_at DESC",
    )
    .bind(incoming.chat)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for id in ids {
        if let Some(ask) = load(tx, &id).await?
            && refusal(&ask, incoming, now).is_none()
        {
            return take(tx, &ask, incoming, None, Some(text), now)
                .await
                .map(Some);
        }
    }
    Ok(None)
}

/// Why `incoming` may not answer `ask`, if it may not.
fn refusal(ask: &Open, incoming: &Incoming<'_>, now: i64) -> Option<&'static str> {
    if incoming.chat != ask.chat {
        Some("another chat")
    } else if !ask.answerers.allow(&ask.chat, incoming.user) {
        Some("not allowed")
    } else if now >= ask.expires_at || (ask.state == "expired") {
        Some("expired")
    } else if ask.state != "open" {
        Some("closed")
    } else {
        None
    }
}

/// Records an answer taken, closes a first-wins ask, and makes its event.
async fn take(
    tx: &mut AnyConnection,
    ask: &Open,
    incoming: &Incoming<'_>,
    option: Option<(usize, String)>,
    text: Option<&str>,
    now: i64,
) -> sqlx::Result<Decision> {
    let (index, label) = option.map_or((None, None), |(i, l)| (Some(i as i64), Some(l)));
    let seq = record(
        tx,
        &ask.id,
        incoming,
        index,
        label.as_deref(),
        text,
        None,
        now,
    )
    .await?;
    if !ask.every {
        sqlx::query("UPDATE asks SET state = 'answered' WHERE id = $1")
            .bind(&ask.id)
            .execute(&mut *tx)
            .await?;
    }
    let event = json!({
        "type": "answer",
        "destination": incoming.event["destination"],
        "webhookEventId": format!("answer-{}-{seq}", ask.id),
        "askId": ask.id,
        "option": label,
        "optionIndex": index,
        "text": text,
        "answerer": incoming.user,
        "chat": ask.chat,
        "timestamp": now,
        "default": false,
    });
    Ok(Decision {
        event: Some(NewEvent {
            id: event["webhookEventId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            chat: ask.chat.clone(),
            json: event.to_string(),
            kind: "answer".into(),
            keep: true,
        }),
        reply: incoming.reply_token.map(|token| Reply {
            token: token.to_owned(),
            text: ask.thanks.clone(),
        }),
    })
}

/// Records a refusal and its reason; the answerer is told it did not count.
async fn refuse(
    tx: &mut AnyConnection,
    id: &str,
    incoming: &Incoming<'_>,
    why: &str,
    ask: Option<&Open>,
    now: i64,
) -> sqlx::Result<Decision> {
    record(tx, id, incoming, None, None, None, Some(why), now).await?;
    let text = ask.map_or("This answer could not be taken.".to_owned(), |a| {
        a.refused.clone()
    });
    Ok(Decision {
        event: None,
        reply: incoming.reply_token.map(|token| Reply {
            token: token.to_owned(),
            text,
        }),
    })
}

/// One row of `answers`; its sequence number.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut AnyConnection,
    id: &str,
    incoming: &Incoming<'_>,
    index: Option<i64>,
    label: Option<&str>,
    text: Option<&str>,
    refused: Option<&str>,
    now: i64,
) -> sqlx::Result<i64> {
    let done = sqlx::query(
        "INSERT INTO answers (ask_id, event_id, answerer, option_index, label, text, accepted, reason, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
    )
    .bind(id)
    .bind(incoming.event["webhookEventId"].as_str())
    .bind(incoming.user)
    .bind(index)
    .bind(label)
    .bind(text)
    .bind(refused.is_none() as i64)
    .bind(refused)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    Ok(done.get(0))
}

/// The ask `id`, if it exists.
async fn load(tx: &mut AnyConnection, id: &str) -> sqlx::Result<Option<Open>> {
    let row = sqlx::query(
        "SELECT id, chat, options, answerers, expires_at, every, state, thanks, refused FROM asks WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|row| Open {
        id: row.get(0),
        chat: row.get(1),
        options: serde_json::from_str(&row.get::<String, _>(2)).unwrap_or_default(),
        answerers: Answerers::from_stored(&row.get::<String, _>(3)),
        expires_at: row.get(4),
        every: row.get::<i64, _>(5) == 1,
        state: row.get(6),
        thanks: row.get(7),
        refused: row.get(8),
    }))
}
