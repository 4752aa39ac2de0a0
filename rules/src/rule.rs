//! What a rule is: the kinds of rule (an exhaustive enum the checks, the
//! schemas and the probes all match on), what they count, and a refusal.

/// One of LINE's rules for one field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// An id or key: one of `prefixes`, then `min` to `max` characters of
    /// one class.
    Id(Id),
    /// A text of `min` to `max`, counted in `unit`.
    Length {
        /// What is counted.
        unit: Unit,
        /// The fewest.
        min: usize,
        /// The most.
        max: usize,
    },
    /// A token, id or credential LINE made: not blank, at most `max`
    /// characters; never quoted in an error.
    Token {
        /// The most characters.
        max: usize,
    },
    /// A whole number from `min` to `max` (as a JSON number, or as text of
    /// digits where LINE takes text).
    Range {
        /// The least.
        min: u64,
        /// The most.
        max: u64,
    },
    /// A whole number from `min` to `max` in steps of `step`.
    Steps {
        /// The least (itself a step).
        min: u64,
        /// The most.
        max: u64,
        /// The step.
        step: u64,
    },
    /// A list of `min` to `max` items (`usize::MAX`: no upper bound), each
    /// by the rule `each`.
    Items {
        /// The fewest items.
        min: usize,
        /// The most items.
        max: usize,
        /// Each item's rule.
        each: Option<&'static Rule>,
    },
    /// A calendar day as `yyyyMMdd`.
    Date,
    /// A URL of one of `schemes`, at most `max` characters, of the
    /// characters RFC 3986 allows.
    Url {
        /// The schemes, without `://`.
        schemes: &'static [&'static str],
        /// The most characters (`usize::MAX`: no bound).
        max: usize,
    },
    /// A UUID (`123e4567-e89b-12d3-a456-426614174000`, either case).
    Uuid,
    /// A check of its own, with its own schema fragment.
    Custom(Custom),
}

/// An id's or key's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Id {
    /// What it starts with (one of them; `""` for nothing).
    pub prefixes: &'static [&'static str],
    /// The characters after the prefix.
    pub chars: Chars,
    /// The fewest characters after the prefix.
    pub min: usize,
    /// The most characters after the prefix.
    pub max: usize,
    /// What it is, for messages: `a user id: U followed by 32 lowercase hex digits`.
    pub what: &'static str,
}

/// A class of ASCII characters ids and keys are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chars {
    /// `0-9a-f`.
    LowerHex,
    /// `0-9`.
    Digits,
    /// `a-z0-9_-` (rich menu alias ids).
    LowerWord,
    /// `A-Za-z0-9_` (aggregation unit names).
    Word,
    /// `A-Za-z0-9_-` (resume keys).
    WordDash,
}

impl Chars {
    /// Whether `b` is of the class.
    pub fn allows(self, b: u8) -> bool {
        match self {
            Chars::LowerHex => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
            Chars::Digits => b.is_ascii_digit(),
            Chars::LowerWord => matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'),
            Chars::Word => b.is_ascii_alphanumeric() || b == b'_',
            Chars::WordDash => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
        }
    }

    /// The class as a regular expression's bracket.
    pub fn class(self) -> &'static str {
        match self {
            Chars::LowerHex => "[0-9a-f]",
            Chars::Digits => "[0-9]",
            Chars::LowerWord => "[a-z0-9_-]",
            Chars::Word => "[A-Za-z0-9_]",
            Chars::WordDash => "[A-Za-z0-9_-]",
        }
    }

    /// One character of the class, and one outside it (for probes).
    pub fn samples(self) -> (char, char) {
        match self {
            Chars::LowerHex => ('a', 'A'),
            Chars::Digits => ('7', 'x'),
            Chars::LowerWord => ('a', 'A'),
            Chars::Word => ('a', '-'),
            Chars::WordDash => ('a', '.'),
        }
    }
}

