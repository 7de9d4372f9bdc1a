//! Incoming resources (admin): a GeoJSON Point Feature with `kind`, `name`, `capacity` and
//! optionally `id` (to replace an existing one). The community is derived by the server.

use geo::Point;
use serde_json::Value;

use super::point_feature::{invalid, point_feature};
use crate::api::ApiError;
use crate::model::Resource;
use crate::model::datum::Datum;

const FIELDS: [&str; 4] = ["id", "kind", "name", "capacity"];

/// A resource from a GeoJSON Point Feature.
///
/// # Errors
/// 400 for something else; 422 naming a bad or unknown field.
pub fn from_geojson(body: &Value, datum: Datum) -> Result<Resource, ApiError> {
    let ((x, y), props) = point_feature(body, datum, "where the resource is")?;
    if let Some(unknown) = props.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(invalid(
            unknown,
            "is not a resource field; send kind, name, capacity and optionally id",
        ));
    }
    let kind = props
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("kind", "is required"))?
        .parse()
        .map_err(|e| invalid("kind", e))?;
    let name = props
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 200)
        .ok_or_else(|| invalid("name", "is required (1 to 200 characters)"))?
        .to_owned();
    let capacity = match props.get("capacity") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_u64()
            .and_then(|c| u32::try_from(c).ok())
            .ok_or_else(|| invalid("capacity", "must be a whole number ≥ 0"))?,
    };
    let id = match props.get("id") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_u64()
            .filter(|&i| i > 0)
            .ok_or_else(|| invalid("id", "must be a positive integer"))?,
    };
    Ok(Resource {
        id,
        kind,
        name,
        capacity,
        geometry: Point::new(x, y),
        community_id: None,
    })
}
