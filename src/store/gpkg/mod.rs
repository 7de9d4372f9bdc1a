//! The embedded store: one GeoPackage file (SQLite through rusqlite), created from a dataset on
//! first start. SQLite runs in WAL mode with `synchronous = FULL`, so a write acknowledged after
//! its transaction commits survives `kill -9` and power loss alike.
//!
//! rusqlite is synchronous: calls run on Tokio's blocking pool, one connection behind a mutex
//! (SQLite has one writer anyway).

mod inspections;
mod lists;
mod moves;
mod rows;
pub(crate) mod time;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, params};

use super::{PlacedIncident, Store, StoreError, placed_incidents};
use crate::geodata::Dataset;
use crate::index::Engine;
use crate::model::handling::{Move, Transition};
use crate::model::inspections::InspectionRecord;
use crate::model::lists::{DemandItem, Project};
use crate::model::{Incident, PatrolTrack, Personal, Resource};

/// A GeoPackage store.
pub struct GpkgStore {
    path: PathBuf,
    connection: Arc<Mutex<Connection>>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Self::Refused(e.to_string())
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::DiskFull =>
            {
                Self::Full(e.to_string())
            }
            rusqlite::Error::SqliteFailure(code, _)
                if matches!(
                    code.code,
                    rusqlite::ErrorCode::DatabaseBusy
                        | rusqlite::ErrorCode::DatabaseLocked
                        | rusqlite::ErrorCode::ReadOnly
                        | rusqlite::ErrorCode::CannotOpen
                ) =>
            {
                Self::Unavailable(e.to_string())
            }
            _ => Self::Failed(e.to_string()),
        }
    }
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Self::Failed(format!("unexpected value in the store: {e}"))
    }
}

/// The table of incidents' personal fields (see [`crate::model::Personal`]).
const PERSONAL_TABLE: &str = "CREATE TABLE IF NOT EXISTS incident_personal (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    reporter_name TEXT,
    reporter_phone TEXT,
    note TEXT
);";

fn open(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let connection = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Unavailable(format!("opening {}: {e}", path.display())))?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    Ok(connection)
}

impl GpkgStore {
    /// Opens the GeoPackage at `path`, or, if there is none, creates it from the snapshot
    /// `seed` gives (written to a temporary file and renamed, so a crash never leaves half a
    /// store behind). Returns the store and, when it was just created, the seed snapshot. A
    /// store made before the streets layer existed gets it, with the streets of `seed`.
    ///
    /// # Errors
    /// An unreadable or unwritable file, or a failing `seed`.
    pub fn open_or_create(
        path: &Path,
        seed: impl FnOnce() -> anyhow::Result<Engine>,
    ) -> anyhow::Result<(Self, Option<Engine>)> {
        let mut seeded = None;
        let mut seed = Some(seed);
        let mut run_seed = || {
            seed.take().map_or_else(
                || Err(anyhow::anyhow!("the dataset was read once already")),
                |f| f(),
            )
        };
        if !path.exists() {
            let engine = run_seed()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let partial = path.with_extension(format!("gpkg.partial-{}", std::process::id()));
            let _ = std::fs::remove_file(&partial);
            let mut connection = open(&partial, OpenFlags::default())?;
            connection.execute_batch(include_str!("schema.sql"))?;
            connection.execute_batch(include_str!("streets.sql"))?;
            write_snapshot(&mut connection, &engine)?;
            connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
            drop(connection);
            // Publish with a hard link, which fails if the store appeared meanwhile (another
            // server starting on the same path): then that one is used and ours dropped.
            let published = std::fs::hard_link(&partial, path);
            std::fs::remove_file(&partial)?;
            match published {
                Ok(()) => {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::File::open(dir)?.sync_all()?;
                    }
                    seeded = Some(engine);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e.into()),
            }
        }
        let connection = open(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let application_id: i64 =
            connection.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        anyhow::ensure!(
            application_id == 1_196_444_487,
            "{} is not a GeoPackage",
            path.display()
        );
        // Personal fields live in a plain table (not a GeoPackage layer, so GIS clients do not
        // list it); a store made before it existed gets it here.
        connection.execute_batch(PERSONAL_TABLE)?;
        connection.execute_batch(moves::TABLE)?;
        connection.execute_batch(lists::TABLES)?;
        connection.execute_batch(inspections::TABLE)?;
        add_incident_windows(&connection)?;
        let has_streets: bool = connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'streets')",
            [],
            |r| r.get(0),
        )?;
        if !has_streets {
            // A store made before streets existed: add the layer with the dataset's streets.
            let engine = run_seed()?;
            tracing::info!(store = %path.display(), streets = engine.streets.len(), "the store predates streets: adding the dataset's streets");
            let mut connection = connection;
            let tx = connection.transaction()?;
            tx.execute_batch(include_str!("streets.sql"))?;
            rows::insert_streets(&tx, engine.streets.items())?;
            rows::update_extents(&tx)?;
            tx.commit()?;
            return Ok((
                Self {
                    path: path.to_owned(),
                    connection: Arc::new(Mutex::new(connection)),
                },
                seeded,
            ));
        }
        Ok((
            Self {
                path: path.to_owned(),
                connection: Arc::new(Mutex::new(connection)),
            },
            seeded,
        ))
    }

    /// Runs `work` with the connection on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = connection
                .lock()
                .map_err(|_| StoreError::Failed("the store's lock is poisoned".into()))?;
            work(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Failed(format!("store task: {e}")))?
    }
}

