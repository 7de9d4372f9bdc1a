//! `gridwatch generate`: a deterministic synthetic Jingmen.
//!
//! Every stage draws from its own ChaCha8 stream derived from the seed, so the city (districts,
//! communities, grids, buildings, resources, patrols) is the same whatever `--scale` asks of the
//! incidents, and the same seed always writes the same bytes.
//!
//! Stages, in order: districts (real, from `sources/`) → urban areas and communities → grids →
//! streets (laid out) → buildings → footpaths → resources → incidents and planted truth →
//! patrol routes and tracks along the streets (which plant their own truth around the hot spots).

mod analyst;
mod buildings;
mod city;
mod handling;
mod incidents;
mod inspections;
mod lists;
mod patrols;
mod relocate;
mod resources;
mod river_gap;
mod shapes;
mod streets;

use std::path::Path;

use geo::{Centroid, Contains, MultiPolygon};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use city::GRID_COUNT;
pub use incidents::{DEFAULT_INCIDENTS, PlantedHotspot};
pub use patrols::PatrolTruth;
pub use resources::SERVICE_COMPLEXES;
pub use river_gap::RiverGapBuilding;
pub use streets::River;

use super::{DataError, Dataset};
use crate::model::{City, District, LonLat};

pub use relocate::{centre_of, id_base, relocate};

/// The seed of the bundled dataset.
pub const DEFAULT_SEED: u64 = 20_190_101;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub incidents: usize,
    /// The city generated: the seed city, Jingmen, unless another is asked for.
    pub city: City,
    /// Where the city's centre goes (`None`: where Jingmen's is).
    pub centre: Option<LonLat>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            incidents: DEFAULT_INCIDENTS,
            city: City::jingmen(),
            centre: None,
        }
    }
}

/// What the generator planted, for tests to check the analytics against (`truth.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    pub seed: u64,
    pub incidents: usize,
    pub hotspots: Vec<PlantedHotspot>,
    /// Service complexes were withheld from the central city's north-western quarter
    /// (lon < 112.185, lat > 31.035): households there are beyond a 1 km walk by design.
    pub service_gap_bbox: [f64; 4],
    /// The river across the central city and its bridges: the only walkable crossings.
    pub river: River,
    /// Homes within 500 m of a service complex in a straight line but more than 1,000 m away on
    /// foot, because the river lies between and the nearest bridge is far (see [`river_gap`]).
    pub river_gap: Vec<RiverGapBuilding>,
    /// Disputes planted on weekday evenings of 2021 in the wrong-hours teams' communities
    /// (the last ids of the file, after the `incidents` above).
    pub evening_disputes: usize,
    /// What the patrol routes and tracks carry (see [`patrols`]).
    pub patrols: PatrolTruth,
    /// Criminal cases of 2021 followed by near repeats (after the evening disputes in the file).
    pub near_repeats: analyst::PlantedNearRepeats,
    /// The community whose 2021 Q3 is up on 2020 Q3 (the file's last ids).
    pub rise: analyst::PlantedRise,
    /// What the handling histories carry (see [`handling`]).
    pub handling: handling::HandlingTruth,
    /// What the governance lists carry (see [`lists`]).
    pub lists: lists::ListsTruth,
    /// What the joint inspections carry (see [`inspections`]).
    pub inspections: inspections::InspectionsTruth,
}

/// A generated dataset and its truth.
pub struct Generated {
    pub dataset: Dataset,
    /// `None` for another city than the seed (another code or `Options::centre`): the truth
    /// names the seed city's places and ids.
    pub truth: Option<Truth>,
}

