//! The durable store: every event of a verified batch is written here, in
//! one transaction synced to disk, before LINE is answered 200; the
//! deliverer claims them from here, and marks them delivered only once the
//! platform took them. Two engines behind one interface (sqlx's `Any`
//! driver, one set of queries): an embedded SQLite file (WAL,
//! `synchronous=FULL`), or a PostgreSQL database that several intakes
//! (replicas) share. The schema is versioned by sqlx's migrator
//! (`migrations/`, applied at open; in PostgreSQL's types there).
//!
//! LINE's redeliveries are recognised against what was *stored* (LINE's
//! `webhookEventId` is unique here), so an event that was stored but not
//! yet delivered is not dropped, and one delivered is not delivered twice
//! because LINE sent it again, whichever replica it reaches.
//!
//! Writes that read first (a batch against the backlog and the asks, a
//! claim) take the store's one write lock: SQLite's `BEGIN IMMEDIATE`, a
//! transaction-scoped advisory lock in PostgreSQL. Replicas deliver by
//! claims with leases: a claim is the oldest undelivered event of a chat,
//! held by one replica until it is recorded or the lease lapses (a replica
//! that died), so each chat's order holds across replicas.

pub use crate::event::{NewEvent, Reply};
pub use crate::location::Location;
use crate::observing;
use anyhow::{Context, Result};
use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Row, SqlSafeStr};
use std::sync::Arc;
use std::time::Duration;

/// Which database a store is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server, shared by replicas.
    Postgres,
}

/// How long a batch waits for the store's write lock: inside LINE's 2 s,
/// with room to store and answer (a batch refused is redelivered).
pub const LOCK_WITHIN: Duration = Duration::from_millis(1500);

/// The advisory lock's key in PostgreSQL (any constant: the store's one
/// write lock).
const WRITE_LOCK: i64 = 0x4c49_4e45_0001;

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

/// What became of a claimed event's delivery attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The platform took it (a 2xx answer, or a line written on stdout).
    Delivered,
    /// It failed: tried again at `next_at`, or parked as a dead letter.
    Failed {
        /// Why (kept as the event's last error).
        error: String,
        /// When it is due again, in milliseconds since the epoch.
        next_at: i64,
        /// Whether its attempts are used up.
        park: bool,
    },
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
    pool: AnyPool,
    engine: Engine,
    max_backlog: u64,
    key: Arc<Vec<u8>>,
    /// This opening's name in claims (the process id and 32 random bits).
    replica: Arc<str>,
}

