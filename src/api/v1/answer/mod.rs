//! Typed answers: a GeoJSON `FeatureCollection` with a `summary`, and its features. Each answer
//! type derives `Serialize` (the body the handler sends) and `JsonSchema` (the response schema
//! the OpenAPI document states, closed: `deny_unknown_fields` makes it refuse any field it
//! does not name), so the document describes what the code sends.

mod access;
mod analyst;
mod areas;
mod brief;
mod calendar;
mod cells;
mod geometry;
mod handling;
mod lists;
mod patrol;
mod walking;

pub use access::*;
pub use analyst::*;
pub use areas::*;
pub use brief::*;
pub use calendar::*;
pub use cells::*;
pub use geometry::*;
pub use handling::*;
pub use lists::*;
pub use patrol::*;
pub use walking::*;

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

/// A GeoJSON `FeatureCollection` of `features` with a `summary`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Answer_{P}")]
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

/// No properties (an answer whose features list is empty).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoProperties {}

/// Writes a type's schema into the generator's definitions and returns its reference.
pub type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;
