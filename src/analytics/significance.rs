//! Normal p-values, the False Discovery Rate correction of hot-spot confidence classes, and the
//! exact test of a change in a Poisson rate between two periods.

/// Two-sided p-value of a standard normal z-score: `P(|Z| ≥ |z|) = erfc(|z| / √2)`.
#[must_use]
pub fn two_sided_p(z: f64) -> f64 {
    if z.is_finite() {
        libm::erfc(z.abs() / std::f64::consts::SQRT_2)
    } else {
        1.0
    }
}

/// Confidence levels of the classes ±1, ±2, ±3 (90 %, 95 %, 99 %), as ArcGIS Hot Spot Analysis
/// reports them.
pub const ALPHAS: [f64; 3] = [0.10, 0.05, 0.01];

/// Confidence classes −3..=+3 for z-scores and their p-values, with the Benjamini–Hochberg False
/// Discovery Rate correction applied at each level (ArcGIS "Apply False Discovery Rate (FDR)
/// Correction"):
///
/// 1. sort the `m` p-values ascending, `p(1) ≤ … ≤ p(m)`;
/// 2. for each α in 0.10, 0.05, 0.01, find the largest `k` with `p(k) ≤ k·α/m`; every p-value
///    ≤ `p(k)` is significant at that level (none if there is no such `k`);
/// 3. the class is the sign of z times the number of levels passed (0 if none).
///
/// Benjamini, Y. and Hochberg, Y. (1995) "Controlling the false discovery rate", JRSS B 57(1).
#[must_use]
pub fn fdr_classes(z: &[f64], p: &[f64]) -> Vec<i8> {
    let m = p.len();
    let mut sorted: Vec<f64> = p.to_vec();
    sorted.sort_by(f64::total_cmp);
    let thresholds: Vec<f64> = ALPHAS
        .iter()
        .map(|&alpha| {
            (1..=m)
                .rev()
                .find(|&k| sorted[k - 1] <= k as f64 * alpha / m as f64)
                .map_or(-1.0, |k| sorted[k - 1])
        })
        .collect();
    z.iter()
        .zip(p)
        .map(|(&z, &p)| {
            let levels = thresholds.iter().filter(|&&t| p <= t).count() as i8;
            if z > 0.0 {
                levels
            } else if z < 0.0 {
                -levels
            } else {
                0
            }
        })
        .collect()
}

/// Two-sided p-value that two Poisson counts share one rate: `c1` incidents in a period of
/// length `t1` against `c2` in one of length `t2` (any unit). Conditional on `n = c1 + c2`, `c1`
/// is binomial with `p = t1 / (t1 + t2)` under the null, and the p-value sums the probabilities
/// of every outcome no more likely than `c1`, as `scipy.stats.binomtest(c1, n, p)` does
/// (with its relative tolerance of 1e-7 for ties). `None` when both counts are zero or a length
/// is not positive.
///
/// Przyborowski, J. and Wilenski, H. (1940) "Homogeneity of results in testing samples from
/// Poisson series", Biometrika 31(3/4).
#[must_use]
pub fn rate_change_p(c1: u64, t1: f64, c2: u64, t2: f64) -> Option<f64> {
    let n = c1 + c2;
    if n == 0 || !(t1 > 0.0 && t2 > 0.0) {
        return None;
    }
    let p = t1 / (t1 + t2);
    let ln_choose = |k: u64| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(k as f64 + 1.0)
            - libm::lgamma((n - k) as f64 + 1.0)
    };
    let pmf = |k: u64| (ln_choose(k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp();
    let observed = pmf(c1);
    let limit = observed * (1.0 + 1e-7);
    let total: f64 = (0..=n).map(pmf).filter(|&q| q <= limit).sum();
    Some(total.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_of_known_z() {
        assert!((two_sided_p(1.959_963_984_540_054) - 0.05).abs() < 1e-12);
        assert!((two_sided_p(-2.575_829_303_548_901) - 0.01).abs() < 1e-12);
        assert!((two_sided_p(0.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn benjamini_hochberg_by_hand() {
        // m = 4, α = 0.05: thresholds k·α/m = 0.0125, 0.025, 0.0375, 0.05.
        // p = 0.01 ≤ 0.0125, 0.02 ≤ 0.025, 0.04 > 0.0375, 0.30 > 0.05 → largest k = 2.
        let p = [0.01, 0.04, 0.30, 0.02];
        let z = [3.0, 2.0, 1.0, -2.5];
        let classes = fdr_classes(&z, &p);
        // α = 0.10 (k·0.025): 0.01 ≤ 0.025, 0.02 ≤ 0.05, 0.04 ≤ 0.075, 0.30 > 0.10 → k = 3.
        // α = 0.01 (k·0.0025): none (0.01 > 0.0025, 0.02 > 0.005, …) → no 99 % class.
        assert_eq!(classes, vec![2, 1, 0, -2]);
    }

    #[test]
    fn rate_change_by_hand() {
        // c1 = 3, c2 = 0, equal lengths: p = 1/2, n = 3; pmf(3) = pmf(0) = 1/8, others 3/8.
        assert!((rate_change_p(3, 1.0, 0, 1.0).unwrap() - 0.25).abs() < 1e-12);
        // Equal counts in equal lengths: every outcome is at most as likely as the middle one.
        assert!((rate_change_p(5, 1.0, 5, 1.0).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(rate_change_p(0, 1.0, 0, 1.0), None);
        assert_eq!(rate_change_p(1, 0.0, 0, 1.0), None);
    }
}
