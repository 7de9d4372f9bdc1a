//! The incident table: one column per attribute, rows sorted by `reported_at`, so a period
//! filter is a binary search and every other filter a tight loop over small integers.

use geo::Coord;
use h3o::CellIndex;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::bins::{BinMembers, CellBins, RowPick};

/// The resolution of [`IncidentTable::members`].
const MEMBERS_RES: h3o::Resolution = h3o::Resolution::Nine;
use super::handling::{Departments, HandlingRow, record_of, row_of};
use super::layer::Layer;
use super::locate::{GridLocator, locate_all};
use crate::model::{
    Bbox, Grid, Incident, IncidentKind, IncidentSource, IncidentStatus, Occurred, Period,
};

/// Marks "no grid" / "no community" in the position columns.
pub const NONE: u32 = u32::MAX;

/// Incidents, column-wise, sorted by (`reported_at`, `id`).
#[derive(Default)]
pub struct IncidentTable {
    pub id: Vec<u64>,
    pub lon: Vec<f64>,
    pub lat: Vec<f64>,
    /// Res-11 H3 cell (raw `u64`, 0 when the point has none), from [`super::cell_of`].
    pub cell: Vec<u64>,
    /// The rows' cells at the analytics resolutions: binning is an array read, not an H3 call.
    pub bins: CellBins,
    /// The rows of each res-9 bin, to find the incidents in a small area (a map tile).
    pub members: BinMembers,
    pub kind: Vec<IncidentKind>,
    pub status: Vec<IncidentStatus>,
    pub source: Vec<IncidentSource>,
    pub reported_at: Vec<i64>,
    /// `i64::MIN` when not resolved.
    pub resolved_at: Vec<i64>,
    /// The window it happened in, when only that is known.
    pub occurred: Vec<Option<Occurred>>,
    /// Position in the grid layer, or [`NONE`].
    pub grid: Vec<u32>,
    /// Position in the community layer, or [`NONE`].
    pub community: Vec<u32>,
    /// Each row's handling (state, department, clock).
    pub handling: Vec<HandlingRow>,
    /// The departments the handling rows name by code.
    pub departments: Departments,
    /// The rows whose handling clock is open (filed, not closed), in time order: the queue
    /// and the clock pass visit these, not every row.
    pub open: Vec<u32>,
    by_id: FxHashMap<u64, u32>,
}

/// Which incidents a query wants. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub kinds: Vec<IncidentKind>,
    pub statuses: Vec<IncidentStatus>,
    pub sources: Vec<IncidentSource>,
    pub period: Period,
    /// Grid positions.
    pub grids: Vec<u32>,
    /// Community positions.
    pub communities: Vec<u32>,
    pub bbox: Option<Bbox>,
    /// A CQL2 filter (`filter=`), tested after the others.
    pub cql: Option<std::sync::Arc<crate::index::cql::IncidentPredicate>>,
}

impl IncidentTable {
    /// Builds the table: sorts by time, computes each incident's res-11 cell and assigns its grid
    /// (and through the grid, its community), in parallel.
    #[must_use]
    pub fn build(
        mut rows: Vec<Incident>,
        grids: &Layer<Grid>,
        grid_community: &[u32],
        locator: &GridLocator,
    ) -> Self {
        rows.par_sort_unstable_by_key(|r| (r.reported_at, r.id));
        let points: Vec<Coord> = rows.iter().map(|r| Coord { x: r.lon, y: r.lat }).collect();
        let placed = locate_all(grids, locator, &points);
        let mut t = Self::with_capacity(rows.len());
        for (r, (cell, grid)) in rows.iter().zip(placed) {
            let community = if grid == NONE {
                NONE
            } else {
                grid_community[grid as usize]
            };
            let handling = row_of(r, &mut t.departments);
            t.push_row(r, cell, grid, community, handling);
        }
        t.bins = CellBins::with_eager(&t.cell, &points, &[MEMBERS_RES]);
        t.index_ids();
        t.index_open();
        t.index_members();
        t
    }

