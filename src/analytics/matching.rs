//! Which resource-list items should meet which open demands (the committee's 资源清单 and
//! 需求清单): an exact minimum-cost maximum flow. Each resource offers a capacity in
//! households, each demand needs its households served, a resource may serve a demand only
//! where the caller gives a cost (categories fit, within walking reach: the walking distance
//! in metres). Among the assignments that serve the most households, the one returned has
//! the least total cost (households × metres). A demand may be split between resources.
//!
//! The flow network is source → resource (its capacity) → demand (the pairs allowed, at
//! their cost) → sink (the demand's households); successive shortest paths with Johnson
//! potentials (Dijkstra on reduced costs, which stay non-negative since every cost is).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One resource-list item: what it offers, in households it can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub capacity: u64,
}

/// One open demand: the households it affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub households: u64,
}

/// Households of demand `need` served by resource `offer`, at `cost` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    pub offer: usize,
    pub need: usize,
    pub households: u64,
    pub cost: u64,
}

/// The assignment: what is served, and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    pub served: Vec<Served>,
    pub households: u64,
    /// Σ households × cost.
    pub cost: u64,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: usize,
    capacity: u64,
    cost: i64,
}

/// A flow network; each edge has its reverse at `index ^ 1`.
struct Network {
    edges: Vec<Edge>,
    out: Vec<Vec<usize>>,
}

impl Network {
    fn new(nodes: usize) -> Self {
        Self {
            edges: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    fn add(&mut self, from: usize, to: usize, capacity: u64, cost: i64) -> usize {
        let id = self.edges.len();
        self.edges.push(Edge { to, capacity, cost });
        self.out[from].push(id);
        self.edges.push(Edge {
            to: from,
            capacity: 0,
            cost: -cost,
        });
        self.out[to].push(id + 1);
        id
    }

    /// Pushes as much flow as possible from `s` to `t`, each unit along a cheapest path.
    #[allow(clippy::many_single_char_names)] // the textbook's names: s, t, n, u, v
    fn min_cost_max_flow(&mut self, s: usize, t: usize) {
        let n = self.out.len();
        let mut potential = vec![0i64; n];
        loop {
            // Dijkstra on reduced costs.
            let mut dist = vec![i64::MAX; n];
            let mut via = vec![usize::MAX; n];
            dist[s] = 0;
            let mut heap = BinaryHeap::new();
            heap.push(Reverse((0i64, s)));
            while let Some(Reverse((d, u))) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.out[u] {
                    let edge = self.edges[e];
                    if edge.capacity == 0 {
                        continue;
                    }
                    let next = d + edge.cost + potential[u] - potential[edge.to];
                    if next < dist[edge.to] {
                        dist[edge.to] = next;
                        via[edge.to] = e;
                        heap.push(Reverse((next, edge.to)));
                    }
                }
            }
            if dist[t] == i64::MAX {
                return;
            }
            for (p, d) in potential.iter_mut().zip(&dist) {
                if *d < i64::MAX {
                    *p += d;
                }
            }
            // The bottleneck of the path, then push it.
            let mut push = u64::MAX;
            let mut v = t;
            while v != s {
                let e = via[v];
                push = push.min(self.edges[e].capacity);
                v = self.edges[e ^ 1].to;
            }
            let mut v = t;
            while v != s {
                let e = via[v];
                self.edges[e].capacity -= push;
                self.edges[e ^ 1].capacity += push;
                v = self.edges[e ^ 1].to;
            }
        }
    }
}

/// The assignment serving the most households at the least cost. `cost(offer, need)` is the
/// cost of one household of `need` served by `offer`, or `None` where that pair may not meet.
#[must_use]
pub fn assign(
    offers: &[Offer],
    needs: &[Need],
    cost: impl Fn(usize, usize) -> Option<u64>,
) -> Assignment {
    let (source, sink) = (0, 1);
    let offer_node = |i: usize| 2 + i;
    let need_node = |j: usize| 2 + offers.len() + j;
    let mut net = Network::new(2 + offers.len() + needs.len());
    for (i, o) in offers.iter().enumerate() {
        net.add(source, offer_node(i), o.capacity, 0);
    }
    for (j, d) in needs.iter().enumerate() {
        net.add(need_node(j), sink, d.households, 0);
    }
    let mut pairs = Vec::new();
    for i in 0..offers.len() {
        for j in 0..needs.len() {
            if let Some(c) = cost(i, j) {
                let c = i64::try_from(c).unwrap_or(i64::MAX / 4);
                let edge = net.add(offer_node(i), need_node(j), u64::MAX / 4, c);
                pairs.push((i, j, edge));
            }
        }
    }
    net.min_cost_max_flow(source, sink);
    let mut out = Assignment::default();
    for (i, j, e) in pairs {
        let households = net.edges[e ^ 1].capacity;
        if households > 0 {
            let cost = u64::try_from(net.edges[e].cost).unwrap_or(0);
            out.households += households;
            out.cost += households * cost;
            out.served.push(Served {
                offer: i,
                need: j,
                households,
                cost,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_households_first_then_the_least_walking() {
        // Two offers of 10 households, three needs of 25 in all: 20 is the most that can be served.
        let offers = [Offer { capacity: 10 }, Offer { capacity: 10 }];
        let needs = [
            Need { households: 10 },
            Need { households: 10 },
            Need { households: 5 },
        ];
        let cost = |i: usize, j: usize| match (i, j) {
            (0, 0) => Some(100),
            (0, 2) => Some(900),
            (1, 0) => Some(200),
            (1, 1) => Some(300),
            _ => None,
        };
        let a = assign(&offers, &needs, cost);
        assert_eq!(a.households, 20);
        // Of the ways to serve 20, offer 0 → need 0 and offer 1 → need 1 costs least
        // (100·10 + 300·10); sending offer 0 to need 2 would cost 900 a household.
        assert_eq!(a.cost, 4000);
        // No pair at all: nothing is served.
        assert_eq!(assign(&offers, &needs, |_, _| None), Assignment::default());
    }
}
