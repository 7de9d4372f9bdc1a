//! Two-step floating catchment area (2SFCA; Luo & Wang 2003), as PySAL `access` computes it
//! (`Access.two_stage_fca`, `access` ≥ 1.1.10, the catchment inclusive):
//!
//! 1. each resource's ratio Rⱼ = Sⱼ / Σₖ W(cₖⱼ)·Pₖ over the buildings k within its
//!    catchment (Sⱼ its capacity, Pₖ a building's households, cₖⱼ the distance);
//! 2. each building's score Aᵢ = Σⱼ W(cᵢⱼ)·Rⱼ over the resources whose catchment holds it.
//!
//! W is 1 (classic 2SFCA), a step function (enhanced 2SFCA, Luo & Qi 2009) or a Gaussian
//! exp(−d²/2σ²) (as `access.weights.gaussian`), always with the catchment as a hard limit.
//! Every household is counted once per resource in reach, so Σᵢ Pᵢ·Aᵢ = Σⱼ Sⱼ over the
//! resources with any weighted demand in reach ([`Fca::supply_reached`]).

use super::Mode;
use super::catchment::{Catchment, catchments, households_by_building};
use crate::index::Engine;
use crate::model::ResourceKind;

/// The distance weight W.
#[derive(Debug, Clone, PartialEq)]
pub enum Weight {
    /// 1 within the catchment: the classic 2SFCA.
    Uniform,
    /// (up to metres, weight), ascending: the first step whose bound is not below the
    /// distance gives the weight; 0 beyond the last (as `access.weights.step_fn`).
    Steps(Vec<(f64, f64)>),
    /// exp(−d² / 2σ²), σ in metres (as `access.weights.gaussian`).
    Gaussian { sigma_m: f64 },
}

impl Weight {
    /// The enhanced 2SFCA's usual steps: the catchment in thirds weighted 1, 0.68 and 0.22
    /// (Luo & Qi 2009, their Gaussian with β = 440 000 sampled at the sub-zones).
    #[must_use]
    pub fn thirds(catchment_m: f64) -> Self {
        Self::Steps(vec![
            (catchment_m / 3.0, 1.0),
            (catchment_m * 2.0 / 3.0, 0.68),
            (catchment_m, 0.22),
        ])
    }

    #[must_use]
    pub fn at(&self, d: f64) -> f64 {
        match self {
            Self::Uniform => 1.0,
            Self::Steps(steps) => steps
                .iter()
                .find(|(up_to, _)| d <= *up_to)
                .map_or(0.0, |s| s.1),
            Self::Gaussian { sigma_m } => (-d * d / (2.0 * sigma_m * sigma_m)).exp(),
        }
    }
}

/// One resource's side of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratio {
    /// Position in `engine.resources` (in [`fca_on`]: in the supply list).
    pub resource: u32,
    /// Σₖ W(cₖⱼ)·Pₖ: the weighted households in its catchment.
    pub demand: f64,
    /// Rⱼ = Sⱼ / demand; `None` when no household is in reach.
    pub ratio: Option<f64>,
}

/// The answer: a ratio per resource of the kinds, a score per building with households.
#[derive(Debug, Clone, PartialEq)]
pub struct Fca {
    pub ratios: Vec<Ratio>,
    /// (position in `engine.buildings`, Aᵢ), every building with households, in order.
    pub scores: Vec<(u32, f64)>,
    /// Σⱼ Sⱼ over the resources with a ratio: what Σᵢ Pᵢ·Aᵢ must equal.
    pub supply_reached: f64,
}

/// The 2SFCA of the resources of `kinds` (their capacity is the supply) for the households of
/// every building, with the catchment `catchment_m` in `mode` and the weight `weight`.
#[must_use]
pub fn two_step_fca(
    engine: &Engine,
    kinds: &[ResourceKind],
    catchment_m: f64,
    weight: &Weight,
    mode: Mode,
) -> Fca {
    let resources: Vec<u32> = engine
        .resources
        .items()
        .iter()
        .enumerate()
        .filter(|(_, r)| kinds.is_empty() || kinds.contains(&r.kind))
        .map(|(i, _)| i as u32)
        .collect();
    let at: Vec<geo::Coord> = resources
        .iter()
        .map(|&r| engine.resources.items()[r as usize].geometry.0)
        .collect();
    let reach = catchments(engine, &at, catchment_m, mode);
    let supply: Vec<f64> = resources
        .iter()
        .map(|&r| f64::from(engine.resources.items()[r as usize].capacity))
        .collect();
    let households = households_by_building(engine);
    let mut answer = fca_on(&reach, &supply, &households, weight);
    for r in &mut answer.ratios {
        r.resource = resources[r.resource as usize];
    }
    answer
}

