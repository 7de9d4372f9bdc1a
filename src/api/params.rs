//! The vocabulary of query parameters, read the same way by every handler: distances in
//! metres, `LON,LAT` positions, H3 resolutions, resource kinds, how distance is measured, and
//! how figures are rounded for an answer. Each reader names the parameter in its refusal.

use std::ops::RangeInclusive;

use geo::Coord;

use super::{ApiError, QueryParams};
use crate::analytics::access::Mode;
use crate::index::{BIN_RESOLUTIONS, Engine};
use crate::model::{LonLat, ResourceKind};

/// `v` rounded to `decimals` places for an answer, never `-0` (an empty float sum is `-0.0`,
/// and a small negative rounds to it).
#[must_use]
pub fn rounded(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale + 0.0
}

/// A distance parameter in metres: a number in `(0, max]`, or `default` when absent.
///
/// # Errors
/// Not a number, or out of range.
pub fn metres(params: &QueryParams, key: &str, default: f64, max: f64) -> Result<f64, ApiError> {
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

/// A required `LON,LAT` parameter (WGS 84 degrees).
///
/// # Errors
/// Absent, not two numbers, or out of range.
pub fn lon_lat(params: &QueryParams, key: &str) -> Result<Coord, ApiError> {
    let raw = params
        .get(key)
        .ok_or_else(|| ApiError::BadRequest(format!("`{key}` is required, as LON,LAT")))?;
    let parts: Vec<f64> = raw
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::BadRequest(format!("`{key}` must be LON,LAT in degrees")))?;
    match parts[..] {
        [lon, lat] => point(key, lon, lat),
        _ => Err(ApiError::BadRequest(format!(
            "`{key}` must be LON,LAT in degrees"
        ))),
    }
}

/// The position (`lon`, `lat`) given as `what`, if in range.
///
/// # Errors
/// Out of range or not finite.
pub fn point(what: &str, lon: f64, lat: f64) -> Result<Coord, ApiError> {
    LonLat::new(lon, lat).map(Coord::from).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`{what}` is out of range: longitude −180..180, latitude −90..90"
        ))
    })
}

/// The resolutions the incident analyses take: every one the incidents are binned at.
pub const RESOLUTIONS: RangeInclusive<u8> = BIN_RESOLUTIONS;

/// The finest resolution of an emerging hot-spot analysis (a cube at res 11 is far past the
/// bin limit).
pub const MAX_EMERGING_RES: u8 = 10;

/// `res` within `range` (inside [`RESOLUTIONS`]), `default` when absent.
///
/// # Errors
/// A value outside the range.
pub fn resolution(
    params: &QueryParams,
    default: u8,
    range: RangeInclusive<u8>,
) -> Result<h3o::Resolution, ApiError> {
    let value = params.integer(
        "res",
        u64::from(default),
        u64::from(*range.start())..=u64::from(*range.end()),
    )?;
    h3o::Resolution::try_from(value as u8).map_err(|e| ApiError::BadRequest(format!("`res`: {e}")))
}

/// Resource kinds from a comma list given as `key`.
///
/// # Errors
/// An unknown kind.
pub fn resource_kinds(key: &str, list: &str) -> Result<Vec<ResourceKind>, ApiError> {
    list.split(',')
        .map(|k| k.trim().parse::<ResourceKind>())
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::BadRequest(format!("`{key}`: {e}")))
}

/// The `mode` parameter: `walk` by default when the dataset has streets, else `straight`.
///
/// # Errors
/// Any other value.
pub fn mode(engine: &Engine, params: &QueryParams) -> Result<Mode, ApiError> {
    mode_named(engine, params.get("mode"))
}

/// A mode by name (`None`: the default, as [`mode`]).
///
/// # Errors
/// A name that is not a mode.
pub fn mode_named(engine: &Engine, name: Option<&str>) -> Result<Mode, ApiError> {
    match name {
        None if engine.streets.is_empty() => Ok(Mode::Straight),
        None => Ok(Mode::Walk),
        Some(name) => name.parse().map_err(|_| {
            ApiError::BadRequest(format!(
                "`mode` is walk or straight, not `{}`",
                name.chars().take(32).collect::<String>()
            ))
        }),
    }
}
