//! A joint inspection's route (#28): from a start, through hot spots, within a time budget,
//! gaining the most incident weight: the orienteering problem. The route is open (it ends at
//! its last stop). Up to [`EXACT_MAX`] candidate stops it is solved exactly by dynamic
//! programming over subsets (the cheapest way to visit each set ending at each stop); beyond,
//! by a stated heuristic: stops are inserted where they cost least, best weight-per-second
//! first, while the budget allows, then the order is improved by 2-opt, so the route never
//! exceeds the budget but may gain less than the best one.

/// The most stops solved exactly (2^16 × 16 states).
pub const EXACT_MAX: usize = 16;

/// A route: the stops in order, its cost (seconds) and its gain.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub stops: Vec<usize>,
    pub cost: u64,
    pub gain: f64,
    /// Whether the route is the best possible (solved exactly).
    pub exact: bool,
}

/// The question: travel costs from the start to each stop and between stops, each stop's gain,
/// the budget (costs and budget in one unit, e.g. seconds, service time folded into the costs).
pub struct Problem<'a> {
    pub from_start: &'a [u64],
    pub between: &'a [Vec<u64>],
    pub gain: &'a [f64],
    pub budget: u64,
}

impl Problem<'_> {
    fn n(&self) -> usize {
        self.gain.len()
    }

    /// The cost of visiting `stops` in order from the start.
    #[must_use]
    pub fn cost(&self, stops: &[usize]) -> u64 {
        let Some(&first) = stops.first() else {
            return 0;
        };
        self.from_start[first]
            + stops
                .windows(2)
                .map(|w| self.between[w[0]][w[1]])
                .sum::<u64>()
    }

    fn gain_of(&self, stops: &[usize]) -> f64 {
        stops.iter().map(|&s| self.gain[s]).sum()
    }
}

/// The best route (exact up to [`EXACT_MAX`] stops, the heuristic beyond).
#[must_use]
pub fn plan(p: &Problem<'_>) -> Route {
    if p.n() <= EXACT_MAX {
        exact(p)
    } else {
        heuristic(p)
    }
}

/// An upper bound on the best route's gain: any route pays, for each stop it visits, at least
/// the cheapest way into that stop (from the start or another stop), so the best gain is at
/// most the fractional knapsack of the gains over those least entry costs within the budget.
#[must_use]
pub fn upper_bound(p: &Problem<'_>) -> f64 {
    let n = p.n();
    let mut items: Vec<(f64, u64)> = (0..n)
        .map(|s| {
            let entry = (0..n)
                .filter(|&t| t != s)
                .map(|t| p.between[t][s])
                .chain(std::iter::once(p.from_start[s]))
                .min()
                .unwrap_or(0);
            (p.gain[s], entry)
        })
        .filter(|&(g, entry)| g > 0.0 && entry <= p.budget)
        .collect();
    // Free entries first, then by gain per unit of cost.
    #[allow(clippy::cast_precision_loss)] // seconds, far below 2^53
    items.sort_by(|a, b| (b.0 * a.1 as f64).total_cmp(&(a.0 * b.1 as f64)));
    let mut left = p.budget;
    let mut bound = 0.0;
    for (g, entry) in items {
        if entry <= left {
            bound += g;
            left -= entry;
        } else {
            #[allow(clippy::cast_precision_loss)]
            {
                bound += g * left as f64 / entry as f64;
            }
            break;
        }
    }
    bound
}

/// Dynamic programming over subsets: `best[mask][last]` is the least cost of visiting `mask`
/// from the start, ending at `last`.
#[must_use]
pub fn exact(p: &Problem<'_>) -> Route {
    let n = p.n();
    let full = 1usize << n;
    let mut best = vec![u64::MAX; full * n.max(1)];
    let mut parent = vec![usize::MAX; full * n.max(1)];
    for s in 0..n {
        if p.from_start[s] <= p.budget {
            best[(1 << s) * n + s] = p.from_start[s];
        }
    }
    let mut answer = (0.0_f64, 0usize, usize::MAX); // gain, mask, last
    for mask in 1..full {
        for last in 0..n {
            let c = best[mask * n + last];
            if c == u64::MAX {
                continue;
            }
            let g: f64 = (0..n)
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| p.gain[i])
                .sum();
            if g > answer.0 {
                answer = (g, mask, last);
            }
            for next in 0..n {
                if mask >> next & 1 == 1 {
                    continue;
                }
                let nc = c.saturating_add(p.between[last][next]);
                let key = (mask | 1 << next) * n + next;
                if nc <= p.budget && nc < best[key] {
                    best[key] = nc;
                    parent[key] = last;
                }
            }
        }
    }
    let (gain, mut mask, mut last) = answer;
    let mut stops = Vec::new();
    while last != usize::MAX {
        stops.push(last);
        let prev = parent[mask * n + last];
        mask &= !(1 << last);
        last = prev;
    }
    stops.reverse();
    Route {
        cost: p.cost(&stops),
        stops,
        gain,
        exact: true,
    }
}

