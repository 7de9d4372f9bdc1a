//! The walking network: a routing graph over street centre-lines, built in memory.
//!
//! Topology follows the OpenStreetMap convention: lines join where they share a vertex (after
//! rounding to [`JOIN_PRECISION_DEG`], about 1 cm), and lines that cross without a shared
//! vertex (a bridge over a road) do not join. Lines that are not walkable (an expressway, a
//! rail line, a compound wall) are left out.
//!
//! 1. Every vertex shared by two or more walkable lines, and every line end, becomes a node.
//! 2. The stretch of a line between two consecutive nodes becomes an edge, with its polyline
//!    and its geodesic length in metres (WGS 84, Karney's algorithm through `geo::Geodesic`).
//! 3. Each segment of each edge goes into an R-tree (in a local equirectangular frame scaled
//!    to metres at the network's mean latitude), to join any point to the network at the
//!    nearest point of the nearest walkable edge ([`StreetGraph::snap`]); candidates from the
//!    R-tree are ranked by exact geodesic distance.
//!
//! Searches over the graph (shortest walk, nearest of many sources, everything within a
//! distance) are in [`search`]; isochrone polygons in [`isochrone`].

pub mod isochrone;
pub mod landmarks;
pub mod reach;
pub mod search;

use geo::{Coord, Distance, Geodesic, Point};
use rstar::{AABB, PointDistance, RTree, RTreeObject};
use rustc_hash::FxHashMap;

/// Vertices this close (in degrees of longitude and latitude, about 1 cm) are one node.
pub const JOIN_PRECISION_DEG: f64 = 1e-7;

/// The default farthest a point may be from the network and still join it (metres).
pub const DEFAULT_SNAP_LIMIT_M: f64 = 300.0;

/// A line handed to [`StreetGraph::build`]: its vertices (lon, lat) and whether one may walk it.
#[derive(Debug, Clone)]
pub struct StreetLine {
    pub id: u64,
    pub coords: Vec<Coord>,
    pub walkable: bool,
}

impl StreetLine {
    /// The line of a street record.
    #[must_use]
    pub fn of(street: &crate::model::Street) -> Self {
        Self {
            id: street.id,
            coords: street.geometry.0.clone(),
            walkable: street.walkable,
        }
    }
}

/// A stretch of street between two nodes.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    /// The street line it belongs to.
    pub street_id: u64,
    /// Its vertices, from `from` to `to`.
    pub coords: Vec<Coord>,
    /// Geodesic length of each segment, metres.
    pub segment_m: Vec<f64>,
    pub length_m: f64,
}

/// Where a point joins the network: on edge `edge`, `along_m` metres from its `from` node,
/// `connector_m` metres from the point (walked in a straight line).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    pub edge: u32,
    pub along_m: f64,
    pub connector_m: f64,
    /// The point on the edge.
    pub at: Coord,
    /// The point that joined.
    pub point: Coord,
}

/// Why a point could not join the network.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum SnapError {
    #[error("the nearest walkable street is {0:.0} m away, beyond the {1:.0} m limit")]
    TooFar(f64, f64),
    #[error("there are no walkable streets")]
    NoStreets,
}

/// One segment of an edge in the R-tree, in the local metric frame.
#[derive(Debug, Clone, Copy)]
struct Segment {
    edge: u32,
    index: u32,
    a: [f64; 2],
    b: [f64; 2],
    /// Kept, not recomputed: the R-tree's bulk load asks for it at every comparison.
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Segment {
    fn distance_2(&self, p: &[f64; 2]) -> f64 {
        let (dx, dy) = (self.b[0] - self.a[0], self.b[1] - self.a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((p[0] - self.a[0]) * dx + (p[1] - self.a[1]) * dy) / len2).clamp(0.0, 1.0)
        };
        let (x, y) = (self.a[0] + t * dx - p[0], self.a[1] + t * dy - p[1]);
        x * x + y * y
    }
}

/// One way out of a node: the edge, the node at its other end, and its length. Searches read
/// only these (packed per node), never the edges' polylines: a cross-city walk ran 8.2 ms
/// following edge records and 2.9 ms on these links (`cargo bench --bench network`).
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub edge: u32,
    pub to: u32,
    pub length_m: f64,
}

