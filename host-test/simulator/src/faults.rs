//! The faults the tests script or seed, and LINE's retry-key rules.

use super::answer::{Answer, answer, error};
use super::state::State;
use super::{Fault, RETRY_KEY_PATHS, Recorded};
use serde_json::json;
use std::collections::VecDeque;

/// The next fault for `path`: a scripted one, else maybe a random one.
pub(super) fn next_fault(state: &mut State, path: &str) -> Option<Fault> {
    if let Some(fault) = state.scripts.get_mut(path).and_then(VecDeque::pop_front) {
        return Some(fault);
    }
    let (plan, rng) = state.random.as_mut()?;
    if !plan.paths.iter().any(|p| p == path) || plan.faults.is_empty() || rng.f64() >= plan.rate {
        return None;
    }
    Some(plan.faults[rng.usize(..plan.faults.len())].clone())
}

/// The answer of a fault that refuses the request, if it is one.
pub(super) fn refuse(fault: &Fault, req: &Recorded) -> Option<Answer> {
    Some(match fault {
        Fault::Status(status) => error(*status, "An internal error occurred"),
        Fault::RateLimit => error(
            429,
            "The API rate limit has been exceeded. Try again later.",
        ),
        Fault::MonthlyLimit => error(429, "You have reached your monthly limit."),
        Fault::Answer(status, body) => answer(*status, body.clone()),
        Fault::EchoAuthorization(status) => {
            let auth = req.header("authorization").unwrap_or_default();
            answer(
                *status,
                json!({"message": format!("Rejected: {auth}"), "details": [{"message": auth, "property": auth}]}),
            )
        }
        Fault::EchoBody(status) => {
            let body = String::from_utf8_lossy(&req.body);
            answer(
                *status,
                json!({"error": "invalid_request", "error_description": format!("Rejected: {body}")}),
            )
        }
        Fault::Pass | Fault::CloseAfterAccept | Fault::Delay(_) => return None,
    })
}

/// LINE's retry-key rules: only the four send endpoints take the header, it
/// must be a UUID, and a key LINE accepted before gets 409 with
/// `x-line-accepted-request-id` (and nothing is delivered again).
pub(super) fn check_retry_key(state: &State, req: &Recorded) -> std::result::Result<(), Answer> {
    let Some(key) = req.header("x-line-retry-key") else {
        return Ok(());
    };
    if !RETRY_KEY_PATHS.contains(&req.path.as_str()) {
        return Err(error(
            400,
            "The X-Line-Retry-Key header is not supported for this endpoint",
        ));
    }
    if uuid::Uuid::try_parse(key).is_err() || key.len() != 36 {
        return Err(error(
            400,
            "The value of the X-Line-Retry-Key header is invalid",
        ));
    }
    if let Some((accepted_id, body)) = state.accepted_keys.get(key) {
        let mut conflict = json!({"message": "The retry key is already accepted"});
        if let Some(sent) = body.get("sentMessages") {
            conflict["sentMessages"] = sent.clone();
        }
        let mut refusal = answer(409, conflict);
        refusal
            .headers
            .push(("x-line-accepted-request-id", accepted_id.clone()));
        return Err(refusal);
    }
    Ok(())
}
