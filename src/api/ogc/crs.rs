//! OGC API – Features Part 2 (Coordinate Reference Systems by Reference): the CRSs items can be
//! asked in (`crs=`) and a bbox given in (`bbox-crs=`), and the `Content-Crs` header.
//!
//! Offered: CRS84 (lon/lat, the default and the storage CRS), EPSG:4326 (WGS 84, lat/lon: the
//! EPSG axis order), EPSG:4490 (CGCS2000, lat/lon), and the CGCS2000 3-degree Gauss–Krüger
//! zones (EPSG:4534–4554, central meridians 75°E–135°E, axes northing then easting as EPSG
//! defines them). Collections list the zones that cover the city (Jingmen's central city lies in
//! CM 111°E, EPSG:4546; its east in CM 114°E, EPSG:4547); any of the 21 is accepted.
//!
//! CGCS2000 and WGS 84 differ by a few centimetres, less than the data's precision; like PROJ's
//! "ballpark" transformation between them, none is applied. The projection itself is proj4rs's
//! transverse Mercator on the GRS 1980 ellipsoid (CGCS2000's, within 0.1 mm of it).

use geo::{Coord, Rect};
use proj4rs::Proj;
use serde_json::Value;

use crate::api::ApiError;
use crate::model::Bbox;

/// The prefix of EPSG CRS URIs.
const EPSG_URI: &str = "http://www.opengis.net/def/crs/EPSG/0/";
/// CRS84's URI.
pub const CRS84_URI: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// The first and last CGCS2000 3-degree Gauss–Krüger zones without zone prefix (CM 75°E,
/// 135°E).
const FIRST_GK: u32 = 4534;
const LAST_GK: u32 = 4554;

/// A CRS items can be answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    Crs84,
    /// Geographic, latitude first: EPSG:4326 (WGS 84) or EPSG:4490 (CGCS2000).
    LatLon(u32),
    /// A CGCS2000 3-degree Gauss–Krüger zone by its EPSG code: northing, easting in metres.
    GaussKruger(u32),
}

impl Crs {
    /// Parses a CRS URI (`http://www.opengis.net/def/crs/EPSG/0/4546`), a safe CURIE
    /// (`[EPSG:4546]`) or a plain `EPSG:4546`.
    ///
    /// # Errors
    /// A CRS this server does not offer, named with those it does.
    pub fn parse(given: &str) -> Result<Self, ApiError> {
        let s = given.trim().trim_start_matches('[').trim_end_matches(']');
        let code = s
            .strip_prefix(EPSG_URI)
            .or_else(|| s.strip_prefix("EPSG:"))
            .and_then(|c| c.parse::<u32>().ok());
        match (s, code) {
            (CRS84_URI | "OGC:CRS84", _) => Ok(Self::Crs84),
            (_, Some(c @ (4326 | 4490))) => Ok(Self::LatLon(c)),
            (_, Some(c @ FIRST_GK..=LAST_GK)) => Ok(Self::GaussKruger(c)),
            _ => Err(ApiError::BadRequest(format!(
                "CRS `{}` is not offered; use {CRS84_URI}, EPSG 4326, 4490 or a CGCS2000 3-degree Gauss–Krüger zone (EPSG 4534–4554) as {EPSG_URI}{{code}}",
                given.chars().take(100).collect::<String>()
            ))),
        }
    }

    /// Its URI.
    #[must_use]
    pub fn uri(self) -> String {
        match self {
            Self::Crs84 => CRS84_URI.to_owned(),
            Self::LatLon(code) | Self::GaussKruger(code) => format!("{EPSG_URI}{code}"),
        }
    }

    /// The CRSs a collection of the city spanning `extent` (lon/lat) lists: the geographic
    /// ones and the Gauss–Krüger zones its extent reaches.
    #[must_use]
    pub fn offered(extent: Option<Rect>) -> Vec<Self> {
        let mut out = vec![Self::Crs84, Self::LatLon(4326), Self::LatLon(4490)];
        if let Some(r) = extent {
            let zone = |lon: f64| (lon / 3.0).round() as i64 * 3;
            for cm in (zone(r.min().x)..=zone(r.max().x)).step_by(3) {
                if let Ok(code) = u32::try_from(i64::from(FIRST_GK) + (cm - 75) / 3)
                    && (FIRST_GK..=LAST_GK).contains(&code)
                {
                    out.push(Self::GaussKruger(code));
                }
            }
        }
        out
    }

