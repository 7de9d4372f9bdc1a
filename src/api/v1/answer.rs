//! Typed answers: a GeoJSON `FeatureCollection` with a `summary`, and its features. Each answer
//! type derives `Serialize` (the body the handler sends) and `JsonSchema` (the response schema
//! the OpenAPI document states, closed: `deny_unknown_fields` makes it refuse any field it
//! does not name), so the document describes what the code sends.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::ApiError;
use crate::model::{Period, format_local};

/// The `type` of a collection.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum CollectionType {
    FeatureCollection,
}

/// The `type` of a feature.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum FeatureType {
    Feature,
}

/// The `type` of a polygon.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum PolygonType {
    Polygon,
}

/// A GeoJSON `FeatureCollection` of `features` with a `summary`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Answer_{S}")]
pub struct Collection<P, S> {
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub summary: S,
    pub features: Vec<Feature<P>>,
}

impl<P: Serialize, S: Serialize> Collection<P, S> {
    /// The collection of `features` with `summary`.
    pub fn new(features: Vec<Feature<P>>, summary: S) -> Self {
        Self {
            kind: CollectionType::FeatureCollection,
            summary,
            features,
        }
    }

    /// As the JSON value the analytics cache stores.
    ///
    /// # Errors
    /// A value serde cannot write (not one of ours).
    pub fn into_value(self) -> Result<Value, ApiError> {
        serde_json::to_value(self).map_err(|e| ApiError::Internal(format!("an answer: {e}")))
    }
}

/// One H3 cell as a GeoJSON feature: its index as `id`, its hexagon, its `properties`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Cell_{P}")]
pub struct Feature<P> {
    #[serde(rename = "type")]
    pub kind: FeatureType,
    /// The cell's H3 index.
    pub id: String,
    pub geometry: CellPolygon,
    pub properties: P,
}

impl<P> Feature<P> {
    /// The feature of `cell` with `properties`.
    pub fn cell(cell: h3o::CellIndex, properties: P) -> Self {
        Self {
            kind: FeatureType::Feature,
            id: cell.to_string(),
            geometry: CellPolygon::of(cell),
            properties,
        }
    }
}

/// An H3 cell's hexagon as a GeoJSON `Polygon` (lon/lat, counter-clockwise, closed).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellPolygon {
    #[serde(rename = "type")]
    pub kind: PolygonType,
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

impl CellPolygon {
    /// The hexagon of `cell`.
    #[must_use]
    pub fn of(cell: h3o::CellIndex) -> Self {
        let polygon = crate::geodesy::cell_polygon(cell);
        Self {
            kind: PolygonType::Polygon,
            coordinates: vec![polygon.exterior().coords().map(|c| [c.x, c.y]).collect()],
        }
    }
}

/// The period an answer covers, in local time (UTC+08:00); `null` for an open end.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodOut {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl From<Period> for PeriodOut {
    fn from(p: Period) -> Self {
        Self {
            from: p.start.map(format_local),
            to: p.end.map(format_local),
        }
    }
}

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

/// Writes a type's schema into the generator's definitions and returns its reference.
pub type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

/// The response schema of each typed answer, by its path under `/api/v1`, for the OpenAPI
/// document.
pub const SCHEMAS: &[(&str, SchemaOf)] = &[
    ("/hexbins", |g| g.subschema_for::<Hexbins>()),
    ("/hotspots", |g| g.subschema_for::<Hotspots>()),
    ("/hotspots/emerging", |g| g.subschema_for::<Emerging>()),
];
