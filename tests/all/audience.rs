//! Audiences, insight, LINE notification messages, memberships and coupons
//! through the real component against the simulator: an audience's whole
//! life (25,000 ids uploaded as a file, built, narrowcast to, deleted), the
//! multipart body byte by byte, phone numbers hashed, pages by number and
//! by `next`, LINE's 410 and 422, and every local rule refusing with its
//! field path before anything is sent.

use crate::support::*;
use base64::Engine as _;
use line_connector_cli::examples::example;
use line_simulator::{
    AUDIENCE, COUPON, MEMBERSHIP, RICH_MENU, Simulator, UNREACHABLE_PHONE, phone_hash,
};
use serde_json::{Value, json};
use std::time::Duration;

/// `n` well-formed user ids.
fn users(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("U{:032x}", i + 1_000)).collect()
}

/// The ids as LINE's `audiences`.
fn audiences(ids: &[String]) -> Value {
    ids.iter().map(|id| json!({"id": id})).collect()
}

fn kind(error: &Value) -> (Option<&str>, Option<u64>) {
    (error["type"].as_str(), error["status"].as_u64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audience_of_25000_lives_its_whole_life_through_the_component() {
    let sim = Simulator::start().await.unwrap();
    sim.set_audience_build_time(Duration::from_millis(1500));
    let config = token_config(&sim);
    let ids = users(25_000);

    // More than 10,000 ids: the file upload, on the data host, as a form.
    let create = json!({"description": "Incident 4711 responders", "uploadDescription": "all staff", "audiences": audiences(&ids)});
    let created = run("create-audience-group", &config, create).await.unwrap();
    let id = created["audienceGroupId"].as_i64().unwrap();
    let upload = sim.requests().last().unwrap().clone();
    assert_eq!(
        (upload.method.as_str(), upload.path.as_str(), upload.status),
        ("POST", "/v2/bot/audienceGroup/upload/byFile", 202)
    );
    assert!(
        sim.requests()
            .iter()
            .all(|r| r.path != "/v2/bot/audienceGroup/upload")
    );
    // The body, byte by byte, with the boundary it announced.
    let content_type = upload.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let file: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nIncident 4711 responders\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"uploadDescription\"\r\n\r\nall staff\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audience.txt\"\r\nContent-Type: text/plain\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8(upload.body.clone()).unwrap(), expected);

    // Built over time: waited for.
    let asked = json!({"audienceGroupId": id});
    let first = run("get-audience-data", &config, asked.clone())
        .await
        .unwrap();
    assert_eq!(first["audienceGroup"]["status"], "IN_PROGRESS");
    let waited = json!({"audienceGroupId": id, "waitSeconds": 30});
    let ready = run("get-audience-data", &config, waited).await.unwrap();
    assert_eq!(ready["audienceGroup"]["status"], "READY", "{ready}");
    assert_eq!(ready["audienceGroup"]["audienceCount"], 25_000);
    assert!(ready["polls"].as_u64().unwrap() > 1);
    assert_eq!(ready["jobs"][0]["audienceCount"], 25_000);

    // More ids: 12,000 as a file again, 2 as JSON.
    let more = users(25_002)[25_000..].to_vec();
    let add = json!({"audienceGroupId": id, "audiences": audiences(&more)});
    run("add-audience-to-audience-group", &config, add)
        .await
        .unwrap();
    assert_eq!(
        sim.requests().last().unwrap().path,
        "/v2/bot/audienceGroup/upload"
    );
    let many = json!({"audienceGroupId": id, "audiences": audiences(&users(12_000))});
    run("add-audience-to-audience-group", &config, many)
        .await
        .unwrap();
    let last = sim.requests().last().unwrap().clone();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("PUT", "/v2/bot/audienceGroup/upload/byFile")
    );

    // A narrowcast to it reaches its users.
    let narrowcast = json!({"text": "Bridge call in 5 minutes", "recipient": {"type": "audience", "audienceGroupId": id}});
    let sent = run("narrowcast", &config, narrowcast).await.unwrap();
    let delivery = sim
        .deliveries()
        .into_iter()
        .find(|d| d.request_id == sent["requestId"])
        .unwrap();
    assert_eq!(delivery.to.len(), 25_002);

    // Renamed, listed, deleted.
    let rename = json!({"audienceGroupId": id, "description": "Incident 4711 (closed)"});
    run("update-audience-group-description", &config, rename)
        .await
        .unwrap();
    let found = json!({"page": 1, "description": "4711"});
    let listed = run("get-audience-groups", &config, found).await.unwrap();
    assert_eq!(
        listed["audienceGroups"][0]["description"],
        "Incident 4711 (closed)"
    );
    run("delete-audience-group", &config, asked.clone())
        .await
        .unwrap();
    let gone = run("get-audience-data", &config, asked).await.unwrap_err();
    assert_eq!(kind(&gone), (Some("api"), Some(400)), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_by_number_and_by_next_to_the_end() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    for i in 0..5 {
        let create = json!({"description": format!("Team {i}"), "audiences": audiences(&users(1))});
        run("create-audience-group", &config, create).await.unwrap();
    }
    let all = json!({"page": 1, "size": 2, "all": true});
    let groups = run("get-audience-groups", &config, all).await.unwrap();
    assert_eq!(
        groups["audienceGroups"].as_array().unwrap().len(),
        6,
        "{groups}"
    );
    assert_eq!(
        (groups["pages"].as_u64(), groups["hasNextPage"].as_bool()),
        (Some(3), Some(false))
    );
    let pages: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/bot/audienceGroup/list")
        .map(|r| r.query.clone().unwrap())
        .collect();
    assert_eq!(pages, ["page=1&size=2", "size=2&page=2", "size=2&page=3"]);
    let two = json!({"page": 1, "size": 2, "all": true, "maxPages": 2});
    let stopped = run("get-audience-groups", &config, two).await.unwrap();
    assert_eq!(
        (stopped["pages"].as_u64(), stopped["hasNextPage"].as_bool()),
        (Some(2), Some(true))
    );

    let users = json!({"membershipId": MEMBERSHIP, "limit": 2, "all": true});
    let members = run("get-joined-membership-users", &config, users)
        .await
        .unwrap();
    assert_eq!(
        (
            members["userIds"].as_array().unwrap().len(),
            members["pages"].as_u64()
        ),
        (5, Some(3))
    );
    for title in ["Second", "Third"] {
        let mut coupon = example("create-coupon").unwrap();
        coupon["title"] = json!(title);
        run("create-coupon", &config, coupon).await.unwrap();
    }
    let coupons = json!({"limit": 1, "all": true, "status": ["RUNNING"]});
    let listed = run("list-coupon", &config, coupons).await.unwrap();
    assert_eq!(
        (
            listed["items"].as_array().unwrap().len(),
            listed["pages"].as_u64()
        ),
        (3, Some(3))
    );
    let query = sim.requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "status=RUNNING&limit=1&start=page-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_number_leaves_only_as_its_sha256() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let input = json!({"to": "+818000001234", "text": "Sign-in from a new device", "xLineDeliveryTag": "soc-alert-0000000001"});
    run("push-messages-by-phone", &config, input).await.unwrap();
    let sent = sim.requests().last().unwrap().clone();
    let hash = "d41e0ad70dddfeb68f149ad6fc61574b9c5780ab7bcb2fba5517771ffbb2409c";
    assert_eq!(sent.json()["to"], hash);
    assert!(!String::from_utf8_lossy(&sent.body).contains("8000001234"));
    assert_eq!(
        sent.header("x-line-delivery-tag"),
        Some("soc-alert-0000000001")
    );
    assert!(sent.json().get("xLineDeliveryTag").is_none());
    // A ready hash goes as it is (lowercased).
    let ready = json!({"to": hash.to_uppercase(), "text": "again"});
    run("push-messages-by-phone", &config, ready).await.unwrap();
    assert_eq!(sim.requests().last().unwrap().json()["to"], hash);
    let stats = run(
        "get-pnp-message-statistics",
        &config,
        json!({"date": "20261122"}),
    )
    .await
    .unwrap();
    assert_eq!(stats["success"], 2);

    // LINE's 422: an api error with its status, sent once.
    let unreachable = json!({"to": UNREACHABLE_PHONE, "text": "x"});
    let error = run("push-messages-by-phone", &config, unreachable)
        .await
        .unwrap_err();
    assert_eq!(kind(&error), (Some("api"), Some(422)), "{error}");
    let tries = sim
        .requests()
        .iter()
        .filter(|r| r.json()["to"] == phone_hash(UNREACHABLE_PHONE))
        .count();
    assert_eq!(tries, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coupon_closes_once_and_then_is_lines_410() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let coupon = json!({"couponId": COUPON});
    run("close-coupon", &config, coupon.clone()).await.unwrap();
    let detail = run("get-coupon-detail", &config, coupon.clone())
        .await
        .unwrap();
    assert_eq!(detail["status"], "CLOSED");
    let again = run("close-coupon", &config, coupon).await.unwrap_err();
    assert_eq!(kind(&again), (Some("api"), Some(410)), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insight_reads_what_was_sent_and_the_menus_areas() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let pushed = run("push", &config, json!({"to": USER, "text": "x"}))
        .await
        .unwrap();
    let event = json!({"requestId": pushed["requestId"]});
    let figures = run("get-message-event", &config, event).await.unwrap();
    assert_eq!(figures["overview"]["delivered"], 1);
    let daily = json!({"richMenuId": RICH_MENU, "from": "20261230", "to": "20270102"});
    let menu = run("get-rich-menu-insight-daily", &config, daily)
        .await
        .unwrap();
    let days: Vec<&str> = menu["impression"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["date"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["20261230", "20261231", "20270101", "20270102"]);
    let unknown = json!({"richMenuId": "richmenu-0123456789abcdef0123456789abcdef", "from": "20261201", "to": "20261202"});
    let error = run("get-rich-menu-insight-summary", &config, unknown)
        .await
        .unwrap_err();
    assert_eq!(kind(&error), (Some("api"), Some(404)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_local_rule_refuses_with_its_field_before_sending() {
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let cases = [
        (
            "create-audience-group",
            json!({"description": ""}),
            "description",
        ),
        (
            "create-audience-group",
            json!({"description": "d".repeat(121)}),
            "description",
        ),
        (
            "create-audience-group",
            json!({"description": "d", "audiences": [{"id": "U1"}]}),
            "audiences[0].id",
        ),
        (
            "create-audience-group",
            json!({"description": "d", "isIfaAudience": true, "audiences": [{"id": USER}]}),
            "audiences[0].id",
        ),
        (
            "add-audience-to-audience-group",
            json!({"audienceGroupId": 0, "audiences": []}),
            "audienceGroupId",
        ),
        (
            "create-audience-for-uploading-user-ids",
            json!({"description": "d", "file": b64(&format!("{USER}\nnot-an-id\n"))}),
            "file:2",
        ),
        (
            "create-audience-for-uploading-user-ids",
            json!({"description": "d", "file": b64("\n\n")}),
            "file",
        ),
        (
            "add-user-ids-to-audience",
            json!({"audienceGroupId": AUDIENCE, "file": "//4="}),
            "file",
        ),
        (
            "create-click-based-audience-group",
            json!({"description": "d", "requestId": "r", "clickUrl": "javascript:alert(1)"}),
            "clickUrl",
        ),
        (
            "create-click-based-audience-group",
            json!({"description": "d", "requestId": "r", "clickUrl": format!("https://x.example/{}", "a".repeat(2000))}),
            "clickUrl",
        ),
        (
            "create-imp-based-audience-group",
            json!({"description": "d", "requestId": ""}),
            "requestId",
        ),
        ("get-audience-groups", json!({"page": 0}), "page"),
        (
            "get-audience-groups",
            json!({"page": 1, "size": 41}),
            "size",
        ),
        (
            "get-number-of-message-deliveries",
            json!({"date": "20260230"}),
            "date",
        ),
        (
            "get-number-of-followers",
            json!({"date": "2026-11-22"}),
            "date",
        ),
        (
            "get-statistics-per-unit",
            json!({"customAggregationUnit": "bad unit", "from": "20261101", "to": "20261102"}),
            "customAggregationUnit",
        ),
        (
            "get-statistics-per-unit",
            json!({"customAggregationUnit": "u", "from": "20261102", "to": "20261101"}),
            "from",
        ),
        (
            "get-rich-menu-insight-summary",
            json!({"richMenuId": RICH_MENU, "from": "20261101", "to": "20261131"}),
            "to",
        ),
        (
            "get-joined-membership-users",
            json!({"membershipId": MEMBERSHIP, "limit": 1001}),
            "limit",
        ),
        ("list-coupon", json!({"limit": 101}), "limit"),
        (
            "get-membership-subscription",
            json!({"userId": "nobody"}),
            "userId",
        ),
        (
            "push-messages-by-phone",
            json!({"to": "08000001234", "text": "x"}),
            "to",
        ),
        (
            "push-messages-by-phone",
            json!({"to": "+81 80 0000 1234", "text": "x"}),
            "to",
        ),
        (
            "push-messages-by-phone",
            json!({"to": "+818000001234", "text": "x", "xLineDeliveryTag": "short"}),
            "xLineDeliveryTag",
        ),
        (
            "push-messages-by-phone",
            json!({"to": "+818000001234"}),
            "messages",
        ),
        (
            "get-pnp-message-statistics",
            json!({"date": "2026112"}),
            "date",
        ),
    ];
    for (action, input, field) in cases {
        rejected(action, input, field).await;
    }
    let coupon = |change: &dyn Fn(&mut Value)| {
        let mut coupon = example("create-coupon").unwrap();
        change(&mut coupon);
        coupon
    };
    for (input, field) in [
        (coupon(&|c| c["title"] = json!("t".repeat(61))), "title"),
        (coupon(&|c| c["title"] = json!("")), "title"),
        (
            coupon(&|c| c["description"] = json!("d".repeat(1001))),
            "description",
        ),
        (
            coupon(&|c| c["usageCondition"] = json!("u".repeat(101))),
            "usageCondition",
        ),
        (
            coupon(&|c| c["maxUseCountPerTicket"] = json!(2)),
            "maxUseCountPerTicket",
        ),
        (
            coupon(&|c| c["endTimestamp"] = c["startTimestamp"].clone()),
            "endTimestamp",
        ),
        (
            coupon(&|c| {
                c["acquisitionCondition"] = json!({"type": "lottery", "lotteryProbability": 100})
            }),
            "acquisitionCondition.lotteryProbability",
        ),
        (
            coupon(&|c| {
                c["reward"] = json!({"type": "discount", "priceInfo": {"type": "percentage", "percentage": 0}})
            }),
            "reward.priceInfo.percentage",
        ),
    ] {
        rejected("create-coupon", input, field).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_refuses_a_malformed_upload_form() {
    use std::io::{Read, Write};
    let sim = Simulator::start().await.unwrap();
    let addr = sim.url().trim_start_matches("http://").to_owned();
    let post = move |content_type: &str, body: &str| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        let request = format!(
            "POST /v2/bot/audienceGroup/upload/byFile HTTP/1.1\r\nHost: x\r\n\
             Authorization: Bearer {}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            line_simulator::CHANNEL_ACCESS_TOKEN,
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.split(' ').nth(1).unwrap().to_owned()
    };
    let statuses = tokio::task::spawn_blocking(move || {
        let form = |file: &str| format!(
            "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nd\r\n\
             --b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n{file}\r\n--b--\r\n"
        );
        let good = format!("{USER}\n");
        [
            post("multipart/form-data; boundary=b", &form(&good)),
            post("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nU1"),
            post("multipart/form-data; boundary=b", &form("not-an-id\n")),
            post("multipart/form-data", &form(&good)),
            post("application/json", "{}"),
        ]
    })
    .await
    .unwrap();
    assert_eq!(statuses, ["202", "400", "400", "415", "415"]);
}
