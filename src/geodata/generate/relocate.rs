//! Another synthetic city from the seed city's shapes: every coordinate moved so that the
//! city's centre lands at a new place (distances kept: the move goes through each centre's
//! local metric frame, so a street of 100 m stays 100 m at another latitude), the
//! administrative codes renumbered under the new city's code, and every id moved into a range
//! of its own, so two generated cities' ids never meet even outside the stores' keys.

use geo::Coord;

use super::super::Dataset;
use crate::geodesy::Frame;
use crate::model::{City, CityCode, JINGMEN, LonLat};

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

/// Where a city's ids start: 0 for the seed city (its ids are the ones it always had), else
/// its 4-digit prefix × 10⁹ (Xiangyang's community 1 is 4,206,000,000,001): room for a billion
/// rows per table and city, and under 2⁵³, so JavaScript reads them exactly.
#[must_use]
pub fn id_base(city: CityCode) -> u64 {
    if city == JINGMEN {
        0
    } else {
        u64::from(city.prefix()) * 1_000_000_000
    }
}

/// Makes `data` (the seed city's) the dataset of `city`: districts renumbered under its code
/// (`PPCCdd`), each community's statistical code given its prefix, every id (and every
/// reference) moved by [`id_base`], and, with `centre`, every coordinate moved so that the
/// districts' centre lands there.
pub fn relocate(data: &mut Dataset, city: City, centre: Option<LonLat>) {
    renumber(data, id_base(city.code) - id_base(data.city.code));
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

/// Adds `by` to every id and every reference to one (districts keep their codes).
fn renumber(data: &mut Dataset, by: u64) {
    let shift = |id: &mut u64| *id += by;
    let shift_some = |id: &mut Option<u64>| {
        if let Some(id) = id {
            *id += by;
        }
    };
    for c in &mut data.communities {
        shift(&mut c.id);
    }
    for g in &mut data.grids {
        shift(&mut g.id);
        shift(&mut g.community_id);
    }
    for b in &mut data.buildings {
        shift(&mut b.id);
        shift_some(&mut b.grid_id);
        shift_some(&mut b.community_id);
    }
    for r in &mut data.resources {
        shift(&mut r.id);
        shift_some(&mut r.community_id);
    }
    for s in &mut data.streets {
        shift(&mut s.id);
    }
    for r in &mut data.patrol_routes {
        shift(&mut r.id);
        shift(&mut r.community_id);
    }
    for t in &mut data.patrol_tracks {
        shift(&mut t.id);
        shift_some(&mut t.route_id);
        shift(&mut t.community_id);
    }
    for i in &mut data.incidents {
        shift(&mut i.id);
    }
    for m in &mut data.moves {
        shift(&mut m.incident_id);
    }
    let lists = &mut data.lists;
    for u in &mut lists.units {
        shift(&mut u.id);
        shift(&mut u.community_id);
    }
    for r in &mut lists.resources {
        shift(&mut r.id);
        shift(&mut r.unit_id);
    }
    for d in &mut lists.demands {
        shift(&mut d.id);
        shift(&mut d.community_id);
        shift_some(&mut d.building_id);
    }
    for p in &mut lists.projects {
        shift(&mut p.id);
        shift(&mut p.community_id);
        p.demand_ids.iter_mut().for_each(shift);
        p.resource_ids.iter_mut().for_each(shift);
    }
    for i in &mut lists.inspections {
        shift(&mut i.id);
        shift(&mut i.community_id);
    }
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
        assert_eq!(data.streets[0].id, 4_206_000_000_001);
        let centre = centre_of(&data).unwrap();
        assert!((centre.x - 112.14).abs() < 1e-7 && (centre.y - 32.04).abs() < 1e-7);
        let moved = &data.streets[0].geometry;
        let after = segment_m(moved.0[0], moved.0[1]);
        // a local frame per centre: the 1.4 km street keeps its length within a metre
        assert!((after - before).abs() < 1.0, "{before} m became {after} m");
        assert!(moved.0[0] != Coord { x: 112.2, y: 31.0 });
    }
}
