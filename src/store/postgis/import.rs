//! `gridwatch import`: a whole dataset into PostGIS in one transaction. Each table is streamed
//! with `COPY ... FROM STDIN` (text format) into a temporary staging table, then moved into
//! place with `INSERT ... ON CONFLICT (city_code, id) DO UPDATE`, so importing the same city
//! twice leaves one copy, importing another city adds it, and rows written through the API are
//! kept.

use std::fmt::Write as _;

use geo::Geometry;
use indicatif::ProgressBar;
use sqlx::postgres::PgPool;

use crate::index::Engine;
use crate::store::geometry::SRID;
use crate::store::gpkg::time::to_text;
use crate::store::{StoreError, placed_incidents};

/// Rows sent to the server per `COPY` message.
const ROWS_PER_CHUNK: usize = 20_000;

/// Rows written per table, in import order.
pub type ImportCounts = Vec<(&'static str, usize)>;

/// One table's rows in COPY text format.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) columns: &'static str,
    pub(super) upsert: &'static str,
    pub(super) rows: Vec<String>,
}

/// A value in COPY text format: backslash, tab, newline and carriage return escaped.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "\\N".to_owned(), |v| v.to_string())
}

/// Hex EWKB with SRID 4326, which PostGIS's geometry input reads directly.
pub(super) fn ewkb(g: impl Into<Geometry>) -> Result<String, StoreError> {
    use geozero::{CoordDimensions, ToWkb};
    let bytes = g
        .into()
        .to_ewkb(CoordDimensions::xy(), Some(SRID))
        .map_err(|e| StoreError::Failed(format!("encoding EWKB: {e}")))?;
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(hex, "{b:02X}");
    }
    Ok(hex)
}

