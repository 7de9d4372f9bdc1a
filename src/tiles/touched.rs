//! Which tiles a write touched: the tiles of the incident layers that draw the written
//! incidents, for a live map to refetch only those (MapLibre's `refreshTiles`), and the layers
//! whose every tile may change (statistics over neighbourhoods), to refetch whole.

use geo::Coord;
use serde::Serialize;

use super::layers::Layer;
use super::tile::tiles_near;

/// The most tiles one answer names (about 20 KB); more are answered as layers to reload.
pub const MAX_LISTED_TILES: usize = 1_000;

/// How far around a point its drawing reaches, in tile pixels: an eighth of a tile, more
/// than the 64-pixel buffer and than a counted cell reaches at the zoom it is counted at.
const MARGIN_PX: f64 = 512.0;

/// The tiles a write touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Touched {
    /// Layers that draw the written incidents only in `tiles`.
    pub layers: Vec<&'static str>,
    /// `[z, x, y]`, sorted.
    pub tiles: Vec<[u32; 3]>,
    /// Layers to refetch whole.
    pub reload: Vec<&'static str>,
}

/// The tiles that draw incidents at `points`, at every zoom the incident layer serves.
#[must_use]
pub fn by_incidents(points: impl Iterator<Item = Coord>) -> Touched {
    let spec = Layer::Incidents.spec();
    let mut tiles: Vec<[u32; 3]> = points
        .flat_map(|at| tiles_near(at, spec.minzoom..=spec.maxzoom, MARGIN_PX))
        .map(|t| [u32::from(t.z), t.x, t.y])
        .collect();
    tiles.sort_unstable();
    tiles.dedup();
    let local = [Layer::Incidents.as_str(), Layer::Hexbins.as_str()];
    let whole = [Layer::Hotspots.as_str(), Layer::Kde.as_str()];
    if tiles.len() > MAX_LISTED_TILES {
        // A batch spread wide: cheaper to reload the layers than to list their tiles.
        return Touched {
            layers: Vec::new(),
            tiles: Vec::new(),
            reload: local.into_iter().chain(whole).collect(),
        };
    }
    Touched {
        layers: local.to_vec(),
        tiles,
        reload: whole.to_vec(),
    }
}
