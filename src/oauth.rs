//! The credential fields of LINE's token endpoints (and of attaching a
//! module): checked, each one the input leaves out filled in from the
//! config (the table's [`Fill`]), and every secret among them known to
//! [`redact`] before anything is sent.

use crate::config::Settings;
use crate::error::invalid;
use crate::jwt;
use crate::redact;
use crate::request::Draft;
use crate::retry::Step;
use crate::table::{Auth, Endpoint, Fill};
use crate::types::ErrorCode;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The fields that hold secrets (LINE's names).
const SECRETS: [&str; 3] = ["access_token", "client_secret", "client_assertion"];

/// Fills in and checks the credential fields of `draft` for `endpoint`.
pub fn fill(endpoint: &Endpoint, settings: &Settings, draft: &mut Draft) -> Result<(), ErrorCode> {
    let grant_type = match endpoint.auth {
        Auth::Bearer => return Ok(()),
        Auth::Basic => "authorization_code",
        Auth::Fields(_) => "client_credentials",
    };
    let fills = match endpoint.auth {
        Auth::Fields(fills) => fills,
        _ => &[Fill::GrantType][..],
    };
    let mut fields = Fields { endpoint, draft };
    let credentials = &settings.credentials;
    for fill in fills {
        match fill {
            Fill::GrantType => fields.only("grant_type", grant_type)?,
            Fill::Secret => fields.secret(settings)?,
            Fill::Assertion => fields.assertion(settings)?,
            Fill::SecretOrAssertion => {
                let given = ["client_id", "client_secret", "client_assertion"]
                    .iter()
                    .any(|name| fields.get(name).is_some());
                match credentials {
                    _ if given && fields.get("client_assertion").is_some() => {
                        fields.assertion(settings)?
                    }
                    _ if given => fields.secret(settings)?,
                    crate::auth::Credentials::Assertion { .. } => fields.assertion(settings)?,
                    _ => fields.secret(settings)?,
                }
            }
            Fill::Token => {
                if fields.get("access_token").is_none() {
                    let token = configured_token(settings)?;
                    fields.set("access_token", token);
                }
            }
        }
    }
    for name in SECRETS {
        if let Some(secret) = fields.get(name) {
            redact::add(secret);
        }
    }
    Ok(())
}

/// The token the config gives: the channel access token, or one fetched
/// with its credentials.
fn configured_token(settings: &Settings) -> Result<String, ErrorCode> {
    let deadline = Instant::now() + Duration::from_millis(settings.total_timeout_ms);
    match settings.credentials.bearer(settings.timeouts, deadline) {
        Ok(bearer) => {
            redact::add(&bearer.token);
            Ok(bearer.token)
        }
        Err(Step::Fail(e) | Step::Retry(e) | Step::Refresh(e)) => Err(e),
        Err(Step::Done(_)) => Err(invalid("access_token", "is required")),
    }
}

/// The request's fields: the form body, or the query of a GET.
struct Fields<'a> {
    endpoint: &'a Endpoint,
    draft: &'a mut Draft,
}

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        match self.endpoint.query.contains(&name) {
            true => self
                .draft
                .query
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value.as_str()),
            false => self.draft.body.get(name).and_then(Value::as_str),
        }
    }

    fn set(&mut self, name: &str, value: String) {
        match self.endpoint.query.contains(&name) {
            true => self.draft.query.push((name.to_owned(), value)),
            false => drop(
                self.draft
                    .body
                    .insert(name.to_owned(), Value::String(value)),
            ),
        }
    }

    /// A field with one possible value: that value, given or not.
    fn only(&mut self, name: &str, value: &str) -> Result<(), ErrorCode> {
        match self.get(name) {
            None => self.set(name, value.to_owned()),
            Some(given) if given == value => {}
            Some(_) => return Err(invalid(name, format!("must be {value:?} (or left out)"))),
        }
        Ok(())
    }

    /// `client_id` and `client_secret`, given or the config's.
    fn secret(&mut self, settings: &Settings) -> Result<(), ErrorCode> {
        if self.get("client_id").is_some() && self.get("client_secret").is_some() {
            return Ok(());
        }
        let why = "this endpoint takes the channel id and secret (give client_id and client_secret, or configure them)";
        let (id, secret) = settings.credentials.id_and_secret(why)?;
        for (name, value) in [("client_id", id), ("client_secret", secret)] {
            if self.get(name).is_none() {
                self.set(name, value.to_owned());
            }
        }
        Ok(())
    }

    /// `client_assertion_type` and `client_assertion`, given or a JWT the
    /// config's key signs.
    fn assertion(&mut self, settings: &Settings) -> Result<(), ErrorCode> {
        self.only("client_assertion_type", jwt::ASSERTION_TYPE)?;
        if self.get("client_assertion").is_none() {
            let why = "this endpoint takes a JWT assertion (give client_assertion, or configure the assertion signing key)";
            let signed = settings.credentials.assertion(why)?;
            self.set("client_assertion", signed);
        }
        Ok(())
    }
}
