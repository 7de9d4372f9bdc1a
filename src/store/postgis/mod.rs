//! PostGIS as the system of record (sqlx, runtime queries; SQL text in `sql/`, every value a
//! bind parameter). The schema lives in `migrations/` and is applied at connect time.
//!
//! Replicas on one database keep each other current: every write sends a `NOTIFY` on
//! [`CHANNEL`] in its own transaction (so it is delivered only if the write commits), naming
//! the ids it wrote; each server listens and loads those rows ([`PgStore::fetch`]).

mod import;
mod lists;
mod load;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Row, Transaction};

pub use import::import;

use super::geometry::to_wkb;
use super::{PlacedIncident, Store, StoreError};
use crate::geodata::Dataset;
use crate::model::handling::Transition;
use crate::model::inspections::InspectionRecord;
use crate::model::lists::{DemandItem, Lists, Project};
use crate::model::province::{self, By, Key, Question};
use crate::model::{City, CityCode, Incident, PatrolTrack, Personal, Resource};

/// The notification channel of data changes.
pub const CHANNEL: &str = "gridwatch_changes";
/// The oldest PostGIS release the schema and queries are written for.
const MIN_POSTGIS: (u32, u32) = (3, 1);
/// Ids per notification, keeping payloads well under PostgreSQL's 8,000-byte limit.
const IDS_PER_NOTICE: usize = 500;

/// What changed, as one notification carries it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Change {
    /// The server that made the change (it has applied it already).
    pub origin: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<u64>,
    /// The committee's lists changed (a need added, a project opened or moved on): small
    /// enough to read again whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lists: bool,
    /// The city changed (every city's followers hear every change).
    #[serde(default)]
    pub city: Option<CityCode>,
    /// Everything may have changed (an import): reload the whole snapshot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reload: bool,
}

/// Rows a [`Change`] names, as the database holds them now.
#[derive(Debug, Default)]
pub struct Changed {
    pub incidents: Vec<Incident>,
    pub tracks: Vec<PatrolTrack>,
    pub resources: Vec<Resource>,
    pub inspections: Vec<InspectionRecord>,
    pub lists: Option<Lists>,
}

/// A PostGIS store of one city: every row it reads and writes is that city's (the database
/// may hold many; see `migrations/0004_cities.sql`).
pub struct PgStore {
    pool: PgPool,
    describe: String,
    origin: String,
    city: City,
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db)
                if db.is_check_violation()
                    || db.is_foreign_key_violation()
                    || db.is_unique_violation() =>
            {
                Self::Refused(db.message().to_owned())
            }
            // Connection exceptions (08), shutdowns (57P), a database that is gone (3D000),
            // read-only replicas (25006): the server cannot take writes now.
            sqlx::Error::Database(db)
                if db.code().is_some_and(|c| {
                    c.starts_with("08") || c.starts_with("57P") || c == "3D000" || c == "25006"
                }) =>
            {
                Self::Unavailable(db.message().to_owned())
            }
            // A Citus coordinator that cannot reach the worker holding the rows: the
            // transaction is aborted whole, and the write may be tried again.
            sqlx::Error::Database(db)
                if db
                    .message()
                    .starts_with("failure on connection marked as essential")
                    || db.message().starts_with("connection to the remote node") =>
            {
                Self::Unavailable(db.message().to_owned())
            }
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e.to_string()),
            _ => Self::Failed(e.to_string()),
        }
    }
}

/// `postgres://user:secret@host/db` without the secret, for logs.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "a PostgreSQL database".to_owned(),
    }
}

fn version(text: &str) -> (u32, u32) {
    let mut parts = text
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok());
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Every statement of the server's connections gives up after a minute, so a stuck query
/// cannot hold a connection (and a writer) for ever: the write answers 503 and nothing is
/// half-written (each write is one transaction). The longest statements we send, a page of a
/// full load or a batch of an import, take a few seconds at a million incidents.
const STATEMENT_TIMEOUT: &str = "SET statement_timeout = '60s'";

