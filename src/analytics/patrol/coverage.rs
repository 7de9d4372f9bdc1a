//! What a route or track reaches within `buffer_m` metres, in its community: per grid the
//! share of the area (buffer ∩ grid over the grid, by geo's boolean operations in the local
//! frame), of the buildings (a building is reached when its footprint comes within `buffer_m`
//! of the path, i.e. meets the exact buffer) and of their households; the hot-spot cells
//! reached (the cell meets the buffer) and missed; and the incidents within reach.
//!
//! The buffer polygon unites strokes (round caps and joins, geo's `Buffer`) along chains of the
//! path's distinct segments: a route walks back along itself, and a stroke that retraces
//! itself loses the overlap to its fill rule (route 1 of the bundled city came out 4 % short of
//! shapely's), so no chain walks a segment twice.
//! Arcs are approximated by chords, so its area is a little under the exact one (0.02 % for a
//! straight 1 km route); the distance tests use the exact buffer.

use geo::{
    Area, BooleanOps, BoundingRect, Buffer, Coord, Distance, Euclidean, Intersects, LineString,
    MultiLineString, MultiPolygon, Polygon, Rect,
};
use h3o::CellIndex;
use rstar::primitives::Line;
use rstar::{AABB, PointDistance, RTree};

use crate::geodesy::Frame;
use crate::index::{Engine, IncidentFilter};

/// The default reach either side of a path (metres).
pub const DEFAULT_BUFFER_M: f64 = 50.0;

/// One grid's share of what the path reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCoverage {
    /// Position in `engine.grids`.
    pub grid: u32,
    pub area_share: f64,
    pub buildings_reached: usize,
    pub buildings: usize,
    pub households_reached: u64,
    pub households: u64,
    pub hotspots_reached: usize,
    pub hotspots_missed: usize,
}

/// The answer for one path.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The buffer, in lon/lat.
    pub buffer: MultiPolygon,
    pub buffer_area_m2: f64,
    pub length_m: f64,
    pub grids: Vec<GridCoverage>,
    pub hotspots_reached: Vec<CellIndex>,
    pub hotspots_missed: Vec<CellIndex>,
    /// The community's incidents of the filter, and how many lie within reach.
    pub incidents: usize,
    pub incidents_reached: usize,
}

/// The path in the frame, with its bounding box grown by the reach for quick rejections and
/// its segments in an R-tree: a check against the whole path measured every segment, and
/// that was a third of a route's coverage (`cargo bench --bench patrol`).
struct Reach {
    path: MultiLineString,
    bounds: Rect,
    buffer_m: f64,
    segments: RTree<Line<[f64; 2]>>,
}

impl Reach {
    fn new(path: MultiLineString, buffer_m: f64) -> Self {
        let bounds = path.bounding_rect().map_or_else(
            || Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }),
            |r| {
                Rect::new(
                    Coord {
                        x: r.min().x - buffer_m,
                        y: r.min().y - buffer_m,
                    },
                    Coord {
                        x: r.max().x + buffer_m,
                        y: r.max().y + buffer_m,
                    },
                )
            },
        );
        let segments = RTree::bulk_load(
            path.0
                .iter()
                .flat_map(|l| {
                    // A one-point path is a point.
                    let single = (l.0.len() == 1).then(|| (l.0[0], l.0[0]));
                    l.lines().map(|s| (s.start, s.end)).chain(single)
                })
                .map(|(a, b)| Line::new([a.x, a.y], [b.x, b.y]))
                .collect(),
        );
        Self {
            path,
            bounds,
            buffer_m,
            segments,
        }
    }

    /// Whether a polygon (in the frame) comes within the reach of the path: it holds a point
    /// of the path, or one of its edges comes within reach of a segment near it.
    fn meets(&self, polygon: &Polygon) -> bool {
        let Some(r) = polygon.bounding_rect() else {
            return false;
        };
        if !r.intersects(&self.bounds) {
            return false;
        }
        let near = AABB::from_corners(
            [r.min().x - self.buffer_m, r.min().y - self.buffer_m],
            [r.max().x + self.buffer_m, r.max().y + self.buffer_m],
        );
        self.segments
            .locate_in_envelope_intersecting(&near)
            .any(|s| {
                let segment = geo::Line::new(
                    Coord {
                        x: s.from[0],
                        y: s.from[1],
                    },
                    Coord {
                        x: s.to[0],
                        y: s.to[1],
                    },
                );
                Euclidean.distance(&segment, polygon) <= self.buffer_m
            })
    }

    fn holds(&self, p: Coord) -> bool {
        self.bounds.intersects(&p)
            && self
                .segments
                .nearest_neighbor(&[p.x, p.y])
                .is_some_and(|s| s.distance_2(&[p.x, p.y]) <= self.buffer_m * self.buffer_m)
    }
}

