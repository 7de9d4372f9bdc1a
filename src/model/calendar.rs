//! The working calendar time limits are counted in: working hours on working days, in the
//! city's civil time. A working day is Monday to Friday unless the State Council's notice for
//! its year makes it a public holiday, or a Saturday or Sunday the notice makes a make-up
//! working day (调休). The calendar is data (`geodata/calendar.json`, each year citing its
//! notice); years without a notice in it count Monday to Friday only.
//!
//! Arithmetic is on a prefix sum: `W(t)`, the working seconds from a fixed origin to `t`, is
//! one array read and a walk over the day's two or three working periods, so the working time
//! between two instants is `W(b) − W(a)` and a due instant is a binary search on `W`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::IncidentKind;

/// The calendar bundled with the data (China, 2019–2022 and 2026).
pub const BUNDLED: &str = include_str!("../../geodata/calendar.json");

/// The deployment's calendar, set once at start (`serve --calendar`).
static CURRENT: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();

/// The first and last days the prefix sum covers; instants outside are clamped to them.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2100;

/// Why a calendar file was refused.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the calendar is not valid: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    utc_offset: String,
    working_hours: Vec<(String, String)>,
    /// The working days of a week, ISO numbers (1 Monday … 7 Sunday); Monday to Friday when
    /// not given (a round-the-clock centre lists all seven).
    #[serde(default)]
    working_weekdays: Option<Vec<u8>>,
    years: Vec<Year>,
    time_limits_source: String,
    time_limits_h: BTreeMap<String, f64>,
}

/// One year's notice: its holidays (inclusive ranges) and make-up working days.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Year {
    pub year: i32,
    pub notice: String,
    pub holidays: Vec<(NaiveDate, NaiveDate)>,
    pub workdays: Vec<NaiveDate>,
}

/// Working days and hours, and each incident kind's time limit.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    offset_s: i64,
    /// Working periods of a working day, seconds after local midnight, sorted.
    periods: Vec<(i64, i64)>,
    years: Vec<Year>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    /// Bit `d` set: ISO weekday `d` is a working day unless a holiday.
    weekdays: u8,
    limits_h: BTreeMap<IncidentKind, f64>,
    limits_source: String,
    /// The local day number (days since 1970-01-01) of `FIRST_YEAR`-01-01.
    first_day: i64,
    /// `cumulative[i]`: working seconds from the first day's midnight to day `i`'s.
    cumulative: Vec<i64>,
}

fn clock(s: &str) -> Result<i64, CalendarError> {
    let (h, m) = s
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
        .filter(|(h, m)| (0..=24).contains(h) && (0..60).contains(m))
        .ok_or_else(|| CalendarError::Invalid(format!("`{s}` is not a HH:MM time")))?;
    Ok(h * 3600 + m * 60)
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 719_163
}

impl WorkingCalendar {
    /// The bundled calendar.
    ///
    /// # Panics
    /// Never: the bundled file is checked by the tests.
    #[must_use]
    pub fn bundled() -> Self {
        Self::from_json(BUNDLED).expect("the bundled calendar is valid")
    }

    /// Installs the deployment's calendar before any data is loaded; `false` when one is
    /// already in use.
    pub fn install(calendar: Self) -> bool {
        CURRENT.set(calendar).is_ok()
    }

