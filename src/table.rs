//! The one table of LINE operations: for each action, its HTTP method, LINE
//! host and path template, which input fields go to the query string, what
//! its body and answer are, how a failed attempt may be resent, its dry-run,
//! batch and polling rules, and what the manifest says of it (title, LINE's
//! reference, rate limit).
//!
//! Plain data with no other crate items, so the build script reads it too:
//! it writes the manifest from it, and the exports (`endpoints`), which run
//! each row's operation through `call`. A row is all the Rust an operation
//! needs: the request and the answer are derived from its WIT records.

/// Which of LINE's hosts an endpoint lives on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// The Messaging API (`api-base-url`, default `https://api.line.me`).
    Api,
    /// The data API (`data-api-base-url`, default `https://api-data.line.me`).
    Data,
    /// LINE Official Account Manager (`manager-base-url`, default
    /// `https://manager.line.biz`): attaching a module.
    Manager,
}

/// How a request proves who sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer` with the channel access token (the given one,
    /// or one fetched with the config's credentials).
    Bearer,
    /// No header: the credentials travel in the request's own fields (LINE's
    /// token endpoints). Each of these the input leaves out is filled in
    /// from the config ([`crate::oauth`]).
    Fields(&'static [Fill]),
    /// HTTP Basic with the config's channel id and secret (`attachModule`).
    Basic,
}

/// Credential fields of LINE's token endpoints the config can fill in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// `grant_type`: `client_credentials`.
    GrantType,
    /// `client_id` and `client_secret`: the config's channel id and secret.
    Secret,
    /// `client_assertion_type` and `client_assertion`: a JWT the component
    /// signs with the config's assertion key.
    Assertion,
    /// The channel secret or a JWT, by the config's auth mode.
    SecretOrAssertion,
    /// `access_token`: the config's channel access token (given or fetched).
    Token,
}

/// The HTTP methods LINE's operations use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reads.
    Get,
    /// Sends and other writes.
    Post,
    /// Replacing a setting.
    Put,
    /// Removing something.
    Delete,
}

impl Method {
    /// The method's name in a request line.
    pub const fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// What a request carries after its head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Nothing: every input field goes to the path or the query string.
    None,
    /// The input's remaining fields as a JSON object, in LINE's names.
    Json,
    /// The input's byte list: a JPEG or PNG image, checked by LINE's rules
    /// for rich-menu images ([`crate::image`]) and sent with its media type.
    Image,
    /// `multipart/form-data`: the input's fields as text parts, its byte
    /// list as the part `file` (a text file of ids, [`crate::multipart`]).
    Multipart,
    /// `application/x-www-form-urlencoded`: the input's remaining fields
    /// (LINE's token endpoints).
    Form,
}

/// What LINE answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A JSON object (or nothing), read into the output record.
    Json,
    /// Bytes of any media type: the output record's byte list, with their
    /// `Content-Type`.
    Bytes,
}

/// A paged list: LINE's answer holds a page of `list`, and says how to ask
/// for the next.
#[derive(Clone, Copy, Debug)]
pub struct Pages {
    /// The answer's list field (LINE's name).
    pub list: &'static str,
    /// How the next page is asked for.
    pub by: Paging,
}

/// How a paged list names its next page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// The answer's `next`, sent as `start` (absent on the last page).
    Next,
    /// The input's `page` plus one, while the answer's `hasNextPage` is true.
    Number,
}

/// A rule of one operation's field that differs from the field's usual
/// rule in the catalogue (the same name means something else here): one of
/// `line_rules`'s, which both the component's check and the manifest's
/// schema derive from.
pub use line_rules::Rule;

/// LINE's rate limit for one endpoint: at most `requests` per `per`, per
/// channel; 2,000 per second for the endpoints LINE names no other limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// How many requests.
    pub requests: u32,
    /// In what time.
    pub per: Per,
}

/// The time a [`RateLimit`] counts requests in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Per {
    /// A second.
    Second,
    /// A minute.
    Minute,
    /// An hour.
    Hour,
}

impl Per {
    /// The unit's name, as LINE's table writes it.
    #[allow(dead_code)] // read by build.rs, for the manifest
    pub const fn name(self) -> &'static str {
        match self {
            Per::Second => "second",
            Per::Minute => "minute",
            Per::Hour => "hour",
        }
    }

    /// The unit in seconds.
    #[allow(dead_code)] // read by build.rs, for the manifest
    pub const fn seconds(self) -> u32 {
        match self {
            Per::Second => 1,
            Per::Minute => 60,
            Per::Hour => 3600,
        }
    }
}

/// An operation whose answer may not be final yet (a narrowcast in
/// progress): the input's `waitSeconds` lets the action ask again until the
/// answer's `field` holds one of `until`.
#[derive(Clone, Copy, Debug)]
pub struct Poll {
    /// The answer field that says whether it is final (LINE's names, a
    /// dot between a record and its field: `audienceGroup.status`).
    pub field: &'static str,
    /// Its final values.
    pub until: &'static [&'static str],
}

/// How an endpoint may be resent after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resend {
    /// Reads, validation, the loading animation: resending is harmless.
    Free,
    /// Sends LINE deduplicates by `X-Line-Retry-Key`: resent with the same key.
    RetryKey,
    /// Sends LINE cannot deduplicate (reply): resent only when LINE cannot
    /// have acted on the first attempt.
    Once,
}

/// One LINE operation, as one action of the connector.
#[derive(Debug)]
pub struct Endpoint {
    /// The action: its WIT function's name.
    pub action: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The host the path is relative to.
    pub host: Host,
    /// How the request is authenticated.
    pub auth: Auth,
    /// The path, as in LINE's reference: `{name}` stands for the input
    /// field `name` (percent-encoded).
    pub path: &'static str,
    /// The input fields sent in the query string.
    pub query: &'static [&'static str],
    /// What the request carries.
    pub body: Body,
    /// What LINE answers with.
    pub answer: Answer,
    /// For an answer that may not be final: when it is.
    pub poll: Option<Poll>,
    /// For a paged list: its list field.
    pub pages: Option<Pages>,
    /// Whether and how a failed attempt may be resent.
    pub resend: Resend,
    /// For a send: the endpoint that validates its messages instead
    /// (`dryRun`).
    pub dry_run: Option<&'static Endpoint>,
    /// A body field whose list is sent in batches of at most this many
    /// items, one request (and retry key) each.
    pub batch: Option<(&'static str, usize)>,
    /// For a JSON upload of ids (`audiences`): the endpoint that takes them
    /// as a file instead, used when there are more than this many.
    pub by_file: Option<(&'static Endpoint, usize)>,
    /// An input field sent as a request header instead: (field, header).
    pub header: Option<(&'static str, &'static str)>,
    /// This operation's own rules for some of its fields.
    pub rules: &'static [(&'static str, Rule)],
    /// A short title, for a platform's action list.
    #[allow(dead_code)] // read by build.rs, for the manifest
    pub title: &'static str,
    /// The anchor of the operation in LINE's Messaging API reference, or
    /// the whole URL of its reference elsewhere.
    #[allow(dead_code)] // read by build.rs, for the manifest
    pub docs: &'static str,
    /// LINE's rate limit for the endpoint, per channel (LINE's table in
    /// the reference's "Rate limits").
    #[allow(dead_code)] // read by build.rs, for the manifest
    pub rate_limit: RateLimit,
    /// The connection test: the result also says how the config
    /// authenticated (and when a fetched token expires).
    pub connection_test: bool,
}

