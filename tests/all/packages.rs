//! The intake and asks from the installed Python and Node packages: a
//! script starts an intake in its own process (forwarding to a small
//! platform server of its own), asks a question through it and waits; the
//! simulator plays the user tapping an option, signed as LINE signs; the
//! wait gets the answer, the answerer is thanked, and the platform gets the
//! tap as an event.

use crate::intake::eventually;
use crate::support::USER;
use line_connector_cli::packages;
use line_simulator::{self as simulator, Simulator};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The Python side: prints `{"url", "askId"}`, then, once answered and
/// the event forwarded, `{"answered", "events"}`. Arguments: store, user.
const PYTHON: &str = r#"
import http.server, json, os, sys, threading, time
from line_connector import Connector
events = []
class Platform(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        events.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
platform = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Platform)
threading.Thread(target=platform.serve_forever, daemon=True).start()
sim = os.environ["LINE_SIMULATOR_URL"]
config = {"channelAccessToken": os.environ["LINE_SIMULATOR_TOKEN"], "apiBaseUrl": sim}
store, user = sys.argv[1], sys.argv[2]
line = Connector()
with line.intake(channel_secrets=[os.environ["LINE_SIMULATOR_CLIENT_SECRET"]], store=store,
                 forward=f"http://127.0.0.1:{platform.server_port}/line", reply_config=config) as intake:
    put = line.ask(config, store, {"to": user, "question": "Isolate db-2?", "options": ["Yes", "No"]})
    print(json.dumps({"url": intake.url, "askId": put["askId"]}), flush=True)
    answered = line.ask_wait(store, put["askId"], timeout=60)
    deadline = time.time() + 30
    while not events and time.time() < deadline:
        time.sleep(0.05)
print(json.dumps({"answered": answered, "events": events, "status": line.ask_status(store, put["askId"])}), flush=True)
"#;

/// The Node side: the same, with the same output.
const NODE: &str = r#"
import { createServer } from "node:http";
import { Connector } from "line-connector";
const events = [];
const platform = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => { events.push(JSON.parse(body)); res.end(); });
});
await new Promise((resolve) => platform.listen(0, "127.0.0.1", resolve));
const sim = process.env.LINE_SIMULATOR_URL;
const config = { channelAccessToken: process.env.LINE_SIMULATOR_TOKEN, apiBaseUrl: sim };
const [store, user] = process.argv.slice(1, 3);
const line = new Connector();
const intake = await line.intake({ channelSecrets: [process.env.LINE_SIMULATOR_CLIENT_SECRET], store,
  forward: `http://127.0.0.1:${platform.address().port}/line`, replyConfig: config });
const put = await line.ask(config, store, { to: user, question: "Isolate db-2?", options: ["Yes", "No"] });
console.log(JSON.stringify({ url: intake.url, askId: put.askId }));
const answered = await line.askWait(store, put.askId, 60);
const deadline = Date.now() + 30000;
while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
await intake.stop();
const status = await line.askStatus(store, put.askId);
console.log(JSON.stringify({ answered, events, status }));
platform.close();
"#;

/// Runs `command` (a script given the store and the user) with the
/// simulator's variables; answers its ask as the user; its final report.
async fn scenario(mut command: Command, sim: &Simulator) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("intake.db");
    command
        .arg(&store)
        .arg(USER)
        .env("LINE_SIMULATOR_URL", sim.url())
        .env("LINE_SIMULATOR_TOKEN", simulator::CHANNEL_ACCESS_TOKEN)
        .env("LINE_SIMULATOR_CLIENT_SECRET", simulator::CLIENT_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::task::spawn_blocking(move || {
        let line = lines.next();
        (line, lines)
    });
    let (line, mut lines) = tokio::time::timeout(Duration::from_secs(60), first)
        .await
        .expect("the script asked within 60 s")
        .unwrap();
    let started: Value = match line {
        Some(Ok(line)) => serde_json::from_str(&line).unwrap(),
        _ => {
            let out = child.wait_with_output().unwrap();
            panic!(
                "the script failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    let url = started["url"].as_str().unwrap().to_owned();
    // The question reached the user; the user taps "Yes", signed by LINE.
    eventually(Duration::from_secs(20), || {
        sim.deliveries()
            .iter()
            .any(|d| d.kind == "push" && d.to.iter().any(|t| t == USER))
    })
    .await;
    assert_eq!(
        sim.tap(&format!("{url}/callback"), "tap-1", USER, USER, 0)
            .await
            .unwrap(),
        200
    );
    let last = tokio::task::spawn_blocking(move || lines.next());
    let report = tokio::time::timeout(Duration::from_secs(90), last)
        .await
        .expect("the script ended within 90 s")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&report.unwrap().unwrap()).unwrap();
    assert_eq!(report["answered"]["askId"], started["askId"]);
    report
}

/// What every run of the scenario shows.
fn check(report: &Value, sim: &Simulator) {
    assert_eq!(report["answered"]["answer"]["option"], "Yes", "{report}");
    assert_eq!(report["answered"]["answer"]["answerer"], USER, "{report}");
    assert_eq!(report["status"]["state"], report["answered"]["state"]);
    let events = report["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["type"] == "postback"),
        "the tap reached the platform: {report}"
    );
    let thanked = sim.deliveries().iter().any(|d| {
        d.kind == "reply"
            && d.messages[0]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Thanks"))
    });
    assert!(thanked, "the answerer was thanked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_package_runs_an_intake_and_an_ask_answered_through_it() {
    let installed = tokio::task::spawn_blocking(crate::python::installed)
        .await
        .unwrap();
    let sim = Simulator::start().await.unwrap();
    let command = packages::python_script(&installed.python, PYTHON);
    let report = scenario(command, &sim).await;
    check(&report, &sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_package_runs_an_intake_and_an_ask_answered_through_it() {
    let installed = tokio::task::spawn_blocking(crate::node::installed)
        .await
        .unwrap();
    let sim = Simulator::start().await.unwrap();
    let command = packages::node_script(&installed.app, NODE);
    let report = scenario(command, &sim).await;
    check(&report, &sim);
}