    /// A copy of this table with `upserts` applied: an incident whose id is already here
    /// replaces the old row (a status change, say), others are added; only the new rows are
    /// located, and the result is merged in time order in one pass. The cost is a copy of the
    /// columns (tens of milliseconds at 1M incidents), paid by writes so reads never lock.
    #[must_use]
    pub fn with_upserts(
        &self,
        mut upserts: Vec<Incident>,
        grids: &Layer<Grid>,
        grid_community: &[u32],
        locator: &GridLocator,
    ) -> Self {
        // The last upsert of an id wins.
        upserts.reverse();
        let mut seen = rustc_hash::FxHashSet::default();
        upserts.retain(|r| seen.insert(r.id));
        upserts.sort_unstable_by_key(|r| (r.reported_at, r.id));
        let points: Vec<Coord> = upserts
            .iter()
            .map(|r| Coord { x: r.lon, y: r.lat })
            .collect();
        let placed = locate_all(grids, locator, &points);

        let mut picks = Vec::with_capacity(self.len() + upserts.len());
        let (mut old, mut new) = (0, 0);
        while old < self.len() || new < upserts.len() {
            if old < self.len() && seen.contains(&self.id[old]) {
                old += 1;
                continue;
            }
            let take_old = new == upserts.len()
                || (old < self.len()
                    && (self.reported_at[old], self.id[old])
                        < (upserts[new].reported_at, upserts[new].id));
            if take_old {
                picks.push(RowPick::Old(old as u32));
                old += 1;
            } else {
                picks.push(RowPick::New(new as u32));
                new += 1;
            }
        }
        let new_cells: Vec<u64> = placed.iter().map(|(cell, _)| *cell).collect();
        let mut t = Self::with_capacity(picks.len());
        t.departments = self.departments.clone();
        t.bins = self.bins.merged(&picks, &new_cells, &points);
        for pick in &picks {
            match *pick {
                RowPick::Old(r) => {
                    let r = r as usize;
                    t.push_row(
                        &self.incident_without_handling(r),
                        self.cell[r],
                        self.grid[r],
                        self.community[r],
                        self.handling[r],
                    );
                }
                RowPick::New(i) => {
                    let (cell, grid) = placed[i as usize];
                    let community = if grid == NONE {
                        NONE
                    } else {
                        grid_community[grid as usize]
                    };
                    let upsert = &upserts[i as usize];
                    let handling = row_of(upsert, &mut t.departments);
                    t.push_row(upsert, cell, grid, community, handling);
                }
            }
        }
        t.index_ids();
        t.index_open();
        t.index_members();
        t
    }

    fn index_members(&mut self) {
        self.members = self
            .bin_level(MEMBERS_RES)
            .map(BinMembers::build)
            .unwrap_or_default();
    }

    /// The bins of `res` (one of [`super::BIN_RESOLUTIONS`]), binned on first use.
    #[must_use]
    pub fn bin_level(&self, res: h3o::Resolution) -> Option<&super::BinLevel> {
        self.bins
            .level_or_bin(res, &self.cell, &self.lon, &self.lat)
    }

    /// Bins every resolution not binned yet (the server does this right after it starts
    /// listening, so the first hexbins at a new resolution do not wait).
    pub fn bin_all_levels(&self) {
        use rayon::prelude::*;
        super::BIN_RESOLUTIONS
            .collect::<Vec<u8>>()
            .into_par_iter()
            .filter_map(|r| h3o::Resolution::try_from(r).ok())
            .for_each(|res| {
                let _ = self.bin_level(res);
            });
    }

    /// The rows whose point lies in `rect` (closed), in no particular order, found through the
    /// res-9 bins near it rather than a scan.
    #[must_use]
    pub fn rows_in(&self, rect: &geo::Rect) -> Vec<u32> {
        // A res-9 cell reaches at most ~0.2 km (0.002°) from its centre.
        self.members
            .rows_near(rect, 0.003)
            .filter(|&r| {
                let (x, y) = (self.lon[r as usize], self.lat[r as usize]);
                x >= rect.min().x && x <= rect.max().x && y >= rect.min().y && y <= rect.max().y
            })
            .collect()
    }

