//! `line-connector contacts`: the contacts the intake keeps (list, show,
//! log), a follower sync, account linking (link, unlink) and forgetting
//! a contact.

use crate::channel::Which;
use anyhow::{Context, Result};
use line_connector_host::{Connector, Sandbox};
use line_webhook_intake::followers::{self, Sync};
use line_webhook_intake::{Store, contacts, linking};
use serde_json::{Value, json};
use std::process::ExitCode;
use std::time::Duration;

/// The contacts command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// `list` (one JSON line each), `show` (one, by --user-id or
    /// --platform-id), `log` (links made, refused and removed, contacts
    /// forgotten), `sync` (friend status from LINE's follower list),
    /// `link` (start linking --user-id to --platform-id: prints the URL
    /// for the user), `unlink` (--platform-id), `forget` (delete one
    /// contact, by --user-id or --platform-id).
    #[arg(value_parser = ["list", "show", "log", "sync", "link", "unlink", "forget"])]
    what: String,
    #[command(flatten)]
    which: Which,
    /// The store the intake keeps contacts in (an SQLite file or a
    /// PostgreSQL URL, as `webhook listen --store` takes it).
    #[arg(long, value_name = "FILE|URL")]
    store: line_webhook_intake::Location,
    /// The LINE user id (`U` + 32 hex digits).
    #[arg(long = "user-id", value_name = "ID")]
    user_id: Option<String>,
    /// The platform's own id for the user, e.g. `alice@corp.example`.
    #[arg(long = "platform-id", value_name = "ID", allow_hyphen_values = true)]
    platform_id: Option<String>,
    /// link: seconds the link stays usable (LINE's link token lasts 600).
    #[arg(long = "expires-in", default_value_t = linking::DEFAULT_EXPIRY.as_secs())]
    expires_in: u64,
    /// sync: the most pages read this time; a sync that stops
    /// there resumes at the next run.
    #[arg(long = "max-pages", default_value_t = 100)]
    max_pages: u32,
    /// sync: ids per page (1 to 1,000).
    #[arg(long = "page-size", default_value_t = followers::PAGE)]
    page_size: u32,
    /// sync: start from the first page, not where the last sync stopped.
    #[arg(long)]
    restart: bool,
}

/// Runs `contacts WHAT`.
pub async fn run(args: &Args, connector: impl Fn() -> Result<Connector>) -> Result<ExitCode> {
    let store = Store::open(&args.store, u64::MAX).await?;
    let channel = args.which.name();
    let code = match args.what.as_str() {
        "list" => {
            for contact in contacts::list(&store, channel).await? {
                println!("{}", contact.to_json());
            }
            ExitCode::SUCCESS
        }
        "log" => {
            for entry in contacts::history(&store, channel).await? {
                println!("{entry}");
            }
            ExitCode::SUCCESS
        }
        "show" => show(&store, channel, args).await?,
        "forget" => {
            let who = who(args)?;
            let forgotten = contacts::forget(&store, channel, &who).await?;
            println!("{}", json!({"forgotten": forgotten}));
            ExitCode::SUCCESS
        }
        "unlink" => {
            let platform_id = args.platform_id.as_deref().context("--platform-id ID")?;
            let unlinked = linking::unlink(&store, channel, platform_id).await?;
            println!("{}", json!({"unlinked": unlinked}));
            ExitCode::SUCCESS
        }
        "link" => {
            let config = args.which.config()?;
            let outcome = linking::start(
                &connector()?,
                &config,
                &store,
                channel,
                args.platform_id.as_deref().unwrap_or_default(),
                args.user_id.as_deref().unwrap_or_default(),
                Duration::from_secs(args.expires_in),
            )
            .await?;
            print(outcome)
        }
        _ => {
            let config = args.which.config()?;
            let connector = connector()?;
            let mut session = connector.session(Sandbox::for_config(&config)).await?;
            let sync = Sync {
                channel: channel.to_owned(),
                max_pages: args.max_pages.max(1),
                page_size: args.page_size,
                restart: args.restart,
            };
            print(followers::sync(&mut session, &config, &store, &sync).await?)
        }
    };
    store.close().await;
    Ok(code)
}

/// `--user-id`, or `contact:` and `--platform-id`.
fn who(args: &Args) -> Result<String> {
    match (&args.user_id, &args.platform_id) {
        (Some(user), _) => Ok(user.clone()),
        (None, Some(platform_id)) => Ok(format!("{}{platform_id}", contacts::REFERENCE_PREFIX)),
        (None, None) => anyhow::bail!("--user-id ID or --platform-id ID: which contact"),
    }
}

/// `show`: the contact, or exit 1 with `null` when there is none.
async fn show(store: &Store, channel: &str, args: &Args) -> Result<ExitCode> {
    let found = match (&args.user_id, &args.platform_id) {
        (Some(user), _) => contacts::get(store, channel, user).await?,
        (None, Some(platform_id)) => contacts::linked(store, channel, platform_id).await?,
        (None, None) => anyhow::bail!("--user-id ID or --platform-id ID: which contact"),
    };
    println!("{}", found.as_ref().map_or(Value::Null, |c| c.to_json()));
    Ok(match found {
        Some(_) => ExitCode::SUCCESS,
        None => ExitCode::FAILURE,
    })
}

/// A result (exit 0) or an error (exit 1), as one JSON line.
fn print(outcome: std::result::Result<Value, Value>) -> ExitCode {
    match outcome {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("{error}");
            ExitCode::FAILURE
        }
    }
}
