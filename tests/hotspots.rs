//! The hot-spot analytics over HTTP on the bundled data, against independent truth: the
//! reference H3 library and PySAL esda (answers committed in `tests/fixtures/`, made by
//! `scripts/reference/hotspots.py`), the planted hotspots of `geodata/truth.json`, and
//! brute-force counts through the OGC API.

#![allow(
    clippy::unwrap_used,
    clippy::float_cmp,
    reason = "helpers fail loudly on bad fixtures; the compared floats are whole counts"
)]

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::{engine, geodata_dir, get, get_from};
use gridwatch::api::AppState;
use serde_json::Value;

fn fixture() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hotspots_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(geodata_dir().join("truth.json")).unwrap())
        .unwrap()
}

/// `h3` -> properties of every feature of a FeatureCollection.
fn by_cell(collection: &Value) -> HashMap<String, Value> {
    collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["h3"].as_str().unwrap().to_owned(),
                f["properties"].clone(),
            )
        })
        .collect()
}

async fn ok(path: &str) -> Value {
    let reply = get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.json);
    assert_eq!(reply.content_type, "application/geo+json");
    reply.json
}

#[tokio::test]
async fn hexbin_counts_equal_the_reference_h3_library() {
    for case in fixture()["hexbins"].as_array().unwrap() {
        let query = case["query"].as_str().unwrap();
        let answer = ok(&format!("/api/v1/hexbins?{query}")).await;
        let ours: HashMap<String, u64> = by_cell(&answer)
            .into_iter()
            .map(|(h, p)| (h, p["count"].as_u64().unwrap()))
            .collect();
        let reference: HashMap<String, u64> = case["counts"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(h, n)| (h.clone(), n.as_u64().unwrap()))
            .collect();
        assert_eq!(ours, reference, "{query}");
        assert_eq!(
            answer["summary"]["total"].as_u64().unwrap(),
            reference.values().sum::<u64>()
        );
        assert_eq!(
            answer["summary"]["cells"].as_u64().unwrap(),
            reference.len() as u64
        );
    }
}

