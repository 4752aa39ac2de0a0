//! LINE's token endpoints (client credentials, form-encoded) and the
//! bearer-token check every bot endpoint makes.

use super::answer::{Answer, Reply, answer, error};
use super::state::State;
use super::{CHANNEL_ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, Recorded};
use serde_json::json;
use std::time::{Duration, Instant};

/// The token endpoints: form-encoded client credentials.
pub(super) fn issue_token(state: &mut State, req: &Recorded, default_lifetime: u64) -> Reply {
    let oauth_error = |error: &str, description: &str| {
        answer(
            400,
            json!({"error": error, "error_description": description}),
        )
    };
    if req.header("content-type") != Some("application/x-www-form-urlencoded") {
        return Err(oauth_error(
            "invalid_request",
            "content-type must be application/x-www-form-urlencoded",
        ));
    }
    let form = req.form();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return Err(oauth_error(
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    let id_ok = form.get("client_id").map(String::as_str) == Some(CLIENT_ID);
    let secret_ok = form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
    if !(id_ok && secret_ok) {
        return Err(oauth_error(
            "invalid_client",
            "invalid client_id or client_secret",
        ));
    }
    let lifetime = state
        .token_lifetime
        .unwrap_or(Duration::from_secs(default_lifetime));
    let token = format!("sim-issued-{}", uuid::Uuid::new_v4().simple());
    state
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    Ok(answer(
        200,
        json!({"token_type": "Bearer", "access_token": token, "expires_in": lifetime.as_secs()}),
    ))
}

/// The bearer-token check every `/v2/bot/` endpoint makes.
pub(super) fn authorize(state: &State, req: &Recorded) -> std::result::Result<(), Answer> {
    let token = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    let valid = match token {
        Some(CHANNEL_ACCESS_TOKEN) => true,
        Some(t) => state
            .tokens
            .get(t)
            .is_some_and(|expiry| Instant::now() < *expiry),
        None => false,
    };
    if valid {
        return Ok(());
    }
    Err(error(
        401,
        "Authentication failed. Confirm that the access token in the authorization header is valid.",
    ))
}
