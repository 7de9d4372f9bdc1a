//! Entity records of the data model (PRODUCT.md). Geometries are WGS 84 lon/lat.
//! Derived fields (a building's or incident's grid and community) are `Option`s filled by the
//! index from point-in-polygon, never taken from input.

use geo::{LineString, MultiLineString, MultiPolygon, Point, Polygon};

use super::{BuildingUse, IncidentKind, IncidentSource, IncidentStatus, ResourceKind, StreetClass};

/// A county-level unit; `id` is its national administrative code (e.g. 420802).
#[derive(Debug, Clone)]
pub struct District {
    pub id: u64,
    pub name: String,
    pub name_en: String,
    pub central_city: bool,
    pub geometry: MultiPolygon,
}

/// An urban community (社区) and its committee.
#[derive(Debug, Clone)]
pub struct Community {
    pub id: u64,
    pub name: String,
    /// The national statistical code of the community, when it comes from NBS records.
    pub code: Option<String>,
    pub district_id: u64,
    pub households: u32,
    pub population: u32,
    pub geometry: MultiPolygon,
}

/// A grid (网格), the unit of street-level management inside one community.
#[derive(Debug, Clone)]
pub struct Grid {
    pub id: u64,
    pub community_id: u64,
    pub name: String,
    pub households: u32,
    pub population: u32,
    pub geometry: Polygon,
}

/// A building footprint. `grid_id` and `community_id` are derived from its interior point.
#[derive(Debug, Clone)]
pub struct Building {
    pub id: u64,
    pub households: u32,
    pub floors: u16,
    pub building_use: BuildingUse,
    /// An old "three-no" compound: no property management, no competent department, no
    /// residents' self-management.
    pub unmanaged: bool,
    pub geometry: Polygon,
    pub grid_id: Option<u64>,
    pub community_id: Option<u64>,
}

/// A point resource. `community_id` is derived from its location.
#[derive(Debug, Clone)]
pub struct Resource {
    pub id: u64,
    pub kind: ResourceKind,
    pub name: String,
    pub capacity: u32,
    pub geometry: Point,
    pub community_id: Option<u64>,
}

/// A street centre-line. Lines join where they share a vertex (the OpenStreetMap convention);
/// a line that is not `walkable` (an expressway, a rail line, a compound wall) is drawn but
/// never walked.
#[derive(Debug, Clone)]
pub struct Street {
    pub id: u64,
    pub class: StreetClass,
    /// Empty for most footpaths.
    pub name: String,
    pub walkable: bool,
    pub geometry: LineString,
}

/// A community patrol team's weekly route.
#[derive(Debug, Clone)]
pub struct PatrolRoute {
    pub id: u64,
    pub community_id: u64,
    pub team: String,
    /// ISO weekday, 1 = Monday .. 7 = Sunday.
    pub weekday: u8,
    /// Local times `HH:MM`.
    pub start_time: String,
    pub end_time: String,
    pub geometry: MultiLineString,
}

/// One walk of a patrol, as recorded by GPS: a time (Unix seconds) per vertex.
#[derive(Debug, Clone)]
pub struct PatrolTrack {
    pub id: u64,
    pub route_id: Option<u64>,
    pub community_id: u64,
    pub team: String,
    pub started_at: i64,
    pub ended_at: i64,
    pub geometry: LineString,
    pub times: Vec<i64>,
}

/// Who reported an incident and what they said: kept in the store beside the incident and
/// shown only to operator and admin tokens reading that one incident. The engine never holds
/// them, so no tile, list, export or event can carry them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Personal {
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub note: Option<String>,
}

impl Personal {
    /// Whether no field is given.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.reporter_name.is_none() && self.reporter_phone.is_none() && self.note.is_none()
    }
}

/// One incident as read from input; the index stores incidents column-wise.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: u64,
    pub lon: f64,
    pub lat: f64,
    pub kind: IncidentKind,
    pub reported_at: i64,
    pub status: IncidentStatus,
    pub resolved_at: Option<i64>,
    pub source: IncidentSource,
    /// When it happened, if only a window is known (a burglary found on return from a trip);
    /// `None` when it happened at `reported_at`.
    pub occurred: Option<Occurred>,
    /// Its handling, when it has a history (the store keeps the moves); `None` for an
    /// incident that only has a status.
    pub handling: Option<Box<crate::model::handling::Record>>,
}

/// The window an incident happened in (Unix seconds, `from ≤ to ≤ reported_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurred {
    pub from: i64,
    pub to: i64,
}

impl Occurred {
    /// The window, if `from ≤ to ≤ reported_at`.
    ///
    /// # Errors
    /// A message saying which order is broken.
    pub fn new(from: i64, to: i64, reported_at: i64) -> Result<Self, &'static str> {
        if from > to {
            return Err("occurred_from is after occurred_to");
        }
        if to > reported_at {
            return Err("occurred_to is after reported_at");
        }
        Ok(Self { from, to })
    }
}
