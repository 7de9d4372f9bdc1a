//! The incident layer: single points from [`INCIDENT_POINTS_FROM`] unless the zoom is crowded,
//! counts per H3 cell otherwise ([`IncidentMode`], chosen once per selection and zoom).

use geo::{Point, Rect};
use geozero::mvt::TileValue;

use super::static_features::{text, tile_rect, uint};
use super::{CellValue, Feature, INCIDENT_POINTS_FROM, MAX_POINTS_PER_TILE};
use crate::index::{Engine, IncidentFilter, NONE};
use crate::model::format_local;
use crate::tiles::tile::{MAX_ZOOM, TileId, world};

/// The rows in `rect` matching all of `filter` (its bbox too, as the counts of low zooms do).
fn rows_matching(engine: &Engine, rect: &Rect, filter: &IncidentFilter) -> Vec<usize> {
    let t = &engine.incidents;
    t.rows_in(rect)
        .into_iter()
        .map(|r| r as usize)
        .filter(|&r| t.row_matches(filter, r))
        .collect()
}

/// How the incident tiles of one zoom show one selection. The choice is made once per
/// (selection, zoom), never tile by tile, so neighbouring tiles never differ in kind: a map
/// shows one representation per zoom, without patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentMode {
    /// Every incident as a point of its own.
    Points,
    /// Counts per H3 cell (`point_count` at the cell centre); a cell belongs to the one tile
    /// holding its centre.
    Counts,
}

impl IncidentMode {
    /// The mode of zoom `z` for the selection whose res-11 hexbins are `res11`: counts below
    /// [`INCIDENT_POINTS_FROM`], and from there on too when the densest tile of the zoom would
    /// hold more than [`MAX_POINTS_PER_TILE`] of the selection's incidents.
    #[must_use]
    pub fn of_zoom(res11: &[CellValue], z: u8) -> Self {
        if z < INCIDENT_POINTS_FROM || densest_tile(res11, z) > MAX_POINTS_PER_TILE as u64 {
            Self::Counts
        } else {
            Self::Points
        }
    }
}

/// The most incidents of `res11` (hexbins at res 11, each counted at its cell centre) in any
/// one tile of zoom `z`. A res-11 cell (~25 m) is far smaller than a tile from z14 (~2 km), so
/// this is the densest tile's load to within the cells on its edges.
#[must_use]
pub fn densest_tile(res11: &[CellValue], z: u8) -> u64 {
    let n = f64::from(1u32 << z.min(MAX_ZOOM));
    let mut per_tile: rustc_hash::FxHashMap<(u32, u32), u64> = rustc_hash::FxHashMap::default();
    for v in res11 {
        let w = world(geo::Coord {
            x: v.centre[0],
            y: v.centre[1],
        });
        let count = v
            .properties
            .iter()
            .find(|(k, _)| *k == "count")
            .map_or(0, |(_, n)| if let TileValue::Uint(n) = n { *n } else { 0 });
        *per_tile
            .entry(((w[0] * n) as u32, (w[1] * n) as u32))
            .or_default() += count;
    }
    per_tile.values().copied().max().unwrap_or(0)
}

/// The incidents of a tile from [`INCIDENT_POINTS_FROM`] in the zoom's `mode`: single points
/// in the buffered tile, or the counts per res-11 cell centred in the tile. `res11` are the
/// selection's hexbins at res 11 (computed once per query), so a tile of counts costs no row
/// visits.
#[must_use]
pub fn incident_tile(
    engine: &Engine,
    tile: TileId,
    filter: &IncidentFilter,
    res11: &[CellValue],
    mode: IncidentMode,
) -> Vec<Feature> {
    match mode {
        IncidentMode::Points => {
            let mut rows = rows_matching(engine, &tile_rect(tile), filter);
            rows.sort_unstable();
            incident_points(engine, &rows)
        }
        IncidentMode::Counts => incident_counts(res11, tile),
    }
}

/// Single incidents of `rows`.
fn incident_points(engine: &Engine, rows: &[usize]) -> Vec<Feature> {
    let t = &engine.incidents;
    rows.iter()
        .copied()
        .map(|r| {
            let mut properties = vec![
                ("kind", text(t.kind[r].as_str())),
                ("status", text(t.status[r].as_str())),
                ("reported_at", text(&format_local(t.reported_at[r]))),
            ];
            if t.grid[r] != NONE {
                properties.push(("grid_id", uint(engine.grids.items()[t.grid[r] as usize].id)));
            }
            Feature {
                id: t.id[r],
                geometry: Point::new(t.lon[r], t.lat[r]).into(),
                properties,
            }
        })
        .collect()
}

/// Incidents counted per H3 cell, as points at the cell centres with `point_count`: low zooms
/// never drop incidents, they aggregate them. `counts` are the hexbins of the whole selection
/// at the zoom's resolution; a cell belongs to the one tile that holds its centre (buffer
/// excluded), so the counts of all tiles add up to the selection.
#[must_use]
pub fn incident_counts(counts: &[CellValue], tile: TileId) -> Vec<Feature> {
    let own = tile.bounds(0.0);
    counts
        .iter()
        .filter_map(|v| {
            let [x, y] = v.centre;
            // Half-open on the east and south edges, so a centre on a shared edge counts once.
            let inside = x >= own.min().x && x < own.max().x && y > own.min().y && y <= own.max().y;
            inside.then(|| Feature {
                id: u64::from(v.cell),
                geometry: Point::new(x, y).into(),
                properties: v
                    .properties
                    .iter()
                    .map(|(k, value)| {
                        (
                            if *k == "count" { "point_count" } else { *k },
                            value.clone(),
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use h3o::Resolution;

    use super::*;

    fn counted(lon: f64, lat: f64, count: u64) -> CellValue {
        let cell = h3o::LatLng::new(lat, lon)
            .expect("a valid point")
            .to_cell(Resolution::Eleven);
        CellValue::new(cell, vec![("count", uint(count))])
    }

    #[test]
    fn a_zoom_counts_when_its_densest_tile_is_crowded() {
        let crowded = [
            counted(112.2, 31.03, 2_000),
            counted(112.2005, 31.0305, 1_001),
        ];
        assert_eq!(densest_tile(&crowded, 14), 3_001);
        for z in 14..=16 {
            assert_eq!(IncidentMode::of_zoom(&crowded, z), IncidentMode::Counts);
        }
        // The same number spread over two z14 tiles (about 2.4 km wide) fits as points.
        let spread = [counted(112.2, 31.03, 2_000), counted(112.24, 31.03, 1_001)];
        assert_eq!(densest_tile(&spread, 14), 2_000);
        assert_eq!(IncidentMode::of_zoom(&spread, 14), IncidentMode::Points);
        let limit = [counted(112.2, 31.03, MAX_POINTS_PER_TILE as u64)];
        assert_eq!(IncidentMode::of_zoom(&limit, 14), IncidentMode::Points);
        for z in 0..INCIDENT_POINTS_FROM {
            assert_eq!(IncidentMode::of_zoom(&[], z), IncidentMode::Counts);
        }
    }
}
