//! Every endpoint: its handler, its parameters and its answer's schema, in one table that
//! builds both the router ([`super::app`]) and the OpenAPI document ([`super::openapi`]), so
//! neither can name an endpoint the other lacks. Enumerations come from the code (`ALL` of
//! each kind), so they cannot drift.

use axum::routing::{MethodRouter, any, get, patch, post};
use schemars::SchemaGenerator;
use serde_json::Value;

#[allow(
    clippy::wildcard_imports,
    reason = "the table names a parameter set per endpoint"
)]
use super::openapi::params::*;
use super::v1::answer::{self as typed, SchemaOf};
use super::v1::{cached, cached_bytes, cached_table, clocked_table, posted};
use super::{AppState, health, metrics, ogc, openapi, tiles, v1, web};

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
    /// What serves it, given its path (the cached analytics key their answers by it).
    pub handler: fn(&'static str) -> MethodRouter<AppState>,
    /// The route's template when it differs from `path` (a wildcard, a suffix axum cannot
    /// match inside a segment).
    pub route: Option<&'static str>,
    /// The answer's typed schema (`None`: the generic one for the media type).
    pub schema: Option<SchemaOf>,
}

impl Endpoint {
    /// The template the router matches.
    #[must_use]
    pub fn route(&self) -> &'static str {
        self.route.unwrap_or(self.path)
    }

    /// Routed at `route` rather than at `path`.
    const fn at(self, route: &'static str) -> Self {
        Self {
            route: Some(route),
            ..self
        }
    }

    /// Answering with the typed schema `schema`.
    const fn typed(self, schema: SchemaOf) -> Self {
        Self {
            schema: Some(schema),
            ..self
        }
    }
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
    handler: fn(&'static str) -> MethodRouter<AppState>,
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
        handler,
        route: None,
        schema: None,
    }
}