/// LINE's Messaging API reference; an endpoint's `docs` is an anchor in it.
#[allow(dead_code)] // read by build.rs, for the manifest
pub const REFERENCE: &str = "https://developers.line.biz/en/reference/messaging-api/";

const fn op(action: &'static str, method: Method, path: &'static str, resend: Resend) -> Endpoint {
    Endpoint {
        action,
        method,
        host: Host::Api,
        auth: Auth::Bearer,
        path,
        query: &[],
        body: match method {
            Method::Post | Method::Put => Body::Json,
            Method::Get | Method::Delete => Body::None,
        },
        answer: Answer::Json,
        poll: None,
        pages: None,
        resend,
        dry_run: None,
        batch: None,
        by_file: None,
        header: None,
        rules: &[],
        title: "",
        docs: "",
        rate_limit: RateLimit {
            requests: 2_000,
            per: Per::Second,
        },
        connection_test: false,
    }
}

impl Endpoint {
    const fn about(self, title: &'static str, docs: &'static str) -> Self {
        Endpoint {
            title,
            docs,
            ..self
        }
    }

    const fn limit(self, requests: u32, per: Per) -> Self {
        Endpoint {
            rate_limit: RateLimit { requests, per },
            ..self
        }
    }

    const fn dry_run(self, validate: &'static Endpoint) -> Self {
        Endpoint {
            dry_run: Some(validate),
            ..self
        }
    }

    const fn batches(self, field: &'static str, size: usize) -> Self {
        Endpoint {
            batch: Some((field, size)),
            ..self
        }
    }

    const fn query(self, query: &'static [&'static str]) -> Self {
        Endpoint { query, ..self }
    }

    const fn on_data_host(self) -> Self {
        Endpoint {
            host: Host::Data,
            ..self
        }
    }

    /// LINE's token endpoints: a form body (none for a GET), no bearer
    /// token; `fills` are the credential fields the config fills in.
    const fn oauth(self, fills: &'static [Fill]) -> Self {
        Endpoint {
            auth: Auth::Fields(fills),
            body: match self.method {
                Method::Post => Body::Form,
                _ => Body::None,
            },
            ..self
        }
    }

    /// `attachModule`: a form body to LINE Official Account Manager, with
    /// the channel id and secret as HTTP Basic.
    const fn on_manager_host(self) -> Self {
        Endpoint {
            host: Host::Manager,
            auth: Auth::Basic,
            body: Body::Form,
            ..self
        }
    }

    const fn connection_test(self) -> Self {
        Endpoint {
            connection_test: true,
            ..self
        }
    }

    const fn bytes(self) -> Self {
        Endpoint {
            answer: Answer::Bytes,
            ..self
        }
    }

    const fn no_body(self) -> Self {
        Endpoint {
            body: Body::None,
            ..self
        }
    }

    const fn image(self) -> Self {
        Endpoint {
            body: Body::Image,
            ..self
        }
    }

    const fn paged(self, list: &'static str) -> Self {
        Endpoint {
            pages: Some(Pages {
                list,
                by: Paging::Next,
            }),
            ..self
        }
    }

    const fn paged_by_number(self, list: &'static str) -> Self {
        Endpoint {
            pages: Some(Pages {
                list,
                by: Paging::Number,
            }),
            ..self
        }
    }

    const fn multipart(self) -> Self {
        Endpoint {
            body: Body::Multipart,
            ..self
        }
    }

    const fn by_file(self, endpoint: &'static Endpoint, above: usize) -> Self {
        Endpoint {
            by_file: Some((endpoint, above)),
            ..self
        }
    }

    const fn header(self, field: &'static str, header: &'static str) -> Self {
        Endpoint {
            header: Some((field, header)),
            ..self
        }
    }

    const fn rules(self, rules: &'static [(&'static str, Rule)]) -> Self {
        Endpoint { rules, ..self }
    }

    const fn polls(self, field: &'static str, until: &'static [&'static str]) -> Self {
        Endpoint {
            poll: Some(Poll { field, until }),
            ..self
        }
    }
}

use Method::{Delete, Get, Post, Put};
use Per::{Hour, Minute, Second};
use Resend::{Free, Once, RetryKey};
use line_rules::catalogue::{DATE, PHONE, RECEIVER, chars, header_chars, range};

/// Test the connection: the config's credentials, then the bot's account.
pub const CHECK: Endpoint = op("check", Get, "/v2/bot/info", Free)
    .about("Test the connection", "get-bot-info")
    .connection_test();
/// Show a loading animation.
pub const DISPLAY_LOADING: Endpoint =
    op("display-loading", Post, "/v2/bot/chat/loading/start", Free)
        .about("Show a loading animation", "display-a-loading-indicator")
        .limit(100, Second);
/// Push a message.
pub const PUSH: Endpoint = op("push", Post, "/v2/bot/message/push", RetryKey)
    .about("Send a push message", "send-push-message")
    .dry_run(&VALIDATE_PUSH);
/// Reply to a webhook event.
pub const REPLY: Endpoint = op("reply", Post, "/v2/bot/message/reply", Once)
    .about("Send a reply message", "send-reply-message")
    .dry_run(&VALIDATE_REPLY);
/// Multicast, in batches of 500 recipients.
pub const MULTICAST: Endpoint = op("multicast", Post, "/v2/bot/message/multicast", RetryKey)
    .about("Send a multicast message", "send-multicast-message")
    .limit(200, Second)
    .dry_run(&VALIDATE_MULTICAST)
    .batches("to", 500);
/// Broadcast to every friend.
pub const BROADCAST: Endpoint = op("broadcast", Post, "/v2/bot/message/broadcast", RetryKey)
    .about("Send a broadcast message", "send-broadcast-message")
    .limit(60, Hour)
    .dry_run(&VALIDATE_BROADCAST);
/// Narrowcast to an audience.
pub const NARROWCAST: Endpoint = op("narrowcast", Post, "/v2/bot/message/narrowcast", RetryKey)
    .about("Send a narrowcast message", "send-narrowcast-message")
    .limit(60, Hour)
    .dry_run(&VALIDATE_NARROWCAST);
