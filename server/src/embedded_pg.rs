//! The embedded default database: a Postgres cluster that Keel creates, starts and stops itself
//! under its data folder, using the distribution's Postgres binaries. Postgres refuses to run as
//! root, so when Keel runs as root the cluster runs as the `postgres` system user.
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no Postgres server binaries found (looked in /usr/lib/postgresql/*/bin and KEEL_PG_BINDIR); install Debian's `postgresql` package, or set DATABASE_URL"
    )]
    NoBinaries,
    #[error(
        "running as root needs the `postgres` system user to run the embedded cluster; install Debian's `postgresql` package, or set DATABASE_URL"
    )]
    NoPostgresUser,
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    cluster: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    port: u16,
    run_as_postgres: bool,
}

impl EmbeddedPostgres {
    pub fn new(data_dir: &Path, port: u16) -> Result<Self, EmbeddedError> {
        Ok(EmbeddedPostgres {
            bin_dir: find_bin_dir()?,
            cluster: data_dir.join("postgres"),
            socket_dir: data_dir.join("run"),
            log_file: data_dir.join("postgres.log"),
            port,
            run_as_postgres: is_root(),
        })
    }

    /// Connection URL of the `keel` database over the cluster's Unix socket.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost:{}/{database}?host={}",
            self.port,
            self.socket_dir.display()
        )
    }

    /// Creates the cluster on first use and starts it unless it is already running.
    /// Returns true when this call started it (and so should stop it).
    pub fn start(&self) -> Result<bool, EmbeddedError> {
        std::fs::create_dir_all(&self.cluster)?;
        std::fs::create_dir_all(&self.socket_dir)?;
        if self.run_as_postgres {
            let (uid, gid) = postgres_ids()?;
            for dir in [&self.cluster, &self.socket_dir] {
                std::os::unix::fs::chown(dir, Some(uid), Some(gid))?;
            }
            if !self.log_file.exists() {
                std::fs::write(&self.log_file, "")?;
            }
            std::os::unix::fs::chown(&self.log_file, Some(uid), Some(gid))?;
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&self.cluster, std::fs::Permissions::from_mode(0o700))?;
        std::fs::set_permissions(&self.socket_dir, std::fs::Permissions::from_mode(0o700))?;

        if !self.cluster.join("PG_VERSION").exists() {
            tracing::info!(cluster = %self.cluster.display(), "creating the embedded Postgres cluster");
            self.run(
                "initdb",
                &[
                    "-D",
                    &self.cluster.to_string_lossy(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-instructions",
                ],
            )?;
        }
        if self.is_running() {
            return Ok(false);
        }
        let (shared, cache) = memory_settings_mb();
        let opts = format!(
            "-c listen_addresses='' -k {} -p {} -c unix_socket_permissions=0700 -c max_connections=200 \
             -c shared_buffers={shared}MB -c effective_cache_size={cache}MB",
            self.socket_dir.display(),
            self.port
        );
        tracing::info!(port = self.port, "starting the embedded Postgres cluster");
        self.run(
            "pg_ctl",
            &[
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                &self.cluster.to_string_lossy(),
                "-l",
                &self.log_file.to_string_lossy(),
                "-o",
                &opts,
            ],
        )?;
        Ok(true)
    }

    pub fn is_running(&self) -> bool {
        self.run("pg_ctl", &["status", "-D", &self.cluster.to_string_lossy()])
            .is_ok()
    }

    pub fn stop(&self) -> Result<(), EmbeddedError> {
        if !self.is_running() {
            return Ok(());
        }
        tracing::info!("stopping the embedded Postgres cluster");
        self.run(
            "pg_ctl",
            &[
                "stop",
                "-w",
                "-m",
                "fast",
                "-D",
                &self.cluster.to_string_lossy(),
            ],
        )
        .map(|_| ())
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<String, EmbeddedError> {
        let program = self.bin_dir.join(tool);
        let mut cmd = if self.run_as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        // Postgres children must not inherit a working directory they cannot read.
        cmd.args(args).current_dir("/");
        let out = cmd.output().map_err(|e| EmbeddedError::Command {
            what: tool.into(),
            detail: e.to_string(),
        })?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(EmbeddedError::Command {
                what: format!("{tool} {}", args.first().copied().unwrap_or("")),
                detail: format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stderr),
                    String::from_utf8_lossy(&out.stdout)
                ),
            })
        }
    }
}

fn find_bin_dir() -> Result<PathBuf, EmbeddedError> {
    if let Some(dir) = std::env::var_os("KEEL_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| EmbeddedError::NoBinaries)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, b)| b)
        .ok_or(EmbeddedError::NoBinaries)
}

fn postgres_ids() -> Result<(u32, u32), EmbeddedError> {
    let id = |flag: &str| -> Result<u32, EmbeddedError> {
        let out = Command::new("id").args([flag, "postgres"]).output()?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| EmbeddedError::NoPostgresUser)
    };
    Ok((id("-u")?, id("-g")?))
}

/// Postgres's default 128 MB of shared buffers keeps little of a million-contact table in memory;
/// the embedded cluster takes a quarter of the machine's memory (128 MB to 4 GB) and tells the
/// planner that half of it caches files.
fn memory_settings_mb() -> (u64, u64) {
    let total_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(2 * 1024 * 1024);
    let total_mb = total_kb / 1024;
    ((total_mb / 4).clamp(128, 4096), (total_mb / 2).max(256))
}
