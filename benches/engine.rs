//! Hot paths of the engine on a 1M-incident city (the bundled city with `--scale 1000000`
//! incidents, generated in memory):
//! - point-in-polygon assignment of 1M points to the 866 grids, as ingest runs it (H3 cell +
//!   interior-cell lookup + exact tests near edges, on all cores), and its parts;
//! - bbox queries on buildings (R-tree + exact test) and on incidents (column scan with kind
//!   and period filters).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, Rect};
use gridwatch::index::{CellBins, IncidentFilter, cell_of, locate_all, locate_exact};
use gridwatch::model::{Bbox, IncidentKind, Period};
use std::hint::black_box;

fn assignment(c: &mut Criterion) {
    let engine = common::city_with_million_incidents();
    let t = &engine.incidents;
    let points: Vec<Coord> = t
        .lon
        .iter()
        .zip(&t.lat)
        .map(|(&x, &y)| Coord { x, y })
        .collect();
    let cells: Vec<h3o::CellIndex> = points.iter().filter_map(|&p| cell_of(p)).collect();
    let mut group = c.benchmark_group("assign_1m_points");
    group.sample_size(10);
    group.bench_function("cell_and_grid_parallel", |b| {
        b.iter(|| black_box(locate_all(&engine.grids, &engine.locator, &points)));
    });
    group.bench_function("grid_from_cell_one_core", |b| {
        b.iter(|| {
            cells
                .iter()
                .zip(&points)
                .filter_map(|(&cell, &p)| engine.locator.locate(&engine.grids, cell, p))
                .count()
        });
    });
    group.bench_function("h3_cell_only_one_core", |b| {
        b.iter(|| points.iter().filter_map(|&p| cell_of(p)).count());
    });
    group.bench_function("rtree_exact_only_one_core", |b| {
        b.iter(|| {
            points
                .iter()
                .filter_map(|&p| locate_exact(&engine.grids, p))
                .count()
        });
    });
    group.finish();

    bins(c, &t.cell, &points);

    let mut group = c.benchmark_group("bbox_query");
    let small = Rect::new(
        Coord {
            x: 112.195,
            y: 31.02,
        },
        Coord {
            x: 112.2,
            y: 31.025,
        },
    );
    let central = Rect::new(
        Coord {
            x: 112.14,
            y: 30.93,
        },
        Coord {
            x: 112.27,
            y: 31.09,
        },
    );
    group.bench_function("buildings_500m_box", |b| {
        b.iter(|| black_box(engine.buildings.intersecting(&small)).len());
    });
    group.bench_function("buildings_central_city", |b| {
        b.iter(|| black_box(engine.buildings.intersecting(&central)).len());
    });
    let filter = IncidentFilter {
        kinds: vec![IncidentKind::Dispute, IncidentKind::PoliceCall],
        period: Period::from_bounds(Some("2020-01-01"), Some("2020-12-31")).expect("valid period"),
        bbox: Some(Bbox::from_rect(Rect::new(
            Coord {
                x: 112.18,
                y: 30.98,
            },
            Coord {
                x: 112.22,
                y: 31.02,
            },
        ))),
        ..IncidentFilter::default()
    };
    group.bench_function("incidents_1m_kind_year_bbox", |b| {
        b.iter(|| black_box(t.select(&filter)).len());
    });
    group.finish();
}

/// The bins of every incident at res 6..=11, as load and ingest compute them (the hexagon
/// holding each point: the res-11 ancestor as a guess checked against the bin's hexagon,
/// `to_cell` near edges), both cores; and `to_cell` at res 6..=10 for every point, one core,
/// the cost the guess avoids.
fn bins(c: &mut Criterion, cells: &[u64], points: &[Coord]) {
    let mut group = c.benchmark_group("bins_1m");
    group.sample_size(10);
    group.bench_function("exact_bins_res6_to_11_parallel", |b| {
        b.iter(|| black_box(CellBins::build(cells, points)));
    });
    group.bench_function("to_cell_res6_to_10_one_core", |b| {
        b.iter(|| {
            points
                .iter()
                .filter_map(|p| h3o::LatLng::new(p.y, p.x).ok())
                .map(|ll| {
                    (6..=10u8)
                        .filter_map(|r| h3o::Resolution::try_from(r).ok())
                        .map(|r| u64::from(ll.to_cell(r)) & 1)
                        .sum::<u64>()
                })
                .sum::<u64>()
        });
    });
    group.finish();
}

/// CQL2 filters on the 1M incidents: a spatial-and-attribute filter (compiled once, as a
/// request compiles it, then evaluated on the columns), and the same with the compile.
fn cql2_filters(c: &mut Criterion) {
    use gridwatch::filter::{Filter, Lang};
    use gridwatch::index::cql::{AreaIds, IncidentPredicate, QUERYABLES};
    let engine = common::city_with_million_incidents();
    let ids = AreaIds::of(&engine);
    let texts = [
        (
            "polygon_and_kinds",
            "kind IN ('dispute', 'petition') AND S_INTERSECTS(geometry, POLYGON((112.17 31.00, 112.23 31.00, 112.23 31.06, 112.17 31.06, 112.17 31.00)))",
        ),
        (
            "box_kind_and_year",
            "kind = 'dispute' AND S_INTERSECTS(geometry, BBOX(112.19, 31.02, 112.21, 31.04)) AND T_INTERSECTS(reported_at, INTERVAL('2020-01-01T00:00:00Z', '2020-12-31T23:59:59Z'))",
        ),
        (
            "attributes_only",
            "status = 'open' AND source IN ('patrol', 'hotline')",
        ),
    ];
    let mut group = c.benchmark_group("cql2_1m_incidents");
    group.sample_size(20);
    for (name, text) in texts {
        let filter = IncidentFilter {
            cql: Some(std::sync::Arc::new(IncidentPredicate::new(
                Filter::parse_lon_lat(text, Lang::Text, QUERYABLES)
                    .expect("the benchmark filters compile"),
                ids.clone(),
            ))),
            ..IncidentFilter::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| black_box(engine.incidents.select(&filter).len()));
        });
    }
    group.bench_function("parse_and_compile", |b| {
        b.iter(|| {
            black_box(Filter::parse_lon_lat(texts[0].1, Lang::Text, QUERYABLES).expect("compiles"))
        });
    });
    group.finish();
}

criterion_group!(benches, assignment, cql2_filters);
criterion_main!(benches);
