//! An incoming joint inspection record (operator): a GeoJSON Point Feature (where the team
//! was) with `at`, `agencies`, `kinds`, `problems_found` and `problems_solved`. The community
//! is derived by the server.

use serde_json::Value;

use crate::api::ApiError;
use crate::model::datum::Datum;
use crate::model::inspections::InspectionRecord;
use crate::model::{LonLat, parse_instant};

const FIELDS: [&str; 5] = [
    "at",
    "agencies",
    "kinds",
    "problems_found",
    "problems_solved",
];

fn invalid(field: &str, detail: impl std::fmt::Display) -> ApiError {
    ApiError::Unprocessable(format!("`{field}`: {detail}"))
}

/// A list of closed-vocabulary names.
fn names<T: std::str::FromStr>(
    props: &serde_json::Map<String, Value>,
    field: &str,
) -> Result<Vec<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    props
        .get(field)
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(field, "is required: a list of names"))?
        .iter()
        .map(|v| {
            v.as_str()
                .ok_or_else(|| invalid(field, "holds names (strings)"))?
                .parse()
                .map_err(|e| invalid(field, e))
        })
        .collect()
}

fn count(props: &serde_json::Map<String, Value>, field: &str) -> Result<u32, ApiError> {
    props
        .get(field)
        .and_then(Value::as_u64)
        .and_then(|c| u32::try_from(c).ok())
        .filter(|&c| c <= 10_000)
        .ok_or_else(|| invalid(field, "is required: a whole number from 0 to 10000"))
}

/// A record from a GeoJSON Point Feature (its id and community are the server's to give).
///
/// # Errors
/// 400 for something else; 422 naming a bad or unknown field or a broken rule.
pub fn from_geojson(body: &Value, datum: Datum) -> Result<InspectionRecord, ApiError> {
    if body.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(ApiError::BadRequest(
            "expected a GeoJSON Feature with a Point geometry (where the team was)".into(),
        ));
    }
    let (lon, lat) = body
        .pointer("/geometry/coordinates")
        .and_then(Value::as_array)
        .filter(|_| body.pointer("/geometry/type").and_then(Value::as_str) == Some("Point"))
        .and_then(|c| Some((c.first()?.as_f64()?, c.get(1)?.as_f64()?)))
        .ok_or_else(|| invalid("geometry", "must be a Point [longitude, latitude]"))?;
    if LonLat::new(lon, lat).is_none() {
        return Err(invalid(
            "geometry",
            format!("({lon}, {lat}) is not a longitude, latitude pair"),
        ));
    }
    let (lon, lat) = datum.to_wgs84(lon, lat);
    let props = body
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("properties", "are required"))?;
    if let Some(unknown) = props.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(invalid(
            unknown,
            "is not an inspection field; send at, agencies, kinds, problems_found and problems_solved",
        ));
    }
    let at = props
        .get("at")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("at", "is required: when the team was there"))?;
    let at = parse_instant(at).map_err(|e| invalid("at", e))?;
    let round = |v: f64| (v * 1e7).round() / 1e7;
    InspectionRecord {
        id: 0,
        community_id: 0,
        at,
        agencies: names(props, "agencies")?,
        kinds: names(props, "kinds")?,
        problems_found: count(props, "problems_found")?,
        problems_solved: count(props, "problems_solved")?,
        lon: round(lon),
        lat: round(lat),
    }
    .normalised()
    .map_err(|e| invalid("properties", e))
}
