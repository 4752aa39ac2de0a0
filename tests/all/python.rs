//! The Python package (`python/`) as a user installs it: the wheel built by
//! maturin from this checkout (`maturin build` in `python/`, reusing this
//! build's compiled dependencies), installed with pip in a fresh virtual
//! environment, then used from another folder with no environment variable
//! of ours: its pytest suite against the simulator (through the native host
//! and through the `wasmtime` package), and the guarantees the Rust host
//! gives (one token per lifetime, kept-alive connections, proxies).

use line_connector_cli::packages;
use line_simulator::{self as simulator, Simulator};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The test dependencies installed beside the wheel (pinned).
const TEST_DEPENDENCIES: [&str; 3] = ["wasmtime==50.0.1", "pytest==8.4.2", "mypy==2.4.1"];

/// The wheel, installed in its own virtual environment.
pub struct Installed {
    /// The environment's interpreter.
    pub python: PathBuf,
    /// The environment (what `line_connector.__file__` starts with).
    pub venv: PathBuf,
    /// The wheel pip installed.
    pub wheel: PathBuf,
    _dir: tempfile::TempDir,
}

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `command`; panics with its output unless it succeeds.
fn checked(command: &mut Command, what: &str) -> Output {
    packages::checked(command, what).unwrap()
}

/// Builds the wheel and installs it in a fresh virtual environment, once
/// per test run (the tests that need it wait for the first).
pub fn installed() -> &'static Installed {
    static INSTALLED: OnceLock<Installed> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let wheels = dir.path().join("wheels");
        let wheel = packages::wheel(&wheels).unwrap();
        let venv = dir.path().join("venv");
        let mut install = vec![wheel.as_os_str()];
        install.extend(TEST_DEPENDENCIES.iter().map(std::ffi::OsStr::new));
        let python = packages::venv(&venv, &install).unwrap();
        Installed {
            python,
            venv,
            wheel,
            _dir: dir,
        }
    })
}

/// The installed package's interpreter, run in an empty folder with only
/// the simulator's variables (none of ours).
pub fn python(installed: &Installed, sim: &Simulator) -> (Command, tempfile::TempDir) {
    let scratch = tempfile::tempdir().unwrap();
    let mut command = Command::new(&installed.python);
    command
        .current_dir(scratch.path())
        .env_remove("PYTHONPATH")
        .env_remove("LINE_CONNECTOR_WASM")
        .env("LINE_SIMULATOR_URL", sim.url())
        .env("LINE_SIMULATOR_TOKEN", simulator::CHANNEL_ACCESS_TOKEN)
        .env("LINE_SIMULATOR_CLIENT_ID", simulator::CLIENT_ID)
        .env("LINE_SIMULATOR_CLIENT_SECRET", simulator::CLIENT_SECRET);
    (command, scratch)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wheel_installs_in_a_fresh_environment_and_passes_its_suite() {
    let installed = tokio::task::spawn_blocking(installed).await.unwrap();
    let name = installed.wheel.file_name().unwrap().to_string_lossy();
    assert!(
        name.contains("-cp39-abi3-"),
        "one wheel for CPython 3.9 on: {name}"
    );
    let sim = Simulator::start().await.unwrap();
    let (mut pytest, _scratch) = python(installed, &sim);
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root().join("python/tests"))
        .env("LINE_CONNECTOR_INSTALLED_AT", &installed.venv);
    let out = tokio::task::spawn_blocking(move || pytest.output().unwrap())
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pytest failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains(" passed"), "{report}");
    assert!(!report.contains("skipped"), "{report}");
    // Both hosts' calls reached the simulator.
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == "/v2/bot/message/push")
    );
}

/// A Python snippet pushing `n` times with client credentials.
const PUSHES: &str = r#"
import os, sys
from line_connector import Connector
sim = os.environ["LINE_SIMULATOR_URL"]
config = {"clientId": os.environ["LINE_SIMULATOR_CLIENT_ID"],
          "clientSecret": os.environ["LINE_SIMULATOR_CLIENT_SECRET"],
          "tokenUrl": sim + "/oauth2/v3/token", "apiBaseUrl": sim}
line = Connector()
for i in range(int(sys.argv[1])):
    line.run("push", config, {"to": "U4af4980629a2b3c4d5e6f708192a3b4c", "text": f"alert {i}"})
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_pushes_from_python_fetch_one_token_on_one_connection() {
    let installed = tokio::task::spawn_blocking(installed).await.unwrap();
    let sim = Simulator::start().await.unwrap();
    let (mut script, _scratch) = python(installed, &sim);
    script.args(["-c", PUSHES, "100"]);
    let out = tokio::task::spawn_blocking(move || checked(&mut script, "the pushes"))
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
    let requests = sim.requests();
    let pushes = requests
        .iter()
        .filter(|r| r.path == "/v2/bot/message/push")
        .count();
    let tokens = requests
        .iter()
        .filter(|r| r.path == "/oauth2/v3/token")
        .count();
    let mut connections: Vec<u64> = requests.iter().map(|r| r.connection).collect();
    connections.sort_unstable();
    connections.dedup();
    assert_eq!((pushes, tokens), (100, 1), "one token for its lifetime");
    assert_eq!(connections.len(), 1, "kept alive: {connections:?}");
}
