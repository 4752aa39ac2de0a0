//! `line-connector mcp`: the connector as an MCP server for AI agents
//! (`line-connector-mcp`), over stdio or Streamable HTTP, for one channel
//! whose config (and secrets) the operator gives here, never the agent.

use anyhow::{Context, Result};
use line_connector_host::foreign::{Foreign, Options};
use line_connector_mcp::{Exposure, LineServer, Listing, Settings};
use line_webhook_intake::Location;
use std::net::SocketAddr;
use std::process::ExitCode;

/// The mcp command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The channel (`--config FILE` or `--channel NAME`; without either,
    /// the config's JSON from $LINE_CONNECTOR_CONFIG): its config and
    /// secrets stay with the server.
    #[command(flatten)]
    which: crate::channel::Which,
    /// What an agent may use: groups (`reading`, `sending`, `managing`)
    /// and action names, comma-separated. multicast, broadcast, narrowcast
    /// and what cannot be undone (delete-…, revoke-…, unlink-…, cancel-…,
    /// leave-…, close-coupon, detach-module) only when named; the channel
    /// token actions never. `line-ask` (or `sending`) exposes asks.
    #[arg(long, default_value = "reading", value_name = "GROUP|ACTION,...")]
    tools: String,
    /// How the exposed actions are listed: `catalogue` (two tools,
    /// line-describe and line-invoke, whatever is exposed) or `each` (one
    /// tool per action, with its output schema).
    #[arg(long, default_value = "catalogue", value_parser = ["catalogue", "each"])]
    listing: String,
    /// The intake's store (an SQLite file or a PostgreSQL URL), for
    /// line-ask: the intake on it takes the answers from LINE.
    #[arg(long, value_name = "FILE|URL")]
    store: Option<String>,
    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio.
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,
    /// The environment variable holding the bearer token HTTP clients must
    /// send (`Authorization: Bearer TOKEN`); needed off loopback.
    #[arg(
        long = "token-env",
        value_name = "ENV",
        default_value = "LINE_MCP_TOKEN"
    )]
    token_env: String,
    /// A host actions may reach (`HOST` or `HOST:PORT`; repeat for more;
    /// default: the config's own hosts).
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,
}

/// Runs the server until the client goes (stdio) or the process is stopped.
pub async fn run(args: &Args, mut options: Options) -> Result<ExitCode> {
    let config = match args.which.config_if_given()? {
        Some(config) => config,
        None => from_env()?,
    };
    if !args.allow_hosts.is_empty() {
        options.allow = Some(args.allow_hosts.clone());
    }
    let foreign = Foreign::new(options)?;
    let names: Vec<String> = foreign
        .connector()
        .actions()
        .iter()
        .map(|a| a.name.clone())
        .collect();
    let exposure = Exposure::parse(&args.tools, |name| names.iter().any(|n| n == name))
        .map_err(anyhow::Error::msg)
        .context("--tools")?;
    if let Some(store) = &args.store {
        store.parse::<Location>().context("--store")?;
    }
    let settings = Settings {
        foreign,
        config: config.to_string(),
        exposure,
        listing: match args.listing.as_str() {
            "each" => Listing::Each,
            _ => Listing::Catalogue,
        },
        store: args.store.clone(),
        channel: args.which.name().to_owned(),
    };
    let server = LineServer::new(settings).await?;
    match args.http {
        None => line_connector_mcp::serve_stdio(server).await?,
        Some(bind) => {
            let token = std::env::var(&args.token_env)
                .ok()
                .filter(|t| !t.is_empty());
            line_connector_mcp::http::check_bind(bind, token.as_deref())?;
            let listener = line_connector_mcp::http::bind(bind).await?;
            line_connector_mcp::http::serve(server, listener, token).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The config's JSON from `$LINE_CONNECTOR_CONFIG` (as an agent host's
/// `env` block gives it); its text is never quoted back.
fn from_env() -> Result<serde_json::Value> {
    let text = std::env::var(CONFIG_ENV).map_err(|_| {
        anyhow::anyhow!(
            "--config FILE, --channel NAME or ${CONFIG_ENV}: the channel's config is needed"
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "${CONFIG_ENV} is not a JSON object (line {}, column {})",
            e.line(),
            e.column()
        )
    })
}

/// The environment variable a config may come in.
const CONFIG_ENV: &str = "LINE_CONNECTOR_CONFIG";
