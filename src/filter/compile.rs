//! From the `cql2` crate's untyped expression to a [`Node`]: property names resolved against
//! the collection's queryables, literals parsed, operand types checked, every construct this
//! server does not evaluate refused by name.

use cql2::Expr;

use super::schema::{Queryable, Type};
use super::tree::{Arith, Cmp, Node, Scalar, Shape, Span, SpatialOp, TemporalOp};
use super::{FilterError, GEOMETRY};
use crate::model::parse_instant;

/// What a scalar evaluates to, for type checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Number,
    Text,
    Bool,
    Time,
    Null,
    Geometry,
}

impl Sort {
    fn name(self) -> &'static str {
        match self {
            Self::Number => "a number",
            Self::Text => "text",
            Self::Bool => "a boolean",
            Self::Time => "an instant",
            Self::Null => "NULL",
            Self::Geometry => "a geometry",
        }
    }
}

fn sort_of(ty: Type) -> Sort {
    match ty {
        Type::Integer | Type::Number => Sort::Number,
        Type::Boolean => Sort::Bool,
        Type::Timestamp => Sort::Time,
        _ => Sort::Text,
    }
}

/// Maps a literal geometry's positions (in the filter's CRS and axis order) to lon/lat.
pub type ToLonLat<'a> = &'a dyn Fn(f64, f64) -> Result<(f64, f64), String>;

pub(super) struct Compiler<'a> {
    pub schema: &'a [Queryable],
    pub to_lon_lat: ToLonLat<'a>,
}

fn unsupported(what: &str) -> FilterError {
    FilterError::Unsupported(what.to_owned())
}

