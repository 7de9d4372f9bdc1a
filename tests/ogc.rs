//! OGC API – Features over HTTP: counts, paging, filters and the problem+json errors.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::{all_pages, engine, get, request};
use geo::{Contains, Coord, Geometry, Intersects, Point};

#[tokio::test]
async fn collections_hold_the_city_report_counts() {
    for (collection, expected) in [
        ("districts", 5),
        ("communities", 222),
        ("grids", 866),
        ("patrol_routes", 222),
        ("units", 523),
        ("demand_items", 519),
        ("inspections", 751),
    ] {
        let reply = get(&format!("/ogc/collections/{collection}/items?limit=1")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.content_type, "application/geo+json");
        assert_eq!(reply.json["numberMatched"], expected, "{collection}");
        assert_eq!(reply.json["numberReturned"], 1);
    }
    let reply = get("/ogc/collections").await;
    let ids: Vec<&str> = reply.json["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "districts",
            "communities",
            "grids",
            "buildings",
            "resources",
            "streets",
            "incidents",
            "patrol_routes",
            "patrol_tracks",
            "units",
            "demand_items",
            "inspections"
        ]
    );
}

#[tokio::test]
async fn landing_and_conformance_link_the_api() {
    let landing = get("/ogc").await;
    let rels: BTreeSet<&str> = landing.json["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert!(rels.is_superset(&["self", "conformance", "data"].into_iter().collect()));
    let conformance = get("/ogc/conformance").await;
    let classes = conformance.json["conformsTo"].as_array().unwrap();
    assert!(
        classes
            .iter()
            .any(|c| c == "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core")
    );
    assert!(
        classes
            .iter()
            .any(|c| c == "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson")
    );
}

#[tokio::test]
async fn paging_returns_every_feature_exactly_once() {
    let grids = all_pages("/ogc/collections/grids/items?limit=97").await;
    let ids: Vec<u64> = grids.iter().map(|f| f["id"].as_u64().unwrap()).collect();
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), 866);
    assert_eq!(unique.len(), 866);

    let total = engine().incidents.len();
    let incidents = all_pages("/ogc/collections/incidents/items?limit=10000").await;
    let unique: BTreeSet<u64> = incidents
        .iter()
        .map(|f| f["id"].as_u64().unwrap())
        .collect();
    assert_eq!(incidents.len(), total);
    assert_eq!(unique.len(), total);
}

/// Every incident's `grid_id` is checked against a brute-force scan of all 866 grid polygons
/// (no index), on a systematic sample of one incident in 25.
#[tokio::test]
async fn sampled_incidents_lie_in_the_grid_they_are_given() {
    let grids: Vec<(u64, Geometry)> = all_pages("/ogc/collections/grids/items?limit=1000")
        .await
        .iter()
        .map(|f| {
            (
                f["id"].as_u64().unwrap(),
                Geometry::try_from(
                    geojson::Geometry::from_json_value(f["geometry"].clone()).unwrap(),
                )
                .unwrap(),
            )
        })
        .collect();
    let incidents = all_pages("/ogc/collections/incidents/items?limit=10000").await;
    let mut outside = 0;
    for feature in incidents.iter().step_by(25) {
        let c = feature["geometry"]["coordinates"].as_array().unwrap();
        let at = Coord {
            x: c[0].as_f64().unwrap(),
            y: c[1].as_f64().unwrap(),
        };
        let holders: Vec<u64> = grids
            .iter()
            .filter(|(_, g)| g.intersects(&at))
            .map(|(id, _)| *id)
            .collect();
        if let Some(id) = feature["properties"]["grid_id"].as_u64() {
            assert!(
                holders.contains(&id),
                "incident {} at {at:?} given grid {id}, lies in {holders:?}",
                feature["id"]
            );
        } else {
            assert!(
                holders.is_empty(),
                "incident {} has no grid but lies in {holders:?}",
                feature["id"]
            );
            outside += 1;
        }
    }
    // The generator scatters ~0.3 % of incidents on country roads, outside every grid.
    assert!(
        outside > 0,
        "the sample should include incidents outside every grid"
    );
}

