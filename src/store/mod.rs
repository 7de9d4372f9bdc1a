//! Durable stores behind one narrow trait. The in-memory [`Engine`] is where queries run; a
//! store is where data survives: PostGIS as the system of record ([`postgis`]), or a local
//! GeoPackage file as the embedded default ([`gpkg`]).
//!
//! Every write goes to the store first, in one transaction; only when it has committed does the
//! server publish a new engine snapshot and acknowledge. A failed write changes nothing.

pub mod geometry;
pub mod gpkg;
pub mod postgis;

use async_trait::async_trait;

use crate::geodata::Dataset;
use crate::index::{Engine, Prebuilt};
use crate::model::handling::Transition;
use crate::model::{Incident, PatrolTrack, Personal, Resource};

/// Why a store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached or is not writable now; nothing was written (503).
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The store's disk is full; nothing was written (507).
    #[error("the store's disk is full: {0}")]
    Full(String),
    /// The store refused the data (a constraint); nothing was written.
    #[error("the store refused the write: {0}")]
    Refused(String),
    /// Anything else (a bug or a corrupt store).
    #[error("store failure: {0}")]
    Failed(String),
}

/// An incident with the fields the engine derived for it, which stores keep beside it for
/// their own users (SQL, QGIS); the engine never reads them back.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedIncident {
    pub incident: Incident,
    pub grid_id: Option<u64>,
    pub community_id: Option<u64>,
    /// The res-11 H3 cell (raw), 0 if none.
    pub h3: u64,
    /// Who reported it, kept only in the store (see [`Personal`]).
    pub personal: Option<Personal>,
}

impl PlacedIncident {
    /// Places `incident` with `engine`'s locator.
    #[must_use]
    pub fn place(engine: &Engine, incident: Incident) -> Self {
        let at = geo::Coord {
            x: incident.lon,
            y: incident.lat,
        };
        let (grid_id, community_id) = engine.place(at);
        let h3 = crate::index::cell_of(at).map_or(0, u64::from);
        Self {
            incident,
            grid_id,
            community_id,
            h3,
            personal: None,
        }
    }
}

/// A durable home for a dataset.
#[async_trait]
pub trait Store: Send + Sync {
    /// What and where, for logs (never a password).
    fn describe(&self) -> String;

    /// Every layer as stored.
    async fn load(&self) -> Result<Dataset, StoreError>;

    /// Every layer, with the parts of the engine a store could build while it read (see
    /// [`Prebuilt`]); by default none.
    async fn load_prepared(&self) -> Result<(Dataset, Option<Prebuilt>), StoreError> {
        Ok((self.load().await?, None))
    }

    /// Inserts new incidents with their personal fields, all or nothing; the store assigns
    /// their ids (any `id` given is ignored). Returns them with their ids, in the order given.
    async fn insert_incidents(
        &self,
        incidents: Vec<PlacedIncident>,
    ) -> Result<Vec<Incident>, StoreError>;

    /// The personal fields of incident `id`, if any were given.
    async fn personal(&self, id: u64) -> Result<Option<Personal>, StoreError>;

    /// Replaces the status and resolution time of an existing incident; `false` if there is
    /// no incident with that id.
    async fn update_incident(&self, incident: &Incident) -> Result<bool, StoreError>;

    /// The handling moves of incident `id`, in order.
    async fn history(&self, id: u64) -> Result<Vec<Transition>, StoreError>;

    /// Records a handling move of `incident` and its status and resolution time as they now
    /// are, in one transaction; `false` if there is no incident with that id.
    async fn add_move(
        &self,
        incident: &Incident,
        transition: &Transition,
    ) -> Result<bool, StoreError>;

    /// Inserts a patrol track; the store assigns its id.
    async fn insert_track(&self, track: PatrolTrack) -> Result<PatrolTrack, StoreError>;

    /// Inserts a resource (the store assigns its id when `id` is 0) or replaces the one with
    /// its id.
    async fn upsert_resource(&self, resource: Resource) -> Result<Resource, StoreError>;

    /// Adds a need to the demand list (the store gives its id).
    async fn insert_demand(
        &self,
        demand: crate::model::lists::DemandItem,
    ) -> Result<crate::model::lists::DemandItem, StoreError>;

    /// Adds (id 0: the store gives it) or moves on a project, and writes its needs'
    /// statuses, in one transaction.
    async fn save_project(
        &self,
        project: crate::model::lists::Project,
        demands: Vec<crate::model::lists::DemandItem>,
    ) -> Result<crate::model::lists::Project, StoreError>;

    /// Adds a joint inspection done (the store gives its id).
    async fn insert_inspection(
        &self,
        record: crate::model::inspections::InspectionRecord,
    ) -> Result<crate::model::inspections::InspectionRecord, StoreError>;

    /// The province statistics over every city the store holds, if it can aggregate them
    /// itself (a database); `None` leaves them to memory.
    async fn province(
        &self,
        _question: &crate::model::province::Question,
    ) -> Result<Option<Vec<crate::model::province::Row>>, StoreError> {
        Ok(None)
    }
}

/// Folds the moves read into the incidents' records and lets them go: the store keeps the
/// histories, so an engine loaded from it holds only each incident's record (at 1M incidents
/// the moves would be hundreds of megabytes).
pub(crate) fn fold_moves(data: &mut Dataset) -> Result<(), StoreError> {
    data.attach_handling()
        .map_err(|e| StoreError::Failed(format!("the stored moves do not follow: {e}")))?;
    data.moves = Vec::new();
    Ok(())
}

/// Loads every layer from `store` and indexes it (off the async runtime), logging how long
/// each step took.
///
/// # Errors
/// The store cannot be read, or its data cannot be indexed.
pub async fn load_snapshot(store: &dyn Store) -> anyhow::Result<Engine> {
    let started = std::time::Instant::now();
    let (data, prebuilt) = store.load_prepared().await?;
    let read = started.elapsed();
    let engine = tokio::task::spawn_blocking(move || Engine::build_with(data, prebuilt)).await??;
    tracing::info!(
        store = %store.describe(),
        read_ms = read.as_millis(),
        index_ms = started.elapsed().saturating_sub(read).as_millis(),
        incidents = engine.incidents.len(),
        "dataset loaded"
    );
    Ok(engine)
}

/// Every incident of `engine`, placed (for writing a snapshot to a store).
#[must_use]
pub fn placed_incidents(engine: &Engine) -> Vec<PlacedIncident> {
    let t = &engine.incidents;
    (0..t.len())
        .map(|row| PlacedIncident {
            incident: t.incident(row),
            grid_id: (t.grid[row] != crate::index::NONE)
                .then(|| engine.grids.items()[t.grid[row] as usize].id),
            community_id: (t.community[row] != crate::index::NONE)
                .then(|| engine.communities.items()[t.community[row] as usize].id),
            h3: t.cell[row],
            personal: None,
        })
        .collect()
}
