//! Reading and writing a dataset directory:
//!
//! | file | content |
//! | --- | --- |
//! | `districts.geojson` … `patrol_tracks.geojson` | one FeatureCollection per layer, one feature per line |
//! | `streets.geojson` | optional; `class`, `name` (default empty), `walkable` (default true), or OpenStreetMap's `highway`, `name`, `foot`, `access`, `other_tags` ([`super::osm`]) |
//! | `streets.meta.json` | optional; `{"country": "FI"}`: whose default foot access applies to OSM ways |
//! | `incidents.csv` | `id,lon,lat,kind,reported_at,status,resolved_at,source,occurred_from,occurred_to` |
//! | `handling.csv` | optional; `incident_id,at,from,to,department,by,note`, the handling moves |
//! | `lists.json` | optional; the governance lists: units, resource and demand items, projects |
//!
//! Patrol tracks carry their per-vertex GPS times in a `coordTimes` property (RFC 3339 strings),
//! the convention of `mapbox/togeojson` for GPX-derived GeoJSON.
//! Derived fields (grid and community of buildings, resources and incidents) are not stored:
//! the index computes them.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use geo::{Geometry, LineString, MultiLineString, MultiPolygon};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod handling;
mod incidents;
mod lists;

pub use handling::{read_moves, write_moves};
pub use incidents::{parse_incident_row, read_incidents, write_incidents};
pub use lists::{read_lists, write_lists};

use super::osm::{self, FootDefaults};
use super::{DataError, Dataset};
use crate::model::{
    Building, BuildingUse, City, Community, District, Grid, PatrolRoute, PatrolTrack, Resource,
    ResourceKind, Street, StreetClass, format_local, parse_instant,
};

#[derive(Serialize, Deserialize)]
struct DistrictProps {
    name: String,
    name_en: String,
    central_city: bool,
}

#[derive(Serialize, Deserialize)]
struct CommunityProps {
    name: String,
    #[serde(default)]
    code: Option<String>,
    district_id: u64,
    households: u32,
    population: u32,
}

#[derive(Serialize, Deserialize)]
struct GridProps {
    community_id: u64,
    name: String,
    households: u32,
    population: u32,
}

#[derive(Serialize, Deserialize)]
struct BuildingProps {
    households: u32,
    floors: u16,
    #[serde(rename = "use")]
    building_use: BuildingUse,
    unmanaged: bool,
}

#[derive(Serialize, Deserialize)]
struct ResourceProps {
    kind: ResourceKind,
    name: String,
    capacity: u32,
}

/// A street as written: `name` left out when empty (most footpaths) and `walkable` when true,
/// the defaults the reader applies, to keep the bundled file small.
#[derive(Serialize)]
struct StreetOut<'a> {
    class: StreetClass,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "is_true")]
    walkable: bool,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if signature"
)]
fn is_true(b: &bool) -> bool {
    *b
}

/// A street's properties as read: ours, or OpenStreetMap's as GDAL writes them (`foot` and
/// `access` as columns, or inside `other_tags` as GDAL's default `osmconf.ini` leaves them).
#[derive(Deserialize)]
struct StreetIn {
    class: Option<StreetClass>,
    name: Option<String>,
    walkable: Option<bool>,
    highway: Option<String>,
    foot: Option<String>,
    access: Option<String>,
    other_tags: Option<String>,
}

impl StreetIn {
    /// The class and walkability: `class` and `walkable` when given; else from OpenStreetMap's
    /// tags by [`osm::classify`] (`None`: a line that is not a street or path, left out).
    fn class(
        &self,
        id: u64,
        path: &Path,
        defaults: FootDefaults,
    ) -> Result<Option<(StreetClass, bool)>, DataError> {
        if let Some(class) = self.class {
            return Ok(Some((class, self.walkable.unwrap_or(true))));
        }
        let Some(highway) = &self.highway else {
            return Err(DataError::invalid(
                path,
                format!("feature {id}: a street needs `class` or OpenStreetMap's `highway`"),
            ));
        };
        let other = |key| {
            self.other_tags
                .as_deref()
                .and_then(|tags| osm::other_tag(tags, key))
        };
        let (foot, access) = (
            self.foot.clone().or_else(|| other("foot")),
            self.access.clone().or_else(|| other("access")),
        );
        let tags = osm::WayTags {
            highway,
            foot: foot.as_deref(),
            access: access.as_deref(),
        };
        Ok(osm::classify(&tags, defaults)
            .map(|(class, walkable)| (class, self.walkable.unwrap_or(walkable))))
    }
}

/// `streets.meta.json`, beside `streets.geojson` when it comes from OpenStreetMap: the country
/// (ISO 3166-1 alpha-2) whose default foot access applies to ways without `foot=*`.
#[derive(Deserialize)]
struct StreetsMeta {
    country: String,
}

