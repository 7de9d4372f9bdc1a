//! One volunteer patrol team per community: a weekly loop along the streets through the
//! community's grids, and the GPS tracks of its last eight weekly walks of 2021.
//!
//! Planted for the patrol analytics (written to `truth.json`, see [`planted`]): teams differ in
//! discipline (most walk the whole loop, some turn back part-way, a few drift onto parallel
//! streets); every loop keeps away from the planted school and emerging hot spots, so those
//! are beyond every route; a few teams walk on Saturday morning although their community's disputes peak on
//! weekday evenings; and of the teams whose loop crosses a planted hot spot, some stop there
//! for a Koper-length visit while the others walk through.

mod planted;
mod walk;

use geo::{Area, Contains, Coord, InteriorPoint, LineString, MultiLineString, Polygon};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::city::CommunityShape;
use super::incidents::PlantedHotspot;
use super::shapes::{random_point_in, round_coord};
use crate::model::{PatrolRoute, PatrolTrack};
use crate::network::{Snap, StreetGraph};
pub use planted::PatrolTruth;
use walk::{Discipline, FIX_INTERVAL_S, walk};

/// A stop farther than this from any street is left out of the loop (metres).
const STOP_SNAP_M: f64 = 250.0;
/// The longest loop, so a team can walk it within its two-hour patrol (metres).
const LOOP_MAX_M: f64 = 6_500.0;

/// Tracks are kept for this many weeks before the end of the dataset.
const TRACK_WEEKS: i64 = 8;
/// Monday 2021-11-08 00:00 +08:00, the first tracked week.
const FIRST_TRACKED_MONDAY: i64 = 1_636_300_800;

/// Builds the routes (one per community), their tracks and what was planted in them.
/// `hotspots` are the planted incident hot spots; `wrong_hours` the communities (positions)
/// whose teams walk on Saturday morning.
pub fn build(
    rng: &mut ChaCha8Rng,
    communities: &[CommunityShape],
    grids: &[(usize, Polygon)],
    streets: &StreetGraph,
    hotspots: &[PlantedHotspot],
    wrong_hours: &[usize],
) -> (Vec<PatrolRoute>, Vec<PatrolTrack>, PatrolTruth) {
    let avoid = planted::places_to_avoid(communities, hotspots);
    let mut routes = Vec::with_capacity(communities.len());
    let mut disciplines = Vec::with_capacity(communities.len());
    for (c, community) in communities.iter().enumerate() {
        let Some(area) = community
            .geometry
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
        else {
            continue;
        };
        let keep_away: Vec<Coord> = avoid.iter().map(|a| a.1).collect();
        let line = route_line(
            rng,
            area,
            grids.iter().filter(|(gc, _)| *gc == c).map(|(_, g)| g),
            streets,
            &keep_away,
        );
        let (weekday, start_h): (u8, i64) = if wrong_hours.contains(&c) {
            (6, 9)
        } else {
            let weekday = rng.random_range(1..=7);
            let start_h = if weekday >= 6 && rng.random_bool(0.5) {
                9
            } else {
                19
            };
            (weekday, start_h)
        };
        routes.push(PatrolRoute {
            id: c as u64 + 1,
            community_id: c as u64 + 1,
            team: format!("{}平安巡逻队", community.name),
            weekday,
            start_time: format!("{start_h:02}:00"),
            end_time: format!("{:02}:00", start_h + 2),
            geometry: MultiLineString::new(vec![line]),
        });
        disciplines.push(Discipline::draw(rng));
    }
    let mut truth = PatrolTruth::new(&routes, hotspots, &avoid, wrong_hours);
    let stays = truth.plan_stays(communities, &routes, hotspots, &avoid);
    let mut tracks = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        let line = &route.geometry.0[0];
        let stay = stays.iter().find(|s| s.route == r);
        let discipline = if stay.is_some() {
            Discipline::Whole
        } else {
            disciplines[r]
        };
        truth.discipline(route, discipline);
        let start_h: i64 = route.start_time[..2].parse().unwrap_or(19);
        for week in 0..TRACK_WEEKS {
            let day_start =
                FIRST_TRACKED_MONDAY + (week * 7 + i64::from(route.weekday) - 1) * 86_400;
            let start = day_start + start_h * 3600 + rng.random_range(-10..=20) * 60;
            let track = walk(rng, line, discipline, stay.and_then(|s| s.stay));
            if track.0.len() < 2 {
                continue;
            }
            let times: Vec<i64> = (0..track.0.len() as i64)
                .map(|i| start + i * FIX_INTERVAL_S)
                .collect();
            let id = tracks.len() as u64 + 1;
            if let Some(s) = stay {
                truth.visit(id, route, hotspots, s);
            }
            tracks.push(PatrolTrack {
                id,
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
    (routes, tracks, truth)
}

/// A closed loop along the streets through the grids' interior points (and a few extra stops),
/// visited in order of angle around the community's centre: each stop is taken to its nearest
/// street, and consecutive stops are joined by the shortest walk between them. A stop is left
/// out when no walk reaches it, or when going there (and home from there) would make the loop
/// longer than [`LOOP_MAX_M`]. No stop is taken within [`planted::KEEP_AWAY_M`] of a place in
/// `keep_away`.
fn route_line<'a>(
    rng: &mut ChaCha8Rng,
    area: &Polygon,
    grids: impl Iterator<Item = &'a Polygon>,
    streets: &StreetGraph,
    keep_away: &[Coord],
) -> LineString {
    let far_enough = |c: &Coord| {
        keep_away
            .iter()
            .all(|a| walk::leg_m(*a, *c) > planted::KEEP_AWAY_M)
    };
    let Some(center) = area.interior_point() else {
        return LineString::new(vec![]);
    };
    let mut stops: Vec<Coord> = grids
        .filter_map(|g| g.interior_point().map(|p| p.0))
        .filter(|c| area.contains(c) && far_enough(c))
        .collect();
    let mut tries = 0;
    while stops.len() < 6 && tries < 40 {
        tries += 1;
        match random_point_in(rng, area, 200) {
            Some(p) if far_enough(&p.0) => stops.push(p.0),
            Some(_) => {}
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
