//! One GPS trace of a team's walk along its route, and the route geometry it needs (lengths,
//! points along the line, the point of the line nearest a place), in local metres.

use geo::{Coord, LineString};
use h3o::{CellIndex, LatLng, Resolution};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::Serialize;

use super::super::shapes::{M_PER_DEG_LAT, m_per_deg_lon, offset_m, round_coord};

/// Walking speed of a patrol, m/s (a slow, observant walk).
pub const WALK_M_S: f64 = 1.1;
/// One GPS fix a minute.
pub const FIX_INTERVAL_S: i64 = 60;

/// How a team keeps to its route (drawn once per team, written to `truth.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// Walks the whole loop, GPS noise ~4 m.
    Whole,
    /// Turns back after 55–85 % of the loop.
    TurnsBack,
    /// Covers 25–50 % of the loop and drifts 20–60 m off it, onto parallel streets.
    Drifts,
}

impl Discipline {
    /// Good teams are the most common (60 %), then those that turn back (25 %).
    pub fn draw(rng: &mut ChaCha8Rng) -> Self {
        let d = rng.random_range(0.0..1.0);
        if d > 0.4 {
            Self::Whole
        } else if d > 0.15 {
            Self::TurnsBack
        } else {
            Self::Drifts
        }
    }
}

/// A stop on the way: `at_m` metres along the route, for `seconds`.
#[derive(Debug, Clone, Copy)]
pub struct Stay {
    pub at_m: f64,
    pub seconds: f64,
}

/// A GPS trace of one walk along `route`, one fix a minute, with the optional stay; returns the
/// fixes (their times are one a minute from the start).
pub fn walk(
    rng: &mut ChaCha8Rng,
    route: &LineString,
    discipline: Discipline,
    stay: Option<Stay>,
) -> LineString {
    let length_m = length_m(route);
    let (share, noise_m, drift_m) = match discipline {
        Discipline::Whole => (1.0, 4.0, 0.0),
        Discipline::TurnsBack => (rng.random_range(0.55..0.85), 6.0, 0.0),
        Discipline::Drifts => (
            rng.random_range(0.25..0.5),
            10.0,
            rng.random_range(20.0..60.0),
        ),
    };
    let walked_m = length_m * share;
    let (stay_at_s, stay_s) = stay.map_or((f64::INFINITY, 0.0), |s| (s.at_m / WALK_M_S, s.seconds));
    let duration_s = walked_m / WALK_M_S + stay_s;
    let noise = Normal::new(0.0, noise_m).unwrap_or_else(|_| unreachable!("positive sigma"));
    let fixes = (duration_s / FIX_INTERVAL_S as f64).ceil() as usize + 1;
    let coords = (0..fixes)
        .map(|i| {
            let t = (i as f64 * FIX_INTERVAL_S as f64).min(duration_s);
            let moving_s = if t < stay_at_s {
                t
            } else {
                (t - stay_s).max(stay_at_s)
            };
            let at = point_at(route, (moving_s * WALK_M_S).min(walked_m));
            round_coord(offset_m(
                at,
                drift_m + noise.sample(rng),
                drift_m * 0.5 + noise.sample(rng),
            ))
        })
        .collect();
    LineString::new(coords)
}

/// The length of a stretch in metres (local equirectangular scale).
pub fn leg_m(a: Coord, b: Coord) -> f64 {
    let dx = (b.x - a.x) * m_per_deg_lon(a.y);
    let dy = (b.y - a.y) * M_PER_DEG_LAT;
    dx.hypot(dy)
}

pub fn length_m(line: &LineString) -> f64 {
    line.lines().map(|l| leg_m(l.start, l.end)).sum()
}

/// The point `s_m` metres along `line`.
pub fn point_at(line: &LineString, s_m: f64) -> Coord {
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

/// The point of `line` nearest `to`: (metres from `to`, metres along the line).
pub fn nearest_along(line: &LineString, to: Coord) -> (f64, f64) {
    let (kx, ky) = (m_per_deg_lon(to.y), M_PER_DEG_LAT);
    let local = |c: Coord| ((c.x - to.x) * kx, (c.y - to.y) * ky);
    let mut best = (f64::INFINITY, 0.0);
    let mut along = 0.0;
    for l in line.lines() {
        let (a, b) = (local(l.start), local(l.end));
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let d = (a.0 + t * dx).hypot(a.1 + t * dy);
        let len = len2.sqrt();
        if d < best.0 {
            best = (d, along + t * len);
        }
        along += len;
    }
    best
}

/// Metres of `line` walked without leaving `cell`, around the point `at_m` metres along it
/// (sampled every metre).
pub fn run_in_cell(line: &LineString, at_m: f64, cell: CellIndex) -> f64 {
    let inside = |s: f64| {
        let c = point_at(line, s);
        LatLng::new(c.y, c.x).is_ok_and(|ll| ll.to_cell(Resolution::Nine) == cell)
    };
    let total = length_m(line);
    let mut back = at_m;
    while back > 0.0 && inside(back - 1.0) {
        back -= 1.0;
    }
    let mut ahead = at_m;
    while ahead < total && inside(ahead + 1.0) {
        ahead += 1.0;
    }
    ahead - back
}
