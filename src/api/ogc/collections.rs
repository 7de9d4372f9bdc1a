//! The collections of the OGC API: their ids (the entity names in plural), titles and extents.

use std::str::FromStr;

use serde_json::{Value, json};

use crate::index::Engine;
use crate::model::format_local;

/// One OGC collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionId {
    Districts,
    Communities,
    Grids,
    Buildings,
    Resources,
    Streets,
    Incidents,
    PatrolRoutes,
    PatrolTracks,
    Units,
    DemandItems,
    Inspections,
}

impl CollectionId {
    pub const ALL: [Self; 12] = [
        Self::Districts,
        Self::Communities,
        Self::Grids,
        Self::Buildings,
        Self::Resources,
        Self::Streets,
        Self::Incidents,
        Self::PatrolRoutes,
        Self::PatrolTracks,
        Self::Units,
        Self::DemandItems,
        Self::Inspections,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Districts => "districts",
            Self::Communities => "communities",
            Self::Grids => "grids",
            Self::Buildings => "buildings",
            Self::Resources => "resources",
            Self::Streets => "streets",
            Self::Incidents => "incidents",
            Self::PatrolRoutes => "patrol_routes",
            Self::PatrolTracks => "patrol_tracks",
            Self::Units => "units",
            Self::DemandItems => "demand_items",
            Self::Inspections => "inspections",
        }
    }

    const fn title(self) -> &'static str {
        match self {
            Self::Districts => "Districts",
            Self::Communities => "Communities",
            Self::Grids => "Grids",
            Self::Buildings => "Buildings",
            Self::Resources => "Resources",
            Self::Streets => "Streets",
            Self::Incidents => "Incidents",
            Self::PatrolRoutes => "Patrol routes",
            Self::PatrolTracks => "Patrol tracks",
            Self::Units => "Units in the communities' areas",
            Self::DemandItems => "Demand-list items",
            Self::Inspections => "Joint inspections",
        }
    }

    const fn description(self) -> &'static str {
        match self {
            Self::Districts => "County-level districts, each under its national division code.",
            Self::Communities => "Urban communities (社区), each under one district.",
            Self::Grids => {
                "Grids (网格), the street-level management units that tile each community."
            }
            Self::Buildings => {
                "Building footprints with households, floors, use and the three-no flag; grid and community derived by point-in-polygon."
            }
            Self::Resources => {
                "Service complexes, police stations and posts, community offices, schools, markets, clinics and party-member central households."
            }
            Self::Incidents => {
                "Reported incidents; grid and community derived by point-in-polygon. datetime filters on reported_at."
            }
            Self::Streets => {
                "Street centre-lines, the walking network: class (arterial, secondary, local, footpath), name, walkable. Lines join where they share a vertex."
            }
            Self::PatrolRoutes => "Weekly routes of the community patrol teams.",
            Self::PatrolTracks => {
                "GPS tracks of patrol walks with per-vertex times (coordTimes). datetime filters on the walk's span."
            }
            Self::Units => {
                "Units in a community's area (驻区单位) that offer resources to its committee: agencies, state enterprises, schools, hospitals, enterprises, social organisations."
            }
            Self::DemandItems => {
                "Residents' needs on the committee's demand list (需求清单): category, households, when raised, status (open, in a project, met). datetime filters on raised_at."
            }
            Self::Inspections => {
                "Joint inspections done (联合执法): two or more agencies, the kinds looked into, problems found and solved. datetime filters on at."
            }
        }
    }
}

impl FromStr for CollectionId {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or(())
    }
}

/// The first and last of some instants.
fn span(times: impl Iterator<Item = i64> + Clone) -> Option<(i64, i64)> {
    times.clone().min().zip(times.max())
}

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The collection description (`/ogc/collections/{id}`) with spatial and temporal extents.
#[must_use]
pub fn describe(engine: &Engine, id: CollectionId, base: &str) -> Value {
    let extent = match id {
        CollectionId::Districts => engine.districts.extent(),
        CollectionId::Communities => engine.communities.extent(),
        CollectionId::Grids => engine.grids.extent(),
        CollectionId::Buildings => engine.buildings.extent(),
        CollectionId::Resources => engine.resources.extent(),
        CollectionId::Streets => engine.streets.extent(),
        CollectionId::Incidents => engine.incidents.extent(),
        CollectionId::PatrolRoutes => engine.patrol_routes.extent(),
        CollectionId::PatrolTracks => engine.patrol_tracks.extent(),
        CollectionId::Units => engine.units.extent(),
        CollectionId::DemandItems => engine.demand_items.extent(),
        CollectionId::Inspections => engine.inspections.extent(),
    };
    let temporal = match id {
        CollectionId::Incidents => engine.incidents.time_extent(),
        CollectionId::PatrolTracks => {
            let items = engine.patrol_tracks.items();
            items
                .iter()
                .map(|t| t.started_at)
                .min()
                .zip(items.iter().map(|t| t.ended_at).max())
        }
        CollectionId::DemandItems => span(engine.demand_items.items().iter().map(|d| d.raised_at)),
        CollectionId::Inspections => span(engine.inspections.items().iter().map(|r| r.at)),
        _ => None,
    };
    let name = id.as_str();
    let mut extent_json = json!({
        "spatial": {
            "bbox": [extent.map_or(vec![-180.0, -90.0, 180.0, 90.0], |r| vec![r.min().x, r.min().y, r.max().x, r.max().y])],
            "crs": CRS84,
        }
    });
    if let Some((a, b)) = temporal {
        extent_json["temporal"] = json!({
            "interval": [[format_local(a), format_local(b)]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        });
    }
    let mut description = json!({
        "id": name,
        "title": id.title(),
        "description": id.description(),
        "itemType": "feature",
        // Part 2: every CRS items can be asked in; the city's own extent picks the zones.
        "crs": super::crs::Crs::offered(engine.districts.extent())
            .into_iter()
            .map(super::crs::Crs::uri)
            .collect::<Vec<_>>(),
        "storageCrs": CRS84,
        "extent": extent_json,
        "links": [
            { "href": format!("{base}/ogc/collections/{name}"), "rel": "self", "type": "application/json", "title": id.title() },
            { "href": format!("{base}/ogc/collections/{name}/items"), "rel": "items", "type": "application/geo+json", "title": format!("{} as GeoJSON", id.title()) },
            { "href": format!("{base}/ogc/collections/{name}/queryables"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": "application/schema+json", "title": "What the items may be filtered on" },
        ],
    });
    if super::tilesets::layer_of(id).is_some()
        && let Some(links) = description["links"].as_array_mut()
    {
        {
            links.push(json!({ "href": format!("{base}/ogc/collections/{name}/tiles"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "type": "application/json", "title": "Vector tiles" }));
        }
    }
    description
}
