//! The hot-spot pipeline, written once: a study area, its incident counts, their Gi*. The
//! `/api/v1/hotspots` answer, the `hotspots` tile layer and the patrol teams' hot cells all
//! run it.

use std::sync::Arc;

use h3o::Resolution;

use super::gistar::{GiStar, gi_star};
use super::study_area::{Neighbours, StudyArea};
use crate::index::{Engine, IncidentFilter};

/// A resolution the incidents are not binned at (outside [`crate::index::BIN_RESOLUTIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("incidents are not binned at resolution {0}")]
pub struct NotBinned(pub Resolution);

/// Gi* over a study area: its cells and neighbours, the count of each cell (area order) and
/// the statistic.
#[derive(Debug, Clone)]
pub struct HotSpots {
    pub area: Arc<(StudyArea, Neighbours)>,
    pub counts: Vec<f64>,
    pub gi: GiStar,
}

impl HotSpots {
    /// The study area's cells, in the order of `counts` and `gi`.
    #[must_use]
    pub fn cells(&self) -> &[h3o::CellIndex] {
        self.area.0.cells()
    }
}

/// Gi* of the incidents matching `filter` over `area` (cells of resolution `res`).
///
/// # Errors
/// [`NotBinned`] when the incidents have no bins at `res`.
pub fn hot_spots(
    engine: &Engine,
    area: Arc<(StudyArea, Neighbours)>,
    res: Resolution,
    filter: &IncidentFilter,
) -> Result<HotSpots, NotBinned> {
    let level = engine.incidents.bin_level(res).ok_or(NotBinned(res))?;
    let counts = area.0.counts(&engine.incidents, filter, level);
    let gi = gi_star(&counts, &area.1);
    Ok(HotSpots { area, counts, gi })
}
