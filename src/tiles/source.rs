//! A static layer prepared for tiles: geometry projected once to Web Mercator world units
//! (`tile::world`), attributes encoded once as MVT values, and an R-tree in world units, so a
//! tile costs a multiply-add per coordinate and no string or geometry copies.
//!
//! A feature lying wholly inside the buffered tile with no line or ring long enough to simplify
//! (nearly every building at z14) is snapped and written straight into the command stream, at
//! zooms up to z18 copied from the zoom's streams (`streams`); a short convex footprint crossing the tile edge is clipped in place as `clip::clip_convex`
//! would clip it; the rest go through `encode::prepare_pixels` (clipping, simplification), so
//! every path gives the same tile geometry (a test compares them feature by feature).

use std::any::Any;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use geo::{
    BoundingRect, Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point,
    Polygon, Rect,
};
use geozero::mvt::tile::GeomType;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use rustc_hash::FxHashMap;

use super::clip::{clip_convex_open, is_convex};
use super::encode::{
    Commands, SIMPLIFY_FROM, buffered_square, disjoint, finish_ring, inside, prepare_pixels,
    push_snapped, snap,
};
use super::layers::{Feature, Layer, layer_features, street_minzoom};
use super::pmtiles::tile_id;
use super::protobuf;
use super::streams::{DEEPEST, ZoomStreams};
use super::tile::{BUFFER, TileId, ToPixels, world};
use crate::index::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Points,
    Lines,
    Polygons,
}

impl Shape {
    fn mvt(self) -> GeomType {
        match self {
            Shape::Points => GeomType::Point,
            Shape::Lines => GeomType::Linestring,
            Shape::Polygons => GeomType::Polygon,
        }
    }
}

/// A run of coordinates: a line, a ring (closed, as stored), or all points of a feature.
#[derive(Debug, Clone, Copy)]
struct Part {
    start: u32,
    end: u32,
    /// An exterior ring: it starts a new polygon.
    exterior: bool,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    id: u64,
    shape: Shape,
    parts: (u32, u32),
    tags: (u32, u32),
    /// `[min x, min y, max x, max y]` in world units.
    bbox: [f64; 4],
    /// No line or ring long enough to be simplified.
    short: bool,
    /// One convex ring, short enough to stay unsimplified when clipped (a rectangular building
    /// footprint): clipped in place on the hot path, as `prepare_pixels` would clip it.
    convex: bool,
    /// The lowest zoom whose tiles hold the feature (a footpath is no use at z12).
    minzoom: u8,
}

/// Working space for [`TileSource::geometry`], reused across features.
#[derive(Debug, Default)]
pub struct Scratch {
    points: Vec<[i32; 2]>,
    ring: Vec<Coord>,
    next: Vec<Coord>,
}

/// One layer's features in world units with their attributes encoded.
#[derive(Debug)]
pub struct TileSource {
    items: Vec<Item>,
    parts: Vec<Part>,
    coords: Vec<[f64; 2]>,
    /// (key, value) positions in `keys` and `values`, per item.
    tags: Vec<[u32; 2]>,
    keys: Vec<&'static str>,
    /// Distinct values, each the body of an MVT `Value` message.
    values: Vec<Vec<u8>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    /// Per zoom (up to `streams::DEEPEST`), made on the first tile drawn at that zoom.
    streams: [OnceLock<ZoomStreams>; DEEPEST as usize + 1],
}

impl TileSource {
    /// Prepares `features` (lon/lat); geometries other than points, lines and polygons, and
    /// empty ones, are left out.
    #[must_use]
    pub fn new(features: &[Feature]) -> Self {
        Self::with_minzoom(features, |_| 0)
    }

