//! `line-connector bench`: what the connector costs on top of the HTTP round
//! trip, measured in one run against one minimal loopback server that the
//! benchmark starts itself (not the simulator: it answers every push at once,
//! so the figures are the client's). Every figure is printed with the
//! comparison it belongs to; ratios, not absolute times, are the targets,
//! since the machines are shared and noisy.

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use line_connector_host::cache;
use line_connector_host::{Connector, Sandbox};
use serde_json::{Value, json};
use std::io::Write;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// The user the benchmark pushes to.
const USER: &str = "U4af4980629a2b3c4d5e6f708192a3b4c";
/// What the server answers a push with.
const PUSH_ANSWER: &str = r#"{"sentMessages":[{"id":"500000000000001","quoteToken":"q1"}]}"#;
/// How much to measure.
pub struct Options {
    /// Pushes per latency series and per throughput level.
    pub iterations: usize,
    /// Where the Python and Node packages and LINE's SDKs are (or are to
    /// be) installed, to compare them ([`crate::languages`]); `None` skips
    /// those rows.
    pub packages: Option<std::path::PathBuf>,
    /// Events to send through the webhook intake, on SQLite and on
    /// PostgreSQL with one and two intakes ([`crate::intakes`]); `None`
    /// skips those rows.
    pub intakes: Option<usize>,
}

/// Runs every measurement and writes the table.
pub async fn run(connector: Arc<Connector>, options: &Options, out: &mut impl Write) -> Result<()> {
    let setup = Setup::start(options).await?;
    writeln!(
        out,
        "LINE connector benchmark: {} pushes per series, server at {}",
        setup.n,
        setup.server.url()
    )?;
    writeln!(out)?;
    writeln!(out, "| measurement | figure | compared with | ratio |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    let (_, raw_median) = latency(out, &connector, &setup).await?;
    throughputs(out, &connector, &setup).await?;
    instances(out, &connector, &setup, raw_median).await?;
    one_thread(out, &connector, &setup).await?;
    loading(out, &setup)?;
    footprint(out, &connector, &setup).await?;
    languages(out, &setup, options.packages.as_deref()).await?;
    match options.intakes {
        Some(events) => crate::intakes::run(out, events).await,
        None => Ok(()),
    }
}

/// What every series shares: the server, a config for it, the push.
struct Setup {
    server: Server,
    config: Value,
    input: Value,
    /// Pushes per series.
    n: usize,
}

impl Setup {
    async fn start(options: &Options) -> Result<Setup> {
        let server = Server::start().await?;
        Ok(Setup {
            config: server.config(),
            server,
            input: json!({"to": USER, "messages": [{"type": "text", "text": "bench"}]}),
            n: options.iterations.max(20),
        })
    }
}

/// A push's median and p99 against the raw client's; returns both medians.
async fn latency(
    out: &mut impl Write,
    connector: &Connector,
    setup: &Setup,
) -> Result<(Duration, Duration)> {
    let (config, input, n) = (&setup.config, &setup.input, setup.n);
    // Warm up both paths (connections, caches, lazy statics).
    for _ in 0..20 {
        push(connector, config, input).await?;
    }
    let raw = raw_pushes(setup.server.addr, input, n).await?;
    let ours = timed(n, || push(connector, config, input)).await?;
    let (raw_median, raw_p99) = (percentile(&raw, 50), percentile(&raw, 99));
    let (median, p99) = (percentile(&ours, 50), percentile(&ours, 99));
    row(
        out,
        "push through the host, median (Connector::run, instance kept warm)",
        us(median),
        &format!("raw hyper client {}", us(raw_median)),
        ratio(median, raw_median),
    )?;
    row(
        out,
        "push through the host, p99",
        us(p99),
        &format!("raw hyper client {}", us(raw_p99)),
        ratio(p99, raw_p99),
    )?;
    Ok((median, raw_median))
}

/// Pushes per second at 1, 2, 8 and 64 at once, against the raw client's.
async fn throughputs(
    out: &mut impl Write,
    connector: &Arc<Connector>,
    setup: &Setup,
) -> Result<()> {
    for concurrency in [1, 2, 8, 64] {
        let (config, input) = (&setup.config, &setup.input);
        let rate = throughput(connector, config, input, concurrency, setup.n).await?;
        let raw = raw_throughput(setup.server.addr, input, concurrency, setup.n).await?;
        row(
            out,
            &format!("pushes per second, {concurrency} at once"),
            format!("{rate:.0}/s"),
            &format!("raw hyper client {raw:.0}/s"),
            format!("{:.2}×", raw / rate),
        )?;
    }
    Ok(())
}

/// A push in a new instance each and in one kept instance, and
/// instantiation alone.
async fn instances(
    out: &mut impl Write,
    connector: &Connector,
    setup: &Setup,
    raw_median: Duration,
) -> Result<()> {
    let (config, input, n) = (&setup.config, &setup.input, setup.n);
    let instantiate = timed(n, || async {
        connector
            .session(Sandbox::allowing(["127.0.0.1"]))
            .await
            .map(drop)
    })
    .await?;
    let fresh = timed(n, || fresh_push(connector, config, input)).await?;
    let fresh = percentile(&fresh, 50);
    row(
        out,
        "push in a new instance each, median",
        us(fresh),
        &format!("raw hyper client {}", us(raw_median)),
        ratio(fresh, raw_median),
    )?;
    let mut kept = connector.session(Sandbox::for_config(config)).await?;
    let mut reused = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        pushed(kept.run("push", config, input).await?)?;
        reused.push(started.elapsed());
    }
    let reused = percentile(&reused, 50);
    row(
        out,
        "push in one kept instance, median (for comparison)",
        us(reused),
        &format!("raw hyper client {}", us(raw_median)),
        ratio(reused, raw_median),
    )?;
    row(
        out,
        "instantiation alone, median",
        us(percentile(&instantiate, 50)),
        "",
        "",
    )
}

