//! Dense ids for the H3 cells incidents fall in, at the analytics resolutions
//! ([`BIN_RESOLUTIONS`]).
//!
//! An incident's bin at resolution r is the hexagon holding its point, `LatLng::to_cell(r)`,
//! as the reference library's `latlng_to_cell(lat, lon, r)` gives it. It is *not* the res-r
//! ancestor of the point's res-11 cell: H3 cells do not nest, and for about 6 % of points that
//! ancestor is a neighbouring hexagon. Calling `to_cell` five times per incident at load
//! would cost about a second for 1M incidents, so each level finds the bin in two steps:
//!
//! 1. guess the ancestor of the res-11 cell (a few bit operations) and, if that cell already
//!    has a bin, accept it when the point lies inside the bin's hexagon shrunk by
//!    [`SAFE_MARGIN`] about its centre (six multiply-adds, [`Interior`]);
//! 2. otherwise (a wrong guess, a point near an edge, a new cell) call `to_cell(r)`.
//!
//! Each level keeps its distinct cells and, per incident row, the id of the row's cell among
//! them: binning a row is one sequential array read and counting an increment in a dense
//! array. This costs 4 bytes per incident per resolution. Measured on 1M incidents
//! (BENCHMARKS.md): h3o's `parent` plus an `FxHashMap` lookup per row, or one res-11 id per row
//! mapped to coarser ids through a table (a random read), were 1.5–3× slower.

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use geo::Coord;
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::incidents::NONE;

/// The resolutions incidents are binned at.
pub const BIN_RESOLUTIONS: RangeInclusive<u8> = 6..=11;

/// How far, as a share of the way from a cell's centre to its boundary, the fast test keeps
/// away from the boundary. H3 edges are great-circle arcs (straight in each icosahedron face's
/// gnomonic projection); [`Interior`] uses straight lon/lat chords between the exact vertices.
/// The two differ by about L²·tan(lat)/8R for an edge of length L: 0.16 m for a res-6 edge
/// (3.7 km) at Jingmen's 31° N, 1.5 m at 80° N, while 1 % of a res-6 apothem is 32 m. The
/// error grows with L² and the margin with L, so finer levels are safer still. Points in the
/// margin (about 2 %) take the exact call.
const SAFE_MARGIN: f64 = 0.01;

/// A cell's hexagon shrunk by [`SAFE_MARGIN`], as half-planes `a·lon + b·lat + c > 0`: a point
/// meeting every one is inside the cell for certain.
#[derive(Debug, Clone)]
struct Interior {
    edges: Box<[[f64; 3]]>,
}

impl Interior {
    fn of(cell: CellIndex) -> Self {
        let centre = LatLng::from(cell);
        let (cx, cy) = (centre.lng(), centre.lat());
        let shrink = 1.0 - SAFE_MARGIN;
        let ring: Vec<(f64, f64)> = cell
            .boundary()
            .iter()
            .map(|v| (cx + (v.lng() - cx) * shrink, cy + (v.lat() - cy) * shrink))
            .collect();
        // A cell across the antimeridian has no straight lon/lat form: always the exact call.
        if ring.len() < 3 || ring.iter().any(|(x, _)| (x - cx).abs() > 90.0) {
            return Self {
                edges: Box::new([]),
            };
        }
        let edges = ring
            .iter()
            .zip(ring.iter().cycle().skip(1))
            .map(|(&(x0, y0), &(x1, y1))| {
                // The line through the two vertices, signed so the centre is on the inside.
                let (a, b) = (y0 - y1, x1 - x0);
                let c = -(a * x0 + b * y0);
                let sign = if a * cx + b * cy + c >= 0.0 {
                    1.0
                } else {
                    -1.0
                };
                [a * sign, b * sign, c * sign]
            })
            .collect();
        Self { edges }
    }

    /// Whether `at` is inside every edge's half-plane. The half-planes' intersection lies
    /// inside the ring (it is the ring's kernel), so this never accepts a point outside.
    fn holds(&self, at: Coord) -> bool {
        !self.edges.is_empty()
            && self
                .edges
                .iter()
                .all(|[a, b, c]| a * at.x + b * at.y + c > 0.0)
    }
}

/// The incidents' cells at one resolution.
#[derive(Debug, Clone)]
pub struct BinLevel {
    res: Resolution,
    cells: Vec<CellIndex>,
    /// Each cell's fast containment test (empty at res 11, where the ingest cell is exact).
    interiors: Vec<Interior>,
    /// The bin id of each incident row ([`NONE`] for a row without a cell).
    rows: Vec<u32>,
    position: FxHashMap<CellIndex, u32>,
}

