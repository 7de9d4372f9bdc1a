//! The incidents' handling histories, generated last from their own random stream so nothing
//! planted before moves. Each history fits the incident's status and resolution time as
//! generated (closed at `resolved_at`; assigned incidents with a department; open ones filed,
//! returned or parked), and carries planted truth for the command centre's board:
//!
//! - a slow department: in three communities the urban-management bureau closes its incidents
//!   four times later than it does elsewhere (their `resolved_at` moves, never past the last
//!   five days of the data);
//! - a grid whose incidents are returned (回退) by the department three times in five, against
//!   one in twenty-five elsewhere;
//! - incidents parked (挂账) for months: old open incidents parked days after filing and never
//!   taken up again.
//!
//! A holiday shows without planting: the clock stops over the National Day week, so the
//! limits that would have run out during it all run out on its first working day after.

use geo::{BoundingRect, Contains};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::incidents::END;
use crate::geodata::Dataset;
use crate::model::handling::{History, Move};
use crate::model::{HandlingState as S, IncidentKind as K, IncidentStatus};

/// The department whose incidents are slow in the planted communities.
pub const SLOW_DEPARTMENT: &str = "城市管理执法局";
/// How much later the slow department closes in those communities.
const SLOW_FACTOR: i64 = 4;
/// How many old open incidents are parked for months.
const PARKED: usize = 40;

/// What the handling histories carry (`truth.json`, `handling`).
#[derive(Debug, Clone, Serialize)]
pub struct HandlingTruth {
    /// The department that is slow in `slow_communities` (ids).
    pub slow_department: String,
    pub slow_communities: Vec<u64>,
    /// The grid (id) whose incidents are often returned.
    pub returns_grid: u64,
    /// Incidents parked for months (ids), each parked at least 90 days before the data ends.
    pub parked_for_months: Vec<u64>,
    /// The holiday week whose limits all run out on its first working day after.
    pub holiday_week: [String; 3],
}

/// The department an incident of `kind` goes to: its usual one, or now and then another.
fn department(rng: &mut ChaCha8Rng, kind: K) -> &'static str {
    let (usual, other) = match kind {
        K::StreetVending | K::IllegalConstruction => (SLOW_DEPARTMENT, "街道办事处"),
        K::MarketSanitation => (SLOW_DEPARTMENT, "市场监督管理局"),
        K::Drainage => ("水利和湖泊局", "住房和城乡建设局"),
        K::SafetyHazard => ("应急管理局", "消防救援支队"),
        K::SchoolSurroundings => ("教育局", "公安局"),
        K::PoliceCall | K::CriminalCase => ("公安局", "公安局"),
        K::Dispute => ("司法局", "街道办事处"),
        K::PropertyDispute => ("住房和城乡建设局", "街道办事处"),
        K::Petition => ("信访局", "街道办事处"),
    };
    if rng.random_range(0..100) < 85 {
        usual
    } else {
        other
    }
}

/// A centre operator's code.
fn operator(rng: &mut ChaCha8Rng) -> String {
    format!("坐席{:02}", rng.random_range(1..=12))
}

/// Each incident's grid and community positions (`usize::MAX` outside every grid).
fn place(data: &Dataset) -> Vec<(usize, usize)> {
    let community_of: rustc_hash::FxHashMap<u64, usize> = data
        .communities
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let tree = rstar::RTree::bulk_load(
        data.grids
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let r = g.geometry.bounding_rect()?;
                Some(rstar::primitives::GeomWithData::new(
                    rstar::primitives::Rectangle::from_corners(
                        [r.min().x, r.min().y],
                        [r.max().x, r.max().y],
                    ),
                    i,
                ))
            })
            .collect(),
    );
    data.incidents
        .iter()
        .map(|i| {
            let p = geo::Point::new(i.lon, i.lat);
            tree.locate_all_at_point(&[i.lon, i.lat])
                .find(|g| data.grids[g.data].geometry.contains(&p))
                .map_or((usize::MAX, usize::MAX), |g| {
                    let grid = &data.grids[g.data];
                    (g.data, community_of[&grid.community_id])
                })
        })
        .collect()
}

