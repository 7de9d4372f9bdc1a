//! Answers about access to resources: life-circle gaps, capacity (2SFCA), new sites.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{AnyGeometry, Collection, PointGeometry};
use crate::model::ResourceKind;

/// `GET /api/v1/access/gaps` with `features=true`: a home beyond the smallest threshold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HomeBeyond {
    pub building_id: u64,
    pub households: u32,
    /// `null` when no resource of the kinds is reachable.
    pub distance_m: Option<f64>,
    pub nearest_id: Option<u64>,
    /// The largest threshold the home is beyond.
    pub beyond_m: f64,
    pub grid_id: Option<u64>,
    pub community_id: Option<u64>,
}

/// `GET /api/v1/access/gaps` with `features=cells`: an H3 cell's households and those beyond
/// each threshold, as a list and as `beyond_{threshold}` (for map styles).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CellBeyond {
    pub h3: String,
    pub households: u64,
    pub households_beyond: Vec<u64>,
    #[serde(flatten)]
    pub beyond: BTreeMap<String, u64>,
}

/// A home (by building id) or a cell (by H3 index).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum GapId {
    Building(u64),
    Cell(String),
}

/// A gaps feature: a home or a cell, as `features` asks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum GapProperties {
    Home(HomeBeyond),
    Cell(CellBeyond),
}

/// The households and buildings beyond one threshold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdReach {
    pub threshold_m: f64,
    pub households_beyond: u64,
    pub buildings_beyond: u64,
}

/// A community's households beyond each threshold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityBeyond {
    pub community_id: u64,
    pub name: Option<String>,
    pub households_beyond: Vec<u64>,
}

/// A grid cell's households beyond each threshold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GridBeyond {
    pub grid_id: u64,
    pub name: Option<String>,
    pub households_beyond: Vec<u64>,
}

/// An H3 cell's households, and those beyond each threshold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellSums {
    pub h3: String,
    pub households: u64,
    pub households_beyond: Vec<u64>,
}

/// `GET /api/v1/access/gaps`: the households beyond each threshold, city-wide and per area.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GapsSummary {
    pub mode: &'static str,
    pub kinds: Vec<ResourceKind>,
    pub thresholds_m: Vec<f64>,
    pub households_total: u64,
    pub buildings_total: u64,
    pub beyond: Vec<ThresholdReach>,
    pub per_community: Vec<CommunityBeyond>,
    pub per_grid: Vec<GridBeyond>,
    pub h3_res: u8,
    pub per_h3: Vec<CellSums>,
    pub standard: &'static str,
}

/// `GET /api/v1/access/gaps`.
pub type Gaps = Collection<GapProperties, GapsSummary, AnyGeometry, GapId>;

/// `GET /api/v1/access/fca`: a resource with its ratio, or a building with its score.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "feature", rename_all = "snake_case", deny_unknown_fields)]
pub enum FcaProperties {
    Resource {
        resource_id: u64,
        kind: ResourceKind,
        name: String,
        capacity: u32,
        demand: f64,
        /// Capacity per household in the catchment; `null` without demand.
        ratio: Option<f64>,
    },
    Building {
        building_id: u64,
        households: u32,
        score: f64,
        grid_id: Option<u64>,
        community_id: Option<u64>,
    },
}

/// One step of an enhanced 2SFCA's weights.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightStep {
    pub up_to_m: f64,
    pub weight: f64,
}

/// How demand decays with distance.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WeightOut {
    Uniform {},
    E2sfca { steps: Vec<WeightStep> },
    Gaussian { sigma_m: f64 },
}

/// A community's household-weighted mean score.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityScore {
    pub community_id: u64,
    pub households: f64,
    pub mean_score: f64,
}

/// A grid cell's household-weighted mean score.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GridScore {
    pub grid_id: u64,
    pub households: f64,
    pub mean_score: f64,
}

/// `GET /api/v1/access/fca`: the parameters, the supply reached and the scores per area.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FcaSummary {
    pub mode: &'static str,
    pub kinds: Vec<ResourceKind>,
    pub catchment_m: f64,
    pub weights: WeightOut,
    pub resources: usize,
    pub resources_with_demand: usize,
    pub supply_reached: f64,
    pub households_times_score: f64,
    pub per_grid: Vec<GridScore>,
    pub lowest_grids: Vec<GridScore>,
    pub per_community: Vec<CommunityScore>,
    pub method: &'static str,
}

/// `GET /api/v1/access/fca`: ids `resource.{id}` and `building.{id}`, each a point.
pub type Fca = Collection<FcaProperties, FcaSummary, PointGeometry>;

/// `POST /api/v1/access/sites`: one chosen site.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteProperties {
    /// 1 is chosen first.
    pub rank: usize,
    pub households_gained: u64,
    pub household_metres_saved: f64,
    pub h3: Option<String>,
}

/// `POST /api/v1/access/sites`: what was asked, the candidates and the households served
/// before and after, with the bound no choice of k candidates can beat.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SitesSummary {
    pub mode: &'static str,
    pub kinds: Vec<ResourceKind>,
    pub objective: &'static str,
    pub k: u64,
    pub threshold_m: f64,
    pub candidates: usize,
    pub candidates_from: &'static str,
    pub households_total: u64,
    pub households_covered_before: u64,
    pub households_covered_after: u64,
    pub weighted_distance_before_m: f64,
    pub weighted_distance_after_m: f64,
    pub optimality_bound: f64,
    pub optimality_bound_of: &'static str,
    pub method: &'static str,
}

/// `POST /api/v1/access/sites`: sites by rank.
pub type Sites = Collection<SiteProperties, SitesSummary, PointGeometry, usize>;