/// Inserts one event unless its id is stored already; whether it was new.
/// An event not kept (`--types`) is recorded as `skipped`, its id only
/// (so a redelivery of it is recognised), never delivered.
async fn insert(tx: &mut sqlx::AnyConnection, event: &NewEvent, now: i64) -> sqlx::Result<bool> {
    let id = (!event.id.is_empty()).then_some(event.id.as_str());
    let (json, state, done_at) = match event.keep {
        true => (event.json.as_str(), "pending", None),
        false => ("", "skipped", Some(now)),
    };
    let done = sqlx::query(
        "INSERT INTO events (event_id, chat, event, received_at, state, done_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING",
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
/// never printed; the first replica to open the store makes it.
async fn mac_key(pool: &AnyPool) -> sqlx::Result<Vec<u8>> {
    let fresh: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO secrets (name, value) VALUES ('ask-mac', $1) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&fresh[..])
    .execute(pool)
    .await?;
    sqlx::query_scalar("SELECT value FROM secrets WHERE name = 'ask-mac'")
        .fetch_one(pool)
        .await
}

/// The schema's versions for `engine`, in order (sqlx records each
/// applied one, with its checksum, in `_sqlx_migrations`; in PostgreSQL
/// under an advisory lock, so replicas starting at once apply each once).
fn migrator(engine: Engine) -> Migrator {
    let steps = [
        include_str!("../migrations/0001_events.sql"),
        include_str!("../migrations/0002_asks.sql"),
        include_str!("../migrations/0003_contacts.sql"),
        include_str!("../migrations/0004_claims.sql"),
        include_str!("../migrations/0005_due_index.sql"),
    ];
    let names = ["events", "asks", "contacts", "claims", "due index"];
    let steps = (1..).zip(names).zip(steps).map(|((version, name), sql)| {
        // Our own text (translated for PostgreSQL), nothing a caller gave.
        let sql = sqlx::AssertSqlSafe(match engine {
            Engine::Sqlite => sql.to_owned(),
            Engine::Postgres => for_postgres(sql),
        });
        Migration::new(
            version,
            name.into(),
            MigrationType::Simple,
            sql.into_sql_str(),
            false,
        )
    });
    Migrator::with_migrations(steps.collect())
}

/// A migration, written for SQLite, in PostgreSQL's types: `INTEGER` is
/// `BIGINT` (milliseconds since the epoch do not fit PostgreSQL's
/// 32-bit `integer`), `BLOB` is `BYTEA`, and `INTEGER PRIMARY KEY
/// AUTOINCREMENT` an identity column. The migrations keep to the SQL both
/// engines share otherwise.
fn for_postgres(sql: &str) -> String {
    let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let sql = sql.replace(
        "INTEGER PRIMARY KEY AUTOINCREMENT",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    );
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql.as_str();
    while !rest.is_empty() {
        let (word, after) = rest.split_at(rest.find(|c| !word_char(c)).unwrap_or(rest.len()));
        out.push_str(match word {
            "INTEGER" => "BIGINT",
            "BLOB" => "BYTEA",
            word => word,
        });
        let (between, next) = after.split_at(after.find(word_char).unwrap_or(after.len()));
        out.push_str(between);
        rest = next;
    }
    out
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Connects to `location`: at most four connections, each acquired
/// within 1 s (a store that cannot take a batch by then answers 503, well
/// inside LINE's 2 s, and LINE redelivers).
async fn connect(location: &Location) -> Result<(AnyPool, Engine)> {
    sqlx::any::install_default_drivers();
    let engine = match location {
        Location::Sqlite(_) => Engine::Sqlite,
        Location::Postgres(_) => Engine::Postgres,
    };
    let options: sqlx::any::AnyConnectOptions = location.url()?.parse()?;
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_millis(1000))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let settings = match engine {
                    // WAL (kept in the file), every commit synced, and a
                    // writer waits up to 1 s for another.
                    Engine::Sqlite => {
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA busy_timeout = 1000; PRAGMA foreign_keys = ON;"
                    }
                    // A writer waits up to 1 s for another (or for a lock an
                    // operator's session holds); commits synced (the default,
                    // said again against a server set otherwise).
                    Engine::Postgres => "SET lock_timeout = 1000; SET synchronous_commit = on;",
                };
                sqlx::raw_sql(settings).execute(conn).await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    Ok((pool, engine))
}

impl Store {
    /// Opens (or creates) the store at `location`, its schema brought up
    /// to date; at most `max_backlog` undelivered events are taken.
    pub async fn open(location: &Location, max_backlog: u64) -> Result<Self> {
        let (pool, engine) = connect(location)
            .await
            .with_context(|| format!("opening the store {location}"))?;
        migrator(engine)
            .run(&pool)
            .await
            .with_context(|| format!("bringing the store {location} up to date"))?;
        let key = mac_key(&pool).await.context("the store's ask key")?;
        let replica = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Ok(Store {
            pool,
            engine,
            max_backlog,
            key: Arc::new(key),
            replica: replica.into(),
        })
    }

    /// Which database it is in.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// A transaction holding the store's write lock, for a write that
    /// reads first: replicas (and the processes sharing an SQLite file)
    /// take turns.
    pub(crate) async fn write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }

    /// Stores a batch's events for `channel` in one transaction (synced
    /// before it returns); events whose id is already stored are skipped
    /// (LINE's redeliveries). What the new ones say is applied in the same
    /// transaction: an answer to an ask is decided ([`crate::answering`]),
    /// recorded, its `answer` event stored beside it; a follow, unfollow or
    /// account link updates the contact ([`crate::observing`]).
    /// The wait for the write lock is bounded by [`LOCK_WITHIN`]: a store
    /// that cannot start taking the batch by then (a lock held elsewhere,
    /// a database unreachable) refuses it. The work itself is bounded by
    /// the batch's size.
    pub async fn put(&self, channel: &str, events: &[NewEvent]) -> Result<Put, Refused> {
        let fail = |e: sqlx::Error| Refused::Failed(e.into());
        let mut tx = match tokio::time::timeout(LOCK_WITHIN, self.write()).await {
            Ok(tx) => tx.map_err(fail)?,
            Err(_) => {
                return Err(Refused::Failed(anyhow::anyhow!(
                    "the store's write lock was not had within {LOCK_WITHIN:?}"
                )));
            }
        };
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
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The store's MAC key for asks' postback data (made at its first open).
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// Claims up to `limit` events due for delivery for `lease`: the
    /// oldest undelivered event of each chat, if it is due and no replica
    /// holds a live claim on it (a chat whose oldest event waits for a
    /// retry, or is in another replica's hands, waits with it, so each
    /// chat's order holds). Oldest first.
    pub async fn claim(&self, limit: u32, lease: Duration) -> Result<Vec<Stored>> {
        let now = now_ms();
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE events SET claimed_by = $1, claim_until = $2 WHERE seq IN ( \
               SELECT seq FROM events e \
               WHERE state = 'pending' AND next_at <= $3 AND claim_until <= $3 AND NOT EXISTS ( \
                 SELECT 1 FROM events p WHERE p.state = 'pending' AND p.chat = e.chat AND p.seq < e.seq) \
               ORDER BY seq LIMIT $4) \
             RETURNING seq, event_id, event, attempts, last_error",
        )
        .bind(&*self.replica)
        .bind(now + lease.as_millis() as i64)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(sorted(rows.iter().map(stored).collect()))
    }

    /// Claims up to `limit` events due for delivery in the order they
    /// were stored, whatever their chat (stdout: one reader, one order);
    /// none past one that waits for a retry or is claimed elsewhere.
    pub async fn claim_in_order(&self, limit: u32, lease: Duration) -> Result<Vec<Stored>> {
        let now = now_ms();
        let mut tx = self.write().await?;
        let first: Vec<(i64, i64, i64)> = sqlx::query(
            "SELECT seq, next_at, claim_until FROM events WHERE state = 'pending' ORDER BY seq LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
        let due = first
            .iter()
            .take_while(|(_, next_at, claim_until)| *next_at <= now && *claim_until <= now)
            .count();
        let Some(&(last, _, _)) = first[..due].last() else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "UPDATE events SET claimed_by = $1, claim_until = $2 \
             WHERE state = 'pending' AND seq <= $3 \
             RETURNING seq, event_id, event, attempts, last_error",
        )
        .bind(&*self.replica)
        .bind(now + lease.as_millis() as i64)
        .bind(last)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(sorted(rows.iter().map(stored).collect()))
    }

    /// Gives up this replica's claims (it stops): others take them at once.
    pub async fn release(&self) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE events SET claimed_by = NULL, claim_until = 0 \
             WHERE claimed_by = $1 AND state = 'pending'",
        )
        .bind(&*self.replica)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Gives up every replica's claims: an intake starting on an SQLite
    /// file, the file's one intake, takes over what its killed predecessor
    /// held at once, not after the lease.
    pub async fn release_all(&self) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE events SET claimed_by = NULL, claim_until = 0 \
             WHERE claimed_by IS NOT NULL AND state = 'pending'",
        )
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// When the next pending event is due (milliseconds since the epoch):
    /// its retry time, or when another replica's claim on it lapses.
    pub async fn next_due(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT min(CASE WHEN claim_until > next_at THEN claim_until ELSE next_at END) \
             FROM events WHERE state = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Records what became of claimed events, in one transaction: each
    /// delivered, or failed (tried again at its time, or parked); their
    /// claims given up. (An event another replica delivered meanwhile, its
    /// lease having lapsed, stays delivered.)
    pub async fn record(&self, outcomes: &[(i64, Outcome)]) -> Result<()> {
        let mut tx = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            // Rows by key: no need to wait for the write lock.
            Engine::Postgres => self.pool.begin().await?,
        };
        let now = now_ms();
        for (seq, outcome) in outcomes {
            match outcome {
                Outcome::Delivered => sqlx::query(
                    "UPDATE events SET state = 'delivered', done_at = $1, last_error = NULL, \
                     claimed_by = NULL, claim_until = 0 WHERE seq = $2",
                )
                .bind(now)
                .bind(*seq),
                Outcome::Failed {
                    error,
                    next_at,
                    park,
                } => sqlx::query(
                    "UPDATE events SET attempts = attempts + 1, last_error = $1, next_at = $2, \
                     state = CASE WHEN $3 THEN 'dead' ELSE state END, \
                     done_at = CASE WHEN $4 THEN $5 ELSE done_at END, \
                     claimed_by = NULL, claim_until = 0 WHERE seq = $6 AND state = 'pending'",
                )
                .bind(error.as_str())
                .bind(*next_at)
                .bind(*park)
                .bind(*park)
                .bind(now)
                .bind(*seq),
            }
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
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
                 WHERE state = 'dead' AND event_id = $1",
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
               count(*) FILTER (WHERE state = 'pending'), \
               count(*) FILTER (WHERE state = 'delivered'), \
               count(*) FILTER (WHERE state = 'dead') FROM events",
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
            "DELETE FROM events WHERE state IN ('delivered', 'skipped') AND done_at < $1",
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

/// Events in the store's order.
fn sorted(mut events: Vec<Stored>) -> Vec<Stored> {
    events.sort_by_key(|event| event.seq);
    events
}

fn stored(row: &AnyRow) -> Stored {
    Stored {
        seq: row.get(0),
        id: row.get::<Option<String>, _>(1).unwrap_or_default(),
        json: row.get(2),
        attempts: row.get::<i64, _>(3) as u32,
        last_error: row.get(4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migration_reads_in_postgresqls_types() {
        let sql = "CREATE TABLE t (\n    seq INTEGER PRIMARY KEY AUTOINCREMENT,\n    \
                   at INTEGER NOT NULL, -- INTEGERS stay\n    value BLOB,\n    big_INTEGER TEXT);";
        assert_eq!(
            for_postgres(sql),
            "CREATE TABLE t (\n    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n    \
             at BIGINT NOT NULL, -- INTEGERS stay\n    value BYTEA,\n    big_INTEGER TEXT);"
        );
        for migration in migrator(Engine::Postgres).iter() {
            let sql = migration.sql.as_str();
            for sqlite_only in ["INTEGER", "BLOB", "AUTOINCREMENT"] {
                assert!(
                    !sql.contains(sqlite_only),
                    "{}: {sqlite_only}",
                    migration.description
                );
            }
        }
    }
}
