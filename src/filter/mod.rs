//! CQL2 filters (OGC API – Features Part 3). A request's `filter=` is parsed by the `cql2`
//! crate (developmentseed's cql2-rs, as tipg and martin use), then compiled against the
//! collection's queryables into a typed tree ([`tree::Node`]) that the in-memory engine
//! evaluates feature by feature ([`eval`]) and that [`sql`] writes as the same PostGIS WHERE
//! clause. Compilation is where a filter is refused: an unknown property, operands of
//! different types, a construct this server does not evaluate, each a message naming it.

mod compile;
pub mod eval;
pub mod schema;
pub mod sql;
pub mod tree;

pub use compile::ToLonLat;
pub use eval::{Record, Val};
pub use schema::{Queryable, Type, q};

use geo::Rect;

use self::tree::{Cmp, Node, Scalar, Span, TemporalOp};

/// The name of the features' geometry in filters (as the queryables list it).
pub const GEOMETRY: &str = "geometry";

/// How a filter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Text,
    Json,
}

impl Lang {
    /// `cql2-text` (also GDAL's older `cql-text`) or `cql2-json`.
    ///
    /// # Errors
    /// Any other name.
    pub fn parse(given: &str) -> Result<Self, FilterError> {
        match given.trim() {
            "cql2-text" | "cql-text" => Ok(Self::Text),
            "cql2-json" | "cql-json" => Ok(Self::Json),
            other => Err(FilterError::Invalid(format!(
                "`filter-lang` `{}` is not offered; use cql2-text or cql2-json",
                other.chars().take(64).collect::<String>()
            ))),
        }
    }
}

/// Why a filter was refused. Every variant is the client's error (400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("the filter is not valid {lang} at line {line}, column {column}: {message}")]
    Syntax {
        lang: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "the filter names `{name}`, which is not a queryable here; the queryables are: {queryables}"
    )]
    UnknownProperty { name: String, queryables: String },
    #[error("the filter uses {0}, which this server does not evaluate")]
    Unsupported(String),
    #[error("the filter is not valid: {0}")]
    Invalid(String),
}

/// A compiled filter.
#[derive(Debug, Clone)]
pub struct Filter {
    root: Node,
}

/// Parses `source` (in `lang`) into the crate's expression, keeping the error's position.
fn parse_expr(source: &str, lang: Lang) -> Result<cql2::Expr, FilterError> {
    match lang {
        Lang::Text => cql2::parse_text(source).map_err(|err| match err {
            cql2::Error::Pest(e) => {
                let (line, column) = match e.line_col {
                    pest::error::LineColLocation::Pos(p)
                    | pest::error::LineColLocation::Span(p, _) => p,
                };
                Syntax {
                    line,
                    column,
                    message: e.variant.message().into_owned(),
                }
                .into_error("cql2-text")
            }
            other => FilterError::Invalid(other.to_string()),
        }),
        Lang::Json => cql2::parse_json(source).map_err(|e| {
            Syntax {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            }
            .into_error("cql2-json")
        }),
    }
}

struct Syntax {
    line: usize,
    column: usize,
    message: String,
}

impl Syntax {
    fn into_error(self, lang: &'static str) -> FilterError {
        FilterError::Syntax {
            lang,
            line: self.line,
            column: self.column,
            message: self.message,
        }
    }
}

impl Filter {
    /// Parses and compiles a filter against `schema`; `to_lon_lat` maps a literal geometry's
    /// positions from the filter's CRS (`filter-crs`) to lon/lat.
    ///
    /// # Errors
    /// A filter that does not parse, names a property outside `schema`, mixes types or uses
    /// a construct not offered.
    pub fn parse(
        source: &str,
        lang: Lang,
        schema: &[Queryable],
        to_lon_lat: ToLonLat<'_>,
    ) -> Result<Self, FilterError> {
        if source.trim().is_empty() {
            return Err(FilterError::Invalid("the filter is empty".into()));
        }
        let expr = parse_expr(source, lang)?;
        let root = compile::Compiler { schema, to_lon_lat }.predicate(&expr)?;
        Ok(Self { root })
    }