/// A push in a new instance each and the raw client's, with client, server
/// and runtime on one thread (a current-thread runtime, a server of its
/// own): no wake-up crosses threads, so each figure is the CPU a push costs
/// and their difference the component's own work, the floor under every
/// other latency row.
async fn one_thread(out: &mut impl Write, connector: &Arc<Connector>, setup: &Setup) -> Result<()> {
    let (connector, input, n) = (connector.clone(), setup.input.clone(), setup.n);
    let measured = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let server = Server::start().await?;
            let config = server.config();
            for _ in 0..20 {
                fresh_push(&connector, &config, &input).await?;
            }
            let raw = raw_pushes(server.addr, &input, n).await?;
            let ours = timed(n, || fresh_push(&connector, &config, &input)).await?;
            anyhow::Ok((percentile(&ours, 50), percentile(&raw, 50)))
        })
    });
    let (ours, raw) = measured.await??;
    row(
        out,
        "push in a new instance each, one thread (client, server, runtime), median",
        us(ours),
        &format!("raw hyper client {}", us(raw)),
        ratio(ours, raw),
    )?;
    row(
        out,
        "the component's own work per push (the difference, one thread)",
        us(ours.saturating_sub(raw)),
        "",
        "",
    )
}

/// Compiling the component against loading it from the cache, and a whole
/// `line-connector run` process.
fn loading(out: &mut impl Write, setup: &Setup) -> Result<()> {
    let (compile, load) = compile_and_load()?;
    row(
        out,
        "component load, compiled now",
        ms(compile),
        &format!("from the cache {}", ms(load)),
        ratio(compile, load),
    )?;
    let process = whole_process(&setup.server)?;
    row(
        out,
        "`line-connector run quota`, whole process, median (warm cache)",
        ms(process),
        "",
        "",
    )
}

/// The component's size and an instance's memory after a push.
async fn footprint(out: &mut impl Write, connector: &Connector, setup: &Setup) -> Result<()> {
    let mut session = connector
        .session(Sandbox::for_config(&setup.config))
        .await?;
    pushed(session.run("push", &setup.config, &setup.input).await?)?;
    let size = line_connector_host::EMBEDDED_COMPONENT.len();
    row(out, "component size", format!("{size} bytes"), "", "")?;
    row(
        out,
        "peak linear memory per instance (one push)",
        format!("{} KiB", session.peak_memory() / 1024),
        "",
        "",
    )
}

