//! How each entity appears as an OGC/GeoJSON feature: its properties, its filterable
//! properties (queryables) and its time span.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::index::Spatial;
use crate::model::{
    Building, Community, District, Grid, PatrolRoute, PatrolTrack, Resource, Street, format_local,
};

pub use crate::filter::Type as FilterType;
use crate::filter::tree::{Shape, SpatialOp};
use crate::filter::{Queryable, Record, Type, Val, q};

/// An entity served as an OGC API feature.
pub trait OgcFeature: Spatial {
    /// Properties that `?name=value[,value…]` filters on.
    const FILTERS: &'static [(&'static str, FilterType)];

    /// Properties that CQL2 filters and `sortby` name (besides `geometry`): every scalar
    /// property of [`Self::properties`], and `id`.
    const QUERYABLES: &'static [Queryable];

    /// The feature's properties (without `id`).
    fn properties(&self) -> Map<String, Value>;

    /// The geometry as GeoJSON.
    fn geometry(&self) -> geojson::Geometry;

    /// The value of filter property `key`, canonical as [`FilterType::canonical`] writes it.
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>>;

    /// The closed time span the feature covers, for `datetime` filters; `None` for
    /// collections without time.
    fn time_span(&self) -> Option<(i64, i64)> {
        None
    }
}

fn opt_id(v: Option<u64>) -> Value {
    v.map_or(Value::Null, Value::from)
}

pub(super) fn props(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub(super) fn geom<G>(g: &G) -> geojson::Geometry
where
    for<'a> geojson::Value: From<&'a G>,
{
    geojson::Geometry::new(geojson::Value::from(g))
}

impl OgcFeature for District {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("central_city", FilterType::Boolean),
        ("name", FilterType::Text),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("name", Type::Text),
        q("name_en", Type::Text),
        q("central_city", Type::Boolean),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(
            json!({ "name": self.name, "name_en": self.name_en, "central_city": self.central_city }),
        )
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "central_city" => Some(self.central_city.to_string().into()),
            "name" => Some(self.name.as_str().into()),
            _ => None,
        }
    }
}

impl OgcFeature for Community {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("district_id", FilterType::Integer),
        ("name", FilterType::Text),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("name", Type::Text),
        q("code", Type::Text),
        q("district_id", Type::Integer),
        q("households", Type::Integer),
        q("population", Type::Integer),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "name": self.name, "code": self.code, "district_id": self.district_id,
            "households": self.households, "population": self.population,
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "district_id" => Some(self.district_id.to_string().into()),
            "name" => Some(self.name.as_str().into()),
            _ => None,
        }
    }
}

impl OgcFeature for Grid {
    const FILTERS: &'static [(&'static str, FilterType)] = &[("community_id", FilterType::Integer)];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("community_id", Type::Integer),
        q("name", Type::Text),
        q("households", Type::Integer),
        q("population", Type::Integer),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "community_id": self.community_id, "name": self.name,
            "households": self.households, "population": self.population,
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        (key == "community_id").then(|| self.community_id.to_string().into())
    }
}

impl OgcFeature for Building {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("grid_id", FilterType::Integer),
        ("community_id", FilterType::Integer),
        ("use", FilterType::BuildingUse),
        ("unmanaged", FilterType::Boolean),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("grid_id", Type::Integer),
        q("community_id", Type::Integer),
        q("households", Type::Integer),
        q("floors", Type::Integer),
        q("use", Type::BuildingUse),
        q("unmanaged", Type::Boolean),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "grid_id": opt_id(self.grid_id), "community_id": opt_id(self.community_id),
            "households": self.households, "floors": self.floors, "use": self.building_use,
            "unmanaged": self.unmanaged,
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "grid_id" => self.grid_id.map(|v| v.to_string().into()),
            "community_id" => self.community_id.map(|v| v.to_string().into()),
            "use" => Some(self.building_use.as_str().into()),
            "unmanaged" => Some(self.unmanaged.to_string().into()),
            _ => None,
        }
    }
}

