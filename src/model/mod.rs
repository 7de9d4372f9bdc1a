//! Domain types shared by every layer: entity records, closed vocabularies (kinds, statuses),
//! and the parsed query newtypes (`Bbox`, `Period`). Nothing here does I/O.

mod bbox;
pub mod calendar;
mod city;
pub mod datum;
mod entities;
pub mod handling;
pub mod inspections;
mod kinds;
pub mod list_edits;
pub mod lists;
mod lonlat;
mod period;
pub mod province;

pub use bbox::{Bbox, BboxError};
pub use city::{City, CityCode, CityCodeError, JINGMEN};
pub use entities::{
    Building, Community, District, Grid, Incident, Occurred, PatrolRoute, PatrolTrack, Personal,
    Resource, Street,
};
pub(crate) use kinds::named_enum;
pub use kinds::{
    BuildingUse, HandlingState, IncidentKind, IncidentSource, IncidentStatus, ResourceKind,
    StreetClass, UnknownVariant,
};
pub use lonlat::LonLat;
pub use period::{Period, PeriodError, format_local, parse_instant};

/// Counts below this are suppressed for aggregate-only readers: a cell of one or two
/// incidents can name a household.
pub const SUPPRESS_BELOW: u64 = 3;