    /// [`Self::new`], each feature drawn from the zoom `minzoom` gives it.
    #[must_use]
    pub fn with_minzoom(features: &[Feature], minzoom: impl Fn(&Feature) -> u8) -> Self {
        let mut source = Self {
            items: Vec::with_capacity(features.len()),
            parts: Vec::new(),
            coords: Vec::new(),
            tags: Vec::new(),
            keys: Vec::new(),
            values: Vec::new(),
            tree: RTree::new(),
            streams: std::array::from_fn(|_| OnceLock::new()),
        };
        let mut value_ids: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        let mut body = Vec::new();
        // In the layer's order a z14 tile's buildings lie scattered over the whole layer, and
        // loading each one's record was the hottest instruction of the geometry walk. Stored
        // along a Hilbert curve, they lie together. (Criterion, whose loop keeps the layer in
        // cache, could not tell the two orders apart; a loaded server shares its caches.)
        let mut order: Vec<(u64, &Feature)> = features
            .iter()
            .filter_map(|f| Some((hilbert_key(world(f.geometry.bounding_rect()?.center())), f)))
            .collect();
        order.sort_unstable_by_key(|&(key, _)| key);
        for (_, feature) in order {
            let first_part = source.parts.len() as u32;
            let first_coord = source.coords.len();
            let Some(shape) = source.push_geometry(&feature.geometry) else {
                continue;
            };
            if source.coords.len() == first_coord {
                continue;
            }
            let first_tag = source.tags.len() as u32;
            for (key, value) in &feature.properties {
                let k = key_position(&mut source.keys, key);
                body.clear();
                protobuf::value(&mut body, value);
                let next = source.values.len() as u32;
                let v = *value_ids.entry(body.clone()).or_insert(next);
                if v == next {
                    source.values.push(body.clone());
                }
                source.tags.push([k, v]);
            }
            let parts = &source.parts[first_part as usize..];
            let bbox = source.coords[first_coord..].iter().fold(
                [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
                |b, c| {
                    [
                        b[0].min(c[0]),
                        b[1].min(c[1]),
                        b[2].max(c[0]),
                        b[3].max(c[1]),
                    ]
                },
            );
            source.items.push(Item {
                id: feature.id,
                shape,
                parts: (first_part, source.parts.len() as u32),
                tags: (first_tag, source.tags.len() as u32),
                bbox,
                short: shape == Shape::Points
                    || parts
                        .iter()
                        .all(|p| (p.end - p.start) as usize <= SIMPLIFY_FROM),
                convex: shape == Shape::Polygons
                    && parts.len() == 1
                    && clipped_stays_short(&source.coords[first_coord..]),
                minzoom: minzoom(feature),
            });
        }
        source.tree = RTree::bulk_load(
            source
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let b = item.bbox;
                    GeomWithData::new(
                        Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                        i as u32,
                    )
                })
                .collect(),
        );
        source
    }

    fn push_part<'a>(&mut self, coords: impl Iterator<Item = &'a geo::Coord>, exterior: bool) {
        let start = self.coords.len() as u32;
        self.coords.extend(coords.map(|&c| world(c)));
        self.parts.push(Part {
            start,
            end: self.coords.len() as u32,
            exterior,
        });
    }

    fn push_polygon(&mut self, p: &Polygon) {
        self.push_part(p.exterior().0.iter(), true);
        for ring in p.interiors() {
            self.push_part(ring.0.iter(), false);
        }
    }

    fn push_geometry(&mut self, geometry: &Geometry) -> Option<Shape> {
        Some(match geometry {
            Geometry::Point(p) => {
                self.push_part(std::iter::once(&p.0), false);
                Shape::Points
            }
            Geometry::MultiPoint(mp) => {
                self.push_part(mp.0.iter().map(|p| &p.0), false);
                Shape::Points
            }
            Geometry::LineString(l) => {
                self.push_part(l.0.iter(), false);
                Shape::Lines
            }
            Geometry::MultiLineString(ml) => {
                for l in &ml.0 {
                    self.push_part(l.0.iter(), false);
                }
                Shape::Lines
            }
            Geometry::Polygon(p) => {
                self.push_polygon(p);
                Shape::Polygons
            }
            Geometry::MultiPolygon(mp) => {
                for p in &mp.0 {
                    self.push_polygon(p);
                }
                Shape::Polygons
            }
            _ => return None,
        })
    }

    /// Positions of the features whose bounding box meets the buffered `tile`, ascending: in
    /// memory order, as the features are stored along a Hilbert curve.
    #[must_use]
    pub fn candidates(&self, tile: TileId) -> Vec<u32> {
        let mut hits = Vec::new();
        self.candidates_into(tile, &mut hits);
        hits
    }

    /// [`Self::candidates`] into a buffer (cleared first).
    pub fn candidates_into(&self, tile: TileId, hits: &mut Vec<u32>) {
        let b = tile.world_bounds(f64::from(BUFFER));
        let envelope = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        hits.clear();
        hits.extend(
            self.tree
                .locate_in_envelope_intersecting(&envelope)
                .map(|e| e.data)
                .filter(|&i| self.items[i as usize].minzoom <= tile.z),
        );
        hits.sort_unstable();
    }

    /// How many features the layer holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the layer holds no feature.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The id of feature `i`.
    #[must_use]
    pub fn id(&self, i: u32) -> u64 {
        self.items[i as usize].id
    }

    /// The (key, value) positions of feature `i`'s attributes.
    #[must_use]
    pub fn tags(&self, i: u32) -> &[[u32; 2]] {
        let (a, b) = self.items[i as usize].tags;
        &self.tags[a as usize..b as usize]
    }

    /// Attribute names, by position.
    #[must_use]
    pub fn keys(&self) -> &[&'static str] {
        &self.keys
    }

    /// Encoded attribute values (`Value` message bodies), by position.
    #[must_use]
    pub fn values(&self) -> &[Vec<u8>] {
        &self.values
    }

    /// Writes feature `i` as it appears in `tile` into `out`; its MVT type, or `None` if
    /// nothing of it is in the buffered tile. `scratch` is working space.
    pub fn geometry(
        &self,
        i: u32,
        tile: TileId,
        out: &mut Commands,
        scratch: &mut Scratch,
    ) -> Option<GeomType> {
        let to = tile.to_pixels();
        let item = &self.items[i as usize];
        let lo = to.apply([item.bbox[0], item.bbox[1]]);
        let hi = to.apply([item.bbox[2], item.bbox[3]]);
        let bounds = Rect::new(lo, hi);
        let square = buffered_square();
        if disjoint(&bounds, &square) {
            return None;
        }
        out.clear();
        let parts = &self.parts[item.parts.0 as usize..item.parts.1 as usize];
        let whole = inside(&bounds, &square);
        if item.convex && !whole {
            let part = parts[0];
            let Scratch { points, ring, next } = scratch;
            ring.clear();
            let open = &self.coords[part.start as usize..part.end as usize - 1];
            ring.extend(open.iter().map(|&c| to.apply(c)));
            clip_convex_open(ring, next, &square);
            points.clear();
            push_snapped(points, ring.iter().copied());
            return finish_ring(points, true).then(|| {
                out.ring(points);
                GeomType::Polygon
            });
        }
        if !(item.short && whole) {
            let prepared = prepare_pixels(self.pixel_geometry(item.shape, parts, to))?;
            return Some(out.geometry(&prepared));
        }
        if tile.z <= DEEPEST {
            return self
                .zoom_streams(tile.z)
                .write(i, tile, out)
                .then_some(item.shape.mvt());
        }
        self.write_short(item, to, out, &mut scratch.points)
    }

    /// The command streams of the short features at zoom `z` (≤ `DEEPEST`).
    fn zoom_streams(&self, z: u8) -> &ZoomStreams {
        self.streams[usize::from(z)].get_or_init(|| {
            let grid = TileId { z, x: 0, y: 0 }.to_pixels();
            let (mut out, mut points) = (Commands::default(), Vec::new());
            let mut streams = ZoomStreams::default();
            for item in &self.items {
                out.clear();
                let written = item.short
                    && self
                        .write_short(item, grid, &mut out, &mut points)
                        .is_some();
                streams.push(written.then_some(&out));
            }
            streams
        })
    }

    /// Writes a short feature (no line or ring to simplify) as it appears through `to`,
    /// snapped, into `out` (cleared); its MVT type, or `None` if nothing of it is left.
    fn write_short(
        &self,
        item: &Item,
        to: ToPixels,
        out: &mut Commands,
        scratch: &mut Vec<[i32; 2]>,
    ) -> Option<GeomType> {
        let parts = &self.parts[item.parts.0 as usize..item.parts.1 as usize];
        let snapped = |part: &Part, scratch: &mut Vec<[i32; 2]>| {
            scratch.clear();
            let coords = &self.coords[part.start as usize..part.end as usize];
            push_snapped(scratch, coords.iter().map(|&c| to.apply(c)));
        };
        let kind = match item.shape {
            Shape::Points => {
                scratch.clear();
                let coords = parts
                    .iter()
                    .flat_map(|p| &self.coords[p.start as usize..p.end as usize]);
                scratch.extend(coords.map(|&c| snap(to.apply(c))));
                out.points(scratch);
                GeomType::Point
            }
            Shape::Lines => {
                for part in parts {
                    snapped(part, scratch);
                    if scratch.len() >= 2 {
                        out.line(scratch);
                    }
                }
                GeomType::Linestring
            }
            Shape::Polygons => {
                // Holes follow their exterior; a collapsed exterior takes its holes with it.
                let mut kept = false;
                for part in parts {
                    if part.exterior {
                        kept = false;
                    } else if !kept {
                        continue;
                    }
                    snapped(part, scratch);
                    if finish_ring(scratch, part.exterior) {
                        out.ring(scratch);
                        kept |= part.exterior;
                    }
                }
                GeomType::Polygon
            }
        };
        (!out.is_empty()).then_some(kind)
    }

    /// A feature in tile pixels as geo geometry, for clipping and simplification.
    fn pixel_geometry(&self, shape: Shape, parts: &[Part], to: ToPixels) -> Geometry {
        let line = |p: &Part| -> LineString {
            self.coords[p.start as usize..p.end as usize]
                .iter()
                .map(|&c| to.apply(c))
                .collect()
        };
        match shape {
            Shape::Points => {
                MultiPoint(parts.iter().flat_map(|p| line(p).0).map(Point).collect()).into()
            }
            Shape::Lines => MultiLineString(parts.iter().map(line).collect()).into(),
            Shape::Polygons => {
                let mut polygons: Vec<Polygon> = Vec::new();
                for part in parts {
                    match polygons.last_mut() {
                        Some(p) if !part.exterior => p.interiors_push(line(part)),
                        _ => polygons.push(Polygon::new(line(part), Vec::new())),
                    }
                }
                MultiPolygon(polygons).into()
            }
        }
    }
}

