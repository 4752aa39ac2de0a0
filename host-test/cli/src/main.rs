//! `line-connector`: run the LINE connector component's actions from the
//! command line, list them, or run the LINE simulator or the demo.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use line_connector_cli::{bench, demo};
use line_connector_host::{Connector, Limits, Network, Sandbox, manifest_of};
use line_simulator::{self as simulator, Simulator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

mod ask;
mod channel;
mod contacts;
mod mcp;
mod token_cache;
mod webhook;

/// Run the LINE Messaging API connector component.
#[derive(Parser)]
#[command(name = "line-connector", version)]
struct Cli {
    /// The component to load (default: the one built into this command).
    #[arg(long, global = true, value_name = "FILE")]
    component: Option<PathBuf>,
    /// Reach LINE through this HTTP proxy, `http://[USER:PASSWORD@]HOST:PORT`
    /// (CONNECT tunnels for https; default: $HTTPS_PROXY, $HTTP_PROXY or
    /// $ALL_PROXY; $NO_PROXY names the hosts reached directly either way).
    #[arg(long, global = true, value_name = "URL")]
    proxy: Option<String>,
    /// Trust the CA certificates in this PEM file as well as the built-in
    /// roots (a TLS-inspecting proxy's CA; $SSL_CERT_FILE adds one too).
    #[arg(long = "ca-file", global = true, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the actions, one per line.
    Actions,
    /// Write the Python and Node packages' type declarations from the
    /// manifest (`python/line_connector/__init__.pyi`, `node/actions.d.ts`).
    Stubs {
        /// The Python stub to write.
        #[arg(
            long,
            value_name = "FILE",
            default_value = "python/line_connector/__init__.pyi"
        )]
        python: PathBuf,
        /// The TypeScript declarations to write.
        #[arg(long, value_name = "FILE", default_value = "node/actions.d.ts")]
        typescript: PathBuf,
    },
    /// Print the manifest the component carries (JSON), or one action's part.
    Describe {
        /// An action, e.g. `push` (default: the whole manifest).
        action: Option<String>,
    },
    /// Run one action; prints its result (exit 0) or its error (exit 1) as JSON.
    Run {
        /// The action, e.g. `push` (see `actions`).
        action: String,
        #[command(flatten)]
        which: channel::Which,
        /// The input: JSON text, or @FILE. Default `{}`.
        #[arg(long, value_name = "JSON|@FILE", default_value = "{}")]
        input: String,
        /// A host the component may reach, `HOST` (any port) or `HOST:PORT`
        /// (that port only); repeat for more. Default: the hosts of the
        /// config's apiBaseUrl, dataApiBaseUrl, managerBaseUrl and tokenUrl.
        #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
        allow_hosts: Vec<String>,
        /// For the send actions: only validate the messages with LINE's
        /// matching validate endpoint (the input's `dryRun: true`).
        #[arg(long)]
        dry_run: bool,
        /// For the actions that download content: write its bytes to FILE;
        /// the printed result leaves them out.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// For an input field of bytes (`set-rich-menu-image`'s `image`):
        /// take them from FILE, e.g. `--input-file image=menu.png`; repeat
        /// for more fields.
        #[arg(long = "input-file", value_name = "FIELD=FILE")]
        input_files: Vec<String>,
        /// The intake's store (an SQLite file or a PostgreSQL URL): `push`
        /// and `multicast` then take `contact:<platform id>` for a user id,
        /// and a push to a user the store knows is no friend is refused
        /// without a request.
        #[arg(long, value_name = "FILE|URL")]
        store: Option<line_webhook_intake::Location>,
        /// Fetch a token for this run only: with client credentials or a
        /// JWT assertion, a run otherwise keeps its token (never a secret of
        /// the config) in a file only this user can read, for later runs
        /// with the same credentials ($LINE_CONNECTOR_TOKEN_CACHE,
        /// default ~/.cache/line-connector/tokens).
        #[arg(long = "no-token-cache")]
        no_token_cache: bool,
        /// With --store: seconds a friend check's answer is trusted
        /// (follow and unfollow events keep it current regardless).
        #[arg(long = "fresh-for", value_name = "SECONDS", default_value_t = line_webhook_intake::sending::DEFAULT_FRESH_FOR.as_secs())]
        fresh_for: u64,
    },
    /// Webhooks: verify or read one batch LINE sent, run the intake
    /// (`listen`), or see and replay its dead letters.
    Webhook(webhook::Args),
    /// Ask a LINE user, group or room a question with options; with
    /// `--wait`, wait for the answer the intake takes (`webhook listen` on
    /// the same `--store`).
    Ask(ask::Args),
    /// The contacts the intake keeps: list, show, log, sync from LINE's
    /// follower list, link a platform's user to a LINE user, unlink, forget.
    Contacts(contacts::Args),
    /// List the channels of the channels folder (`--channel NAME` picks one
    /// in every command).
    Channels(channel::Args),
    /// Run the LINE simulator in the foreground.
    Simulate {
        /// The loopback port (default: a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Run every action against the simulator on a free loopback port.
    Demo,
    /// Serve the connector to AI agents over the Model Context Protocol
    /// (stdio, or Streamable HTTP with --http).
    Mcp(mcp::Args),
    /// Measure the connector against a raw HTTP client (and LINE's Python
    /// SDK, if installed) on a loopback server; prints a table.
    Bench {
        /// Pushes per series.
        #[arg(long, default_value_t = 2000)]
        iterations: usize,
        /// Compare the Python and Node packages with LINE's SDKs, installing
        /// them (the wheel, the tarball, line-bot-sdk, @line/bot-sdk) into
        /// DIR the first time.
        #[arg(long, value_name = "DIR")]
        packages: Option<PathBuf>,
        /// Send EVENTS webhook events through the intake end to end: on
        /// SQLite, and on a PostgreSQL server the benchmark starts (Debian's
        /// `postgresql` package) with one and two intakes.
        #[arg(long, value_name = "EVENTS")]
        intakes: Option<usize>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("line-connector: {err:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Describe { action } => describe(&cli, action.as_deref()),
        Command::Stubs { python, typescript } => {
            let manifest = manifest(&cli)?;
            for (path, text) in [
                (python, line_connector_cli::stubs::python(&manifest)),
                (typescript, line_connector_cli::stubs::typescript(&manifest)),
            ] {
                std::fs::write(path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Actions => {
            for action in connector(&cli, true)?.actions() {
                println!("{}", action.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            action,
            which,
            input,
            allow_hosts,
            dry_run,
            output,
            input_files,
            store,
            fresh_for,
            no_token_cache,
        } => {
            let config = which.config()?;
            let input = action_input(input, input_files, *dry_run)?;
            let sandbox = match allow_hosts.is_empty() {
                true => Sandbox::for_config(&config),
                false => Sandbox::checked(allow_hosts)?,
            };
            let directory = match store {
                Some(path) => Some(line_webhook_intake::sending::Directory {
                    store: line_webhook_intake::Store::open(path, u64::MAX).await?,
                    channel: which.name().to_owned(),
                    fresh_for: std::time::Duration::from_secs(*fresh_for),
                }),
                None => None,
            };
            let call = Call {
                action,
                config: &config,
                input: &input,
                directory: directory.as_ref(),
            };
            let tokens = match no_token_cache {
                true => None,
                false => token_cache::TokenCache::from_env(),
            };
            run_action(&cli, call, sandbox, tokens, output.as_deref()).await
        }
        Command::Contacts(args) => contacts::run(args, || connector(&cli, false)).await,
        Command::Channels(args) => channel::list(args, || connector(&cli, false)).await,
        Command::Webhook(args) => {
            webhook::run(args, |once| connector(&cli, once), || network(&cli)).await
        }
        Command::Ask(args) => ask::run(args, || connector(&cli, false)).await,
        Command::Mcp(args) => mcp::run(args, foreign_options(&cli)).await,
        Command::Simulate { port } => simulate(*port).await,
        Command::Bench {
            iterations,
            packages,
            intakes,
        } => {
            let options = bench::Options {
                iterations: *iterations,
                packages: packages.clone(),
                intakes: *intakes,
            };
            let connector = std::sync::Arc::new(connector(&cli, false)?);
            bench::run(connector, &options, &mut std::io::stdout()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let connector = std::sync::Arc::new(connector(&cli, false)?);
            let failed = demo::run(&connector, &mut std::io::stdout()).await?;
            Ok(match failed {
                0 => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            })
        }
    }
}

/// The connector: the embedded component or `--component`'s, on the
/// network the environment and `--proxy` / `--ca-file` give. `once` for a
/// command that runs one action and exits: its pool then holds one
/// instance, not 256 (each a stack and guard pages to map, which was a
/// tenth of a whole `run`).
fn connector(cli: &Cli, once: bool) -> Result<Connector> {
    let mut limits = Limits::for_this_process();
    if once {
        limits.instances = 1;
    }
    let connector = match &cli.component {
        Some(path) => Connector::from_file(path, limits),
        None => Connector::with_limits(line_connector_host::EMBEDDED_COMPONENT, limits),
    }?;
    // The connector already goes by the environment's proxy and roots.
    if cli.proxy.is_none() && cli.ca_file.is_none() {
        return Ok(connector);
    }
    Ok(connector.with_network(network(cli)?))
}

/// The host options of `--proxy`, `--ca-file` and `--component`.
fn foreign_options(cli: &Cli) -> line_connector_host::foreign::Options {
    line_connector_host::foreign::Options {
        allow: None,
        proxy: cli.proxy.clone(),
        ca_file: cli.ca_file.clone(),
        component: cli.component.clone(),
    }
}

/// `describe`: the manifest, or one action's part of it.
/// The manifest of `--component`, or of the component built in.
fn manifest(cli: &Cli) -> Result<Value> {
    match &cli.component {
        Some(path) => manifest_of(
            &std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        None => manifest_of(line_connector_host::EMBEDDED_COMPONENT),
    }
}

fn describe(cli: &Cli, action: Option<&str>) -> Result<ExitCode> {
    let manifest = manifest(cli)?;
    let shown = match action {
        None => &manifest,
        Some(name) => manifest["actions"]
            .as_array()
            .and_then(|all| all.iter().find(|a| a["name"] == name))
            .with_context(|| format!("no action {name:?}; `line-connector actions` lists them"))?,
    };
    println!("{}", serde_json::to_string_pretty(shown)?);
    Ok(ExitCode::SUCCESS)
}

/// `run`'s input: `--input`, with `--input-file`'s fields and `--dry-run`.
fn action_input(input: &str, files: &[String], dry_run: bool) -> Result<Value> {
    let mut input = read_json(input).context("reading --input")?;
    add_files(&mut input, files)?;
    if dry_run {
        input
            .as_object_mut()
            .context("--dry-run needs an --input object")?
            .insert("dryRun".into(), Value::Bool(true));
    }
    Ok(input)
}

/// What `run` runs.
struct Call<'a> {
    action: &'a str,
    config: &'a Value,
    input: &'a Value,
    /// The contacts, with `--store`.
    directory: Option<&'a line_webhook_intake::sending::Directory>,
}

/// `run`: one action; its result (exit 0) or its error (exit 1) printed.
async fn run_action(
    cli: &Cli,
    call: Call<'_>,
    sandbox: Sandbox,
    tokens: Option<token_cache::TokenCache>,
    output: Option<&std::path::Path>,
) -> Result<ExitCode> {
    let connector = connector(cli, true)?;
    let mut session = connector.session(sandbox).await?;
    let plan = token_cache::Plan::of(call.action, call.config);
    let outcome = match (tokens, plan) {
        (Some(tokens), Some(plan)) => with_kept_token(&mut session, &call, &tokens, &plan).await?,
        _ => outcome(&mut session, &call, call.config).await?,
    };
    let (value, code) = match outcome {
        Ok(result) => (save_content(result, output)?, ExitCode::SUCCESS),
        Err(error) => (error, ExitCode::FAILURE),
    };
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(code)
}

/// `call` with a token kept by an earlier run, or one issued now and kept;
/// a kept token LINE refuses is forgotten and a new one issued, once. The
/// issuing action's error, if it fails, is the run's.
async fn with_kept_token(
    session: &mut line_connector_host::Session<'_>,
    call: &Call<'_>,
    tokens: &token_cache::TokenCache,
    plan: &token_cache::Plan,
) -> Result<line_connector_host::Outcome> {
    if let Some(token) = tokens.load(plan) {
        let config = token_cache::with_token(call.config, &token);
        let outcome = outcome(session, call, &config).await?;
        if !matches!(&outcome, Err(error) if error["type"] == "authentication") {
            return Ok(outcome);
        }
        tokens.forget(plan);
    }
    let issued = match session.run(plan.issue, call.config, &json!({})).await? {
        Ok(issued) => issued,
        Err(error) => return Ok(Err(error)),
    };
    let token = issued["access_token"].as_str().unwrap_or_default();
    let expires_in = issued["expires_in"].as_u64().unwrap_or_default();
    if let Err(error) = tokens.store(plan, token, expires_in) {
        eprintln!("line-connector: the token was not kept for later runs: {error}");
    }
    outcome(session, call, &token_cache::with_token(call.config, token)).await
}

/// Runs `call` with `config`: by contact through the store, or as it is.
async fn outcome(
    session: &mut line_connector_host::Session<'_>,
    call: &Call<'_>,
    config: &Value,
) -> Result<line_connector_host::Outcome> {
    use line_webhook_intake::{ask::invalid, sending};
    Ok(
        match (
            call.directory,
            sending::contact_field(call.action, call.input),
        ) {
            (Some(directory), _) => {
                sending::run(session, config, directory, call.action, call.input).await?
            }
            (None, Some(field)) => Err(invalid(
                &field,
                "names a contact: give the intake's --store to look it up",
            )),
            (None, None) => session.run(call.action, config, call.input).await?,
        },
    )
}

/// The config file's JSON.
fn read_config(path: &std::path::Path) -> Result<Value> {
    use line_connector_host::files;
    let bytes = files::read(path, files::MAX_CONFIG_BYTES, "--config")?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("--config {}: not valid JSON", path.display()))
}

/// `simulate`: the LINE simulator in the foreground, until stopped.
async fn simulate(port: u16) -> Result<ExitCode> {
    let sim = Simulator::start_on(([127, 0, 0, 1], port).into()).await?;
    println!("LINE simulator listening at {}", sim.url());
    println!("channelAccessToken: {}", simulator::CHANNEL_ACCESS_TOKEN);
    println!(
        "clientId: {}  clientSecret: {}",
        simulator::CLIENT_ID,
        simulator::CLIENT_SECRET
    );
    std::future::pending::<()>().await;
    unreachable!()
}

/// The environment's proxy and roots, with `--proxy` and `--ca-file` over them.
fn network(cli: &Cli) -> Result<Network> {
    let mut network = Network::from_env()?;
    if let Some(url) = &cli.proxy {
        network = network.proxy(url).context("--proxy")?;
    }
    if let Some(file) = &cli.ca_file {
        network = network.ca_file(file).context("--ca-file")?;
    }
    Ok(network)
}

/// With `--output FILE`: the result's content (base64) written to FILE as
/// bytes, and the result without it.
fn save_content(mut result: Value, output: Option<&std::path::Path>) -> Result<Value> {
    use base64::Engine as _;
    let Some(path) = output else {
        return Ok(result);
    };
    let content = result
        .as_object_mut()
        .and_then(|r| r.remove("content"))
        .context("--output: this action returns no content")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content.as_str().unwrap_or_default())
        .context("--output: the content is not base64")?;
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(result)
}

/// Each `FIELD=FILE` of `--input-file`: the file's bytes as the input
/// field FIELD (base64, as JSON carries bytes).
fn add_files(input: &mut Value, files: &[String]) -> Result<()> {
    use base64::Engine as _;
    for arg in files {
        let (field, path) = arg
            .split_once('=')
            .with_context(|| format!("--input-file {arg}: expected FIELD=FILE"))?;
        // Base64 makes it a third larger in the input, which has its bound.
        let max = Limits::default().max_input_bytes() as u64 / 4 * 3;
        let bytes = line_connector_host::files::read(path.as_ref(), max, "--input-file")?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        input
            .as_object_mut()
            .context("--input-file needs an --input object")?
            .insert(field.to_owned(), Value::String(encoded));
    }
    Ok(())
}

/// JSON text, or `@FILE` for a file's contents.
fn read_json(arg: &str) -> Result<Value> {
    let max = Limits::default().max_input_bytes() as u64;
    match arg.strip_prefix('@') {
        Some(path) => {
            let bytes = line_connector_host::files::read(path.as_ref(), max, "--input")?;
            serde_json::from_slice(&bytes)
                .with_context(|| format!("--input {path}: not valid JSON"))
        }
        None => serde_json::from_str(arg).context("not valid JSON"),
    }
}
