//! Patrol coverage, dosage and timing: where and when the community patrol teams walk,
//! against where and when incidents happen (pure functions over the engine; served under
//! `/api/v1/patrol`).
//!
//! - [`adherence`]: the share of its route a track walked;
//! - [`coverage`]: a route or track buffered by a distance, per grid the share of its area,
//!   buildings and households within reach, the hot-spot cells reached and missed, and the
//!   incidents within reach;
//! - [`hot_cells`]: which cells each team is judged on (city-wide Gi* hot spots, else its
//!   community's own busiest cells);
//! - [`dosage`]: from GPS tracks, every visit to each hot-spot cell with its minutes, in
//!   Koper's bands;
//! - [`teams`]: every team measured four ways against its hot cells and ranked worst first;
//! - [`timing`]: the hours of the week a team patrols against its community's incidents by
//!   hour of week, and the start hour that would cover the most.
//!
//! Geometry is drawn in a local metric frame ([`crate::geodesy::Frame`]), never in degrees.

pub mod adherence;
pub mod coverage;
pub mod dosage;
pub mod hot_cells;
pub mod suggest;
pub mod teams;
pub mod timing;

#[cfg(test)]
mod tests;
