//! Reading layers out of PostGIS. Geometries come as WKB (`ST_AsBinary`), incidents as plain
//! columns (`ST_X`, `ST_Y`, epoch seconds) because a million of them must load in seconds.

use futures_util::TryStreamExt;
use geo::Geometry;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgRow};

use crate::geodata::Dataset;
use crate::model::handling::{Move, Transition};
use crate::model::{
    Building, City, CityCode, Community, District, Grid, Incident, PatrolRoute, PatrolTrack,
    Resource, Street,
};
use crate::store::StoreError;
use crate::store::geometry::from_wkb;

fn geometry<T: TryFrom<Geometry>>(row: &PgRow, table: &str) -> Result<T, StoreError> {
    let bytes: Vec<u8> = row.try_get("geom")?;
    let id: i64 = row.try_get("id")?;
    T::try_from(from_wkb(&bytes)?)
        .map_err(|_| StoreError::Failed(format!("{table} {id}: geometry of the wrong type")))
}

pub(super) fn parsed<T: std::str::FromStr>(row: &PgRow, column: &str) -> Result<T, StoreError> {
    let text: &str = row.try_get(column)?;
    text.parse()
        .map_err(|_| StoreError::Failed(format!("unknown {column} `{text}` in the database")))
}

pub(super) fn id(row: &PgRow, column: &str) -> Result<u64, StoreError> {
    Ok(row.try_get::<i64, _>(column)? as u64)
}

pub(super) fn count(row: &PgRow, column: &str) -> Result<u32, StoreError> {
    Ok(row.try_get::<i32, _>(column)?.max(0) as u32)
}

/// Every layer.
pub async fn dataset(pool: &PgPool, city: &City) -> Result<Dataset, StoreError> {
    let code = city_key(city.code);
    let districts = sqlx::query(include_str!("sql/load_districts.sql"))
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(District {
                id: id(r, "id")?,
                name: r.try_get("name")?,
                name_en: r.try_get("name_en")?,
                central_city: r.try_get("central_city")?,
                geometry: geometry(r, "district")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let communities = sqlx::query(include_str!("sql/load_communities.sql"))
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Community {
                id: id(r, "id")?,
                name: r.try_get("name")?,
                code: r.try_get("code")?,
                district_id: id(r, "district_id")?,
                households: count(r, "households")?,
                population: count(r, "population")?,
                geometry: geometry(r, "community")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let grids = sqlx::query(include_str!("sql/load_grids.sql"))
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Grid {
                id: id(r, "id")?,
                community_id: id(r, "community_id")?,
                name: r.try_get("name")?,
                households: count(r, "households")?,
                population: count(r, "population")?,
                geometry: geometry(r, "grid")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let buildings = sqlx::query(include_str!("sql/load_buildings.sql"))
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Building {
                id: id(r, "id")?,
                households: count(r, "households")?,
                floors: r.try_get::<i16, _>("floors")?.max(0) as u16,
                building_use: parsed(r, "use")?,
                unmanaged: r.try_get("unmanaged")?,
                geometry: geometry(r, "building")?,
                grid_id: None,
                community_id: None,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let patrol_routes = sqlx::query(include_str!("sql/load_routes.sql"))
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(PatrolRoute {
                id: id(r, "id")?,
                community_id: id(r, "community_id")?,
                team: r.try_get("team")?,
                weekday: r.try_get::<i16, _>("weekday")?.clamp(1, 7) as u8,
                start_time: r.try_get("start_time")?,
                end_time: r.try_get("end_time")?,
                geometry: geometry(r, "patrol route")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Dataset {
        city: city.clone(),
        districts,
        communities,
        grids,
        buildings,
        resources: resources(pool, code, None).await?,
        streets: streets(pool, code).await?,
        patrol_routes,
        patrol_tracks: tracks(pool, code, None).await?,
        incidents: incidents(pool, code, None).await?,
        moves: moves(pool, code, None).await?,
        lists: super::lists::load(pool, code).await?,
    })
}

/// The moves of these incidents (all when `None`), each incident's in order.
pub async fn moves(
    pool: &PgPool,
    code: i32,
    ids: Option<Vec<i64>>,
) -> Result<Vec<Move>, StoreError> {
    let mut out = Vec::new();
    let mut rows = sqlx::query(include_str!("sql/load_moves.sql"))
        .bind(code)
        .bind(ids)
        .fetch(pool);
    while let Some(r) = rows.try_next().await? {
        out.push(Move {
            incident_id: id(&r, "incident_id")?,
            transition: Transition {
                at: r.try_get("at")?,
                from: parsed(&r, "from_state")?,
                to: parsed(&r, "to_state")?,
                department: r.try_get("department")?,
                by: r.try_get("by")?,
                note: r.try_get("note")?,
            },
        });
    }
    Ok(out)
}

/// Incidents with these ids as stored now, with their handling records folded from their
/// moves (what a replica applies when another one wrote them).
pub async fn incidents_with_handling(
    pool: &PgPool,
    code: i32,
    ids: Vec<i64>,
) -> Result<Vec<Incident>, StoreError> {
    let mut data = crate::geodata::Dataset {
        incidents: incidents(pool, code, Some(ids.clone())).await?,
        moves: moves(pool, code, Some(ids)).await?,
        ..crate::geodata::Dataset::default()
    };
    data.attach_handling()
        .map_err(|e| StoreError::Failed(format!("the stored moves do not follow: {e}")))?;
    Ok(data.incidents)
}

/// Every street.
async fn streets(pool: &PgPool, code: i32) -> Result<Vec<Street>, StoreError> {
    sqlx::query(include_str!("sql/load_streets.sql"))
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Street {
                id: id(r, "id")?,
                class: parsed(r, "class")?,
                name: r.try_get("name")?,
                walkable: r.try_get("walkable")?,
                geometry: geometry(r, "street")?,
            })
        })
        .collect()
}

/// Resources with these ids (all when `None`).
pub async fn resources(
    pool: &PgPool,
    code: i32,
    ids: Option<Vec<i64>>,
) -> Result<Vec<Resource>, StoreError> {
    sqlx::query(include_str!("sql/load_resources.sql"))
        .bind(code)
        .bind(ids)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Resource {
                id: id(r, "id")?,
                kind: parsed(r, "kind")?,
                name: r.try_get("name")?,
                capacity: count(r, "capacity")?,
                geometry: geometry(r, "resource")?,
                community_id: None,
            })
        })
        .collect()
}

