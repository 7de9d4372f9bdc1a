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
