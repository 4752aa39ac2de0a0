//! What a host needs: the command and the host library run under a 4 GiB
//! address-space limit (`ulimit -v 4194304`, as container platforms set),
//! and the instance pool is sized by `Limits`.

use crate::support::*;
use line_connector_host::component::Limits;
use line_simulator::Simulator;

/// `ulimit -v` in KiB: 4 GiB.
const LIMIT_KIB: &str = "4194304";

/// Runs `program` with `args` under the address-space limit.
async fn limited(program: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["-c", "ulimit -v \"$0\" && exec \"$@\"", LIMIT_KIB, program];
    all.extend(args);
    let all: Vec<String> = all.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .args(all)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_runs_under_a_4_gib_address_space_limit() {
    let sim = Simulator::start().await.unwrap();
    let config = config_file(&token_config(&sim));
    let out = limited(
        env!("CARGO_BIN_EXE_line-connector"),
        &["run", "quota", "--config", path_of(&config)],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sim.requests().len(), 1);
    let demo = limited(env!("CARGO_BIN_EXE_line-connector"), &["demo"]).await;
    assert!(
        demo.status.success(),
        "{}{}",
        String::from_utf8_lossy(&demo.stdout),
        String::from_utf8_lossy(&demo.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_library_runs_under_it_too() {
    // This test binary, running one test of the host library on its own.
    let me = std::env::current_exe().unwrap();
    let test = "hostile::framing::every_body_goes_out_with_its_length";
    let out = limited(
        me.to_str().unwrap(),
        &["--exact", test, "--test-threads", "1"],
    )
    .await;
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains("1 passed"), "{printed}");
}

#[test]
fn the_pool_fits_half_the_address_space_it_is_given() {
    let limits = Limits::for_this_process();
    // This process has no limit (the tests above set it in a child).
    assert_eq!(limits, Limits::default());
    let fits = |instances: u32| {
        Limits {
            instances,
            ..limits
        }
        .reserved_bytes()
            <= 2 << 30
    };
    assert!(!fits(limits.instances), "the default needs more than 2 GiB");
    assert!(
        fits(7) && !fits(8),
        "7 instances of the default size (and guards) fit in 2 GiB"
    );
    assert_eq!(limits.max_input_bytes() as u64, limits.memory_bytes / 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_larger_than_an_instance_can_hold_is_refused_by_the_host() {
    let sim = Simulator::start().await.unwrap();
    let max = CONNECTOR.limits().max_input_bytes();
    let too_big = "U".repeat(max);
    let error = run(
        "push",
        &token_config(&sim),
        serde_json::json!({"to": too_big, "text": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["field"].as_str()),
        (Some("invalid-input"), Some("input")),
        "{error}"
    );
    assert!(sim.requests().is_empty());
}
