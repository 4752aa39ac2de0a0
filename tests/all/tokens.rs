//! Channel access tokens and the JWT-assertion auth mode: the three auth
//! modes side by side, the connection test in each, the JWT checked by OpenSSL (not our code), a token's
//! life (issue, verify, list, revoke, then refused everywhere), bad keys
//! refused before anything is sent, attaching a module with HTTP Basic,
//! LINE's snake_case names in and out, and tokens kept between runs of the
//! command.

use crate::support::*;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use line_simulator::{
    self as simulator, ATTACH_CODE, ATTACHED_BOT, CHANNEL_ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET,
    Simulator,
};
use serde_json::{Value, json};
use std::process::Command;

/// A push and a bot-info read, the same in every auth mode.
async fn push_and_read(config: &Value) -> Vec<Value> {
    let push = run("push", config, json!({"to": USER, "messages": text("hi")}));
    let info = run("get-bot-info", config, json!({}));
    vec![push.await.unwrap(), info.await.unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_auth_modes_run_the_same_actions() {
    let sim = Simulator::start().await.unwrap();
    let mut v21 = assertion_config(&sim);
    v21["tokenUrl"] = json!(format!("{}/oauth2/v2.1/token", sim.url()));
    let modes = [
        ("token", token_config(&sim)),
        ("client", client_config(&sim)),
        ("assertion", assertion_config(&sim)),
        ("assertion v2.1", v21),
    ];
    for (mode, config) in modes {
        let before = sim.requests().len();
        let results = push_and_read(&config).await;
        assert!(results[1]["basicId"].is_string(), "{mode}");
        let requests = sim.requests()[before..].to_vec();
        let fetches: Vec<_> = requests
            .iter()
            .filter(|r| r.path.starts_with("/oauth2") || r.path.starts_with("/v2/oauth"))
            .collect();
        let bearers: Vec<_> = requests
            .iter()
            .filter_map(|r| r.header("authorization"))
            .collect();
        assert!(requests.iter().all(|r| r.status == 200), "{mode}");
        match mode {
            "token" => {
                assert!(fetches.is_empty());
                assert!(
                    bearers
                        .iter()
                        .all(|b| *b == format!("Bearer {CHANNEL_ACCESS_TOKEN}"))
                );
            }
            _ => {
                // One token for both actions: the instance is kept warm
                // for its config, and the token with it.
                assert_eq!(fetches.len(), 1, "{mode}");
                assert!(
                    bearers.iter().all(|b| b.starts_with("Bearer sim-issued-")),
                    "{mode}"
                );
                let form = fetches[0].form();
                assert_eq!(form["grant_type"], "client_credentials");
                let asserted = mode.starts_with("assertion");
                assert_eq!(form.contains_key("client_assertion"), asserted, "{mode}");
                assert_eq!(form.contains_key("client_secret"), !asserted, "{mode}");
                let path = if mode == "assertion v2.1" {
                    "/oauth2/v2.1/token"
                } else {
                    "/oauth2/v3/token"
                };
                assert_eq!(fetches[0].path, path, "{mode}");
            }
        }
    }
}

/// A key pair made by OpenSSL: the private key's DER (PKCS#8) and the
/// public key's PEM file.
fn openssl_key(dir: &std::path::Path) -> (Vec<u8>, std::path::PathBuf) {
    let pem = dir.join("key.pem");
    let public = dir.join("public.pem");
    let der = dir.join("key.der");
    let openssl = |args: &[&str]| openssl(dir, args);
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        &path(&pem),
    ]);
    openssl(&[
        "pkey",
        "-in",
        &path(&pem),
        "-pubout",
        "-out",
        &path(&public),
    ]);
    openssl(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        &path(&pem),
        "-outform",
        "DER",
        "-out",
        &path(&der),
    ]);
    (std::fs::read(der).unwrap(), public)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jwt_is_what_line_asks_for_and_openssl_verifies_its_signature() {
    use rsa::pkcs8::DecodePrivateKey;
    let dir = tempfile::tempdir().unwrap();
    let (der, public_pem) = openssl_key(dir.path());
    let key = rsa::PrivateKey::from_pkcs8_der(&der).unwrap();
    let sim = Simulator::start().await.unwrap();
    sim.register_assertion_key("openssl-key-1", key.to_public_key());
    let mut config = assertion_config(&sim);
    config["assertionPrivateKey"] = json!(simulator::private_jwk(&key));
    config["assertionKeyId"] = json!("openssl-key-1");
    config["tokenUrl"] = json!(format!("{}/oauth2/v2.1/token", sim.url()));
    config["tokenExp"] = json!(3600);
    run("quota", &config, json!({})).await.unwrap();

    let fetch = &sim.requests()[0];
    assert_eq!(fetch.path, "/oauth2/v2.1/token");
    let issued = fetch.answer["expires_in"].as_u64();
    assert_eq!(
        issued,
        Some(3600),
        "LINE issued a token of token_exp seconds"
    );
    let form = fetch.form();
    assert_eq!(
        form["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    let jwt = &form["client_assertion"];
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    assert_eq!(
        decode(parts[0]),
        json!({"alg": "RS256", "typ": "JWT", "kid": "openssl-key-1"})
    );
    let claims = decode(parts[1]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["aud"], "https://api.line.me/");
    assert_eq!(claims["token_exp"], 3600);
    let exp = claims["exp"].as_u64().unwrap();
    assert!(
        exp > now && exp <= now + 30 * 60,
        "exp {exp} within 30 minutes of {now}"
    );

    // OpenSSL checks the signature over `header.payload` with the public key.
    let input = dir.path().join("input");
    let signature = dir.path().join("signature");
    std::fs::write(&input, format!("{}.{}", parts[0], parts[1])).unwrap();
    std::fs::write(&signature, URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
    let verify = |data: &std::path::Path| {
        Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public_pem)
            .arg("-signature")
            .arg(&signature)
            .arg(data)
            .output()
            .unwrap()
    };
    let out = verify(&input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");
    // And refuses a changed payload (so the check means something).
    std::fs::write(&input, format!("{}.{}x", parts[0], parts[1])).unwrap();
    assert!(!verify(&input).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_line_does_not_know_is_an_authentication_error() {
    use rsa::pkcs8::DecodePrivateKey;
    let dir = tempfile::tempdir().unwrap();
    let (der, _) = openssl_key(dir.path());
    let unregistered = rsa::PrivateKey::from_pkcs8_der(&der).unwrap();
    let sim = Simulator::start().await.unwrap();
    for (key, kid) in [
        // A key never registered, under the registered key's id: the
        // signature does not verify.
        (
            simulator::private_jwk(&unregistered),
            simulator::ASSERTION_KEY_ID,
        ),
        // The registered key under an id LINE never gave.
        (simulator::assertion_private_jwk(), "no-such-kid"),
    ] {
        let mut config = assertion_config(&sim);
        config["assertionPrivateKey"] = json!(key);
        config["assertionKeyId"] = json!(kid);
        let error = run("quota", &config, json!({})).await.unwrap_err();
        assert_eq!(error["type"], "authentication", "{error}");
        assert_eq!(error["status"], 400, "{error}");
        assert_no_piece_of_key(&key, &error.to_string());
    }
    assert!(
        sim.requests().iter().all(|r| r.path == "/oauth2/v3/token"),
        "no API call"
    );
}

/// No 12-character piece of the key's private members in `text`.
fn assert_no_piece_of_key(jwk: &str, text: &str) {
    let jwk: Value = serde_json::from_str(jwk).unwrap();
    for member in ["d", "p", "q"] {
        let secret: Vec<char> = jwk[member].as_str().unwrap().chars().collect();
        for piece in secret.windows(12) {
            let piece: String = piece.iter().collect();
            assert!(!text.contains(&piece), "a piece of {member} in {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_key_is_invalid_input_and_nothing_is_sent() {
    let good: Value = serde_json::from_str(&simulator::assertion_private_jwk()).unwrap();
    let with = |member: &str, value: Value| {
        let mut key = good.clone();
        key[member] = value;
        key.to_string()
    };
    let short_n = URL_SAFE_NO_PAD.encode([0xC5u8; 128]);
    let cases = [
        ("not json".to_owned(), "JWK"),
        (json!({"kty": "RSA"}).to_string(), "JWK"),
        (with("kty", json!("EC")), "RSA"),
        (with("alg", json!("RS512")), "RS256"),
        (with("d", json!("***not base64***")), "d is not base64url"),
        (with("n", json!(short_n)), "2048"),
        // Well-formed, but d is not the private exponent of n and e.
        (with("d", good["p"].clone()), "consistent"),
        // Numbers no RSA key has: the component says so, and never traps.
        (with("e", json!("AA")), "consistent"),
        (with("e", json!("AQ")), "consistent"),
        (with("p", json!("AQ")), "consistent"),
        (with("q", json!("AA")), "consistent"),
        (
            with("n", json!(URL_SAFE_NO_PAD.encode([0xFFu8; 256]))),
            "consistent",
        ),
        (
            with("d", json!(URL_SAFE_NO_PAD.encode([0xFFu8; 1024]))),
            "consistent",
        ),
    ];
    for (key, expected) in cases {
        let sim = Simulator::start().await.unwrap();
        let mut config = assertion_config(&sim);
        config["assertionPrivateKey"] = json!(key);
        let error = run("push", &config, json!({"to": USER, "messages": text("x")}))
            .await
            .unwrap_err();
        assert_eq!(error["type"], "invalid-input", "{key}: {error}");
        assert_eq!(error["field"], "config.assertionPrivateKey", "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{expected:?} in {message}");
        assert_no_piece_of_key(&simulator::assertion_private_jwk(), &error.to_string());
        assert!(sim.requests().is_empty(), "{key}: nothing sent");
    }
    let sim = Simulator::start().await.unwrap();
    for (field, value, problem) in [
        ("assertionKeyId", Value::Null, "config.assertionKeyId"),
        ("tokenExp", json!(0), "config.tokenExp"),
        ("tokenExp", json!(2_592_001), "config.tokenExp"),
        (
            "clientSecret",
            json!(CLIENT_SECRET),
            "config.assertionPrivateKey",
        ),
        ("clientId", Value::Null, "config.clientId"),
    ] {
        let mut config = assertion_config(&sim);
        config[field] = value;
        let error = run("quota", &config, json!({})).await.unwrap_err();
        assert_eq!(error["field"], problem, "{field}: {error}");
    }
    assert!(sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_lives_is_listed_and_once_revoked_is_refused_everywhere() {
    let sim = Simulator::start().await.unwrap();
    let (client, assertion) = (client_config(&sim), assertion_config(&sim));
    // A token v2.1, issued with the assertion, listed by its key id.
    let issued = run("issue-channel-token-by-jwt", &assertion, json!({}))
        .await
        .unwrap();
    let token = issued["access_token"].as_str().unwrap().to_owned();
    let key_id = issued["key_id"].clone();
    assert_eq!(issued["expires_in"], 900, "tokenExp's default");
    let kids = run(
        "gets-all-valid-channel-access-token-key-ids",
        &assertion,
        json!({}),
    );
    assert!(
        kids.await.unwrap()["kids"]
            .as_array()
            .unwrap()
            .contains(&key_id)
    );
    // Verified, and working.
    let verified = run(
        "verify-channel-token-by-jwt",
        &client,
        json!({"access_token": token}),
    );
    let verified = verified.await.unwrap();
    assert_eq!(verified["client_id"], CLIENT_ID);
    assert!(verified["expires_in"].as_u64().unwrap() > 800);
    let with_token = json!({"channelAccessToken": token, "apiBaseUrl": sim.url()});
    run("quota", &with_token, json!({})).await.unwrap();
    // Revoked with the channel secret: no longer listed, verified or taken.
    let revoked = run(
        "revoke-channel-token-by-jwt",
        &client,
        json!({"access_token": token}),
    );
    assert!(revoked.await.unwrap()["request_id"].is_string());
    let kids = run(
        "gets-all-valid-channel-access-token-key-ids",
        &assertion,
        json!({}),
    );
    assert!(
        !kids.await.unwrap()["kids"]
            .as_array()
            .unwrap()
            .contains(&key_id)
    );
    let error = run(
        "verify-channel-token",
        &client,
        json!({"access_token": token}),
    );
    let error = error.await.unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(400))
    );
    assert!(
        error["message"].as_str().unwrap().contains("revoked"),
        "{error}"
    );
    let error = run(
        "push",
        &with_token,
        json!({"to": USER, "messages": text("x")}),
    );
    assert_eq!(error.await.unwrap_err()["type"], "authentication");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaked_token_revoked_from_a_playbook_stops_working() {
    // The configured long-lived token, checked, then revoked with itself.
    let sim = Simulator::start().await.unwrap();
    let config = token_config(&sim);
    let verified = run("verify-channel-token", &config, json!({}))
        .await
        .unwrap();
    assert_eq!(verified["client_id"], CLIENT_ID);
    let verify = sim.requests().pop().unwrap();
    assert_eq!(
        verify.form()["access_token"],
        CHANNEL_ACCESS_TOKEN,
        "the config's token"
    );
    assert_eq!(verify.header("authorization"), None);
    let revoked = run(
        "revoke-channel-token",
        &config,
        json!({"access_token": CHANNEL_ACCESS_TOKEN}),
    );
    revoked.await.unwrap();
    for action in ["quota", "get-bot-info"] {
        let error = run(action, &config, json!({})).await.unwrap_err();
        assert_eq!(error["type"], "authentication", "{action}");
    }
    // Revoking needs the token named: never the config's by default.
    let error = run("revoke-channel-token", &config, json!({}))
        .await
        .unwrap_err();
    assert_eq!(error["field"], "access_token", "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_tokens_use_lines_names_and_work() {
    let sim = Simulator::start().await.unwrap();
    for (action, config, lifetime) in [
        ("issue-stateless-channel-token", client_config(&sim), 900),
        ("issue-stateless-channel-token", assertion_config(&sim), 900),
        ("issue-channel-token", client_config(&sim), 2_592_000),
    ] {
        let issued = run(action, &config, json!({})).await.unwrap();
        let mut keys: Vec<&str> = issued
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            ["access_token", "expires_in", "request_id", "token_type"],
            "{action}"
        );
        assert_eq!(issued["expires_in"], lifetime, "{action}");
        let token = issued["access_token"].as_str().unwrap();
        let with_token = json!({"channelAccessToken": token, "apiBaseUrl": sim.url()});
        run("quota", &with_token, json!({})).await.unwrap();
    }
    // The input takes LINE's names only; given credentials go as given.
    let config = token_config(&sim);
    let error = run(
        "issue-channel-token",
        &config,
        json!({"clientId": CLIENT_ID}),
    );
    let error = error.await.unwrap_err();
    assert_eq!(error["field"], "clientId", "{error}");
    let given = json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET});
    run("issue-channel-token", &config, given).await.unwrap();
    let error = run(
        "issue-channel-token",
        &config,
        json!({"grant_type": "password"}),
    );
    assert_eq!(error.await.unwrap_err()["field"], "grant_type");
    // A token-only config cannot issue one without the secret: said, not sent.
    let before = sim.requests().len();
    let error = run("issue-channel-token", &config, json!({}))
        .await
        .unwrap_err();
    assert_eq!(error["field"], "config.clientId", "{error}");
    let client = client_config(&sim);
    let error = run("issue-channel-token-by-jwt", &client, json!({}));
    assert_eq!(
        error.await.unwrap_err()["field"],
        "config.assertionPrivateKey"
    );
    assert_eq!(sim.requests().len(), before, "nothing sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_is_attached_with_http_basic_once_per_code() {
    let sim = Simulator::start().await.unwrap();
    let mut config = client_config(&sim);
    config["managerBaseUrl"] = json!(sim.url());
    let input =
        json!({"code": ATTACH_CODE, "redirect_uri": "https://soc.example.com/cb", "region": "JP"});
    let attached = run("attach-module", &config, input.clone()).await.unwrap();
    assert_eq!(attached["bot_id"], ATTACHED_BOT);
    assert_eq!(
        attached["scopes"],
        json!(["message:send", "message:receive"])
    );
    let sent = sim.requests().pop().unwrap();
    let pair =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Basic {pair}").as_str())
    );
    let form = sent.form();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["region"], "JP");
    assert!(
        !form.contains_key("client_secret"),
        "the secret goes in the header only"
    );
    // A code works once; never resent after it may have reached LINE.
    let error = run("attach-module", &config, input.clone())
        .await
        .unwrap_err();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("api"), Some(400))
    );
    // A token-only config cannot attach: said, nothing sent.
    let before = sim.requests().len();
    let mut token = token_config(&sim);
    token["managerBaseUrl"] = json!(sim.url());
    let error = run("attach-module", &token, input).await.unwrap_err();
    assert_eq!(error["field"], "config.clientId", "{error}");
    assert_eq!(sim.requests().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_names_every_operation_of_lines_files() {
    let dir = crate::openapi::dir();
    // The first 18 actions keep their names (issue 1); the rest are LINE's
    // operationId in kebab-case.
    let renamed = [
        ("showLoadingAnimation", "display-loading"),
        ("pushMessage", "push"),
        ("replyMessage", "reply"),
        ("multicast", "multicast"),
        ("broadcast", "broadcast"),
        ("narrowcast", "narrowcast"),
        ("getNarrowcastProgress", "narrowcast-progress"),
        ("validatePush", "validate-push"),
        ("validateReply", "validate-reply"),
        ("validateMulticast", "validate-multicast"),
        ("validateBroadcast", "validate-broadcast"),
        ("validateNarrowcast", "validate-narrowcast"),
        ("getMessageQuota", "quota"),
        ("getMessageQuotaConsumption", "quota-consumption"),
        ("getNumberOfSentPushMessages", "delivery-push"),
        ("getNumberOfSentReplyMessages", "delivery-reply"),
        ("getNumberOfSentMulticastMessages", "delivery-multicast"),
        ("getNumberOfSentBroadcastMessages", "delivery-broadcast"),
    ];
    let manifest =
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap();
    let actions: Vec<&str> = manifest["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    let mut operations = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yml") || path.ends_with("webhook.yml") {
            continue;
        }
        let doc: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for methods in doc["paths"].as_object().unwrap().values() {
            for operation in methods.as_object().unwrap().values() {
                if let Some(id) = operation["operationId"].as_str() {
                    operations.push(id.to_owned());
                }
            }
        }
    }
    assert_eq!(operations.len(), 110, "LINE's files hold 110 operations");
    let missing: Vec<String> = operations
        .iter()
        .map(|id| {
            let renamed = renamed.iter().find(|(line, _)| line == id);
            renamed.map_or_else(|| kebab(id), |(_, ours)| (*ours).to_owned())
        })
        .filter(|name| !actions.contains(&name.as_str()))
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "operations without an action"
    );
    // Beside them only the connection test, which is LINE's getBotInfo too.
    assert_eq!(actions.len(), 111, "110 of 110, and `check`");
    assert_eq!(actions[0], "check");
}

/// LINE's operationId in kebab-case: `getProfile` → `get-profile`,
/// `addLIFFApp` → `add-liff-app`, `issueChannelTokenByJWT` →
/// `issue-channel-token-by-jwt`.
fn kebab(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev_lower =
            i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn the_manifest_marks_issued_tokens_and_given_secrets_as_secrets() {
    let manifest =
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap();
    let action = |name: &str| {
        let actions = manifest["actions"].as_array().unwrap();
        actions.iter().find(|a| a["name"] == name).unwrap().clone()
    };
    for name in [
        "issue-stateless-channel-token",
        "issue-channel-token",
        "issue-channel-token-by-jwt",
    ] {
        let token = &action(name)["outputSchema"]["properties"]["access_token"];
        assert_eq!(token["writeOnly"], true, "{name}");
        assert_eq!(token["x-secret"], true, "{name}");
    }
    let input = &action("issue-stateless-channel-token")["inputSchema"]["properties"];
    for field in ["client_secret", "client_assertion"] {
        assert_eq!(input[field]["x-secret"], true, "{field}");
    }
    assert_eq!(
        action("verify-channel-token")["inputSchema"]["properties"]["access_token"]["x-secret"],
        true
    );
    let credentials = |name: &str| action(name)["hints"]["credentials"].clone();
    assert_eq!(credentials("push"), "any");
    assert_eq!(credentials("verify-channel-token"), "any");
    assert_eq!(credentials("issue-channel-token"), "clientSecret");
    assert_eq!(credentials("attach-module"), "clientSecret");
    assert_eq!(
        credentials("issue-channel-token-by-jwt"),
        "assertionPrivateKey"
    );
    assert_eq!(
        credentials("issue-stateless-channel-token"),
        "clientSecretOrAssertionPrivateKey"
    );
    let endpoint = action("attach-module")["endpoint"].clone();
    assert_eq!(endpoint, "POST /module/auth/v1/token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_test_says_who_and_how_and_each_failure_is_typed() {
    let sim = Simulator::start().await.unwrap();
    for (mode, config, fetched) in [
        ("channelAccessToken", token_config(&sim), false),
        ("clientSecret", client_config(&sim), true),
        ("assertionPrivateKey", assertion_config(&sim), true),
    ] {
        let before = sim.requests().len();
        let result = run("check", &config, json!({})).await.unwrap();
        let requests = sim.requests()[before..].to_vec();
        let info = requests.last().unwrap();
        assert_eq!(info.path, "/v2/bot/info", "{mode}");
        assert_eq!(result["requestId"], json!(info.request_id), "{mode}");
        assert_eq!(result["displayName"], info.answer["displayName"], "{mode}");
        assert_eq!(result["basicId"], info.answer["basicId"], "{mode}");
        assert_eq!(result["authMode"], mode);
        let expires_in = result.get("tokenExpiresIn").and_then(Value::as_u64);
        match fetched {
            true => {
                assert_eq!(requests.len(), 2, "{mode}: a token fetched, then used");
                assert!(
                    expires_in.is_some_and(|s| s > 800 && s <= 900),
                    "{mode}: {result}"
                );
            }
            false => assert_eq!(expires_in, None, "{mode}: {result}"),
        }
    }
    // Each failure is the usual typed error.
    let mut bad_secret = client_config(&sim);
    bad_secret["clientSecret"] = json!("wrong-secret-0000");
    let mut unreachable = token_config(&sim);
    unreachable["apiBaseUrl"] = json!("http://127.0.0.1:9");
    unreachable["maxAttempts"] = json!(1);
    let mut revoked = token_config(&sim);
    revoked["channelAccessToken"] = json!("sim-revoked-token-0001");
    for (config, expected) in [
        (json!({}), "invalid-input"),
        (bad_secret, "authentication"),
        (revoked, "authentication"),
        (unreachable, "transport"),
    ] {
        let error = run("check", &config, json!({})).await.unwrap_err();
        assert_eq!(error["type"], expected, "{error}");
    }
    let manifest =
        line_connector_host::manifest_of(line_connector_host::EMBEDDED_COMPONENT).unwrap();
    let first = &manifest["actions"][0];
    assert_eq!(first["name"], "check");
    assert_eq!(first["hints"]["connectionTest"], true);
    assert_eq!(manifest["actions"][1]["hints"]["connectionTest"], false);
}

/// How many tokens the simulator issued.
fn token_fetches(sim: &Simulator) -> usize {
    let all = sim.requests();
    all.iter().filter(|r| r.path == "/oauth2/v3/token").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_of_one_config_share_its_token_until_near_expiry_and_configs_never_share() {
    let sim = Simulator::start().await.unwrap();
    sim.set_token_lifetime(std::time::Duration::from_secs(3));
    let config = client_config(&sim);
    for i in 0..10 {
        let input = json!({"to": USER, "messages": text(&format!("{i}"))});
        run("push", &config, input).await.unwrap();
    }
    assert_eq!(token_fetches(&sim), 1, "ten runs, one token");
    assert_eq!(sim.deliveries().len(), 10);
    // Another config (here only a timeout differs): an instance and a token of its own.
    let mut other = config.clone();
    other["timeoutMs"] = json!(20_000);
    run("get-bot-info", &other, json!({})).await.unwrap();
    assert_eq!(token_fetches(&sim), 2);
    // Shortly before the token expires (a tenth of its life), a new one is fetched.
    tokio::time::sleep(std::time::Duration::from_millis(2800)).await;
    run("get-bot-info", &config, json!({})).await.unwrap();
    assert_eq!(token_fetches(&sim), 3);
    // A kept token LINE refuses (revoked) is dropped and fetched again, once.
    let bearer = sim
        .requests()
        .last()
        .unwrap()
        .header("authorization")
        .unwrap()
        .to_owned();
    let token = bearer.trim_start_matches("Bearer ").to_owned();
    run(
        "revoke-channel-token",
        &config,
        json!({"access_token": token}),
    )
    .await
    .unwrap();
    let outcome = run("get-bot-info", &config, json!({})).await;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(token_fetches(&sim), 4);
}

/// `line-connector run ACTION` with `config`, tokens kept in `cache`, and
/// `extra` arguments: its exit code, its JSON and its stderr.
async fn run_kept(
    action: &str,
    config: &Value,
    input: Value,
    cache: &std::path::Path,
    extra: &[&str],
) -> (i32, Value, String) {
    let file = config_file(config);
    let args = run_args(action, &file, &input, extra);
    let cache = cache.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_line-connector"))
            .args(&args)
            .env("LINE_CONNECTOR_TOKEN_CACHE", cache)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        value,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The simulator's requests to `path` so far.
fn requests_to(sim: &Simulator, path: &str) -> Vec<line_simulator::Recorded> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

/// The one file in `dir`.
fn only_file(dir: &std::path::Path) -> std::path::PathBuf {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_of_the_command_share_a_kept_token_that_holds_no_secret() {
    use std::os::unix::fs::PermissionsExt;
    let sim = Simulator::start().await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("tokens");
    let push = || json!({"to": USER, "messages": text("hi")});
    for _ in 0..3 {
        let (code, result, stderr) =
            run_kept("push", &client_config(&sim), push(), &cache, &[]).await;
        assert_eq!(code, 0, "{result} {stderr}");
    }
    // Three runs, one token, used by all three pushes.
    assert_eq!(requests_to(&sim, "/oauth2/v3/token").len(), 1);
    let pushes = requests_to(&sim, "/v2/bot/message/push");
    let bearers: std::collections::BTreeSet<_> = pushes
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!((pushes.len(), bearers.len()), (3, 1));
    // Only this user may read it; it holds the token, not the secret.
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let file = only_file(&cache);
    assert_eq!((mode(&cache), mode(&file)), (0o700, 0o600));
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(!kept.contains(CLIENT_SECRET), "{kept}");
    let token = bearers.first().unwrap().trim_start_matches("Bearer ");
    assert!(kept.contains(token));
    // --no-token-cache: the run fetches its own token, the file untouched.
    let (code, ..) = run_kept(
        "push",
        &client_config(&sim),
        push(),
        &cache,
        &["--no-token-cache"],
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(requests_to(&sim, "/oauth2/v3/token").len(), 2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), kept);
    // The connection test always works on the credentials themselves.
    let (code, result, _) = run_kept("check", &client_config(&sim), json!({}), &cache, &[]).await;
    assert_eq!(
        (code, result["authMode"].as_str()),
        (0, Some("clientSecret"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_runs_issue_one_token_v2_1_not_one_each_of_lines_thirty() {
    let sim = Simulator::start().await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let mut config = assertion_config(&sim);
    config["tokenUrl"] = json!(format!("{}/oauth2/v2.1/token", sim.url()));
    for _ in 0..4 {
        let (code, result, stderr) = run_kept(
            "get-bot-info",
            &config,
            json!({}),
            &scratch.path().join("tokens"),
            &[],
        )
        .await;
        assert_eq!(code, 0, "{result} {stderr}");
        assert!(result["basicId"].is_string());
    }
    assert_eq!(requests_to(&sim, "/oauth2/v2.1/token").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_token_line_refuses_is_replaced_once_and_a_shared_folder_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let sim = Simulator::start().await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("tokens");
    let config = client_config(&sim);
    let (code, ..) = run_kept("quota", &config, json!({}), &cache, &[]).await;
    assert_eq!(code, 0);
    // The kept token stops working (as a revoked one would).
    let file = only_file(&cache);
    let mut kept: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    kept["accessToken"] = json!("revoked-or-wrong-token");
    std::fs::write(&file, kept.to_string()).unwrap();
    let (code, result, stderr) = run_kept("quota", &config, json!({}), &cache, &[]).await;
    assert_eq!(code, 0, "{result} {stderr}");
    assert_eq!(requests_to(&sim, "/oauth2/v3/token").len(), 2);
    let now: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_ne!(now["accessToken"], "revoked-or-wrong-token");
    // A folder others may write to is not used: each run fetches its own.
    let shared = scratch.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let before = requests_to(&sim, "/oauth2/v3/token").len();
    for _ in 0..2 {
        let (code, _, stderr) = run_kept("quota", &config, json!({}), &shared, &[]).await;
        assert_eq!(code, 0);
        assert!(stderr.contains("not keeping tokens"), "{stderr}");
    }
    assert_eq!(requests_to(&sim, "/oauth2/v3/token").len(), before + 2);
    assert_eq!(std::fs::read_dir(&shared).unwrap().count(), 0);
}
