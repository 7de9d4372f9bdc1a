//! `/api/v1/patrol`: coverage, dosage and timing of the community patrol teams (see
//! [`crate::analytics::patrol`]).
//!
//! Hot spots are, for each community, the res-9 cells of Gi* class ≥ +2 over the whole city
//! for the period and kinds asked (`from`, `to`, `kind`; by default the last 365 days of
//! data) whose centre lies in it, or its own busiest cells when it has none
//! ([`crate::analytics::patrol::hot_cells`]).

mod suggest;

pub use suggest::{EXTRA_M, suggest};

use geo::MultiLineString;
use h3o::CellIndex;
use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    AnyGeometry, Coverage, CoverageProperties, CoverageSummary, Dosage, DosageProperties,
    DosageSummary, Feature, PatrolSubject, PeriodOut, PointGeometry, Slot, TeamProperties,
    TeamSummary, Teams, Timing, TimingSummary, VisitOut,
};
use super::filters::Filters;
use crate::analytics::patrol::coverage::{DEFAULT_BUFFER_M, coverage as cover};
use crate::analytics::patrol::dosage::{dosage as dose, visits};
use crate::analytics::patrol::hot_cells::{HotSource, city_hot_cells};
use crate::analytics::patrol::teams::{ORDER, Team, rank, teams as measure_teams};
use crate::analytics::patrol::timing::{community_profile, patrolled_hours, timing as time_of};
use crate::api::params::{Metres, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::{Engine, IncidentFilter};
use crate::model::{PatrolTrack, Period, format_local};

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

/// `buffer_m`: how far a patrol reaches.
pub const BUFFER_M: Metres = Metres {
    key: "buffer_m",
    default: Some(DEFAULT_BUFFER_M),
    max: 1_000.0,
    about: "reach",
};

/// The parameters naming what a coverage, dosage or timing request is about.
const SUBJECT: &[&str] = &["route", "track", "community", "buffer_m"];

/// The hot cells of `filter` in community `community` (position).
fn hot_cells(
    engine: &Engine,
    areas: &StudyAreas,
    filter: &IncidentFilter,
    community: u32,
) -> Result<Vec<CellIndex>, ApiError> {
    Ok(city_hot_cells(engine, areas, filter)?
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
    describe: PatrolSubject,
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
                describe: PatrolSubject {
                    route_id: Some(r),
                    team: Some(route.team.clone()),
                    ..PatrolSubject::default()
                },
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
                describe: PatrolSubject {
                    track_id: Some(t),
                    team: Some(track.team.clone()),
                    ..PatrolSubject::default()
                },
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
                describe: PatrolSubject {
                    community_id: Some(c),
                    ..PatrolSubject::default()
                },
            })
        }
        _ => Err(ApiError::BadRequest(
            "give exactly one of `route`, `track` or `community`".into(),
        )),
    }
}

/// `GET /api/v1/patrol/coverage?route=|track=|community=[&buffer_m=50][&from=&to=&kind=]`.
pub fn coverage(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filter = period_filter(engine, params, SUBJECT)?;
    let subject = subject(engine, params)?;
    let buffer_m = BUFFER_M.read(params, 0.0)?;
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
    let mut features: Vec<Feature<CoverageProperties, AnyGeometry>> = c
        .grids
        .iter()
        .map(|g| {
            let grid = &engine.grids.items()[g.grid as usize];
            Feature::new(
                format!("grid.{}", grid.id),
                AnyGeometry::of(&grid.geometry),
                CoverageProperties::Grid {
                    grid_id: grid.id,
                    name: grid.name.clone(),
                    area_covered_share: g.area_share,
                    buildings_covered_share: share(g.buildings_reached as u64, g.buildings as u64),
                    households_covered_share: share(g.households_reached, g.households),
                    buildings: g.buildings,
                    households: g.households,
                    hotspots_reached: g.hotspots_reached,
                    hotspots_missed: g.hotspots_missed,
                },
            )
        })
        .collect();
    for cell in &c.hotspots_missed {
        features.push(Feature::new(
            format!("missed.{cell}"),
            AnyGeometry::cell(*cell),
            CoverageProperties::MissedHotspot {
                h3: cell.to_string(),
            },
        ));
    }
    features.push(Feature::new(
        "buffer".into(),
        AnyGeometry::of(&c.buffer),
        CoverageProperties::Buffer { buffer_m },
    ));
    let community = &engine.communities.items()[subject.community as usize];
    let names = |cells: &[CellIndex]| cells.iter().map(ToString::to_string).collect();
    Coverage::new(
        features,
        CoverageSummary {
            subject: subject.describe,
            community_id: community.id,
            buffer_m,
            length_m: rounded(c.length_m, 1),
            buffer_area_m2: c.buffer_area_m2.round(),
            hotspots_reached: names(&c.hotspots_reached),
            hotspots_missed: names(&c.hotspots_missed),
            incidents: c.incidents,
            incidents_reached: c.incidents_reached,
            incident_share: share(c.incidents_reached as u64, c.incidents as u64),
            period: filter.period.into(),
            hotspots: "the community's res-9 cells of Gi* class ≥ +2 city-wide for the period and kinds, else its own busiest cells (3 at most, of 3 or more incidents)",
        },
    )
    .into_value()
}

