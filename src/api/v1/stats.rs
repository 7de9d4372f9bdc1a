//! `GET /api/v1/stats/grids` and `/stats/communities`: per-area counts by kind, rates per 1,000
//! households, change against the previous period of equal length (环比) and the same period a
//! year earlier (同比) with exact p-values, resolution, and the
//! hour × weekday profile of the selection.

use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    AnyGeometry, AreaFigures, AreaStatsSummary, CommunityStats, CommunityStatsProperties, Feature,
    GridStats, GridStatsProperties, PeriodOut, WeekProfile,
};
use super::filters::Filters;
use crate::analytics::stats::{AreaStats, by_area, time_profile};
use crate::api::{ApiError, QueryParams, Scope};
use crate::index::Engine;
use crate::model::{IncidentKind, Period, format_local};

/// Per-grid statistics.
pub fn grids(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &[])?;
    let households: Vec<u32> = engine.grids.items().iter().map(|g| g.households).collect();
    let chosen = |g: usize| {
        (filters.grids.is_empty() || filters.grids.contains(&(g as u32)))
            && (filters.communities.is_empty()
                || filters.communities.contains(&engine.grid_community[g]))
    };
    let (stats, summary) = compute(
        engine,
        &filters,
        &engine.incidents.grid,
        &households,
        params.scope(),
    );
    let features = engine
        .grids
        .items()
        .iter()
        .enumerate()
        .filter(|(g, _)| chosen(*g))
        .map(|(g, grid)| {
            let community_id = engine.communities.items()[engine.grid_community[g] as usize].id;
            Feature::new(
                grid.id,
                AnyGeometry::of(&grid.geometry),
                GridStatsProperties {
                    name: grid.name.clone(),
                    community_id,
                    households: grid.households,
                    figures: figures(&stats[g], params.scope()),
                },
            )
        })
        .collect();
    GridStats::new(features, summary).into_value()
}

/// Per-community statistics.
pub fn communities(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &[])?;
    let households: Vec<u32> = engine
        .communities
        .items()
        .iter()
        .map(|c| c.households)
        .collect();
    let grid_communities: Vec<u32> = filters
        .grids
        .iter()
        .map(|&g| engine.grid_community[g as usize])
        .collect();
    let chosen = |c: u32| {
        (filters.communities.is_empty() || filters.communities.contains(&c))
            && (filters.grids.is_empty() || grid_communities.contains(&c))
    };
    let (stats, summary) = compute(
        engine,
        &filters,
        &engine.incidents.community,
        &households,
        params.scope(),
    );
    let features = engine
        .communities
        .items()
        .iter()
        .enumerate()
        .filter(|(c, _)| chosen(*c as u32))
        .map(|(c, community)| {
            Feature::new(
                community.id,
                AnyGeometry::of(&community.geometry),
                CommunityStatsProperties {
                    name: community.name.clone(),
                    district_id: community.district_id,
                    households: community.households,
                    figures: figures(&stats[c], params.scope()),
                },
            )
        })
        .collect();
    CommunityStats::new(features, summary).into_value()
}

/// The statistics of every area and the summary.
fn compute(
    engine: &Engine,
    filters: &Filters,
    area_of_row: &[u32],
    households: &[u32],
    scope: &Scope,
) -> (Vec<AreaStats>, AreaStatsSummary) {
    let period = filters.closed_period(engine);
    let mut current = filters.incidents.clone();
    current.period = period;
    let (start, end) = (period.start.unwrap_or(0), period.end.unwrap_or(0));
    let previous_period = Period {
        start: Some(start - (end - start + 1)),
        end: Some(start - 1),
    };
    let mut previous = current.clone();
    previous.period = previous_period;
    let mut year_ago = current.clone();
    year_ago.period = period.year_earlier();
    let stats = by_area(
        &engine.incidents,
        &current,
        Some(&previous),
        Some(&year_ago),
        area_of_row,
        households,
    );
    let profile = time_profile(&engine.incidents, &current);
    // An aggregate-only reader sees no hour of the week with one or two incidents.
    let shown_profile: Vec<Vec<Option<u32>>> = profile
        .iter()
        .map(|day| {
            day.iter()
                .map(|&n| scope.shows_count(u64::from(n)).then_some(n))
                .collect()
        })
        .collect();
    let summary = AreaStatsSummary {
        total: profile.iter().flatten().sum(),
        in_areas: stats.iter().map(|s| u64::from(s.count)).sum(),
        period: PeriodOut {
            from: Some(format_local(start)),
            to: Some(format_local(end)),
        },
        previous_period: previous_period.into(),
        year_ago_period: year_ago.period.into(),
        profile: WeekProfile {
            rows: "weekday, 0 = Monday",
            columns: "hour of day, UTC+08:00",
            counts: shown_profile,
        },
    };
    (stats, summary)
}

/// One area's figures; for an aggregate-only reader, an area of fewer than
/// [`crate::model::SUPPRESS_BELOW`] incidents (now or in the previous period) shows none, and
/// no kind of fewer is listed.
fn figures(s: &AreaStats, scope: &Scope) -> AreaFigures {
    let suppressed = !scope.shows_count(u64::from(s.count))
        || s.previous.is_some_and(|p| !scope.shows_count(u64::from(p)))
        || s.year_ago.is_some_and(|p| !scope.shows_count(u64::from(p)));
    if suppressed {
        return AreaFigures {
            suppressed: true,
            ..AreaFigures::default()
        };
    }
    AreaFigures {
        count: Some(s.count),
        counts: IncidentKind::ALL
            .iter()
            .map(|&k| (k, s.by_kind[k as usize]))
            .filter(|&(_, n)| n > 0 && scope.shows_count(u64::from(n)))
            .map(|(k, n)| (k.as_str().to_owned(), n))
            .collect(),
        rate_per_1000_households: s.rate_per_1000_households,
        previous_count: s.previous,
        change_pct: s.change_pct,
        change_p: s.change_p,
        year_ago_count: s.year_ago,
        year_on_year_pct: s.year_on_year_pct,
        year_on_year_p: s.year_on_year_p,
        resolved_share: s.resolved_share,
        median_hours_to_resolve: s.median_hours_to_resolve,
        suppressed: false,
    }
}
