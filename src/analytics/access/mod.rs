//! Access to resources: the nearest ones from a point, on foot along the streets or in a
//! straight line.
//!
//! - **Straight** (`Mode::Straight`): geodesic metres on the WGS 84 ellipsoid. Candidates come
//!   from the R-tree in order of distance in degrees, which is not the order in metres (a degree
//!   of longitude is ~15 % shorter than one of latitude here); each is measured exactly, and the
//!   scan stops once the next candidate's distance in degrees, turned into the fewest metres it
//!   could be, is beyond the k-th best or the limit.
//! - **Walk** (`Mode::Walk`): metres along the walkable streets, connectors included (see
//!   [`crate::network`]); one search from the point, bounded by the limit, over the resources no
//!   farther than the limit in a straight line (a walk is never shorter). Resources join the
//!   network where [`Engine::resource_snaps`] says (within the default snap limit).

pub mod catchment;
pub mod choose;
pub mod fca;
pub mod sites;

use geo::Coord;

use crate::index::Engine;
use crate::model::ResourceKind;
use crate::network::{Snap, SnapError, geodesic_m, segment_m};

crate::model::named_enum!(
    /// How distances are measured: on foot along the streets, or in a straight line.
    Mode, "distance mode" {
        Walk => "walk",
        Straight => "straight",
    }
);

/// The GB 50180-2018 life circles: 5, 10 and 15 minutes on foot, about 300, 500 and 1,000 m.
pub const LIFE_CIRCLES_M: [f64; 3] = [300.0, 500.0, 1_000.0];

/// One resource found, with its distance in the mode asked and in a straight line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// Position in `engine.resources`.
    pub resource: u32,
    pub distance_m: f64,
    pub straight_m: f64,
}

/// The fewest metres a displacement of `degrees` (in lon/lat, Euclidean) can be near latitude
/// `lat`: a degree of latitude is at least 110,574 m and one of longitude at least
/// 111,320 · cos φ m at the farthest latitude φ the displacement reaches (kept a little lower).
fn metres_at_least(degrees: f64, lat: f64) -> f64 {
    let far = (lat.abs() + degrees).min(89.9).to_radians();
    degrees * 110_000.0 * far.cos()
}

/// The quick length ([`segment_m`]) is within 1e-4 of the geodesic at city scale; candidates
/// are ranked by it with this much to spare, and only those that may be among the k nearest
/// are measured exactly (Karney's geodesic costs ~0.5 µs, the quick length ~40 ns).
const QUICK_MARGIN: f64 = 1e-3;

/// The `k` nearest resources of `kinds` (all kinds when empty) in a straight line, within
/// `max_m`, nearest first. One scan per kind's R-tree, sharing the candidates found so far.
#[must_use]
pub fn nearest_straight(
    engine: &Engine,
    at: Coord,
    kinds: &[ResourceKind],
    k: usize,
    max_m: f64,
) -> Vec<Found> {
    if k == 0 {
        return Vec::new();
    }
    let spare = 1.0 + QUICK_MARGIN;
    // (quick metres, resource, position), ascending by quick metres.
    let mut near: Vec<(f64, u32, Coord)> = Vec::with_capacity(k.min(64) + 4);
    for tree in engine.resource_points().of(kinds) {
        for (point, d2) in tree.nearest_neighbor_iter_with_distance_2(&[at.x, at.y]) {
            let floor = metres_at_least(d2.sqrt(), at.y);
            let reach = near.get(k - 1).map_or(max_m, |n| n.0.min(max_m)) * spare;
            if floor > reach {
                break;
            }
            let there = Coord {
                x: point.geom()[0],
                y: point.geom()[1],
            };
            let quick = segment_m(at, there);
            if quick > reach {
                continue;
            }
            let rank = near.partition_point(|n| n.0 <= quick);
            near.insert(rank, (quick, point.data, there));
            // Keep the k best and whatever ties them within the margin.
            if let Some(kth) = near.get(k - 1).map(|n| n.0 * spare) {
                near.retain(|n| n.0 <= kth);
            }
        }
    }
    let mut best: Vec<Found> = near
        .into_iter()
        .map(|(_, resource, there)| {
            let d = geodesic_m(at, there);
            Found {
                resource,
                distance_m: d,
                straight_m: d,
            }
        })
        .filter(|f| f.distance_m <= max_m)
        .collect();
    best.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    best.truncate(k);
    best
}