/// Generates the city from the real references in `sources` (see `geodata/sources/README.md`).
///
/// # Errors
/// A missing or malformed source file.
pub fn generate(sources: &Path, options: Options) -> Result<Generated, DataError> {
    let stream =
        |n: u64| ChaCha8Rng::seed_from_u64(options.seed.wrapping_mul(1_000).wrapping_add(n));
    let districts = read_districts(&sources.join("jingmen_districts_wgs84.geojson"))?;
    let names = super::names::read_communities(&sources.join("jingmen_villages_nbs2023.csv"))?;

    let community_shapes = city::communities(&mut stream(1), &districts, &names);
    let grid_shapes = city::grids(&mut stream(2), &community_shapes);
    let plan = streets::lay_out(&mut stream(7), &community_shapes, &grid_shapes);
    let placed = buildings::place(&mut stream(3), &community_shapes, &grid_shapes, &plan.grids);
    let river = plan.river.clone();
    let streets = plan.finish(
        &placed
            .iter()
            .map(|p| (p.grid, &p.building.geometry))
            .collect::<Vec<_>>(),
    );
    let graph = crate::network::StreetGraph::build(
        &streets
            .iter()
            .map(crate::network::StreetLine::of)
            .collect::<Vec<_>>(),
    );
    let grid_community: Vec<usize> = grid_shapes.iter().map(|(c, _)| *c).collect();
    let resources = resources::place(&mut stream(4), &community_shapes, &placed, &grid_community);
    let river_gap = river_gap::find(&river, &placed, &resources);
    let city = city::city_rect(&districts)
        .ok_or_else(|| DataError::invalid(sources, "districts are empty"))?;
    let (mut incidents, hotspots) =
        incidents::generate(&mut stream(6), &placed, city, options.incidents);
    let wrong_hours = wrong_hours_communities(&placed, &grid_community, community_shapes.len());
    let evening = incidents::evening_disputes(
        &mut stream(8),
        &placed,
        &grid_community,
        &wrong_hours,
        incidents.len() as u64 + 1,
    );
    let evening_disputes = evening.len();
    incidents.extend(evening);
    let (near_repeats, rise) = plant_for_analysts(
        &stream,
        &placed,
        &grid_community,
        (&wrong_hours, &hotspots),
        &mut incidents,
    );
    let (patrol_routes, patrol_tracks, patrols) = patrols::build(
        &mut stream(5),
        &community_shapes,
        &grid_shapes,
        &graph,
        &hotspots,
        &wrong_hours,
    );

    let mut grid_households = vec![0u32; grid_shapes.len()];
    for p in &placed {
        grid_households[p.grid] += p.building.households;
    }
    let (communities, grids) = city::finish(&community_shapes, &grid_shapes, &grid_households);
    let mut dataset = Dataset {
        city: City::jingmen(),
        districts,
        communities,
        grids,
        buildings: placed.into_iter().map(|p| p.building).collect(),
        resources,
        streets,
        patrol_routes,
        patrol_tracks,
        incidents,
        moves: Vec::new(),
        lists: crate::model::lists::Lists::default(),
    };
    let handling = handling::plant(&mut stream(12), &mut dataset);
    let lists = lists::plant(&mut stream(13), &mut dataset);
    let inspections = inspections::plant(&mut stream(14), &mut dataset);
    // Another city's ids and places are not the ones the truth names.
    let other = options.city.code != dataset.city.code || options.centre.is_some();
    if options.city != dataset.city || other {
        relocate(&mut dataset, options.city, options.centre);
    }
    Ok(Generated {
        dataset,
        truth: (!other).then_some(Truth {
            seed: options.seed,
            incidents: options.incidents,
            hotspots,
            service_gap_bbox: [112.14, 31.035, 112.185, 31.09],
            river,
            river_gap,
            evening_disputes,
            patrols,
            near_repeats,
            rise,
            handling,
            lists,
            inspections,
        }),
    })
}

/// Plants what the analyst's methods must find (see [`analyst`]) into `incidents`, each from
/// its own stream (9, 10, 11), avoiding the communities of `taken` (wrong-hours teams, planted
/// hot spots).
fn plant_for_analysts(
    stream: &dyn Fn(u64) -> ChaCha8Rng,
    placed: &[buildings::Placed],
    grid_community: &[usize],
    taken: (&[usize], &[incidents::PlantedHotspot]),
    incidents: &mut Vec<crate::model::Incident>,
) -> (analyst::PlantedNearRepeats, analyst::PlantedRise) {
    analyst::give_windows(&mut stream(9), incidents);
    let (repeat_in, rising) = analyst_communities(placed, grid_community, taken.0, taken.1);
    let (repeats, near_repeats) = analyst::near_repeats(
        &mut stream(10),
        placed,
        grid_community,
        &repeat_in,
        incidents.len() as u64 + 1,
    );
    incidents.extend(repeats);
    let (risen, rise) = analyst::rise(
        &mut stream(11),
        placed,
        grid_community,
        rising,
        incidents.len() as u64 + 1,
    );
    incidents.extend(risen);
    (near_repeats, rise)
}

