//! Asking a LINE user and waiting for the answer, end to end: the question
//! pushed through the component to the simulator, the simulator playing the
//! users who tap or type (LINE's signed events to the intake), the intake
//! deciding answers in its store, and `line-connector ask --wait` printing
//! the answer. Forged, replayed, foreign and late answers are refused and
//! told so; restarts of the intake and of the wait lose nothing.

use super::*;
use crate::support::{USER, USER2, token_config};
use line_simulator::{CLIENT_SECRET, Simulator};

/// A simulator, and an intake for its channel (replies go to it) on a
/// fresh store (SQLite, or PostgreSQL in `ask_on_postgres`), printing
/// events on stdout.
async fn setup() -> (Simulator, Intake, Kept, PathBuf) {
    let sim = Simulator::start().await.unwrap();
    let (dir, store) = store_for(module_path!());
    let mut config = token_config(&sim);
    config["channelSecret"] = json!(CLIENT_SECRET);
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command.stdout(Stdio::piped());
    let intake = Intake::start_config(command, &config, &store, &[]);
    (sim, intake, dir, store)
}

/// `line-connector ask ARGS` with the simulator's config, off the runtime:
/// exit code and the JSON printed. `store`: a file's path or a URL.
pub(super) async fn ask(
    sim: &Simulator,
    store: impl AsRef<OsStr>,
    args: &[&str],
) -> (Option<i32>, Value) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    ask_with(token_config(sim), store.as_ref().to_owned(), args).await
}