    /// The central meridian of a Gauss–Krüger zone, in degrees.
    fn central_meridian(code: u32) -> f64 {
        75.0 + 3.0 * f64::from(code - FIRST_GK)
    }

    /// The projection this CRS's coordinates are computed with, from lon/lat.
    fn projection(self) -> Option<(Proj, Proj)> {
        let Self::GaussKruger(code) = self else {
            return None;
        };
        let geographic = Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs").ok()?;
        let zone = Proj::from_proj_string(&format!(
            "+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs",
            Self::central_meridian(code)
        ))
        .ok()?;
        Some((geographic, zone))
    }

    /// A transformer from CRS84 to this CRS, its coordinates in this CRS's axis order.
    ///
    /// # Errors
    /// A projection proj4rs refuses (none of ours should).
    pub fn reprojector(self) -> Result<Reproject, ApiError> {
        let projection = match self {
            Self::GaussKruger(_) => Some(self.projection().ok_or_else(|| {
                ApiError::Internal("the Gauss–Krüger projection did not build".into())
            })?),
            _ => None,
        };
        Ok(Reproject {
            crs: self,
            projection,
        })
    }

    /// A position given in this CRS (its axis order) as lon/lat: what `filter-crs` asks of a
    /// filter's literal geometries.
    ///
    /// # Errors
    /// A position the projection cannot take back, as a message.
    pub fn to_lon_lat(self, a: f64, b: f64) -> Result<(f64, f64), String> {
        match self {
            Self::Crs84 => Ok((a, b)),
            Self::LatLon(_) => Ok((b, a)),
            Self::GaussKruger(_) => {
                let (geographic, zone) = self
                    .projection()
                    .ok_or("the Gauss–Krüger projection did not build")?;
                let mut p = (b, a, 0.0);
                proj4rs::transform::transform(&zone, &geographic, &mut p)
                    .map_err(|e| e.to_string())?;
                Ok((p.0.to_degrees(), p.1.to_degrees()))
            }
        }
    }

