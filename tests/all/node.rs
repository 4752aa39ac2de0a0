//! The Node package (`node/`) as a user installs it: the tarball `npm pack`
//! makes (its `prepack` builds the native addon from this checkout, reusing
//! this build's compiled dependencies), installed with npm into an empty
//! folder, then its tests run by Node's test runner against the simulator;
//! and the guarantees the Rust host gives (one token per lifetime,
//! kept-alive connections). The jco host stays tested too: in
//! `target/node/package`, a copy of `node/` with its devDependencies (jco)
//! installed, so no file but the addon lands in `node/`.

use line_connector_cli::packages;
use line_simulator::{self as simulator, Simulator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `program args` in `dir` with `envs`; panics with its output unless
/// it succeeds; returns its standard output.
fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// npm's flags for a quiet install.
const QUIET: [&str; 3] = packages::NPM_QUIET;

/// The packed tarball, installed in an empty folder.
pub struct Installed {
    /// The folder it was installed into (`node_modules/line-connector`).
    pub app: PathBuf,
    /// The tarball.
    pub tarball: PathBuf,
    _dir: tempfile::TempDir,
}

/// Packs `node/` and installs the tarball into an empty folder, once per
/// test run (the tests that need it wait for the first).
pub fn installed() -> &'static Installed {
    static INSTALLED: OnceLock<Installed> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let tarball = packages::tarball(dir.path()).unwrap();
        let app = dir.path().join("app");
        packages::node_app(&app, &[&tarball]).unwrap();
        Installed {
            app,
            tarball,
            _dir: dir,
        }
    })
}

/// The simulator's variables, for a test run.
fn simulator_env(sim: &Simulator) -> Vec<(&'static str, String)> {
    vec![
        ("LINE_SIMULATOR_URL", sim.url()),
        (
            "LINE_SIMULATOR_TOKEN",
            simulator::CHANNEL_ACCESS_TOKEN.into(),
        ),
        ("LINE_SIMULATOR_CLIENT_ID", simulator::CLIENT_ID.into()),
        (
            "LINE_SIMULATOR_CLIENT_SECRET",
            simulator::CLIENT_SECRET.into(),
        ),
    ]
}

/// Runs the package's test file in `dir` with `more` variables; its report.
async fn node_tests(dir: PathBuf, sim: &Simulator, more: &[(&'static str, &str)]) -> String {
    let mut env = simulator_env(sim);
    env.extend(more.iter().map(|(k, v)| (*k, v.to_string())));
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(
            &dir,
            "node",
            &["--test", "--test-reporter=spec", "test/"],
            &env,
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tarball_installs_in_an_empty_folder_and_passes_its_suite() {
    let installed = tokio::task::spawn_blocking(installed).await.unwrap();
    let listing = run(
        installed.app.parent().unwrap(),
        "tar",
        &["tzf", installed.tarball.to_str().unwrap()],
        &[],
    );
    for file in [
        "line_connector.node",
        "index.js",
        "index.d.ts",
        "actions.d.ts",
        "errors.d.ts",
    ] {
        assert!(
            listing.contains(&format!("package/{file}")),
            "{file}:\n{listing}"
        );
    }
    let tests = installed.app.join("test");
    std::fs::create_dir_all(&tests).unwrap();
    std::fs::copy(
        root().join("node/test/connector.test.js"),
        tests.join("connector.test.js"),
    )
    .unwrap();
    let sim = Simulator::start().await.unwrap();
    let report = node_tests(installed.app.clone(), &sim, &[]).await;
    assert!(report.contains("ℹ pass "), "{report}");
    assert!(report.contains("ℹ fail 0"), "{report}");
    assert!(report.contains("ℹ skipped 0"), "{report}");
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == "/v2/bot/message/push")
    );
}

/// `node/`'s files copied to `to` (node_modules and dist left alone).
fn copy_package(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (name, target) = (entry.file_name(), to.join(entry.file_name()));
        if name == "node_modules" || name == "dist" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_package(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_component_runs_in_jco_too() {
    // The addon (with the component inside) comes from the packed build.
    tokio::task::spawn_blocking(installed).await.unwrap();
    let package = root().join("target/node/package");
    std::fs::create_dir_all(&package).unwrap();
    copy_package(&root().join("node"), &package);
    let dir = package.clone();
    tokio::task::spawn_blocking(move || {
        run(&dir, "npm", &[&["install"][..], &QUIET].concat(), &[]);
        run(&dir, "npm", &["run", "build:jco"], &[]);
    })
    .await
    .unwrap();
    let sim = Simulator::start().await.unwrap();
    let report = node_tests(package, &sim, &[("LINE_CONNECTOR_HOST", "jco")]).await;
    assert!(report.contains("ℹ fail 0"), "{report}");
    // Only the native host's own tests are skipped.
    assert!(report.contains("ℹ pass 11"), "{report}");
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == "/v2/bot/message/push")
    );
}

/// A Node snippet pushing `argv[1]` times with client credentials.
const PUSHES: &str = r#"
import { Connector } from "line-connector";
const sim = process.env.LINE_SIMULATOR_URL;
const config = { clientId: process.env.LINE_SIMULATOR_CLIENT_ID,
  clientSecret: process.env.LINE_SIMULATOR_CLIENT_SECRET,
  tokenUrl: `${sim}/oauth2/v3/token`, apiBaseUrl: sim };
const line = new Connector();
for (let i = 0; i < Number(process.argv[1]); i++) {
  await line.run("push", config, { to: "U4af4980629a2b3c4d5e6f708192a3b4c", text: `alert ${i}` });
}
console.log("ok");
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_pushes_from_node_fetch_one_token_on_one_connection() {
    let installed = tokio::task::spawn_blocking(installed).await.unwrap();
    let sim = Simulator::start().await.unwrap();
    let mut script = packages::node_script(&installed.app, PUSHES);
    script.arg("100").envs(simulator_env(&sim));
    let out = tokio::task::spawn_blocking(move || packages::checked(&mut script, "the pushes"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
    let requests = sim.requests();
    let count = |path: &str| requests.iter().filter(|r| r.path == path).count();
    let mut connections: Vec<u64> = requests.iter().map(|r| r.connection).collect();
    connections.sort_unstable();
    connections.dedup();
    assert_eq!(
        (count("/v2/bot/message/push"), count("/oauth2/v3/token")),
        (100, 1),
        "one token for its lifetime"
    );
    assert_eq!(connections.len(), 1, "kept alive: {connections:?}");
}
