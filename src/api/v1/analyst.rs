//! The crime analyst's methods: `GET /api/v1/near-repeat`, `/aoristic`, `/kde` and
//! `/forecast/backtest`. Each reads the common filters (kind, period, community, grid, bbox,
//! status) and runs one pure function of [`crate::analytics`] on the matching incidents, in a
//! local metric frame centred on them.

use geo::Coord;
use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    AoristicAnswer, BacktestAnswer, BacktestMean, BacktestScore, BacktestStep, Feature, Kde,
    KdeProperties, KdeSummary, KnoxOut, NearRepeatAnswer, NearRepeatBand, PolygonType,
    SquarePolygon, to_value,
};
use super::filters::{Filters, bin_level};
use crate::analytics::aoristic::spread;
use crate::analytics::backtest::{Located, Method, Options, Surface, backtest as run_backtest};
use crate::analytics::kde::{Raster, Weighted, default_bandwidth, density};
use crate::analytics::near_repeat::{Bands, Event, near_repeat as run_near_repeat};
use crate::api::params::{Choice, Integer, Metres, Res, rounded};
use crate::api::{ApiError, QueryParams};
use crate::geodesy::Frame;
use crate::index::{Engine, IncidentFilter, NONE};
use crate::model::{Period, format_local};

/// `permutations` of a near-repeat analysis.
pub const PERMUTATIONS: Integer = Integer {
    key: "permutations",
    default: 999,
    min: 0,
    max: 9_999,
    about: "permutations of the times",
};

/// `seed` of a near-repeat analysis.
pub const SEED: Integer = Integer {
    key: "seed",
    default: 1,
    min: 0,
    max: u32::MAX as u64,
    about: "seed of the permutations (the same seed, the same answer)",
};

/// The most spatial pairs a near-repeat analysis counts, and pairs × permutations.
const MAX_PAIRS: usize = 20_000_000;
const MAX_PAIR_PERMUTATIONS: f64 = 1e10;

/// `bandwidth_m` of a kernel density.
pub const BANDWIDTH_M: Metres = Metres {
    key: "bandwidth_m",
    default: None,
    max: 5_000.0,
    about: "kernel bandwidth (default: ArcGIS's spatial Silverman rule)",
};

/// `cell_m` of a kernel density.
pub const CELL_M: Metres = Metres {
    key: "cell_m",
    default: Some(100.0),
    max: 2_000.0,
    about: "raster cell size",
};

/// The most raster cells a kernel density computes.
const MAX_CELLS: usize = 1_000_000;
/// No cell is smaller than this (finer than the positions are known).
const MIN_CELL_M: f64 = 5.0;

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

/// A comma-separated list of positive numbers under `key`, or `default`.
fn numbers(
    params: &QueryParams,
    key: &str,
    default: &[f64],
    max: f64,
) -> Result<Vec<f64>, ApiError> {
    let Some(raw) = params.get(key) else {
        return Ok(default.to_vec());
    };
    raw.split(',')
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0 && *v <= max)
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "`{key}` is a comma-separated list of numbers above 0 and at most {max}, not `{}`",
                        s.chars().take(32).collect::<String>()
                    ))
                })
        })
        .collect()
}

/// The matching rows and a metric frame centred on them.
fn rows_and_frame(engine: &Engine, filter: &IncidentFilter) -> (Vec<usize>, Frame) {
    let mut rows = Vec::new();
    engine
        .incidents
        .for_each_match(filter, |row| rows.push(row));
    let t = &engine.incidents;
    let n = rows.len().max(1) as f64;
    let centre = Coord {
        x: rows.iter().map(|&r| t.lon[r]).sum::<f64>() / n,
        y: rows.iter().map(|&r| t.lat[r]).sum::<f64>() / n,
    };
    (rows, Frame::at(centre))
}

