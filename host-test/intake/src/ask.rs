//! An ask: a question put to a LINE user, group or room, with 2 to 13
//! options (and optionally a free-text answer), laid out as LINE allows (a
//! confirm template for two, buttons up to four, quick replies up to
//! thirteen). Each option is a postback whose data carries the ask's
//! unguessable id, the option and a MAC under the store's own key, so an
//! answer can be neither forged nor moved to another ask. Pure: checking,
//! laying out, signing and reading the postback data.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

/// The fewest and most options.
pub const OPTIONS: (usize, usize) = (2, 13);
/// The longest option label, in characters (LINE's action label).
pub const MAX_LABEL_CHARS: usize = 20;
/// The longest question under a confirm template, in characters.
pub const MAX_CONFIRM_TEXT: usize = 240;
/// The longest question on a buttons template (no title, no image).
pub const MAX_BUTTONS_TEXT: usize = 160;
/// The longest question as a text message with quick replies (UTF-16 units).
pub const MAX_TEXT_UTF16: usize = line_rules::rule::MAX_TEXT_UTF16;
/// The prefix of the postback data of an ask's option.
pub const DATA_PREFIX: &str = "ask:";

/// Who may answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Answerers {
    /// The user the question was sent to (a user chat), or, in a group or
    /// room, anyone in it.
    Asked,
    /// Anyone in the chat.
    Any,
    /// Only these user ids.
    Listed(Vec<String>),
}

impl Answerers {
    /// As stored: `asked`, `any`, or the ids joined by commas.
    pub fn stored(&self) -> String {
        match self {
            Answerers::Asked => "asked".into(),
            Answerers::Any => "any".into(),
            Answerers::Listed(ids) => ids.join(","),
        }
    }

    /// Read back from [`Answerers::stored`].
    pub fn from_stored(text: &str) -> Self {
        match text {
            "asked" => Answerers::Asked,
            "any" => Answerers::Any,
            ids => Answerers::Listed(ids.split(',').map(str::to_owned).collect()),
        }
    }

    /// Whether `user` may answer an ask sent to `chat`.
    pub fn allow(&self, chat: &str, user: &str) -> bool {
        match self {
            Answerers::Asked if chat.starts_with('U') => chat == user,
            Answerers::Asked | Answerers::Any => !user.is_empty(),
            Answerers::Listed(ids) => ids.iter().any(|id| id == user),
        }
    }
}

/// What an answerer is told when the answer is taken, by default.
pub const THANKS: &str = "Thanks, your answer was recorded.";

/// What an answerer is told when the answer is refused, by default.
pub const REFUSED: &str = "This question is closed or not yours to answer.";

/// What an ask is given.
#[derive(Clone, Debug)]
pub struct Question {
    /// The user, group or room to ask.
    pub to: String,
    /// The question.
    pub text: String,
    /// The options' labels.
    pub options: Vec<String>,
    /// Whether the next text message from an allowed answerer counts too.
    pub free_text: bool,
    /// Who may answer.
    pub answerers: Answerers,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// The answer given at expiry (one of the options), if any.
    pub default: Option<String>,
    /// Every answer recorded (else the first wins and closes it).
    pub every: bool,
    /// Replied to an answer taken.
    pub thanks: String,
    /// Replied to an answer refused (closed, not allowed).
    pub refused: String,
}

/// A refusal of an ask's input, as every `invalid-input`: the field and why.
pub fn invalid(field: &str, message: impl Into<String>) -> Value {
    json!({"type": "invalid-input", "field": field, "message": message.into()})
}

impl Question {
    /// Checks everything before anything is stored or sent.
    pub fn check(&self) -> Result<(), Value> {
        let (fewest, most) = OPTIONS;
        if !(fewest..=most).contains(&self.options.len()) {
            return Err(invalid(
                "options",
                format!(
                    "must hold {fewest} to {most} options, got {}",
                    self.options.len()
                ),
            ));
        }
        for (i, label) in self.options.iter().enumerate() {
            let n = label.chars().count();
            if label.trim().is_empty() || n > MAX_LABEL_CHARS {
                return Err(invalid(
                    &format!("options[{i}]"),
                    format!(
                        "must be 1 to {MAX_LABEL_CHARS} characters (LINE's action label), got {n}"
                    ),
                ));
            }
            if self.options[..i].contains(label) {
                return Err(invalid(
                    &format!("options[{i}]"),
                    "repeats an earlier option",
                ));
            }
        }
        let (most, unit) = match self.options.len() {
            2 => (MAX_CONFIRM_TEXT, "characters under a confirm template"),
            3 | 4 => (MAX_BUTTONS_TEXT, "characters on a buttons template"),
            _ => (MAX_TEXT_UTF16, "UTF-16 units with quick replies"),
        };
        let n = match self.options.len() {
            2..=4 => self.text.chars().count(),
            _ => self.text.encode_utf16().count(),
        };
        if self.text.trim().is_empty() || n > most {
            return Err(invalid(
                "question",
                format!("must be 1 to {most} {unit}, got {n}"),
            ));
        }
        if let Some(default) = &self.default
            && !self.options.contains(default)
        {
            return Err(invalid("default", "must be one of the options"));
        }
        if let Answerers::Listed(ids) = &self.answerers
            && (ids.is_empty() || ids.iter().any(|id| !is_user_id(id)))
        {
            return Err(invalid(
                "answerers",
                "must be `asked`, `any`, or user ids (U + 32 hex digits)",
            ));
        }
        if !["U", "C", "R"].iter().any(|p| self.to.starts_with(p)) || self.to.len() != 33 {
            return Err(invalid("to", "must be a user, group or room id"));
        }
        if self.expires_in == 0 {
            return Err(invalid("expiresIn", "must be at least 1 second"));
        }
        Ok(())
    }

