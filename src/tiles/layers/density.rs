//! The `kde` layer: the quartic kernel density of the query's incidents, computed per tile on
//! 64 × 64 square cells covering it (in a metric frame at the tile's centre), so a map gets
//! the smooth surface at every zoom without a city-wide raster. A tile takes the incidents
//! within a bandwidth of its edge, so neighbouring tiles agree where they meet.

use geo::{Coord, LineString, Polygon, Rect};
use geozero::mvt::TileValue;

use super::Feature;
use super::static_features::tile_rect;
use crate::analytics::kde::{Raster, Weighted, density, support};
use crate::geodesy::Frame;
use crate::index::{Engine, IncidentFilter};
use crate::model::{Bbox, SUPPRESS_BELOW};
use crate::tiles::tile::TileId;

/// Cells across a tile.
const CELLS: usize = 64;

/// The density cells of one tile: those above zero, with `density_per_km2`. At zooms where a
/// cell is wider than `bandwidth_m`, the bandwidth grows to one cell (else incidents between
/// cell centres would vanish). An aggregate-only reader (`aggregate`) sees no cell that fewer
/// than [`SUPPRESS_BELOW`] incidents reach.
#[must_use]
pub fn kde_features(
    engine: &Engine,
    tile: TileId,
    filter: &IncidentFilter,
    bandwidth_m: f64,
    aggregate: bool,
) -> Vec<Feature> {
    let rect = tile.bounds(0.0);
    let frame = Frame::at(rect.center());
    let lo = frame.to_local(rect.min());
    let hi = frame.to_local(rect.max());
    let cell = (hi.x - lo.x) / CELLS as f64;
    if cell.is_nan() || cell <= 0.0 {
        return Vec::new();
    }
    let h = bandwidth_m.max(cell);
    let reach = frame.to_lon_lat(Coord {
        x: lo.x - h,
        y: lo.y - h,
    });
    let reach_hi = frame.to_lon_lat(Coord {
        x: hi.x + h,
        y: hi.y + h,
    });
    let mut near = filter.clone();
    let tile_box = Bbox {
        min_lon: reach.x,
        min_lat: reach.y,
        max_lon: reach_hi.x,
        max_lat: reach_hi.y,
    };
    near.bbox = Some(match filter.bbox {
        Some(b) => Bbox {
            min_lon: b.min_lon.max(tile_box.min_lon),
            min_lat: b.min_lat.max(tile_box.min_lat),
            max_lon: b.max_lon.min(tile_box.max_lon),
            max_lat: b.max_lat.min(tile_box.max_lat),
        },
        None => tile_box,
    });
    if near
        .bbox
        .is_some_and(|b| b.min_lon > b.max_lon || b.min_lat > b.max_lat)
    {
        return Vec::new();
    }
    let t = &engine.incidents;
    let mut points = Vec::new();
    t.for_each_match(&near, |r| {
        let p = frame.to_local(Coord {
            x: t.lon[r],
            y: t.lat[r],
        });
        points.push(Weighted {
            x: p.x,
            y: p.y,
            w: 1.0,
        });
    });
    if points.is_empty() {
        return Vec::new();
    }
    let raster = Raster {
        origin: [lo.x, lo.y],
        cell_m: cell,
        columns: CELLS,
        rows: ((hi.y - lo.y) / cell).ceil().max(1.0) as usize,
    };
    let values = density(&points, h, &raster);
    let reached = aggregate.then(|| support(&points, h, &raster));
    let clip = tile_rect(tile);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (i, (v * 100.0).round() / 100.0))
        // Cells that round to nothing are left out (most of a tile far from any incident).
        .filter(|&(i, v)| {
            v > 0.0
                && reached
                    .as_ref()
                    .is_none_or(|n| n[i] >= SUPPRESS_BELOW as u32)
        })
        .filter_map(|(i, v)| {
            let (col, row) = (i % raster.columns, i / raster.columns);
            let x0 = lo.x + col as f64 * cell;
            let y0 = lo.y + row as f64 * cell;
            let corner = |x: f64, y: f64| frame.to_lon_lat(Coord { x, y });
            let square = Polygon::new(
                LineString::from(vec![
                    corner(x0, y0),
                    corner(x0 + cell, y0),
                    corner(x0 + cell, y0 + cell),
                    corner(x0, y0 + cell),
                    corner(x0, y0),
                ]),
                vec![],
            );
            let inside = Rect::new(corner(x0, y0), corner(x0 + cell, y0 + cell));
            geo::Intersects::intersects(&inside, &clip).then(|| Feature {
                id: i as u64,
                geometry: square.into(),
                properties: vec![(
                    "density_per_km2",
                    TileValue::Double((v * 100.0).round() / 100.0),
                )],
            })
        })
        .collect()
}
