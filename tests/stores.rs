//! The two stores behind one trait, against the same behaviour: PostGIS (a throwaway cluster,
//! see `common/postgis.rs`) and the embedded GeoPackage. Each must give back exactly the
//! dataset it was given, take writes all or nothing, assign the same ids, and survive a
//! restart; PostGIS replicas must see each other's writes; importing twice must not duplicate.

#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    reason = "tests fail loudly and read top to bottom"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use common::postgis::fresh_database;
use common::{Reply, engine, request_to};
use gridwatch::api::{AppState, Tokens};
use gridwatch::index::Engine;
use gridwatch::live::Live;
use gridwatch::model::{Incident, IncidentKind, IncidentSource, IncidentStatus};
use gridwatch::store::gpkg::GpkgStore;
use gridwatch::store::postgis::{PgStore, import};
use gridwatch::store::{PlacedIncident, Store, StoreError};
use serde_json::{Value, json};

/// A fresh GeoPackage store created from the bundled dataset, in its own directory.
fn gpkg_store(name: &str) -> (GpkgStore, std::path::PathBuf) {
    let dir = common::scratch_dir(&format!("stores-{name}"));
    let path = dir.join("city.gpkg");
    let (store, seeded) =
        GpkgStore::open_or_create(&path, || Ok(Engine::clone(&engine()))).unwrap();
    assert!(seeded.is_some(), "a new store is created from the dataset");
    (store, path)
}

/// A fresh database with the bundled dataset imported.
async fn pg_store() -> (PgStore, String) {
    let url = fresh_database().await;
    let store = PgStore::connect(&url, gridwatch::model::City::jingmen())
        .await
        .unwrap();
    import(store.pool(), &engine(), &indicatif::ProgressBar::hidden())
        .await
        .unwrap();
    (store, url)
}

async fn reload(store: &dyn Store) -> Engine {
    Engine::build(store.load().await.unwrap()).unwrap()
}

