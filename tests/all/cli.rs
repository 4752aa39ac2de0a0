//! The `line-connector` command, as a playbook author runs it.

use crate::support::*;
use line_simulator::Simulator;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_lists_every_action_once_per_line() {
    let out = line_connector(&["actions"]).await;
    assert!(out.status.success());
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let exported: Vec<String> = CONNECTOR.actions().iter().map(|a| a.name.clone()).collect();
    assert_eq!(listed, exported);
    assert!(!listed.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_prints_the_result_as_json_and_exits_0() {
    let sim = Simulator::start().await.unwrap();
    let input = format!("@{}/../../examples/push.json", env!("CARGO_MANIFEST_DIR"));
    let out = run_command("push", &token_config(&sim), &["--input", &input]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["requestId"], json!(sim.requests()[0].request_id));
    assert_eq!(result["sentMessages"].as_array().unwrap().len(), 1);
    assert_eq!(sim.deliveries().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_prints_the_error_as_json_and_exits_non_zero() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let input = json!({"chatId": USER, "loadingSeconds": 7}).to_string();
    let out = run_command("display-loading", &config, &["--input", &input]).await;
    assert_eq!(out.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["type"], "invalid-input");
    assert_eq!(error["field"], "loadingSeconds");
    assert!(sim.requests().is_empty());

    let out = run_command("no-such-action", &config, &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no action \"no-such-action\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_every_action_successfully() {
    let out = line_connector(&["demo"]).await;
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let (actions, contacts) = stdout
        .split_once("\nContacts: ")
        .expect("the contacts scene");
    let ok = |text: &str| text.lines().filter(|l| l.starts_with("ok ")).count();
    let all = CONNECTOR.actions().len();
    assert_eq!(ok(actions), all, "{stdout}");
    assert!(actions.contains(&format!("{all} of {all} actions succeeded")));
    // Linked, pushed to by contact, then refused from the store.
    assert_eq!(ok(contacts), 4, "{contacts}");
    assert!(!contacts.contains("FAIL"), "{contacts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_prints_every_figure() {
    // The packages and LINE's SDKs installed by the benchmark itself.
    let packages = tempfile::tempdir().unwrap();
    let dir = packages.path().to_str().unwrap();
    let out = line_connector(&[
        "bench",
        "--iterations",
        "20",
        "--packages",
        dir,
        "--intakes",
        "200",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for figure in [
        "push through the host, median",
        "push through the host, p99",
        "pushes per second, 1 at once",
        "pushes per second, 64 at once",
        "push in one kept instance",
        "push in a new instance each, median",
        "push in a new instance each, one thread",
        "the component's own work per push",
        "instantiation alone",
        "component load, compiled now",
        "whole process",
        "component size",
        "peak linear memory",
        "intake end to end, SQLite, 1 intake",
        "intake end to end, PostgreSQL, 1 intake",
        "intake end to end, PostgreSQL, 2 intakes",
    ] {
        assert!(table.contains(figure), "no {figure:?} in\n{table}");
    }
    for language in ["Python", "Node"] {
        for figure in [
            "push median, the connector's package",
            "first call in a new process",
            "new connections per push",
        ] {
            let line = table
                .lines()
                .find(|l| l.contains(&format!("| {language}: {figure}")))
                .unwrap_or_else(|| panic!("no {language} {figure:?} in\n{table}"));
            assert!(line.contains(&format!("LINE's {language} SDK ")), "{line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_it_is_given_are_read_within_a_bound_never_to_the_end_of_memory() {
    // /dev/zero never ends; a FIFO fed forever neither. Each is refused one
    // byte past its bound, naming the option, the file and the bound.
    let config = config_file(
        &json!({"channelAccessToken": "x".repeat(40), "channelSecret": "s".repeat(32)}),
    );
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("endless");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let feeder = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            if let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                let block = vec![b'7'; 1 << 16];
                while pipe.write_all(&block).is_ok() {}
            }
        })
    };
    let fifo_path = fifo.to_str().unwrap();
    let at = format!("@{fifo_path}");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", "quota", "--config", "/dev/zero"], "--config"),
        (
            vec!["run", "quota", "--config", path_of(&config), "--input", &at],
            "--input",
        ),
        (
            vec![
                "run",
                "quota",
                "--config",
                path_of(&config),
                "--ca-file",
                "/dev/zero",
            ],
            "CA file",
        ),
        (
            vec![
                "run",
                "set-rich-menu-image",
                "--config",
                path_of(&config),
                "--input",
                r#"{"richMenuId": "richmenu-0123456789abcdef0123456789abcdef"}"#,
                "--input-file",
                "image=/dev/zero",
            ],
            "--input-file",
        ),
        (
            vec![
                "webhook",
                "verify",
                "--config",
                path_of(&config),
                "--body",
                "/dev/zero",
                "--signature",
                "x",
            ],
            "--body",
        ),
    ];
    for (args, what) in cases {
        let started = std::time::Instant::now();
        let out = line_connector(&args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(what) && stderr.contains("larger than"),
            "{args:?}: {stderr}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{args:?}"
        );
    }
    // The reader is gone: the feeder's next write fails and it ends.
    let _ = feeder.join();
}
