//! Point-in-polygon assignment of points to grids.
//!
//! 1. At build, each grid's interior H3 cells at [`LOCATOR_RES`] are found (cells whose
//!    boundary lies inside the grid, by h3o's `ContainsBoundary` tiler) and eroded by one ring,
//!    so a cell is kept only if its neighbours are inside too. The erosion leaves a margin of a
//!    whole cell (~25 m) against the difference between H3's geodesic cell edges and the
//!    grids' straight lon/lat edges.
//! 2. A point whose res-15 cell (computed once at ingest) has its parent in that map belongs to
//!    that grid: one hash lookup.
//! 3. Any other point (near a grid edge, or outside every grid) is tested exactly: the R-tree
//!    gives the grids whose bounding box holds it, and the first grid (in layer order) whose
//!    closed polygon holds it wins, so a point on a shared edge goes to the lower-positioned grid.

use geo::{Coord, Intersects};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, Resolution};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::layer::Layer;
use crate::model::Grid;

/// Resolution of the interior-cell map: res 11 cells (~25 m edge, ~2,150 m²) keep the map at
/// a few hundred cells per grid while ~70–80 % of points avoid an exact test.
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
                    .containment_mode(ContainmentMode::ContainsBoundary)
                    .build();
                if tiler.add(grid.geometry.clone()).is_err() {
                    return Vec::new();
                }
                let inside: FxHashSet<CellIndex> = tiler.into_coverage().collect();
                inside
                    .iter()
                    .filter(|cell| {
                        cell.grid_disk::<Vec<_>>(1)
                            .iter()
                            .all(|n| inside.contains(n))
                    })
                    .map(|cell| (u64::from(*cell), position as u32))
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

    /// The position in `grids` of the grid holding the point, using its res-15 `cell`.
    #[must_use]
    pub fn locate(&self, grids: &Layer<Grid>, cell: CellIndex, at: Coord) -> Option<u32> {
        cell.parent(LOCATOR_RES)
            .and_then(|parent| self.interior.get(&u64::from(parent)).copied())
            .or_else(|| locate_exact(grids, at))
    }
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

/// The res-15 H3 cell of a point; `None` for coordinates H3 cannot take (never for the
/// validated lon/lat the readers produce).
#[must_use]
pub fn cell_of(at: Coord) -> Option<CellIndex> {
    h3o::LatLng::new(at.y, at.x)
        .ok()
        .map(|ll| ll.to_cell(Resolution::Fifteen))
}
