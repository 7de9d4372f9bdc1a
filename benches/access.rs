//! Access analyses on the bundled city (they read buildings, streets and resources, not
//! incidents): 2SFCA of the service complexes on foot and in a straight line, choosing 10 new
//! sites from the default candidates (coverage and p-median), and the nearest police for 1,000
//! points at once.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::Coord;
use gridwatch::analytics::access::fca::{Weight, two_step_fca};
use gridwatch::analytics::access::sites::{Objective, SiteQuery, choose_sites, default_candidates};
use gridwatch::analytics::access::{Mode, nearest_straight, nearest_walk};
use gridwatch::index::Engine;
use gridwatch::model::ResourceKind;
use gridwatch::network::DEFAULT_SNAP_LIMIT_M;
use rayon::prelude::*;
use std::hint::black_box;
use std::path::Path;

fn access(c: &mut Criterion) {
    let data = gridwatch::geodata::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"))
        .expect("the bundled dataset reads");
    let engine = Engine::build(data).expect("indexes");
    // Join points and snaps are taken once per dataset; take them before timing.
    let _ = engine.building_snaps();
    let _ = engine.resource_snaps();
    let complexes = [ResourceKind::ServiceComplex];
    let mut group = c.benchmark_group("access");
    group.sample_size(20);
    for mode in [Mode::Walk, Mode::Straight] {
        group.bench_function(
            format!("fca_service_complex_1000m_{}", mode.as_str()),
            |b| {
                b.iter(|| {
                    black_box(two_step_fca(
                        &engine,
                        &complexes,
                        1_000.0,
                        &Weight::Uniform,
                        mode,
                    ))
                });
            },
        );
    }
    group.bench_function("default_candidates_service_complex", |b| {
        b.iter(|| black_box(default_candidates(&engine, &complexes)));
    });
    for (objective, threshold_m) in [(Objective::Coverage, 500.0), (Objective::PMedian, 1_000.0)] {
        group.bench_function(
            format!("sites_k10_{}_{threshold_m}m_walk", objective.as_str()),
            |b| {
                b.iter(|| {
                    black_box(choose_sites(
                        &engine,
                        &SiteQuery {
                            kinds: complexes.to_vec(),
                            k: 10,
                            threshold_m,
                            mode: Mode::Walk,
                            objective,
                            candidates: None,
                        },
                    ))
                });
            },
        );
    }
    // 1,000 points over the central city, as a batch of open incidents would be.
    let points: Vec<Coord> = (0..1_000)
        .map(|i| {
            let (a, b) = (f64::from(i % 40) / 40.0, f64::from(i / 40) / 25.0);
            Coord {
                x: 112.16 + a * 0.08,
                y: 30.99 + b * 0.06,
            }
        })
        .collect();
    let police = [ResourceKind::PolicePost, ResourceKind::PoliceStation];
    group.bench_function("nearest_batch_1000_points_k1_police_walk", |b| {
        b.iter(|| {
            let found: Vec<_> = points
                .par_iter()
                .map(|&at| nearest_walk(&engine, at, &police, 1, 5_000.0, DEFAULT_SNAP_LIMIT_M))
                .collect();
            black_box(found)
        });
    });
    group.bench_function("nearest_batch_1000_points_k1_police_straight", |b| {
        b.iter(|| {
            let found: Vec<_> = points
                .par_iter()
                .map(|&at| nearest_straight(&engine, at, &police, 1, 5_000.0))
                .collect();
            black_box(found)
        });
    });
    group.finish();
}

criterion_group!(benches, access);
criterion_main!(benches);
