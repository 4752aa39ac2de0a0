//! The Node package (`node/`): its dependencies installed with npm (jco and
//! its WASI shim, pinned in its package.json), the component transpiled by
//! its `build` script, then its tests run by Node's test runner against the
//! simulator. npm works in `target/node/package` (a copy of `node/`; its
//! node_modules are kept between runs), so no file lands in `node/`.

use line_connector_host::EMBEDDED_COMPONENT;
use line_simulator::{self as simulator, Simulator};
use std::path::Path;
use std::process::Command;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_package_passes_its_tests_against_the_simulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let package = root.join("target/node/package");
    std::fs::create_dir_all(&package).unwrap();
    copy_package(&root.join("node"), &package);
    let wasm = package.join("line_connector.wasm");
    std::fs::write(&wasm, EMBEDDED_COMPONENT).unwrap();

    let sim = Simulator::start().await.unwrap();
    let url = sim.url();
    let report = tokio::task::spawn_blocking(move || {
        let quiet = ["--no-audit", "--no-fund", "--loglevel=error"];
        run(&package, "npm", &[&["install"][..], &quiet].concat(), &[]);
        let wasm = wasm.to_str().unwrap();
        run(
            &package,
            "npm",
            &["run", "build"],
            &[("LINE_CONNECTOR_WASM", wasm)],
        );
        run(
            &package,
            "node",
            &["--test", "--test-reporter=spec", "test/"],
            &[
                ("LINE_SIMULATOR_URL", url.as_str()),
                ("LINE_SIMULATOR_TOKEN", simulator::CHANNEL_ACCESS_TOKEN),
                ("LINE_SIMULATOR_CLIENT_ID", simulator::CLIENT_ID),
                ("LINE_SIMULATOR_CLIENT_SECRET", simulator::CLIENT_SECRET),
            ],
        )
    })
    .await
    .unwrap();
    assert!(report.contains("ℹ pass "), "{report}");
    assert!(report.contains("ℹ fail 0"), "{report}");
    assert!(report.contains("ℹ skipped 0"), "{report}");
    // The package's calls reached the simulator.
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == "/v2/bot/message/push")
    );
}
