//! Shared helpers of the integration tests: the bundled dataset loaded once per test binary,
//! and requests answered by the router in-process (no socket).

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

pub mod callers;
pub mod mvt;
pub mod postgis;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use gridwatch::api::{AppState, app};
use gridwatch::index::Engine;

/// The bundled dataset directory.
pub fn geodata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

/// A committed reference answer, `tests/fixtures/{name}` (made by `scripts/reference/`).
pub fn fixture(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("the fixture reads"))
        .expect("the fixture is JSON")
}

/// The networkx walking distances on the bundled streets (`scripts/reference/streets.py`).
pub fn streets_reference() -> serde_json::Value {
    fixture("streets_reference.json")
}

/// The engine over the bundled dataset, built once.
pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let data = gridwatch::geodata::read_dir(&geodata_dir()).expect("bundled dataset reads");
            Arc::new(Engine::build(data).expect("bundled dataset indexes"))
        })
        .clone()
}

/// An empty directory for one test's files: `gridwatch-tests/{name}-{pid}` under the temp
/// directory. A test binary cannot clean up when it exits (a store must outlive every test
/// that uses it), so each binary's first call removes what earlier, finished test processes
/// left there: a directory whose process is gone.
pub fn scratch_dir(name: &str) -> PathBuf {
    static SWEPT: OnceLock<()> = OnceLock::new();
    let root = std::env::temp_dir().join("gridwatch-tests");
    SWEPT.get_or_init(|| {
        for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
    let dir = root.join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temp directory is writable");
    dir
}

/// A writable server over a fresh GeoPackage store (in [`scratch_dir`] of `name`), with
/// `access` deciding who reads and writes what.
pub fn writable(
    name: &str,
    access: gridwatch::api::Access,
) -> (AppState, Arc<gridwatch::store::gpkg::GpkgStore>) {
    let dir = scratch_dir(name);
    let (store, _) =
        gridwatch::store::gpkg::GpkgStore::open_or_create(&dir.join("city.gpkg"), || {
            Ok(Engine::clone(&engine()))
        })
        .expect("a fresh store");
    let store = Arc::new(store);
    let dynamic: Arc<dyn gridwatch::store::Store> = store.clone();
    (
        AppState::with_access(
            gridwatch::live::Live::new(Engine::clone(&engine()), Some(dynamic)),
            access,
            gridwatch::api::TileCaches::default(),
            gridwatch::api::Limits::default(),
        ),
        store,
    )
}

/// A response, decoded.
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    /// The body as JSON (`Null` when it is not JSON: look at `body` then).
    pub json: serde_json::Value,
    /// The body as text (lossy UTF-8), whatever it is.
    pub body: String,
}

/// Sends `method path` with an optional body to the app over the bundled data.
pub async fn request(method: &str, path: &str, body: Option<&str>) -> Reply {
    request_to(AppState::new(Engine::clone(&engine())), method, path, body).await
}

/// `GET path` against a given state (whose caches persist between calls).
pub async fn get_from(state: &AppState, path: &str) -> Reply {
    request_to(state.clone(), "GET", path, None).await
}

/// Sends `method path` to the app over `state`.
pub async fn request_to(state: AppState, method: &str, path: &str, body: Option<&str>) -> Reply {
    request_with_headers(state, method, path, body, &[]).await
}

/// Sends `method path` with extra headers to the app over `state`.
pub async fn request_with_headers(
    state: AppState,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Reply {
    send(app(state), method, path, body, headers).await
}

/// Sends `method path` with extra headers to `router` (an application of many cities).
pub async fn send(
    router: axum::Router,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Reply {
    let app = router;
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "test.local");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
        .expect("valid request");
    let response = app
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body reads")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        content_type,
        headers,
        json,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// `GET path`.
pub async fn get(path: &str) -> Reply {
    request("GET", path, None).await
}

/// Follows `next` links from `path` and returns every feature of every page.
pub async fn all_pages(path: &str) -> Vec<serde_json::Value> {
    let mut features = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(url) = next.take() {
        let reply = get(&url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.json);
        features.extend(
            reply.json["features"]
                .as_array()
                .expect("features")
                .iter()
                .cloned(),
        );
        next = reply.json["links"]
            .as_array()
            .and_then(|links| links.iter().find(|l| l["rel"] == "next"))
            .and_then(|l| l["href"].as_str())
            .map(|href| href.trim_start_matches("http://test.local").to_owned());
    }
    features
}

/// Another city from the bundled sources: Jingmen's shapes moved to (112.14, 32.04), with
/// `incidents` incidents, indexed.
pub fn generated_city(code: &str, name: &str, incidents: usize) -> Engine {
    let generated = gridwatch::geodata::generate::generate(
        &geodata_dir().join("sources"),
        gridwatch::geodata::generate::Options {
            incidents,
            city: gridwatch::model::City {
                code: code.parse().expect("a city code"),
                name: name.into(),
            },
            centre: gridwatch::model::LonLat::new(112.14, 32.04),
            ..gridwatch::geodata::generate::Options::default()
        },
    )
    .expect("the sources generate");
    Engine::build(generated.dataset).expect("the city indexes")
}
