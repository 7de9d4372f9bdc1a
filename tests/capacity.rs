//! Capacity (2SFCA) and site choice against independent references: PySAL `access` and
//! `spopt` with CBC on the bundled city (`tests/fixtures/access_reference.json`, made by
//! `scripts/reference/access_reference.py`), and the 2SFCA invariant on foot.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::too_many_lines,
    reason = "tests fail loudly and read top to bottom"
)]

mod common;

use axum::http::StatusCode;
use common::{get, request};
use serde_json::{Value, json};

fn reference() -> Value {
    common::fixture("access_reference.json")
}

#[tokio::test]
async fn two_step_fca_equals_pysal_access() {
    let reference = reference();
    for (weights, query) in [
        ("uniform", ""),
        ("e2sfca", "&weights=e2sfca"),
        ("gaussian", "&weights=gaussian&sigma_m=500"),
    ] {
        let reply = get(&format!(
            "/api/v1/access/fca?kind=service_complex&catchment_m=1000&mode=straight{query}"
        ))
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        let expected = reference["fca"][weights].as_object().unwrap();
        let mut buildings = 0;
        for f in reply.json["features"].as_array().unwrap() {
            let p = &f["properties"];
            if p["feature"] != "building" {
                continue;
            }
            buildings += 1;
            let ours = p["score"].as_f64().unwrap();
            let theirs = expected
                .get(&p["building_id"].to_string())
                .map_or(0.0, |v| v.as_f64().unwrap());
            assert!(
                (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1e-12),
                "{weights}, building {}: {ours} vs access {theirs}",
                p["building_id"]
            );
        }
        assert_eq!(buildings, reference["fca_buildings"].as_u64().unwrap());
        let s = &reply.json["summary"];
        let (total, supply) = (
            s["households_times_score"].as_f64().unwrap(),
            s["supply_reached"].as_f64().unwrap(),
        );
        assert!(
            (total - supply).abs() < 1e-6 * supply,
            "{weights}: {total} vs {supply}"
        );
    }
}

