//! Kernel density of incidents: the quartic (biweight) kernel, as ArcGIS Kernel Density and
//! `CrimeStat` use it, on a regular grid of square cells in planar metres.
//!
//! Each incident of weight `w` adds `w · 3 / (π h²) · (1 − d²/h²)²` at distance `d < h` (zero
//! beyond), so each integrates to `w` over the plane; the sum is a density per m², reported per
//! km². The loop runs over incidents and visits only the cells within `h` of each, so the cost
//! is incidents × (h / cell)², not incidents × cells.

/// A weighted point in planar metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weighted {
    pub x: f64,
    pub y: f64,
    pub w: f64,
}

/// `columns × rows` square cells of side `cell_m`, the first with its lower-left corner at
/// `origin`; cell `(col, row)` is at `origin + ((col + ½) · cell, (row + ½) · cell)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Raster {
    pub origin: [f64; 2],
    pub cell_m: f64,
    pub columns: usize,
    pub rows: usize,
}

impl Raster {
    /// The centre of cell `(col, row)`.
    #[must_use]
    pub fn centre(&self, col: usize, row: usize) -> [f64; 2] {
        [
            self.origin[0] + (col as f64 + 0.5) * self.cell_m,
            self.origin[1] + (row as f64 + 0.5) * self.cell_m,
        ]
    }
}

/// The quartic kernel's value at squared distance `d2` for bandwidth `h`, per m².
#[must_use]
pub fn quartic(d2: f64, h: f64) -> f64 {
    let h2 = h * h;
    if d2 >= h2 {
        return 0.0;
    }
    let u = 1.0 - d2 / h2;
    3.0 / (std::f64::consts::PI * h2) * u * u
}

/// Density per km² at every cell centre, row-major from the lower-left (`rows × columns`).
#[must_use]
pub fn density(points: &[Weighted], h: f64, raster: &Raster) -> Vec<f64> {
    let mut out = vec![0.0; raster.columns * raster.rows];
    // One point at a time, so its weight is at hand in the visit.
    for p in points {
        visit(std::slice::from_ref(p), h, raster, |i, d2| {
            out[i] += p.w * quartic(d2, h);
        });
    }
    for v in &mut out {
        *v *= 1e6;
    }
    out
}

/// How many points lie within `h` of each cell centre (row-major like [`density`]): what an
/// aggregate-only reader's map must know to hide cells that too few incidents reach.
#[must_use]
pub fn support(points: &[Weighted], h: f64, raster: &Raster) -> Vec<u32> {
    let mut out = vec![0u32; raster.columns * raster.rows];
    // A point reaches a cell when its kernel there is above zero (`d < h`).
    visit(points, h, raster, |i, _| out[i] += 1);
    out
}

/// Calls `at(cell, d²)` for every cell centre within `h` of every point.
fn visit(points: &[Weighted], h: f64, raster: &Raster, mut at: impl FnMut(usize, f64)) {
    let span = |lo: f64, origin: f64, n: usize| -> (usize, usize) {
        // Cells whose centres may lie within h of the point: centre = origin + (i + ½) cell.
        let first = ((lo - h - origin) / raster.cell_m - 0.5).ceil().max(0.0);
        let last = ((lo + h - origin) / raster.cell_m - 0.5).floor();
        if last < 0.0 || first >= n as f64 {
            return (1, 0);
        }
        (first as usize, (last as usize).min(n - 1))
    };
    for p in points {
        let (c0, c1) = span(p.x, raster.origin[0], raster.columns);
        let (r0, r1) = span(p.y, raster.origin[1], raster.rows);
        for row in r0..=r1 {
            for col in c0..=c1 {
                let [cx, cy] = raster.centre(col, row);
                let d2 = (cx - p.x).powi(2) + (cy - p.y).powi(2);
                if d2 < h * h {
                    at(row * raster.columns + col, d2);
                }
            }
        }
    }
}

