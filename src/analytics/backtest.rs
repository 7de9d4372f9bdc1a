//! Which hot-spot map would have predicted best: each method draws its map from the incidents
//! before a step, the top `area_share` of the study area's cells by that map is "the hot spots",
//! and the step's own incidents score it.
//!
//! - hit rate: the share of the step's incidents inside the chosen cells;
//! - PAI (Chainey et al. 2008): hit rate / area share;
//! - PEI (Hunt 2016): PAI / the best PAI possible with that many cells, i.e. hits / the hits of
//!   the cells that truly had the most incidents.
//!
//! The cells are one resolution of H3, whose cells differ in area by well under 1 % inside a
//! city, so the area share is the share of cells. The methods:
//!
//! - `last_period`: the previous step's counts;
//! - `gistar`: Gi* z-scores of the counts of the last `lookback` steps;
//! - `kde`: quartic kernel density of the last `lookback` steps at the cells' centres;
//! - `near_repeat`: prospective hot-spotting (Bowers, Johnson and Pease 2004): each incident of
//!   the last 8 weeks adds `1 / (1 + weeks ago) · 1 / (1 + d / 50 m)` to the cells within 400 m.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::gistar::z_scores;
use super::kde::quartic;
use super::study_area::Neighbours;

/// Incidents count for `near_repeat` this long after they happen.
const PROSPECTIVE_WINDOW_S: i64 = 56 * 86_400;
/// … and reach this far.
const PROSPECTIVE_RADIUS_M: f64 = 400.0;
/// Distance is counted in these steps (the cell size of Bowers et al.).
const PROSPECTIVE_STEP_M: f64 = 50.0;

crate::model::named_enum!(
    /// A way of drawing a hot-spot map from past incidents.
    Method, "forecast method" {
        GiStar => "gistar",
        Kde => "kde",
        NearRepeat => "near_repeat",
        LastPeriod => "last_period",
    }
);

/// An incident as the backtest sees it: its cell (position in the study area, `None` outside
/// it), planar metres, and Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    pub cell: Option<u32>,
    pub x: f64,
    pub y: f64,
    pub t: i64,
}

/// The study area: each cell's centre in planar metres and its Gi* neighbours (itself
/// included).
pub struct Surface<'a> {
    pub centres: &'a [[f64; 2]],
    pub neighbours: &'a Neighbours,
}

/// How the maps are drawn and judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Steps of history `gistar` and `kde` use.
    pub lookback: usize,
    /// The KDE bandwidth.
    pub bandwidth_m: f64,
    /// The share of the cells taken as hot spots.
    pub area_share: f64,
}

/// One method's score for one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub method: Method,
    pub hits: u64,
    /// The most hits any choice of as many cells could have had.
    pub best_hits: u64,
    pub hit_rate: Option<f64>,
    pub pai: Option<f64>,
    pub pei: Option<f64>,
}

/// One step: `[from, to)`, its incidents in the area, the cells chosen, and each method's score.
#[derive(Debug, Clone, PartialEq)]
pub struct StepScores {
    pub from: i64,
    pub to: i64,
    pub incidents: u64,
    pub cells_chosen: usize,
    pub area_share: f64,
    pub scores: Vec<Score>,
}

