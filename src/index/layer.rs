//! `Layer<T>`: the records of one static layer with an R-tree over their bounding boxes and an
//! id lookup. Read-only once built.

use geo::{BoundingRect, Intersects, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree, RTreeObject};
use rustc_hash::FxHashMap;

use crate::filter::eval::geometry_relation;
use crate::filter::tree::{Shape, SpatialOp};
use crate::model::{
    Building, Community, District, Grid, PatrolRoute, PatrolTrack, Resource, Street,
};

/// What the index needs of a record: its id, extent and an exact rectangle test.
pub trait Spatial {
    fn id(&self) -> u64;
    fn bounds(&self) -> Option<Rect>;
    /// Whether the geometry (not just its bounding box) meets `rect`.
    fn intersects_rect(&self, rect: &Rect) -> bool;
    /// Whether `op(geometry, shape)` holds (a CQL2 spatial function).
    fn relation(&self, op: SpatialOp, shape: &Shape) -> bool;
}

macro_rules! spatial_by_geometry {
    ($($t:ty),+) => {$(
        impl Spatial for $t {
            fn id(&self) -> u64 { self.id }
            fn bounds(&self) -> Option<Rect> { self.geometry.bounding_rect().into() }
            fn intersects_rect(&self, rect: &Rect) -> bool { self.geometry.intersects(rect) }
            fn relation(&self, op: SpatialOp, shape: &Shape) -> bool {
                geometry_relation(op, &self.geometry, self.bounds(), shape)
            }
        }
    )+};
}

spatial_by_geometry!(
    District,
    Community,
    Grid,
    Building,
    Resource,
    PatrolRoute,
    PatrolTrack,
    Street
);

/// Records placed at a point given as `lon`, `lat` (the committee's lists and records).
macro_rules! spatial_by_point {
    ($($t:ty),+) => {$(
        impl Spatial for $t {
            fn id(&self) -> u64 { self.id }
            fn bounds(&self) -> Option<Rect> {
                let c = geo::Coord { x: self.lon, y: self.lat };
                Some(Rect::new(c, c))
            }
            fn intersects_rect(&self, rect: &Rect) -> bool {
                geo::Point::new(self.lon, self.lat).intersects(rect)
            }
            fn relation(&self, op: SpatialOp, shape: &Shape) -> bool {
                geometry_relation(op, &geo::Point::new(self.lon, self.lat), self.bounds(), shape)
            }
        }
    )+};
}

spatial_by_point!(
    crate::model::lists::Unit,
    crate::model::lists::DemandItem,
    crate::model::inspections::InspectionRecord
);

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One layer's records, with spatial and id indexes.
pub struct Layer<T> {
    items: Vec<T>,
    tree: RTree<Entry>,
    by_id: FxHashMap<u64, u32>,
    extent: Option<Rect>,
}

impl<T: Spatial> Layer<T> {
    /// Indexes `items` (kept in the given order, which is the order of paging).
    #[must_use]
    pub fn new(items: Vec<T>) -> Self {
        let entries: Vec<Entry> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let r = item.bounds()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i as u32,
                ))
            })
            .collect();
        let extent = entries
            .iter()
            .map(|e| {
                let env = e.geom().envelope();
                Rect::new(env.lower(), env.upper())
            })
            .reduce(|a, b| {
                Rect::new(
                    (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                    (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
                )
            });
        let by_id = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id(), i as u32))
            .collect();
        Self {
            items,
            tree: RTree::bulk_load(entries),
            by_id,
            extent,
        }
    }

    /// All records, in id order of the input.
    #[must_use]
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The record with this id.
    #[must_use]
    pub fn get(&self, id: u64) -> Option<&T> {
        self.by_id.get(&id).map(|&i| &self.items[i as usize])
    }

    /// The position of the record with this id.
    #[must_use]
    pub fn position(&self, id: u64) -> Option<u32> {
        self.by_id.get(&id).copied()
    }

    /// The bounding box of the whole layer.
    #[must_use]
    pub fn extent(&self) -> Option<Rect> {
        self.extent
    }

    /// Positions of the records whose geometry meets `rect`, ascending.
    #[must_use]
    pub fn intersecting(&self, rect: &Rect) -> Vec<u32> {
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut hits: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .filter(|&i| self.items[i as usize].intersects_rect(rect))
            .collect();
        hits.sort_unstable();
        hits
    }

    /// Positions of the records whose bounding box meets `rect` (unsorted): for callers that
    /// test a point inside the box themselves, such as a centroid.
    #[must_use]
    pub fn boxes_meeting(&self, rect: &Rect) -> Vec<u32> {
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .collect()
    }

    /// Positions of the records by the distance of their bounding box from `(x, y)` in degrees,
    /// nearest first, with that distance (in degrees, not metres: callers refine).
    pub fn nearest_in_degrees(&self, x: f64, y: f64) -> impl Iterator<Item = (u32, f64)> + '_ {
        self.tree
            .nearest_neighbor_iter_with_distance_2(&[x, y])
            .map(|(e, d2)| (e.data, d2.sqrt()))
    }

    /// Positions of the records whose bounding box holds the point `(x, y)`.
    pub fn candidates_at(&self, x: f64, y: f64) -> impl Iterator<Item = u32> + '_ {
        self.tree.locate_all_at_point(&[x, y]).map(|e| e.data)
    }

    /// Number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the layer is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
