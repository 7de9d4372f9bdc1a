//! The city's administrative fabric: districts (real), urban areas, 222 communities that tile
//! them, and 866 grids that tile their communities.
//!
//! Steps:
//! 1. Districts are read from the real boundaries in `geodata/sources/`.
//! 2. Each urban area is an organic outline around the real town centre, cut by the real district
//!    boundaries so a community never straddles two districts.
//! 3. Community seeds are spread with a density that falls off from the old town centre (small
//!    dense communities inside, larger ones at the edge), then relaxed twice by Lloyd's algorithm.
//! 4. Each community is the Voronoi cell of its seed clipped to its urban area: together they
//!    tile the area with no gap or overlap.
//! 5. Grids are allotted to communities by expected households (exactly 866 in all) and made the
//!    same way inside each community; a subdivision that would split a grid in two pieces is
//!    re-drawn.

use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Coord, Distance, Euclidean, InteriorPoint,
    MultiPoint, MultiPolygon, Point, Polygon, Voronoi, VoronoiClip, VoronoiParams,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::shapes::{
    M_PER_DEG_LAT, area_km2, blob, m_per_deg_lon, random_point_in, round_geometry,
};
use crate::geodata::names::NbsCommunity;
use crate::model::{Community, District, Grid};

/// An urban area to fill with communities.
struct Town {
    /// District codes whose part of the outline this town covers, with the number of
    /// communities each gets.
    districts: &'static [(u64, usize)],
    center: (f64, f64),
    rx_m: f64,
    ry_m: f64,
}

/// The central city (Dongbao + Duodao, lon 112.14–112.27, lat 30.93–31.09) and the three county
/// towns, with 222 communities in all.
const TOWNS: &[Town] = &[
    Town {
        districts: &[(420_802, 42), (420_804, 48)],
        center: (112.203, 31.008),
        rx_m: 5_600.0,
        ry_m: 8_000.0,
    },
    Town {
        districts: &[(420_881, 56)],
        center: (112.590, 31.170),
        rx_m: 4_200.0,
        ry_m: 3_800.0,
    },
    Town {
        districts: &[(420_822, 38)],
        center: (112.590, 30.710),
        rx_m: 3_400.0,
        ry_m: 3_000.0,
    },
    Town {
        districts: &[(420_882, 38)],
        center: (113.110, 31.020),
        rx_m: 3_500.0,
        ry_m: 3_200.0,
    },
];

/// Number of grids in the city (the city report's figure).
pub const GRID_COUNT: usize = 866;

/// Relative housing density at `p`: 1 in the old centres, falling to ~0.25 at the urban edge.
/// The same field drives seed spacing, grid allotment and building placement.
#[must_use]
pub fn density(p: Coord) -> f64 {
    TOWNS
        .iter()
        .map(|t| {
            let dx = (p.x - t.center.0) * m_per_deg_lon(p.y);
            let dy = (p.y - t.center.1) * M_PER_DEG_LAT;
            let d = (dx * dx + dy * dy).sqrt();
            0.25 + 0.75 * (-d / 2_500.0).exp()
        })
        .fold(0.0, f64::max)
}

/// A community being laid out, before households are known.
pub struct CommunityShape {
    pub name: String,
    pub code: String,
    pub district_id: u64,
    pub geometry: MultiPolygon,
    pub town: usize,
}

/// Lays out the communities of every town.
pub fn communities(
    rng: &mut ChaCha8Rng,
    districts: &[District],
    names: &[NbsCommunity],
) -> Vec<CommunityShape> {
    let mut out = Vec::new();
    for (town_index, town) in TOWNS.iter().enumerate() {
        let outline = blob(
            rng,
            Coord {
                x: town.center.0,
                y: town.center.1,
            },
            town.rx_m,
            town.ry_m,
            0.12,
        );
        for &(code, count) in town.districts {
            let Some(district) = districts.iter().find(|d| d.id == code) else {
                continue;
            };
            let area = MultiPolygon::new(vec![outline.clone()]).intersection(&district.geometry);
            let mut pool: Vec<&NbsCommunity> =
                names.iter().filter(|n| n.district_code == code).collect();
            // Subdistrict (urban core) communities first: they are the city's real urban ones.
            pool.sort_by_key(|n| (!n.in_subdistrict, n.code.clone()));
            for (cell, name) in tile(rng, &area, count).into_iter().zip(pool) {
                out.push(CommunityShape {
                    name: name.name.clone(),
                    code: name.code.clone(),
                    district_id: code,
                    geometry: round_geometry(&cell),
                    town: town_index,
                });
            }
        }
    }
    out
}

