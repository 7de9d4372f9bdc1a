//! Per-area incident statistics (an area is a grid or a community) and the hour × weekday
//! profile of any selection.

use super::hexbin::KINDS;
use super::significance::rate_change_p;
use crate::index::{IncidentFilter, IncidentTable, NONE};

/// UTC+08:00 in seconds: profiles are in the city's local time.
const LOCAL_OFFSET_S: i64 = 8 * 3600;

/// Statistics of one area.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AreaStats {
    pub count: u32,
    pub by_kind: [u32; KINDS],
    /// Incidents in the previous period of equal length (`None` when no previous period applies).
    pub previous: Option<u32>,
    /// Incidents per 1,000 households (`None` when the area has no households).
    pub rate_per_1000_households: Option<f64>,
    /// Change against the previous period in percent (`None` when it had no incidents).
    pub change_pct: Option<f64>,
    /// Two-sided p-value that the rate is the same as in the previous period (`None` when both
    /// periods had none).
    pub change_p: Option<f64>,
    /// Incidents in the same period a year earlier (同比).
    pub year_ago: Option<u32>,
    pub year_on_year_pct: Option<f64>,
    pub year_on_year_p: Option<f64>,
    /// Share of the incidents that are resolved (`None` without incidents).
    pub resolved_share: Option<f64>,
    /// Median hours from report to resolution of the resolved ones.
    pub median_hours_to_resolve: Option<f64>,
}

/// Statistics for every area. `area_of_row` maps an incident row to its area position
/// (the table's `grid` or `community` column); `households` is indexed by area position.
/// `previous` and `year_ago` select the incidents of the periods compared with (环比 and 同比),
/// if any; their periods must be closed, and a change's p-value is the exact test of two
/// Poisson counts over the periods' lengths ([`rate_change_p`]).
#[must_use]
pub fn by_area(
    table: &IncidentTable,
    current: &IncidentFilter,
    previous: Option<&IncidentFilter>,
    year_ago: Option<&IncidentFilter>,
    area_of_row: &[u32],
    households: &[u32],
) -> Vec<AreaStats> {
    let areas = households.len();
    let mut stats = vec![AreaStats::default(); areas];
    let mut hours: Vec<Vec<f64>> = vec![Vec::new(); areas];
    let mut resolved = vec![0u32; areas];
    table.for_each_match(current, |row| {
        let area = area_of_row[row];
        if area == NONE {
            return;
        }
        let a = area as usize;
        stats[a].count += 1;
        stats[a].by_kind[table.kind[row] as usize] += 1;
        if table.resolved_at[row] != i64::MIN {
            resolved[a] += 1;
            hours[a].push((table.resolved_at[row] - table.reported_at[row]) as f64 / 3600.0);
        }
    });
    let counted = |filter: Option<&IncidentFilter>| {
        let mut counts = vec![0u32; areas];
        if let Some(filter) = filter {
            table.for_each_match(filter, |row| {
                if area_of_row[row] != NONE {
                    counts[area_of_row[row] as usize] += 1;
                }
            });
        }
        counts
    };
    let (before, year_before) = (counted(previous), counted(year_ago));
    let length = |f: &IncidentFilter| match (f.period.start, f.period.end) {
        (Some(a), Some(b)) => (b - a + 1) as f64,
        _ => f64::NAN,
    };
    let now_length = length(current);
    let test = |now: u32, then: u32, filter: &IncidentFilter| {
        rate_change_p(u64::from(now), now_length, u64::from(then), length(filter))
    };
    let pct = |now: u32, then: Option<u32>| {
        then.filter(|&p| p > 0)
            .map(|p| (f64::from(now) - f64::from(p)) * 100.0 / f64::from(p))
    };
    for (a, s) in stats.iter_mut().enumerate() {
        s.previous = previous.map(|_| before[a]);
        s.year_ago = year_ago.map(|_| year_before[a]);
        s.change_p = previous.and_then(|f| test(s.count, before[a], f));
        s.year_on_year_p = year_ago.and_then(|f| test(s.count, year_before[a], f));
        s.year_on_year_pct = pct(s.count, s.year_ago);
        s.rate_per_1000_households =
            (households[a] > 0).then(|| f64::from(s.count) * 1000.0 / f64::from(households[a]));
        s.change_pct = pct(s.count, s.previous);
        s.resolved_share = (s.count > 0).then(|| f64::from(resolved[a]) / f64::from(s.count));
        s.median_hours_to_resolve = median(&mut hours[a]);
    }
    stats
}

/// The median, averaging the two middle values of an even count.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        f64::midpoint(values[mid - 1], values[mid])
    } else {
        values[mid]
    })
}

/// Incidents by local weekday (0 = Monday) and hour of day.
#[must_use]
pub fn time_profile(table: &IncidentTable, filter: &IncidentFilter) -> [[u32; 24]; 7] {
    let mut profile = [[0u32; 24]; 7];
    table.for_each_match(filter, |row| {
        let local = table.reported_at[row] + LOCAL_OFFSET_S;
        let day = local.div_euclid(86_400);
        let hour = local.rem_euclid(86_400) / 3600;
        // 1970-01-01 was a Thursday (weekday 3 when Monday is 0).
        let weekday = (day + 3).rem_euclid(7);
        profile[weekday as usize][hour as usize] += 1;
    });
    profile
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
