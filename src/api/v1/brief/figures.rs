//! The community brief's figures. Each section asks the API answer it names (with the caller's
//! scope, so a bound token's brief is drawn from what it may see) and copies the figures out of
//! it: the brief never computes a number of its own that an endpoint also gives.

use serde_json::Value;

use super::super::answer::{
    BriefCommunity, BriefFindings, BriefHandling, BriefHotSpot, BriefIncidents, BriefInspections,
    BriefLifeCircles, BriefPatrol, CommunityBrief, KindLine, Section, Slot, Unanswered,
};
use crate::analytics::study_areas::StudyAreas;
use crate::api::{ApiError, QueryParams, Scope};
use crate::index::Engine;
use crate::model::lists::Quarter;
use crate::model::{IncidentKind, format_local};

/// What an endpoint computes (as [`super::super::cached`] serves it).
pub(super) type Compute = fn(&Engine, &StudyAreas, &QueryParams) -> Result<Value, ApiError>;

/// Asks endpoints in the caller's scope.
pub(super) struct Asker<'a> {
    pub engine: &'a Engine,
    pub areas: &'a StudyAreas,
    pub scope: &'a Scope,
}

impl Asker<'_> {
    /// The answer of `path?query`, and that address.
    pub fn ask(
        &self,
        compute: Compute,
        path: &str,
        query: &str,
    ) -> Result<(String, Value), ApiError> {
        let params = QueryParams::parse(Some(query))?.within(self.scope.clone());
        let answer = compute(self.engine, self.areas, &params)?;
        Ok((format!("{path}?{query}"), answer))
    }
}

/// A quarter's first and last local dates, as `from`/`to` take them.
pub(super) fn dates(q: Quarter) -> (String, String) {
    let day = |t: i64| format_local(t).chars().take(10).collect::<String>();
    (day(q.start()), day(q.end() - 1))
}

/// The same quarter a year before.
pub(super) const fn year_ago(q: Quarter) -> Quarter {
    Quarter {
        year: q.year - 1,
        q: q.q,
    }
}

/// Percent change from `before` to `now`, to one decimal; `None` from nothing.
pub(super) fn change_pct(now: u64, before: u64) -> Option<f64> {
    (before > 0).then(|| ((now as f64 - before as f64) / before as f64 * 1000.0).round() / 10.0)
}

pub(super) fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// The one feature's properties of a one-community stats answer.
fn stats_of(answer: &Value) -> &Value {
    &answer["features"][0]["properties"]
}

fn incidents(ask: &Asker<'_>, id: u64, q: Quarter) -> Result<BriefIncidents, ApiError> {
    let one = |q: Quarter| {
        let (from, to) = dates(q);
        ask.ask(
            super::super::community_stats,
            "/api/v1/stats/communities",
            &format!("community={id}&from={from}&to={to}"),
        )
    };
    let (now_src, now) = one(q)?;
    let (prev_src, prev) = one(q.previous())?;
    let (ago_src, ago) = one(year_ago(q))?;
    let count = |a: &Value, kind: IncidentKind| u(&stats_of(a)["counts"][kind.as_str()]);
    let by_kind = IncidentKind::ALL
        .iter()
        .map(|&kind| {
            let (c, p, y) = (count(&now, kind), count(&prev, kind), count(&ago, kind));
            KindLine {
                kind,
                name_zh: kind.name_zh(),
                count: c,
                previous: p,
                year_ago: y,
                quarter_on_quarter_pct: change_pct(c, p),
                year_on_year_pct: change_pct(c, y),
            }
        })
        .filter(|l| l.count + l.previous + l.year_ago > 0)
        .collect();
    let total = |a: &Value| u(&stats_of(a)["count"]);
    Ok(BriefIncidents {
        total: total(&now),
        previous: total(&prev),
        year_ago: total(&ago),
        quarter_on_quarter_pct: change_pct(total(&now), total(&prev)),
        year_on_year_pct: change_pct(total(&now), total(&ago)),
        rate_per_1000_households: stats_of(&now)["rate_per_1000_households"].as_f64(),
        by_kind,
        sources: [now_src, prev_src, ago_src],
    })
}