/// What a text's length counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Unicode characters (code points), as JSON Schema's `maxLength`.
    Chars,
    /// UTF-16 code units, as LINE counts a text message (a character
    /// beyond the Basic Multilingual Plane, an emoji, counts 2).
    Utf16,
    /// Characters of a value sent as an HTTP header: visible ASCII and
    /// spaces only (no CR, LF, NUL or other control, nothing beyond ASCII).
    HeaderChars,
}

/// The rules that are code of their own (each with its schema fragment in
/// [`schema`] and its probes in [`probe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Custom {
    /// `messages`: JSON text of 1 to 5 message objects, each by LINE's
    /// limits (text, `altText`, quick replies, template actions).
    Messages,
    /// JSON text of one LINE object (`recipient`, `filter`, `limit`).
    JsonObject,
    /// A phone number in E.164, sent as its SHA-256 in hex (or the hash
    /// itself).
    Phone,
    /// A rich menu's size: 800 to 2500 wide, at least 250 high, width /
    /// height at least 1.45.
    MenuSize,
    /// A rich menu's areas: at most 20, each with a valid action.
    MenuAreas,
    /// A rich-menu batch change's operations: 1 to 1000 `link`, `unlink`
    /// or `unlinkAll`, with rich menu ids.
    BatchOperations,
    /// A LIFF app's view: `type` `compact`, `tall` or `full`, `url` https.
    LiffView,
}

/// The JSON type a rule's field has (a name can mean two things: `to` is
/// one receiver as a string, several users as an array).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Json {
    /// A string (JSON text of LINE objects included).
    String,
    /// A whole number.
    Integer,
    /// An array.
    Array,
    /// An object (a record).
    Object,
}

impl Json {
    /// The JSON type of `value`, if a rule can have it.
    pub fn of(value: &serde_json::Value) -> Option<Json> {
        match value {
            serde_json::Value::String(_) => Some(Json::String),
            serde_json::Value::Number(_) => Some(Json::Integer),
            serde_json::Value::Array(_) => Some(Json::Array),
            serde_json::Value::Object(_) => Some(Json::Object),
            _ => None,
        }
    }

    /// The JSON type a property's schema gives, if a rule can have it (a
    /// field of LINE objects as JSON text is a string).
    pub fn of_schema(property: &serde_json::Value) -> Option<Json> {
        match property["type"].as_str() {
            Some("string") => Some(Json::String),
            Some("integer") => Some(Json::Integer),
            Some("array") => Some(Json::Array),
            Some("object") => Some(Json::Object),
            _ if property["anyOf"].is_array() => Some(Json::String),
            _ => None,
        }
    }
}

/// A value a rule refuses: where, why, and the offending text if there is
/// one the message may quote (the caller quotes it, after taking secrets
/// out and cutting it short).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The field's path in LINE's names (`messages[2].text`).
    pub field: String,
    /// What the value must be (or what is wrong with it).
    pub message: String,
    /// The value as given, to quote after the message (`, got "…"`).
    pub got: Option<String>,
}

/// A refusal at `field` saying `message`.
pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        message: message.into(),
        got: None,
    }
}

/// A refusal at `field` saying `message`, quoting `got`.
pub fn invalid_got(field: impl Into<String>, message: impl Into<String>, got: &str) -> Invalid {
    Invalid {
        field: field.into(),
        message: message.into(),
        got: Some(got.to_owned()),
    }
}

/// At most this many message objects per request.
pub const MAX_MESSAGES: usize = 5;
/// A text message's text: at most this many UTF-16 code units.
pub const MAX_TEXT_UTF16: usize = 5000;
/// `altText` of imagemap, template and flex messages: at most this many characters.
pub const MAX_ALT_TEXT: usize = 1500;
/// A quick reply: at most this many items.
pub const MAX_QUICK_REPLY_ITEMS: usize = 13;
/// A request body: at most this many bytes (JSON text longer than this is
/// refused before it is parsed).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// `maxPages`: at most this many pages, and this many by default.
pub const MAX_PAGES: (u64, u64) = (10_000, 100);
/// An audience's ids by file: at most this many.
pub const MAX_FILE_IDS: usize = 1_500_000;
/// The longest credential a token endpoint takes (a token, a secret, a JWT).
pub const MAX_SECRET_CHARS: usize = 8 << 10;
