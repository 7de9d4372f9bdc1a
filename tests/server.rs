//! The TCP server (`gridwatch::api::serve`): keep-alive connections dealt to two HTTP workers
//! get the same answers as the app in process, and a shutdown stops the server even while
//! idle keep-alive connections are open; SIGTERM to the binary lets the request in flight
//! finish before the process exits, and does not wait for work nobody waits for.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use common::engine;
use gridwatch::api::{AppState, app, serve};
use gridwatch::index::Engine;
use http_body_util::BodyExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// A body as compared: JSON answers without their `timeStamp`, which names the second the
/// answer was made and so differs between two requests that straddle a second.
fn comparable(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut json) => {
            if let Some(object) = json.as_object_mut() {
                object.remove("timeStamp");
            }
            serde_json::to_vec(&json).unwrap()
        }
        Err(_) => body.to_vec(),
    }
}

/// Sends one keep-alive GET on `stream` and reads the answer: status and body.
async fn get(stream: &mut BufReader<TcpStream>, path: &str) -> (u16, Vec<u8>) {
    let request = format!("GET {path} HTTP/1.1\r\nhost: test.local\r\n\r\n");
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .unwrap();
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await.unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    (status, comparable(&body))
}

#[tokio::test(flavor = "multi_thread")]
async fn workers_answer_as_the_app_does_and_stop_on_shutdown() {
    let state = AppState::new(Engine::clone(&engine()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app(state.clone()), 2, async {
        let _ = stopped.await;
    }));

    let paths = [
        "/tiles/buildings/14/13298/6705.mvt",
        "/tiles/districts/10/831/418.mvt",
        "/ogc/collections/districts/items?limit=2",
        "/api/v1/nowhere",
    ];
    let mut expected = Vec::new();
    for path in paths {
        let request = Request::get(path)
            .header("host", "test.local")
            .body(Body::empty())
            .unwrap();
        let response = app(state.clone()).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        expected.push((status, comparable(&body)));
    }
    // Eight connections over two workers, each asking for every path twice in turn.
    let mut clients = Vec::new();
    for _ in 0..8 {
        let expected = expected.clone();
        clients.push(tokio::spawn(async move {
            let mut stream = BufReader::new(TcpStream::connect(address).await.unwrap());
            for round in 0..2 {
                for (path, want) in paths.iter().zip(&expected) {
                    assert_eq!(&get(&mut stream, path).await, want, "{path}, round {round}");
                }
            }
            stream
        }));
    }
    let mut idle = Vec::new();
    for client in clients {
        idle.push(client.await.unwrap());
    }
    assert_eq!(expected[0].0, 200);
    assert_eq!(expected[3].0, 404);

    // The connections are still open and idle: a shutdown closes them and the server returns.
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops within 10 s")
        .unwrap()
        .unwrap();
    let mut rest = Vec::new();
    let read = idle[0].read_to_end(&mut rest).await.unwrap_or(0);
    assert_eq!(read, 0, "an idle connection is closed, not answered");
    assert!(
        TcpStream::connect(address).await.is_err(),
        "nothing listens after the shutdown"
    );
}

