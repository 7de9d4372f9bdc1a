//! Getis-Ord Gi* local statistic with binary weights, the focal cell included.
//!
//! For cell i with neighbour set Nᵢ (itself included, binary weights wᵢⱼ = 1 for j ∈ Nᵢ),
//! n cells, counts x, mean x̄ = Σx/n and S = √(Σx²/n − x̄²):
//!
//! ```text
//!           Σⱼ∈Nᵢ xⱼ − x̄·Wᵢ
//! Gi* = ───────────────────────────────     Wᵢ = |Nᵢ|
//!        S · √((n·Wᵢ − Wᵢ²) / (n − 1))
//! ```
//!
//! Getis, A. and Ord, J. K. (1992) "The analysis of spatial association by use of distance
//! statistics", Geographical Analysis 24(3); Ord, J. K. and Getis, A. (1995), Geographical
//! Analysis 27(4), eq. 14. This is the z-score of PySAL esda's
//! `G_Local(y, w, transform='B', star=True)` and of ArcGIS Hot Spot Analysis (esda's default
//! `transform='R'` row-standardises the weights and is a different statistic).
//!
//! p is two-sided normal; classes −3..=+3 are FDR-corrected ([`super::significance`]).
//! Degenerate cases answer z = 0, p = 1: all counts equal (S = 0), or a cell whose neighbours
//! are the whole area (n·Wᵢ = Wᵢ²).

use super::significance::{fdr_classes, two_sided_p};
use super::study_area::Neighbours;

/// Gi* of every cell of a study area.
#[derive(Debug, Clone, PartialEq)]
pub struct GiStar {
    pub z: Vec<f64>,
    pub p: Vec<f64>,
    pub class: Vec<i8>,
}

/// Gi* z-scores of `counts` (one per cell, in study-area order) over `neighbours`.
#[must_use]
pub fn z_scores(counts: &[f64], neighbours: &Neighbours) -> Vec<f64> {
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let s = (counts.iter().map(|x| x * x).sum::<f64>() / n - mean * mean)
        .max(0.0)
        .sqrt();
    (0..counts.len())
        .map(|i| {
            let ns = neighbours.of(i);
            let w = ns.len() as f64;
            let sum: f64 = ns.iter().map(|&j| counts[j as usize]).sum();
            let spread = (n * w - w * w) / (n - 1.0);
            if s > 0.0 && spread > 0.0 {
                (sum - mean * w) / (s * spread.sqrt())
            } else {
                0.0
            }
        })
        .collect()
}

/// Gi* with p-values and FDR-corrected classes.
#[must_use]
pub fn gi_star(counts: &[f64], neighbours: &Neighbours) -> GiStar {
    let z = z_scores(counts, neighbours);
    let p: Vec<f64> = z.iter().map(|&z| two_sided_p(z)).collect();
    let class = fdr_classes(&z, &p);
    GiStar { z, p, class }
}

#[cfg(test)]
mod tests {
    use h3o::{LatLng, Resolution};

    use super::*;
    use crate::analytics::study_area::StudyArea;

    /// A res-9 disk of radius 2 (19 cells): 12 on the outer ring, 6 on the inner ring, 1 centre.
    fn disk() -> (StudyArea, h3o::CellIndex) {
        let centre = LatLng::new(31.0, 112.2).unwrap().to_cell(Resolution::Nine);
        (StudyArea::from_cells(centre.grid_disk(2)), centre)
    }

