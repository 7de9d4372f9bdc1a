//! The governance lists' questions: `POST /api/v1/lists/match?quarter=&community=&max_walk_m=`
//! proposes which resource-list items should meet which open needs (see
//! [`crate::analytics::list_match`]). The body is empty or `{}`.

use serde_json::Value;

use super::answer::{
    Feature, IdleResource, LineStringGeometry, LineStringType, ListMatch, MatchPairProperties,
    MatchSummary, UnmetDemand,
};
use crate::analytics::list_match::{MatchQuery, propose};
use crate::api::params::metres;
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::lists::Quarter;

/// The default reach on foot from a unit to a need (a 15-minute walk).
pub const DEFAULT_MAX_WALK_M: f64 = 1_200.0;
/// The longest reach asked for.
pub const MAX_WALK_M: f64 = 10_000.0;

/// The quarter asked (`quarter=2021Q3`), or the one the data's last report falls in.
fn quarter(engine: &Engine, params: &QueryParams) -> Result<Quarter, ApiError> {
    match params.get("quarter") {
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: crate::model::lists::QuarterError| ApiError::BadRequest(e.to_string())),
        None => engine
            .incidents
            .reported_at
            .last()
            .map(|&t| Quarter::of(t))
            .ok_or_else(|| {
                ApiError::BadRequest("this dataset has no incidents: give `quarter`".into())
            }),
    }
}

/// The community asked, which must exist and be visible to the caller.
fn community(engine: &Engine, params: &QueryParams) -> Result<Option<u64>, ApiError> {
    let Some(raw) = params.get("community") else {
        return Ok(None);
    };
    let id: u64 = raw.trim().parse().map_err(|_| {
        ApiError::BadRequest("`community` must be a community id (an integer)".into())
    })?;
    // A community the caller may not see is as unknown as a missing one.
    if engine.communities.get(id).is_none() || !params.scope().sees(Some(id)) {
        return Err(ApiError::NotFound(format!("there is no community {id}")));
    }
    Ok(Some(id))
}

/// The proposal as GeoJSON: a line from the unit to the need for each pair.
pub fn match_lists(
    engine: &Engine,
    _areas: &crate::analytics::study_areas::StudyAreas,
    params: &QueryParams,
    body: &Value,
) -> Result<Value, ApiError> {
    params.only(&["quarter", "community", "max_walk_m"])?;
    if !(body.is_null() || body.as_object().is_some_and(serde_json::Map::is_empty)) {
        return Err(ApiError::BadRequest(
            "this question is asked in the query string; the body must be empty or {}".into(),
        ));
    }
    let query = MatchQuery {
        quarter: quarter(engine, params)?,
        community: community(engine, params)?,
        visible: params.scope().communities.as_ref().map(|c| c.to_vec()),
        max_walk_m: metres(params, "max_walk_m", DEFAULT_MAX_WALK_M, MAX_WALK_M)?,
    };
    let p = propose(engine, &query);
    let lists = &engine.lists;
    let unit_name = |id: u64| {
        lists
            .units
            .iter()
            .find(|u| u.id == id)
            .map(|u| (u.name.clone(), u.lon, u.lat))
            .unwrap_or_default()
    };
    let features = p
        .pairs
        .iter()
        .enumerate()
        .map(|(k, pair)| {
            let r = &lists.resources[pair.resource];
            let d = &lists.demands[pair.demand];
            let (name, lon, lat) = unit_name(r.unit_id);
            Feature::new(
                k,
                LineStringGeometry {
                    kind: LineStringType::LineString,
                    coordinates: vec![[lon, lat], [d.lon, d.lat]],
                },
                MatchPairProperties {
                    resource_id: r.id,
                    unit_id: r.unit_id,
                    unit_name: name,
                    demand_id: d.id,
                    community_id: d.community_id,
                    category: d.category,
                    category_zh: d.category.name_zh(),
                    households: pair.households,
                    walk_m: pair.walk_m,
                },
            )
        })
        .collect();
    let summary = MatchSummary {
        quarter: query.quarter.to_string(),
        community: query.community,
        max_walk_m: query.max_walk_m,
        mode: if engine.network.edges.is_empty() {
            "straight"
        } else {
            "walk"
        },
        resource_items: p.offers,
        demand_items: p.needs,
        households_open: p.households_open,
        capacity: p.capacity,
        households_served: p.households_served,
        household_metres: p.household_metres,
        unmet: p
            .unmet
            .iter()
            .map(|&(j, left)| {
                let d = &lists.demands[j];
                UnmetDemand {
                    demand_id: d.id,
                    community_id: d.community_id,
                    category: d.category,
                    households: u64::from(d.households),
                    households_left: left,
                    lon: d.lon,
                    lat: d.lat,
                }
            })
            .collect(),
        idle: p
            .idle
            .iter()
            .map(|&(i, left)| {
                let r = &lists.resources[i];
                IdleResource {
                    resource_id: r.id,
                    unit_id: r.unit_id,
                    unit_name: unit_name(r.unit_id).0,
                    category: r.category,
                    capacity: u64::from(r.capacity),
                    capacity_left: left,
                }
            })
            .collect(),
        not_joined: p.not_joined,
        method: "exact minimum-cost maximum flow (successive shortest paths): the most households served, then the least households × walking metres; a pair needs the same category and a walk within max_walk_m",
    };
    ListMatch::new(features, summary).into_value()
}
