//! The governance lists (the seed's 共建共治), generated last from their own random stream:
//! units in each community's area, 1,300 resource-list items, 519 demand-list items and 168
//! projects, the seed's counts. Units sit in the community's offices, schools, shops and
//! markets; needs sit at homes, the "three-no" compounds' drains, septic tanks and paths
//! among them.
//!
//! Planted: 72 of the projects are done ones on the three-no compounds' drains, septic tanks
//! and paths, helping 4,174 households in all (the seed: "70余个 … 惠及居民4174户").

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::incidents::END;
use crate::geodata::Dataset;
use crate::model::lists::{
    DemandItem, DemandStatus, ListCategory as C, Lists, Project, ProjectStatus, Quarter,
    ResourceItem, Unit, UnitKind,
};
use crate::model::{Building, BuildingUse};

/// The seed's counts.
pub const RESOURCE_ITEMS: usize = 1_300;
pub const DEMAND_ITEMS: usize = 519;
pub const PROJECTS: usize = 168;
/// The planted three-no projects and the households they helped.
pub const THREE_NO_PROJECTS: usize = 72;
pub const THREE_NO_HOUSEHOLDS: u32 = 4_174;
/// Units: about one for every 800 households of a community, at least one.
const HOUSEHOLDS_PER_UNIT: u32 = 800;
/// The first quarter on the lists (the data's first).
const FIRST: Quarter = Quarter { year: 2019, q: 1 };

/// What the lists carry (`truth.json`, `lists`).
#[derive(Debug, Clone, Serialize)]
pub struct ListsTruth {
    pub units: usize,
    pub resource_items: usize,
    pub demand_items: usize,
    pub projects: usize,
    /// Done projects on the three-no compounds' drains, septic tanks and paths (ids).
    pub three_no_projects: Vec<u64>,
    /// The households they helped.
    pub three_no_households: u32,
}

/// The community holding a point: a bounding-box test first, then the shape (the generator has
/// no engine to ask).
pub(super) fn community_finder(
    communities: &[crate::model::Community],
) -> impl Fn(geo::Point) -> Option<u64> + '_ {
    use geo::{BoundingRect, Contains, Intersects};
    let boxes: Vec<_> = communities
        .iter()
        .map(|c| c.geometry.bounding_rect())
        .collect();
    move |p| {
        communities
            .iter()
            .zip(&boxes)
            .find(|(c, bbox)| bbox.is_some_and(|r| r.intersects(&p)) && c.geometry.contains(&p))
            .map(|(c, _)| c.id)
    }
}

/// Each building's community (the generator's buildings do not carry it yet): the one whose
/// shape holds the building's interior point.
fn communities_of(data: &Dataset) -> Vec<Option<u64>> {
    use geo::InteriorPoint;
    let community_at = community_finder(&data.communities);
    data.buildings
        .iter()
        .map(|b| community_at(b.geometry.interior_point()?))
        .collect()
}

/// The communities and the buildings, each building with its community.
struct Places<'a> {
    communities: &'a [crate::model::Community],
    buildings: Vec<Building>,
}

/// Writes the lists into `data` (after every other stage).
pub fn plant(rng: &mut ChaCha8Rng, data: &mut Dataset) -> ListsTruth {
    let located = communities_of(data);
    let places = Places {
        communities: &data.communities,
        buildings: data
            .buildings
            .iter()
            .zip(located)
            .map(|(b, community_id)| Building {
                community_id,
                ..b.clone()
            })
            .collect(),
    };
    let units = units(rng, &places);
    let resources = resources(rng, &units);
    let (demands, projects, three_no) = demands_and_projects(rng, &places, &units, &resources);
    data.lists = Lists {
        units,
        resources,
        demands,
        projects,
        inspections: Vec::new(),
    };
    ListsTruth {
        units: data.lists.units.len(),
        resource_items: data.lists.resources.len(),
        demand_items: data.lists.demands.len(),
        projects: data.lists.projects.len(),
        three_no_projects: three_no,
        three_no_households: THREE_NO_HOUSEHOLDS,
    }
}

/// A building's centroid as lon/lat, to 1e-7 degrees as the other files are written.
fn centre(b: &Building) -> (f64, f64) {
    use geo::Centroid;
    let round = |v: f64| (v * 1e7).round() / 1e7;
    b.geometry
        .centroid()
        .map_or((0.0, 0.0), |p| (round(p.x()), round(p.y())))
}

