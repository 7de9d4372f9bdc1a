//! The walking network on the bundled city, against independent truth: networkx distances on
//! the same streets (`tests/fixtures/streets_reference.json`, from
//! `scripts/reference/streets.py`), the planted river gap of `geodata/truth.json`, and the
//! endpoints over HTTP.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use axum::http::StatusCode;
use common::{engine, geodata_dir, get};
use geo::{Centroid, Coord};
use gridwatch::model::ResourceKind;
use gridwatch::network::{DEFAULT_SNAP_LIMIT_M, Snap, geodesic_m};
use rustc_hash::FxHashMap;
use serde_json::Value;

fn fixture() -> Value {
    common::streets_reference()
}

fn coord(v: &Value) -> Coord {
    Coord {
        x: v[0].as_f64().unwrap(),
        y: v[1].as_f64().unwrap(),
    }
}

/// Within 0.1 % or 1 m, the tolerance.
fn agrees(ours: f64, reference: f64) -> bool {
    (ours - reference).abs() <= (reference * 0.001).max(1.0)
}

fn complexes() -> Vec<Snap> {
    let e = engine();
    e.resources
        .items()
        .iter()
        .filter(|r| r.kind == ResourceKind::ServiceComplex)
        .map(|r| e.network.snap(r.geometry.0, DEFAULT_SNAP_LIMIT_M).unwrap())
        .collect()
}

#[test]
fn shortest_walks_equal_networkx_on_the_same_streets() {
    let e = engine();
    let pairs = fixture()["pairs"].as_array().unwrap().clone();
    assert_eq!(pairs.len(), 300);
    let (mut walks, mut none) = (0, 0);
    for p in &pairs {
        let from = e.network.snap(coord(&p["from"]), 0.01).unwrap();
        let to = e.network.snap(coord(&p["to"]), 0.01).unwrap();
        let ours = e.network.walk(&from, &to).map(|w| w.length_m);
        match (ours, p["length_m"].as_f64()) {
            (Some(o), Some(r)) => {
                assert!(agrees(o, r), "{p}: ours {o:.2} m, networkx {r:.2} m");
                walks += 1;
            }
            (None, None) => none += 1,
            (o, r) => panic!("{p}: ours {o:?}, networkx {r:?}"),
        }
    }
    assert!(walks >= 280, "{walks} walks compared");
    assert!(
        none > 0,
        "pairs on separate parts of the network are refused alike"
    );
}

#[test]
fn nearest_complex_distances_equal_networkx() {
    let e = engine();
    let reference = fixture();
    let sources = complexes();
    assert_eq!(
        sources.len() as u64,
        reference["complexes"].as_u64().unwrap()
    );
    let nearest = e.network.nearest_sources(&sources, f64::INFINITY);
    let node_at: FxHashMap<(u64, u64), usize> = e
        .network
        .nodes
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.x.to_bits(), c.y.to_bits()), i))
        .collect();
    let mut compared = 0;
    for sample in reference["nearest_complex"].as_array().unwrap() {
        let at = coord(&sample["at"]);
        let node = node_at[&(at.x.to_bits(), at.y.to_bits())];
        let ours = nearest.distance_m[node];
        match sample["distance_m"].as_f64() {
            Some(r) => {
                assert!(agrees(ours, r), "{sample}: ours {ours:.2} m");
                compared += 1;
            }
            None => assert!(ours.is_infinite(), "{sample}: ours {ours:.2} m"),
        }
    }
    assert!(compared >= 900, "{compared} distances compared");
}

