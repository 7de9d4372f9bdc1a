//! Answers of the analyst's methods: near-repeat, aoristic, kernel density and the backtest.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Collection, PeriodOut, PolygonType};
use crate::analytics::backtest::Method;

/// `GET /api/v1/near-repeat`: one (distance band, time band) cell.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NearRepeatBand {
    /// The band holds pairs `from < distance ≤ to` (the first from 0 inclusive).
    pub distance_from_m: f64,
    pub distance_to_m: f64,
    /// … and `from < |Δt| ≤ to` days.
    pub time_from_days: f64,
    pub time_to_days: f64,
    pub observed: u64,
    /// Mean and standard deviation of the pairs over the permutations.
    pub expected: f64,
    pub sd: f64,
    /// `observed / expected` (null when no permutation put a pair here).
    pub knox_ratio: Option<f64>,
    /// `(1 + permutations with as many pairs or more) / (1 + permutations)`.
    pub p_value: f64,
}

/// The classic Knox test on the first distance and time band.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnoxOut {
    pub distance_m: f64,
    pub days: f64,
    pub spatial_pairs: u64,
    pub temporal_pairs: u64,
    pub space_time_pairs: u64,
    pub pairs: u64,
    pub expected: f64,
    /// `observed / expected` (null when none are expected).
    pub ratio: Option<f64>,
    /// `P(N ≥ observed)`, `N ~ Poisson(expected)`.
    pub p_poisson: f64,
    /// The Monte Carlo p-value under the same permutations as the bands.
    pub p_value: f64,
}

/// `GET /api/v1/near-repeat`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NearRepeatAnswer {
    pub incidents: usize,
    pub permutations: u32,
    pub seed: u64,
    pub period: PeriodOut,
    pub method: &'static str,
    pub bands: Vec<NearRepeatBand>,
    pub knox: KnoxOut,
}

/// `GET /api/v1/aoristic`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AoristicAnswer {
    /// Incidents counted; the table sums to this.
    pub incidents: usize,
    /// Of them, known only to a window.
    pub with_window: usize,
    pub period: PeriodOut,
    pub rows: &'static str,
    pub columns: &'static str,
    /// `weights[weekday][hour]`.
    pub weights: Vec<Vec<f64>>,
    pub by_weekday: Vec<f64>,
    pub by_hour: Vec<f64>,
    pub method: &'static str,
}

/// A square cell as a GeoJSON `Polygon` (lon/lat, counter-clockwise, closed).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SquarePolygon {
    #[serde(rename = "type")]
    pub kind: PolygonType,
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

/// `GET /api/v1/kde`: one cell's density.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KdeProperties {
    pub column: usize,
    pub row: usize,
    /// Incidents per km² at the cell's centre.
    pub density_per_km2: f64,
}

/// `GET /api/v1/kde`: the surface.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KdeSummary {
    pub incidents: usize,
    pub kernel: &'static str,
    pub bandwidth_m: f64,
    /// `given`, or the rule that chose it.
    pub bandwidth_rule: &'static str,
    pub cell_m: f64,
    pub columns: usize,
    pub rows: usize,
    /// `minLon,minLat,maxLon,maxLat` of the raster.
    pub bbox: [f64; 4],
    pub max_density_per_km2: f64,
    /// Cells with a density above zero (the features; the others are left out).
    pub cells: usize,
    pub period: PeriodOut,
}

/// `GET /api/v1/kde`.
pub type Kde = Collection<KdeProperties, KdeSummary, SquarePolygon, String>;

/// One method's score in one step.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestScore {
    pub method: Method,
    pub hits: u64,
    pub best_hits: u64,
    pub hit_rate: Option<f64>,
    pub pai: Option<f64>,
    pub pei: Option<f64>,
}

/// One step of the backtest.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestStep {
    pub from: String,
    pub to: String,
    pub incidents: u64,
    pub scores: Vec<BacktestScore>,
}

/// One method over all steps.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestMean {
    pub method: Method,
    /// Mean over the steps with incidents.
    pub hit_rate: Option<f64>,
    pub pai: Option<f64>,
    pub pei: Option<f64>,
    /// Hits and incidents summed over the steps.
    pub hits: u64,
    pub incidents: u64,
}

/// `GET /api/v1/forecast/backtest`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestAnswer {
    pub step: &'static str,
    pub res: u8,
    pub cells: usize,
    pub cells_chosen: usize,
    pub area_share: f64,
    pub lookback_steps: usize,
    pub bandwidth_m: f64,
    pub period: PeriodOut,
    pub steps: Vec<BacktestStep>,
    pub methods: Vec<BacktestMean>,
    /// The method with the highest mean PEI (null without incidents).
    pub best: Option<Method>,
    pub method: &'static str,
}
