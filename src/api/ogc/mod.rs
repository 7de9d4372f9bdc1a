//! OGC API – Features Part 1 (Core, GeoJSON) under `/ogc`: landing page, conformance,
//! collections, items with bbox/datetime/property filters and paging, single items.

mod api_doc;
mod collections;
pub(crate) mod crs;
mod features;
pub(crate) mod html;
mod items;
mod list_features;
mod queryables;
mod tilesets;

pub(super) use items::{FORMAT, LIMIT, OFFSET};

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(crate) use self::collections::CollectionId;
use self::collections::describe;
use self::crs::Crs;
use self::items::{Common, Page, incident_page, static_feature, static_page, static_page_where};
pub(crate) use self::items::{FilterParam, incident_feature, incident_properties};
use super::{ApiError, AppState, Caller, QueryParams, Scope};
use crate::index::Engine;

const GEOJSON: &str = "application/geo+json";

/// Where clients reached this application, for absolute links: the scheme, the authority and
/// the path prefix it is served under (a city's, a proxy's).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    format!("{}{}", host_url(headers), super::cities::prefix(headers))
}

/// The scheme and authority clients reached us by.
pub(crate) fn host_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// Every feature carries its city (ids are unique within it).
fn with_city(features: &mut [Value], city: crate::model::CityCode) {
    for f in features {
        if let Some(properties) = f.get_mut("properties").and_then(Value::as_object_mut) {
            properties.insert("city_code".into(), city.to_string().into());
        }
    }
}

fn no_params(raw: Option<&str>) -> Result<(), ApiError> {
    QueryParams::parse(raw)?.only(&["f"])
}

/// `doc` as JSON, or as its page when the client asked for one (`f=html`, or a browser's
/// `Accept`); `collection` names the collection a page shows.
fn answer(
    headers: &HeaderMap,
    params: &QueryParams,
    page: html::Page,
    doc: Value,
    collection: &str,
) -> Response {
    let mut response = if html::wanted(headers, params.get("f")) {
        let pairs: Vec<(String, String)> = params
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html::render(page, &doc, &base_url(headers), collection, &pairs),
        )
            .into_response()
    } else {
        Json(doc).into_response()
    };
    response
        .headers_mut()
        .insert(header::VARY, axum::http::HeaderValue::from_static("Accept"));
    response
}

/// The query of a document endpoint: `f` only, checked.
fn format_only(raw: Option<&str>) -> Result<QueryParams, ApiError> {
    let params = QueryParams::parse(raw)?;
    params.only(&["f"])?;
    FORMAT.read(&params)?;
    Ok(params)
}