/// Gives every incident of `data` a handling history (`data.moves`), planting the truth above;
/// the slow department's incidents in the planted communities get their later closing.
pub fn plant(rng: &mut ChaCha8Rng, data: &mut Dataset) -> HandlingTruth {
    let places = place(data);
    let departments: Vec<&'static str> = data
        .incidents
        .iter()
        .map(|i| department(rng, i.kind))
        .collect();
    // The slow communities: the three where the slow department has the most closed incidents.
    let mut slow_count = vec![0usize; data.communities.len()];
    for ((i, &(_, c)), d) in data.incidents.iter().zip(&places).zip(&departments) {
        if c != usize::MAX && *d == SLOW_DEPARTMENT && i.status == IncidentStatus::Resolved {
            slow_count[c] += 1;
        }
    }
    let mut order: Vec<usize> = (0..slow_count.len()).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(slow_count[c]), c));
    let slow: Vec<usize> = order.into_iter().take(3).collect();
    // The returns grid: the grid with the most incidents outside the slow communities.
    let mut grid_count = vec![0usize; data.grids.len()];
    for &(g, c) in &places {
        if g != usize::MAX && !slow.contains(&c) {
            grid_count[g] += 1;
        }
    }
    let returns_grid = (0..grid_count.len())
        .max_by_key(|&g| (grid_count[g], std::cmp::Reverse(g)))
        .unwrap_or(0);
    // The parked: the oldest open incidents filed at least 120 days before the end.
    let mut parked: Vec<usize> = (0..data.incidents.len())
        .filter(|&i| {
            data.incidents[i].status == IncidentStatus::Open
                && data.incidents[i].reported_at < END - 120 * 86_400
        })
        .collect();
    parked.truncate(PARKED);

    let mut moves = Vec::with_capacity(data.incidents.len() * 5);
    for (n, incident) in data.incidents.iter_mut().enumerate() {
        let (grid, community) = places[n];
        let dept = departments[n];
        if dept == SLOW_DEPARTMENT
            && slow.contains(&community)
            && let Some(r) = incident.resolved_at
        {
            let later = incident.reported_at + (r - incident.reported_at) * SLOW_FACTOR;
            if later < END - 5 * 86_400 && r < END - 5 * 86_400 {
                incident.resolved_at = Some(later);
            }
        }
        let returns = if grid == returns_grid { 60 } else { 4 };
        let plan = Plan {
            department: dept,
            returned: rng.random_range(0..100) < returns,
            redone: rng.random_range(0..100) < 3,
            parked: parked.contains(&n),
        };
        let history = history(rng, incident, &plan);
        moves.extend(history.moves.into_iter().map(|transition| Move {
            incident_id: incident.id,
            transition,
        }));
    }
    data.moves = moves;
    HandlingTruth {
        slow_department: SLOW_DEPARTMENT.to_owned(),
        slow_communities: slow.iter().map(|&c| data.communities[c].id).collect(),
        returns_grid: data.grids[returns_grid].id,
        parked_for_months: parked.iter().map(|&i| data.incidents[i].id).collect(),
        holiday_week: [
            "2021-10-01".into(),
            "2021-10-07".into(),
            "2021-10-08".into(),
        ],
    }
}

/// What one incident's history should contain.
struct Plan {
    department: &'static str,
    returned: bool,
    redone: bool,
    parked: bool,
}

/// `n` instants within `from..=to`, in order.
fn spread(rng: &mut ChaCha8Rng, from: i64, to: i64, n: usize) -> Vec<i64> {
    let mut at: Vec<i64> = (0..n)
        .map(|_| from + ((to - from) as f64 * rng.random_range(0.02..0.98)) as i64)
        .collect();
    at.sort_unstable();
    at
}

/// A history ending where the incident's status says: closed at `resolved_at`, with a
/// department when assigned, filed, returned or parked when open.
fn history(rng: &mut ChaCha8Rng, incident: &crate::model::Incident, plan: &Plan) -> History {
    let mut h = History::default();
    let t = incident.reported_at;
    let dept = Some(plan.department);
    let go = |h: &mut History, to: S, at: i64, by: String| {
        // The department is named when dispatched; later moves carry it on.
        let department = (to == S::Dispatched).then_some(dept).flatten();
        // Every move here is legal by construction; a refused one would be a bug, dropped.
        let _ = h.apply(to, at, department, Some(&by), None);
    };
    let op = operator(rng);
    // Filed within half an hour of the report (the centre works round the clock).
    let filed = (t + rng.random_range(60..1800)).min(END - 1).max(t);
    match (incident.status, incident.resolved_at) {
        (IncidentStatus::Resolved, Some(r)) => {
            let filed = filed.min(t + (r - t) / 20);
            go(&mut h, S::Filed, filed, op.clone());
            let mut steps = vec![S::Dispatched, S::Handled];
            if plan.returned {
                steps.extend([S::Returned, S::Dispatched, S::Handled]);
            }
            if plan.redone {
                steps.extend([S::Closed, S::Redo, S::Dispatched, S::Handled]);
            }
            // Dispatched soon after filing; the rest spread over what is left before closing.
            let first = filed + ((r - filed) as f64 * rng.random_range(0.005..0.08)) as i64;
            let mut at = vec![first];
            at.extend(spread(rng, first, r, steps.len() - 1));
            for (s, a) in steps.into_iter().zip(at) {
                let by = if matches!(s, S::Handled | S::Returned) {
                    plan.department.to_owned()
                } else {
                    op.clone()
                };
                go(&mut h, s, a, by);
            }
            go(&mut h, S::Closed, r, op);
        }
        (IncidentStatus::Assigned, _) => {
            go(&mut h, S::Filed, filed, op.clone());
            let span = (END - filed).clamp(1, 3 * 86_400);
            let mut steps = vec![S::Dispatched];
            if plan.returned {
                steps.extend([S::Handled, S::Returned, S::Dispatched]);
            }
            if rng.random_range(0..100) < 30 {
                steps.push(S::Handled);
            }
            let at = spread(rng, filed, filed + span, steps.len());
            for (s, a) in steps.into_iter().zip(at) {
                go(&mut h, s, a.min(END - 1), op.clone());
            }
        }
        _ => {
            go(&mut h, S::Filed, filed, op.clone());
            if plan.parked {
                let at = filed + rng.random_range(86_400..5 * 86_400);
                go(&mut h, S::Parked, at, op);
            } else if plan.returned && END - filed > 86_400 {
                let at = spread(rng, filed, filed + 86_400, 3);
                go(&mut h, S::Dispatched, at[0], op);
                go(&mut h, S::Handled, at[1], plan.department.to_owned());
                go(&mut h, S::Returned, at[2], plan.department.to_owned());
            }
        }
    }
    debug_assert_eq!(
        h.state().status(),
        incident.status,
        "incident {}",
        incident.id
    );
    h
}