/// Near-repeat (Knox) analysis over distance and time bands.
pub fn near_repeat(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(
        engine,
        params,
        &[
            "distance_bands_m",
            "time_bands_days",
            "permutations",
            "seed",
        ],
    )?;
    let distance = numbers(
        params,
        "distance_bands_m",
        &[100.0, 200.0, 400.0, 800.0],
        5_000.0,
    )?;
    let time = numbers(params, "time_bands_days", &[7.0, 14.0, 30.0], 365.0)?;
    let bands = Bands::new(distance, time).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let permutations = PERMUTATIONS.read(params)? as u32;
    let seed = SEED.read(params)?;
    let (rows, frame) = rows_and_frame(engine, &filters.incidents);
    let t = &engine.incidents;
    let events: Vec<Event> = rows
        .iter()
        .map(|&r| {
            let p = frame.to_local(Coord {
                x: t.lon[r],
                y: t.lat[r],
            });
            Event {
                x: p.x,
                y: p.y,
                t: t.reported_at[r],
            }
        })
        .collect();
    let pairs = crate::analytics::near_repeat::pair_count(&events, &bands);
    if pairs > MAX_PAIRS || pairs as f64 * f64::from(permutations) > MAX_PAIR_PERMUTATIONS {
        return Err(ApiError::Unprocessable(format!(
            "{pairs} pairs of incidents lie within {} m: too many for {permutations} permutations; choose a kind, a shorter period, fewer communities or a smaller last distance band",
            bands.distance_m[bands.distance_m.len() - 1]
        )));
    }
    let result = run_near_repeat(&events, &bands, permutations, seed);
    let edges = |v: &[f64], i: usize| (if i == 0 { 0.0 } else { v[i - 1] }, v[i]);
    let mut out = Vec::new();
    for (d, row) in result.cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let (d0, d1) = edges(&bands.distance_m, d);
            let (t0, t1) = edges(&bands.time_days, j);
            out.push(NearRepeatBand {
                distance_from_m: d0,
                distance_to_m: d1,
                time_from_days: t0,
                time_to_days: t1,
                observed: cell.observed,
                expected: rounded(cell.mean, 4),
                sd: rounded(cell.sd, 4),
                knox_ratio: cell.knox_ratio.map(|r| rounded(r, 4)),
                p_value: cell.p_value,
            });
        }
    }
    let k = &result.knox;
    to_value(&NearRepeatAnswer {
        incidents: result.events,
        permutations,
        seed,
        period: filters.closed_period(engine).into(),
        method: "Knox test per distance and time band (Ratcliffe's Near Repeat Calculator); times permuted among the incidents",
        bands: out,
        knox: KnoxOut {
            distance_m: bands.distance_m[0],
            days: bands.time_days[0],
            spatial_pairs: k.spatial_pairs,
            temporal_pairs: k.temporal_pairs,
            space_time_pairs: k.space_time_pairs,
            pairs: k.pairs,
            expected: k.expected,
            ratio: (k.expected > 0.0).then(|| k.space_time_pairs as f64 / k.expected),
            p_poisson: k.p_poisson,
            p_value: k.p_value,
        },
    })
}

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