impl OgcFeature for Resource {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("kind", FilterType::ResourceKind),
        ("community_id", FilterType::Integer),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("kind", Type::ResourceKind),
        q("name", Type::Text),
        q("capacity", Type::Integer),
        q("community_id", Type::Integer),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "kind": self.kind, "name": self.name, "capacity": self.capacity,
            "community_id": opt_id(self.community_id),
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "kind" => Some(self.kind.as_str().into()),
            "community_id" => self.community_id.map(|v| v.to_string().into()),
            _ => None,
        }
    }
}

impl OgcFeature for Street {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("class", FilterType::StreetClass),
        ("walkable", FilterType::Boolean),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("class", Type::StreetClass),
        q("name", Type::Text),
        q("walkable", Type::Boolean),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({ "class": self.class, "name": self.name, "walkable": self.walkable }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "class" => Some(self.class.as_str().into()),
            "walkable" => Some(self.walkable.to_string().into()),
            _ => None,
        }
    }
}

impl OgcFeature for PatrolRoute {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("community_id", FilterType::Integer),
        ("weekday", FilterType::Integer),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("community_id", Type::Integer),
        q("team", Type::Text),
        q("weekday", Type::Integer),
        q("start_time", Type::Text),
        q("end_time", Type::Text),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "community_id": self.community_id, "team": self.team, "weekday": self.weekday,
            "start_time": self.start_time, "end_time": self.end_time,
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "community_id" => Some(self.community_id.to_string().into()),
            "weekday" => Some(self.weekday.to_string().into()),
            _ => None,
        }
    }
}

impl OgcFeature for PatrolTrack {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("community_id", FilterType::Integer),
        ("route_id", FilterType::Integer),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("route_id", Type::Integer),
        q("community_id", Type::Integer),
        q("team", Type::Text),
        q("started_at", Type::Timestamp),
        q("ended_at", Type::Timestamp),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "route_id": opt_id(self.route_id), "community_id": self.community_id, "team": self.team,
            "started_at": format_local(self.started_at), "ended_at": format_local(self.ended_at),
            "coordTimes": self.times.iter().map(|&t| format_local(t)).collect::<Vec<_>>(),
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        geom(&self.geometry)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "community_id" => Some(self.community_id.to_string().into()),
            "route_id" => self.route_id.map(|v| v.to_string().into()),
            _ => None,
        }
    }
    fn time_span(&self) -> Option<(i64, i64)> {
        Some((self.started_at, self.ended_at))
    }
}

/// A static feature read as a CQL2 record: values come from its GeoJSON properties, so a
/// filter sees exactly what the client is served.
pub struct FeatureRecord<'a, T> {
    pub item: &'a T,
    pub properties: Map<String, Value>,
}

impl<'a, T: OgcFeature> FeatureRecord<'a, T> {
    pub fn new(item: &'a T) -> Self {
        Self {
            item,
            properties: item.properties(),
        }
    }
}

impl<T: OgcFeature> Record for FeatureRecord<'_, T> {
    #[allow(clippy::cast_precision_loss)] // ids stay below 2^53 (city prefix × 10⁹)
    fn value(&self, property: usize) -> Val<'_> {
        let Some(q) = T::QUERYABLES.get(property) else {
            return Val::Null;
        };
        if q.name == "id" {
            return Val::Number(self.item.id() as f64);
        }
        match self.properties.get(q.name) {
            Some(Value::Number(n)) => n.as_f64().map_or(Val::Null, Val::Number),
            Some(Value::Bool(b)) => Val::Bool(*b),
            Some(Value::String(s)) if q.ty == Type::Timestamp => {
                crate::model::parse_instant(s).map_or(Val::Null, Val::Time)
            }
            Some(Value::String(s)) => Val::Text(Cow::Borrowed(s)),
            _ => Val::Null,
        }
    }

    fn spatial(&self, op: SpatialOp, shape: &Shape) -> bool {
        self.item.relation(op, shape)
    }
}