/// A store made before incidents had a time window gets the two columns (empty: every older
/// incident happened when it was reported).
fn add_incident_windows(connection: &Connection) -> Result<(), StoreError> {
    let has: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('incidents') WHERE name = 'occurred_from')",
        [],
        |r| r.get(0),
    )?;
    if !has {
        connection.execute_batch(
            "ALTER TABLE incidents ADD COLUMN occurred_from DATETIME;
             ALTER TABLE incidents ADD COLUMN occurred_to DATETIME;",
        )?;
    }
    Ok(())
}

/// Writes an incident's status and resolution time; `false` if there is no such incident.
fn set_status(c: &Connection, incident: &Incident) -> Result<bool, StoreError> {
    let changed = c.execute(
        "UPDATE incidents SET status = ?1, resolved_at = ?2 WHERE id = ?3",
        params![
            incident.status.as_str(),
            incident.resolved_at.map(time::to_text),
            incident.id as i64
        ],
    )?;
    Ok(changed == 1)
}

/// Writes every layer of `engine` in one transaction.
fn write_snapshot(connection: &mut Connection, engine: &Engine) -> Result<(), StoreError> {
    let tx = connection.transaction()?;
    tx.execute_batch(include_str!("city.sql"))?;
    tx.execute("DELETE FROM gridwatch_city", [])?;
    tx.execute(
        "INSERT INTO gridwatch_city (code, name) VALUES (?1, ?2)",
        rusqlite::params![engine.city.code.to_string(), engine.city.name],
    )?;
    rows::insert_districts(&tx, engine.districts.items())?;
    rows::insert_communities(&tx, engine.communities.items())?;
    rows::insert_grids(&tx, engine.grids.items())?;
    rows::insert_buildings(&tx, engine.buildings.items())?;
    for r in engine.resources.items() {
        rows::insert_resource(&tx, r)?;
    }
    rows::insert_streets(&tx, engine.streets.items())?;
    rows::insert_routes(&tx, engine.patrol_routes.items())?;
    for t in engine.patrol_tracks.items() {
        rows::insert_track(&tx, t)?;
    }
    rows::insert_incidents(&tx, &placed_incidents(engine), true)?;
    tx.execute_batch(PERSONAL_TABLE)?;
    tx.execute_batch(moves::TABLE)?;
    moves::insert(&tx, &engine.moves, 0)?;
    tx.execute_batch(lists::TABLES)?;
    lists::insert(&tx, &engine.lists)?;
    tx.execute_batch(inspections::TABLE)?;
    inspections::insert_all(&tx, &engine.lists.inspections)?;
    rows::update_extents(&tx)?;
    tx.commit()?;
    Ok(())
}

