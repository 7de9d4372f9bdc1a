//! The H3 cell layers (hexbins, hot spots: values per cell computed once per query) and the
//! service gaps (every home with its distance to the nearest resource).

use geo::Intersects;
use geozero::mvt::TileValue;
use h3o::Resolution;

use super::static_features::{text, tile_rect, uint};
use super::{CellValue, Feature};
use crate::analytics::access::LIFE_CIRCLES_M;
use crate::analytics::hexbin::hexbins;
use crate::analytics::hotspots::HotSpots;
use crate::geodesy::cell_polygon;
use crate::index::{Engine, IncidentFilter};
use crate::tiles::tile::TileId;

/// Features of a cell layer: the cells of `values` whose hexagon meets the buffered tile.
#[must_use]
pub fn cell_features(values: &[CellValue], tile: TileId) -> Vec<Feature> {
    let rect = tile_rect(tile);
    values
        .iter()
        .filter(|v| {
            // A cheap test on the centre first: cells reach less than 0.1° from it at res ≥ 6.
            let c = h3o::LatLng::from(v.cell);
            let margin = 0.1;
            c.lng() >= rect.min().x - margin
                && c.lng() <= rect.max().x + margin
                && c.lat() >= rect.min().y - margin
                && c.lat() <= rect.max().y + margin
        })
        .filter_map(|v| {
            let polygon = cell_polygon(v.cell);
            polygon.intersects(&rect).then(|| Feature {
                id: u64::from(v.cell),
                geometry: polygon.into(),
                properties: v.properties.clone(),
            })
        })
        .collect()
}

/// The life-circle band of a distance: the smallest of 300, 500 and 1,000 m holding it.
#[must_use]
pub fn life_circle_band(distance_m: f64) -> &'static str {
    const NAMES: [&str; 3] = ["300", "500", "1000"];
    LIFE_CIRCLES_M
        .iter()
        .zip(NAMES)
        .find(|(m, _)| distance_m <= **m)
        .map_or("beyond", |(_, name)| name)
}

/// The homes of `tile` with their distance to the nearest resource (`access`, by position in
/// `engine.buildings`).
#[must_use]
pub fn service_gap_features(
    engine: &Engine,
    access: &[crate::analytics::access::BuildingAccess],
    tile: TileId,
) -> Vec<Feature> {
    let buildings = engine.buildings.items();
    let resources = engine.resources.items();
    engine
        .buildings
        .intersecting(&tile_rect(tile))
        .into_iter()
        .filter(|&b| buildings[b as usize].households > 0)
        .map(|b| {
            let building = &buildings[b as usize];
            let a = access[b as usize];
            let mut properties = vec![
                (
                    "band",
                    TileValue::Str(life_circle_band(a.distance_m).into()),
                ),
                (
                    "households",
                    TileValue::Uint(u64::from(building.households)),
                ),
            ];
            if a.distance_m.is_finite() {
                properties.push((
                    "distance_m",
                    TileValue::Double((a.distance_m * 10.0).round() / 10.0),
                ));
            }
            if let Some(r) = a.nearest {
                properties.push(("nearest_id", TileValue::Uint(resources[r as usize].id)));
            }
            Feature {
                id: building.id,
                geometry: building.geometry.clone().into(),
                properties,
            }
        })
        .collect()
}

/// Hexbin values for `filter` at `res`.
#[must_use]
pub fn hexbin_values(engine: &Engine, filter: &IncidentFilter, res: Resolution) -> Vec<CellValue> {
    let Some(level) = engine.incidents.bin_level(res) else {
        return Vec::new();
    };
    hexbins(&engine.incidents, filter, level)
        .into_iter()
        .map(|b| {
            CellValue::new(
                b.cell,
                vec![("h3", text(&b.cell.to_string())), ("count", uint(b.count))],
            )
        })
        .collect()
}

/// The values of the `hotspots` layer: every cell of the study area with its count, Gi* z and
/// class.
#[must_use]
pub fn hotspot_values(spots: &HotSpots) -> Vec<CellValue> {
    spots
        .cells()
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            CellValue::new(
                *cell,
                vec![
                    ("h3", text(&cell.to_string())),
                    ("count", uint(spots.counts[i] as u64)),
                    ("gi_z", TileValue::Double(spots.gi.z[i])),
                    ("class", TileValue::Sint(i64::from(spots.gi.class[i]))),
                ],
            )
        })
        .collect()
}
