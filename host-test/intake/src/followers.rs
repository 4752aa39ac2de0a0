//! The follower sync: seeds or repairs the contacts' friend status from
//! LINE's follower list (`get-followers`), a page at a time, each page
//! stored before the next is read, with LINE's `next` kept so an
//! interrupted sync resumes where it stopped. A sync read to the end marks
//! the users it did not see (and had heard nothing newer of) as not
//! friends. LINE gives follower ids only to verified and premium
//! accounts; for others it answers 403, which comes back as
//! `followers-unavailable`.

use crate::observing::set_status;
use crate::store::{Store, now_ms};
use anyhow::Result;
use line_connector_host::Session;
use serde_json::{Value, json};
use sqlx::Row;

/// Ids asked for per page by default (LINE's most).
pub const PAGE: u32 = 1000;

/// How a sync goes.
pub struct Sync {
    /// The channel whose contacts these are.
    pub channel: String,
    /// Pages read at most this time (then it stops, resumable).
    pub max_pages: u32,
    /// Ids per page (1 to 1,000).
    pub page_size: u32,
    /// Start from the beginning even if an earlier sync stopped partway.
    pub restart: bool,
}

/// Where an earlier sync stopped, and when it started; a fresh start
/// otherwise.
async fn resume(store: &Store, sync: &Sync) -> Result<(Option<String>, i64)> {
    let row = sqlx::query("SELECT next, started_at FROM follower_syncs WHERE channel = $1")
        .bind(&sync.channel)
        .fetch_optional(store.pool())
        .await?;
    Ok(match row {
        Some(row) if !sync.restart && row.get::<Option<String>, _>(0).is_some() => {
            (row.get(0), row.get(1))
        }
        _ => (None, now_ms()),
    })
}

/// Stores one page: each user a friend as of now, and where to go on.
async fn store_page(
    store: &Store,
    channel: &str,
    users: &[Value],
    next: Option<&str>,
    started_at: i64,
) -> Result<()> {
    let mut tx = store.write().await?;
    let now = now_ms();
    for user in users.iter().filter_map(Value::as_str) {
        set_status(&mut tx, channel, user, ("friend", now, "sync"), now).await?;
    }
    sqlx::query(
        "INSERT INTO follower_syncs (channel, next, started_at) VALUES ($1, $2, $3) \
         ON CONFLICT (channel) DO UPDATE SET next = excluded.next, started_at = excluded.started_at",
    )
    .bind(channel)
    .bind(next)
    .bind(started_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Users last known as friends before `started_at` that a whole sync did
/// not list: not friends (as of now); how many.
async fn mark_unlisted(store: &Store, channel: &str, started_at: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE contacts SET status = 'not-friend', status_at = $1, status_source = 'sync', touched_at = $2 \
         WHERE channel = $3 AND status = 'friend' AND status_at < $4",
    )
    .bind(now_ms())
    .bind(now_ms())
    .bind(channel)
    .bind(started_at)
    .execute(store.pool())
    .await?
    .rows_affected())
}

/// LINE's refusal of the follower list, explained.
fn unavailable(error: Value) -> Value {
    json!({
        "type": "followers-unavailable",
        "message": "LINE gives follower ids only to verified and premium accounts; this channel's account is neither (LINE answered 403). Contacts still come from follow and unfollow events and profile lookups.",
        "requestId": error["requestId"],
        "error": error,
    })
}

/// Runs a sync with `config`: `{"channel", "pages", "userIds", "next",
/// "finished", "notFriends"}`, or the error of the page that failed
/// (pages before it stay stored; the next run resumes there).
pub async fn sync(
    session: &mut Session<'_>,
    config: &Value,
    store: &Store,
    sync: &Sync,
) -> Result<std::result::Result<Value, Value>> {
    let (mut next, started_at) = resume(store, sync).await?;
    let (mut pages, mut users) = (0u32, 0usize);
    loop {
        if pages >= sync.max_pages {
            break;
        }
        let mut input = json!({"limit": sync.page_size});
        if let Some(start) = &next {
            input["start"] = json!(start);
        }
        let page = match session.run("get-followers", config, &input).await? {
            Ok(page) => page,
            Err(error) if error["type"] == "api" && error["status"] == 403 => {
                return Ok(Err(unavailable(error)));
            }
            Err(error) => return Ok(Err(error)),
        };
        let ids = page["userIds"].as_array().cloned().unwrap_or_default();
        next = page["next"].as_str().map(str::to_owned);
        store_page(store, &sync.channel, &ids, next.as_deref(), started_at).await?;
        pages += 1;
        users += ids.len();
        if next.is_none() {
            break;
        }
    }
    let finished = next.is_none();
    let not_friends = match finished {
        true => mark_unlisted(store, &sync.channel, started_at).await?,
        false => 0,
    };
    Ok(Ok(json!({
        "channel": sync.channel,
        "pages": pages,
        "userIds": users,
        "next": next,
        "finished": finished,
        "notFriends": not_friends,
    })))
}
