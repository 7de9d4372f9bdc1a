//! TileJSON 3.0 documents and the MapLibre style of every layer.

use serde_json::{Value, json};

use crate::index::Engine;
use crate::tiles::layers::{Layer, LayerSpec};

/// TileJSON 3.0 for `layers` (one tile URL serving them all), with `query` carried into it.
#[must_use]
pub fn tilejson(engine: &Engine, base: &str, layers: &[Layer], query: &str) -> Value {
    let layers: Vec<&LayerSpec> = layers.iter().map(|l| l.spec()).collect();
    let names: Vec<&str> = layers.iter().map(|l| l.name()).collect();
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
        "attribution": format!("gridwatch synthetic {}; district boundaries from geodata/sources", engine.city.name),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{suffix}", names.join(","))],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": [centre[0], centre[1], 12],
        "vector_layers": layers.iter().map(|l| json!({
            "id": l.name(),
            "description": l.description,
            "minzoom": l.minzoom,
            "maxzoom": l.maxzoom,
            "fields": l.fields.iter().map(|(k, t)| ((*k).to_owned(), Value::from(*t))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Colours of incident kinds, grouped as the command centre reads them: conflict (reds),
/// safety and crime (purples), city order (oranges), living conditions (greens).
const KIND_COLOURS: [(&str, &str); 11] = [
    ("dispute", "#d7301f"),
    ("property_dispute", "#ef6548"),
    ("petition", "#fc8d59"),
    ("police_call", "#6a51a3"),
    ("criminal_case", "#3f007d"),
    ("safety_hazard", "#807dba"),
    ("illegal_construction", "#d94801"),
    ("street_vending", "#f16913"),
    ("school_surroundings", "#fd8d3c"),
    ("market_sanitation", "#238b45"),
    ("drainage", "#41ab5d"),
];

/// Resource kinds by the zoom they appear from: what the command centre and planners look
/// for first (service complexes, police stations) early, neighbourhood services mid, and the
/// finest (community offices, party households) only close in.
const RESOURCE_TIERS: [(&str, u8, &[&str]); 3] = [
    (
        "resources-major",
        11,
        &["service_complex", "police_station"],
    ),
    (
        "resources-local",
        14,
        &["police_post", "school", "market", "clinic"],
    ),
    (
        "resources-fine",
        16,
        &["community_office", "party_household"],
    ),
];

/// `["match", ["get", "kind"], k1, c1, ..., fallback]`.
fn by_kind(pairs: &[(&str, &str)], fallback: &str) -> Value {
    let mut m = vec![json!("match"), json!(["get", "kind"])];
    for (k, c) in pairs {
        m.push(json!(k));
        m.push(json!(c));
    }
    m.push(json!(fallback));
    Value::Array(m)
}

/// A MapLibre style drawing every layer from the composite tile source at `base`, legible at
/// every zoom: districts and communities with their names low; hexbin heat in the middle
/// zooms, fading as single incidents become distinguishable; incident counts (a zoom the
/// server aggregates, `point_count`) and single incidents drawn by their own layers, so
/// either representation of a zoom reads the same; resources by kind from the zoom where
/// they make sense; Chinese names from the data as labels (no glyph server: the page renders
/// them with local fonts). Gi* hot spots, the homes by life circle (`service-gaps`) and the
/// routes' reach (`patrol-coverage`) are in the style but hidden (the map turns them on).
#[must_use]
#[expect(clippy::too_many_lines, reason = "one declarative style document")]
pub fn style(base: &str, city: &str) -> Value {
    // Sources: the static layers (cached across every filter), the incident layers
    // (their tile URLs carry the analytics filters a map chooses: `setUrl` with a query), and
    // Gi* and the kernel density (computed per filter, fetched only while shown).
    let source_of = |layer: Layer| match layer {
        Layer::Incidents | Layer::Hexbins => "incidents",
        Layer::Hotspots => "hotspots",
        Layer::Kde => "kde",
        Layer::ServiceGaps => "service_gaps",
        Layer::PatrolCoverage => "patrol_coverage",
        Layer::Units => "units",
        Layer::Districts
        | Layer::Communities
        | Layer::Grids
        | Layer::Streets
        | Layer::Buildings
        | Layer::Resources
        | Layer::PatrolRoutes => "gridwatch",
    };
    let names_of = |source: &str| -> Vec<&str> {
        Layer::ALL
            .iter()
            .filter(|l| source_of(**l) == source)
            .map(|l| l.as_str())
            .collect()
    };
    let layer = |id: &str, source_layer: Layer, kind: &str, minzoom: u8, paint: Value| {
        let source = source_of(source_layer);
        json!({
            "id": id, "type": kind, "source": source, "source-layer": source_layer.as_str(),
            "minzoom": source_layer.spec().minzoom.max(minzoom),
            "paint": paint,
        })
    };
    let with = |mut l: Value, key: &str, value: Value| {
        l[key] = value;
        l
    };
    let label = |id: &str,
                 source_layer: Layer,
                 minzoom: u8,
                 maxzoom: u8,
                 size: Value,
                 colour: &str| {
        json!({
            "id": id, "type": "symbol", "source": source_of(source_layer), "source-layer": source_layer.as_str(),
            "minzoom": minzoom, "maxzoom": maxzoom,
            "layout": { "text-field": ["get", "name"], "text-size": size, "text-max-width": 8,
                        "text-padding": 4 },
            "paint": { "text-color": colour, "text-halo-color": "#fbfaf6", "text-halo-width": 1.5 },
        })
    };
    // Street widths by class and zoom, plus `extra` pixels (a casing is the street plus 1.5).
    let street_width = |extra: f64| {
        json!([
            "interpolate",
            ["exponential", 1.5],
            ["zoom"],
            10,
            [
                "+",
                extra * 0.5,
                ["match", ["get", "class"], "arterial", 1.0, 0.5]
            ],
            16,
            [
                "+",
                extra,
                [
                    "match",
                    ["get", "class"],
                    "arterial",
                    9.0,
                    "secondary",
                    6.0,
                    3.0
                ]
            ]
        ])
    };
    let mut layers = vec![
        json!({ "id": "background", "type": "background", "paint": { "background-color": "#f4f1ea" } }),
        layer(
            "communities-fill",
            Layer::Communities,
            "fill",
            0,
            json!({
            "fill-color": "#ebe5d5",
            "fill-opacity": ["interpolate", ["linear"], ["zoom"], 8, 0.6, 14, 1] }),
        ),
        with(
            layer(
                "streets-footpaths",
                Layer::Streets,
                "line",
                15,
                json!({
            "line-color": "#a99f8c",
            "line-width": ["interpolate", ["linear"], ["zoom"], 15, 0.5, 17, 1.2],
            "line-dasharray": [2, 1.5] }),
            ),
            "filter",
            json!(["==", ["get", "class"], "footpath"]),
        ),
        with(
            layer(
                "streets-casing",
                Layer::Streets,
                "line",
                10,
                json!({
            "line-color": ["case", ["get", "walkable"], "#c9bfae", "#b3838a"],
            "line-width": street_width(1.5) }),
            ),
            "filter",
            json!(["!=", ["get", "class"], "footpath"]),
        ),
        with(
            layer(
                "streets",
                Layer::Streets,
                "line",
                10,
                json!({
            "line-color": ["case", ["!", ["get", "walkable"]], "#f2c6cb",
                           ["==", ["get", "class"], "arterial"], "#fff3c4", "#ffffff"],
            "line-width": street_width(0.0) }),
            ),
            "filter",
            json!(["!=", ["get", "class"], "footpath"]),
        ),
        layer(
            "buildings",
            Layer::Buildings,
            "fill",
            14,
            json!({
            "fill-color": ["case", ["get", "unmanaged"], "#d9a07a", "#c8c1b4"],
            "fill-outline-color": "#a89f90" }),
        ),
        layer(
            "grids",
            Layer::Grids,
            "line",
            12,
            json!({
            "line-color": "#b9a98a",
            "line-width": ["interpolate", ["linear"], ["zoom"], 12, 0.3, 16, 1],
            "line-dasharray": [3, 2] }),
        ),
        layer(
            "communities-line",
            Layer::Communities,
            "line",
            10,
            json!({
            "line-color": "#9c8b6a",
            "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.5, 16, 2] }),
        ),
        layer(
            "districts",
            Layer::Districts,
            "line",
            0,
            json!({
            "line-color": "#6b5b95",
            "line-width": ["interpolate", ["linear"], ["zoom"], 6, 1, 14, 3] }),
        ),
        with(
            layer(
                "hexbins",
                Layer::Hexbins,
                "fill",
                9,
                json!({
            // Cells get finer as the zoom grows (res = zoom − 4), so the colour scale follows.
            "fill-color": ["interpolate", ["linear"], ["zoom"],
                9, ["interpolate", ["linear"], ["get", "count"], 0, "#fff7bc", 300, "#fec44f", 3000, "#d95f0e", 10000, "#7f2704"],
                12, ["interpolate", ["linear"], ["get", "count"], 0, "#fff7bc", 40, "#fec44f", 400, "#d95f0e", 1500, "#7f2704"],
                15, ["interpolate", ["linear"], ["get", "count"], 0, "#fff7bc", 3, "#fec44f", 20, "#d95f0e", 60, "#7f2704"]],
            "fill-opacity": ["interpolate", ["linear"], ["zoom"], 9, 0.7, 13, 0.6, 14.5, 0.35, 15.5, 0] }),
            ),
            "maxzoom",
            json!(15.5),
        ),
        with(
            layer(
                "hotspots",
                Layer::Hotspots,
                "fill",
                9,
                json!({
            // ArcGIS's hot and cold colours; not significant in grey; cells without incidents
            // (nothing for the statistic to speak of) unfilled.
            "fill-color": ["match", ["get", "class"], 3, "#b2182b", 2, "#ef8a62", 1, "#fddbc7", -1, "#d1e5f0", -2, "#67a9cf", -3, "#2166ac", "#bdbdbd"],
            "fill-opacity": ["case", ["==", ["get", "count"], 0], 0, ["==", ["get", "class"], 0], 0.25, 0.65],
            "fill-outline-color": "#ffffff" }),
            ),
            "layout",
            json!({ "visibility": "none" }),
        ),
        with(
            layer(
                "kde",
                Layer::Kde,
                "fill",
                10,
                json!({
            // Incidents per km² (bandwidth 300 m): a sequential ramp, transparent where thin.
            "fill-color": ["interpolate", ["linear"], ["get", "density_per_km2"],
                0, "#fff7ec", 20, "#fdd49e", 100, "#fc8d59", 400, "#d7301f", 1500, "#7f0000"],
            "fill-opacity": ["interpolate", ["linear"], ["get", "density_per_km2"], 0, 0, 5, 0.35, 50, 0.7],
            // No outline: the cells are a surface, not areas to tell apart.
            "fill-outline-color": "rgba(0,0,0,0)" }),
            ),
            "layout",
            json!({ "visibility": "none" }),
        ),
        with(
            layer(
                "service-gaps",
                Layer::ServiceGaps,
                "fill",
                13,
                json!({
            // Homes by life circle: within 5, 10 and 15 minutes' walk, then beyond.
            "fill-color": ["match", ["get", "band"], "300", "#1a9850", "500", "#91cf60", "1000", "#fee08b", "#d73027"],
            "fill-opacity": 0.85,
            "fill-outline-color": "#5a5a5a" }),
            ),
            "layout",
            json!({ "visibility": "none" }),
        ),
        with(
            layer(
                "patrol-coverage",
                Layer::PatrolCoverage,
                "fill",
                11,
                json!({ "fill-color": "#2b8cbe", "fill-opacity": 0.18, "fill-outline-color": "#2b8cbe" }),
            ),
            "layout",
            json!({ "visibility": "none" }),
        ),
        layer(
            "patrol_routes",
            Layer::PatrolRoutes,
            "line",
            13,
            json!({
            "line-color": "#1b9e77", "line-width": 1.5, "line-dasharray": [2, 1] }),
        ),
        with(
            layer(
                "incident-counts",
                Layer::Incidents,
                "circle",
                14,
                json!({
            "circle-color": "#c0392b", "circle-opacity": 0.55,
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5,
            "circle-radius": ["interpolate", ["linear"], ["get", "point_count"], 1, 2, 10, 5, 100, 12] }),
            ),
            "filter",
            json!(["has", "point_count"]),
        ),
        with(
            layer(
                "incidents",
                Layer::Incidents,
                "circle",
                15,
                json!({
            "circle-color": by_kind(&KIND_COLOURS, "#c0392b"),
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 15, 2.5, 18, 5],
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5 }),
            ),
            "filter",
            json!(["!", ["has", "point_count"]]),
        ),
    ];
    let resource_colours = [
        ("service_complex", "#2c7fb8"),
        ("police_station", "#253494"),
        ("police_post", "#41b6c4"),
        ("school", "#e7298a"),
        ("market", "#66a61e"),
        ("clinic", "#e6ab02"),
        ("community_office", "#7570b3"),
        ("party_household", "#a6761d"),
    ];
    for (id, minzoom, kinds) in RESOURCE_TIERS {
        let radius = if minzoom <= 11 { 6 } else { 4 };
        layers.push(with(
            layer(id, Layer::Resources, "circle", minzoom, json!({
                "circle-color": by_kind(&resource_colours, "#7f7f7f"),
                "circle-radius": ["interpolate", ["linear"], ["zoom"], minzoom, radius, 17, radius + 3],
                "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 })),
            "filter",
            json!(["in", ["get", "kind"], ["literal", kinds]]),
        ));
    }
    layers.extend([
        // Street names along the line, from z14 (local lanes appear there too).
        with(
            with(label("street-labels", Layer::Streets, 14, 24, json!(11), "#6b604c"), "filter",
                 json!(["!=", ["get", "name"], ""])),
            "layout", json!({ "text-field": ["get", "name"], "symbol-placement": "line",
                               "text-size": ["interpolate", ["linear"], ["zoom"], 14, 10, 17, 12],
                               "symbol-spacing": 300, "text-padding": 10 }),
        ),
        // The committee's units (hidden: the committee mode turns them on).
        with(
            layer("units", Layer::Units, "circle", 12, json!({
                "circle-color": "#b45309", "circle-radius": 5,
                "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 })),
            "layout", json!({ "visibility": "none" }),
        ),
        label("district-labels", Layer::Districts, 6, 11, json!(15), "#4a3f6b"),
        // A community split across tiles is labelled in each piece: wide padding keeps one.
        // From the command centre's opening zoom (12), smaller there so more of them fit.
        with(label("community-labels", Layer::Communities, 12, 16, json!(12), "#5c4f36"), "layout",
             json!({ "text-field": ["get", "name"],
                     "text-size": ["interpolate", ["linear"], ["zoom"], 12, 10, 14, 12],
                     "text-max-width": 8, "text-padding": 60 })),
        with(
            with(label("resource-labels", Layer::Resources, 15, 24, json!(11), "#1f3b57"),
                 "filter", json!(["in", ["get", "kind"], ["literal", ["service_complex", "police_station"]]])),
            "layout", json!({ "text-field": ["get", "name"], "text-size": 11, "text-max-width": 8,
                               "text-anchor": "top", "text-offset": [0, 0.8], "text-optional": true }),
        ),
    ]);
    json!({
        "version": 8,
        "name": "gridwatch",
        "sources": {
            "gridwatch": {
                "type": "vector",
                "url": format!("{base}/tiles/{}.json", names_of("gridwatch").join(",")),
                "attribution": format!("gridwatch synthetic {city}")
            },
            "incidents": {
                "type": "vector",
                "url": format!("{base}/tiles/{}.json", names_of("incidents").join(",")),
            },
            "hotspots": { "type": "vector", "url": format!("{base}/tiles/{}.json", names_of("hotspots").join(",")) },
            "kde": { "type": "vector", "url": format!("{base}/tiles/{}.json", names_of("kde").join(",")) },
            "service_gaps": { "type": "vector", "url": format!("{base}/tiles/{}.json", names_of("service_gaps").join(",")) },
            "patrol_coverage": { "type": "vector", "url": format!("{base}/tiles/{}.json", names_of("patrol_coverage").join(",")) },
            "units": { "type": "vector", "url": format!("{base}/tiles/{}.json", names_of("units").join(",")) }
        },
        "layers": layers,
    })
}
