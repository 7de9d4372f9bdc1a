//! Vector tiles decoded with an independent reader (the protobuf types, and the command
//! stream decoded here) and checked against the engine: which features, where, with which
//! typed attributes; HTTP semantics; aggregation that never truncates; writes invalidating
//! cached tiles.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::engine;
use common::mvt::{decode, fetch, parts, properties};
use geo::{Coord, Intersects};
use geozero::mvt::tile::Layer;
use gridwatch::api::{AppState, Tokens, app};
use gridwatch::index::Engine;
use gridwatch::live::Live;
use gridwatch::store::Store;
use gridwatch::store::gpkg::GpkgStore;
use gridwatch::tiles::tile::TileId;
use tower::ServiceExt;

/// z14 tile over the central city (lon 112.2, lat 31.03).
const CENTRAL: TileId = TileId {
    z: 14,
    x: 13_298,
    y: 6_705,
};

/// The path of the `CENTRAL` tile of `layers`.
fn central(layers: &str) -> String {
    format!(
        "/tiles/{layers}/{}/{}/{}.mvt",
        CENTRAL.z, CENTRAL.x, CENTRAL.y
    )
}

fn state() -> AppState {
    AppState::new(Engine::clone(&engine()))
}

#[tokio::test]
async fn a_tile_holds_exactly_the_features_meeting_its_buffered_bounds() {
    let e = engine();
    let path = central("buildings,incidents,grids,resources");
    let got = fetch(&state(), &path, &[]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(
        got.headers["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    let layers = decode(&got.bytes);
    assert_eq!(
        layers.keys().collect::<Vec<_>>(),
        ["buildings", "grids", "incidents", "resources"],
        "a composite tile holds every layer"
    );
    let rect = CENTRAL.bounds(64.0);
    let ids = |l: &Layer| {
        l.features
            .iter()
            .map(|f| f.id.unwrap())
            .collect::<BTreeSet<u64>>()
    };
    // Brute force over every feature of the engine, no index.
    let buildings: BTreeSet<u64> = e
        .buildings
        .items()
        .iter()
        .filter(|b| b.geometry.intersects(&rect))
        .map(|b| b.id)
        .collect();
    assert_eq!(ids(&layers["buildings"]), buildings);
    let grids: BTreeSet<u64> = e
        .grids
        .items()
        .iter()
        .filter(|g| g.geometry.intersects(&rect))
        .map(|g| g.id)
        .collect();
    assert_eq!(ids(&layers["grids"]), grids);
    let t = &e.incidents;
    let incidents: BTreeSet<u64> = (0..t.len())
        .filter(|&r| {
            rect.intersects(&Coord {
                x: t.lon[r],
                y: t.lat[r],
            })
        })
        .map(|r| t.id[r])
        .collect();
    assert_eq!(ids(&layers["incidents"]), incidents);
    assert!(incidents.len() > 100 && buildings.len() > 50);

    // Points land within half a tile unit of where they are.
    let layer = &layers["incidents"];
    for (i, f) in layer.features.iter().enumerate() {
        let row = t.row(f.id.unwrap()).unwrap();
        let exact = CENTRAL.pixel(Coord {
            x: t.lon[row],
            y: t.lat[row],
        });
        let p = parts(&f.geometry)[0][0];
        assert!(
            (p[0] as f64 - exact.x).abs() <= 0.5 && (p[1] as f64 - exact.y).abs() <= 0.5,
            "incident {:?}",
            f.id
        );
        let props = properties(layer, i);
        assert_eq!(
            props["kind"].string_value.as_deref(),
            Some(t.kind[row].as_str())
        );
    }
    // Attributes are typed: integers as integers, flags as booleans.
    let b = &layers["buildings"];
    let props = properties(b, 0);
    let building = e.buildings.get(b.features[0].id.unwrap()).unwrap();
    assert_eq!(
        props["households"].uint_value,
        Some(u64::from(building.households))
    );
    assert_eq!(props["floors"].uint_value, Some(u64::from(building.floors)));
    assert_eq!(props["unmanaged"].bool_value, Some(building.unmanaged));
    assert_eq!(b.extent, Some(4096));
    assert_eq!(b.version, 2);
    // Polygon exteriors are clockwise on screen (positive area in tile coordinates).
    for f in &b.features {
        let ring = &parts(&f.geometry)[0];
        let area: i64 = (0..ring.len())
            .map(|i| {
                ring[i][0] * ring[(i + 1) % ring.len()][1]
                    - ring[(i + 1) % ring.len()][0] * ring[i][1]
            })
            .sum();
        assert!(area > 0, "building {:?}", f.id);
    }
}

#[tokio::test]
async fn http_semantics_of_tiles() {
    let state = state();
    let path = central("buildings");
    let first = fetch(&state, &path, &[]).await;
    assert_eq!(first.headers["x-cache"], "miss");
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong ETag"
    );
    let again = fetch(&state, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers["x-cache"], "hit");
    let gz = fetch(&state, &path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert!(gz.bytes.len() < first.bytes.len());
    for (path, status) in [
        ("/tiles/buildings/14/0/0.mvt", StatusCode::NO_CONTENT),
        ("/tiles/buildings/14/16384/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/buildings/23/0/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/buildings/x/0/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/buildings/10/831/419.mvt", StatusCode::NOT_FOUND),
        ("/tiles/lakes/14/0/0.mvt", StatusCode::NOT_FOUND),
        ("/tiles/buildings/14/0/0.png", StatusCode::NOT_FOUND),
        (
            "/tiles/hexbins/12/3324/1676.mvt?kind=arson",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/tiles/hexbins/12/3324/1676.mvt?res=13",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let got = fetch(&state, path, &[]).await;
        assert_eq!(got.status, status, "{path}");
        if status.is_client_error() {
            assert_eq!(
                got.headers["content-type"], "application/problem+json",
                "{path}"
            );
        }
    }
    let tilejson: serde_json::Value = serde_json::from_slice(
        &fetch(&state, "/tiles/buildings,incidents.json", &[])
            .await
            .bytes,
    )
    .unwrap();
    assert_eq!(tilejson["tilejson"], "3.0.0");
    assert_eq!(
        tilejson["tiles"][0],
        "http://test.local/tiles/buildings,incidents/{z}/{x}/{y}.mvt"
    );
    assert_eq!(tilejson["minzoom"], 8);
    assert_eq!(
        tilejson["vector_layers"][0]["fields"]["households"],
        "Number"
    );
    let style: serde_json::Value =
        serde_json::from_slice(&fetch(&state, "/tiles/style.json", &[]).await.bytes).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::geodata_dir().join("../tiles/style.json")).unwrap(),
    )
    .unwrap();
    let served_for_localhost = serde_json::to_string(&style)
        .unwrap()
        .replace("http://test.local", "http://127.0.0.1:8080");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&served_for_localhost).unwrap(),
        committed,
        "tiles/style.json is the served style"
    );
}

