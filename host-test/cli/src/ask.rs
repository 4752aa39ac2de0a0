//! `line-connector ask`: put a question to a LINE user, group or room and,
//! with `--wait`, wait for the answer (or the default at expiry), which the
//! intake (`webhook listen` on the same store) takes from LINE.

use anyhow::{Context, Result};
use line_connector_host::Connector;
use line_webhook_intake::ask::{Answerers, Question};
use line_webhook_intake::sending::{self, DEFAULT_FRESH_FOR, Directory};
use line_webhook_intake::{Store, asks};
use serde_json::Value;
use std::process::ExitCode;
use std::time::Duration;

/// The ask command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The store the intake writes to (an SQLite file or a PostgreSQL
    /// URL, as `webhook listen --store` takes it).
    #[arg(long, value_name = "FILE|URL")]
    store: line_webhook_intake::Location,
    /// The channel (to send the question; `--to contact:ID` is looked up
    /// among its contacts).
    #[command(flatten)]
    which: crate::channel::Which,
    /// An ask already put: its status, or with `--wait` its answer.
    #[arg(long = "id", value_name = "ASK_ID", allow_hyphen_values = true, conflicts_with_all = ["to", "question", "options"])]
    id: Option<String>,
    /// The user, group or room to ask, or `contact:<platform id>`.
    #[arg(long)]
    to: Option<String>,
    /// The question.
    #[arg(long, allow_hyphen_values = true)]
    question: Option<String>,
    /// An option's label (2 to 13, each at most 20 characters).
    #[arg(long = "option", value_name = "LABEL", allow_hyphen_values = true)]
    options: Vec<String>,
    /// The next text message from an allowed answerer counts as an answer too.
    #[arg(long)]
    free_text: bool,
    /// Who may answer: `asked` (the user asked; anyone in a group or room),
    /// `any`, or user ids, comma-separated.
    #[arg(long, default_value = "asked")]
    answerers: String,
    /// Seconds until the ask expires (default one day).
    #[arg(long = "expires-in", default_value_t = 86_400)]
    expires_in: u64,
    /// The answer given at expiry (one of the options).
    #[arg(long, allow_hyphen_values = true)]
    default: Option<String>,
    /// Record every answer until expiry (default: the first closes it).
    #[arg(long)]
    every: bool,
    /// Replied to an answer taken.
    #[arg(long, allow_hyphen_values = true, default_value = line_webhook_intake::ask::THANKS)]
    thanks: String,
    /// Replied to an answer refused (closed, expired, not allowed).
    #[arg(long, allow_hyphen_values = true, default_value = line_webhook_intake::ask::REFUSED)]
    refused: String,
    /// Wait for the answer (or the default at expiry), then print it.
    #[arg(long)]
    wait: bool,
    /// With `--wait`: give up after this many seconds (exit 3, the ask stays open).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
}

/// Runs `ask`.
pub async fn run(args: &Args, connector: impl Fn() -> Result<Connector>) -> Result<ExitCode> {
    let store = Store::open(&args.store, u64::MAX).await?;
    let id = match &args.id {
        Some(id) => id.clone(),
        None => {
            let config = args.which.config()?;
            let mut question = question(args);
            let directory = Directory {
                store: store.clone(),
                channel: args.which.name().to_owned(),
                fresh_for: DEFAULT_FRESH_FOR,
            };
            match sending::recipient(&directory, "to", &question.to).await? {
                Ok(user) => question.to = user,
                Err(error) => return print(&error, ExitCode::FAILURE),
            }
            match asks::ask(&connector()?, &config, &store, &question).await? {
                Ok(put) if !args.wait => return print(&put, ExitCode::SUCCESS),
                Ok(put) => put["askId"].as_str().unwrap_or_default().to_owned(),
                Err(error) => return print(&error, ExitCode::FAILURE),
            }
        }
    };
    if !args.wait {
        let status = asks::status(&store, &id)
            .await?
            .with_context(|| format!("no ask {id} in this store"))?;
        return print(&status, ExitCode::SUCCESS);
    }
    match asks::wait(&store, &id, args.timeout.map(Duration::from_secs)).await? {
        Some(answered) => print(&answered, ExitCode::SUCCESS),
        None => {
            let status = asks::status(&store, &id).await?.unwrap_or_default();
            print(&status, ExitCode::from(3))
        }
    }
}

/// The question the arguments describe (checked by [`asks::ask`]).
fn question(args: &Args) -> Question {
    let answerers = match args.answerers.as_str() {
        "asked" => Answerers::Asked,
        "any" => Answerers::Any,
        ids => Answerers::Listed(ids.split(',').map(|s| s.trim().to_owned()).collect()),
    };
    Question {
        to: args.to.clone().unwrap_or_default(),
        text: args.question.clone().unwrap_or_default(),
        options: args.options.clone(),
        free_text: args.free_text,
        answerers,
        expires_in: args.expires_in,
        default: args.default.clone(),
        every: args.every,
        thanks: args.thanks.clone(),
        refused: args.refused.clone(),
    }
}

fn print(value: &Value, code: ExitCode) -> Result<ExitCode> {
    println!("{value}");
    Ok(code)
}
