//! TileJSON 3.0 documents and the MapLibre style of every layer.

use serde_json::{Value, json};

use crate::index::Engine;
use crate::tiles::layers::{LAYERS, LayerSpec};

/// TileJSON 3.0 for `layers` (one tile URL serving them all), with `query` carried into it.
#[must_use]
pub fn tilejson(engine: &Engine, base: &str, layers: &[&LayerSpec], query: &str) -> Value {
    let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let bounds = engine
        .districts
        .extent()
        .map_or([-180.0, -85.0, 180.0, 85.0], |r| {
            [r.min().x, r.min().y, r.max().x, r.max().y]
        });
    let minzoom = layers.iter().map(|l| l.minzoom).min().unwrap_or(0);
    let maxzoom = layers.iter().map(|l| l.maxzoom).max().unwrap_or(16);
    let centre = engine.communities.extent().map_or([0.0, 0.0], |r| {
        [
            f64::midpoint(r.min().x, r.max().x),
            f64::midpoint(r.min().y, r.max().y),
        ]
    });
    json!({
        "tilejson": "3.0.0",
        "name": names.join(","),
        "description": layers.iter().map(|l| l.description).collect::<Vec<_>>().join("; "),
        "attribution": "gridwatch synthetic Jingmen; district boundaries from geodata/sources",
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{suffix}", names.join(","))],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": [centre[0], centre[1], 12],
        "vector_layers": layers.iter().map(|l| json!({
            "id": l.name,
            "description": l.description,
            "minzoom": l.minzoom,
            "maxzoom": l.maxzoom,
            "fields": l.fields.iter().map(|(k, t)| ((*k).to_owned(), Value::from(*t))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A MapLibre style drawing every layer from the composite tile source at `base`.
#[must_use]
pub fn style(base: &str) -> Value {
    let all: Vec<&str> = LAYERS.iter().map(|l| l.name).collect();
    let layer = |id: &str, source_layer: &str, kind: &str, paint: Value, filter: Option<Value>| {
        let spec = LAYERS.iter().find(|l| l.name == source_layer).copied();
        let mut l = json!({
            "id": id, "type": kind, "source": "gridwatch", "source-layer": source_layer, "paint": paint,
            "minzoom": spec.map_or(0, |s| s.minzoom),
        });
        if let Some(f) = filter {
            l["filter"] = f;
        }
        l
    };
    json!({
        "version": 8,
        "name": "gridwatch",
        "sources": {
            "gridwatch": { "type": "vector", "url": format!("{base}/tiles/{}.json", all.join(",")) }
        },
        "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": "#f4f1ea" } },
            layer("districts", "districts", "line", json!({ "line-color": "#6b5b95", "line-width": 2 }), None),
            layer("communities-fill", "communities", "fill", json!({ "fill-color": "#e8e2d0", "fill-outline-color": "#b7a98b" }), None),
            layer("grids", "grids", "line", json!({ "line-color": "#c9b99a", "line-width": 0.6 }), None),
            layer("buildings", "buildings", "fill", json!({
                "fill-color": ["case", ["get", "unmanaged"], "#d98c5f", "#b8b2a7"], "fill-opacity": 0.8 }), None),
            layer("hexbins", "hexbins", "fill", json!({
                "fill-color": ["interpolate", ["linear"], ["get", "count"], 0, "#fff7bc", 20, "#fec44f", 100, "#d95f0e"],
                "fill-opacity": 0.55 }), None),
            layer("hotspots", "hotspots", "fill", json!({
                "fill-color": ["match", ["get", "class"], 3, "#b2182b", 2, "#ef8a62", 1, "#fddbc7", -1, "#d1e5f0", -2, "#67a9cf", -3, "#2166ac", "rgba(0,0,0,0)"],
                "fill-opacity": 0.6 }), None),
            layer("patrol_routes", "patrol_routes", "line", json!({ "line-color": "#1b9e77", "line-width": 1.5, "line-dasharray": [2, 1] }), None),
            layer("incident-counts", "incidents", "circle", json!({
                "circle-color": "#c0392b", "circle-opacity": 0.6,
                "circle-radius": ["interpolate", ["linear"], ["get", "point_count"], 1, 3, 100, 12, 1000, 24] }),
                Some(json!(["has", "point_count"]))),
            layer("incidents", "incidents", "circle", json!({ "circle-color": "#c0392b", "circle-radius": 3 }), Some(json!(["!", ["has", "point_count"]]))),
            layer("resources", "resources", "circle", json!({
                "circle-color": ["match", ["get", "kind"], "service_complex", "#2c7fb8", "police_station", "#253494", "police_post", "#41b6c4", "#7f7f7f"],
                "circle-radius": 5, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 }), None),
        ],
    })
}
