//! The LINE platform simulator: a real HTTP server on loopback that answers
//! the connector's endpoints and both token endpoints the way LINE does
//! (bearer tokens, expiring issued tokens, LINE-style 400 details, 202s,
//! `x-line-request-id` on every answer), and records every request it gets.

#![allow(clippy::result_large_err)] // an answer is built once per request; boxing buys nothing here

mod answer;
mod audience;
pub mod chats;
mod faults;
mod insight;
mod liff;
pub mod line_rules;
mod membership;
mod messaging;
mod module;
mod recorded;
pub use messaging::phone_hash;
pub mod rich_menu;
mod routes;
mod seed;
mod state;
mod tokens;
mod users;
pub mod webhooks;

use answer::Reply;
use anyhow::{Context, Result};
use bytes::Bytes;
use faults::{check_retry_key, next_fault, refuse};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use state::State;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokens::authorize;
pub use tokens::{ASSERTION_KEY_ID, ATTACH_CODE, ATTACHED_BOT, assertion_private_jwk, private_jwk};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use faults::{Fault, RETRY_KEY_PATHS, RandomFaults};
pub use recorded::{Delivery, Recorded};
pub use seed::*;

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

    /// Has webhooks for the set endpoint (LINE's test event, from
    /// `testWebhookEndpoint`) really go to `url`, a loopback stand-in for
    /// the https endpoint.
    pub fn deliver_webhooks_to(&self, url: &str) {
        self.state.lock().unwrap().chats.webhook_delivery = Some(url.to_owned());
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Every delivery made so far, in order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.lock().unwrap().messages.deliveries.clone()
    }

    /// Acts out `faults` on the next requests to `path`, one per request
    /// (after authentication and the retry-key check), before any random fault.
    pub fn script(&self, path: &str, faults: impl IntoIterator<Item = Fault>) {
        let mut state = self.state.lock().unwrap();
        state
            .faults
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
        self.state.lock().unwrap().faults.random = Some((plan, rng));
    }

    /// Every fault acted out so far, with its path.
    pub fn faults_acted(&self) -> Vec<(String, Fault)> {
        self.state.lock().unwrap().faults.acted.clone()
    }

    /// Makes narrowcasts accepted from now on take `time` to end: phase
    /// `waiting` for the first half, `sending` for the second (default: they
    /// end at once).
    pub fn set_narrowcast_time(&self, time: Duration) {
        self.state.lock().unwrap().messages.narrowcast_time = time;
    }

    /// Makes rich-menu batch changes take `time` to end: phase `ongoing`
    /// until then (default: they end at once).
    pub fn set_rich_menu_batch_time(&self, time: Duration) {
        self.state.lock().unwrap().rich_menus.batch_time = time;
    }

    /// Makes audiences created from now on take `time` to be built:
    /// `IN_PROGRESS` until then (default: built at once).
    pub fn set_audience_build_time(&self, time: Duration) {
        self.state.lock().unwrap().audiences.build_time = time;
    }

    /// Makes tokens issued from now on expire after `lifetime`.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state.lock().unwrap().tokens.lifetime = Some(lifetime);
    }

    /// Registers `key` as the channel's public key for JWT assertions under
    /// `key_id`, as LINE's console does (one is registered from the start:
    /// [`ASSERTION_KEY_ID`]).
    pub fn register_assertion_key(&self, key_id: &str, key: rsa::PublicKey) {
        self.state.lock().unwrap().tokens.register(key_id, key);
    }
}

/// Every area's routes.
const AREAS: &[&[routes::Route]] = &[
    messaging::ROUTES,
    chats::ROUTES,
    rich_menu::ROUTES,
    audience::ROUTES,
    insight::ROUTES,
    membership::ROUTES,
    liff::ROUTES,
    module::ROUTES,
    tokens::ROUTES,
];

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
    let mut recorded = Recorded::of(&parts, body, connection);
    let mut answer = {
        let mut state = state.lock().unwrap();
        let answer = route(&mut state, &recorded, &recorded.request_id).unwrap_or_else(|e| e);
        recorded.status = answer.status;
        recorded.answer = answer.body.clone();
        state.requests.push(recorded.clone());
        answer
    };
    if let Some(url) = answer.webhook_test.take() {
        test_webhook(&url, &mut answer.body).await;
    }
    if let Some(delay) = answer.delay {
        tokio::time::sleep(delay).await;
    }
    if answer.close {
        return Err("fault: closing the connection without an answer".into());
    }
    Ok(response(answer, &recorded.request_id))
}

