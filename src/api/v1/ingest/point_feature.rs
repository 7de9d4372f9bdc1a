//! The shape every point write shares (a resource, a joint inspection, a need): a GeoJSON
//! Feature with a Point geometry in the declared datum, and its properties.

use serde_json::{Map, Value};

use crate::api::ApiError;
use crate::model::LonLat;
use crate::model::datum::Datum;

/// A 422 naming `field`.
pub fn invalid(field: &str, detail: impl std::fmt::Display) -> ApiError {
    ApiError::Unprocessable(format!("`{field}`: {detail}"))
}

/// A point in WGS 84 and the properties beside it.
pub type Placed<'a> = ((f64, f64), &'a Map<String, Value>);

/// The Feature's position in WGS 84 (converted from `datum`) and its properties; `place`
/// says what the point is, for the message.
///
/// # Errors
/// 400 for something other than a Feature; 422 for a geometry that is not a Point of a
/// longitude and latitude, or no properties.
pub fn point_feature<'a>(
    body: &'a Value,
    datum: Datum,
    place: &str,
) -> Result<Placed<'a>, ApiError> {
    if body.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(ApiError::BadRequest(format!(
            "expected a GeoJSON Feature with a Point geometry ({place})"
        )));
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
    let props = body
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("properties", "are required"))?;
    Ok((datum.to_wgs84(lon, lat), props))
}