/// Splits `area` into `count` Voronoi cells of density-spaced, Lloyd-relaxed seeds.
fn tile(rng: &mut ChaCha8Rng, area: &MultiPolygon, count: usize) -> Vec<MultiPolygon> {
    let mut seeds = spread_seeds(rng, area, count);
    for _ in 0..2 {
        let cells = voronoi_clipped(&seeds, area);
        seeds = cells
            .iter()
            .zip(&seeds)
            .map(|(cell, seed)| cell.interior_point().map_or(*seed, |p| p.0))
            .collect();
    }
    voronoi_clipped(&seeds, area)
}

/// `count` points in `area`, spaced more widely where the density is low.
fn spread_seeds(rng: &mut ChaCha8Rng, area: &MultiPolygon, count: usize) -> Vec<Coord> {
    let total_km2 = area_km2(area);
    let parts: Vec<&Polygon> = area.0.iter().collect();
    let weights: Vec<f64> = parts.iter().map(|p| p.unsigned_area()).collect();
    let total_weight: f64 = weights.iter().sum();
    let mut spacing_m = 0.6 * (total_km2 * 1e6 / count as f64).sqrt();
    let mut seeds: Vec<Coord> = Vec::with_capacity(count);
    let mut misses = 0;
    while seeds.len() < count {
        let mut pick = rng.random_range(0.0..total_weight);
        let part = parts
            .iter()
            .zip(&weights)
            .find(|(_, w)| {
                pick -= **w;
                pick <= 0.0
            })
            .map_or(parts[0], |(p, _)| *p);
        let Some(p) = random_point_in(rng, part, 200) else {
            continue;
        };
        let local = spacing_m * density(p.0).sqrt().recip() * 0.5;
        let far_enough = seeds.iter().all(|s| {
            let dx = (s.x - p.x()) * m_per_deg_lon(p.y());
            let dy = (s.y - p.y()) * M_PER_DEG_LAT;
            dx * dx + dy * dy >= local * local
        });
        if far_enough {
            seeds.push(p.0);
        } else {
            misses += 1;
            if misses % 500 == 0 {
                spacing_m *= 0.93;
            }
        }
    }
    seeds
}

