//! What operators see: `GET /metrics` in the Prometheus text format (checked by `promtool
//! check metrics`), counted per route template and never per tile path, with the caches'
//! hits and the data version; a request id on every response; and load shedding: analytics
//! beyond their slots or their time limit answer 503 with `Retry-After`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly and read top to bottom"
)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridwatch::api::{AppState, app};
use gridwatch::index::Engine;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn send(
    router: &axum::Router,
    path: &str,
    id: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::builder().uri(path);
    if let Some(id) = id {
        request = request.header("x-request-id", id);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn metrics_count_requests_per_route_template_and_pass_promtool() {
    let router = app(AppState::new(Engine::clone(&common::engine())));
    for path in [
        "/tiles/grids/13/6649/3352.mvt",
        "/tiles/grids/13/6649/3353.mvt",
        "/tiles/grids/13/6649/3352.mvt",
        "/api/v1/hexbins?res=8",
        "/api/v1/hexbins?res=8",
        "/ogc/collections/grids/items?limit=1",
        "/no/such/thing",
    ] {
        send(&router, path, None).await;
    }
    let (status, headers, text) = send(&router, "/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(
        text.contains(r#"route="/tiles/{layers}/{z}/{x}/{y}""#),
        "tiles counted under their template:\n{text}"
    );
    // Only label values are checked: a sample's value (a duration, a byte
    // count) may contain any digits.
    let per_path: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| Some(&l[l.find('{')?..=l.rfind('}')?]))
        .filter(|labels| labels.contains("6649"))
        .collect();
    assert!(per_path.is_empty(), "never per tile path: {per_path:?}");
    assert!(text.contains(r#"route="/api/v1/hexbins""#));
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(
        text.contains(r#"gridwatch_tile_cache_requests_total{result="hit"}"#),
        "{}",
        text.lines()
            .filter(|l| l.contains("tile"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(text.contains(r#"gridwatch_answer_cache_requests_total{result="hit"}"#));
    let incidents = common::engine().incidents.len();
    assert!(
        text.contains(&format!(
            r#"gridwatch_features{{layer="incidents"}} {incidents}"#
        )),
        "{text}"
    );
    assert!(text.contains("gridwatch_data_version"));
    assert!(text.contains("gridwatch_store_attached 0"));

    // promtool, as Prometheus's own tooling reads it.
    let promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match promtool {
        Ok(child) => child,
        Err(e) if std::env::var_os("GRIDWATCH_REQUIRE_PROMTOOL").is_none() => {
            eprintln!("skipped promtool (not installed: {e}); scripts/test-all installs it");
            return;
        }
        Err(e) => panic!("promtool is required here: {e}"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The value of the series `name{labels}` in a Prometheus text exposition.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no series {series} in\n{text}"))
}

/// The caches report the memory they hold against their bounds, weighed in bytes: one hot-spot
/// tile at z15 computes Gi* for the whole city at res 11 (~140,000 cells), one cache entry of
/// megabytes, which a count bound (as before the soak) would have weighed as 1.
#[tokio::test]
async fn caches_report_their_memory_in_bytes_within_their_bounds() {
    let router = app(AppState::new(Engine::clone(&common::engine())));
    let (status, _, _) = send(&router, "/tiles/hotspots/15/26596/13410.mvt", None).await;
    assert!(status.is_success(), "{status}");
    let (_, _, text) = send(&router, "/metrics", None).await;
    for (cache, at_least) in [("tile_cells", 5e6), ("study_areas", 1e6), ("tiles", 1.0)] {
        let bytes = sample(
            &text,
            &format!(r#"gridwatch_cache_bytes{{cache="{cache}"}}"#),
        );
        let bound = sample(
            &text,
            &format!(r#"gridwatch_cache_capacity_bytes{{cache="{cache}"}}"#),
        );
        assert!(
            at_least <= bytes && bytes <= bound,
            "{cache}: {bytes} bytes, bound {bound}"
        );
    }
    assert!(sample(&text, r#"gridwatch_cache_capacity_bytes{cache="answers"}"#) > 0.0);
    assert!(sample(&text, "process_resident_memory_bytes") > 1e7);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let router = app(AppState::new(Engine::clone(&common::engine())));
    let (_, headers, _) = send(&router, "/healthz", None).await;
    let id = headers["x-request-id"].to_str().unwrap();
    let (prefix, n) = id.split_once('-').unwrap();
    assert!(
        prefix.len() == 8 && n.parse::<u64>().is_ok(),
        "prefix and counter: {id}"
    );
    let (_, again, _) = send(&router, "/healthz", None).await;
    assert_ne!(again["x-request-id"], headers["x-request-id"]);
    // A caller's own id is kept, on errors too.
    let (status, headers, _) = send(&router, "/nowhere", Some("trace-42")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["x-request-id"], "trace-42");
    let (_, headers, _) = send(&router, "/tiles/grids/13/6649/3352.mvt", Some("tile-1")).await;
    assert_eq!(headers["x-request-id"], "tile-1");
}

/// A state over the bundled city with `slots` analytics slots and a time limit.
fn limited(slots: usize, timeout: std::time::Duration) -> AppState {
    AppState::with_limits(
        gridwatch::live::Live::new(Engine::clone(&common::engine()), None),
        gridwatch::api::Tokens::none(),
        gridwatch::api::TileCaches::default(),
        gridwatch::api::Limits::new(slots, timeout),
    )
}

#[tokio::test]
async fn busy_analytics_shed_with_retry_after_and_cached_answers_still_flow() {
    let state = limited(1, std::time::Duration::from_secs(30));
    let router = app(state.clone());
    // Cache one answer while the slot is free.
    let (status, _, _) = send(&router, "/api/v1/hexbins?res=7", None).await;
    assert_eq!(status, StatusCode::OK);
    // Take the only slot, as a long computation would: a request waits a second for it, then
    // is shed.
    let held = state.limits.slot().await.unwrap();
    let asked = std::time::Instant::now();
    let (status, headers, body) = send(&router, "/api/v1/hexbins?res=8", None).await;
    assert!(asked.elapsed() >= gridwatch::api::QUEUE_WAIT);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(headers["content-type"], "application/problem+json");
    // A cached answer needs no slot; tiles and the OGC API have none to wait for.
    let (status, headers, _) = send(&router, "/api/v1/hexbins?res=7", None).await;
    assert_eq!(
        (status, &headers["x-cache"]),
        (StatusCode::OK, &"hit".parse().unwrap())
    );
    let (status, _, _) = send(&router, "/ogc/collections/grids/items?limit=1", None).await;
    assert_eq!(status, StatusCode::OK);
    drop(held);
    let (status, _, _) = send(&router, "/api/v1/hexbins?res=8", None).await;
    assert_eq!(status, StatusCode::OK);
    // A slot that frees while a request waits serves it: the slot is given back once the
    // request is seen waiting for it.
    let held = state.limits.slot().await.unwrap();
    let waiter = {
        let router = router.clone();
        tokio::spawn(async move { send(&router, "/api/v1/hexbins?res=9", None).await })
    };
    while state.limits.waiting() == 0 && !waiter.is_finished() {
        tokio::task::yield_now().await;
    }
    assert_eq!(state.limits.waiting(), 1, "the request waits for the slot");
    drop(held);
    let (status, _, _) = waiter.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    let (_, _, text) = send(&router, "/metrics", None).await;
    assert!(
        text.contains(r#"gridwatch_shed_requests_total{reason="busy",work="analytics"}"#),
        "{text}"
    );
}

/// Tiles that count incidents draw within their own slots: with every slot held, such a tile
/// is shed after the queue wait with a 503 and `Retry-After`, while cached tiles, tiles of the
/// base layers and the analytics (their own slots) still answer; a freed slot draws it.
#[tokio::test]
async fn busy_tile_drawing_sheds_and_never_blocks_the_rest() {
    let tiles = gridwatch::api::TileCaches::default().with_draws(gridwatch::api::Limits::new(
        1,
        std::time::Duration::from_secs(30),
    ));
    let state = AppState::with_limits(
        gridwatch::live::Live::new(Engine::clone(&common::engine()), None),
        gridwatch::api::Tokens::none(),
        tiles,
        gridwatch::api::Limits::default(),
    );
    let router = app(state.clone());
    let cached = "/tiles/incidents/13/6649/3352.mvt";
    assert_eq!(send(&router, cached, None).await.0, StatusCode::OK);
    let held = state.tiles.draws.slot().await.unwrap();
    let asked = std::time::Instant::now();
    let (status, headers, body) = send(&router, "/tiles/incidents/13/6649/3353.mvt", None).await;
    assert!(asked.elapsed() >= gridwatch::api::QUEUE_WAIT);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(headers["retry-after"], "1");
    assert!(body.contains("tiles slot"), "{body}");
    for path in [
        cached,
        "/tiles/grids/13/6649/3353.mvt",
        "/api/v1/hexbins?res=7",
    ] {
        assert_eq!(send(&router, path, None).await.0, StatusCode::OK, "{path}");
    }
    let (_, _, text) = send(&router, "/metrics", None).await;
    assert!(
        text.contains(r#"gridwatch_shed_requests_total{reason="busy",work="tiles"}"#),
        "{text}"
    );
    drop(held);
    let (status, _, _) = send(&router, "/tiles/incidents/13/6649/3353.mvt", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_analysis_past_its_time_limit_answers_503_and_frees_its_slot_when_done() {
    let state = limited(2, std::time::Duration::from_millis(1));
    let router = app(state.clone());
    // Every team's coverage, dosage and timing: far longer than a millisecond.
    let (status, headers, body) = send(&router, "/api/v1/patrol/teams", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(headers["retry-after"], "1");
    assert!(body.contains("took longer than"), "{body}");
    // The work finishes in the background and gives its slot back.
    for _ in 0..600 {
        if state.limits.free() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state.limits.free(), 2);
}
