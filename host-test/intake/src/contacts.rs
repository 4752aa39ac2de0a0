//! Contacts: the LINE users a channel's intake has seen, per channel and
//! LINE user id, as a platform reads and tends them. Their friend status
//! is kept current from follow and unfollow events
//! ([`crate::observing`], in the transaction that stores the batch), from
//! profile lookups ([`checked`]) and from follower syncs; the platform's
//! own id is set once the user linked their account ([`crate::linking`]).
//! Personal data: rows untouched for the retention are deleted
//! ([`prune`]), and [`forget`] deletes one.

use crate::observing::{log, set_status};
use crate::store::{Store, now_ms};
use anyhow::Result;
use serde_json::{Value, json};
use sqlx::Row;
use std::time::Duration;

/// The channel name of a channel given by its config file alone.
pub const DEFAULT_CHANNEL: &str = "default";

/// How a send names a contact instead of a LINE user id:
/// `contact:<the platform's own id>`.
pub const REFERENCE_PREFIX: &str = "contact:";

/// The platform id a `contact:` reference names, if `to` is one.
pub fn reference(to: &str) -> Option<&str> {
    to.strip_prefix(REFERENCE_PREFIX)
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub channel: String,
    pub user_id: String,
    /// `friend`, `blocked`, `not-friend`, or `None` when unknown.
    pub status: Option<String>,
    pub status_at: Option<i64>,
    /// `event`, `check` or `sync`.
    pub status_source: Option<String>,
    pub followed_at: Option<i64>,
    pub blocked_at: Option<i64>,
    pub unblocked_at: Option<i64>,
    pub display_name: Option<String>,
    pub last_seen: Option<i64>,
    pub platform_id: Option<String>,
    pub linked_at: Option<i64>,
}

impl Contact {
    /// Whether the user is a friend, if the store knows it freshly: a
    /// follow or unfollow the intake saw, or a check or sync within
    /// `fresh_for` of `now`.
    pub fn friend(&self, now: i64, fresh_for: Duration) -> Option<bool> {
        let status = self.status.as_deref()?;
        let fresh = match self.status_source.as_deref() {
            Some("event") => true,
            _ => now - self.status_at.unwrap_or(0) <= fresh_for.as_millis() as i64,
        };
        fresh.then_some(status == "friend")
    }

    /// As JSON, in LINE's naming style.
    pub fn to_json(&self) -> Value {
        json!({
            "channel": self.channel,
            "userId": self.user_id,
            "status": self.status,
            "statusAt": self.status_at,
            "statusSource": self.status_source,
            "followedAt": self.followed_at,
            "blockedAt": self.blocked_at,
            "unblockedAt": self.unblocked_at,
            "displayName": self.display_name,
            "lastSeen": self.last_seen,
            "platformId": self.platform_id,
            "linkedAt": self.linked_at,
        })
    }
}

/// A query of whole contacts (the columns [`contact`] reads), `WHERE …` after.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT channel, user_id, status, status_at, status_source, followed_at, ",
            "blocked_at, unblocked_at, display_name, last_seen, platform_id, linked_at ",
            "FROM contacts ",
            $rest
        )
    };
}

fn contact(row: &sqlx::any::AnyRow) -> Contact {
    Contact {
        channel: row.get(0),
        user_id: row.get(1),
        status: row.get(2),
        status_at: row.get(3),
        status_source: row.get(4),
        followed_at: row.get(5),
        blocked_at: row.get(6),
        unblocked_at: row.get(7),
        display_name: row.get(8),
        last_seen: row.get(9),
        platform_id: row.get(10),
        linked_at: row.get(11),
    }
}

/// One contact, by LINE user id.
pub async fn get(store: &Store, channel: &str, user: &str) -> Result<Option<Contact>> {
    let row = sqlx::query(select!("WHERE channel = $1 AND user_id = $2"))
        .bind(channel)
        .bind(user)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.as_ref().map(contact))
}

/// The contact linked to the platform's id `platform_id`, if any.
pub async fn linked(store: &Store, channel: &str, platform_id: &str) -> Result<Option<Contact>> {
    let row = sqlx::query(select!("WHERE channel = $1 AND platform_id = $2"))
        .bind(channel)
        .bind(platform_id)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.as_ref().map(contact))
}

/// The channel's contacts, in user id order.
pub async fn list(store: &Store, channel: &str) -> Result<Vec<Contact>> {
    let rows = sqlx::query(select!("WHERE channel = $1 ORDER BY user_id"))
        .bind(channel)
        .fetch_all(store.pool())
        .await?;
    Ok(rows.iter().map(contact).collect())
}