/// A narrowcast's progress.
pub const NARROWCAST_PROGRESS: Endpoint = op(
    "narrowcast-progress",
    Get,
    "/v2/bot/message/progress/narrowcast",
    Free,
)
.about(
    "Get the progress of a narrowcast",
    "get-narrowcast-progress-status",
)
.query(&["requestId"])
.polls("phase", &["succeeded", "failed"]);
/// Validate push messages.
pub const VALIDATE_PUSH: Endpoint =
    op("validate-push", Post, "/v2/bot/message/validate/push", Free).about(
        "Validate push messages",
        "validate-message-objects-of-push-message",
    );
/// Validate reply messages.
pub const VALIDATE_REPLY: Endpoint = op(
    "validate-reply",
    Post,
    "/v2/bot/message/validate/reply",
    Free,
)
.about(
    "Validate reply messages",
    "validate-message-objects-of-reply-message",
);
/// Validate multicast messages.
pub const VALIDATE_MULTICAST: Endpoint = op(
    "validate-multicast",
    Post,
    "/v2/bot/message/validate/multicast",
    Free,
)
.about(
    "Validate multicast messages",
    "validate-message-objects-of-multicast-message",
);
/// Validate broadcast messages.
pub const VALIDATE_BROADCAST: Endpoint = op(
    "validate-broadcast",
    Post,
    "/v2/bot/message/validate/broadcast",
    Free,
)
.about(
    "Validate broadcast messages",
    "validate-message-objects-of-broadcast-message",
);
/// Validate narrowcast messages.
pub const VALIDATE_NARROWCAST: Endpoint = op(
    "validate-narrowcast",
    Post,
    "/v2/bot/message/validate/narrowcast",
    Free,
)
.about(
    "Validate narrowcast messages",
    "validate-message-objects-of-narrowcast-message",
);
/// This month's quota.
pub const QUOTA: Endpoint =
    op("quota", Get, "/v2/bot/message/quota", Free).about("Get the message quota", "get-quota");
/// This month's consumption.
pub const QUOTA_CONSUMPTION: Endpoint = op(
    "quota-consumption",
    Get,
    "/v2/bot/message/quota/consumption",
    Free,
)
.about("Get the messages sent this month", "get-consumption");
/// Push messages sent on a day.
pub const DELIVERY_PUSH: Endpoint = op("delivery-push", Get, "/v2/bot/message/delivery/push", Free)
    .about(
        "Count push messages sent on a day",
        "get-number-of-push-messages",
    )
    .query(&["date"]);
/// Reply messages sent on a day.
pub const DELIVERY_REPLY: Endpoint = op(
    "delivery-reply",
    Get,
    "/v2/bot/message/delivery/reply",
    Free,
)
.about(
    "Count reply messages sent on a day",
    "get-number-of-reply-messages",
)
.query(&["date"]);
/// Multicast messages sent on a day.
pub const DELIVERY_MULTICAST: Endpoint = op(
    "delivery-multicast",
    Get,
    "/v2/bot/message/delivery/multicast",
    Free,
)
.about(
    "Count multicast messages sent on a day",
    "get-number-of-multicast-messages",
)
.query(&["date"]);
/// Broadcast messages sent on a day.
pub const DELIVERY_BROADCAST: Endpoint = op(
    "delivery-broadcast",
    Get,
    "/v2/bot/message/delivery/broadcast",
    Free,
)
.about(
    "Count broadcast messages sent on a day",
    "get-number-of-broadcast-messages",
)
.query(&["date"]);
/// Send a LINE notification message to a phone number.
pub const PUSH_MESSAGES_BY_PHONE: Endpoint =
    op("push-messages-by-phone", Post, "/bot/pnp/push", Once)
        .about(
            "Send a LINE notification message",
            "https://developers.line.biz/en/reference/partner-docs/#send-line-notification-message",
        )
        .header("xLineDeliveryTag", "x-line-delivery-tag")
        .rules(&[("to", PHONE), ("xLineDeliveryTag", header_chars(16, 100))]);
/// LINE notification messages sent on a day.
pub const GET_PNP_MESSAGE_STATISTICS: Endpoint = op(
    "get-pnp-message-statistics",
    Get,
    "/v2/bot/message/delivery/pnp",
    Free,
)
.about(
    "Count LINE notification messages sent on a day",
    "https://developers.line.biz/en/reference/partner-docs/#get-number-of-sent-line-notification-messages",
)
.query(&["date"]);

/// A user's profile.
pub const GET_PROFILE: Endpoint = op("get-profile", Get, "/v2/bot/profile/{userId}", Free)
    .about("Get a user's profile", "get-profile");
/// The account's friends.
pub const GET_FOLLOWERS: Endpoint = op("get-followers", Get, "/v2/bot/followers/ids", Free)
    .about("List the account's friends", "get-follower-ids")
    .query(&["start", "limit"])
    .paged("userIds");
/// The bot's own account.
pub const GET_BOT_INFO: Endpoint =
    op("get-bot-info", Get, "/v2/bot/info", Free).about("Get the bot's account", "get-bot-info");
/// A group chat's summary.
pub const GET_GROUP_SUMMARY: Endpoint = op(
    "get-group-summary",
    Get,
    "/v2/bot/group/{groupId}/summary",
    Free,
)
.about("Get a group chat's name and icon", "get-group-summary");
/// A group chat's member count.
pub const GET_GROUP_MEMBER_COUNT: Endpoint = op(
    "get-group-member-count",
    Get,
    "/v2/bot/group/{groupId}/members/count",
    Free,
)
.about("Count a group chat's members", "get-members-group-count");
/// A group chat's member ids.
pub const GET_GROUP_MEMBERS_IDS: Endpoint = op(
    "get-group-members-ids",
    Get,
    "/v2/bot/group/{groupId}/members/ids",
    Free,
)
.about("List a group chat's members", "get-group-member-user-ids")
.query(&["start"])
.paged("memberIds");
/// A group chat member's profile.
pub const GET_GROUP_MEMBER_PROFILE: Endpoint = op(
    "get-group-member-profile",
    Get,
    "/v2/bot/group/{groupId}/member/{userId}",
    Free,
)
.about(
    "Get a group chat member's profile",
    "get-group-member-profile",
);
/// Leave a group chat.
pub const LEAVE_GROUP: Endpoint = op("leave-group", Post, "/v2/bot/group/{groupId}/leave", Free)
    .about("Leave a group chat", "leave-group")
    .no_body();
