//! The in-memory engine: a read-only snapshot of every layer with its indexes, built once from
//! a [`Dataset`]. Queries never touch disk.
//!
//! Build steps:
//! 1. check references (grid → community → district) and id uniqueness;
//! 2. index the static layers (R-trees on bounding boxes, id maps);
//! 3. build the grid locator (interior H3 cells), or take it prebuilt ([`Prebuilt`]);
//! 4. derive the grid and community of every building (by its interior point) and resource;
//! 5. build the incident table (sort by time, res-11 cell, grid, community, cell bins at res 6..=11);
//! 6. build the walking network from the streets ([`crate::network`]), or take it prebuilt.

mod bins;
pub mod cql;
pub mod handling;
mod incidents;
mod layer;
mod locate;

use std::sync::Arc;

use geo::{Coord, InteriorPoint, Intersects};

pub use bins::{BIN_RESOLUTIONS, BinLevel, BinMembers, CellBins};
pub use incidents::{IncidentFilter, IncidentTable, NONE};
pub use layer::{Layer, Spatial};
pub use locate::{GridLocator, LOCATOR_RES, cell_of, locate_all, locate_exact};

use crate::geodata::Dataset;
use crate::model::inspections::InspectionRecord;
use crate::model::lists::Lists;
use crate::model::{
    Building, City, Community, District, Grid, Incident, PatrolRoute, PatrolTrack, Resource,
    ResourceKind, Street,
};
use crate::network::{StreetGraph, StreetLine};

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
    #[error("handling: {0}")]
    Handling(#[from] crate::model::handling::BadMove),
}

/// The resources as points, one R-tree per kind (in the order of [`ResourceKind::ALL`]): a
/// nearest query for police posts never wades through the 866 party households.
pub struct ResourcePoints(Vec<rstar::RTree<rstar::primitives::GeomWithData<[f64; 2], u32>>>);

impl ResourcePoints {
    fn new(resources: &[Resource]) -> Self {
        let mut by_kind = vec![Vec::new(); ResourceKind::ALL.len()];
        for (i, r) in resources.iter().enumerate() {
            if let Some(k) = ResourceKind::ALL.iter().position(|&k| k == r.kind) {
                by_kind[k].push(rstar::primitives::GeomWithData::new(
                    [r.geometry.x(), r.geometry.y()],
                    i as u32,
                ));
            }
        }
        Self(by_kind.into_iter().map(rstar::RTree::bulk_load).collect())
    }

    /// The trees of `kinds` (every kind when empty).
    pub fn of<'a>(
        &'a self,
        kinds: &'a [ResourceKind],
    ) -> impl Iterator<Item = &'a rstar::RTree<rstar::primitives::GeomWithData<[f64; 2], u32>>> + 'a
    {
        ResourceKind::ALL
            .iter()
            .zip(&self.0)
            .filter(move |(k, _)| kinds.is_empty() || kinds.contains(k))
            .map(|(_, tree)| tree)
    }
}

/// Every layer of the city, indexed. Layers are shared between snapshots: a write makes a new
/// `Engine` that reuses every layer it does not change.
#[derive(Clone)]
pub struct Engine {
    /// The city every entity here belongs to.
    pub city: Arc<City>,
    pub districts: Arc<Layer<District>>,
    pub communities: Arc<Layer<Community>>,
    pub grids: Arc<Layer<Grid>>,
    pub buildings: Arc<Layer<Building>>,
    pub resources: Arc<Layer<Resource>>,
    pub streets: Arc<Layer<Street>>,
    /// The walking network over the walkable streets (empty when there are none).
    pub network: Arc<StreetGraph>,
    /// Where each resource joins the network (`None`: beyond the snap limit), by position in
    /// `resources`; taken on first use, anew when the resources change.
    resource_snaps: Arc<std::sync::OnceLock<Vec<Option<crate::network::Snap>>>>,
    /// The resources as points, one R-tree per kind; taken on first use, anew when the
    /// resources change.
    resource_points: Arc<std::sync::OnceLock<ResourcePoints>>,
    /// Where each building joins the network (its centroid), by position in `buildings`;
    /// taken on first use and shared by every later snapshot (writes change neither buildings
    /// nor streets).
    building_snaps: BuildingSnaps,
    pub patrol_routes: Arc<Layer<PatrolRoute>>,
    pub patrol_tracks: Arc<Layer<PatrolTrack>>,
    pub incidents: Arc<IncidentTable>,
    /// The handling moves this snapshot was built from a dataset directory with, by incident
    /// id (stable): what a new store is written with, and the histories a read-only server
    /// answers. Empty when loaded from a store (which keeps them and answers histories);
    /// writes add their moves to the store only.
    pub moves: Arc<Vec<crate::model::handling::Move>>,
    /// The governance lists (units, resource and demand items, projects), by id.
    pub lists: Arc<Lists>,
    /// The lists' placed records as layers (for the OGC collections and tiles): units, demand
    /// items, joint inspections; copies of `lists`' own.
    pub units: Arc<Layer<crate::model::lists::Unit>>,
    pub demand_items: Arc<Layer<crate::model::lists::DemandItem>>,
    pub inspections: Arc<Layer<InspectionRecord>>,
    pub locator: Arc<GridLocator>,
    /// Position in `communities` of each grid's community.
    pub grid_community: Arc<Vec<u32>>,
    /// Identifies this snapshot: caches key their entries by it, so a new snapshot (new data)
    /// never serves an old answer.
    pub version: u64,
    /// Identifies the places (districts, communities, grids): set when an engine is built from
    /// a dataset and kept by every snapshot a write makes (writes change none of them), so what
    /// depends only on the places (the hot spots' study areas) outlives writes.
    pub places_version: u64,
}

