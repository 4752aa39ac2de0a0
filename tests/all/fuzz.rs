//! Property tests over every action's JSON input: whatever the input, the
//! component never traps, and every rejected input names its field.

use crate::support::*;
use line_connector_cli::examples::example;
use line_simulator::Simulator;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};

/// Any JSON value, a few levels deep, with LINE-looking strings among them.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        "[UCR][0-9a-fA-F]{30,34}".prop_map(Value::from),
        "[0-9]{6,10}".prop_map(Value::from),
        Just(Value::from("text")),
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..7).prop_map(Value::Array),
            prop::collection::btree_map(
                "[a-zA-Z]{1,14}|type|text|to|messages|altText|quickReply",
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An action's example input with one field changed, removed or added, or
/// something else entirely.
fn mutated(action: &str) -> impl Strategy<Value = Value> {
    let base = example(action).unwrap();
    let mut keys: Vec<String> = base.as_object().unwrap().keys().cloned().collect();
    keys.extend(["messages", "retryKey", "notificationDisabled", "extra"].map(String::from));
    prop_oneof![
        (prop::sample::select(keys), any_json()).prop_map(move |(key, value)| {
            let mut input = base.clone();
            input[key.as_str()] = value;
            input
        }),
        any_json(),
    ]
}

#[test]
fn no_input_makes_any_action_trap_and_every_rejection_names_its_field() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = runtime.block_on(Simulator::start()).unwrap();
    let mut config = token_config(&sim);
    config["maxAttempts"] = serde_json::json!(1);
    let actions: Vec<String> = CONNECTOR.actions().iter().map(|a| a.name.clone()).collect();
    for action in actions {
        let mut runner = TestRunner::new(Config {
            cases: 40,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&mutated(&action), |input| {
                let outcome = runtime.block_on(CONNECTOR.run(&action, &config, &input));
                let outcome = outcome.map_err(|trap| {
                    TestCaseError::fail(format!("{action} trapped on {input}: {trap:#}"))
                })?;
                if let Err(error) = outcome {
                    let kind = error["type"].as_str().unwrap_or_default();
                    prop_assert!(
                        [
                            "invalid-input",
                            "api",
                            "authentication",
                            "rate-limited",
                            "quota-exceeded",
                            "transport"
                        ]
                        .contains(&kind),
                        "{error}"
                    );
                    if kind == "invalid-input" {
                        prop_assert!(
                            error["field"].as_str().is_some_and(|f| !f.is_empty()),
                            "{action} {input}: {error}"
                        );
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}