#[tokio::test]
async fn hexbins_carry_per_kind_counts_and_cell_polygons() {
    let answer =
        ok("/api/v1/hexbins?res=8&kind=dispute,street_vending&from=2021-01-01&to=2021-06-30").await;
    for feature in answer["features"].as_array().unwrap() {
        let p = &feature["properties"];
        let by_kind = p["counts"].as_object().unwrap();
        assert!(
            by_kind
                .keys()
                .all(|k| k == "dispute" || k == "street_vending")
        );
        assert_eq!(
            by_kind.values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
            p["count"].as_u64().unwrap()
        );
        let cell: h3o::CellIndex = p["h3"].as_str().unwrap().parse().unwrap();
        assert_eq!(cell.resolution(), h3o::Resolution::Eight);
        let ring = feature["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 7, "a closed hexagon");
        assert_eq!(ring[0], ring[6]);
    }
    assert_eq!(
        answer["summary"]["period"]["from"],
        "2021-01-01T00:00:00+08:00"
    );
    assert_eq!(
        answer["summary"]["period"]["to"],
        "2021-06-30T23:59:59+08:00"
    );
}

#[tokio::test]
async fn gi_star_z_scores_and_classes_equal_esda_and_statsmodels_fdr() {
    for case in fixture()["gi_star"].as_array().unwrap() {
        let query = case["query"].as_str().unwrap();
        let ours = by_cell(&ok(&format!("/api/v1/hotspots?{query}")).await);
        let reference = case["cells"].as_object().unwrap();
        assert_eq!(ours.len(), reference.len(), "{query}: study-area size");
        let mut significant = 0;
        let mut levels = std::collections::BTreeSet::new();
        for (cell, expected) in reference {
            let p = ours
                .get(cell)
                .unwrap_or_else(|| panic!("{query}: cell {cell} missing"));
            assert_eq!(
                p["count"].as_f64().unwrap(),
                expected[0].as_f64().unwrap(),
                "{query}: count of {cell}"
            );
            let (z, z_ref) = (p["gi_z"].as_f64().unwrap(), expected[1].as_f64().unwrap());
            assert!(
                (z - z_ref).abs() < 1e-9,
                "{query}: z of {cell} is {z}, esda says {z_ref}"
            );
            // The confidence class after FDR, as statsmodels' Benjamini–Hochberg gives it.
            let class = p["class"].as_i64().unwrap();
            assert_eq!(
                class,
                expected[2].as_i64().unwrap(),
                "{query}: class of {cell} (z {z})"
            );
            significant += usize::from(class != 0);
            levels.insert(class);
        }
        assert!(significant > 0, "{query}: the city has significant cells");
        assert!(levels.len() >= 3, "{query}: classes {levels:?}");
    }
}

/// Every planted hotspot's res-9 cell is a 99 % hot spot for its kinds and active period.
#[tokio::test]
async fn planted_hotspots_are_class_three_at_res_9() {
    for h in truth()["hotspots"].as_array().unwrap() {
        let kinds: Vec<&str> = h["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let (from, to) = (
            &h["active_from"].as_str().unwrap()[..10],
            &h["active_to"].as_str().unwrap()[..10],
        );
        let answer = ok(&format!(
            "/api/v1/hotspots?res=9&kind={}&from={from}&to={to}",
            kinds.join(",")
        ))
        .await;
        let cells = by_cell(&answer);
        let cell = h["h3_res9"].as_str().unwrap();
        let p = &cells[cell];
        assert_eq!(
            p["class"], 3,
            "hotspot {} ({} {}): {p}",
            h["id"], h["place"], h["pattern"]
        );
    }
}

/// Emerging sites come out new, consecutive or intensifying; fading ones diminishing or
/// historical; persistent ones hot in most months.
#[tokio::test]
async fn planted_emerging_and_fading_hotspots_get_their_category() {
    let mut patterns = HashMap::new();
    for h in truth()["hotspots"].as_array().unwrap() {
        let kinds: Vec<&str> = h["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let answer = ok(&format!(
            "/api/v1/hotspots/emerging?res=9&step=month&kind={}",
            kinds.join(",")
        ))
        .await;
        assert_eq!(answer["summary"]["steps"], 36);
        let p = &by_cell(&answer)[h["h3_res9"].as_str().unwrap()];
        let category = p["category"].as_str().unwrap();
        let pattern = h["pattern"].as_str().unwrap();
        let expected: &[&str] = match pattern {
            "emerging" => &[
                "new_hot_spot",
                "consecutive_hot_spot",
                "intensifying_hot_spot",
            ],
            "fading" => &["diminishing_hot_spot", "historical_hot_spot"],
            _ => &[
                "persistent_hot_spot",
                "intensifying_hot_spot",
                "diminishing_hot_spot",
                "sporadic_hot_spot",
                "oscillating_hot_spot",
            ],
        };
        assert!(
            expected.contains(&category),
            "hotspot {} ({pattern}) came out {category}: {p}",
            h["id"]
        );
        if pattern == "persistent" {
            assert!(
                p["hot_steps"].as_u64().unwrap() >= 27,
                "hotspot {} hot in only {} of 36 months",
                h["id"],
                p["hot_steps"]
            );
        }
        *patterns.entry(pattern.to_owned()).or_insert(0) += 1;
    }
    assert!(
        patterns.get("emerging").is_some_and(|&n| n >= 2)
            && patterns.get("fading").is_some_and(|&n| n >= 2),
        "{patterns:?}"
    );
}

/// A cell whose whole neighbourhood has no incidents is never a hot spot, and hot spots hold
/// more incidents than the average cell.
#[tokio::test]
async fn cold_areas_are_not_hot() {
    let answer = ok("/api/v1/hotspots?res=9&kind=petition&from=2020-01-01&to=2020-12-31").await;
    let cells = by_cell(&answer);
    let count = |h: &h3o::CellIndex| {
        cells
            .get(&h.to_string())
            .map_or(0.0, |p| p["count"].as_f64().unwrap())
    };
    let mean = cells
        .values()
        .map(|p| p["count"].as_f64().unwrap())
        .sum::<f64>()
        / cells.len() as f64;
    let mut empty = 0;
    for (h, p) in &cells {
        let cell: h3o::CellIndex = h.parse().unwrap();
        let disk: f64 = cell.grid_disk::<Vec<_>>(1).iter().map(count).sum();
        let class = p["class"].as_i64().unwrap();
        if disk == 0.0 {
            empty += 1;
            assert!(
                class <= 0,
                "{h} has no incidents around it but class {class}"
            );
        }
        if class == 3 {
            assert!(
                disk / 7.0 > mean,
                "{h} is class 3 with {disk} incidents in its disk"
            );
        }
    }
    assert!(
        empty > 0,
        "the study area includes empty cells ({empty} of {})",
        cells.len()
    );
}

