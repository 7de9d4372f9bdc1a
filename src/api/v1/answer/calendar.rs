//! Answers of the working calendar.

use schemars::JsonSchema;
use serde::Serialize;

/// One year's State Council notice, as the calendar holds it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarYearOut {
    pub year: i32,
    /// The notice (and any revision) the year's days come from.
    pub notice: String,
    /// Public holidays, inclusive `[first, last]` date ranges.
    pub holidays: Vec<[String; 2]>,
    /// Saturdays and Sundays worked (调休).
    pub workdays: Vec<String>,
}

/// One incident kind's time limit.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitOut {
    pub kind: String,
    pub working_hours: f64,
}

/// `GET /api/v1/calendar`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarAnswer {
    /// Local time's offset from UTC, `+08:00`.
    pub utc_offset: String,
    /// The working periods of a working day, local `HH:MM`.
    pub working_hours: Vec<[String; 2]>,
    pub working_hours_per_day: f64,
    /// The years whose notices the calendar holds; other years count Monday–Friday only.
    pub years: Vec<CalendarYearOut>,
    pub time_limits: Vec<TimeLimitOut>,
    pub time_limits_source: String,
}

/// `GET /api/v1/calendar/working-hours`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHoursAnswer {
    pub from: String,
    pub to: String,
    /// Working hours between the two instants (negative when `to` is before `from`).
    pub working_hours: f64,
    /// Working days from `from`'s date to `to`'s, both included.
    pub working_days: u32,
    /// Whether every year the interval touches has its notice in the calendar.
    pub years_covered: bool,
    /// With `kind`: when that kind's time limit, started at `from`, runs out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
}
