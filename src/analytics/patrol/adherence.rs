//! How much of its route a track walked: the share of the route's length that lies within a
//! distance of the track. A team that turns back part-way or drifts onto parallel streets
//! walks less of it than one that keeps to the whole loop.

use geo::{BoundingRect, Coord, LineString, MultiLineString, Rect};
use rstar::RTree;
use rstar::primitives::Line;

use crate::geodesy::Frame;
use crate::model::{PatrolRoute, PatrolTrack};

/// The route is measured in pieces of at most this length (metres).
const STEP_M: f64 = 5.0;

/// The share (0..1) of `route`'s length (lon/lat) within `within_m` of `track`; 0 for an
/// empty route.
#[must_use]
pub fn route_walked_share(route: &MultiLineString, track: &LineString, within_m: f64) -> f64 {
    let origin = route
        .bounding_rect()
        .map_or(Coord { x: 0.0, y: 0.0 }, Rect::center);
    let frame = Frame::at(origin);
    let route = frame.project(route);
    let track = frame.project(track);
    let segments: Vec<Line<[f64; 2]>> = if track.0.len() == 1 {
        vec![Line::new(
            [track.0[0].x, track.0[0].y],
            [track.0[0].x, track.0[0].y],
        )]
    } else {
        track
            .lines()
            .map(|l| Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]))
            .collect()
    };
    let tree = RTree::bulk_load(segments);
    let near = |p: [f64; 2]| {
        tree.nearest_neighbor(&p)
            .is_some_and(|s| rstar::PointDistance::distance_2(s, &p) <= within_m * within_m)
    };
    let (mut total, mut walked) = (0.0, 0.0);
    for l in route.0.iter().flat_map(LineString::lines) {
        let length = (l.end.x - l.start.x).hypot(l.end.y - l.start.y);
        let pieces = (length / STEP_M).ceil().max(1.0);
        let piece = length / pieces;
        for i in 0..pieces as usize {
            // Each piece counts as walked when its middle is within reach.
            let t = (i as f64 + 0.5) / pieces;
            let p = [
                l.start.x + t * (l.end.x - l.start.x),
                l.start.y + t * (l.end.y - l.start.y),
            ];
            total += piece;
            if near(p) {
                walked += piece;
            }
        }
    }
    if total > 0.0 { walked / total } else { 0.0 }
}

/// The share of its route each of `tracks` walked (within `within_m`), averaged over the
/// tracks that follow one of `routes`; `None` without such tracks.
#[must_use]
pub fn tracks_walked_share(
    routes: &[&PatrolRoute],
    tracks: &[&PatrolTrack],
    within_m: f64,
) -> Option<f64> {
    let walked: Vec<f64> = tracks
        .iter()
        .filter_map(|t| {
            let route = routes.iter().find(|r| Some(r.id) == t.route_id)?;
            Some(route_walked_share(&route.geometry, &t.geometry, within_m))
        })
        .collect();
    (!walked.is_empty()).then(|| walked.iter().sum::<f64>() / walked.len() as f64)
}
