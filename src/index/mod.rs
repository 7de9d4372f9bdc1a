//! The in-memory engine: a read-only snapshot of every layer with its indexes, built once from
//! a [`Dataset`]. Queries never touch disk.
//!
//! Build steps:
//! 1. check references (grid → community → district) and id uniqueness;
//! 2. index the static layers (R-trees on bounding boxes, id maps);
//! 3. build the grid locator (interior H3 cells);
//! 4. derive the grid and community of every building (by its interior point) and resource;
//! 5. build the incident table (sort by time, res-11 cell, grid, community, cell bins at res 6..=11).

mod bins;
mod incidents;
mod layer;
mod locate;

use geo::{Coord, InteriorPoint, Intersects};

pub use bins::{BIN_RESOLUTIONS, BinLevel, CellBins};
pub use incidents::{IncidentFilter, IncidentTable, NONE};
pub use layer::{Layer, Spatial};
pub use locate::{GridLocator, LOCATOR_RES, cell_of, locate_all, locate_exact};

use crate::geodata::Dataset;
use crate::model::{Building, Community, District, Grid, PatrolRoute, PatrolTrack, Resource};

/// A dataset that cannot be indexed as it is.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{layer}: id {id} appears more than once")]
    DuplicateId { layer: &'static str, id: u64 },
    #[error("{layer} {id} refers to {target} {target_id}, which does not exist")]
    DanglingReference {
        layer: &'static str,
        id: u64,
        target: &'static str,
        target_id: u64,
    },
}

/// Every layer of the city, indexed.
pub struct Engine {
    pub districts: Layer<District>,
    pub communities: Layer<Community>,
    pub grids: Layer<Grid>,
    pub buildings: Layer<Building>,
    pub resources: Layer<Resource>,
    pub patrol_routes: Layer<PatrolRoute>,
    pub patrol_tracks: Layer<PatrolTrack>,
    pub incidents: IncidentTable,
    pub locator: GridLocator,
    /// Position in `communities` of each grid's community.
    pub grid_community: Vec<u32>,
    /// Identifies this snapshot: caches key their entries by it, so a new snapshot (new data)
    /// never serves an old answer.
    pub version: u64,
}

/// Versions handed to snapshots, unique within the process.
static NEXT_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Engine {
    /// Indexes `data`.
    ///
    /// # Errors
    /// Duplicate ids or references to missing districts/communities.
    pub fn build(data: Dataset) -> Result<Self, BuildError> {
        check_unique("districts", data.districts.iter().map(|d| d.id))?;
        check_unique("communities", data.communities.iter().map(|c| c.id))?;
        check_unique("grids", data.grids.iter().map(|g| g.id))?;
        check_unique("buildings", data.buildings.iter().map(|b| b.id))?;
        check_unique("resources", data.resources.iter().map(|r| r.id))?;
        check_unique("patrol_routes", data.patrol_routes.iter().map(|r| r.id))?;
        check_unique("patrol_tracks", data.patrol_tracks.iter().map(|t| t.id))?;
        check_unique("incidents", data.incidents.iter().map(|i| i.id))?;

        let districts = Layer::new(data.districts);
        for c in &data.communities {
            if districts.get(c.district_id).is_none() {
                return Err(BuildError::DanglingReference {
                    layer: "community",
                    id: c.id,
                    target: "district",
                    target_id: c.district_id,
                });
            }
        }
        let communities = Layer::new(data.communities);
        let grid_community = data
            .grids
            .iter()
            .map(|g| {
                communities
                    .position(g.community_id)
                    .ok_or(BuildError::DanglingReference {
                        layer: "grid",
                        id: g.id,
                        target: "community",
                        target_id: g.community_id,
                    })
            })
            .collect::<Result<Vec<u32>, _>>()?;
        for r in &data.patrol_routes {
            if communities.get(r.community_id).is_none() {
                return Err(BuildError::DanglingReference {
                    layer: "patrol_route",
                    id: r.id,
                    target: "community",
                    target_id: r.community_id,
                });
            }
        }
        let grids = Layer::new(data.grids);
        let locator = GridLocator::new(&grids);
        let place = |at: Coord| -> (Option<u64>, Option<u64>) {
            let grid = cell_of(at).and_then(|cell| locator.locate(&grids, cell, at));
            match grid {
                Some(g) => (
                    Some(grids.items()[g as usize].id),
                    Some(communities.items()[grid_community[g as usize] as usize].id),
                ),
                None => (None, community_exact(&communities, at)),
            }
        };
        let buildings = data
            .buildings
            .into_iter()
            .map(|mut b| {
                if let Some(p) = b.geometry.interior_point() {
                    (b.grid_id, b.community_id) = place(p.0);
                }
                b
            })
            .collect();
        let resources = data
            .resources
            .into_iter()
            .map(|mut r| {
                r.community_id = place(r.geometry.0).1;
                r
            })
            .collect();
        let incidents = IncidentTable::build(data.incidents, &grids, &grid_community, &locator);
        Ok(Self {
            districts,
            communities,
            grids,
            buildings: Layer::new(buildings),
            resources: Layer::new(resources),
            patrol_routes: Layer::new(data.patrol_routes),
            patrol_tracks: Layer::new(data.patrol_tracks),
            incidents,
            locator,
            grid_community,
            version: NEXT_VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Incidents that lie in no grid (kept, and counted here).
    #[must_use]
    pub fn incidents_outside_grids(&self) -> usize {
        self.incidents.grid.iter().filter(|&&g| g == NONE).count()
    }
}

/// The community whose closed polygon holds `at`, for points in no grid.
fn community_exact(communities: &Layer<Community>, at: Coord) -> Option<u64> {
    communities
        .candidates_at(at.x, at.y)
        .filter(|&i| communities.items()[i as usize].geometry.intersects(&at))
        .min()
        .map(|i| communities.items()[i as usize].id)
}

fn check_unique(layer: &'static str, ids: impl Iterator<Item = u64>) -> Result<(), BuildError> {
    let mut seen = rustc_hash::FxHashSet::default();
    for id in ids {
        if !seen.insert(id) {
            return Err(BuildError::DuplicateId { layer, id });
        }
    }
    Ok(())
}