/// Cheapest insertion by gain per added cost while the budget allows, then 2-opt.
#[must_use]
pub fn heuristic(p: &Problem<'_>) -> Route {
    let mut route: Vec<usize> = Vec::new();
    let mut left: Vec<usize> = (0..p.n()).filter(|&s| p.gain[s] > 0.0).collect();
    loop {
        let cost_now = p.cost(&route);
        // For each stop left, its cheapest insertion; take the best gain per second added.
        let mut choice: Option<(f64, usize, usize, u64)> = None;
        for (k, &s) in left.iter().enumerate() {
            for at in 0..=route.len() {
                let mut trial = route.clone();
                trial.insert(at, s);
                let c = p.cost(&trial);
                if c > p.budget {
                    continue;
                }
                #[allow(clippy::cast_precision_loss)] // seconds, far below 2^53
                let ratio = p.gain[s] / (c.saturating_sub(cost_now) as f64 + 1.0);
                if choice.is_none_or(|(r, ..)| ratio > r) {
                    choice = Some((ratio, k, at, c));
                }
            }
        }
        let Some((_, k, at, _)) = choice else { break };
        route.insert(at, left.swap_remove(k));
        two_opt(p, &mut route);
    }
    Route {
        cost: p.cost(&route),
        gain: p.gain_of(&route),
        stops: route,
        exact: false,
    }
}

/// Reverses segments while that shortens the route.
fn two_opt(p: &Problem<'_>, route: &mut [usize]) {
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..route.len() {
            for j in i + 1..route.len() {
                let before = p.cost(route);
                route[i..=j].reverse();
                if p.cost(route) < before {
                    improved = true;
                } else {
                    route[i..=j].reverse();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The best gain by trying every ordered subset.
    fn brute_force(p: &Problem<'_>) -> f64 {
        fn walk(p: &Problem<'_>, route: &mut Vec<usize>, best: &mut f64) {
            if p.cost(route) > p.budget {
                return;
            }
            *best = best.max(p.gain_of(route));
            for s in 0..p.n() {
                if !route.contains(&s) {
                    route.push(s);
                    walk(p, route, best);
                    route.pop();
                }
            }
        }
        let mut best = 0.0;
        walk(p, &mut Vec::new(), &mut best);
        best
    }

    #[test]
    fn exact_equals_exhaustive_search_and_the_heuristic_keeps_the_budget() {
        let mut rng = ChaCha8Rng::seed_from_u64(28);
        for case in 0..300 {
            let n = rng.random_range(1..=7);
            let points: Vec<(f64, f64)> = (0..=n)
                .map(|_| (rng.random_range(0.0..1000.0), rng.random_range(0.0..1000.0)))
                .collect();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let d = |a: usize, b: usize| {
                let (x, y) = (points[a].0 - points[b].0, points[a].1 - points[b].1);
                (x.hypot(y) + 60.0) as u64
            };
            let from_start: Vec<u64> = (1..=n).map(|s| d(0, s)).collect();
            let between: Vec<Vec<u64>> = (1..=n)
                .map(|a| (1..=n).map(|b| d(a, b)).collect())
                .collect();
            let gain: Vec<f64> = (0..n).map(|_| f64::from(rng.random_range(0..20))).collect();
            let p = Problem {
                from_start: &from_start,
                between: &between,
                gain: &gain,
                budget: rng.random_range(0..3000),
            };
            let route = exact(&p);
            assert!((route.gain - brute_force(&p)).abs() < 1e-9, "case {case}");
            assert!(route.cost <= p.budget, "case {case}");
            assert!((route.gain - p.gain_of(&route.stops)).abs() < 1e-9);
            let h = heuristic(&p);
            assert!(
                h.cost <= p.budget && h.gain <= route.gain + 1e-9,
                "case {case}"
            );
            assert!(
                upper_bound(&p) >= route.gain - 1e-9,
                "case {case}: the bound holds"
            );
        }
    }
}
