//! How the command centre handles an incident: the states it passes through, which moves are
//! legal, and its clock. The clock counts working time (the [`WorkingCalendar`]) from filing
//! (立案) against the kind's time limit, stops while the incident is parked (挂账) and stops at
//! closing; a return (回退) or a redo (重办) does not restart it. `status` keeps its old
//! meaning, derived from the state: reported, filed, returned and parked are open; dispatched,
//! handled and redo are assigned; closed is resolved.

use super::calendar::WorkingCalendar;
use super::{HandlingState, IncidentStatus};

/// One move of an incident's handling.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transition {
    /// Unix seconds.
    pub at: i64,
    pub from: HandlingState,
    pub to: HandlingState,
    /// The department it is dispatched to (required for `dispatched`).
    pub department: Option<String>,
    /// Who made the move.
    pub by: Option<String>,
    pub note: Option<String>,
}

/// One move of one incident, as files and stores keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub incident_id: u64,
    pub transition: Transition,
}

/// A move that does not follow from the ones before it (its position among the moves given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("move {position} (incident {incident_id}): {error}")]
pub struct BadMove {
    pub position: usize,
    pub incident_id: u64,
    pub error: TransitionError,
}

/// Folds moves (each incident's in the order made) into each incident's [`Record`] (its time
/// limit in working seconds from `limit_s` of its id, 0 for none), checking
/// every move as a write would: its `from` must be the state reached, the move legal, its time
/// not before the last.
///
/// # Errors
/// The first move that does not follow.
pub fn fold(
    moves: &[Move],
    calendar: &WorkingCalendar,
    limit_s: &dyn Fn(u64) -> i64,
) -> Result<rustc_hash::FxHashMap<u64, Record>, BadMove> {
    let mut records: rustc_hash::FxHashMap<u64, Record> = rustc_hash::FxHashMap::default();
    for (position, m) in moves.iter().enumerate() {
        let t = &m.transition;
        // An incident's first move starts from where it says: `reported`, or for an incident
        // that had only a status before its first move, the state that status implied.
        let record = records.entry(m.incident_id).or_insert_with(|| Record {
            state: t.from,
            ..Record::default()
        });
        let bad = |error| BadMove {
            position,
            incident_id: m.incident_id,
            error,
        };
        if t.from != record.state {
            return Err(bad(TransitionError::NotFrom {
                state: record.state,
                from: t.from,
            }));
        }
        record
            .check(t.to, t.at, t.department.as_deref())
            .map_err(bad)?;
        record.apply(
            calendar,
            (t.to, t.at, t.department.as_deref()),
            limit_s(m.incident_id),
        );
    }
    Ok(records)
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("an incident that is {from} cannot become {to}; from {from} it can become: {allowed}")]
    Illegal {
        from: HandlingState,
        to: HandlingState,
        allowed: String,
    },
    #[error("dispatching needs a department")]
    NoDepartment,
    #[error("the move is dated before the incident's last move")]
    BeforeLast,
    #[error("the move says it is from {from}, but the incident is {state}")]
    NotFrom {
        state: HandlingState,
        from: HandlingState,
    },
}

impl HandlingState {
    /// The states an incident in this state may move to.
    #[must_use]
    pub fn next(self) -> &'static [HandlingState] {
        use HandlingState::{Closed, Dispatched, Filed, Handled, Parked, Redo, Reported, Returned};
        match self {
            Reported => &[Filed],
            Filed => &[Dispatched, Parked],
            Dispatched => &[Handled, Parked],
            Handled => &[Closed, Returned],
            Returned | Redo | Parked => &[Dispatched],
            Closed => &[Redo],
        }
    }

    /// The status clients that predate handling records see.
    #[must_use]
    pub fn status(self) -> IncidentStatus {
        match self {
            Self::Reported | Self::Filed | Self::Returned | Self::Parked => IncidentStatus::Open,
            Self::Dispatched | Self::Handled | Self::Redo => IncidentStatus::Assigned,
            Self::Closed => IncidentStatus::Resolved,
        }
    }
}

