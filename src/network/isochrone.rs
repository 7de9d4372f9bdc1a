//! Isochrones: the area a walk of at most d metres reaches from a point.
//!
//! A polygon is made from the reached network, not from straight lines: points are taken every
//! [`SAMPLE_STEP_M`] along every stretch of street within d metres on foot (whole edges, and
//! the reachable ends of edges walked only part-way), each point is binned into its H3 cell at
//! [`ISOCHRONE_RES`] (~65 m edge), and the cells are dissolved into one (multi)polygon
//! (`h3o::geom::Solvent`). Land across a river without a bridge nearby stays out even when it
//! is close, and the outline is honest to about one cell.

use geo::{Coord, MultiPolygon};
use h3o::{LatLng, Resolution};
use rustc_hash::FxHashSet;

use super::{Edge, Snap, StreetGraph};

/// Distance between sample points along reached streets (metres).
pub const SAMPLE_STEP_M: f64 = 20.0;
/// The H3 resolution of isochrone cells.
pub const ISOCHRONE_RES: Resolution = Resolution::Ten;

/// The point `s` metres along `edge` from its `from` node.
fn point_along(edge: &Edge, s: f64) -> Coord {
    let mut left = s.clamp(0.0, edge.length_m);
    for (i, &m) in edge.segment_m.iter().enumerate() {
        if left <= m {
            let t = if m > 0.0 { left / m } else { 0.0 };
            let (a, b) = (edge.coords[i], edge.coords[i + 1]);
            return a + (b - a) * t;
        }
        left -= m;
    }
    edge.coords[edge.coords.len() - 1]
}

impl StreetGraph {
    /// Points every [`SAMPLE_STEP_M`] along the streets within `max_m` on foot of `from`
    /// (its connector counted), with the reached ends of each edge.
    #[must_use]
    pub fn reached_points(&self, from: &Snap, max_m: f64) -> Vec<Coord> {
        let mut node_m = vec![f64::INFINITY; self.nodes.len()];
        for (node, d) in self.within(from, max_m) {
            node_m[node as usize] = d;
        }
        let mut seen: FxHashSet<u32> = FxHashSet::default();
        let mut out = Vec::new();
        let mut sample = |edge: &Edge, lo: f64, hi: f64| {
            let (lo, hi) = (lo.max(0.0), hi.min(edge.length_m));
            if hi < lo {
                return;
            }
            let mut s = lo;
            while s < hi {
                out.push(point_along(edge, s));
                s += SAMPLE_STEP_M;
            }
            out.push(point_along(edge, hi));
        };
        // The point's own edge, walked both ways from where it joins.
        let own = &self.edges[from.edge as usize];
        let budget = max_m - from.connector_m;
        if budget >= 0.0 {
            sample(own, from.along_m - budget, from.along_m + budget);
        }
        for (node, &d) in node_m.iter().enumerate() {
            if !d.is_finite() {
                continue;
            }
            for link in self.links(node as u32) {
                if !seen.insert(link.edge) {
                    continue;
                }
                let edge = &self.edges[link.edge as usize];
                let from_m = node_m[edge.from as usize];
                let to_m = node_m[edge.to as usize];
                if from_m.is_finite() {
                    sample(edge, 0.0, max_m - from_m);
                }
                if to_m.is_finite() {
                    sample(edge, edge.length_m - (max_m - to_m), edge.length_m);
                }
            }
        }
        out
    }

    /// The isochrone of `max_m` metres on foot from `from` (see the module documentation).
    #[must_use]
    pub fn isochrone(&self, from: &Snap, max_m: f64) -> MultiPolygon {
        let cells: FxHashSet<h3o::CellIndex> = self
            .reached_points(from, max_m)
            .into_iter()
            .filter_map(|c| LatLng::new(c.y, c.x).ok())
            .map(|ll| ll.to_cell(ISOCHRONE_RES))
            .collect();
        h3o::geom::SolventBuilder::new()
            .build()
            .dissolve(cells)
            .unwrap_or_else(|_| MultiPolygon::new(vec![]))
    }
}
