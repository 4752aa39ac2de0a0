//! Rich menus through the real component against the simulator: a whole
//! menu's life (create, image, links one by one and in batches, aliases,
//! default, batch change and its progress, delete), and every local rule
//! refusing with its field path before anything is sent.

use crate::support::*;
use base64::Engine as _;
use line_simulator::rich_menu::{png, sample_menu};
use line_simulator::{FRIENDS, OTHER_RICH_MENU, RICH_MENU, Simulator};
use serde_json::{Value, json};
use std::time::Duration;

/// A real JPEG of `width` x `height` pixels.
fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = Vec::new();
    let pixels = vec![0x40u8; usize::from(width) * usize::from(height) * 3];
    jpeg_encoder::Encoder::new(&mut bytes, 80)
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    bytes
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `n` well-formed user ids.
fn users(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("U{i:032x}")).collect()
}

/// The error's `type` and `status`.
fn kind(error: &Value) -> (Option<&str>, Option<u64>) {
    (error["type"].as_str(), error["status"].as_u64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rich_menu_lives_its_whole_life_through_the_component() {
    let sim = Simulator::start().await.unwrap();
    sim.set_rich_menu_batch_time(Duration::from_millis(1500));
    let config = token_config(&sim);
    let call = |action: &'static str, input: Value| run(action, &config, input);

    // Create, then upload its image (a JPEG this time), read it back.
    let created = call("create-rich-menu", sample_menu(2500, 1686))
        .await
        .unwrap();
    let id = created["richMenuId"].as_str().unwrap().to_owned();
    let image = jpeg(2500, 1686);
    let upload = json!({"richMenuId": id, "image": base64(&image)});
    call("set-rich-menu-image", upload.clone()).await.unwrap();
    let upload_request = sim.requests().last().unwrap().clone();
    assert_eq!(upload_request.header("content-type"), Some("image/jpeg"));
    assert_eq!(upload_request.body, image);
    let download = call("get-rich-menu-image", json!({"richMenuId": id}))
        .await
        .unwrap();
    assert_eq!(download["contentType"], "image/jpeg");
    assert_eq!(download["content"], base64(&image));
    // LINE takes one image per menu: its 400, and the upload is not resent.
    let before = sim.requests().len();
    let again = call("set-rich-menu-image", upload).await.unwrap_err();
    assert_eq!(kind(&again), (Some("api"), Some(400)), "{again}");
    assert_eq!(sim.requests().len(), before + 2, "one lookup, one upload");

    // Linked to one user, then to 1,200 in batches of 500.
    let one = json!({"userId": FRIENDS[1], "richMenuId": id});
    call("link-rich-menu-id-to-user", one).await.unwrap();
    let linked = call("get-rich-menu-id-of-user", json!({"userId": FRIENDS[1]})).await;
    assert_eq!(linked.unwrap()["richMenuId"], id.as_str());
    let many = users(1200);
    let bulk = json!({"richMenuId": id, "userIds": many});
    let result = call("link-rich-menu-id-to-users", bulk).await.unwrap();
    let sizes: Vec<u64> = result["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["recipients"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [500, 500, 200], "{result}");
    let bulk_requests: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v2/bot/richmenu/bulk/link")
        .collect();
    assert_eq!(bulk_requests.len(), 3);
    assert!(bulk_requests.iter().all(|r| r.status == 202));
    assert_eq!(bulk_requests[2].json()["userIds"][199], many[1199].as_str());
    let last = call("get-rich-menu-id-of-user", json!({"userId": many[1199]})).await;
    assert_eq!(last.unwrap()["richMenuId"], id.as_str());

    // An alias names it; switching points the alias at another menu.
    let alias = json!({"richMenuAliasId": "incident", "richMenuId": id});
    call("create-rich-menu-alias", alias).await.unwrap();
    let switch = json!({"richMenuAliasId": "incident", "richMenuId": RICH_MENU});
    call("update-rich-menu-alias", switch).await.unwrap();
    let read = call(
        "get-rich-menu-alias",
        json!({"richMenuAliasId": "incident"}),
    )
    .await;
    assert_eq!(read.unwrap()["richMenuId"], RICH_MENU);
    call(
        "update-rich-menu-alias",
        json!({"richMenuAliasId": "incident", "richMenuId": id}),
    )
    .await
    .unwrap();

    // The default menu.
    call("set-default-rich-menu", json!({"richMenuId": id}))
        .await
        .unwrap();
    let default = call("get-default-rich-menu-id", json!({})).await.unwrap();
    assert_eq!(default["richMenuId"], id.as_str());

    // A batch change unlinks everyone; the progress is waited for.
    let unlink_all = json!({"operations": [{"type": "unlinkAll"}]});
    call("validate-rich-menu-batch-request", unlink_all.clone())
        .await
        .unwrap();
    let accepted = call("rich-menu-batch", unlink_all).await.unwrap();
    let request_id = accepted["requestId"].as_str().unwrap();
    let asked = json!({"requestId": request_id});
    let ongoing = call("get-rich-menu-batch-progress", asked.clone())
        .await
        .unwrap();
    assert_eq!(ongoing["phase"], "ongoing");
    let waited = json!({"requestId": request_id, "waitSeconds": 30});
    let done = call("get-rich-menu-batch-progress", waited).await.unwrap();
    assert_eq!(done["phase"], "succeeded", "{done}");
    assert!(done["polls"].as_u64().unwrap() > 1, "{done}");
    assert!(done["completedTime"].is_string());
    let gone = call("get-rich-menu-id-of-user", json!({"userId": many[0]})).await;
    assert_eq!(kind(&gone.unwrap_err()), (Some("api"), Some(404)));

    // Deleting the menu takes its alias and the default with it.
    call("delete-rich-menu", json!({"richMenuId": id}))
        .await
        .unwrap();
    let menu = call("get-rich-menu", json!({"richMenuId": id}))
        .await
        .unwrap_err();
    assert_eq!(kind(&menu), (Some("api"), Some(404)));
    let alias = call(
        "get-rich-menu-alias",
        json!({"richMenuAliasId": "incident"}),
    )
    .await;
    assert_eq!(kind(&alias.unwrap_err()), (Some("api"), Some(404)));
    let default = call("get-default-rich-menu-id", json!({}))
        .await
        .unwrap_err();
    assert_eq!(kind(&default), (Some("api"), Some(404)));
    let list = call("get-rich-menu-list", json!({})).await.unwrap();
    let ids: Vec<&str> = list["richmenus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["richMenuId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [RICH_MENU, OTHER_RICH_MENU]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_target_menu_is_deleted_meanwhile_fails() {
    let sim = Simulator::start().await.unwrap();
    sim.set_rich_menu_batch_time(Duration::from_millis(800));
    let config = token_config(&sim);
    let image = json!({"richMenuId": OTHER_RICH_MENU, "image": base64(&png(2500, 1686))});
    run("set-rich-menu-image", &config, image).await.unwrap();
    let change =
        json!({"operations": [{"type": "link", "from": RICH_MENU, "to": OTHER_RICH_MENU}]});
    let accepted = run("rich-menu-batch", &config, change).await.unwrap();
    run(
        "delete-rich-menu",
        &config,
        json!({"richMenuId": OTHER_RICH_MENU}),
    )
    .await
    .unwrap();
    let waited = json!({"requestId": accepted["requestId"], "waitSeconds": 30});
    let done = run("get-rich-menu-batch-progress", &config, waited)
        .await
        .unwrap();
    assert_eq!(done["phase"], "failed", "{done}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rich_menu_breaking_lines_rules_is_refused_with_its_field_before_sending() {
    let action = |action: Value| menu_with(|m| m["areas"][0]["action"] = action);
    let cases = [
        (menu_with(|m| m["size"]["width"] = json!(700)), "size"),
        (menu_with(|m| m["size"]["height"] = json!(200)), "size"),
        (menu_with(|m| m["size"]["height"] = json!(1800)), "size"),
        (
            menu_with(|m| m["chatBarText"] = json!("x".repeat(15))),
            "chatBarText",
        ),
        (menu_with(|m| m["chatBarText"] = json!("")), "chatBarText"),
        (menu_with(|m| m["name"] = json!("n".repeat(301))), "name"),
        (
            menu_with(|m| m["areas"] = json!(vec![m["areas"][0].clone(); 21])),
            "areas",
        ),
        (
            menu_with(|m| m["areas"][0]["bounds"]["x"] = json!(1)),
            "areas[0].bounds",
        ),
        (action(json!({"type": "jump"})), "areas[0].action.type"),
        (action(json!({"type": "postback"})), "areas[0].action.data"),
        (
            action(json!({"type": "postback", "data": "d".repeat(301)})),
            "areas[0].action.data",
        ),
        (
            action(json!({"type": "uri", "uri": "ftp://files.example.com"})),
            "areas[0].action.uri",
        ),
        (
            action(json!({"type": "message", "text": "m", "label": "l".repeat(21)})),
            "areas[0].action.label",
        ),
        (
            action(json!({"type": "richmenuswitch", "data": "d", "richMenuAliasId": "Bad Alias"})),
            "areas[0].action.richMenuAliasId",
        ),
        (
            action(json!({"type": "datetimepicker", "data": "d", "mode": "week"})),
            "areas[0].action.mode",
        ),
    ];
    for (menu, field) in cases {
        rejected("create-rich-menu", menu.clone(), field).await;
        rejected("validate-rich-menu-object", menu, field).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_aliases_links_and_batches_are_checked_before_sending() {
    let bad_menu = json!({"richMenuId": "richmenu-XYZ"});
    rejected("get-rich-menu", bad_menu.clone(), "richMenuId").await;
    rejected("delete-rich-menu", bad_menu, "richMenuId").await;
    rejected(
        "link-rich-menu-id-to-user",
        json!({"userId": "C00000000000000000000000000000001", "richMenuId": RICH_MENU}),
        "userId",
    )
    .await;
    rejected(
        "create-rich-menu-alias",
        json!({"richMenuAliasId": "Incident!", "richMenuId": RICH_MENU}),
        "richMenuAliasId",
    )
    .await;
    rejected(
        "get-rich-menu-alias",
        json!({"richMenuAliasId": "a".repeat(33)}),
        "richMenuAliasId",
    )
    .await;
    rejected(
        "link-rich-menu-id-to-users",
        json!({"richMenuId": RICH_MENU, "userIds": []}),
        "userIds",
    )
    .await;
    let mut ids = users(600);
    ids[550] = "nobody".into();
    rejected(
        "unlink-rich-menu-id-from-users",
        json!({"userIds": ids}),
        "userIds[550]",
    )
    .await;
    let op = |op: Value| json!({"operations": [op]});
    for (input, field) in [
        (json!({"operations": []}), "operations"),
        (
            json!({"operations": vec![json!({"type": "unlinkAll"}); 1001]}),
            "operations",
        ),
        (op(json!({"type": "swap"})), "operations[0].type"),
        (
            op(json!({"type": "link", "from": RICH_MENU})),
            "operations[0].to",
        ),
        (
            op(json!({"type": "unlink", "from": "richmenu-1"})),
            "operations[0].from",
        ),
        (
            json!({"operations": [{"type": "unlinkAll"}], "resumeRequestKey": "no spaces"}),
            "resumeRequestKey",
        ),
    ] {
        rejected("rich-menu-batch", input.clone(), field).await;
        rejected("validate-rich-menu-batch-request", input, field).await;
    }
    rejected(
        "get-rich-menu-batch-progress",
        json!({"requestId": "r", "waitSeconds": 3601}),
        "waitSeconds",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_checked_from_its_own_header_before_it_is_sent() {
    let upload = |bytes: &[u8]| json!({"richMenuId": OTHER_RICH_MENU, "image": base64(bytes)});
    let gif = b"GIF89a\x20\x03\x0e\x01\x00\x00\x00\x00".to_vec();
    let mut cut = png(2500, 1686);
    cut.truncate(20);
    // Random bytes stay under 1 MB compressed, so the PNG is > 1 MB.
    let mut noisy = vec![0u8; 0];
    let mut rng = fastrand::Rng::with_seed(7);
    let big = {
        let (w, h) = (1200u32, 810u32);
        noisy.extend((0..w * h * 3).map(|_| rng.u8(..)));
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&noisy).unwrap();
        writer.finish().unwrap();
        bytes
    };
    assert!(big.len() > 1 << 20);
    for bytes in [
        Vec::new(),
        gif,
        b"not an image at all".to_vec(),
        cut,
        big,
        png(799, 270),
        png(2501, 1000),
        png(1000, 249),
        png(1200, 900),
        jpeg(1000, 800),
    ] {
        rejected("set-rich-menu-image", upload(&bytes), "image").await;
    }
    let error = rejected(
        "set-rich-menu-image",
        json!({"richMenuId": OTHER_RICH_MENU, "image": "%%%"}),
        "image",
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("base64"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_not_of_its_menus_size_is_refused_after_reading_the_menu() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let input = json!({"richMenuId": OTHER_RICH_MENU, "image": base64(&png(1200, 405))});
    let error = run("set-rich-menu-image", &config, input)
        .await
        .unwrap_err();
    assert_eq!(error["type"], "invalid-input", "{error}");
    assert_eq!(error["field"], "image");
    assert!(
        error["message"].as_str().unwrap().contains("2500x1686"),
        "{error}"
    );
    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "only the menu was read");
    assert_eq!(requests[0].method, "GET");

    // A menu LINE does not have: its 404, and nothing uploaded.
    let unknown = "richmenu-0123456789abcdef0123456789abcdef";
    let input = json!({"richMenuId": unknown, "image": base64(&png(2500, 1686))});
    let error = run("set-rich-menu-image", &config, input)
        .await
        .unwrap_err();
    assert_eq!(kind(&error), (Some("api"), Some(404)));
    assert!(sim.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_in_messages_get_the_same_checks_as_in_menus() {
    let quick = json!([{"type": "text", "text": "Report?", "quickReply": {"items": [
        {"type": "action", "action": {"type": "uri", "label": "Open", "uri": "javascript:alert(1)"}}
    ]}}]);
    rejected(
        "push",
        json!({"to": USER, "messages": quick}),
        "messages[0].quickReply.items[0].action.uri",
    )
    .await;
    let template = json!([{"type": "template", "altText": "Choose", "template": {
    "type": "buttons", "text": "Choose", "actions": [
        {"type": "message", "label": "Yes", "text": "yes"},
        {"type": "postback", "label": "No"}
    ]}}]);
    rejected(
        "push",
        json!({"to": USER, "messages": template}),
        "messages[0].template.actions[1].data",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_resent_only_where_doing_them_twice_changes_nothing() {
    use line_simulator::Fault;
    let sim = Simulator::start().await.unwrap();
    let config = json!({"channelAccessToken": line_simulator::CHANNEL_ACCESS_TOKEN,
        "apiBaseUrl": sim.url(), "dataApiBaseUrl": sim.url(), "retryDelayMs": 1});
    // A link whose answer is lost is resent, and holds.
    let link_path = format!("/v2/bot/user/{}/richmenu/{RICH_MENU}", FRIENDS[2]);
    sim.script(&link_path, [Fault::CloseAfterAccept]);
    let link = json!({"userId": FRIENDS[2], "richMenuId": RICH_MENU});
    let linked = run("link-rich-menu-id-to-user", &config, link)
        .await
        .unwrap();
    assert_eq!(
        linked["requestId"],
        sim.requests().last().unwrap().request_id
    );
    assert_eq!(
        sim.requests()
            .iter()
            .filter(|r| r.path == link_path)
            .count(),
        2
    );
    // A create whose answer is lost is not: a second menu would be made.
    sim.script("/v2/bot/richmenu", [Fault::CloseAfterAccept]);
    let error = run("create-rich-menu", &config, sample_menu(2500, 843))
        .await
        .unwrap_err();
    assert_eq!(error["type"], "transport", "{error}");
    let creates = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/bot/richmenu")
        .count();
    assert_eq!(creates, 1, "never resent");
    let list = run("get-rich-menu-list", &config, json!({})).await.unwrap();
    assert_eq!(list["richmenus"].as_array().unwrap().len(), 3, "made once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_uploads_and_downloads_images_as_files() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let image = png(2500, 1686);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &image).unwrap();
    let upload = format!("image={}", path_of(&file));
    let input = json!({"richMenuId": OTHER_RICH_MENU}).to_string();
    let sent = run_command(
        "set-rich-menu-image",
        &config,
        &["--input", &input, "--input-file", &upload],
    )
    .await;
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stdout)
    );
    assert_eq!(sim.requests().last().unwrap().body, image);

    let out = tempfile::NamedTempFile::new().unwrap();
    let read = run_command(
        "get-rich-menu-image",
        &config,
        &["--input", &input, "--output", path_of(&out)],
    )
    .await;
    assert!(read.status.success());
    let result: Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(result["contentType"], "image/png");
    assert!(
        result.get("content").is_none(),
        "written to the file: {result}"
    );
    assert_eq!(std::fs::read(out.path()).unwrap(), image);

    let bad = run_command(
        "set-rich-menu-image",
        &config,
        &["--input", &input, "--input-file", "image"],
    )
    .await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("FIELD=FILE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_image_costs_the_host_a_few_times_its_size_not_tens() {
    // 20 MB of bytes on the command line, under a 768 MiB address-space
    // limit: refused by the component's 1 MB rule, having crossed the host
    // as base64 text (about 180 MB at its peak). As wasmtime values, a
    // value per byte, it took the host 870 MB, which the limit refuses.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), vec![0x5a; 20_000_000]).unwrap();
    let config = config_file(&json!({"channelAccessToken": "tok-0123456789",
        "apiBaseUrl": "http://127.0.0.1:9", "dataApiBaseUrl": "http://127.0.0.1:9"}));
    let upload = format!("image={}", path_of(&file));
    let input = json!({"richMenuId": RICH_MENU}).to_string();
    // Compiling the component takes more than any input: a first run,
    // unlimited, fills a compiled-component cache of this test's own.
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_owned();
    let program = env!("CARGO_BIN_EXE_line-connector");
    let output = tokio::task::spawn_blocking(move || {
        let command = |program: &str| {
            let mut command = std::process::Command::new(program);
            command.env("LINE_CONNECTOR_CACHE", &cache_dir);
            command
        };
        assert!(
            command(program)
                .arg("actions")
                .output()
                .unwrap()
                .status
                .success()
        );
        command("sh")
            .args(["-c", "ulimit -v 786432 && exec \"$0\" \"$@\"", program])
            .args(["run", "set-rich-menu-image", "--config", path_of(&config)])
            .args(["--input", &input, "--input-file", &upload])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let error: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("{stdout}{}", String::from_utf8_lossy(&output.stderr)));
    assert_eq!(
        (error["type"].as_str(), error["field"].as_str()),
        (Some("invalid-input"), Some("image")),
        "{error}"
    );
}