/// The Voronoi cells of `seeds`, each clipped to `area`, in the order of `seeds`.
///
/// geo clips unbounded cells to a box only 50 % larger than the sites' extent, which can stop
/// short of the area's edge; four sentinel sites far outside the area bound every real cell
/// first (any point of the area is nearer to some seed than to a sentinel), and their cells
/// are dropped. geo returns cells in triangulation order, so each is matched back to its site
/// as the site nearest the cell's centroid (a convex cell holds its centroid, and every point of
/// a Voronoi cell is nearest to that cell's site).
fn voronoi_clipped(seeds: &[Coord], area: &MultiPolygon) -> Vec<MultiPolygon> {
    match seeds {
        [_] => return vec![area.clone()],
        // Two sites are collinear, which Voronoi refuses: cut along their bisector.
        [a, b] => {
            return vec![
                area.intersection(&half_plane(*a, *b)),
                area.intersection(&half_plane(*b, *a)),
            ];
        }
        _ => {}
    }
    let Some(rect) = area.bounding_rect() else {
        return vec![MultiPolygon::new(vec![]); seeds.len()];
    };
    let reach = 3.0 * rect.width().max(rect.height());
    let sentinels = [
        Coord {
            x: rect.min().x - reach,
            y: rect.min().y - reach,
        },
        Coord {
            x: rect.max().x + reach,
            y: rect.min().y - reach,
        },
        Coord {
            x: rect.max().x + reach,
            y: rect.max().y + reach,
        },
        Coord {
            x: rect.min().x - reach,
            y: rect.max().y + reach,
        },
    ];
    let sites: Vec<Coord> = seeds.iter().chain(&sentinels).copied().collect();
    let cells = MultiPoint::from(sites.iter().map(|c| Point(*c)).collect::<Vec<_>>())
        .voronoi_cells_with_params(VoronoiParams::new().clip(VoronoiClip::Padded))
        .unwrap_or_default();
    let mut out = vec![MultiPolygon::new(vec![]); seeds.len()];
    for cell in cells {
        let Some(c) = cell.centroid() else { continue };
        let nearest = sites
            .iter()
            .enumerate()
            .min_by(|a, b| {
                Euclidean
                    .distance(c, Point(*a.1))
                    .total_cmp(&Euclidean.distance(c, Point(*b.1)))
            })
            .map(|(i, _)| i);
        if let Some(i) = nearest.filter(|&i| i < seeds.len()) {
            out[i] = cell.intersection(area);
        }
    }
    out
}

/// The side of the perpendicular bisector of `a`–`b` that holds `a`, as a polygon far larger
/// than any town.
fn half_plane(a: Coord, b: Coord) -> Polygon {
    let mid = Coord {
        x: f64::midpoint(a.x, b.x),
        y: f64::midpoint(a.y, b.y),
    };
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let norm = dx.hypot(dy).max(f64::MIN_POSITIVE);
    let (ux, uy) = (dx / norm * 10.0, dy / norm * 10.0);
    let ring = vec![
        Coord {
            x: mid.x - uy,
            y: mid.y + ux,
        },
        Coord {
            x: mid.x - uy - ux,
            y: mid.y + ux - uy,
        },
        Coord {
            x: mid.x + uy - ux,
            y: mid.y - ux - uy,
        },
        Coord {
            x: mid.x + uy,
            y: mid.y - ux,
        },
    ];
    Polygon::new(geo::LineString::new(ring), vec![])
}

/// Splits every community into grids, `GRID_COUNT` in all, each a single polygon.
pub fn grids(rng: &mut ChaCha8Rng, communities: &[CommunityShape]) -> Vec<(usize, Polygon)> {
    let expected: Vec<f64> = communities
        .iter()
        .map(|c| area_km2(&c.geometry) * c.geometry.centroid().map_or(0.5, |p| density(p.0)))
        .collect();
    let counts = allot(&expected, GRID_COUNT, 2);
    let mut out = Vec::with_capacity(GRID_COUNT);
    for (index, (community, count)) in communities.iter().zip(counts).enumerate() {
        for polygon in split_community(rng, &community.geometry, count) {
            out.push((index, round_geometry(&polygon)));
        }
    }
    out
}

/// Splits `total` into integer shares proportional to `weights`, each at least `min`
/// (largest-remainder method).
#[must_use]
pub fn allot(weights: &[f64], total: usize, min: usize) -> Vec<usize> {
    let spare = total.saturating_sub(min * weights.len()) as f64;
    let sum: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let raw: Vec<f64> = weights.iter().map(|w| w / sum * spare).collect();
    let mut counts: Vec<usize> = raw.iter().map(|r| min + r.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (raw[b] - raw[b].floor())
            .total_cmp(&(raw[a] - raw[a].floor()))
            .then(a.cmp(&b))
    });
    let assigned: usize = counts.iter().sum();
    for &i in order.iter().cycle().take(total.saturating_sub(assigned)) {
        counts[i] += 1;
    }
    counts
}

