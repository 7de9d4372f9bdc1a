//! Noding for the generator's streets (metre frame): shared grid edges, splitting lines where
//! other lines end on them, and chaining pieces back into lines.

use geo::{Coord, Line, Polygon};
use rstar::{AABB, RTree};
use rustc_hash::FxHashMap;

/// Two vertices closer than this are one (metres).
const SNAP_M: f64 = 0.05;
/// A line end closer than this to another line joins it (metres).
const JOIN_M: f64 = 0.02;

type Key = (u64, u64);

fn key(c: Coord) -> Key {
    (c.x.to_bits(), c.y.to_bits())
}

/// Every edge of every grid once, with the grids on each side: vertices within [`SNAP_M`] are
/// made one, and an edge is split wherever another grid's vertex lies on it (two neighbouring
/// grids from different subdivisions rarely have the same vertices along their border).
pub fn shared_edges(grids: &[Polygon]) -> Vec<(Line, Vec<usize>)> {
    let mut snapper = Snapper::default();
    let rings: Vec<Vec<Coord>> = grids
        .iter()
        .map(|g| g.exterior().0.iter().map(|c| snapper.snap(*c)).collect())
        .collect();
    let tree = RTree::bulk_load(snapper.points.iter().map(|c| [c.x, c.y]).collect());
    let mut index: FxHashMap<(Key, Key), usize> = FxHashMap::default();
    let mut out: Vec<(Line, Vec<usize>)> = Vec::new();
    for (g, ring) in rings.iter().enumerate() {
        for w in ring.windows(2) {
            let line = Line::new(w[0], w[1]);
            for piece in split(line, &tree, SNAP_M) {
                let (ka, kb) = (key(piece.start), key(piece.end));
                if ka == kb {
                    continue;
                }
                let k = if ka < kb { (ka, kb) } else { (kb, ka) };
                let i = *index.entry(k).or_insert_with(|| {
                    out.push((piece, Vec::new()));
                    out.len() - 1
                });
                if !out[i].1.contains(&g) {
                    out[i].1.push(g);
                }
            }
        }
    }
    out
}

/// Makes vertices within [`SNAP_M`] one: each vertex becomes the first one seen near it.
#[derive(Default)]
struct Snapper {
    cells: FxHashMap<(i64, i64), Vec<usize>>,
    points: Vec<Coord>,
}

impl Snapper {
    fn snap(&mut self, c: Coord) -> Coord {
        let cell = |v: f64| (v / SNAP_M).floor() as i64;
        let (cx, cy) = (cell(c.x), cell(c.y));
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(list) = self.cells.get(&(cx + dx, cy + dy)) {
                    for &i in list {
                        let p = self.points[i];
                        if (p.x - c.x).hypot(p.y - c.y) < SNAP_M {
                            return p;
                        }
                    }
                }
            }
        }
        self.points.push(c);
        self.cells
            .entry((cx, cy))
            .or_default()
            .push(self.points.len() - 1);
        c
    }
}

/// `line` split at every point of `tree` within `tolerance` of its interior, in order.
fn split(line: Line, tree: &RTree<[f64; 2]>, tolerance: f64) -> Vec<Line> {
    let d = line.delta();
    let len = d.x.hypot(d.y);
    if len == 0.0 {
        return Vec::new();
    }
    let envelope = AABB::from_corners(
        [
            line.start.x.min(line.end.x) - tolerance,
            line.start.y.min(line.end.y) - tolerance,
        ],
        [
            line.start.x.max(line.end.x) + tolerance,
            line.start.y.max(line.end.y) + tolerance,
        ],
    );
    let eps = tolerance / len;
    let mut cuts: Vec<(f64, Coord)> = tree
        .locate_in_envelope(&envelope)
        .filter_map(|p| {
            let p = Coord { x: p[0], y: p[1] };
            let t = ((p.x - line.start.x) * d.x + (p.y - line.start.y) * d.y) / (len * len);
            let on = line.start + d * t;
            ((eps..1.0 - eps).contains(&t) && (on.x - p.x).hypot(on.y - p.y) < tolerance)
                .then_some((t, p))
        })
        .collect();
    cuts.sort_by(|a, b| a.0.total_cmp(&b.0));
    cuts.dedup_by(|a, b| (a.1.x - b.1.x).hypot(a.1.y - b.1.y) < tolerance);
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = line.start;
    for (_, p) in cuts {
        out.push(Line::new(from, p));
        from = p;
    }
    out.push(Line::new(from, line.end));
    out
}

