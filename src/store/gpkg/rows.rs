//! Rows of each GeoPackage table to and from the model.

use geo::Geometry;
use rusqlite::{Connection, Row, Transaction, params};

use super::time;
use crate::geodata::Dataset;
use crate::model::{
    Building, City, Community, District, Grid, Incident, PatrolRoute, PatrolTrack, Resource, Street,
};
use crate::store::geometry::{from_gpkg, to_gpkg};
use crate::store::{PlacedIncident, StoreError};

pub(super) fn blob(g: impl Into<Geometry>) -> Result<Vec<u8>, StoreError> {
    to_gpkg(&g.into())
}

fn bad(table: &str, id: i64, what: &str) -> StoreError {
    StoreError::Failed(format!("{table} {id}: {what}"))
}

/// The geometry in column `i`, of the type `T` the table declares.
pub(super) fn geometry<T: TryFrom<Geometry>>(
    row: &Row,
    i: usize,
    table: &str,
    id: i64,
) -> Result<T, StoreError> {
    let bytes: Vec<u8> = row.get(i)?;
    T::try_from(from_gpkg(&bytes)?).map_err(|_| bad(table, id, "geometry of the wrong type"))
}

pub(super) fn parsed<T: std::str::FromStr>(
    text: &str,
    table: &str,
    id: i64,
) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| bad(table, id, &format!("unknown value `{text}`")))
}

pub(super) fn time_of(text: &str, table: &str, id: i64) -> Result<i64, StoreError> {
    time::from_text(text).ok_or_else(|| bad(table, id, &format!("bad time `{text}`")))
}

pub fn insert_districts(tx: &Transaction, items: &[District]) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO districts (id, geom, name, name_en, central_city) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for d in items {
        st.execute(params![
            d.id as i64,
            blob(d.geometry.clone())?,
            d.name,
            d.name_en,
            d.central_city
        ])?;
    }
    Ok(())
}

pub fn insert_communities(tx: &Transaction, items: &[Community]) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO communities (id, geom, name, code, district_id, households, population) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for c in items {
        st.execute(params![
            c.id as i64,
            blob(c.geometry.clone())?,
            c.name,
            c.code,
            c.district_id as i64,
            c.households,
            c.population
        ])?;
    }
    Ok(())
}

pub fn insert_grids(tx: &Transaction, items: &[Grid]) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO grids (id, geom, community_id, name, households, population) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for g in items {
        st.execute(params![
            g.id as i64,
            blob(g.geometry.clone())?,
            g.community_id as i64,
            g.name,
            g.households,
            g.population
        ])?;
    }
    Ok(())
}

pub fn insert_buildings(tx: &Transaction, items: &[Building]) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO buildings (id, geom, households, floors, use, unmanaged, grid_id, community_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for b in items {
        st.execute(params![
            b.id as i64,
            blob(b.geometry.clone())?,
            b.households,
            b.floors,
            b.building_use.as_str(),
            b.unmanaged,
            b.grid_id.map(|i| i as i64),
            b.community_id.map(|i| i as i64)
        ])?;
    }
    Ok(())
}

/// Inserts or replaces a resource; id 0 lets SQLite assign one. Returns the id.
pub fn insert_resource(tx: &Transaction, r: &Resource) -> Result<u64, StoreError> {
    let id: i64 = tx.query_row(
        "INSERT INTO resources (id, geom, kind, name, capacity, community_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET geom = excluded.geom, kind = excluded.kind, name = excluded.name,
           capacity = excluded.capacity, community_id = excluded.community_id
         RETURNING id",
        params![
            (r.id != 0).then_some(r.id as i64),
            blob(r.geometry)?,
            r.kind.as_str(),
            r.name,
            r.capacity,
            r.community_id.map(|i| i as i64)
        ],
        |row| row.get(0),
    )?;
    Ok(id as u64)
}

pub fn insert_streets(tx: &Transaction, items: &[Street]) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO streets (id, geom, class, name, walkable) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for s in items {
        st.execute(params![
            s.id as i64,
            blob(s.geometry.clone())?,
            s.class.as_str(),
            s.name,
            s.walkable
        ])?;
    }
    Ok(())
}

pub fn insert_routes(tx: &Transaction, items: &[PatrolRoute]) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO patrol_routes (id, geom, community_id, team, weekday, start_time, end_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in items {
        st.execute(params![
            r.id as i64,
            blob(r.geometry.clone())?,
            r.community_id as i64,
            r.team,
            r.weekday,
            r.start_time,
            r.end_time
        ])?;
    }
    Ok(())
}

/// Inserts a track; id 0 lets SQLite assign one. Returns the id.
pub fn insert_track(tx: &Transaction, t: &PatrolTrack) -> Result<u64, StoreError> {
    let times = serde_json::to_string(&t.times).map_err(|e| StoreError::Failed(e.to_string()))?;
    let id: i64 = tx.query_row(
        "INSERT INTO patrol_tracks (id, geom, route_id, community_id, team, started_at, ended_at, times)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        params![
            (t.id != 0).then_some(t.id as i64),
            blob(t.geometry.clone())?,
            t.route_id.map(|i| i as i64),
            t.community_id as i64,
            t.team,
            time::to_text(t.started_at),
            time::to_text(t.ended_at),
            times
        ],
        |row| row.get(0),
    )?;
    Ok(id as u64)
}

