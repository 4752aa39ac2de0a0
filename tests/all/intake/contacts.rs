//! Contacts, end to end: a channel chosen by name from a channels folder,
//! its intake keeping friends current from the simulator's follow and
//! unfollow events, a platform user linked through LINE's account-link
//! flow (the simulator playing the user who confirms), then
//! `line-connector run push` to `contact:…` resolved through the store.
//! Refusals from the store make no LINE request; the friend check is
//! answered locally, then by LINE when stale; replayed, foreign, failed,
//! expired and unknown nonces link nothing; two channels stay apart.

use super::*;
use crate::support::{USER, USER2, line_connector, token_config};
use line_simulator::{BLOCKED_USER, CLIENT_SECRET, FRIENDS, Simulator};
use line_webhook_intake::linking;

const ALICE: &str = "alice@corp.example";

/// A channel as an operator sets it up: `NAME.json` in a channels folder
/// (the simulator's token and channel secret), a store, and its intake.
struct Desk {
    sim: Simulator,
    name: String,
    channels: PathBuf,
    store: PathBuf,
    intake: Intake,
    callback: String,
    _dir: Kept,
}

impl Desk {
    /// Channel `name` on a simulator of its own, its intake keeping only
    /// the event types in `types` (all when empty).
    async fn start(name: &str, channels: &Path, types: &str) -> Self {
        let sim = Simulator::start().await.unwrap();
        let mut config = token_config(&sim);
        config["channelSecret"] = json!(CLIENT_SECRET);
        std::fs::write(channels.join(format!("{name}.json")), config.to_string()).unwrap();
        let (dir, store) = super::store_for(module_path!());
        let mut command = Command::new(env!("CARGO_BIN_EXE_line-connector"));
        command.stdout(Stdio::piped());
        let extra = match types {
            "" => vec![],
            types => vec!["--types", types],
        };
        let intake = Intake::start_channel(command, channels, name, &store, &extra);
        let callback = format!("{}/callback", intake.url);
        Desk {
            sim,
            name: name.to_owned(),
            channels: channels.to_owned(),
            store,
            intake,
            callback,
            _dir: dir,
        }
    }

