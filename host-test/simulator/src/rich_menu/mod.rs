//! The rich-menu area, kept as LINE keeps it: menus with ids issued on
//! create, one image each (its size must be the menu's; 404 before it is
//! uploaded), the default menu, per-user links (one by one, or in bulk with
//! LINE's 202), aliases, and batch changes acted out over time with their
//! progress; deleting a menu takes its links, aliases and default with it.
//! What LINE's reference gives no answer body gets none.

use super::answer::{Answer, Reply, answer, error, settle};
use super::routes::{Call, Route};
use super::state::State;
use crate::line_rules::{self, Problems};
use serde_json::{Value, json};
use std::time::SystemTime;

pub(crate) mod state;
use state::{Batch, Menu};
pub use state::{png, sample_menu};

/// The area's routes (fixed segments before parameters: `list` is not a
/// menu id).
pub(super) const ROUTES: &[Route] = &[
    ("POST", "/v2/bot/richmenu", create),
    ("POST", "/v2/bot/richmenu/validate", |_, c| {
        checked_menu(&c.body()?)?;
        Ok(answer(200, Value::Null))
    }),
    ("GET", "/v2/bot/richmenu/list", |s, _| {
        let menus: Vec<Value> = s
            .rich_menus
            .menus
            .values()
            .map(|m| m.menu.clone())
            .collect();
        Ok(answer(200, json!({"richmenus": menus})))
    }),
    ("POST", "/v2/bot/richmenu/bulk/link", bulk_link),
    ("POST", "/v2/bot/richmenu/bulk/unlink", bulk_unlink),
    ("POST", "/v2/bot/richmenu/validate/batch", |s, c| {
        checked_batch(s, &c.body()?)?;
        Ok(answer(200, Value::Null))
    }),
    ("POST", "/v2/bot/richmenu/batch", batch),
    ("GET", "/v2/bot/richmenu/progress/batch", progress),
    ("POST", "/v2/bot/richmenu/alias", create_alias),
    ("GET", "/v2/bot/richmenu/alias/list", |s, _| {
        let aliases: Vec<Value> = s.rich_menus.aliases.iter().map(alias_json).collect();
        Ok(answer(200, json!({"aliases": aliases})))
    }),
    ("GET", "/v2/bot/richmenu/alias/{richMenuAliasId}", get_alias),
    (
        "POST",
        "/v2/bot/richmenu/alias/{richMenuAliasId}",
        update_alias,
    ),
    (
        "DELETE",
        "/v2/bot/richmenu/alias/{richMenuAliasId}",
        delete_alias,
    ),
    ("GET", "/v2/bot/richmenu/{richMenuId}", |s, c| {
        Ok(answer(200, menu(s, c)?.menu.clone()))
    }),
    ("DELETE", "/v2/bot/richmenu/{richMenuId}", delete),
    ("POST", "/v2/bot/richmenu/{richMenuId}/content", upload),
    ("GET", "/v2/bot/richmenu/{richMenuId}/content", download),
    ("POST", "/v2/bot/user/all/richmenu/{richMenuId}", |s, c| {
        let id = c.param("richMenuId").to_owned();
        with_image(menu(s, c)?)?;
        s.rich_menus.default = Some(id);
        Ok(answer(200, Value::Null))
    }),
    ("GET", "/v2/bot/user/all/richmenu", |s, _| {
        let id = s
            .rich_menus
            .default
            .as_ref()
            .ok_or_else(|| error(404, "no default richmenu"))?;
        Ok(answer(200, json!({"richMenuId": id})))
    }),
    ("DELETE", "/v2/bot/user/all/richmenu", |s, _| {
        s.rich_menus.default = None;
        Ok(answer(200, Value::Null))
    }),
    ("POST", "/v2/bot/user/{userId}/richmenu/{richMenuId}", link),
    ("GET", "/v2/bot/user/{userId}/richmenu", |s, c| {
        let user = user(c)?;
        let id = s
            .rich_menus
            .links
            .get(user)
            .ok_or_else(|| error(404, "the user has no richmenu"))?;
        Ok(answer(200, json!({"richMenuId": id})))
    }),
    ("DELETE", "/v2/bot/user/{userId}/richmenu", |s, c| {
        let user = user(c)?;
        s.rich_menus.links.remove(user);
        Ok(answer(200, Value::Null))
    }),
];

fn not_found() -> Answer {
    error(404, "Not found")
}

/// The menu the path names (LINE's 404 when there is none).
fn menu<'a>(state: &'a State, call: &Call) -> Result<&'a Menu, Answer> {
    state
        .rich_menus
        .menus
        .get(call.param("richMenuId"))
        .ok_or_else(not_found)
}

/// LINE's 400 for a menu without its image, which cannot be shown.
fn with_image(menu: &Menu) -> Result<(), Answer> {
    match menu.image {
        Some(_) => Ok(()),
        None => Err(error(
            400,
            "must upload richmenu image before applying it to user",
        )),
    }
}

