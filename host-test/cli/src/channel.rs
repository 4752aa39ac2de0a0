//! Which channel a command acts for: `--config FILE`, or `--channel NAME`
//! from the channels folder (`--channels DIR`, `$LINE_CONNECTOR_CHANNELS`,
//! or `./channels`); and `line-connector channels`, which lists them.

use anyhow::{Context, Result};
use line_connector_host::{Channels, Connector, Sandbox};
use line_webhook_intake::contacts::DEFAULT_CHANNEL;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

/// The arguments that choose a channel.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Which {
    /// The config as a JSON file: channelAccessToken, or clientId with
    /// clientSecret or with assertionPrivateKey and assertionKeyId
    /// (+ tokenUrl); channelSecret for webhooks; apiBaseUrl,
    /// dataApiBaseUrl, managerBaseUrl, timeoutMs. Its contacts are the
    /// channel `default`'s.
    #[arg(long, value_name = "FILE", conflicts_with = "channel")]
    pub config: Option<PathBuf>,
    /// The channel by name: NAME.json in the channels folder (its
    /// contacts are kept under NAME).
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// The channels folder (default: $LINE_CONNECTOR_CHANNELS, else ./channels).
    #[arg(long, value_name = "DIR")]
    pub channels: Option<PathBuf>,
}

impl Which {
    /// The channel's name: `--channel`, or `default`.
    pub fn name(&self) -> &str {
        self.channel.as_deref().unwrap_or(DEFAULT_CHANNEL)
    }

    /// The channel's config, if `--config` or `--channel` names one.
    pub fn config_if_given(&self) -> Result<Option<Value>> {
        match (&self.config, &self.channel) {
            (Some(path), _) => crate::read_config(path).map(Some),
            (None, Some(name)) => Channels::from_env_or(self.channels.as_deref())
                .config(name)
                .map(Some),
            (None, None) => Ok(None),
        }
    }

    /// The channel's config, which the command needs.
    pub fn config(&self) -> Result<Value> {
        self.config_if_given()?
            .context("--config FILE or --channel NAME: the channel's config is needed")
    }
}

/// The `channels` command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Only the channels whose name (or, with --check, bot name or basic
    /// id) holds this text, case-insensitively.
    #[arg(long)]
    keyword: Option<String>,
    /// Also test each channel's config (the `check` action): its bot's
    /// user id, basic id and display name, or the error.
    #[arg(long)]
    check: bool,
    /// The channels folder (default: $LINE_CONNECTOR_CHANNELS, else ./channels).
    #[arg(long, value_name = "DIR")]
    channels: Option<PathBuf>,
}

/// `channels`: one JSON line per channel (`name`, `file`, and with
/// `--check` the `check` action's result or `error`).
pub async fn list(args: &Args, connector: impl Fn() -> Result<Connector>) -> Result<ExitCode> {
    let channels = Channels::from_env_or(args.channels.as_deref());
    let keyword = args.keyword.as_deref().map(str::to_lowercase);
    let matches = |texts: &[&str]| {
        keyword
            .as_deref()
            .is_none_or(|k| texts.iter().any(|t| t.to_lowercase().contains(k)))
    };
    let connector = match args.check {
        true => Some(connector()?),
        false => None,
    };
    for name in channels.names()? {
        let mut line = json!({"name": name, "file": channels.path(&name)?});
        let mut texts = vec![name.clone()];
        if let Some(connector) = &connector {
            let checked = check(connector, &channels, &name).await;
            for key in ["displayName", "basicId"] {
                texts.extend(checked["bot"][key].as_str().map(str::to_owned));
            }
            if let (Some(line), Value::Object(checked)) = (line.as_object_mut(), checked) {
                line.extend(checked);
            }
        }
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        if matches(&texts) {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One channel's `check`: `{"bot": …}` or `{"error": …}`.
async fn check(connector: &Connector, channels: &Channels, name: &str) -> Value {
    let config = match channels.config(name) {
        Ok(config) => config,
        Err(error) => return json!({"error": {"type": "config", "message": format!("{error:#}")}}),
    };
    let outcome = async {
        connector
            .session(Sandbox::for_config(&config))
            .await?
            .run("check", &config, &json!({}))
            .await
    };
    match outcome.await {
        Ok(Ok(bot)) => json!({"bot": bot}),
        Ok(Err(error)) => json!({"error": error}),
        Err(error) => json!({"error": {"type": "host", "message": format!("{error:#}")}}),
    }
}
