//! Memberships and coupons: the account's plan ([`MEMBERSHIP`]), which the
//! first friend subscribes to, its users paged by `next`; coupons created,
//! listed by `next`, read and closed (LINE's 410 for a closed one).

use super::answer::{Answer, Reply, answer, error};
use super::routes::{Call, Route};
use super::state::State;
use crate::line_rules;
use crate::seed::{FRIENDS, MEMBERSHIP};
use serde_json::{Value, json};

pub(crate) mod state;
use state::kept;

/// The area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("GET", "/v2/bot/membership/list", |_, _| {
        Ok(answer(200, json!({"memberships": [plan(true)]})))
    }),
    ("GET", "/v2/bot/membership/subscription/{userId}", |_, c| {
        let user = c.param("userId");
        if !line_rules::is_id(user, &['U']) {
            return Err(error(
                400,
                "The value for the 'userId' parameter is invalid",
            ));
        }
        if user != FRIENDS[0] {
            return Err(error(404, "Not found"));
        }
        let subscriber = json!({"membershipNo": 1, "joinedTime": 1_767_225_600, "nextBillingDate": "2026-12-01", "totalSubscriptionMonths": 11});
        Ok(answer(
            200,
            json!({"subscriptions": [{"membership": plan(false), "user": subscriber}]}),
        ))
    }),
    (
        "GET",
        "/v2/bot/membership/{membershipId}/users/ids",
        members,
    ),
    ("POST", "/v2/bot/coupon", create_coupon),
    ("GET", "/v2/bot/coupon", list_coupons),
    ("GET", "/v2/bot/coupon/{couponId}", |s, c| {
        Ok(answer(200, coupon(s, c)?.clone()))
    }),
    ("PUT", "/v2/bot/coupon/{couponId}/close", |s, c| {
        let id = c.param("couponId").to_owned();
        let coupon = s
            .coupons
            .0
            .get_mut(&id)
            .ok_or_else(|| error(404, "Not found"))?;
        if coupon["status"] == "CLOSED" {
            return Err(error(410, "The coupon is already closed"));
        }
        coupon["status"] = json!("CLOSED");
        Ok(answer(200, Value::Null))
    }),
];

/// The plan, as the list (`full`) or a subscription gives it.
fn plan(full: bool) -> Value {
    let mut plan = json!({"membershipId": MEMBERSHIP, "title": "SOC premium alerts",
        "description": "Alerts first", "benefits": ["Priority alerts"], "price": 500.0, "currency": "JPY"});
    if full {
        for (key, value) in [
            ("memberCount", json!(FRIENDS.len())),
            ("memberLimit", json!(1000)),
            ("isInAppPurchase", json!(false)),
            ("isPublished", json!(true)),
        ] {
            plan[key] = value;
        }
    }
    plan
}

/// The plan's users: [`FRIENDS`] and more, `limit` (1 to 1,000, default
/// 300) a page, from `start`.
fn members(_: &mut State, call: &Call) -> Reply {
    if call.param("membershipId") != MEMBERSHIP.to_string() {
        return Err(error(404, "Not found"));
    }
    let limit = call.query("limit").map_or(Ok(300), |l| l.parse::<usize>());
    let limit = limit.ok().filter(|l| (1..=1000).contains(l));
    let limit =
        limit.ok_or_else(|| error(400, "The value for the 'limit' parameter is invalid"))?;
    let users: Vec<String> = FRIENDS
        .iter()
        .map(|f| f.to_string())
        .chain((4..=5).map(|i| format!("U{i:032x}")))
        .collect();
    page(call, limit, &users, "userIds")
}

/// One page of `items` from `start` (`page-N`), `next` if more follow.
fn page(call: &Call, limit: usize, items: &[impl serde::Serialize], key: &str) -> Reply {
    let start = call
        .query("start")
        .map_or(Some(0), |s| s.strip_prefix("page-")?.parse().ok());
    let start =
        start.ok_or_else(|| error(400, "The value for the 'start' parameter is invalid"))?;
    let end = (start + limit).min(items.len());
    let mut body = json!({key: items.get(start..end).unwrap_or_default()});
    if end < items.len() {
        body["next"] = json!(format!("page-{end}"));
    }
    Ok(answer(200, body))
}

/// The coupon the path names.
fn coupon<'a>(state: &'a State, call: &Call) -> Result<&'a Value, Answer> {
    state
        .coupons
        .0
        .get(call.param("couponId"))
        .ok_or_else(|| error(404, "Not found"))
}

fn create_coupon(state: &mut State, call: &Call) -> Reply {
    let body = call.body()?;
    let mut problems = line_rules::Problems::default();
    let title = body["title"].as_str().unwrap_or_default().chars().count();
    problems.check(
        (1..=60).contains(&title),
        "title",
        "Length must be between 1 and 60",
    );
    let (start, end) = (
        body["startTimestamp"].as_i64(),
        body["endTimestamp"].as_i64(),
    );
    problems.check(
        matches!((start, end), (Some(s), Some(e)) if s < e),
        "endTimestamp",
        "must be after startTimestamp",
    );
    problems.check(
        body["maxUseCountPerTicket"] == 1,
        "maxUseCountPerTicket",
        "must be 1",
    );
    for key in ["visibility", "timezone"] {
        problems.check(body[key].is_string(), key, "May not be null");
    }
    let acquisition = body["acquisitionCondition"]["type"].as_str();
    problems.check(
        matches!(acquisition, Some("normal" | "lottery")),
        "acquisitionCondition.type",
        "invalid type",
    );
    super::answer::settle(problems)?;
    let id = format!("COUPON-{:020}", state.coupons.0.len() + 1);
    state.coupons.0.insert(id.clone(), kept(&id, &body));
    Ok(answer(200, json!({"couponId": id})))
}

fn list_coupons(state: &mut State, call: &Call) -> Reply {
    let limit = call.query("limit").map_or(Ok(20), |l| l.parse::<usize>());
    let limit = limit.ok().filter(|l| (1..=100).contains(l));
    let limit =
        limit.ok_or_else(|| error(400, "The value for the 'limit' parameter is invalid"))?;
    let wanted: Vec<String> =
        form_urlencoded::parse(call.req.query.as_deref().unwrap_or_default().as_bytes())
            .filter(|(k, _)| k == "status")
            .map(|(_, v)| v.into_owned())
            .collect();
    let items: Vec<Value> = state
        .coupons
        .0
        .values()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|w| c["status"] == w.as_str()))
        .map(|c| json!({"couponId": c["couponId"], "title": c["title"]}))
        .collect();
    page(call, limit, &items, "items")
}
