//! A WGS 84 position checked once at the edge, so no handler writes the ranges again.

use geo::Coord;

/// A finite longitude in −180..=180 and latitude in −90..=90 (degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    /// The position, if both are in range.
    #[must_use]
    pub fn new(lon: f64, lat: f64) -> Option<Self> {
        (Self::is_lon(lon) && Self::is_lat(lat)).then_some(Self { lon, lat })
    }

    /// Whether `lon` is a finite longitude in −180..=180.
    #[must_use]
    pub fn is_lon(lon: f64) -> bool {
        lon.is_finite() && (-180.0..=180.0).contains(&lon)
    }

    /// Whether `lat` is a finite latitude in −90..=90.
    #[must_use]
    pub fn is_lat(lat: f64) -> bool {
        lat.is_finite() && (-90.0..=90.0).contains(&lat)
    }
}

impl From<LonLat> for Coord {
    fn from(p: LonLat) -> Self {
        Self { x: p.lon, y: p.lat }
    }
}

#[cfg(test)]
mod tests {
    use super::LonLat;

    #[test]
    fn ranges_are_closed_and_finite() {
        assert!(LonLat::new(180.0, -90.0).is_some());
        assert!(LonLat::new(-180.0, 90.0).is_some());
        for (lon, lat) in [
            (180.000_001, 0.0),
            (0.0, -90.000_001),
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
        ] {
            assert!(LonLat::new(lon, lat).is_none(), "{lon}, {lat}");
        }
    }
}
