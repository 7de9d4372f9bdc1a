//! Searches over the street graph, Dijkstra with a binary heap over packed links:
//! - [`StreetGraph::walk`]: the shortest walk between two joined points, with its path (A*:
//!   the heap is ordered by distance walked plus a lower bound of what is left, the larger of
//!   the straight line and the landmarks' bound, [`super::landmarks`]);
//! - [`StreetGraph::nearest_sources`]: for every node, the distance to the nearest of many
//!   joined points and which one (one pass for "the nearest complex for every building");
//! - [`StreetGraph::within`]: every node within a distance of a joined point (catchments,
//!   isochrones).
//!
//! A joined point ([`Snap`]) enters the graph at both ends of its edge: its connector plus the
//! stretch of edge to that end. Two points on the same edge may also walk straight along it.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::Coord;

use super::{Snap, StreetGraph};

/// A shortest walk.
#[derive(Debug, Clone)]
pub struct Walk {
    pub length_m: f64,
    /// From the start point to the end point, connectors included.
    pub path: Vec<Coord>,
}

/// For every node, the distance to the nearest source and its index (`u32::MAX`: none
/// reached).
#[derive(Debug, Clone)]
pub struct NearestSources {
    pub distance_m: Vec<f64>,
    pub source: Vec<u32>,
    /// The sources themselves, to answer points on a source's own edge.
    sources: Vec<Snap>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    /// Distance walked plus the lower bound of what is left (the distance alone for Dijkstra).
    priority: f64,
    distance_m: f64,
    node: u32,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // Smallest priority first (BinaryHeap is a max-heap).
        other
            .priority
            .total_cmp(&self.priority)
            .then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The result of one Dijkstra run.
pub(super) struct Run {
    distance_m: Vec<f64>,
    /// The edge each node was reached by (`u32::MAX` for a seed).
    via: Vec<u32>,
    label: Vec<u32>,
}

impl StreetGraph {
    /// The two ways a joined point enters the graph: (node, distance from the point).
    pub(super) fn entries(&self, snap: &Snap) -> [(u32, f64); 2] {
        let edge = &self.edges[snap.edge as usize];
        [
            (edge.from, snap.connector_m + snap.along_m),
            (
                edge.to,
                snap.connector_m + (edge.length_m - snap.along_m).max(0.0),
            ),
        ]
    }

    /// Dijkstra from labelled seeds (A* when `estimate` gives a lower bound of the distance left
    /// from a node; it must never overestimate, and never drop by more than an edge's length
    /// along it), never past `max_m`, stopping once `stop(node, distance, priority)` says so
    /// for the node about to be settled.
    pub(super) fn run(
        &self,
        seeds: &[(u32, f64, u32)],
        max_m: f64,
        estimate: impl Fn(u32) -> f64,
        mut stop: impl FnMut(u32, f64, f64) -> bool,
    ) -> Run {
        let n = self.nodes.len();
        let mut run = Run {
            distance_m: vec![f64::INFINITY; n],
            via: vec![u32::MAX; n],
            label: vec![u32::MAX; n],
        };
        let mut heap = BinaryHeap::new();
        for &(node, d, label) in seeds {
            if d < run.distance_m[node as usize] && d <= max_m {
                run.distance_m[node as usize] = d;
                run.label[node as usize] = label;
                run.via[node as usize] = u32::MAX;
                heap.push(Queued {
                    priority: d + estimate(node),
                    distance_m: d,
                    node,
                });
            }
        }
        while let Some(Queued {
            priority,
            distance_m,
            node,
        }) = heap.pop()
        {
            if distance_m > run.distance_m[node as usize] {
                continue;
            }
            if stop(node, distance_m, priority) {
                break;
            }
            for link in self.links(node) {
                let d = distance_m + link.length_m;
                let other = link.to as usize;
                if d < run.distance_m[other] && d <= max_m {
                    run.distance_m[other] = d;
                    run.via[other] = link.edge;
                    run.label[other] = run.label[node as usize];
                    heap.push(Queued {
                        priority: d + estimate(link.to),
                        distance_m: d,
                        node: link.to,
                    });
                }
            }
        }
        run
    }

