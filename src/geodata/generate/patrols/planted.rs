//! What the patrol generator plants for the patrol analytics to find, kept in `truth.json`:
//! each team's discipline, the hot spots beyond every route, the teams that walk at the wrong
//! hours, and the tracks that stop at a hot spot for a Koper-length visit against those that
//! walk through it.

use geo::{Contains, Coord, Distance, Euclidean, LineString, Polygon};
use h3o::{CellIndex, LatLng, Resolution};
use serde::Serialize;

use super::super::city::CommunityShape;
use super::super::incidents::{Pattern, PlantedHotspot};
use super::super::shapes::{M_PER_DEG_LAT, m_per_deg_lon};
use super::walk::{Discipline, Stay, WALK_M_S, nearest_along, run_in_cell};
use crate::model::PatrolRoute;

/// Loops take no stop within this distance of a hot spot they must miss (metres).
pub const KEEP_AWAY_M: f64 = 500.0;
/// A hot spot counts as beyond every route when every route stays this far from its res-9
/// cell: twice the default 50 m reach, so GPS noise cannot bring it within reach.
const MISSED_MARGIN_M: f64 = 100.0;
/// A loop crosses a hot spot when it passes this close to its cell's centre (metres); the
/// res-9 inradius is about 150 m, so a stop there stays well inside the cell.
const CROSSING_M: f64 = 90.0;
/// The visit a stopping team makes, from entering the cell to leaving it (seconds): inside
/// Koper's 10–16 minutes.
const KOPER_VISIT_S: f64 = 13.0 * 60.0;

/// A place a community's loop keeps away from: (community position, place, hot spot index).
pub type KeepAway = (usize, Coord, usize);

