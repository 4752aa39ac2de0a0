//! The manifest (`describe`, and the custom section the `.wasm` carries) and
//! running actions by name (`invoke`), through the real component.

use crate::support::*;
use line_connector_host::component::EMBEDDED_COMPONENT;
use line_connector_host::{Sandbox, manifest_of};
use line_simulator::Simulator;
use serde_json::{Value, json};

fn manifest() -> Value {
    manifest_of(EMBEDDED_COMPONENT).expect("the component carries its manifest")
}

fn actions(manifest: &Value) -> &Vec<Value> {
    manifest["actions"].as_array().unwrap()
}

/// The problems `instance` has against `schema` (JSON Schema 2020-12).
fn violations(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a valid schema");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Runs `action` through `invoke` in a fresh instance.
async fn invoke(action: &str, config: &Value, input: &Value) -> Result<Value, Value> {
    let mut session = CONNECTOR
        .session(Sandbox::for_config(config))
        .await
        .unwrap();
    session.invoke(action, config, input).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_custom_section_is_what_describe_returns() {
    let sim = Simulator::start().await.unwrap();
    let mut session = session(&token_config(&sim)).await;
    let described = session.describe().await.unwrap();
    assert_eq!(described, manifest());
    let names: Vec<&str> = actions(&described)
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    let exported: Vec<&str> = CONNECTOR
        .actions()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, exported);
    assert!(sim.requests().is_empty(), "describing sends nothing");
}

#[test]
fn every_schema_is_valid_json_schema_and_every_example_fits_its_action() {
    let manifest = manifest();
    let mut schemas = vec![("config", &manifest["configSchema"])];
    for action in actions(&manifest) {
        let name = action["name"].as_str().unwrap();
        for key in ["title", "description", "docsUrl", "endpoint"] {
            assert!(
                action[key].as_str().is_some_and(|s| !s.is_empty()),
                "{name}.{key}"
            );
        }
        assert!(
            action["docsUrl"]
                .as_str()
                .unwrap()
                .starts_with("https://developers.line.biz/en/reference/"),
            "{name}: LINE's reference"
        );
        assert!(action["hints"]["rateLimit"].is_string(), "{name}");
        assert!(!action["errors"].as_array().unwrap().is_empty(), "{name}");
        schemas.push((name, &action["inputSchema"]));
        schemas.push((name, &action["outputSchema"]));
        let examples = action["examples"].as_array().unwrap();
        assert!(!examples.is_empty(), "{name} has an example");
        for example in examples {
            assert_eq!(
                violations(&action["inputSchema"], example),
                Vec::<String>::new(),
                "{name}"
            );
            let file = format!("{}/../../examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
            let on_disk: Value =
                serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            assert_eq!(
                example, &on_disk,
                "{name}: the manifest carries examples/{name}.json"
            );
        }
    }
    for (name, schema) in schemas {
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        if let Err(e) = jsonschema::meta::validate(schema) {
            panic!("{name}: not a valid JSON Schema: {e}");
        }
    }
}

#[test]
fn the_config_schema_knows_the_three_auth_modes_and_marks_the_secrets() {
    let schema = &manifest()["configSchema"];
    let token = json!({"channelAccessToken": "t", "apiBaseUrl": "https://api.line.me"});
    let client = json!({"clientId": "1234567890", "clientSecret": "s", "timeoutMs": 5000});
    let assertion =
        json!({"clientId": "1234567890", "assertionPrivateKey": "{}", "assertionKeyId": "k"});
    for good in [&token, &client, &assertion] {
        assert_eq!(violations(schema, good), Vec::<String>::new(), "{good}");
    }
    for bad in [
        json!({}),
        json!({"channelAccessToken": "t", "clientSecret": "s"}),
        json!({"clientId": "1"}),
        json!({"clientId": "1", "assertionPrivateKey": "{}"}),
        json!({"clientId": "1", "clientSecret": "s", "assertionPrivateKey": "{}", "assertionKeyId": "k"}),
        json!({"channelAccessToken": "t", "timeoutMs": -1}),
        json!({"channelAccessToken": "t", "channelSecret": 1}),
    ] {
        assert!(!violations(schema, &bad).is_empty(), "{bad} passed");
    }
    let properties = schema["properties"].as_object().unwrap();
    let secret: Vec<&String> = properties
        .iter()
        .filter(|(_, p)| p["writeOnly"] == true)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        secret,
        [
            "channelAccessToken",
            "clientSecret",
            "assertionPrivateKey",
            "channelSecret"
        ]
    );
}

/// LINE's published rate limits per channel (the reference's "Rate limits"
/// table), for every operation with a limit other than the 2,000 requests
/// per second of "other API endpoints": (action, requests, per seconds).
const LINE_RATE_LIMITS: &[(&str, u64, u64)] = &[
    ("display-loading", 100, 1),
    ("multicast", 200, 1),
    ("broadcast", 60, 3600),
    ("narrowcast", 60, 3600),
    ("get-webhook-endpoint", 1000, 60),
    ("set-webhook-endpoint", 1000, 60),
    ("test-webhook-endpoint", 60, 3600),
    ("create-rich-menu", 100, 3600),
    ("delete-rich-menu", 100, 3600),
    ("get-rich-menu-list", 10, 1),
    ("delete-rich-menu-alias", 100, 3600),
    ("rich-menu-batch", 3, 3600),
    ("get-rich-menu-batch-progress", 100, 3600),
    ("create-audience-group", 60, 60),
    ("add-audience-to-audience-group", 60, 60),
    ("create-audience-for-uploading-user-ids", 60, 60),
    ("add-user-ids-to-audience", 60, 60),
    ("create-click-based-audience-group", 60, 60),
    ("create-imp-based-audience-group", 60, 60),
    ("update-audience-group-description", 60, 60),
    ("delete-audience-group", 60, 60),
    ("get-audience-data", 60, 60),
    ("get-audience-groups", 60, 60),
    ("get-shared-audience-data", 60, 60),
    ("get-shared-audience-groups", 60, 60),
    ("get-friends-demographics", 60, 3600),
    ("get-number-of-message-deliveries", 60, 3600),
    ("get-number-of-followers", 60, 3600),
    ("get-message-event", 60, 3600),
    ("get-statistics-per-unit", 60, 3600),
    ("get-rich-menu-insight-summary", 60, 3600),
    ("get-rich-menu-insight-daily", 60, 3600),
    ("get-membership-subscription", 200, 1),
    ("get-membership-list", 200, 1),
    ("create-coupon", 200, 1),
    ("close-coupon", 200, 1),
    ("list-coupon", 200, 1),
    ("get-coupon-detail", 200, 1),
    ("issue-channel-token", 370, 1),
];

#[test]
fn every_rate_limit_is_lines() {
    let manifest = manifest();
    let mut wrong = Vec::new();
    for action in actions(&manifest) {
        let name = action["name"].as_str().unwrap();
        let (requests, seconds) = LINE_RATE_LIMITS
            .iter()
            .find(|(listed, ..)| *listed == name)
            .map_or((2000, 1), |&(_, requests, seconds)| (requests, seconds));
        let hints = &action["hints"];
        let unit = match seconds {
            1 => "second",
            60 => "minute",
            _ => "hour",
        };
        let text = format!("{requests} requests per {unit}").replace("2000", "2,000");
        let text = text.replace("1000 ", "1,000 ");
        if hints["rateLimitRequests"] != requests
            || hints["rateLimitSeconds"] != seconds
            || hints["rateLimit"] != text.as_str()
        {
            wrong.push(format!(
                "{name}: LINE says {text}, the manifest {} ({} per {} s)",
                hints["rateLimit"], hints["rateLimitRequests"], hints["rateLimitSeconds"]
            ));
        }
    }
    for (listed, ..) in LINE_RATE_LIMITS {
        assert!(
            actions(&manifest).iter().any(|a| a["name"] == *listed),
            "{listed} is no action"
        );
    }
    assert!(
        wrong.is_empty(),
        "rate limits unlike LINE's:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn hints_follow_what_each_action_does() {
    let manifest = manifest();
    let hint = |name: &str, key: &str| {
        let action = actions(&manifest)
            .iter()
            .find(|a| a["name"] == name)
            .unwrap();
        action["hints"][key].clone()
    };
    assert_eq!(hint("push", "sendsMessage"), true);
    assert_eq!(hint("push", "retryKey"), true);
    assert_eq!(hint("push", "rateLimit"), "2,000 requests per second");
    assert_eq!(hint("reply", "idempotent"), false);
    assert_eq!(hint("multicast", "batchSize"), 500);
    assert_eq!(hint("multicast", "rateLimit"), "200 requests per second");
    assert_eq!(hint("broadcast", "rateLimit"), "60 requests per hour");
    assert_eq!(hint("narrowcast", "rateLimit"), "60 requests per hour");
    assert_eq!(
        hint("display-loading", "rateLimit"),
        "100 requests per second"
    );
    assert_eq!(hint("quota", "readOnly"), true);
    assert_eq!(hint("validate-push", "readOnly"), true);
    assert_eq!(hint("display-loading", "readOnly"), false);
    let errors = |name: &str| -> Vec<Value> {
        let action = actions(&manifest)
            .iter()
            .find(|a| a["name"] == name)
            .unwrap();
        action["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].clone())
            .collect()
    };
    assert!(errors("multicast").contains(&json!("batches-failed")));
    assert!(!errors("push").contains(&json!("batches-failed")));
    assert!(errors("push").contains(&json!("quota-exceeded")));
    assert!(!errors("quota").contains(&json!("quota-exceeded")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_runs_by_name_and_its_output_fits_its_schema() {
    let sim = Simulator::start().await.unwrap();
    let manifest = manifest();
    let mut previous = None;
    for action in actions(&manifest) {
        let name = action["name"].as_str().unwrap();
        let config = with_credentials(name, token_config(&sim), &sim.url());
        let mut input = action["examples"][0].clone();
        line_connector_cli::examples::follow(name, &mut input, previous.as_ref());
        let output = invoke(name, &config, &input)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            violations(&action["outputSchema"], &output),
            Vec::<String>::new(),
            "{name}: {output}"
        );
        previous = Some(output);
    }
    assert_eq!(
        sim.deliveries().len(),
        6,
        "push, reply, multicast, broadcast, narrowcast, LINE notification message"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_and_the_typed_function_send_the_same_and_answer_alike() {
    for action in actions(&manifest()) {
        let name = action["name"].as_str().unwrap();
        let input = &action["examples"][0];
        let (typed_sim, invoked_sim) = (
            Simulator::start().await.unwrap(),
            Simulator::start().await.unwrap(),
        );
        let config_of = |sim: &Simulator| with_credentials(name, token_config(sim), &sim.url());
        let config = config_of(&typed_sim);
        let mut typed_session = session(&config).await;
        let typed = typed_session.run_typed(name, &config, input).await.unwrap();
        let invoked = invoke(name, &config_of(&invoked_sim), input).await;
        let keys = |o: &Result<Value, Value>| {
            let v = o.as_ref().unwrap_or_else(|e| e);
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(
            typed.is_ok(),
            invoked.is_ok(),
            "{name}: {typed:?} / {invoked:?}"
        );
        assert_eq!(keys(&typed), keys(&invoked), "{name}");
        let sent = |sim: &Simulator| -> Vec<(String, String, Value)> {
            sim.requests()
                .iter()
                .map(|r| (r.method.clone(), r.path.clone(), r.json()))
                .collect()
        };
        assert_eq!(sent(&typed_sim), sent(&invoked_sim), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_refuses_json_that_does_not_fit_and_sends_nothing() {
    let sim = Simulator::start().await.unwrap();
    let config = client_config(&sim);
    let cases = [
        (
            "push",
            config.clone(),
            json!({"to": USER, "text": "x", "notificationDisable": true}),
            "notificationDisable",
        ),
        (
            "display-loading",
            config.clone(),
            json!({"chatId": USER, "loadingSeconds": "20"}),
            "loadingSeconds",
        ),
        (
            "display-loading",
            config.clone(),
            json!({"chatId": USER, "loadingSeconds": -5}),
            "loadingSeconds",
        ),
        (
            "multicast",
            config.clone(),
            json!({"to": [USER, 7], "text": "x"}),
            "to[1]",
        ),
        ("push", config.clone(), json!({"text": "x"}), "to"),
        ("quota", config.clone(), json!({"to": USER}), "to"),
        ("push", config.clone(), json!([1]), "input"),
        ("send-fax", config.clone(), json!({}), "action"),
        (
            "quota",
            json!({"channelAccessToken": "t", "timeoutMs": "soon"}),
            json!({}),
            "config.timeoutMs",
        ),
        (
            "quota",
            json!({"channelAccessToken": "t", "channelSecret": 7}),
            json!({}),
            "config.channelSecret",
        ),
        (
            "push",
            config.clone(),
            json!({"to": "U1", "text": "x"}),
            "to",
        ),
    ];
    for (action, config, input, field) in cases {
        let error = invoke(action, &config, &input).await.expect_err(action);
        assert_eq!(
            (error["type"].as_str(), error["field"].as_str()),
            (Some("invalid-input"), Some(field)),
            "{action} {input}: {error}"
        );
    }
    assert!(sim.requests().is_empty());

    // LINE objects may come as JSON or as their text, as with the typed path.
    let as_text = json!({"to": USER, "messages": text("hi").to_string()});
    invoke("push", &config, &as_text).await.unwrap();
    assert_eq!(
        sim.requests().last().unwrap().json()["messages"],
        text("hi")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_describes_from_the_file_without_running_it() {
    let out = line_connector(&["describe", "push"]).await;
    assert!(out.status.success());
    let push: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(push["name"], "push");
    let listed = actions(&manifest())
        .iter()
        .find(|a| a["name"] == "push")
        .cloned();
    assert_eq!(Some(push), listed);

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), EMBEDDED_COMPONENT).unwrap();
    let out = line_connector(&["describe", "--component", path_of(&file)]).await;
    let whole: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(whole, manifest());

    let out = line_connector(&["describe", "send-fax"]).await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_never_shows_a_secret_typed_into_the_wrong_place() {
    let secret = "channel-secret-8f3a9c2e";
    let token = "access-token-5d1b7e60";
    let cases = [
        json!({"clientId": "1", "clientSecret": secret, "timeoutMs": secret}),
        json!({"channelAccessToken": token, "maxAttempts": token}),
        json!({"channelAccessToken": token, "apiBaseUrl": token}),
        json!({"channelAccessToken": token, "clientSecret": secret}),
    ];
    for config in cases {
        let error = invoke("quota", &config, &json!({})).await.unwrap_err();
        let shown = error.to_string();
        assert!(!shown.contains(secret) && !shown.contains(token), "{shown}");
        assert_eq!(error["type"], "invalid-input", "{shown}");
        let typed = run("quota", &config, json!({}))
            .await
            .unwrap_err()
            .to_string();
        assert!(!typed.contains(secret) && !typed.contains(token), "{typed}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_lists_each_area_interface_and_its_actions() {
    let manifest =
        line_connector_host::manifest_of(line_connector_host::component::EMBEDDED_COMPONENT)
            .unwrap();
    let interfaces = manifest["interfaces"].as_array().unwrap();
    let mut listed: Vec<&str> = Vec::new();
    for interface in interfaces {
        let name = interface["name"].as_str().unwrap();
        assert!(
            name.starts_with("line:messaging/") && name.ends_with("@0.2.0"),
            "{name}"
        );
        assert!(
            interface["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{name}"
        );
        listed.extend(
            interface["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap()),
        );
    }
    let exported: Vec<&str> = CONNECTOR
        .actions()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(
        listed, exported,
        "each action in one interface, in export order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_input_schemas_refuse_what_the_component_refuses() {
    // Each input breaks one of validate's rules: the manifest's schema
    // refuses it, and so does the component (invalid-input at the field).
    let sim = Simulator::start().await.unwrap();
    let manifest = manifest();
    let schema = |name: &str| {
        let action = actions(&manifest)
            .iter()
            .find(|a| a["name"] == name)
            .unwrap();
        action["inputSchema"].clone()
    };
    let cases = [
        ("multicast", json!({"to": [], "text": "x"}), "to"),
        (
            "multicast",
            json!({"to": ["u-not-an-id"], "text": "x"}),
            "to[0]",
        ),
        ("push", json!({"to": "C123", "text": "x"}), "to"),
        ("push", json!({"to": USER, "text": ""}), "text"),
        (
            "push",
            json!({"to": USER, "text": "x", "retryKey": "not-a-uuid"}),
            "retryKey",
        ),
        (
            "push",
            json!({"to": USER, "text": "x", "customAggregationUnits": ["a", "b"]}),
            "customAggregationUnits",
        ),
        (
            "display-loading",
            json!({"chatId": USER, "loadingSeconds": 7}),
            "loadingSeconds",
        ),
        ("delivery-push", json!({"date": "2025-12-31"}), "date"),
        (
            "get-group-summary",
            json!({"groupId": "R00000000000000000000000000000001"}),
            "groupId",
        ),
        ("get-followers", json!({"limit": 1001}), "limit"),
        (
            "get-followers",
            json!({"all": true, "maxPages": 0}),
            "maxPages",
        ),
        (
            "set-webhook-endpoint",
            json!({"endpoint": "http://plain.example.com"}),
            "endpoint",
        ),
        (
            "get-message-content",
            json!({"messageId": "abc"}),
            "messageId",
        ),
        (
            "mark-messages-as-read",
            json!({"chat": {"userId": "nobody"}}),
            "chat.userId",
        ),
        (
            "get-rich-menu",
            json!({"richMenuId": "menu-1"}),
            "richMenuId",
        ),
        (
            "get-rich-menu-alias",
            json!({"richMenuAliasId": "Upper"}),
            "richMenuAliasId",
        ),
        (
            "unlink-rich-menu-id-from-users",
            json!({"userIds": []}),
            "userIds",
        ),
        (
            "rich-menu-batch",
            json!({"operations": [{"type": "unlinkAll"}], "resumeRequestKey": "a b"}),
            "resumeRequestKey",
        ),
        ("rich-menu-batch", json!({"operations": []}), "operations"),
        (
            "create-rich-menu",
            menu_with(|m| m["chatBarText"] = json!("x".repeat(15))),
            "chatBarText",
        ),
        (
            "create-rich-menu",
            menu_with(|m| m["name"] = json!("x".repeat(301))),
            "name",
        ),
        (
            "create-rich-menu",
            menu_with(|m| m["size"]["width"] = json!(2600)),
            "size",
        ),
        (
            "create-rich-menu",
            menu_with(|m| m["size"]["height"] = json!(249)),
            "size",
        ),
        (
            "create-rich-menu",
            menu_with(|m| m["areas"] = json!(vec![m["areas"][0].clone(); 21])),
            "areas",
        ),
        ("get-audience-groups", json!({"page": 0}), "page"),
        (
            "get-audience-groups",
            json!({"page": 1, "size": 41}),
            "size",
        ),
        (
            "create-imp-based-audience-group",
            json!({"description": "d".repeat(121), "requestId": "r"}),
            "description",
        ),
        (
            "create-click-based-audience-group",
            json!({"description": "d", "requestId": "r", "clickUrl": "ftp://x"}),
            "clickUrl",
        ),
        ("list-coupon", json!({"limit": 101}), "limit"),
        (
            "push-messages-by-phone",
            json!({"to": "0800", "text": "x"}),
            "to",
        ),
        (
            "get-statistics-per-unit",
            json!({"customAggregationUnit": "u", "from": "2026-11-01", "to": "20261102"}),
            "from",
        ),
    ];
    for (action, input, field) in cases {
        assert!(
            !violations(&schema(action), &input).is_empty(),
            "{action}: the schema takes {input}"
        );
        let error = run(action, &token_config(&sim), input.clone())
            .await
            .unwrap_err();
        assert_eq!(
            (error["type"].as_str(), error["field"].as_str()),
            (Some("invalid-input"), Some(field)),
            "{action} {input}: {error}"
        );
    }
    assert!(sim.requests().is_empty());
    // messages given as text: declared JSON, of the messages' shape.
    let push = schema("push");
    let text_form = &push["properties"]["messages"]["anyOf"][1];
    assert_eq!(text_form["contentMediaType"], "application/json");
    assert_eq!(text_form["contentSchema"]["maxItems"], 5);
}