/// A room's member count.
pub const GET_ROOM_MEMBER_COUNT: Endpoint = op(
    "get-room-member-count",
    Get,
    "/v2/bot/room/{roomId}/members/count",
    Free,
)
.about(
    "Count a multi-person chat's members",
    "get-members-room-count",
);
/// A room's member ids.
pub const GET_ROOM_MEMBERS_IDS: Endpoint = op(
    "get-room-members-ids",
    Get,
    "/v2/bot/room/{roomId}/members/ids",
    Free,
)
.about(
    "List a multi-person chat's members",
    "get-room-member-user-ids",
)
.query(&["start"])
.paged("memberIds");
/// A room member's profile.
pub const GET_ROOM_MEMBER_PROFILE: Endpoint = op(
    "get-room-member-profile",
    Get,
    "/v2/bot/room/{roomId}/member/{userId}",
    Free,
)
.about(
    "Get a multi-person chat member's profile",
    "get-room-member-profile",
);
/// Leave a room.
pub const LEAVE_ROOM: Endpoint = op("leave-room", Post, "/v2/bot/room/{roomId}/leave", Free)
    .about("Leave a multi-person chat", "leave-room")
    .no_body();
/// Mark a user's messages as read.
pub const MARK_MESSAGES_AS_READ: Endpoint = op(
    "mark-messages-as-read",
    Post,
    "/v2/bot/message/markAsRead",
    Free,
)
.about(
    "Mark a user's messages as read",
    "mark-messages-from-users-as-read",
);
/// Mark messages as read by a webhook's token.
pub const MARK_MESSAGES_AS_READ_BY_TOKEN: Endpoint = op(
    "mark-messages-as-read-by-token",
    Post,
    "/v2/bot/chat/markAsRead",
    Free,
)
.about("Mark messages as read by token", "mark-as-read");
/// An account-link token.
pub const ISSUE_LINK_TOKEN: Endpoint = op(
    "issue-link-token",
    Post,
    "/v2/bot/user/{userId}/linkToken",
    Free,
)
.about("Issue an account-link token", "issue-link-token")
.no_body();
/// The webhook endpoint setting.
pub const GET_WEBHOOK_ENDPOINT: Endpoint = op(
    "get-webhook-endpoint",
    Get,
    "/v2/bot/channel/webhook/endpoint",
    Free,
)
.about(
    "Get the webhook endpoint",
    "get-webhook-endpoint-information",
)
.limit(1_000, Minute);
/// Set the webhook URL.
pub const SET_WEBHOOK_ENDPOINT: Endpoint = op(
    "set-webhook-endpoint",
    Put,
    "/v2/bot/channel/webhook/endpoint",
    Free,
)
.about("Set the webhook endpoint", "set-webhook-endpoint-url")
.limit(1_000, Minute);
/// Test the webhook endpoint.
pub const TEST_WEBHOOK_ENDPOINT: Endpoint = op(
    "test-webhook-endpoint",
    Post,
    "/v2/bot/channel/webhook/test",
    Free,
)
.about("Test the webhook endpoint", "test-webhook-endpoint")
.limit(60, Hour);
/// Aggregation units used this month.
pub const GET_AGGREGATION_UNIT_USAGE: Endpoint = op(
    "get-aggregation-unit-usage",
    Get,
    "/v2/bot/message/aggregation/info",
    Free,
)
.about(
    "Count the aggregation units used this month",
    "get-number-of-units-used-this-month",
);
/// Aggregation unit names used this month.
pub const GET_AGGREGATION_UNIT_NAME_LIST: Endpoint = op(
    "get-aggregation-unit-name-list",
    Get,
    "/v2/bot/message/aggregation/list",
    Free,
)
.about(
    "List the aggregation units used this month",
    "get-name-list-of-units-used-this-month",
)
.query(&["limit", "start"])
.paged("customAggregationUnits")
// LINE takes this page size as text.
.rules(&[("limit", range(1, 100))]);

/// What a user sent.
pub const GET_MESSAGE_CONTENT: Endpoint = op(
    "get-message-content",
    Get,
    "/v2/bot/message/{messageId}/content",
    Free,
)
.about("Download what a user sent", "get-content")
.on_data_host()
.bytes();
/// The preview of an image or video a user sent.
pub const GET_MESSAGE_CONTENT_PREVIEW: Endpoint = op(
    "get-message-content-preview",
    Get,
    "/v2/bot/message/{messageId}/content/preview",
    Free,
)
.about(
    "Download the preview of an image or video",
    "get-image-or-video-preview",
)
.on_data_host()
.bytes();
/// Whether a video or audio is ready.
pub const GET_MESSAGE_CONTENT_TRANSCODING_BY_MESSAGE_ID: Endpoint = op(
    "get-message-content-transcoding-by-message-id",
    Get,
    "/v2/bot/message/{messageId}/content/transcoding",
    Free,
)
.about(
    "Check whether a video or audio is ready",
    "verify-video-or-audio-preparation-status",
)
.on_data_host();

/// Create a rich menu.
pub const CREATE_RICH_MENU: Endpoint = op("create-rich-menu", Post, "/v2/bot/richmenu", Once)
    .about("Create a rich menu", "create-rich-menu")
    .limit(100, Hour);
/// Validate a rich menu.
pub const VALIDATE_RICH_MENU_OBJECT: Endpoint = op(
    "validate-rich-menu-object",
    Post,
    "/v2/bot/richmenu/validate",
    Free,
)
.about("Validate a rich menu", "validate-rich-menu-object");
/// A rich menu.
pub const GET_RICH_MENU: Endpoint = op("get-rich-menu", Get, "/v2/bot/richmenu/{richMenuId}", Free)
    .about("Get a rich menu", "get-rich-menu");
/// Every rich menu.
pub const GET_RICH_MENU_LIST: Endpoint =
    op("get-rich-menu-list", Get, "/v2/bot/richmenu/list", Free)
        .about("List the rich menus", "get-rich-menu-list")
        .limit(10, Second);
