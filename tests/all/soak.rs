//! A fault soak: 1,000 sends through the real component against seeded
//! random faults. Every send ends in success or a typed error, and LINE
//! (the simulator) delivered each successful send exactly once and nothing
//! else. A send that fails in a retryable way is re-run with the same
//! `retryKey`, as a playbook would.

use crate::support::*;
use line_simulator::{Fault, RandomFaults, Simulator};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

const SENDS: usize = 1000;
const RERUNS: usize = 10;

fn faults() -> Vec<Fault> {
    vec![
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(503),
        Fault::CloseAfterAccept,
        Fault::Delay(Duration::from_millis(250)),
        Fault::RateLimit,
        Fault::MonthlyLimit,
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sends_under_random_faults_are_each_delivered_exactly_once() {
    let sim = Simulator::start().await.unwrap();
    let paths = ["/v2/bot/message/push", "/v2/bot/message/multicast"];
    sim.set_random_faults(RandomFaults {
        seed: 20_261_122,
        rate: 0.25,
        faults: faults(),
        paths: paths.iter().map(|p| p.to_string()).collect(),
    });
    let mut config = token_config(&sim);
    config["timeoutMs"] = json!(100);
    config["retryDelayMs"] = json!(1);
    config["maxAttempts"] = json!(6);

    let mut outcomes: HashMap<String, Result<Value, Value>> = HashMap::new();
    for i in 0..SENDS {
        let key = format!("00000000-0000-4000-8000-{i:012x}");
        let (action, to) = if i % 3 == 0 {
            ("multicast", json!([USER, USER2]))
        } else {
            ("push", json!(USER))
        };
        let input = json!({"to": to, "messages": text(&format!("alert {i}")), "retryKey": key});
        let mut outcome = run(action, &config, input.clone()).await;
        for _ in 1..RERUNS {
            match &outcome {
                Ok(_) => break,
                Err(e) if e["type"] == "quota-exceeded" => break,
                Err(e) => {
                    let retryable =
                        matches!(e["type"].as_str(), Some("transport" | "rate-limited"))
                            || (e["type"] == "api" && e["status"].as_u64() >= Some(500));
                    assert!(retryable, "send {i} ended in an unexpected error: {e}");
                    outcome = run(action, &config, input.clone()).await;
                }
            }
        }
        if let Err(e) = &outcome {
            assert_eq!(
                e["type"], "quota-exceeded",
                "send {i} still failing after {RERUNS} runs: {e}"
            );
        }
        outcomes.insert(key, outcome);
    }

    let mut delivered: HashMap<String, usize> = HashMap::new();
    for delivery in sim.deliveries() {
        let key = delivery
            .retry_key
            .expect("every delivery came with a retry key");
        *delivered.entry(key).or_default() += 1;
    }
    let mut successes = 0;
    for (key, outcome) in &outcomes {
        let times = delivered.get(key).copied().unwrap_or(0);
        match outcome {
            Ok(_) => {
                successes += 1;
                assert_eq!(times, 1, "{key} succeeded and was delivered {times} times");
            }
            Err(_) => assert_eq!(times, 0, "{key} failed but was delivered {times} times"),
        }
    }
    assert_eq!(
        delivered.len(),
        successes,
        "nothing was delivered but the successful sends"
    );
    assert!(
        successes > SENDS * 9 / 10,
        "only {successes} of {SENDS} succeeded"
    );

    // The soak exercised every fault and the 409 path.
    let acted = sim.faults_acted();
    for fault in faults() {
        assert!(
            acted.iter().any(|(_, f)| *f == fault),
            "{fault:?} never happened"
        );
    }
    let via_409 = outcomes
        .values()
        .filter(|o| o.as_ref().is_ok_and(|r| r["acceptedRequestId"].is_string()))
        .count();
    assert!(via_409 > 0, "no send was confirmed by a 409");
}