pub(in crate::api) async fn landing(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = format_only(raw.as_deref())?;
    let base = base_url(&headers);
    let doc = json!({
        "title": "gridwatch",
        "description": format!("Communities, grids, buildings, resources, incidents and patrols of {} ({}) as OGC API – Features.", state.engine().city.name, state.engine().city.code),
        "links": [
            { "href": format!("{base}/ogc"), "rel": "self", "type": "application/json", "title": "This document" },
            { "href": format!("{base}/ogc/conformance"), "rel": "conformance", "type": "application/json", "title": "Conformance classes" },
            { "href": format!("{base}/ogc/collections"), "rel": "data", "type": "application/json", "title": "Collections" },
            { "href": format!("{base}/ogc/tiles"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "type": "application/json", "title": "Vector tiles of the base layers" },
            { "href": format!("{base}/ogc/tileMatrixSets"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "type": "application/json", "title": "Tile matrix sets" },
            { "href": format!("{base}/ogc/api"), "rel": "service-desc", "type": super::openapi::MEDIA_TYPE, "title": "The OGC API's definition (OpenAPI 3.0)" },
            { "href": format!("{base}/api/openapi.json"), "rel": "describedby", "type": super::openapi::MEDIA_TYPE, "title": "The whole application's API definition (OpenAPI 3.0)" },
        ],
    });
    Ok(answer(&headers, &params, html::Page::Landing, doc, ""))
}

/// `/ogc/api`: the OGC API's own OpenAPI document.
pub(in crate::api) async fn api_document(
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw.as_deref())?;
    Ok((
        [(header::CONTENT_TYPE, super::openapi::MEDIA_TYPE)],
        serde_json::to_vec(&api_doc::document(&base_url(&headers))).unwrap_or_default(),
    )
        .into_response())
}

pub(in crate::api) async fn conformance(
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = format_only(raw.as_deref())?;
    let doc = json!({
        "conformsTo": [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
            "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables",
            "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sorting",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
            "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
            "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
            "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
            "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
            "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
            "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
            "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
            "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
            "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
            "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
            "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        ]
    });
    Ok(answer(&headers, &params, html::Page::Conformance, doc, ""))
}

pub(in crate::api) async fn list_collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = format_only(raw.as_deref())?;
    let base = base_url(&headers);
    let engine = state.engine();
    let collections: Vec<Value> = CollectionId::ALL
        .iter()
        .map(|&c| describe(&engine, c, &base))
        .collect();
    let doc = json!({
        "links": [{ "href": format!("{base}/ogc/collections"), "rel": "self", "type": "application/json" }],
        "collections": collections,
    });
    Ok(answer(&headers, &params, html::Page::Collections, doc, ""))
}

/// Path segments that axum could not decode are a client error like any other.
fn path_value<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(v)| v)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

fn collection_id(name: &str) -> Result<CollectionId, ApiError> {
    name.parse().map_err(|()| {
        let known: Vec<&str> = CollectionId::ALL.iter().map(|c| c.as_str()).collect();
        ApiError::NotFound(format!(
            "no collection `{}`; collections are: {}",
            name.chars().take(64).collect::<String>(),
            known.join(", ")
        ))
    })
}

pub(in crate::api) async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = format_only(raw.as_deref())?;
    let id = collection_id(&path_value(path)?)?;
    let doc = describe(&state.engine(), id, &base_url(&headers));
    Ok(answer(
        &headers,
        &params,
        html::Page::Collection,
        doc,
        id.as_str(),
    ))
}

/// A tile matrix set id other than the one served is a 404 naming it.
fn tms_id(given: &str) -> Result<(), ApiError> {
    if given == tilesets::TMS_ID {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "no tile matrix set `{}`; the one served is {}",
            given.chars().take(64).collect::<String>(),
            tilesets::TMS_ID
        )))
    }
}

/// `/ogc/tileMatrixSets`.
pub(in crate::api) async fn tile_matrix_sets(
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    no_params(raw.as_deref())?;
    Ok(Json(tilesets::tile_matrix_sets(&base_url(&headers))))
}

/// `/ogc/tileMatrixSets/{id}`.
pub(in crate::api) async fn tile_matrix_set(
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    no_params(raw.as_deref())?;
    tms_id(&path_value(path)?)?;
    Ok(Json(tilesets::web_mercator_quad()))
}

/// `/ogc/tiles`: the dataset's vector tilesets.
pub(in crate::api) async fn dataset_tilesets(
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    no_params(raw.as_deref())?;
    Ok(Json(tilesets::dataset_tilesets(&base_url(&headers))))
}

/// `/ogc/tiles/{tms}`: the dataset's tileset, every base layer in one tile.
pub(in crate::api) async fn dataset_tileset(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    no_params(raw.as_deref())?;
    tms_id(&path_value(path)?)?;
    Ok(Json(tilesets::dataset_tileset(
        &state.engine(),
        &base_url(&headers),
    )))
}

/// A collection without vector tiles (patrol tracks) is a 404 saying so.
fn untiled(id: CollectionId) -> ApiError {
    ApiError::NotFound(format!("collection `{}` has no vector tiles", id.as_str()))
}