/// Splits every walkable draft (line, way, walkable) where a walkable draft's end or a
/// junction lies on it, then chains each way's pieces into lines through vertices that no
/// other piece of the way meets. Lines that are not walkable are neither split nor split
/// others: they cross streets without joining them.
pub fn chains(drafts: &[(Line, usize, bool)], junctions: &[Coord]) -> Vec<(usize, Vec<Coord>)> {
    let ends: Vec<[f64; 2]> = drafts
        .iter()
        .filter(|d| d.2)
        .flat_map(|d| [[d.0.start.x, d.0.start.y], [d.0.end.x, d.0.end.y]])
        .chain(junctions.iter().map(|c| [c.x, c.y]))
        .collect();
    let tree = RTree::bulk_load(ends);
    let ways = drafts.iter().map(|d| d.1).max().map_or(0, |m| m + 1);
    let mut pieces: Vec<Vec<Line>> = vec![Vec::new(); ways];
    for &(line, way, walkable) in drafts {
        if walkable {
            pieces[way].extend(split(line, &tree, JOIN_M));
        } else {
            pieces[way].push(line);
        }
    }
    let mut out = Vec::new();
    for (way, lines) in pieces.iter().enumerate() {
        for chain in chain_way(lines) {
            out.push((way, chain));
        }
    }
    out
}

/// Chains the pieces of one way: a chain runs on through a vertex met by exactly two pieces.
fn chain_way(lines: &[Line]) -> Vec<Vec<Coord>> {
    let mut at: FxHashMap<Key, Vec<usize>> = FxHashMap::default();
    for (i, l) in lines.iter().enumerate() {
        at.entry(key(l.start)).or_default().push(i);
        at.entry(key(l.end)).or_default().push(i);
    }
    let degree = |c: Coord| at.get(&key(c)).map_or(0, Vec::len);
    let mut used = vec![false; lines.len()];
    let mut out = Vec::new();
    // Chains that start at an end or a branching first, then what is left (closed loops).
    for pass in 0..2 {
        for i in 0..lines.len() {
            if used[i] {
                continue;
            }
            let l = lines[i];
            let start = if degree(l.start) != 2 {
                l.start
            } else if degree(l.end) != 2 {
                l.end
            } else if pass == 1 {
                l.start
            } else {
                continue;
            };
            used[i] = true;
            let mut coords = if start == l.start {
                vec![l.start, l.end]
            } else {
                vec![l.end, l.start]
            };
            loop {
                let tip = coords[coords.len() - 1];
                if degree(tip) != 2 {
                    break;
                }
                let next = at[&key(tip)].iter().copied().find(|&j| !used[j]);
                let Some(j) = next else { break };
                used[j] = true;
                let n = lines[j];
                coords.push(if key(n.start) == key(tip) {
                    n.end
                } else {
                    n.start
                });
            }
            out.push(coords);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::LineString;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn a_border_split_on_one_side_only_is_split_on_both() {
        // Two squares side by side; the left one has an extra vertex on the shared edge.
        let left = Polygon::new(
            LineString::from(vec![
                (0., 0.),
                (10., 0.),
                (10., 4.),
                (10., 10.),
                (0., 10.),
                (0., 0.),
            ]),
            vec![],
        );
        let right = Polygon::new(
            LineString::from(vec![
                (10., 0.),
                (20., 0.),
                (20., 10.),
                (10.00001, 10.),
                (10., 0.),
            ]),
            vec![],
        );
        let edges = shared_edges(&[left, right]);
        let shared: Vec<&(Line, Vec<usize>)> = edges.iter().filter(|e| e.1.len() == 2).collect();
        assert_eq!(
            shared.len(),
            2,
            "the border is two shared pieces: {edges:?}"
        );
        // Five edges of the left square (its right side in two), three more of the right one.
        assert_eq!(edges.len(), 8, "{edges:?}");
    }

    #[test]
    fn ends_on_a_line_split_it_and_crossings_do_not() {
        let drafts = [
            (Line::new(c(0., 0.), c(100., 0.)), 0, true),
            // A lane ending on the street, and a footpath crossing it with no shared vertex.
            (Line::new(c(40., 0.), c(40., 50.)), 1, true),
            (Line::new(c(70., -10.), c(70., 10.)), 2, true),
            // An expressway over the street: neither splits.
            (Line::new(c(55., -30.), c(55., 30.)), 3, false),
        ];
        let out = chains(&drafts, &[]);
        let street: Vec<&Vec<Coord>> = out
            .iter()
            .filter(|(w, _)| *w == 0)
            .map(|(_, l)| l)
            .collect();
        assert_eq!(
            street.len(),
            1,
            "through a vertex met by two pieces the chain runs on"
        );
        assert_eq!(street[0], &vec![c(0., 0.), c(40., 0.), c(100., 0.)]);
        assert!(out.iter().any(|(w, l)| *w == 2 && l.len() == 2));
    }

    #[test]
    fn a_junction_joins_two_crossing_lines() {
        let drafts = [
            (Line::new(c(0., 0.), c(10., 10.)), 0, true),
            (Line::new(c(0., 10.), c(10., 0.)), 1, true),
        ];
        let out = chains(&drafts, &[c(5., 5.)]);
        assert!(out.iter().all(|(_, l)| l.contains(&c(5., 5.))), "{out:?}");
    }
}
