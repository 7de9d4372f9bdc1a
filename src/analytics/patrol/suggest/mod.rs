//! A suggested route: the team's loop with detours along the streets to the hot spots it
//! misses, within an extra length (see [`orienteering`] for what is solved and how).
//!
//! The loop's stops are its vertices at least [`STOP_SPACING_M`] apart along it; each hot spot
//! is visited at the street node within reach of its cell that is nearest the loop on foot. Walking distances come from the street graph; the loop's own stretches count
//! as walked along the loop.

pub mod orienteering;

#[cfg(test)]
mod tests;

use geo::{BoundingRect, Coord, LineString, Polygon, Rect};
use h3o::{CellIndex, LatLng};

use crate::geodesy::Frame;
use crate::index::Engine;
use crate::network::Snap;
use orienteering::{EXACT_MAX, Instance, solve};

/// The loop may be left at a vertex this far along from the last stop (metres).
pub const STOP_SPACING_M: f64 = 25.0;
/// How far from a hot cell's centre its visiting point may be found on the streets (metres).
const TARGET_SNAP_M: f64 = 250.0;

/// A hot spot to consider, with its weight (the incidents in it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub cell: CellIndex,
    pub weight: f64,
}

/// One hot spot of the suggestion, in walking order.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub cell: CellIndex,
    pub weight: f64,
    /// Where on the streets the detour visits it.
    pub at: Coord,
}

/// The suggested route and what it was built from.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The loop with its detours (lon/lat).
    pub path: LineString,
    pub base_length_m: f64,
    pub length_m: f64,
    pub visits: Vec<Visit>,
    /// Candidates with no street within reach of their cell near its centre.
    pub unreachable: Vec<CellIndex>,
    /// Whether the answer is the proven best (at most [`EXACT_MAX`] candidates).
    pub exact: bool,
}

/// The route as the solver sees it: its vertices (a closed loop without its repeated last
/// vertex), the metres along it to each, and its stops.
struct Loop {
    vertices: Vec<Coord>,
    along: Vec<f64>,
    closed: bool,
    length_m: f64,
    /// (vertex, where it joins the streets).
    stops: Vec<(usize, Snap)>,
}

impl Loop {
    /// The stops are the vertices on the streets, at least [`STOP_SPACING_M`] apart along the
    /// route; an open route's last vertex is always one (its closing stretch is walked only by
    /// a detour).
    fn new(engine: &Engine, frame: &Frame, route: &LineString) -> Self {
        let mut vertices: Vec<Coord> = route.0.clone();
        vertices.dedup();
        let closed = vertices.len() > 2 && vertices.first() == vertices.last();
        if closed {
            vertices.pop();
        }
        let local: Vec<Coord> = vertices.iter().map(|&c| frame.to_local(c)).collect();
        let metres = |a: Coord, b: Coord| (a.x - b.x).hypot(a.y - b.y);
        let mut along = vec![0.0; local.len()];
        for i in 1..local.len() {
            along[i] = along[i - 1] + metres(local[i - 1], local[i]);
        }
        let length_m = along.last().copied().unwrap_or(0.0)
            + if closed {
                metres(local[local.len() - 1], local[0])
            } else {
                0.0
            };
        let last = vertices.len().saturating_sub(1);
        let mut stops: Vec<(usize, Snap)> = Vec::new();
        for (i, &c) in vertices.iter().enumerate() {
            let too_close = stops
                .last()
                .is_some_and(|&(prev, _)| along[i] - along[prev] < STOP_SPACING_M);
            if too_close && (closed || i != last) {
                continue;
            }
            if let Ok(snap) = engine.network.snap(c, 5.0) {
                stops.push((i, snap));
            }
        }
        Self {
            vertices,
            along,
            closed,
            length_m,
            stops,
        }
    }

    /// Metres along the route from stop `i` to the next (0 for an open route's last stop).
    fn stretch_m(&self, i: usize) -> f64 {
        let (from, to) = (self.stops[i].0, self.stops[(i + 1) % self.stops.len()].0);
        if to > from {
            self.along[to] - self.along[from]
        } else if self.closed {
            self.length_m - self.along[from] + self.along[to]
        } else {
            0.0
        }
    }

    /// The route's vertices from stop `i` up to (not including) the next stop; from the last
    /// stop, to the end.
    fn vertices_after(&self, i: usize) -> &[Coord] {
        let from = self.stops[i].0;
        let to = if i + 1 == self.stops.len() {
            self.vertices.len()
        } else {
            self.stops[i + 1].0
        };
        &self.vertices[from..to]
    }
}

