//! The durable store: every event of a verified batch is written here, in
//! one transaction synced to disk, before LINE is answered 200; the
//! deliverer takes them from here, and marks them delivered only once the
//! platform took them. An embedded SQLite file (WAL, `synchronous=FULL`),
//! through sqlx; the schema is versioned by sqlx's migrator
//! (`migrations/`, applied at open).
//!
//! LINE's redeliveries are recognised against what was *stored* (LINE's
//! `webhookEventId` is unique here), so an event that was stored but not
//! yet delivered is not dropped, and one delivered is not delivered twice
//! because LINE sent it again.

pub use crate::event::{NewEvent, Reply};
use crate::observing;
use anyhow::{Context, Result};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sqlx::{Row, SqlSafeStr};
use std::path::Path;
use std::time::Duration;

/// An event waiting for delivery (or parked), as read back.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its place in the store's order.
    pub seq: i64,
    /// LINE's `webhookEventId` (empty when none).
    pub id: String,
    /// The event's JSON as printed and forwarded.
    pub json: String,
    /// Delivery attempts made so far.
    pub attempts: u32,
    /// Why the last attempt failed, if one did.
    pub last_error: Option<String>,
}

/// Why a batch was not stored: LINE is answered 503 and redelivers.
#[derive(Debug)]
pub enum Refused {
    /// The backlog of undelivered events is at its bound.
    Full(u64),
    /// The database failed (disk full, I/O error, locked too long).
    Failed(anyhow::Error),
}

/// What storing a batch came to.
#[derive(Debug, Default)]
pub struct Put {
    /// How many events were new (not redeliveries).
    pub new: usize,
    /// The replies to send to answerers of asks.
    pub replies: Vec<Reply>,
    /// Users who followed and whose display name is not known yet.
    pub followed: Vec<String>,
}

/// The store, open.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    max_backlog: u64,
    key: std::sync::Arc<Vec<u8>>,
}

