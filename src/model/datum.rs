//! Chinese map datums to WGS 84. Commercial maps in China publish GCJ-02 ("Mars coordinates":
//! Amap, Tencent) or BD-09 (Baidu), offset from WGS 84 by a few hundred metres; incidents
//! reported from such maps are converted on the way in.
//!
//! GCJ-02 is the published forward transform (Krasovsky 1940 ellipsoid and a fixed polynomial
//! offset); WGS 84 is recovered by fixed-point iteration of it, to better than 1 cm. BD-09 is a
//! further rotation and shift of GCJ-02, inverted in closed form. Outside mainland China the
//! datums equal WGS 84.

use std::f64::consts::PI;

/// A source datum for incoming coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Datum {
    #[default]
    Wgs84,
    Gcj02,
    Bd09,
}

impl Datum {
    /// The names `FromStr` takes (in any case), as the API documents them.
    pub const NAMES: [&'static str; 3] = ["wgs84", "gcj02", "bd09"];
}

impl std::str::FromStr for Datum {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "wgs84" => Ok(Self::Wgs84),
            "gcj02" => Ok(Self::Gcj02),
            "bd09" => Ok(Self::Bd09),
            other => Err(format!(
                "unknown datum `{}`: use wgs84, gcj02 or bd09",
                other.chars().take(32).collect::<String>()
            )),
        }
    }
}

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;
const X_PI: f64 = PI * 3000.0 / 180.0;

fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS 84 → GCJ-02.
#[must_use]
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let d_lat = offset_lat(lon - 105.0, lat - 35.0);
    let d_lon = offset_lon(lon - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// GCJ-02 → WGS 84, iterating the forward transform until it reproduces the input.
#[must_use]
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (mut x, mut y) = (lon, lat);
    for _ in 0..30 {
        let (fx, fy) = wgs84_to_gcj02(x, y);
        let (dx, dy) = (lon - fx, lat - fy);
        x += dx;
        y += dy;
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    (x, y)
}

/// GCJ-02 → BD-09.
#[must_use]
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.000_02 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02 (the closed-form inverse Baidu's clients use, then refined by iteration).
#[must_use]
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = (lon - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    let (mut gx, mut gy) = (z * theta.cos(), z * theta.sin());
    for _ in 0..10 {
        let (bx, by) = gcj02_to_bd09(gx, gy);
        gx += lon - bx;
        gy += lat - by;
    }
    (gx, gy)
}

impl Datum {
    /// `(lon, lat)` in this datum as WGS 84.
    #[must_use]
    pub fn to_wgs84(self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Self::Wgs84 => (lon, lat),
            Self::Gcj02 => gcj02_to_wgs84(lon, lat),
            Self::Bd09 => {
                let (x, y) = bd09_to_gcj02(lon, lat);
                gcj02_to_wgs84(x, y)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two nearby lon/lat points (equirectangular).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let k = 111_320.0;
        ((a.0 - b.0) * k * (a.1.to_radians()).cos()).hypot((a.1 - b.1) * k)
    }

    #[test]
    fn conversions_invert_each_other_in_jingmen() {
        for &(lon, lat) in &[
            (112.2, 31.03),
            (112.57, 31.19),
            (112.88, 30.85),
            (112.1, 31.0),
        ] {
            let gcj = wgs84_to_gcj02(lon, lat);
            let offset = metres(gcj, (lon, lat));
            assert!(
                (100.0..1000.0).contains(&offset),
                "GCJ-02 is offset by a few hundred metres here, got {offset}"
            );
            assert!(metres(Datum::Gcj02.to_wgs84(gcj.0, gcj.1), (lon, lat)) < 0.01);
            let bd = gcj02_to_bd09(gcj.0, gcj.1);
            assert!(metres(bd, gcj) > 100.0, "BD-09 is offset again");
            assert!(metres(Datum::Bd09.to_wgs84(bd.0, bd.1), (lon, lat)) < 0.01);
        }
    }

    #[test]
    fn outside_china_nothing_moves() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        assert_eq!(Datum::Gcj02.to_wgs84(2.35, 48.85), (2.35, 48.85));
        assert_eq!("GCJ02".parse::<Datum>(), Ok(Datum::Gcj02));
        assert!("utm".parse::<Datum>().is_err());
        let parsed: Vec<Datum> = Datum::NAMES.iter().map(|n| n.parse().unwrap()).collect();
        assert_eq!(parsed, [Datum::Wgs84, Datum::Gcj02, Datum::Bd09]);
    }
}
