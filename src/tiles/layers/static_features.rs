//! The features of the static layers, from the engine's records as they are.

use geo::Rect;
use geozero::mvt::TileValue;

use super::{Feature, Layer};
use crate::analytics::patrol::coverage::{DEFAULT_BUFFER_M, reach_of};
use crate::index::Engine;
use crate::tiles::tile::{BUFFER, TileId};

/// The lowest zoom that draws a street feature of [`layer_features`], by its class.
#[must_use]
pub fn street_minzoom(feature: &Feature) -> u8 {
    let class = feature.properties.iter().find(|(k, _)| *k == "class");
    match class.map(|(_, v)| v) {
        Some(TileValue::Str(c)) if c == "arterial" => 10,
        Some(TileValue::Str(c)) if c == "secondary" => 12,
        Some(TileValue::Str(c)) if c == "local" => 14,
        _ => 15,
    }
}

pub(super) fn text(s: &str) -> TileValue {
    TileValue::Str(s.to_owned())
}

pub(super) fn uint(n: impl Into<u64>) -> TileValue {
    TileValue::Uint(n.into())
}

/// The lon/lat rectangle a tile draws, its buffer included.
#[must_use]
pub fn tile_rect(tile: TileId) -> Rect {
    tile.bounds(f64::from(BUFFER))
}

/// Every feature of a static layer (empty for a layer that is not static); tiles draw them
/// through a `source::TileSource`.
#[allow(clippy::too_many_lines, reason = "one arm per layer")]
#[must_use]
pub fn layer_features(engine: &Engine, layer: Layer) -> Vec<Feature> {
    match layer {
        Layer::Districts => engine
            .districts
            .items()
            .iter()
            .map(|d| Feature {
                id: d.id,
                geometry: d.geometry.clone().into(),
                properties: vec![
                    ("name", text(&d.name)),
                    ("name_en", text(&d.name_en)),
                    ("central_city", TileValue::Bool(d.central_city)),
                ],
            })
            .collect(),
        Layer::Communities => engine
            .communities
            .items()
            .iter()
            .map(|c| Feature {
                id: c.id,
                geometry: c.geometry.clone().into(),
                properties: vec![
                    ("name", text(&c.name)),
                    ("district_id", uint(c.district_id)),
                    ("households", uint(c.households)),
                    ("population", uint(c.population)),
                ],
            })
            .collect(),
        Layer::Grids => engine
            .grids
            .items()
            .iter()
            .map(|g| Feature {
                id: g.id,
                geometry: g.geometry.clone().into(),
                properties: vec![
                    ("name", text(&g.name)),
                    ("community_id", uint(g.community_id)),
                    ("households", uint(g.households)),
                    ("population", uint(g.population)),
                ],
            })
            .collect(),
        Layer::Streets => engine
            .streets
            .items()
            .iter()
            .map(|s| Feature {
                id: s.id,
                geometry: s.geometry.clone().into(),
                properties: vec![
                    ("class", text(s.class.as_str())),
                    ("name", text(&s.name)),
                    ("walkable", TileValue::Bool(s.walkable)),
                ],
            })
            .collect(),
        Layer::Buildings => engine
            .buildings
            .items()
            .iter()
            .map(|b| {
                let mut properties = vec![
                    ("households", uint(b.households)),
                    ("floors", uint(b.floors)),
                    ("use", text(b.building_use.as_str())),
                    ("unmanaged", TileValue::Bool(b.unmanaged)),
                ];
                if let Some(g) = b.grid_id {
                    properties.push(("grid_id", uint(g)));
                }
                Feature {
                    id: b.id,
                    geometry: b.geometry.clone().into(),
                    properties,
                }
            })
            .collect(),
        Layer::Resources => engine
            .resources
            .items()
            .iter()
            .map(|r| {
                let mut properties = vec![
                    ("kind", text(r.kind.as_str())),
                    ("name", text(&r.name)),
                    ("capacity", uint(r.capacity)),
                ];
                if let Some(c) = r.community_id {
                    properties.push(("community_id", uint(c)));
                }
                Feature {
                    id: r.id,
                    geometry: r.geometry.into(),
                    properties,
                }
            })
            .collect(),
        Layer::PatrolRoutes => engine
            .patrol_routes
            .items()
            .iter()
            .map(|r| Feature {
                id: r.id,
                geometry: r.geometry.clone().into(),
                properties: vec![
                    ("community_id", uint(r.community_id)),
                    ("team", text(&r.team)),
                    ("weekday", uint(r.weekday)),
                    ("start_time", text(&r.start_time)),
                    ("end_time", text(&r.end_time)),
                ],
            })
            .collect(),
        Layer::PatrolCoverage => engine
            .patrol_routes
            .items()
            .iter()
            .map(|r| {
                let (reach, area_m2, length_m) = reach_of(&r.geometry, DEFAULT_BUFFER_M);
                Feature {
                    id: r.id,
                    geometry: reach.into(),
                    properties: vec![
                        ("community_id", uint(r.community_id)),
                        ("team", text(&r.team)),
                        ("buffer_m", TileValue::Double(DEFAULT_BUFFER_M)),
                        ("area_m2", TileValue::Double(area_m2.round())),
                        ("length_m", TileValue::Double(length_m.round())),
                    ],
                }
            })
            .collect(),
        Layer::Units => engine
            .units
            .items()
            .iter()
            .map(|u| Feature {
                id: u.id,
                geometry: geo::Point::new(u.lon, u.lat).into(),
                properties: vec![
                    ("name", text(&u.name)),
                    ("kind", text(u.kind.as_str())),
                    ("community_id", uint(u.community_id)),
                ],
            })
            .collect(),
        Layer::ServiceGaps | Layer::Incidents | Layer::Hexbins | Layer::Hotspots | Layer::Kde => {
            Vec::new()
        }
    }
}