/// `/ogc/collections/{id}/tiles`.
pub(in crate::api) async fn collection_tilesets(
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    no_params(raw.as_deref())?;
    let id = collection_id(&path_value(path)?)?;
    tilesets::collection_tilesets(id, &base_url(&headers))
        .map(Json)
        .ok_or_else(|| untiled(id))
}

/// `/ogc/collections/{id}/tiles/{tms}`.
pub(in crate::api) async fn collection_tileset(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    no_params(raw.as_deref())?;
    let (name, tms) = path_value(path)?;
    let id = collection_id(&name)?;
    tms_id(&tms)?;
    tilesets::collection_tileset(&state.engine(), id, &base_url(&headers))
        .map(Json)
        .ok_or_else(|| untiled(id))
}

/// `/ogc/collections/{id}/queryables`: what its items may be filtered on (JSON Schema).
pub(in crate::api) async fn collection_queryables(
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    schema_document(&headers, path, raw.as_deref(), queryables::queryables)
}

/// `/ogc/collections/{id}/sortables`: what its items may be sorted by (JSON Schema).
pub(in crate::api) async fn collection_sortables(
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    schema_document(&headers, path, raw.as_deref(), queryables::sortables)
}

fn schema_document(
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    raw: Option<&str>,
    document: fn(CollectionId, &str) -> Value,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let id = collection_id(&path_value(path)?)?;
    let body = document(id, &base_url(headers));
    Ok((
        [(header::CONTENT_TYPE, "application/schema+json")],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response())
}

fn select(
    engine: &Engine,
    id: CollectionId,
    params: &QueryParams,
) -> Result<(Common, Page), ApiError> {
    match id {
        CollectionId::Districts => static_page(&engine.districts, params),
        CollectionId::Communities => static_page(&engine.communities, params),
        CollectionId::Grids => static_page(&engine.grids, params),
        CollectionId::Buildings => static_page(&engine.buildings, params),
        CollectionId::Resources => static_page(&engine.resources, params),
        CollectionId::Streets => static_page(&engine.streets, params),
        CollectionId::Incidents => incident_page(engine, params),
        CollectionId::PatrolRoutes => static_page(&engine.patrol_routes, params),
        CollectionId::PatrolTracks => {
            let scope = params.scope();
            static_page_where(&engine.patrol_tracks, params, |t| {
                scope.sees(Some(t.community_id))
            })
        }
        CollectionId::Units => static_page(&engine.units, params),
        CollectionId::DemandItems => {
            let scope = params.scope();
            static_page_where(&engine.demand_items, params, |d| {
                scope.sees(Some(d.community_id))
            })
        }
        CollectionId::Inspections => {
            let scope = params.scope();
            static_page_where(&engine.inspections, params, |r| {
                scope.sees(Some(r.community_id))
            })
        }
    }
}

/// The ids of a collection's features that match an items query (`filter`, `bbox`,
/// `datetime`, property filters, `sortby`; paging ignored), in the order items would page
/// through them: what the CQL2 tests and benchmarks compare with other evaluators.
///
/// # Errors
/// An unknown collection or a bad query, as items would answer it.
pub fn matching_ids(engine: &Engine, collection: &str, query: &str) -> Result<Vec<u64>, ApiError> {
    fn ids<T: features::OgcFeature>(
        layer: &crate::index::Layer<T>,
        params: &QueryParams,
    ) -> Result<Vec<u64>, ApiError> {
        let (_, positions) = items::static_matches(layer, params, |_| true)?;
        Ok(positions
            .iter()
            .map(|&p| layer.items()[p as usize].id())
            .collect())
    }
    let id = collection_id(collection)?;
    let params = QueryParams::parse(Some(query))?;
    match id {
        CollectionId::Districts => ids(&engine.districts, &params),
        CollectionId::Communities => ids(&engine.communities, &params),
        CollectionId::Grids => ids(&engine.grids, &params),
        CollectionId::Buildings => ids(&engine.buildings, &params),
        CollectionId::Resources => ids(&engine.resources, &params),
        CollectionId::Streets => ids(&engine.streets, &params),
        CollectionId::PatrolRoutes => ids(&engine.patrol_routes, &params),
        CollectionId::PatrolTracks => ids(&engine.patrol_tracks, &params),
        CollectionId::Units => ids(&engine.units, &params),
        CollectionId::DemandItems => ids(&engine.demand_items, &params),
        CollectionId::Inspections => ids(&engine.inspections, &params),
        CollectionId::Incidents => {
            let (_, rows) = items::incident_matches(engine, &params)?;
            Ok(rows
                .iter()
                .map(|&r| engine.incidents.id[r as usize])
                .collect())
        }
    }
}

/// The queryables of the collection named `collection` (empty for an unknown name).
#[must_use]
pub fn queryables_of(collection: &str) -> &'static [crate::filter::Queryable] {
    collection
        .parse::<CollectionId>()
        .map_or(&[], queryables::queryables_of)
}