#[tokio::test]
async fn filters_bbox_and_datetime_select_exactly_the_matching_incidents() {
    let engine = engine();
    let t = &engine.incidents;
    let (bbox, from, to) = (
        [112.18, 30.98, 112.22, 31.02],
        1_577_808_000_i64,
        1_609_430_399_i64,
    ); // 2020 in +08:00
    let expected = (0..t.len())
        .filter(|&r| {
            t.kind[r].as_str() == "dispute"
                && (from..=to).contains(&t.reported_at[r])
                && (bbox[0]..=bbox[2]).contains(&t.lon[r])
                && (bbox[1]..=bbox[3]).contains(&t.lat[r])
        })
        .count();
    assert!(
        expected > 100,
        "the test window should hold many disputes, holds {expected}"
    );
    let reply = get("/ogc/collections/incidents/items?kind=dispute&datetime=2020-01-01/2020-12-31&bbox=112.18,30.98,112.22,31.02&limit=1").await;
    assert_eq!(reply.json["numberMatched"], expected);

    let community = get("/ogc/collections/grids/items?community_id=7&limit=100").await;
    let features = community.json["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["community_id"] == 7)
    );

    let markets = get("/ogc/collections/resources/items?kind=market,school&limit=10000").await;
    assert!(
        markets.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| ["market", "school"].contains(&f["properties"]["kind"].as_str().unwrap()))
    );
}

#[tokio::test]
async fn bbox_returns_features_whose_geometry_meets_the_box() {
    let bbox = geo::Rect::new(
        Coord {
            x: 112.195,
            y: 31.02,
        },
        Coord {
            x: 112.2,
            y: 31.025,
        },
    );
    let reply =
        get("/ogc/collections/buildings/items?bbox=112.195,31.02,112.2,31.025&limit=10000").await;
    let returned: BTreeSet<u64> = reply.json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_u64().unwrap())
        .collect();
    let expected: BTreeSet<u64> = engine()
        .buildings
        .items()
        .iter()
        .filter(|b| b.geometry.intersects(&bbox))
        .map(|b| b.id)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(returned, expected);
}

#[tokio::test]
async fn single_items_and_their_derived_fields() {
    let reply = get("/ogc/collections/incidents/items/1").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["id"], 1);
    let building = get("/ogc/collections/buildings/items/10").await;
    let grid_id = building.json["properties"]["grid_id"].as_u64().unwrap();
    let grid = get(&format!("/ogc/collections/grids/items/{grid_id}")).await;
    let polygon = Geometry::try_from(
        geojson::Geometry::from_json_value(grid.json["geometry"].clone()).unwrap(),
    )
    .unwrap();
    let ring = &building.json["geometry"]["coordinates"][0];
    for vertex in ring.as_array().unwrap() {
        let p = Point::new(vertex[0].as_f64().unwrap(), vertex[1].as_f64().unwrap());
        assert!(
            polygon.contains(&p) || polygon.intersects(&p),
            "building 10's vertex {p:?} is outside its grid {grid_id}"
        );
    }
    assert_eq!(
        building.json["properties"]["community_id"],
        grid.json["properties"]["community_id"]
    );
}

#[tokio::test]
async fn bad_requests_get_problem_json_with_the_right_status() {
    let cases = [
        (
            "/ogc/collections/grids/items?bbox=1,2,3",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?bbox=a,b,c,d",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?bbox=0,95,1,96",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?limit=0",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?limit=-5",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?limit=10001",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?offset=x",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/incidents/items?datetime=yesterday",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/incidents/items?datetime=2021-01-01/2020-01-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/incidents/items?kind=riot",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/incidents/items?grid_id=abc",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?datetime=2020-01-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?colour=red",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?limit=1&limit=2",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ogc/collections/grids/items?f=xml",
            StatusCode::BAD_REQUEST,
        ),
        ("/ogc/collections/roads/items", StatusCode::NOT_FOUND),
        ("/ogc/collections/grids/items/0", StatusCode::NOT_FOUND),
        ("/ogc/collections/grids/items/abc", StatusCode::NOT_FOUND),
        (
            "/ogc/collections/incidents/items/18446744073709551615",
            StatusCode::NOT_FOUND,
        ),
        ("/nowhere", StatusCode::NOT_FOUND),
    ];
    for (path, status) in cases {
        let reply = get(path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
        assert_eq!(reply.json["status"], status.as_u16(), "{path}");
        assert!(
            reply.json["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{path}"
        );
    }
    let post = request("POST", "/ogc/collections/grids/items", Some("{}")).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.content_type, "application/problem+json");
}

#[tokio::test]
async fn health_and_readiness() {
    assert_eq!(get("/healthz").await.json["status"], "ok");
    let ready = get("/readyz").await;
    assert_eq!(ready.json["layers"]["grids"], 866);
    assert!(ready.json["incidents_outside_grids"].as_u64().unwrap() > 0);
}
