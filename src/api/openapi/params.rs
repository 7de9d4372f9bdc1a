//! The parameters of each endpoint, as OpenAPI parameter objects.

use serde_json::{Value, json};

use crate::api::ogc::CollectionId;
use crate::model::{IncidentKind, IncidentStatus, ResourceKind};
use crate::tiles::layers::Layer;

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// One parameter object.
fn param(name: &str, place: &str, required: bool, schema: Value, description: &str) -> Value {
    let mut p =
        json!({ "name": name, "in": place, "required": required, "description": description });
    p["schema"] = schema;
    p
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    param(name, "query", false, schema, description)
}

fn required_query(name: &str, schema: Value, description: &str) -> Value {
    param(name, "query", true, schema, description)
}

fn path(name: &str, schema: Value, description: &str) -> Value {
    param(name, "path", true, schema, description)
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn integer(min: u64, max: u64) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max })
}

fn number(min: f64, max: f64) -> Value {
    json!({ "type": "number", "minimum": min, "maximum": max })
}

/// A comma-separated list of `values`.
fn list_of(values: &[&str], what: &str, name: &str) -> Value {
    query(
        name,
        string(),
        &format!("{what}, comma-separated: {}", values.join(", ")),
    )
}

pub(super) fn no_params() -> Vec<Value> {
    Vec::new()
}

/// `kind`, `from`, `to`, `community`, `grid`, `bbox`, `status`.
pub(super) fn filters() -> Vec<Value> {
    vec![
        list_of(
            &names(IncidentKind::ALL, IncidentKind::as_str),
            "incident kinds",
            "kind",
        ),
        query(
            "from",
            string(),
            "start date or instant (RFC 3339 or YYYY-MM-DD, local time UTC+08)",
        ),
        query("to", string(), "end date or instant, inclusive"),
        query("community", string(), "community ids, comma-separated"),
        query("grid", string(), "grid ids, comma-separated"),
        query("bbox", string(), "minLon,minLat,maxLon,maxLat (WGS 84)"),
        list_of(
            &names(IncidentStatus::ALL, IncidentStatus::as_str),
            "statuses",
            "status",
        ),
    ]
}

/// `res` from the coarsest analytics resolution to `max`.
fn res(max: u8, default: u64) -> Value {
    let min = u64::from(*crate::api::params::RESOLUTIONS.start());
    let max = u64::from(max);
    query(
        "res",
        integer(min, max),
        &format!("H3 resolution (default {default})"),
    )
}

pub(super) fn hexbins() -> Vec<Value> {
    let mut p = filters();
    p.push(res(*crate::api::params::RESOLUTIONS.end(), 9));
    p
}

pub(super) fn hotspots() -> Vec<Value> {
    let mut p = filters();
    p.push(res(*crate::api::params::RESOLUTIONS.end(), 9));
    p.push(query("k", integer(1, 3), "neighbourhood rings (default 1)"));
    p
}

pub(super) fn emerging() -> Vec<Value> {
    let mut p = filters();
    p.push(res(crate::api::params::MAX_EMERGING_RES, 8));
    p.push(query("k", integer(1, 2), "neighbourhood rings (default 1)"));
    p.push(query(
        "step",
        json!({ "type": "string", "enum": ["month", "week"] }),
        "time step (default month)",
    ));
    p
}

fn mode() -> Value {
    query(
        "mode",
        json!({ "type": "string", "enum": ["walk", "straight"] }),
        "distance along streets or in a straight line (default walk)",
    )
}

fn snap() -> Value {
    query(
        "snap_m",
        number(0.0, 1_000.0),
        "how far a point may be from the network (metres)",
    )
}

fn resource_kinds(name: &str) -> Value {
    list_of(
        &names(ResourceKind::ALL, ResourceKind::as_str),
        "resource kinds",
        name,
    )
}

pub(super) fn route() -> Vec<Value> {
    vec![
        required_query("from", string(), "LON,LAT"),
        required_query("to", string(), "LON,LAT"),
        snap(),
    ]
}

pub(super) fn isochrones() -> Vec<Value> {
    vec![
        query(
            "lon",
            number(-180.0, 180.0),
            "longitude (or give `resource`)",
        ),
        query("lat", number(-90.0, 90.0), "latitude"),
        query(
            "resource",
            integer(0, u64::MAX),
            "a resource id to start from",
        ),
        query(
            "distances_m",
            string(),
            "1–8 distances up to 5,000 m, comma-separated (default 300,500,1000)",
        ),
        snap(),
    ]
}

pub(super) fn nearest_common() -> Vec<Value> {
    vec![
        resource_kinds("kind"),
        query("k", integer(1, 50), "how many (default 1)"),
        query(
            "max_m",
            number(0.0, 50_000.0),
            "the farthest (metres, default 5,000)",
        ),
        mode(),
        snap(),
    ]
}

pub(super) fn nearest() -> Vec<Value> {
    let mut p = vec![
        required_query("lon", number(-180.0, 180.0), "longitude"),
        required_query("lat", number(-90.0, 90.0), "latitude"),
    ];
    p.extend(nearest_common());
    p
}