impl BinLevel {
    fn new(res: Resolution, rows: usize) -> Self {
        Self {
            res,
            cells: Vec::new(),
            interiors: Vec::new(),
            rows: Vec::with_capacity(rows),
            position: FxHashMap::default(),
        }
    }

    /// The cells, in order of first appearance (bin id = position).
    #[must_use]
    pub fn cells(&self) -> &[CellIndex] {
        &self.cells
    }

    /// The bin id of every incident row ([`NONE`] for a row without a cell).
    #[must_use]
    pub fn rows(&self) -> &[u32] {
        &self.rows
    }

    /// Number of bins.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether there are no bins.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    fn clone_without_rows(&self, rows: usize) -> Self {
        Self {
            res: self.res,
            cells: self.cells.clone(),
            interiors: self.interiors.clone(),
            rows: Vec::with_capacity(rows),
            position: self.position.clone(),
        }
    }

    /// Bins a row given its ingest cell (res 11) and its point.
    fn push(&mut self, cell11: Option<CellIndex>, at: Coord) {
        let id = cell11.map_or(NONE, |cell11| self.bin_of(cell11, at));
        self.rows.push(id);
    }

    /// The bin of the hexagon at this level holding `at`, whose res-11 cell is `cell11`.
    fn bin_of(&mut self, cell11: CellIndex, at: Coord) -> u32 {
        if cell11.resolution() == self.res {
            return self.id_of(cell11);
        }
        if let Some(&guess) = cell11.parent(self.res).and_then(|p| self.position.get(&p))
            && self.interiors[guess as usize].holds(at)
        {
            return guess;
        }
        match LatLng::new(at.y, at.x) {
            Ok(ll) => self.id_of(ll.to_cell(self.res)),
            Err(_) => NONE,
        }
    }

    fn id_of(&mut self, cell: CellIndex) -> u32 {
        if let Some(&id) = self.position.get(&cell) {
            return id;
        }
        let id = self.cells.len() as u32;
        self.cells.push(cell);
        self.interiors
            .push(if cell.resolution() == Resolution::Eleven {
                Interior {
                    edges: Box::new([]),
                }
            } else {
                Interior::of(cell)
            });
        self.position.insert(cell, id);
        id
    }
}

/// Where a row of a rebuilt incident table comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowPick {
    /// Row `r` of the old table.
    Old(u32),
    /// The `i`-th new row.
    New(u32),
}

/// The bin levels of the incident table, one per resolution of [`BIN_RESOLUTIONS`]. A level is
/// binned when first asked for, or up front for the resolutions given to
/// [`CellBins::with_eager`]: binning all six takes ~0.45 s for 1M incidents, which start-up
/// need not wait for (the server bins the rest right after it starts listening).
#[derive(Debug, Clone, Default)]
pub struct CellBins {
    levels: Vec<(Resolution, OnceLock<BinLevel>)>,
}

/// The rows in each bin of one level (compressed lists), for finding the incidents in an area
/// without scanning them all: the rows of bin `b` are `rows[offsets[b]..offsets[b + 1]]`,
/// ascending.
#[derive(Debug, Clone, Default)]
pub struct BinMembers {
    offsets: Vec<u32>,
    rows: Vec<u32>,
    /// Each bin's cell centre (lon, lat).
    centres: Vec<(f64, f64)>,
}

impl BinMembers {
    /// Groups the rows of `level` by bin (a counting sort).
    #[must_use]
    pub fn build(level: &BinLevel) -> Self {
        let mut offsets = vec![0u32; level.len() + 1];
        for &b in level.rows() {
            if b != NONE {
                offsets[b as usize + 1] += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; offsets[level.len()] as usize];
        for (row, &b) in level.rows().iter().enumerate() {
            if b != NONE {
                rows[next[b as usize] as usize] = row as u32;
                next[b as usize] += 1;
            }
        }
        let centres = level
            .cells()
            .iter()
            .map(|c| {
                let ll = h3o::LatLng::from(*c);
                (ll.lng(), ll.lat())
            })
            .collect();
        Self {
            offsets,
            rows,
            centres,
        }
    }

    /// The rows of every bin whose centre lies within `rect` grown by `margin` degrees.
    pub fn rows_near(&self, rect: &geo::Rect, margin: f64) -> impl Iterator<Item = u32> + '_ {
        let (min, max) = (rect.min(), rect.max());
        self.centres
            .iter()
            .enumerate()
            .filter(move |(_, (x, y))| {
                *x >= min.x - margin
                    && *x <= max.x + margin
                    && *y >= min.y - margin
                    && *y <= max.y + margin
            })
            .flat_map(move |(b, _)| {
                self.rows[self.offsets[b] as usize..self.offsets[b + 1] as usize]
                    .iter()
                    .copied()
            })
    }
}

