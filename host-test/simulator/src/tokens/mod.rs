//! LINE's channel access tokens: the token endpoints (form-encoded, no
//! bearer token), what they remember (tokens issued, their kind and expiry,
//! revoked ones, the channel's registered assertion keys), the JWT
//! assertion check LINE makes (RS256 signature by a registered key, `iss`,
//! `sub`, `aud`, `exp` at most 30 minutes ahead, `token_exp`), the bearer
//! check every bot endpoint makes, and attaching a module (HTTP Basic).

use super::answer::{Answer, Reply, answer, error};
use super::routes::{Call, Route};
use crate::recorded::Recorded;
use crate::seed::{CLIENT_ID, CLIENT_SECRET};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::PrivateKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use serde_json::{Value, json};
pub use state::ASSERTION_KEY_ID;
use state::{ASSERTION_KEY, Tokens};
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) mod state;

/// The authorization code `attachModule` takes once.
pub const ATTACH_CODE: &str = "1kS8kgvQSnnLPDYCPnhv";

/// The bot a module is attached to with [`ATTACH_CODE`].
pub const ATTACHED_BOT: &str = "U45c5c51f0050ef0f0ee7261d57fd3c56";

/// `client_assertion_type` of a JWT assertion.
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The private key of [`ASSERTION_KEY_ID`] as an RSA JWK (JSON text), for
/// a config's `assertionPrivateKey`.
pub fn assertion_private_jwk() -> String {
    private_jwk(&ASSERTION_KEY)
}

/// An RSA private key as a JWK with every member (JSON text), as LINE's
/// key tools write it.
pub fn private_jwk(key: &PrivateKey) -> String {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let mut jwk = json!({
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "n": b64(&key.n_bytes()),
        "e": b64(&key.e_bytes()),
        "d": b64(&key.d().to_be_bytes_trimmed_vartime()),
    });
    if let [p, q] = key.primes() {
        jwk["p"] = json!(b64(&p.to_be_bytes_trimmed_vartime()));
        jwk["q"] = json!(b64(&q.to_be_bytes_trimmed_vartime()));
    }
    jwk.to_string()
}

/// The paths that take no bearer token.
pub(super) const OAUTH_PATHS: [&str; 9] = [
    "/oauth2/v3/token",
    "/v2/oauth/accessToken",
    "/oauth2/v2.1/token",
    "/v2/oauth/verify",
    "/oauth2/v2.1/verify",
    "/v2/oauth/revoke",
    "/oauth2/v2.1/revoke",
    "/oauth2/v2.1/tokens/kid",
    "/module/auth/v1/token",
];

/// The area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("POST", "/oauth2/v3/token", |s, c| {
        let form = form(c)?;
        grant(&form, "client_credentials")?;
        match form.contains_key("client_assertion") {
            true => drop(assertion(&s.tokens, &form, false)?),
            false => secret(&form)?,
        }
        Ok(answer(200, s.tokens.issue(Duration::from_secs(900), None)))
    }),
    ("POST", "/v2/oauth/accessToken", |s, c| {
        let form = form(c)?;
        grant(&form, "client_credentials")?;
        secret(&form)?;
        Ok(answer(
            200,
            s.tokens.issue(Duration::from_secs(2_592_000), None),
        ))
    }),
    ("POST", "/oauth2/v2.1/token", |s, c| {
        let form = form(c)?;
        grant(&form, "client_credentials")?;
        let token_exp = assertion(&s.tokens, &form, true)?;
        let key_id = format!("sim-kid-{}", uuid::Uuid::new_v4().simple());
        let lifetime = Duration::from_secs(token_exp);
        Ok(answer(200, s.tokens.issue(lifetime, Some(key_id))))
    }),
    ("POST", "/v2/oauth/verify", |s, c| {
        let form = form(c)?;
        verify(&s.tokens, form.get("access_token"))
    }),
    ("GET", "/oauth2/v2.1/verify", |s, c| {
        verify(&s.tokens, c.query("access_token").as_ref())
    }),
    ("POST", "/v2/oauth/revoke", |s, c| {
        let form = form(c)?;
        let token = form
            .get("access_token")
            .ok_or_else(|| missing("access_token"))?;
        revoke(&mut s.tokens, token);
        Ok(answer(200, Value::Null))
    }),
    ("POST", "/oauth2/v2.1/revoke", |s, c| {
        let form = form(c)?;
        secret(&form)?;
        let token = form
            .get("access_token")
            .ok_or_else(|| missing("access_token"))?;
        revoke(&mut s.tokens, token);
        Ok(answer(200, Value::Null))
    }),
    ("GET", "/oauth2/v2.1/tokens/kid", |s, c| {
        let form: HashMap<String, String> = ["client_assertion_type", "client_assertion"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), c.query(name)?)))
            .collect();
        assertion(&s.tokens, &form, false)?;
        let now = Instant::now();
        let kids: Vec<&String> = s
            .tokens
            .issued
            .iter()
            .filter(|(token, t)| t.expires > now && !s.tokens.revoked.contains(*token))
            .filter_map(|(_, t)| t.key_id.as_ref())
            .collect();
        Ok(answer(200, json!({"kids": kids})))
    }),
    ("POST", "/module/auth/v1/token", |s, c| {
        basic(c.req)?;
        let form = form(c)?;
        grant(&form, "authorization_code")?;
        let code = form.get("code").ok_or_else(|| missing("code"))?;
        form.get("redirect_uri")
            .ok_or_else(|| missing("redirect_uri"))?;
        if code != ATTACH_CODE || !s.tokens.used_codes.insert(code.clone()) {
            return Err(oauth_error(
                "invalid_grant",
                "invalid or used authorization code",
            ));
        }
        let scopes = ["message:send", "message:receive"];
        Ok(answer(
            200,
            json!({"bot_id": ATTACHED_BOT, "scopes": scopes}),
        ))
    }),
];

