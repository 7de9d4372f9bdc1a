//! Answers about areas: the statistics of the grids and communities.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{AnyGeometry, Collection, PeriodOut};

/// An area's incident figures; for an aggregate-only reader an area of too few incidents has
/// every figure `null`, no kind listed and `suppressed: true`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct AreaFigures {
    pub count: Option<u32>,
    /// Incidents per kind (kinds without any, or too few to show, left out).
    pub counts: BTreeMap<String, u32>,
    pub rate_per_1000_households: Option<f64>,
    pub previous_count: Option<u32>,
    pub change_pct: Option<f64>,
    /// Two-sided p-value that the rate is unchanged from the previous period (环比): the exact
    /// test of two Poisson counts (binomial on this period's share, given the periods'
    /// lengths); `null` when both are zero.
    pub change_p: Option<f64>,
    /// The same period a year earlier (同比), its change and p-value.
    pub year_ago_count: Option<u32>,
    pub year_on_year_pct: Option<f64>,
    pub year_on_year_p: Option<f64>,
    pub resolved_share: Option<f64>,
    pub median_hours_to_resolve: Option<f64>,
    /// Present, and true, only when the figures are withheld.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

/// `GET /api/v1/stats/grids`: one grid cell and its figures.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GridStatsProperties {
    pub name: String,
    pub community_id: u64,
    pub households: u32,
    #[serde(flatten)]
    pub figures: AreaFigures,
}

/// `GET /api/v1/stats/communities`: one community and its figures.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityStatsProperties {
    pub name: String,
    pub district_id: u64,
    pub households: u32,
    #[serde(flatten)]
    pub figures: AreaFigures,
}

/// Incidents by hour of the week of the selection (`null` where too few to show).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekProfile {
    pub rows: &'static str,
    pub columns: &'static str,
    pub counts: Vec<Vec<Option<u32>>>,
}

/// The statistics' totals, the period and the one before it, and the week's profile.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaStatsSummary {
    pub total: u32,
    pub in_areas: u64,
    pub period: PeriodOut,
    pub previous_period: PeriodOut,
    pub year_ago_period: PeriodOut,
    pub profile: WeekProfile,
}

/// `GET /api/v1/stats/grids`: grid ids as feature ids, each as its outline.
pub type GridStats = Collection<GridStatsProperties, AreaStatsSummary, AnyGeometry, u64>;
/// `GET /api/v1/stats/communities`: community ids as feature ids, each as its outline.
pub type CommunityStats = Collection<CommunityStatsProperties, AreaStatsSummary, AnyGeometry, u64>;
