//! Faults of the stores. PostGIS stopped while the server runs: reads keep being answered from
//! memory; writes answer 503 (problem+json) and leave nothing behind, in the database or in
//! memory; when the database returns the server writes again by itself, with no restart (the
//! cluster is this test's own: stopping the shared one would break the others). The embedded
//! store on a full disk (a small tmpfs, mounted when the tests run as root): writes answer 507
//! and leave nothing; when space returns they go through.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::postgis::Cluster;
use common::{engine, request_with_headers};
use gridwatch::api::{AppState, Tokens};
use gridwatch::index::Engine;
use gridwatch::live::Live;
use gridwatch::store::Store;
use gridwatch::store::postgis::{PgStore, import};
use serde_json::json;

fn incident(day: u32) -> String {
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.03] },
            "properties": { "kind": "safety_hazard", "reported_at": format!("2022-05-{day:02}T10:00:00+08:00"), "source": "grid_worker" } })
    .to_string()
}

async fn post(state: &AppState, day: u32) -> common::Reply {
    request_with_headers(
        state.clone(),
        "POST",
        "/api/v1/incidents",
        Some(&incident(day)),
        &[
            ("content-type", "application/geo+json"),
            ("authorization", "Bearer op"),
        ],
    )
    .await
}

async fn rows(url: &str) -> i64 {
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT count(*) FROM incidents")
        .fetch_one(&mut connection)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgis_stopped_reads_go_on_writes_are_refused_and_it_recovers_by_itself() {
    let cluster = Cluster::start_new();
    let url = format!("{}/postgres", cluster.url);
    let store = Arc::new(
        PgStore::connect(&url, gridwatch::model::City::jingmen())
            .await
            .unwrap(),
    );
    import(store.pool(), &engine(), &indicatif::ProgressBar::hidden())
        .await
        .unwrap();
    let dynamic: Arc<dyn Store> = store.clone();
    let state = AppState::with_live(
        Live::new(Engine::clone(&engine()), Some(dynamic)),
        Tokens::parse_plain("operator:op").unwrap(),
    );
    assert_eq!(post(&state, 1).await.status, StatusCode::CREATED);
    let before_rows = rows(&url).await;
    let before_memory = state.engine().incidents.len();
    let reads = [
        "/api/v1/hexbins?res=8",
        "/ogc/collections/incidents/items?limit=3",
        "/api/v1/stats/communities",
    ];
    let mut answers = Vec::new();
    for read in reads {
        let reply = request_with_headers(state.clone(), "GET", read, None, &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{read}");
        answers.push(without_time_stamp(reply.json));
    }

    cluster.stop();
    // The same answers from memory with the database down.
    for (read, before) in reads.into_iter().zip(&answers) {
        let reply = request_with_headers(state.clone(), "GET", read, None, &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{read} with the database down"
        );
        assert_eq!(
            &without_time_stamp(reply.json),
            before,
            "{read}: the answer changed with the database down"
        );
    }
    let ready = request_with_headers(state.clone(), "GET", "/readyz", None, &[]).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.json);
    assert_eq!(
        ready.json["layers"]["incidents"].as_u64(),
        Some(before_memory as u64)
    );
    let refused = post(&state, 2).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.json
    );
    assert_eq!(refused.content_type, "application/problem+json");
    assert_eq!(
        state.engine().incidents.len(),
        before_memory,
        "nothing half-published"
    );

    cluster.start();
    // The pool finds the database again by itself: the next writes go through.
    let deadline = Instant::now() + Duration::from_secs(30);
    let written = loop {
        let reply = post(&state, 3).await;
        if reply.status == StatusCode::CREATED {
            break reply;
        }
        assert!(
            Instant::now() < deadline,
            "no recovery: {} {}",
            reply.status,
            reply.json
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(written.json["count"], 1);
    assert_eq!(
        rows(&url).await,
        before_rows + 1,
        "the refused write left nothing"
    );
    assert_eq!(state.engine().incidents.len(), before_memory + 1);
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    /// `None` when mounting is not allowed here (not root).
    fn mount(megabytes: u32) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("gridwatch-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Self(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fills the file system of `dir` with `filler` until a write fails.
fn fill(filler: &std::path::Path) {
    use std::io::Write as _;
    let mut file = std::fs::File::create(filler).unwrap();
    let chunk = vec![0u8; 64 << 10];
    while file
        .write_all(&chunk)
        .and_then(|()| file.sync_all())
        .is_ok()
    {}
}

#[tokio::test]
async fn the_embedded_store_on_a_full_disk_refuses_writes_whole_and_recovers() {
    use gridwatch::store::gpkg::GpkgStore;
    let Some(disk) = Tmpfs::mount(160) else {
        assert!(
            std::env::var_os("GRIDWATCH_REQUIRE_FAULTS").is_none(),
            "mounting a tmpfs needs root"
        );
        eprintln!("skipped: cannot mount a tmpfs (not root)");
        return;
    };
    let path = disk.0.join("city.gpkg");
    let (store, _) = GpkgStore::open_or_create(&path, || Ok(Engine::clone(&engine()))).unwrap();
    let store = Arc::new(store);
    let dynamic: Arc<dyn Store> = store.clone();
    let state = AppState::with_live(
        Live::new(Engine::clone(&engine()), Some(dynamic)),
        Tokens::parse_plain("operator:op").unwrap(),
    );
    let before = store.load().await.unwrap().incidents.len();
    let filler = disk.0.join("filler");
    fill(&filler);
    let batch = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        vec![incident(4); 5_000].join(",")
    );
    let send = || {
        request_with_headers(
            state.clone(),
            "POST",
            "/api/v1/incidents",
            Some(&batch),
            &[
                ("content-type", "application/geo+json"),
                ("authorization", "Bearer op"),
            ],
        )
    };
    let refused = send().await;
    assert_eq!(
        refused.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        refused.json
    );
    assert_eq!(refused.content_type, "application/problem+json");
    assert_eq!(state.engine().incidents.len(), before);
    let read = request_with_headers(state.clone(), "GET", "/api/v1/hexbins?res=8", None, &[]).await;
    assert_eq!(read.status, StatusCode::OK);

    std::fs::remove_file(&filler).unwrap();
    let accepted = send().await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.json);
    drop(state);
    let reopened = GpkgStore::open_or_create(&path, || unreachable!("the store exists"))
        .unwrap()
        .0;
    assert_eq!(
        reopened.load().await.unwrap().incidents.len(),
        before + 5_000,
        "the refused batch left nothing, the accepted one is whole"
    );
}

/// An answer without its `timeStamp` (the second it was made).
fn without_time_stamp(mut json: serde_json::Value) -> serde_json::Value {
    if let Some(object) = json.as_object_mut() {
        object.remove("timeStamp");
    }
    json
}