    /// A lower bound of the walk from `node` to `target`: the straight line in the local frame,
    /// less 1 % for the frame's scale error over a region (well under 1 % at city scale).
    fn straight_below(&self, node: u32, target: Coord) -> f64 {
        let c = self.nodes[node as usize];
        let dx = (c.x - target.x) * self.scale[0];
        let dy = (c.y - target.y) * self.scale[1];
        0.99 * dx.hypot(dy)
    }

    /// The shortest walk from `from` to `to`, or `None` when they are not connected.
    #[must_use]
    pub fn walk(&self, from: &Snap, to: &Snap) -> Option<Walk> {
        let mut best: Option<(f64, Option<usize>)> = None;
        if from.edge == to.edge {
            let direct = from.connector_m + (from.along_m - to.along_m).abs() + to.connector_m;
            best = Some((direct, None));
        }
        let seeds: Vec<(u32, f64, u32)> =
            self.entries(from).iter().map(|&(n, d)| (n, d, 0)).collect();
        let exits = self.entries(to);
        let landmarks = self
            .landmarks
            .get_or_init(|| super::landmarks::Landmarks::take(self));
        // What is left from a node: to an exit node, then on to the target point.
        let left = |node: u32| {
            let by_landmarks = exits
                .iter()
                .map(|&(exit, tail)| landmarks.below(node, exit) + tail - to.connector_m)
                .fold(f64::INFINITY, f64::min);
            self.straight_below(node, to.at).max(by_landmarks)
        };
        let mut bound = best.map_or(f64::INFINITY, |b| b.0);
        let run = self.run(&seeds, f64::INFINITY, left, |node, distance, priority| {
            for &(exit, tail) in &exits {
                if node == exit {
                    bound = bound.min(distance + tail);
                }
            }
            // Nothing left in the heap can beat the best walk found.
            priority + to.connector_m >= bound
        });
        let mut bound = best.map_or(f64::INFINITY, |b| b.0);
        for (i, &(node, tail)) in exits.iter().enumerate() {
            let total = run.distance_m[node as usize] + tail;
            if total < bound {
                bound = total;
                best = Some((total, Some(i)));
            }
        }
        let (length_m, exit) = best?;
        let path = match exit {
            None => {
                let mut path = vec![];
                push_point(&mut path, from.point);
                self.push_part(&mut path, from.edge, from.along_m, to.along_m);
                push_point(&mut path, to.point);
                path
            }
            Some(i) => {
                let exit_node = exits[i].0;
                // Nodes back from the exit to the seed, then forwards.
                let mut chain = vec![exit_node];
                let mut node = exit_node;
                while run.via[node as usize] != u32::MAX {
                    let edge = &self.edges[run.via[node as usize] as usize];
                    node = if edge.from == node {
                        edge.to
                    } else {
                        edge.from
                    };
                    chain.push(node);
                }
                chain.reverse();
                let mut path = vec![];
                push_point(&mut path, from.point);
                let first = chain[0];
                let edge = &self.edges[from.edge as usize];
                let first_at = if first == edge.from {
                    0.0
                } else {
                    edge.length_m
                };
                self.push_part(&mut path, from.edge, from.along_m, first_at);
                for pair in chain.windows(2) {
                    // The chain follows `via` back from the exit, so `via[b]` joins a to b.
                    let e = run.via[pair[1] as usize];
                    let edge = &self.edges[e as usize];
                    let (a, b) = if edge.from == pair[0] {
                        (0.0, edge.length_m)
                    } else {
                        (edge.length_m, 0.0)
                    };
                    self.push_part(&mut path, e, a, b);
                }
                let edge = &self.edges[to.edge as usize];
                let last_at = if exit_node == edge.from {
                    0.0
                } else {
                    edge.length_m
                };
                self.push_part(&mut path, to.edge, last_at, to.along_m);
                push_point(&mut path, to.point);
                path
            }
        };
        Some(Walk { length_m, path })
    }

