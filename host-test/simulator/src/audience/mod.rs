//! The audience area, kept as LINE keeps audiences: created from ids (JSON,
//! or a `multipart/form-data` file parsed with multer and refused when
//! malformed) or from a message's clicks and impressions, answered with
//! 202 and `IN_PROGRESS` until built (`READY`, or `FAILED` when empty),
//! renamed, deleted, listed by page; one audience of another account is
//! shared with this one. A narrowcast to an audience reaches its users.

use super::answer::{Answer, Reply, answer, error};
use super::routes::{Call, Route};
use super::state::State;
use crate::line_rules;
use crate::seed::SHARED_AUDIENCE;
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

pub(crate) mod state;
use state::{Audience, group, now};

/// The area's routes (fixed segments before parameters).
pub(super) const ROUTES: &[Route] = &[
    ("POST", "/v2/bot/audienceGroup/upload", |s, c| {
        let body = c.body()?;
        let ids = json_ids(&body)?;
        create(s, &body, "UPLOAD", ids)
    }),
    ("PUT", "/v2/bot/audienceGroup/upload", |s, c| {
        let body = c.body()?;
        let ids = json_ids(&body)?;
        add(s, &body, ids)
    }),
    ("POST", "/v2/bot/audienceGroup/upload/byFile", |s, c| {
        let (fields, ids) = form(c)?;
        create(s, &fields, "UPLOAD", ids)
    }),
    ("PUT", "/v2/bot/audienceGroup/upload/byFile", |s, c| {
        let (fields, ids) = form(c)?;
        add(s, &fields, ids)
    }),
    ("POST", "/v2/bot/audienceGroup/click", |s, c| {
        let body = c.body()?;
        message_based(&body)?;
        create(s, &body, "CLICK", Vec::new())
    }),
    ("POST", "/v2/bot/audienceGroup/imp", |s, c| {
        let body = c.body()?;
        message_based(&body)?;
        create(s, &body, "IMP", Vec::new())
    }),
    ("GET", "/v2/bot/audienceGroup/list", |s, c| {
        list(s, c, false)
    }),
    ("GET", "/v2/bot/audienceGroup/shared/list", |s, c| {
        list(s, c, true)
    }),
    (
        "GET",
        "/v2/bot/audienceGroup/shared/{audienceGroupId}",
        |s, c| {
            let (id, audience) = audience(s, c)?;
            if id != SHARED_AUDIENCE {
                return Err(not_found());
            }
            let mut data = data(audience, s.audiences.build_time);
            data["owner"] =
                json!({"serviceType": "bizmanager", "id": "owner-1", "name": "Example Corp. SOC"});
            Ok(answer(200, data))
        },
    ),
    (
        "PUT",
        "/v2/bot/audienceGroup/{audienceGroupId}/updateDescription",
        |s, c| {
            let body = c.body()?;
            let name = description(&body)?;
            let (id, _) = audience(s, c)?;
            let audience = s.audiences.groups.get_mut(&id).ok_or_else(not_found)?;
            audience.group["description"] = json!(name);
            Ok(answer(200, Value::Null))
        },
    ),
    (
        "DELETE",
        "/v2/bot/audienceGroup/{audienceGroupId}",
        |s, c| {
            let (id, _) = audience(s, c)?;
            s.audiences.groups.remove(&id);
            Ok(answer(200, Value::Null))
        },
    ),
    ("GET", "/v2/bot/audienceGroup/{audienceGroupId}", |s, c| {
        let (id, audience) = audience(s, c)?;
        if id == SHARED_AUDIENCE {
            return Err(not_found());
        }
        let mut data = data(audience, s.audiences.build_time);
        data["adaccount"] = json!({"name": "SOC ad account"});
        Ok(answer(200, data))
    }),
];

fn not_found() -> Answer {
    let details = json!([{"message": "AUDIENCE_GROUP_NOT_FOUND", "property": ""}]);
    answer(
        400,
        json!({"message": "audience group not found", "details": details}),
    )
}

/// The audience the path names (LINE's 400 "audience group not found").
fn audience<'a>(state: &'a State, call: &Call) -> Result<(i64, &'a Audience), Answer> {
    let id: i64 = call
        .param("audienceGroupId")
        .parse()
        .map_err(|_| not_found())?;
    let audience = state.audiences.groups.get(&id).ok_or_else(not_found)?;
    Ok((id, audience))
}

