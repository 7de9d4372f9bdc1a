//! Joint inspections in the GeoPackage: a point layer (QGIS shows where teams went), the
//! agencies and kinds as comma-separated names. A store made before it existed gets it (empty)
//! when opened.

use geo::Point;
use rusqlite::{Connection, Transaction, params};

use super::rows::{blob, geometry, time_of};
use super::time;
use crate::model::inspections::{InspectionRecord, joined, split};
use crate::store::StoreError;

/// The table, and its registration as a GeoPackage layer.
pub const TABLE: &str = "
CREATE TABLE IF NOT EXISTS inspections (
  id INTEGER PRIMARY KEY, geom POINT NOT NULL, community_id INTEGER NOT NULL REFERENCES communities(id),
  at DATETIME NOT NULL, agencies TEXT NOT NULL, kinds TEXT NOT NULL,
  problems_found INTEGER NOT NULL CHECK (problems_found >= 0),
  problems_solved INTEGER NOT NULL CHECK (problems_solved >= 0 AND problems_solved <= problems_found)
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('inspections', 'features', 'inspections', 'joint inspections done (联合执法)', 4326);
INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('inspections', 'geom', 'POINT', 4326, 0, 0);
";

/// Writes one record; `None` as its id takes the next one. Answers the id.
fn write(tx: &Transaction, r: &InspectionRecord, id: Option<u64>) -> Result<u64, StoreError> {
    tx.execute(
        "INSERT INTO inspections (id, geom, community_id, at, agencies, kinds, problems_found, problems_solved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id.map(|v| v as i64),
            blob(Point::new(r.lon, r.lat))?,
            r.community_id as i64,
            time::to_text(r.at),
            joined(&r.agencies),
            joined(&r.kinds),
            r.problems_found,
            r.problems_solved
        ],
    )?;
    Ok(tx.last_insert_rowid() as u64)
}

/// Writes every record with its own id (into an empty table).
pub fn insert_all(tx: &Transaction, records: &[InspectionRecord]) -> Result<(), StoreError> {
    for r in records {
        write(tx, r, Some(r.id))?;
    }
    Ok(())
}

/// Writes a new record; the answer carries the id it was given.
pub fn insert(tx: &Transaction, record: InspectionRecord) -> Result<InspectionRecord, StoreError> {
    let id = write(tx, &record, None)?;
    Ok(InspectionRecord { id, ..record })
}

/// Every record, oldest first.
pub fn load(c: &Connection) -> Result<Vec<InspectionRecord>, StoreError> {
    let mut st = c.prepare(
        "SELECT id, geom, community_id, at, agencies, kinds, problems_found, problems_solved
         FROM inspections ORDER BY at, id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at: Point = geometry(r, 1, "inspection", id)?;
        let bad =
            |e: crate::model::UnknownVariant| StoreError::Failed(format!("inspection {id}: {e}"));
        out.push(InspectionRecord {
            id: id as u64,
            community_id: r.get::<_, i64>(2)? as u64,
            at: time_of(&r.get::<_, String>(3)?, "inspection", id)?,
            agencies: split(&r.get::<_, String>(4)?).map_err(bad)?,
            kinds: split(&r.get::<_, String>(5)?).map_err(bad)?,
            problems_found: r.get(6)?,
            problems_solved: r.get(7)?,
            lon: at.x(),
            lat: at.y(),
        });
    }
    Ok(out)
}