/// Whether an incident in state `from`, last moved at `last_at`, may make the move `(to, at,
/// department)`: a legal move, a department for a dispatch, not dated before the last move.
fn check_move(
    from: HandlingState,
    last_at: Option<i64>,
    (to, at, department): (HandlingState, i64, Option<&str>),
) -> Result<(), TransitionError> {
    if !from.next().contains(&to) {
        return Err(TransitionError::Illegal {
            from,
            to,
            allowed: from
                .next()
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if to == HandlingState::Dispatched && department.is_none_or(|d| d.trim().is_empty()) {
        return Err(TransitionError::NoDepartment);
    }
    if last_at.is_some_and(|last| at < last) {
        return Err(TransitionError::BeforeLast);
    }
    Ok(())
}

/// An incident's handling: its moves in order, from `reported`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub moves: Vec<Transition>,
}

/// Green, amber past 80 % of the time limit, red past it (红黄绿).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    Green,
    Amber,
    Red,
}

/// The share of the time limit at which an incident turns amber.
pub const AMBER_SHARE: f64 = 0.8;

impl History {
    /// The current state.
    #[must_use]
    pub fn state(&self) -> HandlingState {
        self.moves.last().map_or(HandlingState::Reported, |m| m.to)
    }

    /// Checks a move against the current state and the last move's time.
    ///
    /// # Errors
    /// An illegal move, a dispatch without a department, or a move dated before the last.
    pub fn check(
        &self,
        to: HandlingState,
        at: i64,
        department: Option<&str>,
    ) -> Result<(), TransitionError> {
        check_move(
            self.state(),
            self.moves.last().map(|m| m.at),
            (to, at, department),
        )
    }

    /// Makes a move after [`Self::check`].
    ///
    /// # Errors
    /// As [`Self::check`]; the history is unchanged then.
    pub fn apply(
        &mut self,
        to: HandlingState,
        at: i64,
        department: Option<&str>,
        by: Option<&str>,
        note: Option<&str>,
    ) -> Result<(), TransitionError> {
        self.check(to, at, department)?;
        let department = department
            .map(str::to_owned)
            .or_else(|| self.department().map(str::to_owned));
        self.moves.push(Transition {
            at,
            from: self.state(),
            to,
            department,
            by: by.map(str::to_owned),
            note: note.map(str::to_owned),
        });
        Ok(())
    }

    /// The department it was last dispatched to.
    #[must_use]
    pub fn department(&self) -> Option<&str> {
        self.moves
            .iter()
            .rev()
            .find_map(|m| m.department.as_deref())
    }

    /// What the engine keeps of this history (see [`Record`]), its clock read on `calendar`
    /// against a limit of `limit_s` working seconds.
    #[must_use]
    pub fn record(&self, calendar: &WorkingCalendar, limit_s: i64) -> Record {
        let mut record = Record::default();
        for m in &self.moves {
            record.apply(calendar, (m.to, m.at, m.department.as_deref()), limit_s);
        }
        record
    }
}

/// An incident's handling as the engine keeps it: its state, its department and its clock
/// as of the last move, so that the clock, the due instant and the alert at any later instant
/// are one prefix-sum read, without the moves (which only the store keeps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub state: HandlingState,
    /// The department it was last dispatched to.
    pub department: Option<String>,
    /// When it was filed (the clock's start).
    pub filed_at: Option<i64>,
    /// When the last move was made (Unix seconds; 0 with no move).
    pub last_at: i64,
    /// Working seconds on the clock at `last_at`.
    pub clock_s: i64,
    /// How many times a department sent it back (回退).
    pub returns: u16,
    /// How many times it was reopened after a failed check (重办).
    pub redos: u16,
    /// When its time limit runs out, or ran out: filing plus the limit in working time,
    /// pushed on by any time the clock stood still (parked, closed) before it ran out. For an
    /// incident parked or closed in time, when it would have run out had the clock run on.
    pub due_at: Option<i64>,
}