/// Inserts incidents with their own ids (`keep_ids`) or ids SQLite assigns. Returns the ids.
pub fn insert_incidents(
    tx: &Transaction,
    items: &[PlacedIncident],
    keep_ids: bool,
) -> Result<Vec<u64>, StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO incidents (id, geom, kind, reported_at, status, resolved_at, source, grid_id, community_id, h3, occurred_from, occurred_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
    )?;
    let mut ids = Vec::with_capacity(items.len());
    for p in items {
        let i = &p.incident;
        let id: i64 = st.query_row(
            params![
                keep_ids.then_some(i.id as i64),
                blob(geo::Point::new(i.lon, i.lat))?,
                i.kind.as_str(),
                time::to_text(i.reported_at),
                i.status.as_str(),
                i.resolved_at.map(time::to_text),
                i.source.as_str(),
                p.grid_id.map(|v| v as i64),
                p.community_id.map(|v| v as i64),
                (p.h3 != 0).then(|| format!("{:x}", p.h3)),
                i.occurred.map(|o| time::to_text(o.from)),
                i.occurred.map(|o| time::to_text(o.to)),
            ],
            |row| row.get(0),
        )?;
        if let Some(personal) = p.personal.as_ref().filter(|p| !p.is_empty()) {
            tx.execute(
                "INSERT INTO incident_personal (incident_id, reporter_name, reporter_phone, note) VALUES (?1, ?2, ?3, ?4)",
                params![id, personal.reporter_name, personal.reporter_phone, personal.note],
            )?;
        }
        ids.push(id as u64);
    }
    Ok(ids)
}

/// Refreshes each table's extent in `gpkg_contents`.
pub fn update_extents(tx: &Transaction) -> Result<(), StoreError> {
    // Envelopes are not indexed here; the bounding box of the layers is what clients zoom to.
    for table in [
        "districts",
        "communities",
        "grids",
        "buildings",
        "resources",
        "streets",
        "patrol_routes",
        "patrol_tracks",
        "incidents",
        "units",
        "demand_items",
    ] {
        let mut st = tx.prepare(&format!("SELECT geom FROM {table}"))?;
        let mut rows = st.query([])?;
        let mut extent: Option<geo::Rect> = None;
        while let Some(row) = rows.next()? {
            let bytes: Vec<u8> = row.get(0)?;
            if let Some(r) = geo::BoundingRect::bounding_rect(&from_gpkg(&bytes)?) {
                extent = Some(extent.map_or(r, |e| {
                    geo::Rect::new(
                        geo::coord! { x: e.min().x.min(r.min().x), y: e.min().y.min(r.min().y) },
                        geo::coord! { x: e.max().x.max(r.max().x), y: e.max().y.max(r.max().y) },
                    )
                }));
            }
        }
        if let Some(e) = extent {
            tx.execute(
                "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4 WHERE table_name = ?5",
                params![e.min().x, e.min().y, e.max().x, e.max().y, table],
            )?;
        }
    }
    Ok(())
}