/// The reach of `path` (lon/lat) within `buffer_m`: its buffer in lon/lat, the buffer's area
/// (m²) and the path's length (m), drawn in a local frame at the path's centre.
#[must_use]
pub fn reach_of(path: &MultiLineString, buffer_m: f64) -> (MultiPolygon, f64, f64) {
    let origin = path
        .bounding_rect()
        .map_or(Coord { x: 0.0, y: 0.0 }, Rect::center);
    let frame = Frame::at(origin);
    let local = frame.project(path);
    let buffer = buffer_of(&local, buffer_m);
    (
        frame.unproject(&buffer),
        buffer.unsigned_area(),
        length_of(&local),
    )
}

/// The length of a path in the frame (m).
fn length_of(path: &MultiLineString) -> f64 {
    path.0
        .iter()
        .map(|l| {
            l.0.windows(2)
                .map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y))
                .sum::<f64>()
        })
        .sum()
}

/// The buffer of `path` (in the frame): its distinct segments joined into chains that never
/// walk a segment twice, each chain buffered as one stroke, and the chains' buffers united.
fn buffer_of(path: &MultiLineString, buffer_m: f64) -> MultiPolygon {
    let key = |c: Coord| (c.x.to_bits(), c.y.to_bits());
    let mut seen = rustc_hash::FxHashSet::default();
    let mut chains: Vec<Vec<Coord>> = Vec::new();
    let mut current: Vec<Coord> = Vec::new();
    for line in &path.0 {
        for w in line.0.windows(2) {
            let (a, b) = (key(w[0]), key(w[1]));
            if !seen.insert(if a <= b { (a, b) } else { (b, a) }) {
                chains.push(std::mem::take(&mut current));
                continue;
            }
            if current.last() != Some(&w[0]) {
                chains.push(std::mem::take(&mut current));
                current.push(w[0]);
            }
            current.push(w[1]);
        }
        chains.push(std::mem::take(&mut current));
    }
    let strokes: Vec<Polygon> = chains
        .into_iter()
        .filter(|c| c.len() >= 2)
        .flat_map(|c| LineString::new(c).buffer(buffer_m).0)
        .collect();
    if strokes.len() <= 1 {
        MultiPolygon::new(strokes)
    } else {
        geo::unary_union(&strokes)
    }
}

/// A grid's row with its area share; the counts are filled by the caller.
fn grid_row(
    engine: &Engine,
    frame: &Frame,
    reach: &Reach,
    buffer: &MultiPolygon,
    g: u32,
) -> GridCoverage {
    let local = frame.project(&engine.grids.items()[g as usize].geometry);
    let area = local.unsigned_area();
    let inside = if local
        .bounding_rect()
        .is_some_and(|r| r.intersects(&reach.bounds))
    {
        buffer.intersection(&local).unsigned_area()
    } else {
        0.0
    };
    GridCoverage {
        grid: g,
        area_share: if area > 0.0 {
            (inside / area).min(1.0)
        } else {
            0.0
        },
        buildings_reached: 0,
        buildings: 0,
        households_reached: 0,
        households: 0,
        hotspots_reached: 0,
        hotspots_missed: 0,
    }
}

