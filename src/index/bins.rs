//! Dense ids for the H3 cells incidents fall in, at the analytics resolutions
//! ([`BIN_RESOLUTIONS`]).
//!
//! Each resolution keeps its distinct cells and, per incident row, the id of the row's cell
//! among them: binning a row is one sequential array read and counting an increment in a dense
//! array. This costs 4 bytes per incident per resolution. Measured on 1M incidents
//! (BENCHMARKS.md): h3o's `parent` plus an `FxHashMap` lookup per row, or one res-11 id per row
//! mapped to coarser ids through a table (a random read), were 1.5–3× slower.

use std::ops::RangeInclusive;

use h3o::{CellIndex, Resolution};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::incidents::NONE;

/// The resolutions incidents are binned at.
pub const BIN_RESOLUTIONS: RangeInclusive<u8> = 6..=11;

/// The incidents' cells at one resolution.
#[derive(Debug, Clone)]
pub struct BinLevel {
    res: Resolution,
    cells: Vec<CellIndex>,
    /// The bin id of each incident row ([`NONE`] for a row without a cell).
    rows: Vec<u32>,
    position: FxHashMap<CellIndex, u32>,
}

impl BinLevel {
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

    fn clone_without_rows(&self) -> Self {
        Self {
            res: self.res,
            cells: self.cells.clone(),
            rows: Vec::new(),
            position: self.position.clone(),
        }
    }

    fn push(&mut self, cell: Option<CellIndex>) {
        let id = cell.and_then(|c| c.parent(self.res)).map_or(NONE, |cell| {
            *self.position.entry(cell).or_insert_with(|| {
                self.cells.push(cell);
                (self.cells.len() - 1) as u32
            })
        });
        self.rows.push(id);
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

/// The bin levels of the incident table, one per resolution of [`BIN_RESOLUTIONS`].
#[derive(Debug, Clone, Default)]
pub struct CellBins {
    levels: Vec<BinLevel>,
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
    /// Bins every row's ingest cell (res 11, raw, 0 = none).
    #[must_use]
    pub fn build(cells: &[u64]) -> Self {
        let levels = BIN_RESOLUTIONS
            .filter_map(|res| Resolution::try_from(res).ok())
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|res| {
                let mut level = BinLevel {
                    res,
                    cells: Vec::new(),
                    rows: Vec::with_capacity(cells.len()),
                    position: FxHashMap::default(),
                };
                for &raw in cells {
                    level.push(CellIndex::try_from(raw).ok());
                }
                level
            })
            .collect();
        Self { levels }
    }

    /// The bins of a table rebuilt from rows of this one and new rows, in the order `picks`
    /// gives; `new_cells` are the new rows' ingest cells. Existing bin ids stay valid.
    #[must_use]
    pub(crate) fn merged(&self, picks: &[RowPick], new_cells: &[u64]) -> Self {
        let levels = self
            .levels
            .par_iter()
            .map(|old| {
                let mut level = BinLevel {
                    rows: Vec::with_capacity(picks.len()),
                    ..old.clone_without_rows()
                };
                for pick in picks {
                    match *pick {
                        RowPick::Old(r) => level.rows.push(old.rows[r as usize]),
                        RowPick::New(i) => {
                            level.push(CellIndex::try_from(new_cells[i as usize]).ok());
                        }
                    }
                }
                level
            })
            .collect();
        Self { levels }
    }

    /// The level of `res`, if it is one of [`BIN_RESOLUTIONS`].
    #[must_use]
    pub fn level(&self, res: Resolution) -> Option<&BinLevel> {
        self.levels.iter().find(|l| l.res == res)
    }
}

#[cfg(test)]
mod tests {
    use h3o::LatLng;

    use super::*;

    #[test]
    fn bins_are_the_parents_of_each_cell() {
        let points = [
            (112.2, 31.0),
            (112.2001, 31.0001),
            (112.25, 31.05),
            (110.0, 30.0),
        ];
        let mut raw: Vec<u64> = points
            .iter()
            .map(|&(lng, lat)| {
                u64::from(LatLng::new(lat, lng).unwrap().to_cell(Resolution::Eleven))
            })
            .collect();
        raw.push(0);
        let bins = CellBins::build(&raw);
        for res in BIN_RESOLUTIONS {
            let res = Resolution::try_from(res).unwrap();
            let level = bins.level(res).unwrap();
            for (r, &bin) in raw.iter().zip(level.rows()).take(4) {
                let expected = CellIndex::try_from(*r).unwrap().parent(res).unwrap();
                assert_eq!(level.cells()[bin as usize], expected);
            }
            assert_eq!(level.rows()[4], NONE);
            if u8::from(res) <= 8 {
                assert_eq!(
                    level.rows()[0],
                    level.rows()[1],
                    "points 15 m apart share a coarse cell"
                );
            }
        }
        assert!(bins.level(Resolution::Five).is_none());
        assert!(bins.level(Resolution::Twelve).is_none());
    }
}
