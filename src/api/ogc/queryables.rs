//! `/ogc/collections/{id}/queryables`: the properties a client may filter a collection's items
//! on (`?name=value[,value…]`), as the JSON Schema OGC API – Features Part 3 describes, with
//! types and enumerations taken from the code's own vocabularies, so the document cannot list a
//! value the server would refuse. QGIS and `OWSLib` read it to offer filters.

use serde_json::{Map, Value, json};

use super::collections::CollectionId;
use super::features::{FilterType, OgcFeature};
use super::items::INCIDENT_FILTERS;
use crate::model::{
    Building, BuildingUse, Community, District, Grid, IncidentKind, IncidentSource, IncidentStatus,
    PatrolRoute, PatrolTrack, Resource, ResourceKind, Street, StreetClass,
};

/// The property filters of a collection.
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
    }
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// The JSON Schema of one filter's values.
fn schema(ty: FilterType) -> Value {
    match ty {
        FilterType::Integer => json!({ "type": "integer", "minimum": 0 }),
        FilterType::Boolean => json!({ "type": "boolean" }),
        FilterType::Text => json!({ "type": "string" }),
        FilterType::IncidentKind => {
            json!({ "type": "string", "enum": names(IncidentKind::ALL, IncidentKind::as_str) })
        }
        FilterType::IncidentStatus => {
            json!({ "type": "string", "enum": names(IncidentStatus::ALL, IncidentStatus::as_str) })
        }
        FilterType::IncidentSource => {
            json!({ "type": "string", "enum": names(IncidentSource::ALL, IncidentSource::as_str) })
        }
        FilterType::ResourceKind => {
            json!({ "type": "string", "enum": names(ResourceKind::ALL, ResourceKind::as_str) })
        }
        FilterType::BuildingUse => {
            json!({ "type": "string", "enum": names(BuildingUse::ALL, BuildingUse::as_str) })
        }
        FilterType::StreetClass => {
            json!({ "type": "string", "enum": names(StreetClass::ALL, StreetClass::as_str) })
        }
    }
}

/// The queryables document of `id`.
#[must_use]
pub fn queryables(id: CollectionId, base: &str) -> Value {
    let mut properties = Map::new();
    // The geometry, which `bbox` filters (Part 3 names it with a `format`).
    properties.insert(
        "geometry".into(),
        json!({ "title": "geometry", "format": "geometry-any", "x-ogc-role": "primary-geometry" }),
    );
    for (name, ty) in filters_of(id) {
        let mut s = schema(*ty);
        s["title"] = json!(name);
        properties.insert((*name).into(), s);
    }
    match id {
        CollectionId::Incidents => {
            properties.insert(
                "reported_at".into(),
                json!({ "title": "reported_at", "type": "string", "format": "date-time", "x-ogc-role": "primary-instant", "description": "what `datetime` filters on" }),
            );
        }
        CollectionId::PatrolTracks => {
            properties.insert(
                "started_at".into(),
                json!({ "title": "started_at", "type": "string", "format": "date-time", "x-ogc-role": "primary-interval-start" }),
            );
            properties.insert(
                "ended_at".into(),
                json!({ "title": "ended_at", "type": "string", "format": "date-time", "x-ogc-role": "primary-interval-end" }),
            );
        }
        _ => {}
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/ogc/collections/{}/queryables", id.as_str()),
        "type": "object",
        "title": format!("{} queryables", id.as_str()),
        "properties": properties,
        "additionalProperties": false,
    })
}
