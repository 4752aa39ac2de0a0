//! The insight area: the friends' demographics, deliveries and followers
//! on a day (counted from what the simulator delivered), a sent message's
//! and a unit's statistics, and a rich menu's impressions and taps per
//! area over days, with LINE's 400s for bad days and 404 for an unknown
//! menu.

use super::answer::{Answer, Reply, answer, error};
use super::routes::{Call, Route};
use super::state::State;
use crate::line_rules;
use crate::seed::FRIENDS;
use serde_json::{Value, json};

/// The area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("GET", "/v2/bot/insight/demographic", |_, _| {
        let tile = |key: &str, value: &str, share: f64| json!({key: value, "percentage": share});
        Ok(answer(
            200,
            json!({
                "available": true,
                "genders": [tile("gender", "male", 52.5), tile("gender", "female", 45.0), tile("gender", "unknown", 2.5)],
                "ages": [tile("age", "from20to24", 20.0), tile("age", "from30to34", 80.0)],
                "areas": [tile("area", "Tokyo", 100.0)],
                "appTypes": [tile("appType", "ios", 62.0), tile("appType", "android", 38.0)],
                "subscriptionPeriods": [tile("subscriptionPeriod", "over365days", 100.0)],
            }),
        ))
    }),
    ("GET", "/v2/bot/insight/message/delivery", |s, c| {
        day(c, "date")?;
        let count = |kind: &str| -> usize {
            s.messages
                .deliveries
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| d.to.len())
                .sum()
        };
        Ok(answer(
            200,
            json!({
                "status": "ready", "broadcast": 0, "targeting": 0, "autoResponse": 0,
                "welcomeResponse": 0, "chat": 0, "apiBroadcast": count("broadcast"),
                "apiPush": count("push"), "apiMulticast": count("multicast"),
                "apiNarrowcast": count("narrowcast"), "apiReply": count("reply"),
            }),
        ))
    }),
    ("GET", "/v2/bot/insight/followers", |_, c| {
        if c.query("date").is_some() {
            day(c, "date")?;
        }
        Ok(answer(
            200,
            json!({"status": "ready", "followers": FRIENDS.len(), "targetedReaches": FRIENDS.len(), "blocks": 1}),
        ))
    }),
    ("GET", "/v2/bot/insight/message/event", |s, c| {
        let id = c.query("requestId").filter(|id| !id.is_empty());
        let id =
            id.ok_or_else(|| error(400, "The value for the 'requestId' parameter is invalid"))?;
        let delivered: usize = s
            .messages
            .deliveries
            .iter()
            .filter(|d| d.request_id == id)
            .map(|d| d.to.len())
            .sum();
        Ok(answer(
            200,
            json!({
                "overview": {"requestId": id, "timestamp": 1_795_305_600, "delivered": delivered,
                    "uniqueImpression": delivered, "uniqueClick": 0, "uniqueMediaPlayed": 0, "uniqueMediaPlayed100Percent": 0},
                "messages": [{"seq": 1, "impression": delivered, "mediaPlayed": 0, "uniqueMediaPlayed": 0}],
                "clicks": [],
            }),
        ))
    }),
    (
        "GET",
        "/v2/bot/insight/message/event/aggregation",
        |_, c| {
            let unit = c.query("customAggregationUnit").unwrap_or_default();
            let unit_ok = (1..=30).contains(&unit.len())
                && unit.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !unit_ok {
                return Err(error(
                    400,
                    "The value for the 'customAggregationUnit' parameter is invalid",
                ));
            }
            days(c)?;
            Ok(answer(
                200,
                json!({
                    "overview": {"uniqueImpression": 3, "uniqueClick": 1, "uniqueMediaPlayed": 0, "uniqueMediaPlayed100Percent": 0},
                    "messages": [{"seq": 1, "impression": 3, "uniqueImpression": 3}],
                    "clicks": [{"seq": 1, "url": "https://soc.example.com/report", "click": 1, "uniqueClick": 1, "uniqueClickOfRequest": 1}],
                }),
            ))
        },
    ),
    (
        "GET",
        "/v2/bot/insight/richmenu/{richMenuId}/summary",
        |s, c| rich_menu(s, c, false),
    ),
    (
        "GET",
        "/v2/bot/insight/richmenu/{richMenuId}/daily",
        |s, c| rich_menu(s, c, true),
    ),
];

/// The query parameter `key`, a real day (LINE's 400 otherwise).
fn day(call: &Call, key: &str) -> Result<String, Answer> {
    let day = call.query(key).unwrap_or_default();
    match line_rules::is_date(&day) {
        true => Ok(day),
        false => Err(error(
            400,
            &format!("The value for the '{key}' parameter is invalid"),
        )),
    }
}

/// `from` and `to`, days with `from` not after `to`.
fn days(call: &Call) -> Result<(String, String), Answer> {
    let (from, to) = (day(call, "from")?, day(call, "to")?);
    match from <= to {
        true => Ok((from, to)),
        false => Err(error(400, "'from' must not be after 'to'")),
    }
}

/// A rich menu's figures from `from` to `to`: per area (the menu's own
/// bounds), in sum or one a day.
fn rich_menu(state: &mut State, call: &Call, daily: bool) -> Reply {
    let (from, to) = days(call)?;
    let id = call.param("richMenuId");
    let areas = state
        .rich_menus
        .areas(id)
        .ok_or_else(|| error(404, "Not found"))?;
    let format = time::macros::format_description!("[year][month][day]");
    let parse = |d: &str| time::Date::parse(d, &format).expect("checked");
    let (first, last) = (parse(&from), parse(&to));
    let metrics = |count: i64| -> Value {
        if !daily {
            return json!({"count": count, "uniqueUsers": count});
        }
        let mut list = Vec::new();
        let mut date = first;
        loop {
            let day = format!(
                "{:04}{:02}{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            );
            list.push(json!({"date": day, "count": count, "uniqueUsers": count}));
            match date.next_day() {
                Some(next) if date < last && list.len() < 400 => date = next,
                _ => break,
            }
        }
        Value::Array(list)
    };
    let clicks: Vec<Value> = areas
        .iter()
        .map(|area| json!({"bounds": area["bounds"], "metrics": metrics(2)}))
        .collect();
    Ok(answer(
        200,
        json!({
            "richMenuId": id, "metricsFrom": from, "metricsTo": to,
            "impression": {"metrics": metrics(5)}, "clicks": clicks,
        }),
    ))
}
