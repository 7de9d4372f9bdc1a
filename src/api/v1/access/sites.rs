//! `POST /api/v1/access/sites`: where to build k new sites of a kind (see
//! [`crate::analytics::access::sites`]). The body:
//!
//! ```json
//! { "kind": "service_complex", "k": 5, "threshold_m": 500,
//!   "mode": "walk", "objective": "coverage", "candidates": { "type": "FeatureCollection", ... } }
//! ```
//!
//! `mode` (walk by default when there are streets), `objective` (`coverage`, the default, or
//! `p-median`) and `candidates` (Points, at most [`MAX_CANDIDATES`]) are optional.

use geo::Coord;
use serde::Deserialize;
use serde_json::Value;

use super::super::answer::{Feature, PointGeometry, SiteProperties, Sites, SitesSummary};
use super::kinds;
use crate::analytics::access::sites::{Objective, SiteQuery, choose_sites};
use crate::api::params::{mode_named, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::LonLat;

/// The most sites asked for at once.
pub const MAX_K: u64 = 50;
/// The most candidate points accepted.
pub const MAX_CANDIDATES: usize = 5_000;
/// The widest threshold (metres).
pub const MAX_THRESHOLD_M: f64 = 5_000.0;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    kind: Option<String>,
    k: Option<u64>,
    threshold_m: Option<f64>,
    mode: Option<String>,
    objective: Option<String>,
    candidates: Option<Value>,
}

/// The chosen sites, in order, with the summary.
pub fn sites(
    engine: &Engine,
    _areas: &crate::analytics::study_areas::StudyAreas,
    params: &QueryParams,
    body: &Value,
) -> Result<Value, ApiError> {
    params.only(&[])?;
    let request: Request = serde_json::from_value(body.clone())
        .map_err(|e| ApiError::BadRequest(format!("the body: {e}")))?;
    let kinds = kinds(request.kind.as_deref().unwrap_or("service_complex"))?;
    let k = request
        .k
        .filter(|k| (1..=MAX_K).contains(k))
        .ok_or_else(|| ApiError::BadRequest(format!("`k` must be an integer from 1 to {MAX_K}")))?;
    let threshold_m = request
        .threshold_m
        .filter(|t| *t > 0.0 && *t <= MAX_THRESHOLD_M)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`threshold_m` must be metres above 0 and at most {MAX_THRESHOLD_M}"
            ))
        })?;
    let mode = mode_named(engine, request.mode.as_deref())?;
    let objective = match request.objective.as_deref() {
        None | Some("coverage") => Objective::Coverage,
        Some("p-median") => Objective::PMedian,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "`objective` is coverage or p-median, not `{}`",
                other.chars().take(32).collect::<String>()
            )));
        }
    };
    let candidates = request.candidates.as_ref().map(points).transpose()?;
    let given = candidates.is_some();
    let query = SiteQuery {
        kinds: kinds.clone(),
        k: k as usize,
        threshold_m,
        mode,
        objective,
        candidates,
    };
    let answer = choose_sites(engine, &query);
    let features = answer
        .sites
        .iter()
        .enumerate()
        .map(|(rank, site)| {
            let cell = h3o::LatLng::new(site.at.y, site.at.x)
                .ok()
                .map(|ll| ll.to_cell(h3o::Resolution::Nine).to_string());
            Feature::new(
                rank + 1,
                PointGeometry::from(geo::Point(site.at)),
                SiteProperties {
                    rank: rank + 1,
                    households_gained: site.households_gained,
                    household_metres_saved: rounded(site.distance_saved, 1),
                    h3: cell,
                },
            )
        })
        .collect();
    Sites::new(
        features,
        SitesSummary {
            mode: mode.as_str(),
            kinds,
            objective: objective.as_str(),
            k,
            threshold_m,
            candidates: answer.candidates,
            candidates_from: if given {
                "request"
            } else {
                "built-up H3 res-9 cells without a site of the kind, centres moved onto the nearest walkable street"
            },
            households_total: answer.households_total,
            households_covered_before: answer.households_covered_before,
            households_covered_after: answer.households_covered_after,
            weighted_distance_before_m: rounded(answer.weighted_distance_before, 1),
            weighted_distance_after_m: rounded(answer.weighted_distance_after, 1),
            optimality_bound: rounded(answer.optimality_bound, 1),
            optimality_bound_of: match objective {
                Objective::Coverage => "households_covered_after: no k candidates cover more",
                Objective::PMedian => "weighted_distance_after_m: no k candidates reach less",
            },
            method: "lazy greedy, then the best single exchanges while one improves; the bound is the smaller of the greedy guarantee and the value plus the k largest gains left",
        },
    )
    .into_value()
}

/// The Points of a GeoJSON FeatureCollection (or a bare array of Point features).
fn points(value: &Value) -> Result<Vec<Coord>, ApiError> {
    let bad = |m: String| ApiError::BadRequest(format!("`candidates`: {m}"));
    let features = match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => value.get("features").and_then(Value::as_array),
        _ => None,
    }
    .ok_or_else(|| bad("must be a GeoJSON FeatureCollection of Points".into()))?;
    if features.is_empty() || features.len() > MAX_CANDIDATES {
        return Err(bad(format!("must hold 1 to {MAX_CANDIDATES} Points")));
    }
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let geometry = f.get("geometry");
            let coords = geometry
                .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"))
                .and_then(|g| g.get("coordinates"))
                .and_then(Value::as_array)
                .ok_or_else(|| bad(format!("feature {i} is not a Point")))?;
            match coords[..] {
                [ref lon, ref lat, ..] => {
                    let (lon, lat) = (lon.as_f64(), lat.as_f64());
                    match (lon, lat) {
                        (Some(lon), Some(lat)) if LonLat::new(lon, lat).is_some() => {
                            Ok(Coord { x: lon, y: lat })
                        }
                        _ => Err(bad(format!("feature {i}: coordinates out of range"))),
                    }
                }
                _ => Err(bad(format!("feature {i}: a Point needs two coordinates"))),
            }
        })
        .collect()
}