/// A GeoJSON answer with the CRS its coordinates are in (`Content-Crs`, Part 2).
fn geojson_response(value: &Value, crs: Crs) -> Response {
    (
        [
            (header::CONTENT_TYPE, GEOJSON.to_owned()),
            (
                header::HeaderName::from_static("content-crs"),
                format!("<{}>", crs.uri()),
            ),
        ],
        serde_json::to_vec(value).unwrap_or_default(),
    )
        .into_response()
}

/// The CRS asked for with `crs=` (CRS84 when none).
fn asked_crs(params: &QueryParams) -> Result<Crs, ApiError> {
    params.get("crs").map_or(Ok(Crs::Crs84), Crs::parse)
}

/// Whether `id` names an incident `scope` may see (a bound token's view of another
/// community's incident is that it does not exist).
pub(crate) fn incident_visible(engine: &Engine, id: u64, scope: &Scope) -> bool {
    engine
        .incidents
        .row(id)
        .is_some_and(|row| scope.sees(engine.community_of_incident(row)))
}

/// Refuses an aggregate-only reader the record collections.
fn records_allowed(id: CollectionId, caller: &Caller) -> Result<(), ApiError> {
    match id {
        CollectionId::Incidents => caller.needs_records("incident records"),
        CollectionId::PatrolTracks => caller.needs_records("patrol tracks"),
        CollectionId::DemandItems => caller.needs_records("demand-list items"),
        CollectionId::Inspections => caller.needs_records("joint inspection records"),
        _ => Ok(()),
    }
}