/// Every layer and every incident column of `b` equals `a`.
fn assert_same(a: &Engine, b: &Engine, what: &str) {
    let ids = |items: &[u64]| items.to_vec();
    assert_eq!(
        ids(&a.districts.items().iter().map(|d| d.id).collect::<Vec<_>>()),
        b.districts.items().iter().map(|d| d.id).collect::<Vec<_>>(),
        "{what}"
    );
    for (x, y) in a.districts.items().iter().zip(b.districts.items()) {
        assert_eq!(
            (&x.name, &x.name_en, x.central_city, &x.geometry),
            (&y.name, &y.name_en, y.central_city, &y.geometry),
            "{what}: district {}",
            x.id
        );
    }
    assert_eq!(a.streets.len(), b.streets.len(), "{what}: streets");
    for (x, y) in a.streets.items().iter().zip(b.streets.items()) {
        assert_eq!(
            (x.id, x.class, &x.name, x.walkable, &x.geometry),
            (y.id, y.class, &y.name, y.walkable, &y.geometry),
            "{what}: street {}",
            x.id
        );
    }
    for (x, y) in a.communities.items().iter().zip(b.communities.items()) {
        assert_eq!(
            (
                x.id,
                &x.name,
                &x.code,
                x.district_id,
                x.households,
                x.population,
                &x.geometry
            ),
            (
                y.id,
                &y.name,
                &y.code,
                y.district_id,
                y.households,
                y.population,
                &y.geometry
            ),
            "{what}"
        );
    }
    assert_eq!(a.communities.len(), b.communities.len(), "{what}");
    for (x, y) in a.grids.items().iter().zip(b.grids.items()) {
        assert_eq!(
            (x.id, x.community_id, &x.name, x.households, &x.geometry),
            (y.id, y.community_id, &y.name, y.households, &y.geometry),
            "{what}"
        );
    }
    assert_eq!(a.grids.len(), b.grids.len(), "{what}");
    assert_eq!(a.buildings.len(), b.buildings.len(), "{what}");
    for (x, y) in a.buildings.items().iter().zip(b.buildings.items()) {
        assert_eq!(
            (
                x.id,
                x.households,
                x.floors,
                x.building_use,
                x.unmanaged,
                &x.geometry,
                x.grid_id
            ),
            (
                y.id,
                y.households,
                y.floors,
                y.building_use,
                y.unmanaged,
                &y.geometry,
                y.grid_id
            ),
            "{what}"
        );
    }
    assert_eq!(a.resources.len(), b.resources.len(), "{what}");
    for (x, y) in a.resources.items().iter().zip(b.resources.items()) {
        assert_eq!(
            (
                x.id,
                x.kind,
                &x.name,
                x.capacity,
                x.geometry,
                x.community_id
            ),
            (
                y.id,
                y.kind,
                &y.name,
                y.capacity,
                y.geometry,
                y.community_id
            ),
            "{what}"
        );
    }
    assert_eq!(a.patrol_routes.len(), b.patrol_routes.len(), "{what}");
    for (x, y) in a.patrol_routes.items().iter().zip(b.patrol_routes.items()) {
        assert_eq!(
            (
                x.id,
                x.community_id,
                &x.team,
                x.weekday,
                &x.start_time,
                &x.geometry
            ),
            (
                y.id,
                y.community_id,
                &y.team,
                y.weekday,
                &y.start_time,
                &y.geometry
            ),
            "{what}"
        );
    }
    assert_eq!(a.patrol_tracks.len(), b.patrol_tracks.len(), "{what}");
    for (x, y) in a.patrol_tracks.items().iter().zip(b.patrol_tracks.items()) {
        assert_eq!(
            (
                x.id,
                x.route_id,
                x.started_at,
                x.ended_at,
                &x.times,
                &x.geometry
            ),
            (
                y.id,
                y.route_id,
                y.started_at,
                y.ended_at,
                &y.times,
                &y.geometry
            ),
            "{what}"
        );
    }
    assert!(
        a.lists.projects.len() >= 168,
        "{what}: the seed's projects, and any added"
    );
    assert_eq!(*a.lists, *b.lists, "{what}: the governance lists");
    let (s, t) = (&a.incidents, &b.incidents);
    assert_eq!(s.id, t.id, "{what}: incident ids in time order");
    assert_eq!((&s.lon, &s.lat), (&t.lon, &t.lat), "{what}");
    assert_eq!(
        (&s.kind, &s.status, &s.source),
        (&t.kind, &t.status, &t.source),
        "{what}"
    );
    assert_eq!(
        (&s.reported_at, &s.resolved_at),
        (&t.reported_at, &t.resolved_at),
        "{what}"
    );
    assert_eq!(
        s.occurred, t.occurred,
        "{what}: the windows incidents happened in"
    );
    assert!(
        s.occurred.iter().filter(|o| o.is_some()).count() > 1_000,
        "{what}: the bundled data has windows to compare"
    );
    assert_eq!(
        (&s.grid, &s.community, &s.cell),
        (&t.grid, &t.community, &t.cell),
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn both_stores_give_back_the_dataset_they_were_given() {
    let files = engine();
    let (gpkg, _) = gpkg_store("roundtrip");
    assert_same(&files, &reload(&gpkg).await, "GeoPackage");
    // As `serve` loads it: the locator and the network built while the incidents were read.
    let served = gridwatch::store::load_snapshot(&gpkg).await.unwrap();
    assert_same(&files, &served, "GeoPackage, prebuilt locator and network");
    assert_eq!(served.network.edges.len(), files.network.edges.len());
    let (pg, _) = pg_store().await;
    let from_pg = reload(&pg).await;
    assert_same(&files, &from_pg, "PostGIS");
    // The same questions get the same answers, whichever store the snapshot came from.
    for path in [
        "/api/v1/hotspots?res=8&kind=dispute",
        "/ogc/collections/incidents/items?limit=50&offset=1000",
        "/api/v1/stats/grids?community=3",
    ] {
        let mut a = request_to(AppState::new(Engine::clone(&files)), "GET", path, None).await;
        let mut b = request_to(AppState::new(from_pg.clone()), "GET", path, None).await;
        assert_eq!(a.status, StatusCode::OK);
        // The answers' clock time (OGC `timeStamp`) is when each was asked, not the data.
        for reply in [&mut a, &mut b] {
            if let Some(o) = reply.json.as_object_mut() {
                o.remove("timeStamp");
            }
        }
        assert_eq!(a.json, b.json, "{path}");
    }
}

/// Every connection of the server's pool carries the statement time limit.
#[tokio::test(flavor = "multi_thread")]
async fn every_pooled_connection_has_a_statement_timeout() {
    let store = PgStore::connect(&fresh_database().await, gridwatch::model::City::jingmen())
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut connection = store.pool().acquire().await.unwrap();
        let limit: String = sqlx::query_scalar("SHOW statement_timeout")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        assert_eq!(limit, "1min");
        held.push(connection);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_twice_does_not_duplicate() {
    let (pg, _) = pg_store().await;
    import(pg.pool(), &engine(), &indicatif::ProgressBar::hidden())
        .await
        .unwrap();
    for (table, expected) in [
        ("incidents", 73_185),
        ("buildings", engine().buildings.len()),
        ("streets", engine().streets.len()),
        ("grids", 866),
        ("patrol_tracks", 1776),
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pg.pool())
            .await
            .unwrap();
        assert_eq!(n as usize, expected, "{table}");
    }
    // The derived columns are there for SQL users, and agree with the engine.
    let (grid, h3): (Option<i64>, i64) =
        sqlx::query_as("SELECT grid_id, h3 FROM incidents WHERE id = 1")
            .fetch_one(pg.pool())
            .await
            .unwrap();
    let e = engine();
    let row = e.incidents.row(1).unwrap();
    assert_eq!(
        grid.map(|g| g as u64),
        (e.incidents.grid[row] != gridwatch::index::NONE)
            .then(|| e.grids.items()[e.incidents.grid[row] as usize].id)
    );
    assert_eq!(h3 as u64, e.incidents.cell[row]);
}

const TOKENS: &str = "operator:op-token,admin:admin-token,viewer:view-token";

fn writable(engine: Engine, store: Arc<dyn Store>) -> AppState {
    AppState::with_live(
        Live::new(engine, Some(store)),
        Tokens::parse_plain(TOKENS).unwrap(),
    )
}

async fn send(state: &AppState, method: &str, path: &str, token: &str, body: &Value) -> Reply {
    let body = body.to_string();
    common::request_with_headers(
        state.clone(),
        method,
        path,
        Some(&body),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/geo+json"),
        ],
    )
    .await
}

fn incident_feature(lon: f64, lat: f64, kind: &str, props: &Value) -> Value {
    let mut p =
        json!({ "kind": kind, "reported_at": "2022-03-01T09:30:00+08:00", "source": "hotline" });
    p.as_object_mut()
        .unwrap()
        .extend(props.as_object().unwrap().clone());
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [lon, lat] }, "properties": p })
}

