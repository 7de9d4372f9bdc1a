//! Building footprints: rotated rectangles placed inside each grid along a per-grid street
//! angle (the angle of its lanes), clear of its streets and of each other, with floors and
//! households that follow the density field. Old cores hold clusters of "three-no" compounds
//! (unmanaged low-rise walk-ups); the streets stage decides which grids they are.

use std::f64::consts::PI;

use geo::{Area, BoundingRect, Centroid, Intersects, Polygon};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::city::{CommunityShape, allot, density};
use super::shapes::{area_km2, footprint, random_point_in};
use super::streets::{Frame, GridPlan};
use crate::model::{Building, BuildingUse};

/// About this many footprints city-wide.
pub const BUILDING_TARGET: usize = 15_000;

/// A placed building and the grid it was placed in (the generator's own bookkeeping; the
/// index re-derives grids from geometry).
pub struct Placed {
    pub building: Building,
    pub grid: usize,
}

/// Places buildings in every grid. Each community gets a school with probability 0.3 and a
/// market with probability 0.25, placed first because they are large.
pub fn place(
    rng: &mut ChaCha8Rng,
    communities: &[CommunityShape],
    grids: &[(usize, Polygon)],
    plans: &[GridPlan],
) -> Vec<Placed> {
    let weights: Vec<f64> = grids
        .iter()
        .map(|(_, g)| area_km2(&g.clone().into()) * g.centroid().map_or(0.5, |c| density(c.0)))
        .collect();
    let counts = allot(&weights, BUILDING_TARGET, 3);
    let mut placed: Vec<Placed> = Vec::with_capacity(BUILDING_TARGET);
    let mut specials: Vec<Vec<BuildingUse>> = vec![Vec::new(); grids.len()];
    for c in 0..communities.len() {
        let own: Vec<usize> = (0..grids.len()).filter(|&g| grids[g].0 == c).collect();
        for (probability, usage) in [(0.3, BuildingUse::School), (0.25, BuildingUse::Market)] {
            if !own.is_empty() && rng.random_bool(probability) {
                let largest = own.iter().copied().max_by(|&a, &b| {
                    grids[a]
                        .1
                        .unsigned_area()
                        .total_cmp(&grids[b].1.unsigned_area())
                });
                let pick = if rng.random_bool(0.5) {
                    largest
                } else {
                    Some(own[rng.random_range(0..own.len())])
                };
                if let Some(g) = pick {
                    specials[g].push(usage);
                }
            }
        }
    }
    for (g, (_, grid)) in grids.iter().enumerate() {
        let dense = grid.centroid().map_or(0.5, |c| density(c.0));
        let plan = &plans[g];
        let (old_core, street_angle) = (plan.old_core, plan.angle);
        let mut footprints: Vec<Polygon> = Vec::new();
        let uses: Vec<BuildingUse> = specials[g]
            .iter()
            .copied()
            .chain((0..counts[g]).map(|_| pick_use(rng)))
            .collect();
        for usage in uses {
            let (length, depth) = size_m(rng, usage);
            let angle = street_angle
                + rng.random_range(-0.08..0.08)
                + if rng.random_bool(0.2) { PI / 2.0 } else { 0.0 };
            let spot = (0..40).find_map(|_| {
                let center = random_point_in(rng, grid, 50)?;
                let fp = footprint(center.0, length, depth, angle);
                let free = plan.admits(&Frame::polygon_m(&fp))
                    && !footprints.iter().any(|other| overlaps(other, &fp));
                free.then_some(fp)
            });
            let Some(fp) = spot else { continue };
            footprints.push(fp.clone());
            let unmanaged = usage == BuildingUse::Residential && old_core && rng.random_bool(0.6);
            let floors = floors(rng, usage, dense, unmanaged);
            let households = if usage == BuildingUse::Residential {
                u32::from(floors) * rng.random_range(1..=4) * 2
            } else {
                0
            };
            placed.push(Placed {
                building: Building {
                    id: placed.len() as u64 + 1,
                    households,
                    floors,
                    building_use: usage,
                    unmanaged,
                    geometry: fp,
                    grid_id: None,
                    community_id: None,
                },
                grid: g,
            });
        }
    }
    placed
}

fn overlaps(a: &Polygon, b: &Polygon) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(ra), Some(rb)) => ra.intersects(&rb) && a.intersects(b),
        _ => false,
    }
}

fn pick_use(rng: &mut ChaCha8Rng) -> BuildingUse {
    match rng.random_range(0..100) {
        0..82 => BuildingUse::Residential,
        82..90 => BuildingUse::Commercial,
        90..95 => BuildingUse::Office,
        _ => BuildingUse::Other,
    }
}

/// Footprint length × depth in metres by use.
fn size_m(rng: &mut ChaCha8Rng, usage: BuildingUse) -> (f64, f64) {
    let (l, d) = match usage {
        BuildingUse::Residential => ((30.0, 70.0), (11.0, 16.0)),
        BuildingUse::Commercial => ((20.0, 40.0), (15.0, 25.0)),
        BuildingUse::Office => ((25.0, 45.0), (18.0, 25.0)),
        BuildingUse::School => ((80.0, 120.0), (50.0, 70.0)),
        BuildingUse::Market => ((40.0, 70.0), (30.0, 45.0)),
        BuildingUse::Other => ((10.0, 20.0), (8.0, 15.0)),
    };
    (rng.random_range(l.0..l.1), rng.random_range(d.0..d.1))
}

/// Floors: walk-ups of 2–7 in old compounds, towers of up to 33 where the density is high.
fn floors(rng: &mut ChaCha8Rng, usage: BuildingUse, dense: f64, unmanaged: bool) -> u16 {
    match usage {
        BuildingUse::Residential if unmanaged => rng.random_range(2..=6),
        BuildingUse::Residential if rng.random_bool((dense * 0.5).clamp(0.05, 0.5)) => {
            rng.random_range(11..=33)
        }
        BuildingUse::Residential => rng.random_range(3..=7),
        BuildingUse::Commercial | BuildingUse::Office => rng.random_range(2..=12),
        BuildingUse::School | BuildingUse::Market => rng.random_range(1..=4),
        BuildingUse::Other => rng.random_range(1..=2),
    }
}
