//! `GET /api/v1/forecast/backtest`: which hot-spot map would have predicted each step best.

use geo::Coord;
use serde_json::Value;

use super::super::StudyAreas;
use super::super::answer::{
    BacktestAnswer, BacktestMean, BacktestScore, BacktestStep, PeriodOut, to_value,
};
use super::super::filters::{Filters, bin_level};
use super::kde::BANDWIDTH_M;
use super::{Local, local_incidents};
use crate::analytics::backtest::{
    Located, Method, Options, Score, StepScores, Surface, backtest as run_backtest,
};
use crate::api::params::{Choice, Integer, Res, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::{Engine, NONE};
use crate::model::{Period, format_local};

/// `step` of a backtest.
pub const BACKTEST_STEP: Choice = Choice {
    key: "step",
    names: &["month", "week", "quarter"],
    default: "month",
    about: "time step of the backtest",
};

/// `lookback` of a backtest.
pub const LOOKBACK: Integer = Integer {
    key: "lookback",
    default: 3,
    min: 1,
    max: 24,
    about: "steps of history the gistar and kde maps use",
};

/// `res` of a backtest.
pub const BACKTEST_RES: Res = Res {
    key: "res",
    default: 9,
    min: 7,
    max: 10,
    about: "H3 resolution of the cells the maps are drawn on",
};

/// The default bandwidth of the backtest's kde (the prospective window's reach, 400 m, is of
/// the same order).
const BACKTEST_BANDWIDTH_M: f64 = 300.0;
/// The most steps one backtest scores.
const MAX_STEPS: usize = 156;

/// The steps' edges: `lookback` steps of history before the step holding `from`, then steps
/// until the one holding `to`.
fn step_bounds(step: &str, from: i64, to: i64, lookback: usize) -> Result<Vec<i64>, ApiError> {
    use chrono::{Datelike, Duration, FixedOffset, Months, NaiveDate, TimeZone};
    let zone = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("UTC+08:00"));
    let day = |t: i64| zone.timestamp_opt(t, 0).single().map(|d| d.date_naive());
    let start = day(from).ok_or_else(|| ApiError::BadRequest("`from` is out of range".into()))?;
    let first: NaiveDate = match step {
        "week" => start - Duration::days(i64::from(start.weekday().num_days_from_monday())),
        "quarter" => {
            NaiveDate::from_ymd_opt(start.year(), (start.month0() / 3) * 3 + 1, 1).unwrap_or(start)
        }
        _ => start.with_day(1).unwrap_or(start),
    };
    let next = |d: NaiveDate, n: i32| -> Option<NaiveDate> {
        match step {
            "week" => d.checked_add_signed(Duration::weeks(i64::from(n))),
            "quarter" if n >= 0 => d.checked_add_months(Months::new(3 * n.unsigned_abs())),
            "quarter" => d.checked_sub_months(Months::new(3 * n.unsigned_abs())),
            _ if n >= 0 => d.checked_add_months(Months::new(n.unsigned_abs())),
            _ => d.checked_sub_months(Months::new(n.unsigned_abs())),
        }
    };
    let at = |d: NaiveDate| {
        zone.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map_or(0, |t| t.timestamp())
    };
    let mut bounds = Vec::new();
    let mut d = next(first, -(lookback as i32)).unwrap_or(first);
    loop {
        bounds.push(at(d));
        if bounds.len() > lookback && *bounds.last().unwrap_or(&0) > to {
            break;
        }
        if bounds.len() > lookback + MAX_STEPS {
            return Err(ApiError::Unprocessable(format!(
                "more than {MAX_STEPS} steps: choose a shorter period or a longer step"
            )));
        }
        d = next(d, 1).ok_or_else(|| ApiError::BadRequest("the period is out of range".into()))?;
    }
    Ok(bounds)
}

/// What a backtest asks, read from the query.
struct Asked {
    methods: Vec<Method>,
    step: &'static str,
    options: Options,
    res: h3o::Resolution,
}

impl Asked {
    fn read(params: &QueryParams) -> Result<Self, ApiError> {
        let methods: Vec<Method> = match params.get("methods") {
            None => Method::ALL.to_vec(),
            Some(raw) => raw
                .split(',')
                .map(|m| {
                    m.trim()
                        .parse::<Method>()
                        .map_err(|e| ApiError::BadRequest(format!("`methods`: {e}")))
                })
                .collect::<Result<_, _>>()?,
        };
        let given = BACKTEST_STEP.read(params)?;
        let step: &'static str = BACKTEST_STEP
            .names
            .iter()
            .find(|n| **n == given)
            .copied()
            .unwrap_or(BACKTEST_STEP.default);
        let area_share = match params.get("area_share") {
            None => 0.05,
            Some(raw) => raw
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| *v > 0.0 && *v <= 0.5)
                .ok_or_else(|| {
                    ApiError::BadRequest("`area_share` is a number above 0 and at most 0.5".into())
                })?,
        };
        Ok(Self {
            methods,
            step,
            options: Options {
                lookback: LOOKBACK.read(params)? as usize,
                bandwidth_m: BANDWIDTH_M.read(params, BACKTEST_BANDWIDTH_M)?,
                area_share,
            },
            res: BACKTEST_RES.read(params)?,
        })
    }
}

