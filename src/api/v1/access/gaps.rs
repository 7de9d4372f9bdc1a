//! `GET /api/v1/access/gaps`: the buildings too far from the nearest resource of a kind, and
//! the households beyond each distance, per grid, per community and per H3 cell.
//!
//! Default thresholds are GB 50180-2018's life circles for a walk: 5 minutes ≈ 300 m, 10 minutes
//! ≈ 500 m, 15 minutes ≈ 800–1,000 m (the upper figure is used).

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::super::StudyAreas;
use super::super::answer::{
    AnyGeometry, CellBeyond, CellSums, CommunityBeyond, Feature, GapId, GapProperties, Gaps,
    GapsSummary, GridBeyond, HomeBeyond, ThresholdReach,
};
use super::super::filters::positions;
use super::kinds;
use crate::analytics::access::catchment::building_centroids;
use crate::analytics::access::{BuildingAccess, LIFE_CIRCLES_M, building_access};
use crate::api::params::{Choice, Res, mode, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::{Building, ResourceKind};

/// The gaps (see the module documentation).
pub fn gaps(engine: &Engine, _areas: &StudyAreas, params: &QueryParams) -> Result<Value, ApiError> {
    params.only(&[
        "kind",
        "thresholds_m",
        "community",
        "grid",
        "mode",
        "h3_res",
        "features",
    ])?;
    let with_features = with_features(params)?;
    let h3_res = h3_res(params)?;
    let kinds = kinds(params.get("kind").unwrap_or("service_complex"))?;
    let thresholds = thresholds(params)?;
    let mode = mode(engine, params)?;
    let communities = positions(params, "community", |id| engine.communities.position(id))?;
    let grids = positions(params, "grid", |id| engine.grids.position(id))?;
    let community_ids: Vec<u64> = communities
        .iter()
        .map(|&c| engine.communities.items()[c as usize].id)
        .collect();
    let grid_ids: Vec<u64> = grids
        .iter()
        .map(|&g| engine.grids.items()[g as usize].id)
        .collect();

    let access = building_access(engine, &kinds, mode);
    let mut tally = Tally::new(&thresholds, h3_res);
    let centroids = building_centroids(engine);
    let mut features = Vec::new();
    for ((b, a), c) in engine.buildings.items().iter().zip(&access).zip(&centroids) {
        let chosen = (community_ids.is_empty()
            || b.community_id.is_some_and(|c| community_ids.contains(&c)))
            && (grid_ids.is_empty() || b.grid_id.is_some_and(|g| grid_ids.contains(&g)));
        if !chosen || b.households == 0 {
            continue;
        }
        let exceeded = thresholds.iter().filter(|&&t| a.distance_m > t).count();
        tally.add(b, *c, exceeded);
        if exceeded > 0 && with_features == Features::Homes {
            features.push(unserved(engine, b, a, thresholds[exceeded - 1]));
        }
    }
    let per_h3 = per_cell(std::mem::take(&mut tally.by_cell));
    if with_features == Features::Cells {
        features = cell_features(&per_h3, &thresholds);
    }
    let mut summary = tally.summary(engine, mode.as_str(), kinds);
    summary.per_h3 = per_h3
        .into_iter()
        .map(|(cell, sums)| CellSums {
            h3: cell.to_string(),
            households: sums[0],
            households_beyond: sums[1..].to_vec(),
        })
        .collect();
    Gaps::new(features, summary).into_value()
}

/// The households (and buildings) beyond each threshold: city-wide, per community, per grid
/// and per H3 cell of the building's centroid.
struct Tally<'a> {
    thresholds: &'a [f64],
    h3_res: h3o::Resolution,
    /// Households and buildings beyond each threshold.
    beyond: Vec<(u64, u64)>,
    households: u64,
    buildings: u64,
    by_community: FxHashMap<u64, Vec<u64>>,
    by_grid: FxHashMap<u64, Vec<u64>>,
    /// Households in the cell, then beyond each threshold.
    by_cell: FxHashMap<u64, Vec<u64>>,
}

impl<'a> Tally<'a> {
    fn new(thresholds: &'a [f64], h3_res: h3o::Resolution) -> Self {
        Self {
            thresholds,
            h3_res,
            beyond: vec![(0, 0); thresholds.len()],
            households: 0,
            buildings: 0,
            by_community: FxHashMap::default(),
            by_grid: FxHashMap::default(),
            by_cell: FxHashMap::default(),
        }
    }

    /// Counts building `b` (centroid `c`), beyond the first `exceeded` thresholds.
    fn add(&mut self, b: &Building, c: geo::Coord, exceeded: usize) {
        let households = u64::from(b.households);
        let n = self.thresholds.len();
        self.households += households;
        self.buildings += 1;
        for slot in &mut self.beyond[..exceeded] {
            slot.0 += households;
            slot.1 += 1;
        }
        for (key, map) in [
            (b.community_id, &mut self.by_community),
            (b.grid_id, &mut self.by_grid),
        ] {
            if let Some(id) = key {
                let sums = map.entry(id).or_insert_with(|| vec![0; n]);
                for s in &mut sums[..exceeded] {
                    *s += households;
                }
            }
        }
        if let Ok(ll) = h3o::LatLng::new(c.y, c.x) {
            let sums = self
                .by_cell
                .entry(u64::from(ll.to_cell(self.h3_res)))
                .or_insert_with(|| vec![0; n + 1]);
            sums[0] += households;
            for s in &mut sums[1..=exceeded] {
                *s += households;
            }
        }
    }

