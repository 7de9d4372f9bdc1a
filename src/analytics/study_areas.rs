//! Study areas and their neighbour lists, cached by (resolution, chosen areas, k): covering the
//! whole city at res 9 takes tens of milliseconds, far more than the statistic itself.

use std::sync::Arc;

use moka::sync::Cache;

use crate::analytics::study_area::{Neighbours, StudyArea};
use crate::index::Engine;
use crate::model::Bbox;

/// (resolution, community positions, grid positions, k, places version): a study area depends on
/// the places only, so writes of incidents do not recompute it.
type Key = (u8, Vec<u32>, Vec<u32>, u32, u64);

/// The memory the cached study areas may hold: the city at res 11 with its neighbours is about
/// 8 MB, at res 9 about 0.2 MB.
const MAX_BYTES: u64 = 64 << 20;

/// A cache of study areas.
#[derive(Clone)]
pub struct StudyAreas {
    inner: Cache<Key, Arc<(StudyArea, Neighbours)>>,
}

impl Default for StudyAreas {
    fn default() -> Self {
        Self {
            inner: Cache::builder()
                .weigher(|key: &Key, value: &Arc<(StudyArea, Neighbours)>| {
                    let bytes = (key.1.len() + key.2.len()) * 4
                        + value.0.heap_bytes()
                        + value.1.heap_bytes();
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .max_capacity(MAX_BYTES)
                .build(),
        }
    }
}

impl StudyAreas {
    /// The memory held and the bound, in bytes (for `/metrics`).
    #[must_use]
    pub fn usage(&self) -> (u64, u64) {
        self.inner.run_pending_tasks();
        (self.inner.weighted_size(), MAX_BYTES)
    }

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
            engine.places_version,
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

    /// [`Self::get`], cut to the cells whose centre lies in `bbox` when one is given, so cells
    /// outside it do not count as zeros (the cut is not cached: it is a pass over the cells).
    #[must_use]
    pub fn within(
        &self,
        engine: &Engine,
        res: h3o::Resolution,
        (communities, grids): (&[u32], &[u32]),
        k: u32,
        bbox: Option<&Bbox>,
    ) -> Arc<(StudyArea, Neighbours)> {
        let cover = self.get(engine, res, communities, grids, k);
        let Some(bbox) = bbox else {
            return cover;
        };
        let rects = bbox.rects();
        let inside: Vec<h3o::CellIndex> = cover
            .0
            .cells()
            .iter()
            .copied()
            .filter(|c| {
                let ll = h3o::LatLng::from(*c);
                rects.iter().any(|r| {
                    (r.min().x..=r.max().x).contains(&ll.lng())
                        && (r.min().y..=r.max().y).contains(&ll.lat())
                })
            })
            .collect();
        let area = StudyArea::from_cells(inside);
        let neighbours = area.neighbours(k);
        Arc::new((area, neighbours))
    }
}
