//! Channels by name: a folder of configs, one file per channel
//! (`NAME.json`, the config as `--config` takes it, secrets as today), so
//! that several LINE channels are configured in one place and chosen by
//! name. The folder is `$LINE_CONNECTOR_CHANNELS`, or `./channels`.

use crate::files;
use anyhow::{Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The environment variable naming the channels folder.
pub const CHANNELS_ENV: &str = "LINE_CONNECTOR_CHANNELS";

/// The folder used when neither an argument nor the environment names one.
pub const DEFAULT_DIR: &str = "channels";

/// The longest channel name.
pub const MAX_NAME_CHARS: usize = 64;

/// The channels folder.
#[derive(Debug, Clone)]
pub struct Channels {
    dir: PathBuf,
}

/// Checks a channel name: 1 to [`MAX_NAME_CHARS`] of `A-Z a-z 0-9 _ -`
/// (a file name in every folder, never a path).
pub fn check_name(name: &str) -> Result<()> {
    let ok = (1..=MAX_NAME_CHARS).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    anyhow::ensure!(
        ok,
        "channel {name:?}: a name is 1 to {MAX_NAME_CHARS} letters, digits, `_` or `-`"
    );
    Ok(())
}

impl Channels {
    /// The channels in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Channels { dir: dir.into() }
    }

    /// The channels in `dir` if given, else in `$LINE_CONNECTOR_CHANNELS`,
    /// else in `./channels`.
    pub fn from_env_or(dir: Option<&Path>) -> Self {
        match dir {
            Some(dir) => Self::new(dir),
            None => Self::new(
                std::env::var_os(CHANNELS_ENV)
                    .map(PathBuf::from)
                    .unwrap_or_else(|| DEFAULT_DIR.into()),
            ),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of channel `name`.
    pub fn path(&self, name: &str) -> Result<PathBuf> {
        check_name(name)?;
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// The config of channel `name` (read within the config bound).
    pub fn config(&self, name: &str) -> Result<Value> {
        let path = self.path(name)?;
        if !path.is_file() {
            let known = self.names().unwrap_or_default().join(", ");
            anyhow::bail!(
                "no channel {name:?} in {} (it has: {})",
                self.dir.display(),
                if known.is_empty() { "none" } else { &known }
            );
        }
        let bytes = files::read(&path, files::MAX_CONFIG_BYTES, "--channel")?;
        serde_json::from_slice(&bytes)
            .with_context(|| format!("channel {name}: {} is not valid JSON", path.display()))
    }

    /// The channels' names, sorted (files named `NAME.json` with a valid name).
    pub fn names(&self) -> Result<Vec<String>> {
        let entries = std::fs::read_dir(&self.dir)
            .with_context(|| format!("reading the channels folder {}", self.dir.display()))?;
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let name = name.strip_suffix(".json")?.to_owned();
                check_name(&name).ok().map(|_| name)
            })
            .collect();
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_names_never_paths() {
        for good in ["soc", "SOC_alerts-2", &"a".repeat(64)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "../x", "a/b", "a.b", ".hidden", "é", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        let channels = Channels::new("/etc/line");
        assert_eq!(
            channels.path("soc").unwrap(),
            Path::new("/etc/line/soc.json")
        );
        assert!(channels.path("../passwd").is_err());
    }
}
