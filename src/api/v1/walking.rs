//! Walking on the street network: `GET /api/v1/route`, `GET /api/v1/isochrones` and
//! `GET /api/v1/streets/summary`.
//!
//! Minutes are at [`WALK_M_PER_MIN`], the pace GB 50180-2018 assumes for its life circles
//! (a 15-minute walk ≈ 1,000 m).

use geo::{Coord, GeodesicArea};
use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    CircuityProperties, CollectionType, Feature, IsochroneProperties, IsochroneSummary, Isochrones,
    LineStringGeometry, LineStringType, MultiPolygonGeometry, Route, RouteProperties,
    StreetsSummary, Unnamed, to_value,
};
use crate::analytics::access::LIFE_CIRCLES_M;
use crate::analytics::streets::summary as street_summary;
use crate::api::params::{Integer, lon_lat, point, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::network::{DEFAULT_SNAP_LIMIT_M, Snap, SnapError, geodesic_m};

/// Walking pace, metres per minute (4 km/h).
pub const WALK_M_PER_MIN: f64 = 1000.0 / 15.0;
/// The longest isochrone distance served (metres).
pub const MAX_ISOCHRONE_M: f64 = 5_000.0;
/// At most this many isochrone distances per request.
pub const MAX_ISOCHRONES: usize = 8;

/// `snap_m`: how far a point may be from the walking network.
pub const SNAP_M: Integer = Integer {
    key: "snap_m",
    default: DEFAULT_SNAP_LIMIT_M as u64,
    min: 1,
    max: 2_000,
    about: "how far a point may be from the network, metres",
};

/// The snap limit (`snap_m`).
pub(super) fn snap_limit(params: &QueryParams) -> Result<f64, ApiError> {
    Ok(SNAP_M.read(params)? as f64)
}

/// Joins `at` to the network, or says why it cannot (422).
fn join(engine: &Engine, what: &str, at: Coord, limit_m: f64) -> Result<Snap, ApiError> {
    engine.network.snap(at, limit_m).map_err(|e| match e {
        SnapError::NoStreets => {
            ApiError::Unprocessable("this dataset has no walkable streets".into())
        }
        SnapError::TooFar(..) => ApiError::Unprocessable(format!("`{what}`: {e}")),
    })
}

/// `GET /api/v1/route?from=LON,LAT&to=LON,LAT[&snap_m=]`: the shortest walk.
pub fn route(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&["from", "to", "snap_m"])?;
    let (from, to) = (lon_lat(params, "from")?, lon_lat(params, "to")?);
    let limit = snap_limit(params)?;
    let (a, b) = (
        join(engine, "from", from, limit)?,
        join(engine, "to", to, limit)?,
    );
    let walk = engine.network.walk(&a, &b).ok_or_else(|| {
        ApiError::Unprocessable(
            "no walk joins the two points: they are on separate parts of the street network".into(),
        )
    })?;
    let straight = geodesic_m(from, to);
    let geometry = LineStringGeometry {
        kind: LineStringType::LineString,
        coordinates: walk.path.iter().map(|c| [c.x, c.y]).collect(),
    };
    let route = Route::new(
        geometry,
        RouteProperties {
            mode: "walk",
            length_m: rounded(walk.length_m, 1),
            straight_m: rounded(straight, 1),
            circuity: (straight > 0.0)
                .then(|| (walk.length_m / straight * 1000.0).round() / 1000.0),
            minutes: rounded(walk.length_m / WALK_M_PER_MIN, 1),
            from_connector_m: rounded(a.connector_m, 1),
            to_connector_m: rounded(b.connector_m, 1),
            walk_m_per_min: rounded(WALK_M_PER_MIN, 1),
        },
    );
    to_value(&route)
}

/// `GET /api/v1/isochrones?lon=&lat=` (or `resource=ID`) `&distances_m=300,500,1000`: one
/// polygon per distance, largest first so smaller ones draw on top.
pub fn isochrones(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&["lon", "lat", "resource", "distances_m", "snap_m"])?;
    let at = match (params.get("resource"), params.get("lon"), params.get("lat")) {
        (Some(id), None, None) => {
            let id: u64 = id
                .trim()
                .parse()
                .map_err(|_| ApiError::BadRequest("`resource` must be a resource id".into()))?;
            engine
                .resources
                .get(id)
                .ok_or_else(|| ApiError::NotFound(format!("no resource {id}")))?
                .geometry
                .0
        }
        (None, Some(lon), Some(lat)) => {
            let num = |v: &str, key: &str| {
                v.trim()
                    .parse::<f64>()
                    .map_err(|_| ApiError::BadRequest(format!("`{key}` must be a number")))
            };
            point("lon,lat", num(lon, "lon")?, num(lat, "lat")?)?
        }
        _ => {
            return Err(ApiError::BadRequest(
                "give either `lon` and `lat`, or `resource`".into(),
            ));
        }
    };
    let mut distances: Vec<f64> = match params.get("distances_m") {
        None => LIFE_CIRCLES_M.to_vec(),
        Some(raw) => raw
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| *v > 0.0 && *v <= MAX_ISOCHRONE_M)
                    .ok_or_else(|| {
                        ApiError::BadRequest(format!(
                            "`distances_m` must be numbers above 0 and at most {MAX_ISOCHRONE_M}"
                        ))
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    if distances.is_empty() || distances.len() > MAX_ISOCHRONES {
        return Err(ApiError::BadRequest(format!(
            "`distances_m` takes 1 to {MAX_ISOCHRONES} distances"
        )));
    }
    distances.sort_by(|a, b| b.total_cmp(a));
    distances.dedup();
    let snap = join(engine, "lon,lat", at, snap_limit(params)?)?;
    let features = distances
        .iter()
        .map(|&d| {
            let area = engine.network.isochrone(&snap, d);
            Unnamed::new(
                MultiPolygonGeometry::from(&area),
                IsochroneProperties {
                    distance_m: d,
                    minutes: rounded(d / WALK_M_PER_MIN, 1),
                    area_km2: (area.geodesic_area_unsigned() / 1e4).round() / 100.0,
                },
            )
        })
        .collect();
    Isochrones {
        kind: CollectionType::FeatureCollection,
        summary: IsochroneSummary {
            mode: "walk",
            from: [at.x, at.y],
            connector_m: rounded(snap.connector_m, 1),
            walk_m_per_min: rounded(WALK_M_PER_MIN, 1),
            method: "H3 res-10 cells holding the streets reached within each distance",
        },
        features,
    }
    .into_value()
}

/// `GET /api/v1/streets/summary`: the network's parts, lengths by class, unreached
/// buildings, and per community the median circuity of homes to their community office (as
/// community features, for a map).
pub fn summary(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&[])?;
    let summary = street_summary(engine, true);
    let features = summary
        .communities
        .iter()
        .filter_map(|c| {
            let community = engine.communities.get(c.community_id)?;
            Some(Feature::new(
                c.community_id,
                MultiPolygonGeometry::from(&community.geometry),
                CircuityProperties {
                    community_id: c.community_id,
                    name: community.name.clone(),
                    office_id: c.office_id,
                    homes: c.homes,
                    median_circuity: c.median_circuity,
                    median_walk_m: c.median_walk_m,
                },
            ))
        })
        .collect();
    StreetsSummary::new(features, summary).into_value()
}
