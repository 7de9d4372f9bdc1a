//! CQL2 filters (OGC API – Features Part 3) against independent evaluators:
//! - the `cql2` package from `PyPI` (`Expr.matches` on GeoJSON items built from `geodata/`,
//!   with shapely checking the spatial ones), committed by `scripts/reference/cql2_filters.py`;
//! - PostGIS answering the same filter written as SQL by `gridwatch::filter::sql`;
//! - pyproj's Gauss–Krüger coordinates, for `filter-crs`.
//!
//! And the refusals: a malformed or unsupported filter is a 400 that says where and what.

#![allow(clippy::unwrap_used, reason = "helpers fail loudly on bad fixtures")]

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use sha2::{Digest, Sha256};

use common::{engine, fixture, get};
use gridwatch::api::matching_ids;
use gridwatch::filter::{Filter, Lang};

fn encode(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// A fixture's filter as sent: cql2-text as is, cql2-json serialised.
fn source(f: &serde_json::Value) -> String {
    match &f["filter"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn lang_of(name: &str) -> Lang {
    Lang::parse(name).unwrap()
}

fn digest(ids: &[u64]) -> String {
    let joined = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    format!("{:x}", Sha256::digest(joined.as_bytes()))
}

/// The conformance classes the server declares for CQL2, each of which the fixture must
/// exercise.
const CLASSES: [&str; 7] = [
    "basic-cql2",
    "advanced-comparison-operators",
    "case-insensitive-comparison",
    "basic-spatial-functions",
    "spatial-functions",
    "temporal-functions",
    "arithmetic",
];

#[test]
fn every_reference_filter_selects_what_the_cql2_package_selects() {
    let reference = fixture("cql2_reference.json");
    let filters = reference["filters"].as_array().unwrap();
    assert!(filters.len() >= 60, "{} filters", filters.len());
    let engine = engine();
    let mut classes = BTreeSet::new();
    let mut langs = BTreeSet::new();
    for f in filters {
        let (collection, lang, text) = (
            f["collection"].as_str().unwrap(),
            f["lang"].as_str().unwrap(),
            &source(f),
        );
        classes.insert(f["class"].as_str().unwrap().to_owned());
        langs.insert(lang.to_owned());
        let mut ids = matching_ids(
            &engine,
            collection,
            &encode(&[("filter", text), ("filter-lang", lang)]),
        )
        .unwrap_or_else(|e| panic!("{collection}: {text}: {e:?}"));
        ids.sort_unstable();
        let expected: Vec<u64> = serde_json::from_value(f["first_ids"].clone()).unwrap();
        assert_eq!(
            (ids.len(), &ids[..ids.len().min(10)]),
            (
                usize::try_from(f["count"].as_u64().unwrap()).unwrap(),
                expected.as_slice()
            ),
            "{collection} ({lang}): {text}"
        );
        assert_eq!(
            digest(&ids),
            f["ids_sha256"].as_str().unwrap(),
            "{collection}: {text}"
        );
    }
    for class in CLASSES {
        assert!(classes.contains(class), "no reference filter for {class}");
    }
    assert!(langs.contains("cql2-json") && langs.contains("cql2-text"));
}

#[tokio::test]
async fn the_conformance_declares_the_classes_qgis_looks_for() {
    let reply = get("/ogc/conformance").await;
    let declared: Vec<&str> = reply.json["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for class in CLASSES.iter().chain(&["cql2-text", "cql2-json"]) {
        let uri = format!("http://www.opengis.net/spec/cql2/1.0/conf/{class}");
        assert!(declared.contains(&uri.as_str()), "{uri}");
    }
    for part3 in ["filter", "features-filter", "queryables"] {
        let uri = format!("http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/{part3}");
        assert!(declared.contains(&uri.as_str()), "{uri}");
    }
}

/// The same filters written as SQL by `filter::sql` and answered by PostGIS over the
/// imported bundled data give the engine's ids.
#[tokio::test(flavor = "multi_thread")]
async fn postgis_answers_the_same_where_clause() {
    use gridwatch::store::postgis::{PgStore, import};
    let url = common::postgis::fresh_database().await;
    let store = PgStore::connect(&url, gridwatch::model::City::jingmen())
        .await
        .unwrap();
    let engine = engine();
    import(store.pool(), &engine, &indicatif::ProgressBar::hidden())
        .await
        .unwrap();
    let reference = fixture("cql2_reference.json");
    let mut compared = 0;
    for f in reference["filters"].as_array().unwrap() {
        let (collection, lang, text) = (
            f["collection"].as_str().unwrap(),
            f["lang"].as_str().unwrap(),
            &source(f),
        );
        let schema = match collection {
            "incidents" => gridwatch::index::cql::QUERYABLES,
            "grids" => gridwatch::api::queryables_of("grids"),
            "communities" => gridwatch::api::queryables_of("communities"),
            "buildings" => gridwatch::api::queryables_of("buildings"),
            "districts" => gridwatch::api::queryables_of("districts"),
            _ => continue,
        };
        let filter = Filter::parse_lon_lat(text, lang_of(lang), schema).unwrap();
        let clause = gridwatch::filter::sql::where_clause(&filter, schema, &|name| {
            if name == gridwatch::filter::GEOMETRY {
                "geom".into()
            } else {
                format!("\"{name}\"")
            }
        });
        let sql = format!("SELECT id FROM {collection} WHERE {clause} ORDER BY id");
        let rows: Vec<(i64,)> = sqlx::query_as(&sql)
            .fetch_all(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let from_postgis: Vec<u64> = rows.iter().map(|r| r.0.unsigned_abs()).collect();
        let mut ours = matching_ids(
            &engine,
            collection,
            &encode(&[("filter", text), ("filter-lang", lang)]),
        )
        .unwrap();
        ours.sort_unstable();
        assert_eq!(ours, from_postgis, "{collection}: {text}\n{sql}");
        compared += 1;
    }
    assert!(compared >= 55, "{compared}");
}

#[tokio::test]
async fn a_filter_crs_box_around_pyprojs_coordinates_finds_the_incident() {
    let crs = fixture("crs_reference.json");
    let projected = &crs["projected"]["4546"]["incidents"];
    for (i, id) in [(0usize, 1u64), (2, 3), (7, 8)] {
        let north = projected[i][0].as_f64().unwrap();
        let east = projected[i][1].as_f64().unwrap();
        let text = format!(
            "S_INTERSECTS(geometry, BBOX({}, {}, {}, {}))",
            north - 0.5,
            east - 0.5,
            north + 0.5,
            east + 0.5
        );
        let ids = matching_ids(
            &engine(),
            "incidents",
            &encode(&[
                ("filter", &text),
                ("filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4546"),
            ]),
        )
        .unwrap();
        assert!(ids.contains(&id), "{text}: {ids:?}");
        assert!(ids.len() < 5, "a 1 m box holds few incidents: {ids:?}");
    }
}

#[tokio::test]
async fn filters_combine_with_bbox_datetime_paging_and_sortby() {
    let base = "/ogc/collections/incidents/items";
    let q = encode(&[
        ("filter", "kind = 'dispute'"),
        ("bbox", "112.17,31.0,112.23,31.06"),
        ("datetime", "2021-01-01/2021-06-30"),
        ("sortby", "-reported_at"),
        ("limit", "50"),
    ]);
    let page = get(&format!("{base}?{q}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let features = page.json["features"].as_array().unwrap();
    assert_eq!(features.len(), 50);
    let times: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["reported_at"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "descending: {times:?}"
    );
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["kind"] == "dispute")
    );
    // The same selection written wholly in CQL2.
    let all_cql = encode(&[
        (
            "filter",
            "kind = 'dispute' AND S_INTERSECTS(geometry, BBOX(112.17, 31.0, 112.23, 31.06)) AND T_INTERSECTS(reported_at, INTERVAL('2021-01-01T00:00:00+08:00', '2021-06-30T23:59:59+08:00'))",
        ),
        ("limit", "1"),
    ]);
    let same = get(&format!("{base}?{all_cql}")).await;
    assert_eq!(same.json["numberMatched"], page.json["numberMatched"]);
    // The next link keeps the filter.
    let next = page.json["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap()["href"]
        .as_str()
        .unwrap();
    assert!(next.contains("filter=kind"), "{next}");
}

/// Sorting by `reported_at` alone reuses the table's time order; it must order exactly as the
/// general sort does (ties by id, as a stable sort of the time-ordered rows leaves them).
#[test]
fn sorting_by_time_alone_agrees_with_the_general_sort() {
    let engine = engine();
    for (fast, general) in [
        ("-reported_at", "-reported_at,id"),
        ("reported_at", "reported_at,id"),
    ] {
        let ask = |sortby: &str| {
            matching_ids(
                &engine,
                "incidents",
                &encode(&[("filter", "kind = 'petition'"), ("sortby", sortby)]),
            )
            .unwrap()
        };
        let (a, b) = (ask(fast), ask(general));
        assert!(a.len() > 3000);
        assert_eq!(a, b, "{fast}");
    }
}

#[tokio::test]
async fn hexbins_and_tiles_take_the_same_filter() {
    let filtered = get(&format!(
        "/api/v1/hexbins?res=7&{}",
        encode(&[("filter", "kind IN ('dispute', 'petition')")])
    ))
    .await;
    let by_kind = get("/api/v1/hexbins?res=7&kind=dispute,petition").await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.body);
    assert_eq!(filtered.json, by_kind.json);
    // The tile over the central city: the filtered one carries fewer incidents.
    let tile = get(&format!(
        "/tiles/incidents/12/3324/1677.mvt?{}",
        encode(&[("filter", "kind = 'dispute'")])
    ))
    .await;
    let whole = get("/tiles/incidents/12/3324/1677.mvt").await;
    assert_eq!(tile.status, StatusCode::OK, "{}", tile.body);
    assert_eq!(whole.status, StatusCode::OK);
    assert!(
        !tile.body.is_empty() && tile.body.len() < whole.body.len(),
        "{} vs {}",
        tile.body.len(),
        whole.body.len()
    );
    let bad = get(&format!(
        "/tiles/incidents/12/3324/1677.mvt?{}",
        encode(&[("filter", "kind = ")])
    ))
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_bad_filter_is_a_400_that_says_where_and_what() {
    let ask = |pairs: Vec<(&'static str, &'static str)>| async move {
        get(&format!(
            "/ogc/collections/incidents/items?{}",
            encode(&pairs)
        ))
        .await
    };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("filter", "kind = 'dispute' AND")],
            "line 1, column 21",
        ),
        (vec![("filter", "colour = 'red'")], "not a queryable"),
        (vec![("filter", "kind = 'theft'")], "has no value 'theft'"),
        (vec![("filter", "kind > 3")], "compares"),
        (vec![("filter", "ACCENTI(kind) = 'dispute'")], "ACCENTI"),
        (vec![("filter", "A_CONTAINS(kind, ('a'))")], "A_CONTAINS"),
        (
            vec![("filter", "S_INTERSECTS(geometry, geometry)")],
            "literal geometry",
        ),
        (
            vec![
                ("filter", "{\"op\": \"=\", \"args\": ["),
                ("filter-lang", "cql2-json"),
            ],
            "cql2-json at line 1",
        ),
        (
            vec![("filter", "kind = 'dispute'"), ("filter-lang", "sql")],
            "filter-lang",
        ),
        (vec![("filter-lang", "cql2-text")], "need a `filter`"),
        (
            vec![("filter", "kind = 'dispute'"), ("filter-crs", "EPSG:3857")],
            "not offered",
        ),
        (vec![("sortby", "colour")], "not a sortable"),
    ];
    for (pairs, says) in cases {
        let pairs_text = format!("{pairs:?}");
        let reply = ask(pairs).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{pairs_text}: {}",
            reply.body
        );
        assert_eq!(reply.content_type, "application/problem+json");
        assert!(
            reply.json["detail"].as_str().unwrap().contains(says),
            "{pairs_text}: {}",
            reply.json["detail"]
        );
    }
}

#[tokio::test]
async fn queryables_and_sortables_list_what_filters_and_sortby_accept() {
    let q = get("/ogc/collections/incidents/queryables").await;
    assert_eq!(q.content_type, "application/schema+json");
    let props = q.json["properties"].as_object().unwrap();
    for name in [
        "geometry",
        "kind",
        "reported_at",
        "grid_id",
        "occurred_from",
    ] {
        assert!(props.contains_key(name), "{name}");
    }
    assert_eq!(props["reported_at"]["format"], "date-time");
    let s = get("/ogc/collections/buildings/sortables").await;
    let props = s.json["properties"].as_object().unwrap();
    assert!(props.contains_key("floors") && !props.contains_key("geometry"));
    // Every listed queryable is accepted by a filter.
    for name in q.json["properties"].as_object().unwrap().keys() {
        if name == "geometry" {
            continue;
        }
        let reply = get(&format!(
            "/ogc/collections/incidents/items?limit=1&{}",
            encode(&[("filter", &format!("{name} IS NULL"))])
        ))
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
    }
}
