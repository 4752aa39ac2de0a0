//! Conformance to LINE's official OpenAPI specification (`../shared/line-openapi`):
//! every action, and every message type through every action that takes
//! messages, goes through the real component
//! - to Stoplight Prism serving the spec files, which reports any request
//!   that breaks them in its `sl-violations` header;
//! - to the simulator, where each request body is checked against the spec's
//!   request schema (discriminators resolved, unknown fields refused; see
//!   [`openapi`](crate::openapi)), and each answer of the simulator against
//!   the spec's responses, so the simulator cannot drift from LINE.
//!
//! Where the spec files are absent these tests say so and pass.

use crate::openapi::{self, Spec};
use crate::prism::Prism;
use crate::support::*;
use line_connector_cli::examples::{example, follow};
use line_connector_host::{ExchangeLog, Sandbox};
use line_simulator::{self as simulator, Recorded, Simulator};
use serde_json::{Value, json};
use std::io::{Read, Write};

/// One message of every type LINE has, some with quick replies and a sender.
const MESSAGE_TYPES: &str = include_str!("../fixtures/message-types.json");

/// The token endpoints of both client-credentials flows.
const TOKEN_PATHS: [&str; 2] = ["/oauth2/v3/token", "/v2/oauth/accessToken"];

/// LINE's OpenAPI files the connector's operations are in, and the
/// interfaces (areas) whose actions each holds; `messaging-api.yml` holds
/// the rest.
const SPEC_FILES: [(&str, &[&str]); 8] = [
    ("messaging-api.yml", &[]),
    ("channel-access-token.yml", &["channel-access-token"]),
    ("module-attach.yml", &["module-attach"]),
    ("manage-audience.yml", &["audience"]),
    ("insight.yml", &["insight"]),
    ("liff.yml", &["liff"]),
    ("module.yml", &["module"]),
    ("shop.yml", &["shop"]),
];

/// The spec file of `action`, by its interface in the manifest.
fn spec_file(action: &str) -> &'static str {
    let manifest = CONNECTOR_MANIFEST.get_or_init(|| {
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap()
    });
    let interfaces = manifest["interfaces"].as_array().unwrap();
    let area = interfaces
        .iter()
        .find(|i| i["actions"].as_array().unwrap().iter().any(|a| a == action))
        .and_then(|i| i["name"].as_str())
        .unwrap_or_default();
    SPEC_FILES
        .iter()
        .find(|(_, areas)| areas.iter().any(|a| area.contains(&format!("/{a}@"))))
        .map_or("messaging-api.yml", |(file, _)| file)
}

static CONNECTOR_MANIFEST: std::sync::OnceLock<Value> = std::sync::OnceLock::new();

/// Every action with its example input, then every message type through
/// every action that takes messages, five (LINE's most) per request.
fn cases() -> Vec<(String, Value)> {
    let messages: Vec<Value> = serde_json::from_str(MESSAGE_TYPES).unwrap();
    let mut cases = Vec::new();
    for action in CONNECTOR.actions() {
        cases.push((
            action.name.clone(),
            example(&action.name).unwrap_or(json!({})),
        ));
    }
    for action in CONNECTOR.actions() {
        let Some(input) = example(&action.name).filter(|i| i.get("messages").is_some()) else {
            continue;
        };
        for (i, group) in messages.chunks(5).enumerate() {
            let mut input = input.clone();
            input["messages"] = json!(group);
            if let Some(Value::String(token)) = input.get_mut("replyToken") {
                token.push_str(&format!("-{i}")); // reply tokens are single use
            }
            cases.push((action.name.clone(), input));
        }
    }
    cases
}