/// The Python and Node packages beside LINE's SDKs, if asked for.
async fn languages(
    out: &mut impl Write,
    setup: &Setup,
    dir: Option<&std::path::Path>,
) -> Result<()> {
    let Some(dir) = dir else {
        return Ok(writeln!(
            out,
            "| Python and Node packages against LINE's SDKs | not measured (bench --packages DIR) | | |"
        )?);
    };
    let dir = dir.to_owned();
    let installed = tokio::task::spawn_blocking(move || crate::languages::prepare(&dir)).await??;
    let url = setup.server.url();
    let connections = setup.server.connections.clone();
    let n = setup.n;
    let (python, node) = tokio::task::spawn_blocking(move || {
        let server = (url.as_str(), USER, n);
        anyhow::Ok((
            crate::languages::python(&installed, server, &connections)?,
            crate::languages::node(&installed, server, &connections)?,
        ))
    })
    .await??;
    for (language, (sdk, ours)) in [("Python", python), ("Node", node)] {
        let (theirs, mine) = (percentile(&sdk.times, 50), percentile(&ours.times, 50));
        row(
            out,
            &format!("{language}: push median, the connector's package"),
            us(mine),
            &format!("LINE's {language} SDK {}", us(theirs)),
            ratio(mine, theirs),
        )?;
        row(
            out,
            &format!("{language}: first call in a new process (import, construction, first push)"),
            ms(ours.first),
            &format!("LINE's {language} SDK {}", ms(sdk.first)),
            ratio(ours.first, sdk.first),
        )?;
        row(
            out,
            &format!("{language}: new connections per push"),
            format!("{:.2}", ours.connections_per_push),
            &format!("LINE's {language} SDK {:.2}", sdk.connections_per_push),
            "",
        )?;
    }
    Ok(())
}

/// One push in a new session (a new instance, as
/// [`Connector::session`] makes one).
async fn fresh_push(connector: &Connector, config: &Value, input: &Value) -> Result<()> {
    let mut session = connector.session(Sandbox::for_config(config)).await?;
    pushed(session.run("push", config, input).await?)
}

/// One push through [`Connector::run`] (which keeps an instance warm per
/// config).
async fn push(connector: &Connector, config: &Value, input: &Value) -> Result<()> {
    pushed(connector.run("push", config, input).await?)
}

/// A push's outcome as the benchmark needs it: an action error fails the
/// run, since every figure after it would measure the failure.
fn pushed(outcome: line_connector_host::Outcome) -> Result<()> {
    match outcome {
        Ok(_) => Ok(()),
        Err(error) => anyhow::bail!("push failed: {error}"),
    }
}

/// Runs `f` `n` times in a row; the time of each.
async fn timed<F, Fut>(n: usize, mut f: F) -> Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f().await?;
        times.push(started.elapsed());
    }
    Ok(times)
}

/// The same push request, sent `n` times by a plain hyper client on one
/// kept-alive connection.
async fn raw_pushes(addr: SocketAddr, input: &Value, n: usize) -> Result<Vec<Duration>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let body = serde_json::to_vec(input)?;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n + 20 {
        let started = Instant::now();
        let request = hyper::Request::post("/v2/bot/message/push")
            .header("host", addr.to_string())
            .header("user-agent", "raw-hyper")
            .header("authorization", "Bearer bench-token")
            .header("content-type", "application/json")
            .header("x-line-retry-key", uuid::Uuid::new_v4().to_string())
            .body(Full::new(Bytes::from(body.clone())))?;
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let answer: Value =
            serde_json::from_slice(&response.into_body().collect().await?.to_bytes())?;
        anyhow::ensure!(
            answer["sentMessages"].is_array(),
            "unexpected answer {answer}"
        );
        times.push(started.elapsed());
    }
    Ok(times.split_off(20))
}

