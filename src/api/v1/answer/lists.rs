//! The answers about the governance lists.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Collection, LineStringGeometry};
use crate::model::lists::ListCategory;

/// One proposed pair: households of a need served by a unit's offer, drawn from the unit to
/// the need.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchPairProperties {
    pub resource_id: u64,
    pub unit_id: u64,
    pub unit_name: String,
    pub demand_id: u64,
    pub community_id: u64,
    pub category: ListCategory,
    pub category_zh: &'static str,
    pub households: u64,
    /// Whole metres on foot (or in a straight line without streets).
    pub walk_m: u64,
}

/// A need no offer can serve in full.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmetDemand {
    pub demand_id: u64,
    pub community_id: u64,
    pub category: ListCategory,
    pub households: u64,
    pub households_left: u64,
    pub lon: f64,
    pub lat: f64,
}

/// An offer with capacity no need took.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdleResource {
    pub resource_id: u64,
    pub unit_id: u64,
    pub unit_name: String,
    pub category: ListCategory,
    pub capacity: u64,
    pub capacity_left: u64,
}

/// What the match answered, and how.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchSummary {
    pub quarter: String,
    pub community: Option<u64>,
    pub max_walk_m: f64,
    pub mode: &'static str,
    /// Resource items offered in the quarter, and open needs raised by its end.
    pub resource_items: usize,
    pub demand_items: usize,
    pub households_open: u64,
    /// Households the offers can still serve: their capacity less what the quarter's
    /// projects draw from them.
    pub capacity: u64,
    pub households_served: u64,
    /// Σ households × walking metres over the pairs: the least among the assignments that
    /// serve `households_served`, the most that can be served.
    pub household_metres: u64,
    pub unmet: Vec<UnmetDemand>,
    pub idle: Vec<IdleResource>,
    /// Needs or units too far from any street to be paired.
    pub not_joined: usize,
    pub method: &'static str,
}

/// `POST /api/v1/lists/match`: the proposed pairs.
pub type ListMatch = Collection<MatchPairProperties, MatchSummary, LineStringGeometry, usize>;

/// One stop of an inspection round.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionStopProperties {
    /// 1 for the first stop.
    pub order: usize,
    /// The hot cell (H3 res 9).
    pub cell: String,
    pub community_id: u64,
    /// Incidents of the team's kinds in the cell over the period: the stop's gain.
    pub incidents: f64,
    /// Minutes from the start to the arrival, and metres from the stop before (or the start).
    pub arrive_min: f64,
    pub leg_m: u64,
}

/// The round, and how it was found.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionSummary {
    pub start: [f64; 2],
    pub mode: &'static str,
    pub budget_min: f64,
    pub service_min: f64,
    pub kinds: Vec<crate::model::IncidentKind>,
    pub period: super::PeriodOut,
    /// Hot cells considered (most incidents first, at most `max_stops`), and those left out
    /// for being too far from any street.
    pub candidates: usize,
    pub not_joined: usize,
    pub stops: usize,
    /// Minutes the round takes, travel and stops (never more than the budget).
    pub minutes: f64,
    pub incidents: f64,
    /// Whether the round is the best possible; if not, no round gains more than `bound`.
    pub exact: bool,
    pub bound: f64,
    pub method: &'static str,
}

/// `POST /api/v1/inspections/plan`: the stops in order.
pub type InspectionPlan =
    Collection<InspectionStopProperties, InspectionSummary, super::PointGeometry, usize>;

/// One joint inspection done.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRecordProperties {
    pub community_id: u64,
    /// Local time, UTC+08:00.
    pub at: String,
    pub agencies: Vec<crate::model::inspections::Agency>,
    pub kinds: Vec<crate::model::IncidentKind>,
    pub problems_found: u32,
    pub problems_solved: u32,
}

/// A count under one name (an agency, a kind, a category).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedCount {
    pub name: String,
    pub name_zh: &'static str,
    pub count: u64,
}

/// The inspections' totals, as the seed counts them ("联合执法321次，解决问题304个").
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionsSummary {
    pub period: super::PeriodOut,
    pub community: Option<u64>,
    pub inspections: u64,
    pub problems_found: u64,
    pub problems_solved: u64,
    /// Inspections each agency took part in.
    pub by_agency: Vec<NamedCount>,
    /// Inspections that looked into each kind.
    pub by_kind: Vec<NamedCount>,
}

/// `GET /api/v1/inspections`: the records, oldest first.
pub type Inspections =
    Collection<InspectionRecordProperties, InspectionsSummary, super::PointGeometry, u64>;

/// One category's figures on the lists.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryFigures {
    pub category: ListCategory,
    pub category_zh: &'static str,
    pub resource_items: u64,
    pub capacity: u64,
    pub open_demands: u64,
    pub households_open: u64,
}

/// A project on the quarter's list, its status as at the quarter's end.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectLine {
    pub id: u64,
    pub name: String,
    pub category: ListCategory,
    pub status: crate::model::lists::ProjectStatus,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub households: u32,
}

/// `GET /api/v1/lists/summary`: the lists as the committee reviews them in a quarter.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListsSummary {
    pub quarter: String,
    pub community: Option<u64>,
    /// Units in the area.
    pub units: u64,
    /// Resource items offered in the quarter, and the households they can serve.
    pub resource_items: u64,
    pub capacity: u64,
    pub hours: u64,
    /// Needs raised by the quarter's end and still open, and their households.
    pub open_demands: u64,
    pub households_open: u64,
    /// Needs raised in the quarter.
    pub demands_raised: u64,
    /// Projects open at some time in the quarter, by status now; those closed in it and the
    /// households they helped.
    pub projects_active: u64,
    pub projects_done_in_quarter: u64,
    pub households_helped_in_quarter: u64,
    /// Every done project's households, up to the quarter's end.
    pub households_helped_to_date: u64,
    pub by_category: Vec<CategoryFigures>,
    /// The projects open at some time in the quarter.
    pub projects: Vec<ProjectLine>,
}
