//! Hand-built networks with known walks: a river with one bridge, a crossing without a shared
//! vertex, a walled compound with one gate, a street grid (Manhattan distances), the snap
//! limit.

use geo::Coord;

use super::search::Walk;
use super::{DEFAULT_SNAP_LIMIT_M, SnapError, StreetGraph, StreetLine, geodesic_m};

/// A position `east_m`, `north_m` metres from a point in central Jingmen.
fn at(east_m: f64, north_m: f64) -> Coord {
    let (lon0, lat0) = (112.2_f64, 31.0_f64);
    Coord {
        x: lon0 + east_m / (111_320.0 * lat0.to_radians().cos()),
        y: lat0 + north_m / 110_574.0,
    }
}

fn line(id: u64, points: &[(f64, f64)], walkable: bool) -> StreetLine {
    StreetLine {
        id,
        coords: points.iter().map(|&(e, n)| at(e, n)).collect(),
        walkable,
    }
}

fn walk(graph: &StreetGraph, a: Coord, b: Coord) -> Option<Walk> {
    let from = graph.snap(a, DEFAULT_SNAP_LIMIT_M).expect("a joins");
    let to = graph.snap(b, DEFAULT_SNAP_LIMIT_M).expect("b joins");
    graph.walk(&from, &to)
}

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want
}

#[test]
fn across_a_river_the_walk_goes_by_the_bridge() {
    // Two bank streets 100 m apart, a bridge between them 500 m east.
    let graph = StreetGraph::build(&[
        line(1, &[(0.0, 0.0), (500.0, 0.0), (1000.0, 0.0)], true),
        line(2, &[(0.0, 100.0), (500.0, 100.0), (1000.0, 100.0)], true),
        line(3, &[(500.0, 0.0), (500.0, 100.0)], true),
    ]);
    let (a, b) = (at(0.0, -5.0), at(0.0, 105.0));
    let w = walk(&graph, a, b).expect("connected by the bridge");
    // 5 m + 500 m + 100 m + 500 m + 5 m.
    assert!(close(w.length_m, 1110.0, 0.005), "{}", w.length_m);
    assert!(close(geodesic_m(a, b), 110.0, 0.005));
    // The path starts and ends at the points and crosses the bridge.
    assert_eq!(w.path.first(), Some(&a));
    assert_eq!(w.path.last(), Some(&b));
    let bridge = at(500.0, 50.0);
    assert!(
        w.path
            .windows(2)
            .any(|s| (s[0].x - bridge.x).abs() < 1e-9 && s[0].y < bridge.y && s[1].y > bridge.y)
    );
    let path_m: f64 = w.path.windows(2).map(|s| geodesic_m(s[0], s[1])).sum();
    assert!(
        close(path_m, w.length_m, 1e-6),
        "path {path_m} vs {}",
        w.length_m
    );
}

#[test]
fn lines_crossing_without_a_shared_vertex_do_not_join() {
    let overpass = StreetGraph::build(&[
        line(1, &[(-500.0, 0.0), (500.0, 0.0)], true),
        line(2, &[(0.0, -500.0), (0.0, 500.0)], true),
    ]);
    assert!(walk(&overpass, at(-500.0, 0.0), at(0.0, 500.0)).is_none());
    assert_eq!(overpass.components().1, 2);
    let crossing = StreetGraph::build(&[
        line(1, &[(-500.0, 0.0), (0.0, 0.0), (500.0, 0.0)], true),
        line(2, &[(0.0, -500.0), (0.0, 0.0), (0.0, 500.0)], true),
    ]);
    let w = walk(&crossing, at(-500.0, 0.0), at(0.0, 500.0)).expect("joined at the shared vertex");
    assert!(close(w.length_m, 1000.0, 0.005), "{}", w.length_m);
    assert_eq!(crossing.components().1, 1);
    assert_eq!(crossing.nodes.len(), 5);
}

