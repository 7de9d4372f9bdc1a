//! The geometry of the Earth the analyses share, in one place: the WGS 84 radii of curvature,
//! a local metric frame built on them, the length of a short segment, and an H3 cell as a
//! lon/lat polygon. Imports nothing of ours.

use geo::{Coord, LineString, MapCoords, Polygon};

/// WGS 84 semi-major axis, metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 first eccentricity squared.
pub const WGS84_E2: f64 = 6.694_379_990_141_316e-3;

/// The radii of curvature at latitude `lat` (degrees): meridian M and prime vertical N,
/// metres.
#[must_use]
pub fn radii(lat: f64) -> (f64, f64) {
    let sin = lat.to_radians().sin();
    let denom = 1.0 - WGS84_E2 * sin * sin;
    let prime_vertical = WGS84_A / denom.sqrt();
    let meridian = WGS84_A * (1.0 - WGS84_E2) / (denom * denom.sqrt());
    (meridian, prime_vertical)
}

/// The length of a short segment on the WGS 84 ellipsoid, metres: the radii of curvature at the
/// mid-latitude scale the two differences. For street segments (under a few kilometres) it
/// differs from the geodesic by under 1e-6 relatively, at a fraction of the cost of Karney's
/// algorithm (the graph build of the bundled city fell from 207 to 178 ms with it; keeping
/// each segment's R-tree envelope then took it to 72 ms).
#[must_use]
pub fn segment_m(a: Coord, b: Coord) -> f64 {
    let mid = f64::midpoint(a.y, b.y);
    let (meridian, prime_vertical) = radii(mid);
    let east = prime_vertical * mid.to_radians().cos() * (b.x - a.x).to_radians();
    let north = meridian * (b.y - a.y).to_radians();
    east.hypot(north)
}

/// An H3 cell as a lon/lat polygon (its vertices in H3's counter-clockwise order, closed).
/// Inlined: the study-area cover calls it for every candidate cell, and across modules it
/// was not (the cover took 10 % longer than with the code written in place).
#[inline]
#[must_use]
pub fn cell_polygon(cell: h3o::CellIndex) -> Polygon {
    Polygon::new(
        LineString::from(
            cell.boundary()
                .iter()
                .map(|v| (v.lng(), v.lat()))
                .collect::<Vec<_>>(),
        ),
        vec![],
    )
}

/// A local metric frame: lon/lat to metres east and north of an origin, scaled by the radii
/// of curvature at the origin's latitude. Over a community (a few kilometres) its scale error
/// is under 1e-4, so buffers, areas and distances drawn in it are geodesically sound where
/// degrees would be 15 % off between east and north.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    origin: Coord,
    /// Metres per degree east and north at the origin.
    scale: [f64; 2],
}

impl Frame {
    /// The frame centred at `origin`.
    #[must_use]
    pub fn at(origin: Coord) -> Self {
        let (meridian, prime_vertical) = radii(origin.y);
        let cos = origin.y.to_radians().cos();
        Self {
            origin,
            scale: [
                prime_vertical * cos * std::f64::consts::PI / 180.0,
                meridian * std::f64::consts::PI / 180.0,
            ],
        }
    }

    /// Metres east and north of the origin.
    #[must_use]
    pub fn to_local(&self, c: Coord) -> Coord {
        Coord {
            x: (c.x - self.origin.x) * self.scale[0],
            y: (c.y - self.origin.y) * self.scale[1],
        }
    }

    /// Back to lon/lat.
    #[must_use]
    pub fn to_lon_lat(&self, c: Coord) -> Coord {
        Coord {
            x: self.origin.x + c.x / self.scale[0],
            y: self.origin.y + c.y / self.scale[1],
        }
    }

    /// The corners of an H3 cell in the frame, in H3's order.
    #[must_use]
    pub fn cell_ring(&self, cell: h3o::CellIndex) -> Vec<Coord> {
        cell.boundary()
            .iter()
            .map(|v| {
                self.to_local(Coord {
                    x: v.lng(),
                    y: v.lat(),
                })
            })
            .collect()
    }

    /// A geometry in the frame.
    #[must_use]
    pub fn project<G: MapCoords<f64, f64, Output = G>>(&self, g: &G) -> G {
        g.map_coords(|c| self.to_local(c))
    }

    /// A geometry back in lon/lat.
    #[must_use]
    pub fn unproject<G: MapCoords<f64, f64, Output = G>>(&self, g: &G) -> G {
        g.map_coords(|c| self.to_lon_lat(c))
    }
}
