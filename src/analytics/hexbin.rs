//! Incident counts per H3 cell. Each incident's res-15 cell is computed once at ingest, so a
//! bin at any resolution is a parent lookup (bit operations), never a new `latlng_to_cell`.

use h3o::{CellIndex, Resolution};
use rustc_hash::FxHashMap;

use crate::index::{IncidentFilter, IncidentTable};
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

/// Counts the incidents matching `filter` per cell of resolution `res`, sorted by cell.
#[must_use]
pub fn hexbins(table: &IncidentTable, filter: &IncidentFilter, res: Resolution) -> Vec<HexBin> {
    let mut position: FxHashMap<CellIndex, usize> = FxHashMap::default();
    let mut bins: Vec<HexBin> = Vec::new();
    table.for_each_match(filter, |row| {
        let Some(cell) = table.cell_at(row).and_then(|c| c.parent(res)) else { return };
        let i = *position.entry(cell).or_insert_with(|| {
            bins.push(HexBin { cell, count: 0, by_kind: [0; KINDS] });
            bins.len() - 1
        });
        bins[i].count += 1;
        bins[i].by_kind[table.kind[row] as usize] += 1;
    });
    bins.sort_unstable_by_key(|b| b.cell);
    bins
}
