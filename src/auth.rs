//! The two auth modes: a channel access token given directly, or OAuth2
//! client credentials exchanged at a token URL.

use crate::actions::{Config, ErrorCode};
use crate::call::{self, Outgoing};
use crate::error::{self, invalid};
use serde_json::Value;

/// LINE's stateless token endpoint: 15-minute tokens, no issue limit.
pub const DEFAULT_TOKEN_URL: &str = "https://api.line.me/oauth2/v3/token";

/// How the connector authenticates, read from the config.
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

impl<'a> Credentials<'a> {
    /// Reads exactly one auth mode from the config.
    pub fn from_config(config: &'a Config) -> Result<Self, ErrorCode> {
        let given = |v: &'a Option<String>| v.as_deref().filter(|s| !s.trim().is_empty());
        let token = given(&config.channel_access_token);
        let (id, secret) = (given(&config.client_id), given(&config.client_secret));
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

    /// Checks what can be checked without a request (the token URL).
    pub fn check(&self) -> Result<(), ErrorCode> {
        match self {
            Credentials::Token(_) => Ok(()),
            Credentials::Client { token_url, .. } => {
                call::check_url("config.tokenUrl", token_url).map(drop)
            }
        }
    }

    /// The bearer token: the given one, or one fetched with the client
    /// credentials (form-encoded `grant_type=client_credentials`).
    pub fn bearer(&self, timeout_ms: u32) -> Result<String, ErrorCode> {
        let (id, secret, token_url) = match *self {
            Credentials::Token(token) => return Ok(token.to_owned()),
            Credentials::Client {
                id,
                secret,
                token_url,
            } => (id, secret, token_url),
        };
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ];
        let reply = call::exchange(Outgoing::form(token_url, &form, timeout_ms))?;
        if !(200..300).contains(&reply.status) {
            let mut api = error::api_error(reply.status, reply.request_id, &reply.body);
            api.message = api.message.replace(secret, "[redacted]");
            return Err(match reply.status {
                400 | 401 => ErrorCode::Authentication(api),
                429 => ErrorCode::RateLimited(api),
                _ => ErrorCode::Api(api),
            });
        }
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        match body.get("access_token").and_then(Value::as_str) {
            Some(token) if !token.is_empty() => Ok(token.to_owned()),
            _ => Err(ErrorCode::Authentication(crate::actions::ApiError {
                status: reply.status,
                message: "the token endpoint's answer has no access_token".into(),
                details: Vec::new(),
                request_id: reply.request_id,
            })),
        }
    }
}
