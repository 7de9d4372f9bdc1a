//! `GET /api/v1/hotspots` (Gi*) and `GET /api/v1/hotspots/emerging` (space-time cube).

use std::collections::BTreeMap;

use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    Emerging, EmergingProperties, EmergingSummary, Feature, HotspotProperties, HotspotSummary,
    Hotspots,
};
use super::filters::{Filters, bin_level};
use crate::analytics::emerging::{Step, cube_counts, emerging as emerging_patterns};
use crate::analytics::hotspots::hot_spots;
use crate::analytics::study_area::{Neighbours, StudyArea};
use crate::api::params::{Choice, EMERGING_RES, Integer, RES};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;

/// `k` of the hot spots: neighbourhood rings.
pub const HOTSPOT_K: Integer = Integer {
    key: "k",
    default: 1,
    min: 1,
    max: 3,
    about: "neighbourhood rings",
};

/// `k` of an emerging analysis (a cube's neighbourhoods grow with the steps).
pub const EMERGING_K: Integer = Integer {
    max: 2,
    ..HOTSPOT_K
};

/// `step`: the cube's time step.
pub const STEP: Choice = Choice {
    key: "step",
    names: &["month", "week"],
    default: "month",
    about: "time step",
};

/// The largest space-time cube (cells × steps) an emerging analysis may build.
const MAX_CUBE_BINS: usize = 4_000_000;

/// The study area of `filters`: the cached cover of the chosen areas, cut to the bbox's cells
/// (by centre) when a bbox is given, so cells outside it do not count as zeros.
fn study_area(
    engine: &Engine,
    areas: &StudyAreas,
    filters: &Filters,
    res: h3o::Resolution,
    k: u32,
) -> std::sync::Arc<(StudyArea, Neighbours)> {
    areas.within(
        engine,
        res,
        (&filters.communities, &filters.grids),
        k,
        filters.incidents.bbox.as_ref(),
    )
}

/// Gi* hot spots at `res` (6..=11, default 9) with neighbourhood `k` (1..=3, default 1).
pub fn hotspots(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &["res", "k"])?;
    let res = RES.read(params)?;
    let k = HOTSPOT_K.read(params)? as u32;
    let area = study_area(engine, areas, &filters, res, k);
    if area.0.is_empty() {
        return Err(ApiError::BadRequest(
            "the study area has no cells: widen the bbox or choose other areas".into(),
        ));
    }
    let spots = hot_spots(engine, area, res, &filters.incidents)?;
    let (cells, counts, result) = (&spots.area.0, &spots.counts, &spots.gi);
    let mut classes: BTreeMap<i8, usize> = (-3..=3).map(|c| (c, 0)).collect();
    let features = cells
        .cells()
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            *classes.entry(result.class[i]).or_default() += 1;
            Feature::cell(
                *cell,
                HotspotProperties {
                    h3: cell.to_string(),
                    count: counts[i],
                    gi_z: result.z[i],
                    p: result.p[i],
                    class: result.class[i],
                },
            )
        })
        .collect();
    Hotspots::new(
        features,
        HotspotSummary {
            cells: cells.len(),
            total: counts.iter().sum::<f64>(),
            res: u8::from(res),
            k,
            classes: classes
                .into_iter()
                .map(|(c, n)| (c.to_string(), n))
                .collect(),
            correction: "fdr",
            period: filters.closed_period(engine).into(),
        },
    )
    .into_value()
}

/// Emerging hot spots at `res` (6..=10, default 8), `step` week or month (default), `k` 1..=2.
pub fn emerging(
    engine: &Engine,
    areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &["res", "k", "step"])?;
    let res = EMERGING_RES.read(params)?;
    let k = EMERGING_K.read(params)? as u32;
    let step = if STEP.read(params)? == "week" {
        Step::Week
    } else {
        Step::Month
    };
    let period = filters.closed_period(engine);
    let bounds = step.bounds(period.start.unwrap_or(0), period.end.unwrap_or(0));
    let steps = bounds.len() - 1;
    if steps < 3 {
        return Err(ApiError::BadRequest(
            "an emerging hot-spot analysis needs at least 3 time steps".into(),
        ));
    }
    let area = study_area(engine, areas, &filters, res, k);
    let (cells, neighbours) = (&area.0, &area.1);
    if cells.is_empty() || cells.len() * steps > MAX_CUBE_BINS {
        return Err(ApiError::BadRequest(format!(
            "the space-time cube would have {} cells × {steps} steps; choose a coarser res or step, or a smaller area (at most {MAX_CUBE_BINS} bins, at least 1 cell)",
            cells.len()
        )));
    }
    let mut filter = filters.incidents.clone();
    filter.period = period;
    let counts = cube_counts(
        &engine.incidents,
        &filter,
        cells,
        bin_level(engine, res)?,
        &bounds,
    );
    let patterns = emerging_patterns(&counts, steps, neighbours, 1);
    let mut categories: BTreeMap<String, usize> = BTreeMap::new();
    let features = cells
        .cells()
        .iter()
        .zip(&patterns)
        .enumerate()
        .map(|(i, (cell, pattern))| {
            let category = serde_json::to_value(pattern.category).unwrap_or(Value::Null);
            *categories
                .entry(category.as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
            Feature::cell(
                *cell,
                EmergingProperties {
                    h3: cell.to_string(),
                    category: pattern.category,
                    count: counts[i * steps..(i + 1) * steps].iter().sum::<f64>(),
                    trend_z: pattern.trend.z,
                    trend_p: pattern.trend.p,
                    hot_steps: pattern.hot_steps,
                    cold_steps: pattern.cold_steps,
                },
            )
        })
        .collect();
    Emerging::new(
        features,
        EmergingSummary {
            cells: cells.len(),
            steps,
            step: if step == Step::Month { "month" } else { "week" },
            res: u8::from(res),
            k,
            time_window: 1,
            categories,
            period: period.into(),
        },
    )
    .into_value()
}
