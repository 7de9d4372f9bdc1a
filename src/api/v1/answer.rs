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

/// Any typed answer as the JSON value the analytics cache stores.
///
/// # Errors
/// A value serde cannot write (not one of ours).
pub fn to_value<T: Serialize>(answer: &T) -> Result<Value, ApiError> {
    serde_json::to_value(answer).map_err(|e| ApiError::Internal(format!("an answer: {e}")))
}

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
pub struct Collection<P, S, G = CellPolygon, I = String> {
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub summary: S,
    pub features: Vec<Feature<P, G, I>>,
}

impl<P: Serialize, S: Serialize, G: Serialize, I: Serialize> Collection<P, S, G, I> {
    /// The collection of `features` with `summary`.
    pub fn new(features: Vec<Feature<P, G, I>>, summary: S) -> Self {
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
        to_value(&self)
    }
}

/// A GeoJSON feature: by default an H3 cell, its index as `id` and its hexagon as geometry.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Feature_{P}")]
pub struct Feature<P, G = CellPolygon, I = String> {
    #[serde(rename = "type")]
    pub kind: FeatureType,
    pub id: I,
    pub geometry: G,
    pub properties: P,
}

impl<P, G, I> Feature<P, G, I> {
    /// The feature `id` at `geometry` with `properties`.
    pub fn new(id: I, geometry: G, properties: P) -> Self {
        Self {
            kind: FeatureType::Feature,
            id,
            geometry,
            properties,
        }
    }
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

/// The `type` of a point.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum PointType {
    Point,
}

/// A GeoJSON `Point` (lon, lat).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointGeometry {
    #[serde(rename = "type")]
    pub kind: PointType,
    pub coordinates: [f64; 2],
}

impl From<geo::Point> for PointGeometry {
    fn from(p: geo::Point) -> Self {
        Self {
            kind: PointType::Point,
            coordinates: [p.x(), p.y()],
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

/// An hour of the week: weekday 1 (Monday) to 7, hour 0 to 23, local time.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub weekday: usize,
    pub hour: usize,
}

impl Slot {
    /// The slot of hour of week `h` (Monday 00:00 is 0).
    #[must_use]
    pub fn of(h: usize) -> Self {
        Self {
            weekday: h / 24 + 1,
            hour: h % 24,
        }
    }
}

/// `GET /api/v1/patrol/teams`: one team, at a point inside its community.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamProperties {
    pub community_id: u64,
    pub community: String,
    pub team: Option<String>,
    pub routes: usize,
    pub route_ids: Vec<u64>,
    pub tracks: usize,
    /// The hot cells it is judged on.
    pub hotspots: usize,
    pub hotspot_source: Option<crate::analytics::patrol::hot_cells::HotSource>,
    pub hotspot_incidents: f64,
    pub hotspots_reached_share: Option<f64>,
    pub route_walked_share: Option<f64>,
    pub minutes_per_week_at_hotspots: f64,
    pub koper_share: Option<f64>,
    pub incidents: u64,
    pub timing_score: f64,
    pub timing_vs_best: f64,
    pub best_slot: Slot,
    pub best_score: f64,
    pub ranked: bool,
    /// 1 is the worst; `null` for a team with nothing to be judged on.
    pub rank: Option<usize>,
    pub mean_rank: Option<f64>,
}

/// `GET /api/v1/patrol/teams`: how many teams, on what they are judged, the rank's rule.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSummary {
    pub teams: usize,
    pub ranked: usize,
    pub unranked: usize,
    pub judged_on_gi_star_hotspots: usize,
    pub judged_on_own_busiest_cells: usize,
    pub period: PeriodOut,
    pub order: &'static str,
}

/// The `type` of a line string.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum LineStringType {
    LineString,
}

/// The `type` of a multi-polygon.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum MultiPolygonType {
    MultiPolygon,
}

/// A GeoJSON `LineString` (lon, lat).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineStringGeometry {
    #[serde(rename = "type")]
    pub kind: LineStringType,
    pub coordinates: Vec<[f64; 2]>,
}