/// LINE's OAuth error answer.
fn oauth_error(error: &str, description: &str) -> Answer {
    answer(
        400,
        json!({"error": error, "error_description": description}),
    )
}

fn missing(name: &str) -> Answer {
    oauth_error("invalid_request", &format!("{name} is required"))
}

/// The form body (LINE's 400 for another media type).
fn form(c: &Call) -> Result<HashMap<String, String>, Answer> {
    if c.req.header("content-type") != Some("application/x-www-form-urlencoded") {
        return Err(oauth_error(
            "invalid_request",
            "content-type must be application/x-www-form-urlencoded",
        ));
    }
    if c.req.header("content-length").is_none() {
        return Err(oauth_error("invalid_request", "Content-Length is required"));
    }
    Ok(c.req.form())
}

fn grant(form: &HashMap<String, String>, wanted: &str) -> Result<(), Answer> {
    match form.get("grant_type") {
        Some(grant) if grant == wanted => Ok(()),
        _ => Err(oauth_error(
            "unsupported_grant_type",
            &format!("grant_type must be {wanted}"),
        )),
    }
}

/// The channel id and secret of the form.
fn secret(form: &HashMap<String, String>) -> Result<(), Answer> {
    let id_ok = form.get("client_id").map(String::as_str) == Some(CLIENT_ID);
    let secret_ok = form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
    match id_ok && secret_ok {
        true => Ok(()),
        false => Err(oauth_error(
            "invalid_client",
            "invalid client_id or client_secret",
        )),
    }
}

/// HTTP Basic with the channel id and secret.
fn basic(req: &Recorded) -> Result<(), Answer> {
    let expected = STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    match req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Basic "))
    {
        Some(given) if given == expected => Ok(()),
        _ => Err(answer(
            401,
            json!({"error": "invalid_client", "error_description": "invalid client credentials"}),
        )),
    }
}

/// The form's JWT assertion, checked as LINE does; its `token_exp` (which
/// v2.1 requires).
fn assertion(
    tokens: &Tokens,
    form: &HashMap<String, String>,
    needs_token_exp: bool,
) -> Result<u64, Answer> {
    if form.get("client_assertion_type").map(String::as_str) != Some(ASSERTION_TYPE) {
        return Err(oauth_error(
            "invalid_request",
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ));
    }
    let jwt = form
        .get("client_assertion")
        .ok_or_else(|| missing("client_assertion"))?;
    let claims = check_jwt(tokens, jwt).map_err(|why| oauth_error("invalid_client", why))?;
    let token_exp = claims["token_exp"].as_u64();
    match (needs_token_exp, token_exp) {
        (true, None) => Err(oauth_error("invalid_request", "token_exp is required")),
        (true, Some(t)) if !(1..=2_592_000).contains(&t) => Err(oauth_error(
            "invalid_request",
            "token_exp must be at most 30 days",
        )),
        _ => Ok(token_exp.unwrap_or(900)),
    }
}

/// The claims of a JWT signed by a registered key, for this channel and
/// LINE, not expired and expiring within 30 minutes.
fn check_jwt(tokens: &Tokens, jwt: &str) -> Result<Value, &'static str> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("client_assertion is not a JWT");
    };
    let decode = |part: &str| -> Result<Value, &'static str> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| "malformed JWT")?;
        serde_json::from_slice(&bytes).map_err(|_| "malformed JWT")
    };
    let (header_json, claims) = (decode(header)?, decode(payload)?);
    if header_json["alg"] != "RS256" {
        return Err("the JWT must be signed with RS256");
    }
    let key = header_json["kid"]
        .as_str()
        .and_then(|kid| tokens.keys.get(kid))
        .ok_or("the JWT's kid names no registered key")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .ok_or("malformed JWT signature")?;
    VerifyingKey::<rsa::sha2::Sha256>::new(key.clone())
        .verify(format!("{header}.{payload}").as_bytes(), &signature)
        .map_err(|_| "invalid JWT signature")?;
    if claims["iss"] != CLIENT_ID || claims["sub"] != CLIENT_ID {
        return Err("iss and sub must be the channel id");
    }
    if claims["aud"] != "https://api.line.me/" {
        return Err("aud must be https://api.line.me/");
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match claims["exp"].as_u64() {
        Some(exp) if exp <= now => Err("the JWT has expired"),
        Some(exp) if exp > now + 30 * 60 => Err("exp must be at most 30 minutes ahead"),
        Some(_) => Ok(claims),
        None => Err("exp is required"),
    }
}

/// LINE's verify answer for a token.
fn verify(tokens: &Tokens, token: Option<&String>) -> Reply {
    let token = token.ok_or_else(|| missing("access_token"))?;
    match tokens.left(token) {
        Ok(left) => Ok(answer(
            200,
            json!({"client_id": CLIENT_ID, "expires_in": left, "scope": "profile chat_message.write"}),
        )),
        Err(why) => Err(oauth_error("invalid_request", why)),
    }
}

/// Revokes a token; an unknown one is no error (RFC 7009).
fn revoke(tokens: &mut Tokens, token: &str) {
    tokens.issued.remove(token);
    tokens.revoked.insert(token.to_owned());
}

/// The bearer-token check every bot endpoint makes: a token given or
/// issued, neither expired nor revoked.
pub(super) fn authorize(tokens: &Tokens, req: &Recorded) -> std::result::Result<(), Answer> {
    let token = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    if token.is_some_and(|t| tokens.left(t).is_ok()) {
        return Ok(());
    }
    Err(error(
        401,
        "Authentication failed. Confirm that the access token in the authorization header is valid.",
    ))
}