#[allow(
    clippy::too_many_lines,
    reason = "one block per table, read top to bottom"
)]
fn tables(engine: &Engine) -> Result<Vec<Table>, StoreError> {
    let mut out = Vec::new();
    out.push(Table {
        name: "districts",
        columns: "id, name, name_en, central_city, geom",
        upsert: include_str!("sql/import_districts.sql"),
        rows: engine
            .districts
            .items()
            .iter()
            .map(|d| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}",
                    d.id,
                    text(&d.name),
                    text(&d.name_en),
                    d.central_city,
                    ewkb(d.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "communities",
        columns: "id, name, code, district_id, households, population, geom",
        upsert: include_str!("sql/import_communities.sql"),
        rows: engine
            .communities
            .items()
            .iter()
            .map(|c| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    c.id,
                    text(&c.name),
                    opt(c.code.as_deref().map(text)),
                    c.district_id,
                    c.households,
                    c.population,
                    ewkb(c.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "grids",
        columns: "id, community_id, name, households, population, geom",
        upsert: include_str!("sql/import_grids.sql"),
        rows: engine
            .grids
            .items()
            .iter()
            .map(|g| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    g.id,
                    g.community_id,
                    text(&g.name),
                    g.households,
                    g.population,
                    ewkb(g.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "buildings",
        columns: "id, households, floors, use, unmanaged, grid_id, community_id, geom",
        upsert: include_str!("sql/import_buildings.sql"),
        rows: engine
            .buildings
            .items()
            .iter()
            .map(|b| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    b.id,
                    b.households,
                    b.floors,
                    b.building_use.as_str(),
                    b.unmanaged,
                    opt(b.grid_id),
                    opt(b.community_id),
                    ewkb(b.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "resources",
        columns: "id, kind, name, capacity, community_id, geom",
        upsert: include_str!("sql/import_resources.sql"),
        rows: engine
            .resources
            .items()
            .iter()
            .map(|r| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.kind.as_str(),
                    text(&r.name),
                    r.capacity,
                    opt(r.community_id),
                    ewkb(r.geometry)?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "streets",
        columns: "id, class, name, walkable, geom",
        upsert: include_str!("sql/import_streets.sql"),
        rows: engine
            .streets
            .items()
            .iter()
            .map(|s| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.id,
                    s.class.as_str(),
                    text(&s.name),
                    s.walkable,
                    ewkb(s.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "patrol_routes",
        columns: "id, community_id, team, weekday, start_time, end_time, geom",
        upsert: include_str!("sql/import_patrol_routes.sql"),
        rows: engine
            .patrol_routes
            .items()
            .iter()
            .map(|r| {
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.community_id,
                    text(&r.team),
                    r.weekday,
                    text(&r.start_time),
                    text(&r.end_time),
                    ewkb(r.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "patrol_tracks",
        columns: "id, route_id, community_id, team, started_at, ended_at, times, geom",
        upsert: include_str!("sql/import_patrol_tracks.sql"),
        rows: engine
            .patrol_tracks
            .items()
            .iter()
            .map(|t| {
                let times: Vec<String> = t.times.iter().map(|&s| to_text(s)).collect();
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{{{}}}\t{}",
                    t.id,
                    opt(t.route_id),
                    t.community_id,
                    text(&t.team),
                    to_text(t.started_at),
                    to_text(t.ended_at),
                    times.join(","),
                    ewkb(t.geometry.clone())?
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    out.push(Table {
        name: "incidents",
        columns: "id, kind, reported_at, status, resolved_at, source, grid_id, community_id, h3, geom, occurred_from, occurred_to",
        upsert: include_str!("sql/import_incidents.sql"),
        rows: placed_incidents(engine)
            .iter()
            .map(|p| {
                let i = &p.incident;
                Ok(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    i.id,
                    i.kind.as_str(),
                    to_text(i.reported_at),
                    i.status.as_str(),
                    opt(i.resolved_at.map(to_text)),
                    i.source.as_str(),
                    opt(p.grid_id),
                    opt(p.community_id),
                    p.h3 as i64,
                    ewkb(geo::Point::new(i.lon, i.lat))?,
                    opt(i.occurred.map(|o| to_text(o.from))),
                    opt(i.occurred.map(|o| to_text(o.to))),
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    });
    let mut seq = 0;
    let mut last = None;
    out.push(Table {
        name: "incident_moves",
        columns: "incident_id, seq, at, from_state, to_state, department, by, note",
        upsert: include_str!("sql/import_moves.sql"),
        rows: engine
            .moves
            .iter()
            .map(|m| {
                if last == Some(m.incident_id) {
                    seq += 1;
                } else {
                    (seq, last) = (0, Some(m.incident_id));
                }
                let t = &m.transition;
                format!(
                    "{}\t{seq}\t{}\t{}\t{}\t{}\t{}\t{}",
                    m.incident_id,
                    to_text(t.at),
                    t.from.as_str(),
                    t.to.as_str(),
                    opt(t.department.as_deref().map(text)),
                    opt(t.by.as_deref().map(text)),
                    opt(t.note.as_deref().map(text)),
                )
            })
            .collect(),
    });
    out.extend(super::lists::tables(&engine.lists)?);
    Ok(out)
}

/// Imports every layer of `engine` (its derived columns included) in one transaction,
/// advancing `progress` by rows written. Returns the rows per table.
///
/// # Errors
/// The database refuses a row (a constraint) or is unreachable; nothing is written then.
pub async fn import(
    pool: &PgPool,
    engine: &Engine,
    progress: &ProgressBar,
) -> Result<ImportCounts, StoreError> {
    let tables = tables(engine)?;
    progress.set_length(tables.iter().map(|t| t.rows.len() as u64).sum());
    let city = &engine.city;
    let code = super::load::city_key(city.code);
    let mut tx = pool.begin().await?;
    sqlx::query(include_str!("sql/upsert_city.sql"))
        .bind(code)
        .bind(&city.name)
        .execute(&mut *tx)
        .await?;
    let mut counts = Vec::new();
    for table in &tables {
        progress.set_message(table.name);
        sqlx::query(&format!(
            "CREATE TEMP TABLE staging_{0} (LIKE {0} INCLUDING DEFAULTS) ON COMMIT DROP",
            table.name
        ))
        .execute(&mut *tx)
        .await?;
        // Every row is the dataset's city's (a code is digits: nothing to quote).
        sqlx::query(&format!(
            "ALTER TABLE staging_{} ALTER COLUMN city_code SET DEFAULT {code}",
            table.name
        ))
        .execute(&mut *tx)
        .await?;
        let mut copy = tx
            .copy_in_raw(&format!(
                "COPY staging_{} ({}) FROM STDIN",
                table.name, table.columns
            ))
            .await?;
        for chunk in table.rows.chunks(ROWS_PER_CHUNK) {
            let mut buffer = String::with_capacity(chunk.len() * 160);
            for row in chunk {
                buffer.push_str(row);
                buffer.push('\n');
            }
            copy.send(buffer.into_bytes()).await?;
            progress.inc(chunk.len() as u64);
        }
        copy.finish().await?;
        // An upsert file may hold several statements, each ending a line with `;`.
        for statement in table.upsert.split(";\n").filter(|s| !s.trim().is_empty()) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        counts.push((table.name, table.rows.len()));
    }
    sqlx::query(include_str!("sql/reset_sequences.sql"))
        .execute(&mut *tx)
        .await?;
    // Replicas reload everything when they see an import.
    sqlx::query(include_str!("sql/notify.sql"))
        .bind(format!(
            r#"{{"origin":"import","city":"{}","reload":true}}"#,
            city.code
        ))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(counts)
}
