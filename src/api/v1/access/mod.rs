//! Access to resources under `/api/v1/access`: life-circle gaps, capacity (2SFCA) and where to
//! build next. Every answer says in its summary whether distances are on foot (`walk`, the
//! default when the dataset has streets) or in a straight line (`straight`).

mod fca;
mod gaps;
mod sites;

pub use fca::fca;
pub use gaps::gaps;
pub use sites::sites;

use crate::analytics::access::Mode;
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::ResourceKind;

/// Resource kinds from a comma list.
pub(in crate::api::v1) fn kinds(list: &str) -> Result<Vec<ResourceKind>, ApiError> {
    list.split(',')
        .map(|k| k.trim().parse::<ResourceKind>())
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::BadRequest(format!("`kind`: {e}")))
}

/// The `mode` parameter: `walk` by default when the dataset has streets, else `straight`.
///
/// # Errors
/// Any other value.
pub fn mode(engine: &Engine, params: &QueryParams) -> Result<Mode, ApiError> {
    mode_named(engine, params.get("mode"))
}

/// A mode by name (`None`: the default, as [`mode`]).
fn mode_named(engine: &Engine, name: Option<&str>) -> Result<Mode, ApiError> {
    match name {
        None if engine.streets.is_empty() => Ok(Mode::Straight),
        None | Some("walk") => Ok(Mode::Walk),
        Some("straight") => Ok(Mode::Straight),
        Some(other) => Err(ApiError::BadRequest(format!(
            "`mode` is walk or straight, not `{}`",
            other.chars().take(32).collect::<String>()
        ))),
    }
}

/// A distance parameter in metres: a number in `(0, max]`, or `default` when absent.
fn metres(params: &QueryParams, key: &str, default: f64, max: f64) -> Result<f64, ApiError> {
    let Some(raw) = params.get(key) else {
        return Ok(default);
    };
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0 && *v <= max)
        .ok_or_else(|| {
            ApiError::BadRequest(format!("`{key}` must be metres above 0 and at most {max}"))
        })
}

/// Rounds metres (and scores) for the answer: 0.1 m is finer than any position here.
fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
