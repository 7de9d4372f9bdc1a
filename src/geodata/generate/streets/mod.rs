//! The street network of the generated city, laid out before the buildings (which keep clear of
//! it) and finished after them (a footpath from every building's entrance).
//!
//! Everything is drawn in a local metre frame ([`Frame`]) and turned back into degrees at the
//! end. Steps:
//! 1. **Boundary streets.** Every grid edge is a street: an arterial where it divides two
//!    communities or bounds the town (a ring road), a secondary street where it divides two
//!    grids of one community. Vertices within 5 cm are one, and an edge is split wherever
//!    another grid's vertex lies on it, so both sides of a border share every vertex.
//! 2. **Lanes** inside each grid, parallel to the grid's street angle (the buildings use the
//!    same angle), 55–95 m apart, ending on the grid's boundary streets.
//! 3. **Walled compounds** (the old "three-no" clusters and some gated estates): lanes stop
//!    12 m short of the wall and hang off one spine lane, which reaches the street through one
//!    or two gates only.
//! 4. **A river** (竹皮河) crosses the central city west to east; every street is cut where it
//!    meets the water, and four bridges carry arterials across. An expressway crosses the east
//!    of the city on a viaduct: drawn, not walkable, joined to nothing.
//! 5. After the buildings: a **footpath** from the middle of each building's long side that
//!    faces a street to the nearest point of a street its grid may reach (a walled compound's
//!    buildings only reach its own lanes).
//! 6. **Noding** ([`noding`]): every line is split where another line's end or a planned
//!    junction lies on it, so lines join only by shared vertices (the OpenStreetMap convention),
//!    then pieces of one street are chained back into one line.

mod names;
mod noding;

use std::f64::consts::PI;

