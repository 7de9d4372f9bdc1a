//! Catchments: for each of many source points (resources, candidate sites), the buildings
//! within a distance of it, with the distance — the sparse cost matrix behind 2SFCA and site
//! choice. A building stands at its centroid (as in [`super::building_access`]).
//!
//! - Straight: buildings whose footprint's bounding box (which holds the centroid) meets a box
//!   around the source that surely holds the circle, then each centroid measured exactly
//!   (geodesic, WGS 84).
//! - Walk: one bounded search from each source over the buildings' join points
//!   ([`crate::network::reach`]); a source that does not join the network reaches nothing.

use geo::{Centroid, Coord, Rect};
use rayon::prelude::*;

use super::Mode;
use crate::index::Engine;
use crate::network::{DEFAULT_SNAP_LIMIT_M, Snap, geodesic_m};

/// Buildings within reach of one source: (position in `engine.buildings`, metres), in the
/// order of the buildings.
pub type Catchment = Vec<(u32, f64)>;

/// Every building's centroid, by position (the origin for a building without one).
#[must_use]
pub fn building_centroids(engine: &Engine) -> Vec<Coord> {
    engine
        .buildings
        .items()
        .par_iter()
        .map(|b| {
            b.geometry
                .centroid()
                .map_or(Coord { x: 0.0, y: 0.0 }, |c| c.0)
        })
        .collect()
}

/// Every building's households (the demand), by position.
#[must_use]
pub fn households_by_building(engine: &Engine) -> Vec<f64> {
    engine
        .buildings
        .items()
        .iter()
        .map(|b| f64::from(b.households))
        .collect()
}

/// The catchment of each of `sources` within `max_m` in `mode`.
#[must_use]
pub fn catchments(engine: &Engine, sources: &[Coord], max_m: f64, mode: Mode) -> Vec<Catchment> {
    match mode {
        Mode::Straight => {
            let centroids = building_centroids(engine);
            sources
                .par_iter()
                .map(|&at| straight_catchment(engine, &centroids, at, max_m))
                .collect()
        }
        Mode::Walk => {
            let graph = &engine.network;
            let snaps: Vec<Option<Snap>> = engine.building_snaps().iter().map(|s| s.ok()).collect();
            let joined = graph.join_points(snaps);
            sources
                .par_iter()
                .map(|&at| match graph.snap(at, DEFAULT_SNAP_LIMIT_M) {
                    Ok(from) => graph.reach(&from, max_m, &joined),
                    Err(_) => Vec::new(),
                })
                .collect()
        }
    }
}

/// A box around `at` holding every point within `max_m` of it (a degree of latitude is at
/// least 110,574 m; one of longitude at least 111,320 · cos φ m at the box's farthest
/// latitude), with 1 % to spare.
#[must_use]
pub fn box_around(at: Coord, max_m: f64) -> Rect {
    let dlat = max_m / 110_574.0 * 1.01;
    let far = (at.y.abs() + dlat).min(89.0).to_radians();
    let dlon = max_m / (111_320.0 * far.cos()) * 1.01;
    Rect::new(
        Coord {
            x: at.x - dlon,
            y: at.y - dlat,
        },
        Coord {
            x: at.x + dlon,
            y: at.y + dlat,
        },
    )
}

fn straight_catchment(engine: &Engine, centroids: &[Coord], at: Coord, max_m: f64) -> Catchment {
    let mut found: Catchment = engine
        .buildings
        .boxes_meeting(&box_around(at, max_m))
        .into_iter()
        .filter_map(|b| {
            let d = geodesic_m(at, centroids[b as usize]);
            (d <= max_m).then_some((b, d))
        })
        .collect();
    found.sort_unstable_by_key(|f| f.0);
    found
}
