//! Nearest resources against independent truth: a brute-force geodesic scan of every resource
//! (straight mode) on 10,000 random points, and networkx's walking distances to the service
//! complexes (`tests/fixtures/streets_reference.json`, walk mode); and the endpoint over HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::too_many_lines,
    reason = "tests fail loudly and read top to bottom"
)]

mod common;

use axum::http::StatusCode;
use common::{engine, get};
use geo::Coord;
use gridwatch::analytics::access::{nearest_straight, nearest_walk};
use gridwatch::model::ResourceKind;
use gridwatch::network::geodesic_m;
use rand::{Rng, SeedableRng};

#[test]
fn straight_nearest_equals_a_brute_force_geodesic_scan() {
    let e = engine();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let kinds = ResourceKind::ALL;
    for n in 0..10_000 {
        let at = Coord {
            x: rng.random_range(112.10..112.32),
            y: rng.random_range(30.90..31.12),
        };
        let chosen: Vec<ResourceKind> = kinds
            .iter()
            .copied()
            .filter(|_| rng.random_bool(0.3))
            .collect();
        let k = rng.random_range(1..=4);
        let max_m = rng.random_range(200.0..8_000.0);
        let mut brute: Vec<(f64, u64)> = e
            .resources
            .items()
            .iter()
            .filter(|r| chosen.is_empty() || chosen.contains(&r.kind))
            .map(|r| (geodesic_m(at, r.geometry.0), r.id))
            .filter(|(d, _)| *d <= max_m)
            .collect();
        brute.sort_by(|a, b| a.0.total_cmp(&b.0));
        brute.truncate(k);
        let ours: Vec<(f64, u64)> = nearest_straight(&e, at, &chosen, k, max_m)
            .iter()
            .map(|f| (f.distance_m, e.resources.items()[f.resource as usize].id))
            .collect();
        assert_eq!(
            ours, brute,
            "point {n} {at:?}, kinds {chosen:?}, k {k}, max {max_m}"
        );
    }
}

#[test]
fn walking_nearest_complex_equals_networkx() {
    let e = engine();
    let fixture = common::streets_reference();
    let mut compared = 0;
    for sample in fixture["nearest_complex"]
        .as_array()
        .unwrap()
        .iter()
        .take(400)
    {
        let at = Coord {
            x: sample["at"][0].as_f64().unwrap(),
            y: sample["at"][1].as_f64().unwrap(),
        };
        let found =
            nearest_walk(&e, at, &[ResourceKind::ServiceComplex], 1, 50_000.0, 0.01).unwrap();
        match sample["distance_m"].as_f64() {
            Some(reference) => {
                let ours = found[0].distance_m;
                assert!(
                    (ours - reference).abs() <= (reference * 0.001).max(1.0),
                    "{sample}: ours {ours:.2} m"
                );
                assert!(found[0].straight_m <= ours + 1e-6);
                compared += 1;
            }
            None => assert!(found.is_empty(), "{sample}: {found:?}"),
        }
    }
    assert!(compared >= 150, "{compared}");
}

