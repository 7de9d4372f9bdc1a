//! Geometric ground truth for coverage and dosage: a straight 1 km route, buildings just inside
//! and just outside its reach, a track that stands 12 minutes in a cell, and fixes too far
//! apart to count.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon, coord};
use h3o::{LatLng, Resolution};

use super::coverage::coverage;
use super::dosage::{Band, MAX_GAP_S, dosage, visits};
use crate::geodata::Dataset;
use crate::geodesy::Frame;
use crate::index::{Engine, IncidentFilter};
use crate::model::{Building, BuildingUse, Community, District, Grid, PatrolTrack};

const ORIGIN: Coord = coord! { x: 112.2, y: 31.03 };

/// A position `east_m`, `north_m` metres from the origin.
fn at(east_m: f64, north_m: f64) -> Coord {
    Frame::at(ORIGIN).to_lon_lat(Coord {
        x: east_m,
        y: north_m,
    })
}

fn square(id: u64, east_m: f64, north_m: f64, side_m: f64) -> Polygon {
    let _ = id;
    Polygon::new(
        LineString::from(vec![
            at(east_m, north_m),
            at(east_m + side_m, north_m),
            at(east_m + side_m, north_m + side_m),
            at(east_m, north_m + side_m),
            at(east_m, north_m),
        ]),
        Vec::new(),
    )
}

fn city(buildings: Vec<Building>) -> Engine {
    let area = square(0, -1_000.0, -1_000.0, 3_000.0);
    Engine::build(Dataset {
        city: crate::model::City::default(),
        districts: vec![District {
            id: 1,
            name: "d".into(),
            name_en: "d".into(),
            central_city: true,
            geometry: MultiPolygon::new(vec![area.clone()]),
        }],
        communities: vec![Community {
            id: 1,
            name: "c".into(),
            code: None,
            district_id: 1,
            households: 100,
            population: 300,
            geometry: MultiPolygon::new(vec![area.clone()]),
        }],
        grids: vec![Grid {
            id: 1,
            community_id: 1,
            name: "g".into(),
            households: 100,
            population: 300,
            geometry: area,
        }],
        buildings,
        ..Dataset::default()
    })
    .unwrap()
}

fn building(id: u64, polygon: Polygon, households: u32) -> Building {
    Building {
        id,
        households,
        floors: 6,
        building_use: BuildingUse::Residential,
        unmanaged: false,
        geometry: polygon,
        grid_id: None,
        community_id: None,
    }
}

#[test]
fn a_straight_kilometre_with_a_fifty_metre_reach() {
    // The route runs east along the x axis from 0 to 1,000 m. One building's nearest edge is
    // 49 m north of it, another's 51 m south.
    let engine = city(vec![
        building(1, square(1, 400.0, 49.0, 20.0), 30),
        building(2, square(2, 600.0, -71.0, 20.0), 40),
    ]);
    let route = MultiLineString::new(vec![LineString::from(vec![at(0.0, 0.0), at(1_000.0, 0.0)])]);
    let c = coverage(&engine, &route, 0, 50.0, &[], &IncidentFilter::default());
    let exact = 1_000.0 * 100.0 + std::f64::consts::PI * 50.0 * 50.0;
    assert!(
        (c.buffer_area_m2 - exact).abs() < 0.005 * exact,
        "{} vs {exact}",
        c.buffer_area_m2
    );
    assert!((c.length_m - 1_000.0).abs() < 0.01, "{}", c.length_m);
    let g = &c.grids[0];
    assert_eq!((g.buildings, g.buildings_reached), (2, 1));
    assert_eq!((g.households, g.households_reached), (70, 30));
    let grid_area = 3_000.0 * 3_000.0;
    assert!(
        (g.area_share - c.buffer_area_m2 / grid_area).abs() < 1e-6,
        "{}",
        g.area_share
    );
}