/// Which hot-spot map would have predicted each step best.
pub fn backtest(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(
        engine,
        params,
        &[
            "methods",
            "step",
            "area_share",
            "lookback",
            "res",
            "bandwidth_m",
        ],
    )?;
    let Asked {
        methods,
        step,
        options,
        res,
    } = Asked::read(params)?;
    let lookback = options.lookback;
    // The default period: the last year of the data.
    let (_, last) = engine.incidents.time_extent().unwrap_or((0, 0));
    let to = filters.incidents.period.end.unwrap_or(last);
    let from = filters
        .incidents
        .period
        .start
        .unwrap_or(to - 365 * 86_400 + 1);
    let bounds = step_bounds(step, from, to, lookback)?;

    let area = areas.within(
        engine,
        res,
        (&filters.communities, &filters.grids),
        1,
        filters.incidents.bbox.as_ref(),
    );
    if area.0.is_empty() {
        return Err(ApiError::BadRequest(
            "the study area has no cells: widen the bbox or choose other areas".into(),
        ));
    }
    let mut history = filters.incidents.clone();
    history.period = Period {
        start: bounds.first().copied(),
        end: bounds.last().map(|b| b - 1),
    };
    let (incidents, centres) = located(engine, &area.0, &history, res)?;
    let surface = Surface {
        centres: &centres,
        neighbours: &area.1,
    };
    let steps = run_backtest(&surface, &incidents, &bounds, &methods, &options);
    let means: Vec<BacktestMean> = methods
        .iter()
        .enumerate()
        .map(|(m, &method)| mean_of(method, m, &steps))
        .collect();
    let best = means
        .iter()
        .filter_map(|m| Some((m.method, m.pei?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m);
    let round = |v: Option<f64>| v.map(|v| rounded(v, 6));
    to_value(&BacktestAnswer {
        step,
        res: u8::from(res),
        cells: centres.len(),
        cells_chosen: steps.first().map_or(0, |s| s.cells_chosen),
        area_share: steps
            .first()
            .map_or(options.area_share, |s| rounded(s.area_share, 6)),
        lookback_steps: lookback,
        bandwidth_m: options.bandwidth_m,
        period: PeriodOut {
            from: Some(format_local(bounds[lookback.min(bounds.len() - 1)])),
            to: bounds.last().map(|b| format_local(b - 1)),
        },
        steps: steps
            .iter()
            .map(|s| BacktestStep {
                from: format_local(s.from),
                to: format_local(s.to - 1),
                incidents: s.incidents,
                scores: s
                    .scores
                    .iter()
                    .map(|sc| BacktestScore {
                        method: sc.method,
                        hits: sc.hits,
                        best_hits: sc.best_hits,
                        hit_rate: round(sc.hit_rate),
                        pai: round(sc.pai),
                        pei: round(sc.pei),
                    })
                    .collect(),
            })
            .collect(),
        methods: means,
        best,
        method: "each step's map from the incidents before it; its top area_share of cells scored by the step's incidents: hit rate, PAI = hit rate / area share (Chainey et al. 2008), PEI = hits / the most hits possible with as many cells (Hunt 2016)",
    })
}

/// One method's means over the steps that had incidents (the `m`-th score of each step).
fn mean_of(method: Method, m: usize, steps: &[StepScores]) -> BacktestMean {
    let scored: Vec<_> = steps.iter().filter(|s| s.incidents > 0).collect();
    let mean = |f: &dyn Fn(&Score) -> Option<f64>| {
        let v: Vec<f64> = scored.iter().filter_map(|s| f(&s.scores[m])).collect();
        (!v.is_empty()).then(|| rounded(v.iter().sum::<f64>() / v.len() as f64, 6))
    };
    BacktestMean {
        method,
        hit_rate: mean(&|s| s.hit_rate),
        pai: mean(&|s| s.pai),
        pei: mean(&|s| s.pei),
        hits: steps.iter().map(|s| s.scores[m].hits).sum(),
        incidents: steps.iter().map(|s| s.incidents).sum(),
    }
}

/// The incidents of `history` as the backtest sees them (their study-area cell, metres, time)
/// and the cells' centres, in one metric frame centred on the incidents.
fn located(
    engine: &Engine,
    area: &crate::analytics::study_area::StudyArea,
    history: &crate::index::IncidentFilter,
    res: h3o::Resolution,
) -> Result<(Vec<Located>, Vec<[f64; 2]>), ApiError> {
    let level = bin_level(engine, res)?;
    let slots = area.slots(level);
    let Local { rows, at, frame } = local_incidents(engine, history);
    let incidents = rows
        .iter()
        .zip(&at)
        .map(|(&r, p)| {
            let bin = level.rows()[r];
            Located {
                cell: (bin != NONE && slots[bin as usize] != NONE).then(|| slots[bin as usize]),
                x: p.x,
                y: p.y,
                t: engine.incidents.reported_at[r],
            }
        })
        .collect();
    let centres = area
        .cells()
        .iter()
        .map(|&c| {
            let ll = h3o::LatLng::from(c);
            let p = frame.to_local(Coord {
                x: ll.lng(),
                y: ll.lat(),
            });
            [p.x, p.y]
        })
        .collect();
    Ok((incidents, centres))
}
