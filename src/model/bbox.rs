//! `Bbox`: a validated WGS 84 longitude/latitude rectangle.

use std::str::FromStr;

use geo::{Coord, Rect};

/// Why a bbox string was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BboxError {
    #[error("bbox must have 4 comma-separated numbers (min_lon,min_lat,max_lon,max_lat), got {0}")]
    Arity(usize),
    #[error("bbox value `{0}` is not a finite number")]
    NotANumber(String),
    #[error("bbox longitudes must lie in -180..180 and latitudes in -90..90")]
    OutOfRange,
    #[error("bbox minimum latitude is greater than its maximum")]
    Inverted,
}

/// A lon/lat rectangle in EPSG:4326, `min_lon <= max_lon` unless it crosses the antimeridian
/// (which the city never does; such boxes are split by [`Bbox::rects`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl Bbox {
    /// Builds a bbox, checking ranges.
    ///
    /// # Errors
    /// Non-finite or out-of-range values, or `min_lat > max_lat`.
    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Self, BboxError> {
        let lon_ok = |v: f64| (-180.0..=180.0).contains(&v);
        let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
        if !(lon_ok(min_lon) && lon_ok(max_lon) && lat_ok(min_lat) && lat_ok(max_lat)) {
            return Err(BboxError::OutOfRange);
        }
        if min_lat > max_lat {
            return Err(BboxError::Inverted);
        }
        Ok(Self {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// The one or two planar rectangles this bbox covers (two when it crosses the antimeridian,
    /// as OGC API – Features allows with `min_lon > max_lon`).
    #[must_use]
    pub fn rects(&self) -> Vec<Rect> {
        let rect = |a: f64, b: f64| {
            Rect::new(
                Coord {
                    x: a,
                    y: self.min_lat,
                },
                Coord {
                    x: b,
                    y: self.max_lat,
                },
            )
        };
        if self.min_lon <= self.max_lon {
            vec![rect(self.min_lon, self.max_lon)]
        } else {
            vec![rect(self.min_lon, 180.0), rect(-180.0, self.max_lon)]
        }
    }

    /// Whether the closed box holds (`lon`, `lat`), across the antimeridian too: the same
    /// answer as testing [`Bbox::rects`], without building them.
    #[must_use]
    pub fn holds(&self, lon: f64, lat: f64) -> bool {
        let lon_in = if self.min_lon <= self.max_lon {
            (self.min_lon..=self.max_lon).contains(&lon)
        } else {
            lon >= self.min_lon || lon <= self.max_lon
        };
        lon_in && (self.min_lat..=self.max_lat).contains(&lat)
    }

    /// `[min_lon, min_lat, max_lon, max_lat]`, the order GeoJSON and OGC use.
    #[must_use]
    pub fn to_array(&self) -> [f64; 4] {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
    }

    /// The smallest bbox around `rect`.
    #[must_use]
    pub fn from_rect(rect: Rect) -> Self {
        Self {
            min_lon: rect.min().x,
            min_lat: rect.min().y,
            max_lon: rect.max().x,
            max_lat: rect.max().y,
        }
    }
}

impl FromStr for Bbox {
    type Err = BboxError;

    /// Parses `min_lon,min_lat,max_lon,max_lat`; six values (with heights) are accepted as
    /// OGC API – Features allows, and the heights ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let values = parts
            .iter()
            .map(|p| {
                p.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| BboxError::NotANumber((*p).chars().take(32).collect()))
            })
            .collect::<Result<Vec<f64>, _>>();
        match (parts.len(), values?) {
            (4, v) => Self::new(v[0], v[1], v[2], v[3]),
            (6, v) => Self::new(v[0], v[1], v[3], v[4]),
            (n, _) => Err(BboxError::Arity(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_agrees_with_the_rectangles() {
        for b in [
            Bbox::new(112.1, 30.9, 112.3, 31.1).unwrap(),
            Bbox::new(179.0, -1.0, -179.0, 1.0).unwrap(),
        ] {
            for (x, y) in [
                (112.2, 31.0),
                (112.1, 30.9),
                (112.3, 31.1),
                (112.31, 31.0),
                (179.5, 0.0),
                (-179.5, 0.5),
                (0.0, 0.0),
                (-179.0, 1.0),
            ] {
                let in_rects = b.rects().iter().any(|r| {
                    (r.min().x..=r.max().x).contains(&x) && (r.min().y..=r.max().y).contains(&y)
                });
                assert_eq!(b.holds(x, y), in_rects, "{b:?} ({x}, {y})");
            }
        }
    }

    #[test]
    fn parses_four_and_six_values() {
        let b: Bbox = "112.1,30.9,112.3,31.1".parse().unwrap();
        let expected = Bbox {
            min_lon: 112.1,
            min_lat: 30.9,
            max_lon: 112.3,
            max_lat: 31.1,
        };
        assert_eq!(b, expected);
        let b: Bbox = "112.1,30.9,0,112.3,31.1,100".parse().unwrap();
        assert_eq!(b, expected);
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!("1,2,3".parse::<Bbox>(), Err(BboxError::Arity(3)));
        assert!(matches!(
            "a,2,3,4".parse::<Bbox>(),
            Err(BboxError::NotANumber(_))
        ));
        assert!(matches!(
            "NaN,2,3,4".parse::<Bbox>(),
            Err(BboxError::NotANumber(_))
        ));
        assert_eq!("0,95,1,96".parse::<Bbox>(), Err(BboxError::OutOfRange));
        assert_eq!("0,5,1,4".parse::<Bbox>(), Err(BboxError::Inverted));
    }

    #[test]
    fn antimeridian_box_splits_in_two() {
        let b: Bbox = "170,-10,-170,10".parse().unwrap();
        assert_eq!(b.rects().len(), 2);
    }
}