impl Default for Record {
    fn default() -> Self {
        Self {
            state: HandlingState::Reported,
            department: None,
            filed_at: None,
            last_at: 0,
            clock_s: 0,
            returns: 0,
            redos: 0,
            due_at: None,
        }
    }
}

impl Record {
    /// The record of an incident without a handling history, from the status it was given:
    /// open is reported, assigned is dispatched, resolved is closed; the clock never started.
    #[must_use]
    pub fn of_status(status: IncidentStatus) -> Self {
        Self {
            state: match status {
                IncidentStatus::Open => HandlingState::Reported,
                IncidentStatus::Assigned => HandlingState::Dispatched,
                IncidentStatus::Resolved => HandlingState::Closed,
            },
            ..Self::default()
        }
    }

    /// Whether the clock runs: filed, and neither parked nor closed.
    #[must_use]
    pub fn running(&self) -> bool {
        self.filed_at.is_some()
            && !matches!(self.state, HandlingState::Parked | HandlingState::Closed)
    }

    /// Checks a move against the state and the last move's time.
    ///
    /// # Errors
    /// An illegal move, a dispatch without a department, or a move dated before the last.
    pub fn check(
        &self,
        to: HandlingState,
        at: i64,
        department: Option<&str>,
    ) -> Result<(), TransitionError> {
        check_move(self.state, Some(self.last_at), (to, at, department))
    }

    /// Folds in a move already checked (`to`, `at`, `department`): the clock advances over the
    /// span just ended if it was running, the counters and the department follow the move, and
    /// against a limit of `limit_s` (0: none) the due instant is set at filing and pushed on by
    /// the time the clock stood still when it starts again before running out.
    pub fn apply(
        &mut self,
        calendar: &WorkingCalendar,
        (to, at, department): (HandlingState, i64, Option<&str>),
        limit_s: i64,
    ) {
        let was_running = self.running();
        self.clock_s = self.elapsed_s(calendar, at);
        let resumes = self.filed_at.is_some()
            && !was_running
            && !matches!(to, HandlingState::Parked | HandlingState::Closed);
        if limit_s > 0 && resumes && self.clock_s < limit_s {
            self.due_at = Some(
                calendar.when_clock_reads(calendar.working_clock(at) + limit_s - self.clock_s),
            );
        }
        match to {
            HandlingState::Filed if self.filed_at.is_none() => {
                self.filed_at = Some(at);
                if limit_s > 0 {
                    self.due_at =
                        Some(calendar.when_clock_reads(calendar.working_clock(at) + limit_s));
                }
            }
            HandlingState::Returned => self.returns = self.returns.saturating_add(1),
            HandlingState::Redo => self.redos = self.redos.saturating_add(1),
            _ => {}
        }
        if let Some(d) = department {
            self.department = Some(d.to_owned());
        }
        self.state = to;
        self.last_at = at;
    }

    /// When it was closed, if it is closed now.
    #[must_use]
    pub fn closed_at(&self) -> Option<i64> {
        (self.state == HandlingState::Closed).then_some(self.last_at)
    }

    /// Working seconds on the clock at `now`: from filing, without the time it spent parked
    /// or closed before a redo; stopped at the close. Instants before the last move read the
    /// clock as the last move left it.
    #[must_use]
    pub fn elapsed_s(&self, calendar: &WorkingCalendar, now: i64) -> i64 {
        if self.running() && now > self.last_at {
            self.clock_s + calendar.working_seconds(self.last_at, now)
        } else {
            self.clock_s
        }
    }

    /// The alert at `now` for a limit of `limit_s` working seconds (a closed incident keeps
    /// the colour it closed with).
    #[must_use]
    pub fn alert(&self, calendar: &WorkingCalendar, limit_s: i64, now: i64) -> Alert {
        Alert::of(self.elapsed_s(calendar, now), limit_s)
    }
}

