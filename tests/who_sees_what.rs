//! Who sees what, in-process over a fresh GeoPackage store: incidents' personal fields reach
//! only operators and admins reading one incident; a community-bound token (static or JWT)
//! reads and writes only its communities, and another community's records do not exist for
//! it; anonymous readers get what `--anonymous` allows; a wrong token is never anonymous;
//! the server refuses anonymous full reads on a network address; a token over its rate gets a
//! 429 and the others do not notice.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
#![allow(
    clippy::too_many_lines,
    reason = "each test follows one rule through every kind of read and write"
)]

mod common;

use std::process::Command;

use axum::http::StatusCode;
use common::mvt::{decode, fetch, properties};
use common::{Reply, engine, request_with_headers, writable};
use gridwatch::api::{Access, Anonymous, AppState, Jwt, JwtKey, RateLimit, Tokens};
use gridwatch::store::Store;
use serde_json::{Value, json};

/// Two incidents' rows in different communities: (row, community id) each.
fn two_communities() -> ((usize, u64), (usize, u64)) {
    let e = engine();
    let a = (0..e.incidents.len())
        .find_map(|r| Some((r, e.community_of_incident(r)?)))
        .unwrap();
    let b = (0..e.incidents.len())
        .find_map(|r| Some((r, e.community_of_incident(r).filter(|&c| c != a.1)?)))
        .unwrap();
    (a, b)
}

fn access(anonymous: Anonymous) -> Access {
    let ((_, a), _) = two_communities();
    let spec = format!(
        "operator:op,viewer:look,operator:mine:communities={a},viewer:seer:communities={a}"
    );
    Access {
        anonymous,
        ..Tokens::parse_plain(&spec).unwrap().into()
    }
}

async fn call(
    state: &AppState,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/geo+json")];
    if let Some(a) = &auth {
        headers.push(("authorization", a));
    }
    request_with_headers(state.clone(), method, path, body, &headers).await
}

async fn get(state: &AppState, path: &str, token: Option<&str>) -> Reply {
    call(state, "GET", path, token, None).await
}

/// An incident at the place of incident `row`, with personal fields.
fn report_at(row: usize, name: &str) -> String {
    let i = engine().incidents.incident(row);
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [i.lon, i.lat] },
            "properties": { "kind": "dispute", "reported_at": "2022-05-01T10:00:00+08:00", "source": "hotline",
                            "reporter_name": name, "reporter_phone": "138-0000-1234", "note": "楼道堆物，夜间吵闹" } })
    .to_string()
}