pub(in crate::api) async fn items(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let id = collection_id(&path_value(path)?)?;
    records_allowed(id, &caller)?;
    let params = QueryParams::parse(raw.as_deref())?.within(caller.scope.clone());
    let engine = state.engine();
    let crs = asked_crs(&params)?;
    let (common, mut page) = select(&engine, id, &params)?;
    with_city(&mut page.features, engine.city.code);
    let reproject = crs.reprojector()?;
    for feature in &mut page.features {
        reproject.feature(feature)?;
    }
    let base = base_url(&headers);
    let items_url = format!("{base}/ogc/collections/{}/items", id.as_str());
    // Links keep every parameter of the request and change only the offset.
    let with_offset = |offset: usize| {
        let mut pairs: Vec<(&str, String)> = params
            .pairs()
            .filter(|(k, _)| *k != "offset")
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
        pairs.push(("offset", offset.to_string()));
        format!(
            "{items_url}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let returned = page.features.len();
    let mut links = vec![
        json!({ "href": with_offset(common.offset), "rel": "self", "type": GEOJSON }),
        json!({ "href": format!("{base}/ogc/collections/{}", id.as_str()), "rel": "collection", "type": "application/json" }),
    ];
    if common.offset + returned < page.matched {
        links.push(json!({ "href": with_offset(common.offset + returned), "rel": "next", "type": GEOJSON }));
    }
    if common.offset > 0 {
        links.push(json!({ "href": with_offset(common.offset.saturating_sub(common.limit)), "rel": "prev", "type": GEOJSON }));
    }
    let body = json!({
        "type": "FeatureCollection",
        "numberMatched": page.matched,
        "numberReturned": returned,
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
        "features": page.features,
    });
    if html::wanted(&headers, params.get("f")) {
        return Ok(answer(
            &headers,
            &params,
            html::Page::Items,
            body,
            id.as_str(),
        ));
    }
    Ok(geojson_response(&body, crs))
}

pub(in crate::api) async fn item(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(raw.as_deref())?;
    params.only(&["f", "crs"])?;
    FORMAT.read(&params)?;
    let crs = asked_crs(&params)?;
    let (name, fid) = path_value(path)?;
    let id = collection_id(&name)?;
    records_allowed(id, &caller)?;
    let scope = &caller.scope;
    let missing = || {
        ApiError::NotFound(format!(
            "no feature `{}` in {}",
            fid.chars().take(64).collect::<String>(),
            id.as_str()
        ))
    };
    let fid_num: u64 = fid.parse().map_err(|_| missing())?;
    let e = &state.engine();
    let feature = match id {
        CollectionId::Districts => e.districts.get(fid_num).map(static_feature),
        CollectionId::Communities => e.communities.get(fid_num).map(static_feature),
        CollectionId::Grids => e.grids.get(fid_num).map(static_feature),
        CollectionId::Buildings => e.buildings.get(fid_num).map(static_feature),
        CollectionId::Resources => e.resources.get(fid_num).map(static_feature),
        CollectionId::Streets => e.streets.get(fid_num).map(static_feature),
        CollectionId::Incidents => e
            .incidents
            .row(fid_num)
            .filter(|&row| scope.sees(e.community_of_incident(row)))
            .map(|row| incident_feature(e, row)),
        CollectionId::PatrolRoutes => e.patrol_routes.get(fid_num).map(static_feature),
        CollectionId::PatrolTracks => e
            .patrol_tracks
            .get(fid_num)
            .filter(|t| scope.sees(Some(t.community_id)))
            .map(static_feature),
        CollectionId::Units => e.units.get(fid_num).map(static_feature),
        CollectionId::DemandItems => e
            .demand_items
            .get(fid_num)
            .filter(|d| scope.sees(Some(d.community_id)))
            .map(static_feature),
        CollectionId::Inspections => e
            .inspections
            .get(fid_num)
            .filter(|r| scope.sees(Some(r.community_id)))
            .map(static_feature),
    };
    let mut feature = feature.ok_or_else(missing)?;
    with_city(std::slice::from_mut(&mut feature), e.city.code);
    crs.reprojector()?.feature(&mut feature)?;
    // Operators and admins reading one incident see who reported it (from the store: the
    // engine never holds personal fields), and the answer is not kept by any cache.
    let mut private = false;
    if id == CollectionId::Incidents
        && caller.sees_personal_fields()
        && let Some(store) = state.live.store()
        && let Some(personal) = store.personal(fid_num).await?
    {
        private = true;
        for (key, value) in [
            ("reporter_name", personal.reporter_name),
            ("reporter_phone", personal.reporter_phone),
            ("note", personal.note),
        ] {
            feature["properties"][key] = json!(value);
        }
    }
    let base = base_url(&headers);
    feature["links"] = json!([
        { "href": format!("{base}/ogc/collections/{}/items/{fid_num}", id.as_str()), "rel": "self", "type": GEOJSON },
        { "href": format!("{base}/ogc/collections/{}", id.as_str()), "rel": "collection", "type": "application/json" },
    ]);
    let mut response = if html::wanted(&headers, params.get("f")) {
        answer(&headers, &params, html::Page::Item, feature, id.as_str())
    } else {
        geojson_response(&feature, crs)
    };
    if private {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(response)
}
