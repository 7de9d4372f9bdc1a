//! Mann-Kendall trend test of a time series, with the variance corrected for ties.
//!
//! S = Σᵢ<ⱼ sign(xⱼ − xᵢ); Var(S) = [n(n−1)(2n+5) − Σₜ t(t−1)(2t+5)] / 18 over tie groups of
//! size t; Z = (S − 1)/√Var if S > 0, (S + 1)/√Var if S < 0, else 0; p two-sided normal.
//! Mann, H. B. (1945) Econometrica 13; Kendall, M. G. (1975) Rank Correlation Methods.

use super::significance::two_sided_p;

/// A trend: `z > 0` increasing, `z < 0` decreasing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub s: i64,
    pub z: f64,
    pub p: f64,
}

/// The Mann-Kendall test of `series`.
#[must_use]
pub fn mann_kendall(series: &[f64]) -> Trend {
    let len = series.len();
    let mut score: i64 = 0;
    for (i, earlier) in series.iter().enumerate() {
        for later in &series[i + 1..] {
            score += match later.total_cmp(earlier) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
            };
        }
    }
    let mut sorted = series.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Ties are exact: equal z-scores come from equal neighbourhood counts.
    let ties: f64 = sorted
        .chunk_by(|a, b| a.total_cmp(b).is_eq())
        .map(|group| {
            let size = group.len() as f64;
            size * (size - 1.0) * (2.0 * size + 5.0)
        })
        .sum();
    let n = len as f64;
    let variance = (n * (n - 1.0) * (2.0 * n + 5.0) - ties) / 18.0;
    let z = match score.signum() {
        _ if variance <= 0.0 => 0.0,
        1 => (score - 1) as f64 / variance.sqrt(),
        -1 => (score + 1) as f64 / variance.sqrt(),
        _ => 0.0,
    };
    Trend {
        s: score,
        z,
        p: two_sided_p(z),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_series() {
        // 1, 3, 2, 4: pairs (1,3)+ (1,2)+ (1,4)+ (3,2)- (3,4)+ (2,4)+ → S = 4.
        // Var = 4·3·13/18 = 26/3; Z = 3/√(26/3).
        let t = mann_kendall(&[1.0, 3.0, 2.0, 4.0]);
        assert_eq!(t.s, 4);
        assert!((t.z - 3.0 / (26.0_f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn ties_reduce_the_variance() {
        // 1, 1, 2: S = 2; ties: one group of 2 → 2·1·9 = 18; Var = (3·2·11 − 18)/18 = 48/18.
        let t = mann_kendall(&[1.0, 1.0, 2.0]);
        assert_eq!(t.s, 2);
        assert!((t.z - 1.0 / (48.0_f64 / 18.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn monotone_series_are_significant() {
        let up: Vec<f64> = (0..36).map(f64::from).collect();
        assert!(mann_kendall(&up).z > 5.0 && mann_kendall(&up).p < 1e-6);
        let down: Vec<f64> = up.iter().rev().copied().collect();
        assert!(mann_kendall(&down).z < -5.0);
        assert!(mann_kendall(&[2.0; 10]).z == 0.0);
    }
}