/// `a / b`, 0 when `b` is 0.
fn share(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
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
    let features = rows
        .iter()
        .map(|d| {
            Feature::cell(
                d.cell,
                DosageProperties {
                    h3: d.cell.to_string(),
                    minutes: round(d.minutes),
                    minutes_per_week: round(d.minutes_per_week),
                    koper_share: round(d.koper_share),
                    longest_gap_h: round(d.longest_gap_h),
                    visits: d
                        .visits
                        .iter()
                        .map(|v| VisitOut {
                            track_id: v.track,
                            entry: format_local(v.entry.floor() as i64),
                            exit: format_local(v.exit.ceil() as i64),
                            minutes: round(v.minutes()),
                            class: v.band().as_str(),
                        })
                        .collect(),
                },
            )
        })
        .collect();
    Dosage::new(
        features,
        DosageSummary {
            tracks: subject.tracks.len(),
            subject: subject.describe,
            window: PeriodOut {
                from: Some(format_local(from)),
                to: Some(format_local(to)),
            },
            hotspots: hot.len(),
            visits: all.len(),
            period: filter.period.into(),
            bands: "pass < 2 min, short 2–10, koper 10–16, long > 16 (Koper 1995)",
        },
    )
    .into_value()
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
    let profile = community_profile(engine, &filter, subject.community);
    let t = time_of(&profile, &patrolled);
    Timing::new(
        Vec::new(),
        TimingSummary {
            tracks: subject.tracks.len(),
            subject: subject.describe,
            incidents: t.incidents,
            timing_score: t.score,
            patrolled_hours: patrolled
                .iter()
                .enumerate()
                .filter(|(_, p)| **p)
                .map(|(h, _)| Slot::of(h))
                .collect(),
            patrol_length_h: t.length_h,
            best_slot: Slot::of(t.best_start),
            best_score: t.best_score,
            profile: profile.to_vec(),
            period: filter.period.into(),
            hours: "hour of week in local time (UTC+08), weekday 1 = Monday",
        },
    )
    .into_value()
}

/// `GET /api/v1/patrol/teams[?from=&to=&kind=]`: every community's team, worst first, by the
/// mean of its ranks in four measures (see [`ORDER`]); teams with no hot spot to be judged on
/// follow, unranked.
pub fn teams(engine: &Engine, areas: &StudyAreas, params: &QueryParams) -> Result<Value, ApiError> {
    params.only(&["kind", "from", "to"])?;
    let filter = period_filter(engine, params, SUBJECT)?;
    let hot = city_hot_cells(engine, areas, &filter)?;
    let scope = params.scope();
    let all = measure_teams(engine, &hot, &filter, |id| scope.sees(Some(id)));
    let order = rank(&all);
    let mut features: Vec<_> = order
        .iter()
        .enumerate()
        .map(|(place, &(i, mean_rank))| {
            team_feature(engine, &all[i], Some((place + 1, rounded(mean_rank, 2))))
        })
        .collect();
    let apart: Vec<&Team> = all.iter().filter(|t| t.measures().is_none()).collect();
    features.extend(apart.iter().map(|t| team_feature(engine, t, None)));
    let by_source = |source| {
        all.iter()
            .filter(|t| t.measures().is_some() && t.hotspot_source() == Some(source))
            .count()
    };
    Teams::new(
        features,
        TeamSummary {
            teams: all.len(),
            ranked: order.len(),
            unranked: apart.len(),
            judged_on_gi_star_hotspots: by_source(HotSource::GiStar),
            judged_on_own_busiest_cells: by_source(HotSource::CommunityTop),
            period: filter.period.into(),
            order: ORDER,
        },
    )
    .into_value()
}

/// One team as a point feature inside its community, with its `rank` and `mean_rank` (null
/// when it is not ranked).
fn team_feature(
    engine: &Engine,
    team: &Team,
    rank: Option<(usize, f64)>,
) -> Feature<TeamProperties, Option<PointGeometry>, u64> {
    let community = &engine.communities.items()[team.community as usize];
    let t = &team.timing;
    Feature::new(
        community.id,
        team.at.map(PointGeometry::from),
        TeamProperties {
            community_id: community.id,
            community: community.name.clone(),
            team: team.team.clone(),
            routes: team.route_ids.len(),
            route_ids: team.route_ids.clone(),
            tracks: team.tracks,
            hotspots: team.hot.len(),
            hotspot_source: team.hotspot_source(),
            hotspot_incidents: team.hot.iter().map(|h| h.incidents).sum::<f64>(),
            hotspots_reached_share: team.reached_share.map(|r| rounded(r, 3)),
            route_walked_share: team.walked_share.map(|w| rounded(w, 3)),
            minutes_per_week_at_hotspots: rounded(team.minutes_per_week, 1),
            koper_share: team.koper_share.map(|k| rounded(k, 3)),
            incidents: t.incidents,
            timing_score: t.score,
            timing_vs_best: rounded(team.vs_best, 3),
            best_slot: Slot::of(t.best_start),
            best_score: t.best_score,
            ranked: team.measures().is_some(),
            rank: rank.map(|r| r.0),
            mean_rank: rank.map(|r| r.1),
        },
    )
}
