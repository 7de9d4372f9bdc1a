//! The planted "river gap": homes a short straight line from a service complex but far from it
//! on foot, because the river lies between and the nearest bridge is far away.
//!
//! The walking distance here is a lower bound from geometry alone, independent of any routing:
//! a walk between the two banks crosses a bridge (the river runs past both ends of the town and
//! the bridges are its only walkable crossings), so from a home `h` to a complex `c` on the other
//! bank it is at least `|h − m| + |m − c| − L` for the bridge of mid-point `m` and length `L`
//! (the triangle inequality through the point of the bridge the walk uses), and to a complex on
//! the same bank at least `|h − c|`. Distances are geodesic, from the footprint's centroid.

use geo::{Centroid, Coord};
use serde::Serialize;

use super::buildings::Placed;
use super::streets::River;
use crate::model::{Resource, ResourceKind};
use crate::network::geodesic_m;

/// Within this straight-line distance of a complex (metres)...
const NEAR_M: f64 = 500.0;
/// ... but at least this far on foot (metres).
const FAR_ON_FOOT_M: f64 = 1_000.0;

/// A home of the river gap.
#[derive(Debug, Clone, Serialize)]
pub struct RiverGapBuilding {
    pub building_id: u64,
    pub households: u32,
    /// Straight-line metres to the nearest service complex.
    pub straight_m: f64,
    /// The least the walk to any service complex can be (metres).
    pub walk_at_least_m: f64,
}

/// Whether `at` lies north of the river's centre-line.
fn north_of(river: &[[f64; 2]], at: Coord) -> bool {
    let i = river
        .windows(2)
        .position(|w| w[0][0] <= at.x && at.x <= w[1][0])
        .unwrap_or(0);
    let (a, b) = (river[i], river[i + 1]);
    let t = ((at.x - a[0]) / (b[0] - a[0])).clamp(0.0, 1.0);
    at.y > a[1] + t * (b[1] - a[1])
}

/// The homes of the river gap, by building id.
#[must_use]
pub fn find(river: &River, placed: &[Placed], resources: &[Resource]) -> Vec<RiverGapBuilding> {
    let complexes: Vec<Coord> = resources
        .iter()
        .filter(|r| r.kind == ResourceKind::ServiceComplex)
        .map(|r| r.geometry.0)
        .collect();
    let bridges: Vec<(Coord, f64)> = river
        .bridges
        .iter()
        .map(|[a, b]| {
            let (a, b) = (Coord { x: a[0], y: a[1] }, Coord { x: b[0], y: b[1] });
            ((a + b) / 2.0, geodesic_m(a, b))
        })
        .collect();
    let line = &river.centre_line;
    let west = line.first().map_or(f64::MAX, |p| p[0]);
    let east = line.last().map_or(f64::MIN, |p| p[0]);
    let mut out = Vec::new();
    for p in placed {
        let b = &p.building;
        let Some(home) = b.geometry.centroid().map(|c| c.0) else {
            continue;
        };
        if b.households == 0 || !(west..=east).contains(&home.x) {
            continue;
        }
        let straight_m = complexes
            .iter()
            .map(|&c| geodesic_m(home, c))
            .fold(f64::INFINITY, f64::min);
        if straight_m > NEAR_M {
            continue;
        }
        let side = north_of(line, home);
        let walk_at_least_m = complexes
            .iter()
            .map(|&c| {
                if north_of(line, c) == side {
                    geodesic_m(home, c)
                } else {
                    bridges
                        .iter()
                        .map(|&(m, len)| geodesic_m(home, m) + geodesic_m(m, c) - len)
                        .fold(f64::INFINITY, f64::min)
                }
            })
            .fold(f64::INFINITY, f64::min);
        if walk_at_least_m > FAR_ON_FOOT_M {
            out.push(RiverGapBuilding {
                building_id: b.id,
                households: b.households,
                straight_m: (straight_m * 10.0).round() / 10.0,
                walk_at_least_m: (walk_at_least_m * 10.0).round() / 10.0,
            });
        }
    }
    out
}