    /// `line-connector WHAT… --channel NAME --channels DIR --store STORE
    /// ARGS…`: the exit code and each JSON line printed.
    async fn command(&self, what: &[&str], args: &[&str]) -> (Option<i32>, Vec<Value>) {
        let mut all: Vec<&str> = what.to_vec();
        let channels = self.channels.to_str().unwrap();
        let store = self.store.to_str().unwrap();
        all.extend(["--channel", self.name.as_str(), "--channels", channels]);
        all.extend(["--store", store]);
        all.extend(args);
        let out = line_connector(&all).await;
        let lines = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("{l}")))
            .collect();
        (out.status.code(), lines)
    }

    /// `run ACTION --input INPUT` through the store: exit code and output.
    async fn run(&self, action: &str, input: Value, extra: &[&str]) -> (Option<i32>, Value) {
        let input = input.to_string();
        let mut args = vec!["--input", &input];
        args.extend(extra);
        let (channels, store) = (
            self.channels.to_str().unwrap(),
            self.store.to_str().unwrap(),
        );
        let mut all = vec!["run", action, "--channel", self.name.as_str()];
        all.extend(["--channels", channels, "--store", store]);
        all.extend(args);
        let out = line_connector(&all).await;
        let printed = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), printed)
    }

    /// The contact of LINE user `user`, once `done` holds for it.
    async fn contact_when(&self, user: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (_, lines) = self
                .command(&["contacts", "show"], &["--user-id", user])
                .await;
            let contact = lines.first().cloned().unwrap_or(Value::Null);
            if done(&contact) {
                return contact;
            }
            assert!(
                Instant::now() < deadline,
                "the contact never came: {contact}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Links `user` to the platform id `platform_id` the whole way: the
    /// link started, the simulator's user confirming it; the contact.
    async fn link(&self, platform_id: &str, user: &str) -> Value {
        let (code, started) = self
            .command(
                &["contacts", "link"],
                &["--user-id", user, "--platform-id", platform_id],
            )
            .await;
        assert_eq!(code, Some(0), "{started:?}");
        let url = started[0]["url"].as_str().unwrap();
        let (_, status) = self.sim.open_link(&self.callback, url, user).await.unwrap();
        assert_eq!(status, 200);
        self.contact_when(user, |c| c["platformId"] == platform_id)
            .await
    }

    /// The contact log's entries of kind `what`, once there are `n`.
    async fn logged(&self, what: &str, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (_, lines) = self.command(&["contacts", "log"], &[]).await;
            let found: Vec<Value> = lines.into_iter().filter(|l| l["what"] == what).collect();
            if found.len() >= n || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A push of one text message to `to`.
fn push_to(to: &str) -> Value {
    json!({"to": to, "messages": [{"type": "text", "text": "Sign-in from a new device"}]})
}

/// A multicast of one text message to `to`.
fn multicast_to(to: Value) -> Value {
    json!({"to": to, "messages": [{"type": "text", "text": "x"}]})
}

/// The first delivery of `kind` the simulator made.
fn delivered(sim: &Simulator, kind: &str) -> line_simulator::Delivery {
    let all = sim.deliveries();
    all.into_iter().find(|d| d.kind == kind).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_contact_is_pushed_to_by_the_platforms_own_id() {
    let folder = tempfile::tempdir().unwrap();
    let desk = Desk::start("soc", folder.path(), "").await;
    // Not linked yet: refused on the field, nothing sent.
    let (code, error) = desk
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!(code, Some(1));
    assert_eq!(
        (error["type"].as_str(), error["field"].as_str()),
        (Some("invalid-input"), Some("to"))
    );
    assert!(
        error["message"].as_str().unwrap().contains(ALICE),
        "{error}"
    );
    assert!(desk.sim.requests().is_empty(), "nothing reached LINE");
    // A reference naming nobody, or with a control character: the same.
    for bad in ["contact:", "contact:alice\n"] {
        let (code, error) = desk.run("push", push_to(bad), &[]).await;
        assert_eq!(
            (code, error["field"].as_str()),
            (Some(1), Some("to")),
            "{bad:?}"
        );
    }
    assert!(desk.sim.requests().is_empty(), "nothing reached LINE");

    let contact = desk.link(ALICE, USER).await;
    assert_eq!(contact["userId"], USER);
    assert!(contact["linkedAt"].is_i64());
    let linked = desk.logged("linked", 1).await;
    assert_eq!(linked[0]["platformId"], ALICE);

    let (code, sent) = desk
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!(code, Some(0), "{sent}");
    assert_eq!(delivered(&desk.sim, "push").to, [USER]);
    // A multicast naming an unlinked contact: refused at its index.
    let before = desk.sim.requests().len();
    let to = json!([
        format!("contact:{ALICE}"),
        USER2,
        "contact:bob@corp.example"
    ]);
    let (code, error) = desk.run("multicast", multicast_to(to), &[]).await;
    assert_eq!(code, Some(1));
    assert_eq!(error["field"], "to[2]", "{error}");
    assert_eq!(desk.sim.requests().len(), before, "nothing sent");
    let to = json!([format!("contact:{ALICE}"), USER2]);
    let (code, sent) = desk.run("multicast", multicast_to(to), &[]).await;
    assert_eq!(code, Some(0), "{sent}");
    assert_eq!(delivered(&desk.sim, "multicast").to, [USER, USER2]);
    // An ask by contact goes to the linked user.
    let (code, asked) = desk
        .command(
            &["ask"],
            &[
                "--to",
                &format!("contact:{ALICE}"),
                "--question",
                "Was this you?",
                "--option",
                "Yes",
                "--option",
                "No",
            ],
        )
        .await;
    assert_eq!(code, Some(0), "{asked:?}");
    assert_eq!(desk.sim.deliveries().last().unwrap().to, [USER]);
    // Without the store, a contact cannot be looked up: said so, nothing sent.
    let config = crate::support::config_file(&token_config(&desk.sim));
    let input = push_to(&format!("contact:{ALICE}")).to_string();
    let out = line_connector(&[
        "run",
        "push",
        "--config",
        crate::support::path_of(&config),
        "--input",
        &input,
    ])
    .await;
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (error["type"].as_str(), error["field"].as_str()),
        (Some("invalid-input"), Some("to"))
    );
    // Unlinked: refused again.
    let (code, _) = desk
        .command(&["contacts", "unlink"], &["--platform-id", ALICE])
        .await;
    assert_eq!(code, Some(0));
    let before = desk.sim.requests().len();
    let (code, error) = desk
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!((code, error["field"].as_str()), (Some(1), Some("to")));
    assert_eq!(desk.sim.requests().len(), before);
    assert_eq!(desk.logged("unlinked", 1).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfollowed_contact_is_refused_from_the_store_and_a_follow_brings_it_back() {
    let folder = tempfile::tempdir().unwrap();
    // The intake delivers only messages: follows still update contacts.
    let desk = Desk::start("soc", folder.path(), "message").await;
    desk.link(ALICE, USER).await;
    let (_, status) = desk.sim.unfollow(&desk.callback, USER).await.unwrap();
    assert_eq!(status, 200);
    let blocked = desk.contact_when(USER, |c| c["status"] == "blocked").await;
    assert_eq!(blocked["statusSource"], "event");
    assert!(blocked["blockedAt"].is_i64());
    let before = desk.sim.requests().len();
    let (code, error) = desk
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!(code, Some(1));
    assert_eq!(
        (error["type"].as_str(), error["userId"].as_str()),
        (Some("not-a-friend"), Some(USER))
    );
    assert!(
        error["requestId"].is_null(),
        "answered by the store: {error}"
    );
    assert_eq!(desk.sim.requests().len(), before, "no LINE request made");
    // Unblocked: a friend again, and the profile's name fetched once.
    let (_, status) = desk.sim.follow(&desk.callback, USER).await.unwrap();
    assert_eq!(status, 200);
    let back = desk
        .contact_when(USER, |c| {
            c["status"] == "friend" && c["displayName"].is_string()
        })
        .await;
    assert!(back["unblockedAt"].is_i64(), "{back}");
    assert_eq!(back["platformId"], ALICE, "the link stays");
    let lookups = desk
        .sim
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v2/bot/profile/"))
        .count();
    assert_eq!(lookups, 1, "one profile lookup, for the follow");
    let (code, sent) = desk
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!(code, Some(0), "{sent}");
    // An unfollow LINE sends late (older than the follow) changes nothing.
    let mut old = line_simulator::webhooks::every_event_type()[3].clone();
    old["source"]["userId"] = json!(USER);
    old["webhookEventId"] = json!("late-unfollow");
    assert_eq!(
        desk.sim.send_webhook(&desk.callback, &[old]).await.unwrap(),
        200
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, lines) = desk
        .command(&["contacts", "show"], &["--user-id", USER])
        .await;
    assert_eq!(
        lines[0]["status"], "friend",
        "an older unfollow does not win"
    );
    // Nothing but messages was delivered.
    assert!(
        desk.intake.lines().iter().all(|l| l["type"] == "message"),
        "{:?}",
        desk.intake.lines()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_friend_check_is_answered_locally_then_by_line_when_stale() {
    let folder = tempfile::tempdir().unwrap();
    let desk = Desk::start("soc", folder.path(), "").await;
    let lookups = |sim: &Simulator| {
        sim.requests()
            .iter()
            .filter(|r| r.path.starts_with("/v2/bot/profile/"))
            .count()
    };
    let mut input = push_to(USER2);
    input["requireFriend"] = json!(true);
    let (code, sent) = desk.run("push", input.clone(), &[]).await;
    assert_eq!(code, Some(0), "{sent}");
    assert_eq!(lookups(&desk.sim), 1, "unknown: LINE asked");
    let known = desk.contact_when(USER2, |c| c["status"] == "friend").await;
    assert_eq!(known["statusSource"], "check");
    assert_eq!(known["displayName"], "User e0f1");
    let (code, _) = desk.run("push", input.clone(), &[]).await;
    assert_eq!(code, Some(0));
    assert_eq!(lookups(&desk.sim), 1, "fresh: answered from the store");
    assert_eq!(desk.sim.deliveries().len(), 2);
    let (code, _) = desk.run("push", input.clone(), &["--fresh-for", "0"]).await;
    assert_eq!(code, Some(0));
    assert_eq!(lookups(&desk.sim), 2, "stale: LINE asked again");
    // Not a friend: LINE's 404 stored, then answered locally.
    let mut blocked = push_to(BLOCKED_USER);
    blocked["requireFriend"] = json!(true);
    let (code, error) = desk.run("push", blocked.clone(), &[]).await;
    assert_eq!(
        (code, error["type"].as_str()),
        (Some(1), Some("not-a-friend"))
    );
    assert!(error["requestId"].is_string(), "LINE's lookup: {error}");
    let before = desk.sim.requests().len();
    let (code, error) = desk.run("push", blocked, &[]).await;
    assert_eq!(
        (code, error["type"].as_str()),
        (Some(1), Some("not-a-friend"))
    );
    assert!(error["requestId"].is_null());
    assert_eq!(desk.sim.requests().len(), before, "no request");
    assert_eq!(desk.sim.deliveries().len(), 3, "no push to a non-friend");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_foreign_failed_expired_and_unknown_nonces_link_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let desk = Desk::start("soc", folder.path(), "").await;
    let start = |expires: &'static str| {
        let desk = &desk;
        async move {
            let (code, lines) = desk
                .command(
                    &["contacts", "link"],
                    &[
                        "--user-id",
                        USER,
                        "--platform-id",
                        ALICE,
                        "--expires-in",
                        expires,
                    ],
                )
                .await;
            assert_eq!(code, Some(0), "{lines:?}");
            lines[0]["url"].as_str().unwrap().to_owned()
        }
    };
    // Opened by another LINE user: LINE fails it, and the nonce is not theirs.
    let url = start("600").await;
    let (_, status) = desk
        .sim
        .open_link(&desk.callback, &url, USER2)
        .await
        .unwrap();
    assert_eq!(status, 200);
    let refused = desk.logged("link-refused", 1).await;
    assert_eq!(refused[0]["reason"], "nonce issued for another LINE user");
    // Expired before it was opened.
    let url = start("1").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    desk.sim
        .open_link(&desk.callback, &url, USER)
        .await
        .unwrap();
    let refused = desk.logged("link-refused", 2).await;
    assert_eq!(refused[1]["reason"], "nonce expired");
    // The right user in time: linked; LINE's redelivery of it changes nothing.
    let url = start("600").await;
    let (event, _) = desk
        .sim
        .open_link(&desk.callback, &url, USER)
        .await
        .unwrap();
    desk.contact_when(USER, |c| c["platformId"] == ALICE).await;
    let redelivered = line_simulator::webhooks::redelivered(std::slice::from_ref(&event));
    assert_eq!(
        desk.sim
            .send_webhook(&desk.callback, &redelivered)
            .await
            .unwrap(),
        200
    );
    // The same nonce in a new event (a replay): refused.
    let mut replay = event.clone();
    replay["webhookEventId"] = json!("replayed-link");
    assert_eq!(
        desk.sim
            .send_webhook(&desk.callback, &[replay])
            .await
            .unwrap(),
        200
    );
    // LINE fails a link (its token already used): the nonce links nothing.
    let fresh = start("600").await;
    let used_token = url
        .split("linkToken=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let fresh_nonce = fresh.split("nonce=").nth(1).unwrap();
    let stale = format!(
        "{}?linkToken={used_token}&nonce={fresh_nonce}",
        linking::ACCOUNT_LINK_URL
    );
    let (failed, _) = desk
        .sim
        .open_link(&desk.callback, &stale, USER)
        .await
        .unwrap();
    assert_eq!(failed["link"]["result"], "failed");
    // A nonce nobody issued, claiming ok.
    let mut unknown = event.clone();
    unknown["webhookEventId"] = json!("unknown-link");
    unknown["link"]["nonce"] = json!("made-up-nonce-0123456789");
    assert_eq!(
        desk.sim
            .send_webhook(&desk.callback, &[unknown])
            .await
            .unwrap(),
        200
    );
    let refused = desk.logged("link-refused", 5).await;
    let reasons: Vec<&str> = refused
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "nonce issued for another LINE user",
            "nonce expired",
            "nonce already used",
            "LINE reported the link failed",
            "unknown nonce"
        ]
    );
    assert_eq!(desk.logged("linked", 1).await.len(), 1, "linked once");
    // The link stands, to the right user only.
    let (code, lines) = desk
        .command(&["contacts", "show"], &["--platform-id", ALICE])
        .await;
    assert_eq!((code, lines[0]["userId"].as_str()), (Some(0), Some(USER)));
    // Forgotten: gone, and the log says so without the platform id.
    let (_, lines) = desk
        .command(&["contacts", "forget"], &["--platform-id", ALICE])
        .await;
    assert_eq!(lines[0]["forgotten"], true);
    let (code, _) = desk
        .command(&["contacts", "show"], &["--user-id", USER])
        .await;
    assert_eq!(code, Some(1), "no such contact");
    let forgotten = desk.logged("forgotten", 1).await;
    assert!(forgotten[0]["platformId"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_channels_side_by_side_keep_their_contacts_apart() {
    let folder = tempfile::tempdir().unwrap();
    let soc = Desk::start("soc", folder.path(), "").await;
    let noc = Desk::start("noc-tokyo", folder.path(), "").await;
    soc.link(ALICE, USER).await;
    let (code, sent) = soc
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!(code, Some(0), "{sent}");
    assert_eq!(soc.sim.deliveries().len(), 1);
    // The other channel has no such contact, in its store or in soc's.
    let (code, error) = noc
        .run("push", push_to(&format!("contact:{ALICE}")), &[])
        .await;
    assert_eq!((code, error["field"].as_str()), (Some(1), Some("to")));
    let soc_store = soc.store.to_str().unwrap();
    let input = push_to(&format!("contact:{ALICE}")).to_string();
    let channels = folder.path().to_str().unwrap();
    let out = line_connector(&[
        "run",
        "push",
        "--channel",
        "noc-tokyo",
        "--channels",
        channels,
        "--store",
        soc_store,
        "--input",
        &input,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(noc.sim.requests().is_empty(), "nothing reached noc's LINE");
    // `channels` lists both; a keyword filters; --check reads each bot.
    let listed = line_connector(&["channels", "--channels", channels]).await;
    let names: Vec<Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["name"].clone())
        .collect();
    assert_eq!(names, [json!("noc-tokyo"), json!("soc")]);
    let tokyo = line_connector(&[
        "channels",
        "--channels",
        channels,
        "--keyword",
        "TOKYO",
        "--check",
    ])
    .await;
    let lines: Vec<Value> = String::from_utf8_lossy(&tokyo.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["bot"]["basicId"], "@123abcde");
    assert!(!String::from_utf8_lossy(&tokyo.stdout).contains(line_simulator::CHANNEL_ACCESS_TOKEN));
    // A name that is not a channel, or a path: a usage error.
    let out = line_connector(&[
        "run",
        "get-bot-info",
        "--channel",
        "../soc",
        "--channels",
        channels,
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    let out = line_connector(&[
        "run",
        "get-bot-info",
        "--channel",
        "ops",
        "--channels",
        channels,
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("noc-tokyo, soc"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_sync_seeds_resumes_and_marks_who_left() {
    let folder = tempfile::tempdir().unwrap();
    let desk = Desk::start("soc", folder.path(), "").await;
    // Two users follow while the intake is down (they reach LINE only).
    for user in [USER, USER2] {
        let _ = desk.sim.follow("http://127.0.0.1:9/", user).await;
    }
    let sync = |args: &'static [&'static str]| {
        let desk = &desk;
        async move {
            let (code, lines) = desk.command(&["contacts", "sync"], args).await;
            (code, lines.into_iter().next().unwrap_or(Value::Null))
        }
    };
    let (code, first) = sync(&["--page-size", "2", "--max-pages", "1"]).await;
    assert_eq!(code, Some(0), "{first}");
    assert_eq!(
        (first["pages"].as_u64(), first["userIds"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(first["finished"], false);
    let (_, rest) = sync(&["--page-size", "2"]).await;
    assert_eq!(
        (rest["pages"].as_u64(), rest["userIds"].as_u64()),
        (Some(2), Some(3)),
        "{rest}"
    );
    assert_eq!(rest["finished"], true);
    let pages = desk
        .sim
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/bot/followers/ids")
        .count();
    assert_eq!(pages, 3, "resumed where it stopped, no page read twice");
    let (_, listed) = desk.command(&["contacts", "list"], &[]).await;
    assert_eq!(listed.len(), 5);
    assert!(
        listed
            .iter()
            .all(|c| c["status"] == "friend" && c["statusSource"] == "sync")
    );
    // One blocks the account while the intake is down; a full sync sees it.
    let _ = desk.sim.unfollow("http://127.0.0.1:9/", FRIENDS[1]).await;
    let (_, again) = sync(&["--restart"]).await;
    assert_eq!(
        (again["finished"].as_bool(), again["notFriends"].as_u64()),
        (Some(true), Some(1))
    );
    let (_, lines) = desk
        .command(&["contacts", "show"], &["--user-id", FRIENDS[1]])
        .await;
    assert_eq!(lines[0]["status"], "not-friend");
    // An account LINE does not give followers to: said so.
    desk.sim.set_followers_unavailable(true);
    let (code, error) = sync(&["--restart"]).await;
    assert_eq!(code, Some(1));
    assert_eq!(error["type"], "followers-unavailable");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("verified and premium")
    );
    assert_eq!(error["error"]["status"], 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_untouched_past_the_retention_are_deleted() {
    use line_webhook_intake::{Store, contacts};
    let (_dir, path) = super::store_for(module_path!());
    let location = path.to_str().unwrap().parse().unwrap();
    let store = Store::open(&location, 100).await.unwrap();
    contacts::checked(&store, "soc", USER, true, Some("Alice"))
        .await
        .unwrap();
    contacts::checked(&store, "noc", USER2, false, None)
        .await
        .unwrap();
    let now = line_webhook_intake::store::now_ms();
    assert_eq!(
        contacts::prune(&store, now - 60_000).await.unwrap(),
        0,
        "both recent"
    );
    assert_eq!(contacts::list(&store, "soc").await.unwrap().len(), 1);
    assert_eq!(contacts::prune(&store, now + 1).await.unwrap(), 2);
    assert!(contacts::get(&store, "soc", USER).await.unwrap().is_none());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_acknowledged_survives_a_sigkill_right_after_the_200() {
    let folder = tempfile::tempdir().unwrap();
    let desk = Desk::start("soc", folder.path(), "").await;
    let (code, started) = desk
        .command(
            &["contacts", "link"],
            &["--user-id", USER, "--platform-id", ALICE],
        )
        .await;
    assert_eq!(code, Some(0), "{started:?}");
    let url = started[0]["url"].as_str().unwrap();
    let (_, status) = desk.sim.open_link(&desk.callback, url, USER).await.unwrap();
    assert_eq!(status, 200);
    // Killed the moment LINE was answered: what was acknowledged is on disk.
    desk.intake.signal(libc::SIGKILL);
    let (code, lines) = desk
        .command(&["contacts", "show"], &["--platform-id", ALICE])
        .await;
    assert_eq!((code, lines[0]["userId"].as_str()), (Some(0), Some(USER)));
}
