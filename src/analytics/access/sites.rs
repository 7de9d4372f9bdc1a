//! Where to build next: k new sites of a kind, from candidate points, for the households of
//! every building (at its centroid), in walk or straight mode.
//!
//! - `Coverage` (maximal covering location problem, Church and `ReVelle` 1974): maximise the
//!   households newly within `threshold_m` of a site of the kind.
//! - `PMedian`: minimise Σ households · distance to the nearest site, each distance truncated
//!   at `threshold_m` (a building farther from every site counts as `threshold_m`, and a new
//!   site serves only what is within it), so every search stays bounded.
//!
//! The default candidates are one per built-up H3 res-9 cell (a cell holding a building with
//! households) holding no site of the kind: the cell centre, moved to the nearest point of the
//! nearest walkable street when there are streets within the snap limit. The choice itself is
//! [`super::choose`].

use geo::Coord;
use h3o::{LatLng, Resolution};
use rustc_hash::FxHashSet;

use super::catchment::{building_centroids, catchments, households_by_building};
use super::choose::Problem;
use super::{Mode, building_access};
use crate::index::Engine;
use crate::model::ResourceKind;
use crate::network::DEFAULT_SNAP_LIMIT_M;

/// What the sites should achieve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    Coverage,
    PMedian,
}

impl Objective {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Coverage => "coverage",
            Self::PMedian => "p-median",
        }
    }
}

/// The question.
#[derive(Debug, Clone)]
pub struct SiteQuery {
    pub kinds: Vec<ResourceKind>,
    pub k: usize,
    pub threshold_m: f64,
    pub mode: Mode,
    pub objective: Objective,
    /// `None`: the default candidates (module documentation).
    pub candidates: Option<Vec<Coord>>,
}

/// One chosen site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub at: Coord,
    /// Households newly within the threshold, given the sites listed before it.
    pub households_gained: u64,
    /// Household-metres saved (truncated distances), given the sites listed before it.
    pub distance_saved: f64,
}

/// The answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sites {
    pub sites: Vec<Site>,
    pub candidates: usize,
    pub households_total: u64,
    pub households_covered_before: u64,
    pub households_covered_after: u64,
    /// Σ households · truncated distance, before and after (metres).
    pub weighted_distance_before: f64,
    pub weighted_distance_after: f64,
    /// No k candidates can do better than this: households covered (coverage) or the
    /// weighted distance (p-median, a floor).
    pub optimality_bound: f64,
}

/// The default candidates for `kinds` (module documentation).
#[must_use]
pub fn default_candidates(engine: &Engine, kinds: &[ResourceKind]) -> Vec<Coord> {
    let cell = |c: Coord| {
        LatLng::new(c.y, c.x)
            .ok()
            .map(|ll| ll.to_cell(Resolution::Nine))
    };
    let centroids = building_centroids(engine);
    let mut built: Vec<h3o::CellIndex> = engine
        .buildings
        .items()
        .iter()
        .zip(&centroids)
        .filter(|(b, _)| b.households > 0)
        .filter_map(|(_, &c)| cell(c))
        .collect();
    built.sort_unstable();
    built.dedup();
    let taken: FxHashSet<h3o::CellIndex> = engine
        .resources
        .items()
        .iter()
        .filter(|r| kinds.is_empty() || kinds.contains(&r.kind))
        .filter_map(|r| cell(r.geometry.0))
        .collect();
    built
        .into_iter()
        .filter(|c| !taken.contains(c))
        .map(|c| {
            let centre = LatLng::from(c);
            let at = Coord {
                x: centre.lng(),
                y: centre.lat(),
            };
            engine
                .network
                .snap(at, DEFAULT_SNAP_LIMIT_M)
                .map_or(at, |s| s.at)
        })
        .collect()
}

/// Chooses the sites (module documentation).
#[must_use]
pub fn choose_sites(engine: &Engine, query: &SiteQuery) -> Sites {
    let t = query.threshold_m;
    let candidates = query
        .candidates
        .clone()
        .unwrap_or_else(|| default_candidates(engine, &query.kinds));
    let now = building_access(engine, &query.kinds, query.mode);
    let households = households_by_building(engine);
    let reach = catchments(engine, &candidates, t, query.mode);
    let truncated = |d: f64| d.min(t);
    let (base, offers): (Vec<f64>, Vec<Vec<(u32, f64)>>) = match query.objective {
        Objective::Coverage => (
            now.iter()
                .map(|a| f64::from(u8::from(a.distance_m <= t)))
                .collect(),
            reach
                .iter()
                .map(|c| c.iter().map(|&(i, _)| (i, 1.0)).collect())
                .collect(),
        ),
        Objective::PMedian => (
            now.iter().map(|a| t - truncated(a.distance_m)).collect(),
            reach
                .iter()
                .map(|c| c.iter().map(|&(i, d)| (i, t - d)).collect())
                .collect(),
        ),
    };
    let problem = Problem {
        weight: &households,
        base: &base,
        offers: &offers,
    };
    let choice = problem.choose(query.k);

    // Both measures for the sites in their order, whichever was optimised.
    let mut distance: Vec<f64> = now.iter().map(|a| truncated(a.distance_m)).collect();
    let weighted =
        |distance: &[f64]| -> f64 { distance.iter().zip(&households).map(|(d, h)| d * h).sum() };
    let households_covered_before = count_within(
        &now.iter().map(|a| a.distance_m).collect::<Vec<_>>(),
        &households,
        t,
    );
    let weighted_distance_before = weighted(&distance);
    let mut sites = Vec::with_capacity(choice.sites.len());
    let mut exact: Vec<f64> = now.iter().map(|a| a.distance_m).collect();
    for &(c, _) in &choice.sites {
        let (before_cover, before_distance) =
            (count_within(&exact, &households, t), weighted(&distance));
        for &(i, d) in &reach[c] {
            let i = i as usize;
            exact[i] = exact[i].min(d);
            distance[i] = distance[i].min(d);
        }
        sites.push(Site {
            at: candidates[c],
            households_gained: count_within(&exact, &households, t) - before_cover,
            distance_saved: before_distance - weighted(&distance),
        });
    }
    let households_covered_after = count_within(&exact, &households, t);
    let optimality_bound = match query.objective {
        Objective::Coverage => households_covered_before as f64 + choice.bound,
        Objective::PMedian => {
            // F counts household-metres saved against T · households; its bound caps the saving.
            weighted_distance_before - choice.bound
        }
    };
    Sites {
        sites,
        candidates: candidates.len(),
        households_total: households.iter().map(|&h| h as u64).sum(),
        households_covered_before,
        households_covered_after,
        weighted_distance_before,
        weighted_distance_after: weighted(&distance),
        optimality_bound,
    }
}

/// Households whose distance is within `t`.
fn count_within(distance: &[f64], households: &[f64], t: f64) -> u64 {
    distance
        .iter()
        .zip(households)
        .filter(|(d, _)| **d <= t)
        .map(|(_, h)| *h as u64)
        .sum()
}
