//! The committee's quarterly match (`POST /api/v1/lists/match`) on the bundled city against
//! networkx's min-cost max flow on its own walking graph (`scripts/reference/lists_match.py`):
//! the same offers and needs, the same households served, the least household-metres to
//! within the walks' own agreement, and every pair one the reference allows at its walk. Bad
//! questions are refused with a problem.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::{fixture, request};
use serde_json::Value;

/// Walks agree as in tests/streets.rs (0.1 % or a metre), plus the half metre of rounding.
fn agrees(ours: f64, reference: f64) -> bool {
    (ours - reference).abs() <= (reference * 0.001).max(1.0) + 0.5
}

#[tokio::test]
async fn the_match_equals_networkx_min_cost_flow_on_the_bundled_city() {
    let reference = fixture("lists_match_reference.json");
    for q in reference["questions"].as_array().unwrap() {
        let community = q["community"]
            .as_u64()
            .map_or_else(String::new, |c| format!("&community={c}"));
        let path = format!(
            "/api/v1/lists/match?quarter={}&max_walk_m={}{community}",
            q["quarter"].as_str().unwrap(),
            q["max_walk_m"]
        );
        let r = request("POST", &path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.json);
        let s = &r.json["summary"];
        // No allowed walk lies within a few metres of the cutoff, so both see the same pairs.
        assert!(q["closest_walk_to_the_cutoff_m"].as_f64().unwrap() > 3.0);
        for key in [
            "resource_items",
            "demand_items",
            "households_open",
            "households_served",
        ] {
            assert_eq!(s[key], q[key], "{path}: {key}");
        }
        let allowed: HashMap<(u64, u64), f64> = q["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    (p[0].as_u64().unwrap(), p[1].as_u64().unwrap()),
                    p[2].as_f64().unwrap(),
                )
            })
            .collect();
        let mut households = 0;
        let mut household_metres = 0;
        for f in r.json["features"].as_array().unwrap() {
            let p = &f["properties"];
            let key = (
                p["unit_id"].as_u64().unwrap(),
                p["demand_id"].as_u64().unwrap(),
            );
            let walk = p["walk_m"].as_u64().unwrap();
            let theirs = allowed
                .get(&key)
                .unwrap_or_else(|| panic!("{path}: pair {key:?} is not allowed"));
            assert!(
                agrees(walk as f64, *theirs),
                "{key:?}: {walk} m, networkx {theirs:.1} m"
            );
            households += p["households"].as_u64().unwrap();
            household_metres += p["households"].as_u64().unwrap() * walk;
        }
        assert_eq!(households, s["households_served"].as_u64().unwrap());
        assert_eq!(household_metres, s["household_metres"].as_u64().unwrap());
        // Every walk within ~2 m of networkx's: the optimum moves by at most that per household.
        let served = s["households_served"].as_u64().unwrap();
        let ours = s["household_metres"].as_u64().unwrap();
        let theirs = q["household_metres"].as_u64().unwrap();
        assert!(
            ours.abs_diff(theirs) <= 3 * served,
            "{path}: {ours} household-metres, networkx {theirs}"
        );
        // What is left: the unmet needs' and idle offers' remainders add up.
        let left: u64 = s["unmet"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["households_left"].as_u64().unwrap())
            .sum();
        assert_eq!(left + served, s["households_open"].as_u64().unwrap());
        let idle: u64 = s["idle"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["capacity_left"].as_u64().unwrap())
            .sum();
        assert_eq!(idle + served, s["capacity"].as_u64().unwrap());
    }
}

#[tokio::test]
async fn bad_match_questions_are_refused_with_a_problem() {
    for (path, body, status) in [
        (
            "/api/v1/lists/match?quarter=2021Q5",
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/lists/match?max_walk_m=-1",
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/lists/match?max_walk_m=99999",
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/lists/match?community=abc",
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/lists/match?community=999999",
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/v1/lists/match?radius=3",
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/lists/match",
            Some(r#"{"k": 3}"#),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/lists/match", Some("{"), StatusCode::BAD_REQUEST),
    ] {
        let r = request("POST", path, body).await;
        assert_eq!(r.status, status, "{path}: {}", r.json);
        assert_eq!(r.content_type, "application/problem+json", "{path}");
        let detail: &Value = &r.json["detail"];
        assert!(detail.as_str().is_some_and(|d| !d.is_empty()), "{path}");
    }
    // The default question (the quarter of the data's last report) is answered.
    let last = *common::engine().incidents.reported_at.iter().max().unwrap();
    let r = request("POST", "/api/v1/lists/match", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json["summary"]["quarter"],
        gridwatch::model::lists::Quarter::of(last).to_string()
    );
}
