//! `GET /api/v1/near-repeat`: Knox ratios and Monte Carlo p-values per distance and time band.

use serde_json::Value;

use super::super::StudyAreas;
use super::super::answer::{KnoxOut, NearRepeatAnswer, NearRepeatBand, to_value};
use super::super::filters::Filters;
use super::{local_incidents, numbers};
use crate::analytics::near_repeat::{Bands, Event, near_repeat as run_near_repeat, pair_count};
use crate::api::params::{Integer, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;

/// `permutations` of a near-repeat analysis.
pub const PERMUTATIONS: Integer = Integer {
    key: "permutations",
    default: 999,
    min: 0,
    max: 9_999,
    about: "permutations of the times",
};

/// `seed` of a near-repeat analysis.
pub const SEED: Integer = Integer {
    key: "seed",
    default: 1,
    min: 0,
    max: u32::MAX as u64,
    about: "seed of the permutations (the same seed, the same answer)",
};

/// The most spatial pairs a near-repeat analysis counts, and pairs × permutations.
const MAX_PAIRS: usize = 20_000_000;
const MAX_PAIR_PERMUTATIONS: f64 = 1e10;

/// Near-repeat (Knox) analysis over distance and time bands.
pub fn near_repeat(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(
        engine,
        params,
        &[
            "distance_bands_m",
            "time_bands_days",
            "permutations",
            "seed",
        ],
    )?;
    let distance = numbers(
        params,
        "distance_bands_m",
        &[100.0, 200.0, 400.0, 800.0],
        5_000.0,
    )?;
    let time = numbers(params, "time_bands_days", &[7.0, 14.0, 30.0], 365.0)?;
    let bands = Bands::new(distance, time).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let permutations = PERMUTATIONS.read(params)? as u32;
    let seed = SEED.read(params)?;
    let local = local_incidents(engine, &filters.incidents);
    let events: Vec<Event> = local
        .rows
        .iter()
        .zip(&local.at)
        .map(|(&r, p)| Event {
            x: p.x,
            y: p.y,
            t: engine.incidents.reported_at[r],
        })
        .collect();
    let cap = MAX_PAIRS.min((MAX_PAIR_PERMUTATIONS / f64::from(permutations.max(1))) as usize);
    let pairs = pair_count(&events, &bands, cap);
    if pairs > cap {
        return Err(ApiError::Unprocessable(format!(
            "more than {cap} pairs of incidents lie within {} m, too many for {permutations} permutations; choose a kind, a shorter period, fewer communities or a smaller last distance band",
            bands.distance_m[bands.distance_m.len() - 1]
        )));
    }
    let result = run_near_repeat(&events, &bands, permutations, seed);
    let edges = |v: &[f64], i: usize| (if i == 0 { 0.0 } else { v[i - 1] }, v[i]);
    let mut out = Vec::new();
    for (d, row) in result.cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let (d0, d1) = edges(&bands.distance_m, d);
            let (t0, t1) = edges(&bands.time_days, j);
            out.push(NearRepeatBand {
                distance_from_m: d0,
                distance_to_m: d1,
                time_from_days: t0,
                time_to_days: t1,
                observed: cell.observed,
                expected: rounded(cell.mean, 4),
                sd: rounded(cell.sd, 4),
                knox_ratio: cell.knox_ratio.map(|r| rounded(r, 4)),
                p_value: cell.p_value,
            });
        }
    }
    let k = &result.knox;
    to_value(&NearRepeatAnswer {
        incidents: result.events,
        permutations,
        seed,
        period: filters.closed_period(engine).into(),
        method: "Knox test per distance and time band (Ratcliffe's Near Repeat Calculator); times permuted among the incidents",
        bands: out,
        knox: KnoxOut {
            distance_m: bands.distance_m[0],
            days: bands.time_days[0],
            spatial_pairs: k.spatial_pairs,
            temporal_pairs: k.temporal_pairs,
            space_time_pairs: k.space_time_pairs,
            pairs: k.pairs,
            expected: k.expected,
            ratio: (k.expected > 0.0).then(|| k.space_time_pairs as f64 / k.expected),
            p_poisson: k.p_poisson,
            p_value: k.p_value,
        },
    })
}
