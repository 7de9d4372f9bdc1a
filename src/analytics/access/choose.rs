//! Choosing k sites among candidates to maximise a facility-location benefit
//! `F(S) = Σ_i w_i · (max(base_i, max_{c∈S} b_ic) − base_i)`: each demand point i keeps the
//! best of what it has (`base_i`) and what a chosen candidate offers it (`b_ic`). Both objectives of
//! [`super::sites`] are of this form — the maximal covering location problem (b = 1 within the
//! threshold, base = 1 when already covered) and the p-median with distances truncated at the
//! threshold (b = T − d) — and F is monotone and submodular, which the method relies on:
//!
//! 1. lazy greedy (Minoux 1978): candidates in a heap by their last known gain, a gain
//!    recomputed only when it reaches the top (gains never grow as sites are added);
//! 2. swaps (Teitz & Bart 1968): the best exchange of one chosen site for one candidate,
//!    repeated while one improves F;
//! 3. a bound on the optimum: by submodularity F(S*) ≤ F(S) + Σ of the k largest gains of
//!    single candidates added to S, and the greedy value's own bound F(G) / (1 − (1 − 1/k)^k)
//!    (Nemhauser, Wolsey & Fisher 1978); the smaller is reported.

use std::collections::BinaryHeap;

/// One instance: per candidate the demand points it offers anything to, as (point, `b_ic`).
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    pub weight: &'a [f64],
    pub base: &'a [f64],
    pub offers: &'a [Vec<(u32, f64)>],
}

/// The sites chosen, in the order that explains the value: each with its gain given the ones
/// before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub sites: Vec<(usize, f64)>,
    /// F(S).
    pub value: f64,
    /// F(S) of the greedy pass alone, before swaps.
    pub greedy_value: f64,
    /// No choice of k candidates reaches more than this.
    pub bound: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Stale {
    gain: f64,
    candidate: usize,
}

impl Eq for Stale {}

impl Ord for Stale {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The larger gain first; on a tie the lower candidate, so the answer is reproducible.
        self.gain
            .total_cmp(&other.gain)
            .then(other.candidate.cmp(&self.candidate))
    }
}

impl PartialOrd for Stale {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Problem<'_> {
    /// What adding `c` would bring, with each point's current level `level`.
    fn gain(&self, c: usize, level: &[f64]) -> f64 {
        self.offers[c]
            .iter()
            .map(|&(i, b)| self.weight[i as usize] * (b - level[i as usize]).max(0.0))
            .sum()
    }

    fn take(&self, c: usize, level: &mut [f64]) {
        for &(i, b) in &self.offers[c] {
            let l = &mut level[i as usize];
            *l = l.max(b);
        }
    }

    /// F(S) for the sites `chosen`.
    fn value(&self, chosen: &[usize]) -> f64 {
        let mut level = self.base.to_vec();
        for &c in chosen {
            self.take(c, &mut level);
        }
        level
            .iter()
            .zip(self.base)
            .zip(self.weight)
            .map(|((l, b), w)| w * (l - b))
            .sum()
    }

    /// The best k (at most) of the candidates (see the module documentation).
    #[must_use]
    pub fn choose(&self, k: usize) -> Choice {
        let k = k.min(self.offers.len());
        let mut level = self.base.to_vec();
        let mut heap: BinaryHeap<Stale> = (0..self.offers.len())
            .map(|c| Stale {
                gain: self.gain(c, &level),
                candidate: c,
            })
            .collect();
        let mut chosen = Vec::with_capacity(k);
        while chosen.len() < k {
            let Some(top) = heap.pop() else { break };
            let gain = self.gain(top.candidate, &level);
            if heap.peek().is_none_or(|next| gain >= next.gain) {
                self.take(top.candidate, &mut level);
                chosen.push(top.candidate);
            } else {
                heap.push(Stale {
                    gain,
                    candidate: top.candidate,
                });
            }
        }
        let greedy_value = self.value(&chosen);
        self.improve_by_swaps(&mut chosen);
        let sites = self.in_order_of_gain(&chosen);
        let value = sites.iter().map(|s| s.1).sum();
        let bound = self.bound(&chosen, value, greedy_value, k);
        Choice {
            sites,
            value,
            greedy_value,
            bound,
        }
    }

    /// Exchanges one chosen site for one candidate while the best such exchange gains.
    fn improve_by_swaps(&self, chosen: &mut [usize]) {
        const MAX_ROUNDS: usize = 50;
        for _ in 0..MAX_ROUNDS {
            // Each point's best and second-best level and the site giving the best.
            let n = self.base.len();
            let (mut best, mut second) = (self.base.to_vec(), self.base.to_vec());
            let mut by = vec![usize::MAX; n];
            for &c in chosen.iter() {
                for &(i, b) in &self.offers[c] {
                    let i = i as usize;
                    if b > best[i] {
                        second[i] = best[i];
                        best[i] = b;
                        by[i] = c;
                    } else if b > second[i] {
                        second[i] = b;
                    }
                }
            }
            let mut swap: Option<(usize, usize, f64)> = None;
            for (slot, &s) in chosen.iter().enumerate() {
                let mut without = best.clone();
                let mut loss = 0.0;
                for &(i, _) in &self.offers[s] {
                    let i = i as usize;
                    if by[i] == s {
                        loss += self.weight[i] * (best[i] - second[i]);
                        without[i] = second[i];
                    }
                }
                for c in 0..self.offers.len() {
                    if chosen.contains(&c) {
                        continue;
                    }
                    let delta = self.gain(c, &without) - loss;
                    // A relative margin, so rounding never makes two sets swap back and forth.
                    if delta > 1e-9 * (1.0 + loss) && swap.is_none_or(|w| delta > w.2) {
                        swap = Some((slot, c, delta));
                    }
                }
            }
            match swap {
                Some((slot, c, _)) => chosen[slot] = c,
                None => return,
            }
        }
    }

