//! The store on a real Citus cluster (a coordinator and two workers on this machine): the
//! migrations distribute every table by city and make the closed vocabularies reference
//! tables; two cities imported land in shards on the workers, each city's store reads exactly
//! its own rows, importing a city twice leaves one copy, and a write to one city reaches its
//! rows, its replicas and no other city.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use gridwatch::geodata::generate::{self, Options};
use gridwatch::index::Engine;
use gridwatch::model::{City, LonLat};
use gridwatch::store::Store;
use gridwatch::store::postgis::{PgStore, import};

use common::engine;
use common::postgis::Citus;

/// A small second city, Xiangyang (420600), from Jingmen's shapes.
fn second_city() -> Engine {
    let generated = generate::generate(
        &common::geodata_dir().join("sources"),
        Options {
            incidents: 3_000,
            city: City {
                code: "420600".parse().unwrap(),
                name: "Xiangyang".into(),
            },
            centre: LonLat::new(112.14, 32.04),
            ..Options::default()
        },
    )
    .unwrap();
    Engine::build(generated.dataset).unwrap()
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
            "districts",
            "grids",
            "incident_personal",
            "incidents",
            "patrol_routes",
            "patrol_tracks",
            "resources",
            "streets"
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
