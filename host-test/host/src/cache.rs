//! The compiled-component cache on disk. Compiling the component with
//! Cranelift takes about a second; loading a compiled one about a
//! millisecond, so a `line-connector run` does not pay the compile each
//! time. Entries are keyed by the component's SHA-256 and the engine's
//! compatibility hash (wasmtime's version and settings), so a changed
//! component or host never loads a stale artifact. Each file is the artifact
//! followed by its CRC-32, checked before loading, so a truncated or
//! corrupted file is compiled anew instead. The file is mapped, not read:
//! wasmtime runs the code from the page cache and only the pages an action
//! touches are paged in.
//!
//! The folder is `$LINE_CONNECTOR_CACHE` (`off` disables the cache), else
//! `$XDG_CACHE_HOME/line-connector`, else `~/.cache/line-connector`. It must
//! be the user's own: compiled code in it is loaded and run as it is.

use anyhow::{Context, Result};
use memmap2::Mmap;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// The cache folder, or `None` when the cache is off or there is no home.
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os("LINE_CONNECTOR_CACHE") {
        Some(dir) if dir == "off" => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
            .map(|cache| cache.join("line-connector")),
    }
}

/// The component compiled for `engine`: from the cache when it holds it,
/// else compiled now and stored (a cache that cannot be written is skipped).
pub fn load(engine: &Engine, wasm: &[u8]) -> Result<Component> {
    let Some(dir) = dir() else {
        return compile(engine, wasm);
    };
    let path = dir.join(format!("{}.cwasm", key(engine, wasm)));
    if intact(&path) {
        // SAFETY: the file was written by `store` below from
        // `Component::serialize` for this very component and a compatible
        // engine (both are in its name), and its CRC-32 matches, so it is
        // the bytes written then, not a truncated or damaged file (writes are
        // atomic renames, so a file found at this name is always a whole
        // one). wasmtime checks its header and compatibility again, and
        // anything refused is compiled anew. The folder is the user's own
        // (see the module's doc): no check guards against someone who can
        // write there, and none is claimed.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, &path) } {
            return Ok(component);
        }
    }
    let component = compile(engine, wasm)?;
    if let Ok(mut artifact) = component.serialize() {
        let crc = crc32fast::hash(&artifact);
        artifact.extend_from_slice(&crc.to_le_bytes());
        let _ = store(&dir, &path, &artifact);
    }
    Ok(component)
}

/// Whether the file at `path` ends with the CRC-32 of what precedes it
/// (read through a mapping, so checking does not copy the artifact).
fn intact(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    // SAFETY: the mapping is read-only and dropped before this returns;
    // cache files are replaced by renaming, never written in place, so the
    // mapped bytes do not change under it.
    let Ok(map) = (unsafe { Mmap::map(&file) }) else {
        return false;
    };
    let Some((artifact, crc)) = map.split_last_chunk::<4>() else {
        return false;
    };
    crc32fast::hash(artifact) == u32::from_le_bytes(*crc)
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Component> {
    Component::new(engine, wasm)
        .map_err(anyhow::Error::from)
        .context("compiling the component")
}

/// Writes atomically: another process never sees half a file.
fn store(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// The component's SHA-256 and the engine's compatibility hash.
fn key(engine: &Engine, wasm: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{}-{:016x}", digest(wasm), hasher.finish())
}

/// The SHA-256 of `wasm`, in hex: for the component embedded in this host,
/// the one its build script made (so a run does not hash it at every start).
pub fn digest(wasm: &[u8]) -> String {
    if std::ptr::eq(wasm, crate::embedded::EMBEDDED_COMPONENT) {
        return crate::embedded::EMBEDDED_SHA256.to_owned();
    }
    Sha256::digest(wasm)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
