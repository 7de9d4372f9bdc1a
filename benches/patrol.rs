//! Patrol analyses on the bundled city: the coverage of all 222 routes (50 m), the dosage of
//! all 1,776 tracks at their community's three busiest res-9 cells (a stand-in for its hot
//! spots, which need a period's Gi*), and one whole `GET /api/v1/patrol/suggest` request.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use gridwatch::analytics::patrol::coverage::coverage;
use gridwatch::analytics::patrol::dosage::visits;
use gridwatch::index::{Engine, IncidentFilter};
use h3o::{CellIndex, Resolution};
use rayon::prelude::*;

fn patrol(c: &mut Criterion) {
    let data = gridwatch::geodata::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"))
        .expect("the bundled dataset reads");
    let engine = Engine::build(data).expect("indexes");
    // Each community's three busiest res-9 cells.
    let mut counts: HashMap<(u32, CellIndex), u32> = HashMap::new();
    for r in 0..engine.incidents.len() {
        let (Some(cell), Some(grid)) = (
            engine.incidents.cell_at(r),
            engine
                .place(geo::Coord {
                    x: engine.incidents.lon[r],
                    y: engine.incidents.lat[r],
                })
                .0,
        ) else {
            continue;
        };
        let Some(g) = engine.grids.position(grid) else {
            continue;
        };
        let community = engine.grid_community[g as usize];
        if let Some(parent) = cell.parent(Resolution::Nine) {
            *counts.entry((community, parent)).or_default() += 1;
        }
    }
    let mut hot: HashMap<u32, Vec<(u32, CellIndex)>> = HashMap::new();
    for ((community, cell), n) in counts {
        hot.entry(community).or_default().push((n, cell));
    }
    let hot: HashMap<u64, Vec<CellIndex>> = hot
        .into_iter()
        .map(|(community, mut cells)| {
            cells.sort_unstable_by(|a, b| b.cmp(a));
            let id = engine.communities.items()[community as usize].id;
            (id, cells.into_iter().take(3).map(|c| c.1).collect())
        })
        .collect();
    // The incidents counted within reach: the last 90 days, as the endpoints count by default.
    let (_, last) = engine.incidents.time_extent().unwrap_or((0, 0));
    let last_90_days = IncidentFilter {
        period: gridwatch::model::Period {
            start: Some(last - 90 * 86_400),
            end: Some(last),
        },
        ..IncidentFilter::default()
    };
    let mut group = c.benchmark_group("patrol");
    group.sample_size(10);
    group.bench_function("coverage_all_222_routes_50m", |b| {
        b.iter(|| {
            let all: Vec<_> = engine
                .patrol_routes
                .items()
                .par_iter()
                .map(|route| {
                    let community = engine.communities.position(route.community_id).unwrap_or(0);
                    let cells = hot.get(&route.community_id).map_or(&[][..], Vec::as_slice);
                    coverage(
                        &engine,
                        &route.geometry,
                        community,
                        50.0,
                        cells,
                        &last_90_days,
                    )
                    .grids
                    .len()
                })
                .collect();
            black_box(all)
        });
    });
    group.bench_function("dosage_all_1776_tracks", |b| {
        b.iter(|| {
            let all: Vec<_> = engine
                .patrol_tracks
                .items()
                .par_iter()
                .map(|track| {
                    let cells = hot.get(&track.community_id).map_or(&[][..], Vec::as_slice);
                    visits(track, cells)
                })
                .collect();
            black_box(all)
        });
    });
    group.finish();
}

/// One suggestion, as a user asks it: Gi* over the city for the hot spots, coverage before and
/// after, the orienteering and the drawing. Each request asks a millimetre more, so the answer
/// cache never answers.
fn suggest(c: &mut Criterion) {
    let data = gridwatch::geodata::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"))
        .expect("the bundled dataset reads");
    let engine = Engine::build(data).expect("indexes");
    let mut group = c.benchmark_group("patrol");
    group.sample_size(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let router = gridwatch::api::app(gridwatch::api::AppState::new(engine));
    for (name, query) in [
        ("suggest_route_33_default", "route=33"),
        (
            "suggest_route_66_school_kinds_2021",
            "route=66&kind=school_surroundings,police_call,dispute&from=2021-01-01&to=2021-12-31",
        ),
    ] {
        let mut extra_mm = 1_000_000_u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                extra_mm += 1;
                let uri = format!(
                    "/api/v1/patrol/suggest?{query}&extra_m={}.{:03}",
                    extra_mm / 1000,
                    extra_mm % 1000
                );
                let request = axum::http::Request::builder()
                    .uri(uri)
                    .body(axum::body::Body::empty())
                    .expect("request");
                let status = runtime.block_on(async {
                    tower::ServiceExt::oneshot(router.clone(), request)
                        .await
                        .expect("response")
                        .status()
                });
                assert!(status.is_success());
                black_box(status)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, patrol, suggest);
criterion_main!(benches);
