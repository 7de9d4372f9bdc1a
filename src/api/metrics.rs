//! `GET /metrics` in the Prometheus text format, and the one middleware of every route: it
//! admits the request (`auth::admit`) and counts it.
//!
//! Requests are counted and timed per route template (`/tiles/{layers}/{z}/{x}/{y}`, never a
//! tile's own path, so the series stay bounded), method and status. The caches count their
//! hits and misses where they answer. The data version, the layer sizes and whether writes
//! have a store are set when scraped.
//!
//! The recorder is process-wide (the `metrics` facade has one); it is installed on the first
//! router built, and every router of the process reports into it.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::AppState;

/// Latency buckets (seconds): a cached tile answers in microseconds, a city-wide analysis in
/// hundreds of milliseconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder (`None` when another recorder was installed first).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    BUCKETS,
                )
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        "http_requests_total",
        "Requests answered, by route template, method and status."
    );
    metrics::describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to the response's head, by route template and method."
    );
    metrics::describe_counter!(
        "gridwatch_tile_cache_requests_total",
        "Tile requests by whether the tile cache held the tile (hit) or it was drawn (miss)."
    );
    metrics::describe_counter!(
        "gridwatch_answer_cache_requests_total",
        "Analytics requests by whether the answer cache held the answer."
    );
    metrics::describe_counter!(
        "gridwatch_shed_requests_total",
        "Requests answered 503 with Retry-After, by work (analytics, tiles) and reason: every slot busy, or past the time limit."
    );
    metrics::describe_counter!(
        "gridwatch_rate_limited_total",
        "Requests answered 429: their token was over its rate."
    );
    metrics::describe_gauge!(
        "gridwatch_analytics_slots_free",
        "Analytics computation slots free when scraped."
    );
    metrics::describe_gauge!(
        "gridwatch_tile_slots_free",
        "Slots for drawing tiles that count incidents, free when scraped."
    );
    metrics::describe_gauge!(
        "gridwatch_data_version",
        "The data version served (it grows with every committed write)."
    );
    metrics::describe_gauge!("gridwatch_features", "Features held, by layer.");
    metrics::describe_gauge!(
        "gridwatch_store_attached",
        "1 when writes go to a store (GeoPackage or PostGIS), 0 when read-only."
    );
    metrics::describe_gauge!(
        "gridwatch_analytics_waiting",
        "Analytics requests waiting for a slot when scraped."
    );
    metrics::describe_gauge!(
        "gridwatch_replication_following",
        "1 while other replicas' committed writes reach this one (subscribed to PostGIS notifications)."
    );
    metrics::describe_gauge!(
        "gridwatch_cache_bytes",
        metrics::Unit::Bytes,
        "Memory a cache holds, by cache (tiles, tile_cells, answers, study_areas)."
    );
    metrics::describe_gauge!(
        "gridwatch_cache_capacity_bytes",
        metrics::Unit::Bytes,
        "The most memory a cache may hold, by cache."
    );
    process().describe();
}

/// The standard process metrics (`process_resident_memory_bytes`, CPU seconds, threads, open
/// files), read from the OS when scraped.
fn process() -> &'static metrics_process::Collector {
    static PROCESS: OnceLock<metrics_process::Collector> = OnceLock::new();
    PROCESS.get_or_init(metrics_process::Collector::default)
}

/// Installs the recorder (once per process).
pub fn install() {
    let _ = handle();
}

/// `text` as a `&'static str`, leaked once: labels come from a small fixed set (route
/// templates, methods, statuses), and static labels spare the recorder an allocation per
/// request (a cached tile is answered in a few microseconds).
fn interned(text: &str) -> &'static str {
    static SEEN: OnceLock<std::sync::RwLock<rustc_hash::FxHashSet<&'static str>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    if let Some(known) = seen.read().ok().and_then(|s| s.get(text).copied()) {
        return known;
    }
    let mut seen = seen
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = seen.get(text).copied() {
        return known;
    }
    let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// A request's histogram and counter.
type Handles = (metrics::Histogram, metrics::Counter);

thread_local! {
    /// The handles of each (route, method, status), looked up once per thread: building a key
    /// and finding it in the recorder's registry at every request cost about as much as
    /// answering a cached tile.
    static HANDLES: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize, usize), Handles>> =
        std::cell::RefCell::default();
}

/// The one middleware of every route: admits the request ([`super::auth::admit`]: who calls,
/// and whether they may) and counts and times it under its route template, refusals included.
pub async fn admit_and_count(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| interned(m.as_str()));
    let method = interned(request.method().as_str());
    let started = Instant::now();
    let response = match super::auth::admit(&state, &mut request) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    };
    let status = interned(response.status().as_str());
    // Interned strings are unique, so their addresses identify them.
    let id = (
        route.as_ptr() as usize,
        method.as_ptr() as usize,
        status.as_ptr() as usize,
    );
    HANDLES.with_borrow_mut(|handles| {
        let (histogram, counter) = handles.entry(id).or_insert_with(|| {
            (
                metrics::histogram!(
                    "http_request_duration_seconds",
                    "route" => route,
                    "method" => method
                ),
                metrics::counter!(
                    "http_requests_total",
                    "route" => route,
                    "method" => method,
                    "status" => status
                ),
            )
        });
        histogram.record(started.elapsed().as_secs_f64());
        counter.increment(1);
    });
    response
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let Some(handle) = handle() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "another metrics recorder is installed in this process",
        )
            .into_response();
    };
    let engine = state.engine();
    #[allow(clippy::cast_precision_loss, reason = "gauges are f64")]
    {
        metrics::gauge!("gridwatch_data_version").set(engine.version as f64);
        for (layer, n) in [
            ("districts", engine.districts.len()),
            ("communities", engine.communities.len()),
            ("grids", engine.grids.len()),
            ("buildings", engine.buildings.len()),
            ("resources", engine.resources.len()),
            ("streets", engine.streets.len()),
            ("patrol_routes", engine.patrol_routes.len()),
            ("patrol_tracks", engine.patrol_tracks.len()),
            ("incidents", engine.incidents.len()),
        ] {
            metrics::gauge!("gridwatch_features", "layer" => layer).set(n as f64);
        }
        metrics::gauge!("gridwatch_analytics_slots_free").set(state.limits.free() as f64);
        metrics::gauge!("gridwatch_tile_slots_free").set(state.tiles.draws.free() as f64);
        metrics::gauge!("gridwatch_analytics_waiting").set(state.limits.waiting() as f64);
        metrics::gauge!("gridwatch_store_attached").set(if state.live.store().is_some() {
            1.0
        } else {
            0.0
        });
        metrics::gauge!("gridwatch_replication_following")
            .set(f64::from(u8::from(state.live.following())));
        let [tiles, cells] = state.tiles.usage();
        let (answers, answers_max) = state.answers.usage();
        let (areas, areas_max) = state.study_areas.usage();
        for (cache, bytes, capacity) in [
            tiles,
            cells,
            ("answers", answers, answers_max),
            ("study_areas", areas, areas_max),
        ] {
            metrics::gauge!("gridwatch_cache_bytes", "cache" => cache).set(bytes as f64);
            metrics::gauge!("gridwatch_cache_capacity_bytes", "cache" => cache)
                .set(capacity as f64);
        }
    }
    process().collect();
    let mut response = handle.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
