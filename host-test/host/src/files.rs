//! Files a user names (a config, an input, a CA bundle, a webhook body),
//! read with their bound checked while reading: an endless FIFO or
//! `/dev/zero` is refused after one byte past the bound, with a message
//! naming the file and the bound, never read until memory runs out.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;

/// The most a config file may be (LINE's configs are a few hundred bytes;
/// a JWK with a 16,384-bit key is under 20 KB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The most a CA bundle may be (a system's whole bundle is about 200 KB).
pub const MAX_CA_BYTES: u64 = 16 << 20;

/// The bytes of the file at `path` (`what` names it in messages: `--config`,
/// `--ca-file`, …), refused when it holds more than `max` bytes.
pub fn read(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("{what} {}: cannot be read", path.display()))?;
    bounded(file, max).with_context(|| format!("{what} {}", path.display()))
}

/// Everything `reader` holds, refused when it is more than `max` bytes
/// (reading stops one byte past it).
pub fn bounded(reader: impl Read, max: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .context("reading failed")?;
    if bytes.len() as u64 > max {
        bail!("larger than {max} bytes, the most it may be");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_source_stops_one_byte_past_the_bound() {
        let error = bounded(std::io::repeat(b'x'), 1000).unwrap_err();
        assert!(
            error.to_string().contains("larger than 1000 bytes"),
            "{error}"
        );
        assert_eq!(bounded(&b"12345"[..], 5).unwrap(), b"12345");
    }
}
