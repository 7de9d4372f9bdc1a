//! The tile layers: their zoom ranges and fields (for TileJSON), and the features of a tile,
//! taken from the engine's R-trees (static layers), the incident bins (incidents), or cell
//! values the caller computed (hexbins, hot spots).

use geo::{Geometry, Intersects, LineString, Point, Polygon, Rect};
use geozero::mvt::TileValue;
use h3o::{CellIndex, Resolution};

use super::tile::{BUFFER, MAX_ZOOM, TileId, world};
use crate::analytics::hexbin::hexbins;
use crate::index::{Engine, IncidentFilter, NONE};
use crate::model::format_local;

/// One layer as TileJSON describes it.
#[derive(Debug, Clone, Copy)]
pub struct LayerSpec {
    pub name: &'static str,
    pub minzoom: u8,
    pub maxzoom: u8,
    pub description: &'static str,
    /// Field names and TileJSON types (`Number`, `String`, `Boolean`).
    pub fields: &'static [(&'static str, &'static str)],
}

/// Zoom from which single incidents are drawn; below it they are counted per H3 cell.
pub const INCIDENT_POINTS_FROM: u8 = 14;
/// The most single incidents drawn in one tile (about 200 KB): a zoom whose densest tile
/// would hold more shows counts per res-11 cell in every tile instead ([`IncidentMode`]), so
/// no tile is truncated and none grows past 500 KB.
pub const MAX_POINTS_PER_TILE: usize = 3_000;

/// The layers drawn from the engine's records as they are (through a `source::TileSource`),
/// as opposed to incidents and the per-query cell layers.
pub const STATIC_LAYERS: [&str; 8] = [
    "districts",
    "communities",
    "grids",
    "streets",
    "buildings",
    "resources",
    "patrol_routes",
    "patrol_coverage",
];

/// Every layer, in drawing order.
pub const LAYERS: [LayerSpec; 12] = [
    LayerSpec {
        name: "districts",
        minzoom: 0,
        maxzoom: 16,
        description: "county-level districts",
        fields: &[
            ("name", "String"),
            ("name_en", "String"),
            ("central_city", "Boolean"),
        ],
    },
    LayerSpec {
        name: "communities",
        minzoom: 8,
        maxzoom: 16,
        description: "urban communities",
        fields: &[
            ("name", "String"),
            ("district_id", "Number"),
            ("households", "Number"),
            ("population", "Number"),
        ],
    },
    LayerSpec {
        name: "grids",
        minzoom: 11,
        maxzoom: 16,
        description: "grids (网格)",
        fields: &[
            ("name", "String"),
            ("community_id", "Number"),
            ("households", "Number"),
            ("population", "Number"),
        ],
    },
    LayerSpec {
        name: "streets",
        minzoom: 10,
        maxzoom: 16,
        description: "street centre-lines: arterials from z10, secondary streets from z12, local lanes from z14, footpaths from z15; walkable false for the expressway",
        fields: &[
            ("class", "String"),
            ("name", "String"),
            ("walkable", "Boolean"),
        ],
    },
    LayerSpec {
        name: "buildings",
        minzoom: 13,
        maxzoom: 16,
        description: "building footprints",
        fields: &[
            ("households", "Number"),
            ("floors", "Number"),
            ("use", "String"),
            ("unmanaged", "Boolean"),
            ("grid_id", "Number"),
        ],
    },
    LayerSpec {
        name: "service_gaps",
        minzoom: 13,
        maxzoom: 16,
        description: "homes (buildings with households) by their distance to the nearest resource of `access_kind` (default service_complex), on foot unless `mode=straight`: `band` is the smallest GB 50180-2018 life circle holding it (300, 500 or 1000 m) or `beyond`",
        fields: &[
            ("band", "String"),
            ("distance_m", "Number"),
            ("households", "Number"),
            ("nearest_id", "Number"),
        ],
    },
    LayerSpec {
        name: "resources",
        minzoom: 10,
        maxzoom: 16,
        description: "service complexes, police posts, schools, markets, ...",
        fields: &[
            ("kind", "String"),
            ("name", "String"),
            ("capacity", "Number"),
            ("community_id", "Number"),
        ],
    },
    LayerSpec {
        name: "incidents",
        minzoom: 8,
        maxzoom: 16,
        description: "incidents: from z14 single points, unless the densest tile of that zoom would hold over 3,000 of the selection; otherwise counts per H3 cell (res chosen by zoom, res 11 from z14) as points at the cell centres with point_count. One representation per selection and zoom, every tile alike; a style tells them apart with [\"has\", \"point_count\"]",
        fields: &[
            ("kind", "String"),
            ("status", "String"),
            ("reported_at", "String"),
            ("grid_id", "Number"),
            ("point_count", "Number"),
            ("h3", "String"),
        ],
    },
    LayerSpec {
        name: "patrol_routes",
        minzoom: 11,
        maxzoom: 16,
        description: "weekly patrol routes",
        fields: &[
            ("community_id", "Number"),
            ("team", "String"),
            ("weekday", "Number"),
            ("start_time", "String"),
            ("end_time", "String"),
        ],
    },
    LayerSpec {
        name: "patrol_coverage",
        minzoom: 11,
        maxzoom: 16,
        description: "each patrol route's 50 m reach: the union of its segments' buffers, drawn in a local metric frame",
        fields: &[
            ("community_id", "Number"),
            ("team", "String"),
            ("buffer_m", "Number"),
            ("area_m2", "Number"),
            ("length_m", "Number"),
        ],
    },
    LayerSpec {
        name: "hexbins",
        minzoom: 8,
        maxzoom: 16,
        description: "incident counts per H3 cell (filters: kind, from, to, res)",
        fields: &[("h3", "String"), ("count", "Number")],
    },
    LayerSpec {
        name: "hotspots",
        minzoom: 8,
        maxzoom: 16,
        description: "Getis-Ord Gi* per H3 cell (filters: kind, from, to, res)",
        fields: &[
            ("h3", "String"),
            ("count", "Number"),
            ("gi_z", "Number"),
            ("class", "Number"),
        ],
    },
];

