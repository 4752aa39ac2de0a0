//! Every action's success path, with the exact request LINE (the simulator)
//! received: method, path, query, headers and body.

use crate::support::*;
use line_connector_cli::examples::in_order;
use line_simulator::{CHANNEL_ACCESS_TOKEN, RETRY_KEY_PATHS, Recorded, Simulator};
use serde_json::{Value, json};

/// What a request carries after its head.
#[derive(Clone, Copy, PartialEq)]
enum Sent {
    /// The example input as it is (LINE's own field names), as JSON.
    Input,
    /// Nothing.
    Empty,
    /// The input's `image`, as bytes (base64 in the input), with its media
    /// type; the menu is read first to compare sizes.
    Image,
    /// The input with `to`, a phone number, as its SHA-256, and
    /// `xLineDeliveryTag` as the `X-Line-Delivery-Tag` header.
    Phone,
    /// `multipart/form-data`: the input's fields as parts, its `file` (base64
    /// in the input) as the part `file`.
    Form,
    /// LINE's token endpoints and attaching a module: the input's fields,
    /// and the credential fields the config fills in, form-encoded (or in
    /// the query of a GET); no bearer token.
    Credentials,
}

/// Each action, the method and path (with its parameters) LINE's reference
/// gives it, the query string (`None`: the example's fields), what its body
/// holds, and the status LINE answers with.
#[allow(clippy::type_complexity)]
const REFERENCE: &[(&str, &str, &str, Option<&str>, Sent, u16)] = &[
    ("check", "GET", "/v2/bot/info", Some(""), Sent::Empty, 200),
    (
        "display-loading",
        "POST",
        "/v2/bot/chat/loading/start",
        None,
        Sent::Input,
        202,
    ),
    (
        "push",
        "POST",
        "/v2/bot/message/push",
        None,
        Sent::Input,
        200,
    ),
    (
        "reply",
        "POST",
        "/v2/bot/message/reply",
        None,
        Sent::Input,
        200,
    ),
    (
        "multicast",
        "POST",
        "/v2/bot/message/multicast",
        None,
        Sent::Input,
        200,
    ),
    (
        "broadcast",
        "POST",
        "/v2/bot/message/broadcast",
        None,
        Sent::Input,
        200,
    ),
    (
        "narrowcast",
        "POST",
        "/v2/bot/message/narrowcast",
        None,
        Sent::Input,
        202,
    ),
    (
        "narrowcast-progress",
        "GET",
        "/v2/bot/message/progress/narrowcast",
        None,
        Sent::Empty,
        200,
    ),
    (
        "validate-push",
        "POST",
        "/v2/bot/message/validate/push",
        None,
        Sent::Input,
        200,
    ),
    (
        "validate-reply",
        "POST",
        "/v2/bot/message/validate/reply",
        None,
        Sent::Input,
        200,
    ),
    (
        "validate-multicast",
        "POST",
        "/v2/bot/message/validate/multicast",
        None,
        Sent::Input,
        200,
    ),
    (
        "validate-broadcast",
        "POST",
        "/v2/bot/message/validate/broadcast",
        None,
        Sent::Input,
        200,
    ),
    (
        "validate-narrowcast",
        "POST",
        "/v2/bot/message/validate/narrowcast",
        None,
        Sent::Input,
        200,
    ),
    (
        "quota",
        "GET",
        "/v2/bot/message/quota",
        None,
        Sent::Empty,
        200,
    ),
    (
        "quota-consumption",
        "GET",
        "/v2/bot/message/quota/consumption",
        None,
        Sent::Empty,
        200,
    ),
    (
        "delivery-push",
        "GET",
        "/v2/bot/message/delivery/push",
        None,
        Sent::Empty,
        200,
    ),
    (
        "delivery-reply",
        "GET",
        "/v2/bot/message/delivery/reply",
        None,
        Sent::Empty,
        200,
    ),
    (
        "delivery-multicast",
        "GET",
        "/v2/bot/message/delivery/multicast",
        None,
        Sent::Empty,
        200,
    ),
    (
        "delivery-broadcast",
        "GET",
        "/v2/bot/message/delivery/broadcast",
        None,
        Sent::Empty,
        200,
    ),
    (
        "push-messages-by-phone",
        "POST",
        "/bot/pnp/push",
        None,
        Sent::Phone,
        200,
    ),
    (
        "get-pnp-message-statistics",
        "GET",
        "/v2/bot/message/delivery/pnp",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-profile",
        "GET",
        "/v2/bot/profile/U00000000000000000000000000000001",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-followers",
        "GET",
        "/v2/bot/followers/ids",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-bot-info",
        "GET",
        "/v2/bot/info",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-group-summary",
        "GET",
        "/v2/bot/group/C00000000000000000000000000000001/summary",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-group-member-count",
        "GET",
        "/v2/bot/group/C00000000000000000000000000000001/members/count",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-group-members-ids",
        "GET",
        "/v2/bot/group/C00000000000000000000000000000001/members/ids",
        Some("start=page-200"),
        Sent::Empty,
        200,
    ),
    (
        "get-group-member-profile",
        "GET",
        "/v2/bot/group/C00000000000000000000000000000001/member/U00000000000000000000000000000001",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "leave-group",
        "POST",
        "/v2/bot/group/C00000000000000000000000000000002/leave",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-room-member-count",
        "GET",
        "/v2/bot/room/R00000000000000000000000000000001/members/count",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-room-members-ids",
        "GET",
        "/v2/bot/room/R00000000000000000000000000000001/members/ids",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-room-member-profile",
        "GET",
        "/v2/bot/room/R00000000000000000000000000000001/member/U00000000000000000000000000000002",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "leave-room",
        "POST",
        "/v2/bot/room/R00000000000000000000000000000002/leave",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "mark-messages-as-read",
        "POST",
        "/v2/bot/message/markAsRead",
        Some(""),
        Sent::Input,
        200,
    ),
    (
        "mark-messages-as-read-by-token",
        "POST",
        "/v2/bot/chat/markAsRead",
        Some(""),
        Sent::Input,
        200,
    ),
    (
        "issue-link-token",
        "POST",
        "/v2/bot/user/U00000000000000000000000000000001/linkToken",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-webhook-endpoint",
        "GET",
        "/v2/bot/channel/webhook/endpoint",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "set-webhook-endpoint",
        "PUT",
        "/v2/bot/channel/webhook/endpoint",
        Some(""),
        Sent::Input,
        200,
    ),
    (
        "test-webhook-endpoint",
        "POST",
        "/v2/bot/channel/webhook/test",
        Some(""),
        Sent::Input,
        200,
    ),
    (
        "get-aggregation-unit-usage",
        "GET",
        "/v2/bot/message/aggregation/info",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-aggregation-unit-name-list",
        "GET",
        "/v2/bot/message/aggregation/list",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-message-content",
        "GET",
        "/v2/bot/message/100001/content",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-message-content-preview",
        "GET",
        "/v2/bot/message/100001/content/preview",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-message-content-transcoding-by-message-id",
        "GET",
        "/v2/bot/message/100002/content/transcoding",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "create-rich-menu",
        "POST",
        "/v2/bot/richmenu",
        None,
        Sent::Input,
        200,
    ),
    (
        "validate-rich-menu-object",
        "POST",
        "/v2/bot/richmenu/validate",
        None,
        Sent::Input,
        200,
    ),
    (
        "get-rich-menu",
        "GET",
        "/v2/bot/richmenu/richmenu-00000000000000000000000000000001",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-rich-menu-list",
        "GET",
        "/v2/bot/richmenu/list",
        None,
        Sent::Empty,
        200,
    ),
    (
        "set-rich-menu-image",
        "POST",
        "/v2/bot/richmenu/richmenu-00000000000000000000000000000002/content",
        None,
        Sent::Image,
        200,
    ),
    (
        "get-rich-menu-image",
        "GET",
        "/v2/bot/richmenu/richmenu-00000000000000000000000000000001/content",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "set-default-rich-menu",
        "POST",
        "/v2/bot/user/all/richmenu/richmenu-00000000000000000000000000000001",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-default-rich-menu-id",
        "GET",
        "/v2/bot/user/all/richmenu",
        None,
        Sent::Empty,
        200,
    ),
    (
        "link-rich-menu-id-to-user",
        "POST",
        "/v2/bot/user/U00000000000000000000000000000002/richmenu/richmenu-00000000000000000000000000000001",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-rich-menu-id-of-user",
        "GET",
        "/v2/bot/user/U00000000000000000000000000000001/richmenu",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "link-rich-menu-id-to-users",
        "POST",
        "/v2/bot/richmenu/bulk/link",
        None,
        Sent::Input,
        202,
    ),
    (
        "unlink-rich-menu-id-from-users",
        "POST",
        "/v2/bot/richmenu/bulk/unlink",
        None,
        Sent::Input,
        202,
    ),
    (
        "unlink-rich-menu-id-from-user",
        "DELETE",
        "/v2/bot/user/U00000000000000000000000000000002/richmenu",
        None,
        Sent::Empty,
        200,
    ),
    (
        "create-rich-menu-alias",
        "POST",
        "/v2/bot/richmenu/alias",
        None,
        Sent::Input,
        200,
    ),
    (
        "get-rich-menu-alias",
        "GET",
        "/v2/bot/richmenu/alias/soc-default",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "update-rich-menu-alias",
        "POST",
        "/v2/bot/richmenu/alias/soc-default",
        None,
        Sent::Input,
        200,
    ),
    (
        "get-rich-menu-alias-list",
        "GET",
        "/v2/bot/richmenu/alias/list",
        None,
        Sent::Empty,
        200,
    ),
    (
        "delete-rich-menu-alias",
        "DELETE",
        "/v2/bot/richmenu/alias/soc-incident",
        None,
        Sent::Empty,
        200,
    ),
    (
        "validate-rich-menu-batch-request",
        "POST",
        "/v2/bot/richmenu/validate/batch",
        None,
        Sent::Input,
        200,
    ),
    (
        "rich-menu-batch",
        "POST",
        "/v2/bot/richmenu/batch",
        None,
        Sent::Input,
        202,
    ),
    (
        "get-rich-menu-batch-progress",
        "GET",
        "/v2/bot/richmenu/progress/batch",
        None,
        Sent::Empty,
        200,
    ),
    (
        "cancel-default-rich-menu",
        "DELETE",
        "/v2/bot/user/all/richmenu",
        None,
        Sent::Empty,
        200,
    ),
    (
        "delete-rich-menu",
        "DELETE",
        "/v2/bot/richmenu/richmenu-00000000000000000000000000000002",
        None,
        Sent::Empty,
        200,
    ),
    (
        "create-audience-group",
        "POST",
        "/v2/bot/audienceGroup/upload",
        None,
        Sent::Input,
        202,
    ),
    (
        "add-audience-to-audience-group",
        "PUT",
        "/v2/bot/audienceGroup/upload",
        None,
        Sent::Input,
        202,
    ),
    (
        "create-audience-for-uploading-user-ids",
        "POST",
        "/v2/bot/audienceGroup/upload/byFile",
        None,
        Sent::Form,
        202,
    ),
    (
        "add-user-ids-to-audience",
        "PUT",
        "/v2/bot/audienceGroup/upload/byFile",
        None,
        Sent::Form,
        202,
    ),
    (
        "create-click-based-audience-group",
        "POST",
        "/v2/bot/audienceGroup/click",
        None,
        Sent::Input,
        202,
    ),
    (
        "create-imp-based-audience-group",
        "POST",
        "/v2/bot/audienceGroup/imp",
        None,
        Sent::Input,
        202,
    ),
    (
        "update-audience-group-description",
        "PUT",
        "/v2/bot/audienceGroup/4389303728991/updateDescription",
        None,
        Sent::Input,
        200,
    ),
    (
        "get-audience-data",
        "GET",
        "/v2/bot/audienceGroup/4389303728991",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-audience-groups",
        "GET",
        "/v2/bot/audienceGroup/list",
        Some("page=1&size=20"),
        Sent::Empty,
        200,
    ),
    (
        "get-shared-audience-data",
        "GET",
        "/v2/bot/audienceGroup/shared/5389303728992",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-shared-audience-groups",
        "GET",
        "/v2/bot/audienceGroup/shared/list",
        Some("page=1"),
        Sent::Empty,
        200,
    ),
    (
        "delete-audience-group",
        "DELETE",
        "/v2/bot/audienceGroup/4389303728991",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-friends-demographics",
        "GET",
        "/v2/bot/insight/demographic",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-number-of-message-deliveries",
        "GET",
        "/v2/bot/insight/message/delivery",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-number-of-followers",
        "GET",
        "/v2/bot/insight/followers",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-message-event",
        "GET",
        "/v2/bot/insight/message/event",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-statistics-per-unit",
        "GET",
        "/v2/bot/insight/message/event/aggregation",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-rich-menu-insight-summary",
        "GET",
        "/v2/bot/insight/richmenu/richmenu-00000000000000000000000000000001/summary",
        Some("from=20261101&to=20261122"),
        Sent::Empty,
        200,
    ),
    (
        "get-rich-menu-insight-daily",
        "GET",
        "/v2/bot/insight/richmenu/richmenu-00000000000000000000000000000001/daily",
        Some("from=20261120&to=20261122"),
        Sent::Empty,
        200,
    ),
    (
        "get-membership-subscription",
        "GET",
        "/v2/bot/membership/subscription/U00000000000000000000000000000001",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "get-membership-list",
        "GET",
        "/v2/bot/membership/list",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-joined-membership-users",
        "GET",
        "/v2/bot/membership/3189/users/ids",
        Some("limit=100"),
        Sent::Empty,
        200,
    ),
    (
        "create-coupon",
        "POST",
        "/v2/bot/coupon",
        None,
        Sent::Input,
        200,
    ),
    (
        "list-coupon",
        "GET",
        "/v2/bot/coupon",
        Some("status=RUNNING&limit=20"),
        Sent::Empty,
        200,
    ),
    (
        "get-coupon-detail",
        "GET",
        "/v2/bot/coupon/COUPON-00000000000000000001",
        Some(""),
        Sent::Empty,
        200,
    ),
    (
        "close-coupon",
        "PUT",
        "/v2/bot/coupon/COUPON-00000000000000000001/close",
        None,
        Sent::Empty,
        200,
    ),
    (
        "add-liff-app",
        "POST",
        "/liff/v1/apps",
        None,
        Sent::Input,
        200,
    ),
    (
        "get-all-liff-apps",
        "GET",
        "/liff/v1/apps",
        None,
        Sent::Empty,
        200,
    ),
    (
        "update-liff-app",
        "PUT",
        "/liff/v1/apps/1657000000-SOCliff1",
        None,
        Sent::Input,
        200,
    ),
    (
        "delete-liff-app",
        "DELETE",
        "/liff/v1/apps/1657000000-SOCliff1",
        None,
        Sent::Empty,
        200,
    ),
    (
        "detach-module",
        "POST",
        "/v2/bot/channel/detach",
        None,
        Sent::Input,
        200,
    ),
    (
        "acquire-chat-control",
        "POST",
        "/v2/bot/chat/U00000000000000000000000000000001/control/acquire",
        None,
        Sent::Input,
        200,
    ),
    (
        "release-chat-control",
        "POST",
        "/v2/bot/chat/U00000000000000000000000000000001/control/release",
        None,
        Sent::Empty,
        200,
    ),
    (
        "get-modules",
        "GET",
        "/v2/bot/list",
        Some("limit=100"),
        Sent::Empty,
        200,
    ),
    (
        "attach-module",
        "POST",
        "/module/auth/v1/token",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "mission-sticker-v3",
        "POST",
        "/shop/v3/mission",
        None,
        Sent::Input,
        200,
    ),
    (
        "issue-stateless-channel-token",
        "POST",
        "/oauth2/v3/token",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "issue-channel-token",
        "POST",
        "/v2/oauth/accessToken",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "issue-channel-token-by-jwt",
        "POST",
        "/oauth2/v2.1/token",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "verify-channel-token",
        "POST",
        "/v2/oauth/verify",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "verify-channel-token-by-jwt",
        "GET",
        "/oauth2/v2.1/verify",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "revoke-channel-token",
        "POST",
        "/v2/oauth/revoke",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "revoke-channel-token-by-jwt",
        "POST",
        "/oauth2/v2.1/revoke",
        None,
        Sent::Credentials,
        200,
    ),
    (
        "gets-all-valid-channel-access-token-key-ids",
        "GET",
        "/oauth2/v2.1/tokens/kid",
        None,
        Sent::Credentials,
        200,
    ),
];