/// The raw client's pushes per second with `concurrency` connections, each
/// sending its share in a row: the most this machine and server allow.
async fn raw_throughput(
    addr: SocketAddr,
    input: &Value,
    concurrency: usize,
    n: usize,
) -> Result<f64> {
    let each = n.max(concurrency * 4) / concurrency;
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let input = input.clone();
            tokio::spawn(async move { raw_pushes(addr, &input, each).await })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    Ok((each * concurrency) as f64 / started.elapsed().as_secs_f64())
}

/// Pushes per second with `concurrency` pushes in flight at once.
async fn throughput(
    connector: &Arc<Connector>,
    config: &Value,
    input: &Value,
    concurrency: usize,
    n: usize,
) -> Result<f64> {
    let total = n.max(concurrency * 4);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (connector, config, input, next) = (
                connector.clone(),
                config.clone(),
                input.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    push(&connector, &config, &input).await?;
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// The time to compile the component, and to load it from the cache.
fn compile_and_load() -> Result<(Duration, Duration)> {
    let engine = wasmtime::Engine::new(&line_connector_host::component::engine_config(
        &Default::default(),
    ))?;
    let wasm = line_connector_host::component::EMBEDDED_COMPONENT;
    let started = Instant::now();
    wasmtime::component::Component::new(&engine, wasm)?;
    let compile = started.elapsed();
    cache::load(&engine, wasm)?; // fills the cache if it is empty
    let loads = (0..5)
        .map(|_| {
            let started = Instant::now();
            cache::load(&engine, wasm).map(|_| started.elapsed())
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((compile, percentile(&loads, 50)))
}

/// The whole-process time of `line-connector run quota`, warm cache.
fn whole_process(server: &Server) -> Result<Duration> {
    let exe = std::env::current_exe()?;
    let config =
        std::env::temp_dir().join(format!("line-connector-bench-{}.json", std::process::id()));
    std::fs::write(
        &config,
        json!({"channelAccessToken": "bench-token", "apiBaseUrl": server.url()}).to_string(),
    )?;
    let run = || {
        let started = Instant::now();
        let out = Command::new(&exe)
            .args(["run", "quota", "--config"])
            .arg(&config)
            .args(["--input", "{}"])
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "run quota failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        Ok(started.elapsed())
    };
    run()?; // warms the cache
    let times = (0..20).map(|_| run()).collect::<Result<Vec<_>>>();
    let _ = std::fs::remove_file(&config);
    Ok(percentile(&times?, 50))
}

/// The `p`th percentile (0 to 100) of `times`.
fn percentile(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) * p / 100).min(sorted.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

fn row(
    out: &mut impl Write,
    what: &str,
    figure: impl AsRef<str>,
    against: &str,
    ratio: impl AsRef<str>,
) -> Result<()> {
    writeln!(
        out,
        "| {what} | {} | {against} | {} |",
        figure.as_ref(),
        ratio.as_ref()
    )
    .context("writing")
}

/// A minimal HTTP server on loopback: 200 with a fixed body for a push,
/// the quota for anything else; keep-alive; no checks.
struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    /// Connections accepted so far.
    connections: Arc<AtomicUsize>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nodelay(true);
                tokio::spawn(http1::Builder::new().serve_connection(
                    TokioIo::new(stream),
                    service_fn(
                        |request: hyper::Request<hyper::body::Incoming>| async move {
                            let push = request.uri().path() == "/v2/bot/message/push";
                            let _ = request.into_body().collect().await;
                            let body = if push {
                                PUSH_ANSWER
                            } else {
                                r#"{"type":"none"}"#
                            };
                            hyper::Response::builder()
                                .header("content-type", "application/json")
                                .header("x-line-request-id", "bench")
                                .body(Full::new(Bytes::from_static(body.as_bytes())))
                        },
                    ),
                ));
            }
        });
        Ok(Server {
            addr,
            task,
            connections,
        })
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The connector's config for this server: one attempt, no retries.
    fn config(&self) -> Value {
        json!({"channelAccessToken": "bench-token", "apiBaseUrl": self.url(), "maxAttempts": 1})
    }
}
