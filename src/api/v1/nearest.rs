//! The nearest resources: `GET /api/v1/nearest` for one point, `POST /api/v1/nearest` for many
//! (a GeoJSON FeatureCollection of Points, at most [`MAX_BATCH`]; e.g. every open incident to
//! its nearest police post). Walk mode by default when the dataset has streets (metres along
//! them, with the straight line beside), straight mode on request (geodesic metres, WGS 84);
//! see [`crate::analytics::access`].

use geo::Coord;
use rayon::prelude::*;
use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    BatchPoint, BatchPointProperties, CollectionType, Feature, FeatureType, Nearest, NearestBatch,
    NearestBatchSummary, NearestProperties, NearestSummary, PointGeometry, to_value,
};
use super::walking::{WALK_M_PER_MIN, snap_limit};
use crate::analytics::access::{Found, Mode, nearest_straight, nearest_walk};
use crate::api::params::Integer;
use crate::api::params::{point, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::ResourceKind;

/// The most resources returned per point.
pub const MAX_NEAREST: u64 = 50;
/// The farthest searched (metres).
pub const MAX_NEAREST_M: u64 = 50_000;
/// `k`: how many resources per point.
pub const NEAREST_K: Integer = Integer {
    key: "k",
    default: 1,
    min: 1,
    max: MAX_NEAREST,
    about: "how many",
};
/// `max_m`: the farthest a resource may be.
pub const MAX_M: Integer = Integer {
    key: "max_m",
    default: 5_000,
    min: 1,
    max: MAX_NEAREST_M,
    about: "the farthest, metres",
};
/// The most points in one `POST`.
pub const MAX_BATCH: usize = 10_000;

/// What every nearest query shares: kinds, k, limit, mode and snap limit.
struct Ask {
    kinds: Vec<ResourceKind>,
    k: usize,
    max_m: f64,
    mode: Mode,
    snap_m: f64,
}

impl Ask {
    fn parse(engine: &Engine, params: &QueryParams) -> Result<Self, ApiError> {
        Ok(Self {
            kinds: match params.get("kind") {
                None => Vec::new(),
                Some(list) => super::access::kinds(list)?,
            },
            k: NEAREST_K.read(params)? as usize,
            max_m: MAX_M.read(params)? as f64,
            mode: crate::api::params::mode(engine, params)?,
            snap_m: snap_limit(params)?,
        })
    }

    fn find(&self, engine: &Engine, at: Coord) -> Result<Vec<Found>, String> {
        match self.mode {
            Mode::Straight => Ok(nearest_straight(
                engine,
                at,
                &self.kinds,
                self.k,
                self.max_m,
            )),
            Mode::Walk => nearest_walk(engine, at, &self.kinds, self.k, self.max_m, self.snap_m)
                .map_err(|e| e.to_string()),
        }
    }

    /// One found resource's properties.
    fn describe(&self, engine: &Engine, rank: usize, f: &Found) -> NearestProperties {
        let r = &engine.resources.items()[f.resource as usize];
        let walk = self.mode == Mode::Walk;
        NearestProperties {
            rank: rank + 1,
            resource_id: r.id,
            kind: r.kind.as_str(),
            name: r.name.clone(),
            distance_m: rounded(f.distance_m, 1),
            straight_m: walk.then(|| rounded(f.straight_m, 1)),
            minutes: walk.then(|| rounded(f.distance_m / WALK_M_PER_MIN, 1)),
        }
    }
}

/// `GET /api/v1/nearest?lon=&lat=[&kind=a,b][&k=1][&max_m=5000][&mode=walk|straight][&snap_m=]`:
/// the k nearest resources, nearest first, a feature each.
pub fn nearest(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&["lon", "lat", "kind", "k", "max_m", "mode", "snap_m"])?;
    let num = |key: &str| -> Result<f64, ApiError> {
        params
            .get(key)
            .ok_or_else(|| ApiError::BadRequest(format!("`{key}` is required")))?
            .trim()
            .parse::<f64>()
            .map_err(|_| ApiError::BadRequest(format!("`{key}` must be a number")))
    };
    let at = point("lon,lat", num("lon")?, num("lat")?)?;
    let ask = Ask::parse(engine, params)?;
    let found = ask
        .find(engine, at)
        .map_err(|e| ApiError::Unprocessable(format!("`lon,lat`: {e}")))?;
    let features = found
        .iter()
        .enumerate()
        .map(|(rank, f)| {
            let r = &engine.resources.items()[f.resource as usize];
            Feature::new(
                r.id,
                PointGeometry::from(r.geometry),
                ask.describe(engine, rank, f),
            )
        })
        .collect();
    Nearest::new(
        features,
        NearestSummary {
            mode: ask.mode.as_str(),
            from: [at.x, at.y],
            k: ask.k,
            max_m: ask.max_m,
            found: found.len(),
        },
    )
    .into_value()
}

