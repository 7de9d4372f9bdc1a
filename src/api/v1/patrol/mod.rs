//! `/api/v1/patrol`: coverage, dosage and timing of the community patrol teams (see
//! [`crate::analytics::patrol`]).
//!
//! Hot spots are, for each community, the res-9 cells of Gi* class ≥ +2 over the whole city
//! for the period and kinds asked (`from`, `to`, `kind`; by default the last 365 days of
//! data) whose centre lies in it, or its own busiest cells when it has none
//! ([`crate::analytics::patrol::hot_cells`]).

mod suggest;

pub use suggest::suggest;

use geo::{Coord, MultiLineString};
use h3o::{CellIndex, LatLng, Resolution};
use serde_json::{Value, json};

use super::filters::{Filters, bin_level};
use super::{StudyAreas, cell_geometry, collection, rounded};
use crate::analytics::gistar::gi_star;
use crate::analytics::patrol::adherence::route_walked_share;
use crate::analytics::patrol::coverage::{DEFAULT_BUFFER_M, coverage as cover};
use crate::analytics::patrol::dosage::{dosage as dose, visits};
use crate::analytics::patrol::hot_cells::{HotCell, HotSource, hot_cells as choose_hot_cells};
use crate::analytics::patrol::timing::{HOURS, hour_of_week, patrolled_hours, timing as time_of};
use crate::api::{ApiError, QueryParams};
use crate::index::{Engine, IncidentFilter};
use crate::model::{PatrolRoute, PatrolTrack, Period, format_local};

/// The default period: this many days up to the last incident.
const DEFAULT_DAYS: i64 = 365;

/// The incident filter of `kind`, `from`, `to` (the last year of data by default: a quarter
/// leaves most communities with too few incidents to judge their team on), city-wide;
/// `extra` are the other parameters the endpoint takes.
fn period_filter(
    engine: &Engine,
    params: &QueryParams,
    extra: &[&str],
) -> Result<IncidentFilter, ApiError> {
    let filters = Filters::parse(engine, params, extra)?;
    let mut filter = filters.incidents;
    // City-wide, except for a caller bound to communities, who sees only theirs.
    if params.scope().communities.is_none() {
        filter.communities.clear();
    }
    filter.grids.clear();
    if params.get("from").is_none() && params.get("to").is_none() {
        let (_, last) = engine.incidents.time_extent().unwrap_or((0, 0));
        filter.period = Period {
            start: Some(last - DEFAULT_DAYS * 86_400),
            end: Some(last),
        };
    }
    Ok(filter)
}

/// The parameters naming what a coverage, dosage or timing request is about.
const SUBJECT: &[&str] = &["route", "track", "community", "buffer_m"];

/// A distance parameter in metres above 0 and at most `max` (`default` when absent).
fn metres(params: &QueryParams, key: &str, default: f64, max: f64) -> Result<f64, ApiError> {
    match params.get(key) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| *v > 0.0 && *v <= max)
            .ok_or_else(|| {
                ApiError::BadRequest(format!("`{key}` must be metres above 0 and at most {max}"))
            }),
    }
}

/// The hot cells of every community for `filter` ([`crate::analytics::patrol::hot_cells`]):
/// its cells of Gi* class ≥ +2 at res 9 city-wide, else its own busiest res-9 cells.
fn hot_cells_by_community(
    engine: &Engine,
    areas: &StudyAreas,
    filter: &IncidentFilter,
) -> Result<Vec<HotCell>, ApiError> {
    let area = areas.get(engine, Resolution::Nine, &[], &[], 1);
    let (cells, neighbours) = (&area.0, &area.1);
    let counts = cells.counts(
        &engine.incidents,
        filter,
        bin_level(engine, Resolution::Nine)?,
    );
    let result = gi_star(&counts, neighbours);
    Ok(choose_hot_cells(
        cells.cells(),
        &counts,
        &result.class,
        |cell| {
            let c = LatLng::from(cell);
            let community = engine
                .place(Coord {
                    x: c.lng(),
                    y: c.lat(),
                })
                .1?;
            engine.communities.position(community)
        },
    ))
}

/// The hot cells of `filter` in community `community` (position).
fn hot_cells(
    engine: &Engine,
    areas: &StudyAreas,
    filter: &IncidentFilter,
    community: u32,
) -> Result<Vec<CellIndex>, ApiError> {
    Ok(hot_cells_by_community(engine, areas, filter)?
        .into_iter()
        .filter(|h| h.community == community)
        .map(|h| h.cell)
        .collect())
}

