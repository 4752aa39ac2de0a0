//! The packages' type declarations: generated from the manifest
//! (`line-connector stubs`), committed, and read by the checkers editors
//! use: mypy on the installed wheel, TypeScript's `tsc` on the installed
//! tarball. A right push type-checks; a wrong field, a misspelt action or
//! a misspelt result field does not.

use line_connector_cli::stubs;
use line_connector_host::{EMBEDDED_COMPONENT, manifest_of};
use std::path::Path;
use std::process::{Command, Output};

/// The repository's root.
fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_committed_declarations_are_what_the_manifest_makes() {
    let manifest = manifest_of(EMBEDDED_COMPONENT).unwrap();
    for (file, made) in [
        (
            "python/line_connector/__init__.pyi",
            stubs::python(&manifest),
        ),
        ("node/actions.d.ts", stubs::typescript(&manifest)),
    ] {
        let committed = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(
            committed == made,
            "{file} is stale: run `cargo run --bin line-connector -- stubs`"
        );
    }
    // Every action has its overload and its pair of types.
    let python = stubs::python(&manifest);
    let typescript = stubs::typescript(&manifest);
    let actions = manifest["actions"].as_array().unwrap();
    assert_eq!(python.matches("    @overload\n").count(), actions.len());
    for action in actions {
        let name = action["name"].as_str().unwrap();
        assert!(python.contains(&format!("Literal[\"{name}\"]")), "{name}");
        assert_eq!(
            typescript.matches(&format!("  \"{name}\": ")).count(),
            2,
            "{name}"
        );
    }
}

/// A push written right, then the same with three mistakes (lines 2 to 4
/// of `BAD`), for each language.
const PY_GOOD: &str = r#"from line_connector import Connector
line = Connector(allow=["api.line.me"])
sent = line.run("push", {"channelAccessToken": "t"}, {"to": "U4af4980629a2b3c4d5e6f708192a3b4c", "text": "hi"})
request_id: str = sent["requestId"]
profile = line.run("get-profile", {"channelAccessToken": "t"}, {"userId": "U4af4980629a2b3c4d5e6f708192a3b4c"})
name: str = profile["displayName"]
"#;
const PY_BAD: &str = r#"from line_connector import Connector
Connector().run("push", {"channelAccessToken": "t"}, {"to": 5, "text": "hi"})
Connector().run("pushh", {"channelAccessToken": "t"}, {"to": "U", "text": "hi"})
Connector().run("push", {"channelAccessToken": "t"}, {"to": "U"})["requestid"]
"#;
const TS_GOOD: &str = r#"import { Connector, InvalidInput } from "line-connector";
const line = new Connector({ allow: ["api.line.me"] });
const sent = await line.run("push", { channelAccessToken: "t" }, { to: "U4af4980629a2b3c4d5e6f708192a3b4c", messages: [{ type: "text", text: "hi" }] });
const requestId: string = sent.requestId;
const profile = await line.run("get-profile", { channelAccessToken: "t" }, { userId: "U4af4980629a2b3c4d5e6f708192a3b4c" });
const name: string = profile.displayName;
try { await line.run("quota", { channelAccessToken: "t" }); } catch (e) { if (e instanceof InvalidInput) console.log(e.field, requestId, name); }
"#;
const TS_BAD: &str = r#"import { Connector } from "line-connector";
await new Connector().run("push", { channelAccessToken: "t" }, { to: 5, text: "hi" });
await new Connector().run("pushh", { channelAccessToken: "t" }, { to: "U", text: "hi" });
(await new Connector().run("push", { channelAccessToken: "t" }, { to: "U" })).requestid;
"#;

/// `command`'s output, with what it printed.
fn output(command: &mut Command) -> (Output, String) {
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

/// The lines (1-based) of `file` a checker's report names.
fn flagged(report: &str, file: &str) -> Vec<usize> {
    let mut lines: Vec<usize> = report
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(file)?;
            let number: String = rest
                .trim_start_matches([':', '('])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            number.parse().ok()
        })
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mypy_reads_the_wheels_stub_and_flags_each_mistake() {
    let installed = tokio::task::spawn_blocking(crate::python::installed)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.py"), PY_GOOD).unwrap();
    std::fs::write(dir.path().join("bad.py"), PY_BAD).unwrap();
    let mypy = |file: &str| {
        output(
            Command::new(&installed.python)
                .args(["-m", "mypy", "--no-incremental", file])
                .current_dir(dir.path())
                .env_remove("PYTHONPATH"),
        )
    };
    let (out, report) = mypy("good.py");
    assert!(out.status.success(), "{report}");
    let (out, report) = mypy("bad.py");
    assert!(!out.status.success(), "{report}");
    assert_eq!(flagged(&report, "bad.py"), [2, 3, 4], "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tsc_reads_the_tarballs_declarations_and_flags_each_mistake() {
    let installed = tokio::task::spawn_blocking(crate::node::installed)
        .await
        .unwrap();
    let tools = root().join("target/node/tsc");
    if !tools.join("node_modules/.bin/tsc").exists() {
        std::fs::create_dir_all(&tools).unwrap();
        let (out, report) = output(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .arg("typescript@5.9.3")
                .current_dir(&tools),
        );
        assert!(out.status.success(), "{report}");
    }
    let app = installed.app.clone();
    std::fs::write(app.join("good.ts"), TS_GOOD).unwrap();
    std::fs::write(app.join("bad.ts"), TS_BAD).unwrap();
    let tsc = |file: &str| {
        output(
            Command::new(tools.join("node_modules/.bin/tsc"))
                .args(["--noEmit", "--strict"])
                .args(["--module", "nodenext", "--target", "es2022"])
                .arg(file)
                .current_dir(&app),
        )
    };
    let (out, report) = tsc("good.ts");
    assert!(out.status.success(), "{report}");
    let (out, report) = tsc("bad.ts");
    assert!(!out.status.success(), "{report}");
    assert_eq!(flagged(&report, "bad.ts"), [2, 3, 4], "{report}");
}
