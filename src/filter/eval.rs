//! Evaluation of a compiled filter on one feature, in SQL's three-valued logic: a comparison
//! with NULL is unknown, NOT unknown is unknown, and only a true filter selects the feature,
//! so the in-memory answer and PostGIS's answer to the same WHERE clause agree.

use std::borrow::Cow;
use std::cmp::Ordering;

use geo::dimensions::Dimensions;
use geo::{Contains, Intersects, Point, Relate};

use super::tree::{Arith, Cmp, Node, Scalar, Shape, Span, SpatialOp};

/// A property's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    Number(f64),
    Text(Cow<'a, str>),
    Bool(bool),
    /// Unix seconds.
    Time(i64),
}

/// A feature a filter is evaluated on.
pub trait Record {
    /// The value of queryable `property` (a position in the collection's queryables).
    fn value(&self, property: usize) -> Val<'_>;
    /// Whether `op(geometry, shape)` holds.
    fn spatial(&self, op: SpatialOp, shape: &Shape) -> bool;
}

/// Whether `node` is true for `record` (unknown counts as false).
pub fn matches(node: &Node, record: &impl Record) -> bool {
    truth(node, record) == Some(true)
}

fn truth(node: &Node, r: &impl Record) -> Option<bool> {
    match node {
        Node::Const(b) => Some(*b),
        Node::And(parts) => {
            let mut unknown = false;
            for p in parts {
                match truth(p, r) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            (!unknown).then_some(true)
        }
        Node::Or(parts) => {
            let mut unknown = false;
            for p in parts {
                match truth(p, r) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            (!unknown).then_some(false)
        }
        Node::Not(inner) => truth(inner, r).map(|b| !b),
        Node::Compare(cmp, a, b) => {
            let ord = order(&value(a, r), &value(b, r))?;
            Some(match cmp {
                Cmp::Eq => ord == Ordering::Equal,
                Cmp::Ne => ord != Ordering::Equal,
                Cmp::Lt => ord == Ordering::Less,
                Cmp::Le => ord != Ordering::Greater,
                Cmp::Gt => ord == Ordering::Greater,
                Cmp::Ge => ord != Ordering::Less,
            })
        }
        Node::Like(v, p) => match (value(v, r), value(p, r)) {
            (Val::Text(t), Val::Text(p)) => Some(like(&t, &p)),
            _ => None,
        },
        Node::Between(v, lo, hi) => {
            let v = value(v, r);
            let above = order(&v, &value(lo, r)).map(|o| o != Ordering::Less);
            let below = order(&v, &value(hi, r)).map(|o| o != Ordering::Greater);
            match (above, below) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
        }
        Node::In(v, list) => {
            let v = value(v, r);
            let mut unknown = false;
            for x in list {
                match order(&v, &value(x, r)) {
                    Some(Ordering::Equal) => return Some(true),
                    None => unknown = true,
                    Some(_) => {}
                }
            }
            (!unknown).then_some(false)
        }
        Node::IsNull(v) => Some(value(v, r) == Val::Null),
        Node::Spatial(op, shape) => Some(r.spatial(*op, shape)),
        Node::Temporal(op, a, b) => Some(op.holds(span(a, r)?, span(b, r)?)),
    }
}

fn order(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Number(x), Val::Number(y)) => x.partial_cmp(y),
        (Val::Text(x), Val::Text(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Time(x), Val::Time(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[allow(clippy::many_single_char_names)] // a scalar, a record and operands
fn value<'r>(s: &'r Scalar, r: &'r impl Record) -> Val<'r> {
    match s {
        Scalar::Property(i) => r.value(*i),
        Scalar::Number(v) => Val::Number(*v),
        Scalar::Text(t) => Val::Text(Cow::Borrowed(t)),
        Scalar::Bool(b) => Val::Bool(*b),
        Scalar::Time(t) => Val::Time(*t),
        Scalar::Null => Val::Null,
        Scalar::Lower(inner) => match value(inner, r) {
            Val::Text(t) => Val::Text(Cow::Owned(t.to_lowercase())),
            other => other,
        },
        Scalar::Arith(op, a, b) => match (value(a, r), value(b, r)) {
            (Val::Number(x), Val::Number(y)) => arith(*op, x, y).map_or(Val::Null, Val::Number),
            _ => Val::Null,
        },
    }
}

/// One arithmetic step; division by zero is NULL (SQL would raise; the SQL writer guards it
/// the same way with `NULLIF`).
fn arith(op: Arith, x: f64, y: f64) -> Option<f64> {
    let v = match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div | Arith::Mod | Arith::IntDiv if y == 0.0 => return None,
        Arith::Div => x / y,
        Arith::Mod => x % y,
        Arith::Pow => x.powf(y),
        Arith::IntDiv => (x / y).trunc(),
    };
    v.is_finite().then_some(v)
}

fn span(s: &Span, r: &impl Record) -> Option<(i64, i64)> {
    let instant = |s: &Scalar| match value(s, r) {
        Val::Time(t) => Some(t),
        _ => None,
    };
    match s {
        Span::Instant(s) => instant(s).map(|t| (t, t)),
        Span::Interval(a, b) => Some((
            a.as_ref().map_or(Some(i64::MIN), instant)?,
            b.as_ref().map_or(Some(i64::MAX), instant)?,
        )),
    }
}

/// SQL `LIKE`: `%` matches any run, `_` one character, `\` makes the next character literal.
#[must_use]
pub fn like(text: &str, pattern: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Any,
        One,
        Char(char),
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        toks.push(match c {
            '%' => Tok::Any,
            '_' => Tok::One,
            '\\' => Tok::Char(chars.next().unwrap_or('\\')),
            c => Tok::Char(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    // The classic greedy match with one backtrack point (the last `%`): linear for most
    // patterns, quadratic at worst.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match toks.get(p) {
            Some(Tok::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Tok::One) => {
                t += 1;
                p += 1;
            }
            Some(Tok::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    toks[p..].iter().all(|k| *k == Tok::Any)
}

/// `op(point, shape)` without building a DE-9IM matrix for the common cases: a point is
/// within a line or area when it is inside it (not on its boundary), touches it when it is
/// on the boundary only, and never contains, overlaps, crosses or equals one.
#[must_use]
pub fn point_relation(op: SpatialOp, point: Point, shape: &Shape) -> bool {
    let inside_bounds = shape.bounds.intersects(&point);
    if shape.dimension == Dimensions::ZeroDimensional {
        if !inside_bounds {
            return op == SpatialOp::Disjoint;
        }
        return matrix_relation(op, &point.relate(&shape.geometry));
    }
    let meets = inside_bounds && shape.geometry.intersects(&point);
    match op {
        SpatialOp::Intersects => meets,
        SpatialOp::Disjoint => !meets,
        SpatialOp::Within => meets && shape.geometry.contains(&point),
        SpatialOp::Touches => meets && !shape.geometry.contains(&point),
        SpatialOp::Contains | SpatialOp::Overlaps | SpatialOp::Crosses | SpatialOp::Equals => false,
    }
}

/// `op` read from the DE-9IM matrix of (feature, shape).
#[must_use]
pub fn matrix_relation(op: SpatialOp, m: &geo::relate::IntersectionMatrix) -> bool {
    match op {
        SpatialOp::Intersects => m.is_intersects(),
        SpatialOp::Disjoint => m.is_disjoint(),
        SpatialOp::Equals => m.is_equal_topo(),
        SpatialOp::Touches => m.is_touches(),
        SpatialOp::Within => m.is_within(),
        SpatialOp::Contains => m.is_contains(),
        SpatialOp::Overlaps => m.is_overlaps(),
        SpatialOp::Crosses => m.is_crosses(),
    }
}

/// `op(geometry, shape)` for any feature geometry, by its DE-9IM matrix (the bounding boxes
/// answer first when they do not meet).
pub fn geometry_relation<G>(
    op: SpatialOp,
    geometry: &G,
    bounds: Option<geo::Rect>,
    shape: &Shape,
) -> bool
where
    G: Relate<f64>,
{
    if bounds.is_some_and(|b| !b.intersects(&shape.bounds)) {
        return op == SpatialOp::Disjoint;
    }
    matrix_relation(op, &geometry.relate(&shape.geometry))
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_follows_sql() {
        assert!(like("street_vending", "street%"));
        assert!(like("street_vending", "%vend%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("", "%"));
        assert!(!like("", "_"));
        assert!(like("50%", "50\\%"));
        assert!(!like("500", "50\\%"));
        assert!(like("东宝区", "东%"));
        assert!(like("aXbXc", "%X%c"));
        assert!(!like("aXbXd", "%X%c"));
        assert!(like("mississippi", "%iss%ppi"));
    }
}
