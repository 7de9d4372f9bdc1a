//! The web map in a real browser: the real binary serving the bundled data from a fresh
//! embedded store (so writes work), driven by `scripts/browser/map-test.mjs` (playwright-core
//! and the system Chromium). The page's own checks print one line each; this test fails when
//! any of them fails. Screenshots go to `target/browser-artifacts/`.
//!
//! Needs Node.js, `npm ci` in `scripts/browser` and Debian's `chromium`, which
//! `scripts/test-all` installs; without them the test is skipped, unless
//! `GRIDWATCH_REQUIRE_BROWSER=1` (set by `scripts/test-all`) makes that a failure.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn browser_tools_present(root: &Path) -> bool {
    root.join("scripts/browser/node_modules/playwright-core")
        .is_dir()
        && Path::new("/usr/bin/chromium").exists()
        && Command::new("node").arg("--version").output().is_ok()
}

#[test]
fn the_map_renders_updates_live_and_keeps_its_state_in_the_url() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_tools_present(root) {
        assert!(
            std::env::var_os("GRIDWATCH_REQUIRE_BROWSER").is_none(),
            "the browser tests need node, scripts/browser/node_modules and /usr/bin/chromium"
        );
        eprintln!("skipped: no browser tools (run scripts/test-all)");
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dir = std::env::temp_dir().join(format!("gridwatch-web-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(root.join("geodata"))
            .arg("--store")
            .arg(dir.join("web.gpkg"))
            .env("GRIDWATCH_TOKENS", "operator:browser-test")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    let artifacts = root.join("target/browser-artifacts");
    let run = Command::new("node")
        .arg(root.join("scripts/browser/map-test.mjs"))
        .args([base.as_str(), "browser-test"])
        .arg(&artifacts)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&run.stdout);
    eprintln!("{report}{}", String::from_utf8_lossy(&run.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(run.status.success(), "the browser checks failed:\n{report}");
    assert!(report.contains("time to first full map"), "{report}");
}
