//! Every endpoint the router serves, with its parameters: the one list the OpenAPI document is
//! made from. Enumerations come from the code (`ALL` of each kind), so they cannot drift.

use serde_json::Value;

#[allow(
    clippy::wildcard_imports,
    reason = "the table names a parameter set per endpoint"
)]
use super::params::*;

/// One operation.
pub struct Endpoint {
    /// `get`, `post` or `patch`.
    pub method: &'static str,
    /// The OpenAPI path template.
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub params: fn() -> Vec<Value>,
    /// The request body's media types (none: no body).
    pub body: &'static [&'static str],
    /// The success status and media type.
    pub ok: (u16, &'static str),
    /// The role a write needs (`None`: a read).
    pub role: Option<&'static str>,
}

/// The tags, in the order a reader meets them.
pub const TAGS: &[(&str, &str)] = &[
    ("page", "The web map, its files, health and metrics"),
    ("ogc", "OGC API – Features, Part 1: Core and GeoJSON"),
    (
        "analytics",
        "Hexbins, Gi* hot spots, emerging hot spots, statistics",
    ),
    (
        "streets",
        "Walking routes, isochrones, nearest resources, the street summary",
    ),
    ("access", "Service gaps, 2SFCA, new sites"),
    (
        "patrol",
        "Patrol coverage, dosage, timing, ranking and route suggestions",
    ),
    (
        "tiles",
        "Mapbox Vector Tiles, TileJSON and the MapLibre style",
    ),
    ("writes", "Incidents, patrol tracks and resources"),
];

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";

/// A `GET` read answered 200 with `media`.
const fn read(
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: fn() -> Vec<Value>,
    media: &'static str,
) -> Endpoint {
    Endpoint {
        method: "get",
        path,
        tag,
        summary,
        params,
        body: &[],
        ok: (200, media),
        role: None,
    }
}

/// A `GET` read answered 200 with GeoJSON (most analytics).
const fn geojson_read(
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: fn() -> Vec<Value>,
) -> Endpoint {
    read(path, tag, summary, params, GEOJSON)
}

