//! OGC API – Tiles over HTTP, as a client that follows links finds the tiles: landing page →
//! collection → its tilesets → the `WebMercatorQuad` tileset → the templated `item` link → the
//! same bytes as the `/tiles` endpoint; the tile matrix set's numbers against OGC's table.

#![allow(clippy::unwrap_used, clippy::panic, reason = "helpers fail loudly")]

mod common;

use axum::http::StatusCode;
use common::get;
use serde_json::Value;

/// The link of `rel` in a document's `links`.
fn link<'a>(doc: &'a Value, rel: &str) -> &'a str {
    doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel)
        .unwrap_or_else(|| panic!("no `{rel}` link in {doc}"))["href"]
        .as_str()
        .unwrap()
}

/// A path of this server from an absolute link.
fn path(href: &str) -> &str {
    href.strip_prefix("http://test.local").unwrap_or(href)
}

#[tokio::test]
async fn links_lead_from_the_landing_page_to_the_tiles() {
    let tilesets_rel = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector";
    let collection = get("/ogc/collections/buildings").await.json;
    let list = get(path(link(&collection, tilesets_rel))).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let first = &list.json["tilesets"][0];
    assert_eq!(
        first["tileMatrixSetURI"],
        "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    );
    let tileset = get(path(link(first, "self"))).await;
    assert_eq!(tileset.status, StatusCode::OK, "{}", tileset.body);
    assert_eq!(tileset.json["dataType"], "vector");
    let template = link(&tileset.json, "item");
    let tile = path(template)
        .replace("{tileMatrix}", "14")
        .replace("{tileRow}", "6705")
        .replace("{tileCol}", "13298");
    let through_ogc = get(&tile).await;
    let direct = get("/tiles/buildings/14/13298/6705.mvt").await;
    assert_eq!(through_ogc.status, StatusCode::OK);
    assert_eq!(through_ogc.body, direct.body);
    assert!(!direct.body.is_empty());
    // The tileset's limits hold that tile at zoom 14.
    let limit = tileset.json["tileMatrixSetLimits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["tileMatrix"] == "14")
        .unwrap();
    assert!(
        limit["minTileCol"].as_u64().unwrap() <= 13298
            && 13298 <= limit["maxTileCol"].as_u64().unwrap()
    );
    assert!(
        limit["minTileRow"].as_u64().unwrap() <= 6705
            && 6705 <= limit["maxTileRow"].as_u64().unwrap()
    );

    // The landing page leads to the dataset's tileset and the tiling schemes.
    let landing = get("/ogc").await.json;
    let dataset = get(path(link(&landing, tilesets_rel))).await.json;
    let whole = get(path(link(&dataset["tilesets"][0], "self"))).await.json;
    let layers: Vec<&str> = whole["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(
        layers.contains(&"buildings") && layers.contains(&"streets"),
        "{layers:?}"
    );
    let schemes = get(path(link(
        &landing,
        "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
    )))
    .await
    .json;
    let tms = get(path(link(&schemes["tileMatrixSets"][0], "self")))
        .await
        .json;
    // OGC 17-083r4, Annex D (WebMercatorQuad): zoom 14's scale denominator and cell size.
    let z14 = &tms["tileMatrices"][14];
    assert!((z14["scaleDenominator"].as_f64().unwrap() - 34_123.673_341_67).abs() < 1e-3);
    assert!((z14["cellSize"].as_f64().unwrap() - 9.554_628_535_65).abs() < 1e-8);
    assert_eq!(z14["matrixWidth"], 16384);
}

#[tokio::test]
async fn unknown_tile_matrix_sets_and_untiled_collections_are_404() {
    for path in [
        "/ogc/tileMatrixSets/WorldCRS84Quad",
        "/ogc/tiles/WorldCRS84Quad",
        "/ogc/collections/patrol_tracks/tiles",
        "/ogc/collections/buildings/tiles/WorldCRS84Quad",
        "/ogc/collections/nothing/tiles",
    ] {
        let reply = get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.body
        );
        assert_eq!(reply.content_type, "application/problem+json");
    }
}