/// The layer named `name`.
#[must_use]
pub fn spec(name: &str) -> Option<&'static LayerSpec> {
    LAYERS.iter().find(|l| l.name == name)
}

/// The H3 resolution cells are drawn at on zoom `z` (about 16–32 pixels a cell).
#[must_use]
pub fn auto_resolution(z: u8) -> Resolution {
    Resolution::try_from((i32::from(z) - 4).clamp(6, 11) as u8).unwrap_or(Resolution::Nine)
}

/// One feature of a tile, in lon/lat.
#[derive(Debug, Clone)]
pub struct Feature {
    pub id: u64,
    pub geometry: Geometry,
    pub properties: Vec<(&'static str, TileValue)>,
}

/// A value per H3 cell (hexbins, hot spots), computed once per query and data version.
#[derive(Debug, Clone)]
pub struct CellValue {
    pub cell: CellIndex,
    /// The cell centre (lon, lat), kept so tiles pick their cells without H3 calls.
    pub centre: [f64; 2],
    pub properties: Vec<(&'static str, TileValue)>,
}

impl CellValue {
    /// A value of `cell`.
    #[must_use]
    pub fn new(cell: CellIndex, properties: Vec<(&'static str, TileValue)>) -> Self {
        let ll = h3o::LatLng::from(cell);
        Self {
            cell,
            centre: [ll.lng(), ll.lat()],
            properties,
        }
    }

    /// The memory this value holds beyond itself, in bytes (its property list and their
    /// strings), so caches of whole-city values can be bounded by memory rather than count.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self
            .properties
            .iter()
            .map(|(_, v)| match v {
                TileValue::Str(s) => s.capacity(),
                _ => 0,
            })
            .sum();
        self.properties.capacity() * std::mem::size_of::<(&str, TileValue)>() + strings
    }
}

/// The lowest zoom that draws a street feature of [`layer_features`], by its class.
#[must_use]
pub fn street_minzoom(feature: &Feature) -> u8 {
    let class = feature.properties.iter().find(|(k, _)| *k == "class");
    match class.map(|(_, v)| v) {
        Some(TileValue::Str(c)) if c == "arterial" => 10,
        Some(TileValue::Str(c)) if c == "secondary" => 12,
        Some(TileValue::Str(c)) if c == "local" => 14,
        _ => 15,
    }
}

fn text(s: &str) -> TileValue {
    TileValue::Str(s.to_owned())
}

fn uint(n: impl Into<u64>) -> TileValue {
    TileValue::Uint(n.into())
}

/// The lon/lat rectangle a tile draws, its buffer included.
#[must_use]
pub fn tile_rect(tile: TileId) -> Rect {
    tile.bounds(f64::from(BUFFER))
}

/// Every feature of a static layer (empty for a layer that is not static); tiles draw them
/// through a `source::TileSource`.
#[allow(clippy::too_many_lines, reason = "one arm per layer")]
#[must_use]
pub fn layer_features(engine: &Engine, layer: &str) -> Vec<Feature> {
    match layer {
        "districts" => engine
            .districts
            .items()
            .iter()
            .map(|d| Feature {
                id: d.id,
                geometry: d.geometry.clone().into(),
                properties: vec![
                    ("name", text(&d.name)),
                    ("name_en", text(&d.name_en)),
                    ("central_city", TileValue::Bool(d.central_city)),
                ],
            })
            .collect(),
        "communities" => engine
            .communities
            .items()
            .iter()
            .map(|c| Feature {
                id: c.id,
                geometry: c.geometry.clone().into(),
                properties: vec![
                    ("name", text(&c.name)),
                    ("district_id", uint(c.district_id)),
                    ("households", uint(c.households)),
                    ("population", uint(c.population)),
                ],
            })
            .collect(),
        "grids" => engine
            .grids
            .items()
            .iter()
            .map(|g| Feature {
                id: g.id,
                geometry: g.geometry.clone().into(),
                properties: vec![
                    ("name", text(&g.name)),
                    ("community_id", uint(g.community_id)),
                    ("households", uint(g.households)),
                    ("population", uint(g.population)),
                ],
            })
            .collect(),
        "streets" => engine
            .streets
            .items()
            .iter()
            .map(|s| Feature {
                id: s.id,
                geometry: s.geometry.clone().into(),
                properties: vec![
                    ("class", text(s.class.as_str())),
                    ("name", text(&s.name)),
                    ("walkable", TileValue::Bool(s.walkable)),
                ],
            })
            .collect(),
        "buildings" => engine
            .buildings
            .items()
            .iter()
            .map(|b| {
                let mut properties = vec![
                    ("households", uint(b.households)),
                    ("floors", uint(b.floors)),
                    ("use", text(b.building_use.as_str())),
                    ("unmanaged", TileValue::Bool(b.unmanaged)),
                ];
                if let Some(g) = b.grid_id {
                    properties.push(("grid_id", uint(g)));
                }
                Feature {
                    id: b.id,
                    geometry: b.geometry.clone().into(),
                    properties,
                }
            })
            .collect(),
        "resources" => engine
            .resources
            .items()
            .iter()
            .map(|r| {
                let mut properties = vec![
                    ("kind", text(r.kind.as_str())),
                    ("name", text(&r.name)),
                    ("capacity", uint(r.capacity)),
                ];
                if let Some(c) = r.community_id {
                    properties.push(("community_id", uint(c)));
                }
                Feature {
                    id: r.id,
                    geometry: r.geometry.into(),
                    properties,
                }
            })
            .collect(),
        "patrol_routes" => engine
            .patrol_routes
            .items()
            .iter()
            .map(|r| Feature {
                id: r.id,
                geometry: r.geometry.clone().into(),
                properties: vec![
                    ("community_id", uint(r.community_id)),
                    ("team", text(&r.team)),
                    ("weekday", uint(r.weekday)),
                    ("start_time", text(&r.start_time)),
                    ("end_time", text(&r.end_time)),
                ],
            })
            .collect(),
        "patrol_coverage" => engine
            .patrol_routes
            .items()
            .iter()
            .map(|r| {
                let (reach, area_m2, length_m) = crate::analytics::patrol::coverage::reach_of(
                    &r.geometry,
                    crate::analytics::patrol::coverage::DEFAULT_BUFFER_M,
                );
                Feature {
                    id: r.id,
                    geometry: reach.into(),
                    properties: vec![
                        ("community_id", uint(r.community_id)),
                        ("team", text(&r.team)),
                        (
                            "buffer_m",
                            TileValue::Double(crate::analytics::patrol::coverage::DEFAULT_BUFFER_M),
                        ),
                        ("area_m2", TileValue::Double(area_m2.round())),
                        ("length_m", TileValue::Double(length_m.round())),
                    ],
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The rows in `rect` matching all of `filter` (its bbox too, as the counts of low zooms do).
fn rows_matching(engine: &Engine, rect: &Rect, filter: &IncidentFilter) -> Vec<usize> {
    let t = &engine.incidents;
    t.rows_in(rect)
        .into_iter()
        .map(|r| r as usize)
        .filter(|&r| t.row_matches(filter, r))
        .collect()
}

/// How the incident tiles of one zoom show one selection. The choice is made once per
/// (selection, zoom), never tile by tile, so neighbouring tiles never differ in kind: a map
/// shows one representation per zoom, without patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentMode {
    /// Every incident as a point of its own.
    Points,
    /// Counts per H3 cell (`point_count` at the cell centre); a cell belongs to the one tile
    /// holding its centre.
    Counts,
}

impl IncidentMode {
    /// The mode of zoom `z` for the selection whose res-11 hexbins are `res11`: counts below
    /// [`INCIDENT_POINTS_FROM`], and from there on too when the densest tile of the zoom would
    /// hold more than [`MAX_POINTS_PER_TILE`] of the selection's incidents.
    #[must_use]
    pub fn of_zoom(res11: &[CellValue], z: u8) -> Self {
        if z < INCIDENT_POINTS_FROM || densest_tile(res11, z) > MAX_POINTS_PER_TILE as u64 {
            Self::Counts
        } else {
            Self::Points
        }
    }

    /// Its name, for tile fields and documents.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Points => "points",
            Self::Counts => "counts",
        }
    }
}

/// The most incidents of `res11` (hexbins at res 11, each counted at its cell centre) in any
/// one tile of zoom `z`. A res-11 cell (~25 m) is far smaller than a tile from z14 (~2 km), so
/// this is the densest tile's load to within the cells on its edges.
#[must_use]
pub fn densest_tile(res11: &[CellValue], z: u8) -> u64 {
    let n = f64::from(1u32 << z.min(MAX_ZOOM));
    let mut per_tile: rustc_hash::FxHashMap<(u32, u32), u64> = rustc_hash::FxHashMap::default();
    for v in res11 {
        let w = world(geo::Coord {
            x: v.centre[0],
            y: v.centre[1],
        });
        let count = v
            .properties
            .iter()
            .find(|(k, _)| *k == "count")
            .map_or(0, |(_, n)| if let TileValue::Uint(n) = n { *n } else { 0 });
        *per_tile
            .entry(((w[0] * n) as u32, (w[1] * n) as u32))
            .or_default() += count;
    }
    per_tile.values().copied().max().unwrap_or(0)
}

/// The incidents of a tile from [`INCIDENT_POINTS_FROM`] in the zoom's `mode`: single points
/// in the buffered tile, or the counts per res-11 cell centred in the tile. `res11` are the
/// selection's hexbins at res 11 (computed once per query), so a tile of counts costs no row
/// visits.
#[must_use]
pub fn incident_tile(
    engine: &Engine,
    tile: TileId,
    filter: &IncidentFilter,
    res11: &[CellValue],
    mode: IncidentMode,
) -> Vec<Feature> {
    match mode {
        IncidentMode::Points => {
            let mut rows = rows_matching(engine, &tile_rect(tile), filter);
            rows.sort_unstable();
            incident_points(engine, &rows)
        }
        IncidentMode::Counts => incident_counts(res11, tile),
    }
}

/// Single incidents of `rows`.
fn incident_points(engine: &Engine, rows: &[usize]) -> Vec<Feature> {
    let t = &engine.incidents;
    rows.iter()
        .copied()
        .map(|r| {
            let mut properties = vec![
                ("kind", text(t.kind[r].as_str())),
                ("status", text(t.status[r].as_str())),
                ("reported_at", text(&format_local(t.reported_at[r]))),
            ];
            if t.grid[r] != NONE {
                properties.push(("grid_id", uint(engine.grids.items()[t.grid[r] as usize].id)));
            }
            Feature {
                id: t.id[r],
                geometry: Point::new(t.lon[r], t.lat[r]).into(),
                properties,
            }
        })
        .collect()
}

/// Incidents counted per H3 cell, as points at the cell centres with `point_count`: low zooms
/// never drop incidents, they aggregate them. `counts` are the hexbins of the whole selection
/// at the zoom's resolution; a cell belongs to the one tile that holds its centre (buffer
/// excluded), so the counts of all tiles add up to the selection.
#[must_use]
pub fn incident_counts(counts: &[CellValue], tile: TileId) -> Vec<Feature> {
    let own = tile.bounds(0.0);
    counts
        .iter()
        .filter_map(|v| {
            let [x, y] = v.centre;
            // Half-open on the east and south edges, so a centre on a shared edge counts once.
            let inside = x >= own.min().x && x < own.max().x && y > own.min().y && y <= own.max().y;
            inside.then(|| Feature {
                id: u64::from(v.cell),
                geometry: Point::new(x, y).into(),
                properties: v
                    .properties
                    .iter()
                    .map(|(k, value)| {
                        (
                            if *k == "count" { "point_count" } else { *k },
                            value.clone(),
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The cell polygon as geo (counter-clockwise lon/lat).
fn hexagon(cell: CellIndex) -> Polygon {
    Polygon::new(
        LineString::from(
            cell.boundary()
                .iter()
                .map(|v| (v.lng(), v.lat()))
                .collect::<Vec<_>>(),
        ),
        vec![],
    )
}

/// Features of a cell layer: the cells of `values` whose hexagon meets the buffered tile.
#[must_use]
pub fn cell_features(values: &[CellValue], tile: TileId) -> Vec<Feature> {
    let rect = tile_rect(tile);
    values
        .iter()
        .filter(|v| {
            // A cheap test on the centre first: cells reach less than 0.1° from it at res ≥ 6.
            let c = h3o::LatLng::from(v.cell);
            let margin = 0.1;
            c.lng() >= rect.min().x - margin
                && c.lng() <= rect.max().x + margin
                && c.lat() >= rect.min().y - margin
                && c.lat() <= rect.max().y + margin
        })
        .filter_map(|v| {
            let polygon = hexagon(v.cell);
            polygon.intersects(&rect).then(|| Feature {
                id: u64::from(v.cell),
                geometry: polygon.into(),
                properties: v.properties.clone(),
            })
        })
        .collect()
}

/// The life-circle band of a distance: the smallest of 300, 500 and 1,000 m holding it.
#[must_use]
pub fn life_circle_band(distance_m: f64) -> &'static str {
    match distance_m {
        d if d <= 300.0 => "300",
        d if d <= 500.0 => "500",
        d if d <= 1_000.0 => "1000",
        _ => "beyond",
    }
}

/// The homes of `tile` with their distance to the nearest resource (`access`, by position in
/// `engine.buildings`).
#[must_use]
pub fn service_gap_features(
    engine: &Engine,
    access: &[crate::analytics::access::BuildingAccess],
    tile: TileId,
) -> Vec<Feature> {
    let buildings = engine.buildings.items();
    let resources = engine.resources.items();
    engine
        .buildings
        .intersecting(&tile_rect(tile))
        .into_iter()
        .filter(|&b| buildings[b as usize].households > 0)
        .map(|b| {
            let building = &buildings[b as usize];
            let a = access[b as usize];
            let mut properties = vec![
                (
                    "band",
                    TileValue::Str(life_circle_band(a.distance_m).into()),
                ),
                (
                    "households",
                    TileValue::Uint(u64::from(building.households)),
                ),
            ];
            if a.distance_m.is_finite() {
                properties.push((
                    "distance_m",
                    TileValue::Double((a.distance_m * 10.0).round() / 10.0),
                ));
            }
            if let Some(r) = a.nearest {
                properties.push(("nearest_id", TileValue::Uint(resources[r as usize].id)));
            }
            Feature {
                id: building.id,
                geometry: building.geometry.clone().into(),
                properties,
            }
        })
        .collect()
}

/// Hexbin values for `filter` at `res`.
#[must_use]
pub fn hexbin_values(engine: &Engine, filter: &IncidentFilter, res: Resolution) -> Vec<CellValue> {
    let Some(level) = engine.incidents.bin_level(res) else {
        return Vec::new();
    };
    hexbins(&engine.incidents, filter, level)
        .into_iter()
        .map(|b| {
            CellValue::new(
                b.cell,
                vec![("h3", text(&b.cell.to_string())), ("count", uint(b.count))],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(lon: f64, lat: f64, count: u64) -> CellValue {
        let cell = h3o::LatLng::new(lat, lon)
            .expect("a valid point")
            .to_cell(Resolution::Eleven);
        CellValue::new(cell, vec![("count", uint(count))])
    }

    #[test]
    fn a_zoom_counts_when_its_densest_tile_is_crowded() {
        let crowded = [
            counted(112.2, 31.03, 2_000),
            counted(112.2005, 31.0305, 1_001),
        ];
        assert_eq!(densest_tile(&crowded, 14), 3_001);
        for z in 14..=16 {
            assert_eq!(IncidentMode::of_zoom(&crowded, z), IncidentMode::Counts);
        }
        // The same number spread over two z14 tiles (about 2.4 km wide) fits as points.
        let spread = [counted(112.2, 31.03, 2_000), counted(112.24, 31.03, 1_001)];
        assert_eq!(densest_tile(&spread, 14), 2_000);
        assert_eq!(IncidentMode::of_zoom(&spread, 14), IncidentMode::Points);
        let limit = [counted(112.2, 31.03, MAX_POINTS_PER_TILE as u64)];
        assert_eq!(IncidentMode::of_zoom(&limit, 14), IncidentMode::Points);
        for z in 0..INCIDENT_POINTS_FROM {
            assert_eq!(IncidentMode::of_zoom(&[], z), IncidentMode::Counts);
        }
    }
}
