//! Emerging hot-spot analysis over a space-time cube (cells × time steps), after ArcGIS Pro's
//! "Emerging Hot Spot Analysis":
//!
//! 1. every bin (cell i, step t) gets Gi* over its space-time neighbours: the cells of
//!    `grid_disk(k)` in the study area, at steps t − `window` ..= t (the same-step neighbours and
//!    the previous steps), binary weights, over all bins of the cube (n = cells × steps);
//! 2. p-values are FDR-corrected over all bins; a bin is a significant hot (cold) spot when its
//!    class is ≥ +1 (≤ −1), i.e. 90 % confidence or more;
//! 3. each cell's series of Gi* z-scores gets a Mann-Kendall trend test (significant at 95 %);
//! 4. each cell gets one category (hot shown; cold ones mirror them):
//!    - **new**: hot in the final step and never before;
//!    - **consecutive**: a single run of ≥ 2 hot steps ending in the final step, never hot
//!      before the run, and hot in < 90 % of steps;
//!    - **intensifying**: hot in ≥ 90 % of steps including the final one, with a significant
//!      increasing trend;
//!    - **persistent**: hot in ≥ 90 % of steps including the final one, with no significant
//!      trend;
//!    - **diminishing**: hot in ≥ 90 % of steps including the final one, with a significant
//!      decreasing trend;
//!    - **sporadic**: hot in the final step, on and off before, in < 90 % of steps, never cold;
//!    - **oscillating**: hot in the final step, in < 90 % of steps, and cold in some earlier step;
//!    - **historical**: not hot in the final step, but hot in ≥ 90 % of steps;
//!    - **no pattern**: none of these.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::mann_kendall::{Trend, mann_kendall};
use super::significance::{fdr_classes, two_sided_p};
use super::study_area::{Neighbours, StudyArea};
use crate::index::{BinLevel, IncidentFilter, IncidentTable, NONE};

/// UTC+08:00 in seconds: months and weeks start in the city's local time.
const LOCAL_OFFSET_S: i64 = 8 * 3600;

/// The time step of a cube.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Seven days from the period's start.
    Week,
    /// Calendar months in local time (the first and last may be partial).
    Month,
}

impl Step {
    /// The start times of the steps covering `start..=end`, followed by `end + 1`: step `t`
    /// is `bounds[t]..bounds[t + 1]`.
    #[must_use]
    pub fn bounds(self, start: i64, end: i64) -> Vec<i64> {
        let mut bounds = vec![start];
        let mut next = start;
        loop {
            next = match self {
                Self::Week => next + 7 * 86_400,
                Self::Month => next_month_start(next),
            };
            if next > end {
                break;
            }
            bounds.push(next);
        }
        bounds.push(end + 1);
        bounds
    }
}

/// The first instant of the local month after the one holding `t`.
fn next_month_start(t: i64) -> i64 {
    let local = chrono::DateTime::from_timestamp(t + LOCAL_OFFSET_S, 0)
        .map_or(NaiveDate::MIN, |d| d.date_naive());
    let first = local
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)));
    first.map_or(i64::MAX, |d| {
        d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() - LOCAL_OFFSET_S
    })
}

/// The space-time cube `counts[cell * steps + t]` of the incidents matching `filter` (whose
/// period should be `bounds[0]..bounds[last]`), binned by `level` (of the area's resolution).
/// Rows arrive in time order, so the step is a cursor that only moves forward.
#[must_use]
pub fn cube_counts(
    table: &IncidentTable,
    filter: &IncidentFilter,
    area: &StudyArea,
    level: &BinLevel,
    bounds: &[i64],
) -> Vec<f64> {
    let steps = bounds.len() - 1;
    let slot = area.slots(level);
    let mut counts = vec![0.0; area.len() * steps];
    let mut t = 0;
    table.for_each_match(filter, |row| {
        let at = table.reported_at[row];
        if at < bounds[0] {
            return;
        }
        while t < steps && at >= bounds[t + 1] {
            t += 1;
        }
        let bin = level.rows()[row];
        if t < steps && bin != NONE && slot[bin as usize] != NONE {
            counts[slot[bin as usize] as usize * steps + t] += 1.0;
        }
    });
    counts
}