/// The slippy tile of a point at zoom `z`.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

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

    let leaks = |v: &Value| {
        let text = v.to_string();
        text.contains("张三丰") || text.contains("138-0000") || text.contains("楼道堆物")
    };
    for token in [Some("look"), None] {
        let reply = get(&state, &path, token).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(!leaks(&reply.json), "{token:?} saw personal fields");
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
    assert!(!leaks(&hexbins.json));
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

#[tokio::test]
async fn anonymous_readers_get_what_the_setting_allows() {
    let (state, _) = writable("aggregate", access(Anonymous::Aggregate));
    let hexbins = get(
        &state,
        "/api/v1/hexbins?res=11&from=2019-01-01&to=2022-12-31",
        None,
    )
    .await;
    assert_eq!(hexbins.status, StatusCode::OK);
    let features = hexbins.json["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["count"].as_u64().unwrap() >= 3)
    );
    assert!(features.iter().all(|f| {
        f["properties"]["counts"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n.as_u64().unwrap() >= 3)
    }));
    assert!(
        hexbins.json["summary"]["suppressed_cells"]
            .as_u64()
            .unwrap()
            > 0
    );
    // The same question with a token is answered whole (the cache keeps them apart).
    let whole = get(
        &state,
        "/api/v1/hexbins?res=11&from=2019-01-01&to=2022-12-31",
        Some("look"),
    )
    .await;
    assert!(
        whole.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["count"].as_u64().unwrap() < 3)
    );
    let grids = get(
        &state,
        "/api/v1/stats/grids?from=2021-03-01&to=2021-03-03",
        None,
    )
    .await;
    assert_eq!(grids.status, StatusCode::OK);
    let grids = grids.json["features"].as_array().unwrap();
    assert!(grids.iter().any(|f| f["properties"]["suppressed"] == true));
    assert!(grids.iter().all(|f| {
        f["properties"]["count"].is_null()
            || f["properties"]["count"]
                .as_u64()
                .is_some_and(|n| n == 0 || n >= 3)
    }));
    for closed in [
        "/ogc/collections/incidents/items",
        "/ogc/collections/incidents/items/1",
        "/ogc/collections/patrol_tracks/items",
        "/api/v1/events",
        "/api/v1/patrol/teams",
    ] {
        let reply = get(&state, closed, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{closed}");
        assert_eq!(reply.content_type, "application/problem+json");
    }
    assert_eq!(
        get(
            &state,
            "/ogc/collections/incidents/items?limit=1",
            Some("look")
        )
        .await
        .status,
        StatusCode::OK
    );
    for open in [
        "/",
        "/healthz",
        "/ogc/collections/communities/items?limit=1",
        "/tiles/style.json",
        "/api/v1/access/gaps",
    ] {
        assert_eq!(
            get(&state, open, None).await.status,
            StatusCode::OK,
            "{open}"
        );
    }
    // Incident tiles draw counts of at least 3, never points.
    let i = engine().incidents.incident(0);
    let (x, y) = tile_of(i.lon, i.lat, 16);
    let tile = fetch(
        &state,
        &format!("/tiles/incidents/16/{x}/{y}.mvt?from=2019-01-01&to=2022-12-31"),
        &[],
    )
    .await;
    if tile.status == StatusCode::OK {
        let layers = decode(&tile.bytes);
        let layer = &layers["incidents"];
        for f in 0..layer.features.len() {
            let p = properties(layer, f);
            assert!(
                !p.contains_key("kind"),
                "a point reached an anonymous reader"
            );
            assert!(p["point_count"].uint_value.unwrap() >= 3);
        }
    } else {
        assert_eq!(tile.status, StatusCode::NO_CONTENT);
    }

    let (closed, _) = writable("anonymous-none", access(Anonymous::None));
    assert_eq!(
        get(&closed, "/api/v1/hexbins", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&closed, "/ogc/collections/communities/items?limit=1", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(get(&closed, "/healthz", None).await.status, StatusCode::OK);
    assert_eq!(get(&closed, "/", None).await.status, StatusCode::OK);
    assert_eq!(
        get(&closed, "/api/v1/hexbins", Some("look")).await.status,
        StatusCode::OK
    );
    // A wrong token is refused, never read as anonymous.
    let (open, _) = writable("anonymous-full", access(Anonymous::Full));
    assert_eq!(
        get(&open, "/api/v1/hexbins", Some("wrong")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&open, "/api/v1/hexbins", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn jwt_claims_name_the_role_and_communities() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let secret = b"shared with the identity provider";
    let ((row_a, a), (row_b, _)) = two_communities();
    let (state, _) = writable(
        "jwt",
        Access {
            jwt: Some(
                Jwt::new(
                    &JwtKey::Secret(secret.to_vec()),
                    "https://idp.example",
                    "gridwatch",
                )
                .unwrap(),
            ),
            ..Access::from(Tokens::none())
        },
    );
    let token = |claims: Value| {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let later = chrono::Utc::now().timestamp() + 600;
    let bound = token(
        json!({ "role": "viewer", "communities": [a], "exp": later, "iss": "https://idp.example", "aud": "gridwatch" }),
    );
    let e = engine();
    let item = |row: usize| {
        format!(
            "/ogc/collections/incidents/items/{}",
            e.incidents.incident(row).id
        )
    };
    assert_eq!(
        get(&state, &item(row_a), Some(&bound)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&state, &item(row_b), Some(&bound)).await.status,
        StatusCode::NOT_FOUND
    );
    let expired = token(
        json!({ "role": "viewer", "exp": later - 7_200, "iss": "https://idp.example", "aud": "gridwatch" }),
    );
    let foreign = token(
        json!({ "role": "viewer", "exp": later, "iss": "https://idp.example", "aud": "another-app" }),
    );
    for bad in [expired, foreign] {
        assert_eq!(
            get(&state, &item(row_a), Some(&bad)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // A viewer JWT may not write; an operator's may, in its community only.
    let viewer_write = call(
        &state,
        "POST",
        "/api/v1/incidents",
        Some(&bound),
        Some(&report_at(row_a, "x")),
    )
    .await;
    assert_eq!(viewer_write.status, StatusCode::FORBIDDEN);
    let operator = token(
        json!({ "role": "operator", "communities": [a], "exp": later, "iss": "https://idp.example", "aud": "gridwatch" }),
    );
    assert_eq!(
        call(
            &state,
            "POST",
            "/api/v1/incidents",
            Some(&operator),
            Some(&report_at(row_a, "x"))
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        call(
            &state,
            "POST",
            "/api/v1/incidents",
            Some(&operator),
            Some(&report_at(row_b, "x"))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[test]
fn anonymous_full_reads_on_a_network_address_need_saying_so() {
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gridwatch"))
            .args([
                "serve",
                "--read-only",
                "--data",
                "/nonexistent-dataset",
                "--listen",
                "0.0.0.0:0",
            ])
            .args(extra)
            .env_remove("GRIDWATCH_ANONYMOUS")
            .output()
            .unwrap()
    };
    let refused = run(&[]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("anonymous"), "{said}");
    // Told explicitly (or with less for anonymous readers) it goes on, and fails only later, on
    // the missing dataset.
    for extra in [
        &["--anonymous-full-on-network"][..],
        &["--anonymous", "aggregate"][..],
    ] {
        let later = run(extra);
        assert!(!later.status.success());
        let said = String::from_utf8_lossy(&later.stderr);
        assert!(!said.contains("refusing to serve"), "{said}");
    }
}

#[tokio::test]
async fn a_token_over_its_rate_waits_and_the_others_do_not() {
    let (state, _) = writable(
        "rate",
        Access {
            rate: Some(RateLimit::per_second(std::num::NonZeroU32::new(2).unwrap())),
            ..access(Anonymous::Full)
        },
    );
    // A burst of twice the rate passes; the next is refused with the wait.
    for _ in 0..4 {
        assert_eq!(
            get(&state, "/readyz", Some("look")).await.status,
            StatusCode::OK
        );
    }
    let refused = get(&state, "/readyz", Some("look")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.content_type, "application/problem+json");
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // Another token and anonymous readers are not held back.
    assert_eq!(
        get(&state, "/readyz", Some("op")).await.status,
        StatusCode::OK
    );
    assert_eq!(get(&state, "/readyz", None).await.status, StatusCode::OK);
    // After the wait the token is served again.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        get(&state, "/readyz", Some("look")).await.status,
        StatusCode::OK
    );
    let metrics = fetch(&state, "/metrics", &[]).await;
    let text = String::from_utf8(metrics.bytes).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("gridwatch_rate_limited_total") && !l.ends_with(" 0")),
        "the refusal is counted"
    );
}