/// A short rendering of an expression for messages.
fn show(e: &Expr) -> String {
    let text = e.to_text().unwrap_or_else(|_| format!("{e:?}"));
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

fn arity(op: &str, args: &[Box<Expr>], n: usize) -> Result<(), FilterError> {
    if args.len() == n {
        Ok(())
    } else {
        Err(FilterError::Invalid(format!(
            "{} takes {n} arguments, not {}",
            op.to_uppercase(),
            args.len()
        )))
    }
}

impl Compiler<'_> {
    pub(super) fn predicate(&self, e: &Expr) -> Result<Node, FilterError> {
        match e {
            Expr::Bool(b) => Ok(Node::Const(*b)),
            Expr::Operation { op, args } => self.operation(op, args),
            Expr::Property { property } => {
                let (i, ty) = self.property(property)?;
                if ty == Type::Boolean {
                    Ok(Node::Compare(
                        Cmp::Eq,
                        Scalar::Property(i),
                        Scalar::Bool(true),
                    ))
                } else {
                    Err(FilterError::Invalid(format!(
                        "`{property}` is not a boolean, so it is not a condition by itself"
                    )))
                }
            }
            other => Err(FilterError::Invalid(format!(
                "`{}` is a value, not a condition",
                show(other)
            ))),
        }
    }

    fn operation(&self, op: &str, args: &[Box<Expr>]) -> Result<Node, FilterError> {
        match op {
            "and" | "or" => {
                let parts = args
                    .iter()
                    .map(|a| self.predicate(a))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if op == "and" {
                    Node::And(parts)
                } else {
                    Node::Or(parts)
                })
            }
            "not" => {
                arity(op, args, 1)?;
                Ok(Node::Not(Box::new(self.predicate(&args[0])?)))
            }
            "=" | "<>" | "<" | "<=" | ">" | ">=" => {
                arity(op, args, 2)?;
                let cmp = match op {
                    "=" => Cmp::Eq,
                    "<>" => Cmp::Ne,
                    "<" => Cmp::Lt,
                    "<=" => Cmp::Le,
                    ">" => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                let (a, b) = self.comparable(&args[0], &args[1], op)?;
                Ok(Node::Compare(cmp, a, b))
            }
            "like" => {
                arity(op, args, 2)?;
                let (value, sa) = self.scalar(&args[0])?;
                let (pattern, sp) = self.scalar(&args[1])?;
                for s in [sa, sp] {
                    if !matches!(s, Sort::Text | Sort::Null) {
                        return Err(FilterError::Invalid(format!(
                            "LIKE compares text, and `{}` is {}",
                            show(&args[0]),
                            s.name()
                        )));
                    }
                }
                Ok(Node::Like(value, pattern))
            }
            "between" => {
                arity(op, args, 3)?;
                let (value, low) = self.comparable(&args[0], &args[1], op)?;
                let (_, high) = self.comparable(&args[0], &args[2], op)?;
                Ok(Node::Between(value, low, high))
            }
            "in" => {
                arity(op, args, 2)?;
                let Expr::Array(items) = args[1].as_ref() else {
                    return Err(FilterError::Invalid("IN needs a list".into()));
                };
                let mut list = Vec::with_capacity(items.len());
                let mut value = None;
                for item in items {
                    let (v, x) = self.comparable(&args[0], item, op)?;
                    value = Some(v);
                    list.push(x);
                }
                let value = match value {
                    Some(v) => v,
                    None => self.scalar(&args[0])?.0,
                };
                Ok(Node::In(value, list))
            }
            "isNull" => {
                arity(op, args, 1)?;
                Ok(Node::IsNull(self.scalar(&args[0])?.0))
            }
            op if op.starts_with("s_") => self.spatial(op, args),
            op if op.starts_with("t_") => self.temporal(op, args),
            op if op.starts_with("a_") => Err(unsupported(&format!(
                "{} (array functions; no queryable here is an array)",
                op.to_uppercase()
            ))),
            "accenti" => Err(unsupported(
                "ACCENTI (accent-insensitive comparison is not offered; CASEI is)",
            )),
            other => Err(FilterError::Invalid(format!(
                "`{other}` is not a condition (a comparison, LIKE, BETWEEN, IN, IS NULL, a spatial or temporal function, or AND/OR/NOT of them)"
            ))),
        }
    }

    fn property(&self, name: &str) -> Result<(usize, Type), FilterError> {
        self.schema
            .iter()
            .position(|q| q.name == name)
            .map(|i| (i, self.schema[i].ty))
            .ok_or_else(|| {
                let known: Vec<&str> = self.schema.iter().map(|q| q.name).collect();
                FilterError::UnknownProperty {
                    name: name.chars().take(64).collect(),
                    queryables: known.join(", "),
                }
            })
    }

    /// Two operands of a comparison, checked to be of one sort; a text literal compared with
    /// an instant is read as an instant, and a text literal compared with an enumeration must
    /// be one of its names.
    fn comparable(&self, a: &Expr, b: &Expr, op: &str) -> Result<(Scalar, Scalar), FilterError> {
        let (mut x, mut sx) = self.scalar(a)?;
        let (mut y, mut sy) = self.scalar(b)?;
        if sx == Sort::Time && sy == Sort::Text {
            (y, sy) = (instant_of(&y)?, Sort::Time);
        }
        if sy == Sort::Time && sx == Sort::Text {
            (x, sx) = (instant_of(&x)?, Sort::Time);
        }
        if sx != sy && sx != Sort::Null && sy != Sort::Null {
            return Err(FilterError::Invalid(format!(
                "{} compares `{}` ({}) with `{}` ({})",
                op.to_uppercase(),
                show(a),
                sx.name(),
                show(b),
                sy.name()
            )));
        }
        if sx == Sort::Geometry {
            return Err(FilterError::Invalid(format!(
                "{} does not compare geometries; use S_EQUALS",
                op.to_uppercase()
            )));
        }
        for (p, lit) in [(&x, &y), (&y, &x)] {
            if let (Scalar::Property(i), Scalar::Text(t)) = (p, lit)
                && let Some(names) = self.schema[*i].ty.vocabulary()
                && (op == "=" || op == "in")
                && !names.contains(&t.as_str())
            {
                return Err(FilterError::Invalid(format!(
                    "`{}` has no value '{t}'; its values are {}",
                    self.schema[*i].name,
                    names.join(", ")
                )));
            }
        }
        Ok((x, y))
    }

    fn scalar(&self, e: &Expr) -> Result<(Scalar, Sort), FilterError> {
        Ok(match e {
            Expr::Property { property } => {
                if property == GEOMETRY {
                    return Ok((Scalar::Null, Sort::Geometry));
                }
                let (i, ty) = self.property(property)?;
                (Scalar::Property(i), sort_of(ty))
            }
            Expr::Float(v) => (Scalar::Number(*v), Sort::Number),
            Expr::Literal(s) => (Scalar::Text(s.clone()), Sort::Text),
            Expr::Bool(b) => (Scalar::Bool(*b), Sort::Bool),
            Expr::Null => (Scalar::Null, Sort::Null),
            Expr::Timestamp { timestamp } | Expr::Date { date: timestamp } => {
                (Scalar::Time(literal_instant(timestamp)?), Sort::Time)
            }
            Expr::Geometry(_) | Expr::BBox { .. } => (Scalar::Null, Sort::Geometry),
            Expr::Interval { .. } => {
                return Err(FilterError::Invalid(
                    "an INTERVAL is compared only by the temporal functions (T_…)".into(),
                ));
            }
            Expr::Array(_) => {
                return Err(unsupported("arrays outside IN (no queryable is an array)"));
            }
            Expr::Operation { op, args } => match op.as_str() {
                "casei" => {
                    arity(op, args, 1)?;
                    let (inner, s) = self.scalar(&args[0])?;
                    if s != Sort::Text {
                        return Err(FilterError::Invalid(format!(
                            "CASEI takes text, and `{}` is {}",
                            show(&args[0]),
                            s.name()
                        )));
                    }
                    (Scalar::Lower(Box::new(inner)), Sort::Text)
                }
                "+" | "-" | "*" | "/" | "%" | "^" | "div" => self.arithmetic(op, args)?,
                "accenti" => {
                    return Err(unsupported(
                        "ACCENTI (accent-insensitive comparison is not offered; CASEI is)",
                    ));
                }
                other => {
                    return Err(unsupported(&format!(
                        "the function `{other}` (none are offered beyond CQL2's own)"
                    )));
                }
            },
        })
    }

    fn arithmetic(&self, op: &str, args: &[Box<Expr>]) -> Result<(Scalar, Sort), FilterError> {
        let arith = match op {
            "+" => Arith::Add,
            "-" => Arith::Sub,
            "*" => Arith::Mul,
            "/" => Arith::Div,
            "%" => Arith::Mod,
            "^" => Arith::Pow,
            _ => Arith::IntDiv,
        };
        if args.len() < 2 || (matches!(arith, Arith::Pow | Arith::IntDiv) && args.len() != 2) {
            return Err(FilterError::Invalid(format!("`{op}` needs two operands")));
        }
        let mut operands = args.iter().map(|a| {
            let (s, sort) = self.scalar(a)?;
            if matches!(sort, Sort::Number | Sort::Null) {
                Ok(s)
            } else {
                Err(FilterError::Invalid(format!(
                    "arithmetic takes numbers, and `{}` is {}",
                    show(a),
                    sort.name()
                )))
            }
        });
        let first = operands.next().unwrap_or(Ok(Scalar::Null))?;
        // Chained operands read to the left: a + b + c is (a + b) + c.
        let value = operands.try_fold(first, |acc, next| {
            Ok::<_, FilterError>(Scalar::Arith(arith, Box::new(acc), Box::new(next?)))
        })?;
        Ok((value, Sort::Number))
    }

    fn spatial(&self, op: &str, args: &[Box<Expr>]) -> Result<Node, FilterError> {
        arity(op, args, 2)?;
        let spatial = match op {
            "s_intersects" => SpatialOp::Intersects,
            "s_disjoint" => SpatialOp::Disjoint,
            "s_equals" => SpatialOp::Equals,
            "s_touches" => SpatialOp::Touches,
            "s_within" => SpatialOp::Within,
            "s_contains" => SpatialOp::Contains,
            "s_overlaps" => SpatialOp::Overlaps,
            "s_crosses" => SpatialOp::Crosses,
            other => return Err(unsupported(&other.to_uppercase())),
        };
        let is_geometry =
            |e: &Expr| matches!(e, Expr::Property { property } if property == GEOMETRY);
        match (is_geometry(&args[0]), is_geometry(&args[1])) {
            (true, false) => Ok(Node::Spatial(spatial, self.shape(&args[1])?)),
            (false, true) => Ok(Node::Spatial(spatial.converse(), self.shape(&args[0])?)),
            (true, true) => Err(FilterError::Invalid(format!(
                "{} compares the feature's geometry with itself; give a literal geometry",
                op.to_uppercase()
            ))),
            (false, false) => Err(FilterError::Invalid(format!(
                "{} needs the property `{GEOMETRY}` on one side",
                op.to_uppercase()
            ))),
        }
    }

    /// A literal geometry (WKT, GeoJSON or BBOX) in lon/lat.
    #[allow(clippy::many_single_char_names)] // corners and coordinates
    fn shape(&self, e: &Expr) -> Result<Shape, FilterError> {
        let geometry: geo::Geometry = match e {
            Expr::BBox { bbox } => {
                let v: Vec<f64> = bbox
                    .iter()
                    .map(|b| match b.as_ref() {
                        Expr::Float(v) => Ok(*v),
                        other => Err(FilterError::Invalid(format!(
                            "BBOX takes numbers, not `{}`",
                            show(other)
                        ))),
                    })
                    .collect::<Result<_, _>>()?;
                let (x0, y0, x1, y1) = match v.as_slice() {
                    // Four numbers, or six with heights (ignored).
                    [a, b, c, d] | [a, b, _, c, d, _] => (*a, *b, *c, *d),
                    _ => {
                        return Err(FilterError::Invalid(
                            "BBOX takes four (or six) numbers".into(),
                        ));
                    }
                };
                geo::Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 })
                    .to_polygon()
                    .into()
            }
            Expr::Geometry(g) => {
                let value = serde_json::to_value(g).map_err(|err| {
                    FilterError::Invalid(format!("the geometry does not read: {err}"))
                })?;
                let gj: geojson::Geometry = serde_json::from_value(value).map_err(|err| {
                    FilterError::Invalid(format!("the geometry does not read: {err}"))
                })?;
                geo::Geometry::try_from(gj).map_err(|err| {
                    FilterError::Invalid(format!("the geometry does not read: {err}"))
                })?
            }
            other => {
                return Err(FilterError::Invalid(format!(
                    "a spatial function compares `{GEOMETRY}` with a literal geometry (WKT, GeoJSON or BBOX), not `{}`",
                    show(other)
                )));
            }
        };
        let geometry = geo::MapCoords::try_map_coords(&geometry, |c| {
            (self.to_lon_lat)(c.x, c.y).map(|(x, y)| geo::coord! { x: x, y: y })
        })
        .map_err(|err| {
            FilterError::Invalid(format!(
                "a literal geometry's position does not map to lon/lat: {err}"
            ))
        })?;
        Shape::new(geometry).ok_or_else(|| FilterError::Invalid("the geometry is empty".into()))
    }

    fn temporal(&self, op: &str, args: &[Box<Expr>]) -> Result<Node, FilterError> {
        arity(op, args, 2)?;
        let temporal = match op {
            "t_after" => TemporalOp::After,
            "t_before" => TemporalOp::Before,
            "t_contains" => TemporalOp::Contains,
            "t_disjoint" => TemporalOp::Disjoint,
            "t_during" => TemporalOp::During,
            "t_equals" => TemporalOp::Equals,
            "t_finishedBy" => TemporalOp::FinishedBy,
            "t_finishes" => TemporalOp::Finishes,
            "t_intersects" => TemporalOp::Intersects,
            "t_meets" => TemporalOp::Meets,
            "t_metBy" => TemporalOp::MetBy,
            "t_overlappedBy" => TemporalOp::OverlappedBy,
            "t_overlaps" => TemporalOp::Overlaps,
            "t_startedBy" => TemporalOp::StartedBy,
            "t_starts" => TemporalOp::Starts,
            other => return Err(unsupported(&other.to_uppercase())),
        };
        Ok(Node::Temporal(
            temporal,
            self.span(&args[0])?,
            self.span(&args[1])?,
        ))
    }

    fn span(&self, e: &Expr) -> Result<Span, FilterError> {
        let end = |b: &Expr| -> Result<Option<Scalar>, FilterError> {
            match b {
                Expr::Literal(s) if s == ".." => Ok(None),
                Expr::Literal(s) => Ok(Some(Scalar::Time(text_instant(s)?))),
                other => match self.scalar(other)? {
                    (s, Sort::Time) => Ok(Some(s)),
                    (_, sort) => Err(FilterError::Invalid(format!(
                        "an INTERVAL's ends are instants, and `{}` is {}",
                        show(other),
                        sort.name()
                    ))),
                },
            }
        };
        match e {
            // A date is its whole (local) day.
            Expr::Date { date } => {
                let start = literal_instant(date)?;
                Ok(Span::Interval(
                    Some(Scalar::Time(start)),
                    Some(Scalar::Time(start + 86_399)),
                ))
            }
            Expr::Interval { interval } => match interval.as_slice() {
                [a, b] => Ok(Span::Interval(end(a)?, end(b)?)),
                _ => Err(FilterError::Invalid("INTERVAL takes two ends".into())),
            },
            other => match self.scalar(other)? {
                (s, Sort::Time) => Ok(Span::Instant(s)),
                (Scalar::Text(t), Sort::Text) => Ok(Span::Instant(Scalar::Time(text_instant(&t)?))),
                (_, sort) => Err(FilterError::Invalid(format!(
                    "the temporal functions compare instants and intervals, and `{}` is {}",
                    show(other),
                    sort.name()
                ))),
            },
        }
    }
}

fn text_instant(s: &str) -> Result<i64, FilterError> {
    parse_instant(s).map_err(|e| FilterError::Invalid(format!("instant: {e}")))
}

fn literal_instant(e: &Expr) -> Result<i64, FilterError> {
    match e {
        Expr::Literal(s) => text_instant(s),
        other => Err(FilterError::Invalid(format!(
            "TIMESTAMP and DATE take a quoted instant, not `{}`",
            show(other)
        ))),
    }
}

fn instant_of(s: &Scalar) -> Result<Scalar, FilterError> {
    match s {
        Scalar::Text(t) => Ok(Scalar::Time(text_instant(t)?)),
        other => Ok(other.clone()),
    }
}
