//! The governance lists' questions: `POST /api/v1/lists/match?quarter=&community=&max_walk_m=`
//! proposes which resource-list items should meet which open needs (see
//! [`crate::analytics::list_match`]). The body is empty or `{}`.
//! `GET /api/v1/lists/summary?quarter=&community=` gives the lists' figures for the quarter
//! as the committee reviews them.

use serde_json::Value;

use super::answer::{
    CategoryFigures, Feature, IdleResource, LineStringGeometry, LineStringType, ListMatch,
    ListsSummary, MatchPairProperties, MatchSummary, ProjectLine, UnmetDemand,
};
use crate::analytics::list_match::{MatchQuery, propose};
use crate::api::params::metres;
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::format_local;
use crate::model::lists::{ListCategory, ProjectStatus, Quarter};

/// The default reach on foot from a unit to a need (a 15-minute walk).
pub const DEFAULT_MAX_WALK_M: f64 = 1_200.0;
/// The longest reach asked for.
pub const MAX_WALK_M: f64 = 10_000.0;

/// A `quarter` parameter's value, or a 400 saying how to write one.
pub(super) fn parse_quarter(raw: &str) -> Result<Quarter, ApiError> {
    raw.trim()
        .parse()
        .map_err(|e: crate::model::lists::QuarterError| ApiError::BadRequest(e.to_string()))
}

/// The quarter asked (`quarter=2021Q3`), or the one the data's last report falls in.
pub(super) fn quarter(engine: &Engine, params: &QueryParams) -> Result<Quarter, ApiError> {
    match params.get("quarter") {
        Some(raw) => parse_quarter(raw),
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
pub(super) fn community(engine: &Engine, params: &QueryParams) -> Result<Option<u64>, ApiError> {
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

/// Whether the caller asked about (and may see) `community_id`.
fn in_scope(params: &QueryParams, asked: Option<u64>, community_id: u64) -> bool {
    asked.is_none_or(|c| c == community_id) && params.scope().sees(Some(community_id))
}

/// The lists' figures for a quarter: units, offers in it, needs open at its end (see
/// [`crate::model::lists::Lists::open_at`]), projects open at some time in it.
pub fn lists_summary(
    engine: &Engine,
    _areas: &crate::analytics::study_areas::StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    super::answer::to_value(&summary(engine, params)?)
}

/// [`lists_summary`]'s answer, typed (the briefs read it).
#[allow(
    clippy::too_many_lines,
    reason = "one figure after another, each a short fold over one list"
)]
pub(super) fn summary(engine: &Engine, params: &QueryParams) -> Result<ListsSummary, ApiError> {
    params.only(&["quarter", "community"])?;
    let q = quarter(engine, params)?;
    let asked = community(engine, params)?;
    let lists = &engine.lists;
    let (start, end) = (q.start(), q.end());
    let unit_community: rustc_hash::FxHashMap<u64, u64> =
        lists.units.iter().map(|u| (u.id, u.community_id)).collect();
    let units = lists
        .units
        .iter()
        .filter(|u| in_scope(params, asked, u.community_id))
        .count() as u64;
    let offers: Vec<_> = lists
        .resources
        .iter()
        .filter(|r| {
            r.offered_in(q)
                && unit_community
                    .get(&r.unit_id)
                    .is_some_and(|&c| in_scope(params, asked, c))
        })
        .collect();
    let open = lists.open_at(end);
    let needs: Vec<_> = lists
        .demands
        .iter()
        .zip(&open)
        .filter(|(d, open)| **open && in_scope(params, asked, d.community_id))
        .map(|(d, _)| d)
        .collect();
    let demands_raised = lists
        .demands
        .iter()
        .filter(|d| (start..end).contains(&d.raised_at) && in_scope(params, asked, d.community_id))
        .count() as u64;
    let mine: Vec<_> = lists
        .projects
        .iter()
        .filter(|p| in_scope(params, asked, p.community_id))
        .collect();
    let closed_in =
        |p: &crate::model::lists::Project| p.closed_at.is_some_and(|c| (start..end).contains(&c));
    let active: Vec<_> = mine
        .iter()
        .copied()
        .filter(|p| p.opened_at < end && p.closed_at.is_none_or(|c| c >= start))
        .collect();
    let helped = |keep: &dyn Fn(&crate::model::lists::Project) -> bool| -> u64 {
        mine.iter()
            .filter(|p| p.status == ProjectStatus::Done && keep(p))
            .map(|p| u64::from(p.households))
            .sum()
    };
    let by_category = ListCategory::ALL
        .iter()
        .map(|&c| CategoryFigures {
            category: c,
            category_zh: c.name_zh(),
            resource_items: offers.iter().filter(|r| r.category == c).count() as u64,
            capacity: offers
                .iter()
                .filter(|r| r.category == c)
                .map(|r| u64::from(r.capacity))
                .sum(),
            open_demands: needs.iter().filter(|d| d.category == c).count() as u64,
            households_open: needs
                .iter()
                .filter(|d| d.category == c)
                .map(|d| u64::from(d.households))
                .sum(),
        })
        .filter(|f| f.resource_items + f.open_demands > 0)
        .collect();
    let summary = ListsSummary {
        quarter: q.to_string(),
        community: asked,
        units,
        resource_items: offers.len() as u64,
        capacity: offers.iter().map(|r| u64::from(r.capacity)).sum(),
        hours: offers.iter().map(|r| u64::from(r.hours)).sum(),
        open_demands: needs.len() as u64,
        households_open: needs.iter().map(|d| u64::from(d.households)).sum(),
        demands_raised,
        projects_active: active.len() as u64,
        projects_done_in_quarter: mine.iter().filter(|p| closed_in(p)).count() as u64,
        households_helped_in_quarter: helped(&closed_in),
        households_helped_to_date: helped(&|p| p.closed_at.is_some_and(|c| c < end)),
        by_category,
        projects: active
            .iter()
            .map(|p| ProjectLine {
                id: p.id,
                name: p.name.clone(),
                category: p.category,
                // As at the quarter's end: a project done later was still going then.
                status: match p.closed_at {
                    Some(c) if c < end => ProjectStatus::Done,
                    _ if p.status == ProjectStatus::Planned => ProjectStatus::Planned,
                    _ => ProjectStatus::InProgress,
                },
                opened_at: format_local(p.opened_at),
                closed_at: p.closed_at.map(format_local),
                // Households helped by the quarter's end.
                households: if p.closed_at.is_some_and(|c| c < end) {
                    p.households
                } else {
                    0
                },
            })
            .collect(),
    };
    Ok(summary)
}