#[test]
fn a_walled_compound_is_left_by_its_gate() {
    // A 200 m square lane inside a wall (not walkable), a gate path from the middle of its
    // south side to the street outside, and the street running along the north of the wall.
    let graph = StreetGraph::build(&[
        line(
            1,
            &[
                (0.0, 0.0),
                (100.0, 0.0),
                (200.0, 0.0),
                (200.0, 200.0),
                (0.0, 200.0),
                (0.0, 0.0),
            ],
            true,
        ),
        line(
            2,
            &[
                (-20.0, -20.0),
                (220.0, -20.0),
                (220.0, 220.0),
                (-20.0, 220.0),
                (-20.0, -20.0),
            ],
            false,
        ),
        line(3, &[(100.0, 0.0), (100.0, -40.0)], true),
        line(
            4,
            &[
                (-100.0, -40.0),
                (100.0, -40.0),
                (300.0, -40.0),
                (300.0, 240.0),
                (-100.0, 240.0),
            ],
            true,
        ),
    ]);
    // Inside by the north side of the lane, and outside on the street just across the wall.
    let (inside, outside) = (at(100.0, 200.0), at(100.0, 240.0));
    let w = walk(&graph, inside, outside).expect("connected through the gate");
    // Round the lane to the gate (100 + 200 + 100 = 400 m), out (40 m), along the street to
    // the east (200 + 280 + 200 = 680 m): 1,120 m for 40 m as the crow flies.
    assert!(close(w.length_m, 1120.0, 0.005), "{}", w.length_m);
    assert!(w.length_m > 20.0 * geodesic_m(inside, outside));
}

#[test]
fn on_a_street_grid_walks_are_manhattan_distances() {
    // A 5 × 5 grid of streets 100 m apart, every crossing a shared vertex.
    let mut lines = Vec::new();
    for i in 0..5 {
        let k = f64::from(i) * 100.0;
        let row: Vec<(f64, f64)> = (0..5).map(|j| (f64::from(j) * 100.0, k)).collect();
        let column: Vec<(f64, f64)> = (0..5).map(|j| (k, f64::from(j) * 100.0)).collect();
        lines.push(line(u64::from(i as u32), &row, true));
        lines.push(line(10 + u64::from(i as u32), &column, true));
    }
    let graph = StreetGraph::build(&lines);
    assert_eq!(graph.nodes.len(), 25);
    assert_eq!(graph.edges.len(), 40);
    let corner = graph.snap(at(0.0, 0.0), 10.0).expect("on the grid");
    let w = graph
        .walk(
            &corner,
            &graph.snap(at(400.0, 400.0), 10.0).expect("on the grid"),
        )
        .expect("connected");
    assert!(close(w.length_m, 800.0, 0.005), "{}", w.length_m);
    // Everything within 250 m of the corner: the crossings at Manhattan distance ≤ 200 m.
    let near = graph.within(&corner, 250.0);
    let expected = (0..5)
        .flat_map(|i| (0..5).map(move |j| (i, j)))
        .filter(|(i, j)| (i + j) * 100 <= 250)
        .count();
    assert_eq!(near.len(), expected);
    // Nearest of three sources, against walking to each in turn.
    let sources: Vec<_> = [(0.0, 400.0), (300.0, 100.0), (400.0, 350.0)]
        .iter()
        .map(|&(e, n)| graph.snap(at(e, n), 10.0).expect("on the grid"))
        .collect();
    let nearest = graph.nearest_sources(&sources, f64::INFINITY);
    for (e, n) in [
        (10.0, 5.0),
        (250.0, 300.0),
        (390.0, 120.0),
        (150.0, 210.0),
        (300.0, 120.0),
    ] {
        let p = graph.snap(at(e, n), 50.0).expect("near the grid");
        let (d, s) = nearest.of(&graph, &p).expect("reached");
        let brute = sources
            .iter()
            .enumerate()
            .map(|(i, src)| (graph.walk(&p, src).expect("connected").length_m, i as u32))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("three sources");
        assert!(
            (d - brute.0).abs() < 1e-6,
            "at ({e}, {n}): {d} vs {}",
            brute.0
        );
        assert_eq!(s, brute.1);
    }
}

#[test]
fn points_beyond_the_snap_limit_are_refused() {
    let graph = StreetGraph::build(&[line(1, &[(0.0, 0.0), (1000.0, 0.0)], true)]);
    assert!(
        matches!(graph.snap(at(500.0, 400.0), 300.0), Err(SnapError::TooFar(d, _)) if close(d, 400.0, 0.005))
    );
    let joined = graph
        .snap(at(500.0, 200.0), 300.0)
        .expect("within the limit");
    assert!(close(joined.connector_m, 200.0, 0.005));
    assert!(close(joined.along_m, 500.0, 0.005));
    let unwalkable = StreetGraph::build(&[line(1, &[(0.0, 0.0), (1000.0, 0.0)], false)]);
    assert_eq!(
        unwalkable.snap(at(0.0, 0.0), 300.0),
        Err(SnapError::NoStreets)
    );
}

