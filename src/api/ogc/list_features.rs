//! The committee's placed records as OGC features: units in the communities' areas (驻区单位),
//! demand-list items (需求清单) and joint inspections done (联合执法). Demand items and
//! inspections are served within a community-bound caller's communities, as incidents are.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::features::{FilterType, OgcFeature, geom, props};
use crate::filter::{Queryable, Type, q};
use crate::model::format_local;
use crate::model::inspections::{InspectionRecord, joined};
use crate::model::lists::{DemandItem, Unit};

fn point(lon: f64, lat: f64) -> geojson::Geometry {
    geom(&geo::Point::new(lon, lat))
}

impl OgcFeature for Unit {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("kind", FilterType::Text),
        ("community_id", FilterType::Integer),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("name", Type::Text),
        q("kind", Type::Text),
        q("community_id", Type::Integer),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({ "name": self.name, "kind": self.kind, "community_id": self.community_id }))
    }
    fn geometry(&self) -> geojson::Geometry {
        point(self.lon, self.lat)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "kind" => Some(self.kind.as_str().into()),
            "community_id" => Some(self.community_id.to_string().into()),
            _ => None,
        }
    }
}

impl OgcFeature for DemandItem {
    const FILTERS: &'static [(&'static str, FilterType)] = &[
        ("category", FilterType::Text),
        ("status", FilterType::Text),
        ("community_id", FilterType::Integer),
    ];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("community_id", Type::Integer),
        q("building_id", Type::Integer),
        q("category", Type::Text),
        q("households", Type::Integer),
        q("raised_at", Type::Timestamp),
        q("status", Type::Text),
    ];
    fn properties(&self) -> Map<String, Value> {
        props(json!({
            "community_id": self.community_id, "building_id": self.building_id,
            "category": self.category, "category_zh": self.category.name_zh(),
            "households": self.households, "raised_at": format_local(self.raised_at),
            "status": self.status,
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        point(self.lon, self.lat)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "category" => Some(self.category.as_str().into()),
            "status" => Some(self.status.as_str().into()),
            "community_id" => Some(self.community_id.to_string().into()),
            _ => None,
        }
    }
    fn time_span(&self) -> Option<(i64, i64)> {
        Some((self.raised_at, self.raised_at))
    }
}

impl OgcFeature for InspectionRecord {
    const FILTERS: &'static [(&'static str, FilterType)] = &[("community_id", FilterType::Integer)];
    const QUERYABLES: &'static [Queryable] = &[
        q("id", Type::Integer),
        q("community_id", Type::Integer),
        q("at", Type::Timestamp),
        q("agencies", Type::Text),
        q("kinds", Type::Text),
        q("problems_found", Type::Integer),
        q("problems_solved", Type::Integer),
    ];
    fn properties(&self) -> Map<String, Value> {
        // The agencies and kinds as one comma-separated text each, so that CQL2 can match
        // them (`agencies LIKE '%police%'`).
        props(json!({
            "community_id": self.community_id, "at": format_local(self.at),
            "agencies": joined(&self.agencies), "kinds": joined(&self.kinds),
            "problems_found": self.problems_found, "problems_solved": self.problems_solved,
        }))
    }
    fn geometry(&self) -> geojson::Geometry {
        point(self.lon, self.lat)
    }
    fn filter_value(&self, key: &str) -> Option<Cow<'_, str>> {
        match key {
            "community_id" => Some(self.community_id.to_string().into()),
            _ => None,
        }
    }
    fn time_span(&self) -> Option<(i64, i64)> {
        Some((self.at, self.at))
    }
}
