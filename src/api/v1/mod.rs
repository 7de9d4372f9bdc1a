//! `/api/v1` analytics: hexbins, Gi* hot spots, emerging hot spots, grid and community
//! statistics, walking routes, isochrones and the street summary. Answers are GeoJSON `FeatureCollection`s with a top-level `summary`, computed off
//! the async runtime and cached per (query, data version).

mod access;
mod cache;
mod events;
pub(crate) mod filters;
mod hexbins;
mod hotspots;
mod ingest;
mod stats;
mod study_areas;
mod walking;

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

pub use cache::AnswerCache;
pub use study_areas::StudyAreas;

use super::{ApiError, AppState, QueryParams};
use crate::index::Engine;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(ingest::router())
        .route("/events", get(events::events))
        .route(
            "/hexbins",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "hexbins", hexbins::hexbins)),
        )
        .route(
            "/hotspots",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "hotspots", hotspots::hotspots)),
        )
        .route(
            "/hotspots/emerging",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "emerging", hotspots::emerging)),
        )
        .route(
            "/stats/grids",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "stats/grids", stats::grids)),
        )
        .route(
            "/route",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "route", walking::route)),
        )
        .route(
            "/access/gaps",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "access/gaps", access::gaps)),
        )
        .route(
            "/nearest",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "nearest", walking::nearest)),
        )
        .route(
            "/isochrones",
            get(|s: State<AppState>, q: RawQuery| answer(s, q, "isochrones", walking::isochrones)),
        )
        .route(
            "/streets/summary",
            get(|s: State<AppState>, q: RawQuery| {
                answer(s, q, "streets/summary", walking::summary)
            }),
        )
        .route(
            "/stats/communities",
            get(|s: State<AppState>, q: RawQuery| {
                answer(s, q, "stats/communities", stats::communities)
            }),
        )
}

/// What an analytics endpoint computes: the answer for the engine and parameters.
type Compute = fn(&Engine, &StudyAreas, &QueryParams) -> Result<Value, ApiError>;

/// Parses the query, answers from the cache or computes on a blocking thread, and replies
/// `application/geo+json` with `X-Cache: hit` or `miss`.
async fn answer(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    endpoint: &'static str,
    compute: Compute,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?;
    // One snapshot for the key and the computation, so an answer is cached under its version.
    let engine = state.engine();
    let key = AnswerCache::key(endpoint, &params, engine.version);
    let body = tokio::task::spawn_blocking(move || {
        state.answers.get_or_try(key, || {
            let value = compute(&engine, &state.study_areas, &params)?;
            serde_json::to_vec(&value).map_err(|e| ApiError::Internal(e.to_string()))
        })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("analytics task failed: {e}")))??;
    let (body, hit) = body;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (
                header::HeaderName::from_static("x-cache"),
                if hit { "hit" } else { "miss" },
            ),
        ],
        Arc::unwrap_or_clone(body),
    )
        .into_response())
}

/// The polygon of an H3 cell as a GeoJSON geometry (counter-clockwise, closed).
fn cell_geometry(cell: h3o::CellIndex) -> Value {
    let mut ring: Vec<[f64; 2]> = cell.boundary().iter().map(|v| [v.lng(), v.lat()]).collect();
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    json!({ "type": "Polygon", "coordinates": [ring] })
}

/// A FeatureCollection with a summary.
fn collection(features: Vec<Value>, summary: Value) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("type".into(), "FeatureCollection".into());
    map.insert("summary".into(), summary);
    map.insert("features".into(), Value::Array(features));
    Value::Object(map)
}
