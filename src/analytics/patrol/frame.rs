//! A local metric frame: lon/lat to metres east and north of an origin, scaled by the WGS 84
//! radii of curvature at the origin's latitude. Over a community (a few kilometres) its scale
//! error is under 1e-4, so buffers, areas and distances drawn in it are geodesically sound
//! where degrees would be 15 % off between east and north.

use geo::{Coord, MapCoords};

/// The frame (see the module documentation).
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
        const A: f64 = 6_378_137.0;
        const E2: f64 = 6.694_379_990_141_316e-3;
        let (sin, cos) = origin.y.to_radians().sin_cos();
        let denom = 1.0 - E2 * sin * sin;
        let prime_vertical = A / denom.sqrt();
        let meridian = A * (1.0 - E2) / (denom * denom.sqrt());
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