/// The planted school hot spots and the emerging ones (new in 2021, so the loops, drawn up
/// before, never went there), each with the community that holds it: every loop keeps away
/// from them.
pub fn places_to_avoid(
    communities: &[CommunityShape],
    hotspots: &[PlantedHotspot],
) -> Vec<KeepAway> {
    hotspots
        .iter()
        .enumerate()
        .filter(|(_, h)| h.place == "school" || h.pattern == Pattern::Emerging)
        .filter_map(|(i, h)| {
            let at = Coord { x: h.lon, y: h.lat };
            let c = communities.iter().position(|c| c.geometry.contains(&at))?;
            Some((c, at, i))
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamDiscipline {
    pub route_id: u64,
    pub community_id: u64,
    pub discipline: Discipline,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissedHotspot {
    /// The planted hot spot's id in `hotspots`.
    pub hotspot_id: usize,
    pub h3_res9: String,
    pub community_id: u64,
    /// How near the nearest route comes to the cell (metres).
    pub nearest_route_m: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WrongHours {
    pub community_id: u64,
    pub route_id: u64,
    /// When the team walks: weekday (1 = Monday) and the first hour of its two.
    pub weekday: u8,
    pub start_hour: u8,
    /// When its community's planted disputes happen: Monday–Friday, these hours.
    pub peak_weekdays: [u8; 2],
    pub peak_hours: [u8; 2],
}

#[derive(Debug, Clone, Serialize)]
pub struct PlantedVisit {
    pub track_id: u64,
    pub route_id: u64,
    pub hotspot_id: usize,
    pub h3_res9: String,
    /// Minutes stood still at the hot spot (0 for a walk-through).
    pub stay_minutes: f64,
    /// Minutes from entering the cell to leaving it, as walked without GPS noise.
    pub visit_minutes: f64,
}

/// What the patrols carry, as written to `truth.json` under `patrols`.
#[derive(Debug, Clone, Serialize)]
pub struct PatrolTruth {
    pub disciplines: Vec<TeamDiscipline>,
    /// Planted hot spots no route comes within reach of.
    pub missed_hotspots: Vec<MissedHotspot>,
    /// Teams that walk on Saturday morning while their community's disputes peak on weekday
    /// evenings.
    pub wrong_hours: Vec<WrongHours>,
    /// Tracks that stop at a hot spot for a 10–16 minute visit.
    pub koper_stays: Vec<PlantedVisit>,
    /// Tracks that walk through a hot spot without stopping.
    pub walk_throughs: Vec<PlantedVisit>,
}

/// A route that crosses a planted hot spot, and whether its team stops there.
#[derive(Debug, Clone, Copy)]
pub struct PlannedVisit {
    /// Position of the route.
    pub route: usize,
    hotspot: usize,
    cell: CellIndex,
    pub stay: Option<Stay>,
    visit_minutes: f64,
}

impl PatrolTruth {
    /// The missed hot spots (those kept away from that every route misses by the margin) and
    /// the wrong-hours teams.
    #[must_use]
    pub fn new(
        routes: &[PatrolRoute],
        hotspots: &[PlantedHotspot],
        avoided: &[KeepAway],
        wrong_hours: &[usize],
    ) -> Self {
        let missed_hotspots = avoided
            .iter()
            .filter_map(|&(c, at, h)| {
                let cell = cell_of(at)?;
                let nearest = routes
                    .iter()
                    .flat_map(|r| &r.geometry.0)
                    .map(|line| metres_to_cell(line, cell, at))
                    .fold(f64::INFINITY, f64::min);
                (nearest > MISSED_MARGIN_M).then(|| MissedHotspot {
                    hotspot_id: hotspots[h].id,
                    h3_res9: cell.to_string(),
                    community_id: c as u64 + 1,
                    nearest_route_m: nearest.round(),
                })
            })
            .collect();
        let wrong_hours = wrong_hours
            .iter()
            .filter_map(|&c| routes.iter().find(|r| r.community_id == c as u64 + 1))
            .map(|r| WrongHours {
                community_id: r.community_id,
                route_id: r.id,
                weekday: r.weekday,
                start_hour: r.start_time[..2].parse().unwrap_or(0),
                peak_weekdays: [1, 5],
                peak_hours: [19, 20],
            })
            .collect();
        Self {
            disciplines: Vec::new(),
            missed_hotspots,
            wrong_hours,
            koper_stays: Vec::new(),
            walk_throughs: Vec::new(),
        }
    }

    /// For each planted hot spot not kept away from, the route of the community holding its
    /// cell's centre if it crosses the cell; the teams of every other such route stop there,
    /// the rest walk through.
    #[must_use]
    pub fn plan_stays(
        &self,
        communities: &[CommunityShape],
        routes: &[PatrolRoute],
        hotspots: &[PlantedHotspot],
        avoided: &[KeepAway],
    ) -> Vec<PlannedVisit> {
        let mut planned: Vec<PlannedVisit> = Vec::new();
        for (h, hotspot) in hotspots.iter().enumerate() {
            if avoided.iter().any(|a| a.2 == h) {
                continue;
            }
            let Some(cell) = cell_of(Coord {
                x: hotspot.lon,
                y: hotspot.lat,
            }) else {
                continue;
            };
            let centre = LatLng::from(cell);
            let centre = Coord {
                x: centre.lng(),
                y: centre.lat(),
            };
            // The team of the community that holds the cell's centre (the analytics give a hot
            // cell to that community), if its loop crosses the cell.
            let Some(home) = communities
                .iter()
                .position(|c| c.geometry.contains(&centre))
            else {
                continue;
            };
            let crossing = routes
                .iter()
                .position(|r| r.community_id == home as u64 + 1)
                .and_then(|r| {
                    let (d, at_m) = nearest_along(routes[r].geometry.0.first()?, centre);
                    (d < CROSSING_M).then_some((r, at_m))
                });
            let Some((route, at_m)) = crossing else {
                continue;
            };
            let run_s = run_in_cell(&routes[route].geometry.0[0], at_m, cell) / WALK_M_S;
            let stops = planned.len().is_multiple_of(2);
            let stay_s = (KOPER_VISIT_S - run_s).clamp(300.0, KOPER_VISIT_S).round();
            planned.push(PlannedVisit {
                route,
                hotspot: h,
                cell,
                stay: stops.then_some(Stay {
                    at_m,
                    seconds: stay_s,
                }),
                visit_minutes: (run_s + if stops { stay_s } else { 0.0 }) / 60.0,
            });
        }
        planned
    }

    pub fn discipline(&mut self, route: &PatrolRoute, discipline: Discipline) {
        self.disciplines.push(TeamDiscipline {
            route_id: route.id,
            community_id: route.community_id,
            discipline,
        });
    }

    /// Records track `track_id`'s planned visit.
    pub fn visit(
        &mut self,
        track_id: u64,
        route: &PatrolRoute,
        hotspots: &[PlantedHotspot],
        p: &PlannedVisit,
    ) {
        let visit = PlantedVisit {
            track_id,
            route_id: route.id,
            hotspot_id: hotspots[p.hotspot].id,
            h3_res9: p.cell.to_string(),
            stay_minutes: p.stay.map_or(0.0, |s| s.seconds / 60.0),
            visit_minutes: (p.visit_minutes * 100.0).round() / 100.0,
        };
        if p.stay.is_some() {
            self.koper_stays.push(visit);
        } else {
            self.walk_throughs.push(visit);
        }
    }
}

fn cell_of(at: Coord) -> Option<CellIndex> {
    LatLng::new(at.y, at.x)
        .ok()
        .map(|ll| ll.to_cell(Resolution::Nine))
}

/// How near `line` comes to `cell` (metres, 0 inside), in a local frame at `origin`.
fn metres_to_cell(line: &LineString, cell: CellIndex, origin: Coord) -> f64 {
    let (kx, ky) = (m_per_deg_lon(origin.y), M_PER_DEG_LAT);
    let local = |c: Coord| Coord {
        x: (c.x - origin.x) * kx,
        y: (c.y - origin.y) * ky,
    };
    let ring: Vec<Coord> = cell
        .boundary()
        .iter()
        .map(|ll| {
            local(Coord {
                x: ll.lng(),
                y: ll.lat(),
            })
        })
        .collect();
    let polygon = Polygon::new(LineString::from(ring), Vec::new());
    let line = LineString::from(line.0.iter().map(|c| local(*c)).collect::<Vec<_>>());
    Euclidean.distance(&polygon, &line)
}