/// The category of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    NewHotSpot,
    ConsecutiveHotSpot,
    IntensifyingHotSpot,
    PersistentHotSpot,
    DiminishingHotSpot,
    SporadicHotSpot,
    OscillatingHotSpot,
    HistoricalHotSpot,
    NewColdSpot,
    ConsecutiveColdSpot,
    IntensifyingColdSpot,
    PersistentColdSpot,
    DiminishingColdSpot,
    SporadicColdSpot,
    OscillatingColdSpot,
    HistoricalColdSpot,
    NoPattern,
}

/// What the analysis found for one cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellPattern {
    pub category: Category,
    pub trend: Trend,
    pub hot_steps: u32,
    pub cold_steps: u32,
}

/// Share of steps that makes a cell "persistently" hot or cold.
const MOST: f64 = 0.9;
/// Significance of the Mann-Kendall trend.
const TREND_ALPHA: f64 = 0.05;

/// Gi* z-score of every bin of the cube (`counts[cell * steps + t]`).
#[must_use]
pub fn cube_z_scores(
    counts: &[f64],
    steps: usize,
    neighbours: &Neighbours,
    window: usize,
) -> Vec<f64> {
    let cells = neighbours.len();
    let n = (cells * steps) as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let s = (counts.iter().map(|x| x * x).sum::<f64>() / n - mean * mean)
        .max(0.0)
        .sqrt();
    let mut z = vec![0.0; cells * steps];
    let mut spatial = vec![0.0; steps];
    for i in 0..cells {
        let ns = neighbours.of(i);
        for (t, slot) in spatial.iter_mut().enumerate() {
            *slot = ns.iter().map(|&j| counts[j as usize * steps + t]).sum();
        }
        for t in 0..steps {
            let first = t.saturating_sub(window);
            let sum: f64 = spatial[first..=t].iter().sum();
            let w = (ns.len() * (t - first + 1)) as f64;
            let spread = (n * w - w * w) / (n - 1.0);
            if s > 0.0 && spread > 0.0 {
                z[i * steps + t] = (sum - mean * w) / (s * spread.sqrt());
            }
        }
    }
    z
}

/// Runs the analysis on a cube of `counts[cell * steps + t]`.
#[must_use]
pub fn emerging(
    counts: &[f64],
    steps: usize,
    neighbours: &Neighbours,
    window: usize,
) -> Vec<CellPattern> {
    let z = cube_z_scores(counts, steps, neighbours, window);
    let p: Vec<f64> = z.iter().map(|&z| two_sided_p(z)).collect();
    let class = fdr_classes(&z, &p);
    (0..neighbours.len())
        .map(|i| {
            let bins = i * steps..(i + 1) * steps;
            let hot: Vec<bool> = class[bins.clone()].iter().map(|&c| c >= 1).collect();
            let cold: Vec<bool> = class[bins.clone()].iter().map(|&c| c <= -1).collect();
            let trend = mann_kendall(&z[bins]);
            CellPattern {
                category: categorise(&hot, &cold, trend),
                trend,
                hot_steps: hot.iter().filter(|&&h| h).count() as u32,
                cold_steps: cold.iter().filter(|&&c| c).count() as u32,
            }
        })
        .collect()
}

/// The category of a cell from its per-step hot and cold flags and its z-score trend.
#[must_use]
pub fn categorise(hot: &[bool], cold: &[bool], trend: Trend) -> Category {
    use Category as C;
    let hot_side = [
        C::NewHotSpot,
        C::ConsecutiveHotSpot,
        C::IntensifyingHotSpot,
        C::PersistentHotSpot,
        C::DiminishingHotSpot,
        C::SporadicHotSpot,
        C::OscillatingHotSpot,
        C::HistoricalHotSpot,
    ];
    let cold_side = [
        C::NewColdSpot,
        C::ConsecutiveColdSpot,
        C::IntensifyingColdSpot,
        C::PersistentColdSpot,
        C::DiminishingColdSpot,
        C::SporadicColdSpot,
        C::OscillatingColdSpot,
        C::HistoricalColdSpot,
    ];
    // A cold spot "intensifies" as its z-scores fall, so the trend is mirrored.
    let mirrored = Trend {
        z: -trend.z,
        ..trend
    };
    side(hot, cold, trend, hot_side)
        .or_else(|| side(cold, hot, mirrored, cold_side))
        .unwrap_or(C::NoPattern)
}

