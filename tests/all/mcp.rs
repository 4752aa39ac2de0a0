//! `line-connector mcp` with a client nobody here wrote: the official MCP
//! Python SDK (`mcp` from PyPI, in a fresh virtual environment) runs
//! `tests/mcp/client.py` against the real command over stdio and
//! Streamable HTTP, the simulator behind it. Every message of a stdio
//! session is captured on the way (`tee` on both pipes) and scanned for
//! the channel's secrets and the tokens it used.

use crate::intake::{Intake, eventually};
use crate::support::{USER, client_config, config_file, path_of};
use line_connector_cli::packages;
use line_simulator::{CLIENT_SECRET, Simulator};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The interpreter of a virtual environment with the MCP SDK, made once.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        packages::venv(&dir.join("venv"), &["mcp==2.3.0"]).unwrap()
    })
}

/// Runs the client with `spec`: its report.
async fn session(spec: Value) -> Value {
    let script = packages::root().join("tests/mcp/client.py");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python())
            .arg(script)
            .arg(spec.to_string())
            .env_remove("PYTHONPATH")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "the client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A stdio server spec: `line-connector mcp ARGS`, both pipes copied to
/// files in `dir` (`in`, `out`) and its stderr to `err`.
fn stdio(dir: &Path, args: &[&str]) -> Value {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_line-connector"))
        .chain(["mcp"])
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect();
    let d = dir.display();
    let line = format!("tee {d}/in | {} 2>{d}/err | tee {d}/out", quoted.join(" "));
    json!({"command": "/bin/sh", "args": ["-c", line]})
}