/// A `GET` read answered 200 with GeoJSON (most analytics).
const fn geojson_read(
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: fn() -> Vec<Value>,
    handler: fn(&'static str) -> MethodRouter<AppState>,
) -> Endpoint {
    read(path, tag, summary, params, GEOJSON, handler)
}

/// A `POST` analytics question answered 200 with GeoJSON (nothing is written).
const fn question(
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: fn() -> Vec<Value>,
    body: &'static [&'static str],
    handler: fn(&'static str) -> MethodRouter<AppState>,
) -> Endpoint {
    Endpoint {
        method: "post",
        ..read(path, tag, summary, params, GEOJSON, handler)
    }
    .with_body(body)
}

/// A write needing `role`, answered `status` with `media`.
#[allow(clippy::too_many_arguments, reason = "one row of the table")]
const fn write(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    params: fn() -> Vec<Value>,
    body: &'static [&'static str],
    ok: (u16, &'static str),
    role: &'static str,
    handler: fn(&'static str) -> MethodRouter<AppState>,
) -> Endpoint {
    Endpoint {
        method,
        ok,
        role: Some(role),
        ..read(path, "writes", summary, params, JSON, handler)
    }
    .with_body(body)
}

impl Endpoint {
    const fn with_body(self, body: &'static [&'static str]) -> Self {
        Self { body, ..self }
    }
}

/// Every endpoint.
pub const ENDPOINTS: &[Endpoint] = &[
    read("/", "page", "The web map", no_params, "text/html", |_| {
        get(web::page)
    }),
    read(
        "/web/{path}",
        "page",
        "A file of the web map",
        web_file,
        "text/javascript",
        |_| get(web::file),
    )
    .at("/web/{*path}"),
    read(
        "/cities",
        "page",
        "The cities this process serves (every path is also served under /cities/{code}/; the unprefixed paths are the first city's)",
        no_params,
        JSON,
        |_| get(super::cities::list),
    ),
    read(
        "/cities/{code}",
        "page",
        "A city this process does not serve: a 404 naming those it does (a served city's code leads to its own paths)",
        city_code,
        JSON,
        |_| any(super::cities::unknown),
    ),
    read(
        "/cities/{code}/{path}",
        "page",
        "Any path of a city this process does not serve: the same 404",
        city_path,
        JSON,
        |_| any(super::cities::unknown),
    )
    .at("/cities/{code}/{*path}"),
    read(
        "/healthz",
        "page",
        "The process runs",
        no_params,
        JSON,
        |_| get(health::healthz),
    ),
    read(
        "/readyz",
        "page",
        "The data is loaded: counts per layer",
        no_params,
        JSON,
        |_| get(health::readyz),
    ),
    read(
        "/metrics",
        "page",
        "Prometheus metrics",
        no_params,
        "text/plain",
        |_| get(metrics::metrics),
    ),
    read(
        "/api/openapi.json",
        "page",
        "This document",
        no_params,
        openapi::MEDIA_TYPE,
        |_| get(openapi::openapi),
    ),
    read("/ogc", "ogc", "Landing page", no_params, JSON, |_| {
        get(ogc::landing)
    }),
    read(
        "/ogc/conformance",
        "ogc",
        "Conformance classes",
        no_params,
        JSON,
        |_| get(ogc::conformance),
    ),
    read(
        "/ogc/collections",
        "ogc",
        "The collections with their extents",
        no_params,
        JSON,
        |_| get(ogc::list_collections),
    ),
    read(
        "/ogc/collections/{collection}",
        "ogc",
        "One collection",
        ogc_collection,
        JSON,
        |_| get(ogc::collection),
    ),
    read(
        "/ogc/tileMatrixSets",
        "ogc",
        "The tile matrix sets the tiles use (OGC API – Tiles)",
        no_params,
        JSON,
        |_| get(ogc::tile_matrix_sets),
    ),
    read(
        "/ogc/tileMatrixSets/{tileMatrixSetId}",
        "ogc",
        "WebMercatorQuad as OGC 2D TMS 2.0 JSON",
        ogc_tms,
        JSON,
        |_| get(ogc::tile_matrix_set),
    ),
    read(
        "/ogc/tiles",
        "ogc",
        "The dataset's vector tilesets (OGC API – Tiles)",
        no_params,
        JSON,
        |_| get(ogc::dataset_tilesets),
    ),
    read(
        "/ogc/tiles/{tileMatrixSetId}",
        "ogc",
        "The dataset's vector tileset: every base layer in one tile, with the tile URL template",
        ogc_tms,
        JSON,
        |_| get(ogc::dataset_tileset),
    ),
    read(
        "/ogc/collections/{collection}/tiles",
        "ogc",
        "A collection's vector tilesets (OGC API – Tiles)",
        ogc_collection,
        JSON,
        |_| get(ogc::collection_tilesets),
    ),
    read(
        "/ogc/collections/{collection}/tiles/{tileMatrixSetId}",
        "ogc",
        "A collection's vector tileset, with the tile URL template",
        ogc_collection_tms,
        JSON,
        |_| get(ogc::collection_tileset),
    ),
    read(
        "/ogc/collections/{collection}/queryables",
        "ogc",
        "The properties a collection's items may be filtered on (JSON Schema)",
        ogc_collection,
        "application/schema+json",
        |_| get(ogc::collection_queryables),
    ),
    read(
        "/ogc/api",
        "ogc",
        "The OGC API's own OpenAPI document (its server at /ogc; what GDAL reads to push filters)",
        no_params,
        super::openapi::MEDIA_TYPE,
        |_| get(ogc::api_document),
    ),
    read(
        "/ogc/collections/{collection}/sortables",
        "ogc",
        "The properties a collection's items may be sorted by (`sortby`, JSON Schema)",
        ogc_collection,
        "application/schema+json",
        |_| get(ogc::collection_sortables),
    ),
    geojson_read(
        "/ogc/collections/{collection}/items",
        "ogc",
        "Features, filtered and paged",
        ogc_items,
        |_| get(ogc::items),
    ),
    geojson_read(
        "/ogc/collections/{collection}/items/{fid}",
        "ogc",
        "One feature (an incident's personal fields for operator and admin tokens)",
        ogc_item,
        |_| get(ogc::item),
    ),
    read(
        "/api/v1/events",
        "analytics",
        "Server-Sent Events: one `change` per committed write (resume with Last-Event-ID)",
        no_params,
        "text/event-stream",
        |_| get(v1::events),
    ),
    geojson_read(
        "/api/v1/hexbins",
        "analytics",
        "Incident counts per H3 cell",
        hexbins,
        |path| cached(path, v1::hexbins),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Hexbins>),
    geojson_read(
        "/api/v1/hotspots",
        "analytics",
        "Getis–Ord Gi* hot and cold spots (FDR-corrected classes)",
        hotspots,
        |path| cached(path, v1::hotspots),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Hotspots>),
    geojson_read(
        "/api/v1/hotspots/emerging",
        "analytics",
        "Emerging hot-spot categories (ArcGIS definitions)",
        emerging,
        |path| cached(path, v1::emerging),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Emerging>),
    read(
        "/api/v1/cities/stats",
        "analytics",
        "Incidents, resolved share and median hours to resolve across cities, by city, district or month (from the database when there is one)",
        province,
        JSON,
        |_| get(v1::province),
    )
    .typed(SchemaGenerator::subschema_for::<v1::ProvinceStats>),
    read(
        "/api/v1/near-repeat",
        "analytics",
        "Near-repeat: Knox ratios and Monte Carlo p-values per distance and time band",
        near_repeat,
        JSON,
        |path| cached_table(path, v1::near_repeat),
    )
    .typed(SchemaGenerator::subschema_for::<typed::NearRepeatAnswer>),
    read(
        "/api/v1/calendar",
        "handling",
        "The working calendar: working hours, each year's holidays and make-up days with the State Council notice cited, and each incident kind's time limit",
        no_params,
        JSON,
        |path| cached_table(path, v1::calendar_document),
    )
    .typed(SchemaGenerator::subschema_for::<typed::CalendarAnswer>),
    read(
        "/api/v1/calendar/working-hours",
        "handling",
        "Working hours between two instants (and with `kind`, when its time limit started at `from` runs out)",
        working_hours,
        JSON,
        |path| cached_table(path, v1::working_hours),
    )
    .typed(SchemaGenerator::subschema_for::<typed::WorkingHoursAnswer>),
    read(
        "/api/v1/handling/kpis",
        "handling",
        "The board: count, closed, on-time closing share, return and redo rates, median working hours to close, overdue now and a red/amber/green grade per grid, community, district or department",
        handling_kpis,
        JSON,
        |path| clocked_table(path, v1::handling_kpis),
    )
    .typed(SchemaGenerator::subschema_for::<typed::HandlingKpisAnswer>),
    read(
        "/api/v1/handling/queue",
        "handling",
        "Open incidents by working time left, with their alert (amber past 80 % of the limit, red past it)",
        handling_queue,
        JSON,
        |path| clocked_table(path, v1::handling_queue),
    )
    .typed(SchemaGenerator::subschema_for::<typed::QueueAnswer>),
    read(
        "/api/v1/incidents/{id}/history",
        "handling",
        "An incident's handling moves (who made them and notes for operators and admins)",
        incident_id,
        JSON,
        |_| get(v1::history),
    )
    .typed(SchemaGenerator::subschema_for::<typed::HistoryAnswer>),
    read(
        "/api/v1/aoristic",
        "analytics",
        "Aoristic hour-of-week table: each incident's weight spread over its time window",
        filters,
        JSON,
        |path| cached_table(path, v1::aoristic),
    )
    .typed(SchemaGenerator::subschema_for::<typed::AoristicAnswer>),
    geojson_read(
        "/api/v1/kde",
        "analytics",
        "Quartic kernel density of incidents per km² on square cells",
        kde,
        |path| cached_bytes(path, v1::kde),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Kde>),
    read(
        "/api/v1/forecast/backtest",
        "analytics",
        "Which hot-spot map predicts the next period best: hit rate, PAI and PEI per method and step",
        backtest,
        JSON,
        |path| cached_table(path, v1::backtest),
    )
    .typed(SchemaGenerator::subschema_for::<typed::BacktestAnswer>),
    geojson_read(
        "/api/v1/stats/grids",
        "analytics",
        "Per-grid counts, rates, change, resolution",
        filters,
        |path| cached(path, v1::grid_stats),
    )
    .typed(SchemaGenerator::subschema_for::<typed::GridStats>),
    geojson_read(
        "/api/v1/stats/communities",
        "analytics",
        "Per-community counts, rates, change, resolution",
        filters,
        |path| cached(path, v1::community_stats),
    )
    .typed(SchemaGenerator::subschema_for::<typed::CommunityStats>),
    geojson_read("/api/v1/route", "streets", "A walking route", route, |path| cached(path, v1::route))
    .typed(SchemaGenerator::subschema_for::<typed::Route>),
    geojson_read(
        "/api/v1/isochrones",
        "streets",
        "Walking isochrones",
        isochrones,
        |path| cached(path, v1::isochrones),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Isochrones>),
    geojson_read(
        "/api/v1/nearest",
        "streets",
        "The nearest resources of a point",
        nearest,
        |path| cached(path, v1::nearest),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Nearest>),
    question(
        "/api/v1/nearest",
        "streets",
        "The nearest resources of many points (a FeatureCollection of Points)",
        nearest_common,
        &[GEOJSON, JSON],
        |_| posted(v1::nearest_batch),
    )
    .typed(SchemaGenerator::subschema_for::<typed::NearestBatch>),
    geojson_read(
        "/api/v1/streets/summary",
        "streets",
        "The walking network and each community's circuity",
        no_params,
        |path| cached(path, v1::street_summary),
    )
    .typed(SchemaGenerator::subschema_for::<typed::StreetsSummary>),
    geojson_read(
        "/api/v1/access/gaps",
        "access",
        "Homes beyond each life-circle distance",
        gaps,
        |path| cached(path, v1::gaps),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Gaps>),
    geojson_read(
        "/api/v1/access/fca",
        "access",
        "Two-step floating catchment area",
        fca,
        |path| cached(path, v1::fca),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Fca>),
    question(
        "/api/v1/access/sites",
        "access",
        "Where to build k new sites (coverage or p-median)",
        no_params,
        &[JSON],
        |_| posted(v1::sites),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Sites>),
    question(
        "/api/v1/lists/match",
        "lists",
        "Which resource-list items should meet which open needs in a quarter (exact min-cost flow)",
        list_match,
        &[JSON],
        |_| posted(v1::match_lists),
    )
    .typed(SchemaGenerator::subschema_for::<typed::ListMatch>),
    question(
        "/api/v1/inspections/plan",
        "lists",
        "A joint inspection round through the hot spots of a team's kinds within a time budget",
        no_params,
        &[JSON],
        |_| posted(v1::plan_inspection),
    )
    .typed(SchemaGenerator::subschema_for::<typed::InspectionPlan>),
    read(
        "/api/v1/lists/summary",
        "lists",
        "The lists in a quarter: units, offers, needs open at its end, projects, by category",
        lists_summary,
        JSON,
        |path| cached_table(path, v1::lists_summary),
    )
    .typed(SchemaGenerator::subschema_for::<typed::ListsSummary>),
    read(
        "/api/v1/communities/{id}/brief",
        "lists",
        "A community's quarterly brief: a printable A4 page (Chinese, or lang=en), or its figures with format=json, each section naming the answer it comes from",
        community_brief,
        JSON,
        |_| get(v1::community_brief),
    )
    .typed(SchemaGenerator::subschema_for::<typed::CommunityBrief>),
    read(
        "/api/v1/communities/ranking",
        "lists",
        "Every community ranked on the seed's indicators for a quarter: a printable page, or format=json",
        brief,
        JSON,
        |_| get(v1::community_ranking),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Ranking>),
    geojson_read(
        "/api/v1/inspections",
        "lists",
        "The joint inspections done, with the inspections and problems solved counted",
        inspections,
        |path| cached(path, v1::inspections),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Inspections>),
    geojson_read(
        "/api/v1/patrol/coverage",
        "patrol",
        "What a route, track or community's routes reach",
        subject,
        |path| cached(path, v1::coverage),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Coverage>),
    geojson_read(
        "/api/v1/patrol/dosage",
        "patrol",
        "Visits and minutes at hot spots, in Koper's bands",
        subject,
        |path| cached(path, v1::dosage),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Dosage>),
    geojson_read(
        "/api/v1/patrol/timing",
        "patrol",
        "Patrolled hours against incidents by hour of week; the best slot",
        subject,
        |path| cached(path, v1::timing),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Timing>),
    geojson_read(
        "/api/v1/patrol/teams",
        "patrol",
        "Every team, worst first",
        period,
        |path| cached(path, v1::teams),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Teams>),
    geojson_read(
        "/api/v1/patrol/suggest",
        "patrol",
        "A route extension reaching missed hot spots",
        suggest,
        |path| cached(path, v1::suggest),
    )
    .typed(SchemaGenerator::subschema_for::<typed::Suggest>),
    read(
        "/tiles/{name}",
        "tiles",
        "TileJSON of layers, or the MapLibre style",
        tile_document,
        JSON,
        |_| get(tiles::document),
    ),
    read(
        "/tiles/{layers}/{z}/{x}/{y}.mvt",
        "tiles",
        "A vector tile of one or more layers",
        tile,
        "application/vnd.mapbox-vector-tile",
        |_| {
            get(tiles::tile)
                .options(tiles::preflight)
                .fallback(super::method_not_allowed)
        },
    )
    .at("/tiles/{layers}/{z}/{x}/{y}"),
    write(
        "post",
        "/api/v1/incidents",
        "Add incidents (a batch is all or nothing)",
        datum,
        &[GEOJSON, "text/csv"],
        (201, JSON),
        "operator",
        |_| post(v1::ingest::post_incidents),
    ),
    write(
        "patch",
        "/api/v1/incidents/{id}",
        "Move an incident forward (assigned, resolved)",
        incident_id,
        &[JSON],
        (200, GEOJSON),
        "operator",
        |_| patch(v1::ingest::patch_incident),
    ),
    write(
        "post",
        "/api/v1/incidents/{id}/transitions",
        "Move an incident's handling on (filed, dispatched, handled, closed, returned, redo, parked); an illegal move is a 409",
        incident_id,
        &[JSON],
        (201, JSON),
        "operator",
        |_| post(v1::post_transition),
    ),
    write(
        "post",
        "/api/v1/patrol/tracks",
        "Add a patrol track (GeoJSON with times, or GPX)",
        track_query,
        &[GEOJSON, "application/gpx+xml"],
        (201, JSON),
        "operator",
        |_| post(v1::ingest::post_track),
    ),
    write(
        "post",
        "/api/v1/resources",
        "Add or replace a resource",
        datum,
        &[GEOJSON],
        (201, JSON),
        "admin",
        |_| post(v1::ingest::post_resource),
    ),
    write(
        "post",
        "/api/v1/lists/demands",
        "Raise a need on the committee's demand list (open; its community from its place)",
        datum,
        &[GEOJSON],
        (201, JSON),
        "operator",
        |_| post(v1::ingest::post_demand),
    ),
    write(
        "post",
        "/api/v1/lists/projects",
        "Open a project on open needs of one community and category and offers of that category",
        no_params,
        &[JSON],
        (201, JSON),
        "operator",
        |_| post(v1::ingest::post_project),
    ),
    write(
        "patch",
        "/api/v1/lists/projects/{id}",
        "Move a project on (planned → in progress → done; done, its needs are met)",
        project_id,
        &[JSON],
        (200, JSON),
        "operator",
        |_| patch(v1::ingest::patch_project),
    ),
    write(
        "post",
        "/api/v1/inspections",
        "Record a joint inspection done (two or more agencies; solved ≤ found)",
        datum,
        &[GEOJSON],
        (201, JSON),
        "operator",
        |_| post(v1::ingest::post_inspection),
    ),
];

/// The tile route: it sets its own coding, CORS and cache headers, so [`super::app`] routes it
/// outside the layers every other answer passes through.
#[must_use]
pub fn is_tile(e: &Endpoint) -> bool {
    e.ok.1 == "application/vnd.mapbox-vector-tile"
}