impl PgStore {
    /// Connects, checks that PostGIS is new enough, and applies the migrations; the store of
    /// `city` (see [`Self::cities`] for those the database holds, [`Self::for_city`] for another).
    ///
    /// # Errors
    /// An unreachable database, PostGIS missing or older than 3.1, or a failing migration.
    pub async fn connect(url: &str, city: City) -> anyhow::Result<Self> {
        let describe = redact(url);
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(|connection, _| {
                Box::pin(async move {
                    sqlx::Executor::execute(connection, STATEMENT_TIMEOUT).await?;
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect to {describe}: {e}"))?;
        let row = sqlx::query(include_str!("sql/postgis_version.sql"))
            .fetch_one(&pool)
            .await?;
        let installed: Option<String> = row.try_get("installed")?;
        let available: Option<String> = row.try_get("available")?;
        let Some(found) = installed.or(available) else {
            anyhow::bail!(
                "{describe} has no PostGIS: install it on the database server (Debian: apt-get install postgresql-15-postgis-3)"
            );
        };
        anyhow::ensure!(
            version(&found) >= MIN_POSTGIS,
            "{describe} has PostGIS {found}; gridwatch needs {}.{} or newer",
            MIN_POSTGIS.0,
            MIN_POSTGIS.1
        );
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("migrating {describe}: {e}"))?;
        let origin = format!("{}-{:x}", std::process::id(), rand::random::<u64>());
        Ok(Self {
            pool,
            describe,
            origin,
            city,
        })
    }

    /// The store of `city` in the same database (sharing the connections).
    #[must_use]
    pub fn for_city(&self, city: City) -> Self {
        Self {
            pool: self.pool.clone(),
            describe: self.describe.clone(),
            origin: format!("{}-{:x}", std::process::id(), rand::random::<u64>()),
            city,
        }
    }

    /// The city this store reads and writes.
    #[must_use]
    pub fn city(&self) -> &City {
        &self.city
    }

    /// Every city with rows in the database, by code.
    ///
    /// # Errors
    /// The database is unreachable, or holds a code that is not a city's.
    pub async fn cities(&self) -> Result<Vec<City>, StoreError> {
        sqlx::query_as::<_, (i32, String)>(include_str!("sql/load_cities.sql"))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(code, name)| {
                let code = u32::try_from(code)
                    .ok()
                    .and_then(CityCode::new)
                    .ok_or_else(|| {
                        StoreError::Failed(format!("cities: `{code}` is no city code"))
                    })?;
                Ok(City { code, name })
            })
            .collect()
    }

    fn code(&self) -> i32 {
        load::city_key(self.city.code)
    }

    /// Whether the database holds no dataset of this city yet (no districts).
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(include_str!("sql/is_empty.sql"))
            .bind(self.code())
            .fetch_one(&self.pool)
            .await?)
    }

