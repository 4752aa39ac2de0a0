//! What webhook events say about contacts, applied inside the transaction
//! that stores their batch (below the store, as [`crate::answering`] is):
//! follow and unfollow set the friend status with LINE's timestamp (an
//! older observation never replaces a newer one: late redeliveries and
//! out-of-order batches change nothing), every event marks its user seen,
//! and an `accountLink` event completes the link its nonce names, or is
//! refused with the reason recorded in the contact log.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

/// What one webhook event says about a contact.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// The user followed (added the account), or unblocked it.
    Follow {
        user: String,
        at: i64,
        unblocked: bool,
    },
    /// The user blocked the account (LINE's `unfollow`).
    Unfollow { user: String, at: i64 },
    /// The user completed (or failed) an account link with `nonce`.
    Link {
        user: String,
        at: i64,
        nonce: String,
        ok: bool,
    },
    /// Any other event from the user.
    Seen { user: String, at: i64 },
}

/// What `event` (as the intake stores it: LINE's event under `json`)
/// says about its user; nothing when it names no user.
pub fn observe(event: &Value, now: i64) -> Option<Observation> {
    let line = &event["json"];
    let user = line["source"]["userId"]
        .as_str()
        .filter(|u| !u.is_empty())?;
    let user = user.to_owned();
    let at = line["timestamp"].as_i64().unwrap_or(now);
    Some(match line["type"].as_str().unwrap_or_default() {
        "follow" => Observation::Follow {
            user,
            at,
            unblocked: line["follow"]["isUnblocked"].as_bool().unwrap_or(false),
        },
        "unfollow" => Observation::Unfollow { user, at },
        "accountLink" => Observation::Link {
            user,
            at,
            nonce: line["link"]["nonce"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            ok: line["link"]["result"] == "ok",
        },
        _ => Observation::Seen { user, at },
    })
}

/// Makes sure a row exists for the contact, and marks it seen at `at`.
async fn seen(
    tx: &mut AnyConnection,
    channel: &str,
    user: &str,
    at: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contacts (channel, user_id, last_seen, touched_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel, user_id) DO UPDATE SET \
           last_seen = CASE WHEN coalesce(contacts.last_seen, 0) > excluded.last_seen \
             THEN contacts.last_seen ELSE excluded.last_seen END, touched_at = excluded.touched_at",
    )
    .bind(channel)
    .bind(user)
    .bind(at)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets the friend status observed at `at` by `source` (at `now`), unless
/// a newer observation is stored already; whether it was set.
pub(crate) async fn set_status(
    tx: &mut AnyConnection,
    channel: &str,
    user: &str,
    (status, at, source): (&str, i64, &str),
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO contacts (channel, user_id, status, status_at, status_source, touched_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (channel, user_id) DO UPDATE SET status = excluded.status, \
           status_at = excluded.status_at, status_source = excluded.status_source, \
           touched_at = excluded.touched_at \
         WHERE coalesce(contacts.status_at, 0) <= excluded.status_at",
    )
    .bind(channel)
    .bind(user)
    .bind(status)
    .bind(at)
    .bind(source)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Applies what a newly stored event says (inside the batch's
/// transaction); the user when it was a follow whose profile is worth
/// fetching (no display name stored yet).
pub(crate) async fn apply(
    tx: &mut AnyConnection,
    channel: &str,
    event_id: &str,
    observation: &Observation,
    now: i64,
) -> sqlx::Result<Option<String>> {
    match observation {
        Observation::Seen { user, at } => seen(tx, channel, user, *at, now).await?,
        Observation::Follow {
            user,
            at,
            unblocked,
        } => {
            seen(tx, channel, user, *at, now).await?;
            if set_status(tx, channel, user, ("friend", *at, "event"), now).await? {
                let query = match unblocked {
                    true => {
                        "UPDATE contacts SET unblocked_at = $1 WHERE channel = $2 AND user_id = $3"
                    }
                    false => {
                        "UPDATE contacts SET followed_at = $1 WHERE channel = $2 AND user_id = $3"
                    }
                };
                sqlx::query(query)
                    .bind(at)
                    .bind(channel)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
            let named: Option<Option<String>> = sqlx::query_scalar(
                "SELECT display_name FROM contacts WHERE channel = $1 AND user_id = $2",
            )
            .bind(channel)
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
            return Ok(named.flatten().is_none().then(|| user.clone()));
        }
        Observation::Unfollow { user, at } => {
            seen(tx, channel, user, *at, now).await?;
            if set_status(tx, channel, user, ("blocked", *at, "event"), now).await? {
                sqlx::query(
                    "UPDATE contacts SET blocked_at = $1 WHERE channel = $2 AND user_id = $3",
                )
                .bind(at)
                .bind(channel)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            }
        }
        Observation::Link {
            user,
            at,
            nonce,
            ok,
        } => {
            seen(tx, channel, user, *at, now).await?;
            complete_link(tx, channel, event_id, (user, nonce, *ok), now).await?;
        }
    }
    Ok(None)
}

/// Records an entry of the contact log.
pub(crate) async fn log(
    tx: &mut AnyConnection,
    channel: &str,
    user: Option<&str>,
    platform_id: Option<&str>,
    what: &str,
    (reason, event_id): (Option<&str>, Option<&str>),
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contact_log (channel, user_id, platform_id, what, reason, event_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(channel)
    .bind(user)
    .bind(platform_id)
    .bind(what)
    .bind(reason)
    .bind(event_id)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// Why an `accountLink` event links nothing, if it does not.
fn refusal(
    row: Option<&sqlx::any::AnyRow>,
    user: &str,
    ok: bool,
    now: i64,
) -> Option<&'static str> {
    let Some(row) = row else {
        return Some("unknown nonce");
    };
    if row.get::<Option<i64>, _>("used_at").is_some() {
        return Some("nonce already used");
    }
    if row.get::<i64, _>("expires_at") < now {
        return Some("nonce expired");
    }
    if row.get::<String, _>("user_id") != user {
        return Some("nonce issued for another LINE user");
    }
    (!ok).then_some("LINE reported the link failed")
}

/// Completes (or refuses, recording why) the link an `accountLink` event
/// from `user` with `nonce` reports (`ok`: LINE's `result`).
async fn complete_link(
    tx: &mut AnyConnection,
    channel: &str,
    event_id: &str,
    (user, nonce, ok): (&str, &str, bool),
    now: i64,
) -> sqlx::Result<()> {
    let row = sqlx::query(
        "SELECT platform_id, user_id, expires_at, used_at FROM link_nonces \
         WHERE nonce = $1 AND channel = $2",
    )
    .bind(nonce)
    .bind(channel)
    .fetch_optional(&mut *tx)
    .await?;
    let event_id = (!event_id.is_empty()).then_some(event_id);
    let why = refusal(row.as_ref(), user, ok, now);
    if let Some(row) = &row
        && row.get::<Option<i64>, _>("used_at").is_none()
    {
        // Single use, whatever came of it.
        sqlx::query("UPDATE link_nonces SET used_at = $1, outcome = $2 WHERE nonce = $3")
            .bind(now)
            .bind(why.unwrap_or("linked"))
            .bind(nonce)
            .execute(&mut *tx)
            .await?;
    }
    let platform_id = row.as_ref().map(|r| r.get::<String, _>("platform_id"));
    if let Some(why) = why {
        return log(
            tx,
            channel,
            Some(user),
            platform_id.as_deref(),
            "link-refused",
            (Some(why), event_id),
            now,
        )
        .await;
    }
    let platform_id = platform_id.unwrap_or_default();
    // One LINE user per platform id: a link to another user moves it.
    let before: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM contacts WHERE channel = $1 AND platform_id = $2 AND user_id <> $3",
    )
    .bind(channel)
    .bind(&platform_id)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(before) = before {
        sqlx::query("UPDATE contacts SET platform_id = NULL, linked_at = NULL WHERE channel = $1 AND user_id = $2")
            .bind(channel)
            .bind(&before)
            .execute(&mut *tx)
            .await?;
        let why = Some("linked to another LINE user");
        log(
            tx,
            channel,
            Some(&before),
            Some(&platform_id),
            "unlinked",
            (why, event_id),
            now,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE contacts SET platform_id = $1, linked_at = $2, touched_at = $3 WHERE channel = $4 AND user_id = $5",
    )
    .bind(&platform_id)
    .bind(now)
    .bind(now)
    .bind(channel)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    log(
        tx,
        channel,
        Some(user),
        Some(&platform_id),
        "linked",
        (None, event_id),
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn observe_at(event: &Value) -> Option<Observation> {
        observe(event, 0)
    }

    fn stored(line: Value) -> Value {
        json!({"json": line})
    }

    #[test]
    fn events_say_follow_block_link_or_seen() {
        let user = json!({"type": "user", "userId": "U1"});
        let follow = json!({"type": "follow", "timestamp": 5, "source": user,
                            "follow": {"isUnblocked": true}});
        assert_eq!(
            observe_at(&stored(follow)),
            Some(Observation::Follow {
                user: "U1".into(),
                at: 5,
                unblocked: true
            })
        );
        let unfollow = json!({"type": "unfollow", "timestamp": 6, "source": user});
        assert_eq!(
            observe_at(&stored(unfollow)),
            Some(Observation::Unfollow {
                user: "U1".into(),
                at: 6
            })
        );
        let link = json!({"type": "accountLink", "timestamp": 7, "source": user,
                          "link": {"result": "failed", "nonce": "n"}});
        assert_eq!(
            observe_at(&stored(link)),
            Some(Observation::Link {
                user: "U1".into(),
                at: 7,
                nonce: "n".into(),
                ok: false
            })
        );
        let group = json!({"type": "join", "timestamp": 8,
                           "source": {"type": "group", "groupId": "C1"}});
        assert_eq!(observe_at(&stored(group)), None, "no user named");
    }
}
