//! LIFF apps, modules and the shop through the real component against the
//! simulator: a LIFF app's life, chat control for any chat, the module's
//! accounts paged, and their rules refusing before anything is sent.

use crate::support::*;
use line_simulator::{GROUP, LIFF_APP, Simulator};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_liff_app_is_added_updated_field_by_field_and_deleted() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let add = json!({"view": {"type": "tall", "url": "https://soc.example.com/report"}, "description": "Report"});
    let added = run("add-liff-app", &config, add).await.unwrap();
    let id = added["liffId"].as_str().unwrap().to_owned();
    let update = json!({"liffId": id, "view": {"url": "https://soc.example.com/report-v2"}});
    run("update-liff-app", &config, update).await.unwrap();
    let apps = run("get-all-liff-apps", &config, json!({})).await.unwrap();
    let app = apps["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["liffId"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        app["view"],
        json!({"type": "tall", "url": "https://soc.example.com/report-v2"})
    );
    assert_eq!(
        app["description"], "Report",
        "what the update left out stays"
    );
    for id in [id.as_str(), LIFF_APP] {
        run("delete-liff-app", &config, json!({"liffId": id}))
            .await
            .unwrap();
    }
    let none = run("get-all-liff-apps", &config, json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        (none["type"].as_str(), none["status"].as_u64()),
        (Some("api"), Some(404))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_controls_any_chat_and_pages_its_accounts() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let group = json!({"chatId": GROUP, "ttl": 600});
    run("acquire-chat-control", &config, group).await.unwrap();
    run("release-chat-control", &config, json!({"chatId": GROUP}))
        .await
        .unwrap();
    let all = json!({"limit": 1, "all": true});
    let bots = run("get-modules", &config, all).await.unwrap();
    assert_eq!(
        (
            bots["bots"].as_array().unwrap().len(),
            bots["pages"].as_u64()
        ),
        (2, Some(2))
    );
    let bot = bots["bots"][0]["userId"].clone();
    run("detach-module", &config, json!({"botId": bot}))
        .await
        .unwrap();
    let again = run("detach-module", &config, json!({"botId": bot}))
        .await
        .unwrap_err();
    assert_eq!(again["status"], 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn their_rules_refuse_with_the_field_before_sending() {
    for (action, input, field) in [
        (
            "add-liff-app",
            json!({"view": {"type": "wide", "url": "https://x.example"}}),
            "view.type",
        ),
        (
            "add-liff-app",
            json!({"view": {"type": "full", "url": "http://x.example"}}),
            "view.url",
        ),
        (
            "update-liff-app",
            json!({"liffId": "", "description": "d"}),
            "liffId",
        ),
        (
            "acquire-chat-control",
            json!({"chatId": "nobody"}),
            "chatId",
        ),
        (
            "acquire-chat-control",
            json!({"chatId": USER, "ttl": 31_536_001}),
            "ttl",
        ),
        (
            "release-chat-control",
            json!({"chatId": "../list"}),
            "chatId",
        ),
        ("get-modules", json!({"limit": 101}), "limit"),
        (
            "detach-module",
            json!({"botId": "C00000000000000000000000000000001"}),
            "botId",
        ),
        (
            "mission-sticker-v3",
            json!({"to": USER, "productId": "", "productType": "STICKER", "sendPresentMessage": false}),
            "productId",
        ),
    ] {
        rejected(action, input, field).await;
    }
}