    /// The calendar in use: the installed one, else the bundled one.
    #[must_use]
    pub fn current() -> &'static Self {
        CURRENT.get_or_init(Self::bundled)
    }

    /// Reads a calendar file.
    ///
    /// # Errors
    /// Malformed JSON, times, offsets, overlapping periods or an unknown incident kind.
    pub fn from_json(text: &str) -> Result<Self, CalendarError> {
        let file: File = serde_json::from_str(text)?;
        let offset_s = {
            let o = file.utc_offset.trim();
            let sign = match o.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(CalendarError::Invalid(format!("`{o}` is not ±HH:MM"))),
            };
            sign * clock(&o[1..])?
        };
        let mut periods = file
            .working_hours
            .iter()
            .map(|(a, b)| Ok((clock(a)?, clock(b)?)))
            .collect::<Result<Vec<_>, CalendarError>>()?;
        periods.sort_unstable();
        if periods.iter().any(|(a, b)| a >= b)
            || periods.windows(2).any(|w| w[0].1 > w[1].0)
            || periods.is_empty()
        {
            return Err(CalendarError::Invalid(
                "working hours must be ordered, non-empty periods that do not overlap".into(),
            ));
        }
        let mut holidays = BTreeSet::new();
        let mut workdays = BTreeSet::new();
        for y in &file.years {
            for &(a, b) in &y.holidays {
                if a > b {
                    return Err(CalendarError::Invalid(format!("holiday {a} after {b}")));
                }
                holidays.extend(a.iter_days().take_while(|d| *d <= b));
            }
            workdays.extend(y.workdays.iter().copied());
        }
        let limits_h = file
            .time_limits_h
            .iter()
            .map(|(k, h)| {
                let kind = k
                    .parse::<IncidentKind>()
                    .map_err(|e| CalendarError::Invalid(e.to_string()))?;
                if !(h.is_finite() && *h > 0.0) {
                    return Err(CalendarError::Invalid(format!("time limit of {k}: {h}")));
                }
                Ok((kind, *h))
            })
            .collect::<Result<_, _>>()?;
        let weekdays = match &file.working_weekdays {
            None => 0b0011_1110,
            Some(days) => {
                if days.is_empty() || days.iter().any(|d| !(1..=7).contains(d)) {
                    return Err(CalendarError::Invalid(
                        "working_weekdays lists ISO weekdays, 1 (Monday) to 7 (Sunday)".into(),
                    ));
                }
                days.iter().fold(0u8, |m, d| m | (1 << d))
            }
        };
        let mut calendar = Self {
            weekdays,
            offset_s,
            periods,
            years: file.years,
            holidays,
            workdays,
            limits_h,
            limits_source: file.time_limits_source,
            first_day: 0,
            cumulative: Vec::new(),
        };
        calendar.build_prefix();
        Ok(calendar)
    }

    fn build_prefix(&mut self) {
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or_default();
        self.first_day = day_number(first);
        let day_seconds: i64 = self.periods.iter().map(|(a, b)| b - a).sum();
        let mut cumulative = Vec::with_capacity(37_000);
        let mut total = 0;
        for d in first.iter_days().take_while(|d| *d <= last) {
            cumulative.push(total);
            if self.is_working_day(d) {
                total += day_seconds;
            }
        }
        cumulative.push(total);
        self.cumulative = cumulative;
    }

    /// Whether `d` is a working day.
    #[must_use]
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        self.weekdays & (1 << d.weekday().number_from_monday()) != 0 && !self.holidays.contains(&d)
    }

    /// Whether the calendar holds the notice of `year`.
    #[must_use]
    pub fn covers(&self, year: i32) -> bool {
        self.years.iter().any(|y| y.year == year)
    }

    /// The years' notices, as the file gives them.
    #[must_use]
    pub fn years(&self) -> &[Year] {
        &self.years
    }

    /// The working periods of a working day, as (start, end) seconds after local midnight.
    #[must_use]
    pub fn periods(&self) -> &[(i64, i64)] {
        &self.periods
    }

    /// The offset of local time from UTC, in seconds.
    #[must_use]
    pub fn utc_offset_s(&self) -> i64 {
        self.offset_s
    }

    /// The time limit of `kind` in working hours, if the calendar sets one.
    #[must_use]
    pub fn time_limit_h(&self, kind: IncidentKind) -> Option<f64> {
        self.limits_h.get(&kind).copied()
    }

    /// The time limit of `kind` in working seconds (0 where none is set).
    #[must_use]
    pub fn limit_s(&self, kind: IncidentKind) -> i64 {
        #[allow(clippy::cast_possible_truncation)] // hours of a time limit, far below 2^63 s
        self.time_limit_h(kind)
            .map_or(0, |h| (h * 3600.0).round() as i64)
    }

    /// Where the time limits come from.
    #[must_use]
    pub fn time_limits_source(&self) -> &str {
        &self.limits_source
    }

    /// The day index and seconds after local midnight of `t`, clamped to the covered range.
    fn split(&self, t: i64) -> (usize, i64) {
        let local = t + self.offset_s;
        let day = local.div_euclid(86_400) - self.first_day;
        let last = self.cumulative.len() as i64 - 1;
        if day < 0 {
            return (0, 0);
        }
        if day >= last {
            return (usize::try_from(last).unwrap_or_default(), 0);
        }
        (
            usize::try_from(day).unwrap_or_default(),
            local.rem_euclid(86_400),
        )
    }

    fn is_working_index(&self, day: usize) -> bool {
        self.cumulative.get(day + 1) > self.cumulative.get(day)
    }

    /// Working seconds from the origin to `t`.
    fn w(&self, t: i64) -> i64 {
        let (day, sod) = self.split(t);
        let within = if self.is_working_index(day) {
            self.periods
                .iter()
                .map(|&(a, b)| (sod.min(b) - a).max(0))
                .sum()
        } else {
            0
        };
        self.cumulative[day] + within
    }

    /// The working clock: working seconds from a fixed origin (1 January 2000) to `t`, so that
    /// the working time between two instants is the difference of their readings.
    #[must_use]
    pub fn working_clock(&self, t: i64) -> i64 {
        self.w(t)
    }

    /// The first instant at which the working clock reads `reading` (readings before the
    /// calendar's start give its start).
    #[must_use]
    pub fn when_clock_reads(&self, reading: i64) -> i64 {
        // From before the origin, whose reading is 0.
        self.add_working_seconds(i64::MIN / 2, reading.max(0))
    }

    /// Working seconds between two instants (negative when `to` is before `from`).
    #[must_use]
    pub fn working_seconds(&self, from: i64, to: i64) -> i64 {
        self.w(to) - self.w(from)
    }

    /// The first instant at which `seconds` working seconds have passed since `from`: when a
    /// time limit of `seconds` runs out.
    #[must_use]
    pub fn add_working_seconds(&self, from: i64, seconds: i64) -> i64 {
        let target = self.w(from) + seconds.max(0);
        // The last day whose midnight has at most `target` behind it and which reaches it.
        let day = self
            .cumulative
            .partition_point(|&c| c < target)
            .saturating_sub(1);
        let mut need = target - self.cumulative[day];
        let midnight = (self.first_day + day as i64) * 86_400 - self.offset_s;
        if need == 0 {
            // Exactly at a day's start: the instant `from` already is, or this midnight.
            return midnight.max(from);
        }
        for &(a, b) in &self.periods {
            if need <= b - a {
                return (midnight + a + need).max(from);
            }
            need -= b - a;
        }
        midnight + 86_400
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A local time written `YYYY-MM-DD HH:MM`.
    fn at(s: &str) -> i64 {
        crate::model::parse_instant(&format!("{}:00", s.replacen(' ', "T", 1))).unwrap()
    }

    fn hours(c: &WorkingCalendar, a: &str, b: &str) -> f64 {
        c.working_seconds(at(a), at(b)) as f64 / 3600.0
    }

    #[test]
    fn working_hours_skip_nights_lunch_weekends_and_holidays() {
        let c = WorkingCalendar::bundled();
        // A weekend: Friday's last half hour and Monday's first.
        assert!((hours(&c, "2021-03-05 17:00", "2021-03-08 09:00") - 1.0).abs() < 1e-9);
        // Lunch is not counted.
        assert!((hours(&c, "2021-03-09 11:30", "2021-03-09 14:30") - 1.0).abs() < 1e-9);
        // A whole working day.
        assert!((hours(&c, "2021-03-09 00:00", "2021-03-10 00:00") - 7.0).abs() < 1e-9);
        // National Day: 1–7 October 2021 off.
        assert!((hours(&c, "2021-09-30 17:00", "2021-10-08 09:00") - 1.0).abs() < 1e-9);
        // Saturday 9 October 2021 is a make-up working day.
        assert!((hours(&c, "2021-10-09 08:00", "2021-10-09 18:00") - 7.0).abs() < 1e-9);
        // Across a year: New Year 2021 was 1–3 January.
        assert!((hours(&c, "2020-12-31 17:00", "2021-01-04 09:00") - 1.0).abs() < 1e-9);
        // The 2020 Spring Festival, extended to 2 February: nothing from 24 January to 2
        // February, and Sunday 19 January was worked.
        assert!((hours(&c, "2020-01-23 17:30", "2020-02-03 08:30")).abs() < 1e-9);
        assert!((hours(&c, "2020-01-19 00:00", "2020-01-20 00:00") - 7.0).abs() < 1e-9);
        // Backwards is negative.
        assert!((hours(&c, "2021-03-09 10:00", "2021-03-09 09:00") + 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_time_limit_runs_out_in_working_hours() {
        let c = WorkingCalendar::bundled();
        let due = |from: &str, h: i64| c.add_working_seconds(at(from), h * 3600);
        // Friday 16:30 + 2 h: an hour on Friday, an hour on Monday.
        assert_eq!(due("2021-03-05 16:30", 2), at("2021-03-08 09:30"));
        // Reported at night: the clock starts at 08:30.
        assert_eq!(due("2021-03-08 22:00", 1), at("2021-03-09 09:30"));
        // Into the lunch break: it resumes at 14:00.
        assert_eq!(due("2021-03-09 11:00", 2), at("2021-03-09 15:00"));
        // Over National Day 2021.
        assert_eq!(due("2021-09-30 17:00", 1), at("2021-10-08 09:00"));
        // Every due instant is where the working time since the start equals the limit.
        for (from, h) in [
            ("2021-03-05 16:30", 2),
            ("2020-01-22 10:00", 35),
            ("2019-12-31 12:30", 105),
        ] {
            let d = due(from, h);
            assert_eq!(c.working_seconds(at(from), d), h * 3600, "{from} + {h} h");
            assert!(c.working_seconds(at(from), d - 1) < h * 3600);
        }
    }

    #[test]
    fn the_bundled_file_covers_the_data_and_sets_every_limit() {
        let c = WorkingCalendar::bundled();
        for y in [2019, 2020, 2021, 2022, 2026] {
            assert!(c.covers(y), "{y}");
        }
        for kind in IncidentKind::ALL {
            assert!(c.time_limit_h(*kind).is_some(), "{kind:?}");
        }
        assert!(WorkingCalendar::from_json(&BUNDLED.replace("\"17:30\"", "\"11:00\"")).is_err());
    }
}
