//! Many joined points at once (every building, say): which of them lie within a walk of one
//! source. The points are indexed by the nodes at the ends of their edges, so one bounded
//! search from the source finds them all as it settles nodes; this is how a catchment (2SFCA)
//! or a candidate site's coverage is taken without a search per point.

use rustc_hash::FxHashMap;

use super::{Snap, StreetGraph};

/// Points joined to the network, indexed for [`StreetGraph::reach`].
#[derive(Debug, Clone, Default)]
pub struct Joined {
    /// The entries at node `n` are `entries[first[n]..first[n + 1]]`: (point, metres from the
    /// node to the point along its edge and connector).
    first: Vec<u32>,
    entries: Vec<(u32, f64)>,
    /// Points by the edge they join, for a walk along the source's own edge.
    on_edge: FxHashMap<u32, Vec<u32>>,
    snaps: Vec<Option<Snap>>,
}

impl Joined {
    /// How many points were given (joined or not).
    #[must_use]
    pub fn len(&self) -> usize {
        self.snaps.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.snaps.is_empty()
    }
}

impl StreetGraph {
    /// Indexes `snaps` (a point that did not join is `None` and is never reached).
    #[must_use]
    pub fn join_points(&self, snaps: Vec<Option<Snap>>) -> Joined {
        let mut count = vec![0u32; self.nodes.len() + 1];
        let mut on_edge: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (p, snap) in snaps.iter().enumerate() {
            if let Some(s) = snap {
                for (node, _) in self.entries(s) {
                    count[node as usize] += 1;
                }
                on_edge.entry(s.edge).or_default().push(p as u32);
            }
        }
        let mut first = Vec::with_capacity(count.len());
        let mut total = 0u32;
        for c in &count[..self.nodes.len()] {
            first.push(total);
            total += c;
        }
        first.push(total);
        let mut fill = first.clone();
        let mut entries = vec![(0u32, 0.0); total as usize];
        for (p, snap) in snaps.iter().enumerate() {
            if let Some(s) = snap {
                for (node, tail) in self.entries(s) {
                    entries[fill[node as usize] as usize] = (p as u32, tail);
                    fill[node as usize] += 1;
                }
            }
        }
        Joined {
            first,
            entries,
            on_edge,
            snaps,
        }
    }

    /// Every point of `joined` within `max_m` metres' walk of `from`, with its distance, in
    /// the order of the points.
    #[must_use]
    pub fn reach(&self, from: &Snap, max_m: f64, joined: &Joined) -> Vec<(u32, f64)> {
        let mut best: FxHashMap<u32, f64> = FxHashMap::default();
        let mut keep = |p: u32, d: f64| {
            if d <= max_m {
                best.entry(p).and_modify(|b| *b = b.min(d)).or_insert(d);
            }
        };
        // Along the source's own edge, without passing a node.
        for &p in joined.on_edge.get(&from.edge).into_iter().flatten() {
            if let Some(s) = &joined.snaps[p as usize] {
                keep(
                    p,
                    from.connector_m + (from.along_m - s.along_m).abs() + s.connector_m,
                );
            }
        }
        let seeds: Vec<(u32, f64, u32)> =
            self.entries(from).iter().map(|&(n, d)| (n, d, 0)).collect();
        let _ = self.run(
            &seeds,
            max_m,
            |_| 0.0,
            |node, distance, _| {
                let n = node as usize;
                if n + 1 < joined.first.len() {
                    let span = joined.first[n] as usize..joined.first[n + 1] as usize;
                    for &(p, tail) in &joined.entries[span] {
                        keep(p, distance + tail);
                    }
                }
                false
            },
        );
        let mut found: Vec<(u32, f64)> = best.into_iter().collect();
        found.sort_unstable_by_key(|f| f.0);
        found
    }
}