/// A world position's place along the Hilbert curve through the z16 tiles.
fn hilbert_key([x, y]: [f64; 2]) -> u64 {
    let side = f64::from(1u32 << 16);
    let cell = |v: f64| (v * side).clamp(0.0, side - 1.0) as u32;
    tile_id(TileId {
        z: 16,
        x: cell(x),
        y: cell(y),
    })
}

/// Whether the closed ring `ring` is convex and, clipped to a square (which adds at most four
/// corners), still has nothing to simplify.
fn clipped_stays_short(ring: &[[f64; 2]]) -> bool {
    ring.len() + 4 <= SIMPLIFY_FROM
        && is_convex(&ring.iter().map(|&[x, y]| Coord { x, y }).collect())
}

/// The position of `key` in `keys`, added if missing. A layer has a handful of keys: a scan
/// beats hashing.
pub(super) fn key_position(keys: &mut Vec<&'static str>, key: &'static str) -> u32 {
    if let Some(i) = keys.iter().position(|k| *k == key) {
        i as u32
    } else {
        keys.push(key);
        keys.len() as u32 - 1
    }
}

type AnyLayer = dyn Any + Send + Sync;

struct Prepared {
    layer: Layer,
    /// The engine records it was made from; a `Weak` keeps the address from being reused.
    records: Weak<AnyLayer>,
    source: Arc<TileSource>,
}