/// A GeoJSON `MultiPolygon` (lon, lat; exterior rings counter-clockwise).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiPolygonGeometry {
    #[serde(rename = "type")]
    pub kind: MultiPolygonType,
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

impl From<&geo::MultiPolygon> for MultiPolygonGeometry {
    fn from(m: &geo::MultiPolygon) -> Self {
        let ring = |r: &geo::LineString| r.coords().map(|c| [c.x, c.y]).collect::<Vec<_>>();
        Self {
            kind: MultiPolygonType::MultiPolygon,
            coordinates: m
                .0
                .iter()
                .map(|p| {
                    std::iter::once(ring(p.exterior()))
                        .chain(p.interiors().iter().map(ring))
                        .collect()
                })
                .collect(),
        }
    }
}

/// A GeoJSON feature without an id (a walk, an isochrone: nothing to name them by).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Unnamed_{P}")]
pub struct Unnamed<P, G> {
    #[serde(rename = "type")]
    pub kind: FeatureType,
    pub geometry: G,
    pub properties: P,
}

impl<P, G> Unnamed<P, G> {
    /// The feature at `geometry` with `properties`.
    pub fn new(geometry: G, properties: P) -> Self {
        Self {
            kind: FeatureType::Feature,
            geometry,
            properties,
        }
    }
}

/// `GET /api/v1/route`: the walk.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteProperties {
    pub mode: &'static str,
    pub length_m: f64,
    pub straight_m: f64,
    /// Walk over straight line; `null` when the two points are one.
    pub circuity: Option<f64>,
    pub minutes: f64,
    pub from_connector_m: f64,
    pub to_connector_m: f64,
    pub walk_m_per_min: f64,
}

/// `GET /api/v1/isochrones`: one distance's reach.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IsochroneProperties {
    pub distance_m: f64,
    pub minutes: f64,
    pub area_km2: f64,
}

/// `GET /api/v1/isochrones`: where the walks start and how they are drawn.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IsochroneSummary {
    pub mode: &'static str,
    pub from: [f64; 2],
    pub connector_m: f64,
    pub walk_m_per_min: f64,
    pub method: &'static str,
}

/// A collection of features without ids, with a summary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Unnamed_{S}")]
pub struct UnnamedCollection<P, S, G> {
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub summary: S,
    pub features: Vec<Unnamed<P, G>>,
}

impl<P: Serialize, S: Serialize, G: Serialize> UnnamedCollection<P, S, G> {
    /// As the JSON value the analytics cache stores.
    ///
    /// # Errors
    /// A value serde cannot write (not one of ours).
    pub fn into_value(self) -> Result<Value, ApiError> {
        to_value(&self)
    }
}

/// `GET /api/v1/route`.
pub type Route = Unnamed<RouteProperties, LineStringGeometry>;
/// `GET /api/v1/isochrones`.
pub type Isochrones =
    UnnamedCollection<IsochroneProperties, IsochroneSummary, MultiPolygonGeometry>;

/// `GET /api/v1/nearest`: one resource found (also each entry of a `POST` point's `nearest`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NearestProperties {
    /// 1 is the nearest.
    pub rank: usize,
    pub resource_id: u64,
    pub kind: &'static str,
    pub name: String,
    pub distance_m: f64,
    /// On foot only: the straight-line distance and the minutes of the walk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub straight_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
}

/// `GET /api/v1/nearest`: what was asked and how many were found.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NearestSummary {
    pub mode: &'static str,
    pub from: [f64; 2],
    pub k: usize,
    pub max_m: f64,
    pub found: usize,
}

/// `GET /api/v1/nearest`: resource ids as feature ids, each at its point.
pub type Nearest = Collection<NearestProperties, NearestSummary, PointGeometry, u64>;

