//! The hot-spot analytics on a 1M-incident city: hexbins at several resolutions with a
//! kind + period filter, Gi* over the res-9 study area, the study-area cover itself, and the
//! monthly emerging hot-spot analysis at res 8 over three years.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gridwatch::analytics::emerging::{Step, cube_counts, emerging};
use gridwatch::analytics::gistar::gi_star;
use gridwatch::analytics::hexbin::hexbins;
use gridwatch::analytics::study_area::StudyArea;
use gridwatch::index::IncidentFilter;
use gridwatch::model::{IncidentKind, Period};
use h3o::Resolution;

fn analytics(c: &mut Criterion) {
    let engine = common::city_with_million_incidents();
    let t = &engine.incidents;
    let disputes_2020 = IncidentFilter {
        kinds: vec![IncidentKind::Dispute],
        period: Period::from_bounds(Some("2020-01-01"), Some("2020-12-31")).expect("valid period"),
        ..IncidentFilter::default()
    };
    let everything = IncidentFilter::default();

    let mut group = c.benchmark_group("hexbins_1m");
    for res in [Resolution::Six, Resolution::Nine, Resolution::Eleven] {
        let level = t.bin_level(res).expect("binned");
        group.bench_function(format!("res{}_dispute_2020", u8::from(res)), |b| {
            b.iter(|| black_box(hexbins(t, &disputes_2020, level)).len());
        });
    }
    let level9 = t.bin_level(Resolution::Nine).expect("binned");
    group.bench_function("res9_everything", |b| {
        b.iter(|| black_box(hexbins(t, &everything, level9)).len());
    });
    group.finish();

    let mut group = c.benchmark_group("gi_star_1m");
    group.sample_size(10);
    let communities = || engine.communities.items().iter().map(|c| &c.geometry);
    group.bench_function("study_area_cover_res9", |b| {
        b.iter(|| black_box(StudyArea::covering(communities(), Resolution::Nine)).len());
    });
    let area = StudyArea::covering(communities(), Resolution::Nine);
    group.bench_function("neighbours_res9_k1", |b| {
        b.iter(|| black_box(area.neighbours(1)).len());
    });
    group.sample_size(100);
    let neighbours = area.neighbours(1);
    group.bench_function("res9_everything", |b| {
        b.iter(|| {
            let counts = area.counts(t, &everything, level9);
            black_box(gi_star(&counts, &neighbours))
        });
    });
    group.bench_function("res9_dispute_2020", |b| {
        b.iter(|| {
            let counts = area.counts(t, &disputes_2020, level9);
            black_box(gi_star(&counts, &neighbours))
        });
    });
    group.finish();

    let mut group = c.benchmark_group("emerging_1m");
    group.sample_size(10);
    let area8 = StudyArea::covering(communities(), Resolution::Eight);
    let neighbours8 = area8.neighbours(1);
    let level8 = t.bin_level(Resolution::Eight).expect("binned");
    let (first, last) = t.time_extent().expect("incidents");
    let bounds = Step::Month.bounds(first, last);
    let all_time = IncidentFilter {
        period: Period {
            start: Some(first),
            end: Some(last),
        },
        ..IncidentFilter::default()
    };
    group.bench_function("res8_monthly_3y", |b| {
        b.iter(|| {
            let cube = cube_counts(t, &all_time, &area8, level8, &bounds);
            black_box(emerging(&cube, bounds.len() - 1, &neighbours8, 1)).len()
        });
    });
    group.finish();
}

criterion_group!(benches, analytics);
criterion_main!(benches);