/// An instant on day `day` (counted from `start`) in working hours, 08:30 to 17:30 local.
fn daytime(rng: &mut ChaCha8Rng, start: i64, day: i64) -> i64 {
    start + day * 86_400 + rng.random_range(8 * 3_600 + 1_800..17 * 3_600 + 1_800)
}

fn units(rng: &mut ChaCha8Rng, data: &Places<'_>) -> Vec<Unit> {
    let mut out = Vec::new();
    for c in data.communities {
        let buildings: Vec<&Building> = data
            .buildings
            .iter()
            .filter(|b| b.community_id == Some(c.id))
            .collect();
        let workplaces: Vec<&Building> = buildings
            .iter()
            .copied()
            .filter(|b| b.building_use != BuildingUse::Residential)
            .collect();
        let pool = if workplaces.is_empty() {
            &buildings
        } else {
            &workplaces
        };
        let n = (c.households / HOUSEHOLDS_PER_UNIT).max(1);
        let mut names = rustc_hash::FxHashSet::default();
        for _ in 0..n {
            let Some(b) = pool.choose(rng) else { break };
            let kind = match b.building_use {
                BuildingUse::School => UnitKind::School,
                BuildingUse::Office => *[UnitKind::Agency, UnitKind::StateEnterprise]
                    .choose(rng)
                    .unwrap_or(&UnitKind::Agency),
                BuildingUse::Commercial | BuildingUse::Market => UnitKind::Enterprise,
                _ => *[UnitKind::Hospital, UnitKind::SocialOrganisation]
                    .choose(rng)
                    .unwrap_or(&UnitKind::SocialOrganisation),
            };
            let (lon, lat) = centre(b);
            let stem = stems(kind).choose(rng).copied().unwrap_or("服务站");
            let base = format!("{}{stem}", c.name.trim_end_matches("社区"));
            let name = (1..=n + 1)
                .map(|k| {
                    if k == 1 {
                        base.clone()
                    } else {
                        format!("{base}（{k}）")
                    }
                })
                .find(|n| !names.contains(n))
                .unwrap_or_default();
            names.insert(name.clone());
            out.push(Unit {
                id: out.len() as u64 + 1,
                name,
                kind,
                community_id: c.id,
                lon,
                lat,
            });
        }
    }
    out
}

/// Names of a unit of each kind, after the community's.
fn stems(kind: UnitKind) -> &'static [&'static str] {
    match kind {
        UnitKind::Agency => &["派出所", "城管中队", "市场监管所", "司法所", "税务所"],
        UnitKind::StateEnterprise => &["供电所", "供水营业所", "燃气服务站", "邮政支局"],
        UnitKind::School => &["小学", "中学", "幼儿园"],
        UnitKind::Hospital => &["卫生服务站", "诊所"],
        UnitKind::Enterprise => &["物业公司", "建筑公司", "超市", "药房"],
        UnitKind::SocialOrganisation => &["志愿者协会", "老年协会", "社工服务站"],
    }
}

/// What each kind of unit offers.
fn offers(kind: UnitKind) -> &'static [C] {
    match kind {
        UnitKind::Agency => &[C::Legal, C::Security, C::Employment, C::Road],
        UnitKind::StateEnterprise => &[C::Drainage, C::Septic, C::Road, C::Property],
        UnitKind::School => &[C::ChildCare, C::Culture],
        UnitKind::Hospital => &[C::Health, C::ElderCare],
        UnitKind::Enterprise => &[C::Property, C::Sanitation, C::Employment, C::Drainage],
        UnitKind::SocialOrganisation => &[C::ElderCare, C::Culture, C::Sanitation, C::ChildCare],
    }
}

/// The quarters of the data, first to last.
fn quarters() -> Vec<Quarter> {
    let last = Quarter::of(END - 1);
    let mut out = vec![FIRST];
    while out[out.len() - 1] < last {
        out.push(out[out.len() - 1].next());
    }
    out
}