/// Runs the backtest. `incidents` are sorted by time; `bounds` are the steps' edges, the first
/// `options.lookback` steps only history: step `k ≥ lookback` is `[bounds[k], bounds[k + 1])`.
#[must_use]
pub fn backtest(
    surface: &Surface,
    incidents: &[Located],
    bounds: &[i64],
    methods: &[Method],
    options: &Options,
) -> Vec<StepScores> {
    let cells = surface.centres.len();
    let chosen = ((options.area_share * cells as f64).round() as usize).clamp(1, cells.max(1));
    let tree = RTree::bulk_load(
        surface
            .centres
            .iter()
            .enumerate()
            .map(|(i, c)| GeomWithData::new(*c, i as u32))
            .collect(),
    );
    let between = |from: i64, to: i64| {
        let a = incidents.partition_point(|i| i.t < from);
        let b = incidents.partition_point(|i| i.t < to);
        &incidents[a..b]
    };
    (options.lookback..bounds.len().saturating_sub(1))
        .map(|k| {
            let (from, to) = (bounds[k], bounds[k + 1]);
            let actual = counts(cells, between(from, to));
            let total: u64 = actual.iter().sum();
            let best = top(
                &actual.iter().map(|&c| c as f64).collect::<Vec<_>>(),
                chosen,
            )
            .iter()
            .map(|&c| actual[c])
            .sum::<u64>();
            let scores = methods
                .iter()
                .map(|&method| {
                    let map = match method {
                        Method::LastPeriod => counts(cells, between(bounds[k - 1], from))
                            .into_iter()
                            .map(|c| c as f64)
                            .collect(),
                        Method::GiStar => {
                            let c = counts(cells, between(bounds[k - options.lookback], from));
                            let c: Vec<f64> = c.into_iter().map(|c| c as f64).collect();
                            z_scores(&c, surface.neighbours)
                        }
                        Method::Kde => kde_at_centres(
                            &tree,
                            cells,
                            between(bounds[k - options.lookback], from),
                            options.bandwidth_m,
                        ),
                        Method::NearRepeat => prospective(
                            &tree,
                            cells,
                            between(from - PROSPECTIVE_WINDOW_S, from),
                            from,
                        ),
                    };
                    let hits: u64 = top(&map, chosen).iter().map(|&c| actual[c]).sum();
                    score(method, hits, best, total, chosen as f64 / cells as f64)
                })
                .collect();
            StepScores {
                from,
                to,
                incidents: total,
                cells_chosen: chosen,
                area_share: chosen as f64 / cells as f64,
                scores,
            }
        })
        .collect()
}

fn score(method: Method, hits: u64, best: u64, total: u64, share: f64) -> Score {
    let hit_rate = (total > 0).then(|| hits as f64 / total as f64);
    Score {
        method,
        hits,
        best_hits: best,
        hit_rate,
        pai: hit_rate.map(|h| h / share),
        pei: (best > 0).then(|| hits as f64 / best as f64),
    }
}

/// Incidents per cell.
fn counts(cells: usize, incidents: &[Located]) -> Vec<u64> {
    let mut out = vec![0u64; cells];
    for i in incidents {
        if let Some(c) = i.cell {
            out[c as usize] += 1;
        }
    }
    out
}

/// The `n` cells of highest value (NaN lowest), ties to the lower position.
fn top(values: &[f64], n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let key = |v: f64| if v.is_nan() { f64::NEG_INFINITY } else { v };
    order.sort_by(|&a, &b| key(values[b]).total_cmp(&key(values[a])).then(a.cmp(&b)));
    order.truncate(n);
    order
}

type Centres = RTree<GeomWithData<[f64; 2], u32>>;

/// Quartic kernel density of `points` at every cell centre (per m²; the ranking is all that
/// matters here).
fn kde_at_centres(tree: &Centres, cells: usize, points: &[Located], h: f64) -> Vec<f64> {
    let mut out = vec![0.0; cells];
    for p in points {
        for c in tree.locate_within_distance([p.x, p.y], h * h) {
            let [x, y] = *c.geom();
            out[c.data as usize] += quartic((x - p.x).powi(2) + (y - p.y).powi(2), h);
        }
    }
    out
}

