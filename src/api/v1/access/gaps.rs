//! `GET /api/v1/access/gaps`: the buildings too far from the nearest resource of a kind, and
//! the households beyond each distance, per grid, per community and per H3 cell.
//!
//! Default thresholds are GB 50180-2018's life circles for a walk: 5 minutes ≈ 300 m, 10 minutes
//! ≈ 500 m, 15 minutes ≈ 800–1,000 m (the upper figure is used).

use serde_json::{Value, json};

use super::super::filters::positions;
use super::super::{StudyAreas, collection};
use super::kinds;
use crate::analytics::access::catchment::building_centroids;
use crate::analytics::access::{BuildingAccess, LIFE_CIRCLES_M, building_access};
use crate::api::params::{Choice, Res, mode};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::Building;

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
    let mut beyond = vec![(0u64, 0u64); thresholds.len()];
    let (mut households_total, mut buildings_total) = (0u64, 0u64);
    let mut by_community: rustc_hash::FxHashMap<u64, Vec<u64>> = rustc_hash::FxHashMap::default();
    let mut by_grid: rustc_hash::FxHashMap<u64, Vec<u64>> = rustc_hash::FxHashMap::default();
    // Per H3 cell of the building's centroid: households in it, then beyond each threshold.
    let mut by_cell: rustc_hash::FxHashMap<u64, Vec<u64>> = rustc_hash::FxHashMap::default();
    let centroids = building_centroids(engine);
    let mut features = Vec::new();
    for ((b, a), c) in engine.buildings.items().iter().zip(&access).zip(&centroids) {
        let chosen = (community_ids.is_empty()
            || b.community_id.is_some_and(|c| community_ids.contains(&c)))
            && (grid_ids.is_empty() || b.grid_id.is_some_and(|g| grid_ids.contains(&g)));
        if !chosen || b.households == 0 {
            continue;
        }
        households_total += u64::from(b.households);
        buildings_total += 1;
        let exceeded = thresholds.iter().filter(|&&t| a.distance_m > t).count();
        for slot in &mut beyond[..exceeded] {
            slot.0 += u64::from(b.households);
            slot.1 += 1;
        }
        for (key, map) in [
            (b.community_id, &mut by_community),
            (b.grid_id, &mut by_grid),
        ] {
            if let Some(id) = key {
                let sums = map.entry(id).or_insert_with(|| vec![0; thresholds.len()]);
                for s in &mut sums[..exceeded] {
                    *s += u64::from(b.households);
                }
            }
        }
        if let Ok(ll) = h3o::LatLng::new(c.y, c.x) {
            let sums = by_cell
                .entry(u64::from(ll.to_cell(h3_res)))
                .or_insert_with(|| vec![0; thresholds.len() + 1]);
            sums[0] += u64::from(b.households);
            for s in &mut sums[1..=exceeded] {
                *s += u64::from(b.households);
            }
        }
        if exceeded > 0 && with_features == Features::Homes {
            features.push(unserved(engine, b, a, thresholds[exceeded - 1]));
        }
    }
    let community_name = |id| engine.communities.get(id).map(|c| c.name.clone());
    let grid_name = |id| engine.grids.get(id).map(|g| g.name.clone());
    let per_h3 = per_cell(by_cell);
    if with_features == Features::Cells {
        features = cell_features(&per_h3, &thresholds);
    }
    Ok(collection(
        features,
        json!({
            "mode": mode.as_str(),
            "kinds": kinds,
            "thresholds_m": thresholds,
            "households_total": households_total,
            "buildings_total": buildings_total,
            "beyond": thresholds.iter().zip(&beyond).map(|(t, (h, n))| json!({
                "threshold_m": t, "households_beyond": h, "buildings_beyond": n,
            })).collect::<Vec<Value>>(),
            "per_community": named_sums(by_community, "community_id", &community_name),
            "per_grid": named_sums(by_grid, "grid_id", &grid_name),
            "h3_res": h3_res as u8,
            "per_h3": per_cell_json(&per_h3),
            "standard": "GB 50180-2018 life circles: 5, 10, 15 minutes ≈ 300, 500, 1,000 m on foot",
        }),
    ))
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
fn cell_features(rows: &[(h3o::CellIndex, Vec<u64>)], thresholds: &[f64]) -> Vec<Value> {
    rows.iter()
        .map(|(cell, sums)| {
            let mut properties = serde_json::Map::new();
            properties.insert("h3".into(), cell.to_string().into());
            properties.insert("households".into(), sums[0].into());
            properties.insert("households_beyond".into(), json!(sums[1..]));
            for (t, beyond) in thresholds.iter().zip(&sums[1..]) {
                properties.insert(format!("beyond_{t}"), (*beyond).into());
            }
            json!({
                "type": "Feature",
                "id": cell.to_string(),
                "geometry": super::super::cell_geometry(*cell),
                "properties": properties,
            })
        })
        .collect()
}

/// A building beyond `beyond_m`, as a feature.
fn unserved(engine: &Engine, b: &Building, a: &BuildingAccess, beyond_m: f64) -> Value {
    let nearest = a.nearest.map(|r| engine.resources.items()[r as usize].id);
    json!({
        "type": "Feature",
        "id": b.id,
        "geometry": geojson::Geometry::new(geojson::Value::from(&b.geometry)),
        "properties": {
            "building_id": b.id,
            "households": b.households,
            "distance_m": a.distance_m.is_finite().then(|| (a.distance_m * 10.0).round() / 10.0),
            "nearest_id": nearest,
            "beyond_m": beyond_m,
            "grid_id": b.grid_id,
            "community_id": b.community_id,
        },
    })
}

/// Households beyond each threshold per community or grid (`key`), by id, with names.
fn named_sums(
    map: rustc_hash::FxHashMap<u64, Vec<u64>>,
    key: &str,
    name: &dyn Fn(u64) -> Option<String>,
) -> Vec<Value> {
    let mut rows: Vec<(u64, Vec<u64>)> = map.into_iter().collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter()
        .map(|(id, s)| json!({ key: id, "name": name(id), "households_beyond": s }))
        .collect()
}

/// Cells with households, by index: their households and households beyond each threshold.
fn per_cell(by_cell: rustc_hash::FxHashMap<u64, Vec<u64>>) -> Vec<(h3o::CellIndex, Vec<u64>)> {
    let mut rows: Vec<(h3o::CellIndex, Vec<u64>)> = by_cell
        .into_iter()
        .filter_map(|(cell, sums)| Some((h3o::CellIndex::try_from(cell).ok()?, sums)))
        .collect();
    rows.sort_by_key(|r| r.0);
    rows
}

/// The per-cell sums as the summary lists them.
fn per_cell_json(rows: &[(h3o::CellIndex, Vec<u64>)]) -> Vec<Value> {
    rows.iter()
        .map(|(cell, sums)| {
            json!({
                "h3": cell.to_string(),
                "households": sums[0],
                "households_beyond": sums[1..],
            })
        })
        .collect()
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