/// The pattern of one side (hot or cold); `names` in the order new, consecutive, intensifying,
/// persistent, diminishing, sporadic, oscillating, historical.
fn side(this: &[bool], other: &[bool], trend: Trend, names: [Category; 8]) -> Option<Category> {
    let steps = this.len();
    let (last, before) = this.split_last()?;
    let count = this.iter().filter(|&&b| b).count();
    let most = count as f64 >= MOST * steps as f64;
    let significant = trend.p < TREND_ALPHA;
    if !*last {
        return most.then_some(names[7]);
    }
    let run = this.iter().rev().take_while(|&&b| b).count();
    let before_run = &this[..steps - run];
    if count == 1 && !before.iter().any(|&b| b) {
        return Some(names[0]);
    }
    if most {
        return Some(match () {
            () if significant && trend.z > 0.0 => names[2],
            () if significant && trend.z < 0.0 => names[4],
            () => names[3],
        });
    }
    if run >= 2 && !before_run.iter().any(|&b| b) {
        return Some(names[1]);
    }
    if other.iter().any(|&b| b) {
        Some(names[6])
    } else {
        Some(names[5])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_instant as parse_local;
    use Category as C;

    #[test]
    fn monthly_steps_follow_the_local_calendar() {
        let start = parse_local("2020-01-15T10:00:00+08:00").unwrap();
        let end = parse_local("2020-03-31T23:59:59+08:00").unwrap();
        let bounds = Step::Month.bounds(start, end);
        let expected = [
            start,
            parse_local("2020-02-01T00:00:00+08:00").unwrap(),
            parse_local("2020-03-01T00:00:00+08:00").unwrap(),
            end + 1,
        ];
        assert_eq!(bounds, expected);
        assert_eq!(
            Step::Week.bounds(start, start + 20 * 86_400),
            vec![
                start,
                start + 7 * 86_400,
                start + 14 * 86_400,
                start + 20 * 86_400 + 1
            ]
        );
    }

    /// Steps marked `H` (hot) or `C` (cold) in a pattern string.
    fn flags(s: &str) -> Vec<bool> {
        s.chars().map(|c| c == 'H' || c == 'C').collect()
    }

    const FLAT: Trend = Trend {
        s: 0,
        z: 0.0,
        p: 1.0,
    };
    const UP: Trend = Trend {
        s: 40,
        z: 3.0,
        p: 0.003,
    };
    const DOWN: Trend = Trend {
        s: -40,
        z: -3.0,
        p: 0.003,
    };

    #[test]
    fn hot_categories_follow_the_arcgis_definitions() {
        let none = flags("..........");
        assert_eq!(categorise(&flags(".........H"), &none, FLAT), C::NewHotSpot);
        assert_eq!(
            categorise(&flags("......HHHH"), &none, UP),
            C::ConsecutiveHotSpot
        );
        assert_eq!(
            categorise(&flags("HHHHHHHHHH"), &none, UP),
            C::IntensifyingHotSpot
        );
        assert_eq!(
            categorise(&flags("HHHHHHHHHH"), &none, FLAT),
            C::PersistentHotSpot
        );
        assert_eq!(
            categorise(&flags("HHHH.HHHHH"), &none, DOWN),
            C::DiminishingHotSpot
        );
        assert_eq!(
            categorise(&flags("H..H....HH"), &none, FLAT),
            C::SporadicHotSpot
        );
        assert_eq!(
            categorise(&flags("H..H....HH"), &flags(".C........"), FLAT),
            C::OscillatingHotSpot
        );
        assert_eq!(
            categorise(&flags("HHHHHHHHH."), &none, DOWN),
            C::HistoricalHotSpot
        );
        assert_eq!(categorise(&flags("HH........"), &none, DOWN), C::NoPattern);
    }

    #[test]
    fn cold_categories_mirror_the_hot_ones() {
        let none = flags("..........");
        assert_eq!(
            categorise(&none, &flags("CCCCCCCCCC"), DOWN),
            C::IntensifyingColdSpot
        );
        assert_eq!(
            categorise(&none, &flags("CCCCCCCCCC"), UP),
            C::DiminishingColdSpot
        );
        assert_eq!(
            categorise(&none, &flags(".........C"), FLAT),
            C::NewColdSpot
        );
        assert_eq!(
            categorise(&flags("H........."), &flags(".C..C....C"), FLAT),
            C::OscillatingColdSpot
        );
    }
}