/// Hexbin counts sum to the number of incidents the OGC API matches for the same filter.
#[tokio::test]
async fn hexbin_totals_equal_the_filtered_incident_count() {
    let e = engine();
    let community = e.communities.items()[7].id;
    for (analytics, ogc) in [
        ("kind=dispute", "kind=dispute"),
        (
            "kind=street_vending,safety_hazard&from=2020-03-01&to=2020-09-30",
            "kind=street_vending,safety_hazard&datetime=2020-03-01/2020-09-30",
        ),
        ("status=open", "status=open"),
        (
            &format!("community={community}") as &str,
            &format!("community_id={community}") as &str,
        ),
        (
            "bbox=112.18,30.99,112.22,31.03&from=2019-06-01",
            "bbox=112.18,30.99,112.22,31.03&datetime=2019-06-01/..",
        ),
    ] {
        let total: u64 =
            ok(&format!("/api/v1/hexbins?res=10&{analytics}")).await["summary"]["total"]
                .as_u64()
                .unwrap();
        let matched = get(&format!("/ogc/collections/incidents/items?limit=1&{ogc}"))
            .await
            .json["numberMatched"]
            .as_u64()
            .unwrap();
        assert_eq!(total, matched, "{analytics}");
        assert!(total > 0, "{analytics}");
    }
}

#[tokio::test]
async fn community_statistics_agree_with_brute_force_counts() {
    let e = engine();
    let answer =
        ok("/api/v1/stats/communities?kind=dispute,police_call&from=2020-01-01&to=2020-12-31")
            .await;
    let features = answer["features"].as_array().unwrap();
    assert_eq!(features.len(), 222);
    for f in features.iter().step_by(37) {
        let id = f["id"].as_u64().unwrap();
        let p = &f["properties"];
        let count = |period: &str| {
            let path = format!(
                "/ogc/collections/incidents/items?limit=10000&community_id={id}&kind=dispute,police_call&datetime={period}"
            );
            async move { get(&path).await.json }
        };
        let current = count("2020-01-01/2020-12-31").await;
        // 2020 has 366 days, so the previous period of equal length is 2018-12-31..2019-12-31.
        let previous = count("2018-12-31/2019-12-31").await;
        let n = current["numberMatched"].as_u64().unwrap();
        assert_eq!(p["count"].as_u64().unwrap(), n, "community {id}");
        assert_eq!(
            p["previous_count"].as_u64().unwrap(),
            previous["numberMatched"].as_u64().unwrap()
        );
        let households = e.communities.get(id).unwrap().households;
        let rate = p["rate_per_1000_households"].as_f64().unwrap();
        assert!((rate - n as f64 * 1000.0 / f64::from(households)).abs() < 1e-9);
        let mut hours: Vec<f64> = current["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| {
                let reported =
                    chrono::DateTime::parse_from_rfc3339(f["properties"]["reported_at"].as_str()?)
                        .ok()?;
                let resolved =
                    chrono::DateTime::parse_from_rfc3339(f["properties"]["resolved_at"].as_str()?)
                        .ok()?;
                Some((resolved - reported).num_seconds() as f64 / 3600.0)
            })
            .collect();
        hours.sort_by(f64::total_cmp);
        if n > 0 {
            let share = p["resolved_share"].as_f64().unwrap();
            assert!((share - hours.len() as f64 / n as f64).abs() < 1e-9);
        }
        if !hours.is_empty() {
            let mid = hours.len() / 2;
            let median = if hours.len().is_multiple_of(2) {
                f64::midpoint(hours[mid - 1], hours[mid])
            } else {
                hours[mid]
            };
            assert!(
                (p["median_hours_to_resolve"].as_f64().unwrap() - median).abs() < 1e-9,
                "community {id}"
            );
        }
    }
    let profile = answer["summary"]["profile"]["counts"].as_array().unwrap();
    let profile_total: u64 = profile
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(profile_total, answer["summary"]["total"].as_u64().unwrap());
    let matched = get("/ogc/collections/incidents/items?limit=1&kind=dispute,police_call&datetime=2020-01-01/2020-12-31").await.json["numberMatched"].clone();
    assert_eq!(
        answer["summary"]["total"], matched,
        "the profile covers every selected incident"
    );
    let in_communities: u64 = features
        .iter()
        .map(|f| f["properties"]["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        answer["summary"]["in_areas"].as_u64().unwrap(),
        in_communities
    );
    assert_eq!(profile.len(), 7);
}

