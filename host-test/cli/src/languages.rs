//! The benchmark's Python and Node rows: the connector's packages beside
//! LINE's own SDKs in the same language, pushing to the same loopback
//! server in the same run. `bench --packages DIR` installs them into DIR
//! the first time ([`prepare`]: the wheel and LINE's Python SDK in a
//! virtual environment, the tarball and LINE's Node SDK in an empty
//! folder) and reuses them after; a new build's packages need a new DIR.

use crate::packages;
use anyhow::{Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// LINE's SDKs, pinned.
pub const PYTHON_SDK: &str = "line-bot-sdk==3.27.0";
pub const NODE_SDK: &str = "@line/bot-sdk@11.2.0";

/// Each script prints `{"first": s, "times": [s, …]}`: `first` from
/// before the import to the end of the first push (import, construction,
/// first push), then one time per push. Arguments: URL, user, count.
const PYTHON_SDK_PUSH: &str = r#"
import json, sys, time, uuid
started = time.perf_counter()
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest, TextMessage
url, user, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
with ApiClient(Configuration(host=url, access_token="bench-token")) as client:
    api = MessagingApi(client)
    def push():
        api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="bench")]), x_line_retry_key=str(uuid.uuid4()))
    push()
    first = time.perf_counter() - started
    for _ in range(count):
        t = time.perf_counter()
        push()
        times.append(time.perf_counter() - t)
print(json.dumps({"first": first, "times": times}))
"#;

const PYTHON_CONNECTOR_PUSH: &str = r#"
import json, sys, time
started = time.perf_counter()
from line_connector import Connector
url, user, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
line = Connector()
config = {"channelAccessToken": "bench-token", "apiBaseUrl": url, "maxAttempts": 1}
message = {"to": user, "messages": [{"type": "text", "text": "bench"}]}
line.run("push", config, message)
first = time.perf_counter() - started
times = []
for _ in range(count):
    t = time.perf_counter()
    line.run("push", config, message)
    times.append(time.perf_counter() - t)
print(json.dumps({"first": first, "times": times}))
"#;

const NODE_SDK_PUSH: &str = r#"
const started = performance.now();
const { messagingApi } = await import("@line/bot-sdk");
const [url, user, count] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const client = new messagingApi.MessagingApiClient({ channelAccessToken: "bench-token", baseURL: url });
const push = () => client.pushMessage({ to: user, messages: [{ type: "text", text: "bench" }] }, crypto.randomUUID());
await push();
const first = (performance.now() - started) / 1e3;
const times = [];
for (let i = 0; i < count; i++) {
  const t = performance.now();
  await push();
  times.push((performance.now() - t) / 1e3);
}
console.log(JSON.stringify({ first, times }));
"#;

const NODE_CONNECTOR_PUSH: &str = r#"
const started = performance.now();
const { Connector } = await import("line-connector");
const [url, user, count] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const line = new Connector();
const config = { channelAccessToken: "bench-token", apiBaseUrl: url, maxAttempts: 1 };
const message = { to: user, messages: [{ type: "text", text: "bench" }] };
await line.run("push", config, message);
const first = (performance.now() - started) / 1e3;
const times = [];
for (let i = 0; i < count; i++) {
  const t = performance.now();
  await line.run("push", config, message);
  times.push((performance.now() - t) / 1e3);
}
console.log(JSON.stringify({ first, times }));
"#;

/// Where the packages are installed.
pub struct Installed {
    /// The virtual environment's interpreter (the wheel and LINE's SDK).
    pub python: PathBuf,
    /// The folder with the tarball and LINE's SDK in its node_modules.
    pub node_app: PathBuf,
}

/// Installs both packages and both SDKs under `dir`, unless a previous run
/// did; where they are.
pub fn prepare(dir: &Path) -> Result<Installed> {
    std::fs::create_dir_all(dir)?;
    let dir = dir.canonicalize()?;
    let installed = Installed {
        python: dir.join("venv/bin/python"),
        node_app: dir.join("node"),
    };
    if !installed.python.exists() {
        let wheel = packages::wheel(&dir.join("wheel"))?;
        packages::venv(&dir.join("venv"), &[wheel.as_os_str(), PYTHON_SDK.as_ref()])?;
    }
    if !installed
        .node_app
        .join("node_modules/line-connector")
        .exists()
    {
        let tarball = packages::tarball(&dir)?;
        packages::node_app(
            &installed.node_app,
            &[tarball.as_os_str(), NODE_SDK.as_ref()],
        )?;
    }
    Ok(installed)
}

/// One client's series: its first call and each push.
pub struct Series {
    /// Import, construction and the first push, in a new process.
    pub first: Duration,
    /// Each later push.
    pub times: Vec<Duration>,
    /// Connections the server accepted per push.
    pub connections_per_push: f64,
}

/// Runs `program -c|-e script url user n` in `dir`; its series, with the
/// connections the server counted meanwhile.
fn series(
    command: &mut Command,
    (url, user, n): (&str, &str, usize),
    connections: &AtomicUsize,
) -> Result<Series> {
    let before = connections.load(Ordering::SeqCst);
    let out = packages::checked(command.args([url, user, &n.to_string()]), "a push loop")?;
    let accepted = connections.load(Ordering::SeqCst) - before;
    let result: Value = serde_json::from_slice(&out.stdout).context("the push loop's output")?;
    let seconds = |v: &Value| Duration::from_secs_f64(v.as_f64().unwrap_or_default());
    let times = result["times"]
        .as_array()
        .context("no times")?
        .iter()
        .map(seconds)
        .collect();
    Ok(Series {
        first: seconds(&result["first"]),
        times,
        connections_per_push: accepted as f64 / (n + 1) as f64,
    })
}

/// LINE's SDK's series, then the connector's package's, each script run by
/// `command`.
fn both(
    command: impl Fn(&str) -> Command,
    [sdk, ours]: [&str; 2],
    server: (&str, &str, usize),
    connections: &AtomicUsize,
) -> Result<(Series, Series)> {
    let run = |script: &str| series(&mut command(script), server, connections);
    Ok((run(sdk)?, run(ours)?))
}

/// Both Python series: LINE's SDK, then the connector's package.
pub fn python(
    installed: &Installed,
    server: (&str, &str, usize),
    connections: &AtomicUsize,
) -> Result<(Series, Series)> {
    let command = |script: &str| packages::python_script(&installed.python, script);
    both(
        command,
        [PYTHON_SDK_PUSH, PYTHON_CONNECTOR_PUSH],
        server,
        connections,
    )
}

/// Both Node series: LINE's SDK, then the connector's package.
pub fn node(
    installed: &Installed,
    server: (&str, &str, usize),
    connections: &AtomicUsize,
) -> Result<(Series, Series)> {
    let command = |script: &str| packages::node_script(&installed.node_app, script);
    both(
        command,
        [NODE_SDK_PUSH, NODE_CONNECTOR_PUSH],
        server,
        connections,
    )
}
