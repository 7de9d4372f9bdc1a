//! The live dataset: the current engine snapshot, and the write path that keeps it and the
//! store in step.
//!
//! Reads take the current snapshot (an `Arc`, never a lock). A write takes the writer lock,
//! commits to the store, builds the next snapshot from the current one (only the changed layer
//! is rebuilt) and publishes it; so a write acknowledged to a client is durable and visible to
//! every read that starts after it. Changes other replicas made arrive through
//! [`Live::apply_remote`] (PostGIS notifications).

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::feed::{Change, Feed, IncidentChange, MAX_LISTED_INCIDENTS};
use crate::index::Engine;
use crate::model::calendar::WorkingCalendar;
use crate::model::handling::{Record, Transition, TransitionError};
use crate::model::inspections::InspectionRecord;
use crate::model::lists::{DemandItem, Project};
use crate::model::{HandlingState, Incident, IncidentStatus, PatrolTrack, Personal, Resource};
use crate::store::postgis::Changed;
use crate::store::{PlacedIncident, Store, StoreError};

/// Why a write was not done. Nothing was changed in either case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("this server has no store to write to; it serves a read-only dataset")]
    ReadOnly,
    #[error("there is no incident {0}")]
    NoSuchIncident(u64),
    #[error("there is no project {0}")]
    NoSuchProject(u64),
    /// The write names what does not exist or is unreadable (a need that is not on the list).
    #[error("{0}")]
    Unprocessable(String),
    /// The write conflicts with the data as it is (an illegal move, a backward status).
    #[error("{0}")]
    Invalid(String),
    /// The request itself is malformed (a move dated in the future).
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A handling move asked for: where to, when (now by default), to which department (for
/// `dispatched`), by whom, with what note.
#[derive(Debug, Clone)]
pub struct MoveRequest {
    pub to: HandlingState,
    pub at: Option<i64>,
    pub department: Option<String>,
    pub by: Option<String>,
    pub note: Option<String>,
}

/// The current snapshot and its store.
pub struct Live {
    current: ArcSwap<Engine>,
    store: Option<Arc<dyn Store>>,
    writer: tokio::sync::Mutex<()>,
    /// One event per published write, for live maps.
    feed: Feed,
    /// Whether other replicas' changes reach this one now (a PostGIS listener is subscribed).
    following: std::sync::atomic::AtomicBool,
}

impl Live {
    /// A live dataset over `engine`, writing to `store` (read-only without one).
    #[must_use]
    pub fn new(engine: Engine, store: Option<Arc<dyn Store>>) -> Self {
        Self {
            current: ArcSwap::from_pointee(engine),
            store,
            writer: tokio::sync::Mutex::new(()),
            feed: Feed::default(),
            following: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether this replica is subscribed to other replicas' changes now.
    #[must_use]
    pub fn following(&self) -> bool {
        self.following.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Said by [`crate::replication::follow`] when its subscription starts or ends.
    pub fn set_following(&self, following: bool) {
        self.following
            .store(following, std::sync::atomic::Ordering::Release);
    }

    /// The current snapshot.
    #[must_use]
    pub fn engine(&self) -> Arc<Engine> {
        self.current.load_full()
    }

    /// The change feed.
    #[must_use]
    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    /// Tells the feed what the last write changed, as the new snapshot shows it.
    fn announce(&self, incidents: &[u64], tracks: Vec<u64>, resources: Vec<u64>, reload: bool) {
        let engine = self.engine();
        let listed = if incidents.len() > MAX_LISTED_INCIDENTS {
            Vec::new()
        } else {
            incidents
                .iter()
                .filter_map(|&id| engine.incidents.row(id))
                .map(|row| IncidentChange::of_row(&engine, row))
                .collect()
        };
        self.feed.send(Change {
            seq: 0,
            version: engine.version,
            incidents: listed,
            incident_count: incidents.len(),
            tracks,
            resources,
            reload,
            alerts: Vec::new(),
        });
    }

    /// Incident `id` as the current snapshot has it.
    fn current_incident(&self, id: u64) -> Result<Incident, WriteError> {
        let engine = self.engine();
        let row = engine
            .incidents
            .row(id)
            .ok_or(WriteError::NoSuchIncident(id))?;
        Ok(engine.incidents.incident(row))
    }

    /// The store, if any.
    #[must_use]
    pub fn store(&self) -> Option<&Arc<dyn Store>> {
        self.store.as_ref()
    }

    fn writable(&self) -> Result<&Arc<dyn Store>, WriteError> {
        self.store.as_ref().ok_or(WriteError::ReadOnly)
    }

    /// Builds the next snapshot off the async runtime (at 1M incidents it copies columns).
    async fn publish(
        &self,
        next: impl FnOnce(&Engine) -> Engine + Send + 'static,
    ) -> Result<(), WriteError> {
        let current = self.engine();
        let engine = tokio::task::spawn_blocking(move || next(&current))
            .await
            .map_err(|e| {
                WriteError::Store(StoreError::Failed(format!(
                    "building the next snapshot: {e}"
                )))
            })?;
        self.current.store(Arc::new(engine));
        Ok(())
    }

    /// Adds new incidents, all or nothing; their grid and community are derived here. Returns
    /// them with the ids the store gave.
    ///
    /// # Errors
    /// No store, or the store failed (nothing written).
    pub async fn add_incidents(
        &self,
        incidents: Vec<Incident>,
    ) -> Result<Vec<Incident>, WriteError> {
        self.add_reported(incidents.into_iter().map(|i| (i, None)).collect())
            .await
    }

    /// Adds new incidents with their personal fields (which go to the store only), all or
    /// nothing. Returns them with the ids the store gave.
    ///
    /// # Errors
    /// No store, or the store failed (nothing written).
    pub async fn add_reported(
        &self,
        incidents: Vec<(Incident, Option<Personal>)>,
    ) -> Result<Vec<Incident>, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        let engine = self.engine();
        let placed = incidents
            .into_iter()
            .map(|(i, personal)| PlacedIncident {
                personal,
                ..PlacedIncident::place(&engine, i)
            })
            .collect::<Vec<_>>();
        // Said before the store is touched, so a crash test can kill the process while the
        // write is provably under way.
        tracing::debug!(incidents = placed.len(), "storing incidents");
        let stored = store.insert_incidents(placed).await?;
        let upserts = stored.clone();
        self.publish(move |e| e.with_incidents(upserts)).await?;
        let ids: Vec<u64> = stored.iter().map(|i| i.id).collect();
        self.announce(&ids, Vec::new(), Vec::new(), false);
        Ok(stored)
    }

    /// Moves an incident forward in its life cycle (open → assigned → resolved; a resolved
    /// incident stays resolved). `resolved_at` defaults to now when resolving.
    ///
    /// # Errors
    /// No store, no such incident, a backward move, or a store failure.
    pub async fn update_status(
        &self,
        id: u64,
        status: IncidentStatus,
        resolved_at: Option<i64>,
    ) -> Result<Incident, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        let mut incident = self.current_incident(id)?;
        if incident.handling.is_some() {
            return Err(WriteError::Invalid(format!(
                "incident {id} has a handling history: move it with POST /api/v1/incidents/{id}/transitions"
            )));
        }
        let rank = |s: IncidentStatus| match s {
            IncidentStatus::Open => 0,
            IncidentStatus::Assigned => 1,
            IncidentStatus::Resolved => 2,
        };
        if rank(status) < rank(incident.status) {
            return Err(WriteError::Invalid(format!(
                "incident {id} is {}; it cannot go back to {status}",
                incident.status
            )));
        }
        if status != IncidentStatus::Resolved && resolved_at.is_some() {
            return Err(WriteError::Invalid(
                "`resolved_at` is only for status `resolved`".into(),
            ));
        }
        incident.resolved_at = match status {
            IncidentStatus::Resolved => Some(
                resolved_at
                    .or(incident.resolved_at)
                    .unwrap_or_else(|| chrono::Utc::now().timestamp()),
            ),
            _ => None,
        };
        if incident
            .resolved_at
            .is_some_and(|t| t < incident.reported_at)
        {
            return Err(WriteError::Invalid(format!(
                "`resolved_at` is before the incident was reported ({})",
                crate::model::format_local(incident.reported_at)
            )));
        }
        incident.status = status;
        if !store.update_incident(&incident).await? {
            return Err(WriteError::NoSuchIncident(id));
        }
        let upsert = incident.clone();
        self.publish(move |e| e.with_incidents(vec![upsert]))
            .await?;
        self.announce(&[id], Vec::new(), Vec::new(), false);
        Ok(incident)
    }

    /// Moves an incident's handling on (see [`crate::model::handling`]): checks the move
    /// against its state, records it in the store with the status and resolution time it
    /// implies (one transaction), and publishes the incident with its new record. An incident
    /// without a history starts from the state its status implies.
    ///
    /// # Errors
    /// No store, no such incident, a move dated in the future or before the report, an
    /// illegal move (a conflict: nothing is written), or a store failure.
    pub async fn transition(
        &self,
        id: u64,
        request: MoveRequest,
    ) -> Result<(Incident, Transition), WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        let mut incident = self.current_incident(id)?;
        let now = chrono::Utc::now().timestamp();
        let at = request.at.unwrap_or(now);
        if at > now + 60 {
            return Err(WriteError::BadRequest(format!(
                "`at` ({}) is in the future",
                crate::model::format_local(at)
            )));
        }
        if at < incident.reported_at {
            return Err(WriteError::BadRequest(format!(
                "`at` is before the incident was reported ({})",
                crate::model::format_local(incident.reported_at)
            )));
        }
        if request.department.is_some() && request.to != HandlingState::Dispatched {
            return Err(WriteError::BadRequest(
                "`department` is only for a move to `dispatched`".into(),
            ));
        }
        let mut record = incident
            .handling
            .take()
            .map_or_else(|| Record::of_status(incident.status), |r| *r);
        record
            .check(request.to, at, request.department.as_deref())
            .map_err(|e| match e {
                TransitionError::NoDepartment => {
                    WriteError::BadRequest("a move to `dispatched` needs a `department`".into())
                }
                e => WriteError::Invalid(format!("incident {id}: {e}")),
            })?;
        let transition = Transition {
            at,
            from: record.state,
            to: request.to,
            department: request
                .department
                .clone()
                .or_else(|| record.department.clone()),
            by: request.by,
            note: request.note,
        };
        let calendar = WorkingCalendar::current();
        record.apply(
            calendar,
            (request.to, at, request.department.as_deref()),
            calendar.limit_s(incident.kind),
        );
        incident.status = record.state.status();
        incident.resolved_at = record.closed_at();
        incident.handling = Some(Box::new(record));
        if !store.add_move(&incident, &transition).await? {
            return Err(WriteError::NoSuchIncident(id));
        }
        let upsert = incident.clone();
        self.publish(move |e| e.with_incidents(vec![upsert]))
            .await?;
        self.announce(&[id], Vec::new(), Vec::new(), false);
        Ok((incident, transition))
    }

    /// Adds a patrol track (the store gives its id).
    ///
    /// # Errors
    /// No store, or the store failed.
    pub async fn add_track(&self, track: PatrolTrack) -> Result<PatrolTrack, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        let stored = store.insert_track(track).await?;
        let track = stored.clone();
        self.publish(move |e| e.with_track(track)).await?;
        self.announce(&[], vec![stored.id], Vec::new(), false);
        Ok(stored)
    }

    /// Adds or replaces a resource; its community is derived here.
    ///
    /// # Errors
    /// No store, or the store failed.
    pub async fn upsert_resource(&self, mut resource: Resource) -> Result<Resource, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        resource.community_id = self.engine().place(resource.geometry.0).1;
        let stored = store.upsert_resource(resource).await?;
        let resource = stored.clone();
        self.publish(move |e| e.with_resource(resource)).await?;
        self.announce(&[], Vec::new(), vec![stored.id], false);
        Ok(stored)
    }

    /// Adds a joint inspection done; its community is derived from its place here.
    ///
    /// # Errors
    /// No store, a place outside every community, or the store failed.
    pub async fn record_inspection(
        &self,
        mut record: InspectionRecord,
    ) -> Result<InspectionRecord, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        record.community_id = self
            .engine()
            .place(geo::Coord {
                x: record.lon,
                y: record.lat,
            })
            .1
            .ok_or_else(|| {
                WriteError::BadRequest(format!(
                    "({}, {}) is in no community of the city",
                    record.lon, record.lat
                ))
            })?;
        let stored = store.insert_inspection(record).await?;
        let record = stored.clone();
        self.publish(move |e| e.with_inspection(record)).await?;
        Ok(stored)
    }

    /// Adds a need to the demand list, open; its community is derived from its place here.
    ///
    /// # Errors
    /// No store, a place outside every community, or the store failed.
    pub async fn raise_demand(&self, mut demand: DemandItem) -> Result<DemandItem, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        let engine = self.engine();
        demand.community_id = engine
            .place(geo::Coord {
                x: demand.lon,
                y: demand.lat,
            })
            .1
            .ok_or_else(|| {
                WriteError::BadRequest(format!(
                    "({}, {}) is in no community of the city",
                    demand.lon, demand.lat
                ))
            })?;
        demand.status = crate::model::lists::DemandStatus::Open;
        let stored = store.insert_demand(demand).await?;
        let mut lists = crate::model::lists::Lists::clone(&engine.lists);
        lists.demands.push(stored.clone());
        self.publish(move |e| e.with_lists(lists)).await?;
        Ok(stored)
    }

    /// Applies an edit of the lists' projects (see [`crate::model::list_edits`]) checked
    /// against the lists as they stand under the writer's lock, then stored and published.
    ///
    /// # Errors
    /// No store, an edit the lists refuse (a conflict), or the store failed.
    pub async fn edit_project(
        &self,
        edit: impl FnOnce(
            &crate::model::lists::Lists,
        ) -> Result<
            crate::model::list_edits::Opened,
            crate::model::list_edits::ListEditError,
        >,
    ) -> Result<Project, WriteError> {
        let store = self.writable()?;
        let _writer = self.writer.lock().await;
        let engine = self.engine();
        let (project, demands) = edit(&engine.lists).map_err(|e| {
            use crate::model::list_edits::ListEditError as E;
            match e {
                E::NoProject(id) => WriteError::NoSuchProject(id),
                E::NoDemand(_) | E::NoResource(_) | E::NoDemands | E::Name => {
                    WriteError::Unprocessable(e.to_string())
                }
                other => WriteError::Invalid(other.to_string()),
            }
        })?;
        let stored = store.save_project(project, demands.clone()).await?;
        let lists = engine.lists.with_project(stored.clone(), &demands);
        self.publish(move |e| e.with_lists(lists)).await?;
        Ok(stored)
    }

    /// Applies rows another replica wrote (as the database holds them now).
    ///
    /// # Errors
    /// Building the snapshot failed.
    pub async fn apply_remote(&self, changed: Changed) -> Result<(), WriteError> {
        let _writer = self.writer.lock().await;
        let incidents: Vec<u64> = changed.incidents.iter().map(|i| i.id).collect();
        let tracks: Vec<u64> = changed.tracks.iter().map(|t| t.id).collect();
        let resources: Vec<u64> = changed.resources.iter().map(|r| r.id).collect();
        self.publish(move |e| {
            let mut next = if changed.incidents.is_empty() {
                e.clone()
            } else {
                e.with_incidents(changed.incidents)
            };
            for track in changed.tracks {
                next = next.with_track(track);
            }
            for resource in changed.resources {
                next = next.with_resource(resource);
            }
            if let Some(lists) = changed.lists {
                next = next.with_lists(lists);
            }
            for record in changed.inspections {
                next = next.with_inspection(record);
            }
            next
        })
        .await?;
        self.announce(&incidents, tracks, resources, false);
        Ok(())
    }

    /// Replaces the whole snapshot (after a reload from the store).
    pub async fn replace(&self, engine: Engine) {
        let _writer = self.writer.lock().await;
        self.current.store(Arc::new(engine));
        self.announce(&[], Vec::new(), Vec::new(), true);
    }
}