/// The analyst's communities (positions): three for near repeats and one that rises, the
/// communities with the most homes among those with no planted hot spot and no wrong-hours team
/// (so nothing else planted moves their counts).
fn analyst_communities(
    placed: &[buildings::Placed],
    grid_community: &[usize],
    wrong_hours: &[usize],
    hotspots: &[incidents::PlantedHotspot],
) -> (Vec<usize>, usize) {
    let communities = grid_community.iter().max().map_or(0, |m| m + 1);
    let mut homes = vec![0usize; communities];
    let mut taken = vec![false; communities];
    for &c in wrong_hours {
        taken[c] = true;
    }
    for p in placed {
        if p.building.households > 0 {
            homes[grid_community[p.grid]] += 1;
        }
        if hotspots.iter().any(|h| h.building_id == p.building.id) {
            taken[grid_community[p.grid]] = true;
        }
    }
    let mut order: Vec<usize> = (0..communities).filter(|&c| !taken[c]).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(homes[c]), c));
    (order[..3].to_vec(), order[3])
}

/// The communities (positions) whose teams walk at the wrong hours: every 45th from the 11th,
/// among those with at least 40 homes (so their planted evening disputes stand out).
fn wrong_hours_communities(
    placed: &[buildings::Placed],
    grid_community: &[usize],
    communities: usize,
) -> Vec<usize> {
    let mut homes = vec![0usize; communities];
    for p in placed.iter().filter(|p| p.building.households > 0) {
        homes[grid_community[p.grid]] += 1;
    }
    (10..communities)
        .step_by(45)
        .filter(|&c| homes[c] >= 40)
        .collect()
}

/// Writes a generated dataset and its `truth.json` into `out`.
///
/// # Errors
/// I/O failures.
pub fn write(out: &Path, generated: &Generated) -> Result<(), DataError> {
    super::write_dir(out, &generated.dataset)?;
    let path = out.join("truth.json");
    let Some(truth) = &generated.truth else {
        // A moved city has no truth of its own: leave none that names other places.
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(DataError::io(&path, e)),
            _ => Ok(()),
        };
    };
    let json = serde_json::to_string_pretty(truth)
        .map_err(|e| DataError::invalid(&path, e.to_string()))?;
    std::fs::write(&path, json + "\n").map_err(|e| DataError::io(&path, e))
}

#[derive(Deserialize)]
struct SourceDistrict {
    adcode: String,
    name: String,
    name_en: String,
    central_city: bool,
}

/// Reads the real district boundaries (properties `adcode`, `name`, `name_en`, `central_city`).
fn read_districts(path: &Path) -> Result<Vec<District>, DataError> {
    let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
    let collection: geojson::FeatureCollection = text
        .parse()
        .map_err(|e: geojson::Error| DataError::invalid(path, e.to_string()))?;
    collection
        .features
        .into_iter()
        .map(|f| {
            let props: SourceDistrict =
                serde_json::from_value(serde_json::Value::Object(f.properties.unwrap_or_default()))
                    .map_err(|e| DataError::invalid(path, e.to_string()))?;
            let geometry = f
                .geometry
                .ok_or_else(|| DataError::invalid(path, "district without geometry"))?;
            let geometry = match geo::Geometry::try_from(geometry.value)
                .map_err(|e| DataError::invalid(path, e.to_string()))?
            {
                geo::Geometry::MultiPolygon(m) => m,
                geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
                _ => {
                    return Err(DataError::invalid(
                        path,
                        "district geometry must be polygonal",
                    ));
                }
            };
            Ok(District {
                id: props.adcode.parse().map_err(|_| {
                    DataError::invalid(path, format!("bad adcode {}", props.adcode))
                })?,
                name: props.name,
                name_en: props.name_en,
                central_city: props.central_city,
                geometry,
            })
        })
        .collect()
}

/// Whether the centroid of `mp` lies in `district` (used by tests of the layout).
#[must_use]
pub fn centroid_in(mp: &MultiPolygon, district: &District) -> bool {
    mp.centroid()
        .is_some_and(|c| district.geometry.contains(&c))
}
