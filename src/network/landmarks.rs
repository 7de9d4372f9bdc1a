//! Landmarks for A* (the ALT bound of Goldberg & Harrelson, 2005): the walking distance from a
//! few far-apart nodes to every node, taken once. By the triangle inequality, for any landmark
//! `L` the walk between `v` and `t` is at least `|d(L, t) − d(L, v)|`; on a street network that
//! bound is far tighter than the straight line (it knows about rivers and walls), so A* settles
//! far fewer nodes.
//!
//! Landmarks are picked by farthest-point selection in the largest part of the network: each is
//! the node farthest on foot from those already picked. Nodes a landmark does not reach keep
//! an infinite distance and that landmark gives them no bound.

use super::StreetGraph;

/// How many landmarks: each costs one search over the graph when the landmarks are taken, and
/// 4 bytes per node.
pub const LANDMARKS: usize = 8;

/// Distances from each landmark to every node (`f32::INFINITY`: not reached).
#[derive(Debug, Clone, Default)]
pub struct Landmarks {
    distance_m: Vec<Vec<f32>>,
}

/// Single-precision rounding of two distances below ~50 km is under 5 mm each.
const ROUNDING_M: f64 = 0.01;

impl Landmarks {
    /// Picks the landmarks of `graph` and measures their distances.
    #[must_use]
    pub fn take(graph: &StreetGraph) -> Self {
        if graph.nodes.is_empty() {
            return Self::default();
        }
        let (component, _) = graph.components();
        let mut size = rustc_hash::FxHashMap::<u32, usize>::default();
        for &c in &component {
            *size.entry(c).or_default() += 1;
        }
        let largest = size
            .iter()
            .max_by_key(|&(c, n)| (*n, std::cmp::Reverse(*c)))
            .map_or(0, |(c, _)| *c);
        // From any node of the largest part, the farthest node is the first landmark.
        let start = component.iter().position(|&c| c == largest).unwrap_or(0) as u32;
        let mut nearest = graph.distances_from(start);
        let mut distance_m = Vec::with_capacity(LANDMARKS);
        for _ in 0..LANDMARKS {
            let far = nearest
                .iter()
                .enumerate()
                .filter(|(_, d)| d.is_finite())
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(start, |(n, _)| n as u32);
            let from_far = graph.distances_from(far);
            for (near, d) in nearest.iter_mut().zip(&from_far) {
                *near = near.min(*d);
            }
            distance_m.push(from_far.iter().map(|&d| d as f32).collect());
        }
        Self { distance_m }
    }

    /// A lower bound of the walk between nodes `v` and `t` (0 when no landmark reaches both).
    #[must_use]
    pub fn below(&self, v: u32, t: u32) -> f64 {
        let mut best = 0.0_f64;
        for d in &self.distance_m {
            let (dv, dt) = (d[v as usize], d[t as usize]);
            if dv.is_finite() && dt.is_finite() {
                best = best.max(f64::from((dt - dv).abs()) - ROUNDING_M);
            }
        }
        best
    }
}
