//! The command centre's board, queue and clock pass on a 1M-incident city (the bundled city
//! with `--scale 1000000` incidents and their generated handling histories, in memory):
//! - the board by grid and by department (targets: ≤ 20 ms);
//! - the amber and red queue, whole and for one community (target: ≤ 5 ms);
//! - the clock pass that finds the incidents whose alert changed in a second of working time
//!   (target: ≤ 50 ms).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use gridwatch::analytics::handling::{By, crossed, kpis, queue};
use gridwatch::index::IncidentFilter;
use gridwatch::model::calendar::WorkingCalendar;
use gridwatch::model::handling::Alert;
use gridwatch::model::parse_instant;
use std::hint::black_box;

fn handling(c: &mut Criterion) {
    let engine = common::city_with_million_incidents();
    let calendar = WorkingCalendar::current();
    // The end of the data, and a working morning in its last week (the clock runs then).
    let end = parse_instant("2022-01-01T00:00:00+08:00").expect("an instant");
    let morning = parse_instant("2021-12-30T10:00:00+08:00").expect("an instant");
    let all = IncidentFilter::default();
    let community = IncidentFilter {
        communities: vec![engine.incidents.community[engine.incidents.len() / 2]],
        ..IncidentFilter::default()
    };
    let mut group = c.benchmark_group("handling_1m_incidents");
    group.sample_size(20);
    group.bench_function("kpis_by_grid", |b| {
        b.iter(|| black_box(kpis(&engine, calendar, &all, By::Grid, end).len()));
    });
    group.bench_function("kpis_by_department", |b| {
        b.iter(|| black_box(kpis(&engine, calendar, &all, By::Department, end).len()));
    });
    let alerts = [Alert::Amber, Alert::Red];
    group.bench_function("queue_amber_red", |b| {
        b.iter(|| black_box(queue(&engine, calendar, &all, &alerts, end).len()));
    });
    group.bench_function("queue_one_community", |b| {
        b.iter(|| black_box(queue(&engine, calendar, &community, &alerts, end).len()));
    });
    let w = calendar.working_clock(morning);
    group.bench_function("clock_pass", |b| {
        b.iter(|| black_box(crossed(&engine, calendar, w - 1, w).len()));
    });
    group.finish();
}

criterion_group!(benches, handling);
criterion_main!(benches);
