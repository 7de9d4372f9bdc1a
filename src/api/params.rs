//! The vocabulary of query parameters, read the same way by every handler: distances in
//! metres, `LON,LAT` positions, H3 resolutions, resource kinds, how distance is measured, and
//! how figures are rounded for an answer. Each reader names the parameter in its refusal.

use std::ops::RangeInclusive;

use geo::Coord;
use serde_json::{Value, json};

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

/// An integer query parameter as handlers read it and the OpenAPI document states it: one
/// value for both, so the document cannot drift from the code.
#[derive(Debug, Clone, Copy)]
pub struct Integer {
    pub key: &'static str,
    pub default: u64,
    pub min: u64,
    pub max: u64,
    pub about: &'static str,
}

impl Integer {
    /// Its value in `params` (`default` when absent).
    ///
    /// # Errors
    /// Not an integer, or out of range.
    pub fn read(&self, params: &QueryParams) -> Result<u64, ApiError> {
        params.integer(self.key, self.default, self.min..=self.max)
    }

    /// Its OpenAPI parameter object.
    #[must_use]
    pub fn doc(&self) -> Value {
        query_doc(
            self.key,
            json!({ "type": "integer", "minimum": self.min, "maximum": self.max, "default": self.default }),
            &format!("{} (default {})", self.about, self.default),
        )
    }
}

/// A distance in metres, above 0 and at most `max`, as handlers read it and the OpenAPI
/// document states it.
#[derive(Debug, Clone, Copy)]
pub struct Metres {
    pub key: &'static str,
    /// `None`: the default depends on another parameter (`about` says how).
    pub default: Option<f64>,
    pub max: f64,
    pub about: &'static str,
}

impl Metres {
    /// Its value in `params`, or the default (`otherwise` when it has none of its own).
    ///
    /// # Errors
    /// Not a number, or out of range.
    pub fn read(&self, params: &QueryParams, otherwise: f64) -> Result<f64, ApiError> {
        metres(
            params,
            self.key,
            self.default.unwrap_or(otherwise),
            self.max,
        )
    }

    /// Its OpenAPI parameter object.
    #[must_use]
    pub fn doc(&self) -> Value {
        let mut schema = json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": self.max });
        let about = match self.default {
            Some(d) => {
                schema["default"] = json!(d);
                format!("{} (metres, default {d})", self.about)
            }
            None => format!("{} (metres)", self.about),
        };
        query_doc(self.key, schema, &about)
    }
}

/// An H3 resolution parameter within [`RESOLUTIONS`], as handlers read it and the OpenAPI
/// document states it.
#[derive(Debug, Clone, Copy)]
pub struct Res {
    pub key: &'static str,
    pub default: u8,
    pub min: u8,
    pub max: u8,
    pub about: &'static str,
}

impl Res {
    /// The analyses' `res`: `default`, up to `max`.
    #[must_use]
    pub const fn analyses(default: u8, max: u8) -> Self {
        Self {
            key: "res",
            default,
            min: *RESOLUTIONS.start(),
            max,
            about: "H3 resolution",
        }
    }

    /// Its value in `params` (`default` when absent).
    ///
    /// # Errors
    /// Out of range.
    pub fn read(&self, params: &QueryParams) -> Result<h3o::Resolution, ApiError> {
        let value = params.integer(
            self.key,
            u64::from(self.default),
            u64::from(self.min)..=u64::from(self.max),
        )?;
        h3o::Resolution::try_from(value as u8)
            .map_err(|e| ApiError::BadRequest(format!("`{}`: {e}", self.key)))
    }

    /// Its OpenAPI parameter object.
    #[must_use]
    pub fn doc(&self) -> Value {
        Integer {
            key: self.key,
            default: u64::from(self.default),
            min: u64::from(self.min),
            max: u64::from(self.max),
            about: self.about,
        }
        .doc()
    }
}

/// A parameter taking one of a closed set of names, as handlers read it and the OpenAPI
/// document states it.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub key: &'static str,
    pub names: &'static [&'static str],
    pub default: &'static str,
    pub about: &'static str,
}

impl Choice {
    /// The name given (`default` when absent).
    ///
    /// # Errors
    /// A name not among `names`.
    pub fn read<'a>(&self, params: &'a QueryParams) -> Result<&'a str, ApiError> {
        match params.get(self.key) {
            None => Ok(self.default),
            Some(name) if self.names.contains(&name) => Ok(name),
            Some(other) => Err(ApiError::BadRequest(format!(
                "`{}` is one of {}, not `{}`",
                self.key,
                self.names.join(", "),
                other.chars().take(32).collect::<String>()
            ))),
        }
    }

    /// Its OpenAPI parameter object.
    #[must_use]
    pub fn doc(&self) -> Value {
        query_doc(
            self.key,
            json!({ "type": "string", "enum": self.names, "default": self.default }),
            &format!("{} (default {})", self.about, self.default),
        )
    }
}

/// An optional query parameter object.
fn query_doc(name: &str, schema: Value, description: &str) -> Value {
    let mut doc =
        json!({ "name": name, "in": "query", "required": false, "description": description });
    doc["schema"] = schema;
    doc
}

/// The `mode` parameter's OpenAPI object, its values from [`Mode::ALL`].
#[must_use]
pub fn mode_doc() -> Value {
    let names: Vec<&str> = Mode::ALL.iter().map(|m| m.as_str()).collect();
    query_doc(
        "mode",
        json!({ "type": "string", "enum": names }),
        "distance along streets or in a straight line (default walk when the dataset has streets)",
    )
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

/// `res` of the hexbins, hot spots and tiles: every binned resolution, 9 by default.
pub const RES: Res = Res::analyses(9, *RESOLUTIONS.end());
/// `res` of an emerging hot-spot analysis: 8 by default, at most [`MAX_EMERGING_RES`].
pub const EMERGING_RES: Res = Res::analyses(8, MAX_EMERGING_RES);

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
