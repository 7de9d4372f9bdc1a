//! Study areas and their neighbour lists, cached by (resolution, chosen areas, k): covering the
//! whole city at res 9 takes tens of milliseconds, far more than the statistic itself.

use std::sync::Arc;

use moka::sync::Cache;

use crate::analytics::study_area::{Neighbours, StudyArea};
use crate::index::Engine;

/// (resolution, community positions, grid positions, k, data version).
type Key = (u8, Vec<u32>, Vec<u32>, u32, u64);

/// A cache of study areas.
#[derive(Clone)]
pub struct StudyAreas {
    inner: Cache<Key, Arc<(StudyArea, Neighbours)>>,
}

impl Default for StudyAreas {
    fn default() -> Self {
        Self {
            inner: Cache::new(64),
        }
    }
}

impl StudyAreas {
    /// The cells of `res` covering the chosen grids (or, if none, the chosen communities, or
    /// all communities) with their `grid_disk(k)` neighbours.
    #[must_use]
    pub fn get(
        &self,
        engine: &Engine,
        res: h3o::Resolution,
        communities: &[u32],
        grids: &[u32],
        k: u32,
    ) -> Arc<(StudyArea, Neighbours)> {
        let key = (
            u8::from(res),
            communities.to_vec(),
            grids.to_vec(),
            k,
            engine.version,
        );
        self.inner.get_with(key, || {
            let area = if !grids.is_empty() {
                let polygons: Vec<geo::MultiPolygon> = grids
                    .iter()
                    .map(|&g| engine.grids.items()[g as usize].geometry.clone().into())
                    .collect();
                StudyArea::covering(&polygons, res)
            } else if !communities.is_empty() {
                StudyArea::covering(
                    communities
                        .iter()
                        .map(|&c| &engine.communities.items()[c as usize].geometry),
                    res,
                )
            } else {
                StudyArea::covering(engine.communities.items().iter().map(|c| &c.geometry), res)
            };
            let neighbours = area.neighbours(k);
            Arc::new((area, neighbours))
        })
    }
}
