//! Each incident's bin must be `LatLng::to_cell(r)`, the hexagon holding it, whatever the fast
//! path guessed; points within a centimetre of edges and vertices are where a guess goes wrong.

use geo::Coord;
use h3o::{CellIndex, LatLng, Resolution};
use proptest::prelude::*;

use super::*;

fn ingest_cell(at: Coord) -> u64 {
    LatLng::new(at.y, at.x).map_or(0, |ll| u64::from(ll.to_cell(Resolution::Eleven)))
}

/// Checks every row of every level against `to_cell`.
fn assert_exact(points: &[Coord]) {
    let cells: Vec<u64> = points.iter().map(|&p| ingest_cell(p)).collect();
    let bins = CellBins::build(&cells, points);
    for res in BIN_RESOLUTIONS {
        let res = Resolution::try_from(res).unwrap();
        let level = bins.level(res).unwrap();
        for (at, &bin) in points.iter().zip(level.rows()) {
            let expected = LatLng::new(at.y, at.x).unwrap().to_cell(res);
            assert_eq!(
                level.cells()[bin as usize],
                expected,
                "({}, {}) at res {res}",
                at.x,
                at.y
            );
        }
    }
}

/// Points on the boundary of `cell` (its vertices and points along each edge), each moved by
/// `offset_m` metres along `bearing` (radians), so they fall either side of the true edge.
fn near_boundary(cell: CellIndex, offset_m: f64, bearing: f64, steps: usize) -> Vec<Coord> {
    let ring: Vec<LatLng> = cell.boundary().iter().copied().collect();
    let mut out = Vec::new();
    for (i, a) in ring.iter().enumerate() {
        let b = ring[(i + 1) % ring.len()];
        for s in 0..steps {
            let t = s as f64 / steps as f64;
            let (lng, lat) = (
                a.lng() + (b.lng() - a.lng()) * t,
                a.lat() + (b.lat() - a.lat()) * t,
            );
            let dy = offset_m * bearing.cos() / 111_320.0;
            let dx = offset_m * bearing.sin() / (111_320.0 * lat.to_radians().cos());
            out.push(Coord {
                x: lng + dx,
                y: lat + dy,
            });
        }
    }
    out
}

#[test]
fn bins_are_the_hexagons_holding_each_point() {
    let points = [
        Coord { x: 112.2, y: 31.0 },
        Coord {
            x: 112.2001,
            y: 31.0001,
        },
        Coord {
            x: 112.25,
            y: 31.05,
        },
        Coord { x: 110.0, y: 30.0 },
    ];
    assert_exact(&points);
    let cells: Vec<u64> = points.iter().map(|&p| ingest_cell(p)).collect();
    let bins = CellBins::build(&cells, &points);
    for res in 6..=8 {
        let level = bins.level(Resolution::try_from(res).unwrap()).unwrap();
        assert_eq!(
            level.rows()[0],
            level.rows()[1],
            "points 15 m apart share a coarse cell"
        );
    }
    assert!(bins.level(Resolution::Five).is_none());
    assert!(bins.level(Resolution::Twelve).is_none());
}

#[test]
fn a_row_without_a_cell_has_no_bin() {
    let points = [Coord { x: 112.2, y: 31.0 }, Coord { x: 112.2, y: 31.0 }];
    let bins = CellBins::build(&[ingest_cell(points[0]), 0], &points);
    for res in BIN_RESOLUTIONS {
        let level = bins.level(Resolution::try_from(res).unwrap()).unwrap();
        assert_eq!(level.rows()[1], NONE);
    }
}

/// Where the ancestor of the res-11 cell is wrong, the bin still holds the point: the test
/// data must contain such points, or it proves nothing.
#[test]
fn points_whose_ancestor_is_a_neighbour_are_binned_where_they_are() {
    let cell = LatLng::new(31.0, 112.2).unwrap().to_cell(Resolution::Eight);
    let points: Vec<Coord> = (0..8)
        .flat_map(|k| near_boundary(cell, 0.01, f64::from(k) * 0.785, 40))
        .collect();
    let wrong_guesses = points
        .iter()
        .filter(|p| {
            let ll = LatLng::new(p.y, p.x).unwrap();
            ll.to_cell(Resolution::Eleven).parent(Resolution::Eight)
                != Some(ll.to_cell(Resolution::Eight))
        })
        .count();
    assert!(wrong_guesses > 20, "only {wrong_guesses} wrong guesses");
    assert_exact(&points);
}