#[derive(Serialize, Deserialize)]
struct RouteProps {
    community_id: u64,
    team: String,
    weekday: u8,
    start_time: String,
    end_time: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackProps {
    #[serde(rename = "route_id")]
    route_id: Option<u64>,
    #[serde(rename = "community_id")]
    community_id: u64,
    team: String,
    #[serde(rename = "started_at")]
    started_at: String,
    #[serde(rename = "ended_at")]
    ended_at: String,
    coord_times: Vec<String>,
}

#[derive(Serialize)]
struct FeatureOut<'a, P> {
    r#type: &'static str,
    id: u64,
    properties: &'a P,
    geometry: geojson::Geometry,
}

/// Writes every layer of `data` into `dir` (created if missing).
///
/// # Errors
/// I/O failures, naming the file.
#[expect(clippy::too_many_lines, reason = "one writer per layer, in file order")]
pub fn write_dir(dir: &Path, data: &Dataset) -> Result<(), DataError> {
    std::fs::create_dir_all(dir).map_err(|e| DataError::io(dir, e))?;
    write_city(dir, &data.city)?;
    write_layer(
        &dir.join("districts.geojson"),
        data.districts.iter().map(|d| {
            (
                d.id,
                DistrictProps {
                    name: d.name.clone(),
                    name_en: d.name_en.clone(),
                    central_city: d.central_city,
                },
                Geometry::from(d.geometry.clone()),
            )
        }),
    )?;
    write_layer(
        &dir.join("communities.geojson"),
        data.communities.iter().map(|c| {
            let p = CommunityProps {
                name: c.name.clone(),
                code: c.code.clone(),
                district_id: c.district_id,
                households: c.households,
                population: c.population,
            };
            (c.id, p, Geometry::from(c.geometry.clone()))
        }),
    )?;
    write_layer(
        &dir.join("grids.geojson"),
        data.grids.iter().map(|g| {
            let p = GridProps {
                community_id: g.community_id,
                name: g.name.clone(),
                households: g.households,
                population: g.population,
            };
            (g.id, p, Geometry::from(g.geometry.clone()))
        }),
    )?;
    write_layer(
        &dir.join("buildings.geojson"),
        data.buildings.iter().map(|b| {
            let p = BuildingProps {
                households: b.households,
                floors: b.floors,
                building_use: b.building_use,
                unmanaged: b.unmanaged,
            };
            (b.id, p, Geometry::from(b.geometry.clone()))
        }),
    )?;
    write_layer(
        &dir.join("resources.geojson"),
        data.resources.iter().map(|r| {
            (
                r.id,
                ResourceProps {
                    kind: r.kind,
                    name: r.name.clone(),
                    capacity: r.capacity,
                },
                Geometry::from(r.geometry),
            )
        }),
    )?;
    write_layer(
        &dir.join("streets.geojson"),
        data.streets.iter().map(|s| {
            let p = StreetOut {
                class: s.class,
                name: &s.name,
                walkable: s.walkable,
            };
            (s.id, p, Geometry::from(s.geometry.clone()))
        }),
    )?;
    write_layer(
        &dir.join("patrol_routes.geojson"),
        data.patrol_routes.iter().map(|r| {
            let p = RouteProps {
                community_id: r.community_id,
                team: r.team.clone(),
                weekday: r.weekday,
                start_time: r.start_time.clone(),
                end_time: r.end_time.clone(),
            };
            (r.id, p, Geometry::from(r.geometry.clone()))
        }),
    )?;
    write_layer(
        &dir.join("patrol_tracks.geojson"),
        data.patrol_tracks.iter().map(|t| {
            let p = TrackProps {
                route_id: t.route_id,
                community_id: t.community_id,
                team: t.team.clone(),
                started_at: format_local(t.started_at),
                ended_at: format_local(t.ended_at),
                coord_times: t.times.iter().map(|&s| format_local(s)).collect(),
            };
            (t.id, p, Geometry::from(t.geometry.clone()))
        }),
    )?;
    write_incidents(&dir.join("incidents.csv"), &data.incidents)?;
    write_lists(&dir.join("lists.json"), &data.lists)?;
    if data.moves.is_empty() {
        return Ok(());
    }
    write_moves(&dir.join("handling.csv"), &data.moves)
}

