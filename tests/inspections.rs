//! Joint inspection rounds (`POST /api/v1/inspections/plan`) on the bundled city: on a few
//! candidates the round equals an exhaustive search over every ordered subset, with the
//! travel times walked again here; on fifty it never exceeds the budget and stays under its
//! stated bound; its times add up; bad questions are refused with a problem.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::http::StatusCode;
use common::{engine, request};
use gridwatch::analytics::inspection::{InspectionQuery, Travel, plan};
use gridwatch::analytics::study_areas::StudyAreas;
use gridwatch::index::IncidentFilter;
use gridwatch::model::{IncidentKind, ResourceKind};
use gridwatch::network::DEFAULT_SNAP_LIMIT_M;
use serde_json::{Value, json};

/// A police station in the central city: where the team sets out.
fn start() -> [f64; 2] {
    let e = engine();
    let station = e
        .resources
        .items()
        .iter()
        .find(|r| r.kind == ResourceKind::PoliceStation)
        .unwrap();
    [station.geometry.x(), station.geometry.y()]
}

/// The best gain over every ordered subset of the stops within `budget` seconds.
fn exhaustive(from_start: &[u64], between: &[Vec<u64>], gain: &[f64], budget: u64) -> f64 {
    fn go(
        at: Option<usize>,
        used: u64,
        seen: &mut Vec<bool>,
        t: (&[u64], &[Vec<u64>], &[f64], u64),
    ) -> f64 {
        let (from_start, between, gain, budget) = t;
        let mut best = 0.0_f64;
        for s in 0..gain.len() {
            if seen[s] {
                continue;
            }
            let leg = at.map_or(from_start[s], |a| between[a][s]);
            if used + leg > budget {
                continue;
            }
            seen[s] = true;
            best = best.max(gain[s] + go(Some(s), used + leg, seen, t));
            seen[s] = false;
        }
        best
    }
    go(
        None,
        0,
        &mut vec![false; gain.len()],
        (from_start, between, gain, budget),
    )
}

#[test]
fn a_few_candidates_give_the_exhaustive_searchs_best_round() {
    let e = engine();
    let areas = StudyAreas::default();
    let [lon, lat] = start();
    for (budget_min, kinds) in [
        (60, vec![IncidentKind::StreetVending]),
        (90, vec![IncidentKind::StreetVending, IncidentKind::Dispute]),
        (150, Vec::new()),
    ] {
        let q = InspectionQuery {
            start: geo::Coord { x: lon, y: lat },
            budget_s: budget_min * 60,
            service_s: 600,
            travel: Travel::Walk,
            filter: IncidentFilter {
                kinds,
                ..IncidentFilter::default()
            },
            communities: Vec::new(),
            max_stops: 7,
        };
        let round = plan(&e, &areas, &q).unwrap();
        assert!(round.exact && !round.candidates.is_empty());
        // The travel walked again: metres on the streets at 1.2 m/s, rounded up, plus 10 min.
        let snap = |c: geo::Coord| e.network.snap(c, DEFAULT_SNAP_LIMIT_M).unwrap();
        let stops: Vec<_> = round.candidates.iter().map(|c| snap(c.at)).collect();
        let secs = |m: Option<f64>| m.map_or(u64::MAX / 64, |m| (m / 1.2).ceil() as u64 + 600);
        let from_start: Vec<u64> = e
            .network
            .walks_to(&snap(q.start), &stops, f64::INFINITY)
            .into_iter()
            .map(secs)
            .collect();
        let between: Vec<Vec<u64>> = stops
            .iter()
            .map(|s| {
                e.network
                    .walks_to(s, &stops, f64::INFINITY)
                    .into_iter()
                    .map(secs)
                    .collect()
            })
            .collect();
        let gain: Vec<f64> = round.candidates.iter().map(|c| c.incidents).collect();
        let best = exhaustive(&from_start, &between, &gain, q.budget_s);
        assert!(
            (round.gain - best).abs() < 1e-9,
            "{budget_min} min: {} incidents, exhaustive {best}",
            round.gain
        );
        assert!(round.cost_s <= q.budget_s);
    }
}

async fn ask(body: &Value) -> common::Reply {
    request("POST", "/api/v1/inspections/plan", Some(&body.to_string())).await
}

#[tokio::test]
async fn fifty_hot_spots_a_round_within_the_budget_and_under_its_bound() {
    for mode in ["walk", "drive"] {
        let r = ask(&json!({"start": start(), "budget_min": 240, "mode": mode,
                            "kinds": ["street_vending", "illegal_construction", "dispute"],
                            "from": "2021-01-01", "to": "2021-09-30"}))
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let s = &r.json["summary"];
        assert_eq!(s["candidates"], 50, "{mode}: {s}");
        assert_eq!(s["exact"], false);
        assert!(s["minutes"].as_f64().unwrap() <= 240.0, "{mode}: {s}");
        let gain = s["incidents"].as_f64().unwrap();
        assert!(
            gain > 0.0 && gain <= s["bound"].as_f64().unwrap() + 0.05,
            "{s}"
        );
        // The stops: in order, arriving later each time, their incidents the round's gain.
        let features = r.json["features"].as_array().unwrap();
        assert_eq!(features.len() as u64, s["stops"].as_u64().unwrap());
        let mut total = 0.0;
        let mut last = -1.0;
        for (k, f) in features.iter().enumerate() {
            let p = &f["properties"];
            assert_eq!(p["order"], k + 1);
            let arrive = p["arrive_min"].as_f64().unwrap();
            assert!(arrive > last && arrive <= 240.0);
            last = arrive + 10.0;
            total += p["incidents"].as_f64().unwrap();
        }
        assert!((total - gain).abs() < 1e-9);
    }
}

#[tokio::test]
async fn bad_rounds_are_refused_with_a_problem() {
    let at = start();
    for (body, status) in [
        (json!({"budget_min": 60}), StatusCode::BAD_REQUEST),
        (json!({"start": at}), StatusCode::BAD_REQUEST),
        (
            json!({"start": at, "budget_min": 0}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": at, "budget_min": 100_000}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": at, "budget_min": 60, "kinds": ["ufo"]}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": at, "budget_min": 60, "mode": "fly"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": at, "budget_min": 60, "max_stops": 0}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": at, "budget_min": 60, "from": "yesterday"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": [200.0, 31.0], "budget_min": 60}),
            StatusCode::BAD_REQUEST,
        ),
        // In the middle of nowhere, far from every street.
        (
            json!({"start": [111.0, 30.0], "budget_min": 60}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"start": at, "budget_min": 60, "communities": [999_999]}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"start": at, "budget_min": 60, "team": "x"}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = ask(&body).await;
        assert_eq!(r.status, status, "{body}: {}", r.json);
        assert_eq!(r.content_type, "application/problem+json", "{body}");
    }
}