/// The suggestion for `route` (a loop, lon/lat) among `candidates` within `extra_m` more
/// metres, each visit bringing the walk within `reach_m` of its cell.
#[must_use]
pub fn suggest(
    engine: &Engine,
    route: &LineString,
    candidates: &[Candidate],
    extra_m: f64,
    reach_m: f64,
) -> Suggestion {
    let graph = &engine.network;
    let frame = Frame::at(
        route
            .bounding_rect()
            .map_or(Coord { x: 0.0, y: 0.0 }, Rect::center),
    );
    let tour = Loop::new(engine, &frame, route);
    let stop_snaps: Vec<Snap> = tour.stops.iter().map(|s| s.1).collect();
    let from_loop = graph.nearest_sources(&stop_snaps, extra_m);
    let mut targets: Vec<(Candidate, Snap)> = Vec::new();
    let mut unreachable = Vec::new();
    for &candidate in candidates {
        match visiting_point(
            engine,
            &frame,
            &from_loop.distance_m,
            candidate.cell,
            reach_m,
        ) {
            Some(snap) => targets.push((candidate, snap)),
            None => unreachable.push(candidate.cell),
        }
    }
    let stops = tour.stops.len();
    // Walking distances from each target to every stop and to the other targets.
    let target_snaps: Vec<Snap> = targets.iter().map(|t| t.1).collect();
    let walks = |to: &[Snap], max_m: f64| -> Vec<Vec<f64>> {
        target_snaps
            .iter()
            .map(|from| {
                graph
                    .walks_to(from, to, max_m)
                    .into_iter()
                    .map(|m| m.unwrap_or(f64::INFINITY))
                    .collect()
            })
            .collect()
    };
    let to_stops = walks(&stop_snaps, extra_m + STOP_SPACING_M);
    let between = walks(&target_snaps, extra_m);
    let dist = |x: usize, y: usize| -> f64 {
        match (x < stops, y < stops) {
            (true, true) if (x + 1) % stops == y => tour.stretch_m(x),
            (true, true) if (y + 1) % stops == x => tour.stretch_m(y),
            (true, true) => f64::INFINITY,
            (true, false) => to_stops[y - stops][x],
            (false, true) => to_stops[x - stops][y],
            (false, false) => between[x - stops][y - stops],
        }
    };
    let plan = solve(&Instance {
        base: stops,
        weights: targets.iter().map(|t| t.0.weight).collect(),
        dist: &dist,
        budget_m: extra_m,
    });
    let (path, visits) = draw(engine, &tour, &targets, &plan.tour);
    let length_m = path
        .0
        .windows(2)
        .map(|w| {
            let (a, c) = (frame.to_local(w[0]), frame.to_local(w[1]));
            (a.x - c.x).hypot(a.y - c.y)
        })
        .sum();
    Suggestion {
        path,
        base_length_m: tour.length_m,
        length_m,
        visits,
        unreachable,
        exact: targets.len() <= EXACT_MAX,
    }
}

/// The suggested path: the route's vertices, and in place of each stretch with a detour the
/// walks from its stop through the detour's hot spots to the next stop.
fn draw(
    engine: &Engine,
    tour: &Loop,
    targets: &[(Candidate, Snap)],
    order: &[usize],
) -> (LineString, Vec<Visit>) {
    let stops = tour.stops.len();
    let mut path: Vec<Coord> = Vec::new();
    let mut visits = Vec::new();
    let mut at = 0;
    while at < order.len() {
        let stop = order[at];
        let mut detour: Vec<usize> = Vec::new();
        at += 1;
        while at < order.len() && order[at] >= stops {
            detour.push(order[at] - stops);
            at += 1;
        }
        if detour.is_empty() {
            path.extend_from_slice(tour.vertices_after(stop));
            continue;
        }
        path.push(tour.vertices[tour.stops[stop].0]);
        let mut here = tour.stops[stop].1;
        for &j in &detour {
            let (candidate, snap) = targets[j];
            if let Some(walk) = engine.network.walk(&here, &snap) {
                path.extend(walk.path.iter().skip(1));
            }
            visits.push(Visit {
                cell: candidate.cell,
                weight: candidate.weight,
                at: snap.at,
            });
            here = snap;
        }
        if let Some(walk) = engine
            .network
            .walk(&here, &tour.stops[(stop + 1) % stops].1)
        {
            path.extend(walk.path.iter().skip(1));
        }
    }
    if tour.closed
        && let Some(&first) = path.first()
    {
        path.push(first);
    }
    path.dedup();
    (LineString::new(path), visits)
}

/// Where a detour visits `cell`: the street node within `reach_m` of it that is nearest the
/// loop on foot (`from_loop`, per node), else the street point nearest its centre if that is
/// within reach.
fn visiting_point(
    engine: &Engine,
    frame: &Frame,
    from_loop: &[f64],
    cell: CellIndex,
    reach_m: f64,
) -> Option<Snap> {
    let graph = &engine.network;
    let ring = frame.cell_ring(cell);
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
    for c in &ring {
        lo = Coord {
            x: lo.x.min(c.x - reach_m),
            y: lo.y.min(c.y - reach_m),
        };
        hi = Coord {
            x: hi.x.max(c.x + reach_m),
            y: hi.y.max(c.y + reach_m),
        };
    }
    let (lo, hi) = (frame.to_lon_lat(lo), frame.to_lon_lat(hi));
    let nearest = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(n, c)| {
            from_loop[*n].is_finite() && c.x >= lo.x && c.x <= hi.x && c.y >= lo.y && c.y <= hi.y
        })
        .filter(|(_, c)| within_reach(frame, cell, **c, reach_m))
        .min_by(|a, b| from_loop[a.0].total_cmp(&from_loop[b.0]));
    if let Some((_, &at)) = nearest {
        return graph.snap(at, 1.0).ok();
    }
    let centre = LatLng::from(cell);
    let centre = Coord {
        x: centre.lng(),
        y: centre.lat(),
    };
    graph
        .snap(centre, TARGET_SNAP_M)
        .ok()
        .filter(|snap| within_reach(frame, cell, snap.at, reach_m))
}

/// Whether `at` (lon/lat) lies within `reach_m` of `cell`.
fn within_reach(frame: &Frame, cell: CellIndex, at: Coord, reach_m: f64) -> bool {
    use geo::{Distance, Euclidean, Point};
    let ring = LineString::from(frame.cell_ring(cell));
    Euclidean.distance(
        &Polygon::new(ring, Vec::new()),
        &Point::from(frame.to_local(at)),
    ) <= reach_m
}
