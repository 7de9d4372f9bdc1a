//! The analyst's methods on a 1M-incident city, as the endpoints compute them (the handler's
//! whole computation from the query to the answer's JSON value, without the HTTP layer and the
//! answer cache): near-repeat with 999 permutations for one kind-year, the aoristic table, the
//! kernel density of the central city at 50 m cells, and one year of the backtest.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::Coord;
use gridwatch::analytics::kde::{Raster, Weighted, density};
use gridwatch::api::{QueryParams, StudyAreas, analyst};
use gridwatch::index::{Engine, IncidentFilter};
use gridwatch::model::{Bbox, IncidentKind, Period};

fn ask(query: &str) -> QueryParams {
    QueryParams::parse(Some(query)).expect("a valid query")
}

fn analyst_methods(c: &mut Criterion) {
    let engine = common::city_with_million_incidents();
    let areas = StudyAreas::default();
    let mut group = c.benchmark_group("analyst_1m");
    group.sample_size(10);
    let near = ask("kind=criminal_case&from=2021-01-01&to=2021-12-31&permutations=999");
    group.bench_function("near_repeat_criminal_2021_999", |b| {
        b.iter(|| black_box(analyst::near_repeat(&engine, &areas, &near).expect("answers")));
    });
    for (name, query) in [
        ("aoristic_criminal_all_years", "kind=criminal_case"),
        ("aoristic_everything", ""),
    ] {
        let q = ask(query);
        group.bench_function(name, |b| {
            b.iter(|| black_box(analyst::aoristic(&engine, &areas, &q).expect("answers")));
        });
    }
    // The central city: 12 km × 10 km, 240 × 200 cells of 50 m.
    let central = "bbox=112.14,30.99,112.265,31.08&cell_m=50&bandwidth_m=300";
    for (name, query) in [
        (
            "kde_central_50m_dispute_2020",
            format!("kind=dispute&from=2020-01-01&to=2020-12-31&{central}"),
        ),
        (
            "kde_central_50m_all_2021",
            format!("from=2021-01-01&to=2021-12-31&{central}"),
        ),
    ] {
        let q = ask(&query);
        group.bench_function(name, |b| {
            b.iter(|| black_box(analyst::kde(&engine, &areas, &q).expect("answers")));
        });
    }
    // The density alone (no GeoJSON): the same points and raster as the first KDE above.
    let (points, raster) = central_disputes(&engine);
    group.bench_function("kde_central_50m_dispute_2020_density_only", |b| {
        b.iter(|| black_box(density(&points, 300.0, &raster)).len());
    });
    let year = ask("from=2021-01-01&to=2021-12-31&step=month");
    // The study area is cached per query shape in the server too: warm it once.
    analyst::backtest(&engine, &areas, &year).expect("answers");
    group.bench_function("backtest_all_methods_2021_monthly", |b| {
        b.iter(|| black_box(analyst::backtest(&engine, &areas, &year).expect("answers")));
    });
    group.finish();
}

/// The disputes of 2020 in the central city in a frame at their mean, and the 50 m raster over
/// the central city, as `/api/v1/kde` makes them.
fn central_disputes(engine: &Engine) -> (Vec<Weighted>, Raster) {
    let bbox = Bbox {
        min_lon: 112.14,
        min_lat: 30.99,
        max_lon: 112.265,
        max_lat: 31.08,
    };
    let filter = IncidentFilter {
        kinds: vec![IncidentKind::Dispute],
        period: Period::from_bounds(Some("2020-01-01"), Some("2020-12-31")).expect("valid"),
        bbox: Some(bbox),
        ..IncidentFilter::default()
    };
    let local = analyst::local_incidents(engine, &filter);
    let frame = local.frame;
    let points = local
        .at
        .iter()
        .map(|p| Weighted {
            x: p.x,
            y: p.y,
            w: 1.0,
        })
        .collect();
    let lo = frame.to_local(Coord {
        x: bbox.min_lon,
        y: bbox.min_lat,
    });
    let hi = frame.to_local(Coord {
        x: bbox.max_lon,
        y: bbox.max_lat,
    });
    let raster = Raster {
        origin: [lo.x, lo.y],
        cell_m: 50.0,
        columns: ((hi.x - lo.x) / 50.0).ceil() as usize,
        rows: ((hi.y - lo.y) / 50.0).ceil() as usize,
    };
    (points, raster)
}

criterion_group!(benches, analyst_methods);
criterion_main!(benches);
