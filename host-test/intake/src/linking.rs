//! Account linking, LINE's way of tying a platform's user to a LINE user
//! id: a link token issued for the LINE user (`issue-link-token`), a nonce
//! made here (128 random bits, single use, with an expiry) and remembered
//! with the platform's id, and the URL the user opens in LINE to confirm.
//! LINE then posts an `accountLink` event with the nonce; the intake
//! completes the link in the transaction that stores that event
//! ([`crate::observing`]), only for a known, unused, unexpired nonce, a `result`
//! of `ok` and the LINE user the token was issued for. Every other case
//! links nothing and is recorded in the contact log with its reason.

use crate::ask::{invalid, is_user_id, new_id};
use crate::observing::log;
use crate::store::{Store, now_ms};
use anyhow::Result;
use line_connector_host::Connector;
use serde_json::{Value, json};
use std::time::Duration;

/// Where a user confirms an account link, in LINE.
pub const ACCOUNT_LINK_URL: &str = "https://access.line.me/dialog/bot/accountLink";

/// The longest platform id taken (characters).
pub const MAX_PLATFORM_ID_CHARS: usize = 255;

/// How long a nonce stays usable by default (LINE's link token lasts 10 minutes).
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(600);

/// Checks a platform id: 1 to [`MAX_PLATFORM_ID_CHARS`] characters, no
/// control characters, no space at either end.
pub fn check_platform_id(field: &str, id: &str) -> Result<(), Value> {
    let n = id.chars().count();
    if n == 0 || n > MAX_PLATFORM_ID_CHARS {
        return Err(invalid(
            field,
            format!("must be 1 to {MAX_PLATFORM_ID_CHARS} characters, got {n}"),
        ));
    }
    if id.chars().any(char::is_control) || id.trim() != id {
        return Err(invalid(
            field,
            "may hold no control characters and no space at either end",
        ));
    }
    Ok(())
}

/// Starts linking LINE user `user` to the platform's `platform_id` on
/// `channel`: the link token issued with `config`, a nonce stored, and
/// `{"url", "linkToken", "expiresAt", "userId", "platformId"}` to send the
/// user; or the error (an `invalid-input` with its field, or LINE's), with
/// nothing stored.
pub async fn start(
    connector: &Connector,
    config: &Value,
    store: &Store,
    channel: &str,
    platform_id: &str,
    user: &str,
    expires_in: Duration,
) -> Result<std::result::Result<Value, Value>> {
    if let Err(error) = check_platform_id("platformId", platform_id) {
        return Ok(Err(error));
    }
    if !is_user_id(user) {
        return Ok(Err(invalid(
            "userId",
            "must be a LINE user id (U + 32 hex digits)",
        )));
    }
    if expires_in.is_zero() {
        return Ok(Err(invalid("expiresIn", "must be at least 1 second")));
    }
    let issued = match connector
        .run("issue-link-token", config, &json!({"userId": user}))
        .await?
    {
        Ok(issued) => issued,
        Err(error) => return Ok(Err(error)),
    };
    let token = issued["linkToken"].as_str().unwrap_or_default();
    let nonce = new_id();
    let expires_at = now_ms() + expires_in.as_millis() as i64;
    sqlx::query(
        "INSERT INTO link_nonces (nonce, channel, platform_id, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&nonce)
    .bind(channel)
    .bind(platform_id)
    .bind(user)
    .bind(now_ms())
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    let url = format!(
        "{ACCOUNT_LINK_URL}?linkToken={}&nonce={nonce}",
        urlencoding(token)
    );
    Ok(Ok(json!({
        "url": url,
        "linkToken": token,
        "expiresAt": expires_at,
        "userId": user,
        "platformId": platform_id,
        "requestId": issued["requestId"],
    })))
}

/// What a query value keeps as it is: RFC 3986's unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query value, percent-encoded.
fn urlencoding(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Removes the link of `platform_id` on `channel` (the contact stays,
/// unlinked); whether there was one.
pub async fn unlink(store: &Store, channel: &str, platform_id: &str) -> Result<bool> {
    let mut tx = store.write().await?;
    let user: Option<String> =
        sqlx::query_scalar("SELECT user_id FROM contacts WHERE channel = $1 AND platform_id = $2")
            .bind(channel)
            .bind(platform_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(user) = &user {
        sqlx::query("UPDATE contacts SET platform_id = NULL, linked_at = NULL, touched_at = $1 WHERE channel = $2 AND user_id = $3")
            .bind(now_ms())
            .bind(channel)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        let (what, now) = ("unlinked", now_ms());
        log(
            &mut tx,
            channel,
            Some(user),
            Some(platform_id),
            what,
            (None, None),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(user.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_ids_are_checked_with_their_field() {
        assert!(check_platform_id("platformId", "alice@corp.example").is_ok());
        for bad in ["", " alice", "alice\n", &"x".repeat(256)] {
            let error = check_platform_id("platformId", bad).unwrap_err();
            assert_eq!(error["type"], "invalid-input", "{bad:?}");
            assert_eq!(error["field"], "platformId");
        }
        assert_eq!(urlencoding("a b/c-d_e.f~"), "a%20b%2Fc-d_e.f~");
    }
}
