//! The city's quarterly ranking of communities on the seed's indicators: incidents and their
//! rate, criminal cases (the seed counts the communities without a major one: 194 of 222),
//! handling on time, projects done, joint inspections. Every figure is copied from the API
//! answer named in `sources`.

use rustc_hash::FxHashMap;

use super::super::answer::{Ranking, RankingLine};
use super::figures::{Asker, dates, u};
use crate::api::{ApiError, QueryParams};
use crate::model::lists::Quarter;

/// The order of the ranking, best first.
pub const ORDER: &str = "fewest criminal cases in the year to the quarter's end, then the lowest incident rate per 1,000 households in the quarter, then the highest on-time share";

/// Every community the caller sees, ranked.
#[allow(
    clippy::too_many_lines,
    reason = "the four answers read, then one line per community, then the order"
)]
pub(super) fn ranking(ask: &Asker<'_>, q: Quarter) -> Result<Ranking, ApiError> {
    let engine = ask.engine;
    let (from, to) = dates(q);
    let year_from = dates(Quarter { year: q.year, q: 1 }).0;
    let (stats_src, stats) = ask.ask(
        super::super::community_stats,
        "/api/v1/stats/communities",
        &format!("from={from}&to={to}"),
    )?;
    let (crime_src, crime) = ask.ask(
        super::super::community_stats,
        "/api/v1/stats/communities",
        &format!("kind=criminal_case&from={year_from}&to={to}"),
    )?;
    let (kpis_src, kpis) = ask.ask(
        super::super::handling_kpis,
        "/api/v1/handling/kpis",
        &format!("by=community&from={from}&to={to}"),
    )?;
    let (insp_src, inspections) = ask.ask(
        super::super::inspections,
        "/api/v1/inspections",
        &format!("quarter={q}"),
    )?;
    let by_id = |answer: &serde_json::Value| -> FxHashMap<u64, serde_json::Value> {
        answer["features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| Some((f["id"].as_u64()?, f["properties"].clone())))
            .collect()
    };
    let stats = by_id(&stats);
    let crime = by_id(&crime);
    let kpis: FxHashMap<u64, &serde_json::Value> = kpis["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["id"].as_u64()?, r)))
        .collect();
    let mut inspected: FxHashMap<u64, u64> = FxHashMap::default();
    for f in inspections["features"].as_array().into_iter().flatten() {
        *inspected
            .entry(u(&f["properties"]["community_id"]))
            .or_default() += 1;
    }
    let mut lines = Vec::new();
    for c in engine.communities.items() {
        if !ask.scope.sees(Some(c.id)) {
            continue;
        }
        let s = stats.get(&c.id);
        let field = |key: &str| s.map(|s| &s[key]);
        let lists = super::super::lists::summary(
            engine,
            &QueryParams::parse(Some(&format!("quarter={q}&community={}", c.id)))?
                .within(ask.scope.clone()),
        )?;
        let k = kpis.get(&c.id);
        lines.push(RankingLine {
            rank: 0,
            id: c.id,
            name: c.name.clone(),
            district_id: c.district_id,
            households: c.households,
            incidents: field("count").map_or(0, u),
            rate_per_1000_households: field("rate_per_1000_households")
                .and_then(serde_json::Value::as_f64),
            year_on_year_pct: field("year_on_year_pct").and_then(serde_json::Value::as_f64),
            criminal_cases: s.map_or(0, |s| u(&s["counts"]["criminal_case"])),
            criminal_cases_year: crime.get(&c.id).map_or(0, |s| u(&s["count"])),
            on_time_share: k.and_then(|k| k["on_time_share"].as_f64()),
            return_rate: k.and_then(|k| k["return_rate"].as_f64()),
            projects_done: lists.projects_done_in_quarter,
            households_helped: lists.households_helped_in_quarter,
            inspections: inspected.get(&c.id).copied().unwrap_or(0),
        });
    }
    lines.sort_by(|a, b| {
        a.criminal_cases_year
            .cmp(&b.criminal_cases_year)
            .then(
                a.rate_per_1000_households
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.rate_per_1000_households.unwrap_or(f64::INFINITY)),
            )
            .then(
                b.on_time_share
                    .unwrap_or(-1.0)
                    .total_cmp(&a.on_time_share.unwrap_or(-1.0)),
            )
            .then(a.id.cmp(&b.id))
    });
    for (k, line) in lines.iter_mut().enumerate() {
        line.rank = k + 1;
    }
    let without = lines.iter().filter(|l| l.criminal_cases_year == 0).count();
    Ok(Ranking {
        quarter: q.to_string(),
        communities: lines.len(),
        without_criminal_case_year: without,
        without_criminal_case_share: if lines.is_empty() {
            0.0
        } else {
            (without as f64 / lines.len() as f64 * 1000.0).round() / 1000.0
        },
        order: ORDER,
        lines,
        sources: vec![
            stats_src,
            crime_src,
            kpis_src,
            insp_src,
            format!("/api/v1/lists/summary?quarter={q}&community={{id}}"),
        ],
    })
}
