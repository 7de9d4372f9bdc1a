//! `GET /api/v1/hexbins`: incident counts per H3 cell, with per-kind counts.

use serde_json::Value;

use super::StudyAreas;
use super::answer::{Feature, HexbinProperties, HexbinSummary, Hexbins};
use super::filters::{Filters, bin_level};
use crate::analytics::hexbin::hexbins as count_bins;
use crate::api::params::RES;
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::IncidentKind;

/// Hexbins of the filtered incidents at `res` 6..=11 (default 9).
pub fn hexbins(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &["res"])?;
    let res = RES.read(params)?;
    let bins = count_bins(
        &engine.incidents,
        &filters.incidents,
        bin_level(engine, res)?,
    );
    let total: u64 = bins.iter().map(|b| u64::from(b.count)).sum();
    // An aggregate-only reader sees no cell, and no kind in a cell, of fewer than
    // `SUPPRESS_BELOW` incidents.
    let scope = params.scope();
    let shown: Vec<_> = bins
        .iter()
        .filter(|b| scope.shows_count(u64::from(b.count)))
        .collect();
    let features = shown
        .iter()
        .map(|b| {
            let counts = IncidentKind::ALL
                .iter()
                .filter(|k| b.by_kind[**k as usize] > 0)
                .filter(|k| scope.shows_count(u64::from(b.by_kind[**k as usize])))
                .map(|k| (k.as_str().to_owned(), b.by_kind[*k as usize]))
                .collect();
            Feature::cell(
                b.cell,
                HexbinProperties {
                    h3: b.cell.to_string(),
                    count: b.count,
                    counts,
                },
            )
        })
        .collect();
    Hexbins::new(
        features,
        HexbinSummary {
            total,
            cells: shown.len(),
            suppressed_cells: bins.len() - shown.len(),
            res: u8::from(res),
            period: filters.closed_period(engine).into(),
        },
    )
    .into_value()
}