fn handling(ask: &Asker<'_>, id: u64, q: Quarter) -> Result<BriefHandling, ApiError> {
    let (from, to) = dates(q);
    let (source, answer) = ask.ask(
        super::super::handling_kpis,
        "/api/v1/handling/kpis",
        &format!("by=community&community={id}&from={from}&to={to}"),
    )?;
    let row = &answer["rows"][0];
    Ok(BriefHandling {
        count: u(&row["count"]),
        closed: u(&row["closed"]),
        closed_on_time: u(&row["closed_on_time"]),
        on_time_share: row["on_time_share"].as_f64(),
        return_rate: row["return_rate"].as_f64(),
        grade: row["grade"].as_str().map(str::to_owned),
        source,
    })
}

/// A section's answer, or why the data cannot give it (a city without patrol routes or
/// streets); a fault of ours is still an error.
fn answered<T>(
    result: Result<T, ApiError>,
    source: impl FnOnce() -> String,
) -> Result<Section<T>, ApiError> {
    match result {
        Ok(v) => Ok(Section::Answered(v)),
        Err(e @ (ApiError::Internal(_) | ApiError::Overloaded(_))) => Err(e),
        Err(e) => Ok(Section::Unanswered(Unanswered {
            source: source(),
            detail: e.to_string(),
        })),
    }
}

