//! Clipping a convex ring to the buffered tile square with Sutherland–Hodgman.
//!
//! geo's boolean operations (`i_overlay`) clip any polygon validly, but build a graph per call:
//! under load they took half the time of an uncached z14 buildings tile, nearly all of it on
//! the few footprints crossing the tile edge. Those footprints, like H3 cells, are convex, and
//! for a convex ring Sutherland–Hodgman's result is exactly the intersection (itself convex,
//! so valid), in one pass per square side. Everything else still goes through `i_overlay`.

use geo::{Coord, LineString, Rect};

/// Whether the closed ring `ring` is convex and simple: every turn the same way (or straight
/// on), and the edge direction going round once. A ring whose turns all go the same way but
/// winds k times (a pentagram: twice) flips the sign of its edges' x and y steps 2k times.
#[must_use]
pub fn is_convex(ring: &LineString) -> bool {
    let points = &ring.0;
    if points.len() < 4 || points.first() != points.last() {
        return false;
    }
    let corners = points.len() - 1;
    let step = |i: usize| {
        let (from, to) = (points[i % corners], points[(i + 1) % corners]);
        (to.x - from.x, to.y - from.y)
    };
    // The way the ring turns: 0 until a corner that is not straight on, then ±1.
    let mut way = 0i8;
    let mut flips = Flips::default();
    for i in 0..corners {
        let (u, v) = (step(i), step(i + 1));
        let cross = u.0 * v.1 - u.1 * v.0;
        let this = if cross > 0.0 {
            1
        } else if cross < 0.0 {
            -1
        } else {
            0
        };
        if this != 0 {
            if way != 0 && this != way {
                return false;
            }
            way = this;
        }
        flips.step(u);
    }
    way != 0 && flips.round_once()
}

/// Sign changes of the x and y steps along a ring, the wrap-around included.
#[derive(Default)]
struct Flips {
    first: [i8; 2],
    last: [i8; 2],
    count: [u32; 2],
}

impl Flips {
    fn step(&mut self, (dx, dy): (f64, f64)) {
        for (axis, d) in [dx, dy].into_iter().enumerate() {
            let sign = if d > 0.0 {
                1
            } else if d < 0.0 {
                -1
            } else {
                continue;
            };
            if self.first[axis] == 0 {
                self.first[axis] = sign;
            } else if sign != self.last[axis] {
                self.count[axis] += 1;
            }
            self.last[axis] = sign;
        }
    }

    fn round_once(&self) -> bool {
        (0..2).all(|axis| {
            let wrap = u32::from(self.first[axis] != 0 && self.first[axis] != self.last[axis]);
            self.count[axis] + wrap <= 2
        })
    }
}

/// The part of the convex closed ring `ring` inside `square`, closed; empty if nothing is.
#[must_use]
pub fn clip_convex(ring: &LineString, square: &Rect) -> LineString {
    let mut points: Vec<Coord> = ring.0[..ring.0.len().saturating_sub(1)].to_vec();
    let mut next = Vec::with_capacity(points.len() + 4);
    clip_convex_open(&mut points, &mut next, square);
    if let Some(&first) = points.first() {
        points.push(first);
    }
    LineString(points)
}

/// [`clip_convex`] in place on an open ring (no repeated last point), with `next` as working
/// space: no allocation once the buffers have grown, for the tile hot path.
pub fn clip_convex_open(points: &mut Vec<Coord>, next: &mut Vec<Coord>, square: &Rect) {
    let (lo, hi) = (square.min(), square.max());
    clip_side::<false, true>(points, next, lo.x);
    clip_side::<false, false>(points, next, hi.x);
    clip_side::<true, true>(points, next, lo.y);
    clip_side::<true, false>(points, next, hi.y);
}

