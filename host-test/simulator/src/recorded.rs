//! What the simulator keeps of each request it answered, and of each
//! message it delivered: what the tests read back.

use serde_json::Value;
use std::collections::HashMap;

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
    /// A request as it arrived on `connection`, with a new request id.
    pub(crate) fn of(parts: &http::request::Parts, body: Vec<u8>, connection: u64) -> Recorded {
        let text = |v: &http::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
        Recorded {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), text(v)))
                .collect(),
            body,
            status: 0,
            answer: Value::Null,
            request_id: uuid::Uuid::new_v4().to_string(),
            connection,
        }
    }

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
    /// `push`, `reply`, `multicast`, `broadcast`, `narrowcast` or `pnp`.
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
