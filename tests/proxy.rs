//! nginx in front of gridwatch: `deploy/nginx/gridwatch.conf` run by the real nginx with this
//! test's ports, before three processes on one Citus cluster (two serving Jingmen, one
//! Xiangyang, each `serve --database-url --cities`). Each city's paths reach its processes,
//! links point back through the proxy, a write through the proxy reaches both of Jingmen's
//! processes (they stay in sync through the coordinator), and a city no process serves is a 404
//! naming those served.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gridwatch::model::City;
use gridwatch::store::postgis::{PgStore, import};

use common::postgis::Citus;

/// A child process killed when the test ends.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.0 exchange: the status and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request += &[name, ": ", value, "\r\n"].concat();
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

fn json(body: &str) -> serde_json::Value {
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(body);
    assert!(parsed.is_ok(), "not JSON: {body}");
    parsed.unwrap()
}

fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `gridwatch serve` of `city` on `port` over the cluster.
fn serve(url: &str, city: &str, port: u16) -> Process {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let process = Process(
        Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", url, "--cities", city, "--data"])
            .arg(root.join("geodata"))
            .env("GRIDWATCH_TOKENS", "operator:op")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_until("the server starts", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
            && http(port, "GET", "/readyz", &[], "").0 == 200
    });
    process
}

/// nginx running `deploy/nginx/gridwatch.conf` with the servers and the listening port replaced.
fn nginx(dir: &Path, listen: u16, jingmen: [u16; 2], xiangyang: u16) -> Process {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = std::fs::read_to_string(root.join("deploy/nginx/gridwatch.conf"))
        .unwrap()
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{listen}"))
        .replace("127.0.0.1:8081", &format!("127.0.0.1:{}", jingmen[0]))
        .replace("127.0.0.1:8082", &format!("127.0.0.1:{}", jingmen[1]))
        .replace("127.0.0.1:8083", &format!("127.0.0.1:{xiangyang}"));
    std::fs::write(dir.join("gridwatch.conf"), site).unwrap();
    let d = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  \
             proxy_temp_path {d}/proxy;\n  include {d}/gridwatch.conf;\n}}\n"
        ),
    )
    .unwrap();
    let process = Process(
        Command::new("/usr/sbin/nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx runs (scripts/test-all installs nginx-light)"),
    );
    wait_until("nginx starts", || {
        TcpStream::connect(("127.0.0.1", listen)).is_ok()
    });
    process
}

#[test]
fn nginx_sends_each_city_to_its_processes() {
    assert!(
        Path::new("/usr/sbin/nginx").exists(),
        "nginx is not installed: run ./scripts/test-all, which installs nginx-light"
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (citus, url) = runtime.block_on(async {
        let citus = Citus::start().await;
        let url = citus.url();
        let store = PgStore::connect(&url, City::jingmen()).await.unwrap();
        let xiangyang = common::generated_city("420600", "Xiangyang", 3_000);
        let bar = indicatif::ProgressBar::hidden();
        import(store.pool(), &common::engine(), &bar).await.unwrap();
        import(store.pool(), &xiangyang, &bar).await.unwrap();
        (citus, url)
    });
    let ports = [free_port(), free_port(), free_port()];
    let _servers = [
        serve(&url, "420800", ports[0]),
        serve(&url, "420800", ports[1]),
        serve(&url, "420600", ports[2]),
    ];
    let dir = common::scratch_dir("nginx");
    let proxy = free_port();
    let _nginx = nginx(&dir, proxy, [ports[0], ports[1]], ports[2]);

    // Each city's answers come from its processes, unchanged.
    let hexbins = "/cities/420800/api/v1/hexbins?res=7";
    let (status, through) = http(proxy, "GET", hexbins, &[], "");
    assert_eq!(status, 200, "{through}");
    assert_eq!(
        json(&through)["features"],
        json(&http(ports[0], "GET", hexbins, &[], "").1)["features"]
    );
    let (status, other) = http(proxy, "GET", "/cities/420600/api/v1/hexbins?res=7", &[], "");
    assert_eq!(status, 200);
    assert_ne!(json(&other)["features"], json(&through)["features"]);
    // Links point back through the proxy.
    let (_, landing) = http(proxy, "GET", "/cities/420600/ogc", &[], "");
    assert_eq!(
        json(&landing)["links"][0]["href"],
        format!("http://127.0.0.1:{proxy}/cities/420600/ogc")
    );
    // A write through the proxy reaches both of Jingmen's processes.
    let body = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,31.03]},"properties":{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","source":"hotline"}}"#;
    let (status, created) = http(
        proxy,
        "POST",
        "/cities/420800/api/v1/incidents",
        &[
            ("Authorization", "Bearer op"),
            ("Content-Type", "application/geo+json"),
        ],
        body,
    );
    assert_eq!(status, 201, "{created}");
    let id = json(&created)["ids"][0].as_u64().unwrap();
    for port in [ports[0], ports[1]] {
        wait_until("both processes have the write", || {
            http(
                port,
                "GET",
                &format!("/cities/420800/ogc/collections/incidents/items/{id}"),
                &[],
                "",
            )
            .0 == 200
        });
    }
    // Xiangyang's process does not have it.
    let (status, _) = http(
        ports[2],
        "GET",
        &format!("/ogc/collections/incidents/items/{id}"),
        &[],
        "",
    );
    assert_eq!(status, 404);
    // A city no process serves.
    let (status, missing) = http(proxy, "GET", "/cities/999900/ogc", &[], "");
    assert_eq!(status, 404);
    assert!(
        json(&missing)["detail"]
            .as_str()
            .unwrap()
            .contains("420800"),
        "{missing}"
    );
    drop(citus);
}