    /// The summary, without its per-cell sums.
    fn summary(self, engine: &Engine, mode: &'static str, kinds: Vec<ResourceKind>) -> GapsSummary {
        GapsSummary {
            mode,
            kinds,
            thresholds_m: self.thresholds.to_vec(),
            households_total: self.households,
            buildings_total: self.buildings,
            beyond: self
                .thresholds
                .iter()
                .zip(&self.beyond)
                .map(|(&threshold_m, &(households, buildings))| ThresholdReach {
                    threshold_m,
                    households_beyond: households,
                    buildings_beyond: buildings,
                })
                .collect(),
            per_community: by_id(self.by_community)
                .map(|(community_id, households_beyond)| CommunityBeyond {
                    name: engine.communities.get(community_id).map(|c| c.name.clone()),
                    community_id,
                    households_beyond,
                })
                .collect(),
            per_grid: by_id(self.by_grid)
                .map(|(grid_id, households_beyond)| GridBeyond {
                    name: engine.grids.get(grid_id).map(|g| g.name.clone()),
                    grid_id,
                    households_beyond,
                })
                .collect(),
            h3_res: self.h3_res as u8,
            per_h3: Vec::new(),
            standard: "GB 50180-2018 life circles: 5, 10, 15 minutes ≈ 300, 500, 1,000 m on foot",
        }
    }
}

/// `h3_res`: the resolution of the per-cell sums and cell features.
pub const H3_RES: Res = Res {
    key: "h3_res",
    default: 9,
    min: 5,
    max: 11,
    about: "resolution of the per-cell sums and cell features",
};

fn h3_res(params: &QueryParams) -> Result<h3o::Resolution, ApiError> {
    H3_RES.read(params)
}

/// What the features are: the homes beyond the smallest threshold (`features=true`, the
/// default), none (`false`: a map's panel needs only the summary), or the H3 cells of
/// `h3_res` with households (`cells`: the gaps at city scale, one polygon per cell).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Features {
    Homes,
    None,
    Cells,
}

/// `features`: what the answer's features are.
pub const FEATURES: Choice = Choice {
    key: "features",
    names: &["true", "false", "cells"],
    default: "true",
    about: "the homes beyond the smallest threshold (true), none (false), or the H3 cells with their households beyond each threshold (cells)",
};

fn with_features(params: &QueryParams) -> Result<Features, ApiError> {
    Ok(match FEATURES.read(params)? {
        "false" => Features::None,
        "cells" => Features::Cells,
        _ => Features::Homes,
    })
}

/// The H3 cells with households as features: households, and households beyond each
/// threshold both as a list and as `beyond_{threshold}` (for map styles).
fn cell_features(
    rows: &[(h3o::CellIndex, Vec<u64>)],
    thresholds: &[f64],
) -> Vec<Feature<GapProperties, AnyGeometry, GapId>> {
    rows.iter()
        .map(|(cell, sums)| {
            Feature::new(
                GapId::Cell(cell.to_string()),
                AnyGeometry::cell(*cell),
                GapProperties::Cell(CellBeyond {
                    h3: cell.to_string(),
                    households: sums[0],
                    households_beyond: sums[1..].to_vec(),
                    beyond: thresholds
                        .iter()
                        .zip(&sums[1..])
                        .map(|(t, beyond)| (format!("beyond_{t}"), *beyond))
                        .collect(),
                }),
            )
        })
        .collect()
}

/// A building beyond `beyond_m`, as a feature.
fn unserved(
    engine: &Engine,
    b: &Building,
    a: &BuildingAccess,
    beyond_m: f64,
) -> Feature<GapProperties, AnyGeometry, GapId> {
    Feature::new(
        GapId::Building(b.id),
        AnyGeometry::of(&b.geometry),
        GapProperties::Home(HomeBeyond {
            building_id: b.id,
            households: b.households,
            distance_m: a.distance_m.is_finite().then(|| rounded(a.distance_m, 1)),
            nearest_id: a.nearest.map(|r| engine.resources.items()[r as usize].id),
            beyond_m,
            grid_id: b.grid_id,
            community_id: b.community_id,
        }),
    )
}

/// Households beyond each threshold per community or grid id, by id.
fn by_id(map: FxHashMap<u64, Vec<u64>>) -> impl Iterator<Item = (u64, Vec<u64>)> {
    let mut rows: Vec<(u64, Vec<u64>)> = map.into_iter().collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter()
}

/// Cells with households, by index: their households and households beyond each threshold.
fn per_cell(by_cell: FxHashMap<u64, Vec<u64>>) -> Vec<(h3o::CellIndex, Vec<u64>)> {
    let mut rows: Vec<(h3o::CellIndex, Vec<u64>)> = by_cell
        .into_iter()
        .filter_map(|(cell, sums)| Some((h3o::CellIndex::try_from(cell).ok()?, sums)))
        .collect();
    rows.sort_by_key(|r| r.0);
    rows
}

/// `thresholds_m`, ascending (default [`LIFE_CIRCLES_M`]).
fn thresholds(params: &QueryParams) -> Result<Vec<f64>, ApiError> {
    let mut thresholds: Vec<f64> = match params.get("thresholds_m") {
        None => LIFE_CIRCLES_M.to_vec(),
        Some(raw) => raw
            .split(',')
            .map(|t| {
                t.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| *v > 0.0 && *v <= 50_000.0)
                    .ok_or_else(|| {
                        ApiError::BadRequest(
                            "`thresholds_m` must be 1 to 8 numbers above 0 and at most 50,000"
                                .into(),
                        )
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    if thresholds.is_empty() || thresholds.len() > 8 {
        return Err(ApiError::BadRequest(
            "`thresholds_m` must be 1 to 8 numbers above 0 and at most 50,000".into(),
        ));
    }
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    Ok(thresholds)
}
