//! The LINE platform simulator: a real HTTP server on loopback that answers
//! the connector's endpoints and both token endpoints the way LINE does
//! (bearer tokens, expiring issued tokens, LINE-style 400 details, 202s,
//! `x-line-request-id` on every answer), and records every request it gets.

use crate::line_rules::{self, Problems};
use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The channel access token the simulator accepts as given.
pub const CHANNEL_ACCESS_TOKEN: &str = "sim-channel-access-token";
/// The channel id the token endpoints accept.
pub const CLIENT_ID: &str = "1234567890";
/// The channel secret the token endpoints accept.
pub const CLIENT_SECRET: &str = "sim-channel-secret";
/// The monthly message limit the quota endpoint reports.
pub const MONTHLY_LIMIT: i64 = 10_000;
/// The users a broadcast or narrowcast reaches.
pub const FRIENDS: [&str; 3] = [
    "U00000000000000000000000000000001",
    "U00000000000000000000000000000002",
    "U00000000000000000000000000000003",
];

/// An audience LINE finds too small: a narrowcast to it ends in phase
/// `failed` (LINE's error code 1) and reaches no one.
pub const SMALL_AUDIENCE: i64 = 1_000;

/// One request as the simulator received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The headers, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The status the simulator answered with.
    pub status: u16,
    /// The JSON body the simulator answered with (`null` for none).
    pub answer: Value,
    /// The `x-line-request-id` the simulator answered with.
    pub request_id: String,
    /// Which connection it came on: 1 for the first the simulator accepted.
    pub connection: u64,
}

impl Recorded {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as form fields (token endpoints).
    pub fn form(&self) -> HashMap<String, String> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

/// A message delivery the simulator performed (a successful send).
#[derive(Clone, Debug)]
pub struct Delivery {
    /// `push`, `reply`, `multicast`, `broadcast` or `narrowcast`.
    pub kind: &'static str,
    /// The users, groups or rooms reached.
    pub to: Vec<String>,
    /// The message objects.
    pub messages: Value,
    /// The request id LINE answered with.
    pub request_id: String,
    /// The `X-Line-Retry-Key` it came with.
    pub retry_key: Option<String>,
}

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

/// A narrowcast LINE accepted.
struct Narrowcast {
    accepted: SystemTime,
    /// Ends in phase `failed` (audience too small).
    fails: bool,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    tokens: HashMap<String, Instant>,
    token_lifetime: Option<Duration>,
    used_reply_tokens: HashSet<String>,
    deliveries: Vec<Delivery>,
    narrowcasts: HashMap<String, Narrowcast>,
    narrowcast_time: Duration,
    scripts: HashMap<String, VecDeque<Fault>>,
    random: Option<(RandomFaults, fastrand::Rng)>,
    faults_acted: Vec<(String, Fault)>,
    accepted_keys: HashMap<String, (String, Value)>,
    next_message_id: u64,
}

/// An answer the simulator sends.
struct Answer {
    status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
    /// Close the connection instead of answering.
    close: bool,
    /// Wait this long before answering.
    delay: Option<Duration>,
}

fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        body,
        headers: Vec::new(),
        close: false,
        delay: None,
    }
}

/// LINE's error body: `{"message"}`.
fn error(status: u16, message: &str) -> Answer {
    answer(status, json!({"message": message}))
}

/// LINE's 400 for a body with problems: `{"message", "details": [...]}`.
fn settle(problems: Problems) -> std::result::Result<(), Answer> {
    problems.into_result().map_err(|body| answer(400, body))
}

type Reply = std::result::Result<Answer, Answer>;

/// A running simulator; stops when dropped.
pub struct Simulator {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Simulator {
    /// Starts on a free loopback port.
    pub async fn start() -> Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on `addr` (must be a loopback address).
    pub async fn start_on(addr: SocketAddr) -> Result<Self> {
        anyhow::ensure!(
            addr.ip().is_loopback(),
            "the simulator only listens on loopback, not {addr}"
        );
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let task = tokio::spawn(serve(listener, state.clone()));
        Ok(Simulator { addr, state, task })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Every delivery made so far, in order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.lock().unwrap().deliveries.clone()
    }

    /// Acts out `faults` on the next requests to `path`, one per request
    /// (after authentication and the retry-key check), before any random fault.
    pub fn script(&self, path: &str, faults: impl IntoIterator<Item = Fault>) {
        let mut state = self.state.lock().unwrap();
        state
            .scripts
            .entry(path.to_owned())
            .or_default()
            .extend(faults);
    }

    /// Answers the next request to `path` with `status` and `body`.
    pub fn inject(&self, path: &str, status: u16, body: Value) {
        self.script(path, [Fault::Answer(status, body)]);
    }

