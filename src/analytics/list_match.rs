//! The committee's quarterly match (#28): which resource-list items offered in a quarter should
//! meet which open demand-list items. A pair may meet when the categories are the same and the
//! unit is within `max_walk_m` of the need on foot (the street network, both ends joined at the
//! nearest street; in a straight line when the dataset has no streets). Among the assignments
//! that serve the most households, the one proposed has the least Σ households × walking metres
//! (an exact min-cost max flow, [`super::matching::assign`]); a need may be split between
//! offers. An offer brings what the quarter's projects have left of its capacity
//! ([`crate::model::lists::Lists::capacity_left`]). What no offer can reach stays unmet; what
//! no need asked for stays idle.

use geo::Coord;
use rayon::prelude::*;

use super::matching::{Need, Offer, assign};
use crate::index::Engine;
use crate::model::lists::{DemandItem, Quarter, ResourceItem, Unit};
use crate::network::{DEFAULT_SNAP_LIMIT_M, Snap, geodesic_m};

/// The question.
#[derive(Debug, Clone)]
pub struct MatchQuery {
    pub quarter: Quarter,
    /// Only this community's needs and its own units' offers; all when `None`.
    pub community: Option<u64>,
    /// Only needs in these communities (a community-bound caller's); all when `None`.
    pub visible: Option<Vec<u64>>,
    pub max_walk_m: f64,
}

/// Households of a need served by an offer, `walk_m` apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Indices into the engine's lists.
    pub resource: usize,
    pub demand: usize,
    pub households: u64,
    /// Whole metres on foot from the unit to the need.
    pub walk_m: u64,
}

/// The proposal: the pairs, what stays unmet and idle, and the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal {
    pub pairs: Vec<Pair>,
    /// How many offers and open needs the question was about.
    pub offers: usize,
    pub needs: usize,
    /// Needs (index) with the households no offer can serve.
    pub unmet: Vec<(usize, u64)>,
    /// Offers (index) with the capacity no need took.
    pub idle: Vec<(usize, u64)>,
    pub households_open: u64,
    pub households_served: u64,
    pub capacity: u64,
    /// Σ households × walking metres over the pairs.
    pub household_metres: u64,
    /// Needs or units that could not be joined to the street network (never paired).
    pub not_joined: usize,
}

/// The open needs and the offers the question is about (indices into the lists).
fn candidates(engine: &Engine, q: &MatchQuery) -> (Vec<usize>, Vec<usize>) {
    let lists = &engine.lists;
    let in_scope = |community: u64| {
        q.community.is_none_or(|c| c == community)
            && q.visible.as_ref().is_none_or(|v| v.contains(&community))
    };
    let open = lists.open_at(q.quarter.end());
    let needs = lists
        .demands
        .iter()
        .enumerate()
        .filter(|&(i, d)| open[i] && in_scope(d.community_id))
        .map(|(i, _)| i)
        .collect();
    let units: rustc_hash::FxHashMap<u64, &Unit> = lists.units.iter().map(|u| (u.id, u)).collect();
    let offers = lists
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.offered_in(q.quarter)
                && units
                    .get(&r.unit_id)
                    .is_some_and(|u| q.community.is_none_or(|c| c == u.community_id))
        })
        .map(|(i, _)| i)
        .collect();
    (needs, offers)
}

/// Where a place joins the streets (`None`: too far from any), or itself without streets.
enum Place {
    Street(Option<Snap>),
    Straight(Coord),
}

fn place(engine: &Engine, at: Coord) -> Place {
    if engine.network.edges.is_empty() {
        Place::Straight(at)
    } else {
        Place::Street(engine.network.snap(at, DEFAULT_SNAP_LIMIT_M).ok())
    }
}

