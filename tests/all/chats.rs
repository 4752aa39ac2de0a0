//! Users, groups and rooms as LINE keeps them: paged lists read a page or
//! to the end within their bounds, LINE's 404s for who is not there, path
//! parameters checked before anything is sent, and settings that stick.

use crate::support::*;
use line_simulator::{BLOCKED_USER, FRIENDS, GROUP, GROUP_SIZE, OTHER_GROUP, ROOM, Simulator};
use serde_json::{Value, json};

fn ids(result: &Value, key: &str) -> Vec<String> {
    let list = result[key].as_array().unwrap();
    list.iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paged_list_reads_one_page_or_follows_next_to_the_end() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let one = run("get-group-members-ids", &config, json!({"groupId": GROUP}))
        .await
        .unwrap();
    assert_eq!(
        (ids(&one, "memberIds").len(), one["pages"].as_u64()),
        (100, Some(1))
    );
    assert_eq!(one["next"], "page-100");

    let all = json!({"groupId": GROUP, "all": true});
    let whole = run("get-group-members-ids", &config, all).await.unwrap();
    let members = ids(&whole, "memberIds");
    assert_eq!(
        (members.len(), whole["pages"].as_u64()),
        (GROUP_SIZE, Some(3))
    );
    assert_eq!(&members[..3], &FRIENDS, "in LINE's order, pages joined");
    assert!(whole.get("next").is_none(), "read to the end: {whole}");

    // From where an earlier page stopped, and at most maxPages pages.
    let on = json!({"groupId": GROUP, "start": "page-100", "all": true, "maxPages": 1});
    let page = run("get-group-members-ids", &config, on).await.unwrap();
    assert_eq!(ids(&page, "memberIds"), members[100..200]);
    assert_eq!(
        (page["pages"].as_u64(), page["next"].as_str()),
        (Some(1), Some("page-200"))
    );

    let followers = json!({"limit": 1, "all": true});
    let friends = run("get-followers", &config, followers).await.unwrap();
    assert_eq!(ids(&friends, "userIds"), FRIENDS);
    assert_eq!(friends["pages"], 3);
    let starts: Vec<Option<String>> = sim
        .requests()
        .iter()
        .rev()
        .take(3)
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(
        starts,
        [
            Some("limit=1&start=page-2".into()),
            Some("limit=1&start=page-1".into()),
            Some("limit=1".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_bounds_are_checked_before_anything_is_sent() {
    for (input, field) in [
        (json!({"all": true, "maxPages": 0}), "maxPages"),
        (json!({"all": true, "maxPages": 10001}), "maxPages"),
        (json!({"limit": 1001}), "limit"),
        (json!({"start": ""}), "start"),
    ] {
        rejected("get-followers", input, field).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_parameters_are_checked_before_anything_is_sent() {
    rejected(
        "get-profile",
        json!({"userId": "C00000000000000000000000000000001"}),
        "userId",
    )
    .await;
    rejected(
        "get-group-summary",
        json!({"groupId": "../../v2/bot/info"}),
        "groupId",
    )
    .await;
    rejected(
        "get-room-member-profile",
        json!({"roomId": ROOM, "userId": "U1/x"}),
        "userId",
    )
    .await;
    rejected(
        "mark-messages-as-read",
        json!({"chat": {"userId": "nobody"}}),
        "chat.userId",
    )
    .await;
    rejected(
        "set-webhook-endpoint",
        json!({"endpoint": "http://plain.example.com/hook"}),
        "endpoint",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_is_not_there_is_lines_404() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let blocked = run("get-profile", &config, json!({"userId": BLOCKED_USER}))
        .await
        .unwrap_err();
    assert_eq!(
        (blocked["type"].as_str(), blocked["status"].as_u64()),
        (Some("api"), Some(404)),
        "{blocked}"
    );
    let friend = run("get-profile", &config, json!({"userId": FRIENDS[0]}))
        .await
        .unwrap();
    assert_eq!(friend["userId"], FRIENDS[0]);

    let stranger = json!({"groupId": GROUP, "userId": BLOCKED_USER});
    let error = run("get-group-member-profile", &config, stranger)
        .await
        .unwrap_err();
    assert_eq!(error["status"], 404);

    // After leaving, the group is gone for the bot.
    run("leave-group", &config, json!({"groupId": OTHER_GROUP}))
        .await
        .unwrap();
    let gone = run(
        "get-group-summary",
        &config,
        json!({"groupId": OTHER_GROUP}),
    )
    .await
    .unwrap_err();
    assert_eq!(gone["status"], 404, "{gone}");
    let again = run("leave-group", &config, json!({"groupId": OTHER_GROUP}))
        .await
        .unwrap_err();
    assert_eq!(again["status"], 404);
    let summary = run("get-group-summary", &config, json!({"groupId": GROUP}))
        .await
        .unwrap();
    assert_eq!(summary["groupName"], "Incident response");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_setting_sticks_and_its_test_says_how_the_endpoint_answered() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let url = "https://soc.example.com/hooks/line";
    run("set-webhook-endpoint", &config, json!({"endpoint": url}))
        .await
        .unwrap();
    let set = run("get-webhook-endpoint", &config, json!({}))
        .await
        .unwrap();
    assert_eq!(
        (set["endpoint"].as_str(), set["active"].as_bool()),
        (Some(url), Some(true))
    );
    let ok = run("test-webhook-endpoint", &config, json!({}))
        .await
        .unwrap();
    assert_eq!(
        (ok["success"].as_bool(), ok["statusCode"].as_i64()),
        (Some(true), Some(200))
    );
    let broken = json!({"endpoint": "https://broken.example.com/hook"});
    let failed = run("test-webhook-endpoint", &config, broken).await.unwrap();
    assert_eq!(
        (failed["success"].as_bool(), failed["statusCode"].as_i64()),
        (Some(false), Some(500))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggregation_units_are_the_ones_sends_named() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    for unit in ["promo_a", "promo_b", "promo_a"] {
        let push = json!({"to": USER, "text": "x", "customAggregationUnits": [unit]});
        run("push", &config, push).await.unwrap();
    }
    let usage = run("get-aggregation-unit-usage", &config, json!({}))
        .await
        .unwrap();
    assert_eq!(usage["numOfCustomAggregationUnits"], 2);
    let names = run(
        "get-aggregation-unit-name-list",
        &config,
        json!({"limit": "1", "all": true}),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&names, "customAggregationUnits"),
        ["promo_a", "promo_b"]
    );
    assert_eq!(names["pages"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_with_require_friend_sends_only_to_a_friend() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let to_friend = json!({"to": FRIENDS[0], "text": "x", "requireFriend": true});
    run("push", &config, to_friend).await.unwrap();
    let paths: Vec<String> = sim.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            format!("/v2/bot/profile/{}", FRIENDS[0]),
            "/v2/bot/message/push".into()
        ]
    );
    assert_eq!(sim.deliveries().len(), 1);

    let to_blocked = json!({"to": BLOCKED_USER, "text": "x", "requireFriend": true});
    let error = run("push", &config, to_blocked).await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["userId"].as_str()),
        (Some("not-a-friend"), Some(BLOCKED_USER)),
        "{error}"
    );
    let lookup = sim.requests().last().unwrap().clone();
    assert_eq!(
        error["requestId"].as_str(),
        Some(lookup.request_id.as_str())
    );
    assert_eq!(sim.requests().len(), 3, "the lookup, and nothing sent");
    assert_eq!(sim.deliveries().len(), 1);

    // Without it, LINE takes the push (and never delivers it).
    run("push", &config, json!({"to": BLOCKED_USER, "text": "x"}))
        .await
        .unwrap();
    rejected(
        "push",
        json!({"to": GROUP, "text": "x", "requireFriend": true}),
        "requireFriend",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_comes_as_bytes_by_every_way_in() {
    use base64::Engine as _;
    use line_simulator::{IMAGE_MESSAGE, VIDEO_MESSAGE, chats::content};
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let (media_type, bytes) = content(IMAGE_MESSAGE, false).unwrap();
    let decode = |v: &Value| {
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap()
    };
    let input = json!({"messageId": IMAGE_MESSAGE});
    let typed = run("get-message-content", &config, input.clone())
        .await
        .unwrap();
    assert_eq!(
        (typed["contentType"].as_str(), decode(&typed["content"])),
        (Some(media_type), bytes.clone())
    );
    let mut session = session(&config).await;
    let invoked = session
        .invoke("get-message-content", &config, &input)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decode(&invoked["content"]), bytes);
    let preview = run("get-message-content-preview", &config, input.clone())
        .await
        .unwrap();
    assert_eq!(
        decode(&preview["content"]),
        content(IMAGE_MESSAGE, true).unwrap().1
    );

    // On the command line, --output writes the bytes to a file.
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = run_command(
        "get-message-content",
        &config,
        &["--input", &input.to_string(), "--output", path_of(&file)],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(file.path()).unwrap(), bytes);
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (printed.get("content"), printed["contentType"].as_str()),
        (None, Some(media_type))
    );
    let not_content = run_command("get-bot-info", &config, &["--output", path_of(&file)]).await;
    assert_eq!(not_content.status.code(), Some(2));

    // A video still processing is an answer to ask again, not an error.
    let video = json!({"messageId": VIDEO_MESSAGE});
    let first = run(
        "get-message-content-transcoding-by-message-id",
        &config,
        video.clone(),
    )
    .await
    .unwrap();
    let then = run(
        "get-message-content-transcoding-by-message-id",
        &config,
        video,
    )
    .await
    .unwrap();
    assert_eq!(
        (first["status"].as_str(), then["status"].as_str()),
        (Some("processing"), Some("succeeded"))
    );

    let missing = run("get-message-content", &config, json!({"messageId": "999"}))
        .await
        .unwrap_err();
    assert_eq!(missing["status"], 404);
    rejected(
        "get-message-content",
        json!({"messageId": "../info"}),
        "messageId",
    )
    .await;
}