/// What a coverage or dosage request is about: a route, a track, or a community's routes.
struct Subject {
    community: u32,
    path: MultiLineString,
    tracks: Vec<PatrolTrack>,
    describe: Value,
}

/// The subject `params` name, if the caller may see its community (another community's route,
/// track or community is a 404, as if it did not exist).
fn subject(engine: &Engine, params: &QueryParams) -> Result<Subject, ApiError> {
    let subject = any_subject(engine, params)?;
    let community = engine.communities.items()[subject.community as usize].id;
    if !params.scope().sees(Some(community)) {
        return Err(ApiError::NotFound(format!(
            "no such {}",
            ["route", "track", "community"]
                .into_iter()
                .find(|k| params.get(k).is_some())
                .unwrap_or("subject")
        )));
    }
    Ok(subject)
}

fn any_subject(engine: &Engine, params: &QueryParams) -> Result<Subject, ApiError> {
    let id = |key: &str| -> Result<Option<u64>, ApiError> {
        params
            .get(key)
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| ApiError::BadRequest(format!("`{key}` must be an id")))
            })
            .transpose()
    };
    let community_position = |id: u64| {
        engine
            .communities
            .position(id)
            .ok_or_else(|| ApiError::NotFound(format!("no community {id}")))
    };
    match (id("route")?, id("track")?, id("community")?) {
        (Some(r), None, None) => {
            let route = engine
                .patrol_routes
                .get(r)
                .ok_or_else(|| ApiError::NotFound(format!("no patrol route {r}")))?;
            Ok(Subject {
                community: community_position(route.community_id)?,
                path: route.geometry.clone(),
                tracks: engine
                    .patrol_tracks
                    .items()
                    .iter()
                    .filter(|t| t.route_id == Some(r))
                    .cloned()
                    .collect(),
                describe: json!({ "route_id": r, "team": route.team }),
            })
        }
        (None, Some(t), None) => {
            let track = engine
                .patrol_tracks
                .get(t)
                .ok_or_else(|| ApiError::NotFound(format!("no patrol track {t}")))?;
            Ok(Subject {
                community: community_position(track.community_id)?,
                path: MultiLineString::new(vec![track.geometry.clone()]),
                tracks: vec![track.clone()],
                describe: json!({ "track_id": t, "team": track.team }),
            })
        }
        (None, None, Some(c)) => {
            let community = community_position(c)?;
            let lines = engine
                .patrol_routes
                .items()
                .iter()
                .filter(|r| r.community_id == c)
                .flat_map(|r| r.geometry.0.iter().cloned())
                .collect();
            Ok(Subject {
                community,
                path: MultiLineString::new(lines),
                tracks: engine
                    .patrol_tracks
                    .items()
                    .iter()
                    .filter(|t| t.community_id == c)
                    .cloned()
                    .collect(),
                describe: json!({ "community_id": c }),
            })
        }
        _ => Err(ApiError::BadRequest(
            "give exactly one of `route`, `track` or `community`".into(),
        )),
    }
}

/// The incidents of `filter` in community `community` (position) by hour of week.
fn hour_profile(engine: &Engine, filter: &IncidentFilter, community: u32) -> [u64; HOURS] {
    let mine = IncidentFilter {
        communities: vec![community],
        ..filter.clone()
    };
    let mut profile = [0u64; HOURS];
    engine.incidents.for_each_match(&mine, |r| {
        profile[hour_of_week(engine.incidents.reported_at[r])] += 1;
    });
    profile
}

fn period_json(filter: &IncidentFilter) -> Value {
    json!({ "from": filter.period.start.map(format_local), "to": filter.period.end.map(format_local) })
}