    /// Appends the stretch of `edge` from `from_m` to `to_m` metres along it (either way).
    fn push_part(&self, path: &mut Vec<Coord>, edge: u32, from_m: f64, to_m: f64) {
        let edge = &self.edges[edge as usize];
        let at = |m: f64| -> Coord {
            let mut walked = 0.0;
            for (i, &len) in edge.segment_m.iter().enumerate() {
                if walked + len >= m || i == edge.segment_m.len() - 1 {
                    let t = if len > 0.0 {
                        ((m - walked) / len).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let (a, b) = (edge.coords[i], edge.coords[i + 1]);
                    return Coord {
                        x: a.x + t * (b.x - a.x),
                        y: a.y + t * (b.y - a.y),
                    };
                }
                walked += len;
            }
            edge.coords[edge.coords.len() - 1]
        };
        // The vertices strictly between the two positions, in walking order.
        let mut marks = Vec::with_capacity(edge.coords.len());
        let mut walked = 0.0;
        for (i, c) in edge.coords.iter().enumerate() {
            marks.push((walked, *c));
            if i < edge.segment_m.len() {
                walked += edge.segment_m[i];
            }
        }
        push_point(path, at(from_m));
        if from_m <= to_m {
            for &(m, c) in &marks {
                if m > from_m && m < to_m {
                    push_point(path, c);
                }
            }
        } else {
            for &(m, c) in marks.iter().rev() {
                if m < from_m && m > to_m {
                    push_point(path, c);
                }
            }
        }
        push_point(path, at(to_m));
    }

    /// For every node, the walking distance to the nearest of `sources` and which one, up to
    /// `max_m` (one Dijkstra from all sources at once).
    #[must_use]
    pub fn nearest_sources(&self, sources: &[Snap], max_m: f64) -> NearestSources {
        let seeds: Vec<(u32, f64, u32)> = sources
            .iter()
            .enumerate()
            .flat_map(|(i, s)| self.entries(s).map(|(n, d)| (n, d, i as u32)))
            .collect();
        let run = self.run(&seeds, max_m, |_| 0.0, |_, _, _| false);
        NearestSources {
            distance_m: run.distance_m,
            source: run.label,
            sources: sources.to_vec(),
        }
    }

    /// The walking distance from `from` to each of `targets` within `max_m` (`None`: farther,
    /// or not joined): one search, which stops once every target's edge ends are settled.
    #[must_use]
    pub fn walks_to(&self, from: &Snap, targets: &[Snap], max_m: f64) -> Vec<Option<f64>> {
        let seeds: Vec<(u32, f64, u32)> =
            self.entries(from).iter().map(|&(n, d)| (n, d, 0)).collect();
        let mut waiting: rustc_hash::FxHashSet<u32> = targets
            .iter()
            .flat_map(|t| self.entries(t).map(|(n, _)| n))
            .collect();
        let run = self.run(
            &seeds,
            max_m,
            |_| 0.0,
            |node, _, _| {
                waiting.remove(&node);
                waiting.is_empty()
            },
        );
        targets
            .iter()
            .map(|t| {
                let mut best = self
                    .entries(t)
                    .iter()
                    .map(|&(n, tail)| run.distance_m[n as usize] + tail)
                    .fold(f64::INFINITY, f64::min);
                if t.edge == from.edge {
                    best = best
                        .min(from.connector_m + (from.along_m - t.along_m).abs() + t.connector_m);
                }
                (best <= max_m).then_some(best)
            })
            .collect()
    }

    /// The `k` of `targets` nearest on foot to `from` within `max_m`, nearest first, as (index in
    /// `targets`, metres). One search, which stops as soon as `k` targets are known to be
    /// nearer than anything still unsettled: a target's walk is final once it is no longer
    /// than the distance being settled.
    #[must_use]
    pub fn nearest_of(
        &self,
        from: &Snap,
        targets: &[Snap],
        k: usize,
        max_m: f64,
    ) -> Vec<(usize, f64)> {
        let mut best: Vec<f64> = targets
            .iter()
            .map(|t| {
                if t.edge == from.edge {
                    from.connector_m + (from.along_m - t.along_m).abs() + t.connector_m
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        let mut at_node: rustc_hash::FxHashMap<u32, Vec<(usize, f64)>> =
            rustc_hash::FxHashMap::default();
        for (i, t) in targets.iter().enumerate() {
            for (node, tail) in self.entries(t) {
                at_node.entry(node).or_default().push((i, tail));
            }
        }
        // A bounded search settles a few thousand nodes: distances in a hash map, not in three
        // arrays over every node of the graph (clearing those was most of a 100 µs query).
        let mut distance: rustc_hash::FxHashMap<u32, f64> = rustc_hash::FxHashMap::default();
        let mut heap = BinaryHeap::new();
        for (node, d) in self.entries(from) {
            if d <= max_m && distance.get(&node).is_none_or(|&old| d < old) {
                distance.insert(node, d);
                heap.push(Queued {
                    priority: d,
                    distance_m: d,
                    node,
                });
            }
        }
        while let Some(Queued {
            distance_m, node, ..
        }) = heap.pop()
        {
            if distance.get(&node).is_some_and(|&d| distance_m > d) {
                continue;
            }
            if let Some(list) = at_node.get(&node) {
                for &(i, tail) in list {
                    best[i] = best[i].min(distance_m + tail);
                }
            }
            if best.iter().filter(|&&b| b <= distance_m).count() >= k {
                break;
            }
            for link in self.links(node) {
                let d = distance_m + link.length_m;
                if d <= max_m && distance.get(&link.to).is_none_or(|&old| d < old) {
                    distance.insert(link.to, d);
                    heap.push(Queued {
                        priority: d,
                        distance_m: d,
                        node: link.to,
                    });
                }
            }
        }
        let mut found: Vec<(usize, f64)> = best
            .into_iter()
            .enumerate()
            .filter(|&(_, b)| b <= max_m)
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1));
        found.truncate(k);
        found
    }

    /// The walking distance from node `start` to every node (infinite where not reached).
    #[must_use]
    pub fn distances_from(&self, start: u32) -> Vec<f64> {
        self.run(&[(start, 0.0, 0)], f64::INFINITY, |_| 0.0, |_, _, _| false)
            .distance_m
    }

    /// Every node within `max_m` metres' walk of `from`, with its distance.
    #[must_use]
    pub fn within(&self, from: &Snap, max_m: f64) -> Vec<(u32, f64)> {
        let seeds: Vec<(u32, f64, u32)> =
            self.entries(from).iter().map(|&(n, d)| (n, d, 0)).collect();
        let run = self.run(&seeds, max_m, |_| 0.0, |_, _, _| false);
        run.distance_m
            .iter()
            .enumerate()
            .filter(|(_, d)| d.is_finite())
            .map(|(n, &d)| (n as u32, d))
            .collect()
    }
}

impl NearestSources {
    /// The walking distance from a joined point to its nearest source, and which source.
    #[must_use]
    pub fn of(&self, graph: &StreetGraph, point: &Snap) -> Option<(f64, u32)> {
        let mut best: Option<(f64, u32)> = None;
        for (node, tail) in graph.entries(point) {
            let (d, s) = (self.distance_m[node as usize], self.source[node as usize]);
            // `tail` holds the point's connector; the node's distance holds the source's.
            if d.is_finite() && best.is_none_or(|b| d + tail < b.0) {
                best = Some((d + tail, s));
            }
        }
        // A source on the same edge may be reached along it directly.
        for (i, s) in self.sources.iter().enumerate() {
            if s.edge == point.edge {
                let direct = s.connector_m + (s.along_m - point.along_m).abs() + point.connector_m;
                if best.is_none_or(|b| direct < b.0) {
                    best = Some((direct, i as u32));
                }
            }
        }
        best
    }
}

/// Appends `c` unless it repeats the last point.
fn push_point(path: &mut Vec<Coord>, c: Coord) {
    if path.last() != Some(&c) {
        path.push(c);
    }
}