use geo::{
    BooleanOps, BoundingRect, Buffer, Centroid, Contains, Coord, Distance, Euclidean,
    InteriorPoint, Intersects, Line, LineString, MultiLineString, MultiPolygon, Polygon,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use self::names::Names;
use super::city::{CommunityShape, density};
use super::shapes::{M_PER_DEG_LAT, m_per_deg_lon, round_coord};
use crate::model::{Street, StreetClass};

/// The local metre frame of the generator: equirectangular about (112.2° E, 31.0° N). All four
/// towns lie within 0.2° of latitude of it, so its scale is right to 0.2 %, plenty for laying
/// out streets (reported distances are geodesic, computed later from degrees).
#[derive(Debug, Clone, Copy)]
pub struct Frame;

const ORIGIN: Coord = Coord { x: 112.2, y: 31.0 };

impl Frame {
    #[must_use]
    pub fn m(c: Coord) -> Coord {
        Coord {
            x: (c.x - ORIGIN.x) * m_per_deg_lon(ORIGIN.y),
            y: (c.y - ORIGIN.y) * M_PER_DEG_LAT,
        }
    }

    #[must_use]
    pub fn deg(c: Coord) -> Coord {
        Coord {
            x: c.x / m_per_deg_lon(ORIGIN.y) + ORIGIN.x,
            y: c.y / M_PER_DEG_LAT + ORIGIN.y,
        }
    }

    #[must_use]
    pub fn polygon_m(p: &Polygon) -> Polygon {
        use geo::MapCoords;
        p.map_coords(Self::m)
    }
}

/// Lanes and footprints keep this far from a boundary street's centre-line (metres).
const BOUNDARY_CLEARANCE_M: f64 = 7.0;
/// ... and from a lane's (metres).
const LANE_CLEARANCE_M: f64 = 5.0;
/// A compound's wall stands this far inside its grid's boundary streets (metres).
const WALL_INSET_M: f64 = 12.0;
/// Half the width of the river (metres).
const RIVER_HALF_WIDTH_M: f64 = 35.0;
/// Half the width of the expressway's corridor, which buildings keep clear of (metres).
const EXPRESSWAY_HALF_WIDTH_M: f64 = 20.0;
/// Longitudes of the bridges over the river.
const BRIDGE_LONS: [f64; 4] = [112.158, 112.196, 112.222, 112.252];

/// What the streets stage decided about one grid, for the buildings stage.
pub struct GridPlan {
    /// The direction of the grid's lanes (radians); buildings align with it.
    pub angle: f64,
    /// An old "three-no" cluster: its residential buildings are unmanaged.
    pub old_core: bool,
    /// Where buildings may stand (metre frame): inside the grid, clear of its boundary streets
    /// (and of its wall), clear of the river and the expressway.
    pub buildable: MultiPolygon,
    /// The grid's lanes (metre frame); footprints keep clear of them.
    pub lanes: Vec<Line>,
    /// Drafts a building of this grid may reach by footpath.
    reach: Vec<usize>,
}

impl GridPlan {
    /// Whether a footprint (metre frame) may stand here.
    #[must_use]
    pub fn admits(&self, footprint: &Polygon) -> bool {
        self.buildable.contains(footprint)
            && self
                .lanes
                .iter()
                .all(|lane| Euclidean.distance(lane, footprint) >= LANE_CLEARANCE_M)
    }
}

/// A named street being drawn; its pieces ([`Draft`]s) are chained back into lines at the end.
struct Way {
    class: StreetClass,
    name: String,
    walkable: bool,
}

/// One straight piece of a way (metre frame).
#[derive(Clone, Copy)]
struct Draft {
    line: Line,
    way: usize,
}

/// The river as the generator planted it, for `truth.json`.
#[derive(Debug, Clone, Serialize)]
pub struct River {
    pub name: String,
    /// The centre-line, lon/lat.
    pub centre_line: Vec<[f64; 2]>,
    /// Each bridge as its two ends, lon/lat.
    pub bridges: Vec<[[f64; 2]; 2]>,
}

/// The streets laid out so far.
pub struct Plan {
    pub grids: Vec<GridPlan>,
    ways: Vec<Way>,
    drafts: Vec<Draft>,
    /// Points where two drafts cross and must join (a lane crossing its compound's spine).
    junctions: Vec<Coord>,
    river_water: MultiPolygon,
    pub river: River,
}

/// Lays out boundary streets, lanes, compounds, the river and its bridges, and the expressway
/// (steps 1–4 of the module documentation).
pub fn lay_out(
    rng: &mut ChaCha8Rng,
    communities: &[CommunityShape],
    grids: &[(usize, Polygon)],
) -> Plan {
    let mut names = Names::new(rng);
    let river_line = river_centre_line();
    let river_water = LineString::new(river_line.iter().map(|c| Frame::m(*c)).collect())
        .buffer(RIVER_HALF_WIDTH_M);
    let expressway = [
        Frame::m(Coord {
            x: 112.2505,
            y: 30.935,
        }),
        Frame::m(Coord {
            x: 112.2435,
            y: 31.085,
        }),
    ];
    let expressway_corridor =
        Line::new(expressway[0], expressway[1]).buffer(EXPRESSWAY_HALF_WIDTH_M);
    let mut plan = Plan {
        grids: Vec::with_capacity(grids.len()),
        ways: Vec::new(),
        drafts: Vec::new(),
        junctions: Vec::new(),
        river_water,
        river: River {
            name: "竹皮河".into(),
            centre_line: river_line.iter().map(|c| [c.x, c.y]).collect(),
            bridges: Vec::new(),
        },
    };
    let grids_m: Vec<Polygon> = grids.iter().map(|(_, g)| Frame::polygon_m(g)).collect();
    let obstacles = plan.river_water.union(&expressway_corridor);
    // Buildings keep clear of the water and the viaduct as of any street.
    let keep_clear = obstacles.buffer(BOUNDARY_CLEARANCE_M.max(LANE_CLEARANCE_M));

    // Step 1: boundary streets.
    let mut reach = plan.boundary_streets(&grids_m, grids, &mut names);

    // Steps 2 and 3: lanes and compounds.
    for (g, (c, _)) in grids.iter().enumerate() {
        let grid = &grids_m[g];
        let dense = grid.centroid().map_or(0.5, |p| density(Frame::deg(p.0)));
        let old_core = dense > 0.55 && rng.random_bool(0.35);
        let gated = !old_core && dense > 0.35 && rng.random_bool(0.12);
        let angle = rng.random_range(0.0..PI);
        let walled = (old_core || gated) && !obstacles.intersects(grid);
        let inset = if walled {
            WALL_INSET_M
        } else {
            BOUNDARY_CLEARANCE_M
        };
        let buildable = grid.buffer(-inset).difference(&keep_clear);
        let spacing = 55.0 + 40.0 * (1.0 - dense) + rng.random_range(-5.0..5.0);
        let mut lanes = lanes(grid, angle, spacing, rng.random_range(0.2..0.8));
        if walled {
            lanes = plan.compound(rng, grid, angle, lanes);
        }
        let lane_way = plan.add_way(StreetClass::Local, names.lane(&communities[*c].name), true);
        let mut kept = Vec::new();
        for lane in lanes {
            for draft in plan.add_cut(lane, lane_way) {
                kept.push(plan.drafts[draft].line);
                reach[g].push(draft);
            }
        }
        if walled {
            // Buildings of a compound reach only its own lanes, never the street outside.
            let own: Vec<usize> = reach[g]
                .iter()
                .copied()
                .filter(|&d| plan.drafts[d].way == lane_way)
                .collect();
            reach[g] = own;
        }
        plan.grids.push(GridPlan {
            angle,
            old_core,
            buildable,
            lanes: kept,
            reach: std::mem::take(&mut reach[g]),
        });
    }

    // Step 4: bridges and the expressway.
    plan.bridges(&river_line, &mut names);
    let way = plan.add_way(StreetClass::Arterial, "荆门绕城高速".into(), false);
    plan.drafts.push(Draft {
        line: Line::new(expressway[0], expressway[1]),
        way,
    });
    plan
}

impl Plan {
    fn add_way(&mut self, class: StreetClass, name: String, walkable: bool) -> usize {
        self.ways.push(Way {
            class,
            name,
            walkable,
        });
        self.ways.len() - 1
    }

    /// Step 1: a street along every grid edge, classed by what it divides; returns, per grid,
    /// the drafts bounding it.
    fn boundary_streets(
        &mut self,
        grids_m: &[Polygon],
        grids: &[(usize, Polygon)],
        names: &mut Names,
    ) -> Vec<Vec<usize>> {
        let mut reach: Vec<Vec<usize>> = vec![Vec::new(); grids.len()];
        let community_of: Vec<usize> = grids.iter().map(|(c, _)| *c).collect();
        let mut way_of_border = rustc_hash::FxHashMap::<(usize, usize, bool), usize>::default();
        for (line, sides) in noding::shared_edges(grids_m) {
            let (class, key) = match sides[..] {
                [g] => (StreetClass::Arterial, (community_of[g], usize::MAX, true)),
                [a, b, ..] if community_of[a] != community_of[b] => {
                    let (x, y) = (community_of[a], community_of[b]);
                    (StreetClass::Arterial, (x.min(y), x.max(y), true))
                }
                [a, b, ..] => (StreetClass::Secondary, (a.min(b), a.max(b), false)),
                [] => continue,
            };
            let way = *way_of_border
                .entry(key)
                .or_insert_with(|| self.add_way(class, names.next(class), true));
            for draft in self.add_cut(line, way) {
                for &g in &sides {
                    reach[g].push(draft);
                }
            }
        }
        reach
    }

    /// Adds `line` to `way` minus the river; returns the drafts added.
    fn add_cut(&mut self, line: Line, way: usize) -> Vec<usize> {
        let pieces = if self.river_water.intersects(&line) {
            self.river_water
                .clip(&MultiLineString::new(vec![line.into()]), true)
                .0
                .into_iter()
                .flat_map(|ls| ls.lines().collect::<Vec<_>>())
                .filter(|l| length(l) > 1.0)
                .collect()
        } else {
            vec![line]
        };
        pieces
            .into_iter()
            .map(|line| {
                self.drafts.push(Draft { line, way });
                self.drafts.len() - 1
            })
            .collect()
    }

    /// A walled compound's lanes: each stops short of the wall and hangs off a spine lane
    /// across the grid, whose one or two ends are the gates. Lanes that miss the spine are
    /// dropped; the spine is the first line returned.
    fn compound(
        &mut self,
        rng: &mut ChaCha8Rng,
        grid: &Polygon,
        angle: f64,
        lanes: Vec<Line>,
    ) -> Vec<Line> {
        let Some(centre) = grid.interior_point() else {
            return Vec::new();
        };
        let across = angle + PI / 2.0;
        let Some(spine) = clip_longest(grid, centre.0, across) else {
            return Vec::new();
        };
        let two_gates = rng.random_bool(0.4);
        let spine = shorten(spine, false, !two_gates);
        let mut out = vec![spine];
        for lane in lanes {
            let lane = shorten(lane, true, true);
            if length(&lane) < 20.0 {
                continue;
            }
            if let Some(geo::LineIntersection::SinglePoint { intersection, .. }) =
                geo::line_intersection::line_intersection(lane, spine)
            {
                self.junctions.push(intersection);
                out.push(lane);
            }
        }
        out
    }

    /// Four bridges across the river, each joined on both banks by a short arterial to the
    /// nearest street on that bank.
    fn bridges(&mut self, river: &[Coord], names: &mut Names) {
        for lon in BRIDGE_LONS {
            let at = river_at(river, lon);
            let (p, tangent) = (Frame::m(at.0), at.1);
            let normal = Coord {
                x: -tangent.y,
                y: tangent.x,
            };
            let reach = RIVER_HALF_WIDTH_M + 15.0;
            let ends = [p + normal * reach, p - normal * reach];
            let way = self.add_way(
                StreetClass::Arterial,
                names.next(StreetClass::Arterial).replace(['路', '街'], "") + "桥",
                true,
            );
            self.river.bridges.push(ends.map(|e| {
                let d = round_coord(Frame::deg(e));
                [d.x, d.y]
            }));
            for end in ends {
                if let Some(foot) = self.nearest_dry(end, None) {
                    self.drafts.push(Draft {
                        line: Line::new(end, foot),
                        way,
                    });
                }
            }
            self.drafts.push(Draft {
                line: Line::new(ends[0], ends[1]),
                way,
            });
        }
    }

    /// The nearest point of a walkable draft (of `among`, or of all) that `from` reaches in a
    /// straight line without crossing water.
    fn nearest_dry(&self, from: Coord, among: Option<&[usize]>) -> Option<Coord> {
        let all: Vec<usize>;
        let candidates = if let Some(list) = among {
            list
        } else {
            all = (0..self.drafts.len()).collect();
            &all
        };
        candidates
            .iter()
            .filter(|&&d| self.ways[self.drafts[d].way].walkable)
            .map(|&d| closest_on(&self.drafts[d].line, from))
            .filter(|foot| !self.river_water.intersects(&Line::new(from, *foot)))
            .min_by(|a, b| dist(*a, from).total_cmp(&dist(*b, from)))
    }

    /// Step 5: a footpath from each building (`footprints` in degrees, with their grids) to the
    /// street it reaches; then noding and chaining (step 6). Returns the streets in degrees.
    #[must_use]
    pub fn finish(mut self, buildings: &[(usize, &Polygon)]) -> Vec<Street> {
        let way = self.add_way(StreetClass::Footpath, String::new(), true);
        for &(g, footprint) in buildings {
            let footprint = Frame::polygon_m(footprint);
            if let Some(path) = self.footpath(&footprint, &self.grids[g].reach) {
                self.drafts.push(Draft { line: path, way });
            }
        }
        let drafts: Vec<(Line, usize, bool)> = self
            .drafts
            .iter()
            .map(|d| (d.line, d.way, self.ways[d.way].walkable))
            .collect();
        noding::chains(&drafts, &self.junctions)
            .into_iter()
            .enumerate()
            .map(|(i, (way, coords))| {
                let way = &self.ways[way];
                Street {
                    id: i as u64 + 1,
                    class: way.class,
                    name: way.name.clone(),
                    walkable: way.walkable,
                    geometry: LineString::new(
                        coords
                            .into_iter()
                            .map(|c| round_coord(Frame::deg(c)))
                            .collect(),
                    ),
                }
            })
            .collect()
    }

    /// The footpath of one footprint (metre frame): from the middle of a long side to the
    /// nearest point of a reachable street in front of that side, without crossing water.
    fn footpath(&self, footprint: &Polygon, reach: &[usize]) -> Option<Line> {
        let ring = &footprint.exterior().0;
        if ring.len() < 5 {
            return None;
        }
        let centre = footprint.centroid()?.0;
        let long = if dist(ring[0], ring[1]) >= dist(ring[1], ring[2]) {
            [(ring[0], ring[1]), (ring[2], ring[3])]
        } else {
            [(ring[1], ring[2]), (ring[3], ring[0])]
        };
        let among = if reach.is_empty() { None } else { Some(reach) };
        long.iter()
            .filter_map(|&(a, b)| {
                let door = (a + b) / 2.0;
                let outward = door - centre;
                let candidates: Vec<usize> = among
                    .unwrap_or(&[])
                    .iter()
                    .copied()
                    .filter(|&d| {
                        let foot = closest_on(&self.drafts[d].line, door);
                        let v = foot - door;
                        v.x * outward.x + v.y * outward.y > 0.0
                    })
                    .collect();
                let foot = self
                    .nearest_dry(door, Some(&candidates))
                    .or_else(|| self.nearest_dry(door, among))?;
                Some(Line::new(door, foot))
            })
            .min_by(|a, b| length(a).total_cmp(&length(b)))
    }
}

/// Parallel lanes across `grid` at `angle`, `spacing` metres apart, the first `phase` of a
/// spacing in; each clipped to the grid (ends on its boundary streets), none shorter than 30 m.
fn lanes(grid: &Polygon, angle: f64, spacing: f64, phase: f64) -> Vec<Line> {
    let Some(rect) = grid.bounding_rect() else {
        return Vec::new();
    };
    let centre = rect.center();
    let half = rect.width().hypot(rect.height());
    let normal = Coord {
        x: -angle.sin(),
        y: angle.cos(),
    };
    let mut out = Vec::new();
    let mut offset = -half + phase * spacing;
    while offset < half {
        let through = centre + normal * offset;
        out.extend(clip_all(grid, through, angle, half));
        offset += spacing;
    }
    out.retain(|l| length(l) >= 30.0);
    // Keep lanes clear of the boundary streets they do not end on.
    out.retain(|l| {
        let mid = (l.start + l.end) / 2.0;
        Euclidean.distance(&geo::Point(mid), grid.exterior()) >= BOUNDARY_CLEARANCE_M * 2.0
    });
    out
}

/// The pieces of the line through `through` at `angle` (reaching `half` each way) inside `grid`.
fn clip_all(grid: &Polygon, through: Coord, angle: f64, half: f64) -> Vec<Line> {
    let d = Coord {
        x: angle.cos(),
        y: angle.sin(),
    };
    let line = LineString::new(vec![through - d * half, through + d * half]);
    grid.clip(&MultiLineString::new(vec![line]), false)
        .0
        .into_iter()
        .filter_map(|ls| Some(Line::new(*ls.0.first()?, *ls.0.last()?)))
        .collect()
}

/// The longest piece of the line through `through` at `angle` inside `grid`.
fn clip_longest(grid: &Polygon, through: Coord, angle: f64) -> Option<Line> {
    let rect = grid.bounding_rect()?;
    let half = rect.width().hypot(rect.height());
    clip_all(grid, through, angle, half)
        .into_iter()
        .max_by(|a, b| length(a).total_cmp(&length(b)))
}

/// `line` with its start and/or end pulled in by the wall inset.
fn shorten(line: Line, start: bool, end: bool) -> Line {
    let len = length(&line);
    if len <= 2.0 * WALL_INSET_M {
        return line;
    }
    let unit = line.delta() / len;
    Line::new(
        if start {
            line.start + unit * WALL_INSET_M
        } else {
            line.start
        },
        if end {
            line.end - unit * WALL_INSET_M
        } else {
            line.end
        },
    )
}

fn length(l: &Line) -> f64 {
    dist(l.start, l.end)
}

fn dist(a: Coord, b: Coord) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The point of `line` nearest to `p`.
fn closest_on(line: &Line, p: Coord) -> Coord {
    let d = line.delta();
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return line.start;
    }
    let t = (((p.x - line.start.x) * d.x + (p.y - line.start.y) * d.y) / len2).clamp(0.0, 1.0);
    line.start + d * t
}

/// The river's centre-line (lon/lat): a meander across the central city from well west of it
/// to well east, so that no street goes round it.
fn river_centre_line() -> Vec<Coord> {
    (0..=90)
        .map(|i| {
            let lon = 112.11 + 0.002 * f64::from(i);
            let t = (lon - 112.11) * 2.0 * PI;
            round_coord(Coord {
                x: lon,
                y: 31.0125 + 0.0045 * (t / 0.09).sin() + 0.0018 * (t / 0.037 + 1.0).sin(),
            })
        })
        .collect()
}

/// The point of the river at `lon` and its unit tangent in the metre frame.
fn river_at(river: &[Coord], lon: f64) -> (Coord, Coord) {
    let i = river
        .windows(2)
        .position(|w| w[0].x <= lon && lon <= w[1].x)
        .unwrap_or(0);
    let (a, b) = (river[i], river[i + 1]);
    let t = (lon - a.x) / (b.x - a.x);
    let at = a + (b - a) * t;
    let (am, bm) = (Frame::m(a), Frame::m(b));
    let len = dist(am, bm).max(f64::MIN_POSITIVE);
    (at, (bm - am) / len)
}
