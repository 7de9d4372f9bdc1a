//! The orienteering solver against exhaustive search on small random instances: every subset
//! of candidates, every order, every way of placing the ordered candidates on the loop's
//! stretches.

#![allow(
    clippy::float_cmp,
    reason = "weights are whole numbers, and their sums are exact"
)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::orienteering::{Instance, exact, insertion, solve};

/// Points in a 2 km square: the loop's stops on a circle, candidates anywhere.
fn random_points(rng: &mut ChaCha8Rng, base: usize, k: usize) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = (0..base)
        .map(|i| {
            let a = i as f64 / base as f64 * std::f64::consts::TAU;
            (1_000.0 + 600.0 * a.cos(), 1_000.0 + 600.0 * a.sin())
        })
        .collect();
    points.extend((0..k).map(|_| {
        (
            rng.random_range(0.0..2_000.0),
            rng.random_range(0.0..2_000.0),
        )
    }));
    points
}

/// The most weight any plan within the budget gains, by enumeration.
fn exhaustive(instance: &Instance) -> f64 {
    let (b, k) = (instance.base, instance.weights.len());
    let d = instance.dist;
    let base_length: f64 = (0..b).map(|i| d(i, (i + 1) % b)).sum();
    let mut best = 0.0_f64;
    for mask in 1usize..1 << k {
        let chosen: Vec<usize> = (0..k).filter(|j| mask & (1 << j) != 0).collect();
        let weight: f64 = chosen.iter().map(|&j| instance.weights[j]).sum();
        if weight <= best {
            continue;
        }
        let mut fits = false;
        permutations(&chosen, &mut |order| {
            // Split the order into b consecutive groups, group g after stop g.
            splits(order.len(), b, &mut |cuts| {
                if fits {
                    return;
                }
                let mut tour = Vec::new();
                let mut next = 0;
                for (stop, &count) in cuts.iter().enumerate() {
                    tour.push(stop);
                    for &j in &order[next..next + count] {
                        tour.push(b + j);
                    }
                    next += count;
                }
                let length: f64 = (0..tour.len())
                    .map(|i| d(tour[i], tour[(i + 1) % tour.len()]))
                    .sum();
                if length - base_length <= instance.budget_m + 1e-9 {
                    fits = true;
                }
            });
        });
        if fits {
            best = weight;
        }
    }
    best
}

fn permutations(items: &[usize], visit: &mut dyn FnMut(&[usize])) {
    fn go(items: &mut Vec<usize>, at: usize, visit: &mut dyn FnMut(&[usize])) {
        if at == items.len() {
            visit(items);
            return;
        }
        for i in at..items.len() {
            items.swap(at, i);
            go(items, at + 1, visit);
            items.swap(at, i);
        }
    }
    go(&mut items.to_vec(), 0, visit);
}

/// Every way to write `n` as an ordered sum of `parts` non-negative counts.
fn splits(n: usize, parts: usize, visit: &mut dyn FnMut(&[usize])) {
    fn go(left: usize, parts: usize, cuts: &mut Vec<usize>, visit: &mut dyn FnMut(&[usize])) {
        if cuts.len() + 1 == parts {
            cuts.push(left);
            visit(cuts);
            cuts.pop();
            return;
        }
        for c in 0..=left {
            cuts.push(c);
            go(left - c, parts, cuts, visit);
            cuts.pop();
        }
    }
    go(n, parts, &mut Vec::new(), visit);
}

#[test]
fn the_suggestion_equals_exhaustive_search_on_small_cases() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut cases, mut greedy_exact, mut greedy_share) = (0, 0, 0.0);
    for case in 0..120 {
        let base = rng.random_range(1..=4);
        let k = if case % 10 == 0 {
            8
        } else {
            rng.random_range(1..=6)
        };
        let points = random_points(&mut rng, base, k);
        let dist = |a: usize, b: usize| {
            let (p, q) = (points[a], points[b]);
            (p.0 - q.0).hypot(p.1 - q.1)
        };
        let instance = Instance {
            base,
            weights: (0..k)
                .map(|_| f64::from(rng.random_range(1..20_u32)))
                .collect(),
            dist: &dist,
            budget_m: rng.random_range(200.0..2_500.0),
        };
        let truth = exhaustive(&instance);
        let plan = solve(&instance);
        assert_eq!(plan.weight, truth, "case {case}: {plan:?}");
        assert!(plan.extra_m <= instance.budget_m + 1e-6, "case {case}");
        // The tour keeps every stop, in order, and each chosen candidate once.
        let stops: Vec<usize> = plan.tour.iter().copied().filter(|&n| n < base).collect();
        assert_eq!(stops, (0..base).collect::<Vec<_>>());
        let mut extra: Vec<usize> = plan.tour.iter().copied().filter(|&n| n >= base).collect();
        extra.sort_unstable();
        extra.dedup();
        assert_eq!(extra.len(), plan.tour.len() - base);
        // The greedy heuristic (used beyond 8 candidates) never beats the optimum.
        let greedy = insertion(&instance);
        assert!(greedy.weight <= truth && greedy.extra_m <= instance.budget_m + 1e-6);
        cases += 1;
        greedy_exact += usize::from(greedy.weight == truth);
        greedy_share += if truth > 0.0 {
            greedy.weight / truth
        } else {
            1.0
        };
        let among: Vec<usize> = (0..k).collect();
        assert_eq!(exact(&instance, &among).weight, truth);
    }
    let mean = greedy_share / f64::from(cases);
    println!("greedy: {greedy_exact}/{cases} optimal, mean share of the optimum {mean:.3}");
    assert!(
        mean > 0.85,
        "greedy reaches {mean:.3} of the optimum on average"
    );
}
