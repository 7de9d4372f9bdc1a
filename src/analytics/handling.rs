//! The command centre's board and queue over the incidents' handling rows: how grids,
//! communities, districts and departments do against their time limits (按时办结率, 回退率,
//! 重办率, red/amber/green), which open incidents are running out of time, and which crossed
//! a threshold since the clock last looked. Every figure is read at an instant `now` on the
//! working calendar: one prefix-sum read, then a loop over fixed-size rows.

use rayon::prelude::*;

use crate::index::handling::{HandlingRow, NO_DEPARTMENT, alert_at, limits_s};
use crate::index::{Engine, IncidentFilter, NONE};
use crate::model::HandlingState;
use crate::model::calendar::WorkingCalendar;
use crate::model::handling::Alert;

/// What the board groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Grid,
    Community,
    District,
    Department,
}

/// The grade thresholds on the on-time closing share: green at or above the first, amber at
/// or above the second, red below; no grade with fewer than [`MIN_CLOSED`] closed.
pub const GRADE_THRESHOLDS: (f64, f64) = (0.9, 0.75);
/// The fewest closed incidents a grade is given on.
pub const MIN_CLOSED: u64 = 5;

/// One group's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    /// Position of the grid, community or district, or the department's code.
    pub key: u32,
    /// Incidents with a handling history.
    pub count: u64,
    pub closed: u64,
    /// Closed with no more working time on the clock than the kind's limit.
    pub closed_on_time: u64,
    /// Ever dispatched to a department.
    pub dispatched: u64,
    /// Returned (回退) at least once.
    pub returned: u64,
    /// Reopened (重办) at least once.
    pub redone: u64,
    /// The median working hours on the clock at closing.
    pub median_close_h: Option<f64>,
    /// Open (not closed), filed, past the limit at `now`.
    pub overdue_now: u64,
}

impl Kpi {
    /// Closed on time over closed.
    #[must_use]
    pub fn on_time_share(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.closed_on_time as f64 / self.closed as f64)
    }

    /// Returned over dispatched.
    #[must_use]
    pub fn return_rate(&self) -> Option<f64> {
        (self.dispatched > 0).then(|| self.returned as f64 / self.dispatched as f64)
    }

    /// Reopened over dispatched.
    #[must_use]
    pub fn redo_rate(&self) -> Option<f64> {
        (self.dispatched > 0).then(|| self.redone as f64 / self.dispatched as f64)
    }

    /// Green, amber or red by the on-time share ([`GRADE_THRESHOLDS`]).
    #[must_use]
    pub fn grade(&self) -> Option<Alert> {
        let share = self.on_time_share().filter(|_| self.closed >= MIN_CLOSED)?;
        Some(if share >= GRADE_THRESHOLDS.0 {
            Alert::Green
        } else if share >= GRADE_THRESHOLDS.1 {
            Alert::Amber
        } else {
            Alert::Red
        })
    }
}

/// The group key of row `r` (`None`: not in any group of this kind).
fn key_of(engine: &Engine, by: By, r: usize) -> Option<u32> {
    let t = &engine.incidents;
    match by {
        By::Grid => Some(t.grid[r]).filter(|&g| g != NONE),
        By::Community => Some(t.community[r]).filter(|&c| c != NONE),
        By::District => {
            let c = Some(t.community[r]).filter(|&c| c != NONE)?;
            let district = engine.communities.items()[c as usize].district_id;
            engine.districts.position(district)
        }
        By::Department => Some(t.handling[r].department)
            .filter(|&d| d != NO_DEPARTMENT)
            .map(u32::from),
    }
}