impl Alert {
    /// The alert of a clock showing `elapsed_s` against `limit_s` working seconds.
    #[must_use]
    pub fn of(elapsed_s: i64, limit_s: i64) -> Self {
        // Amber from 80 %: elapsed ≥ 0.8 · limit, in integers (5 · elapsed ≥ 4 · limit).
        if elapsed_s > limit_s {
            Self::Red
        } else if 5 * elapsed_s >= 4 * limit_s {
            Self::Amber
        } else {
            Self::Green
        }
    }

    /// Its name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Amber => "amber",
            Self::Red => "red",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HandlingState::{Closed, Dispatched, Filed, Handled, Parked, Redo, Reported, Returned};

    /// A local time written `YYYY-MM-DD HH:MM`.
    fn at(s: &str) -> i64 {
        crate::model::parse_instant(&format!("{}:00", s.replacen(' ', "T", 1))).unwrap()
    }

    #[test]
    fn every_legal_and_illegal_move() {
        let legal = [
            (Reported, Filed),
            (Filed, Dispatched),
            (Filed, Parked),
            (Dispatched, Handled),
            (Dispatched, Parked),
            (Handled, Closed),
            (Handled, Returned),
            (Returned, Dispatched),
            (Closed, Redo),
            (Redo, Dispatched),
            (Parked, Dispatched),
        ];
        for from in HandlingState::ALL {
            for to in HandlingState::ALL {
                let expected = legal.contains(&(*from, *to));
                assert_eq!(from.next().contains(to), expected, "{from} → {to}");
                // Reach `from` by a legal path, then try the move.
                let path: &[HandlingState] = match from {
                    Reported => &[],
                    Filed => &[Filed],
                    Dispatched => &[Filed, Dispatched],
                    Handled => &[Filed, Dispatched, Handled],
                    Closed => &[Filed, Dispatched, Handled, Closed],
                    Returned => &[Filed, Dispatched, Handled, Returned],
                    Redo => &[Filed, Dispatched, Handled, Closed, Redo],
                    Parked => &[Filed, Parked],
                };
                let mut h = History::default();
                for (i, s) in path.iter().enumerate() {
                    h.apply(*s, i as i64, Some("城管"), None, None).unwrap();
                }
                assert_eq!(h.state(), *from);
                let before = h.clone();
                let result = h.apply(*to, 100, Some("城管"), Some("op"), None);
                assert_eq!(result.is_ok(), expected, "{from} → {to}: {result:?}");
                if !expected {
                    assert_eq!(h, before, "a refused move changes nothing");
                }
            }
        }
    }

    #[test]
    fn folding_checks_each_move_and_starts_where_the_first_says() {
        let c = WorkingCalendar::bundled();
        let m = |id: u64, at: i64, from: HandlingState, to: HandlingState| Move {
            incident_id: id,
            transition: Transition {
                at,
                from,
                to,
                department: (to == Dispatched).then(|| "城管".to_owned()),
                by: None,
                note: None,
            },
        };
        let t0 = at("2021-03-08 09:00");
        let moves = [
            m(1, t0, Reported, Filed),
            m(1, t0 + 600, Filed, Dispatched),
            // Incident 2 had only a status (assigned) before its first move.
            m(2, t0, Dispatched, Handled),
            m(2, t0 + 60, Handled, Closed),
        ];
        let records = fold(&moves, &c, &|_| 3600).unwrap();
        assert_eq!(records[&1].state, Dispatched);
        assert_eq!(records[&1].due_at, Some(at("2021-03-08 10:00")));
        assert_eq!(records[&2].state, Closed);
        assert_eq!(records[&2].filed_at, None);
        let broken = [m(1, t0, Reported, Filed), m(1, t0 + 1, Dispatched, Handled)];
        assert_eq!(
            fold(&broken, &c, &|_| 0).unwrap_err().error,
            TransitionError::NotFrom {
                state: Filed,
                from: Dispatched
            }
        );
        let backwards = [m(1, t0, Reported, Filed), m(1, t0 - 1, Filed, Parked)];
        assert_eq!(fold(&backwards, &c, &|_| 0).unwrap_err().position, 1);
    }

