//! Near-repeat analysis: are incidents close in space also close in time more often than chance?
//!
//! The method is the Knox test generalised to bands, as in Ratcliffe's Near Repeat Calculator:
//! every pair of incidents falls into one distance band and one time band; the pairs observed
//! in each (distance, time) cell are compared with the same count after shuffling the times
//! among the incidents (which keeps where things happen and how many happen when, and breaks
//! only the link between the two). A Knox ratio above 1 with a small Monte Carlo p-value means
//! "after an incident, more incidents nearby soon after".
//!
//! Bands are cumulative edges: distance band `i` holds pairs with `edge[i-1] < d ≤ edge[i]`
//! (the first from 0 inclusive), time bands likewise on `|Δt|` in days. Pairs beyond the last
//! edges are in no cell. The spatial pairs are found once with an R-tree; each permutation
//! only recounts their time differences, so the cost is pairs × permutations.
//!
//! Knox, E. G. (1964) "The detection of space-time interactions", JRSS C 13(1);
//! Johnson, S. D. et al. (2007) "Space–time patterns of risk", J. Quant. Criminol. 23(3).

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// One incident: planar metres and Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub x: f64,
    pub y: f64,
    pub t: i64,
}

/// The band edges, each list strictly increasing and positive.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    pub distance_m: Vec<f64>,
    pub time_days: Vec<f64>,
}

/// One (distance band, time band) cell.
#[derive(Debug, Clone, PartialEq)]
pub struct BandCell {
    pub observed: u64,
    /// Mean and standard deviation (n − 1) of the count over the permutations.
    pub mean: f64,
    pub sd: f64,
    /// `observed / mean` (`None` when no permutation put a pair here).
    pub knox_ratio: Option<f64>,
    /// `(1 + #permutations with a count ≥ observed) / (1 + permutations)`.
    pub p_value: f64,
}

/// The classic Knox statistic for one distance and one time threshold (both inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Knox {
    /// Pairs close in space, in time, and in both.
    pub spatial_pairs: u64,
    pub temporal_pairs: u64,
    pub space_time_pairs: u64,
    /// All pairs, `n (n − 1) / 2`.
    pub pairs: u64,
    /// `spatial · temporal / pairs`: the space-time pairs expected without interaction.
    pub expected: f64,
    /// `P(N ≥ observed)` for `N ~ Poisson(expected)`.
    pub p_poisson: f64,
    /// The Monte Carlo p-value of the space-time pairs under the same permutations.
    pub p_value: f64,
}

/// The whole answer: `cells[distance band][time band]` and the Knox test on the first bands.
#[derive(Debug, Clone, PartialEq)]
pub struct NearRepeat {
    pub events: usize,
    pub permutations: u32,
    pub cells: Vec<Vec<BandCell>>,
    pub knox: Knox,
}

/// A spatial pair: the two events and its distance band.
#[derive(Clone, Copy)]
struct Pair {
    a: u32,
    b: u32,
    band: u8,
}

/// Bands whose edges are not strictly increasing positive numbers, or too many of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadBands(pub &'static str);

/// At most this many bands of each kind (a table of 16 × 16 is already hard to read).
pub const MAX_BANDS: usize = 16;

impl Bands {
    /// # Errors
    /// Empty, unsorted, non-positive or more than [`MAX_BANDS`] edges.
    pub fn new(distance_m: Vec<f64>, time_days: Vec<f64>) -> Result<Self, BadBands> {
        for edges in [&distance_m, &time_days] {
            if edges.is_empty() || edges.len() > MAX_BANDS {
                return Err(BadBands("give between 1 and 16 band edges"));
            }
            if !edges.iter().all(|e| e.is_finite() && *e > 0.0) {
                return Err(BadBands("band edges must be positive numbers"));
            }
            if edges.windows(2).any(|w| w[0] >= w[1]) {
                return Err(BadBands("band edges must increase strictly"));
            }
        }
        Ok(Self {
            distance_m,
            time_days,
        })
    }

    fn time_s(&self) -> Vec<i64> {
        self.time_days
            .iter()
            .map(|d| (d * 86_400.0).round() as i64)
            .collect()
    }
}

/// The band holding `value` (`edges[i-1] < value ≤ edges[i]`), if any.
fn band_of<T: PartialOrd + Copy>(edges: &[T], value: T) -> Option<usize> {
    edges.iter().position(|&e| value <= e)
}

/// Every pair of events within the last distance edge, with its distance band.
fn spatial_pairs(events: &[Event], edges: &[f64]) -> Vec<Pair> {
    let max = edges[edges.len() - 1];
    let tree = RTree::bulk_load(
        events
            .iter()
            .enumerate()
            .map(|(i, e)| GeomWithData::new([e.x, e.y], i as u32))
            .collect(),
    );
    let per_event: Vec<Vec<Pair>> = events
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            tree.locate_within_distance([e.x, e.y], max * max)
                .filter(|other| other.data as usize > i)
                .filter_map(|other| {
                    let [x, y] = *other.geom();
                    let d = (x - e.x).hypot(y - e.y);
                    band_of(edges, d).map(|band| Pair {
                        a: i as u32,
                        b: other.data,
                        band: band as u8,
                    })
                })
                .collect()
        })
        .collect();
    per_event.into_iter().flatten().collect()
}

