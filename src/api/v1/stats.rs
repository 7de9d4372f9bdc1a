//! `GET /api/v1/stats/grids` and `/stats/communities`: per-area counts by kind, rates per 1,000
//! households, change against the previous period of equal length, resolution, and the
//! hour × weekday profile of the selection.

use serde_json::{Map, Value, json};

use super::filters::Filters;
use super::{StudyAreas, collection};
use crate::analytics::stats::{AreaStats, by_area, time_profile};
use crate::api::ogc_feature_geometry;
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
    let rows = compute(
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
            feature(grid.id, ogc_feature_geometry(&grid.geometry), json!({ "name": grid.name, "community_id": community_id, "households": grid.households }), &rows.0[g], params.scope())
        })
        .collect();
    Ok(collection(features, rows.1))
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
    let rows = compute(
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
            feature(
                community.id,
                ogc_feature_geometry(&community.geometry),
                json!({ "name": community.name, "district_id": community.district_id, "households": community.households }),
                &rows.0[c],
                params.scope(),
            )
        })
        .collect();
    Ok(collection(features, rows.1))
}

/// The statistics of every area and the summary.
fn compute(
    engine: &Engine,
    filters: &Filters,
    area_of_row: &[u32],
    households: &[u32],
    scope: &Scope,
) -> (Vec<AreaStats>, Value) {
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
    let stats = by_area(
        &engine.incidents,
        &current,
        Some(&previous),
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
    let in_areas: u64 = stats.iter().map(|s| u64::from(s.count)).sum();
    let total: u32 = profile.iter().flatten().sum();
    let summary = json!({
        "total": total,
        "in_areas": in_areas,
        "period": { "from": format_local(start), "to": format_local(end) },
        "previous_period": { "from": previous_period.start.map(format_local), "to": previous_period.end.map(format_local) },
        "profile": { "rows": "weekday, 0 = Monday", "columns": "hour of day, UTC+08:00", "counts": shown_profile },
    });
    (stats, summary)
}

/// One area's feature; for an aggregate-only reader, an area of fewer than
/// [`crate::api::auth::SUPPRESS_BELOW`] incidents shows no figures (`suppressed: true`), and
/// no kind of fewer is listed.
fn feature(
    id: u64,
    geometry: geojson::Geometry,
    mut properties: Value,
    s: &AreaStats,
    scope: &Scope,
) -> Value {
    let counts: Map<String, Value> = IncidentKind::ALL
        .iter()
        .filter(|k| s.by_kind[**k as usize] > 0)
        .filter(|k| scope.shows_count(u64::from(s.by_kind[**k as usize])))
        .map(|k| (k.as_str().to_owned(), s.by_kind[*k as usize].into()))
        .collect();
    let suppressed = !scope.shows_count(u64::from(s.count))
        || s.previous.is_some_and(|p| !scope.shows_count(u64::from(p)));
    if let Value::Object(map) = &mut properties
        && suppressed
    {
        for key in [
            "count",
            "rate_per_1000_households",
            "previous_count",
            "change_pct",
            "resolved_share",
            "median_hours_to_resolve",
        ] {
            map.insert(key.into(), Value::Null);
        }
        map.insert("counts".into(), Map::new().into());
        map.insert("suppressed".into(), true.into());
    } else if let Value::Object(map) = &mut properties {
        map.insert("count".into(), s.count.into());
        map.insert("counts".into(), counts.into());
        map.insert(
            "rate_per_1000_households".into(),
            json!(s.rate_per_1000_households),
        );
        map.insert("previous_count".into(), json!(s.previous));
        map.insert("change_pct".into(), json!(s.change_pct));
        map.insert("resolved_share".into(), json!(s.resolved_share));
        map.insert(
            "median_hours_to_resolve".into(),
            json!(s.median_hours_to_resolve),
        );
    }
    let mut feature = Map::new();
    feature.insert("type".into(), "Feature".into());
    feature.insert("id".into(), id.into());
    feature.insert(
        "geometry".into(),
        serde_json::to_value(geometry).unwrap_or(Value::Null),
    );
    feature.insert("properties".into(), properties);
    Value::Object(feature)
}
