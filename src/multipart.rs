//! `multipart/form-data` bodies (RFC 7578), as LINE's by-file audience
//! uploads take them: each input field a text part, the file a part of its
//! own. A small encoder: the boundary is random, and checked not to occur
//! in any part.

use serde_json::{Map, Value};

/// A body and its `Content-Type` (with the boundary).
pub struct Form {
    /// The body.
    pub body: Vec<u8>,
    /// `multipart/form-data; boundary=…`.
    pub content_type: String,
}

/// The form of `fields` (text parts, in order; strings as they are, other
/// values as JSON: `true`, `123`) and `file` as the part `file`
/// (`filename` given, `text/plain`). `random` gives the boundary's bytes.
pub fn form(fields: &Map<String, Value>, file: &[u8], random: impl Fn() -> u64) -> Form {
    let texts: Vec<(&str, String)> = fields
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.as_str(), text)
        })
        .collect();
    // A boundary that no part holds (a 128-bit random one, in practice
    // the first).
    let boundary = loop {
        let boundary = format!("line-connector-{:016x}{:016x}", random(), random());
        let found = |bytes: &[u8]| memchr::memmem::find(bytes, boundary.as_bytes()).is_some();
        if !found(file) && !texts.iter().any(|(_, t)| found(t.as_bytes())) {
            break boundary;
        }
    };
    let mut body = Vec::with_capacity(file.len() + 256 * (texts.len() + 1));
    for (name, text) in &texts {
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
            escape(name)
        );
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(text.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audience.txt\"\r\nContent-Type: text/plain\r\n\r\n"
    );
    body.extend_from_slice(head.as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Form {
        body,
        content_type: format!("multipart/form-data; boundary={boundary}"),
    }
}

/// A field name inside quotes: `"`, CR and LF percent-encoded (RFC 7578).
fn escape(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::Cell;

    #[test]
    fn each_field_is_a_text_part_and_the_file_its_own() {
        let fields = json!({"description": "soc", "isIfaAudience": false});
        let form = form(fields.as_object().unwrap(), b"U1\nU2\n", || 7);
        let boundary = form.content_type.split("boundary=").nth(1).unwrap();
        let body = String::from_utf8(form.body).unwrap();
        assert!(body.starts_with(&format!("--{boundary}\r\n")));
        assert!(body.ends_with(&format!("\r\n--{boundary}--\r\n")));
        assert!(body.contains("name=\"description\"\r\n\r\nsoc\r\n"));
        assert!(body.contains("name=\"isIfaAudience\"\r\n\r\nfalse\r\n"));
        assert!(
            body.contains(
                "filename=\"audience.txt\"\r\nContent-Type: text/plain\r\n\r\nU1\nU2\n\r\n"
            )
        );
    }

    #[test]
    fn a_boundary_found_in_a_part_is_drawn_again() {
        let first = format!("line-connector-{:016x}{:016x}", 1, 1);
        let draws = Cell::new(0u64);
        let random = || {
            draws.set(draws.get() + 1);
            // 1, 1 (the boundary the file holds), then 2, 2.
            draws.get().div_ceil(2)
        };
        let form = form(&Map::new(), first.as_bytes(), random);
        assert!(!form.content_type.contains(&first));
        assert_eq!(draws.get(), 4);
    }

    #[test]
    fn a_field_name_cannot_break_out_of_its_quotes() {
        assert_eq!(escape("a\"b\r\nc"), "a%22b%0D%0Ac");
    }
}
