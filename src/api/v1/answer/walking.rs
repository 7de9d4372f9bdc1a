//! Answers about walking: routes, isochrones, the nearest resources, the street summary.

use super::{
    Collection, LineStringGeometry, MultiPolygonGeometry, PointGeometry, Unnamed, UnnamedCollection,
};
use schemars::JsonSchema;
use serde::Serialize;

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

/// `POST /api/v1/nearest`: one asked point's resources, or why it could not be answered.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchPointProperties {
    /// The point's place in the request, from 0.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<Vec<NearestProperties>>,
    /// Why the point has no answer (it cannot join the network).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /api/v1/nearest`: one asked point, with the `id` it was given, if any.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchPoint {
    #[serde(rename = "type")]
    pub kind: super::FeatureType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
    pub geometry: PointGeometry,
    pub properties: BatchPointProperties,
}

/// `POST /api/v1/nearest`: what was asked and how many points found a resource.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NearestBatchSummary {
    pub mode: &'static str,
    pub k: usize,
    pub max_m: f64,
    pub points: usize,
    pub points_with_a_resource: usize,
    pub points_not_joined: usize,
    pub max_points: usize,
}

/// `POST /api/v1/nearest`: the points in the order asked.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Answer_BatchPoint")]
pub struct NearestBatch {
    #[serde(rename = "type")]
    pub kind: super::CollectionType,
    pub summary: NearestBatchSummary,
    pub features: Vec<BatchPoint>,
}
