//! Live alerts driven by the clock: on a round-the-clock calendar (a deployment's own, here
//! with a 36-second limit for street vending), an incident filed 27 s ago turns amber at
//! 80 % of it and red past it without any write, and each alert reaches an open event stream
//! within 2 s of the crossing. A write's event names the tiles that draw it.
//!
//! Its own test binary: the calendar is installed for the whole process before any data is
//! indexed.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const ROUND_THE_CLOCK: &str = r#"{
  "utc_offset": "+08:00",
  "working_hours": [["00:00", "24:00"]],
  "working_weekdays": [1, 2, 3, 4, 5, 6, 7],
  "years": [],
  "time_limits_source": "a test deployment: a command centre working round the clock",
  "time_limits_h": {"street_vending": 0.01, "drainage": 8}
}"#;

/// Reads server-sent events from `body` until `done` says so or `within` passes; returns
/// each (name, data, when it arrived).
async fn events_until(
    body: &mut Body,
    within: Duration,
    mut done: impl FnMut(&str, &Value) -> bool,
) -> Vec<(String, Value, Instant)> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    let mut buffer = String::new();
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Some(Ok(frame))) = tokio::time::timeout(left, body.frame()).await else {
            break;
        };
        let Ok(bytes) = frame.into_data() else {
            continue;
        };
        buffer.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut name = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    v.trim().clone_into(&mut name);
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if name.is_empty() {
                continue;
            }
            let data: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
            let stop = done(&name, &data);
            seen.push((name, data, Instant::now()));
            if stop {
                return seen;
            }
        }
    }
    seen
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one incident from its report to red, read top to bottom"
)]
async fn the_clock_turns_an_incident_amber_then_red_and_the_stream_says_so_within_2_s() {
    use gridwatch::model::calendar::WorkingCalendar;
    assert!(WorkingCalendar::install(
        WorkingCalendar::from_json(ROUND_THE_CLOCK).unwrap()
    ));
    let (state, _store) = common::writable(
        "alerts",
        gridwatch::api::Access::from(gridwatch::api::Tokens::parse_plain("operator:op").unwrap()),
    );
    let app = gridwatch::api::app(state.clone());
    let stream = app
        .clone()
        .oneshot(
            Request::get("/api/v1/events")
                .header("host", "test.local")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut body = stream.into_body();
    tokio::spawn(gridwatch::alerts::run(state.live.clone()));

    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    let now = chrono::Utc::now();
    let send = |method: &'static str, path: String, body: Value| {
        let app = app.clone();
        async move {
            let reply = app
                .oneshot(
                    Request::builder()
                        .method(method)
                        .uri(path)
                        .header("host", "test.local")
                        .header("authorization", "Bearer op")
                        .header("content-type", "application/json")
                        .body(Body::from(body.to_string()))
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = reply.status();
            let bytes = reply.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            )
        }
    };
    let (status, created) = send(
        "POST",
        "/api/v1/incidents".into(),
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.2, 31.03]},
            "properties": {"kind": "street_vending", "source": "patrol",
                "reported_at": local(now - chrono::Duration::seconds(60))}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["ids"][0].as_u64().unwrap();
    // Whole seconds, as the moves are written.
    let filed = chrono::DateTime::from_timestamp(now.timestamp() - 27, 0).unwrap();
    for body in [
        json!({"to": "filed", "at": local(filed)}),
        json!({"to": "dispatched", "department": "城市管理执法局", "at": local(now - chrono::Duration::seconds(20))}),
    ] {
        let (status, reply) =
            send("POST", format!("/api/v1/incidents/{id}/transitions"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["incident"]["alert"], "green", "{reply}");
    }
    // The filing's event names the tiles that draw the incident, at every zoom.
    let seen = events_until(&mut body, Duration::from_secs(60), |name, data| {
        name == "alert"
            && data["alerts"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["id"] == id && a["alert"] == "red"))
    })
    .await;
    let written = seen
        .iter()
        .find(|(name, data, _)| {
            name == "change"
                && data["incidents"]
                    .as_array()
                    .is_some_and(|i| i.iter().any(|i| i["id"] == id))
        })
        .unwrap();
    let tiles = &written.1["tiles"];
    assert_eq!(tiles["layers"], json!(["incidents", "hexbins"]));
    let spec = gridwatch::tiles::layers::Layer::Incidents.spec();
    assert!(spec.maxzoom > spec.minzoom);
    for z in spec.minzoom..=spec.maxzoom {
        let tile =
            gridwatch::tiles::tile::tiles_near(geo::Coord { x: 112.2, y: 31.03 }, z..=z, 0.0)[0];
        assert!(
            tiles["tiles"]
                .as_array()
                .unwrap()
                .contains(&json!([u32::from(z), tile.x, tile.y])),
            "zoom {z}"
        );
    }
    // Amber at 80 % of 36 s, red past 36 s: on a clock of whole seconds, 29 s and 37 s. Each
    // reaches the stream within 2 s of its instant, and not before it.
    let filed_at = Instant::now()
        .checked_sub((chrono::Utc::now() - filed).to_std().unwrap())
        .unwrap();
    for (alert, after) in [("amber", 29.0), ("red", 37.0)] {
        let (_, _, arrived) = seen
            .iter()
            .find(|(name, data, _)| {
                name == "alert"
                    && data["alerts"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|a| a["id"] == id && a["alert"] == alert))
            })
            .unwrap_or_else(|| panic!("no {alert} alert: {seen:?}"));
        let crossing = filed_at + Duration::from_secs_f64(after);
        let late = arrived.saturating_duration_since(crossing);
        assert!(
            late <= Duration::from_secs(2),
            "{alert} came {late:?} after the crossing"
        );
        assert!(
            *arrived + Duration::from_millis(50) >= crossing,
            "{alert} came {:?} before the crossing",
            crossing.saturating_duration_since(*arrived)
        );
    }
}