    /// Parses a filter whose geometries are in lon/lat.
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn parse_lon_lat(
        source: &str,
        lang: Lang,
        schema: &[Queryable],
    ) -> Result<Self, FilterError> {
        Self::parse(source, lang, schema, &|x, y| Ok((x, y)))
    }

    /// Whether the filter is true for `record`.
    pub fn matches(&self, record: &impl Record) -> bool {
        eval::matches(&self.root, record)
    }

    /// The typed tree.
    #[must_use]
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The conditions every match meets: the root's conjuncts.
    #[must_use]
    pub fn conjuncts(&self) -> &[Node] {
        match &self.root {
            Node::And(parts) => parts,
            other => std::slice::from_ref(other),
        }
    }

    /// The filter of the given conjuncts (all of them must hold; none: always true).
    #[must_use]
    pub fn all_of(mut parts: Vec<Node>) -> Self {
        let root = match parts.len() {
            0 => Node::Const(true),
            1 => parts.remove(0),
            _ => Node::And(parts),
        };
        Self { root }
    }

    /// A box every matching feature's geometry meets (from a spatial condition the whole
    /// filter requires), to narrow the candidates before evaluating.
    #[must_use]
    pub fn bounds(&self) -> Option<Rect> {
        self.conjuncts().iter().find_map(|n| match n {
            Node::Spatial(op, shape) if op.needs_contact() => Some(shape.bounds),
            _ => None,
        })
    }

    /// Closed bounds every match's `property` (an instant) lies within, from the conditions
    /// the whole filter requires; `None` ends are open.
    #[must_use]
    pub fn time_bounds(&self, property: usize) -> (Option<i64>, Option<i64>) {
        let (mut lo, mut hi) = (None::<i64>, None::<i64>);
        let mut raise = |v: i64| lo = Some(lo.map_or(v, |l| l.max(v)));
        let mut lower = |v: i64| hi = Some(hi.map_or(v, |h| h.min(v)));
        for n in self.conjuncts() {
            match n {
                Node::Compare(cmp, Scalar::Property(p), Scalar::Time(t)) if *p == property => {
                    match cmp {
                        Cmp::Eq => {
                            raise(*t);
                            lower(*t);
                        }
                        Cmp::Gt => raise(t.saturating_add(1)),
                        Cmp::Ge => raise(*t),
                        Cmp::Lt => lower(t.saturating_sub(1)),
                        Cmp::Le => lower(*t),
                        Cmp::Ne => {}
                    }
                }
                Node::Between(Scalar::Property(p), Scalar::Time(a), Scalar::Time(b))
                    if *p == property =>
                {
                    raise(*a);
                    lower(*b);
                }
                Node::Temporal(op, Span::Instant(Scalar::Property(p)), other) if *p == property => {
                    let (b0, b1) = match other {
                        Span::Instant(Scalar::Time(t)) => (Some(*t), Some(*t)),
                        Span::Interval(a, b) => (
                            match a {
                                None => None,
                                Some(Scalar::Time(t)) => Some(*t),
                                Some(_) => continue,
                            },
                            match b {
                                None => None,
                                Some(Scalar::Time(t)) => Some(*t),
                                Some(_) => continue,
                            },
                        ),
                        Span::Instant(_) => continue,
                    };
                    match op {
                        TemporalOp::Intersects
                        | TemporalOp::During
                        | TemporalOp::Equals
                        | TemporalOp::Starts
                        | TemporalOp::Finishes => {
                            if let Some(t) = b0 {
                                raise(t);
                            }
                            if let Some(t) = b1 {
                                lower(t);
                            }
                        }
                        TemporalOp::After => {
                            if let Some(t) = b1 {
                                raise(t.saturating_add(1));
                            }
                        }
                        TemporalOp::Before => {
                            if let Some(t) = b0 {
                                lower(t.saturating_sub(1));
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        (lo, hi)
    }
}
