//! Geometry helpers of the generator: metre/degree conversion near the city, organic outlines,
//! sampling points inside polygons, rectangular footprints, coordinate rounding.

use std::f64::consts::TAU;

use geo::{
    Area, BoundingRect, Contains, Coord, LineString, MapCoords, MultiPolygon, Point, Polygon,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Metres per degree of latitude (WGS 84 mean near 31° N).
pub const M_PER_DEG_LAT: f64 = 110_850.0;

/// Metres per degree of longitude at latitude `lat`.
#[must_use]
pub fn m_per_deg_lon(lat: f64) -> f64 {
    111_320.0 * lat.to_radians().cos()
}

/// The point `dx_m` east and `dy_m` north of `origin`.
#[must_use]
pub fn offset_m(origin: Coord, dx_m: f64, dy_m: f64) -> Coord {
    Coord {
        x: origin.x + dx_m / m_per_deg_lon(origin.y),
        y: origin.y + dy_m / M_PER_DEG_LAT,
    }
}

/// Area of a lon/lat geometry in km² by a local equirectangular scale (accurate to well under
/// 0.1 % at city scale; used for allocation, not for reported figures).
#[must_use]
pub fn area_km2(mp: &MultiPolygon) -> f64 {
    let lat = mp.bounding_rect().map_or(31.0, |r| r.center().y);
    mp.unsigned_area() * m_per_deg_lon(lat) * M_PER_DEG_LAT / 1e6
}

/// An organic closed outline around `center`: an ellipse of semi-axes `rx_m` × `ry_m` whose
/// radius is modulated by a few random harmonics (amplitude `wobble`, e.g. 0.1).
pub fn blob(rng: &mut ChaCha8Rng, center: Coord, rx_m: f64, ry_m: f64, wobble: f64) -> Polygon {
    let harmonics: Vec<(f64, f64, f64)> = (2..6)
        .map(|k| {
            (
                f64::from(k),
                rng.random_range(0.0..TAU),
                wobble * rng.random_range(0.3..1.0) / f64::from(k - 1),
            )
        })
        .collect();
    let steps = 96;
    let mut ring: Vec<Coord> = (0..steps)
        .map(|i| {
            let t = TAU * f64::from(i) / f64::from(steps);
            let r = 1.0
                + harmonics
                    .iter()
                    .map(|(k, phase, amp)| amp * (k * t + phase).sin())
                    .sum::<f64>();
            offset_m(center, rx_m * r * t.cos(), ry_m * r * t.sin())
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

/// A uniformly random point inside `poly` by rejection from its bounding box.
/// `None` after `tries` misses (for slivers).
pub fn random_point_in(rng: &mut ChaCha8Rng, poly: &Polygon, tries: usize) -> Option<Point> {
    let rect = poly.bounding_rect()?;
    (0..tries).find_map(|_| {
        let p = Point::new(
            rng.random_range(rect.min().x..=rect.max().x),
            rng.random_range(rect.min().y..=rect.max().y),
        );
        poly.contains(&p).then_some(p)
    })
}

/// A rectangle `length_m` × `depth_m` centred on `center`, rotated by `angle` radians,
/// counter-clockwise exterior (RFC 7946).
#[must_use]
pub fn footprint(center: Coord, length_m: f64, depth_m: f64, angle: f64) -> Polygon {
    let (s, c) = angle.sin_cos();
    let corners = [
        (-0.5, -0.5),
        (0.5, -0.5),
        (0.5, 0.5),
        (-0.5, 0.5),
        (-0.5, -0.5),
    ];
    let ring = corners
        .iter()
        .map(|(u, v)| {
            let (x, y) = (u * length_m, v * depth_m);
            round_coord(offset_m(center, x * c - y * s, x * s + y * c))
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

/// Rounds to 1e-7 degrees (about 1 cm): well below survey precision, and it keeps the
/// files compact and byte-stable across runs.
#[must_use]
pub fn round_coord(c: Coord) -> Coord {
    Coord {
        x: (c.x * 1e7).round() / 1e7,
        y: (c.y * 1e7).round() / 1e7,
    }
}

/// [`round_coord`] applied to every vertex.
#[must_use]
pub fn round_geometry<G: MapCoords<f64, f64, Output = G>>(g: &G) -> G {
    g.map_coords(round_coord)
}