/// `testWebhookEndpoint`'s answer: an empty signed batch posted to `url`,
/// and what the bot answered.
async fn test_webhook(url: &str, body: &mut Value) {
    let status = webhooks::post_batch(url, &[]).await.unwrap_or(0);
    let ok = status == 200;
    body["success"] = ok.into();
    body["statusCode"] = status.into();
    body["reason"] = (if ok { "OK" } else { "ERROR_STATUS_CODE" }).into();
    body["detail"] = status.to_string().into();
}

/// An answer as an HTTP response, with LINE's request id.
fn response(answer: answer::Answer, request_id: &str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::builder()
        .status(answer.status)
        .header("x-line-request-id", request_id);
    let body = if let Some((media_type, bytes)) = answer.bytes {
        response = response.header("content-type", media_type);
        bytes
    } else if answer.body.is_null() {
        Vec::new()
    } else {
        response = response.header("content-type", "application/json");
        answer.body.to_string().into_bytes()
    };
    for (name, value) in answer.headers {
        response = response.header(name, value);
    }
    response
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

fn route(state: &mut State, req: &Recorded, request_id: &str) -> Reply {
    if !tokens::OAUTH_PATHS.contains(&req.path.as_str()) {
        authorize(&state.tokens, req)?;
        check_retry_key(&state.faults, req)?;
    }
    let fault = next_fault(&mut state.faults, &req.path).filter(|f| *f != Fault::Pass);
    if let Some(fault) = &fault {
        state.faults.acted.push((req.path.clone(), fault.clone()));
        if let Some(refusal) = refuse(fault, req) {
            return Err(refusal);
        }
    }
    let mut done = routes::dispatch(AREAS, state, req, request_id);
    if let (Ok(ok), Some(key)) = (&done, req.header("x-line-retry-key")) {
        state
            .faults
            .accepted_keys
            .insert(key.to_owned(), (request_id.to_owned(), ok.body.clone()));
        if let Some(delivery) = state
            .messages
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

impl Simulator {
    /// POSTs `events` to `url` as LINE does: a batch signed with the
    /// channel secret ([`CLIENT_SECRET`]); returns the status it answered.
    pub async fn send_webhook(&self, url: &str, events: &[Value]) -> Result<u16> {
        webhooks::post_batch(url, events).await
    }

    /// The event of `user` tapping option `option` of the last message
    /// pushed to `chat` (event id `id`), as LINE would post it; `None`
    /// when nothing with options was pushed there.
    pub fn tap_event(&self, id: &str, chat: &str, user: &str, option: usize) -> Option<Value> {
        let pushed = self
            .deliveries()
            .into_iter()
            .rev()
            .find(|d| d.kind == "push" && d.to.iter().any(|to| to == chat))?;
        let data = webhooks::option_data(&pushed.messages, option)?;
        Some(webhooks::postback_event(id, chat, user, &data))
    }

    /// Plays `user` tapping option `option` of the last question pushed to
    /// `chat`: LINE's signed postback event posted to `url`; the status.
    pub async fn tap(
        &self,
        url: &str,
        id: &str,
        chat: &str,
        user: &str,
        option: usize,
    ) -> Result<u16> {
        let event = self
            .tap_event(id, chat, user, option)
            .context("nothing with options was pushed to that chat")?;
        self.send_webhook(url, &[event]).await
    }

    /// Plays `user` typing `text` in `chat`: LINE's signed message event.
    pub async fn say(
        &self,
        url: &str,
        id: &str,
        chat: &str,
        user: &str,
        text: &str,
    ) -> Result<u16> {
        self.send_webhook(url, &[webhooks::text_event(id, chat, user, text)])
            .await
    }
}