/// The default bandwidth, ArcGIS Kernel Density's spatial variant of Silverman's rule:
/// `h = 0.9 · min(SD, √(1 / ln 2) · Dm) · n^(−0.2)`, where `SD` is the (weighted) standard
/// distance from the mean centre, `Dm` the (weighted) median distance to it and `n` the sum of
/// weights. `None` for fewer than two points or points all in one place.
#[must_use]
pub fn default_bandwidth(points: &[Weighted]) -> Option<f64> {
    let n: f64 = points.iter().map(|p| p.w).sum();
    if points.len() < 2 || n <= 0.0 {
        return None;
    }
    let mx = points.iter().map(|p| p.w * p.x).sum::<f64>() / n;
    let my = points.iter().map(|p| p.w * p.y).sum::<f64>() / n;
    let mut d: Vec<(f64, f64)> = points
        .iter()
        .map(|p| ((p.x - mx).hypot(p.y - my), p.w))
        .collect();
    let sd = (d.iter().map(|(d, w)| w * d * d).sum::<f64>() / n).sqrt();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut acc = 0.0;
    let median = d
        .iter()
        .find(|(_, w)| {
            acc += w;
            acc >= n / 2.0
        })
        .map_or(0.0, |(d, _)| *d);
    let h = 0.9 * sd.min((1.0 / std::f64::consts::LN_2).sqrt() * median) * n.powf(-0.2);
    (h > 0.0).then_some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_integrates_to_its_weight() {
        let raster = Raster {
            origin: [-300.0, -300.0],
            cell_m: 5.0,
            columns: 120,
            rows: 120,
        };
        let d = density(
            &[Weighted {
                x: 0.0,
                y: 0.0,
                w: 2.0,
            }],
            200.0,
            &raster,
        );
        let integral: f64 = d.iter().sum::<f64>() * 25.0 / 1e6;
        assert!((integral - 2.0).abs() < 1e-3, "{integral}");
    }

    #[test]
    fn the_peak_is_the_kernel_at_zero() {
        let raster = Raster {
            origin: [-5.0, -5.0],
            cell_m: 10.0,
            columns: 1,
            rows: 1,
        };
        let d = density(
            &[Weighted {
                x: 0.0,
                y: 0.0,
                w: 1.0,
            }],
            100.0,
            &raster,
        );
        let expected = 3.0 / (std::f64::consts::PI * 1e4) * 1e6;
        assert!((d[0] - expected).abs() < 1e-12);
    }

    #[test]
    fn points_outside_the_raster_still_reach_it() {
        let raster = Raster {
            origin: [0.0, 0.0],
            cell_m: 10.0,
            columns: 3,
            rows: 3,
        };
        let d = density(
            &[Weighted {
                x: -40.0,
                y: 15.0,
                w: 1.0,
            }],
            100.0,
            &raster,
        );
        let [cx, cy] = raster.centre(0, 1);
        let direct = quartic((cx + 40.0).powi(2) + (cy - 15.0).powi(2), 100.0) * 1e6;
        assert!((d[3] - direct).abs() < 1e-12);
        let far = density(
            &[Weighted {
                x: -400.0,
                y: 15.0,
                w: 1.0,
            }],
            100.0,
            &raster,
        );
        assert!(far.iter().all(|v| *v == 0.0));
    }

    #[test]
    fn bandwidth_rule_by_hand() {
        // Four points on a 100 m square around the origin: SD = Dm = 70.71 m, n = 4.
        let p = |x, y| Weighted { x, y, w: 1.0 };
        let h = default_bandwidth(&[
            p(50.0, 50.0),
            p(-50.0, 50.0),
            p(50.0, -50.0),
            p(-50.0, -50.0),
        ])
        .unwrap();
        let r = 50f64.hypot(50.0);
        assert!((h - 0.9 * r * 4f64.powf(-0.2)).abs() < 1e-9);
        assert_eq!(default_bandwidth(&[p(1.0, 1.0)]), None);
    }
}
