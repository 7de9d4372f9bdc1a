//! The crime analyst's methods: `GET /api/v1/near-repeat`, `/aoristic`, `/kde` and
//! `/forecast/backtest`. Each reads the common filters (kind, period, community, grid, bbox,
//! status) and runs one pure function of [`crate::analytics`] on the matching incidents, in a
//! local metric frame centred on them.

mod aoristic;
mod backtest;
mod kde;
mod near_repeat;

pub use aoristic::aoristic;
pub use backtest::{BACKTEST_RES, BACKTEST_STEP, LOOKBACK, backtest};
pub use kde::{BANDWIDTH_M, CELL_M, kde};
pub use near_repeat::{PERMUTATIONS, SEED, near_repeat};

use geo::Coord;

use crate::api::{ApiError, QueryParams};
use crate::geodesy::Frame;
use crate::index::{Engine, IncidentFilter};

/// A comma-separated list of positive numbers under `key`, or `default`.
pub(super) fn numbers(
    params: &QueryParams,
    key: &str,
    default: &[f64],
    max: f64,
) -> Result<Vec<f64>, ApiError> {
    let Some(raw) = params.get(key) else {
        return Ok(default.to_vec());
    };
    raw.split(',')
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0 && *v <= max)
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "`{key}` is a comma-separated list of numbers above 0 and at most {max}, not `{}`",
                        s.chars().take(32).collect::<String>()
                    ))
                })
        })
        .collect()
}

/// The incidents an analysis runs on, in a metric frame centred on them.
pub struct Local {
    /// Their rows in the incident table, in time order.
    pub rows: Vec<usize>,
    /// Each row's position in metres east and north of the frame's origin.
    pub at: Vec<Coord>,
    pub frame: Frame,
}

/// The incidents matching `filter`, placed in a frame at their mean position: how every
/// analyst's method (and its benchmark) turns lon/lat into the metres it measures in.
#[must_use]
pub fn local_incidents(engine: &Engine, filter: &IncidentFilter) -> Local {
    let mut rows = Vec::new();
    engine
        .incidents
        .for_each_match(filter, |row| rows.push(row));
    let t = &engine.incidents;
    let n = rows.len().max(1) as f64;
    let frame = Frame::at(Coord {
        x: rows.iter().map(|&r| t.lon[r]).sum::<f64>() / n,
        y: rows.iter().map(|&r| t.lat[r]).sum::<f64>() / n,
    });
    let at = rows
        .iter()
        .map(|&r| {
            frame.to_local(Coord {
                x: t.lon[r],
                y: t.lat[r],
            })
        })
        .collect();
    Local { rows, at, frame }
}
