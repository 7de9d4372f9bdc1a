//! `/api/v1` analytics: hexbins, Gi* hot spots, emerging hot spots, grid and community
//! statistics, the analyst's methods (near-repeat, aoristic, kernel density, backtest), walking routes, isochrones, the street summary, nearest resources and access
//! (gaps, 2SFCA, new sites). Answers are GeoJSON `FeatureCollection`s with a top-level `summary`, computed off
//! the async runtime and cached per (query, data version).

mod access;
pub mod analyst;
pub(super) mod answer;
mod brief;
mod cache;
pub mod calendar;
mod events;
pub(crate) mod filters;
mod handling;
mod hexbins;
mod hotspots;
pub(crate) mod ingest;
mod inspection_records;
mod inspections;
mod lists;
mod nearest;
mod patrol;
mod province;
mod stats;
mod walking;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::Value;

pub use crate::analytics::study_areas::StudyAreas;
pub use cache::AnswerCache;

pub(super) use access::{fca, gaps, sites};
pub(super) use analyst::{aoristic, backtest, kde, near_repeat};
pub(super) use brief::{community_brief, community_ranking};
pub(super) use calendar::{document as calendar_document, working_hours};
pub(super) use events::events;
pub use handling::QUEUE_LIMIT;
pub(super) use handling::{
    history, kpis as handling_kpis, post_transition, queue as handling_queue,
};
pub(super) use hexbins::hexbins;
pub(super) use hotspots::{emerging, hotspots};
pub(super) use inspection_records::inspections;
pub(super) use inspections::plan_inspection;
pub use lists::MAX_WALK_M;
pub(super) use lists::{lists_summary, match_lists};
pub(super) use nearest::{nearest, nearest_batch};
pub(super) use patrol::{coverage, dosage, suggest, teams, timing};
pub(super) use province::{ProvinceStats, province};
pub(super) use stats::{communities as community_stats, grids as grid_stats};
pub(super) use walking::{isochrones, route, summary as street_summary};

use super::{ApiError, AppState, Caller, QueryParams};

/// The typed parameters of these endpoints, for the OpenAPI document: the same values the
/// handlers read.
pub(super) mod parameters {
    pub use super::access::{CATCHMENT_M, FEATURES, H3_RES, SIGMA_M, WEIGHTS};
    pub use super::analyst::{
        BACKTEST_RES, BACKTEST_STEP, BANDWIDTH_M, CELL_M, LOOKBACK, PERMUTATIONS, SEED,
    };
    pub use super::hotspots::{EMERGING_K, HOTSPOT_K, STEP};
    pub use super::nearest::{MAX_M, NEAREST_K};
    pub use super::patrol::{BUFFER_M, EXTRA_M};
    pub use super::walking::SNAP_M;
}
use crate::index::Engine;

/// What serves a cached `GET` analytics endpoint: answers of `name` (its path, which keys
/// them in the cache) computed by `compute`.
pub(in crate::api) fn cached(name: &'static str, compute: Compute) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, c: Caller, q: RawQuery| {
        answer(
            s,
            c,
            q,
            (name, "application/geo+json"),
            Computed::Value(compute),
        )
    })
}

/// The same for an answer written straight to its GeoJSON bytes: one of tens of thousands of
/// features, where building a `Value` first would cost more than computing it.
pub(in crate::api) fn cached_bytes(
    name: &'static str,
    compute: ComputeBytes,
) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, c: Caller, q: RawQuery| {
        answer(
            s,
            c,
            q,
            (name, "application/geo+json"),
            Computed::Bytes(compute),
        )
    })
}

/// The same for an answer that is a table, not features: replied as `application/json`.
pub(in crate::api) fn cached_table(name: &'static str, compute: Compute) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, c: Caller, q: RawQuery| {
        answer(
            s,
            c,
            q,
            (name, "application/json"),
            Computed::Value(compute),
        )
    })
}

