//! Who sees what, in-process over a fresh GeoPackage store: incidents' personal fields reach
//! only operators and admins reading one incident; a community-bound token reads and writes
//! only its communities, and another community's records do not exist for it. The anonymous
//! settings, JWTs, protected mode and rate limits are in `tests/anonymous_and_jwt.rs`.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
#![allow(
    clippy::too_many_lines,
    reason = "each test follows one rule through every kind of read and write"
)]

mod common;

use axum::http::StatusCode;
use common::callers::{access, call, get, report_at, tile_of, two_communities};
use common::mvt::{decode, fetch, properties};
use common::{engine, request_with_headers, writable};
use gridwatch::api::Anonymous;
use gridwatch::store::Store;
use serde_json::{Value, json};

#[tokio::test]
async fn personal_fields_reach_only_operators_reading_one_incident() {
    let (state, store) = writable("personal", access(Anonymous::Full));
    let ((row, _), _) = two_communities();
    let (mut changes, _) = state.live.feed().subscribe(None);
    let posted = call(
        &state,
        "POST",
        "/api/v1/incidents",
        Some("op"),
        Some(&report_at(row, "张三丰")),
    )
    .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.json);
    let id = posted.json["ids"][0].as_u64().unwrap();
    let path = format!("/ogc/collections/incidents/items/{id}");

    let operator = get(&state, &path, Some("op")).await;
    assert_eq!(operator.status, StatusCode::OK);
    assert_eq!(operator.json["properties"]["reporter_name"], "张三丰");
    assert_eq!(
        operator.json["properties"]["reporter_phone"],
        "138-0000-1234"
    );
    assert_eq!(operator.json["properties"]["note"], "楼道堆物，夜间吵闹");
    assert_eq!(operator.headers["cache-control"], "private, no-store");
    assert_eq!(
        store
            .personal(id)
            .await
            .unwrap()
            .unwrap()
            .reporter_name
            .as_deref(),
        Some("张三丰")
    );

    // Looked for in the raw body, so a body that is not JSON is looked at too.
    let leaks_text = |text: &str| {
        text.contains("张三丰") || text.contains("138-0000") || text.contains("楼道堆物")
    };
    let leaks = |v: &Value| leaks_text(&v.to_string());
    for token in [Some("look"), None] {
        let reply = get(&state, &path, token).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(!leaks_text(&reply.body), "{token:?} saw personal fields");
        assert!(reply.json["properties"].get("reporter_name").is_none());
    }
    // Lists, even for an operator, and analytics.
    let i = engine().incidents.incident(row);
    let bbox = format!(
        "{},{},{},{}",
        i.lon - 0.001,
        i.lat - 0.001,
        i.lon + 0.001,
        i.lat + 0.001
    );
    for token in [Some("op"), Some("look"), None] {
        let list = get(
            &state,
            &format!("/ogc/collections/incidents/items?bbox={bbox}&limit=1000"),
            token,
        )
        .await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!leaks_text(&list.body));
        assert!(
            list.json["features"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["id"] == id)
        );
        assert!(!leaks(&list.json));
    }
    let hexbins = get(
        &state,
        &format!("/api/v1/hexbins?res=11&bbox={bbox}"),
        Some("op"),
    )
    .await;
    assert_eq!(hexbins.status, StatusCode::OK, "{}", hexbins.body);
    assert!(!hexbins.json["features"].as_array().unwrap().is_empty());
    assert!(!leaks_text(&hexbins.body));
    // The events stream carries the write without them.
    let change = changes.try_recv().unwrap();
    let sent = serde_json::to_value(&*change).unwrap();
    assert!(
        sent["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id)
    );
    assert!(!leaks(&sent));
    // Tiles at every zoom that draws the point.
    for z in [12, 14, 16] {
        let (x, y) = tile_of(i.lon, i.lat, z);
        let tile = fetch(
            &state,
            &format!("/tiles/incidents/{z}/{x}/{y}.mvt"),
            &[("authorization", "Bearer op")],
        )
        .await;
        assert_eq!(tile.status, StatusCode::OK, "z{z}");
        let bytes = String::from_utf8_lossy(&tile.bytes);
        assert!(
            !bytes.contains("张三丰") && !bytes.contains("138-0000"),
            "z{z}"
        );
    }
    // Bad personal fields are refused and write nothing.
    let before = store.load().await.unwrap().incidents.len();
    for (field, value) in [
        ("reporter_phone", "call me maybe"),
        ("reporter_name", "a\u{7}b"),
        ("note", &"很".repeat(2_001)),
    ] {
        let mut body: Value = serde_json::from_str(&report_at(row, "李四")).unwrap();
        body["properties"][field] = json!(value);
        let refused = call(
            &state,
            "POST",
            "/api/v1/incidents",
            Some("op"),
            Some(&body.to_string()),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(refused.json["detail"].as_str().unwrap().contains(field));
    }
    assert_eq!(store.load().await.unwrap().incidents.len(), before);
    // CSV carries them too.
    let csv = format!(
        "lon,lat,kind,reported_at,source,reporter_name\n{},{},dispute,2022-05-02T10:00:00+08:00,hotline,王五\n",
        i.lon, i.lat
    );
    let reply = request_with_headers(
        state.clone(),
        "POST",
        "/api/v1/incidents",
        Some(&csv),
        &[("content-type", "text/csv"), ("authorization", "Bearer op")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    let id = reply.json["ids"][0].as_u64().unwrap();
    let read = get(
        &state,
        &format!("/ogc/collections/incidents/items/{id}"),
        Some("op"),
    )
    .await;
    assert_eq!(read.json["properties"]["reporter_name"], "王五");
    assert_eq!(read.json["properties"]["reporter_phone"], Value::Null);
}

#[tokio::test]
async fn a_community_bound_token_sees_and_writes_only_its_communities() {
    let (state, store) = writable("bound", access(Anonymous::Full));
    let ((row_a, a), (row_b, b)) = two_communities();
    let data = engine();
    let id_a = data.incidents.incident(row_a).id;
    let id_b = data.incidents.incident(row_b).id;

    // Single items: another community's incident does not exist.
    let item = |id: u64| format!("/ogc/collections/incidents/items/{id}");
    assert_eq!(
        get(&state, &item(id_a), Some("seer")).await.status,
        StatusCode::OK
    );
    let hidden = get(&state, &item(id_b), Some("seer")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&state, &item(id_b), Some("look")).await.status,
        StatusCode::OK
    );
    let missing = get(&state, &item(999_999_999), Some("seer")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Lists hold only its community, as many as an unbound reader filtering for it.
    let mine = get(
        &state,
        "/ogc/collections/incidents/items?limit=10000",
        Some("seer"),
    )
    .await;
    let filtered = get(
        &state,
        &format!("/ogc/collections/incidents/items?limit=1&community_id={a}"),
        Some("look"),
    )
    .await;
    assert_eq!(mine.json["numberMatched"], filtered.json["numberMatched"]);
    assert!(
        mine.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == a)
    );
    let other = get(
        &state,
        &format!("/ogc/collections/incidents/items?community_id={b}"),
        Some("seer"),
    )
    .await;
    assert_eq!(other.json["numberMatched"], 0);

    // Tracks: another community's is a 404, lists hold only its own.
    let track_b = data
        .patrol_tracks
        .items()
        .iter()
        .find(|t| t.community_id != a)
        .unwrap()
        .id;
    assert_eq!(
        get(
            &state,
            &format!("/ogc/collections/patrol_tracks/items/{track_b}"),
            Some("seer")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let tracks = get(
        &state,
        "/ogc/collections/patrol_tracks/items?limit=10000",
        Some("seer"),
    )
    .await;
    let expected = data
        .patrol_tracks
        .items()
        .iter()
        .filter(|t| t.community_id == a)
        .count();
    assert_eq!(tracks.json["numberMatched"], expected);

    // Analytics count only its incidents; another community is as unknown as a missing one.
    let all = get(
        &state,
        "/api/v1/hexbins?from=2019-01-01&to=2022-12-31",
        Some("seer"),
    )
    .await;
    let same = get(
        &state,
        &format!("/api/v1/hexbins?from=2019-01-01&to=2022-12-31&community={a}"),
        Some("look"),
    )
    .await;
    assert_eq!(all.json["summary"]["total"], same.json["summary"]["total"]);
    assert!(all.json["summary"]["total"].as_u64().unwrap() > 0);
    let everyone = get(
        &state,
        "/api/v1/hexbins?from=2019-01-01&to=2022-12-31",
        Some("look"),
    )
    .await;
    assert!(everyone.json["summary"]["total"].as_u64() > all.json["summary"]["total"].as_u64());
    let asked_b = get(
        &state,
        &format!("/api/v1/hexbins?community={b}"),
        Some("seer"),
    )
    .await;
    let unknown = get(&state, "/api/v1/hexbins?community=987654", Some("seer")).await;
    assert_eq!(asked_b.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        asked_b.json["detail"]
            .as_str()
            .unwrap()
            .replace(&b.to_string(), "X"),
        unknown.json["detail"]
            .as_str()
            .unwrap()
            .replace("987654", "X")
    );
    let teams = get(&state, "/api/v1/patrol/teams", Some("seer")).await;
    assert_eq!(teams.status, StatusCode::OK, "{}", teams.json);
    assert!(
        teams.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == a)
    );
    assert_eq!(
        get(
            &state,
            &format!("/api/v1/patrol/timing?community={b}"),
            Some("seer")
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(
            &state,
            &format!("/api/v1/patrol/dosage?track={track_b}"),
            Some("seer")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Tiles: the same tile counts fewer for it, in either order (no cached tile crosses over).
    let count = |bytes: &[u8]| -> u64 {
        let layers = decode(bytes);
        let Some(layer) = layers.get("hexbins") else {
            return 0;
        };
        (0..layer.features.len())
            .map(|f| properties(layer, f)["count"].uint_value.unwrap())
            .sum()
    };
    let seen = data.incidents.incident(row_a);
    let (x, y) = tile_of(seen.lon, seen.lat, 10);
    let path = format!("/tiles/hexbins/10/{x}/{y}.mvt?from=2019-01-01&to=2022-12-31");
    let wide = count(
        &fetch(&state, &path, &[("authorization", "Bearer look")])
            .await
            .bytes,
    );
    let narrow = count(
        &fetch(&state, &path, &[("authorization", "Bearer seer")])
            .await
            .bytes,
    );
    let wide_again = count(
        &fetch(&state, &path, &[("authorization", "Bearer look")])
            .await
            .bytes,
    );
    assert!(narrow > 0 && narrow < wide, "{narrow} < {wide}");
    assert_eq!(wide, wide_again);
    assert_eq!(narrow, same.json["summary"]["total"].as_u64().unwrap());

    // Writes: only inside its communities; another community's incident cannot be changed.
    let before = store.load().await.unwrap().incidents.len();
    let refused = call(
        &state,
        "POST",
        "/api/v1/incidents",
        Some("mine"),
        Some(&report_at(row_b, "x")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    assert_eq!(store.load().await.unwrap().incidents.len(), before);
    let patched = call(
        &state,
        "PATCH",
        &format!("/api/v1/incidents/{id_b}"),
        Some("mine"),
        Some(r#"{"status":"assigned"}"#),
    )
    .await;
    assert_eq!(patched.status, StatusCode::NOT_FOUND);
    let accepted = call(
        &state,
        "POST",
        "/api/v1/incidents",
        Some("mine"),
        Some(&report_at(row_a, "x")),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.json);
    assert_eq!(store.load().await.unwrap().incidents.len(), before + 1);
}

/// The committee's match and the inspection plan: a community-bound token matches only its
/// communities' needs, and another community is as unknown as a missing one.
#[tokio::test]
async fn a_community_bound_token_matches_and_plans_only_in_its_communities() {
    let (state, _store) = writable("bound-lists", access(Anonymous::Full));
    let ((_, a), (_, b)) = two_communities();
    let mine = call(
        &state,
        "POST",
        "/api/v1/lists/match?max_walk_m=5000",
        Some("seer"),
        None,
    )
    .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.json);
    let s = &mine.json["summary"];
    assert!(s["demand_items"].as_u64().unwrap() > 0, "{s}");
    assert!(
        mine.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == a)
    );
    assert!(
        s["unmet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["community_id"] == a)
    );
    let everyone = call(
        &state,
        "POST",
        "/api/v1/lists/match?max_walk_m=5000",
        Some("look"),
        None,
    )
    .await;
    assert!(
        everyone.json["summary"]["demand_items"].as_u64() > s["demand_items"].as_u64(),
        "an unbound reader sees more needs"
    );
    let other = call(
        &state,
        "POST",
        &format!("/api/v1/lists/match?community={b}"),
        Some("seer"),
        None,
    )
    .await;
    let missing = call(
        &state,
        "POST",
        "/api/v1/lists/match?community=987654",
        Some("seer"),
        None,
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.json["detail"]
            .as_str()
            .unwrap()
            .replace(&b.to_string(), "X"),
        missing.json["detail"]
            .as_str()
            .unwrap()
            .replace("987654", "X")
    );
    let data = engine();
    let station = data.resources.items()[0].geometry;
    let body = |c: u64| {
        json!({"start": [station.x(), station.y()], "budget_min": 60, "communities": [c]})
            .to_string()
    };
    let planned = call(
        &state,
        "POST",
        "/api/v1/inspections/plan",
        Some("seer"),
        Some(&body(b)),
    )
    .await;
    assert_eq!(planned.status, StatusCode::NOT_FOUND, "{}", planned.json);
    let round = call(
        &state,
        "POST",
        "/api/v1/inspections/plan",
        Some("seer"),
        Some(&json!({"start": [station.x(), station.y()], "budget_min": 240}).to_string()),
    )
    .await;
    assert_eq!(round.status, StatusCode::OK, "{}", round.json);
    assert!(
        round.json["summary"]["candidates"].as_u64().unwrap() > 0,
        "{}",
        round.json
    );
    assert!(
        round.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == a)
    );
}
