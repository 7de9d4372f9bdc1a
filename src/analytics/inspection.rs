//! A joint enforcement team's inspection round (联合执法, #28): from its start, through the
//! hot spots of the kinds it handles, within a time budget, gaining the most incidents.
//!
//! The candidate stops are the hot cells of those kinds over the period (res-9 cells of Gi*
//! class ≥ +2 city-wide, else each community's busiest: [`city_hot_cells`]), optionally in some
//! communities, reachable in a straight line within the budget, the `max_stops` with the most
//! incidents. A stop's gain is its incidents of those kinds; its cost the travel to it on the
//! street network at the mode's speed plus the time spent there. The route is open (it ends at
//! its last stop) and is the orienteering problem's answer ([`orienteering::plan`]): exact up to
//! [`orienteering::EXACT_MAX`] candidates, a stated heuristic with an upper bound beyond.

use geo::Coord;
use h3o::{CellIndex, LatLng};
use rayon::prelude::*;

use super::orienteering::{self, Problem};
use super::patrol::hot_cells::city_hot_cells;
use crate::analytics::hotspots::NotBinned;
use crate::analytics::study_areas::StudyAreas;
use crate::index::{Engine, IncidentFilter};
use crate::network::{DEFAULT_SNAP_LIMIT_M, Snap, geodesic_m};

/// How the team moves along the streets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Travel {
    /// On foot, 1.2 m/s (4.3 km/h).
    Walk,
    /// By car through the same streets at 25 km/h (a city's stop-and-go average).
    Drive,
}

impl Travel {
    /// Metres a second.
    #[must_use]
    pub const fn speed_m_s(self) -> f64 {
        match self {
            Self::Walk => 1.2,
            Self::Drive => 25.0 / 3.6,
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Walk => "walk",
            Self::Drive => "drive",
        }
    }
}

/// The question.
#[derive(Debug, Clone)]
pub struct InspectionQuery {
    pub start: Coord,
    pub budget_s: u64,
    /// Time spent at each stop.
    pub service_s: u64,
    pub travel: Travel,
    /// The incidents that count (kinds, period, communities).
    pub filter: IncidentFilter,
    /// Only stops in these communities (ids); all when empty.
    pub communities: Vec<u64>,
    pub max_stops: usize,
}

/// A candidate stop: a hot cell, its community and its incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub cell: CellIndex,
    pub community_id: u64,
    pub incidents: f64,
    pub at: Coord,
}

/// The round: the candidates, the stops in order (indices into `candidates`) with the
/// seconds from the start at which each is reached, the travel legs' metres, and the bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub candidates: Vec<Candidate>,
    pub stops: Vec<usize>,
    /// Seconds from the start to the arrival at each stop.
    pub arrive_s: Vec<u64>,
    /// Metres travelled to each stop from the one before (or the start).
    pub leg_m: Vec<u64>,
    pub cost_s: u64,
    pub gain: f64,
    pub exact: bool,
    /// The best route gains at most this much.
    pub bound: f64,
    /// Candidates beyond the street network's reach (left out).
    pub not_joined: usize,
}

/// Why no round could be planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InspectionError {
    #[error("the start is {0:.0} m from the nearest street (at most {1:.0} m)")]
    StartOffStreets(f64, f64),
    #[error("this dataset has no streets to travel along")]
    NoStreets,
    #[error(transparent)]
    NotBinned(#[from] NotBinned),
}

/// The cell's centre as lon/lat.
fn centre(cell: CellIndex) -> Coord {
    let c = LatLng::from(cell);
    Coord {
        x: c.lng(),
        y: c.lat(),
    }
}