fn patrol(ask: &Asker<'_>, id: u64, q: Quarter) -> Result<BriefPatrol, ApiError> {
    let (from, to) = dates(q);
    let query = format!("community={id}&from={from}&to={to}");
    let (cov_src, coverage) = ask.ask(super::super::coverage, "/api/v1/patrol/coverage", &query)?;
    let (dos_src, dosage) = ask.ask(super::super::dosage, "/api/v1/patrol/dosage", &query)?;
    let (tim_src, timing) = ask.ask(super::super::timing, "/api/v1/patrol/timing", &query)?;
    let s = &coverage["summary"];
    let cells = |key: &str| -> Vec<String> {
        s[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let dose = |h3: &str| {
        dosage["features"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["properties"]["h3"] == h3))
            .map_or((0.0, 0), |f| {
                let p = &f["properties"];
                (
                    p["minutes"].as_f64().unwrap_or(0.0),
                    p["visits"].as_array().map_or(0, |v| v.len() as u64),
                )
            })
    };
    let missed = cells("hotspots_missed");
    let hotspots = cells("hotspots_reached")
        .into_iter()
        .map(|h| (h, true))
        .chain(missed.iter().map(|h| (h.clone(), false)))
        .map(|(h3, reached)| {
            let (minutes, visits) = dose(&h3);
            BriefHotSpot {
                h3,
                reached,
                minutes,
                visits,
            }
        })
        .collect();
    let t = &timing["summary"];
    let slot = &t["best_slot"];
    Ok(BriefPatrol {
        routes: ask
            .engine
            .patrol_routes
            .items()
            .iter()
            .filter(|r| r.community_id == id)
            .count(),
        length_m: s["length_m"].as_f64().unwrap_or(0.0),
        hotspots,
        hotspots_missed: missed.len(),
        incident_share: s["incident_share"].as_f64(),
        tracks: u(&dosage["summary"]["tracks"]),
        visits: u(&dosage["summary"]["visits"]),
        timing_score: t["timing_score"].as_f64(),
        best_slot: slot["weekday"]
            .as_u64()
            .zip(slot["hour"].as_u64())
            .map(|(weekday, hour)| Slot {
                weekday: weekday as usize,
                hour: hour as usize,
            }),
        best_score: t["best_score"].as_f64(),
        sources: [cov_src, dos_src, tim_src],
    })
}

fn findings(ask: &Asker<'_>, id: u64, q: Quarter) -> Result<BriefFindings, ApiError> {
    let (from, to) = dates(q);
    // source = 'patrol', URL-encoded.
    let patrols = "kind=safety_hazard,dispute&filter=source%20%3D%20%27patrol%27";
    let (q_src, quarter) = ask.ask(
        super::super::community_stats,
        "/api/v1/stats/communities",
        &format!("community={id}&from={from}&to={to}&{patrols}"),
    )?;
    let (all_src, all) = ask.ask(
        super::super::community_stats,
        "/api/v1/stats/communities",
        &format!("community={id}&to={to}&{patrols}"),
    )?;
    let count = |a: &Value, kind: &str| u(&stats_of(a)["counts"][kind]);
    Ok(BriefFindings {
        safety_hazards: count(&quarter, "safety_hazard"),
        disputes: count(&quarter, "dispute"),
        safety_hazards_to_date: count(&all, "safety_hazard"),
        disputes_to_date: count(&all, "dispute"),
        sources: [q_src, all_src],
    })
}

fn life_circles(ask: &Asker<'_>, id: u64) -> Result<BriefLifeCircles, ApiError> {
    let (source, answer) = ask.ask(
        super::super::gaps,
        "/api/v1/access/gaps",
        &format!("community={id}"),
    )?;
    let s = &answer["summary"];
    let beyond = s["beyond"].as_array().cloned().unwrap_or_default();
    Ok(BriefLifeCircles {
        households_total: u(&s["households_total"]),
        thresholds_m: beyond
            .iter()
            .filter_map(|b| b["threshold_m"].as_f64())
            .collect(),
        households_beyond: beyond.iter().map(|b| u(&b["households_beyond"])).collect(),
        source,
    })
}

/// The brief of community `id` (which the caller may see) for quarter `q`.
pub(super) fn brief(ask: &Asker<'_>, id: u64, q: Quarter) -> Result<CommunityBrief, ApiError> {
    let engine = ask.engine;
    let community = engine
        .communities
        .get(id)
        .ok_or_else(|| ApiError::NotFound(format!("there is no community {id}")))?;
    let district = engine
        .districts
        .get(community.district_id)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let (from, to) = dates(q);
    let patrol_query = format!("community={id}&from={from}&to={to}");
    let lists_query = format!("quarter={q}&community={id}");
    let lists = super::super::lists::summary(
        engine,
        &QueryParams::parse(Some(&lists_query))?.within(ask.scope.clone()),
    )?;
    let lists_source = format!("/api/v1/lists/summary?{lists_query}");
    let (inspections_source, inspections) = ask.ask(
        super::super::inspections,
        "/api/v1/inspections",
        &lists_query,
    )?;
    let s = &inspections["summary"];
    Ok(CommunityBrief {
        community: BriefCommunity {
            id,
            name: community.name.clone(),
            district_id: community.district_id,
            district,
            households: community.households,
            population: community.population,
            grids: engine
                .grids
                .items()
                .iter()
                .filter(|g| g.community_id == id)
                .count(),
        },
        quarter: q.to_string(),
        previous_quarter: q.previous().to_string(),
        year_ago_quarter: year_ago(q).to_string(),
        period: crate::model::Period {
            start: Some(q.start()),
            end: Some(q.end() - 1),
        }
        .into(),
        incidents: incidents(ask, id, q)?,
        handling: handling(ask, id, q)?,
        patrol: answered(patrol(ask, id, q), || {
            format!("/api/v1/patrol/coverage?{patrol_query}")
        })?,
        findings: findings(ask, id, q)?,
        life_circles: answered(life_circles(ask, id), || {
            format!("/api/v1/access/gaps?community={id}")
        })?,
        lists,
        lists_source,
        inspections: BriefInspections {
            inspections: u(&s["inspections"]),
            problems_found: u(&s["problems_found"]),
            problems_solved: u(&s["problems_solved"]),
            source: inspections_source,
        },
    })
}