/// The same for a table that depends on the clock as well as the data (the handling board
/// and queue at "now"): computed on every request, never cached.
pub(in crate::api) fn clocked_table(
    name: &'static str,
    compute: Compute,
) -> MethodRouter<AppState> {
    get(move |s: State<AppState>, c: Caller, q: RawQuery| {
        answer(
            s,
            c,
            q,
            (name, "application/json"),
            Computed::Clocked(compute),
        )
    })
}

/// What serves a `POST` analytics question computed by `compute`.
pub(in crate::api) fn posted(compute: PostCompute) -> MethodRouter<AppState> {
    post(
        move |s: State<AppState>, c: Caller, h: HeaderMap, q: RawQuery, b: Body| {
            answer_post(s, c, h, q, b, compute)
        },
    )
}

/// What an analytics endpoint computes: the answer for the engine and parameters.
type Compute = fn(&Engine, &StudyAreas, &QueryParams) -> Result<Value, ApiError>;
/// … or its JSON bytes.
type ComputeBytes = fn(&Engine, &StudyAreas, &QueryParams) -> Result<Vec<u8>, ApiError>;

/// Either kind of computation, cached; or one that depends on the clock, not cached.
#[derive(Clone, Copy)]
enum Computed {
    Value(Compute),
    Bytes(ComputeBytes),
    Clocked(Compute),
}

/// Parses the query, answers from the cache or computes on a blocking thread, and replies
/// `media` with `X-Cache: hit` or `miss`.
async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    (endpoint, media): (&'static str, &'static str),
    compute: Computed,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?.within(caller.scope);
    // One snapshot for the key and the computation, so an answer is cached under its version.
    let engine = state.engine();
    let key = AnswerCache::key(endpoint, &params, engine.version);
    // A cached answer needs no computation slot.
    let cacheable = !matches!(compute, Computed::Clocked(_));
    let (body, hit) = if let Some(hit) = state.answers.get(&key).filter(|_| cacheable) {
        (hit, true)
    } else {
        let slot = state.limits.slot().await?;
        let limits = state.limits.clone();
        limits
            .run(slot, move || {
                let make = || match compute {
                    Computed::Value(f) | Computed::Clocked(f) => {
                        let value = f(&engine, &state.study_areas, &params)?;
                        serde_json::to_vec(&value).map_err(|e| ApiError::Internal(e.to_string()))
                    }
                    Computed::Bytes(f) => f(&engine, &state.study_areas, &params),
                };
                if cacheable {
                    state.answers.get_or_try(key, make)
                } else {
                    make().map(|body| (Arc::new(body), false))
                }
            })
            .await?
    };
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (
                header::HeaderName::from_static("x-cache"),
                if hit { "hit" } else { "miss" },
            ),
        ],
        Arc::unwrap_or_clone(body),
    )
        .into_response())
}

/// What a `POST` analytics endpoint computes: the answer for the engine, the query and the
/// JSON body (a question too large for a query string; nothing is written).
type PostCompute = fn(&Engine, &StudyAreas, &QueryParams, &Value) -> Result<Value, ApiError>;

/// The largest body a `POST` analytics endpoint reads (10,000 points with ids fit easily).
pub const MAX_QUESTION_BYTES: usize = 4 << 20;

/// Reads a JSON body (up to [`MAX_QUESTION_BYTES`]), computes on a blocking thread and
/// replies `application/geo+json` (not cached: bodies are rarely asked twice).
async fn answer_post(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
    compute: PostCompute,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?.within(caller.scope);
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(
        media.as_str(),
        "application/json" | "application/geo+json" | ""
    ) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "the body must be application/json or application/geo+json, not `{}`",
            media.chars().take(64).collect::<String>()
        )));
    }
    let bytes = axum::body::to_bytes(body, MAX_QUESTION_BYTES)
        .await
        .map_err(|_| {
            ApiError::PayloadTooLarge(format!(
                "the body is over the limit of {} MiB",
                MAX_QUESTION_BYTES >> 20
            ))
        })?;
    // An empty body asks with the defaults.
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?
    };
    let engine = state.engine();
    let slot = state.limits.slot().await?;
    let limits = state.limits.clone();
    let body = limits
        .run(slot, move || {
            let answer = compute(&engine, &state.study_areas, &params, &value)?;
            serde_json::to_vec(&answer).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}