/// Upload a rich menu's image (LINE takes one per menu: never resent).
pub const SET_RICH_MENU_IMAGE: Endpoint = op(
    "set-rich-menu-image",
    Post,
    "/v2/bot/richmenu/{richMenuId}/content",
    Once,
)
.about("Upload a rich menu's image", "upload-rich-menu-image")
.on_data_host()
.image();
/// Download a rich menu's image.
pub const GET_RICH_MENU_IMAGE: Endpoint = op(
    "get-rich-menu-image",
    Get,
    "/v2/bot/richmenu/{richMenuId}/content",
    Free,
)
.about("Download a rich menu's image", "download-rich-menu-image")
.on_data_host()
.bytes();
/// Make a rich menu the default.
pub const SET_DEFAULT_RICH_MENU: Endpoint = op(
    "set-default-rich-menu",
    Post,
    "/v2/bot/user/all/richmenu/{richMenuId}",
    Free,
)
.about("Set the default rich menu", "set-default-rich-menu")
.no_body();
/// The default rich menu's id.
pub const GET_DEFAULT_RICH_MENU_ID: Endpoint = op(
    "get-default-rich-menu-id",
    Get,
    "/v2/bot/user/all/richmenu",
    Free,
)
.about("Get the default rich menu's id", "get-default-rich-menu-id");
/// Link a rich menu to a user.
pub const LINK_RICH_MENU_ID_TO_USER: Endpoint = op(
    "link-rich-menu-id-to-user",
    Post,
    "/v2/bot/user/{userId}/richmenu/{richMenuId}",
    Free,
)
.about("Link a rich menu to a user", "link-rich-menu-to-user")
.no_body();
/// The rich menu linked to a user.
pub const GET_RICH_MENU_ID_OF_USER: Endpoint = op(
    "get-rich-menu-id-of-user",
    Get,
    "/v2/bot/user/{userId}/richmenu",
    Free,
)
.about(
    "Get the rich menu linked to a user",
    "get-rich-menu-id-of-user",
);
/// Link a rich menu to users, in batches of 500.
pub const LINK_RICH_MENU_ID_TO_USERS: Endpoint = op(
    "link-rich-menu-id-to-users",
    Post,
    "/v2/bot/richmenu/bulk/link",
    Free,
)
.about("Link a rich menu to users", "link-rich-menu-to-users")
.batches("userIds", 500);
/// Unlink users' rich menus, in batches of 500.
pub const UNLINK_RICH_MENU_ID_FROM_USERS: Endpoint = op(
    "unlink-rich-menu-id-from-users",
    Post,
    "/v2/bot/richmenu/bulk/unlink",
    Free,
)
.about(
    "Unlink the rich menus of users",
    "unlink-rich-menu-from-users",
)
.batches("userIds", 500);
/// Unlink a user's rich menu.
pub const UNLINK_RICH_MENU_ID_FROM_USER: Endpoint = op(
    "unlink-rich-menu-id-from-user",
    Delete,
    "/v2/bot/user/{userId}/richmenu",
    Free,
)
.about("Unlink a user's rich menu", "unlink-rich-menu-from-user");
/// Give a rich menu an alias.
pub const CREATE_RICH_MENU_ALIAS: Endpoint = op(
    "create-rich-menu-alias",
    Post,
    "/v2/bot/richmenu/alias",
    Once,
)
.about("Create a rich menu alias", "create-rich-menu-alias");
/// A rich menu alias.
pub const GET_RICH_MENU_ALIAS: Endpoint = op(
    "get-rich-menu-alias",
    Get,
    "/v2/bot/richmenu/alias/{richMenuAliasId}",
    Free,
)
.about("Get a rich menu alias", "get-rich-menu-alias-by-id");
/// Point an alias at another rich menu.
pub const UPDATE_RICH_MENU_ALIAS: Endpoint = op(
    "update-rich-menu-alias",
    Post,
    "/v2/bot/richmenu/alias/{richMenuAliasId}",
    Free,
)
.about("Update a rich menu alias", "update-rich-menu-alias");
/// Every rich menu alias.
pub const GET_RICH_MENU_ALIAS_LIST: Endpoint = op(
    "get-rich-menu-alias-list",
    Get,
    "/v2/bot/richmenu/alias/list",
    Free,
)
.about("List the rich menu aliases", "get-rich-menu-alias-list");
/// Delete a rich menu alias.
pub const DELETE_RICH_MENU_ALIAS: Endpoint = op(
    "delete-rich-menu-alias",
    Delete,
    "/v2/bot/richmenu/alias/{richMenuAliasId}",
    Free,
)
.about("Delete a rich menu alias", "delete-rich-menu-alias")
.limit(100, Hour);
/// Validate a batch change of users' rich menus.
pub const VALIDATE_RICH_MENU_BATCH_REQUEST: Endpoint = op(
    "validate-rich-menu-batch-request",
    Post,
    "/v2/bot/richmenu/validate/batch",
    Free,
)
.about(
    "Validate a batch change of users' rich menus",
    "validate-batch-control-rich-menus-request",
);
/// Change users' rich menus in a batch.
pub const RICH_MENU_BATCH: Endpoint = op("rich-menu-batch", Post, "/v2/bot/richmenu/batch", Free)
    .about(
        "Change users' rich menus in a batch",
        "batch-control-rich-menus-of-users",
    )
    .limit(3, Hour);
/// A batch change's progress.
pub const GET_RICH_MENU_BATCH_PROGRESS: Endpoint = op(
    "get-rich-menu-batch-progress",
    Get,
    "/v2/bot/richmenu/progress/batch",
    Free,
)
.about(
    "Get the progress of a batch change of rich menus",
    "get-batch-control-rich-menus-progress-status",
)
.query(&["requestId"])
.polls("phase", &["succeeded", "failed"])
.limit(100, Hour);
/// Stop showing a default rich menu.
pub const CANCEL_DEFAULT_RICH_MENU: Endpoint = op(
    "cancel-default-rich-menu",
    Delete,
    "/v2/bot/user/all/richmenu",
    Free,
)
.about("Cancel the default rich menu", "cancel-default-rich-menu");
/// Delete a rich menu.
pub const DELETE_RICH_MENU: Endpoint = op(
    "delete-rich-menu",
    Delete,
    "/v2/bot/richmenu/{richMenuId}",
    Free,
)
.about("Delete a rich menu", "delete-rich-menu")
.limit(100, Hour);

