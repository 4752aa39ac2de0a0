//! The three auth modes: a channel access token given directly, OAuth2
//! client credentials, or a JWT assertion signed with the channel's key
//! ([`crate::jwt`]), each of the last two exchanged at a token URL. A
//! fetched token is kept for later calls in the same component instance
//! until shortly before it expires.

use crate::error::{self, invalid};
use crate::http::{self, Outgoing, Timeouts};
use crate::jwt;
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
    /// A JWT assertion, signed with the channel's key, to exchange at
    /// `token_url`.
    Assertion {
        /// The channel id.
        id: &'a str,
        /// The assertion signing key: an RSA private JWK, checked.
        key: &'a str,
        /// The key's id at LINE.
        key_id: &'a str,
        /// The lifetime asked for a token v2.1, in seconds.
        token_exp: u32,
        /// The token endpoint.
        token_url: &'a str,
    },
}

/// The lifetime asked for a token v2.1 when the config names none.
pub const DEFAULT_TOKEN_EXP: u32 = 900;

/// The longest lifetime LINE gives a token v2.1 (30 days).
pub const MAX_TOKEN_EXP: u32 = 30 * 24 * 3600;

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
    expires: Instant,
}

thread_local! {
    static CACHE: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// Seconds until the token fetched in this instance expires, if there is
/// one.
pub fn fetched_expires_in() -> Option<u64> {
    CACHE.with(|c| {
        let cached = c.borrow();
        let left = cached
            .as_ref()?
            .expires
            .saturating_duration_since(Instant::now());
        Some(left.as_secs())
    })
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
        let key = given(&config.assertion_private_key).map(str::trim);
        let token_url = given(&config.token_url).unwrap_or(DEFAULT_TOKEN_URL);
        match (token, id, secret, key) {
            (Some(token), None, None, None) => Ok(Credentials::Token(token)),
            (None, Some(id), Some(secret), None) => Ok(Credentials::Client {
                id,
                secret,
                token_url,
            }),
            (None, Some(id), None, Some(key)) => assertion(config, id, key, token_url),
            (Some(_), _, _, _) => Err(invalid(
                "config.channelAccessToken",
                "give one auth mode: channelAccessToken, clientId with clientSecret, or clientId with assertionPrivateKey",
            )),
            (None, _, Some(_), Some(_)) => Err(invalid(
                "config.assertionPrivateKey",
                "give either clientSecret or assertionPrivateKey, not both",
            )),
            (None, Some(_), None, None) => Err(invalid(
                "config.clientSecret",
                "is required with clientId (or assertionPrivateKey)",
            )),
            (None, None, _, _) if secret.is_some() || key.is_some() => Err(invalid(
                "config.clientId",
                "is required with clientSecret or assertionPrivateKey",
            )),
            (None, _, _, _) => Err(invalid(
                "config.channelAccessToken",
                "is required (or clientId with clientSecret, or with assertionPrivateKey)",
            )),
        }
    }

    /// Whether the token is given as it is (not fetched).
    pub fn is_given(&self) -> bool {
        matches!(self, Credentials::Token(_))
    }

    /// The mode's name, as the config's field that picks it.
    pub fn mode(&self) -> &'static str {
        match self {
            Credentials::Token(_) => "channelAccessToken",
            Credentials::Client { .. } => "clientSecret",
            Credentials::Assertion { .. } => "assertionPrivateKey",
        }
    }

    /// The channel id and secret, for an endpoint that takes them in its
    /// own fields or as HTTP Basic; `why` says what needs them.
    pub fn id_and_secret(&self, why: &str) -> Result<(&'a str, &'a str), ErrorCode> {
        match *self {
            Credentials::Client { id, secret, .. } => Ok((id, secret)),
            Credentials::Assertion { .. } => Err(invalid(
                "config.clientSecret",
                format!("is required: {why}"),
            )),
            Credentials::Token(_) => Err(invalid(
                "config.clientId",
                format!("and clientSecret are required: {why}"),
            )),
        }
    }

    /// A newly signed JWT assertion, in the JWT-assertion mode; `why` says
    /// what needs it.
    pub fn assertion(&self, why: &str) -> Result<String, ErrorCode> {
        let Credentials::Assertion {
            id,
            key,
            key_id,
            token_exp,
            ..
        } = *self
        else {
            return Err(invalid(
                "config.assertionPrivateKey",
                format!("is required: {why}"),
            ));
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let claims = jwt::Claims {
            channel_id: id,
            key_id,
            token_exp,
            now,
        };
        let signed = jwt::sign(key, &claims)?;
        // The whole JWT, and each part on its own: the rest of a JWT is
        // guessable (kid, channel, an expiry within seconds), so a server
        // echoing only its signature must not get it printed either.
        crate::redact::add(&signed);
        signed.split('.').for_each(crate::redact::add);
        Ok(signed)
    }

    /// The token endpoint's form for this mode (none for a given token).
    fn form(&self) -> Result<Option<Vec<(&'static str, String)>>, ErrorCode> {
        let grant = ("grant_type", "client_credentials".to_owned());
        Ok(Some(match *self {
            Credentials::Token(_) => return Ok(None),
            Credentials::Client { id, secret, .. } => vec![
                grant,
                ("client_id", id.to_owned()),
                ("client_secret", secret.to_owned()),
            ],
            Credentials::Assertion { .. } => vec![
                grant,
                ("client_assertion_type", jwt::ASSERTION_TYPE.to_owned()),
                ("client_assertion", self.assertion("to fetch a token")?),
            ],
        }))
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
            Credentials::Assertion {
                id, key, token_url, ..
            } => (id, key, token_url),
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
        let form = self.form().map_err(Step::Fail)?.unwrap_or_default();
        let (token, lifetime) = fetch(&form, token_url, timeouts, deadline)?;
        // Stop reusing a token a little before LINE would refuse it.
        let lifetime = lifetime.min(MAX_TOKEN_LIFETIME);
        let margin = (lifetime / 10).min(Duration::from_secs(60));
        let now = Instant::now();
        let reuse_until = now.checked_add(lifetime - margin).unwrap_or(now);
        let expires = now.checked_add(lifetime).unwrap_or(now);
        CACHE.with(|c| {
            *c.borrow_mut() = Some(Cached {
                owner,
                token: token.clone(),
                reuse_until,
                expires,
            })
        });
        Ok(Bearer {
            token,
            fetched: true,
        })
    }
}

