//! The orienteering problem on a fixed loop: the team keeps walking its loop (the base stops,
//! in order) and may leave it between two consecutive stops to visit candidate places, each
//! with a weight, as long as the loop grows by at most a budget. Which places, in which order,
//! from which stretch of the loop, to gain the most weight?
//!
//! What we chose:
//! - up to [`EXACT_MAX`] candidates, an exact dynamic programme: for each stretch of the loop,
//!   the shortest detour through every subset of candidates (Held–Karp), then the best
//!   combination of disjoint subsets over the stretches — `O(B · (2ᵏ·k² + 3ᵏ))`;
//! - beyond that, greedy insertion by weight gained per extra metre (the classic orienteering
//!   ratio), each detour then shortened by 2-opt, repeated while a shortening frees budget for
//!   another insertion. The greedy answer is compared with the exact one on the top
//!   [`EXACT_MAX`] candidates by weight, and the better is kept.
//!
//! Nodes are numbered `0..base` for the loop's stops and `base..base + k` for the candidates;
//! `dist` is any symmetric distance (walking metres, in the server).

/// Up to this many candidates the answer is exact.
pub const EXACT_MAX: usize = 8;

/// An instance: the loop's `base` stops, the candidates' weights, the distance between any two
/// nodes, and the extra length allowed.
pub struct Instance<'a> {
    pub base: usize,
    pub weights: Vec<f64>,
    pub dist: &'a dyn Fn(usize, usize) -> f64,
    pub budget_m: f64,
}

/// A plan: the nodes in walking order (the loop's stops in order with the candidates inserted,
/// starting at stop 0; the walk closes back to stop 0), the weight gained and the extra length.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub tour: Vec<usize>,
    pub weight: f64,
    pub extra_m: f64,
}

impl Instance<'_> {
    fn base_length(&self) -> f64 {
        (0..self.base)
            .map(|i| (self.dist)(i, (i + 1) % self.base))
            .sum()
    }

    fn tour_length(&self, tour: &[usize]) -> f64 {
        (0..tour.len())
            .map(|i| (self.dist)(tour[i], tour[(i + 1) % tour.len()]))
            .sum()
    }

    fn plan(&self, tour: Vec<usize>) -> Plan {
        let weight = tour
            .iter()
            .filter(|&&n| n >= self.base)
            .map(|&n| self.weights[n - self.base])
            .sum();
        let extra_m = (self.tour_length(&tour) - self.base_length()).max(0.0);
        Plan {
            tour,
            weight,
            extra_m,
        }
    }
}

/// The best plan found: exact up to [`EXACT_MAX`] candidates, else the better of the greedy
/// plan and the exact plan over the heaviest [`EXACT_MAX`].
#[must_use]
pub fn solve(instance: &Instance) -> Plan {
    let k = instance.weights.len();
    if instance.base == 0 {
        return Plan {
            tour: Vec::new(),
            weight: 0.0,
            extra_m: 0.0,
        };
    }
    if k <= EXACT_MAX {
        let all: Vec<usize> = (0..k).collect();
        return exact(instance, &all);
    }
    let greedy = insertion(instance);
    let mut heaviest: Vec<usize> = (0..k).collect();
    heaviest.sort_by(|&a, &b| instance.weights[b].total_cmp(&instance.weights[a]));
    heaviest.truncate(EXACT_MAX);
    let best_few = exact(instance, &heaviest);
    if best_few.weight > greedy.weight {
        best_few
    } else {
        greedy
    }
}

/// The exact best plan over the candidates `among` (indices into the weights).
#[must_use]
pub fn exact(instance: &Instance, among: &[usize]) -> Plan {
    let (b, k) = (instance.base, among.len());
    let full = 1usize << k;
    let node = |j: usize| instance.base + among[j];
    // best[mask]: the least extra length of the loop visiting exactly `mask`, and how (for
    // each stretch, the ordered candidates taken there).
    let mut best: Vec<f64> = vec![f64::INFINITY; full];
    let mut how: Vec<Vec<(usize, Vec<usize>)>> = vec![Vec::new(); full];
    best[0] = 0.0;
    for stretch in 0..b {
        let (from, to) = (stretch, (stretch + 1) % b);
        let leg = (instance.dist)(from, to);
        let detours = shortest_detours(instance, among, from, to, leg);
        if detours.iter().skip(1).all(|(extra, _)| !extra.is_finite()) {
            continue;
        }
        // Combine with what earlier stretches took (each subset at most once overall).
        let before = best.clone();
        let before_how = how.clone();
        for taken in 0..full {
            if !before[taken].is_finite() {
                continue;
            }
            let free = (full - 1) & !taken;
            let mut sub = free;
            while sub > 0 {
                let (extra, ref order) = detours[sub];
                let total = before[taken] + extra;
                if total <= instance.budget_m + 1e-9 && total < best[taken | sub] {
                    best[taken | sub] = total;
                    let mut h = before_how[taken].clone();
                    h.push((stretch, order.iter().map(|&j| node(j)).collect()));
                    how[taken | sub] = h;
                }
                sub = (sub - 1) & free;
            }
        }
    }
    let weight_of = |mask: usize| -> f64 {
        (0..k)
            .filter(|j| mask & (1 << j) != 0)
            .map(|j| instance.weights[among[j]])
            .sum()
    };
    let chosen = (0..full)
        .filter(|&m| best[m].is_finite())
        .max_by(|&a, &c| {
            weight_of(a)
                .total_cmp(&weight_of(c))
                .then(best[c].total_cmp(&best[a]))
        })
        .unwrap_or(0);
    let mut tour = Vec::with_capacity(b + k);
    for stop in 0..b {
        tour.push(stop);
        for (stretch, order) in &how[chosen] {
            if *stretch == stop {
                tour.extend(order);
            }
        }
    }
    instance.plan(tour)
}

