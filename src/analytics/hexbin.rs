//! Incident counts per H3 cell. Each incident's cell is computed once at ingest and binned at
//! every analytics resolution ([`crate::index::CellBins`]), so counting is a scan of the
//! matching rows with an array increment each, never a new `latlng_to_cell`.

use h3o::CellIndex;

use crate::index::{BinLevel, IncidentFilter, IncidentTable, NONE};
use crate::model::IncidentKind;

/// Number of incident kinds (the length of per-kind count arrays).
pub const KINDS: usize = IncidentKind::ALL.len();

/// One hexagonal bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexBin {
    pub cell: CellIndex,
    pub count: u32,
    /// Counts by [`IncidentKind`] code.
    pub by_kind: [u32; KINDS],
}

/// Counts the incidents matching `filter` per cell of `level`'s resolution, sorted by cell.
#[must_use]
pub fn hexbins(table: &IncidentTable, filter: &IncidentFilter, level: &BinLevel) -> Vec<HexBin> {
    let mut counts = vec![[0u32; KINDS]; level.len()];
    table.for_each_match(filter, |row| {
        let bin = level.rows()[row];
        if bin != NONE {
            counts[bin as usize][table.kind[row] as usize] += 1;
        }
    });
    let mut bins: Vec<HexBin> = counts
        .iter()
        .zip(level.cells())
        .filter_map(|(by_kind, &cell)| {
            let count = by_kind.iter().sum();
            (count > 0).then_some(HexBin {
                cell,
                count,
                by_kind: *by_kind,
            })
        })
        .collect();
    bins.sort_unstable_by_key(|b| b.cell);
    bins
}
