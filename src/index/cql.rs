//! CQL2 filters on the incident table: its queryables, and evaluation straight on its columns
//! (no feature is built to test a row).

use std::borrow::Cow;

use geo::{Point, Rect};

use super::{IncidentTable, NONE};
use crate::filter::eval::point_relation;
use crate::filter::tree::{Cmp, Node, Scalar, Shape, SpatialOp};
use crate::filter::{Filter, Queryable, Record, Type, Val, q};
use crate::model::Period;

/// What incidents may be filtered on, in the order [`IncidentRow::value`] reads them.
pub const QUERYABLES: &[Queryable] = &[
    q("id", Type::Integer),
    q("kind", Type::IncidentKind),
    q("status", Type::IncidentStatus),
    q("source", Type::IncidentSource),
    q("reported_at", Type::Timestamp),
    q("resolved_at", Type::Timestamp),
    q("occurred_from", Type::Timestamp),
    q("occurred_to", Type::Timestamp),
    q("grid_id", Type::Integer),
    q("community_id", Type::Integer),
];

/// The position of `reported_at` in [`QUERYABLES`].
pub const REPORTED_AT: usize = 4;

/// A compiled filter bound to the incident table, with the ids its position columns stand
/// for (the table keeps grid and community positions, filters name ids).
#[derive(Debug)]
pub struct IncidentPredicate {
    filter: Filter,
    /// What is left of the filter once its conditions on kind, status and source are masks
    /// (`None`: nothing; the masks decide).
    residual: Option<Filter>,
    /// Bit sets of the kind, status and source codes the filter admits.
    masks: [u32; 3],
    ids: AreaIds,
    bounds: Option<Rect>,
    period: Period,
}

/// The positions in [`QUERYABLES`] of kind, status and source, the byte columns.
const CODED: [usize; 3] = [1, 2, 3];

/// The code of an enumeration value of the coded column `column` (0 kind, 1 status, 2 source).
fn code(column: usize, value: &str) -> Option<u8> {
    use crate::model::{IncidentKind, IncidentSource, IncidentStatus};
    match column {
        0 => value.parse::<IncidentKind>().ok().map(|v| v as u8),
        1 => value.parse::<IncidentStatus>().ok().map(|v| v as u8),
        _ => value.parse::<IncidentSource>().ok().map(|v| v as u8),
    }
}

/// The column and admitted codes of a conjunct `coded = 'x'` or `coded IN ('x', …)`.
fn as_mask(node: &Node) -> Option<(usize, u32)> {
    let (property, values): (usize, Vec<&Scalar>) = match node {
        Node::Compare(Cmp::Eq, Scalar::Property(p), v @ Scalar::Text(_))
        | Node::Compare(Cmp::Eq, v @ Scalar::Text(_), Scalar::Property(p)) => (*p, vec![v]),
        Node::In(Scalar::Property(p), list) => (*p, list.iter().collect()),
        _ => return None,
    };
    let column = CODED.iter().position(|&c| c == property)?;
    let mut mask = 0u32;
    for v in values {
        let Scalar::Text(t) = v else { return None };
        mask |= 1 << code(column, t)?;
    }
    Some((column, mask))
}

/// The ids of the grids and communities, by position (the table keeps positions).
#[derive(Debug, Clone, Default)]
pub struct AreaIds {
    pub grids: Vec<u64>,
    pub communities: Vec<u64>,
}

impl AreaIds {
    #[must_use]
    pub fn of(engine: &super::Engine) -> Self {
        Self {
            grids: engine.grids.items().iter().map(|g| g.id).collect(),
            communities: engine.communities.items().iter().map(|c| c.id).collect(),
        }
    }
}

impl IncidentPredicate {
    #[must_use]
    pub fn new(filter: Filter, ids: AreaIds) -> Self {
        let bounds = filter.bounds();
        let (start, end) = filter.time_bounds(REPORTED_AT);
        // Conditions on the byte columns become masks, tested before (often instead of) the
        // tree: a filter of kinds and statuses costs what `?kind=` costs.
        let mut masks = [u32::MAX; 3];
        let mut rest = Vec::new();
        for part in filter.conjuncts() {
            match as_mask(part) {
                Some((column, mask)) => masks[column] &= mask,
                None => rest.push(part.clone()),
            }
        }
        let residual = (!rest.is_empty()).then(|| Filter::all_of(rest));
        Self {
            filter,
            residual,
            masks,
            ids,
            bounds,
            period: Period { start, end },
        }
    }

    /// The filter this predicate evaluates.
    #[must_use]
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Bounds on `reported_at` every match meets (for the table's binary search).
    #[must_use]
    pub fn period(&self) -> Period {
        self.period
    }

    /// Whether row `r` of `table` matches.
    #[must_use]
    pub fn matches(&self, table: &IncidentTable, r: usize) -> bool {
        if let Some(b) = &self.bounds {
            let (x, y) = (table.lon[r], table.lat[r]);
            if x < b.min().x || x > b.max().x || y < b.min().y || y > b.max().y {
                return false;
            }
        }
        let [kinds, statuses, sources] = self.masks;
        if (kinds >> table.kind[r] as u8)
            & (statuses >> table.status[r] as u8)
            & (sources >> table.source[r] as u8)
            & 1
            == 0
        {
            return false;
        }
        self.residual.as_ref().is_none_or(|f| {
            f.matches(&IncidentRow {
                table,
                row: r,
                ids: &self.ids,
            })
        })
    }
}

/// One row of the table, read as a feature.
pub struct IncidentRow<'a> {
    pub table: &'a IncidentTable,
    pub row: usize,
    pub ids: &'a AreaIds,
}

fn time(t: i64) -> Val<'static> {
    if t == i64::MIN {
        Val::Null
    } else {
        Val::Time(t)
    }
}

#[allow(clippy::cast_precision_loss)] // ids stay below 2^53 (city prefix × 10⁹)
fn id_at(ids: &[u64], pos: u32) -> Val<'static> {
    if pos == NONE {
        Val::Null
    } else {
        ids.get(pos as usize)
            .map_or(Val::Null, |&id| Val::Number(id as f64))
    }
}

impl Record for IncidentRow<'_> {
    #[allow(clippy::cast_precision_loss)] // ids stay below 2^53 (city prefix × 10⁹)
    fn value(&self, property: usize) -> Val<'_> {
        let (t, r) = (self.table, self.row);
        match property {
            0 => Val::Number(t.id[r] as f64),
            1 => Val::Text(Cow::Borrowed(t.kind[r].as_str())),
            2 => Val::Text(Cow::Borrowed(t.status[r].as_str())),
            3 => Val::Text(Cow::Borrowed(t.source[r].as_str())),
            4 => Val::Time(t.reported_at[r]),
            5 => time(t.resolved_at[r]),
            6 => t.occurred[r].map_or(Val::Null, |o| Val::Time(o.from)),
            7 => t.occurred[r].map_or(Val::Null, |o| Val::Time(o.to)),
            8 => id_at(&self.ids.grids, t.grid[r]),
            9 => id_at(&self.ids.communities, t.community[r]),
            _ => Val::Null,
        }
    }

    fn spatial(&self, op: SpatialOp, shape: &Shape) -> bool {
        point_relation(
            op,
            Point::new(self.table.lon[self.row], self.table.lat[self.row]),
            shape,
        )
    }
}
