//! Walking distances against PostGIS + pgRouting on the same streets: the bundled dataset is
//! imported into a throwaway database (see `common/postgis.rs`), the walkable streets are cut
//! into segments there (`ST_DumpSegments`), segments meet where they share a vertex, each costs
//! its length on the WGS 84 spheroid (`ST_Length(geography)`), and `pgr_dijkstraCost` answers
//! the reference pairs of `tests/fixtures/streets_reference.json`. The engine must agree within
//! 0.1 % or 1 m.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use common::engine;
use common::postgis::fresh_database;
use geo::Coord;
use gridwatch::store::postgis::{PgStore, import};
use rustc_hash::FxHashMap;

/// The segment graph, built in SQL.
const GRAPH_SQL: &str = include_str!("../scripts/sql/walk_graph.sql");

fn key(c: Coord) -> (i64, i64) {
    ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64)
}

#[tokio::test(flavor = "multi_thread")]
async fn walks_equal_pgr_dijkstra_on_the_same_streets() {
    let url = fresh_database().await;
    let store = PgStore::connect(&url, gridwatch::model::City::jingmen())
        .await
        .unwrap();
    let e = engine();
    import(store.pool(), &e, &indicatif::ProgressBar::hidden())
        .await
        .unwrap();
    sqlx::raw_sql(GRAPH_SQL)
        .execute(store.pool())
        .await
        .unwrap();
    let nodes: Vec<(i64, i64, i64)> = sqlx::query_as("SELECT id, x, y FROM walk_nodes")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let node: FxHashMap<(i64, i64), i64> =
        nodes.into_iter().map(|(id, x, y)| ((x, y), id)).collect();

    let fixture = common::streets_reference();
    let at = |v: &serde_json::Value| Coord {
        x: v[0].as_f64().unwrap(),
        y: v[1].as_f64().unwrap(),
    };
    let pairs: Vec<(Coord, Coord)> = fixture["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (at(&p["from"]), at(&p["to"])))
        .collect();
    let combinations: Vec<String> = pairs
        .iter()
        .map(|(a, b)| format!("({}, {})", node[&key(*a)], node[&key(*b)]))
        .collect();
    let costs: Vec<(i64, i64, f64)> = sqlx::query_as(&format!(
        "SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
           'SELECT id, source, target, cost, cost AS reverse_cost FROM walk_edges',
           'SELECT * FROM (VALUES {}) AS c (source, target)',
           directed => false)",
        combinations.join(", ")
    ))
    .fetch_all(store.pool())
    .await
    .unwrap();
    let cost: FxHashMap<(i64, i64), f64> = costs.into_iter().map(|(a, b, c)| ((a, b), c)).collect();

    let mut compared = 0;
    for (a, b) in &pairs {
        let from = e.network.snap(*a, 0.01).unwrap();
        let to = e.network.snap(*b, 0.01).unwrap();
        let ours = e.network.walk(&from, &to).map(|w| w.length_m);
        let theirs = cost.get(&(node[&key(*a)], node[&key(*b)])).copied();
        match (ours, theirs) {
            (Some(o), Some(t)) => {
                assert!(
                    (o - t).abs() <= (t * 0.001).max(1.0),
                    "{a:?} → {b:?}: ours {o:.2} m, pgRouting {t:.2} m"
                );
                compared += 1;
            }
            // pgRouting leaves out pairs it cannot join.
            (None, None) => {}
            (o, t) => panic!("{a:?} → {b:?}: ours {o:?}, pgRouting {t:?}"),
        }
    }
    assert!(compared >= 280, "{compared} walks compared");
}