/// Every endpoint.
pub const ENDPOINTS: &[Endpoint] = &[
    read("/", "page", "The web map", no_params, "text/html"),
    read(
        "/web/{path}",
        "page",
        "A file of the web map",
        web_file,
        "text/javascript",
    ),
    read("/healthz", "page", "The process runs", no_params, JSON),
    read(
        "/readyz",
        "page",
        "The data is loaded: counts per layer",
        no_params,
        JSON,
    ),
    read(
        "/metrics",
        "page",
        "Prometheus metrics",
        no_params,
        "text/plain",
    ),
    read(
        "/api/openapi.json",
        "page",
        "This document",
        no_params,
        super::MEDIA_TYPE,
    ),
    read("/ogc", "ogc", "Landing page", no_params, JSON),
    read(
        "/ogc/conformance",
        "ogc",
        "Conformance classes",
        no_params,
        JSON,
    ),
    read(
        "/ogc/collections",
        "ogc",
        "The collections with their extents",
        no_params,
        JSON,
    ),
    read(
        "/ogc/collections/{collection}",
        "ogc",
        "One collection",
        ogc_collection,
        JSON,
    ),
    geojson_read(
        "/ogc/collections/{collection}/items",
        "ogc",
        "Features, filtered and paged",
        ogc_items,
    ),
    geojson_read(
        "/ogc/collections/{collection}/items/{fid}",
        "ogc",
        "One feature (an incident's personal fields for operator and admin tokens)",
        ogc_item,
    ),
    read(
        "/api/v1/events",
        "analytics",
        "Server-Sent Events: one `change` per committed write (resume with Last-Event-ID)",
        no_params,
        "text/event-stream",
    ),
    geojson_read(
        "/api/v1/hexbins",
        "analytics",
        "Incident counts per H3 cell",
        hexbins,
    ),
    geojson_read(
        "/api/v1/hotspots",
        "analytics",
        "Getis–Ord Gi* hot and cold spots (FDR-corrected classes)",
        hotspots,
    ),
    geojson_read(
        "/api/v1/hotspots/emerging",
        "analytics",
        "Emerging hot-spot categories (ArcGIS definitions)",
        emerging,
    ),
    geojson_read(
        "/api/v1/stats/grids",
        "analytics",
        "Per-grid counts, rates, change, resolution",
        filters,
    ),
    geojson_read(
        "/api/v1/stats/communities",
        "analytics",
        "Per-community counts, rates, change, resolution",
        filters,
    ),
    geojson_read("/api/v1/route", "streets", "A walking route", route),
    geojson_read(
        "/api/v1/isochrones",
        "streets",
        "Walking isochrones",
        isochrones,
    ),
    geojson_read(
        "/api/v1/nearest",
        "streets",
        "The nearest resources of a point",
        nearest,
    ),
    Endpoint {
        method: "post",
        path: "/api/v1/nearest",
        tag: "streets",
        summary: "The nearest resources of many points (a FeatureCollection of Points)",
        params: nearest_common,
        body: &[GEOJSON, JSON],
        ok: (200, GEOJSON),
        role: None,
    },
    geojson_read(
        "/api/v1/streets/summary",
        "streets",
        "The walking network and each community's circuity",
        no_params,
    ),
    geojson_read(
        "/api/v1/access/gaps",
        "access",
        "Homes beyond each life-circle distance",
        gaps,
    ),
    geojson_read(
        "/api/v1/access/fca",
        "access",
        "Two-step floating catchment area",
        fca,
    ),
    Endpoint {
        method: "post",
        path: "/api/v1/access/sites",
        tag: "access",
        summary: "Where to build k new sites (coverage or p-median)",
        params: no_params,
        body: &[JSON],
        ok: (200, GEOJSON),
        role: None,
    },
    geojson_read(
        "/api/v1/patrol/coverage",
        "patrol",
        "What a route, track or community's routes reach",
        subject,
    ),
    geojson_read(
        "/api/v1/patrol/dosage",
        "patrol",
        "Visits and minutes at hot spots, in Koper's bands",
        subject,
    ),
    geojson_read(
        "/api/v1/patrol/timing",
        "patrol",
        "Patrolled hours against incidents by hour of week; the best slot",
        subject,
    ),
    geojson_read(
        "/api/v1/patrol/teams",
        "patrol",
        "Every team, worst first",
        period,
    ),
    geojson_read(
        "/api/v1/patrol/suggest",
        "patrol",
        "A route extension reaching missed hot spots",
        suggest,
    ),
    read(
        "/tiles/{name}",
        "tiles",
        "TileJSON of layers, or the MapLibre style",
        tile_document,
        JSON,
    ),
    read(
        "/tiles/{layers}/{z}/{x}/{y}.mvt",
        "tiles",
        "A vector tile of one or more layers",
        tile,
        "application/vnd.mapbox-vector-tile",
    ),
    Endpoint {
        method: "post",
        path: "/api/v1/incidents",
        tag: "writes",
        summary: "Add incidents (a batch is all or nothing)",
        params: datum,
        body: &[GEOJSON, "text/csv"],
        ok: (201, JSON),
        role: Some("operator"),
    },
    Endpoint {
        method: "patch",
        path: "/api/v1/incidents/{id}",
        tag: "writes",
        summary: "Move an incident forward (assigned, resolved)",
        params: incident_id,
        body: &[JSON],
        ok: (200, GEOJSON),
        role: Some("operator"),
    },
    Endpoint {
        method: "post",
        path: "/api/v1/patrol/tracks",
        tag: "writes",
        summary: "Add a patrol track (GeoJSON with times, or GPX)",
        params: track_query,
        body: &[GEOJSON, "application/gpx+xml"],
        ok: (201, JSON),
        role: Some("operator"),
    },
    Endpoint {
        method: "post",
        path: "/api/v1/resources",
        tag: "writes",
        summary: "Add or replace a resource",
        params: datum,
        body: &[GEOJSON],
        ok: (201, JSON),
        role: Some("admin"),
    },
];