#[test]
fn segment_lengths_agree_with_the_geodesic() {
    use super::segment_m;
    for (east, north) in [
        (1.0, 0.0),
        (0.0, 50.0),
        (300.0, -400.0),
        (-1500.0, 900.0),
        (2000.0, 2000.0),
    ] {
        let (a, b) = (at(0.0, 0.0), at(east, north));
        let (fast, exact) = (segment_m(a, b), geodesic_m(a, b));
        assert!(
            (fast - exact).abs() <= 1e-6 * exact,
            "{east},{north}: {fast} vs {exact}"
        );
    }
}

#[test]
fn a_star_walks_equal_a_plain_search_on_a_street_grid() {
    // A 12 × 12 grid of 80 m blocks with every other street missing in places: the walk
    // found with the straight-line bound equals the distance the one-source pass finds.
    let mut lines = Vec::new();
    for i in 0u32..12 {
        let x = f64::from(i) * 80.0;
        lines.push(line(
            i.into(),
            &[(x, 0.0), (x, 440.0), (x, 880.0)],
            i % 3 != 1,
        ));
        lines.push(line(
            100 + u64::from(i),
            &[(0.0, x), (440.0, x), (880.0, x)],
            i % 4 != 2,
        ));
    }
    lines.push(line(200, &[(0.0, 0.0), (0.0, 880.0)], true));
    lines.push(line(201, &[(0.0, 0.0), (880.0, 0.0)], true));
    let graph = StreetGraph::build(&lines);
    let points = [
        at(3.0, 5.0),
        at(870.0, 860.0),
        at(400.0, 90.0),
        at(85.0, 700.0),
        at(600.0, 320.0),
    ];
    for &a in &points {
        let from = graph.snap(a, DEFAULT_SNAP_LIMIT_M).unwrap();
        let pass = graph.nearest_sources(&[from], f64::INFINITY);
        for &b in &points {
            let to = graph.snap(b, DEFAULT_SNAP_LIMIT_M).unwrap();
            let walked = graph.walk(&from, &to).map(|w| w.length_m);
            let passed = pass.of(&graph, &to).map(|(d, _)| d);
            match (walked, passed) {
                (Some(w), Some(p)) => assert!((w - p).abs() < 1e-6, "{a:?}→{b:?}: {w} vs {p}"),
                (w, p) => assert_eq!(w.is_some(), p.is_some(), "{a:?}→{b:?}"),
            }
        }
    }
}

#[test]
fn reach_finds_every_joined_point_within_the_distance_and_no_other() {
    // A 6 × 6 grid of 100 m blocks; 200 points scattered over it, several on one edge.
    let mut lines = Vec::new();
    for i in 0u32..6 {
        let k = f64::from(i) * 100.0;
        let row: Vec<(f64, f64)> = (0..6).map(|j| (f64::from(j) * 100.0, k)).collect();
        let column: Vec<(f64, f64)> = (0..6).map(|j| (k, f64::from(j) * 100.0)).collect();
        lines.push(line(i.into(), &row, true));
        lines.push(line(10 + u64::from(i), &column, true));
    }
    let graph = StreetGraph::build(&lines);
    let mut seed = 5u64;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as f64 / f64::from(1u32 << 31)
    };
    let mut snaps = Vec::new();
    for p in 0..200 {
        let (e, n) = if p < 10 {
            (120.0 + f64::from(p) * 7.0, 203.0)
        } else {
            (next() * 500.0, next() * 500.0)
        };
        snaps.push(graph.snap(at(e, n), 60.0).ok());
    }
    let joined = graph.join_points(snaps.clone());
    for (e, n) in [(150.0, 198.0), (0.0, 0.0), (333.0, 410.0)] {
        let from = graph.snap(at(e, n), 60.0).expect("on the grid");
        for max_m in [90.0, 260.0, 10_000.0] {
            let reached = graph.reach(&from, max_m, &joined);
            let targets: Vec<_> = snaps.iter().flatten().copied().collect();
            let walks = graph.walks_to(&from, &targets, max_m);
            let expected: Vec<(u32, f64)> = snaps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_some())
                .zip(walks)
                .filter_map(|((p, _), w)| Some((p as u32, w?)))
                .collect();
            assert_eq!(
                reached.len(),
                expected.len(),
                "from ({e}, {n}) within {max_m}"
            );
            for (r, x) in reached.iter().zip(&expected) {
                assert_eq!(r.0, x.0);
                assert!(
                    (r.1 - x.1).abs() < 1e-9,
                    "point {}: {} vs {}",
                    r.0,
                    r.1,
                    x.1
                );
            }
        }
    }
}