fn write_layer<P: Serialize>(
    path: &Path,
    features: impl Iterator<Item = (u64, P, Geometry)>,
) -> Result<(), DataError> {
    let io = |e| DataError::io(path, e);
    let mut out = BufWriter::new(File::create(path).map_err(io)?);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
        .map_err(io)?;
    for (i, (id, properties, geometry)) in features.enumerate() {
        let feature = FeatureOut {
            r#type: "Feature",
            id,
            properties: &properties,
            geometry: geojson::Geometry::new(geojson::Value::from(&geometry)),
        };
        out.write_all(if i == 0 { b"\n" } else { b",\n" })
            .map_err(io)?;
        serde_json::to_writer(&mut out, &feature)
            .map_err(|e| DataError::invalid(path, e.to_string()))?;
    }
    out.write_all(b"\n]}\n").map_err(io)?;
    out.flush().map_err(io)
}

/// The file naming a dataset's city.
pub const CITY_FILE: &str = "city.json";

/// Writes `city.json`.
fn write_city(dir: &Path, city: &City) -> Result<(), DataError> {
    let path = dir.join(CITY_FILE);
    let json =
        serde_json::to_string_pretty(city).map_err(|e| DataError::invalid(&path, e.to_string()))?;
    std::fs::write(&path, json + "\n").map_err(|e| DataError::io(&path, e))
}

/// Reads `city.json`.
///
/// # Errors
/// An unreadable or malformed file.
///
/// A directory without one is of the seed city, Jingmen (it predates
/// cities).
pub fn read_city(dir: &Path) -> Result<City, DataError> {
    let path = dir.join(CITY_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes).map_err(|e| DataError::invalid(&path, e.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(City::jingmen()),
        Err(e) => Err(DataError::io(&path, e)),
    }
}

/// Reads a dataset directory written by [`write_dir`] (or by hand in the same formats).
///
/// # Errors
/// A missing file, malformed GeoJSON/CSV, a geometry of the wrong type, or a bad property,
/// each naming the file and feature.
#[expect(clippy::too_many_lines, reason = "one reader per layer, in file order")]
pub fn read_dir(dir: &Path) -> Result<Dataset, DataError> {
    Ok(Dataset {
        city: read_city(dir)?,
        districts: read_layer(
            &dir.join("districts.geojson"),
            |id, p: DistrictProps, g, path| {
                Ok(District {
                    id,
                    name: p.name,
                    name_en: p.name_en,
                    central_city: p.central_city,
                    geometry: multipolygon(g, path, id)?,
                })
            },
        )?,
        communities: read_layer(
            &dir.join("communities.geojson"),
            |id, p: CommunityProps, g, path| {
                Ok(Community {
                    id,
                    name: p.name,
                    code: p.code,
                    district_id: p.district_id,
                    households: p.households,
                    population: p.population,
                    geometry: multipolygon(g, path, id)?,
                })
            },
        )?,
        grids: read_layer(&dir.join("grids.geojson"), |id, p: GridProps, g, path| {
            let Geometry::Polygon(geometry) = g else {
                return Err(wrong_type(path, id, "Polygon"));
            };
            Ok(Grid {
                id,
                community_id: p.community_id,
                name: p.name,
                households: p.households,
                population: p.population,
                geometry,
            })
        })?,
        buildings: read_layer(
            &dir.join("buildings.geojson"),
            |id, p: BuildingProps, g, path| {
                let Geometry::Polygon(geometry) = g else {
                    return Err(wrong_type(path, id, "Polygon"));
                };
                Ok(Building {
                    id,
                    households: p.households,
                    floors: p.floors,
                    building_use: p.building_use,
                    unmanaged: p.unmanaged,
                    geometry,
                    grid_id: None,
                    community_id: None,
                })
            },
        )?,
        resources: read_layer(
            &dir.join("resources.geojson"),
            |id, p: ResourceProps, g, path| {
                let Geometry::Point(geometry) = g else {
                    return Err(wrong_type(path, id, "Point"));
                };
                Ok(Resource {
                    id,
                    kind: p.kind,
                    name: p.name,
                    capacity: p.capacity,
                    geometry,
                    community_id: None,
                })
            },
        )?,
        streets: read_streets(&dir.join("streets.geojson"))?,
        patrol_routes: read_layer(
            &dir.join("patrol_routes.geojson"),
            |id, p: RouteProps, g, path| {
                let geometry = match g {
                    Geometry::LineString(l) => MultiLineString::new(vec![l]),
                    Geometry::MultiLineString(m) => m,
                    _ => return Err(wrong_type(path, id, "LineString or MultiLineString")),
                };
                Ok(PatrolRoute {
                    id,
                    community_id: p.community_id,
                    team: p.team,
                    weekday: p.weekday,
                    start_time: p.start_time,
                    end_time: p.end_time,
                    geometry,
                })
            },
        )?,
        patrol_tracks: read_layer(
            &dir.join("patrol_tracks.geojson"),
            |id, p: TrackProps, g, path| {
                let Geometry::LineString(geometry) = g else {
                    return Err(wrong_type(path, id, "LineString"));
                };
                track(id, p, geometry, path)
            },
        )?,
        incidents: read_incidents(&dir.join("incidents.csv"))?,
        moves: read_moves(&dir.join("handling.csv"))?,
        lists: read_lists(&dir.join("lists.json"))?,
    })
}

/// Reads `streets.geojson` if the dataset has one (a dataset without streets answers walking
/// questions in straight lines).
fn read_streets(path: &Path) -> Result<Vec<Street>, DataError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let meta = path.with_file_name("streets.meta.json");
    let defaults = if meta.exists() {
        let file = File::open(&meta).map_err(|e| DataError::io(&meta, e))?;
        let meta_in: StreetsMeta = serde_json::from_reader(BufReader::new(file)).map_err(|e| {
            DataError::invalid(&meta, format!("expected {{\"country\": \"FI\"}}: {e}"))
        })?;
        FootDefaults::for_country(&meta_in.country)
    } else {
        FootDefaults::default()
    };
    let streets = read_layer(path, |id, p: StreetIn, g, path| {
        let Some((class, walkable)) = p.class(id, path, defaults)? else {
            return Ok(None);
        };
        let geometry = match g {
            Geometry::LineString(l) => l,
            Geometry::MultiLineString(m) if m.0.len() == 1 => {
                m.0.into_iter()
                    .next()
                    .unwrap_or_else(|| LineString::new(vec![]))
            }
            _ => return Err(wrong_type(path, id, "LineString")),
        };
        if geometry.0.len() < 2 {
            return Err(DataError::invalid(
                path,
                format!("feature {id}: a street needs two or more vertices"),
            ));
        }
        Ok(Some(Street {
            id,
            class,
            name: p.name.unwrap_or_default(),
            walkable,
            geometry,
        }))
    })?;
    Ok(streets.into_iter().flatten().collect())
}

