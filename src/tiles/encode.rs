//! Geometry into MVT 2.1: project to tile pixels, clip to the buffered tile, simplify to the
//! pixel, snap to integers, orient rings (exterior clockwise on screen, i.e. positive area in
//! tile coordinates, holes the other way), and write the command stream.
//!
//! Clipping uses geo's boolean operations (`i_overlay`), whose output is valid; polygons are
//! simplified with Visvalingam–Whyatt in its topology-preserving form, so simplification does
//! not make rings cross. Snapping to the integer grid can still collapse a ring; collapsed
//! rings (fewer than three distinct points, or no area) are dropped.

use geo::{
    BooleanOps, BoundingRect, Coord, Geometry, LineString, MapCoords, MultiLineString,
    MultiPolygon, Polygon, Rect, Simplify, SimplifyVwPreserve,
};
use geozero::mvt::tile::GeomType;

use super::clip::{clip_convex, is_convex};
use super::protobuf;
use super::tile::{BUFFER, EXTENT, TileId};

/// A geometry in tile pixels, ready to encode.
#[derive(Debug, Clone, PartialEq)]
pub enum TileGeometry {
    Points(Vec<[i32; 2]>),
    Lines(Vec<Vec<[i32; 2]>>),
    /// Polygons, each a list of rings (exterior first), rings not closed.
    Polygons(Vec<Vec<Vec<[i32; 2]>>>),
}

/// Lines and rings with more points than this are simplified (shorter ones have nothing to
/// remove at the pixel size worth an index per call).
pub(super) const SIMPLIFY_FROM: usize = 12;

pub(super) fn buffered_square() -> Rect {
    let (lo, hi) = (-f64::from(BUFFER), f64::from(EXTENT + BUFFER));
    Rect::new(Coord { x: lo, y: lo }, Coord { x: hi, y: hi })
}

pub(super) fn inside(r: &Rect, outer: &Rect) -> bool {
    r.min().x >= outer.min().x
        && r.min().y >= outer.min().y
        && r.max().x <= outer.max().x
        && r.max().y <= outer.max().y
}

pub(super) fn disjoint(r: &Rect, outer: &Rect) -> bool {
    r.max().x < outer.min().x
        || r.min().x > outer.max().x
        || r.max().y < outer.min().y
        || r.min().y > outer.max().y
}

#[inline]
pub(super) fn snap(c: Coord) -> [i32; 2] {
    [nearest(c.x), nearest(c.y)]
}

/// `x` to the nearest integer, halves up: `floor(x + 0.5)`. Halves up, not away from zero, so
/// that snapping commutes with moving by whole pixels: a feature snapped on the whole zoom's
/// pixel grid and then moved into a tile lands where snapping it in the tile puts it (the
/// per-zoom command streams rely on it). Written out because without SSE4.1 in the target
/// `floor` is a libm call.
#[inline]
fn nearest(x: f64) -> i32 {
    let y = x + 0.5;
    let t = y as i32;
    if f64::from(t) > y { t - 1 } else { t }
}

