//! Answers about H3 cells: hexbins, Gi* hot spots, emerging hot spots.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Collection, PeriodOut};

/// `GET /api/v1/hexbins`: one cell's incidents.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HexbinProperties {
    pub h3: String,
    pub count: u32,
    /// Incidents per kind (kinds without any, or hidden from an aggregate-only reader, left
    /// out).
    pub counts: BTreeMap<String, u32>,
}

/// `GET /api/v1/hexbins`: what the cells hold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HexbinSummary {
    pub total: u64,
    pub cells: usize,
    /// Cells an aggregate-only reader may not see (fewer than 3 incidents).
    pub suppressed_cells: usize,
    pub res: u8,
    pub period: PeriodOut,
}

/// `GET /api/v1/hotspots`: one cell's Gi*.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HotspotProperties {
    pub h3: String,
    pub count: f64,
    pub gi_z: f64,
    pub p: f64,
    /// −3..=+3: cold or hot at 99, 95 or 90 % confidence after FDR; 0 not significant.
    pub class: i8,
}

/// `GET /api/v1/hotspots`: the study area and its classes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HotspotSummary {
    pub cells: usize,
    pub total: f64,
    pub res: u8,
    pub k: u32,
    /// Cells per class, "-3" to "3".
    pub classes: BTreeMap<String, usize>,
    pub correction: &'static str,
    pub period: PeriodOut,
}

/// `GET /api/v1/hotspots/emerging`: one cell's pattern over time.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergingProperties {
    pub h3: String,
    pub category: crate::analytics::emerging::Category,
    pub count: f64,
    pub trend_z: f64,
    pub trend_p: f64,
    pub hot_steps: u32,
    pub cold_steps: u32,
}

/// `GET /api/v1/hotspots/emerging`: the cube and its categories.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergingSummary {
    pub cells: usize,
    pub steps: usize,
    pub step: &'static str,
    pub res: u8,
    pub k: u32,
    pub time_window: u32,
    /// Cells per category.
    pub categories: BTreeMap<String, usize>,
    pub period: PeriodOut,
}

/// `GET /api/v1/hexbins`.
pub type Hexbins = Collection<HexbinProperties, HexbinSummary>;
/// `GET /api/v1/hotspots`.
pub type Hotspots = Collection<HotspotProperties, HotspotSummary>;
/// `GET /api/v1/hotspots/emerging`.
pub type Emerging = Collection<EmergingProperties, EmergingSummary>;