pub(super) fn gaps() -> Vec<Value> {
    vec![
        resource_kinds("kind"),
        query(
            "thresholds_m",
            string(),
            "life-circle distances, comma-separated (default 300,500,1000)",
        ),
        query("community", string(), "community ids"),
        query("grid", string(), "grid ids"),
        mode(),
        query(
            "h3_res",
            integer(5, 11),
            "resolution of the per-cell sums and cell features (default 9)",
        ),
        query(
            "features",
            json!({ "type": "string", "enum": ["true", "false", "cells"] }),
            "the homes beyond the smallest threshold (true, default), none (false), or the H3 cells with their households beyond each threshold (cells)",
        ),
    ]
}

pub(super) fn fca() -> Vec<Value> {
    vec![
        resource_kinds("kind"),
        query(
            "catchment_m",
            number(0.0, 10_000.0),
            "catchment (metres, default 1,000)",
        ),
        query(
            "weights",
            json!({ "type": "string", "enum": ["uniform", "e2sfca", "gaussian"] }),
            "distance decay",
        ),
        query("steps", string(), "e2sfca steps as M:W,..."),
        query("sigma_m", number(0.0, 10_000.0), "gaussian width (metres)"),
        mode(),
    ]
}

pub(super) fn subject() -> Vec<Value> {
    let mut p = vec![
        query("route", integer(0, u64::MAX), "a patrol route id"),
        query("track", integer(0, u64::MAX), "a patrol track id"),
        query(
            "community",
            integer(0, u64::MAX),
            "a community id (all its routes and tracks)",
        ),
        query(
            "buffer_m",
            number(0.0, 1_000.0),
            "reach (metres, default 50)",
        ),
    ];
    p.extend(period());
    p
}

pub(super) fn period() -> Vec<Value> {
    vec![
        list_of(
            &names(IncidentKind::ALL, IncidentKind::as_str),
            "incident kinds",
            "kind",
        ),
        query(
            "from",
            string(),
            "start (default: 365 days before the last incident)",
        ),
        query("to", string(), "end"),
    ]
}

pub(super) fn suggest() -> Vec<Value> {
    let mut p = vec![
        required_query("route", integer(0, u64::MAX), "the patrol route to extend"),
        query(
            "extra_m",
            number(0.0, 10_000.0),
            "extra length (metres, default 1,000)",
        ),
        query(
            "buffer_m",
            number(0.0, 1_000.0),
            "reach (metres, default 50)",
        ),
    ];
    p.extend(period());
    p
}

fn collection() -> Value {
    path(
        "collection",
        json!({ "type": "string", "enum": CollectionId::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>() }),
        "the collection",
    )
}

pub(super) fn ogc_collection() -> Vec<Value> {
    vec![collection()]
}

pub(super) fn ogc_items() -> Vec<Value> {
    vec![
        collection(),
        query("limit", integer(1, 10_000), "page size (default 100)"),
        query("offset", integer(0, u64::MAX), "first feature"),
        query("bbox", string(), "minLon,minLat,maxLon,maxLat"),
        query(
            "datetime",
            string(),
            "an instant or an interval a/b (`..` open)",
        ),
        query("f", json!({ "type": "string", "enum": ["json"] }), "format"),
        query(
            "kind",
            string(),
            "property filter (per collection; see the collection's queryables in README)",
        ),
    ]
}

pub(super) fn ogc_item() -> Vec<Value> {
    vec![
        collection(),
        path("fid", integer(0, u64::MAX), "the feature id"),
    ]
}

fn tile_layers() -> String {
    Layer::ALL
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn tile() -> Vec<Value> {
    let mut p = vec![
        path(
            "layers",
            string(),
            &format!("one layer or several, comma-separated: {}", tile_layers()),
        ),
        path("z", integer(0, 22), "zoom"),
        path("x", integer(0, u64::MAX), "column"),
        path("y", integer(0, u64::MAX), "row"),
    ];
    p.extend(
        filters()
            .into_iter()
            .filter(|q| q["name"] != "community" && q["name"] != "grid" && q["name"] != "bbox"),
    );
    p.push(res(*crate::api::params::RESOLUTIONS.end(), 9));
    p.push(resource_kinds("access_kind"));
    p.push(mode());
    p
}

pub(super) fn tile_document() -> Vec<Value> {
    vec![path(
        "name",
        string(),
        &format!(
            "`style.json`, or `{{layers}}.json` (TileJSON 3.0) for layers of: {}",
            tile_layers()
        ),
    )]
}

pub(super) fn web_file() -> Vec<Value> {
    vec![path(
        "path",
        string(),
        "a file of the page (scripts, styles, MapLibre)",
    )]
}

pub(super) fn track_query() -> Vec<Value> {
    vec![
        query(
            "datum",
            json!({ "type": "string", "enum": ["wgs84", "gcj02", "bd09"] }),
            "the coordinates' datum (default wgs84)",
        ),
        query(
            "community_id",
            integer(0, u64::MAX),
            "the team's community (GPX)",
        ),
        query("route_id", integer(0, u64::MAX), "the route walked (GPX)"),
        query("team", string(), "the team's name (GPX)"),
    ]
}

pub(super) fn datum() -> Vec<Value> {
    vec![query(
        "datum",
        json!({ "type": "string", "enum": ["wgs84", "gcj02", "bd09"] }),
        "the coordinates' datum (default wgs84)",
    )]
}

pub(super) fn incident_id() -> Vec<Value> {
    vec![path("id", integer(0, u64::MAX), "the incident id")]
}
