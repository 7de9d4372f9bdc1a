//! The incidents' handling beside the incident table: one fixed-size row per incident (its
//! state, department code and clock as of its last move), so that the clock of every incident
//! at an instant is one prefix-sum read and a subtraction, and the board and the queue are
//! loops over the table. The moves themselves stay in the store.

use crate::model::calendar::WorkingCalendar;
use crate::model::handling::{Alert, Record};
use crate::model::{HandlingState, Incident, IncidentKind};

/// Marks "no department" in [`HandlingRow::department`].
pub const NO_DEPARTMENT: u16 = u16::MAX;

/// One incident's handling as the engine keeps it (a [`Record`] with its department as a code
/// and the working clock's reading at its last move).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlingRow {
    pub state: HandlingState,
    /// Whether the incident has a handling history (else its state follows its status and
    /// its clock never started).
    pub recorded: bool,
    /// Position in [`Departments`], or [`NO_DEPARTMENT`].
    pub department: u16,
    pub returns: u16,
    pub redos: u16,
    /// `i64::MIN` before filing.
    pub filed_at: i64,
    pub last_at: i64,
    /// Working seconds on the clock at `last_at`.
    pub clock_s: i64,
    /// The calendar's working clock at `last_at` ([`WorkingCalendar::working_clock`]).
    pub w_last: i64,
    /// When the time limit runs out or ran out (`i64::MIN`: none; see [`Record::due_at`]).
    pub due_at: i64,
}

impl HandlingRow {
    /// Whether the clock runs.
    #[must_use]
    pub fn running(&self) -> bool {
        self.filed_at != i64::MIN
            && !matches!(self.state, HandlingState::Parked | HandlingState::Closed)
    }

    /// Working seconds on the clock when the working clock reads `w_now` (at least the last
    /// move's reading).
    #[must_use]
    pub fn elapsed_at(&self, w_now: i64) -> i64 {
        if self.running() {
            self.clock_s + (w_now - self.w_last).max(0)
        } else {
            self.clock_s
        }
    }
}

/// The department names codes stand for, in the order they were first seen.
#[derive(Debug, Clone, Default)]
pub struct Departments {
    names: Vec<String>,
}

impl Departments {
    /// The code of `name`, added if new.
    pub fn code(&mut self, name: &str) -> u16 {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return i as u16;
        }
        // More than 65,534 departments would be a data error; they share the last code.
        if self.names.len() >= usize::from(NO_DEPARTMENT - 1) {
            return NO_DEPARTMENT - 1;
        }
        self.names.push(name.to_owned());
        (self.names.len() - 1) as u16
    }

    /// The code of `name`, if known.
    #[must_use]
    pub fn find(&self, name: &str) -> Option<u16> {
        self.names.iter().position(|n| n == name).map(|i| i as u16)
    }

    /// The name of `code`.
    #[must_use]
    pub fn name(&self, code: u16) -> Option<&str> {
        self.names.get(usize::from(code)).map(String::as_str)
    }

    /// Every name, by code.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// The handling row of `incident`, its department coded in `departments`.
#[must_use]
pub fn row_of(incident: &Incident, departments: &mut Departments) -> HandlingRow {
    let calendar = WorkingCalendar::current();
    let (recorded, record) = match &incident.handling {
        Some(r) => (true, r.as_ref().clone()),
        None => (false, Record::of_status(incident.status)),
    };
    HandlingRow {
        state: record.state,
        recorded,
        department: record
            .department
            .as_deref()
            .map_or(NO_DEPARTMENT, |d| departments.code(d)),
        returns: record.returns,
        redos: record.redos,
        filed_at: record.filed_at.unwrap_or(i64::MIN),
        last_at: record.last_at,
        clock_s: record.clock_s,
        w_last: calendar.working_clock(record.last_at),
        due_at: record.due_at.unwrap_or(i64::MIN),
    }
}

/// The record a row stands for (`None` for an incident without a history).
#[must_use]
pub fn record_of(row: &HandlingRow, departments: &Departments) -> Option<Record> {
    row.recorded.then(|| Record {
        state: row.state,
        department: departments.name(row.department).map(str::to_owned),
        filed_at: (row.filed_at != i64::MIN).then_some(row.filed_at),
        last_at: row.last_at,
        clock_s: row.clock_s,
        returns: row.returns,
        redos: row.redos,
        due_at: (row.due_at != i64::MIN).then_some(row.due_at),
    })
}

/// Each kind's time limit in working seconds under `calendar` (0 where it sets none: such
/// incidents have no due instant and no alert).
#[must_use]
pub fn limits_s(calendar: &WorkingCalendar) -> [i64; IncidentKind::ALL.len()] {
    let mut limits = [0; IncidentKind::ALL.len()];
    for kind in IncidentKind::ALL {
        #[allow(clippy::cast_possible_truncation)] // hours of a time limit, far below 2^63 s
        let s = calendar
            .time_limit_h(*kind)
            .map_or(0, |h| (h * 3600.0).round() as i64);
        limits[*kind as usize] = s;
    }
    limits
}

/// The alert of a row at working-clock reading `w_now` for a limit of `limit_s` (none
/// before filing or without a limit).
#[must_use]
pub fn alert_at(row: &HandlingRow, limit_s: i64, w_now: i64) -> Option<Alert> {
    (row.filed_at != i64::MIN && limit_s > 0).then(|| Alert::of(row.elapsed_at(w_now), limit_s))
}
