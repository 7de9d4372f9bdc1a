//! One volunteer patrol team per community: a weekly loop along the streets through the
//! community's grids, and the GPS tracks of its last eight weekly walks of 2021. Teams differ in
//! discipline: most walk the whole loop, some stop part-way, a few drift onto parallel streets.

use geo::{Area, Contains, Coord, InteriorPoint, LineString, MultiLineString, Polygon};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::city::CommunityShape;
use super::shapes::{M_PER_DEG_LAT, m_per_deg_lon, offset_m, random_point_in, round_coord};
use crate::model::{PatrolRoute, PatrolTrack};
use crate::network::{Snap, StreetGraph};

/// A stop farther than this from any street is left out of the loop (metres).
const STOP_SNAP_M: f64 = 250.0;
/// The longest loop, so a team can walk it within its two-hour patrol (metres).
const LOOP_MAX_M: f64 = 6_500.0;

/// Tracks are kept for this many weeks before the end of the dataset.
const TRACK_WEEKS: i64 = 8;
/// Monday 2021-11-08 00:00 +08:00, the first tracked week.
const FIRST_TRACKED_MONDAY: i64 = 1_636_300_800;
/// Walking speed of a patrol, m/s (a slow, observant walk).
const WALK_M_S: f64 = 1.1;
/// One GPS fix a minute.
const FIX_INTERVAL_S: i64 = 60;

/// Builds the routes (one per community) and their tracks.
pub fn build(
    rng: &mut ChaCha8Rng,
    communities: &[CommunityShape],
    grids: &[(usize, Polygon)],
    streets: &StreetGraph,
) -> (Vec<PatrolRoute>, Vec<PatrolTrack>) {
    let mut routes = Vec::with_capacity(communities.len());
    let mut tracks = Vec::new();
    for (c, community) in communities.iter().enumerate() {
        let Some(area) = community
            .geometry
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
        else {
            continue;
        };
        let line = route_line(
            rng,
            area,
            grids.iter().filter(|(gc, _)| *gc == c).map(|(_, g)| g),
            streets,
        );
        let weekday: u8 = rng.random_range(1..=7);
        let start_h: i64 = if weekday >= 6 && rng.random_bool(0.5) {
            9
        } else {
            19
        };
        let route = PatrolRoute {
            id: c as u64 + 1,
            community_id: c as u64 + 1,
            team: format!("{}平安巡逻队", community.name),
            weekday,
            start_time: format!("{start_h:02}:00"),
            end_time: format!("{:02}:00", start_h + 2),
            geometry: MultiLineString::new(vec![line.clone()]),
        };
        let discipline = rng.random_range(0.0..1.0);
        for week in 0..TRACK_WEEKS {
            let day_start = FIRST_TRACKED_MONDAY + (week * 7 + i64::from(weekday) - 1) * 86_400;
            let start = day_start + start_h * 3600 + rng.random_range(-10..=20) * 60;
            let track = walk(rng, &line, discipline);
            if track.0.len() >= 2 {
                let times: Vec<i64> = (0..track.0.len() as i64)
                    .map(|i| start + i * FIX_INTERVAL_S)
                    .collect();
                tracks.push(PatrolTrack {
                    id: tracks.len() as u64 + 1,
                    route_id: Some(route.id),
                    community_id: route.community_id,
                    team: route.team.clone(),
                    started_at: times[0],
                    ended_at: times[times.len() - 1],
                    geometry: track,
                    times,
                });
            }
        }
        routes.push(route);
    }
    (routes, tracks)
}