#[test]
fn the_river_gap_homes_are_near_in_a_straight_line_and_far_on_foot() {
    let e = engine();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(geodata_dir().join("truth.json")).unwrap())
            .unwrap();
    let gap = truth["river_gap"].as_array().unwrap();
    assert!(gap.len() >= 10, "{} homes in the river gap", gap.len());
    let sources = complexes();
    let nearest = e.network.nearest_sources(&sources, f64::INFINITY);
    let complex_points: Vec<Coord> = sources.iter().map(|s| s.point).collect();
    for home in gap {
        let building = e
            .buildings
            .get(home["building_id"].as_u64().unwrap())
            .unwrap();
        let centroid = building.geometry.centroid().unwrap().0;
        let straight = complex_points
            .iter()
            .map(|&c| geodesic_m(centroid, c))
            .fold(f64::INFINITY, f64::min);
        assert!(
            straight < 500.0,
            "{home}: {straight:.0} m in a straight line"
        );
        let snap = e.network.snap(centroid, DEFAULT_SNAP_LIMIT_M).unwrap();
        let (walk, _) = nearest.of(&e.network, &snap).unwrap();
        assert!(walk > 1_000.0, "{home}: {walk:.0} m on foot");
        assert!(
            walk >= home["walk_at_least_m"].as_f64().unwrap() - 1.0,
            "{home}: the walk {walk:.0} m is below the planted lower bound"
        );
    }
}

#[test]
fn every_building_joins_the_network() {
    let summary = gridwatch::analytics::streets::summary(&engine(), false);
    assert_eq!(summary.unreachable.beyond_snap_limit, 0);
    assert_eq!(summary.buildings, engine().buildings.len());
    // Each town is its own network: the central city is the largest part.
    assert!(summary.component_count >= 4, "{}", summary.component_count);
    assert!(
        summary.length_km.not_walkable > 10.0,
        "the expressway is drawn, not walked"
    );
}

