//! The compiled filter: a typed tree whose property references are positions in the
//! collection's queryables, whose literals are already parsed (numbers, instants, geometries)
//! and whose spatial predicates always read "the feature's geometry OP this shape".

use geo::dimensions::Dimensions;
use geo::{BoundingRect, HasDimensions, Rect};

/// A predicate over one feature.
#[derive(Debug, Clone)]
pub enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Compare(Cmp, Scalar, Scalar),
    /// `value LIKE pattern` (`%` any run, `_` one character, `\` escapes).
    Like(Scalar, Scalar),
    Between(Scalar, Scalar, Scalar),
    In(Scalar, Vec<Scalar>),
    IsNull(Scalar),
    /// `op(geometry, shape)`.
    Spatial(SpatialOp, Shape),
    Temporal(TemporalOp, Span, Span),
}

/// A value: a property, a literal or an expression over them.
#[derive(Debug, Clone)]
pub enum Scalar {
    /// A position in the collection's queryables.
    Property(usize),
    Number(f64),
    Text(String),
    Bool(bool),
    /// Unix seconds.
    Time(i64),
    Null,
    Arith(Arith, Box<Scalar>, Box<Scalar>),
    /// `CASEI(x)`: compared case-insensitively.
    Lower(Box<Scalar>),
}

/// An instant or an interval in a temporal predicate; `None` bounds are open (`..`).
#[derive(Debug, Clone)]
pub enum Span {
    Instant(Scalar),
    Interval(Option<Scalar>, Option<Scalar>),
}

/// A literal geometry, in CRS84, with what evaluation needs ready.
#[derive(Debug, Clone)]
pub struct Shape {
    pub geometry: geo::Geometry,
    pub bounds: Rect,
    pub dimension: Dimensions,
}

impl Shape {
    /// `None` for an empty geometry.
    #[must_use]
    pub fn new(geometry: geo::Geometry) -> Option<Self> {
        let bounds = geometry.bounding_rect()?;
        let dimension = geometry.dimensions();
        Some(Self {
            geometry,
            bounds,
            dimension,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// The comparison with its operands swapped (`a < b` is `b > a`).
    #[must_use]
    pub fn flipped(self) -> Self {
        match self {
            Self::Eq => Self::Eq,
            Self::Ne => Self::Ne,
            Self::Lt => Self::Gt,
            Self::Le => Self::Ge,
            Self::Gt => Self::Lt,
            Self::Ge => Self::Le,
        }
    }

    #[must_use]
    pub fn sql(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "<>",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    /// Integer division.
    IntDiv,
}

/// The DE-9IM predicates of CQL2's spatial functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpatialOp {
    Intersects,
    Disjoint,
    Equals,
    Touches,
    Within,
    Contains,
    Overlaps,
    Crosses,
}

impl SpatialOp {
    /// The predicate with its operands swapped: `within(a, b)` is `contains(b, a)`.
    #[must_use]
    pub fn converse(self) -> Self {
        match self {
            Self::Within => Self::Contains,
            Self::Contains => Self::Within,
            other => other,
        }
    }

    /// Whether the feature must meet the shape for the predicate to hold (its bbox then bounds
    /// the candidates).
    #[must_use]
    pub fn needs_contact(self) -> bool {
        self != Self::Disjoint
    }

    #[must_use]
    pub fn postgis(self) -> &'static str {
        match self {
            Self::Intersects => "ST_Intersects",
            Self::Disjoint => "ST_Disjoint",
            Self::Equals => "ST_Equals",
            Self::Touches => "ST_Touches",
            Self::Within => "ST_Within",
            Self::Contains => "ST_Contains",
            Self::Overlaps => "ST_Overlaps",
            Self::Crosses => "ST_Crosses",
        }
    }
}

/// Allen's interval relations as CQL2 names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporalOp {
    After,
    Before,
    Contains,
    Disjoint,
    During,
    Equals,
    FinishedBy,
    Finishes,
    Intersects,
    Meets,
    MetBy,
    OverlappedBy,
    Overlaps,
    StartedBy,
    Starts,
}

impl TemporalOp {
    /// Whether `[a0, a1] op [b0, b1]`, on closed intervals (an instant is `[t, t]`).
    #[must_use]
    pub fn holds(self, (a0, a1): (i64, i64), (b0, b1): (i64, i64)) -> bool {
        match self {
            Self::After => a0 > b1,
            Self::Before => a1 < b0,
            Self::Contains => a0 < b0 && a1 > b1,
            Self::Disjoint => a1 < b0 || a0 > b1,
            Self::During => a0 > b0 && a1 < b1,
            Self::Equals => a0 == b0 && a1 == b1,
            Self::FinishedBy => a0 < b0 && a1 == b1,
            Self::Finishes => a0 > b0 && a1 == b1,
            Self::Intersects => a0 <= b1 && a1 >= b0,
            Self::Meets => a1 == b0,
            Self::MetBy => a0 == b1,
            Self::OverlappedBy => a0 > b0 && a0 < b1 && a1 > b1,
            Self::Overlaps => a0 < b0 && a1 > b0 && a1 < b1,
            Self::StartedBy => a0 == b0 && a1 > b1,
            Self::Starts => a0 == b0 && a1 < b1,
        }
    }

    /// The relation as the same comparisons in SQL, over the four ends.
    #[must_use]
    pub fn sql(self, a0: &str, a1: &str, b0: &str, b1: &str) -> String {
        match self {
            Self::After => format!("{a0} > {b1}"),
            Self::Before => format!("{a1} < {b0}"),
            Self::Contains => format!("{a0} < {b0} AND {a1} > {b1}"),
            Self::Disjoint => format!("({a1} < {b0} OR {a0} > {b1})"),
            Self::During => format!("{a0} > {b0} AND {a1} < {b1}"),
            Self::Equals => format!("{a0} = {b0} AND {a1} = {b1}"),
            Self::FinishedBy => format!("{a0} < {b0} AND {a1} = {b1}"),
            Self::Finishes => format!("{a0} > {b0} AND {a1} = {b1}"),
            Self::Intersects => format!("{a0} <= {b1} AND {a1} >= {b0}"),
            Self::Meets => format!("{a1} = {b0}"),
            Self::MetBy => format!("{a0} = {b1}"),
            Self::OverlappedBy => format!("{a0} > {b0} AND {a0} < {b1} AND {a1} > {b1}"),
            Self::Overlaps => format!("{a0} < {b0} AND {a1} > {b0} AND {a1} < {b1}"),
            Self::StartedBy => format!("{a0} = {b0} AND {a1} > {b1}"),
            Self::Starts => format!("{a0} = {b0} AND {a1} < {b1}"),
        }
    }
}
