//! Builds the guest component for `wasm32-wasip2` (as wasmtime's own
//! test-programs do), so a plain `cargo build` or `cargo test` on a fresh
//! machine produces the `.wasm` the host embeds and the tests load.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "guest";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    // The workspace's root: this crate is host-test/host.
    let root = manifest_dir.join("../..").canonicalize().unwrap();
    // Everything the guest is built from, its build script (and its modules) too.
    for watched in [
        "src",
        "rules",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
        "examples",
        "build.rs",
        "build",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }

    let built = build_guest(&root);
    let finished = finish(&root, &built);
    // Embedded from this build's own copy: `target/guest/` is shared by
    // every profile's run of this script (`cargo clippy` runs it too), and
    // the digest below must be of the very bytes embedded.
    let wasm = PathBuf::from(env::var("OUT_DIR").unwrap()).join("line_connector.wasm");
    fs::copy(&finished, &wasm).unwrap();
    println!("cargo:rustc-env=LINE_CONNECTOR_WASM={}", wasm.display());
    let digest = <sha2::Sha256 as sha2::Digest>::digest(fs::read(&wasm).unwrap());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=LINE_CONNECTOR_WASM_SHA256={hex}");
}

/// The component as platforms get it: the guest as built, with two custom
/// sections at its top level, where generic tools look: the manifest,
/// zlib-compressed (`line-connector-manifest.zlib`: 340 KB of JSON would be
/// a third of the component), and the WIT's documentation (`package-docs`,
/// which `wasm-tools component wit` prints). Written beside the guest's
/// build as `target/guest/line_connector.wasm`.
fn finish(root: &Path, built: &Path) -> PathBuf {
    let manifest = built.with_file_name("line_connector.manifest.json");
    let mut wasm = fs::read(built).expect("the guest component was built");
    let docs = world_docs(&root.join("wit"));
    let manifest = fs::read(manifest).expect("the guest's build script wrote the manifest");
    let manifest = miniz_oxide::deflate::compress_to_vec_zlib(&manifest, 10);
    custom_section(&mut wasm, "line-connector-manifest.zlib", &manifest);
    custom_section(&mut wasm, wit_parser::PackageMetadata::SECTION_NAME, &docs);
    let finished = built.parent().unwrap().join("../../line_connector.wasm");
    fs::write(&finished, wasm).unwrap();
    finished.canonicalize().unwrap()
}

/// The `package-docs` section for the component: the world's `///` text,
/// and each exported interface's on its `export` line. Decoding a
/// component, wasm-tools names its world `root` (in a package of its own)
/// and reads docs for that package only: the world's and its exports'
/// show, while the functions, records and fields of the interfaces, from
/// the package `line:messaging`, keep theirs in `wit/` and the manifest.
fn world_docs(wit: &Path) -> Vec<u8> {
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve.push_dir(wit).expect("wit/ parses");
    let world = &resolve.worlds[resolve.packages[package].worlds["connector"]];
    let text = world.docs.contents.clone().unwrap_or_default();
    let mut exports = serde_json::Map::new();
    for key in world.exports.keys() {
        if let wit_parser::WorldKey::Interface(id) = key
            && let Some(docs) = &resolve.interfaces[*id].docs.contents
        {
            exports.insert(resolve.name_world_key(key), docs.clone().into());
        }
    }
    // The section's version byte, as wit-parser writes it, then its JSON.
    let encoded = wit_parser::PackageMetadata::extract(&resolve, package)
        .encode()
        .expect("the WIT docs encode");
    let mut section = vec![encoded[0]];
    let metadata = serde_json::json!({"worlds": {"root": {
        "docs": text,
        "interface_export_docs": exports,
    }}});
    section.extend(serde_json::to_vec(&metadata).unwrap());
    section
}

/// Appends a custom section (id 0: size, name, data) to a component.
fn custom_section(wasm: &mut Vec<u8>, name: &str, data: &[u8]) {
    let mut body = leb128(name.len());
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(data);
    wasm.push(0);
    wasm.extend(leb128(body.len()));
    wasm.extend(body);
}

/// `n` as unsigned LEB128, as wasm writes sizes.
fn leb128(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// Compiles the guest (its build script leaves a copy of the manifest
/// beside it) and returns the component's path.
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
