//! Tokens kept between `line-connector run` processes. With client
//! credentials or a JWT assertion, every run fetched a token of its own:
//! one more request per run, and with a v2.1 token URL a token v2.1 each
//! time, of which LINE lets at most 30 be valid at once. A run now asks the
//! component for the token it would have fetched
//! (`issue-stateless-channel-token`, or `issue-channel-token-by-jwt` for
//! v2.1), keeps it in a file only its user can read
//! and runs the action with it as the config's `channelAccessToken`; later
//! runs with the same credentials reuse it until shortly before it
//! expires. A token LINE refuses (revoked) is forgotten and one new one
//! fetched, once.
//!
//! The file holds the short-lived token and when it expires, never a secret
//! of the config; it is named by a SHA-256 digest of the credentials and
//! the token URL, so configs never share one. The folder is
//! `$LINE_CONNECTOR_TOKEN_CACHE`, else `$XDG_CACHE_HOME/line-connector/tokens`,
//! else `~/.cache/line-connector/tokens`, made `0700`; one that others may
//! read or write, or that is not this user's, is not used. `--no-token-cache`
//! turns it off.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Actions that run on the credentials themselves: never given a cached token.
fn runs_on_credentials(action: &str) -> bool {
    action == "check"
        || action.contains("channel-token")
        || action == "gets-all-valid-channel-access-token-key-ids"
}

/// The config fields that say how to get a token (dropped once a token
/// stands in for them).
const CREDENTIALS: [&str; 6] = [
    "clientId",
    "clientSecret",
    "assertionPrivateKey",
    "assertionKeyId",
    "tokenExp",
    "tokenUrl",
];

/// What a run with these credentials would cache: its file's key and the
/// action that issues its token.
#[derive(Debug, PartialEq)]
pub struct Plan {
    key: String,
    /// The action issuing a token for the config's mode.
    pub issue: &'static str,
}

impl Plan {
    /// The plan for running `action` with `config`, if its token can be
    /// cached: client credentials or a JWT assertion, and an action that
    /// does not work on the credentials themselves.
    pub fn of(action: &str, config: &Value) -> Option<Plan> {
        let text = |name: &str| config.get(name).and_then(Value::as_str);
        if runs_on_credentials(action) || text("channelAccessToken").is_some() {
            return None;
        }
        let id = text("clientId")?;
        // The token the component would fetch itself: stateless (15
        // minutes) unless the config's token URL is LINE's v2.1 endpoint.
        let v21 = text("tokenUrl").is_some_and(|url| url.contains("/oauth2/v2.1/"));
        let (issue, secret) = match (text("clientSecret"), text("assertionPrivateKey")) {
            (Some(secret), None) => ("issue-stateless-channel-token", secret),
            (None, Some(key)) if v21 => ("issue-channel-token-by-jwt", key),
            (None, Some(key)) => ("issue-stateless-channel-token", key),
            _ => return None,
        };
        let mut digest = Sha256::new();
        for part in [
            issue,
            id,
            secret,
            text("assertionKeyId").unwrap_or_default(),
            &config
                .get("tokenExp")
                .map(Value::to_string)
                .unwrap_or_default(),
            text("tokenUrl").unwrap_or_default(),
            text("apiBaseUrl").unwrap_or_default(),
        ] {
            digest.update(part.len().to_le_bytes());
            digest.update(part.as_bytes());
        }
        let key: String = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Some(Plan { key, issue })
    }
}

/// `config` with `token` as its `channelAccessToken`, the credentials out.
pub fn with_token(config: &Value, token: &str) -> Value {
    let mut config = config.clone();
    if let Some(fields) = config.as_object_mut() {
        for name in CREDENTIALS {
            fields.remove(name);
        }
        fields.insert("channelAccessToken".into(), json!(token));
    }
    config
}

/// The folder of kept tokens.
pub struct TokenCache {
    dir: PathBuf,
}

/// A kept token is reused until this many seconds before it expires.
const MARGIN_SECS: u64 = 60;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl TokenCache {
    /// The folder the environment names (see the module's documentation).
    pub fn from_env() -> Option<TokenCache> {
        let dir = match std::env::var_os("LINE_CONNECTOR_TOKEN_CACHE").filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => std::env::var_os("XDG_CACHE_HOME")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?
                .join("line-connector/tokens"),
        };
        Some(TokenCache { dir })
    }

    /// The folder, made if missing; `None` (with a note on stderr) when it
    /// is not this user's alone.
    fn folder(&self) -> Option<&Path> {
        // Made 0700 when missing; an existing folder is never changed.
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir);
        let meta = std::fs::metadata(&self.dir).ok()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let mine = meta.uid() == unsafe { libc::geteuid() };
        if !mine || meta.mode() & 0o077 != 0 {
            eprintln!(
                "line-connector: not keeping tokens in {}: it must be this user's, closed to others (mode 0700)",
                self.dir.display()
            );
            return None;
        }
        Some(&self.dir)
    }

    /// A kept token for `plan`, if one is not about to expire.
    pub fn load(&self, plan: &Plan) -> Option<String> {
        let file = self.folder()?.join(&plan.key);
        let meta = std::fs::metadata(&file).ok()?;
        if meta.mode() & 0o077 != 0 {
            return None;
        }
        let kept: Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
        let expires_at = kept["expiresAt"].as_u64()?;
        (expires_at > now() + MARGIN_SECS)
            .then(|| kept["accessToken"].as_str().map(str::to_owned))
            .flatten()
    }

    /// Keeps `token`, which expires in `expires_in` seconds (written to a
    /// new `0600` file, then renamed over the old one).
    pub fn store(&self, plan: &Plan, token: &str, expires_in: u64) -> std::io::Result<()> {
        let Some(dir) = self.folder() else {
            return Ok(());
        };
        let temporary = dir.join(format!("{}.{}", plan.key, std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)?;
        let kept = json!({"accessToken": token, "expiresAt": now() + expires_in});
        file.write_all(kept.to_string().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, dir.join(&plan.key))
    }

    /// Forgets the token kept for `plan`.
    pub fn forget(&self, plan: &Plan) {
        let _ = std::fs::remove_file(self.dir.join(&plan.key));
    }
}