/// Create an audience from user ids (JSON, or by file above 10,000).
pub const CREATE_AUDIENCE_GROUP: Endpoint = op(
    "create-audience-group",
    Post,
    "/v2/bot/audienceGroup/upload",
    Once,
)
.about(
    "Create an audience from user ids",
    "create-upload-audience-group",
)
.limit(60, Minute)
.by_file(&CREATE_AUDIENCE_FOR_UPLOADING_USER_IDS, 10_000);
/// Add user ids to an audience (JSON, or by file above 10,000).
pub const ADD_AUDIENCE_TO_AUDIENCE_GROUP: Endpoint = op(
    "add-audience-to-audience-group",
    Put,
    "/v2/bot/audienceGroup/upload",
    Free,
)
.about(
    "Add user ids to an audience",
    "update-upload-audience-group",
)
.limit(60, Minute)
.by_file(&ADD_USER_IDS_TO_AUDIENCE, 10_000);
/// Create an audience from a file of user ids.
pub const CREATE_AUDIENCE_FOR_UPLOADING_USER_IDS: Endpoint = op(
    "create-audience-for-uploading-user-ids",
    Post,
    "/v2/bot/audienceGroup/upload/byFile",
    Once,
)
.about(
    "Create an audience from a file of user ids",
    "create-upload-audience-group-by-file",
)
.limit(60, Minute)
.on_data_host()
.multipart();
/// Add a file of user ids to an audience.
pub const ADD_USER_IDS_TO_AUDIENCE: Endpoint = op(
    "add-user-ids-to-audience",
    Put,
    "/v2/bot/audienceGroup/upload/byFile",
    Free,
)
.about(
    "Add a file of user ids to an audience",
    "update-upload-audience-group-by-file",
)
.limit(60, Minute)
.on_data_host()
.multipart();
/// Create an audience of the users who clicked a message's URL.
pub const CREATE_CLICK_BASED_AUDIENCE_GROUP: Endpoint = op(
    "create-click-based-audience-group",
    Post,
    "/v2/bot/audienceGroup/click",
    Once,
)
.about(
    "Create an audience of the users who clicked a message",
    "create-click-audience-group",
)
.limit(60, Minute);
/// Create an audience of the users who saw a message.
pub const CREATE_IMP_BASED_AUDIENCE_GROUP: Endpoint = op(
    "create-imp-based-audience-group",
    Post,
    "/v2/bot/audienceGroup/imp",
    Once,
)
.about(
    "Create an audience of the users who saw a message",
    "create-imp-audience-group",
)
.limit(60, Minute);
/// Rename an audience.
pub const UPDATE_AUDIENCE_GROUP_DESCRIPTION: Endpoint = op(
    "update-audience-group-description",
    Put,
    "/v2/bot/audienceGroup/{audienceGroupId}/updateDescription",
    Free,
)
.about("Rename an audience", "set-description-audience-group")
.limit(60, Minute);
/// Delete an audience.
pub const DELETE_AUDIENCE_GROUP: Endpoint = op(
    "delete-audience-group",
    Delete,
    "/v2/bot/audienceGroup/{audienceGroupId}",
    Free,
)
.about("Delete an audience", "delete-audience-group")
.limit(60, Minute);
/// An audience, waited for until LINE has built it.
pub const GET_AUDIENCE_DATA: Endpoint = op(
    "get-audience-data",
    Get,
    "/v2/bot/audienceGroup/{audienceGroupId}",
    Free,
)
.about("Get an audience", "get-audience-group")
.polls("audienceGroup.status", &["READY", "FAILED", "EXPIRED"])
.limit(60, Minute);
/// The account's audiences.
pub const GET_AUDIENCE_GROUPS: Endpoint = op(
    "get-audience-groups",
    Get,
    "/v2/bot/audienceGroup/list",
    Free,
)
.about("List the audiences", "get-audience-groups")
.query(&[
    "page",
    "description",
    "status",
    "size",
    "includesExternalPublicGroups",
    "createRoute",
])
.paged_by_number("audienceGroups")
.limit(60, Minute);
/// An audience shared with the account.
pub const GET_SHARED_AUDIENCE_DATA: Endpoint = op(
    "get-shared-audience-data",
    Get,
    "/v2/bot/audienceGroup/shared/{audienceGroupId}",
    Free,
)
.about("Get a shared audience", "get-shared-audience")
.limit(60, Minute);
/// The audiences shared with the account.
pub const GET_SHARED_AUDIENCE_GROUPS: Endpoint = op(
    "get-shared-audience-groups",
    Get,
    "/v2/bot/audienceGroup/shared/list",
    Free,
)
.about("List the shared audiences", "get-shared-audience-list")
.query(&[
    "page",
    "description",
    "status",
    "size",
    "createRoute",
    "includesOwnedAudienceGroups",
])
.paged_by_number("audienceGroups")
.limit(60, Minute);

/// The friends' demographics.
pub const GET_FRIENDS_DEMOGRAPHICS: Endpoint = op(
    "get-friends-demographics",
    Get,
    "/v2/bot/insight/demographic",
    Free,
)
.about("Get the friends' demographics", "get-demographic")
.limit(60, Hour);
/// Messages delivered on a day.
pub const GET_NUMBER_OF_MESSAGE_DELIVERIES: Endpoint = op(
    "get-number-of-message-deliveries",
    Get,
    "/v2/bot/insight/message/delivery",
    Free,
)
.about(
    "Count the messages delivered on a day",
    "get-number-of-delivery-messages",
)
.limit(60, Hour)
.query(&["date"]);
/// Friends on a day.
pub const GET_NUMBER_OF_FOLLOWERS: Endpoint = op(
    "get-number-of-followers",
    Get,
    "/v2/bot/insight/followers",
    Free,
)
.about("Count the friends on a day", "get-number-of-followers")
.limit(60, Hour)
.query(&["date"]);
/// A sent message's impressions and taps.
pub const GET_MESSAGE_EVENT: Endpoint = op(
    "get-message-event",
    Get,
    "/v2/bot/insight/message/event",
    Free,
)
.about(
    "Get a sent message's impressions and taps",
    "get-message-event",
)
.limit(60, Hour)
.query(&["requestId"]);
/// A custom aggregation unit's statistics.
pub const GET_STATISTICS_PER_UNIT: Endpoint = op(
    "get-statistics-per-unit",
    Get,
    "/v2/bot/insight/message/event/aggregation",
    Free,
)
.about(
    "Get a custom aggregation unit's statistics",
    "get-statistics-per-unit",
)
.limit(60, Hour)
.query(&["customAggregationUnit", "from", "to"])
.rules(&[("from", DATE), ("to", DATE)]);
/// A rich menu's impressions and taps in sum.
pub const GET_RICH_MENU_INSIGHT_SUMMARY: Endpoint = op(
    "get-rich-menu-insight-summary",
    Get,
    "/v2/bot/insight/richmenu/{richMenuId}/summary",
    Free,
)
.about(
    "Get a rich menu's impressions and taps",
    "get-rich-menu-insight-summary",
)
.limit(60, Hour)
.query(&["from", "to"])
.rules(&[("from", DATE), ("to", DATE)]);
/// A rich menu's impressions and taps day by day.
pub const GET_RICH_MENU_INSIGHT_DAILY: Endpoint = op(
    "get-rich-menu-insight-daily",
    Get,
    "/v2/bot/insight/richmenu/{richMenuId}/daily",
    Free,
)
.about(
    "Get a rich menu's impressions and taps day by day",
    "get-rich-menu-insight-daily",
)
.limit(60, Hour)
.query(&["from", "to"])
.rules(&[("from", DATE), ("to", DATE)]);

/// The plans a user subscribes to.
pub const GET_MEMBERSHIP_SUBSCRIPTION: Endpoint = op(
    "get-membership-subscription",
    Get,
    "/v2/bot/membership/subscription/{userId}",
    Free,
)
.about(
    "Get a user's membership subscriptions",
    "get-a-users-membership-subscription-status",
)
.limit(200, Second);
/// The account's plans.
pub const GET_MEMBERSHIP_LIST: Endpoint =
    op("get-membership-list", Get, "/v2/bot/membership/list", Free)
        .about("List the membership plans", "get-membership-plans")
        .limit(200, Second);
/// A plan's users.
pub const GET_JOINED_MEMBERSHIP_USERS: Endpoint = op(
    "get-joined-membership-users",
    Get,
    "/v2/bot/membership/{membershipId}/users/ids",
    Free,
)
.about("List a membership plan's users", "get-membership-user-ids")
.query(&["start", "limit"])
.paged("userIds");

