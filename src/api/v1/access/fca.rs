//! `GET /api/v1/access/fca`: the two-step floating catchment area of a resource kind (see
//! [`crate::analytics::access::fca`]): a feature per resource with its ratio Rⱼ (capacity
//! per household in its catchment), a feature per building with households at its centroid
//! with its score Aᵢ, and per grid and community the household-weighted mean score.

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::super::StudyAreas;
use super::super::answer::{
    CommunityScore, Fca, FcaProperties, FcaSummary, Feature, GridScore, PointGeometry, WeightOut,
    WeightStep,
};
use super::kinds;
use crate::analytics::access::catchment::building_centroids;
use crate::analytics::access::fca::{Weight, two_step_fca};
use crate::api::params::{Choice, Metres, mode};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;

/// The widest catchment served.
pub const MAX_CATCHMENT_M: f64 = 10_000.0;
/// `catchment_m`, by default GB 50180-2018's 15-minute life circle on foot.
pub const CATCHMENT_M: Metres = Metres {
    key: "catchment_m",
    default: Some(1_000.0),
    max: MAX_CATCHMENT_M,
    about: "catchment",
};
/// `weights`: how demand decays with distance.
pub const WEIGHTS: Choice = Choice {
    key: "weights",
    names: &["uniform", "e2sfca", "gaussian"],
    default: "uniform",
    about: "distance decay",
};
/// `sigma_m`: the gaussian decay's width.
pub const SIGMA_M: Metres = Metres {
    key: "sigma_m",
    default: None,
    max: MAX_CATCHMENT_M,
    about: "gaussian width, by default half the catchment",
};
/// How many of the lowest-scoring grids the summary lists.
const LOWEST: usize = 10;

/// The 2SFCA answer (module documentation).
pub fn fca(engine: &Engine, _areas: &StudyAreas, params: &QueryParams) -> Result<Value, ApiError> {
    params.only(&["kind", "catchment_m", "weights", "steps", "sigma_m", "mode"])?;
    let kinds = kinds(params.get("kind").unwrap_or("service_complex"))?;
    let catchment_m = CATCHMENT_M.read(params, 0.0)?;
    let weight = weight(params, catchment_m)?;
    let mode = mode(engine, params)?;
    let answer = two_step_fca(engine, &kinds, catchment_m, &weight, mode);

    let resources = engine.resources.items();
    let buildings = engine.buildings.items();
    let centroids = building_centroids(engine);
    let mut features: Vec<Feature<FcaProperties, PointGeometry>> = answer
        .ratios
        .iter()
        .map(|r| {
            let resource = &resources[r.resource as usize];
            Feature::new(
                format!("resource.{}", resource.id),
                PointGeometry::from(resource.geometry),
                FcaProperties::Resource {
                    resource_id: resource.id,
                    kind: resource.kind,
                    name: resource.name.clone(),
                    capacity: resource.capacity,
                    demand: r.demand,
                    ratio: r.ratio,
                },
            )
        })
        .collect();
    let mut grids: FxHashMap<u64, (f64, f64)> = FxHashMap::default();
    let mut communities: FxHashMap<u64, (f64, f64)> = FxHashMap::default();
    let mut weighted_sum = 0.0;
    for &(b, score) in &answer.scores {
        let building = &buildings[b as usize];
        let households = f64::from(building.households);
        weighted_sum += households * score;
        for (key, map) in [
            (building.grid_id, &mut grids),
            (building.community_id, &mut communities),
        ] {
            if let Some(id) = key {
                let sums = map.entry(id).or_default();
                sums.0 += households;
                sums.1 += households * score;
            }
        }
        features.push(Feature::new(
            format!("building.{}", building.id),
            PointGeometry::from(geo::Point(centroids[b as usize])),
            FcaProperties::Building {
                building_id: building.id,
                households: building.households,
                score,
                grid_id: building.grid_id,
                community_id: building.community_id,
            },
        ));
    }
    let per_grid: Vec<GridScore> = means(grids)
        .map(|(grid_id, mean_score, households)| GridScore {
            grid_id,
            households,
            mean_score,
        })
        .collect();
    let mut lowest = per_grid.clone();
    lowest.sort_by(|a, b| {
        a.mean_score
            .total_cmp(&b.mean_score)
            .then(a.grid_id.cmp(&b.grid_id))
    });
    lowest.truncate(LOWEST);
    Fca::new(
        features,
        FcaSummary {
            mode: mode.as_str(),
            kinds,
            catchment_m,
            weights: describe(&weight),
            resources: answer.ratios.len(),
            resources_with_demand: answer.ratios.iter().filter(|r| r.ratio.is_some()).count(),
            supply_reached: answer.supply_reached,
            households_times_score: weighted_sum,
            per_grid,
            lowest_grids: lowest,
            per_community: means(communities)
                .map(|(community_id, mean_score, households)| CommunityScore {
                    community_id,
                    households,
                    mean_score,
                })
                .collect(),
            method: "2SFCA (Luo & Wang 2003) as PySAL access two_stage_fca: R_j = S_j / Σ W(d)·P over the households within the catchment (inclusive), A_i = Σ W(d)·R_j; Σ P_i·A_i equals the supply of the resources with demand in reach",
        },
    )
    .into_value()
}

