//! Long paged reads and actions of several requests against servers that
//! never stop paging, send pages of megabytes, or answer slowly: the read
//! ends with the pages it has, `next` and why it stopped (`max-pages`,
//! `size`, `deadline`), never a trap; one `totalTimeoutMs` bounds the whole
//! action, lookups and pages included.

use super::config;
use super::server::{Hostile, Step, json as answer};
use crate::support::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A page of `ids` follower ids whose `next` is the page number after `n`.
fn page(n: usize, ids: usize) -> String {
    let ids: Vec<String> = (0..ids).map(|i| format!("U{:016x}{:016x}", n, i)).collect();
    json!({"userIds": ids, "next": format!("page-{}", n + 1)}).to_string()
}

/// The page number a request asks for (`start=page-N`; 0 without `start`).
fn asked(path: &str) -> usize {
    path.split("start=page-")
        .nth(1)
        .and_then(|n| n.split('&').next()?.parse().ok())
        .unwrap_or(0)
}

/// A server whose follower list never ends, `ids` ids a page.
async fn endless(ids: usize) -> Hostile {
    Hostile::start(move |request| answer(200, &[], &page(asked(request.path()), ids))).await
}

/// `get-followers` with `all` and `max_pages` against `server` (2 minutes
/// allowed): the result, which must not be an error.
async fn all_followers(server: &Hostile, max_pages: u32) -> Value {
    let mut config = config(&server.url());
    config["totalTimeoutMs"] = json!(120_000);
    let input = json!({"all": true, "maxPages": max_pages});
    run("get-followers", &config, input)
        .await
        .expect("the pages read are the result")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_list_stops_at_the_size_cap_with_next_and_why() {
    // LINE-shaped pages of 1,000 ids that never end (3.5 million followers
    // trapped the component before).
    let server = endless(1000).await;
    let read = all_followers(&server, 10000).await;
    let pages = read["pages"].as_u64().unwrap();
    assert_eq!(read["stopped"], "size", "{}", read["pages"]);
    assert_eq!(
        read["userIds"].as_array().unwrap().len() as u64,
        pages * 1000
    );
    assert_eq!(read["next"], format!("page-{pages}"), "where to go on from");
    assert!((150..=300).contains(&pages), "8 MiB of ids: {pages} pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_megabytes_stop_at_the_cap_and_max_pages_says_so() {
    // About 3.7 MB a page, just under the 4 MiB answer cap.
    let server = endless(100_000).await;
    let read = all_followers(&server, 10000).await;
    assert_eq!(
        (read["pages"].as_u64(), read["stopped"].as_str()),
        (Some(3), Some("size"))
    );
    assert_eq!(read["next"], "page-3");
    let two = all_followers(&server, 2).await;
    assert_eq!(
        (two["pages"].as_u64(), two["stopped"].as_str()),
        (Some(2), Some("max-pages"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_in_the_middle_of_a_paged_read_keeps_the_pages_read() {
    // Pages 0 and 1 at once; page 2 takes 10 s.
    let server = Hostile::start(|request| {
        let n = asked(request.path());
        let mut steps = Vec::new();
        if n >= 2 {
            steps.push(Step::Sleep(Duration::from_secs(10)));
        }
        steps.extend(answer(200, &[], &page(n, 10)));
        steps
    })
    .await;
    let mut config = config(&server.url());
    config["totalTimeoutMs"] = json!(1500);
    let started = Instant::now();
    let read = run(
        "get-followers",
        &config,
        json!({"all": true, "maxPages": 100}),
    )
    .await
    .expect("the pages read, not a timeout error");
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        (read["pages"].as_u64(), read["stopped"].as_str()),
        (Some(2), Some("deadline"))
    );
    assert_eq!(read["userIds"].as_array().unwrap().len(), 20);
    assert_eq!(
        read["next"], "page-2",
        "the page that was cut off is where to go on"
    );
    // A list read to its end says nothing of stopping.
    let short = Hostile::start(|_| answer(200, &[], r#"{"userIds": ["U1"]}"#)).await;
    let whole = run(
        "get-followers",
        &super::config(&short.url()),
        json!({"all": true}),
    )
    .await
    .unwrap();
    assert_eq!(whole.get("stopped"), None);
}

/// Runs `action` against a server that answers everything after 1.2 s
/// (`body` as the answer), with `totalTimeoutMs` 2000 and one attempt:
/// the outcome and how long it took.
async fn against_a_slow_server(
    action: &str,
    input: Value,
    body: &'static str,
) -> (Result<Value, Value>, Duration) {
    let server = Hostile::start(move |_| {
        let mut steps = vec![Step::Sleep(Duration::from_millis(1200))];
        steps.extend(answer(200, &[], body));
        steps
    })
    .await;
    let mut config = config(&server.url());
    config["totalTimeoutMs"] = json!(2000);
    config["timeoutMs"] = json!(10_000);
    if action == "quota" {
        let fields = config.as_object_mut().unwrap();
        fields.remove("channelAccessToken");
        fields.insert("clientId".into(), json!("1234567890"));
        fields.insert(
            "clientSecret".into(),
            json!("client-secret-0123456789abcdef"),
        );
        fields.insert(
            "tokenUrl".into(),
            json!(format!("{}/v2/oauth/accessToken", server.url())),
        );
    }
    let started = Instant::now();
    let outcome = run(action, &config, input).await;
    (outcome, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_deadline_bounds_lookups_and_pages_together() {
    // Each of these makes two requests of 1.2 s; alone each would fit in
    // 2 s, together they do not: the action ends by its deadline.
    let png = {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, 2500, 1686);
        encoder.set_color(png::ColorType::Grayscale);
        encoder
            .write_header()
            .unwrap()
            .write_image_data(&vec![0; 2500 * 1686])
            .unwrap();
        bytes
    };
    use base64::Engine as _;
    let image = base64::engine::general_purpose::STANDARD.encode(png);
    let cases = [
        (
            "push",
            json!({"to": USER, "messages": text("x"), "requireFriend": true}),
            r#"{"userId": "U4af4980629a2b3c4d5e6f708192a3b4c", "displayName": "A", "sentMessages": []}"#,
        ),
        (
            "set-rich-menu-image",
            json!({"richMenuId": "richmenu-0123456789abcdef0123456789abcdef", "image": image}),
            r#"{"richMenuId": "richmenu-0123456789abcdef0123456789abcdef", "size": {"width": 2500, "height": 1686}, "selected": false, "name": "m", "chatBarText": "m", "areas": []}"#,
        ),
        (
            "get-followers",
            json!({"all": true, "maxPages": 5}),
            r#"{"userIds": ["U1"], "next": "more"}"#,
        ),
        // A token fetched first (client credentials), then the call.
        (
            "quota",
            json!({}),
            r#"{"access_token": "tok-0123456789abcdef0123", "expires_in": 3600, "token_type": "Bearer", "type": "none"}"#,
        ),
    ];
    for (action, input, body) in cases {
        let (outcome, took) = against_a_slow_server(action, input, body).await;
        assert!(
            took < Duration::from_millis(2600),
            "{action}: {took:?} for a 2 s deadline"
        );
        match outcome {
            // A paged read ends with its first page.
            Ok(read) => assert_eq!(
                (action, read["pages"].as_u64(), read["stopped"].as_str()),
                ("get-followers", Some(1), Some("deadline"))
            ),
            Err(error) => assert_eq!(
                (error["type"].as_str(), error["kind"].as_str()),
                (Some("transport"), Some("timeout")),
                "{action}: {error}"
            ),
        }
    }
}