#[async_trait]
impl Store for GpkgStore {
    fn describe(&self) -> String {
        format!("GeoPackage {}", self.path.display())
    }

    async fn load(&self) -> Result<Dataset, StoreError> {
        Ok(self.with(rows::load).await?.0)
    }

    async fn load_prepared(&self) -> Result<(Dataset, Option<crate::index::Prebuilt>), StoreError> {
        let (data, prebuilt) = self.with(rows::load).await?;
        Ok((data, Some(prebuilt)))
    }

    async fn insert_incidents(
        &self,
        incidents: Vec<PlacedIncident>,
    ) -> Result<Vec<Incident>, StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let ids = rows::insert_incidents(&tx, &incidents, false)?;
            tx.commit()?;
            Ok(incidents
                .into_iter()
                .zip(ids)
                .map(|(p, id)| Incident { id, ..p.incident })
                .collect())
        })
        .await
    }

    async fn personal(&self, id: u64) -> Result<Option<Personal>, StoreError> {
        self.with(move |c| {
            let found = c.query_row(
                "SELECT reporter_name, reporter_phone, note FROM incident_personal WHERE incident_id = ?1",
                params![id as i64],
                |r| {
                    Ok(Personal {
                        reporter_name: r.get(0)?,
                        reporter_phone: r.get(1)?,
                        note: r.get(2)?,
                    })
                },
            );
            match found {
                Ok(p) => Ok(Some(p)),
                Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    async fn update_incident(&self, incident: &Incident) -> Result<bool, StoreError> {
        let incident = incident.clone();
        self.with(move |c| set_status(c, &incident)).await
    }

    async fn history(&self, id: u64) -> Result<Vec<Transition>, StoreError> {
        self.with(move |c| moves::of(c, id)).await
    }

    async fn add_move(
        &self,
        incident: &Incident,
        transition: &Transition,
    ) -> Result<bool, StoreError> {
        let incident = incident.clone();
        let transition = transition.clone();
        self.with(move |c| {
            let tx = c.transaction()?;
            if !set_status(&tx, &incident)? {
                return Ok(false);
            }
            let seq = moves::next_seq(&tx, incident.id)?;
            moves::insert(
                &tx,
                &[Move {
                    incident_id: incident.id,
                    transition,
                }],
                seq,
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn insert_track(&self, track: PatrolTrack) -> Result<PatrolTrack, StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let id = rows::insert_track(
                &tx,
                &PatrolTrack {
                    id: 0,
                    ..track.clone()
                },
            )?;
            tx.commit()?;
            Ok(PatrolTrack { id, ..track })
        })
        .await
    }

    async fn upsert_resource(&self, resource: Resource) -> Result<Resource, StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let id = rows::insert_resource(&tx, &resource)?;
            tx.commit()?;
            Ok(Resource { id, ..resource })
        })
        .await
    }

    async fn insert_demand(&self, demand: DemandItem) -> Result<DemandItem, StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let stored = lists::insert_demand(&tx, &demand)?;
            tx.commit()?;
            Ok(stored)
        })
        .await
    }

    async fn save_project(
        &self,
        project: Project,
        demands: Vec<DemandItem>,
    ) -> Result<Project, StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let stored = lists::save_project(&tx, project, &demands)?;
            tx.commit()?;
            Ok(stored)
        })
        .await
    }

    async fn insert_inspection(
        &self,
        record: InspectionRecord,
    ) -> Result<InspectionRecord, StoreError> {
        self.with(move |c| {
            let tx = c.transaction()?;
            let stored = inspections::insert(&tx, record)?;
            tx.commit()?;
            Ok(stored)
        })
        .await
    }
}
