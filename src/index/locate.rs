//! Point-in-polygon assignment of points to grids.
//!
//! 1. At build, each grid's interior H3 cells at [`LOCATOR_RES`] are found: among the cells
//!    whose centre is in the grid (h3o tiler), those whose hexagon, enlarged by 0.1 % about its
//!    centre (~2.5 cm at res 11), lies inside the grid polygon. The enlargement covers the
//!    difference between H3's geodesic cell edges and straight lon/lat edges (about 0.01 mm
//!    over a 25 m edge), so every point of an interior cell is inside its grid.
//! 2. A point whose res-11 cell (computed once at ingest, [`cell_of`]) is in that map belongs
//!    to that grid: one hash lookup. It must be the point's own res-11 cell, not the res-11
//!    ancestor of a finer cell: H3 children do not nest exactly, and for about 6 % of points
//!    the ancestor is a neighbouring hexagon, up to metres away, which could hold another grid.
//! 3. Any other point (near a grid edge, or outside) is tested exactly: the R-tree gives the
//!    grids whose bounding box holds it, and the first grid (in layer order) whose closed
//!    polygon holds it wins, so a point on a shared edge goes to the lower-positioned grid.

use geo::{Contains, Coord, Intersects, LineString, Polygon};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;

use super::incidents::NONE;
use rustc_hash::FxHashMap;

use super::layer::Layer;
use crate::model::Grid;

/// Resolution of the interior-cell map: res 11 cells (~25 m edge, ~2,150 m²) keep the map at
/// about a hundred cells per grid while most points avoid an exact test.
pub const LOCATOR_RES: Resolution = Resolution::Eleven;

/// Finds the grid of a point.
pub struct GridLocator {
    interior: FxHashMap<u64, u32>,
}

impl GridLocator {
    /// Builds the interior-cell map of `grids`.
    #[must_use]
    pub fn new(grids: &Layer<Grid>) -> Self {
        let per_grid: Vec<Vec<(u64, u32)>> = grids
            .items()
            .par_iter()
            .enumerate()
            .map(|(position, grid)| {
                let mut tiler = TilerBuilder::new(LOCATOR_RES)
                    .containment_mode(ContainmentMode::ContainsCentroid)
                    .build();
                if tiler.add(grid.geometry.clone()).is_err() {
                    return Vec::new();
                }
                tiler
                    .into_coverage()
                    .filter(|cell| grid.geometry.contains(&enlarged_hexagon(*cell)))
                    .map(|cell| (u64::from(cell), position as u32))
                    .collect()
            })
            .collect();
        Self {
            interior: per_grid.into_iter().flatten().collect(),
        }
    }

    /// Number of interior cells in the map.
    #[must_use]
    pub fn interior_cells(&self) -> usize {
        self.interior.len()
    }

    /// The position in `grids` of the grid holding the point, given its [`cell_of`] (a cell at
    /// [`LOCATOR_RES`]; any other resolution falls back to the exact test).
    #[must_use]
    pub fn locate(&self, grids: &Layer<Grid>, cell: CellIndex, at: Coord) -> Option<u32> {
        (cell.resolution() == LOCATOR_RES)
            .then(|| self.interior.get(&u64::from(cell)).copied())
            .flatten()
            .or_else(|| locate_exact(grids, at))
    }
}

/// The cell's hexagon with straight edges, scaled by 1.001 about its centre.
fn enlarged_hexagon(cell: CellIndex) -> Polygon {
    let center = LatLng::from(cell);
    let (cx, cy) = (center.lng(), center.lat());
    let ring: Vec<Coord> = cell
        .boundary()
        .iter()
        .map(|v| Coord {
            x: cx + (v.lng() - cx) * 1.001,
            y: cy + (v.lat() - cy) * 1.001,
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

/// The grid holding `at` by exact tests only: the lowest position among grids whose closed
/// polygon holds it. The reference the fast path must agree with.
#[must_use]
pub fn locate_exact(grids: &Layer<Grid>, at: Coord) -> Option<u32> {
    grids
        .candidates_at(at.x, at.y)
        .filter(|&i| grids.items()[i as usize].geometry.intersects(&at))
        .min()
}

/// The H3 cell of a point that ingest keeps: res 11, the finest any query needs (hexbins go to
/// res 11; the grid locator works at res 11). `None` for coordinates H3 cannot take (never for
/// the validated lon/lat the readers produce).
#[must_use]
pub fn cell_of(at: Coord) -> Option<CellIndex> {
    h3o::LatLng::new(at.y, at.x)
        .ok()
        .map(|ll| ll.to_cell(LOCATOR_RES))
}

/// The res-11 cell (raw `u64`, 0 if H3 refuses the point) and grid position ([`NONE`] if in no
/// grid) of every point, in parallel. This is the whole of ingest-time assignment.
#[must_use]
pub fn locate_all(grids: &Layer<Grid>, locator: &GridLocator, points: &[Coord]) -> Vec<(u64, u32)> {
    points
        .par_iter()
        .map(|&at| match cell_of(at) {
            Some(cell) => (
                u64::from(cell),
                locator.locate(grids, cell, at).unwrap_or(NONE),
            ),
            None => (0, NONE),
        })
        .collect()
}