/// Appends `coords` snapped to `out`, leaving out consecutive repeats.
#[inline]
pub(super) fn push_snapped(out: &mut Vec<[i32; 2]>, coords: impl IntoIterator<Item = Coord>) {
    for c in coords {
        let p = snap(c);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
}

/// Snapped points without consecutive repeats.
fn snapped(line: &LineString) -> Vec<[i32; 2]> {
    let mut out = Vec::with_capacity(line.0.len());
    push_snapped(&mut out, line.0.iter().copied());
    out
}

/// Twice the signed area in tile coordinates (positive = clockwise on screen).
/// Taken about the first point, so the products stay small on a whole zoom's pixel grid too.
fn area2(ring: &[[i32; 2]]) -> i64 {
    let (Some(&origin), Some(&last)) = (ring.first(), ring.last()) else {
        return 0;
    };
    let about = |p: [i32; 2]| {
        (
            i64::from(p[0]) - i64::from(origin[0]),
            i64::from(p[1]) - i64::from(origin[1]),
        )
    };
    let mut a = about(last);
    let mut sum = 0;
    for &b in ring {
        let b = about(b);
        sum += a.0 * b.1 - b.0 * a.1;
        a = b;
    }
    sum
}

/// Opens (no repeated last point) and orients snapped ring points in place; `false` if the
/// ring collapsed (fewer than three points, or no area).
pub(super) fn finish_ring(points: &mut Vec<[i32; 2]>, exterior: bool) -> bool {
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    if points.len() < 3 {
        return false;
    }
    let area = area2(points);
    if area == 0 {
        return false;
    }
    if (area > 0) != exterior {
        points.reverse();
    }
    true
}

/// A ring snapped, opened and oriented; `None` if it collapsed.
fn ring(line: &LineString, exterior: bool) -> Option<Vec<[i32; 2]>> {
    let mut points = snapped(line);
    finish_ring(&mut points, exterior).then_some(points)
}

fn polygons(shapes: &MultiPolygon) -> Vec<Vec<Vec<[i32; 2]>>> {
    shapes
        .0
        .iter()
        .filter_map(|p| {
            // Small rings (building footprints) have nothing to simplify; the topology-preserving
            // simplifier builds an index per call, so it runs only where it can remove points.
            let many = p.exterior().0.len() > SIMPLIFY_FROM
                || p.interiors().iter().any(|r| r.0.len() > SIMPLIFY_FROM);
            let simplified = if many {
                p.simplify_vw_preserve(0.5)
            } else {
                p.clone()
            };
            let exterior = ring(simplified.exterior(), true)?;
            let mut rings = vec![exterior];
            rings.extend(simplified.interiors().iter().filter_map(|r| ring(r, false)));
            Some(rings)
        })
        .collect()
}

/// `geometry` (lon/lat) as it appears in `tile`, or `None` if nothing of it is in the
/// buffered tile.
#[must_use]
pub fn prepare(tile: TileId, geometry: &Geometry) -> Option<TileGeometry> {
    prepare_pixels(geometry.map_coords(|c| tile.pixel(c)))
}

/// A geometry already in tile pixels, clipped to the buffered tile, simplified and snapped;
/// `None` if nothing of it is left.
#[must_use]
pub fn prepare_pixels(pixels: Geometry) -> Option<TileGeometry> {
    let square = buffered_square();
    let bounds = pixels.bounding_rect()?;
    if disjoint(&bounds, &square) {
        return None;
    }
    let whole = inside(&bounds, &square);
    let out = match pixels {
        Geometry::Point(p) => TileGeometry::Points(vec![snap(p.0)]),
        Geometry::MultiPoint(mp) => TileGeometry::Points(
            mp.0.iter()
                .filter(|p| inside(&Rect::new(p.0, p.0), &square))
                .map(|p| snap(p.0))
                .collect(),
        ),
        Geometry::LineString(l) => lines(&MultiLineString(vec![l]), whole, &square),
        Geometry::MultiLineString(ml) => lines(&ml, whole, &square),
        Geometry::Polygon(p) => areas(MultiPolygon(vec![p]), whole, &square),
        Geometry::MultiPolygon(mp) => areas(mp, whole, &square),
        _ => return None,
    };
    match &out {
        TileGeometry::Points(p) if p.is_empty() => None,
        TileGeometry::Lines(l) if l.is_empty() => None,
        TileGeometry::Polygons(p) if p.is_empty() => None,
        _ => Some(out),
    }
}

fn lines(ml: &MultiLineString, whole: bool, square: &Rect) -> TileGeometry {
    let clipped = if whole {
        ml.clone()
    } else {
        square.to_polygon().clip(ml, false)
    };
    TileGeometry::Lines(
        clipped
            .0
            .iter()
            .map(|l| {
                if l.0.len() > SIMPLIFY_FROM {
                    snapped(&l.simplify(0.5))
                } else {
                    snapped(l)
                }
            })
            .filter(|l| l.len() >= 2)
            .collect(),
    )
}

fn areas(mp: MultiPolygon, whole: bool, square: &Rect) -> TileGeometry {
    let clipped = if whole {
        mp
    } else if let [p] = mp.0.as_slice()
        && p.interiors().is_empty()
        && is_convex(p.exterior())
    {
        MultiPolygon(vec![Polygon::new(
            clip_convex(p.exterior(), square),
            vec![],
        )])
    } else {
        mp.intersection(&square.to_polygon())
    };
    TileGeometry::Polygons(polygons(&clipped))
}

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

fn command(id: u32, count: usize) -> u32 {
    (id & 0x7) | ((count as u32) << 3)
}

fn zigzag(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

fn unzigzag(n: u32) -> i32 {
    ((n >> 1) as i32) ^ -((n & 1) as i32)
}

/// The varint at `bytes[*at..]`, moving `at` past it; `None` at the end (or in a varint cut
/// short).
fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let (mut value, mut shift) = (0u32, 0);
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        value |= u32::from(b & 0x7f) << shift;
        shift += 7;
        if b < 0x80 {
            return Some(value);
        }
    }
}