/// The tile sources of the static layers, each prepared on first use and again only when the
/// engine replaces that layer (a resource or route written), not on every incident write.
#[derive(Default)]
pub struct StaticSources {
    prepared: Mutex<Vec<Prepared>>,
}

impl StaticSources {
    /// The source of static layer `layer` in `engine`, or `None` if it is not a static layer.
    pub fn get(&self, engine: &Engine, layer: Layer) -> Option<Arc<TileSource>> {
        let records: Arc<AnyLayer> = match layer {
            Layer::Districts => engine.districts.clone(),
            Layer::Communities => engine.communities.clone(),
            Layer::Grids => engine.grids.clone(),
            Layer::Buildings => engine.buildings.clone(),
            Layer::Resources => engine.resources.clone(),
            Layer::Streets => engine.streets.clone(),
            Layer::PatrolRoutes | Layer::PatrolCoverage => engine.patrol_routes.clone(),
            Layer::Units => engine.units.clone(),
            Layer::ServiceGaps
            | Layer::Incidents
            | Layer::Hexbins
            | Layer::Hotspots
            | Layer::Kde => {
                return None;
            }
        };
        let mut prepared = self.prepared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = prepared.iter().find(|p| {
            p.layer == layer && std::ptr::addr_eq(p.records.as_ptr(), Arc::as_ptr(&records))
        }) {
            return Some(p.source.clone());
        }
        let features = layer_features(engine, layer);
        let source = Arc::new(if layer == Layer::Streets {
            TileSource::with_minzoom(&features, street_minzoom)
        } else {
            TileSource::new(&features)
        });
        prepared.retain(|p| p.layer != layer);
        prepared.push(Prepared {
            layer,
            records: Arc::downgrade(&records),
            source: source.clone(),
        });
        Some(source)
    }
}
