//! The question and the rows of the province-wide statistics (`analytics::province` answers
//! it from memory, `store::postgis` from the database).

use serde::Serialize;

use super::{CityCode, IncidentKind, Period, named_enum};

named_enum!(
    /// What the rows are per.
    By, "grouping" {
        City => "city",
        District => "district",
        Month => "month",
    }
);

/// What is counted: the incidents of `kinds` (all when empty) reported in `period`.
#[derive(Debug, Clone, Default)]
pub struct Question {
    pub kinds: Vec<IncidentKind>,
    pub period: Period,
    pub by: Option<By>,
}

/// One row's key: the city (with `by=city` or `district`), the district (its division code,
/// `None` for incidents outside every community) or the local month `YYYY-MM`.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub struct Key {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<CityCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
}

/// One row's figures.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Row {
    #[serde(flatten)]
    pub key: Key,
    pub incidents: u64,
    pub resolved: u64,
    /// `resolved / incidents`.
    pub resolved_share: f64,
    /// The median of (resolved − reported) over the resolved, averaging the two middle values
    /// of an even count (`percentile_cont(0.5)`); `null` when none is resolved.
    pub median_hours_to_resolve: Option<f64>,
}

impl Row {
    /// The row of `key`: `incidents`, of which `resolved` are, and their median hours.
    #[must_use]
    pub fn new(key: Key, incidents: u64, resolved: u64, median: Option<f64>) -> Self {
        Self {
            key,
            incidents,
            resolved,
            resolved_share: if incidents == 0 {
                0.0
            } else {
                resolved as f64 / incidents as f64
            },
            median_hours_to_resolve: median,
        }
    }
}
