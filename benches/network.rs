//! The walking network on the bundled city (its streets do not depend on the incident count):
//! building the graph, the nearest service complex for every building (one multi-source pass),
//! taking the A* landmarks (once, on the first walk), one shortest walk across the central city,
//! an isochrone, the nearest resources (straight and on foot), and joining a point to the
//! network.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Centroid, Coord};
use gridwatch::analytics::access::{Mode, building_access, nearest_straight, nearest_walk};
use gridwatch::index::Engine;
use gridwatch::model::ResourceKind;
use gridwatch::network::{DEFAULT_SNAP_LIMIT_M, Snap, StreetGraph, StreetLine};
use std::hint::black_box;
use std::path::Path;

fn network(c: &mut Criterion) {
    let data = gridwatch::geodata::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"))
        .expect("the bundled dataset reads");
    let engine = Engine::build(data).expect("indexes");
    let graph = &engine.network;
    let lines: Vec<StreetLine> = engine.streets.items().iter().map(StreetLine::of).collect();
    let complexes: Vec<Snap> = engine
        .resources
        .items()
        .iter()
        .filter(|r| r.kind == ResourceKind::ServiceComplex)
        .map(|r| {
            graph
                .snap(r.geometry.0, DEFAULT_SNAP_LIMIT_M)
                .expect("joins")
        })
        .collect();
    let buildings: Vec<Snap> = engine
        .buildings
        .items()
        .iter()
        .filter_map(|b| {
            graph
                .snap(b.geometry.centroid()?.0, DEFAULT_SNAP_LIMIT_M)
                .ok()
        })
        .collect();
    let south_west = graph
        .snap(
            Coord {
                x: 112.165,
                y: 30.965,
            },
            DEFAULT_SNAP_LIMIT_M,
        )
        .expect("joins");
    let north_east = graph
        .snap(
            Coord {
                x: 112.24,
                y: 31.06,
            },
            DEFAULT_SNAP_LIMIT_M,
        )
        .expect("joins");

    let mut group = c.benchmark_group("network");
    group.sample_size(20);
    group.bench_function("graph_build", |b| {
        b.iter(|| black_box(StreetGraph::build(&lines)));
    });
    group.bench_function("nearest_complex_pass_49_sources", |b| {
        b.iter(|| black_box(graph.nearest_sources(&complexes, f64::INFINITY)));
    });
    group.bench_function("nearest_complex_every_building", |b| {
        b.iter(|| {
            let pass = graph.nearest_sources(&complexes, f64::INFINITY);
            buildings
                .iter()
                .filter_map(|s| pass.of(graph, s))
                .map(|(d, _)| d)
                .sum::<f64>()
        });
    });
    group.bench_function("landmarks_take", |b| {
        b.iter(|| black_box(gridwatch::network::landmarks::Landmarks::take(graph)));
    });
    group.bench_function("route_across_central_city", |b| {
        b.iter(|| black_box(graph.walk(&south_west, &north_east)));
    });
    group.bench_function("isochrone_1000m", |b| {
        b.iter(|| black_box(graph.isochrone(&complexes[0], 1000.0)));
    });
    group.bench_function("snap_point", |b| {
        b.iter(|| {
            black_box(graph.snap(
                Coord {
                    x: 112.2031,
                    y: 31.0087,
                },
                DEFAULT_SNAP_LIMIT_M,
            ))
        });
    });
    group.finish();
    nearest(c, &engine);
}

/// The three nearest police posts or stations from a point in the old town.
fn nearest(c: &mut Criterion, engine: &Engine) {
    let mut group = c.benchmark_group("network");
    let at = Coord {
        x: 112.2031,
        y: 31.0087,
    };
    let kinds = [ResourceKind::PolicePost, ResourceKind::PoliceStation];
    group.bench_function("nearest_straight_k3_police", |b| {
        b.iter(|| black_box(nearest_straight(engine, at, &kinds, 3, 5_000.0)));
    });
    group.bench_function("gaps_walk_service_complex_every_building", |b| {
        let kinds = [ResourceKind::ServiceComplex];
        b.iter(|| black_box(building_access(engine, &kinds, Mode::Walk)));
    });
    group.bench_function("nearest_walk_k3_police", |b| {
        b.iter(|| {
            black_box(nearest_walk(
                engine,
                at,
                &kinds,
                3,
                2_000.0,
                DEFAULT_SNAP_LIMIT_M,
            ))
        });
    });
    group.finish();
}

criterion_group!(benches, network);
criterion_main!(benches);
