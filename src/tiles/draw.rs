//! Drawing one tile of any layers for one query: the static layers from their prepared
//! sources, the incidents in their zoom's mode, the cell layers from values computed once per
//! query and data version, the service gaps from every home's nearest resource. What a
//! per-query layer computes is cached here, bounded by the memory it holds; the encoded tiles
//! are cached by the HTTP layer, which also decides who may see what (`aggregate`).

use std::sync::Arc;

use geozero::mvt::TileValue;
use h3o::Resolution;
use moka::sync::Cache;

use super::layers::{
    CellValue, INCIDENT_POINTS_FROM, IncidentMode, Layer, cell_features, hexbin_values,
    hotspot_values, incident_counts, incident_tile, kde_features, service_gap_features,
};
use super::mvt::{LayerContent, encode};
use super::source::StaticSources;
use super::tile::TileId;
use crate::analytics::access::{BuildingAccess, Mode, building_access};
use crate::analytics::hotspots::{NotBinned, hot_spots};
use crate::analytics::study_areas::StudyAreas;
use crate::index::{Engine, IncidentFilter};
use crate::model::{ResourceKind, SUPPRESS_BELOW};

/// The memory the per-query cell values may hold: the hot spots of the whole city at res 11
/// are about 140,000 cells, some 40 MB.
const CELLS_MAX_BYTES: u64 = 96 << 20;