/// The coverage of `path` (lon/lat) within `buffer_m` in community `community` (position);
/// `hot` are the hot-spot cells to check, `incidents` the filter of the incidents to count
/// (its communities are replaced by this one).
#[must_use]
pub fn coverage(
    engine: &Engine,
    path: &MultiLineString,
    community: u32,
    buffer_m: f64,
    hot: &[CellIndex],
    incidents: &IncidentFilter,
) -> Coverage {
    let origin = path
        .bounding_rect()
        .map_or(Coord { x: 0.0, y: 0.0 }, Rect::center);
    let frame = Frame::at(origin);
    let reach = Reach::new(frame.project(path), buffer_m);
    let buffer = buffer_of(&reach.path, buffer_m);
    let length_m = length_of(&reach.path);

    // The community's grids, each with its hot cells.
    let grid_ids: Vec<u32> = (0..engine.grids.len() as u32)
        .filter(|&g| engine.grid_community[g as usize] == community)
        .collect();
    let mut grids: Vec<GridCoverage> = grid_ids
        .iter()
        .map(|&g| grid_row(engine, &frame, &reach, &buffer, g))
        .collect();
    let slot = |grid_id: Option<u64>| -> Option<usize> {
        let g = engine.grids.position(grid_id?)?;
        grid_ids.iter().position(|&x| x == g)
    };
    // The buildings of the community's grids: those whose box meets the community's.
    let area = engine.communities.items()[community as usize]
        .geometry
        .bounding_rect();
    let nearby = area.map_or_else(Vec::new, |r| engine.buildings.boxes_meeting(&r));
    for b in nearby
        .iter()
        .map(|&b| &engine.buildings.items()[b as usize])
    {
        let Some(i) = slot(b.grid_id) else { continue };
        let reached = reach.meets(&frame.project(&b.geometry));
        let row = &mut grids[i];
        row.buildings += 1;
        row.households += u64::from(b.households);
        if reached {
            row.buildings_reached += 1;
            row.households_reached += u64::from(b.households);
        }
    }
    let (mut hotspots_reached, mut hotspots_missed) = (Vec::new(), Vec::new());
    for &cell in hot {
        let centre = h3o::LatLng::from(cell);
        let (grid_id, _) = engine.place(Coord {
            x: centre.lng(),
            y: centre.lat(),
        });
        let ring = LineString::from(frame.cell_ring(cell));
        let reached = reach.meets(&Polygon::new(ring, Vec::new()));
        let row = slot(grid_id).map(|i| &mut grids[i]);
        if reached {
            hotspots_reached.push(cell);
            if let Some(row) = row {
                row.hotspots_reached += 1;
            }
        } else {
            hotspots_missed.push(cell);
            if let Some(row) = row {
                row.hotspots_missed += 1;
            }
        }
    }
    let (incidents, incidents_reached) =
        count_incidents(engine, &frame, &reach, community, incidents);
    Coverage {
        buffer_area_m2: buffer.unsigned_area(),
        buffer: frame.unproject(&buffer),
        length_m,
        grids,
        hotspots_reached,
        hotspots_missed,
        incidents,
        incidents_reached,
    }
}

/// The community's incidents of the filter, and how many lie within reach.
fn count_incidents(
    engine: &Engine,
    frame: &Frame,
    reach: &Reach,
    community: u32,
    incidents: &IncidentFilter,
) -> (usize, usize) {
    let filter = IncidentFilter {
        communities: vec![community],
        ..incidents.clone()
    };
    let (mut total, mut within) = (0, 0);
    let table = &engine.incidents;
    table.for_each_match(&filter, |r| {
        total += 1;
        if reach.holds(frame.to_local(Coord {
            x: table.lon[r],
            y: table.lat[r],
        })) {
            within += 1;
        }
    });
    (total, within)
}