/// The two steps on a sparse cost matrix: `reach[j]` the (demand point, cost) pairs of supply
/// `j` within the catchment, `supply[j]` its capacity, `demand[i]` each point's households.
/// Each supply's ratio is numbered by its place in `supply`.
#[must_use]
pub fn fca_on(reach: &[Catchment], supply: &[f64], demand: &[f64], weight: &Weight) -> Fca {
    let ratios: Vec<Ratio> = reach
        .iter()
        .zip(supply)
        .enumerate()
        .map(|(j, (catchment, &s))| {
            let weighted: f64 = catchment
                .iter()
                .map(|&(i, d)| weight.at(d) * demand[i as usize])
                .sum();
            Ratio {
                resource: j as u32,
                demand: weighted,
                ratio: (weighted > 0.0).then(|| s / weighted),
            }
        })
        .collect();
    let mut score = vec![0.0; demand.len()];
    for (catchment, r) in reach.iter().zip(&ratios) {
        if let Some(r) = r.ratio {
            for &(i, d) in catchment {
                score[i as usize] += weight.at(d) * r;
            }
        }
    }
    let supply_reached = supply
        .iter()
        .zip(&ratios)
        .filter(|(_, r)| r.ratio.is_some())
        .map(|(s, _)| s)
        .sum();
    let scores = score
        .into_iter()
        .enumerate()
        .filter(|&(i, _)| demand[i] > 0.0)
        .map(|(i, a)| (i as u32, a))
        .collect();
    Fca {
        ratios,
        scores,
        supply_reached,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_computed_case() {
        // Two clinics (capacity 10 and 4), three blocks of 100, 50 and 50 households.
        // Clinic 0 reaches blocks 0 and 1; clinic 1 reaches blocks 1 and 2.
        let reach = vec![vec![(0, 100.0), (1, 400.0)], vec![(1, 200.0), (2, 900.0)]];
        let Fca {
            ratios,
            scores,
            supply_reached,
        } = fca_on(&reach, &[10.0, 4.0], &[100.0, 50.0, 50.0], &Weight::Uniform);
        assert_eq!(
            (ratios[0].demand, ratios[0].ratio),
            (150.0, Some(10.0 / 150.0))
        );
        assert_eq!((ratios[1].demand, ratios[1].ratio), (100.0, Some(0.04)));
        let expect = [10.0 / 150.0, 10.0 / 150.0 + 0.04, 0.04];
        for ((i, a), e) in scores.iter().zip(expect) {
            assert!((a - e).abs() < 1e-15, "block {i}: {a} vs {e}");
        }
        assert!((supply_reached - 14.0).abs() < 1e-12);
        // Steps: 1 up to 300, 0.5 up to 1,000.
        let steps = Weight::Steps(vec![(300.0, 1.0), (1_000.0, 0.5)]);
        let Fca { ratios, scores, .. } = fca_on(&reach, &[10.0, 4.0], &[100.0, 50.0, 50.0], &steps);
        assert!((ratios[0].demand - 125.0).abs() < 1e-12);
        assert!((ratios[1].demand - 75.0).abs() < 1e-12);
        assert!((scores[1].1 - (0.5 * 10.0 / 125.0 + 4.0 / 75.0)).abs() < 1e-15);
    }

    #[test]
    fn weights_match_pysal_access() {
        // access.weights.step_fn({20: 1, 40: 0.68, 60: 0.22}) at 0, 10, ..., 70.
        let steps = Weight::Steps(vec![(20.0, 1.0), (40.0, 0.68), (60.0, 0.22)]);
        let got: Vec<f64> = (0..8).map(|i| steps.at(f64::from(i) * 10.0)).collect();
        assert_eq!(got, [1.0, 1.0, 1.0, 0.68, 0.68, 0.22, 0.22, 0.0]);
        // access.weights.gaussian(sigma=20) at 20 and 40.
        let g = Weight::Gaussian { sigma_m: 20.0 };
        assert!((g.at(20.0) - 0.606_530_659_712_633_4).abs() < 1e-15);
        assert!((g.at(40.0) - 0.135_335_283_236_612_7).abs() < 1e-15);
    }

    #[test]
    fn every_household_is_counted_once_per_resource() {
        // Σ Pᵢ Aᵢ = Σ Sⱼ over resources with demand, for random sparse matrices.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as f64 / f64::from(1u32 << 31)
        };
        for case in 0..200 {
            let points = 1 + (next() * 40.0) as usize;
            let demand: Vec<f64> = (0..points)
                .map(|_| {
                    if next() < 0.2 {
                        0.0
                    } else {
                        (next() * 90.0).floor()
                    }
                })
                .collect();
            let supplies = 1 + (next() * 8.0) as usize;
            let supply: Vec<f64> = (0..supplies)
                .map(|_| 1.0 + (next() * 20.0).floor())
                .collect();
            let mut reach: Vec<Catchment> = vec![Vec::new(); supplies];
            for catchment in &mut reach {
                for i in 0..points as u32 {
                    if next() < 0.3 {
                        catchment.push((i, next() * 1_000.0));
                    }
                }
            }
            for weight in [
                Weight::Uniform,
                Weight::thirds(1_000.0),
                Weight::Gaussian { sigma_m: 400.0 },
            ] {
                let answer = fca_on(&reach, &supply, &demand, &weight);
                let reached = answer.supply_reached;
                let total: f64 = answer
                    .scores
                    .iter()
                    .map(|&(i, a)| demand[i as usize] * a)
                    .sum();
                assert!(
                    (total - reached).abs() <= 1e-9 * reached.max(1.0),
                    "case {case} {weight:?}: {total} vs {reached}"
                );
            }
        }
    }
}
