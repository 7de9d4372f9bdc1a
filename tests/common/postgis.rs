//! A throwaway PostgreSQL 15 + PostGIS cluster for the tests of one test binary: initdb into a
//! temporary directory, its own port and socket, started on first use and stopped (and its
//! directory removed) by a watchdog when the test process exits. It never touches a cluster it
//! did not create. `GRIDWATCH_TEST_DATABASE_URL` points the tests at another server instead.
//!
//! Needs the Debian packages postgresql-15 and postgresql-15-postgis-3, which
//! `scripts/test-all` installs.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::zombie_processes,
    reason = "test set-up fails loudly; the watchdog outlives this process on purpose"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = "/usr/lib/postgresql/15/bin";

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root).
fn pg(bin: &str, args: &[&str]) -> Command {
    let path = format!("{BIN}/{bin}");
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", &path])
            .args(args)
            .current_dir("/");
        c
    } else {
        let mut c = Command::new(path);
        c.args(args);
        c
    }
}

fn run(command: Command, what: &str) {
    run_or(String::new, command, what);
}

/// Runs `command`; on failure panics with its output and what `more` then says.
fn run_or(more: impl FnOnce() -> String, mut command: Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        more()
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A cluster this test process made: stopped and removed by a watchdog when the process
/// exits; a test may stop and start it meanwhile (the fault tests).
pub struct Cluster {
    data: String,
    options: String,
    log: PathBuf,
    /// `postgres://postgres@127.0.0.1:PORT` (no database name).
    pub url: String,
}

impl Cluster {
    /// initdb into a new temporary directory and start it on a free port.
    pub fn start_new() -> Self {
        Self::start_with("")
    }

    /// [`Self::start_new`] with more server options (`-c name=value ...`).
    pub fn start_with(more: &str) -> Self {
        assert!(
            Path::new(BIN).join("initdb").exists()
                && Path::new("/usr/share/postgresql/15/extension/postgis.control").exists(),
            "PostgreSQL 15 with PostGIS is not installed: run ./scripts/test-all, which installs postgresql-15-postgis-3"
        );
        let dir = PathBuf::from(format!(
            "/tmp/gridwatch-pg-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            let mut chown = Command::new("chown");
            chown.args(["-R", "postgres:postgres"]).arg(&dir);
            run(chown, "chown");
        }
        let data = dir.join("data").to_str().unwrap().to_owned();
        run(
            pg(
                "initdb",
                &[
                    "-D",
                    &data,
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
            ),
            "initdb",
        );
        let port = free_port();
        // The server is not crashed by the tests (only gridwatch is), so fsync is not needed.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c full_page_writes=off {more}",
            dir.display()
        );
        let cluster = Self {
            log: dir.join("server.log"),
            data,
            options,
            url: format!("postgres://postgres@127.0.0.1:{port}"),
        };
        cluster.start();
        // Stop the cluster and remove it once this test process is gone.
        let stop = if is_root() {
            format!(
                "runuser -u postgres -- {BIN}/pg_ctl -D {} -m immediate -w stop",
                cluster.data
            )
        } else {
            format!("{BIN}/pg_ctl -D {} -m immediate -w stop", cluster.data)
        };
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            dir = dir.display()
        );
        Command::new("setsid")
            .args(["sh", "-c", &watchdog])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the cluster watchdog starts");
        cluster
    }

    /// Starts the (stopped) cluster, waiting until it accepts connections; on failure the
    /// panic carries the server's log, which is gone with the cluster afterwards.
    pub fn start(&self) {
        let log = self.log.clone();
        let with_log = move || std::fs::read_to_string(&log).unwrap_or_default();
        run_or(
            with_log,
            pg(
                "pg_ctl",
                &[
                    "-D",
                    &self.data,
                    "-l",
                    self.log.to_str().unwrap(),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    &self.options,
                    "start",
                ],
            ),
            "pg_ctl start",
        );
    }

    /// Stops the cluster (fast shutdown: sessions are ended, as when an operator stops it).
    pub fn stop(&self) {
        run(
            pg("pg_ctl", &["-D", &self.data, "-m", "fast", "-w", "stop"]),
            "pg_ctl stop",
        );
    }
}

/// The server the tests use (`postgres://...` without a database name).
pub fn server() -> &'static str {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| {
        std::env::var("GRIDWATCH_TEST_DATABASE_URL").unwrap_or_else(|_| Cluster::start_new().url)
    })
}

/// A new, empty database on the test server, for one test.
pub async fn fresh_database() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let admin = format!("{}/postgres", server());
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("the test server accepts connections");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .unwrap();
    format!("{}/{name}", server())
}

/// A Citus cluster on this machine: a coordinator and two workers (three throwaway clusters
/// with Citus preloaded), one database `gw` with the `citus` extension on each, the workers
/// added to the coordinator.
pub struct Citus {
    pub coordinator: Cluster,
    pub workers: [Cluster; 2],
}

impl Citus {
    /// Starts the three nodes and joins them.
    pub async fn start() -> Self {
        assert!(
            Path::new("/usr/share/postgresql/15/extension/citus.control").exists(),
            "Citus is not installed: run ./scripts/test-all, which installs vendor/citus/"
        );
        let node = || {
            Cluster::start_with(
                "-c shared_preload_libraries=citus -c max_connections=200 -c wal_level=logical",
            )
        };
        let citus = Self {
            coordinator: node(),
            workers: [node(), node()],
        };
        for n in [&citus.coordinator, &citus.workers[0], &citus.workers[1]] {
            let mut admin = connect(&format!("{}/postgres", n.url)).await;
            sqlx::query("CREATE DATABASE gw")
                .execute(&mut admin)
                .await
                .unwrap();
            let mut gw = connect(&format!("{}/gw", n.url)).await;
            sqlx::query("CREATE EXTENSION citus")
                .execute(&mut gw)
                .await
                .unwrap();
        }
        let mut coordinator = connect(&citus.url()).await;
        sqlx::query("SELECT citus_set_coordinator_host('127.0.0.1', $1)")
            .bind(port(&citus.coordinator))
            .execute(&mut coordinator)
            .await
            .unwrap();
        for w in &citus.workers {
            sqlx::query("SELECT citus_add_node('127.0.0.1', $1)")
                .bind(port(w))
                .execute(&mut coordinator)
                .await
                .unwrap();
        }
        citus
    }

    /// The worker holding `city`'s shards (every table's are colocated), by port.
    pub async fn worker_of(&self, pool: &sqlx::PgPool, city: i32) -> i32 {
        sqlx::query_scalar(
            "SELECT nodeport FROM citus_shards
             WHERE shardid = get_shard_id_for_distribution_column('incidents', $1)",
        )
        .bind(city)
        .fetch_one(pool)
        .await
        .unwrap()
    }

    /// The coordinator's `gw` database.
    pub fn url(&self) -> String {
        format!("{}/gw", self.coordinator.url)
    }
}

/// The port of a cluster.
pub fn port(c: &Cluster) -> i32 {
    c.url.rsplit(':').next().unwrap().parse().unwrap()
}

async fn connect(url: &str) -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}