/// `POST /api/v1/nearest` with the same query parameters (without `lon`, `lat`) and a
/// FeatureCollection of Points: a feature per point, in order, holding its `nearest` list (or
/// an `error` when the point cannot join the network); the point's own `id` is kept.
pub fn nearest_batch(
    engine: &Engine,
    _areas: &crate::analytics::study_areas::StudyAreas,
    params: &QueryParams,
    body: &Value,
) -> Result<Value, ApiError> {
    params.only(&["kind", "k", "max_m", "mode", "snap_m"])?;
    let ask = Ask::parse(engine, params)?;
    let features = body
        .get("features")
        .and_then(Value::as_array)
        .filter(|_| body.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
        .ok_or_else(|| {
            ApiError::BadRequest("the body must be a GeoJSON FeatureCollection of Points".into())
        })?;
    if features.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_BATCH} points per request, not {}",
            features.len()
        )));
    }
    let points: Vec<(Value, Coord)> = features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let coords = f
                .get("geometry")
                .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"))
                .and_then(|g| g.get("coordinates"))
                .and_then(Value::as_array)
                .ok_or_else(|| ApiError::BadRequest(format!("feature {i} is not a Point")))?;
            let number = |j: usize| coords.get(j).and_then(Value::as_f64);
            let (Some(lon), Some(lat)) = (number(0), number(1)) else {
                return Err(ApiError::BadRequest(format!(
                    "feature {i}: a Point needs numeric longitude and latitude"
                )));
            };
            Ok((
                f.get("id").cloned().unwrap_or(Value::Null),
                point(&format!("feature {i}"), lon, lat)?,
            ))
        })
        .collect::<Result<_, _>>()?;
    let answers: Vec<Result<Vec<Found>, String>> = points
        .par_iter()
        .map(|(_, at)| ask.find(engine, *at))
        .collect();
    let mut found_any = 0;
    let features = points
        .into_iter()
        .zip(&answers)
        .enumerate()
        .map(|(index, ((id, at), answer))| {
            let mut properties = BatchPointProperties {
                index,
                nearest: None,
                error: None,
            };
            match answer {
                Ok(found) => {
                    found_any += usize::from(!found.is_empty());
                    properties.nearest = Some(
                        found
                            .iter()
                            .enumerate()
                            .map(|(rank, f)| ask.describe(engine, rank, f))
                            .collect(),
                    );
                }
                Err(e) => properties.error = Some(e.clone()),
            }
            BatchPoint {
                kind: FeatureType::Feature,
                id: Some(id).filter(|id| !id.is_null()),
                geometry: PointGeometry::from(geo::Point(at)),
                properties,
            }
        })
        .collect();
    to_value(&NearestBatch {
        kind: CollectionType::FeatureCollection,
        summary: NearestBatchSummary {
            mode: ask.mode.as_str(),
            k: ask.k,
            max_m: ask.max_m,
            points: answers.len(),
            points_with_a_resource: found_any,
            points_not_joined: answers.iter().filter(|a| a.is_err()).count(),
            max_points: MAX_BATCH,
        },
        features,
    })
}
