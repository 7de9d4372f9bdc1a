//! OGC API – Tiles over the existing vector tiles: the `WebMercatorQuad` tile matrix set (OGC
//! 2D TMS 2.0 JSON), each collection's vector tileset and the dataset's (every base layer in one
//! tile), each pointing with a templated `item` link at the `/tiles/{layers}/{z}/{x}/{y}.mvt`
//! endpoint, so a client that follows OGC links (GDAL's `OGCAPI` driver, `OpenLayers`'
//! `OGCVectorTile`) reaches the same tiles MapLibre gets from TileJSON.
//!
//! The documents also carry the names of the drafts before OGC API – Tiles 1.0 and TMS 2.0
//! (`identifier`, `supportedCRS`, `topLeftCorner`, `tileMatrixSetDefinition`, the `tileset`
//! relation), which older clients look for. GDAL 3.6 (Debian 12's) follows the links down to
//! the tile matrix set and parses it, but its `OGCAPI` driver still opens no layer from them;
//! the tests follow the links themselves.

use serde_json::{Value, json};

use super::collections::CollectionId;
use crate::index::Engine;
use crate::tiles::layers::Layer;

/// `WebMercatorQuad`'s URI in the OGC register.
const WEB_MERCATOR_QUAD: &str = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
/// EPSG:3857's URI.
const EPSG_3857: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";
/// The id of the only tile matrix set served.
pub const TMS_ID: &str = "WebMercatorQuad";
const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Half the Web Mercator world's width, metres.
const HALF_WORLD_M: f64 = 20_037_508.342_789_244;
/// The deepest zoom any layer draws.
const MAX_ZOOM: u8 = 16;

/// The tile layer a collection is drawn as (patrol tracks have none).
#[must_use]
pub fn layer_of(id: CollectionId) -> Option<Layer> {
    match id {
        CollectionId::Districts => Some(Layer::Districts),
        CollectionId::Communities => Some(Layer::Communities),
        CollectionId::Grids => Some(Layer::Grids),
        CollectionId::Buildings => Some(Layer::Buildings),
        CollectionId::Resources => Some(Layer::Resources),
        CollectionId::Streets => Some(Layer::Streets),
        CollectionId::Incidents => Some(Layer::Incidents),
        CollectionId::PatrolRoutes => Some(Layer::PatrolRoutes),
        CollectionId::Units => Some(Layer::Units),
        // Needs and inspections are read within a caller's communities: tiles, shared by
        // every caller, would show them to all.
        CollectionId::PatrolTracks | CollectionId::DemandItems | CollectionId::Inspections => None,
    }
}

/// `/ogc/tileMatrixSets`.
#[must_use]
pub fn tile_matrix_sets(base: &str) -> Value {
    json!({
        "tileMatrixSets": [{
            "id": TMS_ID,
            "title": "Google Maps Compatible for the World",
            "uri": WEB_MERCATOR_QUAD,
            "links": [{ "href": format!("{base}/ogc/tileMatrixSets/{TMS_ID}"), "rel": "self", "type": "application/json" }],
        }]
    })
}

/// `/ogc/tileMatrixSets/WebMercatorQuad`: the 2D TMS 2.0 definition, zooms 0 to 16.
#[must_use]
pub fn web_mercator_quad() -> Value {
    let matrices: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let n = f64::from(1u32 << z);
            let cell = 2.0 * HALF_WORLD_M / (256.0 * n);
            json!({
                "id": z.to_string(),
                // TMS 1.0's names of the same.
                "identifier": z.to_string(),
                "topLeftCorner": [-HALF_WORLD_M, HALF_WORLD_M],
                // The standard rendering pixel of 0.28 mm.
                "scaleDenominator": cell / 0.000_28,
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-HALF_WORLD_M, HALF_WORLD_M],
                "tileWidth": 256,
                "tileHeight": 256,
                "matrixWidth": 1u32 << z,
                "matrixHeight": 1u32 << z,
            })
        })
        .collect();
    json!({
        "id": TMS_ID,
        "title": "Google Maps Compatible for the World",
        "uri": WEB_MERCATOR_QUAD,
        "crs": EPSG_3857,
        // The TMS 1.0 (OGC 17-083r2) names beside the 2.0 ones.
        "identifier": TMS_ID,
        "supportedCRS": EPSG_3857,
        "boundingBox": {
            "type": "BoundingBoxType",
            "crs": EPSG_3857,
            "lowerCorner": [-HALF_WORLD_M, -HALF_WORLD_M],
            "upperCorner": [HALF_WORLD_M, HALF_WORLD_M],
        },
        "orderedAxes": ["E", "N"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": matrices,
    })
}