#[test]
fn hot_cells_within_reach_are_reached_and_others_missed() {
    let engine = city(Vec::new());
    let near = LatLng::new(at(500.0, 60.0).y, at(500.0, 60.0).x)
        .unwrap()
        .to_cell(Resolution::Nine);
    let far = LatLng::new(at(500.0, 1_500.0).y, at(500.0, 1_500.0).x)
        .unwrap()
        .to_cell(Resolution::Nine);
    let route = MultiLineString::new(vec![LineString::from(vec![at(0.0, 0.0), at(1_000.0, 0.0)])]);
    let c = coverage(
        &engine,
        &route,
        0,
        50.0,
        &[near, far],
        &IncidentFilter::default(),
    );
    assert_eq!(c.hotspots_reached, vec![near]);
    assert_eq!(c.hotspots_missed, vec![far]);
}

fn track(points: &[(f64, f64, i64)]) -> PatrolTrack {
    PatrolTrack {
        id: 7,
        route_id: None,
        community_id: 1,
        team: "t".into(),
        started_at: points[0].2,
        ended_at: points[points.len() - 1].2,
        geometry: LineString::from(points.iter().map(|&(e, n, _)| at(e, n)).collect::<Vec<_>>()),
        times: points.iter().map(|p| p.2).collect(),
    }
}

#[test]
fn standing_twelve_minutes_in_a_cell_is_one_koper_visit() {
    let centre = LatLng::new(at(0.0, 0.0).y, at(0.0, 0.0).x).unwrap();
    let cell = centre.to_cell(Resolution::Nine);
    let c = LatLng::from(cell);
    let here = Frame::at(ORIGIN).to_local(Coord {
        x: c.lng(),
        y: c.lat(),
    });
    // Walk in from 600 m west at 1 m/s, stand at the centre for 12 minutes, walk out 600 m
    // east; a fix a minute.
    let t0 = 1_600_000_000;
    let mut points = Vec::new();
    for m in 0..10 {
        points.push((here.x - 600.0 + 60.0 * m as f64, here.y, t0 + m * 60));
    }
    for m in 0..=12 {
        points.push((here.x, here.y, t0 + 600 + m * 60));
    }
    for m in 1..=10 {
        points.push((here.x + 60.0 * m as f64, here.y, t0 + 1_320 + m * 60));
    }
    let found = visits(&track(&points), &[cell]);
    assert_eq!(found.len(), 1, "{found:?}");
    let v = found[0];
    // Walking in and out adds the time from the cell's edge to its centre and back (its inner
    // radius is at least 150 m): 12 minutes plus 5 to 7, a long visit.
    let walked = v.minutes() - 12.0;
    assert!(
        walked > 2.0 * 150.0 / 60.0 && walked < 2.0 * 210.0 / 60.0,
        "{}",
        v.minutes()
    );
    assert_eq!(v.band(), Band::Long);

    // Arriving and leaving through gaps longer than three minutes (unknown time), the stay
    // alone counts: one koper visit of exactly 12 minutes.
    let mut points = vec![(here.x - 600.0, here.y, t0)];
    for m in 0..=12 {
        points.push((here.x + 5.0, here.y - 3.0, t0 + 600 + m * 60));
    }
    points.push((here.x + 600.0, here.y, t0 + 600 + 720 + 600));
    let found = visits(&track(&points), &[cell]);
    assert_eq!(found.len(), 1, "{found:?}");
    let v = found[0];
    assert!((v.minutes() - 12.0).abs() < 1e-9, "{}", v.minutes());
    assert_eq!(v.band(), Band::Koper);
    let d = dosage(&[cell], &found, t0, t0 + 7 * 86_400);
    assert!((d[0].minutes - 12.0).abs() < 1e-9);
    assert!((d[0].minutes_per_week - 12.0).abs() < 1e-9);
    assert!((d[0].koper_share - 1.0).abs() < 1e-12);
    assert!((d[0].longest_gap_h - (7.0 * 24.0 - (600.0 + 720.0) / 3_600.0)).abs() < 1e-6);
}

