//! Shared by the tests: one compiled component, configs for the simulator.

use line_connector_host::{Connector, Outcome, Sandbox, Session};
use line_simulator::{self as simulator, Simulator};
use serde_json::{Value, json};
use std::sync::LazyLock;

/// The component, compiled once per test process.
pub static CONNECTOR: LazyLock<Connector> =
    LazyLock::new(|| Connector::embedded().expect("the component loads"));

/// A user id in LINE's format.
pub const USER: &str = "U4af4980629a2b3c4d5e6f708192a3b4c";
/// Another user id.
pub const USER2: &str = "U0c1d2e3f405162738495a6b7c8d9e0f1";

/// Config with the simulator's channel access token.
pub fn token_config(sim: &Simulator) -> Value {
    json!({"channelAccessToken": simulator::CHANNEL_ACCESS_TOKEN, "apiBaseUrl": sim.url(), "dataApiBaseUrl": sim.url()})
}

/// Config with client credentials exchanged at the simulator's stateless
/// token endpoint.
pub fn client_config(sim: &Simulator) -> Value {
    json!({
        "clientId": simulator::CLIENT_ID,
        "clientSecret": simulator::CLIENT_SECRET,
        "tokenUrl": format!("{}/oauth2/v3/token", sim.url()),
        "apiBaseUrl": sim.url(),
    })
}

/// The JWT-assertion config against the simulator (the key pair it
/// registered at start), exchanged at its stateless token endpoint.
pub fn assertion_config(sim: &Simulator) -> Value {
    json!({
        "clientId": simulator::CLIENT_ID,
        "assertionPrivateKey": simulator::assertion_private_jwk(),
        "assertionKeyId": simulator::ASSERTION_KEY_ID,
        "tokenUrl": format!("{}/oauth2/v3/token", sim.url()),
        "apiBaseUrl": sim.url(),
    })
}

/// `config` (a channel access token's, at `base`) turned into what
/// `action`'s manifest hint `credentials` asks for: client credentials or
/// the JWT-assertion mode (token endpoint at `token_base`); as it is for
/// `any`. LINE Official Account Manager is at `base` too.
pub fn with_credentials(action: &str, mut config: Value, token_base: &str) -> Value {
    static MANIFEST: LazyLock<Value> = LazyLock::new(|| {
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap()
    });
    let base = config["apiBaseUrl"].clone();
    let fields = config.as_object_mut().unwrap();
    fields.insert("managerBaseUrl".into(), base);
    let credentials = line_connector_cli::demo::credentials_of(&MANIFEST, action);
    if credentials == "any" {
        return config;
    }
    fields.remove("channelAccessToken");
    fields.insert("clientId".into(), json!(simulator::CLIENT_ID));
    fields.insert(
        "tokenUrl".into(),
        json!(format!("{token_base}/oauth2/v3/token")),
    );
    match credentials {
        "assertionPrivateKey" => {
            fields.insert(
                "assertionPrivateKey".into(),
                json!(simulator::assertion_private_jwk()),
            );
            fields.insert("assertionKeyId".into(), json!(simulator::ASSERTION_KEY_ID));
        }
        _ => drop(fields.insert("clientSecret".into(), json!(simulator::CLIENT_SECRET))),
    }
    config
}

/// Runs an action through the component.
pub async fn run(action: &str, config: &Value, input: Value) -> Outcome {
    CONNECTOR
        .run(action, config, &input)
        .await
        .expect("the component runs without trapping")
}

/// One text message, as JSON.
pub fn text(text: &str) -> Value {
    json!([{"type": "text", "text": text}])
}

/// One instance for several actions, reaching the config's hosts.
pub async fn session(config: &Value) -> Session<'static> {
    CONNECTOR
        .session(Sandbox::for_config(config))
        .await
        .expect("the component instantiates")
}

/// Runs the `line-connector` command with `args` (off the async runtime's threads).
pub async fn line_connector(args: &[&str]) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_line-connector"))
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Runs `line-connector run ACTION --config FILE` (the file holding
/// `config`) with `extra` arguments (`--input`, `--dry-run`, ...).
pub async fn run_command(action: &str, config: &Value, extra: &[&str]) -> std::process::Output {
    let file = config_file(config);
    let mut args = vec!["run", action, "--config", path_of(&file)];
    args.extend(extra);
    line_connector(&args).await
}

/// `run ACTION --config FILE --input JSON EXTRA...`, as arguments (the
/// caller keeps `config` alive while they are used).
pub fn run_args(
    action: &str,
    config: &tempfile::NamedTempFile,
    input: &Value,
    extra: &[&str],
) -> Vec<String> {
    let mut args: Vec<String> = ["run", action, "--config", path_of(config), "--input"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(input.to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// `config` as a JSON file for `--config`, removed when dropped.
pub fn config_file(config: &Value) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), config.to_string()).unwrap();
    file
}

/// The path of a temporary file, for the command line.
pub fn path_of(file: &tempfile::NamedTempFile) -> &str {
    file.path().to_str().unwrap()
}

/// Runs `action` with client credentials (so a token request would show
/// too) and asserts it fails as invalid input at `field` with nothing sent.
pub async fn rejected(action: &str, input: Value, field: &str) -> Value {
    let sim = Simulator::start().await.unwrap();
    let error = run(action, &client_config(&sim), input.clone())
        .await
        .expect_err(action);
    assert_eq!(error["type"], "invalid-input", "{action} {input}: {error}");
    assert_eq!(error["field"], field, "{action} {input}: {error}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(
        sim.requests().is_empty(),
        "{action} {input}: the simulator saw a request"
    );
    error
}

/// The simulator's sample rich menu (2500x843) with `change` applied.
pub fn menu_with(change: impl FnOnce(&mut Value)) -> Value {
    let mut menu = simulator::rich_menu::sample_menu(2500, 843);
    change(&mut menu);
    menu
}

/// `python3 -m pip install --target DIR ARGS` (for wasm-tools and the Python
/// package's tests), allowed where the system's Python refuses installs
/// (PEP 668): `--target` leaves the system's packages alone.
pub fn pip_install(dir: &std::path::Path, args: &[&str]) {
    line_connector_cli::packages::pip_target(dir, args).unwrap();
}

/// Runs `openssl ARGS` in `dir` (test keys and certificates are made by
/// OpenSSL, not by our code); panics with its stderr unless it succeeds.
pub fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