#[tokio::test]
async fn nearest_over_http() {
    let reply =
        get("/api/v1/nearest?lon=112.2&lat=31.01&kind=police_post,police_station&k=3").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert_eq!(
        reply.json["summary"]["mode"], "walk",
        "walk by default: the city has streets"
    );
    let features = reply.json["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let mut last = 0.0;
    for f in features {
        let p = &f["properties"];
        assert!(["police_post", "police_station"].contains(&p["kind"].as_str().unwrap()));
        let (walk, straight) = (
            p["distance_m"].as_f64().unwrap(),
            p["straight_m"].as_f64().unwrap(),
        );
        assert!(walk >= straight - 0.1 && walk >= last, "{p}");
        last = walk;
    }
    let straight = get("/api/v1/nearest?lon=112.2&lat=31.01&mode=straight&k=2").await;
    assert_eq!(straight.status, StatusCode::OK);
    assert_eq!(straight.json["summary"]["mode"], "straight");
    for (path, status) in [
        ("/api/v1/nearest?lat=31", StatusCode::BAD_REQUEST),
        (
            "/api/v1/nearest?lon=112.2&lat=31&kind=bank",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/nearest?lon=112.2&lat=31&k=0",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/nearest?lon=112.2&lat=31&k=51",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/nearest?lon=112.2&lat=31&max_m=-5",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/nearest?lon=112.2&lat=31&mode=fly",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/nearest?lon=inf&lat=31", StatusCode::BAD_REQUEST),
        (
            "/api/v1/nearest?lon=112.4&lat=31.3",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
    }
}

/// The planted gaps come out: the river-gap homes are beyond 1 km on foot but not in a straight
/// line, and most households of the north-western quarter (no complex by design) are beyond
/// 1 km on foot; the totals add up.
#[tokio::test]
async fn the_planted_gaps_come_out_as_gaps() {
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::geodata_dir().join("truth.json")).unwrap(),
    )
    .unwrap();
    let walk = get("/api/v1/access/gaps").await;
    assert_eq!(walk.status, StatusCode::OK, "{}", walk.json);
    let summary = &walk.json["summary"];
    assert_eq!(summary["mode"], "walk");
    assert_eq!(
        summary["thresholds_m"],
        serde_json::json!([300.0, 500.0, 1000.0])
    );
    let beyond: Vec<u64> = summary["beyond"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["households_beyond"].as_u64().unwrap())
        .collect();
    assert!(
        beyond[0] >= beyond[1] && beyond[1] >= beyond[2],
        "{beyond:?}"
    );
    let e = engine();
    let total: u64 = e
        .buildings
        .items()
        .iter()
        .map(|b| u64::from(b.households))
        .sum();
    assert_eq!(summary["households_total"].as_u64().unwrap(), total);
    let per_community: u64 = summary["per_community"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["households_beyond"][2].as_u64().unwrap())
        .sum();
    assert_eq!(
        per_community, beyond[2],
        "community sums add up to the total beyond 1 km"
    );

    let distance = |reply: &common::Reply, id: u64| -> Option<f64> {
        reply.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .and_then(|f| f["properties"]["distance_m"].as_f64())
    };
    let straight = get("/api/v1/access/gaps?mode=straight").await;
    assert_eq!(straight.json["summary"]["mode"], "straight");
    for home in truth["river_gap"].as_array().unwrap() {
        let id = home["building_id"].as_u64().unwrap();
        let on_foot = distance(&walk, id).unwrap_or(0.0);
        assert!(on_foot > 1_000.0, "{home}: {on_foot} m on foot");
        // In a straight line it is within 500 m: not a gap at 500 or 1,000 m.
        let feature = straight.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id);
        assert!(
            feature.is_none_or(|f| f["properties"]["beyond_m"].as_f64().unwrap() < 500.0),
            "{home}: {feature:?}"
        );
    }
    let bbox: Vec<f64> = truth["service_gap_bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let (mut inside, mut far) = (0u64, 0u64);
    for f in walk.json["features"].as_array().unwrap() {
        let b = e.buildings.get(f["id"].as_u64().unwrap()).unwrap();
        let c = geo::Centroid::centroid(&b.geometry).unwrap();
        if c.x() > bbox[0] && c.x() < bbox[2] && c.y() > bbox[1] && c.y() < bbox[3] {
            far += f["properties"]["households"].as_u64().unwrap()
                * u64::from(f["properties"]["beyond_m"].as_f64().unwrap() >= 1_000.0);
        }
    }
    for b in e.buildings.items() {
        let c = geo::Centroid::centroid(&b.geometry).unwrap();
        if c.x() > bbox[0] && c.x() < bbox[2] && c.y() > bbox[1] && c.y() < bbox[3] {
            inside += u64::from(b.households);
        }
    }
    assert!(
        inside > 0 && far * 10 >= inside * 8,
        "{far} of {inside} households beyond 1 km"
    );
    for (path, status) in [
        ("/api/v1/access/gaps?kind=bank", StatusCode::BAD_REQUEST),
        (
            "/api/v1/access/gaps?thresholds_m=0",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/access/gaps?thresholds_m=", StatusCode::BAD_REQUEST),
        (
            "/api/v1/access/gaps?community=99999",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/access/gaps?mode=fly", StatusCode::BAD_REQUEST),
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json);
    }
    let one = get("/api/v1/access/gaps?community=1").await;
    assert!(
        one.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == 1)
    );
}

/// `POST /api/v1/nearest` answers each point as `GET` does, keeps ids and order, and says
/// which points could not join the network.
#[tokio::test]
async fn many_points_at_once_answer_as_one_at_a_time() {
    let points = [
        (112.2, 31.01),
        (112.21, 31.02),
        (112.185, 31.035),
        (112.4, 31.3),
        (112.23, 31.0),
    ];
    let features: Vec<serde_json::Value> = points
        .iter()
        .enumerate()
        .map(|(i, (lon, lat))| {
            serde_json::json!({
                "type": "Feature", "id": format!("inc-{i}"),
                "geometry": { "type": "Point", "coordinates": [lon, lat] }, "properties": {},
            })
        })
        .collect();
    let body = serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string();
    for mode in ["walk", "straight"] {
        let query = format!("kind=police_post&k=2&mode={mode}");
        let batch = common::request("POST", &format!("/api/v1/nearest?{query}"), Some(&body)).await;
        assert_eq!(batch.status, StatusCode::OK, "{}", batch.json);
        let answers = batch.json["features"].as_array().unwrap();
        assert_eq!(answers.len(), points.len());
        for (i, ((lon, lat), answer)) in points.iter().zip(answers).enumerate() {
            assert_eq!(answer["id"], format!("inc-{i}"));
            let one = get(&format!("/api/v1/nearest?lon={lon}&lat={lat}&{query}")).await;
            if one.status == StatusCode::OK {
                let expected: Vec<&serde_json::Value> = one.json["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| &f["properties"])
                    .collect();
                let got: Vec<&serde_json::Value> = answer["properties"]["nearest"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .collect();
                assert_eq!(got, expected, "{mode} point {i}");
            } else {
                assert_eq!(mode, "walk");
                assert!(answer["properties"]["error"].is_string(), "{answer}");
            }
        }
        let not_joined = batch.json["summary"]["points_not_joined"].as_u64().unwrap();
        assert_eq!(not_joined, u64::from(mode == "walk"));
    }
    for (body, status) in [
        ("{\"type\":\"Feature\"}", StatusCode::BAD_REQUEST),
        ("not json", StatusCode::BAD_REQUEST),
        (
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}}]}",
            StatusCode::BAD_REQUEST,
        ),
        (
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[112.2,95]}}]}",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let reply = common::request("POST", "/api/v1/nearest", Some(body)).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json");
    }
    let many: Vec<serde_json::Value> = (0..10_001)
        .map(|_| serde_json::json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.0] } }))
        .collect();
    let body = serde_json::json!({ "type": "FeatureCollection", "features": many }).to_string();
    let reply = common::request("POST", "/api/v1/nearest", Some(&body)).await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "over the batch limit"
    );
}

/// The per-H3-cell sums of the gaps add up to the city's totals.
#[tokio::test]
async fn gaps_per_h3_cell_add_up() {
    for query in ["", "?h3_res=8&thresholds_m=400,800"] {
        let reply = get(&format!("/api/v1/access/gaps{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        let s = &reply.json["summary"];
        let cells = s["per_h3"].as_array().unwrap();
        let households: u64 = cells
            .iter()
            .map(|c| c["households"].as_u64().unwrap())
            .sum();
        assert_eq!(households, s["households_total"].as_u64().unwrap());
        for (t, beyond) in s["beyond"].as_array().unwrap().iter().enumerate() {
            let sum: u64 = cells
                .iter()
                .map(|c| c["households_beyond"][t].as_u64().unwrap())
                .sum();
            assert_eq!(
                sum,
                beyond["households_beyond"].as_u64().unwrap(),
                "{query} threshold {t}"
            );
        }
        let res = if query.is_empty() { 9 } else { 8 };
        let first: h3o::CellIndex = cells[0]["h3"].as_str().unwrap().parse().unwrap();
        assert_eq!(u8::from(first.resolution()), res);
    }
    let reply = get("/api/v1/access/gaps?h3_res=15").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}
