//! Vector tiles on the 1M-incident city: an uncached z14 tile of buildings + incidents over
//! the central city (encoding only, from the engine), and — printed before the benchmark —
//! the biggest tile of each layer at each zoom over the central city, through the HTTP router.

mod common;

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use geo::Coord;
use gridwatch::api::{AppState, TileCaches, Tokens, app};
use gridwatch::index::{Engine, IncidentFilter};
use gridwatch::live::Live;
use gridwatch::tiles::layers::{
    INCIDENT_POINTS_FROM, IncidentMode, LAYERS, Layer, hexbin_values, incident_tile, layer_features,
};
use gridwatch::tiles::mvt::{LayerContent, encode};
use gridwatch::tiles::source::{StaticSources, TileSource};
use gridwatch::tiles::tile::TileId;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The tile holding (lon, lat) at zoom z.
fn tile_at(z: u8, lon: f64, lat: f64) -> TileId {
    let p = TileId { z, x: 0, y: 0 }.pixel(Coord { x: lon, y: lat });
    TileId {
        z,
        x: (p.x / 4096.0) as u32,
        y: (p.y / 4096.0) as u32,
    }
}

/// The body `router` answers to `GET uri`.
fn body(runtime: &tokio::runtime::Runtime, router: &axum::Router, uri: &str) -> axum::body::Bytes {
    let request = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    runtime.block_on(async {
        let response = router.clone().oneshot(request).await.expect("response");
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
    })
}

/// The length of the body `router` answers to `GET uri`.
fn body_len(runtime: &tokio::runtime::Runtime, router: &axum::Router, uri: &str) -> usize {
    body(runtime, router, uri).len()
}

