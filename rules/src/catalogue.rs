//! The catalogue: every field LINE has a rule for, by its name (LINE's) and
//! JSON type, with its rule. Every operation with that field gets the rule,
//! at every level of its input's records; an operation whose field means
//! something else there names its own rule in its table row (`rules`).

use crate::rule::{Chars, Custom, Id, Json, Rule, Unit};

/// One field's rule.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The field's name, as LINE writes it.
    pub field: &'static str,
    /// The JSON type the rule is for.
    pub json: Json,
    /// The rule.
    pub rule: Rule,
}

const fn id(
    prefixes: &'static [&'static str],
    chars: Chars,
    len: usize,
    what: &'static str,
) -> Rule {
    Rule::Id(Id {
        prefixes,
        chars,
        min: len,
        max: len,
        what,
    })
}

/// A user id: `U` and 32 lowercase hex digits.
pub const USER_ID: Rule = id(
    &["U"],
    Chars::LowerHex,
    32,
    "a user id: U followed by 32 lowercase hex digits",
);
/// A user, group or room id.
pub const RECEIVER: Rule = id(
    &["U", "C", "R"],
    Chars::LowerHex,
    32,
    "a user, group or room id: U, C or R followed by 32 lowercase hex digits",
);
/// A group chat's id.
pub const GROUP_ID: Rule = id(
    &["C"],
    Chars::LowerHex,
    32,
    "a group id: C followed by 32 lowercase hex digits",
);
/// A multi-person chat's id.
pub const ROOM_ID: Rule = id(
    &["R"],
    Chars::LowerHex,
    32,
    "a room id: R followed by 32 lowercase hex digits",
);
/// A rich menu's id.
pub const RICH_MENU_ID: Rule = id(
    &["richmenu-"],
    Chars::LowerHex,
    32,
    "a rich menu id: richmenu- followed by 32 lowercase hex digits",
);
/// A rich menu alias's id.
pub const ALIAS_ID: Rule = Rule::Id(Id {
    prefixes: &[""],
    chars: Chars::LowerWord,
    min: 1,
    max: 32,
    what: "1 to 32 of a-z, 0-9, _ and -",
});
/// A rich-menu batch change's `resumeRequestKey`.
pub const RESUME_KEY: Rule = Rule::Id(Id {
    prefixes: &[""],
    chars: Chars::WordDash,
    min: 1,
    max: 100,
    what: "1 to 100 of a-z, A-Z, 0-9, _ and -",
});
/// A message id, as LINE gives them.
pub const MESSAGE_ID: Rule = Rule::Id(Id {
    prefixes: &[""],
    chars: Chars::Digits,
    min: 1,
    max: 64,
    what: "a message id (1 to 64 digits)",
});
/// An aggregation unit's name.
pub const UNIT_NAME: Rule = Rule::Id(Id {
    prefixes: &[""],
    chars: Chars::Word,
    min: 1,
    max: 30,
    what: "1 to 30 letters, digits or underscores",
});
/// A calendar day (`yyyyMMdd`), where a query's `from` and `to` are days.
pub const DATE: Rule = Rule::Date;
/// A token LINE made (a reply token, a request id, a page's `start`).
pub const TOKEN: Rule = Rule::Token { max: 1000 };
/// A credential of LINE's token endpoints (a token, a secret, a JWT, an
/// authorization code).
pub const CREDENTIAL: Rule = Rule::Token {
    max: crate::rule::MAX_SECRET_CHARS,
};
/// A text of `min` to `max` characters.
pub const fn chars(min: usize, max: usize) -> Rule {
    Rule::Length {
        unit: Unit::Chars,
        min,
        max,
    }
}
/// A text of `min` to `max` characters sent as an HTTP header (visible
/// ASCII and spaces).
pub const fn header_chars(min: usize, max: usize) -> Rule {
    Rule::Length {
        unit: Unit::HeaderChars,
        min,
        max,
    }
}
/// A whole number from `min` to `max`.
pub const fn range(min: u64, max: u64) -> Rule {
    Rule::Range { min, max }
}
/// A phone number in E.164, sent as its hash.
pub const PHONE: Rule = Rule::Custom(Custom::Phone);

const fn entry(field: &'static str, json: Json, rule: Rule) -> Entry {
    Entry { field, json, rule }
}

use Json::{Array, Integer, Object, String};