/// Create a coupon.
pub const CREATE_COUPON: Endpoint = op("create-coupon", Post, "/v2/bot/coupon", Once)
    .about("Create a coupon", "create-coupon")
    .rules(&[("description", chars(0, 1000))])
    .limit(200, Second);
/// The coupons.
pub const LIST_COUPON: Endpoint = op("list-coupon", Get, "/v2/bot/coupon", Free)
    .about("List coupons", "get-coupons-list")
    .query(&["status", "start", "limit"])
    .paged("items")
    .rules(&[("limit", range(1, 100))])
    .limit(200, Second);
/// A coupon.
pub const GET_COUPON_DETAIL: Endpoint =
    op("get-coupon-detail", Get, "/v2/bot/coupon/{couponId}", Free)
        .about("Get a coupon", "get-coupon")
        .limit(200, Second);
/// Close a coupon.
pub const CLOSE_COUPON: Endpoint = op("close-coupon", Put, "/v2/bot/coupon/{couponId}/close", Free)
    .about("Close a coupon", "discontinue-coupon")
    .no_body()
    .limit(200, Second);

/// Add a LIFF app.
pub const ADD_LIFF_APP: Endpoint = op("add-liff-app", Post, "/liff/v1/apps", Once).about(
    "Add a LIFF app",
    "https://developers.line.biz/en/reference/liff-server/#add-liff-app",
);
/// The channel's LIFF apps.
pub const GET_ALL_LIFF_APPS: Endpoint = op("get-all-liff-apps", Get, "/liff/v1/apps", Free).about(
    "List the LIFF apps",
    "https://developers.line.biz/en/reference/liff-server/#get-all-liff-apps",
);
/// Update a LIFF app.
pub const UPDATE_LIFF_APP: Endpoint = op("update-liff-app", Put, "/liff/v1/apps/{liffId}", Free)
    .about(
        "Update a LIFF app",
        "https://developers.line.biz/en/reference/liff-server/#update-liff-app",
    );
/// Delete a LIFF app.
pub const DELETE_LIFF_APP: Endpoint = op("delete-liff-app", Delete, "/liff/v1/apps/{liffId}", Free)
    .about(
        "Delete a LIFF app",
        "https://developers.line.biz/en/reference/liff-server/#delete-liff-app",
    );

/// Detach the module from an account.
pub const DETACH_MODULE: Endpoint =
    op("detach-module", Post, "/v2/bot/channel/detach", Free).about(
        "Detach the module from an account",
        "https://developers.line.biz/en/reference/partner-docs/#unlink-detach-module-channel-by-operation-mc-admin",
    );
/// Take control of a chat.
pub const ACQUIRE_CHAT_CONTROL: Endpoint = op(
    "acquire-chat-control",
    Post,
    "/v2/bot/chat/{chatId}/control/acquire",
    Free,
)
.about(
    "Take control of a chat",
    "https://developers.line.biz/en/reference/partner-docs/#acquire-control-api",
)
.rules(&[("chatId", RECEIVER), ("ttl", range(0, 31_536_000))]);
/// Give control of a chat back.
pub const RELEASE_CHAT_CONTROL: Endpoint = op(
    "release-chat-control",
    Post,
    "/v2/bot/chat/{chatId}/control/release",
    Free,
)
.about(
    "Give control of a chat back",
    "https://developers.line.biz/en/reference/partner-docs/#release-control-api",
)
.no_body()
.rules(&[("chatId", RECEIVER)]);
/// The accounts the module is attached to.
pub const GET_MODULES: Endpoint = op("get-modules", Get, "/v2/bot/list", Free)
    .about(
        "List the accounts the module is attached to",
        "https://developers.line.biz/en/reference/partner-docs/#get-multiple-bot-info-api",
    )
    .query(&["start", "limit"])
    .paged("bots")
    .rules(&[("limit", range(1, 100))]);

/// Attach the module to an account.
pub const ATTACH_MODULE: Endpoint = op("attach-module", Post, "/module/auth/v1/token", Once)
    .about(
        "Attach the module to an account",
        "https://developers.line.biz/en/reference/partner-docs/#link-attach-by-operation-module-channel-provider",
    )
    .on_manager_host();

/// Give a user a mission sticker.
pub const MISSION_STICKER_V3: Endpoint = op("mission-sticker-v3", Post, "/shop/v3/mission", Once)
    .about(
        "Give a user a mission sticker",
        "https://developers.line.biz/en/reference/partner-docs/#send-mission-stickers-v3",
    );

/// Issue a stateless channel access token (15 minutes).
pub const ISSUE_STATELESS_CHANNEL_TOKEN: Endpoint = op(
    "issue-stateless-channel-token",
    Post,
    "/oauth2/v3/token",
    Free,
)
.about(
    "Issue a stateless channel access token",
    "issue-stateless-channel-access-token",
)
.oauth(&[Fill::GrantType, Fill::SecretOrAssertion]);
/// Issue a short-lived channel access token (30 days).
pub const ISSUE_CHANNEL_TOKEN: Endpoint =
    op("issue-channel-token", Post, "/v2/oauth/accessToken", Once)
        .about(
            "Issue a short-lived channel access token",
            "issue-shortlived-channel-access-token",
        )
        .oauth(&[Fill::GrantType, Fill::Secret])
        .limit(370, Second);
/// Issue a channel access token v2.1 with a JWT assertion.
pub const ISSUE_CHANNEL_TOKEN_BY_JWT: Endpoint = op(
    "issue-channel-token-by-jwt",
    Post,
    "/oauth2/v2.1/token",
    Once,
)
.about(
    "Issue a channel access token v2.1",
    "issue-channel-access-token-v2-1",
)
.oauth(&[Fill::GrantType, Fill::Assertion]);
/// Verify a short-lived or long-lived channel access token.
pub const VERIFY_CHANNEL_TOKEN: Endpoint =
    op("verify-channel-token", Post, "/v2/oauth/verify", Free)
        .about(
            "Verify a channel access token",
            "verify-channel-access-token",
        )
        .oauth(&[Fill::Token]);
/// Verify a channel access token v2.1.
pub const VERIFY_CHANNEL_TOKEN_BY_JWT: Endpoint = op(
    "verify-channel-token-by-jwt",
    Get,
    "/oauth2/v2.1/verify",
    Free,
)
.about(
    "Verify a channel access token v2.1",
    "verify-channel-access-token-v2-1",
)
.query(&["access_token"])
.oauth(&[Fill::Token]);
/// Revoke a short-lived or long-lived channel access token.
pub const REVOKE_CHANNEL_TOKEN: Endpoint =
    op("revoke-channel-token", Post, "/v2/oauth/revoke", Free)
        .about(
            "Revoke a channel access token",
            "revoke-longlived-or-shortlived-channel-access-token",
        )
        .oauth(&[]);
