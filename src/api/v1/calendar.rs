//! `GET /api/v1/calendar` and `/api/v1/calendar/working-hours`: the working calendar time
//! limits are counted in, and working time between two instants. The calendar is the bundled
//! one (`geodata/calendar.json`) unless `serve --calendar FILE` installs another at start: one
//! per deployment, as its working hours and time limits are.

use chrono::{Datelike, FixedOffset, TimeZone};
use serde_json::Value;

use super::StudyAreas;
use super::answer::{CalendarAnswer, CalendarYearOut, TimeLimitOut, WorkingHoursAnswer, to_value};
use crate::api::params::rounded;
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::calendar::WorkingCalendar;
use crate::model::{IncidentKind, format_local, parse_instant};

/// The calendar in use.
pub fn calendar() -> &'static WorkingCalendar {
    WorkingCalendar::current()
}

fn hhmm(seconds: i64) -> String {
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// The calendar as published.
pub fn document(
    _engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&[])?;
    let c = calendar();
    let offset = c.utc_offset_s();
    let per_day: i64 = c.periods().iter().map(|(a, b)| b - a).sum();
    to_value(&CalendarAnswer {
        utc_offset: format!(
            "{}{}",
            if offset < 0 { '-' } else { '+' },
            hhmm(offset.abs())
        ),
        working_hours: c
            .periods()
            .iter()
            .map(|&(a, b)| [hhmm(a), hhmm(b)])
            .collect(),
        working_hours_per_day: rounded(per_day as f64 / 3600.0, 4),
        years: c
            .years()
            .iter()
            .map(|y| CalendarYearOut {
                year: y.year,
                notice: y.notice.clone(),
                holidays: y
                    .holidays
                    .iter()
                    .map(|(a, b)| [a.to_string(), b.to_string()])
                    .collect(),
                workdays: y.workdays.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        time_limits: IncidentKind::ALL
            .iter()
            .filter_map(|k| {
                Some(TimeLimitOut {
                    kind: k.as_str().to_owned(),
                    working_hours: c.time_limit_h(*k)?,
                })
            })
            .collect(),
        time_limits_source: c.time_limits_source().to_owned(),
    })
}

/// Working hours between `from` and `to`, and with `kind` when its time limit runs out.
pub fn working_hours(
    _engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&["from", "to", "kind"])?;
    let instant = |key: &str| -> Result<i64, ApiError> {
        let given = params
            .get(key)
            .ok_or_else(|| ApiError::BadRequest(format!("`{key}` is required")))?;
        parse_instant(given).map_err(|e| ApiError::BadRequest(format!("`{key}`: {e}")))
    };
    let (from, to) = (instant("from")?, instant("to")?);
    let c = calendar();
    let local = FixedOffset::east_opt(i32::try_from(c.utc_offset_s()).unwrap_or(0))
        .ok_or_else(|| ApiError::Internal("the calendar's offset".into()))?;
    let date = |t: i64| local.timestamp_opt(t, 0).single().map(|d| d.date_naive());
    let (a, b) = (date(from.min(to)), date(from.max(to)));
    let (Some(a), Some(b)) = (a, b) else {
        return Err(ApiError::BadRequest("an instant out of range".into()));
    };
    if (b - a).num_days() > 3660 {
        return Err(ApiError::BadRequest(
            "the interval is longer than ten years".into(),
        ));
    }
    let working_days = a
        .iter_days()
        .take_while(|d| *d <= b)
        .filter(|d| c.is_working_day(*d))
        .count();
    let years_covered = (a.year()..=b.year()).all(|y| c.covers(y));
    let due_at = params
        .get("kind")
        .map(|k| -> Result<String, ApiError> {
            let kind: IncidentKind = k.parse()?;
            let hours = c
                .time_limit_h(kind)
                .ok_or_else(|| ApiError::BadRequest(format!("no time limit is set for `{k}`")))?;
            #[allow(clippy::cast_possible_truncation)] // limits are hours, far below i64
            let due = c.add_working_seconds(from, (hours * 3600.0).round() as i64);
            Ok(format_local(due))
        })
        .transpose()?;
    to_value(&WorkingHoursAnswer {
        from: format_local(from),
        to: format_local(to),
        working_hours: rounded(c.working_seconds(from, to) as f64 / 3600.0, 4),
        working_days: u32::try_from(working_days).unwrap_or(u32::MAX),
        years_covered,
        due_at,
    })
}
