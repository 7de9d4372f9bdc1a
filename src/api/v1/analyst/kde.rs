//! `GET /api/v1/kde`: quartic kernel density of incidents per km² on square cells.

use geo::Coord;

use super::super::StudyAreas;
use super::super::answer::{Feature, Kde, KdeProperties, KdeSummary, PolygonType, SquarePolygon};
use super::super::filters::Filters;
use super::local_incidents;
use crate::analytics::kde::{Raster, Weighted, default_bandwidth, density};
use crate::api::params::{Metres, rounded};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;

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

/// Quartic kernel density on square cells, as GeoJSON bytes (written straight from the typed
/// answer: a `Value` of its ~50,000 features would take most of the time).
///
/// # Errors
/// Bad parameters, or a raster of more than [`MAX_CELLS`].
pub fn kde(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Vec<u8>, ApiError> {
    let filters = Filters::parse(engine, params, &["bandwidth_m", "cell_m"])?;
    let local = local_incidents(engine, &filters.incidents);
    let frame = local.frame;
    let points: Vec<Weighted> = local
        .at
        .iter()
        .map(|p| Weighted {
            x: p.x,
            y: p.y,
            w: 1.0,
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
    let raster = raster(
        &frame,
        filters.incidents.bbox.as_ref(),
        &points,
        bandwidth,
        cell,
    )?;
    let values = density(&points, bandwidth, &raster);
    let corner = |x: f64, y: f64| {
        let c = frame.to_lon_lat(Coord { x, y });
        [rounded(c.x, 7), rounded(c.y, 7)]
    };
    let features = cells(&raster, &values, &corner);
    let max = values.iter().copied().fold(0.0, f64::max);
    let [x0, y0] = raster.origin;
    let sw = corner(x0, y0);
    let ne = corner(
        x0 + raster.columns as f64 * cell,
        y0 + raster.rows as f64 * cell,
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
    serde_json::to_vec(&Kde::new(features, summary))
        .map_err(|e| ApiError::Internal(format!("an answer: {e}")))
}

/// The raster: over the bbox when one is given, else over the incidents and a bandwidth
/// around them (so no incident's kernel is cut off).
fn raster(
    frame: &crate::geodesy::Frame,
    bbox: Option<&crate::model::Bbox>,
    points: &[Weighted],
    bandwidth: f64,
    cell: f64,
) -> Result<Raster, ApiError> {
    let (lo, hi) = match bbox {
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
            let (mut lo, mut hi) = (
                Coord {
                    x: f64::INFINITY,
                    y: f64::INFINITY,
                },
                Coord {
                    x: f64::NEG_INFINITY,
                    y: f64::NEG_INFINITY,
                },
            );
            for p in points {
                lo = Coord {
                    x: lo.x.min(p.x),
                    y: lo.y.min(p.y),
                };
                hi = Coord {
                    x: hi.x.max(p.x),
                    y: hi.y.max(p.y),
                };
            }
            let reach = Coord {
                x: bandwidth,
                y: bandwidth,
            };
            (lo - reach, hi + reach)
        }
    };
    let columns = ((hi.x - lo.x) / cell).ceil().max(1.0);
    let rows = ((hi.y - lo.y) / cell).ceil().max(1.0);
    if columns * rows > MAX_CELLS as f64 {
        return Err(ApiError::Unprocessable(format!(
            "{columns} × {rows} cells of {cell} m: more than {MAX_CELLS}; choose a larger cell_m or a smaller bbox"
        )));
    }
    Ok(Raster {
        origin: [lo.x, lo.y],
        cell_m: cell,
        columns: columns as usize,
        rows: rows as usize,
    })
}

/// The cells with a density above zero, as squares in lon/lat. The raster's vertices are
/// converted once (a cell shares its corners with its neighbours).
fn cells(
    raster: &Raster,
    values: &[f64],
    corner: &dyn Fn(f64, f64) -> [f64; 2],
) -> Vec<Feature<KdeProperties, SquarePolygon, String>> {
    let cell = raster.cell_m;
    let across = raster.columns + 1;
    let vertices: Vec<[f64; 2]> = (0..=raster.rows)
        .flat_map(|row| {
            (0..across).map(move |col| {
                (
                    raster.origin[0] + col as f64 * cell,
                    raster.origin[1] + row as f64 * cell,
                )
            })
        })
        .map(|(x, y)| corner(x, y))
        .collect();
    let at = |col: usize, row: usize| vertices[row * across + col];
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, &v)| {
            let (col, row) = (i % raster.columns, i / raster.columns);
            Feature::new(
                format!("{col}/{row}"),
                SquarePolygon {
                    kind: PolygonType::Polygon,
                    coordinates: vec![vec![
                        at(col, row),
                        at(col + 1, row),
                        at(col + 1, row + 1),
                        at(col, row + 1),
                        at(col, row),
                    ]],
                },
                KdeProperties {
                    column: col,
                    row,
                    density_per_km2: rounded(v, 4),
                },
            )
        })
        .collect()
}
