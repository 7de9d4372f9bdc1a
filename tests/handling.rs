//! The command centre's handling: the board against pandas over the exported records
//! (`scripts/reference/handling.py`, working days from `chinese-calendar`), the planted truth
//! of `truth.json`, and every kind of move through the API, kept by the store.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{all_pages, engine, fixture, geodata_dir, get, request_with_headers, writable};
use gridwatch::api::{Access, Tokens};
use serde_json::{Value, json};

/// The instant the reference reads the clock at: the end of the data.
const AT: &str = "2022-01-01T00:00:00%2B08:00";

fn truth() -> Value {
    serde_json::from_slice(&std::fs::read(geodata_dir().join("truth.json")).unwrap()).unwrap()
}

async fn board(query: &str) -> Vec<Value> {
    let reply = get(&format!("/api/v1/handling/kpis?at={AT}&{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.json);
    reply.json["rows"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_board_equals_pandas_over_the_exported_records() {
    let reference = fixture("handling_reference.json");
    let mut groups = 0;
    for (key, expected) in reference["boards"].as_object().unwrap() {
        let (by, period) = key.split_once('/').unwrap();
        let from = if period == "all" {
            String::new()
        } else {
            format!("&from={period}-01-01")
        };
        let rows = board(&format!("by={by}{from}")).await;
        let got: BTreeMap<String, &Value> = rows
            .iter()
            .map(|r| {
                let key = if by == "department" {
                    r["name"].as_str().unwrap().to_owned()
                } else {
                    r["id"].as_u64().unwrap().to_string()
                };
                (key, r)
            })
            .collect();
        let expected = expected.as_object().unwrap();
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{key}: the groups"
        );
        for (group, want) in expected {
            let row = got[group];
            for field in [
                "count",
                "closed",
                "closed_on_time",
                "dispatched",
                "overdue_now",
            ] {
                assert_eq!(row[field], want[field], "{key} {group} {field}");
            }
            let rate = |n: &str, d: &str| {
                let d = want[d].as_f64().unwrap();
                (d > 0.0).then(|| want[n].as_f64().unwrap() / d)
            };
            for (field, expected) in [
                ("return_rate", rate("returned", "dispatched")),
                ("redo_rate", rate("redone", "dispatched")),
                ("on_time_share", rate("closed_on_time", "closed")),
            ] {
                match expected {
                    Some(v) => assert!(
                        (row[field].as_f64().unwrap() - v).abs() < 6e-5,
                        "{key} {group} {field}: {} vs {v}",
                        row[field]
                    ),
                    None => assert!(row[field].is_null(), "{key} {group} {field}"),
                }
            }
            match want["median_working_hours_to_close"].as_f64() {
                Some(m) => assert!(
                    (row["median_working_hours_to_close"].as_f64().unwrap() - m).abs() < 6e-4,
                    "{key} {group} median"
                ),
                None => assert!(row["median_working_hours_to_close"].is_null()),
            }
            groups += 1;
        }
    }
    assert!(groups > 1_500, "{groups} groups compared");
}

#[tokio::test]
async fn the_planted_handling_truth_comes_out() {
    let truth = truth();
    let planted = &truth["handling"];
    // A slow department: far fewer of its incidents closed on time in the planted communities
    // than elsewhere, and more working hours to close.
    let slow = planted["slow_department"].as_str().unwrap();
    let communities: Vec<String> = planted["slow_communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let pick = |rows: Vec<Value>| rows.into_iter().find(|r| r["name"] == slow).unwrap();
    let inside = pick(
        board(&format!(
            "by=department&community={}",
            communities.join(",")
        ))
        .await,
    );
    let all = pick(board("by=department").await);
    let n = |v: &Value, f: &str| v[f].as_f64().unwrap();
    let elsewhere = (n(&all, "closed_on_time") - n(&inside, "closed_on_time"))
        / (n(&all, "closed") - n(&inside, "closed"));
    assert!(
        n(&inside, "on_time_share") < elsewhere - 0.3,
        "{slow}: {} on time in the planted communities, {elsewhere} elsewhere",
        inside["on_time_share"]
    );
    assert_eq!(inside["grade"], "red");

    // The grid with many returns has the highest return rate of every grid with 30 incidents.
    let grids = board("by=grid").await;
    let top = grids
        .iter()
        .filter(|r| r["count"].as_u64().unwrap() >= 30)
        .max_by(|a, b| n(a, "return_rate").total_cmp(&n(b, "return_rate")))
        .unwrap();
    assert_eq!(top["id"], planted["returns_grid"]);
    assert!(n(top, "return_rate") > 0.4, "{top}");

    // Parked for months: parked, still open, the parking at least 90 days before the end.
    let end = chrono::DateTime::parse_from_rfc3339("2022-01-01T00:00:00+08:00").unwrap();
    for id in planted["parked_for_months"].as_array().unwrap() {
        let history = get(&format!("/api/v1/incidents/{id}/history")).await;
        assert_eq!(history.status, StatusCode::OK, "{}", history.json);
        assert_eq!(history.json["incident"]["state"], "parked", "{id}");
        assert_eq!(history.json["incident"]["status"], "open", "{id}");
        let last = history.json["moves"].as_array().unwrap().last().unwrap();
        let parked = chrono::DateTime::parse_from_rfc3339(last["at"].as_str().unwrap()).unwrap();
        assert!((end - parked).num_days() >= 90, "{id} parked {parked}");
    }
    let parked = get("/api/v1/handling/queue?at=2022-01-01&limit=500").await;
    assert_eq!(parked.status, StatusCode::OK);

    // The holiday week: no time limit runs out during it; they all run out on its first working
    // day after, which stands out among the days around it.
    let week = planted["holiday_week"].as_array().unwrap();
    let (first, last, after) = (
        week[0].as_str().unwrap(),
        week[1].as_str().unwrap(),
        week[2].as_str().unwrap(),
    );
    let features = all_pages(
        "/ogc/collections/incidents/items?datetime=2021-09-01T00:00:00%2B08:00/2021-10-31T23:59:59%2B08:00&limit=10000",
    )
    .await;
    let mut due_on: BTreeMap<String, usize> = BTreeMap::new();
    for f in &features {
        if let Some(due) = f["properties"]["due_at"].as_str() {
            *due_on.entry(due[..10].to_owned()).or_default() += 1;
        }
    }
    assert!(
        due_on
            .keys()
            .all(|d| d.as_str() < first || d.as_str() > last),
        "{due_on:?}"
    );
    let mut others: Vec<usize> = due_on
        .iter()
        .filter(|(d, _)| d.as_str() >= "2021-09-06" && d.as_str() <= "2021-10-29")
        .filter(|(d, _)| d.as_str() != after)
        .map(|(_, n)| *n)
        .collect();
    others.sort_unstable();
    let median = others[others.len() / 2];
    assert!(
        due_on[after] > 2 * median,
        "{} due on {after}, {median} a day around it",
        due_on[after]
    );
}

fn access() -> Access {
    Access::from(Tokens::parse_plain("operator:op,viewer:look").unwrap())
}

async fn call(
    state: &gridwatch::api::AppState,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> common::Reply {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(b) = &bearer {
        headers.push(("authorization", b.as_str()));
    }
    let body = body.map(|b| b.to_string());
    request_with_headers(state.clone(), method, path, body.as_deref(), &headers).await
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one incident's whole life and the refusals on the way, read top to bottom"
)]
async fn every_kind_of_move_through_the_api_and_kept_by_the_store() {
    use gridwatch::store::Store;
    let (state, store) = writable("handling-moves", access());
    // A new incident has no history: it starts reported.
    let created = call(
        &state,
        "POST",
        "/api/v1/incidents",
        Some("op"),
        Some(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.2, 31.03]},
            "properties": {"kind": "drainage", "reported_at": "2026-11-30T09:00:00+08:00", "source": "hotline"}})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["ids"][0].as_u64().unwrap();
    let path = format!("/api/v1/incidents/{id}/transitions");
    let moves = [
        (
            json!({"to": "filed", "at": "2026-11-30T09:10:00+08:00"}),
            "filed",
            "open",
        ),
        (
            json!({"to": "dispatched", "department": "水利和湖泊局", "at": "2026-11-30T09:30:00+08:00"}),
            "dispatched",
            "assigned",
        ),
        (
            json!({"to": "handled", "at": "2026-11-30T15:00:00+08:00"}),
            "handled",
            "assigned",
        ),
        (
            json!({"to": "returned", "at": "2026-11-30T16:00:00+08:00", "note": "不属本局职责"}),
            "returned",
            "open",
        ),
        (
            json!({"to": "dispatched", "department": "住房和城乡建设局", "at": "2026-12-01T09:00:00+08:00"}),
            "dispatched",
            "assigned",
        ),
        (
            json!({"to": "parked", "at": "2026-12-01T10:00:00+08:00"}),
            "parked",
            "open",
        ),
        (
            json!({"to": "dispatched", "department": "住房和城乡建设局", "at": "2026-12-02T09:00:00+08:00"}),
            "dispatched",
            "assigned",
        ),
        (
            json!({"to": "handled", "at": "2026-12-02T10:00:00+08:00"}),
            "handled",
            "assigned",
        ),
        (
            json!({"to": "closed", "at": "2026-12-02T11:00:00+08:00"}),
            "closed",
            "resolved",
        ),
        (
            json!({"to": "redo", "at": "2026-12-03T09:00:00+08:00"}),
            "redo",
            "assigned",
        ),
        (
            json!({"to": "dispatched", "department": "住房和城乡建设局", "at": "2026-12-03T09:30:00+08:00"}),
            "dispatched",
            "assigned",
        ),
        (
            json!({"to": "handled", "at": "2026-12-03T10:30:00+08:00"}),
            "handled",
            "assigned",
        ),
        (
            json!({"to": "closed", "at": "2026-12-03T11:30:00+08:00"}),
            "closed",
            "resolved",
        ),
    ];
    for (n, (body, state_name, status)) in moves.iter().enumerate() {
        // Every state this incident is in refuses the moves it may not make, changing nothing.
        let current = call(
            &state,
            "GET",
            &format!("/api/v1/incidents/{id}/history"),
            Some("op"),
            None,
        )
        .await;
        let from = current.json["incident"]["state"]
            .as_str()
            .unwrap()
            .to_owned();
        let from: gridwatch::model::HandlingState = from.parse().unwrap();
        for to in gridwatch::model::HandlingState::ALL {
            if from.next().contains(to) || *to == gridwatch::model::HandlingState::Reported {
                continue;
            }
            let refused = call(
                &state,
                "POST",
                &path,
                Some("op"),
                Some(json!({"to": to.as_str(), "department": null})),
            )
            .await;
            assert_eq!(
                refused.status,
                StatusCode::CONFLICT,
                "{from} → {to}: {}",
                refused.json
            );
            assert_eq!(refused.content_type, "application/problem+json");
        }
        let reply = call(&state, "POST", &path, Some("op"), Some(body.clone())).await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "move {n}: {}",
            reply.json
        );
        assert_eq!(reply.json["incident"]["state"], *state_name, "move {n}");
        assert_eq!(reply.json["incident"]["status"], *status, "move {n}");
        assert_eq!(store.history(id).await.unwrap().len(), n + 1);
    }
    let history = call(
        &state,
        "GET",
        &format!("/api/v1/incidents/{id}/history"),
        Some("op"),
        None,
    )
    .await;
    let p = &history.json["incident"];
    assert_eq!(
        (p["returns"].as_u64(), p["redos"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(p["department"], "住房和城乡建设局");
    assert_eq!(p["closed_at"], "2026-12-03T11:30:00+08:00");
    assert_eq!(p["resolved_at"], "2026-12-03T11:30:00+08:00");
    // Drainage has 8 working hours. Filed Monday 09:10, the clock ran 6 h 20 that day (a
    // return does not stop it) and 1 h 30 on Tuesday until parked at 10:00 (7 h 50). Taken up
    // again Wednesday at 09:00, it ran out at 09:10; closed at 11:00, late, and the redo kept
    // the clock running on from there.
    assert_eq!(p["overdue"], true);
    assert_eq!(p["due_at"], "2026-12-02T09:10:00+08:00");
    assert_eq!(history.json["moves"][3]["note"], "不属本局职责");
    assert_eq!(history.json["moves"][0]["by"], Value::Null);
    // A viewer sees the moves, not who made them or the notes.
    let viewer = call(
        &state,
        "GET",
        &format!("/api/v1/incidents/{id}/history"),
        Some("look"),
        None,
    )
    .await;
    assert_eq!(viewer.status, StatusCode::OK);
    assert_eq!(viewer.json["moves"][3]["note"], Value::Null);
    assert_eq!(viewer.json["moves"].as_array().unwrap().len(), moves.len());

    // Bad requests change nothing.
    for (token, body, expected) in [
        (None, json!({"to": "redo"}), StatusCode::UNAUTHORIZED),
        (Some("look"), json!({"to": "redo"}), StatusCode::FORBIDDEN),
        (Some("op"), json!({"to": "lost"}), StatusCode::BAD_REQUEST),
        (
            Some("op"),
            json!({"to": "redo", "colour": "red"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some("op"),
            json!({"to": "redo", "at": "2099-01-01"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some("op"),
            json!({"to": "redo", "at": "2026-11-01"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some("op"),
            json!({"to": "redo", "department": "教育局"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some("op"),
            json!({"to": "redo", "at": "2026-12-03T11:00:00+08:00"}),
            StatusCode::CONFLICT,
        ),
    ] {
        let reply = call(&state, "POST", &path, token, Some(body.clone())).await;
        assert_eq!(reply.status, expected, "{body}: {}", reply.json);
    }
    let reply = call(
        &state,
        "POST",
        "/api/v1/incidents/99999999/transitions",
        Some("op"),
        Some(json!({"to": "filed"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // A dispatch names its department.
    let planted = truth()["handling"]["parked_for_months"][0]
        .as_u64()
        .unwrap();
    let reply = call(
        &state,
        "POST",
        &format!("/api/v1/incidents/{planted}/transitions"),
        Some("op"),
        Some(json!({"to": "dispatched"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.json);
    // An incident with a history is not moved by a bare status.
    let reply = call(
        &state,
        "PATCH",
        &format!("/api/v1/incidents/{planted}"),
        Some("op"),
        Some(json!({"status": "assigned"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.json);
    assert_eq!(store.history(id).await.unwrap().len(), moves.len());

    // An incident that had only a status (assigned) moves on from the state it implies.
    let legacy = call(
        &state,
        "POST",
        "/api/v1/incidents",
        Some("op"),
        Some(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.2, 31.03]},
            "properties": {"kind": "dispute", "reported_at": "2026-11-30T09:00:00+08:00", "source": "hotline", "status": "assigned"}})),
    )
    .await;
    let legacy = legacy.json["ids"][0].as_u64().unwrap();
    let handled = call(
        &state,
        "POST",
        &format!("/api/v1/incidents/{legacy}/transitions"),
        Some("op"),
        Some(json!({"to": "handled", "at": "2026-11-30T10:00:00+08:00"})),
    )
    .await;
    assert_eq!(handled.status, StatusCode::CREATED, "{}", handled.json);
    assert_eq!(handled.json["move"]["from"], "dispatched");

    // The store, read again, gives the same handling.
    let reloaded = gridwatch::store::load_snapshot(store.as_ref())
        .await
        .unwrap();
    let row = reloaded.incidents.row(legacy).unwrap();
    assert_eq!(
        reloaded.incidents.handling[row].state,
        gridwatch::model::HandlingState::Handled
    );
    let live = state.engine();
    let (a, b) = (
        live.incidents.row(id).unwrap(),
        reloaded.incidents.row(id).unwrap(),
    );
    assert_eq!(
        live.incidents.incident(a).handling,
        reloaded.incidents.incident(b).handling
    );
    assert_eq!(
        reloaded.incidents.status[b],
        gridwatch::model::IncidentStatus::Resolved
    );
    let _ = engine();
}