#[tokio::test]
async fn a_route_across_the_river_goes_by_a_bridge() {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(geodata_dir().join("truth.json")).unwrap())
            .unwrap();
    let e = engine();
    let home = e
        .buildings
        .get(truth["river_gap"][0]["building_id"].as_u64().unwrap())
        .unwrap()
        .geometry
        .centroid()
        .unwrap();
    // The complex nearest in a straight line, across the water.
    let complex = e
        .resources
        .items()
        .iter()
        .filter(|r| r.kind == ResourceKind::ServiceComplex)
        .min_by(|a, b| {
            geodesic_m(home.0, a.geometry.0).total_cmp(&geodesic_m(home.0, b.geometry.0))
        })
        .unwrap();
    let (to, from) = (complex.geometry.0, home.0);
    let reply = get(&format!(
        "/api/v1/route?from={},{}&to={},{}",
        from.x, from.y, to.x, to.y
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let p = &reply.json["properties"];
    let (length, straight) = (
        p["length_m"].as_f64().unwrap(),
        p["straight_m"].as_f64().unwrap(),
    );
    assert!(straight < 500.0 && length > 1_000.0, "{p}");
    assert!((p["circuity"].as_f64().unwrap() - length / straight).abs() < 0.01);
    assert!((p["minutes"].as_f64().unwrap() - length / (1000.0 / 15.0)).abs() < 0.1);
    // The path crosses the river on one of the planted bridges.
    let bridges: Vec<Coord> = truth["river"]["bridges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let (a, z) = (coord(&b[0]), coord(&b[1]));
            Coord {
                x: f64::midpoint(a.x, z.x),
                y: f64::midpoint(a.y, z.y),
            }
        })
        .collect();
    let path: Vec<Coord> = reply.json["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .map(coord)
        .collect();
    assert!(
        bridges
            .iter()
            .any(|b| path.iter().any(|p| geodesic_m(*p, *b) < 60.0)),
        "the walk passes a bridge"
    );
}

#[tokio::test]
async fn route_and_isochrone_errors_are_problems() {
    for (path, status) in [
        ("/api/v1/route?from=112.2,31.02", StatusCode::BAD_REQUEST),
        (
            "/api/v1/route?from=112.2,31.02&to=abc",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/route?from=112.2,31.02&to=NaN,31",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/route?from=112.2,31.02&to=112.2,95",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/route?from=112.2,31.02&to=112.2,31.01&color=red",
            StatusCode::BAD_REQUEST,
        ),
        // Far out in the fields, kilometres from any street.
        (
            "/api/v1/route?from=112.2,31.02&to=112.4,31.3",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // The central city and a county town are separate networks.
        (
            "/api/v1/route?from=112.2,31.02&to=112.59,31.17",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/api/v1/isochrones?lon=112.2", StatusCode::BAD_REQUEST),
        (
            "/api/v1/isochrones?lon=112.2&lat=31&distances_m=0",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/isochrones?lon=112.2&lat=31&distances_m=99999",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/isochrones?resource=999999", StatusCode::NOT_FOUND),
        (
            "/api/v1/isochrones?lon=112.4&lat=31.3",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/api/v1/streets/summary?x=1", StatusCode::BAD_REQUEST),
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
    }
}

#[tokio::test]
async fn isochrones_grow_with_distance_and_hold_their_start() {
    let complex = engine()
        .resources
        .items()
        .iter()
        .find(|r| r.kind == ResourceKind::ServiceComplex)
        .unwrap()
        .id;
    let reply = get(&format!(
        "/api/v1/isochrones?resource={complex}&distances_m=300,1000,500"
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let features = reply.json["features"].as_array().unwrap();
    let distances: Vec<f64> = features
        .iter()
        .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    assert_eq!(distances, [1000.0, 500.0, 300.0], "largest first");
    let areas: Vec<f64> = features
        .iter()
        .map(|f| f["properties"]["area_km2"].as_f64().unwrap())
        .collect();
    assert!(
        areas[0] > areas[1] && areas[1] > areas[2] && areas[2] > 0.0,
        "{areas:?}"
    );
    // A 1 km walk reaches less than a 1 km disc (π km²).
    assert!(areas[0] < std::f64::consts::PI, "{areas:?}");
}

#[tokio::test]
async fn streets_are_a_collection_filtered_by_class_with_a_summary() {
    let reply = get("/ogc/collections/streets/items?class=arterial&walkable=false").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let features = reply.json["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "one expressway");
    assert_eq!(features[0]["properties"]["name"], "荆门绕城高速");
    let reply = get("/ogc/collections/streets/items?class=lane").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let summary = get("/api/v1/streets/summary").await;
    assert_eq!(summary.status, StatusCode::OK);
    let circuity: Vec<f64> = summary.json["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["median_circuity"].as_f64())
        .collect();
    assert!(circuity.len() > 200, "{}", circuity.len());
    assert!(
        circuity.iter().all(|&c| c >= 1.0),
        "a walk is never shorter than a straight line"
    );
}

/// The classes a streets tile holds at zoom `z` around the central city's centre.
async fn tile_classes(z: u8) -> std::collections::BTreeSet<String> {
    let (lon, lat) = (112.2_f64, 31.005_f64);
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n) as u32;
    let y = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n) as u32;
    let state = gridwatch::api::AppState::new(gridwatch::index::Engine::clone(&engine()));
    let tile = common::mvt::fetch(&state, &format!("/tiles/streets/{z}/{x}/{y}.mvt"), &[]).await;
    assert_eq!(tile.status, StatusCode::OK);
    let layers = common::mvt::decode(&tile.bytes);
    let layer = &layers["streets"];
    (0..layer.features.len())
        .filter_map(|i| {
            common::mvt::properties(layer, i)["class"]
                .string_value
                .clone()
        })
        .collect()
}

#[tokio::test]
async fn street_tiles_add_finer_classes_as_the_zoom_grows() {
    let z12 = tile_classes(12).await;
    assert!(
        z12.iter().all(|c| c == "arterial" || c == "secondary"),
        "{z12:?}"
    );
    let z14 = tile_classes(14).await;
    assert!(z14.contains("local"), "{z14:?}");
    assert!(!z14.contains("footpath"), "{z14:?}");
    let z15 = tile_classes(15).await;
    assert_eq!(z15.len(), 4, "{z15:?}");
}