/// LINE's `GetAudienceDataResponse`: `IN_PROGRESS` until built, then
/// `READY` (or `FAILED` for an upload with no users).
fn data(audience: &Audience, build_time: Duration) -> Value {
    let mut group = audience.group.clone();
    let built = audience.created.elapsed() >= build_time;
    let upload = group["type"] == "UPLOAD";
    let (status, failed) = match built {
        false => ("IN_PROGRESS", None),
        true if upload && audience.ids.is_empty() => {
            ("FAILED", Some("AUDIENCE_GROUP_AUDIENCE_INSUFFICIENT"))
        }
        true => ("READY", None),
    };
    group["status"] = json!(status);
    group["audienceCount"] = json!(if built { audience.ids.len() } else { 0 });
    if let Some(failed) = failed {
        group["failedType"] = json!(failed);
    }
    json!({"audienceGroup": group, "jobs": audience.jobs})
}

/// Checks `description`: 1 to 120 characters.
fn description(body: &Value) -> Result<String, Answer> {
    let name = body["description"].as_str().unwrap_or_default();
    match (1..=120).contains(&name.chars().count()) {
        true => Ok(name.to_owned()),
        false => Err(error(400, "description: Length must be between 1 and 120")),
    }
}

/// Checks ids: user ids, or IFAs (UUIDs) for an IFA audience.
fn checked_ids(ids: Vec<String>, ifa: bool) -> Result<Vec<String>, Answer> {
    let ok = |id: &String| match ifa {
        true => uuid::Uuid::try_parse(id).is_ok(),
        false => line_rules::is_id(id, &['U']),
    };
    match ids.iter().position(|id| !ok(id)) {
        Some(i) => Err(error(400, &format!("audiences[{i}]: invalid id"))),
        None => Ok(ids),
    }
}

/// The ids of a JSON upload: at most 10,000.
fn json_ids(body: &Value) -> Result<Vec<String>, Answer> {
    let audiences = body["audiences"].as_array().cloned().unwrap_or_default();
    if audiences.len() > 10_000 {
        return Err(error(400, "audiences: Size must be between 0 and 10000"));
    }
    let ids = audiences
        .iter()
        .map(|a| a["id"].as_str().unwrap_or_default().to_owned());
    checked_ids(ids.collect(), body["isIfaAudience"] == true)
}

/// A by-file upload's fields and ids: `multipart/form-data` with a `file`
/// part of ids, one a line (LINE's 415 or 400 otherwise).
fn form(call: &Call) -> Result<(Value, Vec<String>), Answer> {
    let content_type = call.req.header("content-type").unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        error(
            415,
            "Content-Type must be multipart/form-data with a boundary",
        )
    })?;
    let body = bytes::Bytes::from(call.req.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed = |e: multer::Error| {
        error(
            400,
            &format!("The request body is not a valid multipart form: {e}"),
        )
    };
    let (mut fields, mut file) = (Map::new(), None);
    futures_executor::block_on(async {
        while let Some(field) = multipart.next_field().await.map_err(malformed)? {
            let name = field.name().unwrap_or_default().to_owned();
            let text = field.text().await.map_err(malformed)?;
            match name.as_str() {
                "file" => file = Some(text),
                "isIfaAudience" => drop(fields.insert(name, json!(text == "true"))),
                "audienceGroupId" => {
                    let id: i64 = text.parse().map_err(|_| not_found())?;
                    fields.insert(name, json!(id));
                }
                _ => drop(fields.insert(name, json!(text))),
            }
        }
        Ok::<_, Answer>(())
    })?;
    let file = file.ok_or_else(|| error(400, "file: May not be null"))?;
    let ids: Vec<String> = file
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if !(1..=1_500_000).contains(&ids.len()) {
        return Err(error(400, "file: must hold 1 to 1500000 ids"));
    }
    let fields = Value::Object(fields);
    let ids = checked_ids(ids, fields["isIfaAudience"] == true)?;
    Ok((fields, ids))
}

/// Checks a click or impression audience's body.
fn message_based(body: &Value) -> Result<(), Answer> {
    description(body)?;
    if body["requestId"].as_str().is_none_or(str::is_empty) {
        return Err(error(400, "requestId: May not be empty"));
    }
    let url = body
        .get("clickUrl")
        .and_then(Value::as_str)
        .unwrap_or("https://");
    if url.chars().count() > 2000 || !url.starts_with("http") {
        return Err(error(400, "clickUrl: invalid URL"));
    }
    Ok(())
}

