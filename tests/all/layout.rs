//! The layout holds: in every crate, the files' modules depend on each
//! other without a cycle (a module's `use`s and paths name what it looks
//! down at), so a reader can take each file as a layer over the ones it
//! names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every crate's source folder.
const CRATES: [&str; 6] = [
    "src",
    "rules/src",
    "host-test/host/src",
    "host-test/simulator/src",
    "host-test/intake/src",
    "host-test/cli/src",
];

type Module = Vec<String>;

/// The `.rs` files under `dir`, by module path (`lib.rs`, `main.rs` and
/// `mod.rs` stand for their folder).
fn modules(dir: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap().with_extension("");
            let mut module: Module = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("lib" | "main" | "mod")
            ) {
                module.pop();
            }
            found.insert(module, path);
        }
    }
    found
}

/// The paths a file names (`crate::a::b`, `super::c`, `d::e`, and each
/// item of a `{…}` list), its tests and comments left out.
fn paths(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) || (i > 0 && (word(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (word(bytes[i]) || bytes[i] == b':') {
            i += 1;
        }
        let raw = &code[start..i];
        let path = raw.trim_end_matches(':');
        let list = raw.ends_with("::") && code[i..].starts_with('{');
        if !path.contains("::") && !list {
            continue;
        }
        if list {
            let end = code[i..].find('}').map_or(code.len(), |e| i + e);
            for item in code[i + 1..end].split(',') {
                let item = item.split(" as ").next().unwrap().trim();
                let item = item.split("::").next().unwrap_or_default();
                match item {
                    "" => {}
                    "self" => found.push(path.to_owned()),
                    _ => found.push(format!("{path}::{item}")),
                }
            }
            i = end + 1;
        } else {
            found.push(path.to_owned());
        }
    }
    found
}

/// What `module` (in `file`) depends on among `all`.
fn depends(module: &Module, file: &Path, all: &BTreeMap<Module, PathBuf>) -> BTreeSet<Module> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut found = BTreeSet::new();
    for path in paths(&text) {
        let mut parts: Vec<&str> = path.split("::").collect();
        let mut base: Module = match parts[0] {
            "crate" => Vec::new(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            "self" => module.clone(),
            _ => {
                parts.insert(0, "self");
                module.clone()
            }
        };
        parts.remove(0);
        while parts.first() == Some(&"super") {
            base.pop();
            parts.remove(0);
        }
        let mut best = None;
        let mut candidate = base.clone();
        for part in &parts {
            candidate.push(part.to_string());
            match all.contains_key(&candidate) {
                true => best = Some(candidate.clone()),
                false => break,
            }
        }
        // An item of the module itself (`crate::Rule`, `super::FRIENDS`).
        let item = parts
            .first()
            .is_some_and(|p| p.starts_with(char::is_uppercase));
        if best.is_none() && item && path.split("::").next() != Some("self") {
            best = all.contains_key(&base).then_some(base);
        }
        if let Some(other) = best.filter(|other| other != module) {
            found.insert(other);
        }
    }
    found
}

/// The cycles of a graph (strongly connected parts of more than one).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Two nodes are in one cycle when each reaches the other.
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut next = vec![from.clone()];
        while let Some(node) = next.pop() {
            for other in &graph[&node] {
                if seen.insert(other.clone()) {
                    next.push(other.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&Module, BTreeSet<Module>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut found: Vec<Vec<Module>> = Vec::new();
    for (module, reaches) in &reached {
        let cycle: Vec<Module> = reaches
            .iter()
            .filter(|other| reached[other].contains(*module))
            .cloned()
            .collect();
        if cycle.len() > 1 && !found.iter().any(|c| c.contains(module)) {
            found.push(cycle);
        }
    }
    found
}

#[test]
fn no_crate_has_an_import_cycle_between_its_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut problems = Vec::new();
    for dir in CRATES {
        let all = modules(&root.join(dir));
        assert!(!all.is_empty(), "{dir} has no Rust files");
        let graph: BTreeMap<Module, BTreeSet<Module>> = all
            .iter()
            .map(|(module, file)| (module.clone(), depends(module, file, &all)))
            .collect();
        for cycle in cycles(&graph) {
            let names: Vec<String> = cycle
                .iter()
                .map(|m| match m.is_empty() {
                    true => "(root)".to_owned(),
                    false => m.join("/"),
                })
                .collect();
            problems.push(format!("{dir}: {}", names.join(" <-> ")));
        }
    }
    assert!(
        problems.is_empty(),
        "import cycles:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let a: Module = vec!["a".into()];
    let b: Module = vec!["b".into()];
    let c: Module = vec!["c".into()];
    let graph = BTreeMap::from([
        (a.clone(), BTreeSet::from([b.clone()])),
        (b.clone(), BTreeSet::from([a.clone(), c.clone()])),
        (c.clone(), BTreeSet::new()),
    ]);
    assert_eq!(cycles(&graph), vec![vec![a, b]]);
    let text = "use crate::{x::Y, z};\nuse super::w::V;\nfn f() { crate::q::r(); }";
    assert_eq!(
        paths(text),
        ["crate::x", "crate::z", "super::w::V", "crate::q::r"]
    );
}
