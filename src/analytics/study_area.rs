//! The study area of a hot-spot analysis: every cell of one resolution that covers the chosen
//! communities or grids, including cells with no incidents (so the statistic is not biased to
//! where incidents exist), and the cells' neighbour lists.

use geo::{MultiPolygon, Polygon};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, Resolution};
use rustc_hash::FxHashMap;

/// Cells of one resolution, sorted, with their positions.
#[derive(Debug, Clone)]
pub struct StudyArea {
    cells: Vec<CellIndex>,
    position: FxHashMap<CellIndex, u32>,
}

/// Neighbour lists in compressed form: the neighbours of cell `i` are
/// `items[offsets[i]..offsets[i + 1]]` (positions in the study area, the cell itself included).
#[derive(Debug, Clone)]
pub struct Neighbours {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Neighbours {
    /// The neighbours of cell `i`.
    #[must_use]
    pub fn of(&self, i: usize) -> &[u32] {
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Number of cells.
    #[must_use]
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no cells.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl StudyArea {
    /// A study area of exactly `cells` (deduplicated and sorted).
    #[must_use]
    pub fn from_cells(mut cells: Vec<CellIndex>) -> Self {
        cells.sort_unstable();
        cells.dedup();
        let position = cells.iter().enumerate().map(|(i, c)| (*c, i as u32)).collect();
        Self { cells, position }
    }

    /// Every cell of `res` that meets one of `polygons` (h3o's `IntersectsBoundary` tiler: a
    /// complete cover).
    #[must_use]
    pub fn covering<'a>(polygons: impl IntoIterator<Item = &'a MultiPolygon>, res: Resolution) -> Self {
        let mut tiler = TilerBuilder::new(res).containment_mode(ContainmentMode::IntersectsBoundary).build();
        for mp in polygons {
            for polygon in &mp.0 {
                // An invalid polygon is left out of the cover rather than failing the analysis.
                let _ = tiler.add(Polygon::clone(polygon));
            }
        }
        Self::from_cells(tiler.into_coverage().collect())
    }

    /// The cells, sorted.
    #[must_use]
    pub fn cells(&self) -> &[CellIndex] {
        &self.cells
    }

    /// The position of `cell`, if it is in the area.
    #[must_use]
    pub fn position(&self, cell: CellIndex) -> Option<usize> {
        self.position.get(&cell).map(|&i| i as usize)
    }

    /// For each cell, the area's cells within `grid_disk(k)`, itself included.
    #[must_use]
    pub fn neighbours(&self, k: u32) -> Neighbours {
        let mut offsets = Vec::with_capacity(self.cells.len() + 1);
        let mut items = Vec::new();
        offsets.push(0);
        for cell in &self.cells {
            let mut ring: Vec<u32> = cell.grid_disk::<Vec<_>>(k).into_iter().filter_map(|c| self.position.get(&c).copied()).collect();
            ring.sort_unstable();
            items.extend(ring);
            offsets.push(items.len() as u32);
        }
        Neighbours { offsets, items }
    }

    /// Number of cells.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the area has no cells.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}
