//! Who sees what, continued: anonymous readers get what `--anonymous` allows (counts with
//! small cells suppressed, or nothing); a wrong token is never anonymous; JWT claims name the
//! role and communities; the server refuses anonymous full reads on a network address; a token
//! over its rate gets a 429 and the others do not notice.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
#![allow(
    clippy::too_many_lines,
    reason = "each test follows one rule through every kind of read"
)]

mod common;

use std::process::Command;

use axum::http::StatusCode;
use common::callers::{access, call, get, report_at, tile_of, two_communities};
use common::mvt::{decode, fetch, properties};
use common::{engine, writable};
use gridwatch::api::{Access, Anonymous, Jwt, JwtKey, RateLimit, Tokens};
use serde_json::{Value, json};

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
    // Incident tiles draw counts of at least 3, never points: the z16 tile with the most
    // incidents, so there is something to draw.
    let e = engine();
    let mut per_tile: std::collections::HashMap<(u32, u32), usize> =
        std::collections::HashMap::new();
    for row in 0..e.incidents.len() {
        let i = e.incidents.incident(row);
        *per_tile.entry(tile_of(i.lon, i.lat, 16)).or_default() += 1;
    }
    let ((x, y), _) = per_tile
        .into_iter()
        .max_by_key(|&(tile, n)| (n, std::cmp::Reverse(tile)))
        .unwrap();
    let tile = fetch(
        &state,
        &format!("/tiles/incidents/16/{x}/{y}.mvt?from=2019-01-01&to=2022-12-31"),
        &[],
    )
    .await;
    assert_eq!(tile.status, StatusCode::OK);
    {
        let layers = decode(&tile.bytes);
        let layer = &layers["incidents"];
        assert!(
            !layer.features.is_empty(),
            "the busiest tile draws its counts"
        );
        for f in 0..layer.features.len() {
            let p = properties(layer, f);
            assert!(
                !p.contains_key("kind"),
                "a point reached an anonymous reader"
            );
            assert!(p["point_count"].uint_value.unwrap() >= 3);
        }
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
    // The same bound operator writes in its community and is refused in another.
    for (row, expected) in [(row_a, StatusCode::CREATED), (row_b, StatusCode::FORBIDDEN)] {
        let written = call(
            &state,
            "POST",
            "/api/v1/incidents",
            Some(&operator),
            Some(&report_at(row, "x")),
        )
        .await;
        assert_eq!(written.status, expected);
    }
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
            rate: Some(RateLimit::per_second(std::num::NonZeroU32::MIN)),
            ..access(Anonymous::Full)
        },
    );
    // A burst of twice the rate passes; the next is refused with the wait. At one request a
    // second the three requests have a whole second to arrive before a refill lets one more
    // through: ample room on a loaded machine.
    for _ in 0..2 {
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
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
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