/// One tileset of `layers` (comma-joined in the tile URL), described at `own` (its URL).
fn tileset(engine: &Engine, layers: &[Layer], own: &str, base: &str) -> Value {
    let names: Vec<&str> = layers.iter().map(|l| l.as_str()).collect();
    let minzoom = layers.iter().map(|l| l.spec().minzoom).min().unwrap_or(0);
    let maxzoom = layers
        .iter()
        .map(|l| l.spec().maxzoom)
        .max()
        .unwrap_or(MAX_ZOOM);
    // The rows and columns the city's extent reaches at each zoom.
    let limits: Vec<Value> = engine
        .districts
        .extent()
        .map(|r| {
            (minzoom..=maxzoom)
                .map(|z| {
                    let (x0, y0) = tile_of(r.min().x, r.max().y, z);
                    let (x1, y1) = tile_of(r.max().x, r.min().y, z);
                    json!({ "tileMatrix": z.to_string(), "minTileRow": y0, "maxTileRow": y1, "minTileCol": x0, "maxTileCol": x1 })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "title": names.join(", "),
        "dataType": "vector",
        "crs": EPSG_3857,
        "tileMatrixSetURI": WEB_MERCATOR_QUAD,
        // The draft's name for the tiling-scheme link.
        "tileMatrixSetDefinition": format!("{base}/ogc/tileMatrixSets/{TMS_ID}"),
        "tileMatrixSetLimits": limits,
        "layers": layers.iter().map(|l| json!({
            "id": l.as_str(),
            "dataType": "vector",
            "description": l.spec().description,
            "minTileMatrix": l.spec().minzoom.to_string(),
            "maxTileMatrix": l.spec().maxzoom.to_string(),
        })).collect::<Vec<_>>(),
        "links": [
            { "href": own, "rel": "self", "type": "application/json" },
            { "href": format!("{base}/ogc/tileMatrixSets/{TMS_ID}"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "type": "application/json" },
            { "href": format!("{base}/tiles/{}/{{tileMatrix}}/{{tileCol}}/{{tileRow}}.mvt", names.join(",")), "rel": "item", "type": MVT, "templated": true },
        ],
    })
}

/// The list of tilesets, one per tile matrix set (here one), with the tileset's own link.
fn tilesets(title: &str, own: &str, base: &str) -> Value {
    json!({
        "tilesets": [{
            "title": title,
            "dataType": "vector",
            "crs": EPSG_3857,
            "tileMatrixSetURI": WEB_MERCATOR_QUAD,
            "links": [
                { "href": format!("{own}/{TMS_ID}"), "rel": "self", "type": "application/json" },
                // The draft's relation for the same link.
                { "href": format!("{own}/{TMS_ID}"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tileset", "type": "application/json" },
                { "href": format!("{base}/ogc/tileMatrixSets/{TMS_ID}"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "type": "application/json" },
            ],
        }],
        "links": [{ "href": own, "rel": "self", "type": "application/json" }],
    })
}

/// `/ogc/collections/{id}/tiles`, or `None` for a collection without tiles.
#[must_use]
pub fn collection_tilesets(id: CollectionId, base: &str) -> Option<Value> {
    layer_of(id)?;
    let own = format!("{base}/ogc/collections/{}/tiles", id.as_str());
    Some(tilesets(id.as_str(), &own, base))
}

/// `/ogc/collections/{id}/tiles/WebMercatorQuad`.
#[must_use]
pub fn collection_tileset(engine: &Engine, id: CollectionId, base: &str) -> Option<Value> {
    let layer = layer_of(id)?;
    let own = format!("{base}/ogc/collections/{}/tiles/{TMS_ID}", id.as_str());
    Some(tileset(engine, &[layer], &own, base))
}

/// The layers of the dataset's tileset: every layer drawn from the records as they are.
fn dataset_layers() -> Vec<Layer> {
    Layer::ALL
        .iter()
        .copied()
        .filter(|l| l.is_static())
        .collect()
}

/// `/ogc/tiles`.
#[must_use]
pub fn dataset_tilesets(base: &str) -> Value {
    tilesets("the city's base layers", &format!("{base}/ogc/tiles"), base)
}

/// `/ogc/tiles/WebMercatorQuad`.
#[must_use]
pub fn dataset_tileset(engine: &Engine, base: &str) -> Value {
    let own = format!("{base}/ogc/tiles/{TMS_ID}");
    tileset(engine, &dataset_layers(), &own, base)
}

/// The slippy tile of a lon/lat at zoom `z`.
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let [x, y] = crate::tiles::tile::world(geo::Coord { x: lon, y: lat });
    let index = |v: f64| (v * n).floor().clamp(0.0, n - 1.0) as u32;
    (index(x), index(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_zero_is_one_tile_of_the_world() {
        let tms = web_mercator_quad();
        let z0 = &tms["tileMatrices"][0];
        assert_eq!(z0["matrixWidth"], 1);
        // OGC's table: 559,082,264.0287178 at zoom 0.
        let scale = z0["scaleDenominator"].as_f64().unwrap_or_default();
        assert!((scale - 559_082_264.028_717_8).abs() < 1e-3, "{scale}");
        assert_eq!(tile_of(112.2, 31.03, 14), (13298, 6705));
    }
}