fn resources(rng: &mut ChaCha8Rng, units: &[Unit]) -> Vec<ResourceItem> {
    let quarters = quarters();
    // Every unit offers something; the rest go to units drawn at random.
    let owners: Vec<usize> = (0..units.len())
        .chain((units.len()..RESOURCE_ITEMS).map(|_| rng.random_range(0..units.len())))
        .take(RESOURCE_ITEMS)
        .collect();
    owners
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let unit = &units[u];
            let category = *offers(unit.kind).choose(rng).unwrap_or(&C::Culture);
            let from = quarters[rng.random_range(0..quarters.len())];
            let mut to = from;
            for _ in 0..rng.random_range(0..8) {
                to = to.next();
            }
            ResourceItem {
                id: i as u64 + 1,
                unit_id: unit.id,
                category,
                capacity: rng.random_range(10..=120),
                hours: rng.random_range(8..=160),
                from,
                to,
            }
        })
        .collect()
}

/// A need's category: the three-no compounds' drains, septic tanks and paths more often there.
fn need(rng: &mut ChaCha8Rng, unmanaged: bool) -> C {
    const WEIGHTED: [(C, u32); 12] = [
        (C::Drainage, 18),
        (C::Septic, 10),
        (C::Road, 14),
        (C::Sanitation, 10),
        (C::ElderCare, 12),
        (C::ChildCare, 8),
        (C::Health, 7),
        (C::Legal, 4),
        (C::Employment, 5),
        (C::Culture, 5),
        (C::Security, 4),
        (C::Property, 3),
    ];
    if unmanaged && rng.random_range(0..100) < 70 {
        return *[C::Drainage, C::Septic, C::Road]
            .choose(rng)
            .unwrap_or(&C::Drainage);
    }
    let total: u32 = WEIGHTED.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (c, w) in WEIGHTED {
        if pick < w {
            return c;
        }
        pick -= w;
    }
    C::Culture
}

/// Splits `total` into `n` parts near `weights`' shares, each at least 1 (largest remainder).
fn apportion(total: u32, weights: &[u32]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum::<u64>().max(1);
    let spare = u64::from(total) - weights.len() as u64;
    let exact: Vec<u64> = weights
        .iter()
        .map(|w| spare * u64::from(*w) * 1_000 / sum)
        .collect();
    let mut parts: Vec<u32> = exact.iter().map(|e| 1 + (e / 1_000) as u32).collect();
    let mut left = total - parts.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % 1_000));
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

