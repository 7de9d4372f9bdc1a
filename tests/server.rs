//! The TCP server (`gridwatch::api::serve`): keep-alive connections dealt to two HTTP workers
//! get the same answers as the app in process, and a shutdown stops the server even while
//! idle keep-alive connections are open; SIGTERM to the binary lets the request in flight
//! finish before the process exits.

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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gridwatch"))
        .args(["serve", "--read-only", "--listen", &address, "--data"])
        .arg(common::geodata_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stream = None;
    for _ in 0..600 {
        if let Ok(s) = TcpStream::connect(&address).await {
            stream = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut stream = BufReader::new(stream.expect("the server listens within 30 s"));
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
    // Long enough for the request to arrive, far shorter than the analysis.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pid = child.id().to_string();
    let signalled = std::time::Instant::now();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let ((status, body), answered) = asked.await.unwrap();
    assert_eq!(status, 200);
    let teams: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(teams["features"].as_array().unwrap().len(), 222);
    assert!(answered > signalled, "the answer came after the signal");
    let mut exit = None;
    for _ in 0..800 {
        exit = child.try_wait().unwrap();
        if exit.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let Some(exit) = exit else {
        let _ = child.kill();
        panic!("the server did not exit within its 30 s drain");
    };
    assert!(exit.success(), "{exit:?}");
    assert!(TcpStream::connect(&address).await.is_err());
}