/// An MVT command stream being written: positions relative to a cursor, zig-zag encoded,
/// each integer written as a protobuf varint (the body of the packed `geometry` field).
#[derive(Debug, Default)]
pub struct Commands {
    bytes: Vec<u8>,
    cursor: [i32; 2],
}

impl Commands {
    /// Starts a new feature's geometry.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.cursor = [0, 0];
    }

    /// The packed varints written so far.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether nothing is written yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The integers written so far (decoded, for checking).
    #[must_use]
    pub fn values(&self) -> Vec<u32> {
        let mut at = 0;
        std::iter::from_fn(|| read_varint(&self.bytes, &mut at)).collect()
    }

    fn int(&mut self, v: u32) {
        protobuf::varint(&mut self.bytes, u64::from(v));
    }

    #[inline]
    fn to(&mut self, p: [i32; 2]) {
        let (dx, dy) = (zigzag(p[0] - self.cursor[0]), zigzag(p[1] - self.cursor[1]));
        self.cursor = p;
        // Most steps along a ring are under 64 pixels each way: one byte each, one write.
        if (dx | dy) < 0x80 {
            self.bytes.extend_from_slice(&[dx as u8, dy as u8]);
        } else {
            self.int(dx);
            self.int(dy);
        }
    }

    /// A geometry first written on a zoom's whole pixel grid, moved into a tile: its first
    /// command integer, its first point in the tile's pixels, and the rest of its stream, which
    /// holds only steps and so is the same in every tile. It ends the geometry.
    pub fn splice(&mut self, head: u32, first: [i32; 2], rest: &[u8]) {
        self.int(head);
        self.to(first);
        self.bytes.extend_from_slice(rest);
    }

    /// The first command integer, the first point and the bytes after them: the parts of a
    /// written geometry [`Self::splice`] takes. `None` if nothing is written.
    #[must_use]
    pub fn split_first(&self) -> Option<(u32, [i32; 2], &[u8])> {
        let mut at = 0;
        let head = read_varint(&self.bytes, &mut at)?;
        let x = unzigzag(read_varint(&self.bytes, &mut at)?);
        let y = unzigzag(read_varint(&self.bytes, &mut at)?);
        Some((head, [x, y], &self.bytes[at..]))
    }

    /// Points, one `MoveTo` for all.
    pub fn points(&mut self, points: &[[i32; 2]]) {
        self.int(command(MOVE_TO, points.len()));
        for &p in points {
            self.to(p);
        }
    }

    /// A line of at least two points.
    pub fn line(&mut self, line: &[[i32; 2]]) {
        self.int(command(MOVE_TO, 1));
        self.to(line[0]);
        self.int(command(LINE_TO, line.len() - 1));
        for &p in &line[1..] {
            self.to(p);
        }
    }

    /// An open, oriented ring of at least three points.
    pub fn ring(&mut self, ring: &[[i32; 2]]) {
        self.line(ring);
        self.int(command(CLOSE_PATH, 1));
    }

    /// A prepared geometry; its MVT type.
    pub fn geometry(&mut self, geometry: &TileGeometry) -> GeomType {
        match geometry {
            TileGeometry::Points(points) => {
                self.points(points);
                GeomType::Point
            }
            TileGeometry::Lines(lines) => {
                for line in lines {
                    self.line(line);
                }
                GeomType::Linestring
            }
            TileGeometry::Polygons(polygons) => {
                for ring in polygons.iter().flatten() {
                    self.ring(ring);
                }
                GeomType::Polygon
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use geo::{Point, polygon};

    use super::*;

    /// The MVT geometry type and command stream of a prepared geometry.
    fn commands(geometry: &TileGeometry) -> (GeomType, Vec<u32>) {
        let mut out = Commands::default();
        let kind = out.geometry(geometry);
        (kind, out.values())
    }

    #[test]
    fn the_mvt_spec_example_commands() {
        // From the MVT 2.1 specification, 4.3.5: a point at (25, 17).
        assert_eq!(
            commands(&TileGeometry::Points(vec![[25, 17]])).1,
            vec![9, 50, 34]
        );
        // A line (2,2) (2,10) (10,10).
        assert_eq!(
            commands(&TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]])).1,
            vec![9, 4, 4, 18, 0, 16, 16, 0]
        );
        // A polygon (3,6) (8,12) (20,34).
        assert_eq!(
            commands(&TileGeometry::Polygons(vec![vec![vec![
                [3, 6],
                [8, 12],
                [20, 34]
            ]]]))
            .1,
            vec![9, 6, 12, 18, 10, 12, 24, 44, 15]
        );
    }

    #[test]
    fn snapping_rounds_halves_up_and_commutes_with_whole_pixel_moves() {
        assert_eq!(nearest(2.5), 3);
        assert_eq!(nearest(-2.5), -2);
        assert_eq!(nearest(-2.6), -3);
        assert_eq!(nearest(-0.4), 0);
        for v in [0.5, 1.49, 7.5, 123.25, 4095.5, 65_000.5] {
            for k in [0, 1, 64, 4096, 8192] {
                assert_eq!(nearest(v - f64::from(k)), nearest(v) - k, "{v} - {k}");
            }
        }
    }

    #[test]
    fn a_stream_splits_at_its_first_point_and_splices_back() {
        let mut out = Commands::default();
        out.ring(&[[5000, -70], [5010, -70], [5010, -60]]);
        let (head, first, rest) = out.split_first().unwrap();
        assert_eq!((head, first), (9, [5000, -70]));
        let mut moved = Commands::default();
        moved.splice(head, [first[0] - 4096, first[1] + 100], rest);
        let mut expected = Commands::default();
        expected.ring(&[[904, 30], [914, 30], [914, 40]]);
        assert_eq!(moved.bytes(), expected.bytes());
        assert!(Commands::default().split_first().is_none());
    }

    #[test]
    fn polygons_are_clipped_and_oriented() {
        let tile = TileId { z: 0, x: 0, y: 0 };
        // A counter-clockwise (lon/lat) square around the whole world clips to the buffer.
        let world: Geometry = polygon![(x: -179.0, y: -80.0), (x: 179.0, y: -80.0), (x: 179.0, y: 80.0), (x: -179.0, y: 80.0), (x: -179.0, y: -80.0)].into();
        let Some(TileGeometry::Polygons(p)) = prepare(tile, &world) else {
            panic!("expected a polygon")
        };
        assert_eq!(p.len(), 1);
        assert!(
            area2(&p[0][0]) > 0,
            "exterior rings are clockwise on screen"
        );
        assert!(
            p[0][0]
                .iter()
                .all(|c| c[0] >= -64 && c[0] <= 4160 && c[1] >= -64 && c[1] <= 4160)
        );
        // Nothing of a point far outside the buffered tile.
        assert!(
            prepare(
                TileId { z: 10, x: 0, y: 0 },
                &Point::new(112.0, 31.0).into()
            )
            .is_none()
        );
    }
}