/// The candidates of `q`, most incidents first.
fn candidates(
    engine: &Engine,
    areas: &StudyAreas,
    q: &InspectionQuery,
) -> Result<Vec<Candidate>, NotBinned> {
    let reach_m = q.travel.speed_m_s() * q.budget_s as f64;
    let mut out: Vec<Candidate> = city_hot_cells(engine, areas, &q.filter)?
        .into_iter()
        .map(|h| Candidate {
            cell: h.cell,
            community_id: engine.communities.items()[h.community as usize].id,
            incidents: h.incidents,
            at: centre(h.cell),
        })
        .filter(|c| q.communities.is_empty() || q.communities.contains(&c.community_id))
        .filter(|c| c.incidents > 0.0 && geodesic_m(q.start, c.at) <= reach_m)
        .collect();
    out.sort_by(|a, b| {
        b.incidents
            .total_cmp(&a.incidents)
            .then(a.cell.cmp(&b.cell))
    });
    out.truncate(q.max_stops);
    Ok(out)
}

/// Seconds to cover `m` metres at `speed`, rounded up.
fn seconds(m: f64, speed: f64) -> u64 {
    (m / speed).ceil() as u64
}

/// The round for `q`.
///
/// # Errors
/// No streets, a start too far from them, or incidents not binned at res 9.
pub fn plan(
    engine: &Engine,
    areas: &StudyAreas,
    q: &InspectionQuery,
) -> Result<Inspection, InspectionError> {
    let network = &engine.network;
    if network.edges.is_empty() {
        return Err(InspectionError::NoStreets);
    }
    let start = network.snap(q.start, DEFAULT_SNAP_LIMIT_M).map_err(|_| {
        let far = network
            .snap(q.start, f64::INFINITY)
            .map_or(f64::INFINITY, |s| s.connector_m);
        InspectionError::StartOffStreets(far, DEFAULT_SNAP_LIMIT_M)
    })?;
    let all = candidates(engine, areas, q)?;
    let snapped: Vec<Option<Snap>> = all
        .iter()
        .map(|c| network.snap(c.at, DEFAULT_SNAP_LIMIT_M).ok())
        .collect();
    let not_joined = snapped.iter().filter(|s| s.is_none()).count();
    let (candidates, snaps): (Vec<Candidate>, Vec<Snap>) = all
        .into_iter()
        .zip(snapped)
        .filter_map(|(c, s)| Some((c, s?)))
        .unzip();
    let speed = q.travel.speed_m_s();
    let reach_m = speed * q.budget_s as f64;
    // Metres from the start (row 0) and from each stop to every stop; unreachable is MAX.
    let metres: Vec<Vec<Option<f64>>> = std::iter::once(&start)
        .chain(&snaps)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|from| network.walks_to(from, &snaps, reach_m))
        .collect();
    // Beyond reach costs more than the whole budget (and sums of it stay far from overflow).
    let cost = |m: Option<f64>| m.map_or(q.budget_s + 1, |m| seconds(m, speed) + q.service_s);
    let from_start: Vec<u64> = metres[0].iter().map(|&m| cost(m)).collect();
    let between: Vec<Vec<u64>> = metres[1..]
        .iter()
        .map(|row| row.iter().map(|&m| cost(m)).collect())
        .collect();
    let gain: Vec<f64> = candidates.iter().map(|c| c.incidents).collect();
    let problem = Problem {
        from_start: &from_start,
        between: &between,
        gain: &gain,
        budget: q.budget_s,
    };
    let route = orienteering::plan(&problem);
    let bound = if route.exact {
        route.gain
    } else {
        orienteering::upper_bound(&problem)
    };
    let mut arrive_s = Vec::with_capacity(route.stops.len());
    let mut leg_m = Vec::with_capacity(route.stops.len());
    let mut clock = 0;
    let mut previous: Option<usize> = None;
    for &s in &route.stops {
        let m = match previous {
            None => metres[0][s],
            Some(p) => metres[p + 1][s],
        }
        .unwrap_or(0.0);
        clock += seconds(m, speed);
        arrive_s.push(clock);
        clock += q.service_s;
        leg_m.push(m.round() as u64);
        previous = Some(s);
    }
    Ok(Inspection {
        candidates,
        arrive_s,
        leg_m,
        cost_s: route.cost,
        gain: route.gain,
        exact: route.exact,
        bound,
        stops: route.stops,
        not_joined,
    })
}
