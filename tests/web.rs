//! The web map in a real browser: the real binary serving the bundled data from a fresh
//! embedded store (so writes work), driven by `scripts/browser/map-test.mjs` (playwright-core
//! and the system Chromium). The page's own checks print one line each; this test fails when
//! any of them fails. Screenshots go to `target/browser-artifacts/`. The server runs on a
//! round-the-clock calendar, so the live alert check works at any hour.
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
    // A round-the-clock calendar (every day, 00:00–24:00) with a 36-second limit for street
    // vending, so the page's alert check does not depend on the hour the tests run at.
    let mut calendar: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("geodata/calendar.json")).expect("the calendar"),
    )
    .expect("the calendar is JSON");
    calendar["working_hours"] = serde_json::json!([["00:00", "24:00"]]);
    calendar["working_weekdays"] = serde_json::json!([1, 2, 3, 4, 5, 6, 7]);
    calendar["time_limits_h"]["street_vending"] = serde_json::json!(0.01);
    std::fs::write(dir.join("calendar.json"), calendar.to_string()).expect("a temp file");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(root.join("geodata"))
            .arg("--calendar")
            .arg(dir.join("calendar.json"))
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
