//! A compiled filter as a PostGIS WHERE clause, for the stores' tables: the same tree the
//! engine evaluates, so PostGIS can answer the same question (the tests and benchmarks hold
//! the two answers side by side). Literals are written inline, escaped; text compares in the
//! "C" collation, the byte order the engine uses.

use super::schema::{Queryable, Type};
use super::tree::{Arith, Cmp, Node, Scalar, Span};
use super::{Filter, GEOMETRY};

/// Writes `filter` as SQL. `column` names the SQL expression of a queryable (`GEOMETRY` for
/// the geometry column).
#[must_use]
pub fn where_clause(
    filter: &Filter,
    schema: &[Queryable],
    column: &dyn Fn(&str) -> String,
) -> String {
    Writer { schema, column }.node(filter.root())
}

struct Writer<'a> {
    schema: &'a [Queryable],
    column: &'a dyn Fn(&str) -> String,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:?}::float8")
    } else {
        "NULL".into()
    }
}

impl Writer<'_> {
    fn node(&self, n: &Node) -> String {
        let join = |parts: &[Node], sep: &str| {
            if parts.is_empty() {
                return if sep == " AND " {
                    "TRUE".into()
                } else {
                    "FALSE".into()
                };
            }
            let inner: Vec<String> = parts.iter().map(|p| self.node(p)).collect();
            format!("({})", inner.join(sep))
        };
        match n {
            Node::Const(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Node::And(parts) => join(parts, " AND "),
            Node::Or(parts) => join(parts, " OR "),
            Node::Not(inner) => format!("(NOT {})", self.node(inner)),
            Node::Compare(cmp, a, b) => {
                let (a, b) = self.operands(a, b, matches!(cmp, Cmp::Eq | Cmp::Ne));
                format!("({a} {} {b})", cmp.sql())
            }
            Node::Like(v, p) => format!("({} LIKE {})", self.scalar(v), self.scalar(p)),
            Node::Between(v, lo, hi) => {
                let (value, low) = self.operands(v, lo, false);
                let (_, high) = self.operands(v, hi, false);
                format!("({value} BETWEEN {low} AND {high})")
            }
            Node::In(v, list) => {
                let mut value = self.scalar(v);
                let items: Vec<String> = list
                    .iter()
                    .map(|x| {
                        let (a, b) = self.operands(v, x, true);
                        value = a;
                        b
                    })
                    .collect();
                format!("({value} IN ({}))", items.join(", "))
            }
            Node::IsNull(v) => format!("({} IS NULL)", self.scalar(v)),
            Node::Spatial(op, shape) => {
                let gj = geojson::Geometry::from(&shape.geometry).to_string();
                format!(
                    "{}({}, ST_SetSRID(ST_GeomFromGeoJSON({}), 4326))",
                    op.postgis(),
                    (self.column)(GEOMETRY),
                    quote(&gj)
                )
            }
            Node::Temporal(op, a, b) => {
                let (a0, a1) = self.span(a);
                let (b0, b1) = self.span(b);
                format!("({})", op.sql(&a0, &a1, &b0, &b1))
            }
        }
    }

    /// Two compared operands. A property compared with a literal of its own kind is written
    /// bare where that keeps the answer and lets PostgreSQL use the column's index: an integer
    /// column with a whole number, and a text column with text under `=`, `<>` and `IN`
    /// (equality does not depend on the collation; order does, so `<` keeps "C").
    fn operands(&self, left: &Scalar, right: &Scalar, equality: bool) -> (String, String) {
        let bare = |property: &Scalar, lit: &Scalar| -> Option<(String, String)> {
            let Scalar::Property(index) = property else {
                return None;
            };
            let q = &self.schema[*index];
            let col = (self.column)(q.name);
            match lit {
                Scalar::Number(v)
                    if q.ty == Type::Integer && v.fract() == 0.0 && v.abs() < 9.0e15 =>
                {
                    Some((col, format!("{v:.0}")))
                }
                Scalar::Text(t) if equality && q.ty.is_text() => Some((col, quote(t))),
                _ => None,
            }
        };
        if let Some(pair) = bare(left, right) {
            return pair;
        }
        if let Some((col, lit)) = bare(right, left) {
            return (lit, col);
        }
        (self.scalar(left), self.scalar(right))
    }

    fn span(&self, s: &Span) -> (String, String) {
        match s {
            Span::Instant(x) => {
                let v = self.scalar(x);
                (v.clone(), v)
            }
            Span::Interval(a, b) => (
                a.as_ref()
                    .map_or_else(|| "'-infinity'::timestamptz".into(), |x| self.scalar(x)),
                b.as_ref()
                    .map_or_else(|| "'infinity'::timestamptz".into(), |x| self.scalar(x)),
            ),
        }
    }

    fn scalar(&self, s: &Scalar) -> String {
        match s {
            Scalar::Property(i) => {
                let q = &self.schema[*i];
                let col = (self.column)(q.name);
                match q.ty {
                    Type::Integer | Type::Number => format!("{col}::float8"),
                    Type::Boolean | Type::Timestamp => col,
                    _ => format!("({col})::text COLLATE \"C\""),
                }
            }
            Scalar::Number(v) => number(*v),
            Scalar::Text(t) => format!("{} COLLATE \"C\"", quote(t)),
            Scalar::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Scalar::Time(t) => format!("to_timestamp({t})"),
            Scalar::Null => "NULL".into(),
            Scalar::Lower(inner) => format!("lower({})", self.scalar(inner)),
            Scalar::Arith(op, a, b) => {
                let (a, b) = (self.scalar(a), self.scalar(b));
                match op {
                    Arith::Add => format!("({a} + {b})"),
                    Arith::Sub => format!("({a} - {b})"),
                    Arith::Mul => format!("({a} * {b})"),
                    Arith::Div => format!("({a} / NULLIF({b}, 0))"),
                    Arith::Mod => format!("({a} - {b} * trunc({a} / NULLIF({b}, 0)))"),
                    Arith::Pow => format!("power({a}, {b})"),
                    Arith::IntDiv => format!("trunc({a} / NULLIF({b}, 0))"),
                }
            }
        }
    }
}