#[allow(
    clippy::too_many_lines,
    reason = "needs, then the projects that met them, in one pass over the places"
)]
fn demands_and_projects(
    rng: &mut ChaCha8Rng,
    data: &Places<'_>,
    units: &[Unit],
    resources: &[ResourceItem],
) -> (Vec<DemandItem>, Vec<Project>, Vec<u64>) {
    let homes: Vec<&Building> = data
        .buildings
        .iter()
        .filter(|b| b.households > 0 && b.community_id.is_some())
        .collect();
    let three_no: Vec<&Building> = homes.iter().copied().filter(|b| b.unmanaged).collect();
    let start = FIRST.start();
    // The planted projects' needs first, each at a three-no home; their households sum to the
    // seed's figure.
    let weights: Vec<u32> = (0..THREE_NO_PROJECTS)
        .map(|_| rng.random_range(20..100))
        .collect();
    let planted_households = apportion(THREE_NO_HOUSEHOLDS, &weights);
    let mut demands = Vec::with_capacity(DEMAND_ITEMS);
    let place = |b: &Building, category: C, households: u32, raised_at: i64| {
        let (lon, lat) = centre(b);
        DemandItem {
            id: 0,
            community_id: b.community_id.unwrap_or(0),
            building_id: Some(b.id),
            category,
            households,
            raised_at,
            status: DemandStatus::Open,
            lon,
            lat,
        }
    };
    // Planted needs are raised in the first two years, so their projects are done by the end.
    for &h in &planted_households {
        let b = three_no.choose(rng).unwrap_or(&homes[0]);
        let category = *[C::Drainage, C::Septic, C::Road]
            .choose(rng)
            .unwrap_or(&C::Drainage);
        let day = rng.random_range(0..2 * 365);
        let raised = daytime(rng, start, day);
        demands.push(place(b, category, h, raised));
    }
    while demands.len() < DEMAND_ITEMS {
        let unmanaged = rng.random_range(0..100) < 35 && !three_no.is_empty();
        let b = if unmanaged {
            three_no.choose(rng)
        } else {
            homes.choose(rng)
        };
        let Some(b) = b else { break };
        let category = need(rng, b.unmanaged);
        let households = rng.random_range(1..=b.households.clamp(1, 80));
        let day = rng.random_range(0..(END - start) / 86_400 - 1);
        let raised = daytime(rng, start, day);
        demands.push(place(b, category, households, raised));
    }
    for (i, d) in demands.iter_mut().enumerate() {
        d.id = i as u64 + 1;
    }

    let unit_community: rustc_hash::FxHashMap<u64, u64> =
        units.iter().map(|u| (u.id, u.community_id)).collect();
    // The resource item a project draws on: one of its category offered in the quarter it
    // opened, the community's own if it has one.
    let offer_for = |rng: &mut ChaCha8Rng, community: u64, category: C, at: i64| {
        let q = Quarter::of(at);
        let fits: Vec<&ResourceItem> = resources
            .iter()
            .filter(|r| r.category == category && r.offered_in(q))
            .collect();
        let own: Vec<&ResourceItem> = fits
            .iter()
            .copied()
            .filter(|r| unit_community.get(&r.unit_id) == Some(&community))
            .collect();
        let pool = if own.is_empty() { &fits } else { &own };
        pool.choose(rng).map(|r| r.id)
    };
    let mut projects = Vec::with_capacity(PROJECTS);
    let community_name: rustc_hash::FxHashMap<u64, &str> = data
        .communities
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let open = |rng: &mut ChaCha8Rng,
                d: &mut DemandItem,
                opened: i64,
                status: ProjectStatus,
                projects: &mut Vec<Project>| {
        let closed = (status == ProjectStatus::Done)
            .then(|| (opened + rng.random_range(14..120) * 86_400).min(END - 86_400));
        d.status = if status == ProjectStatus::Done {
            DemandStatus::Met
        } else {
            DemandStatus::InProject
        };
        let resource_ids = offer_for(rng, d.community_id, d.category, opened)
            .into_iter()
            .collect();
        projects.push(Project {
            id: projects.len() as u64 + 1,
            community_id: d.community_id,
            name: format!(
                "{}{}",
                community_name.get(&d.community_id).unwrap_or(&""),
                d.category.name_zh()
            ),
            category: d.category,
            demand_ids: vec![d.id],
            resource_ids,
            status,
            opened_at: opened,
            closed_at: closed,
            households: if status == ProjectStatus::Done {
                d.households
            } else {
                0
            },
        });
    };
    let mut three_no_ids = Vec::with_capacity(THREE_NO_PROJECTS);
    for d in demands.iter_mut().take(THREE_NO_PROJECTS) {
        let opened = d.raised_at + rng.random_range(7..60) * 86_400;
        open(rng, d, opened, ProjectStatus::Done, &mut projects);
        three_no_ids.push(projects.len() as u64);
    }
    // The other projects: needs drawn from the rest, none of the three-no compounds' kind done
    // in one (so the planted figure stays the seed's); recent ones still going.
    let mut rest: Vec<usize> = (THREE_NO_PROJECTS..demands.len()).collect();
    rest.retain(|&i| {
        let d = &demands[i];
        !(d.raised_at > END - 30 * 86_400
            || d.building_id.is_some_and(|b| {
                three_no.iter().any(|t| t.id == b)
                    && matches!(d.category, C::Drainage | C::Septic | C::Road)
            }))
    });
    while projects.len() < PROJECTS && !rest.is_empty() {
        let i = rest.swap_remove(rng.random_range(0..rest.len()));
        let d = &mut demands[i];
        let opened = (d.raised_at + rng.random_range(7..60) * 86_400).min(END - 86_400);
        let status = if opened > END - 90 * 86_400 {
            *[ProjectStatus::Planned, ProjectStatus::InProgress]
                .choose(rng)
                .unwrap_or(&ProjectStatus::InProgress)
        } else {
            ProjectStatus::Done
        };
        open(rng, d, opened, status, &mut projects);
    }
    (demands, projects, three_no_ids)
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn apportioned_parts_sum_to_the_total_and_follow_the_weights() {
        let parts = apportion(100, &[1, 1, 2]);
        assert_eq!(parts.iter().sum::<u32>(), 100);
        assert!(parts[2] > parts[0] && parts[2] > parts[1]);
        let parts = apportion(4_174, &[20, 99, 50, 33]);
        assert_eq!(parts.iter().sum::<u32>(), 4_174);
        assert!(parts.iter().all(|&p| p >= 1));
    }
}