/// [`ask`] with everything owned (to run beside the test).
pub(super) async fn ask_with(
    config: Value,
    store: std::ffi::OsString,
    args: Vec<String>,
) -> (Option<i32>, Value) {
    let config = crate::support::config_file(&config);
    let mut all: Vec<String> = [
        "ask",
        "--config",
        crate::support::path_of(&config),
        "--store",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.push(store.to_str().unwrap().to_owned());
    all.extend(args);
    let out = tokio::task::spawn_blocking(move || {
        let _keep = config;
        Command::new(env!("CARGO_BIN_EXE_line-connector"))
            .args(all)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let printed = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), printed)
}

/// Waits until the simulator delivered a push to `chat`.
pub(super) async fn pushed_to(sim: &Simulator, chat: &str) {
    eventually(Duration::from_secs(20), || {
        sim.deliveries()
            .iter()
            .any(|d| d.kind == "push" && d.to.iter().any(|t| t == chat))
    })
    .await;
}

/// The texts the simulator's replies carried, in order.
pub(super) fn replies(sim: &Simulator) -> Vec<String> {
    sim.deliveries()
        .iter()
        .filter(|d| d.kind == "reply")
        .map(|d| {
            d.messages[0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_is_answered_once_and_the_wait_prints_the_answer() {
    let (sim, intake, _dir, store) = setup().await;
    let callback = format!("{}/callback", intake.url);
    let args = [
        "--to",
        USER,
        "--question",
        "Was this sign-in from Osaka you?",
        "--option",
        "Yes",
        "--option",
        "No",
        "--wait",
        "--timeout",
        "30",
    ];
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let waiting = tokio::spawn(ask_with(token_config(&sim), store.clone().into(), args));
    pushed_to(&sim, USER).await;
    assert_eq!(
        sim.tap(&callback, "tap-1", USER, USER, 0).await.unwrap(),
        200
    );
    // A second tap (a new event): the question is closed.
    assert_eq!(
        sim.tap(&callback, "tap-2", USER, USER, 1).await.unwrap(),
        200
    );
    let waiting = waiting.await.unwrap();
    let (code, answered) = waiting;
    eprintln!("ask --wait printed: {answered}");
    assert_eq!(code, Some(0), "{answered}");
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["answer"]["option"], "Yes");
    assert_eq!(answered["answer"]["answerer"], USER);
    assert_eq!(
        answered["answers"].as_array().unwrap().len(),
        1,
        "first wins"
    );
    // The pushed question: a confirm template, its data signed, short.
    let push = sim
        .deliveries()
        .into_iter()
        .find(|d| d.kind == "push")
        .unwrap();
    assert_eq!(push.messages[0]["template"]["type"], "confirm");
    assert!(push.retry_key.is_some(), "sent the exactly-once way");
    // Each tap acknowledged: the first thanked, the second told it is closed.
    eventually(Duration::from_secs(10), || replies(&sim).len() == 2).await;
    // (Replies go out as their batches are stored, so in either order.)
    let told = replies(&sim);
    assert!(
        told.iter().any(|t| t.starts_with("Thanks")) && told.iter().any(|t| t.contains("closed")),
        "{told:?}"
    );
    // The answer reaches the platform as an event of its own, once.
    let lines = intake.wait_lines(3, Duration::from_secs(10)).await;
    let answers: Vec<&Value> = lines.iter().filter(|l| l["type"] == "answer").collect();
    assert_eq!(answers.len(), 1, "{lines:?}");
    assert_eq!(answers[0]["option"], "Yes");
    assert_eq!(answers[0]["askId"], answered["askId"]);
    assert!(
        answers[0]["webhookEventId"]
            .as_str()
            .unwrap()
            .starts_with("answer-")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_foreign_and_late_answers_are_refused_and_the_default_comes_at_expiry() {
    let (sim, intake, _dir, store) = setup().await;
    let callback = format!("{}/callback", intake.url);
    let args = [
        "--to",
        USER,
        "--question",
        "Isolate host db-2?",
        "--option",
        "Approve",
        "--option",
        "Reject",
        "--option",
        "Escalate",
        "--expires-in",
        "3",
        "--default",
        "Reject",
    ];
    let (code, put) = ask(&sim, &store, &args).await;
    assert_eq!(code, Some(0), "{put}");
    let id = put["askId"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 22, "128 random bits");
    // Another user taps (a buttons template, for three options).
    assert_eq!(
        sim.tap(&callback, "foreign-1", USER, USER2, 0)
            .await
            .unwrap(),
        200
    );
    // The right user, with the data altered to another option: forged.
    let mut forged = sim.tap_event("forged-1", USER, USER, 0).unwrap();
    let data = forged["postback"]["data"].as_str().unwrap().to_owned();
    forged["postback"]["data"] = json!(data.replacen(&format!("{id}:0:"), &format!("{id}:1:"), 1));
    assert_eq!(sim.send_webhook(&callback, &[forged]).await.unwrap(), 200);
    // A tap redelivered by LINE (the same event twice) counts once.
    let tap = sim.tap_event("late-1", USER, USER, 0).unwrap();
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(
        sim.send_webhook(&callback, std::slice::from_ref(&tap))
            .await
            .unwrap(),
        200
    );
    assert_eq!(
        sim.send_webhook(&callback, &line_simulator::webhooks::redelivered(&[tap]))
            .await
            .unwrap(),
        200
    );
    let (code, done) = ask(&sim, &store, &["--id", &id, "--wait"]).await;
    assert_eq!(code, Some(0), "{done}");
    assert_eq!(done["state"], "expired");
    assert_eq!(done["answer"]["option"], "Reject");
    assert_eq!(done["answer"]["default"], true);
    assert_eq!(done["refused"], 3, "foreign, forged, late: {done}");
    eventually(Duration::from_secs(10), || replies(&sim).len() == 3).await;
    assert!(
        replies(&sim).iter().all(|t| !t.starts_with("Thanks")),
        "{:?}",
        replies(&sim)
    );
    // The default was recorded once: a second wait prints the same.
    let (_, again) = ask(&sim, &store, &["--id", &id, "--wait"]).await;
    assert_eq!(again["answers"], done["answers"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_question_takes_free_text_from_a_listed_member_only() {
    let (sim, intake, _dir, store) = setup().await;
    let callback = format!("{}/callback", intake.url);
    let group = line_simulator::GROUP;
    let args = [
        "--to",
        group,
        "--question",
        "Who owns host db-2?",
        "--option",
        "Me",
        "--option",
        "Not me",
        "--free-text",
        "--answerers",
        USER2,
    ];
    let (code, put) = ask(&sim, &store, &args).await;
    assert_eq!(code, Some(0), "{put}");
    let id = put["askId"].as_str().unwrap().to_owned();
    // A member not listed speaks: a message like any other, not an answer.
    assert_eq!(
        sim.say(&callback, "say-1", group, USER, "I think Ken")
            .await
            .unwrap(),
        200
    );
    assert_eq!(
        sim.say(&callback, "say-2", group, USER2, "The DBA team")
            .await
            .unwrap(),
        200
    );
    let (code, done) = ask(&sim, &store, &["--id", &id, "--wait", "--timeout", "10"]).await;
    assert_eq!(code, Some(0), "{done}");
    assert_eq!(done["answer"]["text"], "The DBA team");
    assert_eq!(done["answer"]["answerer"], USER2);
    assert_eq!(done["refused"], 0);
    let lines = intake.wait_lines(3, Duration::from_secs(10)).await;
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["message", "message", "answer"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarts_of_the_intake_and_of_the_wait_lose_nothing() {
    let (sim, mut intake, _dir, store) = setup().await;
    let args = [
        "--to",
        USER,
        "--question",
        "Reset the password?",
        "--option",
        "Yes",
        "--option",
        "No",
    ];
    let (_, put) = ask(&sim, &store, &args).await;
    let id = put["askId"].as_str().unwrap().to_owned();
    // The intake dies between the question and the answer.
    intake.signal(libc::SIGKILL);
    intake.exited(Duration::from_secs(10)).unwrap();
    let mut config = token_config(&sim);
    config["channelSecret"] = json!(CLIENT_SECRET);
    let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
    command.stdout(Stdio::piped());
    let intake = Intake::start_config(command, &config, &store, &[]);
    let callback = format!("{}/callback", intake.url);
    // A wait starts and is killed; the answer arrives with nothing waiting.
    let mut first = Command::new(env!("CARGO_BIN_EXE_line-connector"))
        .args([
            "ask",
            "--store",
            store.to_str().unwrap(),
            "--id",
            &id,
            "--wait",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(
        sim.tap(&callback, "after-restart", USER, USER, 1)
            .await
            .unwrap(),
        200
    );
    // The next wait finds it.
    let (code, done) = ask(&sim, &store, &["--id", &id, "--wait", "--timeout", "10"]).await;
    assert_eq!(code, Some(0), "{done}");
    assert_eq!(done["answer"]["option"], "No");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_it_cannot_ask_names_its_field_and_sends_nothing() {
    let (sim, _intake, _dir, store) = setup().await;
    let cases: [(&[&str], &str); 4] = [
        (
            &["--to", USER, "--question", "Q?", "--option", "Only"],
            "options",
        ),
        (
            &[
                "--to",
                USER,
                "--question",
                "Q?",
                "--option",
                "Yes",
                "--option",
                "A label far too long for LINE",
            ],
            "options[1]",
        ),
        (
            &[
                "--to",
                USER,
                "--question",
                "Q?",
                "--option",
                "Yes",
                "--option",
                "No",
                "--default",
                "Maybe",
            ],
            "default",
        ),
        (
            &[
                "--to",
                "someone",
                "--question",
                "Q?",
                "--option",
                "Yes",
                "--option",
                "No",
            ],
            "to",
        ),
    ];
    for (args, field) in cases {
        let (code, error) = ask(&sim, &store, args).await;
        assert_eq!(code, Some(1), "{error}");
        assert_eq!(
            (error["type"].as_str(), error["field"].as_str()),
            (Some("invalid-input"), Some(field))
        );
    }
    assert!(sim.requests().is_empty(), "nothing sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ask_for_every_answer_records_each_until_expiry() {
    let (sim, intake, _dir, store) = setup().await;
    let callback = format!("{}/callback", intake.url);
    let group = line_simulator::GROUP;
    let args = [
        "--to",
        group,
        "--question",
        "Can you join the bridge call?",
        "--option",
        "Yes",
        "--option",
        "No",
        "--every",
        "--answerers",
        "any",
        // Long enough for both taps on a loaded two-core CI machine (2 s
        // was not: the second answer arrived after expiry); the wait below
        // returns at expiry, so this is also the test's own length.
        "--expires-in",
        "8",
    ];
    let (_, put) = ask(&sim, &store, &args).await;
    let id = put["askId"].as_str().unwrap().to_owned();
    assert_eq!(
        sim.tap(&callback, "every-1", group, USER, 0).await.unwrap(),
        200
    );
    assert_eq!(
        sim.tap(&callback, "every-2", group, USER2, 1)
            .await
            .unwrap(),
        200
    );
    let (code, done) = ask(&sim, &store, &["--id", &id, "--wait"]).await;
    assert_eq!(code, Some(0), "{done}");
    assert_eq!(done["state"], "expired");
    let who: Vec<(&str, &str)> = done["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["answerer"].as_str().unwrap(),
                a["option"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(who, [(USER, "Yes"), (USER2, "No")]);
}

#[test]
fn an_id_beginning_with_a_hyphen_is_an_id_and_a_store_password_is_never_shown() {
    let (_dir, store) = store_for(module_path!());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_line-connector"))
            .args(args)
            .output()
            .unwrap()
    };
    // One random ask id in 64 begins with `-`.
    let store_arg = store.to_str().unwrap();
    let out = run(&["ask", "--store", store_arg, "--id", "-rpICUbtu4ZpOhHi_z_Ug"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("no ask -rpICUbtu4ZpOhHi_z_Ug in this store"),
        "{stderr}"
    );
    // A database that is not there: named, its password blanked.
    let url = "postgres://line:pw-not-shown-9@127.0.0.1:1/intake";
    let out = run(&["ask", "--store", url, "--id", "x"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr.contains("postgres://line:***@127.0.0.1:1/intake"),
        "{stderr}"
    );
    assert!(!stderr.contains("pw-not-shown-9"), "{stderr}");
}