/// Everything the session carried (both pipes) and the server printed.
fn transcript(dir: &Path) -> String {
    ["in", "out", "err"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The bearer tokens the connector sent the simulator.
fn tokens_used(sim: &Simulator) -> Vec<String> {
    let mut tokens: Vec<String> = sim
        .requests()
        .iter()
        .flat_map(|r| r.headers.iter())
        .filter(|(name, _)| name == "authorization")
        .filter_map(|(_, value)| value.strip_prefix("Bearer ").map(str::to_owned))
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

fn tool<'a>(report: &'a Value, name: &str) -> Option<&'a Value> {
    report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_on_stdio_reads_sends_and_is_refused_what_it_may_not() {
    let sim = Simulator::start().await.unwrap();
    let config = config_file(&client_config(&sim));
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--config",
        path_of(&config),
        "--listing",
        "each",
        "--tools",
        "reading,push",
    ];
    let report = session(json!({
        "stdio": stdio(dir.path(), &args),
        "calls": [
            ["get-profile", {"userId": USER}],
            ["push", {"to": USER, "messages": [{"type": "text", "text": "Ticket 42 is yours"}]}],
            ["get-profile", {"userId": "alice"}],
            ["broadcast", {"messages": [{"type": "text", "text": "everyone"}]}],
            ["issue-channel-token", {}],
        ],
    }))
    .await;
    assert_eq!(report["initialize"]["serverInfo"]["name"], "line-connector");
    assert_eq!(
        report["schemaProblems"],
        json!([]),
        "every schema is a JSON Schema"
    );
    // Reading and the one sending action named; nothing wide, destructive or credential.
    for shown in ["line-describe", "get-profile", "get-bot-info", "push"] {
        assert!(tool(&report, shown).is_some(), "{shown} listed");
    }
    for hidden in [
        "broadcast",
        "multicast",
        "reply",
        "delete-rich-menu",
        "issue-channel-token",
        "line-invoke",
    ] {
        assert!(tool(&report, hidden).is_none(), "{hidden} not listed");
    }
    let read = &tool(&report, "get-profile").unwrap()["annotations"];
    assert_eq!(
        (&read["readOnlyHint"], &read["openWorldHint"]),
        (&json!(true), &json!(true))
    );
    let send = tool(&report, "push").unwrap();
    assert_eq!(send["annotations"]["readOnlyHint"], false);
    assert_eq!(send["annotations"]["destructiveHint"], false);
    assert!(send["outputSchema"]["properties"]["sentMessages"].is_object());
    assert!(
        send["description"]
            .as_str()
            .unwrap()
            .contains("cannot be unsent")
    );
    // A read and a send against the simulator (the SDK checked both
    // against their output schemas).
    let calls = report["calls"].as_array().unwrap();
    assert_eq!(calls[0]["isError"], false, "{}", calls[0]);
    assert_eq!(calls[0]["structuredContent"]["userId"], USER);
    assert_eq!(calls[1]["isError"], false, "{}", calls[1]);
    assert!(
        sim.deliveries()
            .iter()
            .any(|d| d.kind == "push" && d.to == [USER])
    );
    // Invalid input: an error result with the field, nothing sent.
    assert_eq!(calls[2]["isError"], true);
    assert_eq!(calls[2]["structuredContent"]["type"], "invalid-input");
    assert_eq!(calls[2]["structuredContent"]["field"], "userId");
    // Hidden tools: refused as results, nothing sent.
    for refused in &calls[3..] {
        assert_eq!(refused["isError"], true, "{refused}");
        assert_eq!(
            refused["structuredContent"]["type"], "not-exposed",
            "{refused}"
        );
    }
    assert!(!sim.deliveries().iter().any(|d| d.kind == "broadcast"));
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.path.contains("/oauth2/v2.1/token"))
    );
    // No secret in any message of the session, nor on the server's stderr.
    let said = transcript(dir.path());
    assert!(
        said.contains("Ticket 42"),
        "the transcript holds the session"
    );
    let tokens = tokens_used(&sim);
    assert!(!tokens.is_empty());
    for secret in tokens.iter().map(String::as_str).chain([CLIENT_SECRET]) {
        assert!(!said.contains(secret), "a secret in the session");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_list_is_two_small_tools_that_reach_the_whole_catalogue() {
    let sim = Simulator::start().await.unwrap();
    let config = config_file(&client_config(&sim));
    let dir = tempfile::tempdir().unwrap();
    let report = session(json!({
        "stdio": stdio(dir.path(), &["--config", path_of(&config)]),
        "calls": [
            ["line-describe", {}],
            ["line-describe", {"action": "narrowcast"}],
            ["line-invoke", {"action": "get-bot-info", "input": {}}],
            ["line-invoke", {"action": "push", "input": {"to": USER, "messages": [{"type": "text", "text": "x"}]}}],
            ["line-invoke", {"action": "get-followers", "input": {"limit": "many"}}],
        ],
    }))
    .await;
    let names: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["line-describe", "line-invoke"]);
    let bytes = report["toolsBytes"].as_u64().unwrap();
    eprintln!("the default tool list: {bytes} bytes of JSON");
    assert!(bytes < 4096, "{bytes} bytes");
    let calls = report["calls"].as_array().unwrap();
    let listing = calls[0]["structuredContent"]["actions"].as_array().unwrap();
    assert_eq!(listing.len(), 111);
    let exposed = listing.iter().filter(|a| a["exposed"] == true).count();
    assert!(
        exposed > 40 && exposed < 111,
        "{exposed} exposed by default (reading)"
    );
    let narrowcast = &calls[1]["structuredContent"];
    assert_eq!(narrowcast["exposed"], false);
    assert!(narrowcast["inputSchema"]["properties"]["messages"].is_object());
    assert_eq!(calls[2]["isError"], false, "{}", calls[2]);
    assert!(calls[2]["structuredContent"]["displayName"].is_string());
    assert_eq!(calls[3]["structuredContent"]["type"], "not-exposed");
    assert!(
        !sim.deliveries().iter().any(|d| d.kind == "push"),
        "read-only by default"
    );
    assert_eq!(calls[4]["structuredContent"]["type"], "invalid-input");
}

