//! The study area of a hot-spot analysis: every cell of one resolution that covers the chosen
//! communities or grids, including cells with no incidents (so the statistic is not biased to
//! where incidents exist), and the cells' neighbour lists.

use geo::{Contains, Intersects, MultiPolygon, Point, Polygon};
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::geodesy::cell_polygon;
use crate::index::{BinLevel, IncidentFilter, IncidentTable, NONE};

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
    /// Neighbour lists given directly: `lists[i]` holds the positions of cell `i`'s neighbours
    /// (itself included for Gi*).
    #[must_use]
    pub fn from_lists(lists: &[Vec<u32>]) -> Self {
        let mut offsets = vec![0];
        let mut items = Vec::new();
        for list in lists {
            items.extend_from_slice(list);
            offsets.push(items.len() as u32);
        }
        Self { offsets, items }
    }

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

    /// The memory the lists hold, in bytes.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.items.capacity()) * std::mem::size_of::<u32>()
    }
}

impl StudyArea {
    /// The memory the cells and their position map hold, in bytes (a hash map entry costs its
    /// pair and a control byte).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.cells.capacity() * std::mem::size_of::<CellIndex>()
            + self.position.capacity() * (std::mem::size_of::<(CellIndex, u32)>() + 1)
    }

    /// A study area of exactly `cells` (deduplicated and sorted).
    #[must_use]
    pub fn from_cells(mut cells: Vec<CellIndex>) -> Self {
        cells.sort_unstable();
        cells.dedup();
        let position = cells
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, i as u32))
            .collect();
        Self { cells, position }
    }

    /// Every cell of `res` that meets one of `polygons`: a complete cover, zero-count cells
    /// included.
    ///
    /// Per polygon, a flood fill from the cells of its vertices over neighbouring cells that
    /// intersect it (the cells meeting a connected polygon are connected), testing the cell's
    /// centre first and the exact hexagon only near the boundary; polygons run in parallel.
    /// h3o's `IntersectsBoundary` tiler gives the same cover but took 3.7 s for the city's 222
    /// communities at res 9 (BENCHMARKS.md); this takes milliseconds.
    #[must_use]
    pub fn covering<'a>(
        polygons: impl IntoIterator<Item = &'a MultiPolygon>,
        res: Resolution,
    ) -> Self {
        let polygons: Vec<&Polygon> = polygons.into_iter().flat_map(|mp| &mp.0).collect();
        let cells =
            polygons
                .par_iter()
                .map(|p| cover_polygon(p, res))
                .reduce(Vec::new, |mut a, b| {
                    a.extend(b);
                    a
                });
        Self::from_cells(cells)
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
            let mut ring: Vec<u32> = cell
                .grid_disk::<Vec<_>>(k)
                .into_iter()
                .filter_map(|c| self.position.get(&c).copied())
                .collect();
            ring.sort_unstable();
            items.extend(ring);
            offsets.push(items.len() as u32);
        }
        Neighbours { offsets, items }
    }

    /// The number of incidents matching `filter` in each cell (in area order), binned by
    /// `level`, which must be of the area's resolution. Incidents outside the area are ignored.
    #[must_use]
    pub fn counts(
        &self,
        table: &IncidentTable,
        filter: &IncidentFilter,
        level: &BinLevel,
    ) -> Vec<f64> {
        let slot = self.slots(level);
        let mut counts = vec![0.0; self.len()];
        table.for_each_match(filter, |row| {
            let bin = level.rows()[row];
            if bin != NONE && slot[bin as usize] != NONE {
                counts[slot[bin as usize] as usize] += 1.0;
            }
        });
        counts
    }

    /// For each bin of `level`, its position in the area or [`NONE`].
    #[must_use]
    pub fn slots(&self, level: &BinLevel) -> Vec<u32> {
        level
            .cells()
            .iter()
            .map(|c| self.position.get(c).copied().unwrap_or(NONE))
            .collect()
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

/// The cells of `res` meeting `polygon` (see [`StudyArea::covering`]).
fn cover_polygon(polygon: &Polygon, res: Resolution) -> Vec<CellIndex> {
    let meets = |cell: CellIndex| {
        let centre = LatLng::from(cell);
        polygon.contains(&Point::new(centre.lng(), centre.lat())) || {
            cell_polygon(cell).intersects(polygon)
        }
    };
    let mut seen: FxHashSet<CellIndex> = FxHashSet::default();
    let mut cover = Vec::new();
    let mut queue: Vec<CellIndex> = polygon
        .exterior()
        .coords()
        .filter_map(|c| LatLng::new(c.y, c.x).ok())
        .map(|ll| ll.to_cell(res))
        .collect();
    seen.extend(queue.iter().copied());
    while let Some(cell) = queue.pop() {
        // Vertex cells meet the polygon by construction; others were tested before queueing.
        cover.push(cell);
        for next in cell.grid_disk::<Vec<_>>(1) {
            if seen.insert(next) && meets(next) {
                queue.push(next);
            }
        }
    }
    cover
}

#[cfg(test)]
mod tests {
    use geo::LineString;
    use h3o::geom::{ContainmentMode, TilerBuilder};

    use super::*;

    /// h3o's tiler in `IntersectsBoundary` mode, the reference cover.
    fn tiler_cover(polygon: &Polygon, res: Resolution) -> Vec<CellIndex> {
        let mut tiler = TilerBuilder::new(res)
            .containment_mode(ContainmentMode::IntersectsBoundary)
            .build();
        tiler.add(polygon.clone()).unwrap();
        let mut cells: Vec<CellIndex> = tiler.into_coverage().collect();
        cells.sort_unstable();
        cells.dedup();
        cells
    }

    #[test]
    fn flood_fill_cover_equals_the_h3o_tiler() {
        // A concave polygon with a thin spike and a long straight edge, about 3 km across.
        let shape = Polygon::new(
            LineString::from(vec![
                (112.180, 31.000),
                (112.215, 31.001),
                (112.214, 31.030),
                (112.200, 31.012),
                (112.2004, 31.045),
                (112.1998, 31.045),
                (112.196, 31.014),
                (112.182, 31.026),
                (112.180, 31.000),
            ]),
            vec![],
        );
        for res in [Resolution::Seven, Resolution::Nine, Resolution::Ten] {
            let ours = StudyArea::covering(&[MultiPolygon(vec![shape.clone()])], res);
            assert_eq!(ours.cells(), tiler_cover(&shape, res), "res {res}");
        }
    }
}