type BuildingSnaps =
    Arc<std::sync::OnceLock<Vec<Result<crate::network::Snap, crate::network::SnapError>>>>;

/// Versions handed to snapshots, unique within the process.
static NEXT_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_version() -> u64 {
    NEXT_VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The parts of an engine that depend only on the grids and the streets (the grid locator, the
/// walking network), built ahead: a store builds them on its second core while it is still
/// reading the incidents, which start-up would otherwise wait for in turn.
pub struct Prebuilt {
    grid_ids: Vec<u64>,
    street_ids: Vec<u64>,
    locator: GridLocator,
    network: StreetGraph,
}

impl Prebuilt {
    /// Builds the locator of `grids` (in this order) and the network of `streets`.
    #[must_use]
    pub fn build(grids: &[Grid], streets: &[Street]) -> Self {
        let layer = Layer::new(grids.to_vec());
        Self {
            grid_ids: grids.iter().map(|g| g.id).collect(),
            street_ids: streets.iter().map(|s| s.id).collect(),
            locator: GridLocator::new(&layer),
            network: StreetGraph::build(&streets.iter().map(StreetLine::of).collect::<Vec<_>>()),
        }
    }
}

impl Engine {
    /// Indexes `data`.
    ///
    /// # Errors
    /// Duplicate ids or references to missing districts/communities.
    pub fn build(data: Dataset) -> Result<Self, BuildError> {
        Self::build_with(data, None)
    }

    /// Indexes `data`, taking the locator and the network from `prebuilt` when it was built
    /// from the same grids and streets (by id, in order); otherwise building them here.
    ///
    /// # Errors
    /// Duplicate ids or references to missing districts/communities.
    #[allow(
        clippy::too_many_lines,
        reason = "the layers checked, placed and indexed in one order, read top to bottom"
    )]
    pub fn build_with(mut data: Dataset, prebuilt: Option<Prebuilt>) -> Result<Self, BuildError> {
        check_ids(&data)?;
        data.attach_handling()?;

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
        check_references(&communities, &data.patrol_routes, &data.lists)?;
        let prebuilt = prebuilt.filter(|p| {
            p.grid_ids
                .iter()
                .copied()
                .eq(data.grids.iter().map(|g| g.id))
                && p.street_ids
                    .iter()
                    .copied()
                    .eq(data.streets.iter().map(|s| s.id))
        });
        let grids = Layer::new(data.grids);
        let (locator, network) = match prebuilt {
            Some(p) => (p.locator, p.network),
            None => (
                GridLocator::new(&grids),
                StreetGraph::build(&data.streets.iter().map(StreetLine::of).collect::<Vec<_>>()),
            ),
        };
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
        let mut moves = data.moves;
        moves.sort_by_key(|m| m.incident_id);
        let version = next_version();
        Ok(Self {
            city: Arc::new(data.city),
            districts: Arc::new(districts),
            communities: Arc::new(communities),
            grids: Arc::new(grids),
            buildings: Arc::new(Layer::new(buildings)),
            resources: Arc::new(Layer::new(resources)),
            streets: Arc::new(Layer::new(data.streets)),
            network: Arc::new(network),
            resource_snaps: Arc::default(),
            resource_points: Arc::default(),
            building_snaps: Arc::default(),
            patrol_routes: Arc::new(Layer::new(data.patrol_routes)),
            patrol_tracks: Arc::new(Layer::new(data.patrol_tracks)),
            incidents: Arc::new(incidents),
            moves: Arc::new(moves),
            units: Arc::new(Layer::new(data.lists.units.clone())),
            demand_items: Arc::new(Layer::new(data.lists.demands.clone())),
            inspections: Arc::new(Layer::new(data.lists.inspections.clone())),
            lists: Arc::new(data.lists),
            locator: Arc::new(locator),
            grid_community: Arc::new(grid_community),
            version,
            places_version: version,
        })
    }

    /// The moves of incident `id` this snapshot was built from, in the order made.
    #[must_use]
    pub fn moves_of(&self, id: u64) -> &[crate::model::handling::Move] {
        let start = self.moves.partition_point(|m| m.incident_id < id);
        let end = self.moves.partition_point(|m| m.incident_id <= id);
        &self.moves[start..end]
    }

    /// A new snapshot with `upserts` applied to the incidents (see
    /// [`IncidentTable::with_upserts`]); every other layer is shared.
    #[must_use]
    pub fn with_incidents(&self, upserts: Vec<Incident>) -> Self {
        let incidents =
            self.incidents
                .with_upserts(upserts, &self.grids, &self.grid_community, &self.locator);
        Self {
            incidents: Arc::new(incidents),
            version: next_version(),
            ..self.clone()
        }
    }

    /// A new snapshot with `resource` added or replaced (same id), its community derived.
    #[must_use]
    pub fn with_resource(&self, mut resource: Resource) -> Self {
        resource.community_id = self.place(resource.geometry.0).1;
        let mut items: Vec<Resource> = self
            .resources
            .items()
            .iter()
            .filter(|r| r.id != resource.id)
            .cloned()
            .collect();
        items.push(resource);
        items.sort_by_key(|r| r.id);
        Self {
            resources: Arc::new(Layer::new(items)),
            resource_snaps: Arc::default(),
            resource_points: Arc::default(),
            version: next_version(),
            ..self.clone()
        }
    }

    /// A new snapshot with the committee's lists replaced by `lists`.
    #[must_use]
    pub fn with_lists(&self, lists: Lists) -> Self {
        Self {
            units: Arc::new(Layer::new(lists.units.clone())),
            demand_items: Arc::new(Layer::new(lists.demands.clone())),
            inspections: Arc::new(Layer::new(lists.inspections.clone())),
            lists: Arc::new(lists),
            version: next_version(),
            ..self.clone()
        }
    }

    /// A new snapshot with a joint inspection `record` added or replaced (same id), kept in
    /// time order.
    #[must_use]
    pub fn with_inspection(&self, record: InspectionRecord) -> Self {
        let mut lists = Lists::clone(&self.lists);
        lists.inspections.retain(|r| r.id != record.id);
        let at = lists
            .inspections
            .partition_point(|r| (r.at, r.id) <= (record.at, record.id));
        lists.inspections.insert(at, record);
        Self {
            inspections: Arc::new(Layer::new(lists.inspections.clone())),
            lists: Arc::new(lists),
            version: next_version(),
            ..self.clone()
        }
    }

    /// A new snapshot with `track` added or replaced (same id).
    #[must_use]
    pub fn with_track(&self, track: PatrolTrack) -> Self {
        let mut items: Vec<PatrolTrack> = self
            .patrol_tracks
            .items()
            .iter()
            .filter(|t| t.id != track.id)
            .cloned()
            .collect();
        items.push(track);
        items.sort_by_key(|t| t.id);
        Self {
            patrol_tracks: Arc::new(Layer::new(items)),
            version: next_version(),
            ..self.clone()
        }
    }

    /// The community id of the grid at position `grid`.
    #[must_use]
    pub fn community_of_grid(&self, grid: u32) -> Option<u64> {
        let community = *self.grid_community.get(grid as usize)?;
        self.communities
            .items()
            .get(community as usize)
            .map(|c| c.id)
    }

    /// The community id of the incident at `row` (`None` outside every community).
    #[must_use]
    pub fn community_of_incident(&self, row: usize) -> Option<u64> {
        let community = *self.incidents.community.get(row)?;
        (community != NONE)
            .then(|| {
                self.communities
                    .items()
                    .get(community as usize)
                    .map(|c| c.id)
            })
            .flatten()
    }

    /// The grid and community ids of a point: the grid by the locator, the community through
    /// the grid, or by exact test for a point in no grid.
    #[must_use]
    pub fn place(&self, at: Coord) -> (Option<u64>, Option<u64>) {
        match cell_of(at).and_then(|cell| self.locator.locate(&self.grids, cell, at)) {
            Some(g) => (
                Some(self.grids.items()[g as usize].id),
                Some(self.communities.items()[self.grid_community[g as usize] as usize].id),
            ),
            None => (None, community_exact(&self.communities, at)),
        }
    }

    /// The resources of each kind as points (lon, lat) with their position in `resources`.
    #[must_use]
    pub fn resource_points(&self) -> &ResourcePoints {
        self.resource_points
            .get_or_init(|| ResourcePoints::new(self.resources.items()))
    }

    /// Where each resource joins the walking network (`None`: beyond the default snap limit).
    #[must_use]
    pub fn resource_snaps(&self) -> &[Option<crate::network::Snap>] {
        self.resource_snaps.get_or_init(|| {
            self.resources
                .items()
                .iter()
                .map(|r| {
                    self.network
                        .snap(r.geometry.0, crate::network::DEFAULT_SNAP_LIMIT_M)
                        .ok()
                })
                .collect()
        })
    }

    /// Where each building joins the walking network: its centroid, within the default snap
    /// limit.
    pub fn building_snaps(&self) -> &[Result<crate::network::Snap, crate::network::SnapError>] {
        use rayon::prelude::*;
        self.building_snaps.get_or_init(|| {
            self.buildings
                .items()
                .par_iter()
                .map(|b| {
                    let at = geo::Centroid::centroid(&b.geometry)
                        .map_or(Coord { x: 0.0, y: 0.0 }, |c| c.0);
                    self.network.snap(at, crate::network::DEFAULT_SNAP_LIMIT_M)
                })
                .collect()
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

/// Patrol routes and list items name communities (and each other) that exist.
fn check_references(
    communities: &Layer<Community>,
    routes: &[PatrolRoute],
    lists: &Lists,
) -> Result<(), BuildError> {
    check_routes(communities, routes)?;
    check_lists(communities, lists)
}

/// Every list item's references resolve: units and demands to communities, resource items to
/// units, projects to communities, demands and resource items.
fn check_lists(communities: &Layer<Community>, lists: &Lists) -> Result<(), BuildError> {
    let dangling = |layer, id, target, target_id| BuildError::DanglingReference {
        layer,
        id,
        target,
        target_id,
    };
    let ids = |v: &mut dyn Iterator<Item = u64>| v.collect::<rustc_hash::FxHashSet<u64>>();
    let units = ids(&mut lists.units.iter().map(|u| u.id));
    let resources = ids(&mut lists.resources.iter().map(|r| r.id));
    let demands = ids(&mut lists.demands.iter().map(|d| d.id));
    for (layer, id, community) in lists
        .units
        .iter()
        .map(|u| ("unit", u.id, u.community_id))
        .chain(
            lists
                .demands
                .iter()
                .map(|d| ("demand item", d.id, d.community_id)),
        )
        .chain(
            lists
                .projects
                .iter()
                .map(|p| ("project", p.id, p.community_id)),
        )
        .chain(
            lists
                .inspections
                .iter()
                .map(|i| ("inspection", i.id, i.community_id)),
        )
    {
        if communities.get(community).is_none() {
            return Err(dangling(layer, id, "community", community));
        }
    }
    for r in &lists.resources {
        if !units.contains(&r.unit_id) {
            return Err(dangling("resource item", r.id, "unit", r.unit_id));
        }
    }
    for p in &lists.projects {
        if let Some(&d) = p.demand_ids.iter().find(|d| !demands.contains(d)) {
            return Err(dangling("project", p.id, "demand item", d));
        }
        if let Some(&r) = p.resource_ids.iter().find(|r| !resources.contains(r)) {
            return Err(dangling("project", p.id, "resource item", r));
        }
    }
    Ok(())
}

/// Every patrol route belongs to a community that exists.
fn check_routes(communities: &Layer<Community>, routes: &[PatrolRoute]) -> Result<(), BuildError> {
    match routes
        .iter()
        .find(|r| communities.get(r.community_id).is_none())
    {
        Some(r) => Err(BuildError::DanglingReference {
            layer: "patrol_route",
            id: r.id,
            target: "community",
            target_id: r.community_id,
        }),
        None => Ok(()),
    }
}

/// Every layer's ids are unique.
fn check_ids(data: &Dataset) -> Result<(), BuildError> {
    check_unique("districts", data.districts.iter().map(|d| d.id))?;
    check_unique("communities", data.communities.iter().map(|c| c.id))?;
    check_unique("grids", data.grids.iter().map(|g| g.id))?;
    check_unique("buildings", data.buildings.iter().map(|b| b.id))?;
    check_unique("resources", data.resources.iter().map(|r| r.id))?;
    check_unique("streets", data.streets.iter().map(|s| s.id))?;
    check_unique("patrol_routes", data.patrol_routes.iter().map(|r| r.id))?;
    check_unique("patrol_tracks", data.patrol_tracks.iter().map(|t| t.id))?;
    check_unique("incidents", data.incidents.iter().map(|i| i.id))?;
    let lists = &data.lists;
    check_unique("units", lists.units.iter().map(|u| u.id))?;
    check_unique("resource_items", lists.resources.iter().map(|r| r.id))?;
    check_unique("demand_items", lists.demands.iter().map(|d| d.id))?;
    check_unique("projects", lists.projects.iter().map(|p| p.id))?;
    check_unique("inspections", lists.inspections.iter().map(|i| i.id))?;
    Ok(())
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