/// `GET /api/v1/patrol/coverage?route=|track=|community=[&buffer_m=50][&from=&to=&kind=]`.
pub fn coverage(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filter = period_filter(engine, params, SUBJECT)?;
    let subject = subject(engine, params)?;
    let buffer_m = metres(params, "buffer_m", DEFAULT_BUFFER_M, 1_000.0)?;
    if subject.path.0.iter().all(|l| l.0.len() < 2) {
        return Err(ApiError::Unprocessable(
            "the patrol has no path to buffer".into(),
        ));
    }
    let hot = hot_cells(engine, areas, &filter, subject.community)?;
    let c = cover(
        engine,
        &subject.path,
        subject.community,
        buffer_m,
        &hot,
        &filter,
    );
    let share = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let mut features: Vec<Value> = c
        .grids
        .iter()
        .map(|g| {
            let grid = &engine.grids.items()[g.grid as usize];
            json!({
                "type": "Feature",
                "id": format!("grid.{}", grid.id),
                "geometry": geojson::Geometry::new(geojson::Value::from(&grid.geometry)),
                "properties": {
                    "feature": "grid",
                    "grid_id": grid.id,
                    "name": grid.name,
                    "area_covered_share": g.area_share,
                    "buildings_covered_share": share(g.buildings_reached as u64, g.buildings as u64),
                    "households_covered_share": share(g.households_reached, g.households),
                    "buildings": g.buildings,
                    "households": g.households,
                    "hotspots_reached": g.hotspots_reached,
                    "hotspots_missed": g.hotspots_missed,
                },
            })
        })
        .collect();
    for cell in &c.hotspots_missed {
        features.push(json!({
            "type": "Feature",
            "id": format!("missed.{cell}"),
            "geometry": cell_geometry(*cell),
            "properties": { "feature": "missed_hotspot", "h3": cell.to_string() },
        }));
    }
    features.push(json!({
        "type": "Feature",
        "id": "buffer",
        "geometry": geojson::Geometry::new(geojson::Value::from(&c.buffer)),
        "properties": { "feature": "buffer", "buffer_m": buffer_m },
    }));
    let community = &engine.communities.items()[subject.community as usize];
    Ok(collection(
        features,
        json!({
            "subject": subject.describe,
            "community_id": community.id,
            "buffer_m": buffer_m,
            "length_m": rounded(c.length_m, 1),
            "buffer_area_m2": c.buffer_area_m2.round(),
            "hotspots_reached": c.hotspots_reached.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "hotspots_missed": c.hotspots_missed.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "incidents": c.incidents,
            "incidents_reached": c.incidents_reached,
            "incident_share": share(c.incidents_reached as u64, c.incidents as u64),
            "period": period_json(&filter),
            "hotspots": "the community's res-9 cells of Gi* class ≥ +2 city-wide for the period and kinds, else its own busiest cells (3 at most, of 3 or more incidents)",
        }),
    ))
}

