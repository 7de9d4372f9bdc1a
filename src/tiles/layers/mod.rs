//! The tile layers: a closed vocabulary ([`Layer`], parsed once at the edge), their zoom
//! ranges and fields (the registry, for TileJSON and the style), and what a tile holds
//! ([`Feature`], [`CellValue`]). The producers live beside it, one file per kind of layer:
//! [`static_features`] (the engine's records), [`incidents`] (points or counts per zoom),
//! [`cells`] (H3 cell layers and the service gaps), [`density`] (the kernel density).

pub mod cells;
pub mod density;
pub mod incidents;
pub mod static_features;

use geo::Geometry;
use geozero::mvt::TileValue;
use h3o::{CellIndex, Resolution};

pub use cells::{
    cell_features, hexbin_values, hotspot_values, life_circle_band, service_gap_features,
};
pub use density::kde_features;
pub use incidents::{IncidentMode, densest_tile, incident_counts, incident_tile};
pub use static_features::{layer_features, street_minzoom, tile_rect};

crate::model::named_enum!(
    /// A tile layer. Static layers are drawn from the engine's records as they are (through a
    /// `source::TileSource`); the others (incidents and the per-query cell layers) per request.
    Layer, "tile layer" {
        Districts => "districts",
        Communities => "communities",
        Grids => "grids",
        Streets => "streets",
        Buildings => "buildings",
        ServiceGaps => "service_gaps",
        Resources => "resources",
        Incidents => "incidents",
        PatrolRoutes => "patrol_routes",
        PatrolCoverage => "patrol_coverage",
        Hexbins => "hexbins",
        Hotspots => "hotspots",
        Kde => "kde",
        Units => "units",
    }
);

impl Layer {
    /// Its zoom range, fields and description.
    #[must_use]
    pub fn spec(self) -> &'static LayerSpec {
        &LAYERS[self as usize]
    }

    /// Whether it is drawn from the engine's records as they are, the same for every query.
    #[must_use]
    pub const fn is_static(self) -> bool {
        !matches!(
            self,
            Self::ServiceGaps | Self::Incidents | Self::Hexbins | Self::Hotspots | Self::Kde
        )
    }

    /// Whether zoom `z` draws it.
    #[must_use]
    pub fn drawn_at(self, z: u8) -> bool {
        let spec = self.spec();
        (spec.minzoom..=spec.maxzoom).contains(&z)
    }
}

/// One layer as TileJSON describes it.
#[derive(Debug, Clone, Copy)]
pub struct LayerSpec {
    pub layer: Layer,
    pub minzoom: u8,
    pub maxzoom: u8,
    pub description: &'static str,
    /// Field names and TileJSON types (`Number`, `String`, `Boolean`).
    pub fields: &'static [(&'static str, &'static str)],
}

impl LayerSpec {
    /// The layer's name in tile URLs, TileJSON and the style.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.layer.as_str()
    }
}

/// Zoom from which single incidents are drawn; below it they are counted per H3 cell.
pub const INCIDENT_POINTS_FROM: u8 = 14;
/// The most single incidents drawn in one tile (about 200 KB): a zoom whose densest tile
/// would hold more shows counts per res-11 cell in every tile instead ([`IncidentMode`]), so
/// no tile is truncated and none grows past 500 KB.
pub const MAX_POINTS_PER_TILE: usize = 3_000;

/// Every layer, in drawing order (the order of [`Layer`]'s variants: [`Layer::spec`] indexes it).
pub const LAYERS: [LayerSpec; 14] = [
    LayerSpec {
        layer: Layer::Districts,
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
        layer: Layer::Communities,
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
        layer: Layer::Grids,
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
        layer: Layer::Streets,
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
        layer: Layer::Buildings,
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
        layer: Layer::ServiceGaps,
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
        layer: Layer::Resources,
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
        layer: Layer::Incidents,
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
        layer: Layer::PatrolRoutes,
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
        layer: Layer::PatrolCoverage,
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
        layer: Layer::Hexbins,
        minzoom: 8,
        maxzoom: 16,
        description: "incident counts per H3 cell (filters: kind, from, to, res)",
        fields: &[("h3", "String"), ("count", "Number")],
    },
    LayerSpec {
        layer: Layer::Hotspots,
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
    LayerSpec {
        layer: Layer::Kde,
        minzoom: 10,
        maxzoom: 16,
        description: "quartic kernel density of the incidents (filters: kind, from, to; bandwidth_m, default 300) on 64 × 64 square cells a tile, in incidents per km²; where a cell is wider than the bandwidth, the bandwidth grows to one cell",
        fields: &[("density_per_km2", "Number")],
    },
    LayerSpec {
        layer: Layer::Units,
        minzoom: 12,
        maxzoom: 16,
        description: "units in the communities' areas that offer resources to their committees (驻区单位)",
        fields: &[
            ("name", "String"),
            ("kind", "String"),
            ("community_id", "Number"),
        ],
    },
];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_layer_in_variant_order() {
        assert_eq!(LAYERS.len(), Layer::ALL.len());
        for (i, layer) in Layer::ALL.iter().enumerate() {
            assert_eq!(LAYERS[i].layer, *layer);
            assert_eq!(layer.spec().name(), layer.as_str());
            assert_eq!(layer.as_str().parse::<Layer>(), Ok(*layer));
        }
        let statics: Vec<&str> = Layer::ALL
            .iter()
            .filter(|l| l.is_static())
            .map(|l| l.as_str())
            .collect();
        assert_eq!(
            statics,
            [
                "districts",
                "communities",
                "grids",
                "streets",
                "buildings",
                "resources",
                "patrol_routes",
                "patrol_coverage",
                "units"
            ]
        );
        assert!("roads".parse::<Layer>().is_err());
    }
}
