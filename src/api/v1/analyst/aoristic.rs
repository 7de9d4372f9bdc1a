//! `GET /api/v1/aoristic`: the hour-of-week table of incidents known only to a window.

use serde_json::Value;

use super::super::StudyAreas;
use super::super::answer::{AoristicAnswer, to_value};
use super::super::filters::Filters;
use crate::analytics::aoristic::spread;
use crate::api::params::rounded;
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;

/// The hour-of-week table with each incident's weight spread over its window.
pub fn aoristic(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &[])?;
    let t = &engine.incidents;
    let mut table = [[0.0; 24]; 7];
    let (mut incidents, mut with_window) = (0, 0);
    t.for_each_match(&filters.incidents, |row| {
        incidents += 1;
        match t.occurred[row] {
            Some(o) => {
                with_window += 1;
                spread(&mut table, o.from, o.to);
            }
            None => spread(&mut table, t.reported_at[row], t.reported_at[row]),
        }
    });
    let round = |v: f64| rounded(v, 6);
    to_value(&AoristicAnswer {
        incidents,
        with_window,
        period: filters.closed_period(engine).into(),
        rows: "weekday, 0 = Monday",
        columns: "hour of day, UTC+08:00",
        weights: table
            .iter()
            .map(|day| day.iter().map(|&v| round(v)).collect())
            .collect(),
        by_weekday: table.iter().map(|day| round(day.iter().sum())).collect(),
        by_hour: (0..24)
            .map(|h| round(table.iter().map(|day| day[h]).sum()))
            .collect(),
        method: "aoristic (Ratcliffe 2002): each incident's weight of 1 spread over the hours of its window in proportion to their overlap; an exact time puts it in its hour",
    })
}