    /// The incident of row `row`, as input would give it.
    #[must_use]
    pub fn incident(&self, row: usize) -> Incident {
        Incident {
            handling: record_of(&self.handling[row], &self.departments).map(Box::new),
            ..self.incident_without_handling(row)
        }
    }

    /// The incident of row `row` without its handling record (which costs allocations).
    fn incident_without_handling(&self, row: usize) -> Incident {
        Incident {
            id: self.id[row],
            lon: self.lon[row],
            lat: self.lat[row],
            kind: self.kind[row],
            reported_at: self.reported_at[row],
            status: self.status[row],
            resolved_at: (self.resolved_at[row] != i64::MIN).then_some(self.resolved_at[row]),
            source: self.source[row],
            occurred: self.occurred[row],
            handling: None,
        }
    }

    /// The largest incident id, if any.
    #[must_use]
    pub fn max_id(&self) -> Option<u64> {
        self.id.iter().copied().max()
    }

    fn with_capacity(n: usize) -> Self {
        Self {
            id: Vec::with_capacity(n),
            lon: Vec::with_capacity(n),
            lat: Vec::with_capacity(n),
            cell: Vec::with_capacity(n),
            bins: CellBins::default(),
            members: BinMembers::default(),
            kind: Vec::with_capacity(n),
            status: Vec::with_capacity(n),
            source: Vec::with_capacity(n),
            reported_at: Vec::with_capacity(n),
            resolved_at: Vec::with_capacity(n),
            occurred: Vec::with_capacity(n),
            grid: Vec::with_capacity(n),
            community: Vec::with_capacity(n),
            handling: Vec::with_capacity(n),
            departments: Departments::default(),
            open: Vec::new(),
            by_id: FxHashMap::default(),
        }
    }

    fn push_row(
        &mut self,
        r: &Incident,
        cell: u64,
        grid: u32,
        community: u32,
        handling: HandlingRow,
    ) {
        self.handling.push(handling);
        self.id.push(r.id);
        self.lon.push(r.lon);
        self.lat.push(r.lat);
        self.cell.push(cell);
        self.kind.push(r.kind);
        self.status.push(r.status);
        self.source.push(r.source);
        self.reported_at.push(r.reported_at);
        self.resolved_at.push(r.resolved_at.unwrap_or(i64::MIN));
        self.occurred.push(r.occurred);
        self.grid.push(grid);
        self.community.push(community);
    }

