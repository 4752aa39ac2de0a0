//! A PostgreSQL server of one's own, for the replica tests and the
//! benchmark: Debian's server binaries (`/usr/lib/postgresql/VERSION/bin`),
//! a cluster made by `initdb` in a temporary directory, listening on a
//! loopback port only (no Unix socket), run as the `postgres` user when
//! this process is root (PostgreSQL refuses to run as root), with a random
//! password (SCRAM) that is never printed. Stopped and removed when
//! dropped; [`Server::crash`] and [`Server::start_again`] restart it on the
//! same data and port, as an operator's failover or a crash would.

use anyhow::{Context, Result, bail};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The role the cluster is made with (its superuser).
pub const USER: &str = "line";

/// A running (or crashed) server.
pub struct Server {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    password: String,
    /// The uid and gid it runs as (none: this process's own).
    owner: Option<(u32, u32)>,
    child: Option<Child>,
}

impl Server {
    /// Makes a cluster and starts its server; waits until it takes
    /// connections (at most 60 s).
    pub fn start() -> Result<Server> {
        Self::start_with(None)
    }

    /// [`Server::start`], taking TLS connections only, with this PEM
    /// certificate chain and key.
    pub fn start_tls(cert: &Path, key: &Path) -> Result<Server> {
        Self::start_with(Some((cert, key)))
    }

    fn start_with(tls: Option<(&Path, &Path)>) -> Result<Server> {
        let bin = binaries()?;
        let owner = owner()?;
        let dir = tempfile::Builder::new()
            .prefix("scratch-postgres")
            .tempdir()?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))?;
        }
        let password = hex(&rand::random::<[u8; 16]>());
        let mut server = Server {
            bin,
            dir,
            port: 0,
            password,
            owner,
            child: None,
        };
        server.initdb()?;
        if let Some((cert, key)) = tls {
            server.tls_only(cert, key)?;
        }
        // A port free now may be taken before the server binds it: another.
        let mut last = None;
        for _ in 0..4 {
            server.port = free_port()?;
            match server.start_again() {
                Ok(()) => return Ok(server),
                Err(error) => last = Some(error),
            }
        }
        Err(last.unwrap())
    }

    /// `postgres://line@127.0.0.1:PORT/DATABASE` (the password apart:
    /// [`Server::password`], for `PGPASSWORD`).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// The password of [`USER`].
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Makes a database `name` (`createdb`).
    pub fn create_database(&self, name: &str) -> Result<()> {
        let status = Command::new(self.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER])
            .arg(name)
            .env("PGPASSWORD", &self.password)
            .stdout(Stdio::null())
            .status()
            .context("running createdb")?;
        anyhow::ensure!(status.success(), "createdb {name}: {status}");
        Ok(())
    }

    /// Stops the server at once, as a crash would (SIGQUIT: no checkpoint,
    /// connections dropped; what was committed is recovered from the WAL
    /// at the next start).
    pub fn crash(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: signalling a child this value owns.
            unsafe { libc::kill(child.id() as i32, libc::SIGQUIT) };
            let _ = child.wait();
        }
    }

    /// Starts the server on its data and port (after [`Server::crash`]);
    /// waits until it takes connections.
    pub fn start_again(&mut self) -> Result<()> {
        let log = std::fs::File::create(self.dir.path().join("server.log"))?;
        let mut command = Command::new(self.bin.join("postgres"));
        command
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "unix_socket_directories="])
            .args(["-c", "max_connections=100"])
            .args(["-c", "shared_buffers=32MB"])
            .stdout(Stdio::null())
            .stderr(log);
        self.as_owner(&mut command);
        self.child = Some(command.spawn().context("starting postgres")?);
        self.wait_ready()
    }

    /// The server's log so far (for a failing test's message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `initdb`: the cluster, its superuser [`USER`] with the password,
    /// SCRAM for connections over TCP.
    fn initdb(&self) -> Result<()> {
        let pwfile = self.dir.path().join("pwfile");
        std::fs::write(&pwfile, format!("{}\n", self.password))?;
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid))?;
        }
        let mut command = Command::new(self.bin.join("initdb"));
        command
            .arg("-D")
            .arg(self.data())
            .args([
                "-U",
                USER,
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .args(["--no-sync", "-E", "UTF8", "--locale=C"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        self.as_owner(&mut command);
        let done = command.output().context("running initdb")?;
        std::fs::remove_file(&pwfile)?;
        anyhow::ensure!(
            done.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&done.stderr)
        );
        Ok(())
    }

    /// TLS on, with copies of `cert` and `key` the server can read, and
    /// connections without it refused (`hostssl` only).
    fn tls_only(&self, cert: &Path, key: &Path) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let data = self.data();
        for (from, to) in [(cert, "server.crt"), (key, "server.key")] {
            let to = data.join(to);
            std::fs::copy(from, &to)?;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))?;
            if let Some((uid, gid)) = self.owner {
                std::os::unix::fs::chown(&to, Some(uid), Some(gid))?;
            }
        }
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))?;
        use std::io::Write as _;
        writeln!(conf, "ssl = on")?;
        std::fs::write(
            data.join("pg_hba.conf"),
            format!("hostssl all {USER} 127.0.0.1/32 scram-sha-256\n"),
        )?;
        Ok(())
    }

    /// Until `pg_isready` says it takes connections, or the server exited.
    fn wait_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                self.child = None;
                bail!("postgres exited ({status}): {}", self.log());
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .context("running pg_isready")?;
            if ready.success() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!(
            "postgres did not take connections within 60 s: {}",
            self.log()
        )
    }

    /// Runs `command` as the server's user (when this process is root).
    fn as_owner(&self, command: &mut Command) {
        if let Some((uid, gid)) = self.owner {
            command.uid(uid).gid(gid).current_dir(self.dir.path());
        }
    }
}

impl Drop for Server {
    /// Stops the server (fast shutdown: SIGINT), then the directory goes.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: signalling a child this value owns.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            let _ = child.wait();
        }
    }
}

/// The newest `/usr/lib/postgresql/VERSION/bin` with a server in it.
fn binaries() -> Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "PostgreSQL's server is not installed (no {}/VERSION/bin/postgres; \
             on Debian: apt-get install postgresql)",
            root.display()
        ),
    }
}

/// Whom the server runs as: the `postgres` user (or `nobody`) when this
/// process is root, else this process's own user.
fn owner() -> Result<Option<(u32, u32)>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    for name in [c"postgres", c"nobody"] {
        // SAFETY: a NUL-terminated name; the entry is read at once, before
        // any other getpw* call on this thread.
        let entry = unsafe { libc::getpwnam(name.as_ptr()) };
        if !entry.is_null() {
            // SAFETY: non-null, as just checked.
            let entry = unsafe { &*entry };
            return Ok(Some((entry.pw_uid, entry.pw_gid)));
        }
    }
    bail!("running as root, and there is no `postgres` or `nobody` user to run the server as")
}

/// A loopback port nothing listens on now.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts, takes a database, survives a crash, keeps its port.
    #[test]
    fn a_server_starts_crashes_and_starts_again() {
        let mut server = Server::start().unwrap();
        server.create_database("one").unwrap();
        let port = server.port();
        server.crash();
        assert!(server.create_database("two").is_err(), "down after a crash");
        server.start_again().unwrap();
        assert_eq!(server.port(), port);
        server.create_database("three").unwrap();
        assert!(!server.log().contains(server.password()));
    }
}