/// Patrol tracks with these ids (all when `None`).
pub async fn tracks(
    pool: &PgPool,
    code: i32,
    ids: Option<Vec<i64>>,
) -> Result<Vec<PatrolTrack>, StoreError> {
    sqlx::query(include_str!("sql/load_tracks.sql"))
        .bind(code)
        .bind(ids)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(PatrolTrack {
                id: id(r, "id")?,
                route_id: r.try_get::<Option<i64>, _>("route_id")?.map(|v| v as u64),
                community_id: id(r, "community_id")?,
                team: r.try_get("team")?,
                started_at: r.try_get("started_at")?,
                ended_at: r.try_get("ended_at")?,
                times: r.try_get("times")?,
                geometry: geometry(r, "patrol track")?,
            })
        })
        .collect()
}

/// Incidents with these ids (all when `None`), streamed row by row.
pub async fn incidents(
    pool: &PgPool,
    code: i32,
    ids: Option<Vec<i64>>,
) -> Result<Vec<Incident>, StoreError> {
    let mut out = Vec::new();
    let mut rows = sqlx::query(include_str!("sql/load_incidents.sql"))
        .bind(code)
        .bind(ids)
        .fetch(pool);
    while let Some(r) = rows.try_next().await? {
        out.push(Incident {
            id: id(&r, "id")?,
            lon: r.try_get("lon")?,
            lat: r.try_get("lat")?,
            kind: parsed(&r, "kind")?,
            reported_at: r.try_get("reported_at")?,
            status: parsed(&r, "status")?,
            resolved_at: r.try_get("resolved_at")?,
            source: parsed(&r, "source")?,
            occurred: match (r.try_get("occurred_from")?, r.try_get("occurred_to")?) {
                (Some(from), Some(to)) => Some(crate::model::Occurred { from, to }),
                _ => None,
            },
            handling: None,
        });
    }
    Ok(out)
}

/// A city's code as the `city_code` column holds it.
#[must_use]
pub fn city_key(code: CityCode) -> i32 {
    i32::try_from(code.get()).unwrap_or(i32::MAX)
}