    /// Acts out seeded random faults from now on.
    pub fn set_random_faults(&self, plan: RandomFaults) {
        let rng = fastrand::Rng::with_seed(plan.seed);
        self.state.lock().unwrap().random = Some((plan, rng));
    }

    /// Every fault acted out so far, with its path.
    pub fn faults_acted(&self) -> Vec<(String, Fault)> {
        self.state.lock().unwrap().faults_acted.clone()
    }

    /// Makes narrowcasts accepted from now on take `time` to end: phase
    /// `waiting` for the first half, `sending` for the second (default: they
    /// end at once).
    pub fn set_narrowcast_time(&self, time: Duration) {
        self.state.lock().unwrap().narrowcast_time = time;
    }

    /// Makes tokens issued from now on expire after `lifetime`.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state.lock().unwrap().token_lifetime = Some(lifetime);
    }
}

async fn serve(listener: TcpListener, state: Arc<Mutex<State>>) {
    for connection in 1.. {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, connection, state.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    req: hyper::Request<Incoming>,
    connection: u64,
    state: Arc<Mutex<State>>,
) -> std::result::Result<hyper::Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes().to_vec();
    let mut recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        status: 0,
        answer: Value::Null,
        request_id: uuid::Uuid::new_v4().to_string(),
        connection,
    };
    let answer = {
        let mut state = state.lock().unwrap();
        let answer = route(&mut state, &recorded, &recorded.request_id).unwrap_or_else(|e| e);
        recorded.status = answer.status;
        recorded.answer = answer.body.clone();
        state.requests.push(recorded.clone());
        answer
    };
    if let Some(delay) = answer.delay {
        tokio::time::sleep(delay).await;
    }
    if answer.close {
        return Err("fault: closing the connection without an answer".into());
    }
    let mut response = hyper::Response::builder()
        .status(answer.status)
        .header("x-line-request-id", recorded.request_id);
    let body = if answer.body.is_null() {
        Vec::new()
    } else {
        response = response.header("content-type", "application/json");
        answer.body.to_string().into_bytes()
    };
    for (name, value) in answer.headers {
        response = response.header(name, value);
    }
    Ok(response
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response"))
}

fn route(state: &mut State, req: &Recorded, request_id: &str) -> Reply {
    let token_endpoint = matches!(
        req.path.as_str(),
        "/oauth2/v3/token" | "/v2/oauth/accessToken"
    );
    if !token_endpoint {
        authorize(state, req)?;
        check_retry_key(state, req)?;
    }
    let fault = next_fault(state, &req.path).filter(|f| *f != Fault::Pass);
    if let Some(fault) = &fault {
        state.faults_acted.push((req.path.clone(), fault.clone()));
        if let Some(refusal) = refuse(fault, req) {
            return Err(refusal);
        }
    }
    let mut done = match req.path.as_str() {
        "/oauth2/v3/token" if req.method == "POST" => issue_token(state, req, 900),
        "/v2/oauth/accessToken" if req.method == "POST" => issue_token(state, req, 2_592_000),
        path if path.starts_with("/v2/bot/") => bot(state, req, request_id),
        _ => Err(error(404, "Not found")),
    };
    if let (Ok(ok), Some(key)) = (&done, req.header("x-line-retry-key")) {
        state
            .accepted_keys
            .insert(key.to_owned(), (request_id.to_owned(), ok.body.clone()));
        if let Some(delivery) = state
            .deliveries
            .last_mut()
            .filter(|d| d.request_id == request_id)
        {
            delivery.retry_key = Some(key.to_owned());
        }
    }
    let answer = match &mut done {
        Ok(a) | Err(a) => a,
    };
    match fault {
        Some(Fault::CloseAfterAccept) => answer.close = true,
        Some(Fault::Delay(d)) => answer.delay = Some(d),
        _ => {}
    }
    done
}

/// The next fault for `path`: a scripted one, else maybe a random one.
fn next_fault(state: &mut State, path: &str) -> Option<Fault> {
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
fn refuse(fault: &Fault, req: &Recorded) -> Option<Answer> {
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
        Fault::Pass | Fault::CloseAfterAccept | Fault::Delay(_) => return None,
    })
}

