//! No secret in any output. The secrets of the action running (the config's
//! channel secret or token, and every token fetched for it) are known here,
//! with the forms a server may echo them in: trimmed, URL- or form-encoded,
//! JSON-escaped and base64 (at each of its three alignments). Answers are
//! cleaned as they arrive, before anything reads or cuts them (their JSON
//! again once parsed), and every string of an error on the way out.

use crate::forms::forms_of;
use crate::types::{ApiError, ErrorCode};
use serde_json::Value;
use std::cell::RefCell;

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Shortest secret (or form of one) that is replaced: shorter ones are not
/// real tokens or secrets, and replacing them would garble messages.
const MIN_SECRET_LEN: usize = 8;

/// At most this many characters of a value are quoted in an error.
pub const MAX_QUOTE_CHARS: usize = 200;

thread_local! {
    /// The forms of the current action's secrets, longest first.
    static FORMS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Starts an action: its secrets are these (and any added later).
pub fn begin<'a>(secrets: impl IntoIterator<Item = &'a str>) {
    FORMS.with(|forms| forms.borrow_mut().clear());
    secrets.into_iter().for_each(add);
}

/// Adds a secret (a token fetched or used) for the rest of the action.
pub fn add(secret: &str) {
    FORMS.with(|cell| {
        let mut forms = cell.borrow_mut();
        if forms.iter().any(|f| f == secret.trim()) {
            return;
        }
        for form in forms_of(secret) {
            if form.len() >= MIN_SECRET_LEN && !forms.contains(&form) {
                forms.push(form);
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    });
}

/// `text` with every form of every secret replaced by [`REDACTED`].
pub fn clean(text: &str) -> String {
    FORMS.with(|forms| {
        let forms = forms.borrow();
        let mut text = text.to_owned();
        for form in forms.iter() {
            if text.contains(form.as_str()) {
                text = text.replace(form.as_str(), REDACTED);
            }
        }
        text
    })
}

/// Whether `bytes` (content, not read as text) hold any form of a secret.
pub fn found_in(bytes: &[u8]) -> bool {
    FORMS.with(|forms| {
        let forms = forms.borrow();
        forms
            .iter()
            .any(|f| memchr::memmem::find(bytes, f.as_bytes()).is_some())
    })
}

/// Raw answer bytes, cleaned (bytes that are not UTF-8 are kept as the
/// replacement character: nothing reads them as anything but text).
pub fn clean_bytes(bytes: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(bytes) {
        Ok(text) => clean(&text).into_bytes(),
        Err(e) => clean(&String::from_utf8_lossy(e.as_bytes())).into_bytes(),
    }
}

/// `value` as an error message may quote it: secrets out first, then cut
/// to [`MAX_QUOTE_CHARS`] characters.
pub fn quote(value: &str) -> String {
    format!(
        "{:?}",
        line_rules::shown::cut(&clean(value), MAX_QUOTE_CHARS)
    )
}

/// An error with every string in it cleaned. (A result needs no such
/// pass: its strings come from answers cleaned as they arrive, headers as
/// text and bodies as JSON values, see [`value`].)
pub fn error(mut error: ErrorCode) -> ErrorCode {
    for text in texts(&mut error) {
        *text = clean(text);
    }
    error
}

/// Every string an error holds (the field paths of `invalid-input` are the
/// connector's own and hold no input).
fn texts(error: &mut ErrorCode) -> Vec<&mut String> {
    match error {
        ErrorCode::InvalidInput(i) => vec![&mut i.message],
        ErrorCode::Authentication(a)
        | ErrorCode::RateLimited(a)
        | ErrorCode::QuotaExceeded(a)
        | ErrorCode::Api(a) => api_texts(a),
        ErrorCode::Transport(t) => vec![&mut t.message],
        ErrorCode::NotAFriend(n) => n.request_id.iter_mut().collect(),
        ErrorCode::BatchesFailed(report) => report
            .batches
            .iter_mut()
            .flat_map(|b| {
                let ids = b
                    .request_id
                    .iter_mut()
                    .chain(b.accepted_request_id.iter_mut());
                let failure = b
                    .failure
                    .iter_mut()
                    .flat_map(|f| std::iter::once(&mut f.message).chain(f.request_id.iter_mut()));
                ids.chain(failure)
            })
            .collect(),
    }
}

fn api_texts(api: &mut ApiError) -> Vec<&mut String> {
    let details = api.details.iter_mut();
    let details = details.flat_map(|d| d.message.iter_mut().chain(d.property.iter_mut()));
    let mut texts: Vec<&mut String> = details.collect();
    texts.push(&mut api.message);
    texts.extend(api.request_id.as_mut());
    texts
}

/// Cleans every string in `value` (after parsing, so JSON escapes cannot
/// hide a secret); whether any changed.
pub fn value(value: &mut Value) -> bool {
    match value {
        Value::String(text) => {
            let cleaned = clean(text);
            let changed = cleaned != *text;
            *text = cleaned;
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |c, v| self::value(v) | c),
        Value::Object(map) => map.values_mut().fold(false, |c, v| self::value(v) | c),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::percent;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD_NO_PAD;

    const SECRET: &str = "s3cr3t/t0ken+value";

    #[test]
    fn every_form_of_a_secret_is_replaced() {
        begin([SECRET]);
        let url = form_urlencoded::byte_serialize(SECRET.as_bytes()).collect::<String>();
        let json = serde_json::to_string(SECRET).unwrap();
        for text in [
            format!("token={SECRET}"),
            format!("q={url}"),
            format!("{{\"t\":{json}}}"),
            format!("{{\"t\":{}}}", json.replace('/', "\\/")),
            format!("p={}", percent(SECRET, false)),
        ] {
            assert!(
                !clean(&text).contains("t0ken"),
                "{text} -> {}",
                clean(&text)
            );
        }
        // Base64 at each of its three alignments, in either alphabet.
        for prefix in ["", "a", "ab"] {
            let standard = STANDARD_NO_PAD.encode(format!("{prefix}{SECRET}!"));
            let url_safe = standard.replace('+', "-").replace('/', "_");
            for encoded in [standard, url_safe] {
                assert!(clean(&encoded).contains(REDACTED), "{prefix:?}: {encoded}");
            }
        }
    }

    #[test]
    fn short_values_are_not_secrets() {
        begin(["short"]);
        assert_eq!(clean("a short text"), "a short text");
    }

    #[test]
    fn a_quote_cleans_before_it_cuts() {
        begin([SECRET]);
        let text = format!("{}{SECRET}", "x".repeat(MAX_QUOTE_CHARS - 4));
        let quoted = quote(&text);
        assert!(!quoted.contains("s3cr"), "{quoted}");
        assert!(quoted.ends_with("…\""), "{quoted}");
    }

    #[test]
    fn content_bytes_are_searched_for_secrets() {
        begin([SECRET]);
        assert!(found_in(format!("\0\x01{SECRET}\x02").as_bytes()));
        assert!(!found_in(b"\0\x01nothing"));
    }
}