/// The routing graph: nodes, edges, each node's links, and the segment R-tree.
pub struct StreetGraph {
    /// Node positions (lon, lat).
    pub nodes: Vec<Coord>,
    pub edges: Vec<Edge>,
    /// The links of node `n` are `links[first_link[n]..first_link[n + 1]]`.
    first_link: Vec<u32>,
    links: Vec<Link>,
    segments: RTree<Segment>,
    /// Metres per degree of longitude and latitude in the local frame.
    scale: [f64; 2],
    /// A* landmarks, taken on the first shortest walk asked for (not at load: start-up does
    /// not wait for them).
    landmarks: std::sync::OnceLock<landmarks::Landmarks>,
}

/// The geodesic distance between two lon/lat positions, metres.
#[must_use]
pub fn geodesic_m(a: Coord, b: Coord) -> f64 {
    Geodesic.distance(Point::from(a), Point::from(b))
}

pub use crate::geodesy::segment_m;

/// Each node's links, packed: offsets into one array (a loop edge gives its node one link).
fn pack_links(nodes: usize, edges: &[Edge]) -> (Vec<u32>, Vec<Link>) {
    let mut count = vec![0u32; nodes + 1];
    for edge in edges {
        count[edge.from as usize] += 1;
        if edge.to != edge.from {
            count[edge.to as usize] += 1;
        }
    }
    let mut first = Vec::with_capacity(nodes + 1);
    let mut total = 0;
    for c in &count[..nodes] {
        first.push(total);
        total += c;
    }
    first.push(total);
    let mut fill = first.clone();
    let mut links = vec![
        Link {
            edge: 0,
            to: 0,
            length_m: 0.0
        };
        total as usize
    ];
    for (e, edge) in edges.iter().enumerate() {
        let mut put = |at: u32, to: u32| {
            links[fill[at as usize] as usize] = Link {
                edge: e as u32,
                to,
                length_m: edge.length_m,
            };
            fill[at as usize] += 1;
        };
        put(edge.from, edge.to);
        if edge.to != edge.from {
            put(edge.to, edge.from);
        }
    }
    (first, links)
}

fn key(c: Coord) -> (i64, i64) {
    (
        (c.x / JOIN_PRECISION_DEG).round() as i64,
        (c.y / JOIN_PRECISION_DEG).round() as i64,
    )
}

impl StreetGraph {
    /// Builds the graph of the walkable `lines` (steps 1–3 of the module documentation).
    #[must_use]
    pub fn build(lines: &[StreetLine]) -> Self {
        let walkable: Vec<&StreetLine> = lines
            .iter()
            .filter(|l| l.walkable && l.coords.len() >= 2)
            .collect();
        // Step 1: how many line vertices fall on each rounded position.
        let mut uses: FxHashMap<(i64, i64), u32> = FxHashMap::default();
        for line in &walkable {
            // A line passing a position twice (a loop) counts it twice: it meets itself there.
            for c in &line.coords {
                *uses.entry(key(*c)).or_default() += 1;
            }
        }
        let mut node_of: FxHashMap<(i64, i64), u32> = FxHashMap::default();
        let mut nodes = Vec::new();
        let mut node = |c: Coord, nodes: &mut Vec<Coord>| {
            *node_of.entry(key(c)).or_insert_with(|| {
                nodes.push(c);
                (nodes.len() - 1) as u32
            })
        };
        // Step 2: split each line at its nodes.
        let mut edges = Vec::new();
        for line in &walkable {
            let last = line.coords.len() - 1;
            let mut start = 0;
            for i in 1..=last {
                let is_node = i == last || uses.get(&key(line.coords[i])).copied().unwrap_or(0) > 1;
                if !is_node {
                    continue;
                }
                let coords: Vec<Coord> = line.coords[start..=i].to_vec();
                let segment_m: Vec<f64> =
                    coords.windows(2).map(|w| segment_m(w[0], w[1])).collect();
                let length_m = segment_m.iter().sum();
                let from = node(coords[0], &mut nodes);
                let to = node(coords[coords.len() - 1], &mut nodes);
                edges.push(Edge {
                    from,
                    to,
                    street_id: line.id,
                    coords,
                    segment_m,
                    length_m,
                });
                start = i;
            }
        }
        let (first_link, links) = pack_links(nodes.len(), &edges);
        // Step 3: the segment R-tree in a local metric frame.
        let mean_lat = if nodes.is_empty() {
            0.0
        } else {
            nodes.iter().map(|c| c.y).sum::<f64>() / nodes.len() as f64
        };
        let scale = [111_320.0 * mean_lat.to_radians().cos(), 110_574.0];
        let local = |c: Coord| [c.x * scale[0], c.y * scale[1]];
        let segments = edges
            .iter()
            .enumerate()
            .flat_map(|(e, edge)| {
                edge.coords.windows(2).enumerate().map(move |(i, w)| {
                    let (a, b) = (local(w[0]), local(w[1]));
                    Segment {
                        edge: e as u32,
                        index: i as u32,
                        a,
                        b,
                        envelope: AABB::from_corners(a, b),
                    }
                })
            })
            .collect();
        Self {
            nodes,
            edges,
            first_link,
            links,
            segments: RTree::bulk_load(segments),
            scale,
            landmarks: std::sync::OnceLock::new(),
        }
    }