/// Household-weighted mean score per key, by id: (id, mean, households).
fn means(sums: FxHashMap<u64, (f64, f64)>) -> impl Iterator<Item = (u64, f64, f64)> {
    let mut rows: Vec<(u64, f64, f64)> = sums
        .into_iter()
        .filter(|(_, (h, _))| *h > 0.0)
        .map(|(id, (h, s))| (id, s / h, h))
        .collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter()
}

/// The weight from `weights=uniform|e2sfca|gaussian`, `steps=M:W,...` and `sigma_m=`.
fn weight(params: &QueryParams, catchment_m: f64) -> Result<Weight, ApiError> {
    let bad = |m: &str| ApiError::BadRequest(m.to_string());
    let kind = WEIGHTS.read(params)?;
    if params.get("steps").is_some() && kind != "e2sfca" {
        return Err(bad("`steps` goes with `weights=e2sfca`"));
    }
    if params.get("sigma_m").is_some() && kind != "gaussian" {
        return Err(bad("`sigma_m` goes with `weights=gaussian`"));
    }
    match kind {
        "uniform" => Ok(Weight::Uniform),
        "gaussian" => Ok(Weight::Gaussian {
            sigma_m: SIGMA_M.read(params, catchment_m / 2.0)?,
        }),
        "e2sfca" => match params.get("steps") {
            None => Ok(Weight::thirds(catchment_m)),
            Some(raw) => {
                let message = "`steps` must be up to 8 pairs METRES:WEIGHT, metres ascending and above 0, weights from 0 to 1";
                let mut steps = Vec::new();
                for pair in raw.split(',') {
                    let (m, w) = pair.split_once(':').ok_or_else(|| bad(message))?;
                    let (m, w) = (m.trim().parse::<f64>(), w.trim().parse::<f64>());
                    match (m, w) {
                        (Ok(m), Ok(w))
                            if m > 0.0
                                && m <= MAX_CATCHMENT_M
                                && (0.0..=1.0).contains(&w)
                                && steps.last().is_none_or(|l: &(f64, f64)| l.0 < m) =>
                        {
                            steps.push((m, w));
                        }
                        _ => return Err(bad(message)),
                    }
                }
                if steps.len() > 8 {
                    return Err(bad(message));
                }
                Ok(Weight::Steps(steps))
            }
        },
        other => Err(ApiError::Internal(format!(
            "`weights` {other} read but not handled"
        ))),
    }
}

fn describe(weight: &Weight) -> WeightOut {
    match weight {
        Weight::Uniform => WeightOut::Uniform {},
        Weight::Steps(steps) => WeightOut::E2sfca {
            steps: steps
                .iter()
                .map(|&(up_to_m, weight)| WeightStep { up_to_m, weight })
                .collect(),
        },
        Weight::Gaussian { sigma_m } => WeightOut::Gaussian { sigma_m: *sigma_m },
    }
}
