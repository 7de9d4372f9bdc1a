//! The parameters of each endpoint, as OpenAPI parameter objects.

use serde_json::{Value, json};

use crate::analytics::backtest::Method;
use crate::api::ogc::{CollectionId, FORMAT, LIMIT, OFFSET};
use crate::api::params::{EMERGING_RES, RES, mode_doc};
use crate::api::v1::parameters::{
    BACKTEST_RES, BACKTEST_STEP, BANDWIDTH_M, BUFFER_M, CATCHMENT_M, CELL_M, EMERGING_K, EXTRA_M,
    FEATURES, H3_RES, HOTSPOT_K, LOOKBACK, MAX_M, NEAREST_K, PERMUTATIONS, SEED, SIGMA_M, SNAP_M,
    STEP, WEIGHTS,
};
use crate::model::datum::Datum;
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

pub(in crate::api) fn no_params() -> Vec<Value> {
    Vec::new()
}

/// `kind`, `from`, `to`, `community`, `grid`, `bbox`, `status`.
pub(in crate::api) fn filters() -> Vec<Value> {
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
    .into_iter()
    .chain(cql2(
        "a CQL2 filter on the incidents' queryables (as /ogc/collections/incidents/queryables lists them), e.g. kind IN ('dispute','petition') AND S_WITHIN(geometry, POLYGON((…)))",
    ))
    .collect()
}

/// `filter`, `filter-lang` and `filter-crs` (OGC API – Features Part 3), `filter` described
/// as `what`.
fn cql2(what: &str) -> [Value; 3] {
    [
        query("filter", string(), what),
        query(
            "filter-lang",
            string(),
            "cql2-text (default; also cql-text) or cql2-json",
        ),
        query(
            "filter-crs",
            string(),
            "the CRS of the filter's geometries (as `crs`: CRS84 by default; EPSG 4326, 4490 or a CGCS2000 Gauss–Krüger zone)",
        ),
    ]
}

pub(in crate::api) fn hexbins() -> Vec<Value> {
    let mut p = filters();
    p.push(RES.doc());
    p
}

pub(in crate::api) fn hotspots() -> Vec<Value> {
    let mut p = filters();
    p.push(RES.doc());
    p.push(HOTSPOT_K.doc());
    p
}

pub(in crate::api) fn emerging() -> Vec<Value> {
    let mut p = filters();
    p.push(EMERGING_RES.doc());
    p.push(EMERGING_K.doc());
    p.push(STEP.doc());
    p
}

pub(in crate::api) fn near_repeat() -> Vec<Value> {
    let mut p = filters();
    p.push(query(
        "distance_bands_m",
        string(),
        "distance band edges in metres, increasing, comma-separated (default 100,200,400,800)",
    ));
    p.push(query(
        "time_bands_days",
        string(),
        "time band edges in days, increasing, comma-separated (default 7,14,30)",
    ));
    p.push(PERMUTATIONS.doc());
    p.push(SEED.doc());
    p
}

pub(in crate::api) fn kde() -> Vec<Value> {
    let mut p = filters();
    p.push(BANDWIDTH_M.doc());
    p.push(CELL_M.doc());
    p
}

pub(in crate::api) fn backtest() -> Vec<Value> {
    let mut p = filters();
    p.push(list_of(
        &names(Method::ALL, Method::as_str),
        "methods to compare (default all)",
        "methods",
    ));
    p.push(BACKTEST_STEP.doc());
    p.push(query(
        "area_share",
        number(0.0, 0.5),
        "share of the study area taken as hot spots (default 0.05)",
    ));
    p.push(LOOKBACK.doc());
    p.push(BACKTEST_RES.doc());
    p.push(BANDWIDTH_M.doc());
    p
}

fn mode() -> Value {
    mode_doc()
}

fn snap() -> Value {
    SNAP_M.doc()
}

fn resource_kinds(name: &str) -> Value {
    list_of(
        &names(ResourceKind::ALL, ResourceKind::as_str),
        "resource kinds",
        name,
    )
}

pub(in crate::api) fn route() -> Vec<Value> {
    vec![
        required_query("from", string(), "LON,LAT"),
        required_query("to", string(), "LON,LAT"),
        snap(),
    ]
}

pub(in crate::api) fn isochrones() -> Vec<Value> {
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

pub(in crate::api) fn nearest_common() -> Vec<Value> {
    vec![
        resource_kinds("kind"),
        NEAREST_K.doc(),
        MAX_M.doc(),
        mode(),
        snap(),
    ]
}

pub(in crate::api) fn nearest() -> Vec<Value> {
    let mut p = vec![
        required_query("lon", number(-180.0, 180.0), "longitude"),
        required_query("lat", number(-90.0, 90.0), "latitude"),
    ];
    p.extend(nearest_common());
    p
}

pub(in crate::api) fn gaps() -> Vec<Value> {
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
        H3_RES.doc(),
        FEATURES.doc(),
    ]
}

