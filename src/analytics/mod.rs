//! Analytics as pure functions over the engine's tables: no I/O, no HTTP.
//!
//! - [`access`]: the nearest resources from a point, on foot or in a straight line.
//! - [`hexbin`]: incident counts per H3 cell at any resolution (the cell holding each incident,
//!   computed once at load and ingest).
//! - [`study_area`]: the cells a hot-spot analysis runs over, and their neighbour lists.
//! - [`study_areas`]: those study areas cached by resolution, chosen areas and k.
//! - [`hotspots`]: the study area's counts and their Gi*, the one pipeline behind the hot-spot
//!   answer, its tiles and the patrol teams' hot cells.
//! - [`gistar`]: Getis-Ord Gi* with FDR-corrected confidence classes.
//! - [`emerging`]: emerging hot-spot analysis over a space-time cube (Gi* per bin,
//!   Mann-Kendall trend, ArcGIS categories).
//! - [`stats`]: per-grid and per-community rates, change, resolution, and time profiles.
//! - [`near_repeat`]: Knox tests of space-time interaction over distance and time bands.
//! - [`aoristic`]: the hour-of-week table of incidents known only to a time window.
//! - [`kde`]: quartic kernel density on a grid of cells.
//! - [`backtest`]: which hot-spot map would have predicted the next period best (PAI, PEI).
//! - [`streets`]: the walking network's parts, lengths, unreached buildings and circuity.

pub mod access;
pub mod aoristic;
pub mod backtest;
pub mod emerging;
pub mod gistar;
pub mod handling;
pub mod hexbin;
pub mod hotspots;
pub mod inspection;
pub mod kde;
pub mod list_match;
pub mod mann_kendall;
pub mod matching;
pub mod near_repeat;
pub mod orienteering;
pub mod patrol;
pub mod province;
pub mod significance;
pub mod stats;
pub mod streets;
pub mod study_area;
pub mod study_areas;
