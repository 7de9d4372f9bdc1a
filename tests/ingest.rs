//! The write API over HTTP, in-process: tokens and roles, bad bodies, CSV, GPX, datums, and
//! that a refused request writes nothing.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::fmt::Write as _;
use std::sync::Arc;

use axum::http::StatusCode;
use common::{Reply, engine, request_with_headers};
use gridwatch::api::{AppState, Tokens};
use gridwatch::index::Engine;
use gridwatch::live::Live;
use gridwatch::model::datum::{gcj02_to_bd09, wgs84_to_gcj02};
use gridwatch::store::Store;
use gridwatch::store::gpkg::GpkgStore;
use serde_json::json;

const TOKENS: &str = "operator:op-token,admin:admin-token,viewer:view-token";

/// A writable server over a fresh GeoPackage store.
fn server(name: &str) -> (AppState, Arc<GpkgStore>) {
    common::writable(
        &format!("ingest-{name}"),
        Tokens::parse_plain(TOKENS).unwrap().into(),
    )
}

async fn post(
    state: &AppState,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", content_type)];
    if let Some(a) = &auth {
        headers.push(("authorization", a));
    }
    request_with_headers(state.clone(), "POST", path, Some(body), &headers).await
}

fn one_incident(lon: f64, lat: f64) -> String {
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [lon, lat] },
            "properties": { "kind": "safety_hazard", "reported_at": "2022-05-01T10:00:00+08:00", "source": "grid_worker" } })
    .to_string()
}

async fn stored_incidents(store: &GpkgStore) -> usize {
    store.load().await.unwrap().incidents.len()
}