    /// A bbox given in this CRS (its axis order) as a lon/lat bbox: for a projected CRS the
    /// envelope of its four corners (which contains the projected rectangle).
    ///
    /// # Errors
    /// Not four numbers, or corners that do not map back.
    pub fn bbox_to_crs84(self, given: &str) -> Result<Bbox, ApiError> {
        let v: Vec<f64> = given
            .split(',')
            .map(|s| s.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect::<Option<_>>()
            .filter(|v: &Vec<f64>| v.len() == 4)
            .ok_or_else(|| ApiError::BadRequest("`bbox` needs four numbers".into()))?;
        let corners: Vec<Coord> = match self {
            Self::Crs84 => return Ok(format!("{},{},{},{}", v[0], v[1], v[2], v[3]).parse()?),
            Self::LatLon(_) => {
                return Ok(format!("{},{},{},{}", v[1], v[0], v[3], v[2]).parse()?);
            }
            Self::GaussKruger(_) => [(v[0], v[1]), (v[0], v[3]), (v[2], v[1]), (v[2], v[3])]
                .iter()
                .map(|&(north, east)| {
                    self.to_lon_lat(north, east)
                        .map(|(x, y)| Coord { x, y })
                        .map_err(|e| {
                            ApiError::BadRequest(format!(
                                "`bbox` corner {north},{east} does not map back: {e}"
                            ))
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        let fold = |f: fn(f64, f64) -> f64, pick: fn(&Coord) -> f64, init: f64| {
            corners.iter().map(pick).fold(init, f)
        };
        Ok(format!(
            "{},{},{},{}",
            fold(f64::min, |c| c.x, f64::INFINITY),
            fold(f64::min, |c| c.y, f64::INFINITY),
            fold(f64::max, |c| c.x, f64::NEG_INFINITY),
            fold(f64::max, |c| c.y, f64::NEG_INFINITY)
        )
        .parse()?)
    }
}

/// Coordinates from CRS84 into one CRS.
pub struct Reproject {
    crs: Crs,
    projection: Option<(Proj, Proj)>,
}

impl Reproject {
    /// One position, in the target CRS's axis order (rounded: 1e-9° or 0.1 mm).
    ///
    /// # Errors
    /// A position the projection cannot take.
    pub fn position(&self, lon: f64, lat: f64) -> Result<[f64; 2], ApiError> {
        let round = |v: f64, scale: f64| (v * scale).round() / scale;
        match (&self.crs, &self.projection) {
            (Crs::Crs84, _) => Ok([lon, lat]),
            (Crs::LatLon(_), _) => Ok([lat, lon]),
            (Crs::GaussKruger(_), Some((geographic, zone))) => {
                let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
                proj4rs::transform::transform(geographic, zone, &mut p)
                    .map_err(|e| ApiError::Internal(format!("projecting {lon},{lat}: {e}")))?;
                Ok([round(p.1, 1e4), round(p.0, 1e4)])
            }
            (Crs::GaussKruger(_), None) => Err(ApiError::Internal(
                "a Gauss–Krüger CRS without its projection".into(),
            )),
        }
    }

    /// Every position of a GeoJSON feature's geometry, in place.
    ///
    /// # Errors
    /// A position the projection cannot take.
    pub fn feature(&self, feature: &mut Value) -> Result<(), ApiError> {
        if self.crs == Crs::Crs84 {
            return Ok(());
        }
        if let Some(coordinates) = feature
            .get_mut("geometry")
            .and_then(|g| g.get_mut("coordinates"))
        {
            self.nested(coordinates)?;
        }
        Ok(())
    }

    /// Positions at any depth of a `coordinates` array.
    fn nested(&self, value: &mut Value) -> Result<(), ApiError> {
        let Value::Array(items) = value else {
            return Ok(());
        };
        let position = match items.as_slice() {
            [Value::Number(x), Value::Number(y), ..] => x.as_f64().zip(y.as_f64()),
            _ => None,
        };
        if let Some((lon, lat)) = position {
            let [a, b] = self.position(lon, lat)?;
            items[0] = Value::from(a);
            items[1] = Value::from(b);
            return Ok(());
        }
        for item in items {
            self.nested(item)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_to_the_crs_they_mean() {
        assert_eq!(Crs::parse(CRS84_URI).unwrap(), Crs::Crs84);
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/EPSG/0/4326").unwrap(),
            Crs::LatLon(4326)
        );
        assert_eq!(Crs::parse("[EPSG:4546]").unwrap(), Crs::GaussKruger(4546));
        assert!(Crs::parse("EPSG:3857").is_err());
        assert!(Crs::parse("EPSG:4533").is_err());
        assert!((Crs::central_meridian(4546) - 111.0).abs() < 1e-12);
    }

    #[test]
    fn jingmen_lies_in_two_zones() {
        let extent = Rect::new(Coord { x: 111.8, y: 30.4 }, Coord { x: 113.5, y: 31.6 });
        let offered = Crs::offered(Some(extent));
        assert!(offered.contains(&Crs::GaussKruger(4546)));
        assert!(offered.contains(&Crs::GaussKruger(4547)));
        assert_eq!(offered.len(), 5);
    }

    #[test]
    fn a_position_on_the_central_meridian_is_at_false_easting() {
        let r = Crs::GaussKruger(4546).reprojector().unwrap();
        let [north, east] = r.position(111.0, 30.0).unwrap();
        assert!((east - 500_000.0).abs() < 1e-3, "{east}");
        // The meridian arc from the equator to 30°N on GRS 1980: 3,320,113.398 m.
        assert!((north - 3_320_113.398).abs() < 2e-3, "{north}");
    }
}
