//! Acknowledged writes survive `kill -9`: the real binary is started on a store, a write is
//! acknowledged (201), the process is killed at once with SIGKILL, and a new process on the
//! same store must hold the write; a large batch killed while it is being written leaves all
//! of it or none of it, never a part. Run for both stores.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `gridwatch serve`, and the lines of its log (debug for the write path).
struct Server {
    child: Child,
    port: u16,
    log: std::sync::mpsc::Receiver<String>,
}

impl Server {
    fn start(store_args: &[&str]) -> Self {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(common::geodata_dir())
            .args(store_args)
            .env("GRIDWATCH_TOKENS", "operator:durable")
            .env("RUST_LOG", "warn,gridwatch::live=debug")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut child = child;
        let stderr = child.stderr.take().unwrap();
        let (lines, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("{line}");
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Self { child, port, log };
        for _ in 0..600 {
            if server
                .request("GET", "/readyz", None)
                .is_some_and(|(status, _)| status == 200)
            {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server did not become ready");
    }

    /// A minimal HTTP/1.1 exchange: (status, body), or None if the server is not answering.
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> Option<(u16, String)> {
        Self::request_to(self.port, method, path, body)
    }

    /// The number of incidents the server holds.
    fn incidents(&self) -> u64 {
        let (_, ready) = self.request("GET", "/readyz", None).unwrap();
        serde_json::from_str::<serde_json::Value>(&ready).unwrap()["layers"]["incidents"]
            .as_u64()
            .unwrap()
    }

    fn request_to(
        port: u16,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
        let body = body.unwrap_or("");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer durable\r\nContent-Type: application/geo+json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        stream.write_all(body.as_bytes()).ok()?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply).ok()?;
        let status = reply.split(' ').nth(1)?.parse().ok()?;
        Some((
            status,
            reply
                .split_once("\r\n\r\n")
                .map_or(String::new(), |(_, b)| b.to_owned()),
        ))
    }

    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// A FeatureCollection of `n` incidents.
fn batch(n: usize) -> String {
    let feature = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.21,31.02]},"properties":{"kind":"dispute","reported_at":"2022-02-01T09:00:00+08:00","source":"hotline"}}"#;
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        vec![feature; n].join(",")
    )
}

fn survives_kill_9(store_args: &[&str]) {
    let first = Server::start(store_args);
    let body = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,31.03]},"properties":{"kind":"criminal_case","reported_at":"2022-01-05T22:10:00+08:00","source":"police"}}"#;
    let (status, reply) = first
        .request("POST", "/api/v1/incidents", Some(body))
        .unwrap();
    assert_eq!(status, 201, "{reply}");
    let id = serde_json::from_str::<serde_json::Value>(&reply).unwrap()["ids"][0]
        .as_u64()
        .unwrap();
    let (status, _) = first
        .request(
            "PATCH",
            &format!("/api/v1/incidents/{id}"),
            Some(r#"{"status":"assigned"}"#),
        )
        .unwrap();
    assert_eq!(status, 200);
    let acknowledged = first.incidents();
    // A batch of 20,000 killed while in flight: all or nothing after the restart.
    let batch = batch(20_000);
    let port = first.port;
    let sender = std::thread::spawn(move || {
        Server::request_to(port, "POST", "/api/v1/incidents", Some(&batch))
    });
    // The kill lands once the server has started writing the batch to the store (its debug
    // line says so just before the store is touched), and before it answers.
    let started = std::iter::from_fn(|| first.log.recv_timeout(Duration::from_secs(120)).ok())
        .any(|line| line.contains("storing incidents") && line.contains("20000"));
    assert!(started, "the server began storing the batch");
    first.kill_9();
    let answered = sender.join().unwrap();
    assert!(
        answered.is_none(),
        "the kill landed while the batch was in flight, before any answer: {answered:?}"
    );

    let second = Server::start(store_args);
    let after = second.incidents();
    assert!(
        after == acknowledged || after == acknowledged + 20_000,
        "a killed batch left part of itself: {acknowledged} before, {after} after (answer: {answered:?})"
    );
    eprintln!("killed batch: {acknowledged} incidents before, {after} after");
    let (status, feature) = second
        .request(
            "GET",
            &format!("/ogc/collections/incidents/items/{id}"),
            None,
        )
        .unwrap();
    assert_eq!(
        status, 200,
        "the acknowledged incident is still there after kill -9"
    );
    let feature: serde_json::Value = serde_json::from_str(&feature).unwrap();
    assert_eq!(feature["properties"]["kind"], "criminal_case");
    assert_eq!(
        feature["properties"]["status"], "assigned",
        "and so is its acknowledged status change"
    );
    second.kill_9();
}

#[test]
fn the_geopackage_store_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("gridwatch-durability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = dir.join("city.gpkg");
    survives_kill_9(&["--store", store.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_postgis_store_survives_kill_9() {
    let url = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(common::postgis::fresh_database());
    survives_kill_9(&["--database-url", &url]);
}