#[tokio::test]
async fn escaped_commas_name_the_same_layers() {
    let state = state();
    let composite = |sep: &str| central(&format!("buildings{sep}grids"));
    let escaped = fetch(&state, &composite("%2C"), &[]).await;
    assert_eq!(escaped.status, StatusCode::OK);
    assert_eq!(
        escaped.bytes,
        fetch(&state, &composite(","), &[]).await.bytes
    );
    let bad = fetch(&state, &composite("%FF"), &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn tiles_come_in_the_coding_the_client_prefers_with_a_tag_each() {
    use std::io::Read;

    let state = state();
    let path = central("buildings");
    let plain = fetch(&state, &path, &[]).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get("content-encoding").is_none());
    let gz = fetch(&state, &path, &[("accept-encoding", "gzip;q=1, br;q=0.5")]).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.headers["vary"], "accept-encoding");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.bytes[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.bytes, "gzip carries the same tile");
    let br = fetch(
        &state,
        &path,
        &[("accept-encoding", "gzip, deflate, br, zstd")],
    )
    .await;
    assert_eq!(br.headers["content-encoding"], "br");
    let mut unbrotlied = Vec::new();
    brotli::Decompressor::new(&br.bytes[..], 4096)
        .read_to_end(&mut unbrotlied)
        .unwrap();
    assert_eq!(unbrotlied, plain.bytes, "br carries the same tile");

    // A strong tag names one representation.
    let tags: BTreeSet<String> = [&plain, &gz, &br]
        .iter()
        .map(|f| f.headers["etag"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(tags.len(), 3, "{tags:?}");
    let gz_tag = gz.headers["etag"].to_str().unwrap().to_owned();
    let again = fetch(
        &state,
        &path,
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_tag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers["x-cache"], "hit", "the gzip form is cached");
    assert_eq!(again.headers["etag"], gz_tag.as_str());
    let weak = format!("W/{gz_tag}");
    let weakly = fetch(
        &state,
        &path,
        &[("accept-encoding", "gzip"), ("if-none-match", &weak)],
    )
    .await;
    assert_eq!(weakly.status, StatusCode::NOT_MODIFIED, "weak comparison");
    let other = fetch(&state, &path, &[("if-none-match", &gz_tag)]).await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "the gzip tag does not match the identity tile"
    );

    // Browsers on another origin may read tiles and their errors.
    assert_eq!(plain.headers["access-control-allow-origin"], "*");
    let bad = fetch(&state, "/tiles/buildings/14/16384/0.mvt", &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.headers["access-control-allow-origin"], "*");
    assert_eq!(bad.headers["cache-control"], "no-cache");
    let empty = fetch(
        &state,
        "/tiles/buildings/14/0/0.mvt",
        &[("accept-encoding", "br")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::NO_CONTENT);
    assert!(empty.headers.get("content-encoding").is_none());
    let post = app(state.clone())
        .oneshot(Request::post(path.as_str()).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.headers()["content-type"], "application/problem+json");

    // A CORS preflight gets what the app's CORS layer answers on every other route.
    let preflight = |path: &str| {
        app(state.clone()).oneshot(
            Request::options(path)
                .header("origin", "https://map.example")
                .header("access-control-request-method", "GET")
                .body(Body::empty())
                .unwrap(),
        )
    };
    let tile = preflight(&path).await.unwrap();
    let style = preflight("/tiles/style.json").await.unwrap();
    assert_eq!(tile.status(), StatusCode::OK);
    assert_eq!(tile.status(), style.status());
    for name in [
        "access-control-allow-origin",
        "access-control-allow-methods",
    ] {
        assert_eq!(tile.headers()[name], style.headers()[name], "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_invalidates_the_cached_tiles_it_touches() {
    let dir = common::scratch_dir("tiles");
    let (store, _) =
        GpkgStore::open_or_create(&dir.join("city.gpkg"), || Ok(Engine::clone(&engine()))).unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let state = AppState::with_live(
        Live::new(Engine::clone(&engine()), Some(store)),
        Tokens::parse_plain("operator:t").unwrap(),
    );
    let path = central("incidents");
    let before = fetch(&state, &path, &[]).await;
    assert_eq!(fetch(&state, &path, &[]).await.headers["x-cache"], "hit");
    let centre = CENTRAL.bounds(0.0).center();
    let body = format!(
        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{{"kind":"drainage","reported_at":"2022-07-01T08:00:00+08:00","source":"grid_worker"}}}}"#,
        centre.x, centre.y
    );
    let created = common::request_with_headers(
        state.clone(),
        "POST",
        "/api/v1/incidents",
        Some(&body),
        &[
            ("authorization", "Bearer t"),
            ("content-type", "application/geo+json"),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json["ids"][0].as_u64().unwrap();
    let after = fetch(
        &state,
        &path,
        &[("if-none-match", before.headers["etag"].to_str().unwrap())],
    )
    .await;
    assert_eq!(
        after.status,
        StatusCode::OK,
        "the old ETag no longer matches"
    );
    assert_eq!(after.headers["x-cache"], "miss");
    let ids: BTreeSet<u64> = decode(&after.bytes)["incidents"]
        .features
        .iter()
        .map(|f| f.id.unwrap())
        .collect();
    assert!(ids.contains(&id), "the new incident is in the tile");
}

/// The prepared layers (world units, written straight to commands when nothing needs clipping
/// or simplifying) draw exactly what the general path draws from the engine's lon/lat
/// geometry, feature for feature, at zooms from the whole city down to single buildings; and
/// every feature the general path draws is among the prepared layer's candidates.
#[test]
fn prepared_layers_draw_what_the_general_path_draws() {
    use geo::BoundingRect;
    use gridwatch::tiles::encode::{Commands, prepare};
    use gridwatch::tiles::layers::{Layer, layer_features, street_minzoom};
    use gridwatch::tiles::source::{Scratch, StaticSources};

    let e = engine();
    let sources = StaticSources::default();
    let centre = Coord { x: 112.2, y: 31.03 };
    let (mut compared, mut crossing) = (0, 0);
    for z in [8u8, 11, 13, 14, 16] {
        let at = TileId { z, x: 0, y: 0 }.pixel(centre);
        let (cx, cy) = ((at.x / 4096.0) as u32, (at.y / 4096.0) as u32);
        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let tile = TileId {
                z,
                x: cx + dx,
                y: cy + dy,
            };
            for &name in Layer::ALL.iter().filter(|l| l.is_static()) {
                if !name.drawn_at(z) {
                    continue;
                }
                let source = sources.get(&e, name).unwrap();
                let candidates = source.candidates(tile);
                let features = layer_features(&e, name);
                // The source keeps its features in its own (spatial) order.
                let position: std::collections::HashMap<u64, u32> = (0..source.len())
                    .map(|i| {
                        let i = u32::try_from(i).unwrap();
                        (source.id(i), i)
                    })
                    .collect();
                assert_eq!(
                    position.len(),
                    features.len(),
                    "{name}: one item per feature"
                );
                let (mut out, mut scratch) = (Commands::default(), Scratch::default());
                let mut drawn = 0;
                for f in &features {
                    // Streets come in by class: footpaths only from z15.
                    let shown = name != Layer::Streets || street_minzoom(f) <= z;
                    let expected = prepare(tile, &f.geometry).filter(|_| shown).map(|g| {
                        let mut c = Commands::default();
                        let kind = c.geometry(&g);
                        (kind, c.bytes().to_vec())
                    });
                    let i = position[&f.id];
                    let got = if candidates.contains(&i) {
                        source
                            .geometry(i, tile, &mut out, &mut scratch)
                            .map(|kind| (kind, out.bytes().to_vec()))
                    } else {
                        None
                    };
                    assert_eq!(got, expected, "{name} {} in {tile:?}", f.id);
                    if got.is_some() {
                        drawn += 1;
                        // Drawn, and reaching past the buffered tile: clipped.
                        let b = f.geometry.bounding_rect().unwrap();
                        let r = tile.bounds(64.0);
                        crossing += usize::from(
                            b.min().x < r.min().x
                                || b.min().y < r.min().y
                                || b.max().x > r.max().x
                                || b.max().y > r.max().y,
                        );
                    }
                }
                compared += drawn;
            }
        }
    }
    assert!(compared > 2_000, "{compared} features compared");
    assert!(crossing > 100, "{crossing} features crossing a tile edge");
}

/// `service_gaps` draws every home meeting the tile with the band of its distance to the
/// nearest resource, the same distance `building_access` gives, for the kinds and mode asked.
#[tokio::test]
async fn service_gap_tiles_band_homes_by_their_distance() {
    use gridwatch::analytics::access::{Mode, building_access};
    use gridwatch::model::ResourceKind;
    let state = state();
    let e = engine();
    let rect = CENTRAL.bounds(f64::from(gridwatch::tiles::tile::BUFFER));
    for (query, kinds, mode) in [
        ("", vec![ResourceKind::ServiceComplex], Mode::Walk),
        (
            "?access_kind=clinic,market&mode=straight",
            vec![ResourceKind::Clinic, ResourceKind::Market],
            Mode::Straight,
        ),
    ] {
        let access = building_access(&e, &kinds, mode);
        let got = fetch(&state, &format!("{}{query}", central("service_gaps")), &[]).await;
        assert_eq!(got.status, StatusCode::OK, "{query}");
        let layers = decode(&got.bytes);
        let layer = &layers["service_gaps"];
        let mut seen = BTreeSet::new();
        let mut bands = BTreeSet::new();
        for (i, f) in layer.features.iter().enumerate() {
            let p = properties(layer, i);
            let id = f.id.unwrap();
            let position = e.buildings.position(id).unwrap() as usize;
            let d = access[position].distance_m;
            let band = p["band"].string_value.clone().unwrap();
            let expected = match d {
                d if d <= 300.0 => "300",
                d if d <= 500.0 => "500",
                d if d <= 1_000.0 => "1000",
                _ => "beyond",
            };
            assert_eq!(band, expected, "{query} building {id}: {d} m");
            bands.insert(band);
            if d.is_finite() {
                assert!((p["distance_m"].double_value.unwrap() - d).abs() <= 0.05);
            }
            seen.insert(id);
        }
        let expected: BTreeSet<u64> = e
            .buildings
            .intersecting(&rect)
            .into_iter()
            .map(|b| &e.buildings.items()[b as usize])
            .filter(|b| b.households > 0)
            .map(|b| b.id)
            .collect();
        assert_eq!(
            seen, expected,
            "{query}: every home meeting the tile, nothing else"
        );
        assert!(bands.len() >= 2, "{query}: {bands:?}");
    }
    for bad in ["?access_kind=bank", "?mode=fly"] {
        let got = fetch(&state, &format!("{}{bad}", central("service_gaps")), &[]).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}
