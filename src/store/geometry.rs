//! Geometry encodings the stores use: OGC WKB (PostGIS `ST_GeomFromWKB`/`ST_AsBinary`) and
//! GeoPackage binary (a small header, then WKB), both through geozero.

use geo::Geometry;
use geozero::wkb::{GpkgWkb, Wkb};
use geozero::{CoordDimensions, ToGeo, ToWkb};

use super::StoreError;

/// WGS 84, the only reference system stored.
pub const SRID: i32 = 4326;

/// OGC WKB of a 2D geometry.
///
/// # Errors
/// A geometry geozero cannot encode (none of ours).
pub fn to_wkb(geometry: &Geometry) -> Result<Vec<u8>, StoreError> {
    geometry
        .to_wkb(CoordDimensions::xy())
        .map_err(|e| StoreError::Failed(format!("encoding WKB: {e}")))
}

/// A geometry from OGC WKB.
///
/// # Errors
/// Bytes that are not WKB.
pub fn from_wkb(bytes: &[u8]) -> Result<Geometry, StoreError> {
    Wkb(bytes)
        .to_geo()
        .map_err(|e| StoreError::Failed(format!("decoding WKB: {e}")))
}

/// GeoPackage binary of a 2D geometry in EPSG:4326, with its envelope.
///
/// # Errors
/// A geometry geozero cannot encode.
pub fn to_gpkg(geometry: &Geometry) -> Result<Vec<u8>, StoreError> {
    use geo::BoundingRect;
    let envelope = match geometry {
        // A point's envelope is itself; GeoPackage readers do not need it.
        Geometry::Point(_) => Vec::new(),
        other => other.bounding_rect().map_or_else(Vec::new, |r| {
            vec![r.min().x, r.max().x, r.min().y, r.max().y]
        }),
    };
    geometry
        .to_gpkg_wkb(CoordDimensions::xy(), Some(SRID), envelope)
        .map_err(|e| StoreError::Failed(format!("encoding GeoPackage geometry: {e}")))
}

/// A geometry from GeoPackage binary.
///
/// # Errors
/// Bytes that are not a GeoPackage geometry.
pub fn from_gpkg(bytes: &[u8]) -> Result<Geometry, StoreError> {
    GpkgWkb(bytes)
        .to_geo()
        .map_err(|e| StoreError::Failed(format!("decoding GeoPackage geometry: {e}")))
}

#[cfg(test)]
mod tests {
    use geo::{LineString, MultiPolygon, Point, Polygon};

    use super::*;

    #[test]
    fn geometries_round_trip_through_both_encodings() {
        let square = Polygon::new(
            LineString::from(vec![
                (112.0, 31.0),
                (112.1, 31.0),
                (112.1, 31.1),
                (112.0, 31.0),
            ]),
            vec![],
        );
        for g in [
            Geometry::Point(Point::new(112.2, 31.05)),
            Geometry::Polygon(square.clone()),
            Geometry::MultiPolygon(MultiPolygon(vec![square])),
            Geometry::LineString(LineString::from(vec![(112.0, 31.0), (112.5, 31.5)])),
        ] {
            assert_eq!(from_wkb(&to_wkb(&g).unwrap()).unwrap(), g);
            let gpkg = to_gpkg(&g).unwrap();
            assert_eq!(&gpkg[..2], b"GP", "GeoPackage magic");
            assert_eq!(i32::from_le_bytes(gpkg[4..8].try_into().unwrap()), SRID);
            assert_eq!(from_gpkg(&gpkg).unwrap(), g);
        }
    }
}
