//! The quarterly briefs: one community's (`GET /api/v1/communities/{id}/brief`) and the
//! city's ranking (`GET /api/v1/communities/ranking`). Every section names the API answer
//! its figures come from (`source`), so a reader can ask it again and find the same numbers.

use schemars::JsonSchema;
use serde::Serialize;

use super::ListsSummary;
use crate::model::IncidentKind;

/// The community the brief is about.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefCommunity {
    pub id: u64,
    pub name: String,
    pub district_id: u64,
    pub district: String,
    pub households: u32,
    pub population: u32,
    pub grids: usize,
}

/// One kind's incidents this quarter, last quarter (环比) and the same quarter a year ago (同比).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindLine {
    pub kind: IncidentKind,
    pub name_zh: &'static str,
    pub count: u64,
    pub previous: u64,
    pub year_ago: u64,
    /// Percent change; `null` when the earlier count is 0.
    pub quarter_on_quarter_pct: Option<f64>,
    pub year_on_year_pct: Option<f64>,
}

/// The incidents section: `/api/v1/stats/communities` for the quarter, the one before and the
/// one a year before.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefIncidents {
    pub total: u64,
    pub previous: u64,
    pub year_ago: u64,
    pub quarter_on_quarter_pct: Option<f64>,
    pub year_on_year_pct: Option<f64>,
    pub rate_per_1000_households: Option<f64>,
    pub by_kind: Vec<KindLine>,
    /// The three answers, this quarter's first.
    pub sources: [String; 3],
}

/// How the quarter's incidents were handled: `/api/v1/handling/kpis?by=community`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefHandling {
    pub count: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    /// 按时办结率 and 回退率.
    pub on_time_share: Option<f64>,
    pub return_rate: Option<f64>,
    pub grade: Option<String>,
    pub source: String,
}

/// A hot spot of the community and the patrols' reach and time there.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefHotSpot {
    pub h3: String,
    pub reached: bool,
    /// GPS minutes inside the cell over the tracks' window, and visits.
    pub minutes: f64,
    pub visits: u64,
}

/// Patrol coverage, dosage and timing: `/api/v1/patrol/coverage`, `/dosage`, `/timing`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefPatrol {
    pub routes: usize,
    pub length_m: f64,
    pub hotspots: Vec<BriefHotSpot>,
    pub hotspots_missed: usize,
    /// Share of the quarter's incidents within the routes' reach.
    pub incident_share: Option<f64>,
    pub tracks: u64,
    pub visits: u64,
    /// Share of the quarter's incidents in the hours patrolled, and the best hour to add.
    pub timing_score: Option<f64>,
    pub best_slot: Option<super::Slot>,
    pub best_score: Option<f64>,
    pub sources: [String; 3],
}

/// What patrols found (source = patrol): safety hazards and disputes, this quarter and since
/// the data began (`/api/v1/stats/communities` with a CQL2 filter).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefFindings {
    pub safety_hazards: u64,
    pub disputes: u64,
    pub safety_hazards_to_date: u64,
    pub disputes_to_date: u64,
    pub sources: [String; 2],
}

/// Households beyond the 5-, 10- and 15-minute life circles: `/api/v1/access/gaps`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefLifeCircles {
    pub households_total: u64,
    pub thresholds_m: Vec<f64>,
    pub households_beyond: Vec<u64>,
    pub source: String,
}

/// Joint inspections in the community this quarter: `/api/v1/inspections`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefInspections {
    pub inspections: u64,
    pub problems_found: u64,
    pub problems_solved: u64,
    pub source: String,
}

/// A section, or why the city's data cannot answer it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Section<T> {
    Answered(T),
    Unanswered(Unanswered),
}

/// A section the city's data cannot answer (no patrol routes, no streets), and why.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unanswered {
    pub source: String,
    pub detail: String,
}

/// `GET /api/v1/communities/{id}/brief`: the quarter's figures for the committee's meeting.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityBrief {
    pub community: BriefCommunity,
    pub quarter: String,
    pub previous_quarter: String,
    pub year_ago_quarter: String,
    pub period: super::PeriodOut,
    pub incidents: BriefIncidents,
    pub handling: BriefHandling,
    pub patrol: Section<BriefPatrol>,
    pub findings: BriefFindings,
    pub life_circles: Section<BriefLifeCircles>,
    pub lists: ListsSummary,
    pub lists_source: String,
    pub inspections: BriefInspections,
}

/// One community's line in the city's ranking.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankingLine {
    pub rank: usize,
    pub id: u64,
    pub name: String,
    pub district_id: u64,
    pub households: u32,
    pub incidents: u64,
    pub rate_per_1000_households: Option<f64>,
    pub year_on_year_pct: Option<f64>,
    /// Criminal cases this quarter, and in the year up to the quarter's end.
    pub criminal_cases: u64,
    pub criminal_cases_year: u64,
    pub on_time_share: Option<f64>,
    pub return_rate: Option<f64>,
    pub projects_done: u64,
    pub households_helped: u64,
    pub inspections: u64,
}

/// `GET /api/v1/communities/ranking`: every community on the seed's indicators.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ranking {
    pub quarter: String,
    pub communities: usize,
    /// Communities without a criminal case in the year up to the quarter's end (the seed: 194
    /// of 222 had no major criminal case), and their share.
    pub without_criminal_case_year: usize,
    pub without_criminal_case_share: f64,
    pub order: &'static str,
    pub lines: Vec<RankingLine>,
    pub sources: Vec<String>,
}