#[tokio::test]
async fn grid_statistics_follow_the_area_filters() {
    let e = engine();
    let grid = &e.grids.items()[100];
    let answer = ok(&format!(
        "/api/v1/stats/grids?community={}",
        grid.community_id
    ))
    .await;
    let features = answer["features"].as_array().unwrap();
    let expected = e
        .grids
        .items()
        .iter()
        .filter(|g| g.community_id == grid.community_id)
        .count();
    assert_eq!(features.len(), expected);
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["community_id"] == grid.community_id)
    );
    let single = ok(&format!(
        "/api/v1/stats/grids?grid={}&kind=dispute",
        grid.id
    ))
    .await;
    let matched = get(&format!(
        "/ogc/collections/incidents/items?limit=1&grid_id={}&kind=dispute",
        grid.id
    ))
    .await
    .json["numberMatched"]
        .clone();
    assert_eq!(single["features"][0]["properties"]["count"], matched);
}

#[tokio::test]
async fn answers_are_cached_per_query() {
    let state = AppState::new(gridwatch::index::Engine::clone(&engine()));
    let path = "/api/v1/hotspots?res=8&kind=safety_hazard";
    let first = get_from(&state, path).await;
    let second = get_from(&state, path).await;
    assert_eq!(first.headers["x-cache"], "miss");
    assert_eq!(second.headers["x-cache"], "hit");
    assert_eq!(first.json, second.json);
    let other = get_from(&state, "/api/v1/hotspots?res=8&kind=street_vending").await;
    assert_eq!(other.headers["x-cache"], "miss");
    assert_ne!(other.json, first.json);
}

#[tokio::test]
async fn bad_analytics_requests_get_problem_json() {
    for path in [
        "/api/v1/hexbins?res=5",
        "/api/v1/hexbins?res=12",
        "/api/v1/hexbins?res=nine",
        "/api/v1/hexbins?kind=arson",
        "/api/v1/hexbins?from=2021-13-01",
        "/api/v1/hexbins?from=2021-06-01&to=2021-01-01",
        "/api/v1/hexbins?bbox=1,2,3",
        "/api/v1/hexbins?colour=red",
        "/api/v1/hotspots?k=0",
        "/api/v1/hotspots?k=4",
        "/api/v1/hotspots?community=99999999",
        "/api/v1/hotspots?grid=abc",
        "/api/v1/hotspots?bbox=100.0,20.0,100.1,20.1",
        "/api/v1/hotspots/emerging?step=day",
        "/api/v1/hotspots/emerging?res=11",
        "/api/v1/hotspots/emerging?from=2021-03-01&to=2021-04-30",
        "/api/v1/hotspots/emerging?k=3",
        "/api/v1/stats/grids?res=9",
        "/api/v1/stats/communities?status=lost",
    ] {
        let reply = get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.json
        );
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
        assert!(
            reply.json["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{path}"
        );
    }
}

mod properties {
    use gridwatch::analytics::hexbin::hexbins;
    use gridwatch::index::IncidentFilter;
    use gridwatch::model::{Bbox, IncidentKind, Period};
    use h3o::Resolution;
    use proptest::prelude::*;

    use super::engine;

    /// 2019-01-01T00:00:00+08:00.
    const START: i64 = 1_546_272_000;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the filter and resolution, the hexbins hold every selected incident once.
        #[test]
        fn hexbin_counts_sum_to_the_filtered_incident_count(
            kinds in proptest::sample::subsequence(IncidentKind::ALL.to_vec(), 0..4),
            from_day in 0i64..1096,
            days in 1i64..1096,
            res in 6u8..=11,
            bbox in proptest::option::of((112.0f64..112.4, 30.8f64..31.2, 0.01f64..0.3)),
        ) {
            let e = engine();
            let filter = IncidentFilter {
                kinds,
                period: Period { start: Some(START + from_day * 86_400), end: Some(START + (from_day + days) * 86_400) },
                bbox: bbox.map(|(x, y, size)| Bbox::from_rect(geo::Rect::new(geo::coord! { x: x, y: y }, geo::coord! { x: x + size, y: y + size }))),
                ..IncidentFilter::default()
            };
            let level = e.incidents.bin_level(Resolution::try_from(res).unwrap()).unwrap();
            let bins = hexbins(&e.incidents, &filter, level);
            let total: u64 = bins.iter().map(|b| u64::from(b.count)).sum();
            prop_assert_eq!(total, e.incidents.select(&filter).len() as u64);
            prop_assert!(bins.windows(2).all(|w| w[0].cell < w[1].cell), "sorted, each cell once");
            prop_assert!(bins.iter().all(|b| b.count > 0 && b.by_kind.iter().sum::<u32>() == b.count));
        }
    }
}