/// Runs every case, each in a fresh instance with the config `config_of`
/// gives for its action (a progress lookup asks about the action before
/// it: [`follow`]), then `push` and `quota` with client credentials from
/// both token endpoints at `token_base`. Returns the failed actions.
async fn drive(
    config_of: impl Fn(&str) -> Value,
    token_base: &str,
    log: &ExchangeLog,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut previous = None;
    let mut runs: Vec<(String, Value, Value)> = cases()
        .into_iter()
        .map(|(action, input)| {
            let config = config_of(&action);
            (action, config, input)
        })
        .collect();
    for path in TOKEN_PATHS {
        let mut client = config_of("push");
        let object = client.as_object_mut().unwrap();
        object.remove("channelAccessToken");
        object.insert("clientId".into(), json!(simulator::CLIENT_ID));
        object.insert("clientSecret".into(), json!(simulator::CLIENT_SECRET));
        object.insert("tokenUrl".into(), json!(format!("{token_base}{path}")));
        for action in ["push", "quota"] {
            let input = example(action).unwrap_or(json!({}));
            runs.push((action.to_owned(), client.clone(), input));
        }
    }
    for (action, config, mut input) in runs {
        follow(&action, &mut input, previous.as_ref());
        let sandbox = Sandbox::for_config(&config).logging(log.clone());
        let mut session = CONNECTOR.session(sandbox).await.unwrap();
        match session.run(&action, &config, &input).await.unwrap() {
            Ok(result) => previous = Some(result),
            Err(error) => failures.push(format!("{action} with {input}: {error}")),
        }
    }
    failures
}

fn report(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_passes_prism() {
    let dir = openapi::dir();
    // One Prism per spec file, started side by side.
    let prisms: Vec<(&str, Prism)> = tokio::task::spawn_blocking(move || {
        let started: Vec<_> = SPEC_FILES
            .iter()
            .map(|(file, _)| {
                let path = dir.join(file);
                (*file, std::thread::spawn(move || Prism::serve(&path)))
            })
            .collect();
        started
            .into_iter()
            .map(|(file, prism)| (file, prism.join().unwrap()))
            .collect()
    })
    .await
    .unwrap();
    let prism = |file: &str| &prisms.iter().find(|(f, _)| *f == file).unwrap().1;
    let (api, tokens) = (
        prism("messaging-api.yml"),
        prism("channel-access-token.yml"),
    );

    // Prism does flag a request that breaks the spec (so a pass means something).
    let bad = raw_post(
        &api.url,
        "/v2/bot/message/push",
        r#"{"to": 7, "messages": []}"#,
    );
    assert!(
        bad.contains("sl-violations"),
        "Prism let a bad push through:\n{bad}"
    );

    let config_of = |action: &str| {
        let url = &prism(spec_file(action)).url;
        let config =
            json!({"channelAccessToken": "prism-token", "apiBaseUrl": url, "dataApiBaseUrl": url});
        with_credentials(action, config, &prism("channel-access-token.yml").url)
    };
    let log = ExchangeLog::default();
    let mut failures = drive(config_of, &tokens.url, &log).await;
    let exchanges = log.lock().unwrap().clone();
    for exchange in &exchanges {
        let line = format!("{} {}", exchange.method, exchange.url);
        match (exchange.header("sl-violations"), exchange.status) {
            (Some(violations), _) => failures.push(format!("{line}: {violations}")),
            (None, Some(200..=299)) => {}
            (None, status) => failures.push(format!("{line}: answered {status:?}")),
        }
    }
    report("requests broke LINE's OpenAPI spec (per Prism)", &failures);
    assert!(exchanges.len() > cases().len(), "every case reached Prism");
    for path in TOKEN_PATHS {
        assert!(
            exchanges.iter().any(|e| e.url.ends_with(path)),
            "{path} was exercised"
        );
    }
}

/// The traffic of every case against the simulator, with the specs.
async fn simulator_traffic() -> (Vec<Spec>, Vec<Recorded>) {
    let dir = openapi::dir();
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let config_of = |action: &str| with_credentials(action, config.clone(), &sim.url());
    let failures = drive(config_of, &sim.url(), &ExchangeLog::default()).await;
    report("actions failed against the simulator", &failures);
    let specs = SPEC_FILES.iter().map(|(file, _)| Spec::load(&dir, file));
    (specs.collect(), sim.requests())
}

/// The spec and operation a recorded request belongs to: a literal path
/// before a template, in any of the files.
fn operation<'s>(specs: &'s [Spec], r: &Recorded) -> Result<(&'s Spec, String), String> {
    let found = specs
        .iter()
        .filter_map(|spec| Some((spec, spec.operation(&r.method, &r.path)?)))
        .min_by_key(|(_, op)| op.contains('{'));
    found.ok_or_else(|| format!("{} {} is in no operation of LINE's files", r.method, r.path))
}

