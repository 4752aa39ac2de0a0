//! Modules and the shop: the accounts a module channel is attached to
//! (paged by `next`, detached one by one), chat control taken and given
//! back (`ttl` at most a year), and mission stickers given to users.

use super::answer::{answer, error, settle};
use super::routes::{Call, Route};
use crate::line_rules::{self, Problems};
use serde_json::{Value, json};

pub(crate) mod state;

/// The area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("POST", "/v2/bot/channel/detach", |s, c| {
        let body = c.body()?;
        let bot = body["botId"].as_str().unwrap_or_default();
        let before = s.modules.bots.len();
        s.modules.bots.retain(|b| b["userId"] != bot);
        match s.modules.bots.len() < before {
            true => Ok(answer(200, Value::Null)),
            false => Err(error(400, "The module is not attached to the bot")),
        }
    }),
    ("POST", "/v2/bot/chat/{chatId}/control/acquire", |s, c| {
        chat(c)?;
        let body = c.body()?;
        let ttl_ok = body
            .get("ttl")
            .is_none_or(|t| t.as_u64().is_some_and(|t| t <= 31_536_000));
        if !ttl_ok {
            return Err(error(400, "ttl: must be at most 31536000"));
        }
        s.modules.controlled.push(c.param("chatId").to_owned());
        Ok(answer(200, Value::Null))
    }),
    ("POST", "/v2/bot/chat/{chatId}/control/release", |s, c| {
        chat(c)?;
        s.modules
            .controlled
            .retain(|chat| chat != c.param("chatId"));
        Ok(answer(200, Value::Null))
    }),
    ("GET", "/v2/bot/list", |s, c| {
        let limit = c.query("limit").map_or(Ok(100), |l| l.parse::<usize>());
        let limit = limit.ok().filter(|l| (1..=100).contains(l));
        let limit =
            limit.ok_or_else(|| error(400, "The value for the 'limit' parameter is invalid"))?;
        let start = c
            .query("start")
            .map_or(Some(0), |s| s.strip_prefix("page-")?.parse().ok());
        let start =
            start.ok_or_else(|| error(400, "The value for the 'start' parameter is invalid"))?;
        let bots = &s.modules.bots;
        let end = (start + limit).min(bots.len());
        let mut body = json!({"bots": bots.get(start..end).unwrap_or_default()});
        if end < bots.len() {
            body["next"] = json!(format!("page-{end}"));
        }
        Ok(answer(200, body))
    }),
    ("POST", "/shop/v3/mission", |_, c| {
        let body = c.body()?;
        let mut problems = Problems::default();
        line_rules::user_id(&body, "to", &mut problems);
        let text = |key: &str| body[key].as_str().is_some_and(|t| !t.is_empty());
        problems.check(text("productId"), "productId", "May not be empty");
        problems.check(
            body["productType"] == "STICKER",
            "productType",
            "Must be STICKER",
        );
        problems.check(
            body["sendPresentMessage"].is_boolean(),
            "sendPresentMessage",
            "May not be null",
        );
        settle(problems)?;
        Ok(answer(200, Value::Null))
    }),
];

/// LINE's 400 for a chat id that is not a user, group or room id.
fn chat(call: &Call) -> Result<(), super::answer::Answer> {
    match line_rules::is_id(call.param("chatId"), &['U', 'C', 'R']) {
        true => Ok(()),
        false => Err(error(
            400,
            "The value for the 'chatId' parameter is invalid",
        )),
    }
}
