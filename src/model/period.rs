//! `Period`: a closed time interval with optional open ends, parsed from RFC 3339 instants,
//! plain dates, or OGC `start/end` intervals (`..` or empty for an open end).
//!
//! Times are carried as Unix seconds. Plain dates and times without an offset are read in the
//! city's local time, UTC+08:00, because that is how its staff write them.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// The city's civil time: China Standard Time, UTC+08:00 all year.
pub(crate) const LOCAL_OFFSET_S: i32 = 8 * 3600;

pub(crate) fn local() -> FixedOffset {
    FixedOffset::east_opt(LOCAL_OFFSET_S).expect("UTC+08:00 is a valid offset")
}

/// Why a datetime or interval was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("`{0}` is not an RFC 3339 date-time or a YYYY-MM-DD date")]
    BadInstant(String),
    #[error("interval start is after its end")]
    Inverted,
    #[error("an interval needs at least one closed end")]
    BothOpen,
}

/// Which end of a day a plain date stands for.
#[derive(Clone, Copy)]
enum DayEnd {
    Start,
    End,
}

fn parse_with(s: &str, day_end: DayEnd) -> Result<i64, PeriodError> {
    let bad = || PeriodError::BadInstant(s.chars().take(64).collect());
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return local()
            .from_local_datetime(&t)
            .single()
            .map(|t| t.timestamp())
            .ok_or_else(bad);
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
    let time = match day_end {
        DayEnd::Start => date.and_hms_opt(0, 0, 0),
        DayEnd::End => date.and_hms_opt(23, 59, 59),
    }
    .ok_or_else(bad)?;
    local()
        .from_local_datetime(&time)
        .single()
        .map(|t| t.timestamp())
        .ok_or_else(bad)
}

/// Parses one instant: RFC 3339, `YYYY-MM-DDTHH:MM:SS` (local time) or a date (its first second).
///
/// # Errors
/// Anything else.
pub fn parse_instant(s: &str) -> Result<i64, PeriodError> {
    parse_with(s.trim(), DayEnd::Start)
}

/// Formats Unix seconds as RFC 3339 in the city's local time, e.g. `2021-03-04T08:15:00+08:00`.
#[must_use]
pub fn format_local(t: i64) -> String {
    local()
        .timestamp_opt(t, 0)
        .single()
        .map_or_else(String::new, |d| {
            d.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
        })
}

/// A closed interval `[start, end]` of Unix seconds; `None` is an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Period {
    /// Parses an OGC API – Features `datetime` value: an instant, a date (the whole day), or
    /// `start/end` where either end may be `..` or empty.
    ///
    /// # Errors
    /// Unparsable ends, an inverted interval, or `../..`.
    pub fn parse_ogc(s: &str) -> Result<Self, PeriodError> {
        let s = s.trim();
        let open = |p: &str| p.is_empty() || p == "..";
        let period = if let Some((a, b)) = s.split_once('/') {
            if open(a) && open(b) {
                return Err(PeriodError::BothOpen);
            }
            Self {
                start: (!open(a))
                    .then(|| parse_with(a.trim(), DayEnd::Start))
                    .transpose()?,
                end: (!open(b))
                    .then(|| parse_with(b.trim(), DayEnd::End))
                    .transpose()?,
            }
        } else if s.len() == 10 {
            Self {
                start: Some(parse_with(s, DayEnd::Start)?),
                end: Some(parse_with(s, DayEnd::End)?),
            }
        } else {
            let t = parse_with(s, DayEnd::Start)?;
            Self {
                start: Some(t),
                end: Some(t),
            }
        };
        period.checked()
    }

    /// Builds a period from optional `from` and `to` query values; a plain-date `to` includes
    /// that whole day.
    ///
    /// # Errors
    /// Unparsable values or `from > to`.
    pub fn from_bounds(from: Option<&str>, to: Option<&str>) -> Result<Self, PeriodError> {
        Self {
            start: from
                .map(|s| parse_with(s.trim(), DayEnd::Start))
                .transpose()?,
            end: to.map(|s| parse_with(s.trim(), DayEnd::End)).transpose()?,
        }
        .checked()
    }

    fn checked(self) -> Result<Self, PeriodError> {
        match (self.start, self.end) {
            (Some(a), Some(b)) if a > b => Err(PeriodError::Inverted),
            _ => Ok(self),
        }
    }

    /// The same local dates and times a year earlier (29 February becomes the 28th), for
    /// year-on-year (同比) comparisons; an open end stays open.
    #[must_use]
    pub fn year_earlier(&self) -> Self {
        let back = |t: i64| {
            let local = chrono::DateTime::from_timestamp(t, 0)?.with_timezone(&local());
            local
                .checked_sub_months(chrono::Months::new(12))
                .map(|d| d.timestamp())
        };
        Self {
            start: self.start.map(|t| back(t).unwrap_or(t - 365 * 86_400)),
            end: self.end.map(|t| back(t).unwrap_or(t - 365 * 86_400)),
        }
    }

    /// Whether the instant `t` lies in the period.
    #[must_use]
    pub fn contains(&self, t: i64) -> bool {
        self.start.is_none_or(|a| t >= a) && self.end.is_none_or(|b| t <= b)
    }

    /// Whether the closed span `[a, b]` meets the period.
    #[must_use]
    pub fn overlaps(&self, a: i64, b: i64) -> bool {
        self.start.is_none_or(|s| b >= s) && self.end.is_none_or(|e| a <= e)
    }

    /// The period both `self` and `other` cover (possibly empty: start after end).
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        let pick = |a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64| match (a, b) {
            (Some(x), Some(y)) => Some(f(x, y)),
            (x, y) => x.or(y),
        };
        Self {
            start: pick(self.start, other.start, i64::max),
            end: pick(self.end, other.end, i64::min),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN1_2020_LOCAL: i64 = 1_577_808_000; // 2020-01-01T00:00:00+08:00

    #[test]
    fn dates_are_local_days() {
        let p = Period::parse_ogc("2020-01-01").unwrap();
        assert_eq!(p.start, Some(JAN1_2020_LOCAL));
        assert_eq!(p.end, Some(JAN1_2020_LOCAL + 86_399));
    }

    #[test]
    fn intervals_with_open_ends() {
        let p = Period::parse_ogc("2020-01-01T00:00:00+08:00/..").unwrap();
        assert_eq!(
            p,
            Period {
                start: Some(JAN1_2020_LOCAL),
                end: None
            }
        );
        let p = Period::parse_ogc("/2020-01-01").unwrap();
        assert_eq!(
            p,
            Period {
                start: None,
                end: Some(JAN1_2020_LOCAL + 86_399)
            }
        );
        assert_eq!(Period::parse_ogc("../.."), Err(PeriodError::BothOpen));
        assert_eq!(
            Period::parse_ogc("2021-01-01/2020-01-01"),
            Err(PeriodError::Inverted)
        );
        assert!(Period::parse_ogc("yesterday").is_err());
    }

    #[test]
    fn utc_instants_and_formatting() {
        let t = parse_instant("2019-12-31T16:00:00Z").unwrap();
        assert_eq!(t, JAN1_2020_LOCAL);
        assert_eq!(format_local(t), "2020-01-01T00:00:00+08:00");
    }
}
