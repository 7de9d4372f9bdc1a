//! Patrol coverage, dosage and timing on the bundled city: per-grid area shares against
//! shapely in UTM 49N for every route (`tests/fixtures/patrol_reference.json`, made by
//! `scripts/reference/patrol_reference.py`), and the endpoints over HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::too_many_lines,
    reason = "tests fail loudly and read top to bottom"
)]

mod common;

use axum::http::StatusCode;
use common::{engine, get};
use gridwatch::analytics::patrol::coverage::coverage;
use gridwatch::index::IncidentFilter;

#[test]
fn area_shares_equal_shapely_for_every_route() {
    let reference: serde_json::Value = common::fixture("patrol_reference.json");
    let e = engine();
    let routes = reference["routes"].as_array().unwrap();
    assert_eq!(routes.len(), e.patrol_routes.len());
    let mut worst: f64 = 0.0;
    for r in routes {
        let route = e
            .patrol_routes
            .get(r["route_id"].as_u64().unwrap())
            .unwrap();
        let community = e.communities.position(route.community_id).unwrap();
        let c = coverage(
            &e,
            &route.geometry,
            community,
            50.0,
            &[],
            &IncidentFilter::default(),
        );
        let expected = r["area_share"].as_object().unwrap();
        assert_eq!(c.grids.len(), expected.len(), "route {}", route.id);
        for g in &c.grids {
            let id = e.grids.items()[g.grid as usize].id;
            let theirs = expected[&id.to_string()].as_f64().unwrap();
            let diff = (g.area_share - theirs).abs();
            worst = worst.max(diff);
            assert!(
                diff <= 0.005,
                "route {} grid {id}: {} vs shapely {theirs}",
                route.id,
                g.area_share
            );
        }
        let area = r["buffer_area_m2"].as_f64().unwrap();
        assert!(
            (c.buffer_area_m2 - area).abs() <= 0.005 * area,
            "route {}: {} vs {area}",
            route.id,
            c.buffer_area_m2
        );
    }
    eprintln!("largest difference in area share: {worst:.5}");
}

