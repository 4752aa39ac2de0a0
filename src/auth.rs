//! The two auth modes: a channel access token given directly, or OAuth2
//! client credentials exchanged at a token URL. A fetched token is kept for
//! later calls in the same component instance until shortly before it
//! expires.

use crate::error::{self, invalid};
use crate::http::{self, Outgoing, Timeouts};
use crate::retry::Step;
use crate::types::{ApiError, Config, ErrorCode, TransportKind};
use serde_json::Value;
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// LINE's stateless token endpoint: 15-minute tokens, no issue limit.
pub const DEFAULT_TOKEN_URL: &str = "https://api.line.me/oauth2/v3/token";

/// How the connector authenticates, read from the config.
#[derive(Clone, Copy)]
pub enum Credentials<'a> {
    /// A channel access token, used as it is.
    Token(&'a str),
    /// Client credentials to exchange at `token_url`.
    Client {
        /// The channel id.
        id: &'a str,
        /// The channel secret.
        secret: &'a str,
        /// The token endpoint.
        token_url: &'a str,
    },
}

/// A bearer token, and whether it was fetched (so LINE may have expired it).
pub struct Bearer {
    /// The token.
    pub token: String,
    /// True for a token from the token endpoint.
    pub fetched: bool,
}

/// A token fetched earlier in this instance.
struct Cached {
    owner: (String, String, String),
    token: String,
    reuse_until: Instant,
}