/// How many pairs of events lie within the last distance edge: what [`near_repeat`] will
/// count per permutation, so a caller can refuse a question too large before asking it. The
/// count stops soon after it passes `cap` (a refused question should not cost what it asks).
#[must_use]
pub fn pair_count(events: &[Event], bands: &Bands, cap: usize) -> usize {
    let max = bands.distance_m[bands.distance_m.len() - 1];
    let tree = RTree::bulk_load(events.iter().map(|e| [e.x, e.y]).collect());
    let mut twice = 0usize;
    for chunk in events.chunks(256) {
        twice += chunk
            .par_iter()
            .map(|e| tree.locate_within_distance([e.x, e.y], max * max).count() - 1)
            .sum::<usize>();
        if twice / 2 > cap {
            break;
        }
    }
    twice / 2
}

/// Counts the pairs per (distance band, time band) for event times `t`, plus the space-time
/// pairs of the first bands (the Knox count).
fn count(pairs: &[Pair], t: &[i64], time_edges: &[i64], cells: &mut [u64], time_bands: usize) {
    cells.fill(0);
    for p in pairs {
        let dt = (t[p.a as usize] - t[p.b as usize]).abs();
        if let Some(tb) = band_of(time_edges, dt) {
            cells[usize::from(p.band) * time_bands + tb] += 1;
        }
    }
}

/// Pairs with `|Δt| ≤ tau` among all events (times sorted first).
fn temporal_pairs(t: &[i64], tau: i64) -> u64 {
    let mut sorted = t.to_vec();
    sorted.sort_unstable();
    let mut start = 0;
    let mut total = 0u64;
    for (j, &tj) in sorted.iter().enumerate() {
        while tj - sorted[start] > tau {
            start += 1;
        }
        total += (j - start) as u64;
    }
    total
}

/// `P(N ≥ k)` for `N ~ Poisson(mean)`, summed in log space.
fn poisson_at_least(k: u64, mean: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if mean <= 0.0 {
        return 0.0;
    }
    // 1 − P(N ≤ k − 1), but summed from the tail side when the tail is the small part.
    let ln_pmf = |i: u64| -mean + (i as f64) * mean.ln() - libm::lgamma(i as f64 + 1.0);
    if (k as f64) > mean {
        let mut total = 0.0;
        let mut i = k;
        loop {
            let p = ln_pmf(i).exp();
            total += p;
            if p < total * 1e-17 || i > k + 100_000 {
                break;
            }
            i += 1;
        }
        total.min(1.0)
    } else {
        let below: f64 = (0..k).map(|i| ln_pmf(i).exp()).sum();
        (1.0 - below).max(0.0)
    }
}

