//! The store on a real Citus cluster (a coordinator and two workers on this machine): the
//! migrations distribute every table by city and make the closed vocabularies reference
//! tables; two cities imported land in shards on the workers, each city's store reads exactly
//! its own rows, importing a city twice leaves one copy, and a write to one city reaches its
//! rows, its replicas and no other city.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use gridwatch::index::Engine;
use gridwatch::model::City;
use gridwatch::store::Store;
use gridwatch::store::postgis::{PgStore, import};

use common::engine;
use common::postgis::Citus;

/// A small second city, Xiangyang (420600), from Jingmen's shapes.
fn second_city() -> Engine {
    common::generated_city("420600", "Xiangyang", 3_000)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_cities_on_a_three_node_cluster() {
    let citus = Citus::start().await;
    let jingmen = PgStore::connect(&citus.url(), City::jingmen())
        .await
        .unwrap();
    let pool = jingmen.pool().clone();

    distributed_by_city(&pool).await;

    // Two cities imported through the coordinator.
    let xiangyang_engine = second_city();
    let bar = indicatif::ProgressBar::hidden();
    import(&pool, &engine(), &bar).await.unwrap();
    import(&pool, &xiangyang_engine, &bar).await.unwrap();
    // The same city again: one copy.
    import(&pool, &xiangyang_engine, &bar).await.unwrap();
    let xiangyang = jingmen.for_city(xiangyang_engine.city.as_ref().clone());
    let cities: Vec<String> = jingmen
        .cities()
        .await
        .unwrap()
        .iter()
        .map(|c| c.code.to_string())
        .collect();
    assert_eq!(cities, ["420600", "420800"]);

    sharded_over_both_workers(&pool, &citus).await;

    // Each city's store reads its own rows, and only them.
    let loaded = jingmen.load().await.unwrap();
    assert_eq!(loaded.incidents.len(), engine().incidents.len());
    assert_eq!(loaded.buildings.len(), engine().buildings.len());
    assert_eq!(loaded.city, City::jingmen());
    let loaded = xiangyang.load().await.unwrap();
    assert_eq!(loaded.incidents.len(), xiangyang_engine.incidents.len());
    assert_eq!(loaded.city.name, "Xiangyang");
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM incidents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        total as usize,
        engine().incidents.len() + xiangyang_engine.incidents.len()
    );

    let engines = [engine(), Arc::new(Engine::clone(&xiangyang_engine))];
    province_from_sql_equals_memory(&jingmen, &engines).await;
    // The per-city aggregate runs on the workers: the plan is Citus's, one task per shard.
    let plan: Vec<String> = sqlx::query_scalar(&format!(
        "EXPLAIN {}",
        include_str!("../src/store/postgis/sql/province_by_city.sql")
            .replace("$1::text[]", "NULL::text[]")
            .replace("$1", "NULL")
            .replace("$2::bigint", "NULL::bigint")
            .replace("$2", "0")
            .replace("$3::bigint", "NULL::bigint")
            .replace("$3", "0")
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("Custom Scan (Citus Adaptive)"), "{plan}");
    assert!(plan.contains("Task Count: 32"), "{plan}");
    a_write_stays_in_its_city(&jingmen, &xiangyang, &xiangyang_engine).await;
}

/// The migrations distributed every table by city, in one colocation group, and made the
/// cities and the vocabularies reference tables.
async fn distributed_by_city(pool: &sqlx::PgPool) {
    // Distributed by city, colocated; the vocabularies and the cities are reference tables.
    let rows: Vec<(String, String, i32)> = sqlx::query_as(
        "SELECT logicalrelid::regclass::text, partmethod::text, colocationid FROM pg_dist_partition",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let distributed: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.1 == "h")
        .map(|r| r.0.as_str())
        .collect();
    let reference: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.1 == "n")
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(
        distributed,
        BTreeSet::from([
            "buildings",
            "communities",
            "demand_items",
            "districts",
            "grids",
            "incident_moves",
            "incident_personal",
            "incidents",
            "inspections",
            "patrol_routes",
            "patrol_tracks",
            "projects",
            "resource_items",
            "resources",
            "streets",
            "units"
        ])
    );
    assert!(
        [
            "cities",
            "incident_kinds",
            "incident_statuses",
            "incident_sources",
            "resource_kinds",
            "building_uses",
            "street_classes"
        ]
        .iter()
        .all(|t| reference.contains(t)),
        "{reference:?}"
    );
    let colocations: BTreeSet<i32> = rows.iter().filter(|r| r.1 == "h").map(|r| r.2).collect();
    assert_eq!(colocations.len(), 1, "one colocation group: {rows:?}");
    let column: String = sqlx::query_scalar(
        "SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition WHERE logicalrelid = 'incidents'::regclass",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(column, "city_code");
}

/// Shards on both workers, and each city's incidents on exactly one of them.
async fn sharded_over_both_workers(pool: &sqlx::PgPool, citus: &Citus) {
    // Shards on both workers, and each city's incidents on exactly one of them.
    let ports: BTreeSet<i32> = sqlx::query_scalar(
        "SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = 'incidents'::regclass",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let workers: BTreeSet<i32> = citus.workers.iter().map(common::postgis::port).collect();
    assert_eq!(ports, workers);
    for code in [420_800, 420_600] {
        let holding: i64 = sqlx::query_scalar(
            "SELECT count(DISTINCT nodeport) FROM citus_shards s JOIN pg_dist_shard d USING (shardid)
             WHERE s.table_name = 'incidents'::regclass
               AND d.shardid = get_shard_id_for_distribution_column('incidents', $1)",
        )
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(holding, 1, "city {code}");
    }
}

/// A write to Xiangyang: its rows and its replica (a second process on the coordinator) see
/// it, Jingmen's do not.
async fn a_write_stays_in_its_city(
    jingmen: &PgStore,
    xiangyang: &PgStore,
    xiangyang_engine: &Engine,
) {
    let pool = jingmen.pool();
    // A write to Xiangyang: its rows and its replica (a second process on the coordinator)
    // see it, Jingmen's do not.
    let live = gridwatch::live::Live::new(
        Engine::clone(xiangyang_engine),
        Some(Arc::new(xiangyang.for_city(xiangyang.city().clone())) as Arc<dyn Store>),
    );
    let replica_store = Arc::new(xiangyang.for_city(xiangyang.city().clone()));
    let replica = Arc::new(gridwatch::live::Live::new(
        Engine::clone(xiangyang_engine),
        Some(replica_store.clone() as Arc<dyn Store>),
    ));
    let jingmen_replica = Arc::new(gridwatch::live::Live::new(
        Engine::clone(&engine()),
        Some(Arc::new(jingmen.for_city(City::jingmen())) as Arc<dyn Store>),
    ));
    tokio::spawn(gridwatch::replication::follow(
        replica_store,
        replica.clone(),
    ));
    tokio::spawn(gridwatch::replication::follow(
        Arc::new(jingmen.for_city(City::jingmen())),
        jingmen_replica.clone(),
    ));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let at = xiangyang_engine.incidents.incident(0);
    let added = live
        .add_incidents(vec![gridwatch::model::Incident { id: 0, ..at }])
        .await
        .unwrap();
    let id = added[0].id;
    let (before_j, before_x) = (engine().incidents.len(), xiangyang_engine.incidents.len());
    assert_eq!(
        xiangyang.load().await.unwrap().incidents.len(),
        before_x + 1
    );
    assert_eq!(jingmen.load().await.unwrap().incidents.len(), before_j);
    let city_of: i32 = sqlx::query_scalar("SELECT city_code FROM incidents WHERE id = $1")
        .bind(id as i64)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(city_of, 420_600);
    let waited = std::time::Instant::now();
    while replica.engine().incidents.len() == before_x
        && waited.elapsed() < std::time::Duration::from_secs(10)
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        replica.engine().incidents.len(),
        before_x + 1,
        "the replica follows"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        jingmen_replica.engine().incidents.len(),
        before_j,
        "another city's does not"
    );
}

/// The database's province statistics (one SQL aggregate) equal the engines' in memory, by
/// city, district and month, for all kinds and for two kinds in one year.
async fn province_from_sql_equals_memory(store: &PgStore, engines: &[Arc<Engine>]) {
    use gridwatch::analytics::province::{By, Question, in_memory};
    use gridwatch::model::{IncidentKind, Period};
    for by in By::ALL {
        for (kinds, period) in [
            (vec![], Period::default()),
            (
                vec![IncidentKind::Dispute, IncidentKind::Drainage],
                Period::from_bounds(Some("2021-01-01"), Some("2021-12-31")).unwrap(),
            ),
        ] {
            let question = Question {
                kinds,
                period,
                by: Some(*by),
            };
            let sql = store.province(&question).await.unwrap().unwrap();
            let memory = in_memory(engines, &question);
            assert_eq!(sql.len(), memory.len(), "{by:?}");
            assert!(sql.iter().map(|r| r.incidents).sum::<u64>() > 0);
            for (a, b) in sql.iter().zip(&memory) {
                assert_eq!(
                    (&a.key, a.incidents, a.resolved),
                    (&b.key, b.incidents, b.resolved),
                    "{by:?}"
                );
                match (a.median_hours_to_resolve, b.median_hours_to_resolve) {
                    (Some(x), Some(y)) => assert!((x - y).abs() < 1e-6, "{by:?} {x} {y}"),
                    (x, y) => assert_eq!(x, y),
                }
            }
        }
    }
}

/// The same on a plain PostGIS: the aggregate does not need Citus.
#[tokio::test(flavor = "multi_thread")]
async fn province_stats_on_plain_postgis_equal_memory() {
    let url = common::postgis::fresh_database().await;
    let store = PgStore::connect(&url, City::jingmen()).await.unwrap();
    let xiangyang = second_city();
    let bar = indicatif::ProgressBar::hidden();
    import(store.pool(), &engine(), &bar).await.unwrap();
    import(store.pool(), &xiangyang, &bar).await.unwrap();
    province_from_sql_equals_memory(&store, &[engine(), Arc::new(xiangyang)]).await;
}

/// A city of Hubei (from Jingmen's shapes, `incidents` of them) whose shards land on the
/// worker at `port`: the first code of the province that hashes there.
async fn city_on(citus: &Citus, pool: &sqlx::PgPool, port: i32, incidents: usize) -> Engine {
    let mut code = None;
    for candidate in [
        420_100, 420_200, 420_300, 420_500, 420_600, 420_700, 420_900, 421_000,
    ] {
        if citus.worker_of(pool, candidate).await == port {
            code = Some(candidate);
            break;
        }
    }
    let code = code.expect("a Hubei city on each worker");
    common::generated_city(&code.to_string(), &format!("city {code}"), incidents)
}

/// A city's live dataset over its store, as a serving process holds it, and its state.
fn serve(store: &PgStore, engine: Engine) -> gridwatch::api::AppState {
    let live = gridwatch::live::Live::new(
        engine,
        Some(Arc::new(store.for_city(store.city().clone())) as Arc<dyn Store>),
    );
    gridwatch::api::AppState::with_access(
        live,
        gridwatch::api::Access::from(gridwatch::api::Tokens::parse_plain("operator:op").unwrap()),
        gridwatch::api::TileCaches::default(),
        gridwatch::api::Limits::default(),
    )
}

/// POSTs one incident at the city's first incident's place; the status.
async fn report(state: &gridwatch::api::AppState) -> axum::http::StatusCode {
    let at = state.engine().incidents.incident(0);
    let body = serde_json::json!({ "type": "Feature",
        "geometry": { "type": "Point", "coordinates": [at.lon, at.lat] },
        "properties": { "kind": "dispute", "reported_at": "2022-05-01T10:00:00+08:00", "source": "hotline" } })
    .to_string();
    common::request_with_headers(
        state.clone(),
        "POST",
        "/api/v1/incidents",
        Some(&body),
        &[
            ("authorization", "Bearer op"),
            ("content-type", "application/geo+json"),
        ],
    )
    .await
    .status
}

/// With one worker stopped, the city on the other keeps taking writes; the city on the stopped
/// one keeps answering reads from memory and answers writes 503 with nothing written, and takes
/// writes again, without a restart, once the worker is back. Then a city's shards move to the
/// other worker while it is read and written: no read fails and every acknowledged write is
/// there afterwards.
#[tokio::test(flavor = "multi_thread")]
async fn a_worker_down_then_a_shard_moved_under_load() {
    use axum::http::StatusCode;
    let citus = Citus::start().await;
    let db = PgStore::connect(&citus.url(), City::jingmen())
        .await
        .unwrap();
    let pool = db.pool().clone();
    let ports = citus.workers.each_ref().map(common::postgis::port);
    let up = city_on(&citus, &pool, ports[0], 2_000).await;
    let down = city_on(&citus, &pool, ports[1], 2_000).await;
    let bar = indicatif::ProgressBar::hidden();
    import(&pool, &up, &bar).await.unwrap();
    import(&pool, &down, &bar).await.unwrap();
    let up_store = db.for_city(up.city.as_ref().clone());
    let down_store = db.for_city(down.city.as_ref().clone());
    let (up_n, down_n) = (up.incidents.len(), down.incidents.len());
    let up_state = serve(&up_store, up);
    let down_state = serve(&down_store, down);

    citus.workers[1].stop();
    assert_eq!(
        report(&up_state).await,
        StatusCode::CREATED,
        "the other worker's city writes"
    );
    // A joint inspection is a distributed row too: its id comes from the coordinator's
    // sequence, and the store gives it back.
    let at = up_state.engine().incidents.incident(0);
    let inspection = serde_json::json!({ "type": "Feature",
        "geometry": { "type": "Point", "coordinates": [at.lon, at.lat] },
        "properties": { "at": "2022-05-01T10:00:00+08:00", "agencies": ["police", "city_management"],
                        "kinds": ["street_vending"], "problems_found": 1, "problems_solved": 1 } })
    .to_string();
    let recorded = common::request_with_headers(
        up_state.clone(),
        "POST",
        "/api/v1/inspections",
        Some(&inspection),
        &[
            ("authorization", "Bearer op"),
            ("content-type", "application/geo+json"),
        ],
    )
    .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let id = recorded.json["id"].as_u64().unwrap();
    {
        use gridwatch::store::Store;
        let kept = up_store.load().await.unwrap().lists.inspections;
        assert!(
            kept.iter().any(|r| r.id == id),
            "the store keeps inspection {id}"
        );
    }
    let read = common::request_to(down_state.clone(), "GET", "/api/v1/hexbins?res=8", None).await;
    assert_eq!(read.status, StatusCode::OK, "reads come from memory");
    let refused = common::request_with_headers(
        down_state.clone(),
        "POST",
        "/api/v1/incidents",
        Some(r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.14,32.04]},"properties":{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","source":"hotline"}}"#),
        &[("authorization", "Bearer op"), ("content-type", "application/geo+json")],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
    assert_eq!(
        down_state.engine().incidents.len(),
        down_n,
        "nothing published"
    );
    citus.workers[1].start();
    // Back without a restart: the pool and the coordinator reconnect.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = report(&down_state).await;
        if status == StatusCode::CREATED {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(status, StatusCode::CREATED);
    // The refused write left nothing: one more row than imported, the one just acknowledged.
    assert_eq!(down_store.load().await.unwrap().incidents.len(), down_n + 1);
    assert_eq!(up_store.load().await.unwrap().incidents.len(), up_n + 1);

    shard_moved_under_load(&citus, &pool, &up_state, &up_store, up_n + 1).await;
}

/// Moves the shards of `state`'s city to the other worker while reads and writes go on.
async fn shard_moved_under_load(
    citus: &Citus,
    pool: &sqlx::PgPool,
    state: &gridwatch::api::AppState,
    store: &PgStore,
    stored: usize,
) {
    use axum::http::StatusCode;
    let code = i32::try_from(store.city().code.get()).unwrap();
    let from = citus.worker_of(pool, code).await;
    let to = citus
        .workers
        .iter()
        .map(common::postgis::port)
        .find(|&p| p != from)
        .unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (state, stop) = (state.clone(), stop.clone());
        tokio::spawn(async move {
            let (mut acked, mut failed_writes, mut failed_reads) = (0usize, 0usize, 0usize);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match report(&state).await {
                    StatusCode::CREATED => acked += 1,
                    _ => failed_writes += 1,
                }
                let read =
                    common::request_to(state.clone(), "GET", "/api/v1/hexbins?res=9", None).await;
                if read.status != StatusCode::OK {
                    failed_reads += 1;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            (acked, failed_writes, failed_reads)
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let shard: i64 =
        sqlx::query_scalar("SELECT get_shard_id_for_distribution_column('incidents', $1)")
            .bind(code)
            .fetch_one(pool)
            .await
            .unwrap();
    sqlx::query("SELECT citus_move_shard_placement($1, '127.0.0.1', $2, '127.0.0.1', $3)")
        .bind(shard)
        .bind(from)
        .bind(to)
        .execute(pool)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (acked, failed_writes, failed_reads) = load.await.unwrap();
    assert_eq!(citus.worker_of(pool, code).await, to, "the shards moved");
    assert!(acked > 5, "the load wrote: {acked}");
    assert_eq!(failed_reads, 0);
    assert_eq!(failed_writes, 0);
    assert_eq!(
        store.load().await.unwrap().incidents.len(),
        stored + acked,
        "every acknowledged write is stored"
    );
    assert_eq!(state.engine().incidents.len(), stored + acked);
}
