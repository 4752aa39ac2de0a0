//! The compiled-component cache on disk. Compiling the component with
//! Cranelift takes most of a second; loading a compiled one takes a few
//! milliseconds, so a `line-connector run` does not pay the compile each
//! time. Entries are keyed by the component's SHA-256 and the engine's
//! compatibility hash (wasmtime's version and settings), so a changed
//! component or host never loads a stale artifact; each file starts with the
//! SHA-256 of the artifact it holds, checked before loading, so a truncated,
//! corrupted or altered file is compiled anew instead.
//!
//! The folder is `$LINE_CONNECTOR_CACHE` (`off` disables the cache), else
//! `$XDG_CACHE_HOME/line-connector`, else `~/.cache/line-connector`. It must
//! be the user's own: compiled code in it is loaded and run as it is.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
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
    let file = std::fs::read(&path).unwrap_or_default();
    if let Some(artifact) = checked(&file) {
        // SAFETY: the artifact was written by `Component::serialize` below
        // for this very component and a compatible engine (both are in the
        // file's name), and its stored SHA-256 matches, so it is the bytes
        // written then (not a truncated or altered file); wasmtime checks its
        // header and compatibility again, and anything refused is recompiled.
        if let Ok(component) = unsafe { Component::deserialize(engine, artifact) } {
            return Ok(component);
        }
    }
    let component = compile(engine, wasm)?;
    if let Ok(artifact) = component.serialize() {
        let mut file = Sha256::digest(&artifact).to_vec();
        file.extend_from_slice(&artifact);
        let _ = store(&dir, &path, &file);
    }
    Ok(component)
}

/// The artifact in a cache file (its SHA-256, then the artifact), if the
/// digest matches.
fn checked(file: &[u8]) -> Option<&[u8]> {
    let (digest, artifact) = file.split_at_checked(32)?;
    (Sha256::digest(artifact).as_slice() == digest).then_some(artifact)
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
    if std::ptr::eq(wasm, crate::EMBEDDED_COMPONENT) {
        return env!("LINE_CONNECTOR_WASM_SHA256").to_owned();
    }
    Sha256::digest(wasm)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