    /// The chosen sites re-ordered greedily: each the one adding most to those before it.
    fn in_order_of_gain(&self, chosen: &[usize]) -> Vec<(usize, f64)> {
        let mut level = self.base.to_vec();
        let mut left = chosen.to_vec();
        let mut sites = Vec::with_capacity(chosen.len());
        while !left.is_empty() {
            let (at, gain) = left
                .iter()
                .enumerate()
                .map(|(at, &c)| (at, self.gain(c, &level)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .unwrap_or((0, 0.0));
            let c = left.remove(at);
            self.take(c, &mut level);
            sites.push((c, gain));
        }
        sites
    }

    fn bound(&self, chosen: &[usize], value: f64, greedy_value: f64, k: usize) -> f64 {
        let mut level = self.base.to_vec();
        for &c in chosen {
            self.take(c, &mut level);
        }
        let mut gains: Vec<f64> = (0..self.offers.len())
            .filter(|c| !chosen.contains(c))
            .map(|c| self.gain(c, &level))
            .collect();
        gains.sort_by(|a, b| b.total_cmp(a));
        let by_gains = value + gains.iter().take(k).sum::<f64>();
        let by_greedy = if k == 0 {
            0.0
        } else {
            let k = k as f64;
            greedy_value / (1.0 - (1.0 - 1.0 / k).powf(k))
        };
        by_gains.min(by_greedy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact optimum by trying every set of k candidates.
    fn exhaustive(problem: &Problem, k: usize) -> f64 {
        fn walk(p: &Problem, k: usize, from: usize, set: &mut Vec<usize>, best: &mut f64) {
            if set.len() == k {
                *best = best.max(p.value(set));
                return;
            }
            for c in from..p.offers.len() {
                set.push(c);
                walk(p, k, c + 1, set, best);
                set.pop();
            }
        }
        let mut best = 0.0;
        walk(problem, k, 0, &mut Vec::new(), &mut best);
        best
    }

    /// Weights, base levels and offers.
    type Instance = (Vec<f64>, Vec<f64>, Vec<Vec<(u32, f64)>>);

    fn random_instance(seed: &mut u64, covering: bool) -> Instance {
        let mut next = || {
            *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (*seed >> 33) as f64 / f64::from(1u32 << 31)
        };
        let points = 5 + (next() * 40.0) as usize;
        let candidates = 3 + (next() * 10.0) as usize;
        let weight: Vec<f64> = (0..points).map(|_| (next() * 50.0).floor()).collect();
        let base: Vec<f64> = (0..points)
            .map(|_| {
                if covering {
                    f64::from(u8::from(next() < 0.2))
                } else {
                    (next() * 300.0).floor()
                }
            })
            .collect();
        let mut offers: Vec<Vec<(u32, f64)>> = vec![Vec::new(); candidates];
        for offer in &mut offers {
            for i in 0..points as u32 {
                if next() < 0.25 {
                    offer.push((
                        i,
                        if covering {
                            1.0
                        } else {
                            (next() * 500.0).floor()
                        },
                    ));
                }
            }
        }
        (weight, base, offers)
    }

    #[test]
    fn near_the_exact_optimum_and_never_above_the_bound() {
        let mut seed = 11u64;
        let (mut exact, mut total) = (0, 0);
        for case in 0..300 {
            let covering = case % 2 == 0;
            let (weight, base, offers) = random_instance(&mut seed, covering);
            let problem = Problem {
                weight: &weight,
                base: &base,
                offers: &offers,
            };
            for k in 1..=3 {
                let optimum = exhaustive(&problem, k);
                let choice = problem.choose(k);
                assert!(
                    (choice.value
                        - problem.value(&choice.sites.iter().map(|s| s.0).collect::<Vec<_>>()))
                    .abs()
                        < 1e-6
                );
                assert!(choice.value <= optimum + 1e-6, "case {case} k {k}");
                assert!(
                    choice.bound >= optimum - 1e-6,
                    "case {case} k {k}: bound {} < {optimum}",
                    choice.bound
                );
                assert!(choice.value >= choice.greedy_value - 1e-6);
                // The greedy guarantee, and in practice much closer.
                assert!(choice.value >= 0.632 * optimum - 1e-6, "case {case} k {k}");
                total += 1;
                if (choice.value - optimum).abs() < 1e-6 {
                    exact += 1;
                }
            }
        }
        assert!(exact * 100 >= total * 95, "{exact} of {total} exact");
    }

    #[test]
    fn a_hand_computed_cover() {
        // Points of 10, 20, 30, 40 households; point 0 is covered already.
        // Candidate 0 covers {0, 1}, 1 covers {2}, 2 covers {1, 2}, 3 covers {3}.
        let weight = [10.0, 20.0, 30.0, 40.0];
        let base = [1.0, 0.0, 0.0, 0.0];
        let offers = vec![
            vec![(0, 1.0), (1, 1.0)],
            vec![(2, 1.0)],
            vec![(1, 1.0), (2, 1.0)],
            vec![(3, 1.0)],
        ];
        let problem = Problem {
            weight: &weight,
            base: &base,
            offers: &offers,
        };
        let one = problem.choose(1);
        assert_eq!(one.sites, vec![(2, 50.0)]);
        let two = problem.choose(2);
        assert_eq!(two.sites, vec![(2, 50.0), (3, 40.0)]);
        assert!((two.value - 90.0).abs() < 1e-12);
        assert!((two.bound - 90.0).abs() < 1e-12, "nothing is left to gain");
    }
}
