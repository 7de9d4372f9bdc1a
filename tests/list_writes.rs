//! The committee's writes to its lists (`POST /api/v1/lists/demands`, `POST` and `PATCH
//! /api/v1/lists/projects`): a need raised is open on the list, in the OGC collection and in
//! the quarter's figures; a project opened on it takes it out of the match; done, the need is
//! met and its households helped; every refusal (a taken or mixed need, an offer of another
//! category, a move back, another community's operator, a viewer) changes nothing, and the
//! store holds what the server shows.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::http::StatusCode;
use common::callers::{access, call, get};
use common::writable;
use gridwatch::api::Anonymous;
use serde_json::{Value, json};

fn need(lon: f64, lat: f64, category: &str, households: u32) -> String {
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [lon, lat] },
            "properties": { "category": category, "households": households, "raised_at": "2021-11-01T09:00:00+08:00" } })
    .to_string()
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one need's way from raised to met, and the refusals on the way, top to bottom"
)]
async fn a_need_raised_then_met_by_a_project_and_the_refusals_on_the_way() {
    use gridwatch::store::Store;
    let (state, store) = writable("list-writes", access(Anonymous::Full));
    // A place in community 85 (one of its buildings).
    let e = common::engine();
    let home = e
        .buildings
        .items()
        .iter()
        .find(|b| b.community_id == Some(85) && b.households > 0)
        .unwrap();
    let at = {
        use geo::InteriorPoint;
        home.geometry.interior_point().unwrap()
    };
    let summary = |state: gridwatch::api::AppState| async move {
        get(
            &state,
            "/api/v1/lists/summary?quarter=2021Q4&community=85",
            None,
        )
        .await
        .json
    };
    let before = summary(state.clone()).await;

    // Raised: open, in the collection and in the quarter's figures.
    let raised = call(
        &state,
        "POST",
        "/api/v1/lists/demands",
        Some("op"),
        Some(&need(at.x(), at.y(), "drainage", 12)),
    )
    .await;
    assert_eq!(raised.status, StatusCode::CREATED, "{}", raised.json);
    assert_eq!(raised.json["community_id"], 85);
    let id = raised.json["id"].as_u64().unwrap();
    let item = get(
        &state,
        &format!("/ogc/collections/demand_items/items/{id}"),
        None,
    )
    .await;
    assert_eq!(item.json["properties"]["status"], "open");
    let after = summary(state.clone()).await;
    assert_eq!(n(&after["open_demands"]), n(&before["open_demands"]) + 1);
    assert_eq!(
        n(&after["households_open"]),
        n(&before["households_open"]) + 12
    );
    let matched = call(
        &state,
        "POST",
        "/api/v1/lists/match?quarter=2021Q4&community=85",
        None,
        None,
    )
    .await;
    let open_in_match = n(&matched.json["summary"]["demand_items"]);

    // Bad needs change nothing.
    for (body, token, status) in [
        (
            need(at.x(), at.y(), "flying", 12),
            "op",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            need(at.x(), at.y(), "drainage", 0),
            "op",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (need(0.0, 0.0, "drainage", 5), "op", StatusCode::BAD_REQUEST),
        (
            need(at.x(), at.y(), "drainage", 5),
            "look",
            StatusCode::FORBIDDEN,
        ),
    ] {
        let reply = call(
            &state,
            "POST",
            "/api/v1/lists/demands",
            Some(token),
            Some(&body),
        )
        .await;
        assert_eq!(reply.status, status, "{body}: {}", reply.json);
    }
    assert_eq!(
        n(&summary(state.clone()).await["open_demands"]),
        n(&after["open_demands"])
    );

    // An offer of drainage offered in 2021 Q4, and one of another category.
    let lists: Value = serde_json::from_str(
        &std::fs::read_to_string(common::geodata_dir().join("lists.json")).unwrap(),
    )
    .unwrap();
    let offer = |category: &str| {
        lists["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["category"] == category
                    && r["from"].as_str().unwrap() <= "2021Q4"
                    && "2021Q4" <= r["to"].as_str().unwrap()
            })
            .unwrap()["id"]
            .as_u64()
            .unwrap()
    };
    let project = |demands: Vec<u64>, resources: Vec<u64>| {
        json!({ "name": "碧桂园社区下水道疏通", "demand_ids": demands, "resource_ids": resources, "opened_at": "2021-11-15" }).to_string()
    };
    let other_need = lists["demands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["community_id"] == 85 && d["category"] != "drainage" && d["status"] == "open")
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    for (body, status) in [
        (
            project(vec![id], vec![offer("legal")]),
            StatusCode::CONFLICT,
        ),
        (project(vec![id, other_need], vec![]), StatusCode::CONFLICT),
        (
            project(vec![99_999], vec![]),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (project(vec![], vec![]), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let reply = call(
            &state,
            "POST",
            "/api/v1/lists/projects",
            Some("op"),
            Some(&body),
        )
        .await;
        assert_eq!(reply.status, status, "{body}: {}", reply.json);
        assert!(reply.content_type.starts_with("application/problem+json"));
    }
    let capacity = |state: gridwatch::api::AppState| async move {
        n(&call(
            &state,
            "POST",
            "/api/v1/lists/match?quarter=2021Q4",
            None,
            None,
        )
        .await
        .json["summary"]["capacity"])
    };
    let capacity_before = capacity(state.clone()).await;
    // Opened: the need is in a project and leaves the match.
    let opened = call(
        &state,
        "POST",
        "/api/v1/lists/projects",
        Some("op"),
        Some(&project(vec![id], vec![offer("drainage")])),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.json);
    assert_eq!(opened.json["status"], "planned");
    let pid = opened.json["id"].as_u64().unwrap();
    let again = call(
        &state,
        "POST",
        "/api/v1/lists/projects",
        Some("op"),
        Some(&project(vec![id], vec![])),
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a need in a project is taken"
    );
    let matched = call(
        &state,
        "POST",
        "/api/v1/lists/match?quarter=2021Q4&community=85",
        None,
        None,
    )
    .await;
    assert_eq!(
        n(&matched.json["summary"]["demand_items"]),
        open_in_match - 1
    );
    // And the offer it names has up to the need's 12 households less to give this quarter.
    let drawn = capacity_before - capacity(state.clone()).await;
    assert!((1..=12).contains(&drawn), "{drawn} households drawn");

    // Moved on: planned → in progress → done; never back; done before it opened is refused.
    let path = format!("/api/v1/lists/projects/{pid}");
    let move_to = |status: &str, at: &str| json!({ "status": status, "at": at }).to_string();
    let going = call(
        &state,
        "PATCH",
        &path,
        Some("op"),
        Some(&move_to("in_progress", "2021-11-20")),
    )
    .await;
    assert_eq!(going.status, StatusCode::OK, "{}", going.json);
    for (body, status) in [
        (move_to("planned", "2021-11-21"), StatusCode::CONFLICT),
        (move_to("done", "2021-11-01"), StatusCode::CONFLICT),
        (
            move_to("finished", "2021-11-21"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let reply = call(&state, "PATCH", &path, Some("op"), Some(&body)).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.json);
    }
    let missing = call(
        &state,
        "PATCH",
        "/api/v1/lists/projects/99999",
        Some("op"),
        Some(&move_to("done", "2021-12-01")),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let done = call(
        &state,
        "PATCH",
        &path,
        Some("op"),
        Some(&move_to("done", "2021-12-20T17:00:00+08:00")),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["households"], 12);
    let item = get(
        &state,
        &format!("/ogc/collections/demand_items/items/{id}"),
        None,
    )
    .await;
    assert_eq!(item.json["properties"]["status"], "met");
    let quarter = summary(state.clone()).await;
    assert_eq!(
        n(&quarter["households_helped_in_quarter"]),
        n(&before["households_helped_in_quarter"]) + 12
    );

    // The store holds what the server shows.
    let kept = store.load().await.unwrap().lists;
    assert_eq!(kept, *state.engine().lists);
}

#[tokio::test]
async fn a_bound_operator_edits_its_own_communitys_lists_only() {
    let (state, _store) = writable("list-writes-bound", access(Anonymous::Full));
    let ((row, mine), (other_row, other)) = common::callers::two_communities();
    let e = common::engine();
    let place = |row: usize| {
        let i = e.incidents.incident(row);
        (i.lon, i.lat)
    };
    let (x, y) = place(other_row);
    let refused = call(
        &state,
        "POST",
        "/api/v1/lists/demands",
        Some("mine"),
        Some(&need(x, y, "road", 3)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (x, y) = place(row);
    let raised = call(
        &state,
        "POST",
        "/api/v1/lists/demands",
        Some("mine"),
        Some(&need(x, y, "road", 3)),
    )
    .await;
    assert_eq!(raised.status, StatusCode::CREATED, "{}", raised.json);
    assert_eq!(raised.json["community_id"], mine);
    // Another community's project is unknown to it.
    let theirs = e.lists.projects.iter().find(|p| {
        p.community_id == other && p.status != gridwatch::model::lists::ProjectStatus::Done
    });
    let any_other = e
        .lists
        .projects
        .iter()
        .find(|p| p.community_id != mine)
        .unwrap();
    let target = theirs.unwrap_or(any_other);
    let hidden = call(
        &state,
        "PATCH",
        &format!("/api/v1/lists/projects/{}", target.id),
        Some("mine"),
        Some(&json!({ "status": "done", "at": "2021-12-31" }).to_string()),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}