    fn index_open(&mut self) {
        self.open = self
            .handling
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                h.filed_at != i64::MIN && h.state != crate::model::HandlingState::Closed
            })
            .map(|(r, _)| r as u32)
            .collect();
    }

    fn index_ids(&mut self) {
        self.by_id = self
            .id
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
    }

    /// Number of incidents.
    #[must_use]
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether there are no incidents.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The row of the incident with this id.
    #[must_use]
    pub fn row(&self, id: u64) -> Option<usize> {
        self.by_id.get(&id).map(|&r| r as usize)
    }

    /// The res-11 cell of row `row`.
    #[must_use]
    pub fn cell_at(&self, row: usize) -> Option<CellIndex> {
        CellIndex::try_from(self.cell[row]).ok()
    }

    /// The rows whose `reported_at` lies in `period` (a contiguous range, by binary search).
    #[must_use]
    pub fn time_range(&self, period: &Period) -> std::ops::Range<usize> {
        let lo = period
            .start
            .map_or(0, |s| self.reported_at.partition_point(|&t| t < s));
        let hi = period.end.map_or(self.len(), |e| {
            self.reported_at.partition_point(|&t| t <= e)
        });
        lo..hi.max(lo)
    }

    /// Rows matching `filter`, ascending (that is, by time).
    #[must_use]
    pub fn select(&self, filter: &IncidentFilter) -> Vec<u32> {
        let mut rows = Vec::new();
        self.for_each_match(filter, |r| rows.push(r as u32));
        rows
    }

    /// Calls `visit` with every row matching `filter`, in time order. The period is a binary
    /// search; the other filters are tests on byte columns, so aggregations need no row list.
    pub fn for_each_match(&self, filter: &IncidentFilter, mut visit: impl FnMut(usize)) {
        let period = match &filter.cql {
            Some(cql) => filter.period.intersect(&cql.period()),
            None => filter.period,
        };
        let range = self.time_range(&period);
        let kinds = mask(filter.kinds.iter().map(|k| *k as u8));
        let statuses = mask(filter.statuses.iter().map(|s| *s as u8));
        let sources = mask(filter.sources.iter().map(|s| *s as u8));
        let codes = self.kind[range.clone()]
            .iter()
            .zip(&self.status[range.clone()])
            .zip(&self.source[range.clone()]);
        let wanted =
            |((kind, status), source): ((&IncidentKind, &IncidentStatus), &IncidentSource)| {
                (kinds >> *kind as u8)
                    & (statuses >> *status as u8)
                    & (sources >> *source as u8)
                    & 1
                    != 0
            };
        if filter.grids.is_empty()
            && filter.communities.is_empty()
            && filter.bbox.is_none()
            && filter.cql.is_none()
        {
            // The common case, kept to byte tests so the loop stays tight.
            for (r, codes) in range.zip(codes) {
                if wanted(codes) {
                    visit(r);
                }
            }
            return;
        }
        for (r, codes) in range.zip(codes) {
            if wanted(codes) && self.in_areas(filter, r) {
                visit(r);
            }
        }
    }

    /// Whether row `r` lies in the filter's grids, communities and bbox.
    fn in_areas(&self, filter: &IncidentFilter, r: usize) -> bool {
        (filter.grids.is_empty() || filter.grids.contains(&self.grid[r]))
            && (filter.communities.is_empty() || filter.communities.contains(&self.community[r]))
            && filter
                .bbox
                .is_none_or(|b| b.holds(self.lon[r], self.lat[r]))
            && filter.cql.as_ref().is_none_or(|c| c.matches(self, r))
    }

    /// Whether row `r` matches `filter`, tested on its own: the same rules as
    /// [`Self::for_each_match`], for rows found another way (through the bins near a tile).
    #[must_use]
    pub fn row_matches(&self, filter: &IncidentFilter, r: usize) -> bool {
        let t = self.reported_at[r];
        filter.period.start.is_none_or(|s| t >= s)
            && filter.period.end.is_none_or(|e| t <= e)
            && (filter.kinds.is_empty() || filter.kinds.contains(&self.kind[r]))
            && (filter.statuses.is_empty() || filter.statuses.contains(&self.status[r]))
            && (filter.sources.is_empty() || filter.sources.contains(&self.source[r]))
            && (filter.grids.is_empty() || filter.grids.contains(&self.grid[r]))
            && (filter.communities.is_empty() || filter.communities.contains(&self.community[r]))
            && filter
                .bbox
                .is_none_or(|b| b.holds(self.lon[r], self.lat[r]))
            && filter.cql.as_ref().is_none_or(|c| c.matches(self, r))
    }

    /// The time span of all incidents, if any.
    #[must_use]
    pub fn time_extent(&self) -> Option<(i64, i64)> {
        Some((*self.reported_at.first()?, *self.reported_at.last()?))
    }

    /// The lon/lat bounding box of all incidents, if any.
    #[must_use]
    pub fn extent(&self) -> Option<geo::Rect> {
        let (mut min, mut max) = (
            Coord {
                x: f64::MAX,
                y: f64::MAX,
            },
            Coord {
                x: f64::MIN,
                y: f64::MIN,
            },
        );
        for (x, y) in self.lon.iter().zip(&self.lat) {
            min = Coord {
                x: min.x.min(*x),
                y: min.y.min(*y),
            };
            max = Coord {
                x: max.x.max(*x),
                y: max.y.max(*y),
            };
        }
        (!self.is_empty()).then(|| geo::Rect::new(min, max))
    }
}

/// A bit set of enum codes; all bits set when `codes` is empty ("any").
fn mask(codes: impl Iterator<Item = u8>) -> u32 {
    let m = codes.fold(0u32, |m, c| m | (1 << c));
    if m == 0 { u32::MAX } else { m }
}