/// `GET /api/v1/streets/summary`: one community's walk from its homes to its office.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuityProperties {
    pub community_id: u64,
    pub name: String,
    pub office_id: Option<u64>,
    pub homes: usize,
    pub median_circuity: Option<f64>,
    pub median_walk_m: Option<f64>,
}

/// `GET /api/v1/streets/summary`: communities by id, each as its outline.
pub type StreetsSummary = Collection<
    CircuityProperties,
    crate::analytics::streets::StreetSummary,
    MultiPolygonGeometry,
    u64,
>;

/// What a patrol answer is about: a route (with its team), a track (with its team) or a
/// community's routes and tracks.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatrolSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// `GET /api/v1/patrol/dosage`: one visit of a track to a hot cell.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitOut {
    pub track_id: u64,
    pub entry: String,
    pub exit: String,
    pub minutes: f64,
    /// Koper's band: pass, short, koper or long.
    pub class: &'static str,
}

/// `GET /api/v1/patrol/dosage`: one hot cell's dose.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DosageProperties {
    pub h3: String,
    pub minutes: f64,
    pub minutes_per_week: f64,
    pub koper_share: f64,
    pub longest_gap_h: f64,
    pub visits: Vec<VisitOut>,
}

/// `GET /api/v1/patrol/dosage`: the tracks' window and what was counted.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DosageSummary {
    pub subject: PatrolSubject,
    pub tracks: usize,
    pub window: PeriodOut,
    pub hotspots: usize,
    pub visits: usize,
    pub period: PeriodOut,
    pub bands: &'static str,
}

/// No properties (an answer whose features list is empty).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoProperties {}

/// `GET /api/v1/patrol/timing`: the patrolled hours against the incidents by hour of week.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimingSummary {
    pub subject: PatrolSubject,
    pub tracks: usize,
    pub incidents: u64,
    pub timing_score: f64,
    pub patrolled_hours: Vec<Slot>,
    pub patrol_length_h: usize,
    pub best_slot: Slot,
    pub best_score: f64,
    /// Incidents per hour of week, Monday 00:00 first.
    pub profile: Vec<u64>,
    pub period: PeriodOut,
    pub hours: &'static str,
}

/// `GET /api/v1/patrol/dosage`.
pub type Dosage = Collection<DosageProperties, DosageSummary>;
/// `GET /api/v1/patrol/timing`: no features, the summary is the answer.
pub type Timing = Collection<NoProperties, TimingSummary>;

/// `GET /api/v1/hexbins`.
pub type Hexbins = Collection<HexbinProperties, HexbinSummary>;
/// `GET /api/v1/hotspots`.
pub type Hotspots = Collection<HotspotProperties, HotspotSummary>;
/// `GET /api/v1/hotspots/emerging`.
pub type Emerging = Collection<EmergingProperties, EmergingSummary>;
/// `GET /api/v1/patrol/teams`: community ids as feature ids, a point or `null` as geometry.
pub type Teams = Collection<TeamProperties, TeamSummary, Option<PointGeometry>, u64>;

/// Writes a type's schema into the generator's definitions and returns its reference.
pub type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

/// The response schema of each typed answer, by its path under `/api/v1`, for the OpenAPI
/// document.
pub const SCHEMAS: &[(&str, SchemaOf)] = &[
    ("/hexbins", |g| g.subschema_for::<Hexbins>()),
    ("/hotspots", |g| g.subschema_for::<Hotspots>()),
    ("/hotspots/emerging", |g| g.subschema_for::<Emerging>()),
    ("/patrol/teams", |g| g.subschema_for::<Teams>()),
    ("/patrol/dosage", |g| g.subschema_for::<Dosage>()),
    ("/patrol/timing", |g| g.subschema_for::<Timing>()),
    ("/route", |g| g.subschema_for::<Route>()),
    ("/nearest", |g| g.subschema_for::<Nearest>()),
    ("/streets/summary", |g| g.subschema_for::<StreetsSummary>()),
    ("/isochrones", |g| g.subschema_for::<Isochrones>()),
];