pub(in crate::api) fn fca() -> Vec<Value> {
    vec![
        resource_kinds("kind"),
        CATCHMENT_M.doc(),
        WEIGHTS.doc(),
        query("steps", string(), "e2sfca steps as M:W,..."),
        SIGMA_M.doc(),
        mode(),
    ]
}

pub(in crate::api) fn subject() -> Vec<Value> {
    let mut p = vec![
        query("route", integer(0, u64::MAX), "a patrol route id"),
        query("track", integer(0, u64::MAX), "a patrol track id"),
        query(
            "community",
            integer(0, u64::MAX),
            "a community id (all its routes and tracks)",
        ),
        BUFFER_M.doc(),
    ];
    p.extend(period());
    p
}

pub(in crate::api) fn period() -> Vec<Value> {
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

pub(in crate::api) fn suggest() -> Vec<Value> {
    let mut p = vec![
        required_query("route", integer(0, u64::MAX), "the patrol route to extend"),
        EXTRA_M.doc(),
        BUFFER_M.doc(),
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

pub(in crate::api) fn ogc_collection() -> Vec<Value> {
    vec![collection()]
}

fn tms() -> Value {
    path(
        "tileMatrixSetId",
        string(),
        "the tile matrix set: WebMercatorQuad",
    )
}

pub(in crate::api) fn ogc_tms() -> Vec<Value> {
    vec![tms()]
}

pub(in crate::api) fn ogc_collection_tms() -> Vec<Value> {
    vec![collection(), tms()]
}

pub(in crate::api) fn ogc_items() -> Vec<Value> {
    vec![
        collection(),
        LIMIT.doc(),
        OFFSET.doc(),
        query(
            "bbox",
            string(),
            "minLon,minLat,maxLon,maxLat (or in `bbox-crs`, in its axis order)",
        ),
        query(
            "bbox-crs",
            string(),
            "the CRS of `bbox` (OGC API – Features Part 2): a URI the collection lists under `crs`",
        ),
        crs_param(),
        query(
            "datetime",
            string(),
            "an instant or an interval a/b (`..` open)",
        ),
        FORMAT.doc(),
        query(
            "sortby",
            string(),
            "sortables, comma-separated, `-` before one for descending, e.g. -reported_at,kind",
        ),
        query(
            "kind",
            string(),
            "property filter (per collection; see the collection's queryables in README)",
        ),
    ]
    .into_iter()
    .chain(cql2(
        "a CQL2 filter (OGC API – Features Part 3) on the collection's queryables, e.g. kind = 'dispute' AND S_INTERSECTS(geometry, BBOX(112.1, 31.0, 112.2, 31.1))",
    ))
    .collect()
}

pub(in crate::api) fn ogc_item() -> Vec<Value> {
    vec![
        collection(),
        path("fid", integer(0, u64::MAX), "the feature id"),
        crs_param(),
    ]
}

/// `crs`: the CRS of the answer's coordinates (OGC API – Features Part 2).
fn crs_param() -> Value {
    query(
        "crs",
        string(),
        "the CRS of the coordinates: CRS84 (default), EPSG 4326 or 4490 (latitude first), or a CGCS2000 3-degree Gauss–Krüger zone (EPSG 4534–4554, northing first), as http://www.opengis.net/def/crs/EPSG/0/{code}",
    )
}

fn tile_layers() -> String {
    Layer::ALL
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(in crate::api) fn tile() -> Vec<Value> {
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
    p.push(RES.doc());
    p.push(resource_kinds("access_kind"));
    p.push(mode());
    p
}

pub(in crate::api) fn tile_document() -> Vec<Value> {
    vec![path(
        "name",
        string(),
        &format!(
            "`style.json`, or `{{layers}}.json` (TileJSON 3.0) for layers of: {}",
            tile_layers()
        ),
    )]
}

pub(in crate::api) fn web_file() -> Vec<Value> {
    vec![path(
        "path",
        string(),
        "a file of the page (scripts, styles, MapLibre)",
    )]
}

pub(in crate::api) fn province() -> Vec<Value> {
    vec![
        query("from", string(), "first day (local time), inclusive"),
        query("to", string(), "last day (local time), inclusive"),
        query(
            "kind",
            json!({ "type": "string" }),
            "incident kinds, comma separated (all when absent)",
        ),
        query(
            "by",
            json!({ "type": "string", "enum": crate::model::province::By::ALL.iter().map(|b| b.as_str()).collect::<Vec<_>>(), "default": "city" }),
            "rows per city, district or local month",
        ),
    ]
}

pub(in crate::api) fn city_code() -> Vec<Value> {
    vec![path(
        "code",
        json!({ "type": "string", "pattern": "^[0-9]{6}$" }),
        "a city's 6-digit administrative division code (GET /cities lists those served)",
    )]
}

pub(in crate::api) fn city_path() -> Vec<Value> {
    let mut params = city_code();
    params.push(path(
        "path",
        string(),
        "any path of the one-city application",
    ));
    params
}

pub(in crate::api) fn track_query() -> Vec<Value> {
    vec![
        query(
            "datum",
            json!({ "type": "string", "enum": Datum::NAMES }),
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

pub(in crate::api) fn datum() -> Vec<Value> {
    vec![query(
        "datum",
        json!({ "type": "string", "enum": Datum::NAMES }),
        "the coordinates' datum (default wgs84)",
    )]
}

pub(in crate::api) fn project_id() -> Vec<Value> {
    vec![path("id", integer(1, u64::MAX), "the project id")]
}

pub(in crate::api) fn incident_id() -> Vec<Value> {
    vec![path("id", integer(0, u64::MAX), "the incident id")]
}

/// The board: the common filters, `by`, `at`.
pub(in crate::api) fn handling_kpis() -> Vec<Value> {
    let mut params = filters();
    params.push(query(
        "by",
        json!({ "type": "string", "enum": ["grid", "community", "district", "department"], "default": "grid" }),
        "what to group by",
    ));
    params.push(query(
        "at",
        string(),
        "the instant the clock is read at (default now); states are as they are now",
    ));
    params
}

/// The queue: the common filters, `alert`, `department`, `at`, `limit`.
/// `quarter`, `community`, `max_walk_m`.
pub(in crate::api) fn list_match() -> Vec<Value> {
    vec![
        query(
            "quarter",
            string(),
            "the quarter, e.g. 2021Q3 (default: the one the data's last report falls in)",
        ),
        query(
            "community",
            integer(1, u64::MAX),
            "only this community's open needs and its own units' offers",
        ),
        query(
            "max_walk_m",
            number(0.0, crate::api::v1::MAX_WALK_M),
            "the longest walk from a unit to a need, metres (default 1200)",
        ),
    ]
}

/// `quarter`, `community`.
pub(in crate::api) fn lists_summary() -> Vec<Value> {
    let mut params = list_match();
    params.truncate(2);
    params
}

/// `quarter`, `format`, `lang`.
pub(in crate::api) fn brief() -> Vec<Value> {
    vec![
        query(
            "quarter",
            string(),
            "the quarter, e.g. 2021Q3 (default: the one the data's last report falls in)",
        ),
        query(
            "format",
            json!({ "type": "string", "enum": ["html", "json"], "default": "html" }),
            "the printable page, or its figures",
        ),
        query(
            "lang",
            json!({ "type": "string", "enum": ["zh", "en"], "default": "zh" }),
            "the page's language",
        ),
    ]
}

/// The community's id, and [`brief`]'s.
pub(in crate::api) fn community_brief() -> Vec<Value> {
    let mut params = vec![path("id", integer(1, u64::MAX), "the community's id")];
    params.extend(brief());
    params
}

/// `quarter` or `from`/`to`, `community`.
pub(in crate::api) fn inspections() -> Vec<Value> {
    vec![
        query(
            "quarter",
            string(),
            "the quarter, e.g. 2021Q3 (or give from/to; default: every record)",
        ),
        query("from", string(), "from this date or instant (local time)"),
        query(
            "to",
            string(),
            "to this date (included) or instant (excluded)",
        ),
        query(
            "community",
            integer(1, u64::MAX),
            "only this community's inspections",
        ),
    ]
}

pub(in crate::api) fn handling_queue() -> Vec<Value> {
    let mut params = filters();
    params.push(list_of(&["green", "amber", "red"], "alerts", "alert"));
    params.push(query(
        "department",
        string(),
        "departments, comma-separated",
    ));
    params.push(query(
        "at",
        string(),
        "the instant the clock is read at (default now)",
    ));
    params.push(query(
        "limit",
        integer(1, crate::api::v1::QUEUE_LIMIT as u64),
        "the most incidents listed",
    ));
    params
}

pub(in crate::api) fn working_hours() -> Vec<Value> {
    vec![
        query(
            "from",
            string(),
            "start instant (RFC 3339, or local time UTC+08 without an offset)",
        ),
        query("to", string(), "end instant"),
        list_of(
            &names(IncidentKind::ALL, IncidentKind::as_str),
            "an incident kind: also answer when its time limit, started at `from`, runs out",
            "kind",
        ),
    ]
}