/// The write behaviour every store must show; returns what the writes answered, for
/// comparing stores.
async fn writes_all_or_nothing_and_survive_a_reload(store: Arc<dyn Store>) -> Vec<Value> {
    let state = writable(Engine::clone(&engine()), store.clone());
    let batch = json!({ "type": "FeatureCollection", "features": [
        incident_feature(112.2, 31.03, "dispute", &json!({})),
        incident_feature(112.21, 31.04, "drainage", &json!({ "status": "resolved", "resolved_at": "2022-03-02T10:00:00+08:00" })),
    ]});
    let created = send(&state, "POST", "/api/v1/incidents", "op-token", &batch).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(
        created.json["ids"],
        json!([73_186, 73_187]),
        "ids continue after the dataset's"
    );

    // A bad row anywhere refuses the whole batch.
    let bad = json!({ "type": "FeatureCollection", "features": [incident_feature(112.2, 31.03, "dispute", &json!({})), incident_feature(112.2, 31.03, "arson", &json!({}))] });
    let refused = send(&state, "POST", "/api/v1/incidents", "op-token", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json["detail"]
            .as_str()
            .unwrap()
            .starts_with("row 2, `kind`"),
        "{}",
        refused.json
    );

    // So does a row the store itself refuses (resolved before it was reported): the store's
    // transaction leaves nothing of the batch.
    let valid = Incident {
        id: 0,
        lon: 112.2,
        lat: 31.03,
        kind: IncidentKind::Dispute,
        reported_at: 1_650_000_000,
        status: IncidentStatus::Open,
        resolved_at: None,
        source: IncidentSource::Patrol,
        occurred: None,
        handling: None,
    };
    let broken = Incident {
        status: IncidentStatus::Resolved,
        resolved_at: Some(1_640_000_000),
        ..valid.clone()
    };
    let e = engine();
    let attempt = store
        .insert_incidents(vec![
            PlacedIncident::place(&e, valid),
            PlacedIncident::place(&e, broken),
        ])
        .await;
    assert!(
        matches!(attempt, Err(StoreError::Refused(_))),
        "{attempt:?}"
    );

    let assigned = send(
        &state,
        "PATCH",
        "/api/v1/incidents/73186",
        "op-token",
        &json!({ "status": "assigned" }),
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.json);
    let track = json!({ "type": "Feature", "geometry": { "type": "LineString", "coordinates": [[112.2, 31.03], [112.201, 31.031], [112.202, 31.031]] },
        "properties": { "route_id": 1, "times": ["2022-03-01T09:00:00+08:00", "2022-03-01T09:05:00+08:00", "2022-03-01T09:09:00+08:00"] } });
    let track_reply = send(&state, "POST", "/api/v1/patrol/tracks", "op-token", &track).await;
    assert_eq!(
        track_reply.status,
        StatusCode::CREATED,
        "{}",
        track_reply.json
    );
    let resource = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.205, 31.035] }, "properties": { "kind": "service_complex", "name": "新建党群服务中心", "capacity": 300 } });
    let forbidden = send(&state, "POST", "/api/v1/resources", "op-token", &resource).await;
    assert_eq!(
        forbidden.status,
        StatusCode::FORBIDDEN,
        "resources need an admin token"
    );
    let resource_reply = send(
        &state,
        "POST",
        "/api/v1/resources",
        "admin-token",
        &resource,
    )
    .await;
    assert_eq!(
        resource_reply.status,
        StatusCode::CREATED,
        "{}",
        resource_reply.json
    );

    let inspection = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.03] },
        "properties": { "at": "2022-03-01T10:00:00+08:00", "agencies": ["police", "housing"], "kinds": ["property_dispute"],
                        "problems_found": 2, "problems_solved": 1 } });
    let inspection_reply = send(
        &state,
        "POST",
        "/api/v1/inspections",
        "op-token",
        &inspection,
    )
    .await;
    assert_eq!(
        inspection_reply.status,
        StatusCode::CREATED,
        "{}",
        inspection_reply.json
    );
    assert_eq!(
        inspection_reply.json["id"], 752,
        "ids continue after the dataset's 751"
    );

    // The committee's lists: a need raised, a project opened on it and an offer of its
    // category, then done.
    let need = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.03] },
        "properties": { "category": "drainage", "households": 12, "raised_at": "2021-11-01T09:00:00+08:00" } });
    let raised = send(&state, "POST", "/api/v1/lists/demands", "op-token", &need).await;
    assert_eq!(raised.status, StatusCode::CREATED, "{}", raised.json);
    assert_eq!(
        raised.json["id"], 520,
        "ids continue after the dataset's 519"
    );
    let opened = send(&state, "POST", "/api/v1/lists/projects", "op-token", &json!({
        "name": "疏通下水道", "demand_ids": [520], "resource_ids": [3], "opened_at": "2021-11-15", "status": "in_progress" })).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.json);
    assert_eq!(
        opened.json["id"], 169,
        "ids continue after the dataset's 168"
    );
    let done = send(
        &state,
        "PATCH",
        "/api/v1/lists/projects/169",
        "op-token",
        &json!({ "status": "done", "at": "2021-12-20T17:00:00+08:00" }),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["households"], 12);

    // A new snapshot from the store holds every acknowledged write and nothing else (the
    // lists with the inspection, the need and the project included).
    let reloaded = reload(store.as_ref()).await;
    assert_eq!(reloaded.incidents.len(), 73_187);
    let live = state.engine();
    assert_same(&live, &reloaded, "the store after writes");
    let row = reloaded.incidents.row(73_186).unwrap();
    assert_eq!(reloaded.incidents.status[row], IncidentStatus::Assigned);
    assert_ne!(
        reloaded.incidents.grid[row],
        gridwatch::index::NONE,
        "the grid is derived for new incidents"
    );
    assert!(
        reloaded
            .patrol_tracks
            .get(track_reply.json["id"].as_u64().unwrap())
            .is_some()
    );
    let r = reloaded
        .resources
        .get(resource_reply.json["id"].as_u64().unwrap())
        .unwrap();
    assert_eq!((r.name.as_str(), r.capacity), ("新建党群服务中心", 300));
    vec![
        created.json,
        assigned.json,
        track_reply.json,
        resource_reply.json,
        inspection_reply.json,
        raised.json,
        opened.json,
        done.json,
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn both_stores_take_writes_the_same_way() {
    let (gpkg, path) = gpkg_store("writes");
    let from_gpkg = writes_all_or_nothing_and_survive_a_reload(Arc::new(gpkg)).await;
    // Reopening the file (a restart) gives the same data again.
    let (reopened, seeded) =
        GpkgStore::open_or_create(&path, || unreachable!("the store exists")).unwrap();
    assert!(seeded.is_none());
    assert_eq!(reload(&reopened).await.incidents.len(), 73_187);
    let (pg, _) = pg_store().await;
    let from_pg = writes_all_or_nothing_and_survive_a_reload(Arc::new(pg)).await;
    assert_eq!(
        from_gpkg, from_pg,
        "both stores answer the same writes with the same ids and features"
    );
}

/// Waits (up to 10 s) until `check` holds on `state`'s snapshot.
async fn eventually(state: &AppState, check: impl Fn(&Engine) -> bool) -> bool {
    for _ in 0..200 {
        if check(&state.engine()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_on_one_database_see_each_others_writes() {
    let (_, url) = pg_store().await;
    let mut replicas = Vec::new();
    for _ in 0..2 {
        let store = Arc::new(
            PgStore::connect(&url, gridwatch::model::City::jingmen())
                .await
                .unwrap(),
        );
        let engine = reload(store.as_ref()).await;
        let dynamic: Arc<dyn Store> = store.clone();
        let state = writable(engine, dynamic);
        tokio::spawn(gridwatch::replication::follow(store, state.live.clone()));
        replicas.push(state);
    }
    // Both listeners have subscribed (each says so once its LISTEN has returned).
    for replica in &replicas {
        let mut waited = Duration::ZERO;
        while !replica.live.following() {
            assert!(
                waited < Duration::from_secs(60),
                "a replica never subscribed"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
            waited += Duration::from_millis(10);
        }
    }
    let (a, b) = (&replicas[0], &replicas[1]);
    let created = send(
        a,
        "POST",
        "/api/v1/incidents",
        "op-token",
        &incident_feature(112.2, 31.03, "petition", &json!({})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json["ids"][0].as_u64().unwrap();
    assert!(
        eventually(b, |e| e.incidents.row(id).is_some()).await,
        "replica B sees A's new incident"
    );
    let resolved = send(
        b,
        "PATCH",
        &format!("/api/v1/incidents/{id}"),
        "op-token",
        &json!({ "status": "resolved", "resolved_at": "2022-03-01T12:00:00+08:00" }),
    )
    .await;
    assert_eq!(resolved.status, StatusCode::OK);
    assert!(
        eventually(a, |e| e
            .incidents
            .row(id)
            .is_some_and(|r| e.incidents.status[r] == IncidentStatus::Resolved))
        .await,
        "replica A sees B's status change"
    );
    let inspection = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.03] },
        "properties": { "at": "2022-03-01T10:00:00+08:00", "agencies": ["police", "housing"], "kinds": ["property_dispute"],
                        "problems_found": 1, "problems_solved": 1 } });
    let recorded = send(b, "POST", "/api/v1/inspections", "op-token", &inspection).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.json);
    let inspection_id = recorded.json["id"].as_u64().unwrap();
    assert!(
        eventually(a, |e| e.inspections.get(inspection_id).is_some()
            && e.lists.inspections.iter().any(|r| r.id == inspection_id))
        .await,
        "replica A sees B's joint inspection"
    );
    let admin_resource = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.19, 31.02] }, "properties": { "kind": "clinic", "name": "社区卫生站", "capacity": 20 } });
    let r = send(
        a,
        "POST",
        "/api/v1/resources",
        "admin-token",
        &admin_resource,
    )
    .await;
    let rid = r.json["id"].as_u64().unwrap();
    assert!(
        eventually(b, |e| e.resources.get(rid).is_some()).await,
        "replica B sees A's new resource"
    );
    // Queries on B answer from the new data: its caches were keyed by the old version.
    let on_b = request_to(
        b.clone(),
        "GET",
        &format!("/ogc/collections/incidents/items/{id}"),
        None,
    )
    .await;
    assert_eq!(on_b.json["properties"]["status"], "resolved");
}

