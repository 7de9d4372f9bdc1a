//! `POST /api/v1/inspections/plan`: a joint enforcement team's round through the hot spots of
//! the kinds it handles (see [`crate::analytics::inspection`]). The body:
//!
//! ```json
//! { "start": [112.2, 31.03], "budget_min": 240, "kinds": ["street_vending", "illegal_construction"],
//!   "mode": "walk", "service_min": 10, "from": "2021-07-01", "to": "2021-09-30",
//!   "communities": [12, 13], "max_stops": 50 }
//! ```
//!
//! Only `start` and `budget_min` are required; `kinds` defaults to every kind, the period to
//! all the data, `mode` to walk, `service_min` to 10, `max_stops` to 50.

use serde::Deserialize;
use serde_json::Value;

use super::answer::{InspectionPlan, InspectionStopProperties, InspectionSummary, PointGeometry};
use crate::analytics::inspection::{InspectionError, InspectionQuery, Travel, plan};
use crate::analytics::study_areas::StudyAreas;
use crate::api::params::{point, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::{Engine, IncidentFilter};
use crate::model::{IncidentKind, Period};

/// The longest round (a working day and a half).
pub const MAX_BUDGET_MIN: f64 = 720.0;
/// The most candidate stops (beyond 16 the route is the heuristic's).
pub const MAX_STOPS: usize = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    start: Option<[f64; 2]>,
    budget_min: Option<f64>,
    kinds: Option<Vec<String>>,
    mode: Option<String>,
    service_min: Option<f64>,
    from: Option<String>,
    to: Option<String>,
    communities: Option<Vec<u64>>,
    max_stops: Option<usize>,
}

fn bad(m: impl Into<String>) -> ApiError {
    ApiError::BadRequest(m.into())
}

/// The team's question, checked.
fn query(engine: &Engine, params: &QueryParams, body: &Value) -> Result<InspectionQuery, ApiError> {
    let r: Request =
        serde_json::from_value(body.clone()).map_err(|e| bad(format!("the body: {e}")))?;
    let [lon, lat] = r
        .start
        .ok_or_else(|| bad("`start` ([lon, lat]) is required"))?;
    let start = point("start", lon, lat)?;
    let budget_min = r
        .budget_min
        .filter(|b| *b > 0.0 && *b <= MAX_BUDGET_MIN)
        .ok_or_else(|| {
            bad(format!(
                "`budget_min` must be minutes above 0 and at most {MAX_BUDGET_MIN}"
            ))
        })?;
    let service_min = r.service_min.unwrap_or(10.0);
    if !(0.0..=120.0).contains(&service_min) {
        return Err(bad("`service_min` must be minutes from 0 to 120"));
    }
    let kinds = r
        .kinds
        .unwrap_or_default()
        .iter()
        .map(|k| k.parse::<IncidentKind>().map_err(|e| bad(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let travel = match r.mode.as_deref() {
        None | Some("walk") => Travel::Walk,
        Some("drive") => Travel::Drive,
        Some(other) => {
            return Err(bad(format!(
                "`mode` is walk or drive, not `{}`",
                other.chars().take(32).collect::<String>()
            )));
        }
    };
    let period =
        Period::from_bounds(r.from.as_deref(), r.to.as_deref()).map_err(|e| bad(e.to_string()))?;
    let mut communities = r.communities.unwrap_or_default();
    // A community the caller may not see is as unknown as a missing one.
    if let Some(id) = communities
        .iter()
        .find(|&&id| engine.communities.get(id).is_none() || !params.scope().sees(Some(id)))
    {
        return Err(ApiError::NotFound(format!("there is no community {id}")));
    }
    // A community-bound caller plans within what it sees.
    if let Some(bound) = &params.scope().communities
        && communities.is_empty()
    {
        communities = bound.to_vec();
    }
    let max_stops = r.max_stops.unwrap_or(50);
    if !(1..=MAX_STOPS).contains(&max_stops) {
        return Err(bad(format!("`max_stops` must be from 1 to {MAX_STOPS}")));
    }
    // A community-bound caller's hot spots are drawn from its communities' incidents only, as
    // its other analyses are.
    let scope = params
        .scope()
        .communities
        .as_ref()
        .map(|bound| {
            bound
                .iter()
                .filter_map(|id| engine.communities.position(*id))
                .collect()
        })
        .unwrap_or_default();
    Ok(InspectionQuery {
        start,
        budget_s: (budget_min * 60.0).round() as u64,
        service_s: (service_min * 60.0).round() as u64,
        travel,
        filter: IncidentFilter {
            kinds,
            period,
            communities: scope,
            ..IncidentFilter::default()
        },
        communities,
        max_stops,
    })
}

/// The round as GeoJSON: the stops in order.
pub fn plan_inspection(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
    body: &Value,
) -> Result<Value, ApiError> {
    params.only(&[])?;
    let q = query(engine, params, body)?;
    let round = plan(engine, areas, &q).map_err(|e| match e {
        InspectionError::NoStreets => ApiError::Unprocessable(e.to_string()),
        InspectionError::StartOffStreets(..) => ApiError::BadRequest(e.to_string()),
        InspectionError::NotBinned(_) => ApiError::Internal(e.to_string()),
    })?;
    let features = round
        .stops
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let c = &round.candidates[s];
            super::answer::Feature::new(
                k + 1,
                PointGeometry::from(geo::Point::from(c.at)),
                InspectionStopProperties {
                    order: k + 1,
                    cell: c.cell.to_string(),
                    community_id: c.community_id,
                    incidents: c.incidents,
                    arrive_min: rounded(round.arrive_s[k] as f64 / 60.0, 1),
                    leg_m: round.leg_m[k],
                },
            )
        })
        .collect();
    InspectionPlan::new(
        features,
        InspectionSummary {
            start: [q.start.x, q.start.y],
            mode: q.travel.as_str(),
            budget_min: q.budget_s as f64 / 60.0,
            service_min: q.service_s as f64 / 60.0,
            kinds: q.filter.kinds.clone(),
            period: q.filter.period.into(),
            candidates: round.candidates.len(),
            not_joined: round.not_joined,
            stops: round.stops.len(),
            minutes: rounded(round.cost_s as f64 / 60.0, 1),
            incidents: round.gain,
            exact: round.exact,
            bound: rounded(round.bound, 1),
            method: "the orienteering problem on the hot cells (Gi* class ≥ +2 city-wide, else each community's busiest), travel on the streets at 1.2 m/s on foot or 25 km/h by car plus the time at each stop: exact by dynamic programming over subsets up to 16 candidates; beyond, cheapest insertion by incidents per second then 2-opt, and `bound` (a fractional knapsack over each stop's cheapest way in) caps what any round could gain",
        },
    )
    .into_value()
}
