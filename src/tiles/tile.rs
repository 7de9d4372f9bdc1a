//! Tile addressing (XYZ, Web Mercator) and the mapping from lon/lat to tile pixels.

use std::f64::consts::PI;

use geo::{Coord, Rect};

/// Pixels per tile side in the encoded tile (MVT 2.1 default).
pub const EXTENT: u32 = 4096;
/// Pixels drawn beyond each tile edge, so lines and fills join seamlessly.
pub const BUFFER: u32 = 64;
/// The deepest zoom served.
pub const MAX_ZOOM: u8 = 22;

/// One tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// Why a z/x/y is not a tile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadTile(pub String);

impl TileId {
    /// Validates z/x/y: z ≤ [`MAX_ZOOM`], x and y < 2^z.
    ///
    /// # Errors
    /// Anything out of range or not a number.
    pub fn parse(z: &str, x: &str, y: &str) -> Result<Self, BadTile> {
        let number = |s: &str, what: &str| {
            s.parse::<u32>()
                .map_err(|_| BadTile(format!("tile {what} `{s}` is not a whole number")))
        };
        let z = number(z, "z")?;
        if z > u32::from(MAX_ZOOM) {
            return Err(BadTile(format!(
                "zoom {z} is beyond the deepest zoom, {MAX_ZOOM}"
            )));
        }
        let (x, y) = (number(x, "x")?, number(y, "y")?);
        let n = 1u32 << z;
        if x >= n || y >= n {
            return Err(BadTile(format!(
                "tile {z}/{x}/{y} does not exist: x and y must be below {n} at zoom {z}"
            )));
        }
        Ok(Self { z: z as u8, x, y })
    }

    /// The tile's lon/lat bounds, grown by `pixels` of the tile on each side.
    #[must_use]
    pub fn bounds(self, pixels: f64) -> Rect {
        let n = f64::from(1u32 << self.z);
        let grow = pixels / f64::from(EXTENT);
        let lon = |x: f64| x / n * 360.0 - 180.0;
        let lat = |y: f64| (PI * (1.0 - 2.0 * y / n)).sinh().atan().to_degrees();
        let (x0, x1) = (f64::from(self.x) - grow, f64::from(self.x) + 1.0 + grow);
        let (y0, y1) = (f64::from(self.y) - grow, f64::from(self.y) + 1.0 + grow);
        Rect::new(
            Coord {
                x: lon(x0).max(-180.0),
                y: lat(y1.min(n)),
            },
            Coord {
                x: lon(x1).min(180.0),
                y: lat(y0.max(0.0)),
            },
        )
    }

    /// A lon/lat position in this tile's pixels (origin top-left, y down, `EXTENT` across).
    #[must_use]
    pub fn pixel(self, at: Coord) -> Coord {
        self.to_pixels().apply(world(at))
    }

    /// The map from world positions ([`world`]) to this tile's pixels.
    #[must_use]
    pub fn to_pixels(self) -> ToPixels {
        let scale = f64::from(1u32 << self.z) * f64::from(EXTENT);
        ToPixels {
            scale,
            x0: f64::from(self.x) * f64::from(EXTENT),
            y0: f64::from(self.y) * f64::from(EXTENT),
        }
    }

    /// The tile's world rectangle ([`world`] units), grown by `pixels` of the tile each side:
    /// `[min x, min y, max x, max y]`.
    #[must_use]
    pub fn world_bounds(self, pixels: f64) -> [f64; 4] {
        let n = f64::from(1u32 << self.z);
        let grow = pixels / f64::from(EXTENT);
        [
            (f64::from(self.x) - grow) / n,
            (f64::from(self.y) - grow) / n,
            (f64::from(self.x) + 1.0 + grow) / n,
            (f64::from(self.y) + 1.0 + grow) / n,
        ]
    }

    /// The ground size of one tile pixel in degrees of longitude (for choosing detail).
    #[must_use]
    pub fn pixel_degrees(self) -> f64 {
        360.0 / f64::from(1u32 << self.z) / f64::from(EXTENT)
    }
}

/// A lon/lat position on the Web Mercator world square: x east and y south, both 0–1. Layers
/// keep their geometry in these units so a tile needs one multiply-add per coordinate.
#[must_use]
pub fn world(at: Coord) -> [f64; 2] {
    let lat = at.y.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    [
        (at.x + 180.0) / 360.0,
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0,
    ]
}

/// The tiles from zoom `zooms` whose square, grown by `margin_px` tile pixels on each side,
/// holds `at`: every tile a feature at `at` can be drawn in (with a margin as wide as the
/// widest thing drawn around a point: a tile's buffer, a counted cell's reach).
#[must_use]
pub fn tiles_near(at: Coord, zooms: std::ops::RangeInclusive<u8>, margin_px: f64) -> Vec<TileId> {
    let [wx, wy] = world(at);
    let mut out = Vec::new();
    for z in zooms {
        let n = f64::from(1u32 << z);
        let grow = margin_px / f64::from(EXTENT);
        let max = (1u32 << z) - 1;
        let span = |w: f64| {
            let lo = ((w * n - grow).floor().max(0.0)) as u32;
            let hi = ((w * n + grow).floor().max(0.0) as u32).min(max);
            lo.min(max)..=hi
        };
        for x in span(wx) {
            for y in span(wy) {
                out.push(TileId { z, x, y });
            }
        }
    }
    out
}

/// World position → one tile's pixels.
#[derive(Debug, Clone, Copy)]
pub struct ToPixels {
    scale: f64,
    x0: f64,
    y0: f64,
}

impl ToPixels {
    /// The pixel position of world position `w`.
    #[must_use]
    #[inline]
    pub fn apply(self, w: [f64; 2]) -> Coord {
        Coord {
            x: w[0] * self.scale - self.x0,
            y: w[1] * self.scale - self.y0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_parse_and_map_pixels() {
        assert!(TileId::parse("14", "13489", "6724").is_ok());
        assert!(TileId::parse("3", "8", "0").is_err());
        assert!(TileId::parse("23", "0", "0").is_err());
        assert!(TileId::parse("a", "0", "0").is_err());
        let t = TileId::parse("14", "13489", "6724").unwrap();
        let b = t.bounds(0.0);
        let top_left = t.pixel(Coord {
            x: b.min().x,
            y: b.max().y,
        });
        let bottom_right = t.pixel(Coord {
            x: b.max().x,
            y: b.min().y,
        });
        assert!(
            top_left.x.abs() < 1e-6 && top_left.y.abs() < 1e-6,
            "{top_left:?}"
        );
        assert!(
            (bottom_right.x - 4096.0).abs() < 1e-6 && (bottom_right.y - 4096.0).abs() < 1e-6,
            "{bottom_right:?}"
        );
        let grown = t.bounds(64.0);
        assert!(
            (t.pixel(Coord {
                x: grown.min().x,
                y: grown.max().y
            })
            .x + 64.0)
                .abs()
                < 1e-6
        );
    }
}