#[tokio::test]
async fn on_foot_every_household_counts_once_per_complex() {
    for query in [
        "",
        "&weights=e2sfca",
        "&weights=gaussian",
        "&catchment_m=500&kind=clinic",
    ] {
        let reply = get(&format!("/api/v1/access/fca?{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        let s = &reply.json["summary"];
        assert_eq!(s["mode"], "walk");
        let (total, supply) = (
            s["households_times_score"].as_f64().unwrap(),
            s["supply_reached"].as_f64().unwrap(),
        );
        assert!(supply > 0.0);
        assert!(
            (total - supply).abs() < 1e-6 * supply,
            "{query}: {total} vs {supply}"
        );
        // The per-grid means are household-weighted: they sum back to the same total.
        let per_grid: f64 = s["per_grid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["households"].as_f64().unwrap() * g["mean_score"].as_f64().unwrap())
            .sum();
        assert!((per_grid - total).abs() < 1e-6 * total, "{query}");
        let lowest = s["lowest_grids"].as_array().unwrap();
        assert!(
            lowest
                .windows(2)
                .all(|w| w[0]["mean_score"].as_f64() <= w[1]["mean_score"].as_f64())
        );
        // Walking is never shorter than the straight line: a walking catchment holds fewer.
        let straight = get(&format!("/api/v1/access/fca?mode=straight{query}")).await;
        let demand = |r: &Value| -> f64 {
            r["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["properties"]["feature"] == "resource")
                .map(|f| f["properties"]["demand"].as_f64().unwrap())
                .sum()
        };
        if query.is_empty() {
            assert!(demand(&reply.json) < demand(&straight.json));
        }
    }
    for path in [
        "/api/v1/access/fca?weights=cubic",
        "/api/v1/access/fca?catchment_m=0",
        "/api/v1/access/fca?catchment_m=1e9",
        "/api/v1/access/fca?steps=300:1",
        "/api/v1/access/fca?weights=e2sfca&steps=300:1,200:0.5",
        "/api/v1/access/fca?weights=e2sfca&steps=300:2",
        "/api/v1/access/fca?weights=gaussian&sigma_m=-1",
        "/api/v1/access/fca?kind=bank",
        "/api/v1/access/fca?radius=3",
    ] {
        let reply = get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.json
        );
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
    }
}

#[tokio::test]
async fn five_sites_reach_the_cbc_optimum_of_spopt() {
    let reference = reference();
    let candidates: Vec<Value> = reference["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": c }, "properties": {} }))
        .collect();
    let body = json!({
        "kind": "service_complex",
        "k": 5,
        "threshold_m": 500,
        "mode": "straight",
        "candidates": { "type": "FeatureCollection", "features": candidates },
    });
    let reply = request("POST", "/api/v1/access/sites", Some(&body.to_string())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let s = &reply.json["summary"];
    assert_eq!(s["candidates"].as_u64(), Some(candidates.len() as u64));
    assert_eq!(
        s["households_covered_before"],
        reference["households_covered_before"]
    );
    assert_eq!(s["households_total"], reference["households_total"]);
    let before = s["households_covered_before"].as_f64().unwrap();
    let gain = s["households_covered_after"].as_f64().unwrap() - before;
    let optimum = reference["mclp_optimum_gain"].as_f64().unwrap();
    eprintln!(
        "k = 5 sites gain {gain} households; the CBC optimum {optimum}; bound {}",
        s["optimality_bound"].as_f64().unwrap() - before
    );
    assert!(gain >= 0.98 * optimum, "{gain} vs the optimum {optimum}");
    assert!(gain <= optimum, "{gain} above the optimum {optimum}?");
    assert!(
        s["optimality_bound"].as_f64().unwrap() >= before + optimum,
        "bound {} below the optimum {}",
        s["optimality_bound"],
        before + optimum
    );
    let sites = reply.json["features"].as_array().unwrap();
    assert_eq!(sites.len(), 5);
    let gained: f64 = sites
        .iter()
        .map(|f| f["properties"]["households_gained"].as_f64().unwrap())
        .sum();
    assert!((gained - gain).abs() < 0.5, "each site's gain adds up");
}

#[tokio::test]
async fn sites_on_foot_from_the_default_candidates() {
    for objective in ["coverage", "p-median"] {
        let body = json!({ "kind": "service_complex", "k": 4, "threshold_m": 1000, "objective": objective });
        let reply = request("POST", "/api/v1/access/sites", Some(&body.to_string())).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        let s = &reply.json["summary"];
        assert_eq!(s["mode"], "walk");
        assert!(s["candidates"].as_u64().unwrap() > 500);
        let (before, after) = (
            s["households_covered_before"].as_u64().unwrap(),
            s["households_covered_after"].as_u64().unwrap(),
        );
        let (d_before, d_after) = (
            s["weighted_distance_before_m"].as_f64().unwrap(),
            s["weighted_distance_after_m"].as_f64().unwrap(),
        );
        assert!(after > before && d_after < d_before, "{objective}: {s}");
        match objective {
            "coverage" => assert!(s["optimality_bound"].as_f64().unwrap() >= after as f64),
            _ => assert!(s["optimality_bound"].as_f64().unwrap() <= d_after + 0.1),
        }
        let sites = reply.json["features"].as_array().unwrap();
        assert_eq!(sites.len(), 4);
        let gains: Vec<u64> = sites
            .iter()
            .map(|f| f["properties"]["households_gained"].as_u64().unwrap())
            .collect();
        assert_eq!(gains.iter().sum::<u64>(), after - before, "{objective}");
        if objective == "coverage" {
            assert!(
                gains.windows(2).all(|w| w[0] >= w[1]),
                "in order of gain: {gains:?}"
            );
        }
    }
}

#[tokio::test]
async fn bad_site_questions_are_refused() {
    let point = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.0] }, "properties": {} });
    for (body, status) in [
        ("{".to_string(), StatusCode::BAD_REQUEST),
        ("[]".to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 0, "threshold_m": 500 }).to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 3 }).to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 3, "threshold_m": -1 }).to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 3, "threshold_m": 500, "kind": "bank" }).to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 3, "threshold_m": 500, "objective": "max" }).to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 3, "threshold_m": 500, "speed": 5 }).to_string(), StatusCode::BAD_REQUEST),
        (json!({ "k": 3, "threshold_m": 500, "candidates": [point] }).to_string(), StatusCode::BAD_REQUEST),
        (
            json!({ "k": 3, "threshold_m": 500, "candidates": { "type": "FeatureCollection", "features": [] } }).to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({ "k": 3, "threshold_m": 500, "candidates": { "type": "FeatureCollection", "features": [
                { "type": "Feature", "geometry": { "type": "Point", "coordinates": [500.0, 31.0] }, "properties": {} }
            ] } }).to_string(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let reply = request("POST", "/api/v1/access/sites", Some(&body)).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json", "{body}");
    }
    let reply = common::request_with_headers(
        gridwatch::api::AppState::new(gridwatch::index::Engine::clone(&common::engine())),
        "POST",
        "/api/v1/access/sites",
        Some("k=3"),
        &[("content-type", "application/x-www-form-urlencoded")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
