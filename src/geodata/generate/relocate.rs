//! Another synthetic city from the seed city's shapes: every coordinate moved so that the
//! city's centre lands at a new place (distances kept: the move goes through each centre's
//! local metric frame, so a street of 100 m stays 100 m at another latitude), and the
//! administrative codes renumbered under the new city's code.

use geo::Coord;

use super::super::Dataset;
use crate::geodesy::Frame;
use crate::model::{City, LonLat};

/// The centre of `data`'s districts' bounding box (lon, lat).
#[must_use]
pub fn centre_of(data: &Dataset) -> Option<Coord> {
    use geo::BoundingRect;
    let rects = data
        .districts
        .iter()
        .filter_map(|d| d.geometry.bounding_rect());
    let rect = rects.reduce(|a, b| {
        geo::Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )
    })?;
    Some(rect.center())
}

/// Makes `data` the dataset of `city`: districts renumbered under its code (`PPCCdd`), each
/// community's statistical code given its prefix, and, with `centre`, every coordinate moved
/// so that the districts' centre lands there. Ids of entities stay: stores key every row by
/// its city, so two cities' ids never meet.
pub fn relocate(data: &mut Dataset, city: City, centre: Option<LonLat>) {
    let prefix = city.code.prefix();
    let old_prefix = data.city.code.prefix();
    let district = |id: u64| u64::from(prefix) * 100 + id % 100;
    for d in &mut data.districts {
        d.id = district(d.id);
    }
    for c in &mut data.communities {
        c.district_id = district(c.district_id);
        if let Some(code) = &mut c.code
            && code.starts_with(&old_prefix.to_string())
        {
            code.replace_range(..4, &format!("{prefix:04}"));
        }
    }
    data.city = city;
    let (Some(from), Some(to)) = (centre_of(data), centre) else {
        return;
    };
    let (from, to) = (Frame::at(from), Frame::at(to.into()));
    // To 1e-7 degrees (about a centimetre), as the seed city's files are written.
    let round = |v: f64| (v * 1e7).round() / 1e7;
    data.map_coords(|c| {
        let moved = to.to_lon_lat(from.to_local(c));
        Coord {
            x: round(moved.x),
            y: round(moved.y),
        }
    });
}

#[cfg(test)]
mod tests {
    use geo::{Coord, LineString, MultiPolygon, Polygon};

    use super::{centre_of, relocate};
    use crate::geodata::Dataset;
    use crate::geodesy::segment_m;
    use crate::model::{City, CityCode, District, LonLat, Street, StreetClass};

    #[test]
    fn a_moved_city_keeps_its_distances_and_takes_its_codes() {
        let square = |x: f64, y: f64| {
            MultiPolygon::new(vec![Polygon::new(
                LineString::from(vec![(x, y), (x + 0.1, y), (x + 0.1, y + 0.1), (x, y + 0.1)]),
                vec![],
            )])
        };
        let street = LineString::from(vec![(112.2, 31.0), (112.21, 31.01)]);
        let mut data = Dataset {
            districts: vec![District {
                id: 420_802,
                name: "东宝区".into(),
                name_en: "Dongbao".into(),
                central_city: true,
                geometry: square(112.1, 30.95),
            }],
            streets: vec![Street {
                id: 1,
                class: StreetClass::Local,
                name: String::new(),
                walkable: true,
                geometry: street.clone(),
            }],
            ..Dataset::default()
        };
        let before = segment_m(street.0[0], street.0[1]);
        let city = City {
            code: "420600".parse::<CityCode>().unwrap(),
            name: "Xiangyang".into(),
        };
        relocate(&mut data, city.clone(), LonLat::new(112.14, 32.04));
        assert_eq!(data.city, city);
        assert_eq!(data.districts[0].id, 420_602);
        let centre = centre_of(&data).unwrap();
        assert!((centre.x - 112.14).abs() < 1e-7 && (centre.y - 32.04).abs() < 1e-7);
        let moved = &data.streets[0].geometry;
        let after = segment_m(moved.0[0], moved.0[1]);
        // a local frame per centre: the 1.4 km street keeps its length within a metre
        assert!((after - before).abs() < 1.0, "{before} m became {after} m");
        assert!(moved.0[0] != Coord { x: 112.2, y: 31.0 });
    }
}