/// Reads every layer.
#[allow(
    clippy::too_many_lines,
    reason = "one block per table, read top to bottom"
)]
/// Every layer; while the incidents are read, the grid locator and the walking network are
/// built on another thread from the layers already read.
pub fn load(c: &mut Connection) -> Result<(Dataset, crate::index::Prebuilt), StoreError> {
    let tx = c.transaction()?;
    let mut data = Dataset {
        city: city(&tx)?,
        ..Dataset::default()
    };
    {
        let mut st =
            tx.prepare("SELECT id, geom, name, name_en, central_city FROM districts ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.districts.push(District {
                id: id as u64,
                geometry: geometry(r, 1, "district", id)?,
                name: r.get(2)?,
                name_en: r.get(3)?,
                central_city: r.get(4)?,
            });
        }
    }
    {
        let mut st = tx.prepare("SELECT id, geom, name, code, district_id, households, population FROM communities ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.communities.push(Community {
                id: id as u64,
                geometry: geometry(r, 1, "community", id)?,
                name: r.get(2)?,
                code: r.get(3)?,
                district_id: r.get::<_, i64>(4)? as u64,
                households: r.get(5)?,
                population: r.get(6)?,
            });
        }
    }
    {
        let mut st = tx.prepare(
            "SELECT id, geom, community_id, name, households, population FROM grids ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.grids.push(Grid {
                id: id as u64,
                geometry: geometry(r, 1, "grid", id)?,
                community_id: r.get::<_, i64>(2)? as u64,
                name: r.get(3)?,
                households: r.get(4)?,
                population: r.get(5)?,
            });
        }
    }
    {
        let mut st = tx.prepare(
            "SELECT id, geom, households, floors, use, unmanaged FROM buildings ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.buildings.push(Building {
                id: id as u64,
                geometry: geometry(r, 1, "building", id)?,
                households: r.get(2)?,
                floors: r.get(3)?,
                building_use: parsed(&r.get::<_, String>(4)?, "building", id)?,
                unmanaged: r.get(5)?,
                grid_id: None,
                community_id: None,
            });
        }
    }
    {
        let mut st =
            tx.prepare("SELECT id, geom, kind, name, capacity FROM resources ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.resources.push(Resource {
                id: id as u64,
                geometry: geometry(r, 1, "resource", id)?,
                kind: parsed(&r.get::<_, String>(2)?, "resource", id)?,
                name: r.get(3)?,
                capacity: r.get(4)?,
                community_id: None,
            });
        }
    }
    {
        let mut st =
            tx.prepare("SELECT id, geom, class, name, walkable FROM streets ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.streets.push(Street {
                id: id as u64,
                geometry: geometry(r, 1, "street", id)?,
                class: parsed(&r.get::<_, String>(2)?, "street", id)?,
                name: r.get(3)?,
                walkable: r.get(4)?,
            });
        }
    }
    {
        let mut st = tx.prepare("SELECT id, geom, community_id, team, weekday, start_time, end_time FROM patrol_routes ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            data.patrol_routes.push(PatrolRoute {
                id: id as u64,
                geometry: geometry(r, 1, "patrol route", id)?,
                community_id: r.get::<_, i64>(2)? as u64,
                team: r.get(3)?,
                weekday: r.get(4)?,
                start_time: r.get(5)?,
                end_time: r.get(6)?,
            });
        }
    }
    {
        let mut st = tx.prepare(
            "SELECT id, geom, route_id, community_id, team, started_at, ended_at, times FROM patrol_tracks ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let times: String = r.get(7)?;
            data.patrol_tracks.push(PatrolTrack {
                id: id as u64,
                geometry: geometry(r, 1, "patrol track", id)?,
                route_id: r.get::<_, Option<i64>>(2)?.map(|v| v as u64),
                community_id: r.get::<_, i64>(3)? as u64,
                team: r.get(4)?,
                started_at: time_of(&r.get::<_, String>(5)?, "patrol track", id)?,
                ended_at: time_of(&r.get::<_, String>(6)?, "patrol track", id)?,
                times: serde_json::from_str(&times)
                    .map_err(|_| bad("patrol track", id, "bad times"))?,
            });
        }
    }
    let (incidents, prebuilt) = std::thread::scope(|scope| {
        let prebuilt = scope.spawn(|| crate::index::Prebuilt::build(&data.grids, &data.streets));
        let read = || -> Result<Vec<Incident>, StoreError> {
            let mut incidents = Vec::new();
            {
                let mut st = tx.prepare(
                    "SELECT id, geom, kind, reported_at, status, resolved_at, source, occurred_from, occurred_to FROM incidents",
                )?;
                let mut rows = st.query([])?;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(0)?;
                    let point: geo::Point = geometry(r, 1, "incident", id)?;
                    let resolved: Option<String> = r.get(5)?;
                    let window: (Option<String>, Option<String>) = (r.get(7)?, r.get(8)?);
                    let occurred = match window {
                        (Some(from), Some(to)) => Some(crate::model::Occurred {
                            from: time_of(&from, "incident", id)?,
                            to: time_of(&to, "incident", id)?,
                        }),
                        _ => None,
                    };
                    incidents.push(Incident {
                        id: id as u64,
                        lon: point.x(),
                        lat: point.y(),
                        kind: parsed(r.get_ref(2)?.as_str()?, "incident", id)?,
                        reported_at: time_of(r.get_ref(3)?.as_str()?, "incident", id)?,
                        status: parsed(r.get_ref(4)?.as_str()?, "incident", id)?,
                        resolved_at: resolved.map(|t| time_of(&t, "incident", id)).transpose()?,
                        source: parsed(r.get_ref(6)?.as_str()?, "incident", id)?,
                        occurred,
                        handling: None,
                    });
                }
            }
            Ok(incidents)
        };
        let incidents = read();
        let prebuilt = prebuilt
            .join()
            .map_err(|_| StoreError::Failed("building the grid locator failed".into()));
        (incidents, prebuilt)
    });
    data.incidents = incidents?;
    data.moves = super::moves::load(&tx)?;
    data.lists = super::lists::load(&tx)?;
    data.lists.inspections = super::inspections::load(&tx)?;
    drop(tx);
    crate::store::fold_moves(&mut data)?;
    Ok((data, prebuilt?))
}

/// The store's city (Jingmen for a store that predates cities).
fn city(tx: &rusqlite::Transaction<'_>) -> Result<City, StoreError> {
    let has_table: bool = tx.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'gridwatch_city'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(City::jingmen());
    }
    let (code, name): (String, String) =
        tx.query_row("SELECT code, name FROM gridwatch_city", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let code = code.parse().map_err(|e: crate::model::CityCodeError| {
        StoreError::Failed(format!("gridwatch_city: {e}"))
    })?;
    Ok(City { code, name })
}