/// With the database gone, reads keep answering from memory and writes answer 503, writing
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn reads_survive_a_database_outage_and_writes_answer_503() {
    let (pg, url) = pg_store().await;
    let engine = reload(&pg).await;
    let state = writable(engine, Arc::new(pg));
    let before = request_to(state.clone(), "GET", "/api/v1/hexbins?res=7", None).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.json["features"].as_array().unwrap().is_empty());
    let name = url.rsplit('/').next().unwrap().to_owned();
    let admin = format!("{}/postgres", common::postgis::server());
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut connection)
        .await
        .unwrap();

    let read = request_to(state.clone(), "GET", "/api/v1/hexbins?res=7", None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(
        read.json, before.json,
        "the same hexbins from memory with the database gone"
    );
    let write = send(
        &state,
        "POST",
        "/api/v1/incidents",
        "op-token",
        &incident_feature(112.2, 31.03, "dispute", &json!({})),
    )
    .await;
    assert_eq!(
        write.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        write.json
    );
    assert_eq!(write.content_type, "application/problem+json");
    assert_eq!(
        state.engine().incidents.len(),
        73_185,
        "nothing was applied"
    );
}

/// A GeoPackage made before the streets layer existed gets it, with the dataset's streets,
/// the next time it is opened; everything else in it is kept.
#[tokio::test(flavor = "multi_thread")]
async fn an_old_geopackage_gets_the_streets_layer() {
    let (store, path) = gpkg_store("old-streets");
    drop(store);
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection
            .execute_batch(
                "DROP TABLE streets;
                 DELETE FROM gpkg_geometry_columns WHERE table_name = 'streets';
                 DELETE FROM gpkg_contents WHERE table_name = 'streets';",
            )
            .unwrap();
    }
    let (reopened, seeded) =
        GpkgStore::open_or_create(&path, || Ok(Engine::clone(&engine()))).unwrap();
    assert!(seeded.is_none(), "the store is kept, not made again");
    let loaded = reload(&reopened).await;
    assert_same(&engine(), &loaded, "GeoPackage with streets added");
    assert_eq!(loaded.streets.len(), engine().streets.len());
}