/// A closed loop along the streets through the grids' interior points (and a few extra stops),
/// visited in order of angle around the community's centre: each stop is taken to its nearest
/// street, and consecutive stops are joined by the shortest walk between them. A stop is left
/// out when no walk reaches it, or when going there (and home from there) would make the loop
/// longer than [`LOOP_MAX_M`].
fn route_line<'a>(
    rng: &mut ChaCha8Rng,
    area: &Polygon,
    grids: impl Iterator<Item = &'a Polygon>,
    streets: &StreetGraph,
) -> LineString {
    let Some(center) = area.interior_point() else {
        return LineString::new(vec![]);
    };
    let mut stops: Vec<Coord> = grids
        .filter_map(|g| g.interior_point().map(|p| p.0))
        .filter(|c| area.contains(c))
        .collect();
    while stops.len() < 6 {
        match random_point_in(rng, area, 200) {
            Some(p) => stops.push(p.0),
            None => break,
        }
    }
    stops.sort_by(|a, b| {
        (a.y - center.y())
            .atan2(a.x - center.x())
            .total_cmp(&(b.y - center.y()).atan2(b.x - center.x()))
    });
    // Each stop where it meets its street, so the loop walks streets only.
    let on_street: Vec<Snap> = stops
        .iter()
        .filter_map(|&c| streets.snap(c, STOP_SNAP_M).ok())
        .map(|s| Snap {
            point: s.at,
            connector_m: 0.0,
            ..s
        })
        .collect();
    let Some(first) = on_street.first() else {
        return LineString::new(vec![]);
    };
    let mut ring: Vec<Coord> = vec![round_coord(first.at)];
    let mut here = *first;
    let mut walked_m = 0.0;
    for next in on_street.iter().skip(1) {
        let Some(leg) = streets.walk(&here, next) else {
            continue;
        };
        let home_m = streets
            .walk(next, first)
            .map_or(f64::INFINITY, |w| w.length_m);
        if walked_m + leg.length_m + home_m > LOOP_MAX_M {
            continue;
        }
        walked_m += leg.length_m;
        ring.extend(leg.path.iter().skip(1).map(|c| round_coord(*c)));
        here = *next;
    }
    if let Some(home) = streets.walk(&here, first) {
        ring.extend(home.path.iter().skip(1).map(|c| round_coord(*c)));
    }
    ring.dedup();
    LineString::new(ring)
}

/// A GPS trace of one walk along `route`, one fix a minute: good teams (discipline > 0.4)
/// walk it all with ~4 m noise; middling ones turn back after 55–85 %; poor ones cover 25–50 %
/// and drift up to 60 m off the route.
fn walk(rng: &mut ChaCha8Rng, route: &LineString, discipline: f64) -> LineString {
    let length_m = length_m(route);
    let (share, noise_m, drift_m) = if discipline > 0.4 {
        (1.0, 4.0, 0.0)
    } else if discipline > 0.15 {
        (rng.random_range(0.55..0.85), 6.0, 0.0)
    } else {
        (
            rng.random_range(0.25..0.5),
            10.0,
            rng.random_range(20.0..60.0),
        )
    };
    let noise = Normal::new(0.0, noise_m).unwrap_or_else(|_| unreachable!("positive sigma"));
    let fixes = ((length_m * share / WALK_M_S) / FIX_INTERVAL_S as f64).ceil() as usize + 1;
    let coords = (0..fixes)
        .map(|i| {
            let s = (i as f64 * FIX_INTERVAL_S as f64 * WALK_M_S).min(length_m * share);
            let at = point_at(route, s);
            round_coord(offset_m(
                at,
                drift_m + noise.sample(rng),
                drift_m * 0.5 + noise.sample(rng),
            ))
        })
        .collect();
    LineString::new(coords)
}

fn leg_m(a: Coord, b: Coord) -> f64 {
    let dx = (b.x - a.x) * m_per_deg_lon(a.y);
    let dy = (b.y - a.y) * M_PER_DEG_LAT;
    dx.hypot(dy)
}

fn length_m(line: &LineString) -> f64 {
    line.lines().map(|l| leg_m(l.start, l.end)).sum()
}

/// The point `s_m` metres along `line`.
fn point_at(line: &LineString, s_m: f64) -> Coord {
    let mut left = s_m;
    for l in line.lines() {
        let d = leg_m(l.start, l.end);
        if left <= d && d > 0.0 {
            let t = left / d;
            return Coord {
                x: l.start.x + t * (l.end.x - l.start.x),
                y: l.start.y + t * (l.end.y - l.start.y),
            };
        }
        left -= d;
    }
    line.0.last().copied().unwrap_or(Coord { x: 0.0, y: 0.0 })
}