    /// The ways out of `node`.
    #[must_use]
    pub fn links(&self, node: u32) -> &[Link] {
        let n = node as usize;
        &self.links[self.first_link[n] as usize..self.first_link[n + 1] as usize]
    }

    /// Joins `at` to the network at the nearest point of the nearest walkable edge, within
    /// `limit_m` metres.
    ///
    /// # Errors
    /// No walkable street, or none within the limit.
    pub fn snap(&self, at: Coord, limit_m: f64) -> Result<Snap, SnapError> {
        let p = [at.x * self.scale[0], at.y * self.scale[1]];
        let mut best: Option<Snap> = None;
        // The local frame is within a fraction of a percent of metres over a city: take
        // candidates in its order until they are clearly farther than the best exact one, or
        // clearly beyond the limit. The limit bounds the search: a point far from every street
        // (a partial street extract) costs one candidate, not a scan of every segment.
        let beyond = |approx_m: f64, bound_m: f64| approx_m > bound_m * 1.01 + 0.5;
        for (segment, d2) in self.segments.nearest_neighbor_iter_with_distance_2(&p) {
            let approx = d2.sqrt();
            if best.is_some_and(|b| beyond(approx, b.connector_m.min(limit_m))) {
                break;
            }
            let snap = self.snap_to_segment(at, segment);
            if beyond(approx, limit_m) {
                // The nearest candidate is already beyond the limit: say how far it is.
                return Err(SnapError::TooFar(snap.connector_m, limit_m));
            }
            if best.is_none_or(|b| snap.connector_m < b.connector_m) {
                best = Some(snap);
            }
        }
        match best {
            None => Err(SnapError::NoStreets),
            Some(s) if s.connector_m > limit_m => Err(SnapError::TooFar(s.connector_m, limit_m)),
            Some(s) => Ok(s),
        }
    }

    fn snap_to_segment(&self, at: Coord, segment: &Segment) -> Snap {
        let edge = &self.edges[segment.edge as usize];
        let i = segment.index as usize;
        let (a, b) = (edge.coords[i], edge.coords[i + 1]);
        // The nearest point in the local frame, then exact lengths.
        let (dx, dy) = ((b.x - a.x) * self.scale[0], (b.y - a.y) * self.scale[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((at.x - a.x) * self.scale[0] * dx + (at.y - a.y) * self.scale[1] * dy) / len2)
                .clamp(0.0, 1.0)
        };
        let on = Coord {
            x: a.x + t * (b.x - a.x),
            y: a.y + t * (b.y - a.y),
        };
        let before: f64 = edge.segment_m[..i].iter().sum();
        Snap {
            edge: segment.edge,
            along_m: before + geodesic_m(a, on),
            connector_m: geodesic_m(at, on),
            at: on,
            point: at,
        }
    }

    /// The connected components: for each node, the id of its component (the lowest node in
    /// it), and the number of components.
    #[must_use]
    pub fn components(&self) -> (Vec<u32>, usize) {
        let mut component = vec![u32::MAX; self.nodes.len()];
        let mut count = 0;
        let mut stack = Vec::new();
        for start in 0..self.nodes.len() {
            if component[start] != u32::MAX {
                continue;
            }
            count += 1;
            component[start] = start as u32;
            stack.push(start as u32);
            while let Some(n) = stack.pop() {
                for link in self.links(n) {
                    let other = link.to;
                    if component[other as usize] == u32::MAX {
                        component[other as usize] = start as u32;
                        stack.push(other);
                    }
                }
            }
        }
        (component, count)
    }
}

#[cfg(test)]
mod tests;
