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