/// The `k` nearest resources of `kinds` on foot within `max_m`, nearest first; the point joins
/// the network within `snap_m`.
///
/// # Errors
/// The point is beyond the snap limit, or the dataset has no streets.
pub fn nearest_walk(
    engine: &Engine,
    at: Coord,
    kinds: &[ResourceKind],
    k: usize,
    max_m: f64,
    snap_m: f64,
) -> Result<Vec<Found>, SnapError> {
    let graph = &engine.network;
    let from = graph.snap(at, snap_m)?;
    let snaps = engine.resource_snaps();
    // Every candidate no farther than the limit in a straight line.
    let candidates: Vec<(u32, f64, Snap)> = nearest_straight(engine, at, kinds, usize::MAX, max_m)
        .into_iter()
        .filter_map(|f| Some((f.resource, f.straight_m, snaps[f.resource as usize]?)))
        .collect();
    let targets: Vec<Snap> = candidates.iter().map(|c| c.2).collect();
    Ok(graph
        .nearest_of(&from, &targets, k, max_m)
        .into_iter()
        .map(|(i, distance_m)| Found {
            resource: candidates[i].0,
            distance_m,
            straight_m: candidates[i].1,
        })
        .collect())
}

/// How far one building is from the nearest resource of the kinds asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuildingAccess {
    /// Metres in the mode asked (infinite: none reachable).
    pub distance_m: f64,
    /// Position in `engine.resources` of the nearest one.
    pub nearest: Option<u32>,
}

/// For every building (in the order of `engine.buildings`), the distance to the nearest
/// resource of `kinds`: on foot, one multi-source search from all of them and each building's
/// join point (its centroid to the nearest walkable street); in a straight line, a nearest
/// query per building centroid.
#[must_use]
pub fn building_access(engine: &Engine, kinds: &[ResourceKind], mode: Mode) -> Vec<BuildingAccess> {
    use geo::Centroid;
    use rayon::prelude::*;
    let wanted = |i: usize| kinds.is_empty() || kinds.contains(&engine.resources.items()[i].kind);
    let none = BuildingAccess {
        distance_m: f64::INFINITY,
        nearest: None,
    };
    match mode {
        Mode::Straight => engine
            .buildings
            .items()
            .par_iter()
            .map(|b| {
                let Some(c) = b.geometry.centroid() else {
                    return none;
                };
                nearest_straight(engine, c.0, kinds, 1, f64::INFINITY)
                    .first()
                    .map_or(none, |f| BuildingAccess {
                        distance_m: f.distance_m,
                        nearest: Some(f.resource),
                    })
            })
            .collect(),
        Mode::Walk => {
            let (positions, sources): (Vec<u32>, Vec<Snap>) = engine
                .resource_snaps()
                .iter()
                .enumerate()
                .filter(|&(i, s)| s.is_some() && wanted(i))
                .filter_map(|(i, s)| Some((i as u32, (*s)?)))
                .unzip();
            let pass = engine.network.nearest_sources(&sources, f64::INFINITY);
            engine
                .building_snaps()
                .par_iter()
                .map(|snap| {
                    let Ok(snap) = snap else { return none };
                    pass.of(&engine.network, snap)
                        .map_or(none, |(d, source)| BuildingAccess {
                            distance_m: d,
                            nearest: Some(positions[source as usize]),
                        })
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodata::Dataset;
    use crate::model::Resource;

    fn resource(id: u64, lon: f64, lat: f64) -> Resource {
        Resource {
            id,
            kind: ResourceKind::PolicePost,
            name: format!("r{id}"),
            capacity: 1,
            geometry: geo::Point::new(lon, lat),
            community_id: None,
        }
    }

    #[test]
    fn the_nearest_in_metres_is_not_the_nearest_in_degrees() {
        // From (112.2, 31.0): 0.0090° east is ~860 m, 0.0085° north is ~942 m.
        let engine = Engine::build(Dataset {
            resources: vec![resource(1, 112.2, 31.0085), resource(2, 112.209, 31.0)],
            ..Dataset::default()
        })
        .unwrap();
        let at = Coord { x: 112.2, y: 31.0 };
        let found = nearest_straight(&engine, at, &[], 1, 5_000.0);
        assert_eq!(found.len(), 1);
        assert_eq!(engine.resources.items()[found[0].resource as usize].id, 2);
        assert!((found[0].distance_m - 859.9).abs() < 1.0, "{found:?}");
        let both = nearest_straight(&engine, at, &[], 5, 900.0);
        assert_eq!(both.len(), 1, "the other is beyond 900 m");
        assert!(nearest_straight(&engine, at, &[ResourceKind::Clinic], 3, 5_000.0).is_empty());
    }

    #[test]
    fn metres_never_fall_below_the_floor() {
        for (dx, dy) in [(0.01, 0.0), (0.0, 0.01), (0.007, 0.007), (0.3, -0.2)] {
            let (a, b) = (
                Coord { x: 112.2, y: 31.0 },
                Coord {
                    x: 112.2 + dx,
                    y: 31.0 + dy,
                },
            );
            let degrees = f64::hypot(dx, dy);
            assert!(
                metres_at_least(degrees, 31.0) <= geodesic_m(a, b),
                "{dx},{dy}"
            );
        }
    }
}