/// A new audience: 202 with LINE's answer for its kind.
fn create(state: &mut State, body: &Value, kind: &str, ids: Vec<String>) -> Reply {
    description(body)?;
    let id = state.audiences.next;
    state.audiences.next += 1;
    let group = group(id, kind, body);
    let mut answered = json!({"audienceGroupId": id, "type": kind, "description": group["description"], "created": group["created"]});
    if kind != "IMP" {
        for key in ["createRoute", "permission", "isIfaAudience"] {
            answered[key] = group[key].clone();
        }
        answered["expireTimestamp"] = json!(now() + 180 * 86_400);
    }
    if kind == "CLICK" {
        answered["requestId"] = body["requestId"].clone();
        if let Some(url) = body.get("clickUrl") {
            answered["clickUrl"] = url.clone();
        }
    }
    if kind == "IMP" {
        answered["requestId"] = body["requestId"].clone();
    }
    let jobs = job(id, body, ids.len())
        .into_iter()
        .filter(|_| kind == "UPLOAD")
        .collect();
    let audience = Audience {
        group,
        jobs,
        ids,
        created: Instant::now(),
    };
    state.audiences.groups.insert(id, audience);
    Ok(answer(202, answered))
}

/// An upload job's record.
fn job(id: i64, body: &Value, count: usize) -> Option<Value> {
    Some(json!({
        "audienceGroupJobId": id * 10 + 1, "audienceGroupId": id,
        "description": body["uploadDescription"].as_str().unwrap_or(""),
        "type": "DIFF_ADD", "jobStatus": "FINISHED", "audienceCount": count, "created": now(),
    }))
}

/// More users for an upload audience: 202.
fn add(state: &mut State, body: &Value, ids: Vec<String>) -> Reply {
    let id = body["audienceGroupId"].as_i64().ok_or_else(not_found)?;
    let audience = state.audiences.groups.get_mut(&id).ok_or_else(not_found)?;
    if audience.group["type"] != "UPLOAD" {
        return Err(error(400, "audience group type is not UPLOAD"));
    }
    let mut job = job(id, body, ids.len()).unwrap_or_default();
    job["audienceGroupJobId"] = json!(id * 10 + 1 + audience.jobs.len() as i64);
    audience.jobs.push(job);
    for user in ids {
        if !audience.ids.contains(&user) {
            audience.ids.push(user);
        }
    }
    Ok(answer(202, Value::Null))
}

/// A page of the account's (or the shared) audiences: `page` from 1,
/// `size` 1 to 40 (default 20), filtered by `description` and `status`.
fn list(state: &mut State, call: &Call, shared: bool) -> Reply {
    let number =
        |key: &str, default: i64| call.query(key).map_or(Ok(default), |v| v.parse::<i64>());
    let (page, size) = match (number("page", 0), number("size", 20)) {
        (Ok(page), Ok(size)) if page >= 1 && (1..=40).contains(&size) => (page, size),
        _ => {
            return Err(error(
                400,
                "The value for the 'page' or 'size' parameter is invalid",
            ));
        }
    };
    let name = call.query("description").unwrap_or_default();
    let status = call.query("status");
    let build_time = state.audiences.build_time;
    let all: Vec<Value> = state
        .audiences
        .groups
        .iter()
        .filter(|(id, _)| (**id == SHARED_AUDIENCE) == shared)
        .map(|(_, a)| data(a, build_time)["audienceGroup"].clone())
        .filter(|g| {
            g["description"]
                .as_str()
                .unwrap_or_default()
                .contains(&name)
        })
        .filter(|g| status.as_deref().is_none_or(|s| g["status"] == s))
        .collect();
    let start = ((page - 1) * size) as usize;
    let groups: Vec<&Value> = all.iter().skip(start).take(size as usize).collect();
    Ok(answer(
        200,
        json!({
            "audienceGroups": groups, "hasNextPage": start + (size as usize) < all.len(),
            "totalCount": all.len(), "readWriteAudienceGroupTotalCount": all.len(),
            "page": page, "size": size,
        }),
    ))
}
