//! Incoming patrol tracks: a GeoJSON LineString Feature whose `times` (or `coordTimes`, as
//! togeojson writes it) give one instant per vertex, or a GPX 1.1 file (the points of its
//! track segments, each with a `<time>`). The community comes from the route when one is named.

use geo::{Coord, LineString};
use serde_json::Value;

use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::datum::Datum;
use crate::model::{LonLat, PatrolTrack, parse_instant};

/// The most points one track may have (a day at one fix per second).
const MAX_POINTS: usize = 86_400;

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::Unprocessable(detail.into())
}

/// Route, community and team: from the body's properties or the query, checked against the
/// data; a route's community wins and must agree with one given.
fn owners(
    engine: &Engine,
    route_id: Option<u64>,
    community_id: Option<u64>,
    team: Option<String>,
) -> Result<(Option<u64>, u64, String), ApiError> {
    let route = route_id
        .map(|id| {
            engine
                .patrol_routes
                .get(id)
                .ok_or_else(|| invalid(format!("`route_id`: there is no patrol route {id}")))
        })
        .transpose()?;
    let community = match (route, community_id) {
        (Some(r), Some(c)) if r.community_id != c => {
            return Err(invalid(format!(
                "`community_id` {c} disagrees with route {}, which belongs to community {}",
                r.id, r.community_id
            )));
        }
        (Some(r), _) => r.community_id,
        (None, Some(c)) => c,
        (None, None) => return Err(invalid("name the track's `route_id` or `community_id`")),
    };
    if engine.communities.get(community).is_none() {
        return Err(invalid(format!(
            "`community_id`: there is no community {community}"
        )));
    }
    let team = team
        .or_else(|| route.map(|r| r.team.clone()))
        .unwrap_or_else(|| format!("community {community} patrol"));
    Ok((route.map(|r| r.id), community, team))
}

/// A track from its points (already WGS 84) and times, checked.
fn track(
    points: Vec<Coord>,
    times: Vec<i64>,
    owner: (Option<u64>, u64, String),
) -> Result<PatrolTrack, ApiError> {
    if points.len() < 2 {
        return Err(invalid("a track needs at least 2 points"));
    }
    if points.len() > MAX_POINTS {
        return Err(ApiError::PayloadTooLarge(format!(
            "{} points in one track; send at most {MAX_POINTS}",
            points.len()
        )));
    }
    if times.len() != points.len() {
        return Err(invalid(format!(
            "{} points but {} times: give one time per point",
            points.len(),
            times.len()
        )));
    }
    if let Some(i) = times.windows(2).position(|w| w[1] < w[0]) {
        return Err(invalid(format!(
            "time {} goes back before time {}",
            i + 2,
            i + 1
        )));
    }
    let (route_id, community_id, team) = owner;
    Ok(PatrolTrack {
        id: 0,
        route_id,
        community_id,
        team,
        started_at: times[0],
        ended_at: times[times.len() - 1],
        geometry: LineString::new(points),
        times,
    })
}

fn point(i: usize, lon: f64, lat: f64, datum: Datum) -> Result<Coord, ApiError> {
    if LonLat::new(lon, lat).is_none() {
        return Err(invalid(format!(
            "point {}: ({lon}, {lat}) is not a longitude, latitude pair",
            i + 1
        )));
    }
    let (x, y) = datum.to_wgs84(lon, lat);
    Ok(Coord { x, y })
}

fn query_id(params: &QueryParams, key: &str) -> Result<Option<u64>, ApiError> {
    params
        .get(key)
        .map(|v| {
            v.parse()
                .map_err(|_| ApiError::BadRequest(format!("`{key}`: `{v}` is not an id")))
        })
        .transpose()
}

/// A track from a GeoJSON Feature with a LineString geometry.
///
/// # Errors
/// 400 for something else; 422 for bad points, times or owners.
pub fn from_geojson(
    body: &Value,
    datum: Datum,
    params: &QueryParams,
    engine: &Engine,
) -> Result<PatrolTrack, ApiError> {
    if body.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(ApiError::BadRequest(
            "expected a GeoJSON Feature with a LineString geometry".into(),
        ));
    }
    let coords = body
        .pointer("/geometry/coordinates")
        .and_then(Value::as_array)
        .filter(|_| body.pointer("/geometry/type").and_then(Value::as_str) == Some("LineString"))
        .ok_or_else(|| invalid("`geometry` must be a LineString"))?;
    let points = coords
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let xy = c
                .as_array()
                .filter(|a| a.len() >= 2)
                .and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
            let (lon, lat) = xy.ok_or_else(|| {
                invalid(format!("point {}: expected [longitude, latitude]", i + 1))
            })?;
            point(i, lon, lat, datum)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let props = body.get("properties").and_then(Value::as_object);
    let prop = |k: &str| props.and_then(|p| p.get(k));
    let times = prop("times")
        .or_else(|| prop("coordTimes"))
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("`properties.times` must list one RFC 3339 time per point"))?
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.as_str()
                .and_then(|s| parse_instant(s).ok())
                .ok_or_else(|| invalid(format!("time {}: not an RFC 3339 date-time", i + 1)))
        })
        .collect::<Result<Vec<i64>, _>>()?;
    let id_prop = |k: &str| prop(k).and_then(Value::as_u64);
    let owner = owners(
        engine,
        id_prop("route_id").or(query_id(params, "route_id")?),
        id_prop("community_id").or(query_id(params, "community_id")?),
        prop("team")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| params.get("team").map(str::to_owned)),
    )?;
    track(points, times, owner)
}

/// A track from GPX 1.1: the points of every segment of its tracks, in order.
///
/// # Errors
/// 400 for a body that is not GPX or declares a document type; 422 for points without times,
/// or bad owners.
pub fn from_gpx(
    body: &[u8],
    datum: Datum,
    params: &QueryParams,
    engine: &Engine,
) -> Result<PatrolTrack, ApiError> {
    // GPX has no use for a DTD, and a DTD is how entity attacks (external entities, entity
    // expansion) arrive: refuse it rather than trust the parser to ignore it.
    if body
        .windows(9)
        .any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
    {
        return Err(ApiError::BadRequest(
            "GPX with a document type declaration (<!DOCTYPE>) is refused".into(),
        ));
    }
    let gpx =
        gpx::read(body).map_err(|e| ApiError::BadRequest(format!("the body is not GPX: {e}")))?;
    let mut points = Vec::new();
    let mut times = Vec::new();
    for (i, waypoint) in gpx
        .tracks
        .iter()
        .flat_map(|t| &t.segments)
        .flat_map(|s| &s.points)
        .enumerate()
    {
        let p = waypoint.point();
        points.push(point(i, p.x(), p.y(), datum)?);
        let time = waypoint
            .time
            .and_then(|t| t.format().ok())
            .and_then(|s| parse_instant(&s).ok())
            .ok_or_else(|| invalid(format!("point {}: a GPX track point needs a <time>", i + 1)))?;
        times.push(time);
    }
    let owner = owners(
        engine,
        query_id(params, "route_id")?,
        query_id(params, "community_id")?,
        params.get("team").map(str::to_owned),
    )?;
    track(points, times, owner)
}
