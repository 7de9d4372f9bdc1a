//! The OGC API as pages: `f=html` or a browser's `Accept: text/html` turn every `/ogc`
//! document into a page showing the same document (the items page's table holds the same
//! features as the GeoJSON, its map their geometries), and JSON clients are not affected.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::http::StatusCode;
use common::{engine, get};
use gridwatch::api::AppState;
use gridwatch::index::Engine;

async fn with_accept(path: &str, accept: &str) -> common::Reply {
    let state = AppState::new(Engine::clone(&engine()));
    common::request_with_headers(state, "GET", path, None, &[("accept", accept)]).await
}

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[tokio::test]
async fn a_browser_gets_pages_and_clients_get_json() {
    for path in [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/grids",
        "/ogc/collections/grids/items?limit=3",
        "/ogc/collections/grids/items/1",
    ] {
        let page = with_accept(path, BROWSER).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.content_type.starts_with("text/html"),
            "{path}: {}",
            page.content_type
        );
        assert!(page.body.starts_with("<!doctype html>"), "{path}");
        assert!(
            page.body.contains("集合 Collections"),
            "{path}: the header is bilingual"
        );
        assert_eq!(page.headers["vary"], "Accept", "{path}");
        let json = with_accept(path, "application/json").await;
        assert!(
            json.content_type.contains("json"),
            "{path}: {}",
            json.content_type
        );
        let any = get(path).await;
        assert!(
            any.content_type.contains("json"),
            "{path}: no Accept is JSON"
        );
    }
    let bad = get("/ogc/collections?f=xml").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_items_page_shows_the_same_features_as_the_geojson() {
    let q = serde_urlencoded::to_string([
        ("filter", "kind = 'dispute' AND community_id = 51"),
        ("limit", "7"),
        ("sortby", "-reported_at"),
    ])
    .unwrap();
    let json = get(&format!("/ogc/collections/incidents/items?{q}")).await;
    let page = get(&format!("/ogc/collections/incidents/items?{q}&f=html")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let features = json.json["features"].as_array().unwrap();
    assert_eq!(features.len(), 7);
    for f in features {
        let id = f["id"].as_u64().unwrap();
        assert!(
            page.body.contains(&format!(
                "/ogc/collections/incidents/items/{id}?f=html\">{id}</a>"
            )),
            "row for {id}"
        );
    }
    assert_eq!(page.body.matches("<tr><td><a href=").count(), 7);
    // Paging keeps the filter and the page format.
    assert!(page.body.contains("rel=\"next\""));
    let next = page.body.split("rel=\"next\" href=\"").nth(1).unwrap();
    let next = next.split('"').next().unwrap().replace("&amp;", "&");
    assert!(
        next.contains("f=html") && next.contains("filter=") && next.contains("offset=7"),
        "{next}"
    );
    // The map carries the page's features.
    let data = page
        .body
        .split("<script type=\"application/json\" id=\"features\">")
        .nth(1)
        .unwrap();
    let data: serde_json::Value =
        serde_json::from_str(data.split("</script>").next().unwrap()).unwrap();
    assert_eq!(data["features"].as_array().unwrap().len(), 7);
    assert!(page.body.contains("maplibre-gl-6.20.0/maplibre-gl.mjs"));
}

#[tokio::test]
async fn what_a_user_typed_is_escaped() {
    let q = serde_urlencoded::to_string([
        ("filter", "name = '<script>alert(1)</script>'"),
        ("f", "html"),
    ])
    .unwrap();
    let page = get(&format!("/ogc/collections/grids/items?{q}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "raw markup echoed");
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // A bad filter on a page is the same problem+json as for JSON clients.
    let bad = get("/ogc/collections/grids/items?f=html&filter=name%20%3D").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.content_type, "application/problem+json");
}

#[tokio::test]
async fn a_hostile_host_header_cannot_leave_its_strings() {
    let state = AppState::new(Engine::clone(&engine()));
    let page = common::request_with_headers(
        state,
        "GET",
        "/ogc/collections/grids/items?f=html&limit=2",
        None,
        &[("host", "x\"></script><script>alert(1)</script>")],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
    assert!(!page.body.contains("x\">"), "an attribute was closed");
}