/// Inserts one event unless its id is stored already; whether it was new.
/// An event not kept (`--types`) is recorded as `skipped`, its id only
/// (so a redelivery of it is recognised), never delivered.
async fn insert(tx: &mut sqlx::SqliteConnection, event: &NewEvent, now: i64) -> sqlx::Result<bool> {
    let id = (!event.id.is_empty()).then_some(event.id.as_str());
    let (json, state, done_at) = match event.keep {
        true => (event.json.as_str(), "pending", None),
        false => ("", "skipped", Some(now)),
    };
    let done = sqlx::query(
        "INSERT INTO events (event_id, chat, event, received_at, state, done_at) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(id)
    .bind(&event.chat)
    .bind(json)
    .bind(now)
    .bind(state)
    .bind(done_at)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The store's MAC key: made once (256 random bits), kept in the store,
/// never printed.
async fn mac_key(pool: &SqlitePool) -> sqlx::Result<Vec<u8>> {
    let fresh: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO secrets (name, value) VALUES ('ask-mac', ?) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&fresh[..])
    .execute(pool)
    .await?;
    sqlx::query_scalar("SELECT value FROM secrets WHERE name = 'ask-mac'")
        .fetch_one(pool)
        .await
}

/// The schema's versions, in order (sqlx records each applied one, with
/// its checksum, in `_sqlx_migrations`).
fn migrator() -> Migrator {
    let step = |version, name: &'static str, sql: &'static str| {
        Migration::new(
            version,
            name.into(),
            MigrationType::Simple,
            sql.into_sql_str(),
            false,
        )
    };
    Migrator::with_migrations(vec![
        step(1, "events", include_str!("../migrations/0001_events.sql")),
        step(2, "asks", include_str!("../migrations/0002_asks.sql")),
        step(
            3,
            "contacts",
            include_str!("../migrations/0003_contacts.sql"),
        ),
    ])
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Store {
    /// Opens (or creates) the store at `path`, its schema brought up to
    /// date; at most `max_backlog` undelivered events are taken.
    pub async fn open(path: &Path, max_backlog: u64) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // Well inside LINE's 2 s: a store that cannot take a batch by then
            // answers 503, and LINE redelivers.
            .busy_timeout(Duration::from_millis(1000));
        let pool = sqlx::pool::PoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_millis(1000))
            .connect_with(options)
            .await
            .with_context(|| format!("opening the store {}", path.display()))?;
        migrator()
            .run(&pool)
            .await
            .with_context(|| format!("bringing the store {} up to date", path.display()))?;
        let key = mac_key(&pool).await.context("the store's ask key")?;
        Ok(Store {
            pool,
            max_backlog,
            key: std::sync::Arc::new(key),
        })
    }

    /// Stores a batch's events for `channel` in one transaction (synced
    /// before it returns); events whose id is already stored are skipped
    /// (LINE's redeliveries). What the new ones say is applied in the same
    /// transaction: an answer to an ask is decided ([`crate::answering`]),
    /// recorded, its `answer` event stored beside it; a follow, unfollow or
    /// account link updates the contact ([`crate::observing`]).
    pub async fn put(&self, channel: &str, events: &[NewEvent]) -> Result<Put, Refused> {
        let fail = |e: sqlx::Error| Refused::Failed(e.into());
        // IMMEDIATE: the write lock taken first, so two batches stored at
        // once wait for each other instead of one failing on a stale read.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(fail)?;
        let kept = events.iter().filter(|e| e.keep).count() as u64;
        let backlog: i64 =
            sqlx::query_scalar("SELECT count(*) FROM events WHERE state = 'pending'")
                .fetch_one(&mut *tx)
                .await
                .map_err(fail)?;
        if backlog as u64 + kept > self.max_backlog && kept > 0 {
            return Err(Refused::Full(self.max_backlog));
        }
        let now = now_ms();
        let mut put = Put::default();
        for event in events {
            if !insert(&mut tx, event, now).await.map_err(fail)? {
                continue;
            }
            put.new += 1;
            let observed = serde_json::from_str(&event.json)
                .ok()
                .and_then(|value| observing::observe(&value, now));
            if let Some(observation) = observed {
                let followed = observing::apply(&mut tx, channel, &event.id, &observation, now)
                    .await
                    .map_err(fail)?;
                put.followed.extend(followed);
            }
            let decided = crate::answering::consider(&mut tx, &self.key, event, now)
                .await
                .map_err(fail)?;
            if let Some(decision) = decided {
                if let Some(answer) = &decision.event {
                    insert(&mut tx, answer, now).await.map_err(fail)?;
                }
                put.replies.extend(decision.reply);
            }
        }
        tx.commit().await.map_err(fail)?;
        Ok(put)
    }

    /// The pool, for the asks' queries.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The store's MAC key for asks' postback data (made at its first open).
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// Up to `limit` events due for delivery: the oldest undelivered event
    /// of each chat, if it is due (a chat whose oldest event waits for a
    /// retry waits with it, so each chat's order holds).
    pub async fn due(&self, limit: u32) -> Result<Vec<Stored>> {
        let rows = sqlx::query(
            "SELECT seq, event_id, event, attempts, last_error FROM events e \
             WHERE state = 'pending' AND next_at <= ? AND NOT EXISTS ( \
               SELECT 1 FROM events p WHERE p.state = 'pending' AND p.chat = e.chat AND p.seq < e.seq) \
             ORDER BY seq LIMIT ?",
        )
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(stored).collect())
    }

    /// Up to `limit` events due for delivery in the order they were
    /// stored, whatever their chat (stdout: one reader, one order); none
    /// while the oldest waits for a retry.
    pub async fn due_in_order(&self, limit: u32) -> Result<Vec<Stored>> {
        let rows = sqlx::query(
            "SELECT seq, event_id, event, attempts, last_error, next_at FROM events \
             WHERE state = 'pending' ORDER BY seq LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let now = now_ms();
        Ok(rows
            .iter()
            .take_while(|row| row.get::<i64, _>(5) <= now)
            .map(stored)
            .collect())
    }

    /// When the next pending event is due (milliseconds since the epoch).
    pub async fn next_due(&self) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT min(next_at) FROM events WHERE state = 'pending'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Marks an event delivered (the platform answered 2xx).
    pub async fn delivered(&self, seq: i64) -> Result<()> {
        sqlx::query(
            "UPDATE events SET state = 'delivered', done_at = ?, last_error = NULL WHERE seq = ?",
        )
        .bind(now_ms())
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `next_at`, or parked as a
    /// dead letter when `park`.
    pub async fn failed(&self, seq: i64, error: &str, next_at: i64, park: bool) -> Result<()> {
        sqlx::query(
            "UPDATE events SET attempts = attempts + 1, last_error = ?, next_at = ?, \
             state = CASE WHEN ? THEN 'dead' ELSE state END, \
             done_at = CASE WHEN ? THEN ? ELSE done_at END WHERE seq = ?",
        )
        .bind(error)
        .bind(next_at)
        .bind(park)
        .bind(park)
        .bind(now_ms())
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The dead letters, oldest first.
    pub async fn dead(&self) -> Result<Vec<Stored>> {
        let rows = sqlx::query(
            "SELECT seq, event_id, event, attempts, last_error FROM events WHERE state = 'dead' ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(stored).collect())
    }

    /// Puts dead letters back to be delivered (those with these
    /// `webhookEventId`s, or all when `ids` is empty); how many.
    pub async fn replay(&self, ids: &[String]) -> Result<u64> {
        let mut done = 0;
        if ids.is_empty() {
            done += sqlx::query(
                "UPDATE events SET state = 'pending', attempts = 0, next_at = 0, done_at = NULL WHERE state = 'dead'",
            )
            .execute(&self.pool)
            .await?
            .rows_affected();
        }
        for id in ids {
            done += sqlx::query(
                "UPDATE events SET state = 'pending', attempts = 0, next_at = 0, done_at = NULL \
                 WHERE state = 'dead' AND event_id = ?",
            )
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        }
        Ok(done)
    }

    /// How many events are in each state: (pending, delivered, dead).
    pub async fn counts(&self) -> Result<(u64, u64, u64)> {
        let row = sqlx::query(
            "SELECT \
               coalesce(sum(state = 'pending'), 0), \
               coalesce(sum(state = 'delivered'), 0), \
               coalesce(sum(state = 'dead'), 0) FROM events",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((
            row.get::<i64, _>(0) as u64,
            row.get::<i64, _>(1) as u64,
            row.get::<i64, _>(2) as u64,
        ))
    }

    /// Forgets delivered (and skipped) events done before `before`
    /// (milliseconds since the epoch): past the window in which LINE
    /// redelivers.
    pub async fn prune(&self, before: i64) -> Result<u64> {
        Ok(sqlx::query(
            "DELETE FROM events WHERE state IN ('delivered', 'skipped') AND done_at < ?",
        )
        .bind(before)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Closes the database (its last writes are already synced).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn stored(row: &sqlx::sqlite::SqliteRow) -> Stored {
    Stored {
        seq: row.get(0),
        id: row.get::<Option<String>, _>(1).unwrap_or_default(),
        json: row.get(2),
        attempts: row.get::<i64, _>(3) as u32,
        last_error: row.get(4),
    }
}
