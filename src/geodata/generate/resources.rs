//! Point resources: community offices, the 49 central-city service complexes (placed so that
//! some outer neighbourhoods stay beyond a 1 km walk), police stations and posts, schools and
//! markets at their buildings, clinics, and party-member central households.

use geo::{Area, Centroid, InteriorPoint, Point};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::buildings::Placed;
use super::city::{CommunityShape, density};
use super::shapes::{random_point_in, round_coord};
use crate::model::{BuildingUse, Resource, ResourceKind};

/// Service complexes in the central city (the city report's figure).
pub const SERVICE_COMPLEXES: usize = 49;

/// Creates every resource, kind by kind.
#[expect(
    clippy::too_many_lines,
    reason = "one short block per resource kind, in id order"
)]
pub fn place(
    rng: &mut ChaCha8Rng,
    communities: &[CommunityShape],
    buildings: &[Placed],
    grid_community: &[usize],
) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    let push =
        |out: &mut Vec<Resource>, kind: ResourceKind, name: String, capacity: u32, at: Point| {
            out.push(Resource {
                id: out.len() as u64 + 1,
                kind,
                name,
                capacity,
                geometry: Point(round_coord(at.0)),
                community_id: None,
            });
        };
    let inside = |rng: &mut ChaCha8Rng, c: &CommunityShape| {
        let largest = c
            .geometry
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
        largest.and_then(|p| random_point_in(rng, p, 500).or_else(|| p.interior_point()))
    };

    // Service complexes: the 49 densest central-city communities, except the north-western
    // quarter, which is left unserved on purpose (a planted service gap).
    let mut central: Vec<(usize, f64)> = communities
        .iter()
        .enumerate()
        .filter(|(_, c)| c.town == 0)
        .filter_map(|(i, c)| c.geometry.interior_point().map(|p| (i, p)))
        .filter(|(_, p)| !(p.x() < 112.185 && p.y() > 31.035))
        .map(|(i, p)| (i, density(p.0)))
        .collect();
    central.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for &(i, _) in central.iter().take(SERVICE_COMPLEXES) {
        if let Some(p) = communities[i].geometry.interior_point() {
            push(
                &mut out,
                ResourceKind::ServiceComplex,
                format!("{}党群服务中心", communities[i].name),
                rng.random_range(30..=80) * 100,
                p,
            );
        }
    }
    for (i, c) in communities.iter().enumerate() {
        if i % 15 == 0
            && let Some(p) = inside(rng, c)
        {
            push(
                &mut out,
                ResourceKind::PoliceStation,
                format!("{}派出所", c.name.trim_end_matches("社区")),
                60,
                p,
            );
        }
        if i % 2 == 0
            && let Some(p) = inside(rng, c)
        {
            push(
                &mut out,
                ResourceKind::PolicePost,
                format!("{}警务室", c.name),
                4,
                p,
            );
        }
        if let Some(p) = inside(rng, c) {
            push(
                &mut out,
                ResourceKind::CommunityOffice,
                format!("{}居委会", c.name),
                12,
                p,
            );
        }
    }
    for placed in buildings {
        let b = &placed.building;
        let community = &communities[grid_community[placed.grid]].name;
        let Some(at) = b.geometry.centroid() else {
            continue;
        };
        match b.building_use {
            BuildingUse::School => push(
                &mut out,
                ResourceKind::School,
                format!("{community}学校"),
                rng.random_range(6..=24) * 100,
                at,
            ),
            BuildingUse::Market => push(
                &mut out,
                ResourceKind::Market,
                format!("{community}农贸市场"),
                rng.random_range(40..=160),
                at,
            ),
            _ => {}
        }
    }
    for c in communities {
        if rng.random_bool(0.5)
            && let Some(p) = inside(rng, c)
        {
            push(
                &mut out,
                ResourceKind::Clinic,
                format!("{}卫生服务站", c.name),
                rng.random_range(2..=8) * 10,
                p,
            );
        }
    }
    // One party-member central household per grid, in a residential building of that grid.
    let mut by_grid: Vec<Option<&Placed>> = vec![None; grid_community.len()];
    for placed in buildings
        .iter()
        .filter(|p| p.building.building_use == BuildingUse::Residential)
    {
        if by_grid[placed.grid].is_none() || rng.random_bool(0.1) {
            by_grid[placed.grid] = Some(placed);
        }
    }
    for placed in by_grid.into_iter().flatten() {
        if let Some(at) = placed.building.geometry.centroid() {
            let community = &communities[grid_community[placed.grid]].name;
            push(
                &mut out,
                ResourceKind::PartyHousehold,
                format!("{community}党员中心户"),
                10,
                at,
            );
        }
    }
    out
}
