//! The committee's writes to its lists (operator): a need raised (a GeoJSON Point Feature
//! with `category`, `households`, `raised_at` and optionally `building_id`), a project opened
//! on open needs and offers (`name`, `demand_ids`, `resource_ids`, `opened_at`, `status`), a
//! project moved on (`status`, `at`). The rules live in [`crate::model::list_edits`].

use serde::Deserialize;
use serde_json::Value;

use super::point_feature::{invalid, point_feature};
use crate::api::ApiError;
use crate::index::Engine;
use crate::model::datum::Datum;
use crate::model::list_edits::NewProject;
use crate::model::lists::{DemandItem, DemandStatus, ProjectStatus};
use crate::model::parse_instant;

fn instant(field: &str, v: Option<&str>) -> Result<i64, ApiError> {
    let v = v.ok_or_else(|| invalid(field, "is required: a date or an instant"))?;
    parse_instant(v).map_err(|e| invalid(field, e))
}

/// A need from a GeoJSON Point Feature (its id, community and status are the server's).
///
/// # Errors
/// 400 for something else; 422 naming a bad or unknown field.
pub fn demand_from_geojson(
    body: &Value,
    datum: Datum,
    engine: &Engine,
) -> Result<DemandItem, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Props {
        category: String,
        households: u32,
        raised_at: String,
        building_id: Option<u64>,
    }
    let ((lon, lat), props) = point_feature(body, datum, "where the need is")?;
    let props: Props = serde_json::from_value(Value::Object(props.clone())).map_err(|e| {
        invalid(
            "properties",
            format!("{e}; send category, households, raised_at and optionally building_id"),
        )
    })?;
    let category = props.category.parse().map_err(|e| invalid("category", e))?;
    if !(1..=10_000).contains(&props.households) {
        return Err(invalid("households", "must be from 1 to 10000"));
    }
    if let Some(b) = props.building_id
        && engine.buildings.get(b).is_none()
    {
        return Err(invalid("building_id", format!("there is no building {b}")));
    }
    let round = |v: f64| (v * 1e7).round() / 1e7;
    Ok(DemandItem {
        id: 0,
        community_id: 0,
        building_id: props.building_id,
        category,
        households: props.households,
        raised_at: instant("raised_at", Some(&props.raised_at))?,
        status: DemandStatus::Open,
        lon: round(lon),
        lat: round(lat),
    })
}

fn status(v: &str) -> Result<ProjectStatus, ApiError> {
    v.parse().map_err(|e| invalid("status", e))
}

/// A project to open, from its JSON body.
///
/// # Errors
/// 422 naming a bad or unknown field.
pub fn new_project(body: &Value) -> Result<NewProject, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        name: String,
        demand_ids: Vec<u64>,
        #[serde(default)]
        resource_ids: Vec<u64>,
        opened_at: String,
        status: Option<String>,
    }
    let b: Body = serde_json::from_value(body.clone()).map_err(|e| {
        invalid(
            "body",
            format!("{e}; send name, demand_ids, resource_ids, opened_at and optionally status"),
        )
    })?;
    Ok(NewProject {
        name: b.name,
        demand_ids: b.demand_ids,
        resource_ids: b.resource_ids,
        opened_at: instant("opened_at", Some(&b.opened_at))?,
        status: b
            .status
            .as_deref()
            .map_or(Ok(ProjectStatus::Planned), status)?,
    })
}

/// Where a project moves to and when, from its JSON body.
///
/// # Errors
/// 422 naming a bad or unknown field.
pub fn project_move(body: &Value) -> Result<(ProjectStatus, i64), ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        status: String,
        at: String,
    }
    let b: Body = serde_json::from_value(body.clone())
        .map_err(|e| invalid("body", format!("{e}; send status and at")))?;
    Ok((status(&b.status)?, instant("at", Some(&b.at))?))
}
