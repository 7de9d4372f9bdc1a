//! Domain types shared by every layer: entity records, closed vocabularies (kinds, statuses),
//! and the parsed query newtypes (`Bbox`, `Period`). Nothing here does I/O.

mod bbox;
pub mod datum;
mod entities;
mod kinds;
mod period;

pub use bbox::{Bbox, BboxError};
pub use entities::{
    Building, Community, District, Grid, Incident, PatrolRoute, PatrolTrack, Personal, Resource,
    Street,
};
pub use kinds::{
    BuildingUse, IncidentKind, IncidentSource, IncidentStatus, ResourceKind, StreetClass,
    UnknownVariant,
};
pub use period::{Period, PeriodError, format_local, parse_instant};
