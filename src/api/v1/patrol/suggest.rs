//! `GET /api/v1/patrol/suggest?route=[&extra_m=1000][&buffer_m=50][&from=&to=&kind=]`: the hot
//! spots a route misses, ranked by their incidents, and the route extended along the streets
//! to reach the heaviest of them within `extra_m` more metres, with its coverage before and
//! after.

use h3o::{LatLng, Resolution};
use serde_json::Value;

use super::{BUFFER_M, cover, hot_cells, period_filter};
use crate::analytics::patrol::coverage::Coverage;
use crate::analytics::patrol::suggest::{Candidate, suggest as plan};
use crate::api::params::{Metres, rounded};
use crate::api::v1::StudyAreas;
use crate::api::v1::answer::{
    AnyGeometry, CoverageFigures, Feature, Suggest, SuggestProperties, SuggestSummary,
};
use crate::api::{ApiError, QueryParams};
use crate::index::{Engine, IncidentFilter};

/// `extra_m`: the length a suggestion may add.
pub const EXTRA_M: Metres = Metres {
    key: "extra_m",
    default: Some(1_000.0),
    max: 10_000.0,
    about: "extra length",
};

/// The answer to `GET /api/v1/patrol/suggest` (see the module's documentation).
pub fn suggest(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    const KEYS: &[&str] = &["route", "extra_m", "buffer_m"];
    params.only(&[KEYS, &["kind", "from", "to"]].concat())?;
    let filter = period_filter(engine, params, KEYS)?;
    let id: u64 = params
        .get("route")
        .ok_or_else(|| ApiError::BadRequest("`route` (a patrol route id) is required".into()))?
        .trim()
        .parse()
        .map_err(|_| ApiError::BadRequest("`route` must be an id".into()))?;
    let route = engine
        .patrol_routes
        .get(id)
        .filter(|r| params.scope().sees(Some(r.community_id)))
        .ok_or_else(|| ApiError::NotFound(format!("no patrol route {id}")))?;
    let extra_m = EXTRA_M.read(params, 0.0)?;
    let buffer_m = BUFFER_M.read(params, 0.0)?;
    let community = engine
        .communities
        .position(route.community_id)
        .ok_or_else(|| ApiError::NotFound(format!("no community {}", route.community_id)))?;
    // The loop to extend: the route's longest line (its other lines, if any, stay as they are).
    let Some((chosen, line)) = route
        .geometry
        .0
        .iter()
        .enumerate()
        .max_by_key(|(_, l)| l.0.len())
    else {
        return Err(ApiError::Unprocessable("the route has no path".into()));
    };
    if line.0.len() < 2 {
        return Err(ApiError::Unprocessable("the route has no path".into()));
    }
    let hot = hot_cells(engine, areas, &filter, community)?;
    let before = cover(engine, &route.geometry, community, buffer_m, &hot, &filter);
    let weights = incidents_in(engine, &filter, &before.hotspots_missed);
    let mut candidates: Vec<Candidate> = before
        .hotspots_missed
        .iter()
        .zip(&weights)
        .map(|(&cell, &w)| Candidate {
            cell,
            weight: w as f64,
        })
        .collect();
    candidates.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.cell.cmp(&b.cell)));
    let s = plan(engine, line, &candidates, extra_m, buffer_m);
    if s.path.0.len() < 2 {
        return Err(ApiError::Unprocessable(
            "no vertex of the route lies on the streets".into(),
        ));
    }
    let mut extended = route.geometry.clone();
    extended.0[chosen] = s.path.clone();
    let after = cover(engine, &extended, community, buffer_m, &hot, &filter);
    let features = features(route.id, &s, &candidates, &after);
    Suggest::new(
        features,
        SuggestSummary {
            route_id: route.id,
            team: route.team.clone(),
            community_id: route.community_id,
            extra_m,
            buffer_m,
            base_length_m: rounded(s.base_length_m, 1),
            length_m: rounded(s.length_m, 1),
            added_m: rounded((s.length_m - s.base_length_m).max(0.0), 1),
            uncovered_hotspots: candidates.len(),
            visited: s.visits.iter().map(|v| v.cell.to_string()).collect(),
            incidents_gained: s.visits.iter().map(|v| v.weight).sum::<f64>().max(0.0),
            before: figures(&before),
            after: figures(&after),
            exact: s.exact,
            period: filter.period.into(),
            method: "orienteering on the fixed loop: exact (Held–Karp detours per stretch, then the best disjoint combination) up to 8 hot spots; beyond, greedy insertion by incidents per extra metre with 2-opt, or the exact answer over the 8 heaviest if better. Each hot spot is visited at the street node within reach of its cell that is nearest the loop on foot.",
        },
    )
    .into_value()
}

/// The suggested route, then each uncovered hot spot by rank.
fn features(
    route_id: u64,
    s: &crate::analytics::patrol::suggest::Suggestion,
    candidates: &[Candidate],
    after: &Coverage,
) -> Vec<Feature<SuggestProperties, AnyGeometry>> {
    let mut features = vec![Feature::new(
        "suggested".to_owned(),
        AnyGeometry::of(&s.path),
        SuggestProperties::SuggestedRoute {
            route_id,
            length_m: rounded(s.length_m, 1),
        },
    )];
    for (rank, c) in candidates.iter().enumerate() {
        let visit = s.visits.iter().position(|v| v.cell == c.cell);
        features.push(Feature::new(
            format!("gap.{}", c.cell),
            AnyGeometry::cell(c.cell),
            SuggestProperties::UncoveredHotspot {
                h3: c.cell.to_string(),
                rank: rank + 1,
                incidents: c.weight,
                visited: visit.is_some(),
                visit_order: visit.map(|v| v + 1),
                reached_after: after.hotspots_reached.contains(&c.cell),
                street_within_reach: !s.unreachable.contains(&c.cell),
            },
        ));
    }
    features
}

/// The incidents of `filter` (city-wide) in each of `cells`.
fn incidents_in(engine: &Engine, filter: &IncidentFilter, cells: &[h3o::CellIndex]) -> Vec<u64> {
    let mut counts = vec![0u64; cells.len()];
    if cells.is_empty() {
        return counts;
    }
    let table = &engine.incidents;
    engine.incidents.for_each_match(filter, |r| {
        let Ok(ll) = LatLng::new(table.lat[r], table.lon[r]) else {
            return;
        };
        let cell = ll.to_cell(Resolution::Nine);
        if let Some(i) = cells.iter().position(|&c| c == cell) {
            counts[i] += 1;
        }
    });
    counts
}

/// A coverage's figures, as the summary gives them before and after.
fn figures(c: &Coverage) -> CoverageFigures {
    let households: u64 = c.grids.iter().map(|g| g.households).sum();
    let reached: u64 = c.grids.iter().map(|g| g.households_reached).sum();
    CoverageFigures {
        length_m: rounded(c.length_m, 1),
        hotspots_reached: c.hotspots_reached.len(),
        hotspots_missed: c.hotspots_missed.len(),
        incidents_reached: c.incidents_reached,
        incident_share: super::share(c.incidents_reached as u64, c.incidents as u64),
        households_covered_share: super::share(reached, households),
    }
}