/// The prospective near-repeat map at `now` from the incidents of the window before it.
fn prospective(tree: &Centres, cells: usize, recent: &[Located], now: i64) -> Vec<f64> {
    let mut out = vec![0.0; cells];
    for p in recent {
        let weeks = ((now - p.t) / (7 * 86_400)) as f64;
        let r2 = PROSPECTIVE_RADIUS_M * PROSPECTIVE_RADIUS_M;
        for c in tree.locate_within_distance([p.x, p.y], r2) {
            let [x, y] = *c.geom();
            let d = (x - p.x).hypot(y - p.y);
            out[c.data as usize] += 1.0 / (1.0 + weeks) / (1.0 + (d / PROSPECTIVE_STEP_M).floor());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five cells in a row, 1 km apart, each its own only neighbour besides the next.
    fn row() -> (Vec<[f64; 2]>, Neighbours) {
        let centres: Vec<[f64; 2]> = (0..5).map(|i| [f64::from(i) * 1000.0, 0.0]).collect();
        let lists: Vec<Vec<u32>> = (0..5u32)
            .map(|i| {
                let mut l = vec![i];
                if i > 0 {
                    l.push(i - 1);
                }
                if i < 4 {
                    l.push(i + 1);
                }
                l
            })
            .collect();
        (centres, Neighbours::from_lists(&lists))
    }

    fn at(cell: u32, day: i64) -> Located {
        Located {
            cell: Some(cell),
            x: f64::from(cell) * 1000.0,
            y: 0.0,
            t: day * 86_400,
        }
    }

    #[test]
    fn pai_and_pei_by_hand() {
        let (centres, neighbours) = row();
        let surface = Surface {
            centres: &centres,
            neighbours: &neighbours,
        };
        // History (days 0..10): three in cell 1, one in cell 3. Next step (days 10..20): two in
        // cell 1, three in cell 4, one in cell 0.
        let mut incidents = vec![at(1, 1), at(1, 2), at(1, 3), at(3, 4)];
        incidents.extend([
            at(1, 11),
            at(1, 12),
            at(4, 13),
            at(4, 14),
            at(4, 15),
            at(0, 16),
        ]);
        let options = Options {
            lookback: 1,
            bandwidth_m: 300.0,
            area_share: 0.2,
        };
        let steps = backtest(
            &surface,
            &incidents,
            &[0, 10 * 86_400, 20 * 86_400],
            &[Method::LastPeriod],
            &options,
        );
        assert_eq!(steps.len(), 1);
        let s = &steps[0];
        // One cell of five (share 0.2): last period picks cell 1 → 2 hits of 6; the best cell
        // (4) had 3. Hit rate 1/3, PAI (1/3)/0.2 = 5/3, PEI 2/3.
        assert_eq!((s.incidents, s.cells_chosen), (6, 1));
        let score = &s.scores[0];
        assert_eq!((score.hits, score.best_hits), (2, 3));
        assert!((score.hit_rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((score.pai.unwrap() - 5.0 / 3.0).abs() < 1e-12);
        assert!((score.pei.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    }

    /// Gi* is left out: on a row of cells its local sums include the neighbours, so a cell next
    /// to the busy one with one more incident nearby outranks it (as it should).
    #[test]
    fn every_local_method_picks_the_busy_cell() {
        let (centres, neighbours) = row();
        let surface = Surface {
            centres: &centres,
            neighbours: &neighbours,
        };
        let mut incidents: Vec<Located> = (0..20).map(|d| at(2, d)).collect();
        incidents.push(at(0, 5));
        incidents.extend((30..40).map(|d| at(2, d)));
        let options = Options {
            lookback: 1,
            bandwidth_m: 300.0,
            area_share: 0.2,
        };
        let steps = backtest(
            &surface,
            &incidents,
            &[0, 30 * 86_400, 40 * 86_400],
            &[Method::Kde, Method::NearRepeat, Method::LastPeriod],
            &options,
        );
        for score in &steps[0].scores {
            assert_eq!(score.hits, 10, "{:?}", score.method);
            assert_eq!(score.pei, Some(1.0));
        }
    }

    #[test]
    fn ties_and_nans_rank_deterministically() {
        assert_eq!(top(&[1.0, f64::NAN, 3.0, 3.0], 3), vec![2, 3, 0]);
    }
}