/// SIGTERM to the real binary while an analysis is in flight: the answer still arrives whole,
/// then the process exits cleanly and nothing listens any more.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_the_request_in_flight_finish() {
    let data = common::geodata_dir();
    let mut server = Process::start(&[
        "--read-only",
        "--max-analytics",
        "2",
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(
        server.logged("serving", Duration::from_secs(60)).await,
        "the server listens: {:?}",
        server.log.lock().unwrap()
    );
    let mut stream = BufReader::new(TcpStream::connect(&server.address).await.unwrap());
    assert_eq!(get(&mut stream, "/healthz").await.0, 200);
    // Every team's coverage, dosage and timing: the slowest analysis there is.
    let asked = tokio::spawn(async move {
        let answer = get(
            &mut stream,
            "/api/v1/patrol/teams?from=2019-01-01&to=2021-12-31",
        )
        .await;
        (answer, std::time::Instant::now())
    });
    // The analysis is under way once it holds one of the two analytics slots.
    let mut started = false;
    for _ in 0..600 {
        if server.analytics_slots_free().await < 2.0 {
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(started, "the analysis takes a slot");
    let signalled = std::time::Instant::now();
    // Within its 30 s drain, with room to spare.
    let exit = server.terminate(Duration::from_secs(40)).await;
    let ((status, body), answered) = asked.await.unwrap();
    assert_eq!(status, 200);
    let teams: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(teams["features"].as_array().unwrap().len(), 222);
    assert!(answered > signalled, "the answer came after the signal");
    assert!(exit.is_some_and(|e| e.success()), "{exit:?}");
    assert!(TcpStream::connect(&server.address).await.is_err());
}

/// A server process of the test binary with its log lines gathered as they come.
struct Process {
    child: std::process::Child,
    address: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Process {
    fn start(args: &[&str]) -> Self {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args(["--log-format", "json", "serve", "--listen", &address])
            .args(args)
            .env("RUST_LOG", "gridwatch=info")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                lines.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            address,
            log,
        }
    }

    /// Waits (at most `limit`) for a log line containing `text`.
    async fn logged(&self, text: &str, limit: Duration) -> bool {
        let until = std::time::Instant::now() + limit;
        while std::time::Instant::now() < until {
            if self.log.lock().unwrap().iter().any(|l| l.contains(text)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// One GET on a new connection.
    async fn get(&self, path: &str) -> (u16, Vec<u8>) {
        self.get_owned(path.to_owned()).await
    }

    /// The analytics slots free now, as `/metrics` reports them.
    async fn analytics_slots_free(&self) -> f64 {
        let (status, metrics) = self.get("/metrics").await;
        assert_eq!(status, 200);
        String::from_utf8(metrics)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("gridwatch_analytics_slots_free "))
            .unwrap()
            .parse()
            .unwrap()
    }

    /// One GET on a new connection, as a future that owns what it needs.
    fn get_owned(&self, path: String) -> impl Future<Output = (u16, Vec<u8>)> + use<> {
        let address = self.address.clone();
        async move {
            let mut stream = BufReader::new(TcpStream::connect(&address).await.unwrap());
            get(&mut stream, &path).await
        }
    }

    /// CPU seconds the process has used (user + system, from /proc).
    fn cpu_s(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the command name (which may hold spaces) in parentheses.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
        ticks / 100.0
    }

    /// Sends SIGTERM and waits (at most `limit`) for the exit (`None`: still running, then
    /// killed).
    async fn terminate(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let until = std::time::Instant::now() + limit;
        while std::time::Instant::now() < until {
            if let Some(exit) = self.child.try_wait().unwrap() {
                return Some(exit);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Process {
    /// A failed test leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bundled city with another city's street extract (its own streets moved ~950 km east,
/// as a user who fetched the wrong OpenStreetMap extract would load them): every building is
/// far beyond the snap limit. The background join of buildings to the network must stop at
/// the limit (it scanned every street segment for each building, minutes of two cores), so the
/// server settles to idle within seconds; and SIGTERM ends it within 5 s while an analysis
/// whose client stopped waiting still runs on the blocking pool.
#[tokio::test(flavor = "multi_thread")]
async fn a_street_extract_far_from_the_city_idles_and_sigterm_does_not_wait_for_background_work() {
    use geo::MapCoordsInPlace;
    let dir = common::scratch_dir("far-streets");
    let mut data = gridwatch::geodata::read_dir(&common::geodata_dir()).unwrap();
    for street in &mut data.streets {
        street.geometry.map_coords_in_place(|c| geo::Coord {
            x: c.x + 10.0,
            y: c.y,
        });
    }
    gridwatch::geodata::write_dir(&dir, &data).unwrap();

    let mut server = Process::start(&[
        "--read-only",
        "--analytics-timeout-s",
        "0.05",
        "--max-analytics",
        "12",
        "--data",
        dir.to_str().unwrap(),
    ]);
    assert!(
        server.logged("serving", Duration::from_secs(60)).await,
        "the server listens: {:?}",
        server.log.lock().unwrap()
    );
    // The background work (every hexbin level, every building joined to the network) ends:
    // before the snap stopped at its limit this took minutes of two cores.
    assert!(
        server
            .logged("walking network", Duration::from_secs(60))
            .await,
        "the network report is logged: {:?}",
        server.log.lock().unwrap()
    );
    let report = server
        .log
        .lock()
        .unwrap()
        .iter()
        .find(|l| l.contains("walking network"))
        .cloned()
        .unwrap();
    let beyond = format!("\"buildings_beyond_snap_limit\":{}", data.buildings.len());
    assert!(report.contains(&beyond), "{report}");
    // Idle: a fraction of one core over two seconds (it was two whole cores).
    let before = server.cpu_s();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = server.cpu_s() - before;
    assert!(used < 0.5, "{used} CPU s in 2 s of idling");

    // Eleven analyses (every team ranked on one kind each, ~1 s of CPU apiece here) outlive
    // their 50 ms limit: each client gets a 503 and the work goes on, holding its slot (seen
    // in /metrics), seconds of work on two cores. SIGTERM must not wait for it.
    let kinds = [
        "dispute",
        "safety_hazard",
        "police_call",
        "criminal_case",
        "property_dispute",
        "illegal_construction",
        "street_vending",
        "school_surroundings",
        "market_sanitation",
        "drainage",
        "petition",
    ];
    let asked = kinds.map(|kind| {
        server.get_owned(format!(
            "/api/v1/patrol/teams?from=2019-01-01&to=2021-12-31&kind={kind}"
        ))
    });
    for answer in futures_util::future::join_all(asked).await {
        assert_eq!(answer.0, 503);
    }
    let free = server.analytics_slots_free().await;
    assert!(
        free <= 6.0,
        "the analyses hold their slots ({free} of 12 free)"
    );
    let exit = server.terminate(Duration::from_secs(5)).await;
    assert!(
        exit.is_some_and(|e| e.success()),
        "the server exits within 5 s of SIGTERM: {exit:?}, {:?}",
        server.log.lock().unwrap()
    );
    assert!(server.logged("stopped", Duration::from_secs(1)).await);
}
