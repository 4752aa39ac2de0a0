//! The Python and Node packages built and installed as a user does, for
//! the tests and the benchmark: the wheel by maturin (`python/`), the
//! tarball by `npm pack` (`node/`, whose prepack builds the addon), each
//! installed into a fresh virtual environment or an empty folder with
//! whatever else is asked for (pytest, LINE's SDKs). The tools land in
//! `target/` of this checkout; nothing is written into `python/`, and only
//! the addon into `node/`.

use anyhow::{Context, Result, bail};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The maturin the wheel is built with (pinned).
pub const MATURIN: &str = "maturin==1.16.0";

/// The repository this command was built from.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `command`; its output, or an error with what it printed.
pub fn checked(command: &mut Command, what: &str) -> Result<Output> {
    let out = command
        .output()
        .with_context(|| format!("starting {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}

/// `python -m pip install`, quietly.
const PIP_INSTALL: [&str; 5] = [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
];

/// `pip install --target dir args` (with `--break-system-packages` where
/// the system's pip asks for it).
pub fn pip_target(dir: &Path, args: &[&str]) -> Result<()> {
    let pip = |extra: &[&str]| {
        Command::new("python3")
            .args(PIP_INSTALL)
            .arg("--root-user-action=ignore")
            .arg("--target")
            .arg(dir)
            .args(extra)
            .args(args)
            .status()
            .is_ok_and(|s| s.success())
    };
    if pip(&[]) || pip(&["--break-system-packages"]) {
        return Ok(());
    }
    bail!("pip install {args:?} into {} failed", dir.display())
}

/// Builds the wheel into `out` with maturin (installed into
/// `target/python/maturin` the first time); its path.
pub fn wheel(out: &Path) -> Result<PathBuf> {
    let tools = root().join("target/python/maturin");
    if !tools.join("bin/maturin").exists() {
        pip_target(&tools, &[MATURIN])?;
    }
    checked(
        Command::new(tools.join("bin/maturin"))
            .args(["build", "--quiet", "--out"])
            .arg(out)
            .current_dir(root().join("python"))
            .env("PYTHONPATH", &tools),
        "maturin build",
    )?;
    only_file(out, "whl")
}

/// The one file in `dir` ending `.ext`.
fn only_file(dir: &Path, ext: &str) -> Result<PathBuf> {
    std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|e| e == ext))
        .with_context(|| format!("no .{ext} in {}", dir.display()))
}

/// A fresh virtual environment at `venv` with `packages` installed (a
/// wheel's path or a requirement each); its interpreter.
pub fn venv<S: AsRef<OsStr>>(venv: &Path, packages: &[S]) -> Result<PathBuf> {
    checked(
        Command::new("python3").args(["-m", "venv"]).arg(venv),
        "python3 -m venv",
    )?;
    let python = venv.join("bin/python");
    checked(
        Command::new(&python)
            .args(PIP_INSTALL)
            .args(packages)
            .current_dir(venv),
        "pip install into the virtual environment",
    )?;
    Ok(python)
}

/// npm's flags for a quiet install.
pub const NPM_QUIET: [&str; 3] = ["--no-audit", "--no-fund", "--loglevel=error"];

/// Packs `node/` into `out` with `npm pack` (its prepack builds the addon);
/// the tarball's path.
pub fn tarball(out: &Path) -> Result<PathBuf> {
    let packed = checked(
        Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(out)
            .current_dir(root().join("node")),
        "npm pack",
    )?;
    let stdout = String::from_utf8_lossy(&packed.stdout);
    let name = stdout.lines().last().context("npm pack named no tarball")?;
    Ok(out.join(name.trim()))
}

/// An empty ES-module project at `app` with `packages` installed (a
/// tarball's path or a package spec each).
pub fn node_app<S: AsRef<OsStr>>(app: &Path, packages: &[S]) -> Result<()> {
    std::fs::create_dir_all(app)?;
    std::fs::write(
        app.join("package.json"),
        r#"{"name": "app", "private": true, "type": "module"}"#,
    )?;
    checked(
        Command::new("npm")
            .arg("install")
            .args(NPM_QUIET)
            .args(packages)
            .current_dir(app),
        "npm install",
    )?;
    Ok(())
}

/// `python -c script` with the interpreter of an environment the wheel is
/// installed in (nothing of the caller's `PYTHONPATH`); arguments follow.
pub fn python_script(python: &Path, script: &str) -> Command {
    let mut command = Command::new(python);
    command.args(["-c", script]).env_remove("PYTHONPATH");
    command
}

/// `node -e script` as an ES module in `app`, the folder the tarball is
/// installed in (so `import "line-connector"` finds it); arguments follow.
pub fn node_script(app: &Path, script: &str) -> Command {
    let mut command = Command::new("node");
    command
        .args(["--input-type=module", "-e", script])
        .current_dir(app);
    command
}