/// Prints the largest tile of each layer named in `GRIDWATCH_TILE_SIZES` (or `all`) at every
/// zoom of its range, over the central city.
fn report_biggest_tiles(state: &AppState) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let router = app(state.clone());
    let only = std::env::var("GRIDWATCH_TILE_SIZES").unwrap_or_default();
    for layer in LAYERS
        .iter()
        .filter(|l| only == "all" || only.split(',').any(|n| n == l.name()))
    {
        let mut line = format!("{:>14}:", layer.name());
        for z in layer.minzoom.max(8)..=layer.maxzoom {
            let (a, b) = (tile_at(z, 112.14, 31.09), tile_at(z, 112.27, 30.93));
            let mut biggest = (0usize, a);
            for x in a.x..=b.x {
                for y in a.y..=b.y {
                    let uri = format!("/tiles/{}/{z}/{x}/{y}.mvt", layer.name());
                    let bytes = body_len(&runtime, &router, &uri);
                    if bytes > biggest.0 {
                        biggest = (bytes, TileId { z, x, y });
                    }
                }
            }
            let _ = write!(line, " z{z} {:.0} KB;", biggest.0 as f64 / 1024.0);
        }
        eprintln!("{line}");
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one 1M-incident city, built once, for every tile benchmark"
)]
fn tiles(c: &mut Criterion) {
    let engine = common::city_with_million_incidents();
    let state = AppState::new(engine.clone());
    if std::env::var_os("GRIDWATCH_TILE_SIZES").is_some() {
        report_biggest_tiles(&state);
    }
    let tile = TileId {
        z: 14,
        x: 13_298,
        y: 6_705,
    };
    let everything = IncidentFilter::default();
    // The selection's res-11 hexbins: the server computes them once per query and data version
    // (they pick the crowded tiles' counts), so they are not part of a tile's cost.
    let res11 = hexbin_values(&engine, &everything, h3o::Resolution::Eleven);
    // So is each zoom's representation (the same for every tile of the zoom).
    let modes: Vec<IncidentMode> = (0..=16).map(|z| IncidentMode::of_zoom(&res11, z)).collect();
    let incidents =
        |tile: TileId| incident_tile(&engine, tile, &everything, &res11, modes[tile.z as usize]);
    check_one_mode_per_zoom(&state);
    group_mode_cost(c, &res11);
    // The buildings prepared for tiles: the server does this once per layer version.
    let sources = StaticSources::default();
    let buildings = sources
        .get(&engine, Layer::Buildings)
        .expect("a static layer");
    let mut group = c.benchmark_group("tiles_1m");
    group.bench_function("z14_buildings_incidents_uncached", |b| {
        b.iter(|| {
            let layers = [
                ("buildings", LayerContent::Source(buildings.clone())),
                ("incidents", LayerContent::Features(incidents(tile))),
            ];
            black_box(encode(tile, &layers)).len()
        });
    });
    group.bench_function("z14_buildings_uncached", |b| {
        b.iter(|| {
            let layers = [("buildings", LayerContent::Source(buildings.clone()))];
            black_box(encode(tile, &layers)).len()
        });
    });
    first_tile_of_its_zoom(&mut group, &engine, tile);
    // The load benchmark's list (scripts/bench/tiles-vs-martin.sh): 224 z14 building tiles over
    // the central city, one after another.
    let central: Vec<TileId> = (13_290..=13_305)
        .flat_map(|x| (6_698..=6_711).map(move |y| TileId { z: 14, x, y }))
        .collect();
    group.bench_function("z14_buildings_224_tiles", |b| {
        b.iter(|| {
            central
                .iter()
                .map(|&t| {
                    let layers = [("buildings", LayerContent::Source(buildings.clone()))];
                    encode(t, &layers).len()
                })
                .sum::<usize>()
        });
    });
    // The HTTP stack in process (router, middleware, handler), no socket: a cached tile, and the
    // same tile from a server without a tile cache.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let dense = "/tiles/buildings/14/13298/6705.mvt";
    for (name, state) in [
        ("http_cached_dense_tile", state.clone()),
        (
            "http_uncached_dense_tile",
            AppState::with_tile_cache(
                Live::new(engine.clone(), None),
                Tokens::none(),
                TileCaches::with_bytes(0),
            ),
        ),
    ] {
        let router = app(state);
        group.bench_function(name, |b| {
            b.iter(|| body_len(&runtime, &router, dense));
        });
    }
    // The load benchmark's uncached list through the HTTP stack: what each tile costs beyond
    // drawing it (routing, parsing, headers).
    let uncached = app(AppState::with_tile_cache(
        Live::new(engine.clone(), None),
        Tokens::none(),
        TileCaches::with_bytes(0),
    ));
    // An incidents tile is drawn on the blocking pool within the tile-drawing slots: what the
    // slot, the hand-off and the counts cost together.
    group.bench_function("http_uncached_incidents_tile", |b| {
        b.iter(|| body_len(&runtime, &uncached, "/tiles/incidents/14/13298/6705.mvt"));
    });
    let paths: Vec<String> = central
        .iter()
        .map(|t| format!("/tiles/buildings/{}/{}/{}.mvt", t.z, t.x, t.y))
        .collect();
    group.bench_function("http_uncached_224_tiles", |b| {
        b.iter(|| {
            paths
                .iter()
                .map(|p| body_len(&runtime, &uncached, p))
                .sum::<usize>()
        });
    });
    group.bench_function("z14_incidents_features", |b| {
        b.iter(|| black_box(incidents(tile)).len());
    });
    // The densest tile at the first zoom that shows single points.
    if let Some(z) =
        (INCIDENT_POINTS_FROM..=16).find(|&z| modes[z as usize] == IncidentMode::Points)
    {
        let points = tile_at(z, 112.2, 31.03);
        group.bench_function(format!("z{z}_incidents_points_tile"), |b| {
            b.iter(|| black_box(incidents(points)).len());
        });
    }
    let layers = [
        ("buildings", LayerContent::Source(buildings.clone())),
        ("incidents", LayerContent::Features(incidents(tile))),
    ];
    group.bench_function("z14_buildings_incidents_encode_only", |b| {
        b.iter(|| black_box(encode(tile, &layers)).len());
    });
    group.finish();
}