/// Runs the analysis: `permutations` shuffles of the times, each from its own seeded stream,
/// so the answer depends on `seed` only (not on how rayon splits the work).
#[must_use]
pub fn near_repeat(events: &[Event], bands: &Bands, permutations: u32, seed: u64) -> NearRepeat {
    let time_edges = bands.time_s();
    let (db, tb) = (bands.distance_m.len(), time_edges.len());
    let pairs = spatial_pairs(events, &bands.distance_m);
    let t: Vec<i64> = events.iter().map(|e| e.t).collect();
    let mut observed = vec![0u64; db * tb];
    count(&pairs, &t, &time_edges, &mut observed, tb);
    let knox_edges = [time_edges[0]];
    let first_band: Vec<Pair> = pairs.iter().copied().filter(|p| p.band == 0).collect();
    let knox_count = |t: &[i64]| {
        first_band
            .iter()
            .filter(|p| band_of(&knox_edges, (t[p.a as usize] - t[p.b as usize]).abs()).is_some())
            .count() as u64
    };
    let observed_knox = knox_count(&t);

    // Per permutation: the cell counts and the Knox count.
    let simulated: Vec<(Vec<u64>, u64)> = (0..permutations)
        .into_par_iter()
        .map_init(
            || (t.clone(), vec![0u64; db * tb]),
            |(shuffled, cells), k| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(u64::from(k) + 1);
                shuffled.copy_from_slice(&t);
                shuffled.shuffle(&mut rng);
                count(&pairs, shuffled, &time_edges, cells, tb);
                (cells.clone(), knox_count(shuffled))
            },
        )
        .collect();

    let n = f64::from(permutations);
    let cells = (0..db)
        .map(|d| {
            (0..tb)
                .map(|j| {
                    let at = d * tb + j;
                    let sims = simulated.iter().map(|(c, _)| c[at] as f64);
                    let mean = if permutations == 0 {
                        0.0
                    } else {
                        sims.clone().sum::<f64>() / n
                    };
                    let sd = if permutations < 2 {
                        0.0
                    } else {
                        (sims.map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
                    };
                    let at_least = simulated.iter().filter(|(c, _)| c[at] >= observed[at]);
                    BandCell {
                        observed: observed[at],
                        mean,
                        sd,
                        knox_ratio: (mean > 0.0).then(|| observed[at] as f64 / mean),
                        p_value: (1.0 + at_least.count() as f64) / (1.0 + n),
                    }
                })
                .collect()
        })
        .collect();

    let spatial = first_band.len() as u64;
    let temporal = temporal_pairs(&t, time_edges[0]);
    let len = events.len() as u64;
    let all = len * len.saturating_sub(1) / 2;
    let expected = if all == 0 {
        0.0
    } else {
        spatial as f64 * temporal as f64 / all as f64
    };
    let knox_at_least = simulated
        .iter()
        .filter(|(_, k)| *k >= observed_knox)
        .count();
    NearRepeat {
        events: events.len(),
        permutations,
        cells,
        knox: Knox {
            spatial_pairs: spatial,
            temporal_pairs: temporal,
            space_time_pairs: observed_knox,
            pairs: all,
            expected,
            p_poisson: poisson_at_least(observed_knox, expected),
            p_value: (1.0 + knox_at_least as f64) / (1.0 + n),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64, day: f64) -> Event {
        Event {
            x,
            y,
            t: (day * 86_400.0) as i64,
        }
    }

    #[test]
    fn bands_count_pairs_by_hand() {
        // Four events: A and B 50 m and 2 days apart, C 150 m from A and 10 days after it,
        // D far from everything.
        let events = [
            at(0.0, 0.0, 0.0),
            at(50.0, 0.0, 2.0),
            at(0.0, 150.0, 10.0),
            at(5000.0, 0.0, 1.0),
        ];
        let bands = Bands::new(vec![100.0, 200.0], vec![7.0, 14.0]).unwrap();
        let r = near_repeat(&events, &bands, 0, 1);
        let observed: Vec<Vec<u64>> = r
            .cells
            .iter()
            .map(|row| row.iter().map(|c| c.observed).collect())
            .collect();
        // A–B: 50 m, 2 d → (0, 0). A–C: 150 m, 10 d → (1, 1). B–C: √(50² + 150²) = 158 m,
        // 8 d → (1, 1). D pairs with nothing within 200 m.
        assert_eq!(observed, vec![vec![1, 0], vec![0, 2]]);
        assert_eq!(r.knox.space_time_pairs, 1);
        assert_eq!(r.knox.spatial_pairs, 1);
        // |Δt| ≤ 7 d: A–B (2), A–D (1), B–D (1) → 3.
        assert_eq!(r.knox.temporal_pairs, 3);
        assert_eq!(r.knox.pairs, 6);
        assert!((r.knox.expected - 0.5).abs() < 1e-12);
    }

    #[test]
    fn pairs_are_counted_up_to_the_cap() {
        let events: Vec<Event> = (0..1000).map(|i| at(f64::from(i % 10), 0.0, 0.0)).collect();
        let bands = Bands::new(vec![100.0], vec![7.0]).unwrap();
        // All 1,000 events lie within 10 m: 499,500 pairs.
        assert_eq!(pair_count(&events, &bands, usize::MAX), 499_500);
        let capped = pair_count(&events, &bands, 1_000);
        assert!(capped > 1_000 && capped < 499_500, "{capped}");
    }

    #[test]
    fn edges_are_inclusive_above() {
        assert_eq!(band_of(&[100.0, 200.0], 100.0), Some(0));
        assert_eq!(band_of(&[100.0, 200.0], 100.000_1), Some(1));
        assert_eq!(band_of(&[100.0, 200.0], 200.1), None);
    }

    #[test]
    fn the_same_seed_gives_the_same_answer() {
        let events: Vec<Event> = (0..200)
            .map(|i| {
                at(
                    f64::from(i % 20) * 37.0,
                    f64::from(i / 20) * 41.0,
                    f64::from(i * 7 % 90),
                )
            })
            .collect();
        let bands = Bands::new(vec![100.0, 300.0], vec![7.0, 30.0]).unwrap();
        let a = near_repeat(&events, &bands, 99, 42);
        let b = near_repeat(&events, &bands, 99, 42);
        assert_eq!(a, b);
        assert!(
            a.cells
                .iter()
                .flatten()
                .all(|c| c.p_value > 0.0 && c.p_value <= 1.0)
        );
    }

    #[test]
    fn poisson_tail_matches_hand_values() {
        // P(N ≥ 1) = 1 − e^−2; P(N ≥ 3 | mean 1) = 1 − e^−1 (1 + 1 + 1/2).
        assert!((poisson_at_least(1, 2.0) - (1.0 - (-2.0f64).exp())).abs() < 1e-14);
        let p3 = 1.0 - (-1.0f64).exp() * 2.5;
        assert!((poisson_at_least(3, 1.0) - p3).abs() < 1e-14);
        assert!((poisson_at_least(0, 5.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn bad_bands_are_refused() {
        assert!(Bands::new(vec![], vec![7.0]).is_err());
        assert!(Bands::new(vec![200.0, 100.0], vec![7.0]).is_err());
        assert!(Bands::new(vec![100.0], vec![0.0]).is_err());
        assert!(Bands::new(vec![f64::NAN], vec![7.0]).is_err());
    }
}