thread_local! {
    static CACHE: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// Drops the cached token (LINE refused it).
pub fn forget() {
    CACHE.with(|c| c.borrow_mut().take());
}

impl<'a> Credentials<'a> {
    /// Reads exactly one auth mode from the config.
    pub fn from_config(config: &'a Config) -> Result<Self, ErrorCode> {
        let given = |v: &'a Option<String>| v.as_deref().filter(|s| !s.trim().is_empty());
        let checked =
            |field: &str, v: &'a Option<String>| given(v).map(|v| secret(field, v)).transpose();
        let token = checked("config.channelAccessToken", &config.channel_access_token)?;
        let id = checked("config.clientId", &config.client_id)?;
        let secret = checked("config.clientSecret", &config.client_secret)?;
        match (token, id, secret) {
            (Some(token), None, None) => Ok(Credentials::Token(token)),
            (None, Some(id), Some(secret)) => Ok(Credentials::Client {
                id,
                secret,
                token_url: given(&config.token_url).unwrap_or(DEFAULT_TOKEN_URL),
            }),
            (Some(_), _, _) => Err(invalid(
                "config.channelAccessToken",
                "give either channelAccessToken or clientId with clientSecret, not both",
            )),
            (None, Some(_), None) => {
                Err(invalid("config.clientSecret", "is required with clientId"))
            }
            (None, None, Some(_)) => {
                Err(invalid("config.clientId", "is required with clientSecret"))
            }
            (None, None, None) => Err(invalid(
                "config.channelAccessToken",
                "is required (or clientId with clientSecret)",
            )),
        }
    }

    /// The bearer token: the given one, a cached one, or a new one fetched
    /// with the client credentials (form-encoded `grant_type=client_credentials`).
    pub fn bearer(&self, timeouts: Timeouts, deadline: Instant) -> Result<Bearer, Step> {
        let (id, secret, token_url) = match *self {
            Credentials::Token(token) => {
                return Ok(Bearer {
                    token: token.to_owned(),
                    fetched: false,
                });
            }
            Credentials::Client {
                id,
                secret,
                token_url,
            } => (id, secret, token_url),
        };
        let owner = (token_url.to_owned(), id.to_owned(), secret.to_owned());
        let cached = CACHE.with(|c| {
            c.borrow()
                .as_ref()
                .filter(|c| c.owner == owner && Instant::now() < c.reuse_until)
                .map(|c| c.token.clone())
        });
        if let Some(token) = cached {
            return Ok(Bearer {
                token,
                fetched: true,
            });
        }
        let (token, lifetime) = fetch(id, secret, token_url, timeouts, deadline)?;
        // Stop reusing a token a little before LINE would refuse it.
        let lifetime = lifetime.min(MAX_TOKEN_LIFETIME);
        let margin = (lifetime / 10).min(Duration::from_secs(60));
        let now = Instant::now();
        let reuse_until = now.checked_add(lifetime - margin).unwrap_or(now);
        CACHE.with(|c| {
            *c.borrow_mut() = Some(Cached {
                owner,
                token: token.clone(),
                reuse_until,
            })
        });
        Ok(Bearer {
            token,
            fetched: true,
        })
    }
}

/// Exchanges client credentials for a token and its lifetime.
fn fetch(
    id: &str,
    secret: &str,
    token_url: &str,
    timeouts: Timeouts,
    deadline: Instant,
) -> Result<(String, Duration), Step> {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let out = Outgoing {
        method: "POST",
        url: token_url.to_owned(),
        headers: vec![("content-type", "application/x-www-form-urlencoded".into())],
        body: body.into_bytes(),
        answer_limit: MAX_TOKEN_ANSWER_BYTES,
    };
    let reply = match http::send(&out, timeouts, deadline) {
        Ok(reply) => reply.redacted(),
        // Asking for a token twice is harmless, so any transport failure
        // but a refusal by the host is worth another attempt.
        Err(f) if matches!(&f.error, ErrorCode::Transport(t) if t.kind == TransportKind::Denied) => {
            return Err(Step::Fail(f.error));
        }
        Err(f) => return Err(Step::Retry(f.error)),
    };
    let request_id = reply.header("x-line-request-id");
    if !(200..300).contains(&reply.status) {
        let api = error::api_error(reply.status, request_id, &reply.body);
        return Err(match reply.status {
            400 | 401 => Step::Fail(ErrorCode::Authentication(api)),
            429 => Step::Retry(ErrorCode::RateLimited(api)),
            500.. => Step::Retry(ErrorCode::Api(api)),
            _ => Step::Fail(ErrorCode::Api(api)),
        });
    }
    let json: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    let refused = |message: &str| {
        Step::Fail(ErrorCode::Authentication(ApiError {
            status: reply.status,
            message: message.into(),
            details: Vec::new(),
            request_id: request_id.clone(),
        }))
    };
    let token = match json.get("access_token").and_then(Value::as_str) {
        Some(token) if !token.is_empty() => token,
        _ => return Err(refused("the token endpoint's answer has no access_token")),
    };
    if token.len() > MAX_SECRET_BYTES || !header_safe(token) {
        return Err(refused(
            "the token endpoint's access_token is not a token a header can carry",
        ));
    }
    let seconds = json.get("expires_in").and_then(Value::as_u64).unwrap_or(0);
    Ok((token.to_owned(), Duration::from_secs(seconds)))
}

/// The most bytes of a token endpoint's answer read (LINE's is about 300).
pub const MAX_TOKEN_ANSWER_BYTES: usize = 256 << 10;

/// The longest token or secret taken, in bytes (LINE's tokens are a few
/// hundred; a JWT-based one about a thousand).
pub const MAX_SECRET_BYTES: usize = 8 << 10;

/// A fetched token is reused for at most this long, whatever `expires_in`
/// says (LINE's longest-lived tokens last 30 days).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// Whether `value` can stand in an HTTP header: visible ASCII and spaces
/// (no CR, LF, NUL or other control characters).
pub fn header_safe(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// A config secret, trimmed, checked: not too long, and nothing a header
/// cannot carry.
fn secret<'a>(field: &str, value: &'a str) -> Result<&'a str, ErrorCode> {
    let value = value.trim();
    if value.len() > MAX_SECRET_BYTES {
        return Err(invalid(
            field,
            format!(
                "is {} bytes long; at most {MAX_SECRET_BYTES} are taken",
                value.len()
            ),
        ));
    }
    if !header_safe(value) {
        return Err(invalid(
            field,
            "holds characters a header cannot carry (control characters such as CR, LF or NUL, or non-ASCII)",
        ));
    }
    Ok(value)
}
