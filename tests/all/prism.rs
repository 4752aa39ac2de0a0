//! Stoplight Prism (`@stoplight/prism-cli`, from npm) serving one of LINE's
//! OpenAPI files as a validating mock on loopback. Prism is installed once
//! into `target/prism` with the machine's npm; each server is stopped when
//! its handle drops.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The Prism release the suite runs (major version 5, pinned for repeatable runs).
pub const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.14.2";

/// A running Prism mock server.
pub struct Prism {
    child: Child,
    /// Its base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    /// Serves `spec` on a free loopback port; waits until it listens. The
    /// port is free when picked but another test may take it before Prism
    /// binds it, so a Prism that exits before listening is started again on
    /// another port (a few times).
    pub fn serve(spec: &Path) -> Prism {
        let bin = install();
        for _ in 0..4 {
            if let Some(prism) = Self::try_serve(&bin, spec) {
                return prism;
            }
        }
        panic!(
            "Prism exited before listening, four times, for {}",
            spec.display()
        );
    }

    /// Prism on one free port, or `None` if it exited before listening.
    fn try_serve(bin: &Path, spec: &Path) -> Option<Prism> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let mut child = Command::new(bin)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads Prism's log until it listens, then drains it so Prism never blocks.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("Prism is listening") {
                    tx.take().map(|tx| tx.send(()));
                }
            }
        });
        let started = Instant::now();
        while rx.recv_timeout(Duration::from_millis(200)).is_err() {
            if let Ok(Some(_)) = child.try_wait() {
                return None;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "Prism did not start within 120 s for {}",
                spec.display()
            );
        }
        Some(Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

/// Installs Prism into `target/prism` unless it is there; returns its command.
fn install() -> PathBuf {
    static ONCE: Mutex<()> = Mutex::new(());
    let _guard = ONCE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = target_dir().join("prism");
    let bin = dir.join("node_modules/.bin/prism");
    let stamp = dir.join("installed");
    if bin.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == PRISM_PACKAGE) {
        return bin;
    }
    std::fs::create_dir_all(&dir).unwrap();
    eprintln!("installing {PRISM_PACKAGE} into {} with npm", dir.display());
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&dir)
        .arg(PRISM_PACKAGE)
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("running npm to install Prism (is Node.js installed?): {e}"));
    assert!(
        status.success(),
        "npm install {PRISM_PACKAGE} failed: {status}"
    );
    std::fs::write(&stamp, PRISM_PACKAGE).unwrap();
    bin
}

/// Cargo's target folder: the test binary lives in `target/debug/deps`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}