/// Runs `action` with its example input and returns the result and the
/// (last) request the simulator saw.
async fn run_example(
    sim: &Simulator,
    action: &str,
    input: Value,
    lookups: usize,
) -> (Value, Recorded) {
    let before = sim.requests().len();
    let config = with_credentials(action, token_config(sim), &sim.url());
    let result = run(action, &config, input)
        .await
        .unwrap_or_else(|e| panic!("{action} failed: {e}"));
    let requests = sim.requests();
    // A paged list reads one request per page.
    let pages = result["pages"].as_u64().unwrap_or(1) as usize;
    assert_eq!(
        requests.len(),
        before + lookups + pages,
        "{action} sent exactly one request per page (after its lookups)"
    );
    (result, requests.last().unwrap().clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_component_exports_every_action_of_the_reference_in_order() {
    let names: Vec<&str> = CONNECTOR
        .actions()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let expected: Vec<&str> = REFERENCE.iter().map(|r| r.0).collect();
    assert_eq!(names, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_sends_lines_exact_request_and_returns_the_request_id() {
    let sim = Simulator::start().await.unwrap();
    let mut previous = None;
    for &(action, method, path, query, sent, status) in REFERENCE {
        let input = in_order(action, previous.as_ref())
            .unwrap_or_else(|| panic!("examples/{action}.json exists"));
        let lookups = usize::from(sent == Sent::Image);
        let (result, req) = run_example(&sim, action, input.clone(), lookups).await;
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (method, path),
            "{action}"
        );
        assert_eq!(req.status, status, "{action}: the simulator accepted it");
        if sent == Sent::Credentials {
            sends_credentials(action, &input, &result, &req);
            previous = Some(result);
            continue;
        }
        assert_eq!(
            req.header("authorization"),
            Some(format!("Bearer {CHANNEL_ACCESS_TOKEN}").as_str()),
            "{action}"
        );
        assert_eq!(
            result["requestId"],
            json!(req.request_id),
            "{action} returns LINE's request id"
        );
        assert!(
            req.header("user-agent")
                .is_some_and(|ua| ua.starts_with("line-connector/")),
            "{action}"
        );
        // LINE answers 400 to a retry key anywhere but the four sends.
        let key = req.header("x-line-retry-key");
        if RETRY_KEY_PATHS.contains(&path) {
            let is_uuid = key.is_some_and(|k| uuid::Uuid::try_parse(k).is_ok() && k.len() == 36);
            assert!(is_uuid, "{action}: {key:?}");
            assert_eq!(
                result["retryKey"].as_str(),
                key,
                "{action} returns the key it sent"
            );
        } else {
            assert_eq!(key, None, "{action} sends no retry key");
        }
        match sent {
            Sent::Input => {
                // Inputs use LINE's own field names, so LINE receives the
                // input as it is, but for what goes in the path.
                assert_eq!(
                    req.header("content-type"),
                    Some("application/json"),
                    "{action}"
                );
                let mut sent = input.clone();
                let fields = sent.as_object_mut().unwrap();
                fields.remove("retryKey");
                let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                fields.retain(|_, v| !path.split('/').any(|s| s == text(v)));
                assert_eq!(req.json(), sent, "{action} body");
            }
            Sent::Phone => {
                let mut sent = input.clone();
                let tag = sent.as_object_mut().unwrap().remove("xLineDeliveryTag");
                let phone = sent["to"].as_str().unwrap();
                sent["to"] = json!(line_simulator::phone_hash(phone));
                assert_eq!(req.json(), sent, "{action} body");
                assert_eq!(
                    req.header("x-line-delivery-tag"),
                    tag.as_ref().and_then(Value::as_str)
                );
            }
            Sent::Form => {
                use base64::Engine as _;
                let content_type = req.header("content-type").unwrap();
                assert!(
                    content_type.starts_with("multipart/form-data; boundary="),
                    "{action}"
                );
                let file = base64::engine::general_purpose::STANDARD
                    .decode(input["file"].as_str().unwrap())
                    .unwrap();
                let body = String::from_utf8(req.body.clone()).unwrap();
                assert!(
                    body.contains(std::str::from_utf8(&file).unwrap()),
                    "{action}: {body}"
                );
                for (key, value) in input
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(k, _)| *k != "file")
                {
                    let part = format!(
                        "name=\"{key}\"\r\n\r\n{}\r\n",
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned)
                    );
                    assert!(body.contains(&part), "{action}: {part:?} in {body}");
                }
            }
            Sent::Image => {
                use base64::Engine as _;
                let image = base64::engine::general_purpose::STANDARD
                    .decode(input["image"].as_str().unwrap())
                    .unwrap();
                assert_eq!(req.body, image, "{action} sends the image's bytes");
                assert_eq!(req.header("content-type"), Some("image/png"), "{action}");
            }
            Sent::Empty => assert!(req.body.is_empty(), "{action} sends no body"),
            Sent::Credentials => unreachable!("checked above"),
        }
        let expected_query = match query {
            Some(query) => query.to_owned(),
            None if method == "GET" => input
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
                .collect::<Vec<_>>()
                .join("&"),
            None => String::new(),
        };
        assert_eq!(
            req.query.clone().unwrap_or_default(),
            expected_query,
            "{action} query"
        );
        previous = Some(result);
    }
}

/// A token endpoint's (or attachModule's) request: the input's fields as
/// given, the credentials the config filled in, form-encoded or in the
/// query; HTTP Basic for attachModule, otherwise no `Authorization`.
fn sends_credentials(action: &str, input: &Value, result: &Value, req: &Recorded) {
    assert_eq!(result["request_id"], json!(req.request_id), "{action}");
    let fields: std::collections::HashMap<String, String> = match req.method.as_str() {
        "GET" => form_urlencoded::parse(req.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect(),
        _ => {
            assert_eq!(
                req.header("content-type"),
                Some("application/x-www-form-urlencoded"),
                "{action}"
            );
            req.form()
        }
    };
    for (key, value) in input.as_object().unwrap() {
        assert_eq!(
            fields.get(key).map(String::as_str),
            value.as_str(),
            "{action}: {key}"
        );
    }
    let filled: Vec<&str> = fields.keys().map(String::as_str).collect();
    match action {
        "attach-module" => {
            assert_eq!(fields["grant_type"], "authorization_code", "{action}");
            assert!(
                req.header("authorization").unwrap().starts_with("Basic "),
                "{action}"
            );
        }
        _ => assert_eq!(req.header("authorization"), None, "{action}: {filled:?}"),
    }
    if action.starts_with("issue-") {
        assert_eq!(fields["grant_type"], "client_credentials", "{action}");
        assert!(
            result["access_token"]
                .as_str()
                .unwrap()
                .starts_with("sim-issued-")
        );
    }
    if action.ends_with("-by-jwt") && action.starts_with("issue") || action.starts_with("gets-") {
        assert!(
            fields["client_assertion"].split('.').count() == 3,
            "{action}: a JWT"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_and_reply_return_the_sent_messages() {
    let sim = Simulator::start().await.unwrap();
    let messages = json!([{"type": "text", "text": "one"}, {"type": "sticker", "packageId": "446", "stickerId": "1988"}]);
    for (action, input) in [
        ("push", json!({"to": USER, "messages": messages})),
        (
            "reply",
            json!({"replyToken": "token-1", "messages": messages}),
        ),
    ] {
        let result = run(action, &token_config(&sim), input).await.unwrap();
        let sent = result["sentMessages"].as_array().unwrap();
        assert_eq!(sent.len(), 2, "{action}");
        assert!(
            sent.iter()
                .all(|m| m["id"].as_str().is_some_and(|id| !id.is_empty())
                    && m["quoteToken"].is_string())
        );
    }
    let deliveries = sim.deliveries();
    assert_eq!(
        deliveries.iter().map(|d| d.kind).collect::<Vec<_>>(),
        ["push", "reply"]
    );
    assert_eq!(deliveries[0].to, [USER]);
    assert_eq!(deliveries[0].messages, messages);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optional_fields_are_left_out_and_given_ones_are_sent() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    run("display-loading", &config, json!({"chatId": USER}))
        .await
        .unwrap();
    assert_eq!(sim.requests()[0].json(), json!({"chatId": USER}));

    let input = json!({"to": [USER, USER2], "messages": text("hi"), "notificationDisabled": true, "customAggregationUnits": ["promo_1"]});
    run("multicast", &config, input.clone()).await.unwrap();
    assert_eq!(sim.requests()[1].json(), input);
    assert_eq!(sim.deliveries()[0].to, [USER, USER2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_may_be_given_as_json_text() {
    let sim = Simulator::start().await.unwrap();
    let as_text = text("hello").to_string();
    run(
        "push",
        &token_config(&sim),
        json!({"to": USER, "messages": as_text}),
    )
    .await
    .unwrap();
    assert_eq!(sim.requests()[0].json()["messages"], text("hello"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrowcast_progress_reports_the_phase_and_counts() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let sent = run("narrowcast", &config, json!({"messages": text("hi"), "filter": {"demographic": {"type": "gender", "oneOf": ["female"]}}})).await.unwrap();
    let progress = run(
        "narrowcast-progress",
        &config,
        json!({"requestId": sent["requestId"]}),
    )
    .await
    .unwrap();
    assert_eq!(progress["phase"], "succeeded");
    assert_eq!(progress["targetCount"], 3);
    assert!(
        progress["acceptedTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(
        sim.requests()[1].query.as_deref(),
        Some(format!("requestId={}", sent["requestId"].as_str().unwrap()).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_consumption_and_delivery_counts_follow_what_was_sent() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    run(
        "multicast",
        &config,
        json!({"to": [USER, USER2], "messages": text("hi")}),
    )
    .await
    .unwrap();
    let usage = run("quota-consumption", &config, json!({})).await.unwrap();
    assert_eq!(usage["totalUsage"], 2);
    let delivered = run("delivery-multicast", &config, json!({"date": "20240229"}))
        .await
        .unwrap();
    assert_eq!(
        (delivered["status"].as_str(), delivered["success"].as_i64()),
        (Some("ready"), Some(2))
    );
}
