//! The faults the tests script or seed, and LINE's retry-key rules.

use crate::answer::{Answer, answer, error};
use crate::recorded::Recorded;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// A failure the simulator can act out on one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// No fault: answer as usual (to script a fault for a later request).
    Pass,
    /// Answer this status (500, 502, 503) with LINE's error body; nothing is done.
    Status(u16),
    /// LINE's rate-limit 429; nothing is done.
    RateLimit,
    /// LINE's monthly-limit 429; nothing is done.
    MonthlyLimit,
    /// Do the request (deliver), then close the connection without an
    /// answer: the client cannot know it was accepted.
    CloseAfterAccept,
    /// Do the request, then answer only after this delay.
    Delay(Duration),
    /// Answer this status and body; nothing is done.
    Answer(u16, Value),
    /// Answer this status with the request's `Authorization` header in the
    /// message (a server that echoes secrets); nothing is done.
    EchoAuthorization(u16),
    /// Answer this status with the request's body in the message (a token
    /// endpoint that echoes the form: the secret, the JWT); nothing is done.
    EchoBody(u16),
}

/// Seeded random faults: each request to one of `paths` gets one of
/// `faults` (uniformly) with probability `rate`. Deterministic for a seed
/// and an order of requests.
#[derive(Clone, Debug)]
pub struct RandomFaults {
    /// The seed.
    pub seed: u64,
    /// The chance that a request gets a fault, 0 to 1.
    pub rate: f64,
    /// The faults to choose from.
    pub faults: Vec<Fault>,
    /// The paths they apply to.
    pub paths: Vec<String>,
}

/// The endpoints that take `X-Line-Retry-Key`.
pub const RETRY_KEY_PATHS: [&str; 4] = [
    "/v2/bot/message/push",
    "/v2/bot/message/multicast",
    "/v2/bot/message/broadcast",
    "/v2/bot/message/narrowcast",
];

/// The faults scripted or seeded for the requests to come, those acted
/// out, and the retry keys LINE accepted.
#[derive(Default)]
pub(crate) struct Faults {
    /// Each path's scripted faults, in order.
    pub(crate) scripts: HashMap<String, VecDeque<Fault>>,
    /// Seeded random faults, with their generator.
    pub(crate) random: Option<(RandomFaults, fastrand::Rng)>,
    /// The faults acted out, with their paths.
    pub(crate) acted: Vec<(String, Fault)>,
    /// Each accepted retry key's request id and answer.
    pub(crate) accepted_keys: HashMap<String, (String, Value)>,
}

/// The next fault for `path`: a scripted one, else maybe a random one.
pub(super) fn next_fault(faults: &mut Faults, path: &str) -> Option<Fault> {
    if let Some(fault) = faults.scripts.get_mut(path).and_then(VecDeque::pop_front) {
        return Some(fault);
    }
    let (plan, rng) = faults.random.as_mut()?;
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
pub(super) fn check_retry_key(faults: &Faults, req: &Recorded) -> std::result::Result<(), Answer> {
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
    if let Some((accepted_id, body)) = faults.accepted_keys.get(key) {
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
