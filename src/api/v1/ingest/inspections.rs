//! An incoming joint inspection record (operator): a GeoJSON Point Feature (where the team
//! was) with `at`, `agencies`, `kinds`, `problems_found` and `problems_solved`. The community
//! is derived by the server.

use serde_json::Value;

use super::point_feature::{invalid, point_feature};
use crate::api::ApiError;
use crate::model::datum::Datum;
use crate::model::inspections::InspectionRecord;
use crate::model::parse_instant;

const FIELDS: [&str; 5] = [
    "at",
    "agencies",
    "kinds",
    "problems_found",
    "problems_solved",
];

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
    let ((lon, lat), props) = point_feature(body, datum, "where the team was")?;
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