/// For the stretch `from → to` (of length `leg`), the least extra length of a detour through
/// each subset of `among` and its order (Held–Karp over paths from `from` to `to`).
fn shortest_detours(
    instance: &Instance,
    among: &[usize],
    from: usize,
    to: usize,
    leg: f64,
) -> Vec<(f64, Vec<usize>)> {
    let k = among.len();
    let full = 1usize << k;
    let node = |j: usize| instance.base + among[j];
    let d = instance.dist;
    // path[mask][last]: shortest walk from `from` through `mask`, ending at `last`.
    let mut path = vec![vec![f64::INFINITY; k]; full];
    let mut parent = vec![vec![usize::MAX; k]; full];
    for j in 0..k {
        let first = d(from, node(j));
        if first - leg <= instance.budget_m {
            path[1 << j][j] = first;
        }
    }
    for mask in 1..full {
        for last in 0..k {
            let here = path[mask][last];
            if !here.is_finite() || mask & (1 << last) == 0 {
                continue;
            }
            for next in 0..k {
                if mask & (1 << next) != 0 {
                    continue;
                }
                let via = here + d(node(last), node(next));
                let m = mask | (1 << next);
                if via < path[m][next] {
                    path[m][next] = via;
                    parent[m][next] = last;
                }
            }
        }
    }
    let mut detours = vec![(f64::INFINITY, Vec::new()); full];
    detours[0] = (0.0, Vec::new());
    for mask in 1..full {
        let end = (0..k)
            .filter(|&j| path[mask][j].is_finite())
            .map(|j| (path[mask][j] + d(node(j), to) - leg, j))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let Some((extra, mut last)) = end else {
            continue;
        };
        let mut order = Vec::new();
        let mut m = mask;
        while last != usize::MAX {
            order.push(last);
            let p = parent[m][last];
            m &= !(1 << last);
            last = p;
        }
        order.reverse();
        detours[mask] = (extra.max(0.0), order);
    }
    detours
}

/// Greedy insertion by weight per extra metre, with 2-opt on the detours, repeated while it
/// still inserts.
#[must_use]
pub fn insertion(instance: &Instance) -> Plan {
    let d = instance.dist;
    let mut tour: Vec<usize> = (0..instance.base).collect();
    let mut used = instance.base_length();
    let limit = used + instance.budget_m;
    let mut inside = vec![false; instance.weights.len()];
    loop {
        let mut best: Option<(f64, usize, usize)> = None; // (ratio, candidate, at)
        for (j, &w) in instance.weights.iter().enumerate() {
            if inside[j] || w <= 0.0 {
                continue;
            }
            let n = instance.base + j;
            for at in 0..tour.len() {
                let (a, b) = (tour[at], tour[(at + 1) % tour.len()]);
                let extra = (d(a, n) + d(n, b) - d(a, b)).max(0.0);
                if used + extra > limit + 1e-9 {
                    continue;
                }
                let ratio = w / extra.max(1.0);
                if best.is_none_or(|(r, ..)| ratio > r) {
                    best = Some((ratio, j, at));
                }
            }
        }
        let Some((_, j, at)) = best else {
            break;
        };
        tour.insert(at + 1, instance.base + j);
        inside[j] = true;
        two_opt(instance, &mut tour);
        used = instance.tour_length(&tour);
    }
    instance.plan(tour)
}

/// 2-opt inside each detour: reverses a run of candidates between two loop stops while that
/// shortens the walk (the loop's stops never move).
fn two_opt(instance: &Instance, tour: &mut [usize]) {
    let dist = instance.dist;
    let len = tour.len();
    let mut improved = true;
    while improved {
        improved = false;
        let mut start = 0;
        while start < len {
            // A detour: the candidates after loop stop `tour[start]`.
            let mut end = start + 1;
            while end < len && tour[end] >= instance.base {
                end += 1;
            }
            // tour[start] is a stop, tour[start+1..end] candidates, tour[end % n] the next stop.
            for i in start + 1..end {
                for j in i + 1..end {
                    let (before, first) = (tour[i - 1], tour[i]);
                    let (last, after) = (tour[j], tour[(j + 1) % len]);
                    if dist(before, last) + dist(first, after) + 1e-9
                        < dist(before, first) + dist(last, after)
                    {
                        tour[i..=j].reverse();
                        improved = true;
                    }
                }
            }
            start = end;
        }
    }
}
