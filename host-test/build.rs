//! Builds the guest component for `wasm32-wasip2` (as wasmtime's own
//! test-programs do), so a plain `cargo build` or `cargo test` on a fresh
//! machine produces the `.wasm` the host embeds and the tests load. Also
//! embeds the example inputs from `examples/`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "guest";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    // Everything the guest is built from, its build script (and its modules) too.
    for watched in [
        "src",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
        "examples",
        "build.rs",
        "build",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }

    let wasm = build_guest(&root);
    println!("cargo:rustc-env=LINE_CONNECTOR_WASM={}", wasm.display());
    write_examples(&root.join("examples"));
}

/// Compiles the guest and returns the component's path.
fn build_guest(root: &Path) -> PathBuf {
    ensure_target();
    // A separate target dir: the outer cargo holds the lock on the main one.
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("guest");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--package",
            "line-connector",
            "--target",
            TARGET,
            "--profile",
            PROFILE,
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    // Settings meant for the host build must not leak into the guest's.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("failed to run cargo for the guest");
    assert!(
        status.success(),
        "building the guest component for {TARGET} failed"
    );
    target_dir
        .join(TARGET)
        .join(PROFILE)
        .join("line_connector.wasm")
}

/// Adds the wasm32-wasip2 target through rustup when the toolchain lacks it
/// (rustup does not add targets to a toolchain that is already installed).
fn ensure_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok();
    let has_target = sysroot.is_some_and(|out| {
        let root = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Path::new(&root).join("lib/rustlib").join(TARGET).exists()
    });
    if !has_target {
        let status = Command::new("rustup")
            .args(["target", "add", TARGET])
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "the {TARGET} target is missing and `rustup target add {TARGET}` failed"
        );
    }
}

/// Writes `examples.rs`: every `examples/ACTION.json` as `(action, text)`.
fn write_examples(dir: &Path) {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let rows: String = files
        .iter()
        .map(|p| {
            let action = p.file_stem().unwrap().to_string_lossy();
            format!(
                "    ({action:?}, include_str!({:?})),\n",
                p.display().to_string()
            )
        })
        .collect();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("examples.rs");
    fs::write(out, format!("&[\n{rows}]\n")).unwrap();
}