    /// The LINE messages that ask it, each option a postback carrying
    /// `data(option)`.
    pub fn messages(&self, data: impl Fn(usize) -> String) -> Value {
        let actions: Vec<Value> = self
            .options
            .iter()
            .enumerate()
            .map(|(i, label)| {
                json!({"type": "postback", "label": label, "data": data(i), "displayText": label})
            })
            .collect();
        let alt = line_rules::shown::cut(&self.text, 400).into_owned();
        match actions.len() {
            2 => json!([{"type": "template", "altText": alt,
                         "template": {"type": "confirm", "text": self.text, "actions": actions}}]),
            3 | 4 => json!([{"type": "template", "altText": alt,
                             "template": {"type": "buttons", "text": self.text, "actions": actions}}]),
            _ => {
                let items: Vec<Value> = actions
                    .into_iter()
                    .map(|action| json!({"type": "action", "action": action}))
                    .collect();
                json!([{"type": "text", "text": self.text, "quickReply": {"items": items}}])
            }
        }
    }
}

/// Whether `id` is a LINE user id.
pub fn is_user_id(id: &str) -> bool {
    id.len() == 33 && id.starts_with('U') && id[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new ask id: 128 random bits (the thread's CSPRNG), base64url
/// (22 characters).
pub fn new_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// The postback data of option `option` of ask `id`: `ask:ID:N:MAC`, the
/// MAC (HMAC-SHA256 under `key`, 128 bits, base64url) over `ID:N`.
pub fn data(key: &[u8], id: &str, option: usize) -> String {
    format!("{DATA_PREFIX}{id}:{option}:{}", tag(key, id, option))
}

fn tag(key: &[u8], id: &str, option: usize) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(format!("{id}:{option}").as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
}

/// What postback data says, if it is an ask's: (ask id, option), or why
/// not (`forged` when the MAC does not match).
pub fn read_data(key: &[u8], data: &str) -> Option<Result<(String, usize), &'static str>> {
    let rest = data.strip_prefix(DATA_PREFIX)?;
    let mut parts = rest.split(':');
    let (Some(id), Some(option), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Some(Err("forged"));
    };
    let Ok(option) = option.parse::<usize>() else {
        return Some(Err("forged"));
    };
    let Ok(given) = URL_SAFE_NO_PAD.decode(mac) else {
        return Some(Err("forged"));
    };
    let mut expected = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    expected.update(format!("{id}:{option}").as_bytes());
    match expected.verify_truncated_left(&given) {
        Ok(()) if given.len() == 16 => Some(Ok((id.to_owned(), option))),
        _ => Some(Err("forged")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(options: &[&str]) -> Question {
        Question {
            to: format!("U{}", "a".repeat(32)),
            text: "Was this sign-in from Osaka you?".into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            free_text: false,
            answerers: Answerers::Asked,
            expires_in: 86_400,
            default: None,
            every: false,
            thanks: "Thanks".into(),
            refused: "Closed".into(),
        }
    }

    #[test]
    fn two_options_are_a_confirm_four_are_buttons_more_are_quick_replies() {
        let kinds = [(2, "confirm"), (4, "buttons"), (13, "quick")];
        for (n, kind) in kinds {
            let labels: Vec<String> = (0..n).map(|i| format!("option {i}")).collect();
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            let q = question(&labels);
            q.check().unwrap();
            let messages = q.messages(|i| format!("d{i}"));
            let shown = match kind {
                "quick" => messages[0]["quickReply"]["items"][n - 1]["action"]["data"].clone(),
                _ => messages[0]["template"]["actions"][n - 1]["data"].clone(),
            };
            assert_eq!(shown, format!("d{}", n - 1), "{kind}");
        }
    }

    #[test]
    fn bad_input_names_its_field() {
        assert_eq!(question(&["Yes"]).check().unwrap_err()["field"], "options");
        assert_eq!(
            question(&["Yes", &"x".repeat(21)]).check().unwrap_err()["field"],
            "options[1]"
        );
        assert_eq!(
            question(&["Yes", "Yes"]).check().unwrap_err()["field"],
            "options[1]"
        );
        let mut q = question(&["Yes", "No"]);
        q.default = Some("Maybe".into());
        assert_eq!(q.check().unwrap_err()["field"], "default");
        let mut q = question(&["Yes", "No"]);
        q.text = "x".repeat(241);
        assert_eq!(q.check().unwrap_err()["field"], "question");
    }

    #[test]
    fn postback_data_is_signed_short_and_not_movable() {
        let key = b"store key 0123456789abcdef";
        let id = new_id();
        let data = data(key, &id, 1);
        assert!(data.len() <= 300, "{data}");
        assert_eq!(read_data(key, &data), Some(Ok((id.clone(), 1))));
        // Another option, another ask, another key: forged.
        let other = data.replace(&format!("{id}:1:"), &format!("{id}:0:"));
        assert_eq!(read_data(key, &other), Some(Err("forged")));
        assert_eq!(read_data(b"another key", &data), Some(Err("forged")));
        assert_eq!(read_data(key, "action=report"), None);
    }

    #[test]
    fn who_may_answer() {
        let user = format!("U{}", "a".repeat(32));
        let group = format!("C{}", "b".repeat(32));
        assert!(Answerers::Asked.allow(&user, &user));
        assert!(!Answerers::Asked.allow(&user, "Uother"));
        assert!(Answerers::Asked.allow(&group, "Uanyone"));
        assert!(Answerers::Listed(vec![user.clone()]).allow(&group, &user));
        assert!(!Answerers::Listed(vec![user.clone()]).allow(&group, "Uother"));
    }
}