/// LINE's retry-key rules: only the four send endpoints take the header, it
/// must be a UUID, and a key LINE accepted before gets 409 with
/// `x-line-accepted-request-id` (and nothing is delivered again).
fn check_retry_key(state: &State, req: &Recorded) -> std::result::Result<(), Answer> {
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

/// The token endpoints: form-encoded client credentials.
fn issue_token(state: &mut State, req: &Recorded, default_lifetime: u64) -> Reply {
    let oauth_error = |error: &str, description: &str| {
        answer(
            400,
            json!({"error": error, "error_description": description}),
        )
    };
    if req.header("content-type") != Some("application/x-www-form-urlencoded") {
        return Err(oauth_error(
            "invalid_request",
            "content-type must be application/x-www-form-urlencoded",
        ));
    }
    let form = req.form();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return Err(oauth_error(
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    let id_ok = form.get("client_id").map(String::as_str) == Some(CLIENT_ID);
    let secret_ok = form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
    if !(id_ok && secret_ok) {
        return Err(oauth_error(
            "invalid_client",
            "invalid client_id or client_secret",
        ));
    }
    let lifetime = state
        .token_lifetime
        .unwrap_or(Duration::from_secs(default_lifetime));
    let token = format!("sim-issued-{}", uuid::Uuid::new_v4().simple());
    state
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    Ok(answer(
        200,
        json!({"token_type": "Bearer", "access_token": token, "expires_in": lifetime.as_secs()}),
    ))
}

/// The bearer-token check every `/v2/bot/` endpoint makes.
fn authorize(state: &State, req: &Recorded) -> std::result::Result<(), Answer> {
    let token = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    let valid = match token {
        Some(CHANNEL_ACCESS_TOKEN) => true,
        Some(t) => state
            .tokens
            .get(t)
            .is_some_and(|expiry| Instant::now() < *expiry),
        None => false,
    };
    if valid {
        return Ok(());
    }
    Err(error(
        401,
        "Authentication failed. Confirm that the access token in the authorization header is valid.",
    ))
}

fn bot(state: &mut State, req: &Recorded, request_id: &str) -> Reply {
    let path = req.path.trim_start_matches("/v2/bot/");
    match (req.method.as_str(), path) {
        ("POST", "chat/loading/start") => loading(&json_body(req)?),
        ("POST", "message/push") => push(state, &json_body(req)?, request_id),
        ("POST", "message/reply") => reply(state, &json_body(req)?, request_id),
        ("POST", "message/multicast") => multicast(state, &json_body(req)?, request_id),
        ("POST", "message/broadcast") => {
            broadcast(state, &json_body(req)?, request_id, "broadcast")
        }
        ("POST", "message/narrowcast") => narrowcast(state, &json_body(req)?, request_id),
        ("GET", "message/progress/narrowcast") => narrowcast_progress(state, req),
        ("POST", p)
            if p.strip_prefix("message/validate/")
                .is_some_and(is_send_kind) =>
        {
            let mut problems = Problems::default();
            line_rules::messages(&json_body(req)?, &mut problems);
            settle(problems)?;
            // LINE's reference: 200 with no body.
            Ok(answer(200, Value::Null))
        }
        ("GET", "message/quota") => Ok(answer(
            200,
            json!({"type": "limited", "value": MONTHLY_LIMIT}),
        )),
        ("GET", "message/quota/consumption") => {
            let total: usize = state.deliveries.iter().map(|d| d.to.len()).sum();
            Ok(answer(200, json!({"totalUsage": total})))
        }
        ("GET", p)
            if p.strip_prefix("message/delivery/")
                .is_some_and(|k| is_send_kind(k) && k != "narrowcast") =>
        {
            let kind = p.trim_start_matches("message/delivery/");
            let date = query_param(req, "date").unwrap_or_default();
            if !line_rules::is_date(&date) {
                return Err(error(400, "The value for the 'date' parameter is invalid"));
            }
            let success: usize = state
                .deliveries
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| d.to.len())
                .sum();
            Ok(answer(200, json!({"status": "ready", "success": success})))
        }
        _ => Err(error(404, "Not found")),
    }
}

fn is_send_kind(kind: &str) -> bool {
    matches!(
        kind,
        "push" | "reply" | "multicast" | "broadcast" | "narrowcast"
    )
}

/// A POST body: `application/json`, a JSON object.
fn json_body(req: &Recorded) -> std::result::Result<Value, Answer> {
    if !req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
    {
        return Err(error(415, "Content-Type must be application/json"));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(body) if body.is_object() => Ok(body),
        _ => Err(error(400, "The request body could not be parsed as JSON")),
    }
}

fn query_param(req: &Recorded, name: &str) -> Option<String> {
    let query = req.query.as_deref()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn loading(body: &Value) -> Reply {
    let mut problems = Problems::default();
    line_rules::user_id(body, "chatId", &mut problems);
    if let Some(seconds) = body.get("loadingSeconds") {
        let ok = seconds
            .as_u64()
            .is_some_and(|s| (5..=60).contains(&s) && s % 5 == 0);
        problems.check(
            ok,
            "loadingSeconds",
            "Must be a multiple of 5 between 5 and 60",
        );
    }
    settle(problems)?;
    Ok(answer(202, json!({})))
}

fn push(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    line_rules::receiver_id(body, "to", &mut problems);
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    let to = vec![body["to"].as_str().unwrap_or_default().to_owned()];
    Ok(answer(200, deliver(state, "push", to, body, request_id)))
}

fn reply(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    let token = body
        .get("replyToken")
        .and_then(Value::as_str)
        .unwrap_or_default();
    problems.check(!token.is_empty(), "replyToken", "May not be empty");
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    if !state.used_reply_tokens.insert(token.to_owned()) {
        return Err(error(400, "Invalid reply token"));
    }
    let to = vec![format!("reply:{token}")];
    Ok(answer(200, deliver(state, "reply", to, body, request_id)))
}

fn multicast(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    let to: Vec<String> = body["to"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let count_ok = body["to"]
        .as_array()
        .is_some_and(|a| (1..=500).contains(&a.len()));
    problems.check(count_ok, "to", "Size must be between 1 and 500");
    for (i, user) in to.iter().enumerate() {
        problems.check(
            line_rules::is_id(user, &['U']),
            &format!("to[{i}]"),
            "Must be a valid user id",
        );
    }
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    deliver(state, "multicast", to, body, request_id);
    Ok(answer(200, json!({})))
}

fn broadcast(state: &mut State, body: &Value, request_id: &str, kind: &'static str) -> Reply {
    let mut problems = Problems::default();
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    let to = FRIENDS.iter().map(|f| f.to_string()).collect();
    deliver(state, kind, to, body, request_id);
    Ok(answer(200, json!({})))
}

fn narrowcast(state: &mut State, body: &Value, request_id: &str) -> Reply {
    let mut problems = Problems::default();
    for key in ["recipient", "filter", "limit"] {
        let ok = body.get(key).is_none_or(Value::is_object);
        problems.check(ok, key, "Must be an object");
    }
    line_rules::messages(body, &mut problems);
    settle(problems)?;
    let fails = body["recipient"]["audienceGroupId"].as_i64() == Some(SMALL_AUDIENCE);
    if !fails {
        broadcast(state, body, request_id, "narrowcast")?;
    }
    let accepted = SystemTime::now();
    state
        .narrowcasts
        .insert(request_id.to_owned(), Narrowcast { accepted, fails });
    Ok(answer(202, json!({})))
}

fn narrowcast_progress(state: &State, req: &Recorded) -> Reply {
    let Some(id) = query_param(req, "requestId").filter(|id| !id.is_empty()) else {
        return Err(error(
            400,
            "The value for the 'requestId' parameter is invalid",
        ));
    };
    let Some(narrowcast) = state.narrowcasts.get(&id) else {
        return Err(error(404, "Not found"));
    };
    let time = |t: SystemTime| humantime::format_rfc3339_millis(t).to_string();
    let accepted = narrowcast.accepted;
    let elapsed = accepted.elapsed().unwrap_or_default();
    let took = state.narrowcast_time;
    let count = FRIENDS.len();
    let progress = match elapsed {
        e if e < took / 2 => json!({"phase": "waiting", "acceptedTime": time(accepted)}),
        e if e < took => json!({"phase": "sending", "acceptedTime": time(accepted)}),
        _ if narrowcast.fails => json!({
            "phase": "failed",
            "failedDescription": "The target count of the narrowcast is too small",
            "errorCode": 1,
            "acceptedTime": time(accepted),
            "completedTime": time(accepted + took),
        }),
        _ => json!({
            "phase": "succeeded",
            "successCount": count,
            "failureCount": 0,
            "targetCount": count,
            "acceptedTime": time(accepted),
            "completedTime": time(accepted + took),
        }),
    };
    Ok(answer(200, progress))
}

/// Records a delivery and returns push/reply's `sentMessages` answer.
fn deliver(
    state: &mut State,
    kind: &'static str,
    to: Vec<String>,
    body: &Value,
    request_id: &str,
) -> Value {
    let messages = body["messages"].clone();
    let count = messages.as_array().map_or(0, Vec::len);
    let sent: Vec<Value> = (0..count)
        .map(|_| {
            state.next_message_id += 1;
            let id = format!("{}", 500_000_000_000_000u64 + state.next_message_id);
            json!({"id": id, "quoteToken": format!("q{id}")})
        })
        .collect();
    state.deliveries.push(Delivery {
        kind,
        to,
        messages,
        request_id: request_id.to_owned(),
        retry_key: None,
    });
    json!({"sentMessages": sent})
}