/// Revoke a channel access token v2.1.
pub const REVOKE_CHANNEL_TOKEN_BY_JWT: Endpoint = op(
    "revoke-channel-token-by-jwt",
    Post,
    "/oauth2/v2.1/revoke",
    Free,
)
.about(
    "Revoke a channel access token v2.1",
    "revoke-channel-access-token-v2-1",
)
.oauth(&[Fill::Secret]);
/// The key ids of the channel's valid v2.1 tokens.
pub const GETS_ALL_VALID_CHANNEL_ACCESS_TOKEN_KEY_IDS: Endpoint = op(
    "gets-all-valid-channel-access-token-key-ids",
    Get,
    "/oauth2/v2.1/tokens/kid",
    Free,
)
.about(
    "List the key ids of the valid v2.1 tokens",
    "get-all-valid-channel-access-token-key-ids-v2-1",
)
.query(&["client_assertion_type", "client_assertion"])
.oauth(&[Fill::Assertion]);

/// Every endpoint, in the order of the WIT functions.
pub const ALL: &[&Endpoint] = &[
    &CHECK,
    &DISPLAY_LOADING,
    &PUSH,
    &REPLY,
    &MULTICAST,
    &BROADCAST,
    &NARROWCAST,
    &NARROWCAST_PROGRESS,
    &VALIDATE_PUSH,
    &VALIDATE_REPLY,
    &VALIDATE_MULTICAST,
    &VALIDATE_BROADCAST,
    &VALIDATE_NARROWCAST,
    &QUOTA,
    &QUOTA_CONSUMPTION,
    &DELIVERY_PUSH,
    &DELIVERY_REPLY,
    &DELIVERY_MULTICAST,
    &DELIVERY_BROADCAST,
    &PUSH_MESSAGES_BY_PHONE,
    &GET_PNP_MESSAGE_STATISTICS,
    &GET_PROFILE,
    &GET_FOLLOWERS,
    &GET_BOT_INFO,
    &GET_GROUP_SUMMARY,
    &GET_GROUP_MEMBER_COUNT,
    &GET_GROUP_MEMBERS_IDS,
    &GET_GROUP_MEMBER_PROFILE,
    &LEAVE_GROUP,
    &GET_ROOM_MEMBER_COUNT,
    &GET_ROOM_MEMBERS_IDS,
    &GET_ROOM_MEMBER_PROFILE,
    &LEAVE_ROOM,
    &MARK_MESSAGES_AS_READ,
    &MARK_MESSAGES_AS_READ_BY_TOKEN,
    &ISSUE_LINK_TOKEN,
    &GET_WEBHOOK_ENDPOINT,
    &SET_WEBHOOK_ENDPOINT,
    &TEST_WEBHOOK_ENDPOINT,
    &GET_AGGREGATION_UNIT_USAGE,
    &GET_AGGREGATION_UNIT_NAME_LIST,
    &GET_MESSAGE_CONTENT,
    &GET_MESSAGE_CONTENT_PREVIEW,
    &GET_MESSAGE_CONTENT_TRANSCODING_BY_MESSAGE_ID,
    &CREATE_RICH_MENU,
    &VALIDATE_RICH_MENU_OBJECT,
    &GET_RICH_MENU,
    &GET_RICH_MENU_LIST,
    &SET_RICH_MENU_IMAGE,
    &GET_RICH_MENU_IMAGE,
    &SET_DEFAULT_RICH_MENU,
    &GET_DEFAULT_RICH_MENU_ID,
    &LINK_RICH_MENU_ID_TO_USER,
    &GET_RICH_MENU_ID_OF_USER,
    &LINK_RICH_MENU_ID_TO_USERS,
    &UNLINK_RICH_MENU_ID_FROM_USERS,
    &UNLINK_RICH_MENU_ID_FROM_USER,
    &CREATE_RICH_MENU_ALIAS,
    &GET_RICH_MENU_ALIAS,
    &UPDATE_RICH_MENU_ALIAS,
    &GET_RICH_MENU_ALIAS_LIST,
    &DELETE_RICH_MENU_ALIAS,
    &VALIDATE_RICH_MENU_BATCH_REQUEST,
    &RICH_MENU_BATCH,
    &GET_RICH_MENU_BATCH_PROGRESS,
    &CANCEL_DEFAULT_RICH_MENU,
    &DELETE_RICH_MENU,
    &CREATE_AUDIENCE_GROUP,
    &ADD_AUDIENCE_TO_AUDIENCE_GROUP,
    &CREATE_AUDIENCE_FOR_UPLOADING_USER_IDS,
    &ADD_USER_IDS_TO_AUDIENCE,
    &CREATE_CLICK_BASED_AUDIENCE_GROUP,
    &CREATE_IMP_BASED_AUDIENCE_GROUP,
    &UPDATE_AUDIENCE_GROUP_DESCRIPTION,
    &GET_AUDIENCE_DATA,
    &GET_AUDIENCE_GROUPS,
    &GET_SHARED_AUDIENCE_DATA,
    &GET_SHARED_AUDIENCE_GROUPS,
    &DELETE_AUDIENCE_GROUP,
    &GET_FRIENDS_DEMOGRAPHICS,
    &GET_NUMBER_OF_MESSAGE_DELIVERIES,
    &GET_NUMBER_OF_FOLLOWERS,
    &GET_MESSAGE_EVENT,
    &GET_STATISTICS_PER_UNIT,
    &GET_RICH_MENU_INSIGHT_SUMMARY,
    &GET_RICH_MENU_INSIGHT_DAILY,
    &GET_MEMBERSHIP_SUBSCRIPTION,
    &GET_MEMBERSHIP_LIST,
    &GET_JOINED_MEMBERSHIP_USERS,
    &CREATE_COUPON,
    &LIST_COUPON,
    &GET_COUPON_DETAIL,
    &CLOSE_COUPON,
    &ADD_LIFF_APP,
    &GET_ALL_LIFF_APPS,
    &UPDATE_LIFF_APP,
    &DELETE_LIFF_APP,
    &DETACH_MODULE,
    &ACQUIRE_CHAT_CONTROL,
    &RELEASE_CHAT_CONTROL,
    &GET_MODULES,
    &ATTACH_MODULE,
    &MISSION_STICKER_V3,
    &ISSUE_STATELESS_CHANNEL_TOKEN,
    &ISSUE_CHANNEL_TOKEN,
    &ISSUE_CHANNEL_TOKEN_BY_JWT,
    &VERIFY_CHANNEL_TOKEN,
    &VERIFY_CHANNEL_TOKEN_BY_JWT,
    &REVOKE_CHANNEL_TOKEN,
    &REVOKE_CHANNEL_TOKEN_BY_JWT,
    &GETS_ALL_VALID_CHANNEL_ACCESS_TOKEN_KEY_IDS,
];
