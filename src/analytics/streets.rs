//! What the walking network looks like to a planner: its connected parts, its length by class,
//! the buildings it does not reach, and how much farther than the crow flies people walk from
//! their homes to their community office (circuity), per community.
//!
//! A building joins the network where its centroid meets the nearest walkable street (within
//! [`DEFAULT_SNAP_LIMIT_M`]); in the generated city that is its own footpath, which starts at
//! its door.

use rayon::prelude::*;
use serde::Serialize;

use crate::index::Engine;
use crate::model::{ResourceKind, StreetClass};
use crate::network::{DEFAULT_SNAP_LIMIT_M, Snap, SnapError, StreetGraph, geodesic_m};

/// Circuity is left out for homes nearer their office than this in a straight line (metres),
/// where a few metres of footpath would dominate the ratio.
pub const CIRCUITY_MIN_STRAIGHT_M: f64 = 100.0;
/// The farthest walk searched from a community office (metres).
pub const CIRCUITY_SEARCH_M: f64 = 6_000.0;

/// Lengths of the streets by class, kilometres (geodesic).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LengthByClass {
    pub arterial: f64,
    pub secondary: f64,
    pub local: f64,
    pub footpath: f64,
    /// Lines one may not walk (expressways, rail lines), whatever their class.
    pub not_walkable: f64,
}

/// A connected part of the network.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Component {
    pub nodes: usize,
    pub edges: usize,
    pub length_km: f64,
    pub buildings: usize,
}

/// Buildings the network does not reach, by reason.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Unreachable {
    /// Farther than the snap limit from any walkable street.
    pub beyond_snap_limit: usize,
    /// Joined to a part of the network other than the largest one.
    pub off_largest_component: usize,
    /// Ids of the first few buildings beyond the snap limit.
    pub examples: Vec<u64>,
}

/// Walking against straight-line distance from homes to the community office.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CommunityCircuity {
    pub community_id: u64,
    pub office_id: Option<u64>,
    /// Homes measured (reached, and at least [`CIRCUITY_MIN_STRAIGHT_M`] from the office).
    pub homes: usize,
    pub median_circuity: Option<f64>,
    pub median_walk_m: Option<f64>,
}

/// The whole summary.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct StreetSummary {
    pub streets: usize,
    pub length_km: LengthByClass,
    /// Connected parts, largest first (at most ten listed), and how many there are.
    pub components: Vec<Component>,
    pub component_count: usize,
    pub buildings: usize,
    pub unreachable: Unreachable,
    /// Share of buildings whose join point is not on the largest component.
    pub off_largest_share: f64,
    #[serde(skip)]
    pub communities: Vec<CommunityCircuity>,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    })
}

/// Summarises the engine's network (see the module documentation); the circuity per
/// community (a bounded search from each office) only when `with_circuity`.
#[must_use]
pub fn summary(engine: &Engine, with_circuity: bool) -> StreetSummary {
    let graph: &StreetGraph = &engine.network;
    let mut length_km = LengthByClass::default();
    for s in engine.streets.items() {
        let km = s
            .geometry
            .lines()
            .map(|l| geodesic_m(l.start, l.end))
            .sum::<f64>()
            / 1000.0;
        let slot = if s.walkable {
            match s.class {
                StreetClass::Arterial => &mut length_km.arterial,
                StreetClass::Secondary => &mut length_km.secondary,
                StreetClass::Local => &mut length_km.local,
                StreetClass::Footpath => &mut length_km.footpath,
            }
        } else {
            &mut length_km.not_walkable
        };
        *slot += km;
    }
    let (component_of, count) = graph.components();
    let mut parts: rustc_hash::FxHashMap<u32, Component> = rustc_hash::FxHashMap::default();
    for &c in &component_of {
        parts
            .entry(c)
            .or_insert(Component {
                nodes: 0,
                edges: 0,
                length_km: 0.0,
                buildings: 0,
            })
            .nodes += 1;
    }
    for edge in &graph.edges {
        if let Some(p) = parts.get_mut(&component_of[edge.from as usize]) {
            p.edges += 1;
            p.length_km += edge.length_m / 1000.0;
        }
    }
    let snaps = engine.building_snaps();
    let mut unreachable = Unreachable::default();
    for (b, snap) in engine.buildings.items().iter().zip(snaps) {
        if let Ok(s) = snap {
            let c = component_of[graph.edges[s.edge as usize].from as usize];
            if let Some(p) = parts.get_mut(&c) {
                p.buildings += 1;
            }
        } else {
            unreachable.beyond_snap_limit += 1;
            if unreachable.examples.len() < 20 {
                unreachable.examples.push(b.id);
            }
        }
    }
    let mut components: Vec<(u32, Component)> = parts.into_iter().collect();
    components.sort_by(|a, b| b.1.nodes.cmp(&a.1.nodes).then(a.0.cmp(&b.0)));
    let on_largest = components.first().map_or(0, |(_, p)| p.buildings);
    unreachable.off_largest_component = snaps
        .iter()
        .filter(|s| s.is_ok())
        .count()
        .saturating_sub(on_largest);
    let buildings = snaps.len();
    let off_largest_share = if buildings == 0 {
        0.0
    } else {
        (buildings - on_largest) as f64 / buildings as f64
    };
    StreetSummary {
        streets: engine.streets.len(),
        length_km,
        components: components.into_iter().take(10).map(|(_, p)| p).collect(),
        component_count: count,
        buildings,
        unreachable,
        off_largest_share,
        communities: if with_circuity {
            circuity(engine, snaps)
        } else {
            Vec::new()
        },
    }
}

/// Median circuity of the homes of each community to its community office.
fn circuity(engine: &Engine, snaps: &[Result<Snap, SnapError>]) -> Vec<CommunityCircuity> {
    let graph = &engine.network;
    engine
        .communities
        .items()
        .par_iter()
        .map(|community| {
            let office = engine.resources.items().iter().find(|r| {
                r.kind == ResourceKind::CommunityOffice && r.community_id == Some(community.id)
            });
            let mut out = CommunityCircuity {
                community_id: community.id,
                office_id: office.map(|o| o.id),
                homes: 0,
                median_circuity: None,
                median_walk_m: None,
            };
            let Some(office) = office else { return out };
            let Ok(office_snap) = graph.snap(office.geometry.0, DEFAULT_SNAP_LIMIT_M) else {
                return out;
            };
            let reach = graph.nearest_sources(&[office_snap], CIRCUITY_SEARCH_M);
            let (mut ratios, mut walks) = (Vec::new(), Vec::new());
            for (b, snap) in engine.buildings.items().iter().zip(snaps) {
                if b.community_id != Some(community.id) || b.households == 0 {
                    continue;
                }
                let Ok(snap) = snap else { continue };
                let straight = geodesic_m(snap.point, office.geometry.0);
                if straight < CIRCUITY_MIN_STRAIGHT_M {
                    continue;
                }
                if let Some((walk, _)) = reach.of(graph, snap) {
                    ratios.push(walk / straight);
                    walks.push(walk);
                }
            }
            out.homes = ratios.len();
            out.median_circuity = median(&mut ratios).map(|v| (v * 1000.0).round() / 1000.0);
            out.median_walk_m = median(&mut walks).map(f64::round);
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
