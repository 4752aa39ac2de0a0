//! The connector config, checked and with its defaults filled in.

use crate::auth::Credentials;
use crate::error::invalid;
use crate::http::Timeouts;
use crate::redact::quote;
use crate::types::{Config, ErrorCode};

/// Default Messaging API base URL.
pub const DEFAULT_API_BASE_URL: &str = "https://api.line.me";
/// Default data API base URL.
pub const DEFAULT_DATA_API_BASE_URL: &str = "https://api-data.line.me";
/// Default LINE Official Account Manager base URL.
pub const DEFAULT_MANAGER_BASE_URL: &str = "https://manager.line.biz";
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u32 = 10_000;
/// Default first-byte and between-bytes timeout of one attempt.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Default attempts per action.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
/// Default delay before the first retry.
pub const DEFAULT_RETRY_DELAY_MS: u32 = 500;
/// Default bound on a whole action.
pub const DEFAULT_TOTAL_TIMEOUT_MS: u32 = 60_000;
/// Most attempts a config may ask for.
pub const MAX_ATTEMPTS: u32 = 10;

/// The config, checked.
#[derive(Clone)]
pub struct Settings<'a> {
    /// Messaging API base URL, without a trailing `/`.
    pub api_base: &'a str,
    /// Data API base URL, without a trailing `/`.
    pub data_base: &'a str,
    /// LINE Official Account Manager base URL, without a trailing `/`.
    pub manager_base: &'a str,
    /// How to authenticate.
    pub credentials: Credentials<'a>,
    /// Timeouts of one attempt.
    pub timeouts: Timeouts,
    /// Attempts per action, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub retry_delay_ms: u64,
    /// Bound on the whole action.
    pub total_timeout_ms: u64,
}

impl<'a> Settings<'a> {
    /// Checks every config field; the first problem is an `invalid-input`
    /// error naming it.
    pub fn from_config(config: &'a Config) -> Result<Self, ErrorCode> {
        let ms = |field: &str, value: Option<u32>, default: u32| match value {
            Some(0) => Err(invalid(field, "must be at least 1 millisecond")),
            value => Ok(u64::from(value.unwrap_or(default))),
        };
        let timeout = ms("config.timeoutMs", config.timeout_ms, DEFAULT_TIMEOUT_MS)?;
        let max_attempts = config.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
        if !(1..=MAX_ATTEMPTS).contains(&max_attempts) {
            return Err(invalid(
                "config.maxAttempts",
                format!("must be 1 to {MAX_ATTEMPTS}, got {max_attempts}"),
            ));
        }
        let credentials = Credentials::from_config(config)?;
        if let Credentials::Client { token_url, .. } | Credentials::Assertion { token_url, .. } =
            credentials
        {
            check_url("config.tokenUrl", token_url)?;
        }
        Ok(Settings {
            api_base: check_url(
                "config.apiBaseUrl",
                config
                    .api_base_url
                    .as_deref()
                    .unwrap_or(DEFAULT_API_BASE_URL),
            )?,
            data_base: check_url(
                "config.dataApiBaseUrl",
                config
                    .data_api_base_url
                    .as_deref()
                    .unwrap_or(DEFAULT_DATA_API_BASE_URL),
            )?,
            manager_base: check_url(
                "config.managerBaseUrl",
                config
                    .manager_base_url
                    .as_deref()
                    .unwrap_or(DEFAULT_MANAGER_BASE_URL),
            )?,
            credentials,
            timeouts: Timeouts {
                connect_ms: ms(
                    "config.connectTimeoutMs",
                    config.connect_timeout_ms,
                    DEFAULT_CONNECT_TIMEOUT_MS,
                )?,
                first_byte_ms: timeout,
                between_bytes_ms: timeout,
            },
            max_attempts,
            retry_delay_ms: ms(
                "config.retryDelayMs",
                config.retry_delay_ms,
                DEFAULT_RETRY_DELAY_MS,
            )?,
            total_timeout_ms: ms(
                "config.totalTimeoutMs",
                config.total_timeout_ms,
                DEFAULT_TOTAL_TIMEOUT_MS,
            )?,
        })
    }
}

/// The longest configured URL taken.
const MAX_URL_BYTES: usize = 2048;

/// Checks a configured URL (http or https, a host, no user name or
/// password, no query or fragment) and returns it without a trailing `/`.
fn check_url<'a>(field: &str, url: &'a str) -> Result<&'a str, ErrorCode> {
    let problem = |what: &str| Err(invalid(field, format!("{what}, got {}", quote(url))));
    if url.len() > MAX_URL_BYTES {
        return problem(&format!("must be at most {MAX_URL_BYTES} bytes long"));
    }
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return problem("must be an http:// or https:// URL");
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return problem(
            "must not hold a user name or password (give credentials in their own fields)",
        );
    }
    if url.contains(['#', '?']) {
        return problem("must not have a query or a fragment (`?`, `#`): paths are added to it");
    }
    if authority.is_empty() || url.parse::<http::Uri>().is_err() {
        return problem("is not a valid URL");
    }
    Ok(url.trim_end_matches('/'))
}