    /// Counts: 10 at the centre, 1 everywhere else (n = 19, Σx = 28, Σx² = 118).
    /// x̄ = 28/19, S² = 118/19 − (28/19)² = 1458/361, S = √1458/19.
    /// Centre, k = 1: W = 7, Σ = 10 + 6 = 16, Σ − x̄W = 16 − 196/19 = 108/19,
    /// √((19·7 − 49)/18) = √(84/18) = √(14/3); z = (108/19) / ((√1458/19)·√(14/3)) = 108/√6804.
    /// An outer-ring cell touching the inner ring in 2 cells and the outer ring in 2: W = 5
    /// (itself, 2 outer, 2 inner), Σ = 5, Σ − x̄W = 5 − 140/19 = −45/19,
    /// √((95 − 25)/18) = √(70/18); z = −45/(√1458·√(35/9)) = −45/√5670.
    #[test]
    fn nineteen_cell_disk_by_hand() {
        let (area, centre) = disk();
        let counts: Vec<f64> = area
            .cells()
            .iter()
            .map(|c| if *c == centre { 10.0 } else { 1.0 })
            .collect();
        let result = gi_star(&counts, &area.neighbours(1));
        let i = area.position(centre).unwrap();
        assert!((result.z[i] - 108.0 / 6804_f64.sqrt()).abs() < 1e-12);
        let outer = area
            .cells()
            .iter()
            .position(|c| area.neighbours(1).of(area.position(*c).unwrap()).len() == 5)
            .unwrap();
        assert!(
            (result.z[outer] + 45.0 / 5670_f64.sqrt()).abs() < 1e-12,
            "{}",
            result.z[outer]
        );
    }

    /// The 7-cell disk of radius 1, k = 1: 8 at the centre, 1 on each of the 6 ring cells.
    /// n = 7, Σx = 14, x̄ = 2, Σx² = 70, S² = 70/7 − 4 = 6.
    /// A ring cell sees itself, the centre and its 2 ring neighbours: W = 4, Σ = 11,
    /// Σ − x̄W = 3, (n·W − W²)/(n − 1) = (28 − 16)/6 = 2; z = 3/(√6·√2) = √3/2.
    /// The centre sees all 7 cells (n·W = W²): no variance left, z = 0 by convention.
    #[test]
    fn seven_cell_disk_by_hand() {
        let centre = LatLng::new(31.0, 112.2).unwrap().to_cell(Resolution::Nine);
        let area = StudyArea::from_cells(centre.grid_disk(1));
        let counts: Vec<f64> = area
            .cells()
            .iter()
            .map(|c| if *c == centre { 8.0 } else { 1.0 })
            .collect();
        let result = gi_star(&counts, &area.neighbours(1));
        for (i, cell) in area.cells().iter().enumerate() {
            let expected = if *cell == centre {
                0.0
            } else {
                3_f64.sqrt() / 2.0
            };
            assert!(
                (result.z[i] - expected).abs() < 1e-12,
                "{cell}: {}",
                result.z[i]
            );
        }
        // z = 0.866 is nowhere near significant.
        assert!(result.class.iter().all(|&c| c == 0));
    }

    #[test]
    fn flat_counts_are_not_significant() {
        let (area, _) = disk();
        let result = gi_star(&[3.0; 19], &area.neighbours(1));
        assert!(result.z.iter().all(|&z| z == 0.0));
        assert!(result.class.iter().all(|&c| c == 0));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Listing the cells in another order permutes the z-scores and changes nothing else.
        #[test]
        fn gi_star_is_invariant_to_cell_order(
            radius in 1u32..4,
            k in 1u32..3,
            seed_counts in proptest::collection::vec(0u32..50, 37),
            shuffle in proptest::collection::vec(proptest::prelude::any::<u64>(), 37),
        ) {
            let centre = LatLng::new(31.0, 112.2).unwrap().to_cell(Resolution::Nine);
            let area = StudyArea::from_cells(centre.grid_disk(radius));
            let n = area.len();
            let counts: Vec<f64> = (0..n).map(|i| f64::from(seed_counts[i % seed_counts.len()])).collect();
            let z = gi_star(&counts, &area.neighbours(k)).z;
            // order[new] = old: a permutation drawn from the random keys.
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| shuffle[i % shuffle.len()].wrapping_mul(i as u64 + 1));
            let mut new_of = vec![0u32; n];
            for (new, &old) in order.iter().enumerate() {
                new_of[old] = new as u32;
            }
            let lists: Vec<Vec<u32>> = order.iter().map(|&old| area.neighbours(k).of(old).iter().map(|&j| new_of[j as usize]).collect()).collect();
            let permuted_counts: Vec<f64> = order.iter().map(|&old| counts[old]).collect();
            let permuted = gi_star(&permuted_counts, &Neighbours::from_lists(&lists));
            for (new, &old) in order.iter().enumerate() {
                proptest::prop_assert!((permuted.z[new] - z[old]).abs() < 1e-12, "cell {old}: {} vs {}", permuted.z[new], z[old]);
            }
        }
    }
}