fn track(
    id: u64,
    p: TrackProps,
    geometry: LineString,
    path: &Path,
) -> Result<PatrolTrack, DataError> {
    let time = |s: &str| {
        parse_instant(s).map_err(|e| DataError::invalid(path, format!("feature {id}: {e}")))
    };
    let times = p
        .coord_times
        .iter()
        .map(|s| time(s))
        .collect::<Result<Vec<_>, _>>()?;
    if times.len() != geometry.0.len() {
        return Err(DataError::invalid(
            path,
            format!(
                "feature {id}: {} coordTimes for {} vertices",
                times.len(),
                geometry.0.len()
            ),
        ));
    }
    Ok(PatrolTrack {
        id,
        route_id: p.route_id,
        community_id: p.community_id,
        team: p.team,
        started_at: time(&p.started_at)?,
        ended_at: time(&p.ended_at)?,
        geometry,
        times,
    })
}

fn wrong_type(path: &Path, id: u64, want: &str) -> DataError {
    DataError::invalid(path, format!("feature {id}: geometry must be a {want}"))
}

fn multipolygon(g: Geometry, path: &Path, id: u64) -> Result<MultiPolygon, DataError> {
    match g {
        Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        Geometry::MultiPolygon(m) => Ok(m),
        _ => Err(wrong_type(path, id, "Polygon or MultiPolygon")),
    }
}

/// Reads one GeoJSON FeatureCollection, turning each feature into a record with `build`.
fn read_layer<P: DeserializeOwned, T>(
    path: &Path,
    build: impl Fn(u64, P, Geometry, &Path) -> Result<T, DataError>,
) -> Result<Vec<T>, DataError> {
    let reader = BufReader::new(File::open(path).map_err(|e| DataError::io(path, e))?);
    let collection: geojson::FeatureCollection = serde_json::from_reader(reader)
        .map_err(|e| DataError::invalid(path, format!("not a GeoJSON FeatureCollection: {e}")))?;
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(n, f)| {
            let id = match &f.id {
                Some(geojson::feature::Id::Number(v)) => v.as_u64(),
                Some(geojson::feature::Id::String(s)) => s.parse().ok(),
                None => None,
            }
            .ok_or_else(|| {
                DataError::invalid(path, format!("feature #{n} has no positive integer id"))
            })?;
            let geometry = f
                .geometry
                .ok_or_else(|| DataError::invalid(path, format!("feature {id} has no geometry")))?;
            let geometry = Geometry::try_from(geometry.value)
                .map_err(|e| DataError::invalid(path, format!("feature {id}: {e}")))?;
            let props = serde_json::Value::Object(f.properties.unwrap_or_default());
            let props = serde_json::from_value(props)
                .map_err(|e| DataError::invalid(path, format!("feature {id}: {e}")))?;
            build(id, props, geometry, path)
        })
        .collect()
}

#[cfg(test)]
mod tests;
