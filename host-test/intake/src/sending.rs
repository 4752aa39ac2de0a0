//! Sending by contact: `push` and `multicast` (and asks) take
//! `contact:<the platform's own id>` wherever they take a LINE user id,
//! resolved through the store before anything is sent (an unknown or
//! unlinked contact is an `invalid-input` on the field, nothing sent).
//! A push to one user is refused from the store (`not-a-friend`, no LINE
//! request) when the store knows freshly that the user is not a friend;
//! `requireFriend` is answered from the store when it knows, and by LINE's
//! profile lookup otherwise, whose answer is stored.

use crate::ask::invalid;
use crate::contacts::{self, reference};
use crate::store::{Store, now_ms};
use anyhow::Result;
use line_connector_host::{Outcome, Session};
use serde_json::{Value, json};
use std::time::Duration;

/// Where contacts are looked up.
#[derive(Clone)]
pub struct Directory {
    /// The store the intake keeps contacts in.
    pub store: Store,
    /// The channel whose contacts these are.
    pub channel: String,
    /// How long a profile lookup's or a sync's answer stays fresh.
    pub fresh_for: Duration,
}

/// By default, a friend check's answer is trusted for a day (follow and
/// unfollow events keep it current in between).
pub const DEFAULT_FRESH_FOR: Duration = Duration::from_secs(86_400);

/// The LINE user id a `to` names: itself, or the user a contact reference
/// is linked to; an `invalid-input` on `field` otherwise.
pub async fn recipient(dir: &Directory, field: &str, to: &str) -> Result<Result<String, Value>> {
    let Some(platform_id) = reference(to) else {
        return Ok(Ok(to.to_owned()));
    };
    if let Err(error) = crate::linking::check_platform_id(field, platform_id) {
        return Ok(Err(error));
    }
    Ok(
        match contacts::linked(&dir.store, &dir.channel, platform_id).await? {
            Some(contact) => Ok(contact.user_id),
            None => Err(invalid(
                field,
                format!(
                    "{to}: no LINE user of channel {} is linked to this id (`line-connector contacts link` links one)",
                    dir.channel
                ),
            )),
        },
    )
}

/// `input` with each contact reference of `action`'s recipients replaced
/// by its LINE user id (`push`'s `to`, `multicast`'s `to[i]`); the
/// `invalid-input` for the first that names no linked contact.
pub async fn resolve(dir: &Directory, action: &str, input: &Value) -> Result<Result<Value, Value>> {
    let mut input = input.clone();
    match (action, &mut input["to"]) {
        ("push", Value::String(to)) => match recipient(dir, "to", to).await? {
            Ok(user) => *to = user,
            Err(error) => return Ok(Err(error)),
        },
        ("multicast", Value::Array(all)) => {
            for (i, to) in all.iter_mut().enumerate() {
                if let Value::String(text) = to {
                    match recipient(dir, &format!("to[{i}]"), text).await? {
                        Ok(user) => *text = user,
                        Err(error) => return Ok(Err(error)),
                    }
                }
            }
        }
        _ => {}
    }
    Ok(Ok(input))
}

/// The field of `action`'s input that names a contact, if one does
/// (`to`, `to[i]`): such an input needs a [`Directory`].
pub fn contact_field(action: &str, input: &Value) -> Option<String> {
    let is_reference = |v: &Value| v.as_str().is_some_and(|to| reference(to).is_some());
    match (action, &input["to"]) {
        ("push", to) if is_reference(to) => Some("to".into()),
        ("multicast", Value::Array(all)) => all
            .iter()
            .position(is_reference)
            .map(|i| format!("to[{i}]")),
        _ => None,
    }
}

/// LINE's `not-a-friend` error, as the component gives it.
fn not_a_friend(user: &str, request_id: Option<&Value>) -> Value {
    json!({"type": "not-a-friend", "userId": user, "requestId": request_id.cloned().unwrap_or(Value::Null)})
}

/// Whether `user` is a friend, from the store when it knows freshly, else
/// by LINE's profile lookup (stored). `Err` with the lookup's error when
/// it was neither a profile nor a 404.
async fn friend(
    session: &mut Session<'_>,
    config: &Value,
    dir: &Directory,
    user: &str,
) -> Result<Result<bool, Value>> {
    let known = contacts::get(&dir.store, &dir.channel, user).await?;
    if let Some(friend) = known.and_then(|c| c.friend(now_ms(), dir.fresh_for)) {
        return Ok(Ok(friend));
    }
    match session
        .run("get-profile", config, &json!({"userId": user}))
        .await?
    {
        Ok(profile) => {
            let name = profile["displayName"].as_str();
            contacts::checked(&dir.store, &dir.channel, user, true, name).await?;
            Ok(Ok(true))
        }
        Err(error) if error["type"] == "api" && error["status"] == 404 => {
            contacts::checked(&dir.store, &dir.channel, user, false, None).await?;
            Ok(Err(not_a_friend(user, error.get("requestId"))))
        }
        Err(error) => Ok(Err(error)),
    }
}

/// Runs `action` with `input` on `session`, its recipients resolved
/// through `dir` and the friend checks answered as the module says.
pub async fn run(
    session: &mut Session<'_>,
    config: &Value,
    dir: &Directory,
    action: &str,
    input: &Value,
) -> Result<Outcome> {
    let named_contact = input["to"]
        .as_str()
        .is_some_and(|to| reference(to).is_some());
    let mut input = match resolve(dir, action, input).await? {
        Ok(input) => input,
        Err(error) => return Ok(Err(error)),
    };
    let dry_run = input["dryRun"] == true;
    if action != "push" || dry_run {
        return session.run(action, config, &input).await;
    }
    let to = input["to"].as_str().unwrap_or_default().to_owned();
    let require = input["requireFriend"] == true && to.starts_with('U');
    if require {
        match friend(session, config, dir, &to).await? {
            Ok(true) => {}
            Ok(false) => return Ok(Err(not_a_friend(&to, None))),
            Err(error) => return Ok(Err(error)),
        }
        // Answered here: the component need not ask LINE again.
        if let Some(fields) = input.as_object_mut() {
            fields.remove("requireFriend");
        }
    } else if named_contact {
        let known = contacts::get(&dir.store, &dir.channel, &to).await?;
        if known.and_then(|c| c.friend(now_ms(), dir.fresh_for)) == Some(false) {
            return Ok(Err(not_a_friend(&to, None)));
        }
    }
    session.run(action, config, &input).await
}