/// `GET /api/v1/patrol/dosage?track=|route=|community=[&from=&to=&kind=]`: per hot cell of the
/// community, every visit of the tracks with entry, exit, minutes and Koper band.
pub fn dosage(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filter = period_filter(engine, params, SUBJECT)?;
    let subject = subject(engine, params)?;
    let hot = hot_cells(engine, areas, &filter, subject.community)?;
    let all: Vec<_> = subject
        .tracks
        .iter()
        .flat_map(|t| visits(t, &hot))
        .collect();
    let from = subject
        .tracks
        .iter()
        .map(|t| t.started_at)
        .min()
        .unwrap_or(0);
    let to = subject.tracks.iter().map(|t| t.ended_at).max().unwrap_or(0);
    let rows = dose(&hot, &all, from, to);
    let round = |v: f64| rounded(v, 2);
    let features: Vec<Value> = rows
        .iter()
        .map(|d| {
            json!({
                "type": "Feature",
                "id": d.cell.to_string(),
                "geometry": cell_geometry(d.cell),
                "properties": {
                    "h3": d.cell.to_string(),
                    "minutes": round(d.minutes),
                    "minutes_per_week": round(d.minutes_per_week),
                    "koper_share": round(d.koper_share),
                    "longest_gap_h": round(d.longest_gap_h),
                    "visits": d.visits.iter().map(|v| json!({
                        "track_id": v.track,
                        "entry": format_local(v.entry.floor() as i64),
                        "exit": format_local(v.exit.ceil() as i64),
                        "minutes": round(v.minutes()),
                        "class": v.band().as_str(),
                    })).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    Ok(collection(
        features,
        json!({
            "subject": subject.describe,
            "tracks": subject.tracks.len(),
            "window": { "from": format_local(from), "to": format_local(to) },
            "hotspots": hot.len(),
            "visits": all.len(),
            "period": period_json(&filter),
            "bands": "pass < 2 min, short 2–10, koper 10–16, long > 16 (Koper 1995)",
        }),
    ))
}

/// `GET /api/v1/patrol/timing?community=[&from=&to=&kind=]`: the hours the team patrols
/// against its community's incidents by hour of week.
pub fn timing(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filter = period_filter(engine, params, SUBJECT)?;
    let subject = subject(engine, params)?;
    let patrolled = patrolled_hours(&subject.tracks);
    let profile = hour_profile(engine, &filter, subject.community);
    let t = time_of(&profile, &patrolled);
    let slot = |h: usize| json!({ "weekday": h / 24 + 1, "hour": h % 24 });
    Ok(collection(
        Vec::new(),
        json!({
            "subject": subject.describe,
            "tracks": subject.tracks.len(),
            "incidents": t.incidents,
            "timing_score": t.score,
            "patrolled_hours": patrolled.iter().enumerate().filter(|(_, p)| **p).map(|(h, _)| slot(h)).collect::<Vec<_>>(),
            "patrol_length_h": t.length_h,
            "best_slot": slot(t.best_start),
            "best_score": t.best_score,
            "profile": profile.to_vec(),
            "period": period_json(&filter),
            "hours": "hour of week in local time (UTC+08), weekday 1 = Monday",
        }),
    ))
}

/// What ranks a team: hot spots its routes reach, route walked, minutes at hot spots, timing.
const MEASURES: usize = 4;

/// What the rank is made of, as the answer and the page say it.
const ORDER: &str = "worst first by the mean of four ranks (each worst first, ties sharing the better rank): hotspots_reached_share (the share of the community's hot spots its routes pass within 50 m), route_walked_share (the share of its routes its GPS tracks walked, 50 m), minutes_per_week_at_hotspots (GPS minutes in hot-spot cells) and timing_vs_best (the incidents in the hours it patrols, against the best block of the same length). Hot spots: the community's cells of Gi* class >= +2 city-wide, else its own busiest cells (hotspot_source). Teams whose community has no cell with 3 or more incidents in the period are listed apart, unranked.";

/// `GET /api/v1/patrol/teams[?from=&to=&kind=]`: every community's team, worst first, by the
/// mean of its ranks in four measures (see [`ORDER`]); teams with no hot spot to be judged on
/// follow, unranked.
pub fn teams(engine: &Engine, areas: &StudyAreas, params: &QueryParams) -> Result<Value, ApiError> {
    use rayon::prelude::*;
    params.only(&["kind", "from", "to"])?;
    let filter = period_filter(engine, params, SUBJECT)?;
    let hot = hot_cells_by_community(engine, areas, &filter)?;
    let scope = params.scope();
    let rows: Vec<TeamRow> = (0..engine.communities.len() as u32)
        .into_par_iter()
        .filter(|&c| scope.sees(Some(engine.communities.items()[c as usize].id)))
        .filter_map(|c| team_row(engine, c, &hot, &filter))
        .collect();
    let (ranked, apart): (Vec<TeamRow>, Vec<TeamRow>) =
        rows.into_iter().partition(|r| r.measures.is_some());
    let measures: Vec<[f64; MEASURES]> = ranked.iter().filter_map(|r| r.measures).collect();
    // Rank each measure worst first (lowest value rank 1), then order by the mean rank.
    let mut mean_rank = vec![0.0; ranked.len()];
    for m in 0..MEASURES {
        for (i, row) in measures.iter().enumerate() {
            let worse = measures.iter().filter(|o| o[m] < row[m]).count();
            mean_rank[i] += (worse + 1) as f64 / MEASURES as f64;
        }
    }
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by(|&a, &b| {
        mean_rank[a]
            .total_cmp(&mean_rank[b])
            .then(ranked[a].community.cmp(&ranked[b].community))
    });
    let mut features: Vec<Value> = order
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let mut f = ranked[i].feature.clone();
            f["properties"]["rank"] = json!(rank + 1);
            f["properties"]["mean_rank"] = json!(rounded(mean_rank[i], 2));
            f
        })
        .collect();
    features.extend(apart.iter().map(|r| {
        let mut f = r.feature.clone();
        f["properties"]["rank"] = Value::Null;
        f["properties"]["mean_rank"] = Value::Null;
        f
    }));
    let by_source = |source| {
        ranked
            .iter()
            .filter(|r| r.hotspot_source == Some(source))
            .count()
    };
    Ok(collection(
        features,
        json!({
            "teams": ranked.len() + apart.len(),
            "ranked": ranked.len(),
            "unranked": apart.len(),
            "judged_on_gi_star_hotspots": by_source(HotSource::GiStar),
            "judged_on_own_busiest_cells": by_source(HotSource::CommunityTop),
            "period": period_json(&filter),
            "order": ORDER,
        }),
    ))
}

/// One team: its four measures (`None`: no hot spot to judge it on) and its feature.
struct TeamRow {
    community: u32,
    measures: Option<[f64; MEASURES]>,
    hotspot_source: Option<HotSource>,
    feature: Value,
}

/// The share of its route each track walked (50 m), averaged over the tracks of a route;
/// `None` without such tracks.
fn walked_share(routes: &[&PatrolRoute], tracks: &[&PatrolTrack]) -> Option<f64> {
    let walked: Vec<f64> = tracks
        .iter()
        .filter_map(|t| {
            let route = routes.iter().find(|r| Some(r.id) == t.route_id)?;
            Some(route_walked_share(
                &route.geometry,
                &t.geometry,
                DEFAULT_BUFFER_M,
            ))
        })
        .collect();
    (!walked.is_empty()).then(|| walked.iter().sum::<f64>() / walked.len() as f64)
}

/// One team's row (`None`: a community without routes or tracks).
fn team_row(engine: &Engine, c: u32, hot: &[HotCell], filter: &IncidentFilter) -> Option<TeamRow> {
    let community = &engine.communities.items()[c as usize];
    let routes: Vec<_> = engine
        .patrol_routes
        .items()
        .iter()
        .filter(|r| r.community_id == community.id)
        .collect();
    let tracks: Vec<&PatrolTrack> = engine
        .patrol_tracks
        .items()
        .iter()
        .filter(|t| t.community_id == community.id)
        .collect();
    if routes.is_empty() && tracks.is_empty() {
        return None;
    }
    let mine: Vec<&HotCell> = hot.iter().filter(|h| h.community == c).collect();
    let cells: Vec<CellIndex> = mine.iter().map(|h| h.cell).collect();
    let hotspot_source = mine.first().map(|h| h.source);
    let path = MultiLineString::new(
        routes
            .iter()
            .flat_map(|r| r.geometry.0.iter().cloned())
            .collect(),
    );
    let reached = if cells.is_empty() {
        None
    } else if path.0.is_empty() {
        Some(0.0)
    } else {
        let cov = cover(engine, &path, c, DEFAULT_BUFFER_M, &cells, filter);
        Some(cov.hotspots_reached.len() as f64 / cells.len() as f64)
    };
    let all: Vec<_> = tracks.iter().flat_map(|t| visits(t, &cells)).collect();
    let from = tracks.iter().map(|t| t.started_at).min().unwrap_or(0);
    let to = tracks.iter().map(|t| t.ended_at).max().unwrap_or(0);
    let doses = dose(&cells, &all, from, to);
    let per_week: f64 = doses.iter().map(|d| d.minutes_per_week).sum();
    let walked_share = walked_share(&routes, &tracks);
    let dosed: f64 = doses.iter().map(|d| d.minutes).sum();
    let koper = if dosed > 0.0 {
        Some(doses.iter().map(|d| d.koper_share * d.minutes).sum::<f64>() / dosed)
    } else {
        None
    };
    let profile = hour_profile(engine, filter, c);
    let t = time_of(&profile, &patrolled_hours(tracks.iter().copied()));
    let vs_best = if t.best_score > 0.0 {
        t.score / t.best_score
    } else {
        0.0
    };
    let team = routes
        .first()
        .map(|r| r.team.clone())
        .or_else(|| tracks.first().map(|t| t.team.clone()));
    let at = geo::InteriorPoint::interior_point(&community.geometry);
    let measures = reached.map(|r| [r, walked_share.unwrap_or(0.0), per_week, vs_best]);
    Some(TeamRow {
        community: c,
        measures,
        hotspot_source,
        feature: json!({
            "type": "Feature",
            "id": community.id,
            "geometry": at.map(|p| json!({ "type": "Point", "coordinates": [p.x(), p.y()] })),
            "properties": {
                "community_id": community.id,
                "community": community.name,
                "team": team,
                "routes": routes.len(),
                "route_ids": routes.iter().map(|r| r.id).collect::<Vec<_>>(),
                "tracks": tracks.len(),
                "hotspots": cells.len(),
                "hotspot_source": hotspot_source,
                "hotspot_incidents": mine.iter().map(|h| h.incidents).sum::<f64>(),
                "hotspots_reached_share": reached.map(|r| rounded(r, 3)),
                "route_walked_share": walked_share.map(|w| rounded(w, 3)),
                "minutes_per_week_at_hotspots": rounded(per_week, 1),
                "koper_share": koper.map(|k| rounded(k, 3)),
                "incidents": t.incidents,
                "timing_score": t.score,
                "timing_vs_best": rounded(vs_best, 3),
                "best_slot": { "weekday": t.best_start / 24 + 1, "hour": t.best_start % 24 },
                "best_score": t.best_score,
                "ranked": measures.is_some(),
            },
        }),
    })
}
