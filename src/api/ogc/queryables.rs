//! `/ogc/collections/{id}/queryables` and `/sortables`: the properties a client may filter a
//! collection's items on (CQL2 `filter=`, and `?name=value[,value…]` for some) and sort them
//! by (`sortby=`), as the JSON Schema OGC API – Features Part 3 describes. Types and
//! enumerations come from the code's own vocabularies ([`crate::filter::Type`]), so the
//! document cannot list a value the server would refuse. QGIS and `OWSLib` read it to offer
//! filters.

use serde_json::{Map, Value, json};

use super::collections::CollectionId;
use super::features::{FilterType, OgcFeature};
use super::items::INCIDENT_FILTERS;
use crate::filter::{GEOMETRY, Queryable, Type};
use crate::model::inspections::InspectionRecord;
use crate::model::lists::{DemandItem, Unit};
use crate::model::{
    Building, Community, District, Grid, PatrolRoute, PatrolTrack, Resource, Street,
};

/// The `?name=value[,value…]` property filters of a collection.
#[must_use]
pub fn filters_of(id: CollectionId) -> &'static [(&'static str, FilterType)] {
    match id {
        CollectionId::Districts => District::FILTERS,
        CollectionId::Communities => Community::FILTERS,
        CollectionId::Grids => Grid::FILTERS,
        CollectionId::Buildings => Building::FILTERS,
        CollectionId::Resources => Resource::FILTERS,
        CollectionId::Streets => Street::FILTERS,
        CollectionId::Incidents => INCIDENT_FILTERS,
        CollectionId::PatrolRoutes => PatrolRoute::FILTERS,
        CollectionId::PatrolTracks => PatrolTrack::FILTERS,
        CollectionId::Units => Unit::FILTERS,
        CollectionId::DemandItems => DemandItem::FILTERS,
        CollectionId::Inspections => InspectionRecord::FILTERS,
    }
}

/// What CQL2 filters and `sortby` may name in a collection (besides `geometry`).
#[must_use]
pub fn queryables_of(id: CollectionId) -> &'static [Queryable] {
    match id {
        CollectionId::Districts => District::QUERYABLES,
        CollectionId::Communities => Community::QUERYABLES,
        CollectionId::Grids => Grid::QUERYABLES,
        CollectionId::Buildings => Building::QUERYABLES,
        CollectionId::Resources => Resource::QUERYABLES,
        CollectionId::Streets => Street::QUERYABLES,
        CollectionId::Incidents => crate::index::cql::QUERYABLES,
        CollectionId::PatrolRoutes => PatrolRoute::QUERYABLES,
        CollectionId::PatrolTracks => PatrolTrack::QUERYABLES,
        CollectionId::Units => Unit::QUERYABLES,
        CollectionId::DemandItems => DemandItem::QUERYABLES,
        CollectionId::Inspections => InspectionRecord::QUERYABLES,
    }
}

/// The JSON Schema of one queryable, with the role Part 3 gives the primary instants.
fn property_schema(id: CollectionId, q: &Queryable) -> Value {
    let mut s = q.ty.json_schema();
    s["title"] = json!(q.name);
    let role = match (id, q.name) {
        (CollectionId::Incidents, "reported_at") => Some("primary-instant"),
        (CollectionId::PatrolTracks, "started_at") => Some("primary-interval-start"),
        (CollectionId::PatrolTracks, "ended_at") => Some("primary-interval-end"),
        (CollectionId::DemandItems, "raised_at") | (CollectionId::Inspections, "at") => {
            Some("primary-instant")
        }
        (_, "id") => Some("id"),
        _ => None,
    };
    if let Some(role) = role {
        s["x-ogc-role"] = json!(role);
    }
    if q.ty == Type::Integer && q.name.ends_with("id") {
        s["minimum"] = json!(0);
    }
    s
}

/// The schema document of `id`'s queryables (`kind = "queryables"`) or sortables.
fn document(id: CollectionId, base: &str, kind: &str) -> Value {
    let mut properties = Map::new();
    if kind == "queryables" {
        properties.insert(
            GEOMETRY.into(),
            json!({ "title": GEOMETRY, "format": "geometry-any", "x-ogc-role": "primary-geometry" }),
        );
    }
    for q in queryables_of(id) {
        properties.insert(q.name.into(), property_schema(id, q));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/ogc/collections/{}/{kind}", id.as_str()),
        "type": "object",
        "title": format!("{} {kind}", id.as_str()),
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The queryables document of `id`.
#[must_use]
pub fn queryables(id: CollectionId, base: &str) -> Value {
    document(id, base, "queryables")
}

/// The sortables document of `id`: every queryable but the geometry.
#[must_use]
pub fn sortables(id: CollectionId, base: &str) -> Value {
    document(id, base, "sortables")
}
