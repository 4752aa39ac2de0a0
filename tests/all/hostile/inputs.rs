//! Hostile inputs and configs: each is a clear `invalid-input` naming its
//! field, with nothing sent, never a trap; an error quotes at most a short
//! piece of the value; work before sending is linear in the input.

use crate::support::*;
use line_simulator::{CHANNEL_ACCESS_TOKEN, Simulator};
use serde_json::{Value, json};

/// Runs `action` and asserts an `invalid-input` at `field`, nothing sent,
/// and an error of at most a few hundred characters.
async fn refused(sim: &Simulator, config: &Value, action: &str, input: Value, field: &str) {
    let error = run(action, config, input).await.expect_err(field);
    assert_eq!(
        (error["type"].as_str(), error["field"].as_str()),
        (Some("invalid-input"), Some(field)),
        "{error}"
    );
    assert!(
        error.to_string().len() < 600,
        "a {} character error",
        error.to_string().len()
    );
    assert!(
        sim.requests().is_empty(),
        "{field}: the simulator saw a request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_values_are_refused_before_any_work() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let big = |n: usize| "a".repeat(n);
    refused(
        &sim,
        &config,
        "push",
        json!({"to": big(20 << 20), "messages": text("x")}),
        "to",
    )
    .await;
    // Past what the host gives an instance: refused by the host, as briefly.
    refused(
        &sim,
        &config,
        "push",
        json!({"to": big(50 << 20), "messages": text("x")}),
        "input",
    )
    .await;
    refused(
        &sim,
        &config,
        "push",
        json!({"to": USER, "messages": big(10 << 20)}),
        "messages",
    )
    .await;
    refused(
        &sim,
        &config,
        "narrowcast",
        json!({"messages": text("x"), "recipient": big(3 << 20)}),
        "recipient",
    )
    .await;
    refused(
        &sim,
        &config,
        "delivery-push",
        json!({"date": big(1 << 20)}),
        "date",
    )
    .await;
    refused(
        &sim,
        &config,
        "push",
        json!({"to": USER, "messages": text("x"), "retryKey": big(1 << 20)}),
        "retryKey",
    )
    .await;
    let mut huge_token = config.clone();
    huge_token["channelAccessToken"] = json!(big(200_000));
    refused(
        &sim,
        &huge_token,
        "quota",
        json!({}),
        "config.channelAccessToken",
    )
    .await;
    let mut long_url = config.clone();
    long_url["apiBaseUrl"] = json!(format!("{}/{}", sim.url(), big(1 << 20)));
    refused(&sim, &long_url, "quota", json!({}), "config.apiBaseUrl").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_input_is_an_error_not_a_trap() {
    let sim = Simulator::start().await.unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    refused(
        &sim,
        &token_config(&sim),
        "push",
        json!({"to": USER, "messages": deep}),
        "messages",
    )
    .await;
    let mut session = session(&token_config(&sim)).await;
    let input = format!(r#"{{"to": "{USER}", "messages": {deep}}}"#);
    let config = token_config(&sim);
    // invoke parses the input JSON itself: refused as a whole, nothing sent.
    let config = config.to_string();
    let error = session
        .invoke_text("push", &config, &input)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error["type"], "invalid-input", "{error}");
    assert!(sim.requests().is_empty());
}

/// The deepest JSON the component takes (serde_json's limit is 128 levels)
/// goes through every step that walks it (parse, checks, redaction,
/// serialising the body) on the guest's stack without a trap: this test is
/// what the stack size (build.rs) is measured against.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deepest_accepted_input_runs_within_the_guest_stack() {
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim).to_string();
    let mut session = session(&token_config(&sim)).await;
    let mut outcomes = Vec::new();
    // The input object, `messages`, the message and `contents` are four
    // levels; `extra` adds the rest, up to one past the limit.
    for levels in [120, 123, 124] {
        let deep = format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        let input = format!(
            r#"{{"to": "{USER}", "messages": [{{"type": "flex", "altText": "a",
              "contents": {{"type": "bubble", "extra": {deep}}}}}]}}"#
        );
        let outcome = session
            .invoke_text("push", &config, &input)
            .await
            .expect("no trap");
        outcomes.push(match outcome {
            Ok(_) => "sent".to_owned(),
            Err(error) => error["type"].as_str().unwrap_or_default().to_owned(),
        });
    }
    // Within the limit it is LINE's to judge (the simulator takes it); one
    // past it is refused before anything is sent.
    assert_eq!(outcomes, ["sent", "sent", "invalid-input"]);
    assert_eq!(sim.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_must_be_strings_a_header_can_carry() {
    let sim = Simulator::start().await.unwrap();
    let client = client_config(&sim);
    for secret in [
        json!(["s3cret-in-an-array"]),
        json!({"secret": "in-an-object"}),
        json!(12345678901u64),
    ] {
        let mut config = client.clone();
        config["clientSecret"] = secret.clone();
        refused(&sim, &config, "quota", json!({}), "config.clientSecret").await;
        let mut session = session(&config).await;
        let error = session
            .invoke("quota", &config, &json!({}))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(error["field"], "config.clientSecret", "{secret}: {error}");
        assert!(sim.requests().is_empty());
    }
    for bad in [
        "line\r\nX-Injected: 1",
        "nul\0inside-the-token",
        "tab\tand-newline\n-token",
    ] {
        let mut config = token_config(&sim);
        config["channelAccessToken"] = json!(format!("{CHANNEL_ACCESS_TOKEN}{bad}"));
        refused(
            &sim,
            &config,
            "quota",
            json!({}),
            "config.channelAccessToken",
        )
        .await;
        let mut config = client.clone();
        config["clientSecret"] = json!(format!("secret-{bad}"));
        refused(&sim, &config, "quota", json!({}), "config.clientSecret").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn base_urls_take_no_credentials_query_or_fragment() {
    let sim = Simulator::start().await.unwrap();
    let host = sim.url().trim_start_matches("http://").to_owned();
    for (field, url) in [
        ("config.apiBaseUrl", format!("http://user:pass@{host}")),
        ("config.apiBaseUrl", format!("http://{host}#fragment")),
        ("config.apiBaseUrl", format!("http://{host}/?query=1")),
        ("config.dataApiBaseUrl", format!("http://user@{host}")),
    ] {
        let mut config = token_config(&sim);
        config[field.trim_start_matches("config.")] = json!(url);
        refused(&sim, &config, "quota", json!({}), field).await;
    }
    let mut config = client_config(&sim);
    config["tokenUrl"] = json!(format!("http://id:secret@{host}/oauth2/v3/token"));
    refused(&sim, &config, "quota", json!({}), "config.tokenUrl").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multicast_of_600000_users_is_batched_in_linear_time() {
    // Nothing listens at the base URL, so each of the 1,200 batches fails at
    // once: the time is the connector's own work before and between sends.
    let to: Vec<String> = (0..600_000).map(|i| format!("U{i:032x}")).collect();
    let config = json!({"channelAccessToken": CHANNEL_ACCESS_TOKEN, "apiBaseUrl": "http://127.0.0.1:9", "maxAttempts": 1});
    let started = std::time::Instant::now();
    let error = run(
        "multicast",
        &config,
        json!({"to": to, "messages": text("x")}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error["type"],
        "batches-failed",
        "{}",
        &error.to_string()[..200]
    );
    assert_eq!(error["batches"].as_array().unwrap().len(), 1200);
    // A hang guard, not a benchmark: quadratic batching took 27 s of CPU.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multicast_as_large_as_the_host_takes_never_traps() {
    // As many ids as fit the host's input limit, by the typed function and
    // by invoke (which parses the JSON text itself): every batch fails to
    // connect, and the outcome is a typed error either way.
    let each = format!("\"U{:032x}\",", 0).len();
    let count = (CONNECTOR.limits().max_input_bytes() - 200) / each;
    let to: Vec<String> = (0..count).map(|i| format!("U{i:032x}")).collect();
    let config = json!({"channelAccessToken": CHANNEL_ACCESS_TOKEN, "apiBaseUrl": "http://127.0.0.1:9", "maxAttempts": 1});
    let input = json!({"to": to, "messages": text("x")});
    let typed = run("multicast", &config, input.clone()).await.unwrap_err();
    assert_eq!(typed["type"], "batches-failed");
    let mut session = session(&config).await;
    let invoked = session
        .invoke("multicast", &config, &input)
        .await
        .expect("no trap")
        .unwrap_err();
    assert_eq!(invoked["type"], "batches-failed");
    assert_eq!(
        invoked["batches"].as_array().unwrap().len(),
        count.div_ceil(500)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_sent_as_a_header_takes_no_control_characters() {
    // Every input field the table sends as a header (today the delivery
    // tag of a LINE notification message): CR LF, NUL, other controls and
    // non-ASCII are `invalid-input` on the field, nothing sent.
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    for tag in [
        "soc-alert-0000001\r\nX-Injected: 1",
        "soc-alert-0000001\nmore",
        "soc-alert-00000\u{0}01",
        "soc-alert-00000\u{7f}01",
        "soc-alert-000000é1",
    ] {
        let input = json!({"to": "+818000001234", "text": "x", "xLineDeliveryTag": tag});
        refused(
            &sim,
            &config,
            "push-messages-by-phone",
            input,
            "xLineDeliveryTag",
        )
        .await;
    }
}
