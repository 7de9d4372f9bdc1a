//! The governance lists in PostGIS: read for a city, written by the importer (`COPY` text rows
//! for [`super::import`]).

use sqlx::Row;
use sqlx::postgres::{PgPool, PgRow};

use super::import::{Table, ewkb, opt, text};
use super::load::{count, id, parsed};
use crate::model::inspections::{InspectionRecord, joined};
use crate::model::lists::{DemandItem, Lists, Project, ResourceItem, Unit};
use crate::store::StoreError;
use crate::store::gpkg::time::to_text;

fn ids(row: &PgRow, column: &str) -> Result<Vec<u64>, StoreError> {
    Ok(row
        .try_get::<Vec<i64>, _>(column)?
        .into_iter()
        .map(|v| v as u64)
        .collect())
}

/// Every list of city `code`.
pub async fn load(pool: &PgPool, code: i32) -> Result<Lists, StoreError> {
    let fetch = |sql: &'static str| sqlx::query(sql).bind(code).fetch_all(pool);
    let units = fetch(include_str!("sql/load_units.sql"))
        .await?
        .iter()
        .map(|r| {
            Ok(Unit {
                id: id(r, "id")?,
                name: r.try_get("name")?,
                kind: parsed(r, "kind")?,
                community_id: id(r, "community_id")?,
                lon: r.try_get("lon")?,
                lat: r.try_get("lat")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let resources = fetch(include_str!("sql/load_resource_items.sql"))
        .await?
        .iter()
        .map(|r| {
            Ok(ResourceItem {
                id: id(r, "id")?,
                unit_id: id(r, "unit_id")?,
                category: parsed(r, "category")?,
                capacity: count(r, "capacity")?,
                hours: count(r, "hours")?,
                from: parsed(r, "from_quarter")?,
                to: parsed(r, "to_quarter")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let demands = fetch(include_str!("sql/load_demand_items.sql"))
        .await?
        .iter()
        .map(|r| {
            Ok(DemandItem {
                id: id(r, "id")?,
                community_id: id(r, "community_id")?,
                building_id: r
                    .try_get::<Option<i64>, _>("building_id")?
                    .map(|b| b as u64),
                category: parsed(r, "category")?,
                households: count(r, "households")?,
                raised_at: r.try_get("raised_at")?,
                status: parsed(r, "status")?,
                lon: r.try_get("lon")?,
                lat: r.try_get("lat")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let projects = fetch(include_str!("sql/load_projects.sql"))
        .await?
        .iter()
        .map(|r| {
            Ok(Project {
                id: id(r, "id")?,
                community_id: id(r, "community_id")?,
                name: r.try_get("name")?,
                category: parsed(r, "category")?,
                demand_ids: ids(r, "demand_ids")?,
                resource_ids: ids(r, "resource_ids")?,
                status: parsed(r, "status")?,
                opened_at: r.try_get("opened_at")?,
                closed_at: r.try_get("closed_at")?,
                households: count(r, "households")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let inspections = fetch(include_str!("sql/load_inspections.sql"))
        .await?
        .iter()
        .map(inspection)
        .collect::<Result<_, StoreError>>()?;
    Ok(Lists {
        units,
        resources,
        demands,
        projects,
        inspections,
    })
}

/// The inspections `ids` of city `code` (another replica wrote them).
pub async fn inspections(
    pool: &PgPool,
    code: i32,
    ids: &[i64],
) -> Result<Vec<InspectionRecord>, StoreError> {
    sqlx::query(include_str!("sql/load_inspections_by_id.sql"))
        .bind(code)
        .bind(ids)
        .fetch_all(pool)
        .await?
        .iter()
        .map(inspection)
        .collect()
}

/// A row of `load_inspections.sql`.
fn inspection(r: &PgRow) -> Result<InspectionRecord, StoreError> {
    let names = |column: &str| -> Result<Vec<String>, StoreError> { Ok(r.try_get(column)?) };
    let bad = |e: crate::model::UnknownVariant| StoreError::Failed(format!("an inspection: {e}"));
    Ok(InspectionRecord {
        id: id(r, "id")?,
        community_id: id(r, "community_id")?,
        at: r.try_get("at")?,
        agencies: names("agencies")?
            .iter()
            .map(|a| a.parse())
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        kinds: names("kinds")?
            .iter()
            .map(|k| k.parse())
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        problems_found: count(r, "problems_found")?,
        problems_solved: count(r, "problems_solved")?,
        lon: r.try_get("lon")?,
        lat: r.try_get("lat")?,
    })
}

/// Writes one inspection for city `code`; the answer carries the id it was given.
pub async fn insert_inspection(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    code: i32,
    record: InspectionRecord,
) -> Result<InspectionRecord, StoreError> {
    let id: i64 = sqlx::query_scalar(include_str!("sql/insert_inspection.sql"))
        .bind(record.community_id as i64)
        .bind(record.at)
        .bind(
            record
                .agencies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )
        .bind(
            record
                .kinds
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )
        .bind(record.problems_found as i32)
        .bind(record.problems_solved as i32)
        .bind(crate::store::geometry::to_wkb(&geo::Geometry::Point(
            geo::Point::new(record.lon, record.lat),
        ))?)
        .bind(code)
        .fetch_one(&mut **tx)
        .await?;
    Ok(InspectionRecord {
        id: id as u64,
        ..record
    })
}

/// An array of ids in COPY text format.
fn array(ids: &[u64]) -> String {
    let items: Vec<String> = ids.iter().map(u64::to_string).collect();
    format!("{{{}}}", items.join(","))
}

/// The lists' tables for the importer, units before the items that name them.
#[allow(
    clippy::too_many_lines,
    reason = "one block per table, read top to bottom"
)]
pub fn tables(lists: &Lists) -> Result<Vec<Table>, StoreError> {
    Ok(vec![
        Table {
            name: "units",
            columns: "id, name, kind, community_id, geom",
            upsert: include_str!("sql/import_units.sql"),
            rows: lists
                .units
                .iter()
                .map(|u| {
                    Ok(format!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.id,
                        text(&u.name),
                        u.kind.as_str(),
                        u.community_id,
                        ewkb(geo::Point::new(u.lon, u.lat))?
                    ))
                })
                .collect::<Result<_, StoreError>>()?,
        },
        Table {
            name: "resource_items",
            columns: "id, unit_id, category, capacity, hours, from_quarter, to_quarter",
            upsert: include_str!("sql/import_resource_items.sql"),
            rows: lists
                .resources
                .iter()
                .map(|r| {
                    format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        r.id,
                        r.unit_id,
                        r.category.as_str(),
                        r.capacity,
                        r.hours,
                        r.from,
                        r.to
                    )
                })
                .collect(),
        },
        Table {
            name: "demand_items",
            columns: "id, community_id, building_id, category, households, raised_at, status, geom",
            upsert: include_str!("sql/import_demand_items.sql"),
            rows: lists
                .demands
                .iter()
                .map(|d| {
                    Ok(format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        d.id,
                        d.community_id,
                        opt(d.building_id),
                        d.category.as_str(),
                        d.households,
                        to_text(d.raised_at),
                        d.status.as_str(),
                        ewkb(geo::Point::new(d.lon, d.lat))?
                    ))
                })
                .collect::<Result<_, StoreError>>()?,
        },
        Table {
            name: "projects",
            columns: "id, community_id, name, category, demand_ids, resource_ids, status, opened_at, closed_at, households",
            upsert: include_str!("sql/import_projects.sql"),
            rows: lists
                .projects
                .iter()
                .map(|p| {
                    format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.community_id,
                        text(&p.name),
                        p.category.as_str(),
                        array(&p.demand_ids),
                        array(&p.resource_ids),
                        p.status.as_str(),
                        to_text(p.opened_at),
                        opt(p.closed_at.map(to_text)),
                        p.households
                    )
                })
                .collect(),
        },
        Table {
            name: "inspections",
            columns: "id, community_id, at, agencies, kinds, problems_found, problems_solved, geom",
            upsert: include_str!("sql/import_inspections.sql"),
            rows: lists
                .inspections
                .iter()
                .map(|i| {
                    Ok(format!(
                        "{}\t{}\t{}\t{{{}}}\t{{{}}}\t{}\t{}\t{}",
                        i.id,
                        i.community_id,
                        to_text(i.at),
                        joined(&i.agencies),
                        joined(&i.kinds),
                        i.problems_found,
                        i.problems_solved,
                        ewkb(geo::Point::new(i.lon, i.lat))?
                    ))
                })
                .collect::<Result<_, StoreError>>()?,
        },
    ])
}

/// Adds a need for city `code`; the answer carries the id it was given.
pub async fn insert_demand(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    code: i32,
    demand: DemandItem,
) -> Result<DemandItem, StoreError> {
    let id: i64 = sqlx::query_scalar(include_str!("sql/insert_demand.sql"))
        .bind(demand.community_id as i64)
        .bind(demand.building_id.map(|b| b as i64))
        .bind(demand.category.as_str())
        .bind(demand.households as i32)
        .bind(demand.raised_at)
        .bind(demand.status.as_str())
        .bind(crate::store::geometry::to_wkb(&geo::Geometry::Point(
            geo::Point::new(demand.lon, demand.lat),
        ))?)
        .bind(code)
        .fetch_one(&mut **tx)
        .await?;
    Ok(DemandItem {
        id: id as u64,
        ..demand
    })
}

/// Adds (id 0) or moves on a project of city `code`, and writes its needs' statuses.
pub async fn save_project(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    code: i32,
    project: Project,
    demands: &[DemandItem],
) -> Result<Project, StoreError> {
    let ids = |v: &[u64]| v.iter().map(|&i| i as i64).collect::<Vec<i64>>();
    let id = if project.id == 0 {
        let id: i64 = sqlx::query_scalar(include_str!("sql/insert_project.sql"))
            .bind(project.community_id as i64)
            .bind(&project.name)
            .bind(project.category.as_str())
            .bind(ids(&project.demand_ids))
            .bind(ids(&project.resource_ids))
            .bind(project.status.as_str())
            .bind(project.opened_at)
            .bind(project.closed_at)
            .bind(project.households as i32)
            .bind(code)
            .fetch_one(&mut **tx)
            .await?;
        id as u64
    } else {
        sqlx::query(include_str!("sql/update_project.sql"))
            .bind(project.id as i64)
            .bind(project.status.as_str())
            .bind(project.closed_at)
            .bind(project.households as i32)
            .bind(code)
            .execute(&mut **tx)
            .await?;
        project.id
    };
    for d in demands {
        sqlx::query(include_str!("sql/update_demand_status.sql"))
            .bind(d.id as i64)
            .bind(d.status.as_str())
            .bind(code)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Project { id, ..project })
}