/// The proposal for `q`.
#[must_use]
pub fn propose(engine: &Engine, q: &MatchQuery) -> Proposal {
    let lists = &engine.lists;
    let (needs, offers) = candidates(engine, q);
    let demand = |i: usize| -> &DemandItem { &lists.demands[i] };
    let resource = |i: usize| -> &ResourceItem { &lists.resources[i] };
    // One search per unit, to the needs of the categories it offers.
    let mut units: Vec<u64> = offers.iter().map(|&i| resource(i).unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let need_places: Vec<Place> = needs
        .iter()
        .map(|&i| {
            place(
                engine,
                Coord {
                    x: demand(i).lon,
                    y: demand(i).lat,
                },
            )
        })
        .collect();
    let mut not_joined = need_places
        .iter()
        .filter(|p| matches!(p, Place::Street(None)))
        .count();
    let walks = walks(engine, q, &units, (&needs, &need_places), &offers);
    // What the quarter's projects have left of each offer.
    let left = lists.capacity_left(q.quarter);
    let capacity = |i: usize| u64::from(left[i]);
    not_joined += walks.iter().filter(|(_, joined)| !joined).count();
    let unit_index: rustc_hash::FxHashMap<u64, usize> =
        units.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    let offer_units: Vec<usize> = offers
        .iter()
        .map(|&i| unit_index[&resource(i).unit_id])
        .collect();
    let assignment = assign(
        &offers
            .iter()
            .map(|&i| Offer {
                capacity: capacity(i),
            })
            .collect::<Vec<_>>(),
        &needs
            .iter()
            .map(|&j| Need {
                households: u64::from(demand(j).households),
            })
            .collect::<Vec<_>>(),
        |o, n| {
            (resource(offers[o]).category == demand(needs[n]).category)
                .then(|| walks[offer_units[o]].0[n])
                .flatten()
        },
    );
    let mut served = vec![0u64; needs.len()];
    let mut used = vec![0u64; offers.len()];
    let pairs = assignment
        .served
        .iter()
        .map(|s| {
            served[s.need] += s.households;
            used[s.offer] += s.households;
            Pair {
                resource: offers[s.offer],
                demand: needs[s.need],
                households: s.households,
                walk_m: s.cost,
            }
        })
        .collect();
    let unmet = needs
        .iter()
        .zip(&served)
        .map(|(&j, &s)| (j, u64::from(demand(j).households) - s))
        .filter(|(_, left)| *left > 0)
        .collect();
    let idle = offers
        .iter()
        .zip(&used)
        .map(|(&i, &u)| (i, capacity(i) - u))
        .filter(|(_, left)| *left > 0)
        .collect();
    Proposal {
        pairs,
        offers: offers.len(),
        needs: needs.len(),
        unmet,
        idle,
        households_open: needs.iter().map(|&j| u64::from(demand(j).households)).sum(),
        households_served: assignment.households,
        capacity: offers.iter().map(|&i| capacity(i)).sum(),
        household_metres: assignment.cost,
        not_joined,
    }
}

/// For each unit (by position in `units`), the whole metres to each need (by position in
/// `needs`) it can reach with an offer of the need's category, and whether it joined the
/// streets: one search per unit.
fn walks(
    engine: &Engine,
    query: &MatchQuery,
    units: &[u64],
    (needs, need_places): (&[usize], &[Place]),
    offers: &[usize],
) -> Vec<(Vec<Option<u64>>, bool)> {
    let lists = &engine.lists;
    let unit_of: rustc_hash::FxHashMap<u64, &Unit> =
        lists.units.iter().map(|u| (u.id, u)).collect();
    units
        .par_iter()
        .map(|id| {
            let unit = unit_of[id];
            let categories: Vec<_> = offers
                .iter()
                .map(|&i| &lists.resources[i])
                .filter(|r| r.unit_id == *id)
                .map(|r| r.category)
                .collect();
            let wanted: Vec<usize> = (0..needs.len())
                .filter(|&j| categories.contains(&lists.demands[needs[j]].category))
                .collect();
            let mut out = vec![None; needs.len()];
            let from = place(
                engine,
                Coord {
                    x: unit.lon,
                    y: unit.lat,
                },
            );
            let joined = !matches!(from, Place::Street(None));
            match from {
                Place::Straight(at) => {
                    for j in wanted {
                        let Place::Straight(to) = need_places[j] else {
                            continue;
                        };
                        let m = geodesic_m(at, to);
                        out[j] = (m <= query.max_walk_m).then(|| m.round() as u64);
                    }
                }
                Place::Street(Some(from)) => {
                    let (targets, at): (Vec<Snap>, Vec<usize>) = wanted
                        .iter()
                        .filter_map(|&j| match &need_places[j] {
                            Place::Street(Some(s)) => Some((*s, j)),
                            _ => None,
                        })
                        .unzip();
                    let metres = engine.network.walks_to(&from, &targets, query.max_walk_m);
                    for (m, j) in metres.into_iter().zip(at) {
                        out[j] = m.map(|m| m.round() as u64);
                    }
                }
                Place::Street(None) => {}
            }
            (out, joined)
        })
        .collect()
}
