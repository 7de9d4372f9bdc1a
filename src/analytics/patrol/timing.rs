//! Timing: the hours of the week a team patrols (from its tracks, local time UTC+08) against
//! the hour-of-week profile of its community's incidents. `score` is the share of those
//! incidents that fall in patrolled hours; `best_start` is the hour of week from which a
//! patrol as long as the team's (its patrolled hours, as one block, wrapping round the week)
//! would cover the most, with the score it would reach.

use crate::index::{Engine, IncidentFilter};
use crate::model::PatrolTrack;

/// Hours in a week.
pub const HOURS: usize = 168;

/// The hour of the week of Unix time `t` in local time (UTC+08): Monday 00:00 is 0.
#[must_use]
pub fn hour_of_week(t: i64) -> usize {
    let local = t + 8 * 3_600;
    // 1970-01-01 was a Thursday (Monday-based weekday 3).
    let weekday = (local.div_euclid(86_400) + 3).rem_euclid(7);
    let hour = local.rem_euclid(86_400) / 3_600;
    (weekday * 24 + hour) as usize
}

/// The hours of the week any of `tracks` spans (from its start to its end).
#[must_use]
pub fn patrolled_hours<'a>(tracks: impl IntoIterator<Item = &'a PatrolTrack>) -> [bool; HOURS] {
    let mut hours = [false; HOURS];
    for track in tracks {
        let mut t = track.started_at - track.started_at.rem_euclid(3_600);
        while t < track.ended_at.max(track.started_at + 1) {
            hours[hour_of_week(t)] = true;
            t += 3_600;
            if t - track.started_at > 7 * 86_400 {
                break;
            }
        }
    }
    hours
}

/// The incidents of `filter` in community `community` (position) by hour of week.
#[must_use]
pub fn community_profile(engine: &Engine, filter: &IncidentFilter, community: u32) -> [u64; HOURS] {
    let mine = IncidentFilter {
        communities: vec![community],
        ..filter.clone()
    };
    let mut profile = [0u64; HOURS];
    engine.incidents.for_each_match(&mine, |r| {
        profile[hour_of_week(engine.incidents.reported_at[r])] += 1;
    });
    profile
}

/// A team's timing.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Share of the incidents in patrolled hours (0 when there are none).
    pub score: f64,
    /// Patrolled hours per week.
    pub length_h: usize,
    /// The best start hour of week for a block of `length_h` hours, and its score.
    pub best_start: usize,
    pub best_score: f64,
    pub incidents: u64,
}

/// The timing of `patrolled` against the incident `profile` by hour of week.
#[must_use]
pub fn timing(profile: &[u64; HOURS], patrolled: &[bool; HOURS]) -> Timing {
    let total: u64 = profile.iter().sum();
    let share = |n: u64| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    let covered: u64 = profile
        .iter()
        .zip(patrolled)
        .filter(|(_, p)| **p)
        .map(|(n, _)| n)
        .sum();
    let length_h = patrolled.iter().filter(|p| **p).count();
    let window =
        |start: usize| -> u64 { (0..length_h).map(|i| profile[(start + i) % HOURS]).sum() };
    let (best_start, best) = (0..HOURS)
        .map(|s| (s, window(s)))
        .fold((0, 0), |b, w| if w.1 > b.1 { w } else { b });
    Timing {
        score: share(covered),
        length_h,
        best_start,
        best_score: share(best),
        incidents: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_of_the_week_in_local_time() {
        // 2021-03-06 is a Saturday; 09:00 in Jingmen is 01:00 UTC.
        let saturday_nine = chrono::DateTime::parse_from_rfc3339("2021-03-06T09:00:00+08:00")
            .unwrap()
            .timestamp();
        assert_eq!(hour_of_week(saturday_nine), 5 * 24 + 9);
        let monday_midnight = chrono::DateTime::parse_from_rfc3339("2021-03-08T00:00:00+08:00")
            .unwrap()
            .timestamp();
        assert_eq!(hour_of_week(monday_midnight), 0);
        assert_eq!(hour_of_week(monday_midnight - 1), HOURS - 1);
    }

    #[test]
    fn a_team_walking_on_saturday_morning_misses_weekday_evening_disputes() {
        // Disputes on weekday evenings 19:00–21:00, a few on Saturday morning.
        let mut profile = [0u64; HOURS];
        for day in 0..5 {
            profile[day * 24 + 19] = 10;
            profile[day * 24 + 20] = 8;
        }
        profile[5 * 24 + 9] = 2;
        let mut patrolled = [false; HOURS];
        patrolled[5 * 24 + 9] = true;
        patrolled[5 * 24 + 10] = true;
        let t = timing(&profile, &patrolled);
        assert_eq!(t.incidents, 92);
        assert!((t.score - 2.0 / 92.0).abs() < 1e-12);
        assert_eq!(t.length_h, 2);
        // Two hours from Monday 19:00 cover 18 incidents.
        assert_eq!(t.best_start, 19);
        assert!((t.best_score - 18.0 / 92.0).abs() < 1e-12);
    }
}