/// `mcp --http 127.0.0.1:0` with `LINE_MCP_TOKEN=token` and the config in
/// `LINE_CONNECTOR_CONFIG` (as an agent host's `env` gives it): the
/// process and its URL.
fn http_server(config: &Value, token: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_line-connector"))
        .args(["mcp", "--http", "127.0.0.1:0"])
        .env("LINE_CONNECTOR_CONFIG", config.to_string())
        .env("LINE_MCP_TOKEN", token)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("serving MCP on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    (child, url)
}

/// A POST of an `initialize` to `url` with `authorization`: the status.
async fn raw_post(url: &str, authorization: Option<&str>) -> u16 {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
    let mut headers = String::from("Accept: application/json, text/event-stream\r\n");
    if let Some(authorization) = authorization {
        headers.push_str(&format!("Authorization: {authorization}\r\n"));
    }
    let base = url.trim_end_matches("/mcp");
    crate::intake::post_to(base, "/mcp", &headers, body.as_bytes()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamable_http_needs_the_bearer_token() {
    let sim = Simulator::start().await.unwrap();
    let token = "mcp-token-not-to-be-shown";
    let (mut child, url) = http_server(&client_config(&sim), token);
    // A client that trickles a head and stops is cut off at the deadline.
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches("/mcp")
        .to_owned();
    let trickler = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let started = std::time::Instant::now();
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"POST /mcp HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut answer = [0u8; 256];
        let _ = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut answer)).await;
        started.elapsed()
    });
    assert_eq!(raw_post(&url, None).await, 401);
    assert_eq!(raw_post(&url, Some("Bearer wrong")).await, 401);
    assert_eq!(raw_post(&url, Some(&format!("Bearer {token}x"))).await, 401);
    assert_eq!(raw_post(&url, Some(&format!("Bearer {token}"))).await, 200);
    let report = session(json!({
        "http": {"url": url, "token": token},
        "calls": [["line-invoke", {"action": "get-bot-info", "input": {}}]],
    }))
    .await;
    assert_eq!(
        report["calls"][0]["isError"], false,
        "{}",
        report["calls"][0]
    );
    let said = report.to_string();
    assert!(!said.contains(token) && !said.contains(CLIENT_SECRET));
    let held = trickler.await.unwrap();
    assert!(
        held >= Duration::from_secs(9) && held < Duration::from_secs(15),
        "a trickled head held the connection {held:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // Off loopback, no token: refused at start.
    let config = config_file(&client_config(&sim));
    let out = Command::new(env!("CARGO_BIN_EXE_line-connector"))
        .args(["mcp", "--http", "0.0.0.0:0", "--config", path_of(&config)])
        .env_remove("LINE_MCP_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a bearer token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_asks_a_user_and_other_calls_go_on_while_it_waits() {
    let sim = Simulator::start().await.unwrap();
    let mut config = client_config(&sim);
    config["channelSecret"] = json!(CLIENT_SECRET);
    let (_kept, store) = crate::intake::store_for(module_path!());
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command.stdout(Stdio::null());
    let intake = Intake::start_config(command, &config, &store, &[]);
    let file = config_file(&config);
    let dir = tempfile::tempdir().unwrap();
    let store_arg = store.to_str().unwrap();
    let args = [
        "--config",
        path_of(&file),
        "--store",
        store_arg,
        "--tools",
        "reading,line-ask",
    ];
    let spec = json!({
        "stdio": stdio(dir.path(), &args),
        "together": [
            ["line-ask", {"to": USER, "question": "Block the sender?", "options": ["Yes", "No"], "waitSeconds": 60}],
            ["get-bot-info", {}],
        ],
    });
    let running = tokio::spawn(session(spec));
    // The question reaches the user; the user taps while the ask waits.
    eventually(Duration::from_secs(30), || {
        sim.deliveries()
            .iter()
            .any(|d| d.kind == "push" && d.to == [USER])
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let callback = format!("{}/callback", intake.url);
    assert_eq!(
        sim.tap(&callback, "tap-mcp", USER, USER, 0).await.unwrap(),
        200
    );
    let report = running.await.unwrap();
    let together = report["together"].as_array().unwrap();
    let (read, ask) = (&together[0], &together[1]);
    assert_eq!(
        read["name"], "get-bot-info",
        "answered while the ask waited"
    );
    assert_eq!(ask["name"], "line-ask");
    assert_eq!(ask["isError"], false, "{ask}");
    assert_eq!(ask["structuredContent"]["state"], "answered");
    assert_eq!(ask["structuredContent"]["answer"]["option"], "Yes");
    let said = transcript(dir.path());
    for secret in tokens_used(&sim)
        .iter()
        .map(String::as_str)
        .chain([CLIENT_SECRET])
    {
        assert!(!said.contains(secret), "a secret in the session");
    }
}
