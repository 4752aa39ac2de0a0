//! The forms a secret may come back in from a server that echoes it:
//! as given, trimmed, JSON-escaped, URL- and form-encoded, and base64 at
//! each of its three alignments, in either alphabet. One list for the
//! component (which redacts the secrets it is given) and the host (which
//! redacts the ones it adds itself, such as a proxy's credentials): the
//! host compiles this file in.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// The forms a server may echo `secret` in.
pub fn forms_of(secret: &str) -> Vec<String> {
    let plain = secret.trim();
    let json = serde_json::to_string(plain).unwrap_or_default();
    let json = json.trim_matches('"').to_owned();
    let mut forms = vec![
        secret.to_owned(),
        plain.to_owned(),
        json.replace('/', "\\/"),
        json,
        form_urlencoded::byte_serialize(plain.as_bytes()).collect(),
        percent(plain, true),
        percent(plain, false),
    ];
    for shift in 0..3 {
        let standard = base64_core(plain.as_bytes(), shift);
        // The URL-safe alphabet differs only in `+` and `/`.
        forms.push(standard.replace('+', "-").replace('/', "_"));
        forms.push(standard);
    }
    forms
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub fn percent(text: &str, upper: bool) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ if upper => format!("%{b:02X}"),
            _ => format!("%{b:02x}"),
        })
        .collect()
}

/// The base64 characters that encode `bytes` wherever they stand in a
/// longer text `shift` bytes past a 3-byte boundary: the groups that hold
/// only its bytes, the same whatever comes before or after.
fn base64_core(bytes: &[u8], shift: usize) -> String {
    let padded: Vec<u8> = std::iter::repeat_n(0, shift)
        .chain(bytes.iter().copied())
        .collect();
    let encoded = STANDARD_NO_PAD.encode(&padded);
    let start = if shift == 0 { 0 } else { 4 };
    let end = padded.len() / 3 * 4;
    encoded.get(start..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_forms_match_inside_a_longer_text_at_every_alignment() {
        let secret = "user:pa55word-xyz";
        let forms = forms_of(secret);
        for prefix in ["", "a", "ab"] {
            let encoded = STANDARD_NO_PAD.encode(format!("{prefix}{secret}!"));
            assert!(
                forms
                    .iter()
                    .any(|f| !f.is_empty() && encoded.contains(f.as_str())),
                "{prefix:?}"
            );
        }
        assert!(forms.contains(&"user%3Apa55word-xyz".to_owned()));
    }
}