impl CellBins {
    /// Bins every row at every resolution, given its ingest cell (res 11, raw, 0 = none) and
    /// its point.
    #[must_use]
    pub fn build(cells: &[u64], points: &[Coord]) -> Self {
        let all: Vec<Resolution> = BIN_RESOLUTIONS
            .filter_map(|res| Resolution::try_from(res).ok())
            .collect();
        Self::with_eager(cells, points, &all)
    }

    /// Bins every row at the `eager` resolutions now; the others wait for
    /// [`CellBins::level_or_bin`].
    #[must_use]
    pub fn with_eager(cells: &[u64], points: &[Coord], eager: &[Resolution]) -> Self {
        debug_assert_eq!(cells.len(), points.len());
        let levels: Vec<(Resolution, OnceLock<BinLevel>)> = BIN_RESOLUTIONS
            .filter_map(|res| Resolution::try_from(res).ok())
            .map(|res| (res, OnceLock::new()))
            .collect();
        let built: Vec<BinLevel> = eager
            .par_iter()
            .filter(|res| levels.iter().any(|(r, _)| r == *res))
            .map(|&res| bin(res, cells, points.iter().copied()))
            .collect();
        for level in built {
            if let Some((_, slot)) = levels.iter().find(|(r, _)| *r == level.res) {
                let _ = slot.set(level);
            }
        }
        Self { levels }
    }

    /// The bins of a table rebuilt from rows of this one and new rows, in the order `picks`
    /// gives; `new_cells` and `new_points` are the new rows' ingest cells and points. Existing
    /// bin ids stay valid. Levels not binned yet here stay to be binned in the new table.
    #[must_use]
    pub(crate) fn merged(
        &self,
        picks: &[RowPick],
        new_cells: &[u64],
        new_points: &[Coord],
    ) -> Self {
        let levels = self
            .levels
            .par_iter()
            .map(|(res, slot)| {
                let Some(old) = slot.get() else {
                    return (*res, OnceLock::new());
                };
                let mut level = old.clone_without_rows(picks.len());
                for pick in picks {
                    match *pick {
                        RowPick::Old(r) => level.rows.push(old.rows[r as usize]),
                        RowPick::New(i) => {
                            let i = i as usize;
                            level.push(CellIndex::try_from(new_cells[i]).ok(), new_points[i]);
                        }
                    }
                }
                (*res, OnceLock::from(level))
            })
            .collect();
        Self { levels }
    }

    /// The level of `res` if it is one of [`BIN_RESOLUTIONS`] and already binned.
    #[must_use]
    pub fn level(&self, res: Resolution) -> Option<&BinLevel> {
        self.levels
            .iter()
            .find(|(r, _)| *r == res)
            .and_then(|(_, slot)| slot.get())
    }

    /// The level of `res` if it is one of [`BIN_RESOLUTIONS`], binned now if it was not yet
    /// (from the table's ingest cells and points, the columns `cells`, `lon`, `lat`).
    #[must_use]
    pub fn level_or_bin(
        &self,
        res: Resolution,
        cells: &[u64],
        lon: &[f64],
        lat: &[f64],
    ) -> Option<&BinLevel> {
        let (_, slot) = self.levels.iter().find(|(r, _)| *r == res)?;
        Some(slot.get_or_init(|| {
            let points = lon.iter().zip(lat).map(|(&x, &y)| Coord { x, y });
            bin(res, cells, points)
        }))
    }
}

/// One level: each row's bin at `res`.
fn bin(res: Resolution, cells: &[u64], points: impl Iterator<Item = Coord>) -> BinLevel {
    let mut level = BinLevel::new(res, cells.len());
    for (&raw, at) in cells.iter().zip(points) {
        level.push(CellIndex::try_from(raw).ok(), at);
    }
    level
}

#[cfg(test)]
#[path = "bins_tests.rs"]
mod tests;
