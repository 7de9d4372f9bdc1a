//! OGC API – Features Part 2 over HTTP: items and single items in CRS84, EPSG:4326, CGCS2000
//! (EPSG:4490) and its Gauss–Krüger zones (EPSG:4546, 4547), against pyproj's coordinates
//! (`tests/fixtures/crs_reference.json`, made by `scripts/reference/crs.py`); `bbox-crs`; the
//! `Content-Crs` header; the collections' CRS lists; refusals.

#![allow(clippy::unwrap_used, reason = "helpers fail loudly on bad fixtures")]

mod common;

use axum::http::StatusCode;
use common::{fixture, get};
use serde_json::Value;

const EPSG: &str = "http://www.opengis.net/def/crs/EPSG/0/";

fn pairs(v: &Value) -> Vec<[f64; 2]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
        .collect()
}

/// Within 1 mm for metres, 1e-9° for degrees.
fn assert_close(ours: &[[f64; 2]], theirs: &[[f64; 2]], code: &str, what: &str) {
    let tolerance = if code.starts_with("454") { 1e-3 } else { 1e-9 };
    assert_eq!(ours.len(), theirs.len(), "{code} {what}");
    for (a, b) in ours.iter().zip(theirs) {
        assert!(
            (a[0] - b[0]).abs() <= tolerance && (a[1] - b[1]).abs() <= tolerance,
            "EPSG:{code} {what}: {a:?} vs pyproj {b:?}"
        );
    }
}

#[tokio::test]
async fn coordinates_in_every_offered_crs_equal_pyproj() {
    let reference = fixture("crs_reference.json");
    let ids: Vec<u64> = reference["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    for (code, expected) in reference["projected"].as_object().unwrap() {
        let uri = format!("{EPSG}{code}");
        let reply = get(&format!(
            "/ogc/collections/incidents/items?limit=30&crs={uri}"
        ))
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(
            reply.headers["content-crs"].to_str().unwrap(),
            format!("<{uri}>")
        );
        let features = reply.json["features"].as_array().unwrap();
        let got_ids: Vec<u64> = features.iter().map(|f| f["id"].as_u64().unwrap()).collect();
        assert_eq!(got_ids, ids, "the first 30 incidents, in time order");
        let ours: Vec<[f64; 2]> = features
            .iter()
            .map(|f| pairs(&Value::Array(vec![f["geometry"]["coordinates"].clone()]))[0])
            .collect();
        assert_close(&ours, &pairs(&expected["incidents"]), code, "incidents");
        for (b, ring) in reference["buildings"]
            .as_array()
            .unwrap()
            .iter()
            .zip(expected["buildings"].as_array().unwrap())
        {
            let id = b["id"].as_u64().unwrap();
            let one = get(&format!("/ogc/collections/buildings/items/{id}?crs={uri}")).await;
            assert_eq!(one.status, StatusCode::OK, "{}", one.body);
            assert_eq!(
                one.headers["content-crs"].to_str().unwrap(),
                format!("<{uri}>")
            );
            let ours = pairs(&one.json["geometry"]["coordinates"][0]);
            assert_close(&ours, &pairs(ring), code, &format!("building {id}"));
        }
    }
}

#[tokio::test]
async fn a_bbox_in_gauss_kruger_finds_what_it_covers() {
    let reference = fixture("crs_reference.json");
    let first = &reference["projected"]["4546"]["incidents"][0];
    let (north, east) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    // 20 m around incident 1, northing first as EPSG:4546 orders its axes.
    let bbox = format!(
        "{},{},{},{}",
        north - 20.0,
        east - 20.0,
        north + 20.0,
        east + 20.0
    );
    let reply = get(&format!(
        "/ogc/collections/incidents/items?bbox={bbox}&bbox-crs={EPSG}4546&datetime=2019-01-01"
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let ids: Vec<u64> = reply.json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&1), "{ids:?}");
    // The same box in EPSG:4326 is latitude first.
    let lat_lon = get(&format!(
        "/ogc/collections/incidents/items?bbox=31.0121,112.2318,31.0125,112.2322&bbox-crs={EPSG}4326&datetime=2019-01-01"
    ))
    .await;
    assert!(
        lat_lon.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == 1),
        "{}",
        lat_lon.body
    );
}

#[tokio::test]
async fn collections_list_their_crs_and_the_default_is_crs84() {
    let collection = get("/ogc/collections/incidents").await.json;
    let crs: Vec<&str> = collection["crs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for code in ["4326", "4490", "4546", "4547"] {
        assert!(crs.contains(&format!("{EPSG}{code}").as_str()), "{crs:?}");
    }
    assert_eq!(
        collection["storageCrs"],
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    );
    let conformance = get("/ogc/conformance").await.json;
    assert!(
        conformance["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs")
    );
    let plain = get("/ogc/collections/incidents/items?limit=1").await;
    assert_eq!(
        plain.headers["content-crs"].to_str().unwrap(),
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    );
    for path in [
        "/ogc/collections/incidents/items?crs=EPSG:3857",
        "/ogc/collections/buildings/items/1?crs=nonsense",
        "/ogc/collections/incidents/items?bbox-crs=EPSG:4546",
        "/ogc/collections/incidents/items?bbox=1,2,3&bbox-crs=EPSG:4546",
    ] {
        let reply = get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.body
        );
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
    }
}

#[tokio::test]
async fn queryables_name_what_items_filter_on() {
    let reply = get("/ogc/collections/incidents/queryables").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.content_type, "application/schema+json");
    let properties = &reply.json["properties"];
    let kinds: Vec<&str> = properties["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"criminal_case") && kinds.len() == 11,
        "{kinds:?}"
    );
    assert_eq!(properties["community_id"]["type"], "integer");
    assert_eq!(properties["reported_at"]["format"], "date-time");
    // Every queryable but the geometry is compared with a value in a CQL2 filter; the
    // enumerated ones with one of their values.
    for (name, schema) in properties.as_object().unwrap() {
        if name == "geometry" {
            continue;
        }
        let condition = match (schema["enum"][0].as_str(), schema["format"].as_str()) {
            (Some(value), _) => format!("{name} = '{value}'"),
            (None, Some("date-time")) => format!("{name} > TIMESTAMP('2020-01-01T00:00:00Z')"),
            (None, _) => format!("{name} >= 1"),
        };
        let items = get(&format!(
            "/ogc/collections/incidents/items?limit=1&{}",
            serde_urlencoded::to_string([("filter", condition.as_str())]).unwrap()
        ))
        .await;
        assert_eq!(items.status, StatusCode::OK, "{name}: {}", items.body);
        assert!(
            items.json["numberMatched"].as_u64().unwrap() > 0,
            "{condition}"
        );
    }
    for id in ["districts", "buildings", "streets", "patrol_tracks"] {
        let reply = get(&format!("/ogc/collections/{id}/queryables")).await;
        assert_eq!(reply.status, StatusCode::OK, "{id}");
        assert_eq!(reply.json["additionalProperties"], false);
    }
    assert_eq!(
        get("/ogc/collections/nothing/queryables").await.status,
        StatusCode::NOT_FOUND
    );
}