/// The JWT-assertion mode from the config: the key checked, the key id
/// required, `tokenExp` in LINE's range.
fn assertion<'a>(
    config: &'a Config,
    id: &'a str,
    key: &'a str,
    token_url: &'a str,
) -> Result<Credentials<'a>, ErrorCode> {
    if key.len() > MAX_KEY_BYTES {
        return Err(invalid(
            jwt::FIELD,
            format!(
                "is {} bytes long; at most {MAX_KEY_BYTES} are taken",
                key.len()
            ),
        ));
    }
    jwt::check(key)?;
    let key_id = match config.assertion_key_id.as_deref().map(str::trim) {
        Some(kid) if !kid.is_empty() => secret("config.assertionKeyId", kid)?,
        _ => {
            return Err(invalid(
                "config.assertionKeyId",
                "is required with assertionPrivateKey (the kid LINE returned for the public key)",
            ));
        }
    };
    let token_exp = config.token_exp.unwrap_or(DEFAULT_TOKEN_EXP);
    if !(1..=MAX_TOKEN_EXP).contains(&token_exp) {
        return Err(invalid(
            "config.tokenExp",
            format!("must be 1 to {MAX_TOKEN_EXP} seconds (30 days), got {token_exp}"),
        ));
    }
    Ok(Credentials::Assertion {
        id,
        key,
        key_id,
        token_exp,
        token_url,
    })
}

/// The longest assertion key taken, in bytes (a 4096-bit JWK with every
/// member is about 3,300).
pub const MAX_KEY_BYTES: usize = 16 << 10;

/// Exchanges client credentials or an assertion (`form`) for a token and
/// its lifetime.
fn fetch(
    form: &[(&str, String)],
    token_url: &str,
    timeouts: Timeouts,
    deadline: Instant,
) -> Result<(String, Duration), Step> {
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
/// (no CR, LF, NUL or other control characters); the rules crate's check.
pub use line_rules::basic::header_safe;

/// A config secret, trimmed, checked: not too long, and nothing a header
/// cannot carry.
pub fn secret<'a>(field: &str, value: &'a str) -> Result<&'a str, ErrorCode> {
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