/// Records what a profile lookup said: a friend (with the display name)
/// or not (LINE's 404), checked now.
pub async fn checked(
    store: &Store,
    channel: &str,
    user: &str,
    friend: bool,
    display_name: Option<&str>,
) -> Result<()> {
    let mut tx = store.write().await?;
    let status = if friend { "friend" } else { "not-friend" };
    let now = now_ms();
    set_status(&mut tx, channel, user, (status, now, "check"), now).await?;
    if let Some(name) = display_name {
        set_name(&mut *tx, channel, user, name).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The contact log, oldest first: `{"what", "userId", "platformId",
/// "reason", "webhookEventId", "at"}` each.
pub async fn history(store: &Store, channel: &str) -> Result<Vec<Value>> {
    let rows = sqlx::query(
        "SELECT what, user_id, platform_id, reason, event_id, at FROM contact_log \
         WHERE channel = $1 ORDER BY seq",
    )
    .bind(channel)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            json!({
                "what": r.get::<String, _>(0),
                "userId": r.get::<Option<String>, _>(1),
                "platformId": r.get::<Option<String>, _>(2),
                "reason": r.get::<Option<String>, _>(3),
                "webhookEventId": r.get::<Option<String>, _>(4),
                "at": r.get::<i64, _>(5),
            })
        })
        .collect())
}

/// Deletes a contact (by LINE user id, or `contact:<platform id>`) with
/// its pending link nonces; whether there was one. The deletion itself
/// is logged without the platform id.
pub async fn forget(store: &Store, channel: &str, who: &str) -> Result<bool> {
    let mut tx = store.write().await?;
    let user: Option<String> = match reference(who) {
        Some(platform_id) => {
            sqlx::query_scalar(
                "SELECT user_id FROM contacts WHERE channel = $1 AND platform_id = $2",
            )
            .bind(channel)
            .bind(platform_id)
            .fetch_optional(&mut *tx)
            .await?
        }
        None => Some(who.to_owned()),
    };
    let Some(user) = user else {
        return Ok(false);
    };
    let gone = sqlx::query("DELETE FROM contacts WHERE channel = $1 AND user_id = $2")
        .bind(channel)
        .bind(&user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM link_nonces WHERE channel = $1 AND user_id = $2")
        .bind(channel)
        .bind(&user)
        .execute(&mut *tx)
        .await?;
    if gone > 0 {
        let what = (None, None);
        log(
            &mut tx,
            channel,
            Some(&user),
            None,
            "forgotten",
            what,
            now_ms(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(gone > 0)
}

/// Deletes what is older than `before` (milliseconds since the epoch):
/// contacts untouched since, spent or expired link nonces, log entries.
/// How many contacts went.
pub async fn prune(store: &Store, before: i64) -> Result<u64> {
    let pool = store.pool();
    let gone = sqlx::query("DELETE FROM contacts WHERE touched_at < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM link_nonces WHERE expires_at < $1")
        .bind(before)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM contact_log WHERE at < $1")
        .bind(before)
        .execute(pool)
        .await?;
    Ok(gone)
}

/// Stores a display name fetched from the profile (after a follow).
pub async fn named(store: &Store, channel: &str, user: &str, name: &str) -> Result<()> {
    Ok(set_name(store.pool(), channel, user, name).await?)
}

/// Sets a contact's display name, in a transaction or on the pool.
async fn set_name<'e>(
    on: impl sqlx::Executor<'e, Database = sqlx::Any>,
    channel: &str,
    user: &str,
    name: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE contacts SET display_name = $1 WHERE channel = $2 AND user_id = $3")
        .bind(name)
        .bind(channel)
        .bind(user)
        .execute(on)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_fresh_when_seen_in_an_event_or_checked_recently() {
        let mut contact = Contact {
            channel: "c".into(),
            user_id: "U1".into(),
            status: Some("friend".into()),
            status_at: Some(1_000),
            status_source: Some("check".into()),
            followed_at: None,
            blocked_at: None,
            unblocked_at: None,
            display_name: None,
            last_seen: None,
            platform_id: None,
            linked_at: None,
        };
        let minute = Duration::from_secs(60);
        assert_eq!(contact.friend(1_000 + 60_000, minute), Some(true));
        assert_eq!(contact.friend(1_000 + 60_001, minute), None, "stale");
        contact.status_source = Some("event".into());
        contact.status = Some("blocked".into());
        assert_eq!(contact.friend(i64::MAX, minute), Some(false));
        contact.status = None;
        assert_eq!(contact.friend(0, minute), None, "unknown");
        assert_eq!(
            reference("contact:alice@corp.example"),
            Some("alice@corp.example")
        );
        assert_eq!(reference("U1"), None);
    }
}