#[tokio::test]
async fn coverage_dosage_and_timing_over_http() {
    let reply = get("/api/v1/patrol/coverage?route=1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let s = &reply.json["summary"];
    assert_eq!(s["buffer_m"], 50.0);
    let features = reply.json["features"].as_array().unwrap();
    let grids: Vec<_> = features
        .iter()
        .filter(|f| f["properties"]["feature"] == "grid")
        .collect();
    assert!(!grids.is_empty());
    for g in &grids {
        for key in [
            "area_covered_share",
            "buildings_covered_share",
            "households_covered_share",
        ] {
            let v = g["properties"][key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{key} {v}");
        }
    }
    assert!(grids.iter().any(|g| {
        g["properties"]["households_covered_share"]
            .as_f64()
            .unwrap()
            > 0.0
    }));
    let missed = features
        .iter()
        .filter(|f| f["properties"]["feature"] == "missed_hotspot")
        .count();
    assert_eq!(missed, s["hotspots_missed"].as_array().unwrap().len());
    let per_grid_missed: u64 = grids
        .iter()
        .map(|g| g["properties"]["hotspots_missed"].as_u64().unwrap())
        .sum();
    assert!(per_grid_missed as usize <= missed);
    assert!(s["incidents_reached"].as_u64().unwrap() <= s["incidents"].as_u64().unwrap());
    // A wider reach never reaches less.
    let wide = get("/api/v1/patrol/coverage?route=1&buffer_m=150").await;
    assert!(
        wide.json["summary"]["incidents_reached"].as_u64() >= s["incidents_reached"].as_u64()
            && wide.json["summary"]["hotspots_missed"]
                .as_array()
                .unwrap()
                .len()
                <= missed
    );

    // Dosage for a whole community over a year of kinds: minutes add up from the visits.
    let dosage = get("/api/v1/patrol/dosage?community=1&from=2021-01-01&to=2021-12-31").await;
    assert_eq!(dosage.status, StatusCode::OK, "{}", dosage.json);
    for f in dosage.json["features"].as_array().unwrap() {
        let p = &f["properties"];
        let sum: f64 = p["visits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["minutes"].as_f64().unwrap())
            .sum();
        assert!(
            (sum - p["minutes"].as_f64().unwrap()).abs() < 0.05 * (1.0 + sum),
            "{p}"
        );
        for v in p["visits"].as_array().unwrap() {
            let m = v["minutes"].as_f64().unwrap();
            let class = v["class"].as_str().unwrap();
            let expected = if m < 2.0 {
                "pass"
            } else if m < 10.0 {
                "short"
            } else if m <= 16.0 {
                "koper"
            } else {
                "long"
            };
            assert!(
                class == expected
                    || (m - 2.0).abs() < 0.01
                    || (m - 10.0).abs() < 0.01
                    || (m - 16.0).abs() < 0.01,
                "{v}"
            );
        }
    }
    assert!(dosage.json["summary"]["tracks"].as_u64().unwrap() > 0);

    let timing = get("/api/v1/patrol/timing?community=1&from=2021-01-01&to=2021-12-31").await;
    assert_eq!(timing.status, StatusCode::OK, "{}", timing.json);
    let t = &timing.json["summary"];
    let score = t["timing_score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score));
    let profile: u64 = t["profile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(profile, t["incidents"].as_u64().unwrap());
    assert_eq!(t["profile"].as_array().unwrap().len(), 168);
    assert!(t["patrol_length_h"].as_u64().unwrap() > 0);

    for (path, status) in [
        ("/api/v1/patrol/coverage", StatusCode::BAD_REQUEST),
        (
            "/api/v1/patrol/coverage?route=1&community=1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/patrol/coverage?route=999999",
            StatusCode::NOT_FOUND,
        ),
        ("/api/v1/patrol/coverage?route=x", StatusCode::BAD_REQUEST),
        (
            "/api/v1/patrol/coverage?route=1&buffer_m=0",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/patrol/coverage?route=1&buffer_m=nan",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/patrol/dosage?track=0", StatusCode::NOT_FOUND),
        (
            "/api/v1/patrol/timing?community=1&kind=bank",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/patrol/timing?community=1&speed=3",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
    }
}

/// Every team is ranked once, worst first, and its measures are the ones the per-community
/// endpoints give.
#[tokio::test]
async fn teams_are_ranked_worst_first() {
    let reply = get("/api/v1/patrol/teams?from=2021-01-01&to=2021-12-31").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let teams = reply.json["features"].as_array().unwrap();
    let e = engine();
    let with_patrols: std::collections::BTreeSet<u64> = e
        .patrol_routes
        .items()
        .iter()
        .map(|r| r.community_id)
        .chain(e.patrol_tracks.items().iter().map(|t| t.community_id))
        .collect();
    assert_eq!(teams.len(), with_patrols.len());
    let ranks: Vec<f64> = teams
        .iter()
        .map(|t| t["properties"]["mean_rank"].as_f64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "worst first");
    for t in teams.iter().take(3) {
        let p = &t["properties"];
        let id = p["community_id"].as_u64().unwrap();
        let timing = get(&format!(
            "/api/v1/patrol/timing?community={id}&from=2021-01-01&to=2021-12-31"
        ))
        .await;
        assert!(
            (timing.json["summary"]["timing_score"].as_f64().unwrap()
                - p["timing_score"].as_f64().unwrap())
            .abs()
                < 1e-12
        );
        let dosage = get(&format!(
            "/api/v1/patrol/dosage?community={id}&from=2021-01-01&to=2021-12-31"
        ))
        .await;
        let per_week: f64 = dosage.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["minutes_per_week"].as_f64().unwrap())
            .sum();
        assert!(
            (per_week - p["minutes_per_week_at_hotspots"].as_f64().unwrap()).abs() < 0.1,
            "{p}"
        );
    }
}

/// The `patrol_coverage` tiles carry each route's reach with the area shapely gives its 50 m
/// buffer (within 0.5 %).
#[tokio::test]
async fn coverage_tiles_carry_each_routes_reach() {
    let reference: serde_json::Value = common::fixture("patrol_reference.json");
    let areas: std::collections::HashMap<u64, f64> = reference["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["route_id"].as_u64().unwrap(),
                r["buffer_area_m2"].as_f64().unwrap(),
            )
        })
        .collect();
    let state = gridwatch::api::AppState::new(gridwatch::index::Engine::clone(&engine()));
    let mut seen = std::collections::BTreeSet::new();
    // The central city at z12: 4 × 3 tiles around (112.2, 31.03).
    let n = f64::from(1u32 << 12);
    let phi = 31.03_f64.to_radians();
    let x = ((112.2 + 180.0) / 360.0 * n).floor() as i64;
    let y = ((1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor()
        as i64;
    for dx in 0..4 {
        for dy in 0..3 {
            let path = format!(
                "/tiles/patrol_coverage/12/{}/{}.mvt",
                x + dx - 1,
                y + dy - 1
            );
            let got = common::mvt::fetch(&state, &path, &[]).await;
            if got.status == StatusCode::NO_CONTENT {
                continue;
            }
            assert_eq!(got.status, StatusCode::OK, "{path}");
            let layers = common::mvt::decode(&got.bytes);
            let layer = &layers["patrol_coverage"];
            for (i, f) in layer.features.iter().enumerate() {
                let p = common::mvt::properties(layer, i);
                let id = f.id.unwrap();
                let area = p["area_m2"].double_value.unwrap();
                let theirs = areas[&id];
                assert!(
                    (area - theirs).abs() <= 0.005 * theirs,
                    "route {id}: {area} vs shapely {theirs}"
                );
                assert_eq!(p["buffer_m"].double_value, Some(50.0));
                seen.insert(id);
            }
        }
    }
    assert!(seen.len() > 20, "{} routes in the central city", seen.len());
}

/// Minutes inside cells equal shapely's on the same tracks (every sixth bundled track, two
/// cells each: `tests/fixtures/dosage_reference.json`) within 0.1 minute.
#[test]
fn dosage_minutes_equal_shapely() {
    use gridwatch::analytics::patrol::dosage::{Visit, visits};
    let reference: serde_json::Value = common::fixture("dosage_reference.json");
    let e = engine();
    let mut worst: f64 = 0.0;
    let mut checked = 0;
    for t in reference["tracks"].as_array().unwrap() {
        let track = e
            .patrol_tracks
            .get(t["track_id"].as_u64().unwrap())
            .unwrap();
        for (cell, minutes) in t["minutes"].as_object().unwrap() {
            let cell: h3o::CellIndex = cell.parse().unwrap();
            let ours: f64 = visits(track, &[cell]).iter().map(Visit::minutes).sum();
            let theirs = minutes.as_f64().unwrap();
            worst = worst.max((ours - theirs).abs());
            assert!(
                (ours - theirs).abs() <= 0.1,
                "track {} cell {cell}: {ours} vs shapely {theirs}",
                track.id
            );
            checked += 1;
        }
    }
    assert!(checked > 500);
    eprintln!("{checked} (track, cell) pairs; largest difference {worst:.4} minutes");
}

/// With the default period every team with incidents enough is judged on something real:
/// each ranked team has hot spots (city-wide Gi* ones, or its own busiest cells), the
/// unranked ones follow with `rank: null`, the summary says what the rank is made of, and no
/// figure is printed as `-0`.
#[tokio::test]
async fn the_default_ranking_judges_every_team_on_its_hot_spots() {
    let reply = get("/api/v1/patrol/teams").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let text = reply.json.to_string();
    assert!(
        !text.contains(":-0,") && !text.contains(":-0.0"),
        "a -0 in the answer"
    );
    let summary = &reply.json["summary"];
    let teams = reply.json["features"].as_array().unwrap();
    let ranked = summary["ranked"].as_u64().unwrap() as usize;
    assert_eq!(teams.len(), summary["teams"].as_u64().unwrap() as usize);
    assert!(
        ranked * 10 >= teams.len() * 9,
        "{ranked} of {} ranked",
        teams.len()
    );
    assert!(
        summary["order"]
            .as_str()
            .unwrap()
            .contains("timing_vs_best")
    );
    assert!(summary["judged_on_gi_star_hotspots"].as_u64().unwrap() > 0);
    assert!(summary["judged_on_own_busiest_cells"].as_u64().unwrap() > 0);
    for (i, t) in teams.iter().enumerate() {
        let p = &t["properties"];
        if i < ranked {
            assert_eq!(p["rank"].as_u64(), Some(i as u64 + 1));
            assert!(p["hotspots"].as_u64().unwrap() > 0, "{p}");
            let source = p["hotspot_source"].as_str().unwrap();
            assert!(["gi_star", "community_top"].contains(&source), "{p}");
            let vs_best = p["timing_vs_best"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&vs_best), "{p}");
        } else {
            assert!(
                p["rank"].is_null() && p["hotspots"].as_u64() == Some(0),
                "{p}"
            );
        }
    }
    // The four measures tell teams apart: the hot spots are reached by some and missed by
    // others, and the patrol hours of most teams meet some of their community's incidents.
    let ranked_props: Vec<&serde_json::Value> =
        teams[..ranked].iter().map(|t| &t["properties"]).collect();
    let reached: Vec<f64> = ranked_props
        .iter()
        .map(|p| p["hotspots_reached_share"].as_f64().unwrap())
        .collect();
    assert!(reached.iter().any(|&r| r < 0.5) && reached.iter().any(|&r| r > 0.5));
    let timed = ranked_props
        .iter()
        .filter(|p| p["timing_vs_best"].as_f64().unwrap() > 0.0)
        .count();
    assert!(
        timed * 2 > ranked,
        "{timed} of {ranked} teams patrol when incidents happen"
    );
    // A community's hot spots in the ranking are the ones its coverage endpoint reports.
    let first = ranked_props[0];
    let id = first["community_id"].as_u64().unwrap();
    let coverage = get(&format!("/api/v1/patrol/coverage?community={id}")).await;
    assert_eq!(coverage.status, StatusCode::OK, "{}", coverage.json);
    let s = &coverage.json["summary"];
    let listed = s["hotspots_reached"].as_array().unwrap().len()
        + s["hotspots_missed"].as_array().unwrap().len();
    assert_eq!(listed as u64, first["hotspots"].as_u64().unwrap(), "{s}");
}

/// `features=cells` gives the gaps at city scale: one H3 polygon per cell with households,
/// whose sums are the summary's, with `beyond_{threshold}` for map styles.
#[tokio::test]
async fn gaps_come_as_cells_at_city_scale() {
    let reply = get("/api/v1/access/gaps?kind=service_complex&features=cells&h3_res=8").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let cells = reply.json["features"].as_array().unwrap();
    let per_h3 = reply.json["summary"]["per_h3"].as_array().unwrap();
    assert_eq!(cells.len(), per_h3.len());
    assert!(cells.len() > 20);
    let beyond_1000: u64 = cells
        .iter()
        .map(|c| c["properties"]["beyond_1000"].as_u64().unwrap())
        .sum();
    let summary_beyond = &reply.json["summary"]["beyond"][2];
    assert_eq!(summary_beyond["threshold_m"].as_f64(), Some(1000.0));
    assert_eq!(
        Some(beyond_1000),
        summary_beyond["households_beyond"].as_u64()
    );
    assert!(beyond_1000 > 0);
    for c in cells {
        assert_eq!(c["geometry"]["type"], "Polygon");
        let cell: h3o::CellIndex = c["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(cell.resolution(), h3o::Resolution::Eight);
    }
    let bad = get("/api/v1/access/gaps?features=maybe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
