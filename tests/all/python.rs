//! The Python package (`python/`): installed with pip as a platform would
//! (`pip install ./python`, with the `wasmtime` package from PyPI), then its
//! pytest suite run against the simulator, loading this build's component.
//! pip installs into `target/python` (the dependencies once, the package
//! itself anew each run).

use crate::support::pip_install;
use line_connector_host::EMBEDDED_COMPONENT;
use line_simulator::{self as simulator, Simulator};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The versions the tests install.
const DEPENDENCIES: [&str; 2] = ["wasmtime==50.0.1", "pytest==8.4.2"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_package_passes_its_tests_against_the_simulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let deps = root.join("target/python/deps");
    if !deps.join("wasmtime").exists() || !deps.join("pytest").exists() {
        pip_install(&deps, &DEPENDENCIES);
    }
    let scratch = tempfile::tempdir().unwrap();
    let package = scratch.path().join("installed");
    let python_dir = root.join("python");
    pip_install(&package, &["--no-deps", python_dir.to_str().unwrap()]);
    let wasm = scratch.path().join("line_connector.wasm");
    std::fs::write(&wasm, EMBEDDED_COMPONENT).unwrap();

    let sim = Simulator::start().await.unwrap();
    let path: Vec<PathBuf> = vec![package.clone(), deps];
    let mut pytest = Command::new("python3");
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(python_dir.join("tests"))
        .current_dir(scratch.path())
        .env("PYTHONPATH", std::env::join_paths(path).unwrap())
        .env("LINE_CONNECTOR_WASM", &wasm)
        .env("LINE_CONNECTOR_INSTALLED_AT", &package)
        .env("LINE_SIMULATOR_URL", sim.url())
        .env("LINE_SIMULATOR_TOKEN", simulator::CHANNEL_ACCESS_TOKEN)
        .env("LINE_SIMULATOR_CLIENT_ID", simulator::CLIENT_ID)
        .env("LINE_SIMULATOR_CLIENT_SECRET", simulator::CLIENT_SECRET);
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
    // The package's calls reached the simulator.
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == "/v2/bot/message/push")
    );
}
