//! `GET /api/v1/cities/stats?from=&to=&kind=&by=city|district|month`: incidents, the resolved
//! share and the median hours to resolve across cities. From the database when the process has
//! one (every city it holds: one SQL aggregate, run by the workers on Citus), else from memory
//! over the cities this process serves; the summary says which.

use axum::Json;
use axum::extract::{RawQuery, State};
use schemars::JsonSchema;
use serde::Serialize;

use super::filters::list;
use crate::analytics::province::{By, Question, Row, in_memory};
use crate::api::{ApiError, AppState, Caller, QueryParams};
use crate::model::{CityCode, IncidentKind, Period};

/// The answer.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvinceStats {
    pub summary: ProvinceSummary,
    pub rows: Vec<Row>,
}

/// What was asked, where it was answered, and the totals.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvinceSummary {
    pub by: By,
    pub kinds: Vec<IncidentKind>,
    pub period: super::answer::PeriodOut,
    /// `database` (every city it holds) or `memory` (the cities this process serves).
    pub computed_by: &'static str,
    /// The cities counted: from memory, those served; from a database, those its rows name
    /// (none `by=month`, whose rows span the cities).
    pub cities: Vec<CityCode>,
    pub incidents: u64,
    pub resolved: u64,
    /// Rows an aggregate-only reader may not see (fewer than 3 incidents).
    pub suppressed_rows: usize,
}

/// The statistics (module documentation).
pub(in crate::api) async fn province(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<ProvinceStats>, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?.within(caller.scope);
    params.only(&["from", "to", "kind", "by"])?;
    let scope = params.scope().clone();
    if scope.communities.is_some() {
        return Err(ApiError::Forbidden(
            "province statistics are for callers not bound to communities".into(),
        ));
    }
    let question = Question {
        kinds: list(&params, "kind")
            .iter()
            .map(|k| k.parse::<IncidentKind>())
            .collect::<Result<_, _>>()?,
        period: Period::from_bounds(params.get("from"), params.get("to"))?,
        by: Some(params.get("by").unwrap_or("city").parse::<By>()?),
    };
    let from_store = match state.live.store() {
        Some(store) => store.province(&question).await?,
        None => None,
    };
    let (rows, computed_by, mut cities) = if let Some(rows) = from_store {
        let cities: Vec<CityCode> = rows.iter().filter_map(|r| r.key.city).collect();
        (rows, "database", cities)
    } else {
        let engines: Vec<_> = state
            .cities
            .all(&state)
            .iter()
            .map(AppState::engine)
            .collect();
        let cities = engines.iter().map(|e| e.city.code).collect();
        let slot = state.limits.slot().await?;
        let asked = question.clone();
        let rows = state
            .limits
            .run(slot, move || Ok(in_memory(&engines, &asked)))
            .await?;
        (rows, "memory", cities)
    };
    cities.sort_unstable();
    cities.dedup();
    let (shown, hidden): (Vec<Row>, Vec<Row>) = rows
        .into_iter()
        .partition(|r| scope.shows_count(r.incidents));
    Ok(Json(ProvinceStats {
        summary: ProvinceSummary {
            by: question.by.unwrap_or(By::City),
            kinds: question.kinds,
            period: question.period.into(),
            computed_by,
            cities,
            incidents: shown.iter().map(|r| r.incidents).sum(),
            resolved: shown.iter().map(|r| r.resolved).sum(),
            suppressed_rows: hidden.len(),
        },
        rows: shown,
    }))
}
