//! How each entity appears as an OGC/GeoJSON feature: its properties, its filterable
//! properties (queryables) and its time span.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::index::Spatial;
use crate::model::{
    Building, BuildingUse, Community, District, Grid, IncidentKind, IncidentSource, IncidentStatus,
    PatrolRoute, PatrolTrack, Resource, ResourceKind, Street, StreetClass, format_local,
};

/// The type of a filterable property, used to validate and canonicalise query values.
#[derive(Debug, Clone, Copy)]
pub enum FilterType {
    Integer,
    Boolean,
    Text,
    IncidentKind,
    IncidentStatus,
    IncidentSource,
    ResourceKind,
    BuildingUse,
    StreetClass,
}

impl FilterType {
    /// The canonical form of one query value, as [`OgcFeature::filter_value`] writes it.
    ///
    /// # Errors
    /// A value of the wrong type or an unknown enum name, as a message.
    pub fn canonical(self, value: &str) -> Result<String, String> {
        let v = value.trim();
        match self {
            Self::Integer => v
                .parse::<u64>()
                .map(|n| n.to_string())
                .map_err(|_| format!("`{v}` is not a non-negative integer")),
            Self::Boolean => match v {
                "true" | "false" => Ok(v.to_owned()),
                _ => Err(format!("`{v}` is not true or false")),
            },
            Self::Text => Ok(v.to_owned()),
            Self::IncidentKind => v
                .parse::<IncidentKind>()
                .map(|k| k.to_string())
                .map_err(|e| e.to_string()),
            Self::IncidentStatus => v
                .parse::<IncidentStatus>()
                .map(|k| k.to_string())
                .map_err(|e| e.to_string()),
            Self::IncidentSource => v
                .parse::<IncidentSource>()
                .map(|k| k.to_string())
                .map_err(|e| e.to_string()),
            Self::ResourceKind => v
                .parse::<ResourceKind>()
                .map(|k| k.to_string())
                .map_err(|e| e.to_string()),
            Self::BuildingUse => v
                .parse::<BuildingUse>()
                .map(|k| k.to_string())
                .map_err(|e| e.to_string()),
            Self::StreetClass => v
                .parse::<StreetClass>()
                .map(|k| k.to_string())
                .map_err(|e| e.to_string()),
        }
    }
}

/// An entity served as an OGC API feature.
pub trait OgcFeature: Spatial {
    /// Properties that `?name=value[,value…]` filters on.
    const FILTERS: &'static [(&'static str, FilterType)];

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

fn props(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn geom<G>(g: &G) -> geojson::Geometry
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