/// One Sutherland–Hodgman pass: keeps the part of the ring on the inner side of the line
/// `x = edge` (`Y`: `y = edge`), the inner side being above it when `ABOVE`. The side is a
/// type parameter so each pass compiles to straight code; a ring wholly inside is left as is.
fn clip_side<const Y: bool, const ABOVE: bool>(
    points: &mut Vec<Coord>,
    next: &mut Vec<Coord>,
    edge: f64,
) {
    let axis = |c: Coord| if Y { c.y } else { c.x };
    let inner = |c: Coord| {
        if ABOVE {
            axis(c) >= edge
        } else {
            axis(c) <= edge
        }
    };
    if points.iter().all(|&c| inner(c)) {
        return;
    }
    let Some(&last) = points.last() else {
        return;
    };
    next.clear();
    // Each edge (a, b), starting with the closing one.
    let mut a = last;
    for &b in points.iter() {
        if inner(a) != inner(b) {
            let t = (edge - axis(a)) / (axis(b) - axis(a));
            next.push(Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            });
        }
        if inner(b) {
            next.push(b);
        }
        a = b;
    }
    std::mem::swap(points, next);
}

#[cfg(test)]
mod tests {
    use geo::{Area, BooleanOps, MultiPolygon, Polygon, coord};

    use super::*;

    fn ring(points: &[(f64, f64)]) -> LineString {
        let mut r: LineString = points.iter().copied().collect();
        r.close();
        r
    }

    #[test]
    fn convex_rings_are_told_from_the_others() {
        assert!(is_convex(&ring(&[(0., 0.), (4., 0.), (4., 3.), (0., 3.)])));
        assert!(is_convex(&ring(&[(0., 0.), (0., 3.), (4., 3.), (4., 0.)])));
        // An L shape, a pentagram, a degenerate sliver.
        assert!(!is_convex(&ring(&[
            (0., 0.),
            (4., 0.),
            (4., 1.),
            (1., 1.),
            (1., 3.),
            (0., 3.)
        ])));
        assert!(!is_convex(&ring(&[
            (0., 10.),
            (6., -8.),
            (-9.5, 3.),
            (9.5, 3.),
            (-6., -8.)
        ])));
        assert!(!is_convex(&ring(&[(0., 0.), (1., 0.), (2., 0.)])));
    }

    #[test]
    fn clipping_equals_the_boolean_intersection() {
        let square = Rect::new(coord! { x: -64., y: -64. }, coord! { x: 4160., y: 4160. });
        // Convex rings around, across edges and corners of the square, both orientations.
        let mut cases = Vec::new();
        for (cx, cy) in [
            (0., 0.),
            (-64., 2000.),
            (4160., 4160.),
            (2000., -100.),
            (5000., 5000.),
            (2000., 2000.),
        ] {
            for r in [30.0, 200.0, 9000.0] {
                let hexagon: Vec<(f64, f64)> = (0..6)
                    .map(|k| {
                        let a = f64::from(k) * std::f64::consts::FRAC_PI_3 + 0.3;
                        (cx + r * a.cos(), cy + r * a.sin())
                    })
                    .collect();
                let mut reversed = hexagon.clone();
                reversed.reverse();
                cases.push(ring(&hexagon));
                cases.push(ring(&reversed));
            }
        }
        for case in cases {
            assert!(is_convex(&case));
            let ours = Polygon::new(clip_convex(&case, &square), vec![]);
            let theirs: MultiPolygon =
                Polygon::new(case.clone(), vec![]).intersection(&square.to_polygon());
            assert!(
                (ours.unsigned_area() - theirs.unsigned_area()).abs()
                    < 1e-6 * (1.0 + theirs.unsigned_area()),
                "{case:?}: {} vs {}",
                ours.unsigned_area(),
                theirs.unsigned_area()
            );
            assert!(ours.exterior().0.iter().all(|c| {
                c.x >= -64. - 1e-9
                    && c.x <= 4160. + 1e-9
                    && c.y >= -64. - 1e-9
                    && c.y <= 4160. + 1e-9
            }));
        }
    }
}
