//! Asks as a platform uses them (`line-connector ask`, or a host that
//! embeds this crate): put a question (stored first, then sent through the
//! component's `push`, with its retry key and typed errors), look its
//! answers up, and wait for them with a timeout. An answer arrives through
//! the intake ([`crate::answering`]) into the same store, so a wait that
//! started, stopped and started again finds it; at expiry the default is
//! recorded once and returned.

use crate::ask::{self, Question};
use crate::store::{Store, now_ms};
use anyhow::Result;
use line_connector_host::Connector;
use serde_json::{Value, json};
use sqlx::Row;
use std::time::{Duration, Instant};

/// How often a wait looks at the store.
const POLL: Duration = Duration::from_millis(200);

/// Puts `question`: checked (an `invalid-input` with its field, nothing
/// stored or sent), stored, then pushed with `config`. `Ok` with
/// `{"askId", "expiresAt", "requestId"}`, or `Err` with the error (the
/// ask is then closed: nobody was asked).
pub async fn ask(
    connector: &Connector,
    config: &Value,
    store: &Store,
    question: &Question,
) -> Result<std::result::Result<Value, Value>> {
    if let Err(error) = question.check() {
        return Ok(Err(error));
    }
    let id = ask::new_id();
    let expires_at = now_ms() + (question.expires_in as i64).saturating_mul(1000);
    create(store, &id, question, expires_at).await?;
    let messages = question.messages(|option| ask::data(store.key(), &id, option));
    let input = json!({"to": question.to, "messages": messages});
    match connector.run("push", config, &input).await? {
        Ok(sent) => Ok(Ok(json!({
            "askId": id,
            "expiresAt": expires_at,
            "requestId": sent["requestId"],
        }))),
        Err(error) => {
            sqlx::query("UPDATE asks SET state = 'unsent' WHERE id = $1")
                .bind(&id)
                .execute(store.pool())
                .await?;
            Ok(Err(error))
        }
    }
}

/// Stores a new ask.
async fn create(store: &Store, id: &str, q: &Question, expires_at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO asks (id, chat, question, options, free_text, answerers, created_at, expires_at, \
         default_answer, every, thanks, refused) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(&q.to)
    .bind(&q.text)
    .bind(serde_json::to_string(&q.options)?)
    .bind(q.free_text as i64)
    .bind(q.answerers.stored())
    .bind(now_ms())
    .bind(expires_at)
    .bind(&q.default)
    .bind(q.every as i64)
    .bind(&q.thanks)
    .bind(&q.refused)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Where ask `id` stands: `{"askId", "state", "expiresAt", "answer",
/// "answers", "refused"}` (`answer` the first taken, `refused` how many
/// were not), or `None` for an ask this store does not hold.
pub async fn status(store: &Store, id: &str) -> Result<Option<Value>> {
    let Some(row) = sqlx::query("SELECT state, expires_at FROM asks WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
    else {
        return Ok(None);
    };
    let (state, expires_at): (String, i64) = (row.get(0), row.get(1));
    let rows = sqlx::query(
        "SELECT label, option_index, text, answerer, at, CASE WHEN event_id IS NULL THEN 1 ELSE 0 END FROM answers \
         WHERE ask_id = $1 AND accepted = 1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let answers: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "option": r.get::<Option<String>, _>(0),
                "optionIndex": r.get::<Option<i64>, _>(1),
                "text": r.get::<Option<String>, _>(2),
                "answerer": r.get::<Option<String>, _>(3),
                "at": r.get::<i64, _>(4),
                "default": r.get::<i64, _>(5) == 1,
            })
        })
        .collect();
    let refused: i64 =
        sqlx::query_scalar("SELECT count(*) FROM answers WHERE ask_id = $1 AND accepted = 0")
            .bind(id)
            .fetch_one(store.pool())
            .await?;
    Ok(Some(json!({
        "askId": id,
        "state": state,
        "expiresAt": expires_at,
        "answer": answers.first(),
        "answers": answers,
        "refused": refused,
    })))
}

/// Waits for ask `id` to be answered (first wins) or to expire (then its
/// default, recorded once), at most `timeout` (`None`: until then); its
/// [`status`], or `None` when the timeout came first.
pub async fn wait(store: &Store, id: &str, timeout: Option<Duration>) -> Result<Option<Value>> {
    let started = Instant::now();
    loop {
        let Some(now) = status(store, id).await? else {
            anyhow::bail!("no ask {id} in this store");
        };
        if matches!(
            now["state"].as_str(),
            Some("answered" | "expired" | "unsent")
        ) {
            return Ok(Some(now));
        }
        if now_ms() >= now["expiresAt"].as_i64().unwrap_or(0) {
            expire(store, id).await?;
            continue;
        }
        if timeout.is_some_and(|t| started.elapsed() >= t) {
            return Ok(None);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Closes an open ask past its expiry: its default recorded as an answer
/// (once: the state changes in the same transaction).
async fn expire(store: &Store, id: &str) -> Result<()> {
    let mut tx = store.write().await?;
    let row = sqlx::query(
        "SELECT default_answer, options, every FROM asks WHERE id = $1 AND state = 'open'",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = row {
        let default: Option<String> = row.get(0);
        let options: Vec<String> =
            serde_json::from_str(&row.get::<String, _>(1)).unwrap_or_default();
        let taken: i64 =
            sqlx::query_scalar("SELECT count(*) FROM answers WHERE ask_id = $1 AND accepted = 1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if let Some(default) = default.filter(|_| taken == 0) {
            let index = options.iter().position(|o| *o == default).map(|i| i as i64);
            sqlx::query(
                "INSERT INTO answers (ask_id, event_id, answerer, option_index, label, accepted, at) \
                 VALUES ($1, NULL, NULL, $2, $3, 1, $4)",
            )
            .bind(id)
            .bind(index)
            .bind(&default)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE asks SET state = 'expired' WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