/// `count` single-polygon grids that tile `community`: every part gets at least one grid; a
/// part whose subdivision keeps splitting a grid in pieces gives its extra grids to the
/// community's largest part.
fn split_community(rng: &mut ChaCha8Rng, community: &MultiPolygon, count: usize) -> Vec<Polygon> {
    let mut parts: Vec<&Polygon> = community.0.iter().collect();
    parts.sort_by(|a, b| b.unsigned_area().total_cmp(&a.unsigned_area()));
    let areas: Vec<f64> = parts.iter().map(|p| p.unsigned_area()).collect();
    let mut shares = allot(&areas, count.max(parts.len()), 1);
    let mut grids = Vec::with_capacity(count);
    // Smallest parts first, so any grid they cannot hold moves to the largest part.
    for i in (0..parts.len()).rev() {
        let mut n = shares[i];
        loop {
            if let Some(cells) = split_part(rng, parts[i], n) {
                grids.extend(cells);
                break;
            }
            n -= 1;
            if i > 0 {
                shares[0] += 1;
            }
        }
    }
    grids
}

/// Tries to cut `part` into `n` Voronoi grids that are each one polygon. A cell that the
/// part's concave outline cuts in pieces keeps its largest piece; each smaller piece joins a
/// neighbouring cell it shares an edge with (their union is then one polygon).
fn split_part(rng: &mut ChaCha8Rng, part: &Polygon, n: usize) -> Option<Vec<Polygon>> {
    if n <= 1 {
        return Some(vec![part.clone()]);
    }
    let area = MultiPolygon::new(vec![part.clone()]);
    (0..30).find_map(|_| {
        let cells = tile(rng, &area, n);
        let mut kept: Vec<MultiPolygon> = Vec::with_capacity(n);
        let mut strays: Vec<Polygon> = Vec::new();
        for cell in cells {
            let mut pieces = cell.0;
            pieces.sort_by(|a, b| b.unsigned_area().total_cmp(&a.unsigned_area()));
            let mut pieces = pieces.into_iter();
            kept.push(MultiPolygon::new(pieces.next().into_iter().collect()));
            strays.extend(pieces);
        }
        for stray in strays {
            let stray = MultiPolygon::new(vec![stray]);
            let host = kept.iter().position(|k| k.union(&stray).0.len() == 1)?;
            kept[host] = kept[host].union(&stray);
        }
        let single = kept
            .iter()
            .all(|c| c.0.len() == 1 && c.unsigned_area() > 0.0);
        single.then(|| {
            kept.into_iter()
                .filter_map(|c| c.0.into_iter().next())
                .collect()
        })
    })
}

/// Builds the final community and grid records once households are known.
#[must_use]
pub fn finish(
    shapes: &[CommunityShape],
    grid_shapes: &[(usize, Polygon)],
    grid_households: &[u32],
) -> (Vec<Community>, Vec<Grid>) {
    let mut community_households = vec![0u32; shapes.len()];
    let mut grid_number = vec![0u32; shapes.len()];
    let grids = grid_shapes
        .iter()
        .zip(grid_households)
        .enumerate()
        .map(|(i, ((c, polygon), &households))| {
            community_households[*c] += households;
            grid_number[*c] += 1;
            Grid {
                id: i as u64 + 1,
                community_id: *c as u64 + 1,
                name: format!("{}第{}网格", shapes[*c].name, grid_number[*c]),
                households,
                population: persons(households),
                geometry: polygon.clone(),
            }
        })
        .collect();
    let communities = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| Community {
            id: i as u64 + 1,
            name: s.name.clone(),
            code: Some(s.code.clone()),
            district_id: s.district_id,
            households: community_households[i],
            population: persons(community_households[i]),
            geometry: s.geometry.clone(),
        })
        .collect();
    (communities, grids)
}

/// Residents of `households` at Hubei's urban average of about 2.6 persons per household.
fn persons(households: u32) -> u32 {
    households * 13 / 5
}

/// The bounding box of every town, for incidents scattered outside the grids.
#[must_use]
pub fn city_rect(districts: &[District]) -> Option<geo::Rect> {
    let mp = MultiPolygon::new(
        districts
            .iter()
            .flat_map(|d| d.geometry.0.clone())
            .collect(),
    );
    mp.bounding_rect()
}