#[test]
fn merged_rows_are_binned_like_built_ones() {
    let old: Vec<Coord> = (0..50)
        .map(|i| Coord {
            x: 112.2 + f64::from(i) * 0.0007,
            y: 31.0 + f64::from(i % 7) * 0.0009,
        })
        .collect();
    let cell = LatLng::new(31.01, 112.21)
        .unwrap()
        .to_cell(Resolution::Nine);
    let new = near_boundary(cell, 0.01, 1.0, 30);
    let old_cells: Vec<u64> = old.iter().map(|&p| ingest_cell(p)).collect();
    let new_cells: Vec<u64> = new.iter().map(|&p| ingest_cell(p)).collect();
    let picks: Vec<RowPick> = (0..old.len() as u32)
        .map(RowPick::Old)
        .chain((0..new.len() as u32).map(RowPick::New))
        .collect();
    let merged = CellBins::build(&old_cells, &old).merged(&picks, &new_cells, &new);
    let all: Vec<Coord> = old.iter().chain(&new).copied().collect();
    for res in BIN_RESOLUTIONS {
        let res = Resolution::try_from(res).unwrap();
        let level = merged.level(res).unwrap();
        for (at, &bin) in all.iter().zip(level.rows()) {
            let expected = LatLng::new(at.y, at.x).unwrap().to_cell(res);
            assert_eq!(level.cells()[bin as usize], expected);
        }
    }
}

/// Levels left to be binned on first use come out as the eager ones, in a table of their own and
/// after a merge that carried them over unbinned.
#[test]
fn levels_binned_on_first_use_equal_the_eager_ones() {
    let points: Vec<Coord> = (0..400)
        .map(|i| Coord {
            x: 112.18 + f64::from(i % 20) * 0.0013,
            y: 30.99 + f64::from(i / 20) * 0.0011,
        })
        .collect();
    let cells: Vec<u64> = points.iter().map(|&p| ingest_cell(p)).collect();
    let (lon, lat): (Vec<f64>, Vec<f64>) = points.iter().map(|c| (c.x, c.y)).unzip();
    let eager = CellBins::build(&cells, &points);
    let lazy = CellBins::with_eager(&cells, &points, &[Resolution::Nine]);
    assert!(lazy.level(Resolution::Nine).is_some());
    assert!(
        lazy.level(Resolution::Eight).is_none(),
        "not binned until asked for"
    );
    let picks: Vec<RowPick> = (0..points.len() as u32).map(RowPick::Old).collect();
    let merged = lazy.merged(&picks, &[], &[]);
    for res in BIN_RESOLUTIONS {
        let res = Resolution::try_from(res).unwrap();
        let want = eager.level(res).unwrap();
        for got in [
            lazy.level_or_bin(res, &cells, &lon, &lat).unwrap(),
            merged.level_or_bin(res, &cells, &lon, &lat).unwrap(),
        ] {
            assert_eq!(got.rows(), want.rows(), "res {res}");
            assert_eq!(got.cells(), want.cells(), "res {res}");
        }
    }
    assert!(
        lazy.level_or_bin(Resolution::Twelve, &cells, &lon, &lat)
            .is_none()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random points over the whole globe but the poles' caps, several close together so the
    /// fast path has bins to guess.
    #[test]
    fn random_points_get_their_hexagon(
        seeds in prop::collection::vec((-179.9f64..179.9, -80.0f64..80.0), 1..6),
        jitter in prop::collection::vec((-0.05f64..0.05, -0.05f64..0.05), 1..60),
    ) {
        let points: Vec<Coord> = seeds
            .iter()
            .flat_map(|&(x, y)| jitter.iter().map(move |&(dx, dy)| Coord {
                x: (x + dx).clamp(-180.0, 180.0),
                y: y + dy,
            }))
            .collect();
        assert_exact(&points);
    }

    /// Points within a centimetre of the edges and vertices of random cells at every binned
    /// resolution, in any direction, after points inside those cells created their bins.
    #[test]
    fn points_a_centimetre_from_edges_get_their_hexagon(
        lon in -179.0f64..179.0,
        lat in -75.0f64..75.0,
        res in 6u8..=10,
        offset_m in -0.01f64..0.01,
        bearing in 0.0f64..std::f64::consts::TAU,
    ) {
        let centre = LatLng::new(lat, lon).unwrap();
        let cell = centre.to_cell(Resolution::try_from(res).unwrap());
        let inside = LatLng::from(cell);
        let mut points = vec![Coord { x: inside.lng(), y: inside.lat() }];
        for n in cell.grid_disk::<Vec<_>>(1) {
            let c = LatLng::from(n);
            points.push(Coord { x: c.lng(), y: c.lat() });
        }
        points.extend(near_boundary(cell, offset_m, bearing, 25));
        assert_exact(&points);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Points either side of the fast test's safety band (up to 3 % of an edge from the
    /// boundary, the band being 1 % of the way to the centre), where an accepted guess would
    /// be wrong if the band were too thin.
    #[test]
    fn points_around_the_safety_band_get_their_hexagon(
        lon in 100.0f64..125.0,
        lat in 18.0f64..50.0,
        res in 6u8..=10,
        share in -0.03f64..0.03,
        bearing in 0.0f64..std::f64::consts::TAU,
    ) {
        let res = Resolution::try_from(res).unwrap();
        let cell = LatLng::new(lat, lon).unwrap().to_cell(res);
        let inside = LatLng::from(cell);
        let mut points = vec![Coord { x: inside.lng(), y: inside.lat() }];
        points.extend(near_boundary(cell, share * res.edge_length_m(), bearing, 40));
        assert_exact(&points);
    }
}