    /// The connection pool (for import and benchmarks).
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// This server's name in notifications.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// A listener subscribed to [`CHANNEL`].
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn listen(&self) -> Result<PgListener, StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(listener)
    }

    /// The rows `change` names, as stored now.
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn fetch(&self, change: &Change) -> Result<Changed, StoreError> {
        let ids = |v: &Vec<u64>| {
            (!v.is_empty()).then(|| v.iter().map(|&i| i as i64).collect::<Vec<i64>>())
        };
        let mut changed = Changed::default();
        if change.city.is_some_and(|c| c != self.city.code) {
            return Ok(changed);
        }
        if let Some(ids) = ids(&change.incidents) {
            changed.incidents = load::incidents_with_handling(&self.pool, self.code(), ids).await?;
        }
        if let Some(ids) = ids(&change.tracks) {
            changed.tracks = load::tracks(&self.pool, self.code(), Some(ids)).await?;
        }
        if let Some(ids) = ids(&change.resources) {
            changed.resources = load::resources(&self.pool, self.code(), Some(ids)).await?;
        }
        if change.lists {
            changed.lists = Some(lists::load(&self.pool, self.code()).await?);
        }
        if let Some(ids) = ids(&change.inspections) {
            changed.inspections = lists::inspections(&self.pool, self.code(), &ids).await?;
        }
        Ok(changed)
    }

    /// Writes an incident's status and resolution time inside `tx`; `false` if there is no
    /// such incident.
    async fn set_status(
        &self,
        tx: &mut Transaction<'_, Postgres>,
        incident: &Incident,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(include_str!("sql/update_incident.sql"))
            .bind(incident.id as i64)
            .bind(incident.status.as_str())
            .bind(incident.resolved_at)
            .bind(self.code())
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Sends `change` inside `tx`, in notices of at most [`IDS_PER_NOTICE`] ids.
    async fn notify(
        &self,
        tx: &mut Transaction<'_, Postgres>,
        mut change: Change,
    ) -> Result<(), StoreError> {
        change.origin.clone_from(&self.origin);
        change.city = Some(self.city.code);
        let mut notices = Vec::new();
        for chunk in change.incidents.chunks(IDS_PER_NOTICE) {
            notices.push(Change {
                origin: self.origin.clone(),
                city: change.city,
                incidents: chunk.to_vec(),
                ..Change::default()
            });
        }
        if !change.tracks.is_empty()
            || !change.resources.is_empty()
            || !change.inspections.is_empty()
            || change.lists
        {
            notices.push(Change {
                incidents: Vec::new(),
                ..change
            });
        }
        for notice in notices {
            let payload =
                serde_json::to_string(&notice).map_err(|e| StoreError::Failed(e.to_string()))?;
            sqlx::query(include_str!("sql/notify.sql"))
                .bind(payload)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for PgStore {
    async fn province(
        &self,
        question: &Question,
    ) -> Result<Option<Vec<province::Row>>, StoreError> {
        let sql = match question.by.unwrap_or(By::City) {
            By::City => include_str!("sql/province_by_city.sql"),
            By::District => include_str!("sql/province_by_district.sql"),
            By::Month => include_str!("sql/province_by_month.sql"),
        };
        let kinds: Option<Vec<&str>> = (!question.kinds.is_empty())
            .then(|| question.kinds.iter().map(|k| k.as_str()).collect());
        let rows: Vec<(
            Option<i32>,
            Option<i64>,
            Option<String>,
            i64,
            i64,
            Option<f64>,
        )> = sqlx::query_as(sql)
            .bind(kinds)
            .bind(question.period.start)
            .bind(question.period.end)
            .fetch_all(&self.pool)
            .await?;
        let rows = rows
            .into_iter()
            .map(|(city, district_id, month, incidents, resolved, median)| {
                let key = Key {
                    city: city
                        .and_then(|c| u32::try_from(c).ok())
                        .and_then(CityCode::new),
                    district_id: district_id.map(|d| d as u64),
                    month,
                };
                province::Row::new(key, incidents.max(0) as u64, resolved.max(0) as u64, median)
            })
            .collect();
        Ok(Some(rows))
    }

    fn describe(&self) -> String {
        format!("PostGIS {} (city {})", self.describe, self.city.code)
    }

    async fn load(&self) -> Result<Dataset, StoreError> {
        let mut data = load::dataset(&self.pool, &self.city).await?;
        // The moves become the incidents' records; the database keeps the histories.
        super::fold_moves(&mut data)?;
        Ok(data)
    }

    async fn insert_incidents(
        &self,
        incidents: Vec<PlacedIncident>,
    ) -> Result<Vec<Incident>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let ids: Vec<i64> = sqlx::query_scalar(include_str!("sql/next_incident_ids.sql"))
            .bind(incidents.len() as i64)
            .fetch_all(&mut *tx)
            .await?;
        let column =
            |f: &dyn Fn(&PlacedIncident) -> i64| incidents.iter().map(f).collect::<Vec<i64>>();
        let text = |f: &dyn Fn(&PlacedIncident) -> &'static str| {
            incidents.iter().map(f).collect::<Vec<&str>>()
        };
        let optional = |f: &dyn Fn(&PlacedIncident) -> Option<i64>| {
            incidents.iter().map(f).collect::<Vec<Option<i64>>>()
        };
        let float =
            |f: &dyn Fn(&PlacedIncident) -> f64| incidents.iter().map(f).collect::<Vec<f64>>();
        sqlx::query(include_str!("sql/insert_incidents.sql"))
            .bind(&ids)
            .bind(text(&|p| p.incident.kind.as_str()))
            .bind(column(&|p| p.incident.reported_at))
            .bind(text(&|p| p.incident.status.as_str()))
            .bind(optional(&|p| p.incident.resolved_at))
            .bind(text(&|p| p.incident.source.as_str()))
            .bind(optional(&|p| p.grid_id.map(|v| v as i64)))
            .bind(optional(&|p| p.community_id.map(|v| v as i64)))
            .bind(column(&|p| p.h3 as i64))
            .bind(float(&|p| p.incident.lon))
            .bind(float(&|p| p.incident.lat))
            .bind(self.code())
            .bind(optional(&|p| p.incident.occurred.map(|o| o.from)))
            .bind(optional(&|p| p.incident.occurred.map(|o| o.to)))
            .execute(&mut *tx)
            .await?;
        // Personal fields, in the same transaction.
        let personal: Vec<(i64, &Personal)> = incidents
            .iter()
            .zip(&ids)
            .filter_map(|(p, &id)| Some((id, p.personal.as_ref().filter(|p| !p.is_empty())?)))
            .collect();
        if !personal.is_empty() {
            let field = |f: &dyn Fn(&Personal) -> Option<String>| {
                personal.iter().map(|(_, p)| f(p)).collect::<Vec<_>>()
            };
            sqlx::query(
                "INSERT INTO incident_personal (city_code, incident_id, reporter_name, reporter_phone, note)
                 SELECT $5, * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[])",
            )
            .bind(personal.iter().map(|(id, _)| *id).collect::<Vec<i64>>())
            .bind(field(&|p| p.reporter_name.clone()))
            .bind(field(&|p| p.reporter_phone.clone()))
            .bind(field(&|p| p.note.clone()))
            .bind(self.code())
            .execute(&mut *tx)
            .await?;
        }
        let stored: Vec<Incident> = incidents
            .into_iter()
            .zip(&ids)
            .map(|(p, &id)| Incident {
                id: id as u64,
                ..p.incident
            })
            .collect();
        self.notify(
            &mut tx,
            Change {
                incidents: stored.iter().map(|i| i.id).collect(),
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn personal(&self, id: u64) -> Result<Option<Personal>, StoreError> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT reporter_name, reporter_phone, note FROM incident_personal WHERE city_code = $2 AND incident_id = $1",
        )
        .bind(id as i64)
        .bind(self.code())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(reporter_name, reporter_phone, note)| Personal {
            reporter_name,
            reporter_phone,
            note,
        }))
    }

    async fn update_incident(&self, incident: &Incident) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !self.set_status(&mut tx, incident).await? {
            return Ok(false);
        }
        self.notify(
            &mut tx,
            Change {
                incidents: vec![incident.id],
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn history(&self, id: u64) -> Result<Vec<Transition>, StoreError> {
        Ok(load::moves(&self.pool, self.code(), Some(vec![id as i64]))
            .await?
            .into_iter()
            .map(|m| m.transition)
            .collect())
    }

    async fn add_move(
        &self,
        incident: &Incident,
        transition: &Transition,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !self.set_status(&mut tx, incident).await? {
            return Ok(false);
        }
        sqlx::query(include_str!("sql/insert_move.sql"))
            .bind(incident.id as i64)
            .bind(self.code())
            .bind(transition.at)
            .bind(transition.from.as_str())
            .bind(transition.to.as_str())
            .bind(&transition.department)
            .bind(&transition.by)
            .bind(&transition.note)
            .execute(&mut *tx)
            .await?;
        self.notify(
            &mut tx,
            Change {
                incidents: vec![incident.id],
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn insert_track(&self, track: PatrolTrack) -> Result<PatrolTrack, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(include_str!("sql/insert_track.sql"))
            .bind(track.route_id.map(|v| v as i64))
            .bind(track.community_id as i64)
            .bind(&track.team)
            .bind(track.started_at)
            .bind(track.ended_at)
            .bind(&track.times)
            .bind(to_wkb(&track.geometry.clone().into())?)
            .bind(self.code())
            .fetch_one(&mut *tx)
            .await?;
        self.notify(
            &mut tx,
            Change {
                tracks: vec![id as u64],
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(PatrolTrack {
            id: id as u64,
            ..track
        })
    }

    async fn upsert_resource(&self, resource: Resource) -> Result<Resource, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(include_str!("sql/upsert_resource.sql"))
            .bind((resource.id != 0).then_some(resource.id as i64))
            .bind(resource.kind.as_str())
            .bind(&resource.name)
            .bind(resource.capacity as i32)
            .bind(resource.community_id.map(|v| v as i64))
            .bind(to_wkb(&resource.geometry.into())?)
            .bind(self.code())
            .fetch_one(&mut *tx)
            .await?;
        self.notify(
            &mut tx,
            Change {
                resources: vec![id as u64],
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Resource {
            id: id as u64,
            ..resource
        })
    }

    async fn insert_demand(&self, demand: DemandItem) -> Result<DemandItem, StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored = lists::insert_demand(&mut tx, self.code(), demand).await?;
        self.notify(
            &mut tx,
            Change {
                lists: true,
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn save_project(
        &self,
        project: Project,
        demands: Vec<DemandItem>,
    ) -> Result<Project, StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored = lists::save_project(&mut tx, self.code(), project, &demands).await?;
        self.notify(
            &mut tx,
            Change {
                lists: true,
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn insert_inspection(
        &self,
        record: InspectionRecord,
    ) -> Result<InspectionRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored = lists::insert_inspection(&mut tx, self.code(), record).await?;
        self.notify(
            &mut tx,
            Change {
                inspections: vec![stored.id],
                ..Change::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_password_in_logs() {
        assert_eq!(
            redact("postgres://gw:s3cret@db.local:5432/city"),
            "postgres://gw:***@db.local:5432/city"
        );
        assert_eq!(
            redact("postgres://db.local/city"),
            "postgres://db.local/city"
        );
    }

    #[test]
    fn postgis_versions_compare_by_number() {
        assert!(version("3.3.2") >= MIN_POSTGIS);
        assert!(version("3.10.0dev") >= MIN_POSTGIS);
        assert!(version("2.5.5") < MIN_POSTGIS);
    }
}
