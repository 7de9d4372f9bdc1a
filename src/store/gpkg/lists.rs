//! The governance lists in the GeoPackage: units and demand items as point layers (QGIS shows
//! them), resource items and projects as plain tables, a project's demands and resources as
//! link tables. A store made before they existed gets them (empty) when opened.

use geo::Point;
use rusqlite::{Connection, Transaction, params};

use super::rows::{blob, geometry, parsed, time_of};
use super::time;
use crate::model::lists::{DemandItem, Lists, Project, ResourceItem, Unit};
use crate::store::StoreError;

/// The tables, and their registration as GeoPackage layers.
pub const TABLES: &str = "
CREATE TABLE IF NOT EXISTS units (
  id INTEGER PRIMARY KEY, geom POINT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
  community_id INTEGER NOT NULL REFERENCES communities(id)
);
CREATE TABLE IF NOT EXISTS resource_items (
  id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES units(id), category TEXT NOT NULL,
  capacity INTEGER NOT NULL CHECK (capacity >= 0), hours INTEGER NOT NULL CHECK (hours >= 0),
  from_quarter TEXT NOT NULL, to_quarter TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demand_items (
  id INTEGER PRIMARY KEY, geom POINT NOT NULL, community_id INTEGER NOT NULL REFERENCES communities(id),
  building_id INTEGER, category TEXT NOT NULL, households INTEGER NOT NULL CHECK (households >= 0),
  raised_at DATETIME NOT NULL, status TEXT NOT NULL CHECK (status IN ('open', 'in_project', 'met'))
);
CREATE TABLE IF NOT EXISTS projects (
  id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL REFERENCES communities(id), name TEXT NOT NULL,
  category TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done')),
  opened_at DATETIME NOT NULL, closed_at DATETIME CHECK (closed_at IS NULL OR closed_at >= opened_at),
  households INTEGER NOT NULL CHECK (households >= 0)
);
CREATE TABLE IF NOT EXISTS project_demands (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  demand_id INTEGER NOT NULL REFERENCES demand_items(id),
  PRIMARY KEY (project_id, demand_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS project_resources (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  resource_id INTEGER NOT NULL REFERENCES resource_items(id),
  PRIMARY KEY (project_id, resource_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('units', 'features', 'units', 'units in the communities'' areas (驻区单位)', 4326),
  ('demand_items', 'features', 'demand_items', 'demand-list items (需求清单)', 4326),
  ('resource_items', 'attributes', 'resource_items', 'resource-list items (资源清单)', NULL),
  ('projects', 'attributes', 'projects', 'projects (项目清单)', NULL);
INSERT OR IGNORE INTO gpkg_geometry_columns VALUES
  ('units', 'geom', 'POINT', 4326, 0, 0),
  ('demand_items', 'geom', 'POINT', 4326, 0, 0);
";

/// Writes every list (into empty tables).
pub fn insert(tx: &Transaction, lists: &Lists) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO units (id, geom, name, kind, community_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for u in &lists.units {
        st.execute(params![
            u.id as i64,
            blob(Point::new(u.lon, u.lat))?,
            u.name,
            u.kind.as_str(),
            u.community_id as i64
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO resource_items (id, unit_id, category, capacity, hours, from_quarter, to_quarter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in &lists.resources {
        st.execute(params![
            r.id as i64,
            r.unit_id as i64,
            r.category.as_str(),
            r.capacity,
            r.hours,
            r.from.to_string(),
            r.to.to_string()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO demand_items (id, geom, community_id, building_id, category, households, raised_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for d in &lists.demands {
        st.execute(params![
            d.id as i64,
            blob(Point::new(d.lon, d.lat))?,
            d.community_id as i64,
            d.building_id.map(|b| b as i64),
            d.category.as_str(),
            d.households,
            time::to_text(d.raised_at),
            d.status.as_str()
        ])?;
    }
    let mut st = tx.prepare(
        "INSERT INTO projects (id, community_id, name, category, status, opened_at, closed_at, households)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut demand =
        tx.prepare("INSERT INTO project_demands (project_id, demand_id) VALUES (?1, ?2)")?;
    let mut resource =
        tx.prepare("INSERT INTO project_resources (project_id, resource_id) VALUES (?1, ?2)")?;
    for p in &lists.projects {
        st.execute(params![
            p.id as i64,
            p.community_id as i64,
            p.name,
            p.category.as_str(),
            p.status.as_str(),
            time::to_text(p.opened_at),
            p.closed_at.map(time::to_text),
            p.households
        ])?;
        for d in &p.demand_ids {
            demand.execute(params![p.id as i64, *d as i64])?;
        }
        for r in &p.resource_ids {
            resource.execute(params![p.id as i64, *r as i64])?;
        }
    }
    Ok(())
}

/// Reads every list.
pub fn load(c: &Connection) -> Result<Lists, StoreError> {
    let mut lists = Lists::default();
    let mut st = c.prepare("SELECT id, geom, name, kind, community_id FROM units ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at: Point = geometry(r, 1, "unit", id)?;
        lists.units.push(Unit {
            id: id as u64,
            name: r.get(2)?,
            kind: parsed(&r.get::<_, String>(3)?, "unit", id)?,
            community_id: r.get::<_, i64>(4)? as u64,
            lon: at.x(),
            lat: at.y(),
        });
    }
    let mut st = c.prepare(
        "SELECT id, unit_id, category, capacity, hours, from_quarter, to_quarter FROM resource_items ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        lists.resources.push(ResourceItem {
            id: id as u64,
            unit_id: r.get::<_, i64>(1)? as u64,
            category: parsed(&r.get::<_, String>(2)?, "resource item", id)?,
            capacity: r.get(3)?,
            hours: r.get(4)?,
            from: parsed(&r.get::<_, String>(5)?, "resource item", id)?,
            to: parsed(&r.get::<_, String>(6)?, "resource item", id)?,
        });
    }
    let mut st = c.prepare(
        "SELECT id, geom, community_id, building_id, category, households, raised_at, status
         FROM demand_items ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at: Point = geometry(r, 1, "demand item", id)?;
        lists.demands.push(DemandItem {
            id: id as u64,
            community_id: r.get::<_, i64>(2)? as u64,
            building_id: r.get::<_, Option<i64>>(3)?.map(|b| b as u64),
            category: parsed(&r.get::<_, String>(4)?, "demand item", id)?,
            households: r.get(5)?,
            raised_at: time_of(&r.get::<_, String>(6)?, "demand item", id)?,
            status: parsed(&r.get::<_, String>(7)?, "demand item", id)?,
            lon: at.x(),
            lat: at.y(),
        });
    }
    let links = |table: &str, column: &str| -> Result<Vec<(u64, u64)>, StoreError> {
        let mut st = c.prepare(&format!(
            "SELECT project_id, {column} FROM {table} ORDER BY project_id, {column}"
        ))?;
        let pairs = st
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<Result<_, _>>()?;
        Ok(pairs)
    };
    let demands = links("project_demands", "demand_id")?;
    let resources = links("project_resources", "resource_id")?;
    let mut st = c.prepare(
        "SELECT id, community_id, name, category, status, opened_at, closed_at, households
         FROM projects ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let of = |pairs: &[(u64, u64)]| -> Vec<u64> {
            pairs
                .iter()
                .filter(|(p, _)| *p == id as u64)
                .map(|(_, x)| *x)
                .collect()
        };
        lists.projects.push(Project {
            id: id as u64,
            community_id: r.get::<_, i64>(1)? as u64,
            name: r.get(2)?,
            category: parsed(&r.get::<_, String>(3)?, "project", id)?,
            status: parsed(&r.get::<_, String>(4)?, "project", id)?,
            opened_at: time_of(&r.get::<_, String>(5)?, "project", id)?,
            closed_at: r
                .get::<_, Option<String>>(6)?
                .map(|t| time_of(&t, "project", id))
                .transpose()?,
            households: r.get(7)?,
            demand_ids: of(&demands),
            resource_ids: of(&resources),
        });
    }
    Ok(lists)
}

/// Adds a need; the answer carries the id it was given.
pub fn insert_demand(tx: &Transaction, demand: &DemandItem) -> Result<DemandItem, StoreError> {
    tx.execute(
        "INSERT INTO demand_items (geom, community_id, building_id, category, households, raised_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            blob(Point::new(demand.lon, demand.lat))?,
            demand.community_id as i64,
            demand.building_id.map(|b| b as i64),
            demand.category.as_str(),
            demand.households,
            time::to_text(demand.raised_at),
            demand.status.as_str()
        ],
    )?;
    Ok(DemandItem {
        id: tx.last_insert_rowid() as u64,
        ..demand.clone()
    })
}

/// Adds (id 0) or moves on a project, and writes its needs' statuses.
pub fn save_project(
    tx: &Transaction,
    project: Project,
    demands: &[DemandItem],
) -> Result<Project, StoreError> {
    let id = if project.id == 0 {
        tx.execute(
            "INSERT INTO projects (community_id, name, category, status, opened_at, closed_at, households)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                project.community_id as i64,
                project.name,
                project.category.as_str(),
                project.status.as_str(),
                time::to_text(project.opened_at),
                project.closed_at.map(time::to_text),
                project.households
            ],
        )?;
        let id = tx.last_insert_rowid();
        for d in &project.demand_ids {
            tx.execute(
                "INSERT INTO project_demands (project_id, demand_id) VALUES (?1, ?2)",
                params![id, *d as i64],
            )?;
        }
        for r in &project.resource_ids {
            tx.execute(
                "INSERT INTO project_resources (project_id, resource_id) VALUES (?1, ?2)",
                params![id, *r as i64],
            )?;
        }
        id as u64
    } else {
        tx.execute(
            "UPDATE projects SET status = ?2, closed_at = ?3, households = ?4 WHERE id = ?1",
            params![
                project.id as i64,
                project.status.as_str(),
                project.closed_at.map(time::to_text),
                project.households
            ],
        )?;
        project.id
    };
    for d in demands {
        tx.execute(
            "UPDATE demand_items SET status = ?2 WHERE id = ?1",
            params![d.id as i64, d.status.as_str()],
        )?;
    }
    Ok(Project { id, ..project })
}
