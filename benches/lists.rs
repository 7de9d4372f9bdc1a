//! The committee's quarterly match on the bundled city (523 units, 1,300 resource items, 519
//! demand items; `geodata/`), target ≤ 200 ms for the whole city: the walks from every unit
//! offering in the quarter to the open needs of its categories, then the exact min-cost flow.
//! Also the busiest community alone, and the whole city with a 2 km reach; and a joint
//! inspection round over 50 hot spots (target ≤ 500 ms); a community's quarterly brief as its
//! page and as JSON (target ≤ 100 ms) and the city's ranking, each through the router on a
//! fresh state (no cached answer).

use criterion::{Criterion, criterion_group, criterion_main};
use gridwatch::analytics::inspection::{InspectionQuery, Travel, plan};
use gridwatch::analytics::list_match::{MatchQuery, propose};
use gridwatch::analytics::study_areas::StudyAreas;
use gridwatch::index::Engine;
use gridwatch::index::IncidentFilter;
use gridwatch::model::lists::Quarter;
use gridwatch::model::{IncidentKind, Period, ResourceKind};
use std::hint::black_box;

fn lists(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let engine = Engine::build(gridwatch::geodata::read_dir(&dir).expect("the bundled city"))
        .expect("it indexes");
    let quarter: Quarter = "2021Q3".parse().expect("a quarter");
    let city = MatchQuery {
        quarter,
        community: None,
        visible: None,
        max_walk_m: 1_200.0,
    };
    let busiest = engine
        .lists
        .demands
        .iter()
        .map(|d| d.community_id)
        .max_by_key(|c| {
            engine
                .lists
                .demands
                .iter()
                .filter(|d| d.community_id == *c)
                .count()
        })
        .expect("needs");
    let community = MatchQuery {
        community: Some(busiest),
        ..city.clone()
    };
    let mut group = c.benchmark_group("lists_match");
    group.sample_size(20);
    group.bench_function("whole_city_2021q3", |b| {
        b.iter(|| black_box(propose(&engine, &city).households_served));
    });
    group.bench_function("one_community_2021q3", |b| {
        b.iter(|| black_box(propose(&engine, &community).households_served));
    });
    group.bench_function("whole_city_2_km", |b| {
        let far = MatchQuery {
            max_walk_m: 2_000.0,
            ..city.clone()
        };
        b.iter(|| black_box(propose(&engine, &far).households_served));
    });
    group.finish();

    // A joint inspection round over 50 hot spots (target ≤ 500 ms): four hours on foot from a
    // police station, street vending, illegal construction and disputes of 2021.
    let station = engine
        .resources
        .items()
        .iter()
        .find(|r| r.kind == ResourceKind::PoliceStation)
        .expect("a police station");
    let areas = StudyAreas::default();
    let round = InspectionQuery {
        start: station.geometry.0,
        budget_s: 240 * 60,
        service_s: 600,
        travel: Travel::Walk,
        filter: IncidentFilter {
            kinds: vec![
                IncidentKind::StreetVending,
                IncidentKind::IllegalConstruction,
                IncidentKind::Dispute,
            ],
            period: Period::from_bounds(Some("2021-01-01"), Some("2021-09-30")).expect("a period"),
            ..IncidentFilter::default()
        },
        communities: Vec::new(),
        max_stops: 50,
    };
    let mut group = c.benchmark_group("inspection_plan");
    group.sample_size(20);
    group.bench_function("fifty_hot_spots_4_h_walk", |b| {
        b.iter(|| black_box(plan(&engine, &areas, &round).expect("a round").gain));
    });
    group.finish();
}

/// A community's brief (page and JSON) and the city's ranking, through the router on a fresh
/// state each time (no cached answer).
fn briefs(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let engine = Engine::build(gridwatch::geodata::read_dir(&dir).expect("the bundled city"))
        .expect("it indexes");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("brief");
    group.sample_size(20);
    for (name, uri) in [
        (
            "community_85_2021q3_page",
            "/api/v1/communities/85/brief?quarter=2021Q3",
        ),
        (
            "community_85_2021q3_json",
            "/api/v1/communities/85/brief?quarter=2021Q3&format=json",
        ),
        (
            "ranking_2021q3_json",
            "/api/v1/communities/ranking?quarter=2021Q3&format=json",
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || gridwatch::api::app(gridwatch::api::AppState::new(engine.clone())),
                |router| {
                    let request = axum::http::Request::builder()
                        .uri(uri)
                        .body(axum::body::Body::empty())
                        .expect("request");
                    let status = runtime.block_on(async {
                        tower::ServiceExt::oneshot(router, request)
                            .await
                            .expect("response")
                            .status()
                    });
                    assert!(status.is_success());
                    black_box(status)
                },
                criterion::BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, lists, briefs);
criterion_main!(benches);
