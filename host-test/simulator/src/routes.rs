//! The route table: every area lists its routes (method, path template,
//! handler), and a request goes to the first that matches; `{name}` in a
//! template matches one path segment, which the handler reads by name.

use super::answer::{Answer, Reply, error, json_body, query_param};
use super::state::State;
use crate::recorded::Recorded;
use serde_json::Value;

/// A request on its way to a handler, with the path's parameters.
pub(super) struct Call<'a> {
    /// The request.
    pub(super) req: &'a Recorded,
    /// The request id of the answer.
    pub(super) request_id: &'a str,
    params: Vec<(&'static str, String)>,
}

impl Call<'_> {
    /// The path parameter `name` (its template names it).
    pub(super) fn param(&self, name: &str) -> &str {
        let found = self.params.iter().find(|(n, _)| *n == name);
        found.map_or("", |(_, v)| v.as_str())
    }

    /// The JSON body (LINE's 415 or 400 when it is not one).
    pub(super) fn body(&self) -> Result<Value, Answer> {
        json_body(self.req)
    }

    /// The query parameter `name`.
    pub(super) fn query(&self, name: &str) -> Option<String> {
        query_param(self.req, name)
    }
}

/// What answers a route.
pub(super) type Handler = fn(&mut State, &Call) -> Reply;

/// A route: method, path template, handler.
pub(super) type Route = (&'static str, &'static str, Handler);

/// Answers `req` by the first of `routes` that matches it; LINE's 404 when
/// none does.
pub(super) fn dispatch(
    routes: &[&[Route]],
    state: &mut State,
    req: &Recorded,
    request_id: &str,
) -> Reply {
    for &(method, template, handler) in routes.iter().copied().flatten() {
        if method != req.method {
            continue;
        }
        if let Some(params) = matches(template, &req.path) {
            let call = Call {
                req,
                request_id,
                params,
            };
            return handler(state, &call);
        }
    }
    Err(error(404, "Not found"))
}

/// The parameters of `path` if it fits `template`.
fn matches(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let (mut wanted, mut given) = (template.split('/'), path.split('/'));
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {
                let value = percent_decode(g)?;
                params.push((&w[1..w.len() - 1], value));
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// A path segment, percent-decoded.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