/// The board: each group's figures over the incidents `filter` selects, the clock read at
/// `now`, groups in key order.
#[must_use]
pub fn kpis(
    engine: &Engine,
    calendar: &WorkingCalendar,
    filter: &IncidentFilter,
    by: By,
    now: i64,
) -> Vec<Kpi> {
    let t = &engine.incidents;
    let limits = limits_s(calendar);
    let w_now = calendar.working_clock(now);
    let groups = match by {
        By::Grid => engine.grids.len(),
        By::Community => engine.communities.len(),
        By::District => engine.districts.len(),
        By::Department => t.departments.names().len(),
    };
    let empty = || -> (Vec<Kpi>, Vec<Vec<i64>>) {
        let kpis = (0..groups)
            .map(|key| Kpi {
                key: key as u32,
                count: 0,
                closed: 0,
                closed_on_time: 0,
                dispatched: 0,
                returned: 0,
                redone: 0,
                median_close_h: None,
                overdue_now: 0,
            })
            .collect();
        (kpis, vec![Vec::new(); groups])
    };
    // The rows once, then counted in parallel chunks whose tallies are added up (the clock
    // readings at closing concatenated for the medians).
    let rows = t.select(filter);
    let (mut kpis, close_s) = rows
        .par_chunks(1 << 16)
        .map(|chunk| {
            let (mut kpis, mut close_s) = empty();
            for r in chunk.iter().map(|&r| r as usize) {
                let h: &HandlingRow = &t.handling[r];
                if !h.recorded {
                    continue;
                }
                let Some(key) = key_of(engine, by, r) else {
                    continue;
                };
                let k = &mut kpis[key as usize];
                let limit = limits[t.kind[r] as usize];
                k.count += 1;
                k.dispatched += u64::from(h.department != NO_DEPARTMENT);
                k.returned += u64::from(h.returns > 0);
                k.redone += u64::from(h.redos > 0);
                if h.state == HandlingState::Closed {
                    k.closed += 1;
                    k.closed_on_time += u64::from(limit > 0 && h.clock_s <= limit);
                    close_s[key as usize].push(h.clock_s);
                } else if alert_at(h, limit, w_now) == Some(Alert::Red) {
                    k.overdue_now += 1;
                }
            }
            (kpis, close_s)
        })
        .reduce(empty, |(mut a, mut sa), (b, sb)| {
            for (x, y) in a.iter_mut().zip(b) {
                x.count += y.count;
                x.closed += y.closed;
                x.closed_on_time += y.closed_on_time;
                x.dispatched += y.dispatched;
                x.returned += y.returned;
                x.redone += y.redone;
                x.overdue_now += y.overdue_now;
            }
            for (x, y) in sa.iter_mut().zip(sb) {
                x.extend(y);
            }
            (a, sa)
        });
    for (k, mut s) in kpis.iter_mut().zip(close_s) {
        k.median_close_h = median(&mut s).map(|m| m / 3600.0);
    }
    kpis.retain(|k| k.count > 0);
    kpis
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    let (_, &mut upper, _) = values.select_nth_unstable(mid);
    if values.len() % 2 == 1 {
        return Some(upper as f64);
    }
    let lower = values[..mid].iter().copied().max().unwrap_or(upper);
    Some((lower + upper) as f64 / 2.0)
}

/// An open incident on the queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queued {
    pub row: usize,
    pub alert: Alert,
    /// Working seconds left before the limit (negative: overdue by that much).
    pub left_s: i64,
    pub limit_s: i64,
}

/// The open incidents (filed, not closed) `filter` selects whose alert at `now` is one of
/// `alerts` (any when empty), least time left first (most overdue at the top).
#[must_use]
pub fn queue(
    engine: &Engine,
    calendar: &WorkingCalendar,
    filter: &IncidentFilter,
    alerts: &[Alert],
    now: i64,
) -> Vec<Queued> {
    let t = &engine.incidents;
    let limits = limits_s(calendar);
    let w_now = calendar.working_clock(now);
    let mut out = Vec::new();
    // Only the open rows: at 1M incidents a few percent of the table.
    for r in t.open.iter().map(|&r| r as usize) {
        if !t.row_matches(filter, r) {
            continue;
        }
        let h = &t.handling[r];
        let limit = limits[t.kind[r] as usize];
        let Some(alert) = alert_at(h, limit, w_now) else {
            continue;
        };
        if alerts.is_empty() || alerts.contains(&alert) {
            out.push(Queued {
                row: r,
                alert,
                left_s: limit - h.elapsed_at(w_now),
                limit_s: limit,
            });
        }
    }
    out.sort_by_key(|q| (q.left_s, engine.incidents.id[q.row]));
    out
}

/// The open incidents whose alert changed between two readings of the working clock (`w_before`
/// and `w_now`): green to amber, amber or green to red. The clock pass behind live alerts.
#[must_use]
pub fn crossed(
    engine: &Engine,
    calendar: &WorkingCalendar,
    w_before: i64,
    w_now: i64,
) -> Vec<(usize, Alert)> {
    let t = &engine.incidents;
    let limits = limits_s(calendar);
    let mut out = Vec::new();
    if w_now <= w_before {
        return out;
    }
    for r in t.open.iter().map(|&r| r as usize) {
        let h = &t.handling[r];
        if !h.running() {
            continue;
        }
        let limit = limits[t.kind[r] as usize];
        if limit <= 0 {
            continue;
        }
        let (before, now) = (
            Alert::of(h.elapsed_at(w_before), limit),
            Alert::of(h.elapsed_at(w_now), limit),
        );
        if now != before {
            out.push((r, now));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 5, 3]), Some(4.0));
    }
}