/// Why a tile could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error(transparent)]
    NotBinned(#[from] NotBinned),
    /// A layer asked for what the query did not carry (a bug, not the caller's fault).
    #[error("{0}")]
    Missing(&'static str),
}

/// What `service_gaps` measures: the resource kinds and how distance is measured.
#[derive(Debug, Clone)]
pub struct AccessAsked {
    pub kinds: Vec<ResourceKind>,
    pub mode: Mode,
}

/// One query's choices for the per-query layers.
#[derive(Debug, Clone)]
pub struct TileQuery {
    /// The incidents asked for.
    pub filter: IncidentFilter,
    /// The chosen community and grid positions (the hot spots' study area).
    pub communities: Vec<u32>,
    pub grids: Vec<u32>,
    /// The cell layers' resolution.
    pub res: Resolution,
    /// The query normalised (sorted pairs and the caller's scope), keying the caches.
    pub key: String,
    /// What `service_gaps` measures, when it is drawn.
    pub access: Option<AccessAsked>,
    /// Counts only, small cells left out (an aggregate-only reader): the incident layer draws
    /// no points.
    pub aggregate: bool,
    /// The `kde` layer's bandwidth.
    pub bandwidth_m: f64,
}

/// One tile to draw.
#[derive(Debug, Clone)]
pub struct Draw {
    pub tile: TileId,
    /// The layers to draw (each drawn at this zoom), in the order asked.
    pub layers: Vec<Layer>,
    pub query: TileQuery,
}

/// What the per-query layers keep between tiles, each bounded.
#[derive(Clone)]
pub struct DrawCaches {
    cells: Cache<String, Arc<Vec<CellValue>>>,
    /// The incident mode of each (selection, zoom) from z14.
    modes: Cache<String, IncidentMode>,
    /// Every building's nearest resource per (kinds, mode, data version), for `service_gaps`.
    access: Cache<String, Arc<Vec<BuildingAccess>>>,
    sources: Arc<StaticSources>,
}

impl Default for DrawCaches {
    fn default() -> Self {
        Self {
            cells: Cache::builder()
                .weigher(|key: &String, values: &Arc<Vec<CellValue>>| {
                    let bytes = key.len()
                        + values.capacity() * std::mem::size_of::<CellValue>()
                        + values.iter().map(CellValue::heap_bytes).sum::<usize>();
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .max_capacity(CELLS_MAX_BYTES)
                .build(),
            modes: Cache::new(1024),
            access: Cache::new(32),
            sources: Arc::default(),
        }
    }
}

impl DrawCaches {
    /// The memory the cell values hold and their bound, in bytes (for `/metrics`).
    #[must_use]
    pub fn cell_usage(&self) -> (u64, u64) {
        self.cells.run_pending_tasks();
        (self.cells.weighted_size(), CELLS_MAX_BYTES)
    }
}

impl Draw {
    /// Whether every layer is static (drawn the same for every query, cheaply).
    #[must_use]
    pub fn only_static(&self) -> bool {
        self.layers.iter().all(|l| l.is_static())
    }

    /// The tile's MVT bytes (empty: nothing in it).
    ///
    /// # Errors
    /// A resolution the incidents are not binned at.
    pub fn draw(
        &self,
        caches: &DrawCaches,
        areas: &StudyAreas,
        engine: &Engine,
    ) -> Result<Vec<u8>, DrawError> {
        let (id, res, q) = (self.tile, self.query.res, &self.query);
        let mut parts = Vec::with_capacity(self.layers.len());
        for &layer in &self.layers {
            let content = match layer {
                Layer::Hexbins => {
                    LayerContent::Features(cell_features(&self.bins(caches, engine, res), id))
                }
                Layer::Incidents => {
                    let res = if id.z >= INCIDENT_POINTS_FROM {
                        Resolution::Eleven
                    } else {
                        res
                    };
                    let values = self.bins(caches, engine, res);
                    LayerContent::Features(if q.aggregate || id.z < INCIDENT_POINTS_FROM {
                        // An aggregate-only reader gets counts at every zoom, never points.
                        incident_counts(&values, id)
                    } else {
                        // One mode for every tile of this zoom and selection.
                        let mode = caches.modes.get_with(
                            format!("incidents/{}?{}#v{}", id.z, q.key, engine.version),
                            || IncidentMode::of_zoom(&values, id.z),
                        );
                        incident_tile(engine, id, &q.filter, &values, mode)
                    })
                }
                Layer::Hotspots => {
                    let values = self.hotspots(caches, areas, engine)?;
                    if q.aggregate {
                        LayerContent::Features(cell_features(&without_small_counts(&values), id))
                    } else {
                        LayerContent::Features(cell_features(&values, id))
                    }
                }
                Layer::Kde => LayerContent::Features(kde_features(
                    engine,
                    id,
                    &q.filter,
                    q.bandwidth_m,
                    q.aggregate,
                )),
                Layer::ServiceGaps => {
                    let asked = q.access.as_ref().ok_or(DrawError::Missing(
                        "service_gaps drawn without its parameters",
                    ))?;
                    let key = format!(
                        "{:?}/{}#v{}",
                        asked.kinds,
                        asked.mode.as_str(),
                        engine.version
                    );
                    let access = caches.access.get_with(key, || {
                        Arc::new(building_access(engine, &asked.kinds, asked.mode))
                    });
                    LayerContent::Features(service_gap_features(engine, &access, id))
                }
                static_layer => LayerContent::Source(
                    caches
                        .sources
                        .get(engine, static_layer)
                        .ok_or(DrawError::Missing("a static layer without a tile source"))?,
                ),
            };
            parts.push((layer.as_str(), content));
        }
        Ok(encode(id, &parts))
    }

    /// The incident counts per cell at `res` for this query, as it may see them.
    fn bins(&self, caches: &DrawCaches, engine: &Engine, res: Resolution) -> Arc<Vec<CellValue>> {
        let q = &self.query;
        let key = format!("hexbins/{res}?{}#v{}", q.key, engine.version);
        caches.cells.get_with(key, || {
            let values = hexbin_values(engine, &q.filter, res);
            Arc::new(if q.aggregate {
                without_small_cells(&values)
            } else {
                values
            })
        })
    }

    /// Gi* of every cell of the study area at the query's resolution.
    fn hotspots(
        &self,
        caches: &DrawCaches,
        areas: &StudyAreas,
        engine: &Engine,
    ) -> Result<Arc<Vec<CellValue>>, DrawError> {
        let q = &self.query;
        let key = format!("hotspots/{}?{}#v{}", q.res, q.key, engine.version);
        if let Some(values) = caches.cells.get(&key) {
            return Ok(values);
        }
        let area = areas.get(engine, q.res, &q.communities, &q.grids, 1);
        let spots = hot_spots(engine, area, q.res, &q.filter)?;
        let values = Arc::new(hotspot_values(&spots));
        caches.cells.insert(key, values.clone());
        Ok(values)
    }
}

/// Whether a cell's `count` is one an aggregate-only reader may see.
fn shown_count(key: &str, value: &TileValue) -> bool {
    key == "count" && matches!(value, TileValue::Uint(n) if *n >= SUPPRESS_BELOW)
}

/// Hot-spot cells as an aggregate-only reader may see them: the class of every cell, the
/// count only of cells of at least [`SUPPRESS_BELOW`] incidents.
fn without_small_counts(values: &[CellValue]) -> Vec<CellValue> {
    values
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v.properties
                .retain(|(k, value)| *k != "count" || shown_count(k, value));
            v
        })
        .collect()
}

/// The cells an aggregate-only reader may see: those of at least [`SUPPRESS_BELOW`]
/// incidents.
fn without_small_cells(values: &[CellValue]) -> Vec<CellValue> {
    values
        .iter()
        .filter(|v| v.properties.iter().any(|(k, value)| shown_count(k, value)))
        .cloned()
        .collect()
}