/// What deciding a zoom's representation costs (once per selection, zoom and data version).
fn group_mode_cost(c: &mut Criterion, res11: &[gridwatch::tiles::layers::CellValue]) {
    c.bench_function("tiles_1m/incident_mode_of_z14", |b| {
        b.iter(|| IncidentMode::of_zoom(black_box(res11), 14));
    });
}

/// Decodes every incident tile over the central city at zooms 10–16 for two selections
/// through the HTTP router, and checks that each zoom shows one representation and that its
/// counts add up to the selection (its total from `/api/v1/hexbins`). Prints a line a zoom.
fn check_one_mode_per_zoom(state: &AppState) {
    use geozero::mvt::{Message, Tile};
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let router = app(state.clone());
    let get = |uri: &str| body(&runtime, &router, uri).to_vec();
    let bbox = "bbox=112.17,30.98,112.24,31.05";
    for query in [bbox.to_owned(), format!("kind=dispute&{bbox}")] {
        let hexbins: serde_json::Value =
            serde_json::from_slice(&get(&format!("/api/v1/hexbins?res=11&{query}")))
                .expect("hexbins answer");
        let selected = hexbins["summary"]["total"].as_u64().expect("a total");
        for z in 10..=16u8 {
            // The tiles of the selection's box grown by 0.05° (more than any cell's radius).
            let (a, b) = (tile_at(z, 112.12, 31.10), tile_at(z, 112.29, 30.93));
            let (mut kinds, mut total, mut tiles) = (std::collections::BTreeSet::new(), 0u64, 0);
            for x in a.x..=b.x {
                for y in a.y..=b.y {
                    let bytes = get(&format!("/tiles/incidents/{z}/{x}/{y}.mvt?{query}"));
                    let Some(layer) = Tile::decode(bytes.as_slice())
                        .expect("a tile")
                        .layers
                        .into_iter()
                        .find(|l| l.name == "incidents")
                    else {
                        continue;
                    };
                    tiles += 1;
                    let count_key = layer.keys.iter().position(|k| k == "point_count");
                    for f in &layer.features {
                        let count = f
                            .tags
                            .chunks(2)
                            .find(|kv| Some(kv[0] as usize) == count_key);
                        kinds.insert(count.is_some());
                        total += count.map_or_else(
                            || {
                                // A point counts in the tile whose own square holds it.
                                let (x, y) = (f.geometry[1], f.geometry[2]);
                                let unzig = |v: u32| (v >> 1) as i32 ^ -((v & 1) as i32);
                                u64::from(
                                    (0..4096).contains(&unzig(x)) && (0..4096).contains(&unzig(y)),
                                )
                            },
                            |kv| layer.values[kv[1] as usize].uint_value.unwrap_or(0),
                        );
                    }
                }
            }
            let shown = match kinds.len() {
                1 if kinds.contains(&true) => "counts",
                1 => "points",
                0 => "empty",
                _ => "MIXED",
            };
            eprintln!(
                "incidents `{query}` z{z}: {shown} in all {tiles} tiles, {total} of {selected}"
            );
            assert!(kinds.len() <= 1, "z{z} `{query}` mixes points and counts");
            assert_eq!(total, selected, "z{z} `{query}`");
        }
    }
}

/// The first tile of a zoom from a freshly prepared buildings layer: it also writes the
/// buildings' command streams for that zoom.
fn first_tile_of_its_zoom(group: &mut BenchmarkGroup<WallTime>, engine: &Engine, tile: TileId) {
    let features = layer_features(engine, Layer::Buildings);
    group.bench_function("z14_buildings_first_tile_of_its_zoom", |b| {
        b.iter_batched(
            || Arc::new(TileSource::new(&features)),
            |fresh| {
                let layers = [("buildings", LayerContent::Source(fresh))];
                black_box(encode(tile, &layers)).len()
            },
            BatchSize::LargeInput,
        );
    });
}

criterion_group!(benches, tiles);
criterion_main!(benches);