#[test]
fn fixes_too_far_apart_leave_unknown_time() {
    let c = LatLng::from(
        LatLng::new(at(0.0, 0.0).y, at(0.0, 0.0).x)
            .unwrap()
            .to_cell(Resolution::Nine),
    );
    let cell = c.to_cell(Resolution::Nine);
    let here = Frame::at(ORIGIN).to_local(Coord {
        x: c.lng(),
        y: c.lat(),
    });
    let t0 = 1_600_000_000;
    // Two fixes at the centre 5 minutes apart: unknown, no visit. Then fixes a minute apart.
    let points = [
        (here.x, here.y, t0),
        (here.x, here.y, t0 + 300),
        (here.x, here.y, t0 + 360),
        (here.x, here.y, t0 + 420),
    ];
    let found = visits(&track(&points), &[cell]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!((found[0].entry - (t0 + 300) as f64).abs() < 1e-9);
    assert!((found[0].minutes() - 2.0).abs() < 1e-9);
    assert_eq!(found[0].band(), Band::Short);
    const { assert!(MAX_GAP_S < 300) };
}

#[test]
fn a_track_walks_the_share_of_its_route_that_it_keeps_near() {
    use super::adherence::route_walked_share;
    let route = MultiLineString::new(vec![LineString::from(vec![at(0.0, 0.0), at(1_000.0, 0.0)])]);
    // Along the first 600 m, 10 m to the side: the route is within 50 m of it up to
    // 600 + √(50² − 10²) = 648.99 m.
    let partial = LineString::from(vec![at(0.0, 10.0), at(600.0, 10.0)]);
    let share = route_walked_share(&route, &partial, 50.0);
    assert!((share - 0.64899).abs() < 0.005, "{share}");
    // The whole length on a parallel street 60 m away: nothing of the route walked.
    let parallel = LineString::from(vec![at(0.0, 60.0), at(1_000.0, 60.0)]);
    assert!(route_walked_share(&route, &parallel, 50.0) < 1e-9);
    // Past both ends and back: all of it.
    let whole = LineString::from(vec![at(-20.0, 3.0), at(1_020.0, -3.0), at(-20.0, 0.0)]);
    assert!((route_walked_share(&route, &whole, 50.0) - 1.0).abs() < 1e-9);
    assert!(route_walked_share(&route, &LineString::new(vec![]), 50.0).abs() < 1e-12);
}

#[test]
fn a_cell_holding_the_whole_path_is_reached() {
    let engine = city(Vec::new());
    let centre = LatLng::new(ORIGIN.y, ORIGIN.x)
        .unwrap()
        .to_cell(Resolution::Nine);
    let c = LatLng::from(centre);
    let local = Frame::at(ORIGIN).to_local(Coord {
        x: c.lng(),
        y: c.lat(),
    });
    // 20 m of path at the cell's centre, 100 m from its edges: far outside the reach of any
    // edge, inside the cell.
    let path = MultiLineString::new(vec![LineString::from(vec![
        at(local.x - 10.0, local.y),
        at(local.x + 10.0, local.y),
    ])]);
    let cov = coverage(
        &engine,
        &path,
        0,
        50.0,
        &[centre],
        &IncidentFilter::default(),
    );
    assert_eq!(cov.hotspots_reached, vec![centre]);
}

/// Koper's bands at their edges, as the answer states them: pass under 2 minutes, short from 2
/// to under 10, Koper from 10 to 16 inclusive, long beyond.
#[test]
fn koper_bands_close_where_the_answer_says() {
    for (minutes, band) in [
        (0.0, Band::Pass),
        (1.999, Band::Pass),
        (2.0, Band::Short),
        (9.999, Band::Short),
        (10.0, Band::Koper),
        (16.0, Band::Koper),
        (16.001, Band::Long),
    ] {
        assert_eq!(Band::of(minutes), band, "{minutes} min");
    }
}