/// A `multipart/form-data` body as an object of its parts (text; `true`,
/// `false` and numbers as JSON where the schema says so), for the schema
/// check.
fn form_parts(r: &Recorded, spec: &Spec, op: &str) -> Value {
    let content_type = r.header("content-type").unwrap_or_default();
    let boundary = content_type.split("boundary=").nth(1).unwrap_or_default();
    let body = String::from_utf8_lossy(&r.body);
    let schema = format!("{op}/requestBody/content/multipart~1form-data/schema/properties");
    let properties = spec.doc.pointer(&schema).cloned().unwrap_or_default();
    let mut parts = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, text)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|n| n.split('"').next())
        else {
            continue;
        };
        let text = text.strip_suffix("\r\n").unwrap_or(text);
        let typed = match properties[name]["type"].as_str() {
            Some("boolean" | "integer") => serde_json::from_str(text).unwrap_or(json!(text)),
            _ => json!(text),
        };
        parts.insert(name.to_owned(), typed);
    }
    Value::Object(parts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_body_matches_the_spec_schemas() {
    let (specs, requests) = simulator_traffic().await;
    let mut failures = Vec::new();
    for r in requests
        .iter()
        .filter(|r| matches!(r.method.as_str(), "POST" | "PUT"))
    {
        let line = format!("{} {}", r.method, r.path);
        match operation(&specs, r) {
            Ok((spec, op)) => {
                let content_type = r.header("content-type").unwrap_or_default();
                // An operation without a body (leaving a group) is sent none.
                if r.body.is_empty() && content_type.is_empty() {
                    let pointer = format!("{op}/requestBody");
                    if spec.doc.pointer(&pointer).is_some() {
                        failures.push(format!("{line}: sent no body, but {op} takes one"));
                    }
                    continue;
                }
                let (content_type, body) = match content_type {
                    "application/x-www-form-urlencoded" => (content_type, json!(r.form())),
                    form if form.starts_with("multipart/form-data") => {
                        ("multipart/form-data", form_parts(r, spec, &op))
                    }
                    _ => (content_type, r.json()),
                };
                let problems = spec.check_request(&op, content_type, &body);
                failures.extend(problems.into_iter().map(|p| format!("{line}: {p}")));
            }
            Err(e) => failures.push(e),
        }
    }
    report("request bodies broke LINE's OpenAPI spec", &failures);
    assert!(requests.iter().filter(|r| r.method == "POST").count() > cases().len() / 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_simulator_answer_matches_the_spec() {
    let (specs, requests) = simulator_traffic().await;
    let mut failures = Vec::new();
    for r in &requests {
        let line = format!("{} {} answered {}", r.method, r.path, r.status);
        match operation(&specs, r) {
            Ok((spec, op)) => {
                let problems = spec.check_response(&op, r.status, &r.answer);
                failures.extend(problems.into_iter().map(|p| format!("{line}: {p}")));
            }
            Err(e) => failures.push(e),
        }
    }
    report(
        "simulator answers disagree with LINE's OpenAPI spec",
        &failures,
    );
    assert!(requests.iter().all(|r| (200..300).contains(&r.status)));
}

#[test]
fn the_spec_checks_refuse_what_line_refuses() {
    let dir = openapi::dir();
    let api = Spec::load(&dir, "messaging-api.yml");
    let push = api.operation("POST", "/v2/bot/message/push").unwrap();
    let check = |body: Value| api.check_request(&push, "application/json", &body);
    let ok = json!({"to": USER, "messages": [{"type": "text", "text": "hi"}]});
    assert_eq!(check(ok), Vec::<String>::new());
    for bad in [
        json!({"to": USER, "messages": [{"type": "text"}]}),
        json!({"to": USER, "messages": [{"type": "txet", "text": "hi"}]}),
        json!({"to": USER, "messages": [{"type": "text", "text": "hi"}], "notificationDisable": true}),
        json!({"to": USER, "messages": [{"type": "template", "altText": "a", "template": {"type": "confirm", "text": "ok?"}}]}),
        json!({"to": USER, "messages": [{"type": "flex", "altText": "a", "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [{"type": "button"}]}}}]}),
        json!({"to": USER, "messages": []}),
    ] {
        assert!(
            !check(bad.clone()).is_empty(),
            "the spec check let {bad} through"
        );
    }
    let quota = api.operation("GET", "/v2/bot/message/quota").unwrap();
    assert!(
        !api.check_response(&quota, 200, &json!({"value": 1}))
            .is_empty()
    );
    assert!(
        !api.check_response(&quota, 201, &json!({"type": "none"}))
            .is_empty()
    );
}

/// A POST with a JSON body, sent by hand; the raw answer.
fn raw_post(base: &str, path: &str, body: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer t\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}