/// Every field's rule.
pub const CATALOGUE: &[Entry] = &[
    // Who a message goes to, and the chats.
    entry("to", String, RECEIVER),
    entry(
        "to",
        Array,
        Rule::Items {
            min: 1,
            max: usize::MAX,
            each: Some(&USER_ID),
        },
    ),
    entry(
        "userIds",
        Array,
        Rule::Items {
            min: 1,
            max: usize::MAX,
            each: Some(&USER_ID),
        },
    ),
    entry("chatId", String, USER_ID),
    entry("userId", String, USER_ID),
    entry("botId", String, USER_ID),
    entry("groupId", String, GROUP_ID),
    entry("roomId", String, ROOM_ID),
    // What is sent.
    entry("messages", String, Rule::Custom(Custom::Messages)),
    entry(
        "text",
        String,
        Rule::Length {
            unit: Unit::Utf16,
            min: 1,
            max: crate::rule::MAX_TEXT_UTF16,
        },
    ),
    entry("recipient", String, Rule::Custom(Custom::JsonObject)),
    entry("filter", String, Rule::Custom(Custom::JsonObject)),
    entry("limit", String, Rule::Custom(Custom::JsonObject)),
    entry("retryKey", String, Rule::Uuid),
    entry(
        "loadingSeconds",
        Integer,
        Rule::Steps {
            min: 5,
            max: 60,
            step: 5,
        },
    ),
    // Tokens and ids LINE made.
    entry("replyToken", String, TOKEN),
    entry("requestId", String, TOKEN),
    entry("start", String, TOKEN),
    entry("markAsReadToken", String, TOKEN),
    entry("couponId", String, TOKEN),
    entry("liffId", String, TOKEN),
    entry("productId", String, TOKEN),
    entry("productType", String, TOKEN),
    entry("messageId", String, MESSAGE_ID),
    // Reading: days, pages, waiting.
    entry("date", String, DATE),
    entry("limit", Integer, range(1, 1000)),
    entry("page", Integer, range(1, u32::MAX as u64)),
    entry("size", Integer, range(1, 40)),
    entry("maxPages", Integer, range(1, crate::rule::MAX_PAGES.0)),
    entry("waitSeconds", Integer, range(0, 3600)),
    // Statistics.
    entry(
        "customAggregationUnits",
        Array,
        Rule::Items {
            min: 0,
            max: 1,
            each: Some(&UNIT_NAME),
        },
    ),
    entry("customAggregationUnit", String, UNIT_NAME),
    // The webhook.
    entry(
        "endpoint",
        String,
        Rule::Url {
            schemes: &["https"],
            max: 500,
        },
    ),
    // Rich menus.
    entry("richMenuId", String, RICH_MENU_ID),
    entry("richMenuAliasId", String, ALIAS_ID),
    entry("resumeRequestKey", String, RESUME_KEY),
    entry("operations", Array, Rule::Custom(Custom::BatchOperations)),
    entry("chatBarText", String, chars(1, 14)),
    entry("name", String, chars(0, 300)),
    entry("size", Object, Rule::Custom(Custom::MenuSize)),
    entry("areas", Array, Rule::Custom(Custom::MenuAreas)),
    // Audiences.
    entry("audienceGroupId", Integer, range(1, i64::MAX as u64)),
    entry("description", String, chars(1, 120)),
    entry(
        "clickUrl",
        String,
        Rule::Url {
            schemes: &["http", "https"],
            max: 2000,
        },
    ),
    // Memberships and coupons.
    entry("membershipId", Integer, range(1, i64::MAX as u64)),
    entry("title", String, chars(1, 60)),
    entry("usageCondition", String, chars(0, 100)),
    entry("maxUseCountPerTicket", Integer, range(1, 1)),
    entry("lotteryProbability", Integer, range(1, 99)),
    entry("percentage", Integer, range(1, 99)),
    entry("maxAcquireCount", Integer, range(1, 999_999)),
    // LIFF.
    entry("view", Object, Rule::Custom(Custom::LiffView)),
    // LINE's token endpoints (LINE's snake_case names).
    entry("access_token", String, CREDENTIAL),
    entry("client_id", String, CREDENTIAL),
    entry("client_secret", String, CREDENTIAL),
    entry("client_assertion", String, CREDENTIAL),
    entry("code", String, CREDENTIAL),
    entry("redirect_uri", String, CREDENTIAL),
    entry("code_verifier", String, CREDENTIAL),
];

/// The rule of the field `field` when its value is of type `json`.
pub fn rule_for(field: &str, json: Json) -> Option<&'static Rule> {
    CATALOGUE
        .iter()
        .find(|e| e.field == field && e.json == json)
        .map(|e| &e.rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_and_type_has_one_rule() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            for b in &CATALOGUE[i + 1..] {
                assert!(
                    !(a.field == b.field && a.json == b.json),
                    "{} ({:?}) is declared twice",
                    a.field,
                    a.json
                );
            }
        }
    }

    #[test]
    fn a_name_with_two_meanings_is_told_apart_by_type() {
        assert_eq!(rule_for("to", String), Some(&RECEIVER));
        assert!(matches!(rule_for("to", Array), Some(Rule::Items { .. })));
        assert_eq!(rule_for("size", Integer), Some(&range(1, 40)));
        assert_eq!(rule_for("to", Integer), None);
        assert_eq!(rule_for("nothing", String), None);
    }
}