/// The user the path names (LINE's 400 for a malformed id).
fn user<'a>(call: &'a Call) -> Result<&'a str, Answer> {
    let user = call.param("userId");
    match line_rules::is_id(user, &['U']) {
        true => Ok(user),
        false => Err(error(
            400,
            "The value for the 'userId' parameter is invalid",
        )),
    }
}

fn checked_menu(body: &Value) -> Result<(), Answer> {
    let mut problems = Problems::default();
    line_rules::rich_menu(body, &mut problems);
    settle(problems)
}

fn create(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    checked_menu(&body)?;
    if state.rich_menus.menus.len() >= 1000 {
        return Err(error(400, "The maximum number of richmenu is exceeded"));
    }
    let id = format!("richmenu-{}", uuid::Uuid::new_v4().simple());
    let mut menu = body;
    menu["richMenuId"] = json!(id);
    let menus = &mut state.rich_menus.menus;
    menus.insert(id.clone(), Menu { menu, image: None });
    Ok(answer(200, json!({"richMenuId": id})))
}

fn delete(state: &mut State, call: &Call) -> Reply {
    let id = call.param("richMenuId");
    let menus = &mut state.rich_menus;
    menus.menus.remove(id).ok_or_else(not_found)?;
    menus.links.retain(|_, menu| menu != id);
    menus.aliases.retain(|_, menu| menu != id);
    if menus.default.as_deref() == Some(id) {
        menus.default = None;
    }
    Ok(answer(200, Value::Null))
}

/// Takes a JPEG or PNG of the menu's size, once per menu.
fn upload(state: &mut State, call: &Call) -> Reply {
    let media_type = match call.req.header("content-type") {
        Some("image/jpeg") => "image/jpeg",
        Some("image/png") => "image/png",
        _ => return Err(error(415, "Content-Type must be image/jpeg or image/png")),
    };
    let bytes = &call.req.body;
    let size = imagesize::blob_size(bytes).ok();
    let menu = state
        .rich_menus
        .menus
        .get_mut(call.param("richMenuId"))
        .ok_or_else(not_found)?;
    if menu.image.is_some() {
        return Err(error(
            400,
            "An image has already been uploaded to the richmenu",
        ));
    }
    let expected = (
        menu.menu["size"]["width"].as_u64(),
        menu.menu["size"]["height"].as_u64(),
    );
    let fits = size.is_some_and(|s| (Some(s.width as u64), Some(s.height as u64)) == expected);
    if bytes.len() > 1 << 20 || !fits {
        return Err(error(
            400,
            "invalid image: it must be a JPEG or PNG of the richmenu's size, at most 1 MB",
        ));
    }
    menu.image = Some((media_type, bytes.clone()));
    Ok(answer(200, Value::Null))
}

fn download(state: &mut State, call: &Call) -> Reply {
    let (media_type, bytes) = menu(state, call)?.image.clone().ok_or_else(not_found)?;
    let mut reply = answer(200, Value::Null);
    reply.bytes = Some((media_type, bytes));
    Ok(reply)
}

fn link(state: &mut State, call: &Call) -> Reply {
    let user = user(call)?.to_owned();
    with_image(menu(state, call)?)?;
    let id = call.param("richMenuId").to_owned();
    state.rich_menus.links.insert(user, id);
    Ok(answer(200, Value::Null))
}

/// The `userIds` of a bulk request: 1 to 500 user ids.
fn bulk_users(body: &Value) -> Result<Vec<String>, Answer> {
    let mut problems = Problems::default();
    let users = body["userIds"].as_array().cloned().unwrap_or_default();
    problems.check(
        (1..=500).contains(&users.len()),
        "userIds",
        "Size must be between 1 and 500",
    );
    for (i, user) in users.iter().enumerate() {
        let ok = user.as_str().is_some_and(|u| line_rules::is_id(u, &['U']));
        problems.check(ok, &format!("userIds[{i}]"), "Must be a valid user id");
    }
    settle(problems)?;
    Ok(users
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect())
}

fn bulk_link(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let users = bulk_users(&body)?;
    let id = body["richMenuId"].as_str().unwrap_or_default();
    let menu = state.rich_menus.menus.get(id).ok_or_else(not_found)?;
    with_image(menu)?;
    for user in users {
        state.rich_menus.links.insert(user, id.to_owned());
    }
    Ok(answer(202, Value::Null))
}

fn bulk_unlink(state: &mut State, call: &Call) -> Reply {
    for user in bulk_users(&call.body()?)? {
        state.rich_menus.links.remove(&user);
    }
    Ok(answer(202, Value::Null))
}

fn alias_json((alias, menu): (&String, &String)) -> Value {
    json!({"richMenuAliasId": alias, "richMenuId": menu})
}

/// The menu id in `body`, which must name a menu with its image.
fn alias_target(state: &State, body: &Value) -> Result<String, Answer> {
    let id = body["richMenuId"].as_str().unwrap_or_default();
    let menu = state.rich_menus.menus.get(id);
    let menu = menu.ok_or_else(|| error(400, "richmenu not found"))?;
    with_image(menu)?;
    Ok(id.to_owned())
}