/// Quartic kernel density on square cells, as GeoJSON.
pub fn kde(engine: &Engine, _areas: &StudyAreas, params: &QueryParams) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &["bandwidth_m", "cell_m"])?;
    let (rows, frame) = rows_and_frame(engine, &filters.incidents);
    let t = &engine.incidents;
    let points: Vec<Weighted> = rows
        .iter()
        .map(|&r| {
            let p = frame.to_local(Coord {
                x: t.lon[r],
                y: t.lat[r],
            });
            Weighted {
                x: p.x,
                y: p.y,
                w: 1.0,
            }
        })
        .collect();
    let (bandwidth, rule) = match params.get(BANDWIDTH_M.key) {
        Some(_) => (BANDWIDTH_M.read(params, 0.0)?, "given"),
        None => (
            default_bandwidth(&points).ok_or_else(|| {
                ApiError::Unprocessable(
                    "the bandwidth rule needs at least two incidents in different places; give bandwidth_m".into(),
                )
            })?,
            "0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2 (ArcGIS Kernel Density)",
        ),
    };
    let cell = CELL_M.read(params, 0.0)?;
    if cell < MIN_CELL_M {
        return Err(ApiError::BadRequest(format!(
            "`cell_m` must be at least {MIN_CELL_M}"
        )));
    }
    // The raster covers the bbox when given, else the incidents and a bandwidth around them.
    let (lo, hi) = match filters.incidents.bbox {
        Some(b) => (
            frame.to_local(Coord {
                x: b.min_lon,
                y: b.min_lat,
            }),
            frame.to_local(Coord {
                x: b.max_lon,
                y: b.max_lat,
            }),
        ),
        None if points.is_empty() => (Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }),
        None => {
            let fold = |f: fn(f64, f64) -> f64, init: f64, get: fn(&Weighted) -> f64| {
                points.iter().map(get).fold(init, f)
            };
            (
                Coord {
                    x: fold(f64::min, f64::INFINITY, |p| p.x) - bandwidth,
                    y: fold(f64::min, f64::INFINITY, |p| p.y) - bandwidth,
                },
                Coord {
                    x: fold(f64::max, f64::NEG_INFINITY, |p| p.x) + bandwidth,
                    y: fold(f64::max, f64::NEG_INFINITY, |p| p.y) + bandwidth,
                },
            )
        }
    };
    let columns = ((hi.x - lo.x) / cell).ceil().max(1.0);
    let rows_n = ((hi.y - lo.y) / cell).ceil().max(1.0);
    if columns * rows_n > MAX_CELLS as f64 {
        return Err(ApiError::Unprocessable(format!(
            "{columns} × {rows_n} cells of {cell} m: more than {MAX_CELLS}; choose a larger cell_m or a smaller bbox"
        )));
    }
    let raster = Raster {
        origin: [lo.x, lo.y],
        cell_m: cell,
        columns: columns as usize,
        rows: rows_n as usize,
    };
    let values = density(&points, bandwidth, &raster);
    let corner = |x: f64, y: f64| {
        let c = frame.to_lon_lat(Coord { x, y });
        [rounded(c.x, 7), rounded(c.y, 7)]
    };
    let mut max = 0.0f64;
    let features: Vec<_> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, &v)| {
            max = max.max(v);
            let (col, row) = (i % raster.columns, i / raster.columns);
            let x0 = lo.x + col as f64 * cell;
            let y0 = lo.y + row as f64 * cell;
            Feature::new(
                format!("{col}/{row}"),
                SquarePolygon {
                    kind: PolygonType::Polygon,
                    coordinates: vec![vec![
                        corner(x0, y0),
                        corner(x0 + cell, y0),
                        corner(x0 + cell, y0 + cell),
                        corner(x0, y0 + cell),
                        corner(x0, y0),
                    ]],
                },
                KdeProperties {
                    column: col,
                    row,
                    density_per_km2: rounded(v, 4),
                },
            )
        })
        .collect();
    let sw = corner(lo.x, lo.y);
    let ne = corner(
        lo.x + raster.columns as f64 * cell,
        lo.y + raster.rows as f64 * cell,
    );
    let summary = KdeSummary {
        incidents: points.len(),
        kernel: "quartic (biweight): 3/(πh²)·(1 − d²/h²)²",
        bandwidth_m: rounded(bandwidth, 3),
        bandwidth_rule: rule,
        cell_m: cell,
        columns: raster.columns,
        rows: raster.rows,
        bbox: [sw[0], sw[1], ne[0], ne[1]],
        max_density_per_km2: rounded(max, 4),
        cells: features.len(),
        period: filters.closed_period(engine).into(),
    };
    Kde::new(features, summary).into_value()
}

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
    let lookback = LOOKBACK.read(params)? as usize;
    let res = BACKTEST_RES.read(params)?;
    let bandwidth = BANDWIDTH_M.read(params, BACKTEST_BANDWIDTH_M)?;
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
    let level = bin_level(engine, res)?;
    let slots = area.0.slots(level);
    let mut history = filters.incidents.clone();
    history.period = Period {
        start: bounds.first().copied(),
        end: bounds.last().map(|b| b - 1),
    };
    let (rows, frame) = rows_and_frame(engine, &history);
    let t = &engine.incidents;
    let incidents: Vec<Located> = rows
        .iter()
        .map(|&r| {
            let bin = level.rows()[r];
            let p = frame.to_local(Coord {
                x: t.lon[r],
                y: t.lat[r],
            });
            Located {
                cell: (bin != NONE && slots[bin as usize] != NONE).then(|| slots[bin as usize]),
                x: p.x,
                y: p.y,
                t: t.reported_at[r],
            }
        })
        .collect();
    let centres: Vec<[f64; 2]> = area
        .0
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
    let options = Options {
        lookback,
        bandwidth_m: bandwidth,
        area_share,
    };
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
            .map_or(area_share, |s| rounded(s.area_share, 6)),
        lookback_steps: lookback,
        bandwidth_m: bandwidth,
        period: crate::api::v1::answer::PeriodOut {
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
fn mean_of(
    method: Method,
    m: usize,
    steps: &[crate::analytics::backtest::StepScores],
) -> BacktestMean {
    let scored: Vec<_> = steps.iter().filter(|s| s.incidents > 0).collect();
    let mean = |f: &dyn Fn(&crate::analytics::backtest::Score) -> Option<f64>| {
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
