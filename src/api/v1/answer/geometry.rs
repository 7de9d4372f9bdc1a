//! The GeoJSON geometries answers carry, each with its closed schema.

use schemars::JsonSchema;
use serde::Serialize;

/// The `type` of a polygon.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum PolygonType {
    Polygon,
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

/// Any GeoJSON geometry (a grid's or community's outline, a building, a buffer, a route):
/// the answers whose features are of several shapes, or of shapes read from the data.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct AnyGeometry(pub geojson::Geometry);

impl AnyGeometry {
    /// The GeoJSON of a `geo` geometry.
    pub fn of<'a, T>(geometry: &'a T) -> Self
    where
        geojson::Value: From<&'a T>,
    {
        Self(geojson::Geometry::new(geojson::Value::from(geometry)))
    }

    /// An H3 cell's hexagon.
    #[must_use]
    pub fn cell(cell: h3o::CellIndex) -> Self {
        Self::of(&crate::geodesy::cell_polygon(cell))
    }
}

impl JsonSchema for AnyGeometry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AnyGeometry".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A GeoJSON geometry (RFC 7946), lon/lat.",
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {
                    "type": "string",
                    "enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]
                },
                "coordinates": { "type": "array" }
            },
            "additionalProperties": false
        })
    }
}