    #[test]
    fn dispatch_needs_a_department_and_time_goes_forward() {
        let mut h = History::default();
        h.apply(Filed, 10, None, None, None).unwrap();
        assert_eq!(
            h.apply(Dispatched, 20, None, None, None),
            Err(TransitionError::NoDepartment)
        );
        assert_eq!(
            h.apply(Dispatched, 5, Some("住建"), None, None),
            Err(TransitionError::BeforeLast)
        );
        h.apply(Dispatched, 20, Some("住建"), None, None).unwrap();
        assert_eq!(h.department(), Some("住建"));
        assert_eq!(h.state().status(), IncidentStatus::Assigned);
    }

    #[test]
    fn the_clock_counts_working_time_and_stops_while_parked() {
        let c = WorkingCalendar::bundled();
        let mut h = History::default();
        // Filed Friday 16:30; a 2-hour limit runs out Monday 09:30.
        h.apply(Filed, at("2021-03-05 16:30"), None, None, None)
            .unwrap();
        assert_eq!(h.record(&c, 7200).due_at, Some(at("2021-03-08 09:30")));
        h.apply(Dispatched, at("2021-03-05 17:00"), Some("城管"), None, None)
            .unwrap();
        // Monday 09:00: 1.5 h of 2, green; 09:10, past 80 %, amber.
        assert_eq!(
            h.record(&c, 7200).alert(&c, 7200, at("2021-03-08 09:00")),
            Alert::Green
        );
        assert_eq!(
            h.record(&c, 7200).alert(&c, 7200, at("2021-03-08 09:10")),
            Alert::Amber
        );
        assert_eq!(
            h.record(&c, 7200).alert(&c, 7200, at("2021-03-05 17:00")),
            Alert::Green
        );
        // Parked from Monday 09:00 to Wednesday 09:00: those working hours do not count.
        h.apply(Parked, at("2021-03-08 09:00"), None, None, None)
            .unwrap();
        h.apply(Dispatched, at("2021-03-10 09:00"), Some("城管"), None, None)
            .unwrap();
        assert_eq!(
            h.record(&c, 7200).elapsed_s(&c, at("2021-03-10 09:00")),
            5400
        );
        assert_eq!(h.record(&c, 7200).due_at, Some(at("2021-03-10 09:30")));
        assert_eq!(
            h.record(&c, 7200).alert(&c, 7200, at("2021-03-10 10:00")),
            Alert::Red
        );
        // Closed at 10:00 (overdue), then reopened: the clock resumes from the close.
        h.apply(Handled, at("2021-03-10 09:45"), None, None, None)
            .unwrap();
        h.apply(Closed, at("2021-03-10 10:00"), None, None, None)
            .unwrap();
        assert_eq!(h.record(&c, 7200).closed_at(), Some(at("2021-03-10 10:00")));
        assert_eq!(
            h.record(&c, 7200).elapsed_s(&c, at("2021-03-20 10:00")),
            7200 + 1800
        );
        h.apply(Redo, at("2021-03-11 09:00"), None, None, None)
            .unwrap();
        let r = h.record(&c, 7200);
        assert_eq!((r.returns, r.redos), (0, 1));
        // The closed night does not count: Thursday 08:30–09:00 was still closed.
        assert_eq!(
            h.record(&c, 7200).elapsed_s(&c, at("2021-03-11 10:00")),
            9000 + 3600
        );
        assert_eq!(h.state().status(), IncidentStatus::Assigned);
        assert_eq!(h.record(&c, 7200).closed_at(), None);
    }
}