#[tokio::test]
async fn writes_need_a_token_of_the_right_role() {
    let body = one_incident(112.2, 31.03);
    let no_tokens = AppState::new(Engine::clone(&engine()));
    let refused = post(
        &no_tokens,
        "/api/v1/incidents",
        Some("anything"),
        "application/geo+json",
        &body,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.json["detail"]
            .as_str()
            .unwrap()
            .contains("GRIDWATCH_TOKENS")
    );

    let read_only = AppState::with_live(
        Live::new(Engine::clone(&engine()), None),
        Tokens::parse_plain(TOKENS).unwrap(),
    );
    let missing = post(
        &read_only,
        "/api/v1/incidents",
        None,
        "application/geo+json",
        &body,
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.headers["www-authenticate"],
        "Bearer realm=\"gridwatch\""
    );
    assert_eq!(missing.content_type, "application/problem+json");
    assert_eq!(
        post(
            &read_only,
            "/api/v1/incidents",
            Some("guess"),
            "application/geo+json",
            &body
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(
            &read_only,
            "/api/v1/incidents",
            Some("view-token"),
            "application/geo+json",
            &body
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let no_store = post(
        &read_only,
        "/api/v1/incidents",
        Some("op-token"),
        "application/geo+json",
        &body,
    )
    .await;
    assert_eq!(
        no_store.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "a server without a store cannot write"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_bodies_are_refused_and_change_nothing() {
    let (state, store) = server("bad");
    let before = stored_incidents(&store).await;
    let huge = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        vec![one_incident(112.2, 31.03); 60_000].join(",")
    );
    for (content_type, body, status) in [
        (
            "application/geo+json",
            huge.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "application/x-www-form-urlencoded",
            "kind=dispute",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/geo+json",
            "{\"type\": \"Feature\",",
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/geo+json",
            "{\"type\": \"Polygon\"}",
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/geo+json",
            "{\"type\": \"FeatureCollection\", \"features\": []}",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "text/csv",
            "lon,lat,kind,reported_at,source,grid_id\n112.2,31.03,dispute,2022-01-01,hotline,5\n",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "text/csv",
            "lon,lat,kind,reported_at,source\n112.2,NaN,dispute,2022-01-01,hotline\n",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let reply = post(
            &state,
            "/api/v1/incidents",
            Some("op-token"),
            content_type,
            body,
        )
        .await;
        assert_eq!(
            reply.status,
            status,
            "{content_type} {}: {}",
            &body[..body.len().min(60)],
            reply.json
        );
        assert_eq!(reply.content_type, "application/problem+json");
    }
    let unknown_datum = post(
        &state,
        "/api/v1/incidents?datum=utm",
        Some("op-token"),
        "application/geo+json",
        &one_incident(112.2, 31.03),
    )
    .await;
    assert_eq!(unknown_datum.status, StatusCode::BAD_REQUEST);
    let patch = request_with_headers(
        state.clone(),
        "PATCH",
        "/api/v1/incidents/999999",
        Some("{\"status\":\"resolved\"}"),
        &[("authorization", "Bearer op-token")],
    )
    .await;
    assert_eq!(patch.status, StatusCode::NOT_FOUND);
    let backwards = request_with_headers(
        state.clone(),
        "PATCH",
        "/api/v1/incidents/1",
        Some("{\"status\":\"open\"}"),
        &[("authorization", "Bearer op-token")],
    )
    .await;
    assert_eq!(backwards.status, StatusCode::CONFLICT, "{}", backwards.json);
    assert_eq!(
        stored_incidents(&store).await,
        before,
        "nothing was written"
    );
    assert_eq!(state.engine().incidents.len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_batches_and_chinese_map_datums() {
    let (state, store) = server("csv");
    let csv = "lon,lat,kind,reported_at,source,status,resolved_at\n\
               112.2,31.03,street_vending,2022-06-01T18:00:00+08:00,patrol,resolved,2022-06-01T19:00:00+08:00\n\
               112.25,31.05,petition,2022-06-02,party_member,,\n";
    let created = post(
        &state,
        "/api/v1/incidents",
        Some("op-token"),
        "text/csv; charset=utf-8",
        csv,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["count"], 2);

    // The same WGS 84 point, sent as an Amap (GCJ-02) and a Baidu (BD-09) user would see it.
    let (lon, lat) = (112.205_123, 31.034_567);
    let gcj = wgs84_to_gcj02(lon, lat);
    let bd = gcj02_to_bd09(gcj.0, gcj.1);
    let e = engine();
    let expected_grid = e.place(geo::Coord { x: lon, y: lat }).0;
    for (datum, (x, y)) in [("gcj02", gcj), ("bd09", bd)] {
        let reply = post(
            &state,
            &format!("/api/v1/incidents?datum={datum}"),
            Some("op-token"),
            "application/geo+json",
            &one_incident(x, y),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{datum}: {}", reply.json);
        let id = reply.json["ids"][0].as_u64().unwrap();
        let now = state.engine();
        let row = now.incidents.row(id).unwrap();
        let metres = ((now.incidents.lon[row] - lon) * 95_000.0)
            .hypot((now.incidents.lat[row] - lat) * 111_000.0);
        assert!(
            metres < 0.05,
            "{datum}: stored {metres} m from the WGS 84 point"
        );
        let grid = now.incidents.grid[row];
        assert_eq!(
            (grid != gridwatch::index::NONE).then(|| now.grids.items()[grid as usize].id),
            expected_grid
        );
    }
    assert_eq!(stored_incidents(&store).await, 73_189);
}

#[tokio::test(flavor = "multi_thread")]
async fn patrol_tracks_from_gpx_and_geojson() {
    let (state, _store) = server("tracks");
    let gpx = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>walk</name><trkseg>
    <trkpt lat="31.0300" lon="112.2000"><time>2022-03-01T01:00:00Z</time></trkpt>
    <trkpt lat="31.0310" lon="112.2010"><time>2022-03-01T01:04:00Z</time></trkpt>
    <trkpt lat="31.0320" lon="112.2015"><time>2022-03-01T01:09:30Z</time></trkpt>
  </trkseg></trk>
</gpx>"#;
    let route = engine().patrol_routes.items()[4].clone();
    let created = post(
        &state,
        &format!("/api/v1/patrol/tracks?route_id={}", route.id),
        Some("op-token"),
        "application/gpx+xml",
        gpx,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["points"], 3);
    let track = state
        .engine()
        .patrol_tracks
        .get(created.json["id"].as_u64().unwrap())
        .cloned()
        .unwrap();
    assert_eq!(
        track.community_id, route.community_id,
        "the community comes from the route"
    );
    assert_eq!(
        track.times,
        vec![1_646_096_400, 1_646_096_640, 1_646_096_970]
    );
    assert_eq!(track.ended_at - track.started_at, 570);

    let untimed = gpx.replace("<time>2022-03-01T01:04:00Z</time>", "");
    let reply = post(
        &state,
        &format!("/api/v1/patrol/tracks?route_id={}", route.id),
        Some("op-token"),
        "application/gpx+xml",
        &untimed,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.json["detail"].as_str().unwrap().contains("point 2"),
        "{}",
        reply.json
    );

    let mismatched = json!({ "type": "Feature", "geometry": { "type": "LineString", "coordinates": [[112.2, 31.03], [112.201, 31.031]] },
        "properties": { "community_id": route.community_id, "times": ["2022-03-01T09:00:00+08:00"] } });
    let reply = post(
        &state,
        "/api/v1/patrol/tracks",
        Some("op-token"),
        "application/geo+json",
        &mismatched.to_string(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_owner = json!({ "type": "Feature", "geometry": { "type": "LineString", "coordinates": [[112.2, 31.03], [112.201, 31.031]] },
        "properties": { "route_id": route.id, "community_id": route.community_id + 1, "times": ["2022-03-01T09:00:00+08:00", "2022-03-01T09:01:00+08:00"] } });
    let reply = post(
        &state,
        "/api/v1/patrol/tracks",
        Some("op-token"),
        "application/geo+json",
        &wrong_owner.to_string(),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.json
    );
}

/// An open `GET /api/v1/events` stream, read event by event.
struct Events(axum::body::Body);

impl Events {
    async fn open(state: &AppState, last_event_id: Option<&str>) -> Self {
        use tower::ServiceExt;
        let mut request = axum::http::Request::builder()
            .uri("/api/v1/events")
            .header("host", "test.local");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = gridwatch::api::app(state.clone())
            .oneshot(request.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self(response.into_body())
    }

    /// The next event's name, id and data (fails after 5 s without one).
    async fn next(&mut self) -> (String, String, serde_json::Value) {
        use http_body_util::BodyExt;
        let mut text = String::new();
        loop {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(5), self.0.frame())
                .await
                .expect("an event within 5 s")
                .unwrap()
                .unwrap();
            if let Ok(data) = frame.into_data() {
                text.push_str(std::str::from_utf8(&data).unwrap());
            }
            if text.contains("\n\n") {
                break;
            }
        }
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let data = serde_json::from_str(&field("data")).unwrap();
        (field("event"), field("id"), data)
    }
}

/// Every committed write is one event on the stream, with what a viewer may see of its
/// incidents; a client reconnecting with `Last-Event-ID` first gets what it missed, and one
/// whose id the server does not know gets a reset.
#[tokio::test]
async fn writes_are_announced_on_the_event_stream_and_missed_ones_replayed() {
    let (state, _store) = server("events");
    let mut live = Events::open(&state, None).await;
    let first = post(
        &state,
        "/api/v1/incidents",
        Some("op-token"),
        "application/geo+json",
        &one_incident(112.2, 31.03),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.json["ids"][0].as_u64().unwrap();
    let (event, event_id, change) = live.next().await;
    assert_eq!(event, "change");
    assert_eq!(change["incidents"][0]["id"], id);
    assert_eq!(change["incidents"][0]["kind"], "safety_hazard");
    assert_eq!(change["incidents"][0]["lon"], 112.2);
    assert!(change["incidents"][0]["grid_id"].is_u64(), "{change}");
    assert_eq!(change["version"], state.engine().version);
    assert_eq!(change["incident_count"], 1);
    // The fields, in name order (serde_json keeps insertion order once any dependency asks
    // for `preserve_order`, as the cql2 crate's do).
    let mut fields: Vec<&String> = change["incidents"][0].as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "community_id",
            "grid_id",
            "id",
            "kind",
            "lat",
            "lon",
            "reported_at",
            "status"
        ]
    );

    // A status change and a new incident while the client is away.
    let patched = request_with_headers(
        state.clone(),
        "PATCH",
        &format!("/api/v1/incidents/{id}"),
        Some(r#"{"status":"assigned"}"#),
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer op-token"),
        ],
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK);
    let second = post(
        &state,
        "/api/v1/incidents",
        Some("op-token"),
        "application/geo+json",
        &one_incident(112.21, 31.02),
    )
    .await;
    let mut resumed = Events::open(&state, Some(&event_id)).await;
    let (_, _, missed) = resumed.next().await;
    assert_eq!(missed["incidents"][0]["id"], id);
    assert_eq!(missed["incidents"][0]["status"], "assigned");
    let (_, _, missed) = resumed.next().await;
    assert_eq!(missed["incidents"][0]["id"], second.json["ids"][0]);

    let mut stale = Events::open(&state, Some("1-999")).await;
    assert_eq!(stale.next().await.0, "reset");

    // A big batch is announced by its count, not listed.
    let mut csv = String::from("lon,lat,kind,reported_at,source\n");
    for i in 0..501 {
        writeln!(
            csv,
            "{},31.02,dispute,2022-01-01T08:00:00+08:00,hotline",
            112.2 + f64::from(i) * 1e-5
        )
        .unwrap();
    }
    let mut live = Events::open(&state, None).await;
    let batch = post(
        &state,
        "/api/v1/incidents",
        Some("op-token"),
        "text/csv",
        &csv,
    )
    .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.json);
    let (_, _, change) = live.next().await;
    assert_eq!(change["incident_count"], 501);
    assert_eq!(change["incidents"].as_array().unwrap().len(), 0);
}
