//! LIFF apps, kept as LINE keeps them: added (the view's `type` and an
//! https `url` checked), listed (LINE's 404 when there are none), updated
//! field by field and deleted; [`LIFF_APP`] is there from the start.

use super::answer::{Answer, answer, error};
use super::routes::Route;
use serde_json::{Value, json};

pub(crate) mod state;

/// The area's routes.
pub(super) const ROUTES: &[Route] = &[
    ("POST", "/liff/v1/apps", |s, c| {
        let body = c.body()?;
        checked_view(&body["view"], true)?;
        let id = format!("1657000000-{:08}", s.liff_apps.0.len() + 1);
        let mut app = body;
        app["liffId"] = json!(id);
        s.liff_apps.0.insert(id.clone(), app);
        Ok(answer(200, json!({"liffId": id})))
    }),
    ("GET", "/liff/v1/apps", |s, _| {
        if s.liff_apps.0.is_empty() {
            return Err(error(404, "Not found"));
        }
        let apps: Vec<&Value> = s.liff_apps.0.values().collect();
        Ok(answer(200, json!({"apps": apps})))
    }),
    ("PUT", "/liff/v1/apps/{liffId}", |s, c| {
        let body = c.body()?;
        checked_view(&body["view"], false)?;
        let app = s
            .liff_apps
            .0
            .get_mut(c.param("liffId"))
            .ok_or_else(not_found)?;
        for (key, value) in body.as_object().into_iter().flatten() {
            match (key.as_str(), value) {
                ("view", Value::Object(view)) => {
                    for (k, v) in view {
                        app["view"][k] = v.clone();
                    }
                }
                _ => app[key] = value.clone(),
            }
        }
        Ok(answer(200, Value::Null))
    }),
    ("DELETE", "/liff/v1/apps/{liffId}", |s, c| {
        s.liff_apps
            .0
            .remove(c.param("liffId"))
            .ok_or_else(not_found)?;
        Ok(answer(200, Value::Null))
    }),
];

fn not_found() -> Answer {
    error(404, "Not found")
}

/// LINE's 400 for a view without (`required`) or with a bad `type` or
/// `url`.
fn checked_view(view: &Value, required: bool) -> Result<(), Answer> {
    let kind = view["type"].as_str();
    let url = view["url"].as_str();
    let kind_ok = kind.map_or(!required, |k| matches!(k, "compact" | "tall" | "full"));
    let url_ok = url.map_or(!required, |u| u.starts_with("https://"));
    match kind_ok && url_ok {
        true => Ok(()),
        false => Err(error(
            400,
            "view: type must be compact, tall or full, and url an https URL",
        )),
    }
}