fn create_alias(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let alias = body["richMenuAliasId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if !line_rules::is_alias_id(&alias) {
        return Err(error(400, "invalid richMenuAliasId"));
    }
    let id = alias_target(state, &body)?;
    if state.rich_menus.aliases.contains_key(&alias) {
        return Err(error(400, "conflict richmenu alias id"));
    }
    state.rich_menus.aliases.insert(alias, id);
    Ok(answer(200, Value::Null))
}

/// The alias the path names (LINE's 400 for one that does not exist, as
/// its reference gives for update and delete).
fn alias<'a>(
    state: &'a State,
    call: &Call,
    missing: u16,
) -> Result<(&'a String, &'a String), Answer> {
    let wanted = call.param("richMenuAliasId");
    let found = state.rich_menus.aliases.get_key_value(wanted);
    found.ok_or_else(|| error(missing, "richmenu alias not found"))
}

fn get_alias(state: &mut State, call: &Call) -> Reply {
    Ok(answer(200, alias_json(alias(state, call, 404)?)))
}

fn update_alias(state: &mut State, call: &Call) -> Reply {
    let name = alias(state, call, 400)?.0.clone();
    let id = alias_target(state, &call.body()?)?;
    state.rich_menus.aliases.insert(name, id);
    Ok(answer(200, Value::Null))
}

fn delete_alias(state: &mut State, call: &Call) -> Reply {
    let name = alias(state, call, 400)?.0.clone();
    state.rich_menus.aliases.remove(&name);
    Ok(answer(200, Value::Null))
}

/// Checks a batch change: 1 to 1000 operations of known types naming
/// menus that exist, and its `resumeRequestKey`; returns the menus it
/// links users to.
fn checked_batch(state: &State, body: &Value) -> Result<Vec<String>, Answer> {
    let mut problems = Problems::default();
    let operations = body["operations"].as_array().cloned().unwrap_or_default();
    problems.check(
        (1..=1000).contains(&operations.len()),
        "operations",
        "Size must be between 1 and 1000",
    );
    let mut targets = Vec::new();
    for (i, operation) in operations.iter().enumerate() {
        let at = |key: &str| format!("operations[{i}].{key}");
        let menus: &[&str] = match operation["type"].as_str().unwrap_or_default() {
            "link" => &["from", "to"],
            "unlink" => &["from"],
            "unlinkAll" => &[],
            _ => {
                problems.check(false, &at("type"), "invalid operation type");
                continue;
            }
        };
        for key in menus {
            let id = operation[*key].as_str().unwrap_or_default();
            let known = state.rich_menus.menus.contains_key(id);
            problems.check(known, &at(key), "richmenu not found");
        }
        targets.extend(operation["to"].as_str().map(str::to_owned));
    }
    if let Some(key) = body.get("resumeRequestKey") {
        let ok = key.as_str().is_some_and(|k| {
            (1..=100).contains(&k.len())
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
        problems.check(ok, "resumeRequestKey", "invalid resumeRequestKey");
    }
    settle(problems)?;
    Ok(targets)
}

/// Acts the operations out on the links at once; the progress says
/// `ongoing` until the batch time has passed.
fn batch(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let targets = checked_batch(state, &body)?;
    let links = &mut state.rich_menus.links;
    for operation in body["operations"].as_array().into_iter().flatten() {
        let from = operation["from"].as_str();
        match operation["type"].as_str() {
            Some("link") => {
                let to = operation["to"].as_str().unwrap_or_default();
                links
                    .values_mut()
                    .filter(|menu| Some(menu.as_str()) == from)
                    .for_each(|menu| *menu = to.to_owned());
            }
            Some("unlink") => links.retain(|_, menu| Some(menu.as_str()) != from),
            _ => links.clear(),
        }
    }
    let accepted = SystemTime::now();
    let batch = Batch {
        accepted,
        targets,
        ended: None,
    };
    state
        .rich_menus
        .batches
        .insert(call.request_id.to_owned(), batch);
    Ok(answer(202, Value::Null))
}

/// `ongoing`, then `succeeded`, or `failed` when a menu it links users to
/// was deleted before it ended.
fn progress(state: &mut State, call: &Call) -> Reply {
    let Some(id) = call.query("requestId").filter(|id| !id.is_empty()) else {
        return Err(error(
            400,
            "The value for the 'requestId' parameter is invalid",
        ));
    };
    let menus = &mut state.rich_menus;
    let known = &menus.menus;
    let batch = menus.batches.get_mut(&id).ok_or_else(not_found)?;
    let time = |t: SystemTime| humantime::format_rfc3339_millis(t).to_string();
    let took = menus.batch_time;
    let accepted = time(batch.accepted);
    if batch.accepted.elapsed().unwrap_or_default() < took {
        return Ok(answer(
            200,
            json!({"phase": "ongoing", "acceptedTime": accepted}),
        ));
    }
    let phase = *batch.ended.get_or_insert_with(|| {
        match batch.targets.iter().any(|t| !known.contains_key(t)) {
            true => "failed",
            false => "succeeded",
        }
    });
    Ok(answer(
        200,
        json!({"phase": phase, "acceptedTime": accepted, "completedTime": time(batch.accepted + took)}),
    ))
}
