//! Answers about the patrol teams: ranking, coverage, suggestions, dosage, timing.

use super::{AnyGeometry, Collection, NoProperties, PeriodOut, PointGeometry};
use schemars::JsonSchema;
use serde::Serialize;

/// An hour of the week: weekday 1 (Monday) to 7, hour 0 to 23, local time.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub weekday: usize,
    pub hour: usize,
}

impl Slot {
    /// The slot of hour of week `h` (Monday 00:00 is 0).
    #[must_use]
    pub fn of(h: usize) -> Self {
        Self {
            weekday: h / 24 + 1,
            hour: h % 24,
        }
    }
}

/// `GET /api/v1/patrol/teams`: one team, at a point inside its community.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamProperties {
    pub community_id: u64,
    pub community: String,
    pub team: Option<String>,
    pub routes: usize,
    pub route_ids: Vec<u64>,
    pub tracks: usize,
    /// The hot cells it is judged on.
    pub hotspots: usize,
    pub hotspot_source: Option<crate::analytics::patrol::hot_cells::HotSource>,
    pub hotspot_incidents: f64,
    pub hotspots_reached_share: Option<f64>,
    pub route_walked_share: Option<f64>,
    pub minutes_per_week_at_hotspots: f64,
    pub koper_share: Option<f64>,
    pub incidents: u64,
    pub timing_score: f64,
    pub timing_vs_best: f64,
    pub best_slot: Slot,
    pub best_score: f64,
    pub ranked: bool,
    /// 1 is the worst; `null` for a team with nothing to be judged on.
    pub rank: Option<usize>,
    pub mean_rank: Option<f64>,
}

/// `GET /api/v1/patrol/teams`: how many teams, on what they are judged, the rank's rule.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSummary {
    pub teams: usize,
    pub ranked: usize,
    pub unranked: usize,
    pub judged_on_gi_star_hotspots: usize,
    pub judged_on_own_busiest_cells: usize,
    pub period: PeriodOut,
    pub order: &'static str,
}

/// What a patrol answer is about: a route (with its team), a track (with its team) or a
/// community's routes and tracks.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatrolSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// `GET /api/v1/patrol/dosage`: one visit of a track to a hot cell.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitOut {
    pub track_id: u64,
    pub entry: String,
    pub exit: String,
    pub minutes: f64,
    /// Koper's band: pass, short, koper or long.
    pub class: &'static str,
}

/// `GET /api/v1/patrol/dosage`: one hot cell's dose.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DosageProperties {
    pub h3: String,
    pub minutes: f64,
    pub minutes_per_week: f64,
    pub koper_share: f64,
    pub longest_gap_h: f64,
    pub visits: Vec<VisitOut>,
}

/// `GET /api/v1/patrol/dosage`: the tracks' window and what was counted.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DosageSummary {
    pub subject: PatrolSubject,
    pub tracks: usize,
    pub window: PeriodOut,
    pub hotspots: usize,
    pub visits: usize,
    pub period: PeriodOut,
    pub bands: &'static str,
}

/// `GET /api/v1/patrol/timing`: the patrolled hours against the incidents by hour of week.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimingSummary {
    pub subject: PatrolSubject,
    pub tracks: usize,
    pub incidents: u64,
    pub timing_score: f64,
    pub patrolled_hours: Vec<Slot>,
    pub patrol_length_h: usize,
    pub best_slot: Slot,
    pub best_score: f64,
    /// Incidents per hour of week, Monday 00:00 first.
    pub profile: Vec<u64>,
    pub period: PeriodOut,
    pub hours: &'static str,
}

/// `GET /api/v1/patrol/dosage`.
pub type Dosage = Collection<DosageProperties, DosageSummary>;
/// `GET /api/v1/patrol/timing`: no features, the summary is the answer.
pub type Timing = Collection<NoProperties, TimingSummary>;

/// `GET /api/v1/patrol/teams`: community ids as feature ids, a point or `null` as geometry.
pub type Teams = Collection<TeamProperties, TeamSummary, Option<PointGeometry>, u64>;

/// `GET /api/v1/patrol/coverage`: a grid cell the patrol reaches, a hot spot it misses, or the
/// patrol's buffer (`feature` says which).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "feature", rename_all = "snake_case", deny_unknown_fields)]
pub enum CoverageProperties {
    Grid {
        grid_id: u64,
        name: String,
        area_covered_share: f64,
        buildings_covered_share: f64,
        households_covered_share: f64,
        buildings: usize,
        households: u64,
        hotspots_reached: usize,
        hotspots_missed: usize,
    },
    MissedHotspot {
        h3: String,
    },
    Buffer {
        buffer_m: f64,
    },
}

/// `GET /api/v1/patrol/coverage`: what the patrol reaches in its community.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageSummary {
    pub subject: PatrolSubject,
    pub community_id: u64,
    pub buffer_m: f64,
    pub length_m: f64,
    pub buffer_area_m2: f64,
    pub hotspots_reached: Vec<String>,
    pub hotspots_missed: Vec<String>,
    pub incidents: usize,
    pub incidents_reached: usize,
    pub incident_share: f64,
    pub period: PeriodOut,
    pub hotspots: &'static str,
}

/// `GET /api/v1/patrol/coverage`: ids `grid.{id}`, `missed.{h3}` and `buffer`.
pub type Coverage = Collection<CoverageProperties, CoverageSummary, AnyGeometry>;

/// `GET /api/v1/patrol/suggest`: the suggested route, or a hot spot the route misses.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "feature", rename_all = "snake_case", deny_unknown_fields)]
pub enum SuggestProperties {
    SuggestedRoute {
        route_id: u64,
        length_m: f64,
    },
    UncoveredHotspot {
        h3: String,
        /// 1 has the most incidents.
        rank: usize,
        incidents: f64,
        visited: bool,
        visit_order: Option<usize>,
        reached_after: bool,
        street_within_reach: bool,
    },
}

/// A route's coverage before or after the suggestion.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageFigures {
    pub length_m: f64,
    pub hotspots_reached: usize,
    pub hotspots_missed: usize,
    pub incidents_reached: usize,
    pub incident_share: f64,
    pub households_covered_share: f64,
}

/// `GET /api/v1/patrol/suggest`: the route, what was allowed and what the suggestion gains.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestSummary {
    pub route_id: u64,
    pub team: String,
    pub community_id: u64,
    pub extra_m: f64,
    pub buffer_m: f64,
    pub base_length_m: f64,
    pub length_m: f64,
    pub added_m: f64,
    pub uncovered_hotspots: usize,
    pub visited: Vec<String>,
    pub incidents_gained: f64,
    pub before: CoverageFigures,
    pub after: CoverageFigures,
    pub exact: bool,
    pub period: PeriodOut,
    pub method: &'static str,
}

/// `GET /api/v1/patrol/suggest`: ids `suggested` and `gap.{h3}`.
pub type Suggest = Collection<SuggestProperties, SuggestSummary, AnyGeometry>;
