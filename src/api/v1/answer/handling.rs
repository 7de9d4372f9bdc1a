//! Answers of the command centre's handling: the board, the queue, an incident's history.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// One group on the board.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingKpiOut {
    /// The grid's, community's or district's id (none for a department).
    pub id: Option<u64>,
    /// Its name (the department's name for a department).
    pub name: String,
    /// Incidents with a handling history.
    pub count: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    /// 按时办结率: closed within the limit over closed.
    pub on_time_share: Option<f64>,
    pub dispatched: u64,
    /// 回退率.
    pub return_rate: Option<f64>,
    /// 重办率.
    pub redo_rate: Option<f64>,
    /// Working hours on the clock at closing, the median.
    pub median_working_hours_to_close: Option<f64>,
    /// Open incidents past their limit at `at`.
    pub overdue_now: u64,
    /// `green`, `amber` or `red` (红黄绿) by `grade_rule`.
    pub grade: Option<String>,
}

/// The thresholds of the 红黄绿 grade.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeThresholds {
    pub green: f64,
    pub amber: f64,
    pub min_closed: u64,
}

/// `GET /api/v1/handling/kpis`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingKpisAnswer {
    pub by: String,
    /// The instant the clock was read at.
    pub at: String,
    pub grade_rule: String,
    /// The grade's thresholds as numbers: the on-time share from which a group is green,
    /// from which amber, and the fewest closed incidents graded.
    pub grade_thresholds: GradeThresholds,
    pub rates_rule: String,
    pub rows: Vec<HandlingKpiOut>,
}

/// One open incident on the queue.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueuedOut {
    pub id: u64,
    pub kind: String,
    pub state: String,
    pub department: Option<String>,
    pub grid_id: Option<u64>,
    pub community_id: Option<u64>,
    pub lon: f64,
    pub lat: f64,
    pub reported_at: String,
    pub filed_at: String,
    pub time_limit_h: f64,
    /// Working hours left (negative: overdue by that much).
    pub time_left_h: f64,
    /// When the limit runs out, or ran out.
    pub due_at: Option<String>,
    pub alert: String,
}

/// `GET /api/v1/handling/queue`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueAnswer {
    pub at: String,
    /// The share of its limit at which an incident turns amber.
    pub amber_share: f64,
    /// Open incidents matching, before `limit`.
    pub total: usize,
    pub amber: usize,
    pub red: usize,
    /// Least time left first.
    pub incidents: Vec<QueuedOut>,
}

/// One move of a history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOut {
    pub at: String,
    pub from: String,
    pub to: String,
    pub department: Option<String>,
    /// Who made it (operators and admins only).
    pub by: Option<String>,
    /// Its note (operators and admins only).
    pub note: Option<String>,
}

/// `GET /api/v1/incidents/{id}/history`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryAnswer {
    pub id: u64,
    /// The incident's properties now (its handling read at the time of asking).
    pub incident: Value,
    pub moves: Vec<MoveOut>,
}
