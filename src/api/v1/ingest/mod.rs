//! Writes under `/api/v1`: incidents (GeoJSON or CSV batches, status changes), patrol tracks
//! (GeoJSON or GPX), resources and joint inspections done. Every write needs a bearer token of the right role, reads
//! its body up to a size limit, validates everything before touching the store (a batch is all
//! or nothing), converts coordinates from the declared `datum`, and answers 201 with the ids.
//! A token bound to communities writes only there (403 elsewhere; an incident of another
//! community is a 404, as if it did not exist).

pub(crate) mod incidents;
pub(crate) mod inspections;
pub(crate) mod lists;
mod point_feature;
pub(crate) mod resources;
pub(crate) mod tracks;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::api::{ApiError, AppState, Caller, QueryParams, Role};
use crate::live::WriteError;
use crate::model::datum::Datum;

/// The largest request body accepted (a batch of about 50,000 incidents as GeoJSON).
pub const MAX_BODY_BYTES: usize = 16 << 20;

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::ReadOnly => Self::Unavailable(e.to_string()),
            WriteError::NoSuchIncident(_) | WriteError::NoSuchProject(_) => {
                Self::NotFound(e.to_string())
            }
            WriteError::Unprocessable(detail) => Self::Unprocessable(detail),
            WriteError::Invalid(detail) => Self::Conflict(detail),
            WriteError::BadRequest(detail) => Self::BadRequest(detail),
            WriteError::Store(s) => s.into(),
        }
    }
}

/// The body, up to [`MAX_BODY_BYTES`].
pub(in crate::api) async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::PayloadTooLarge(format!(
                "the body is over the limit of {} MiB",
                MAX_BODY_BYTES >> 20
            ))
        })
}

/// The media type of the request, without parameters, lower-cased.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The `datum` parameter (default WGS 84).
fn datum(params: &QueryParams) -> Result<Datum, ApiError> {
    params.get("datum").map_or(Ok(Datum::Wgs84), |d| {
        d.parse().map_err(ApiError::BadRequest)
    })
}

/// The body as JSON, or a 400 saying where it broke.
pub(in crate::api) fn json_body(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))
}

/// What every write starts with: the token checked for `role`, the query (only `keys` plus
/// `datum`) parsed, and the body read up to the limit.
async fn write_request(
    state: &AppState,
    caller: &Caller,
    raw: Option<&str>,
    role: Role,
    keys: &[&str],
    body: Body,
) -> Result<(QueryParams, Datum, Bytes), ApiError> {
    state.access.require(caller, role)?;
    let params = QueryParams::parse(raw)?;
    let allowed: Vec<&str> = std::iter::once("datum")
        .chain(keys.iter().copied())
        .collect();
    params.only(&allowed)?;
    let datum = datum(&params)?;
    let bytes = read_body(body).await?;
    Ok((params, datum, bytes))
}

fn created(body: Value) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// `POST /api/v1/incidents`: a GeoJSON Feature or FeatureCollection, or `text/csv`.
pub(in crate::api) async fn post_incidents(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (_, datum, bytes) =
        write_request(&state, &caller, raw.as_deref(), Role::Operator, &[], body).await?;
    let now = chrono::Utc::now().timestamp();
    let batch = match media_type(&headers).as_str() {
        "text/csv" => incidents::from_csv(&bytes, datum, now)?,
        "application/geo+json" | "application/json" | "" => {
            incidents::from_geojson(&json_body(&bytes)?, datum, now)?
        }
        other => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "`{other}` is not accepted here: send application/geo+json or text/csv"
            )));
        }
    };
    let engine = state.engine();
    for (incident, _) in &batch {
        let at = geo::Coord {
            x: incident.lon,
            y: incident.lat,
        };
        caller.may_write_in(engine.place(at).1)?;
    }
    let stored = state.live.add_reported(batch).await?;
    let ids: Vec<u64> = stored.iter().map(|i| i.id).collect();
    tracing::info!(count = ids.len(), "incidents written");
    Ok(created(json!({ "ids": ids, "count": ids.len() })))
}

/// An incident id from a path; anything else is a 400.
pub(in crate::api) fn incident_id(id: &str) -> Result<u64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::BadRequest(format!("`{id}` is not an incident id")))
}

/// `PATCH /api/v1/incidents/{id}`: `{"status": "assigned" | "resolved", "resolved_at": ...}`.
pub(in crate::api) async fn patch_incident(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    state.access.require(&caller, Role::Operator)?;
    let id = incident_id(&id)?;
    // Another community's incident does not exist for a bound token.
    if !crate::api::ogc::incident_visible(&state.engine(), id, &caller.scope) {
        return Err(WriteError::NoSuchIncident(id).into());
    }
    let bytes = read_body(body).await?;
    let (status, resolved_at) = incidents::status_change(&json_body(&bytes)?)?;
    let incident = state.live.update_status(id, status, resolved_at).await?;
    let engine = state.engine();
    let row = engine
        .incidents
        .row(incident.id)
        .ok_or_else(|| ApiError::Internal("an updated incident vanished".into()))?;
    Ok(Json(crate::api::ogc::incident_feature(&engine, row)).into_response())
}

/// `POST /api/v1/patrol/tracks`: a GeoJSON LineString Feature with per-vertex `times`, or GPX.
pub(in crate::api) async fn post_track(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (params, datum, bytes) = write_request(
        &state,
        &caller,
        raw.as_deref(),
        Role::Operator,
        &["community_id", "route_id", "team"],
        body,
    )
    .await?;
    let engine = state.engine();
    let track = match media_type(&headers).as_str() {
        "application/gpx+xml" | "application/xml" | "text/xml" => {
            tracks::from_gpx(&bytes, datum, &params, &engine)?
        }
        "application/geo+json" | "application/json" | "" => {
            tracks::from_geojson(&json_body(&bytes)?, datum, &params, &engine)?
        }
        other => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "`{other}` is not accepted here: send application/geo+json or application/gpx+xml"
            )));
        }
    };
    caller.may_write_in(Some(track.community_id))?;
    let stored = state.live.add_track(track).await?;
    Ok(created(
        json!({ "id": stored.id, "points": stored.times.len() }),
    ))
}

/// `POST /api/v1/resources` (admin): a GeoJSON Point Feature; with an `id`, replaces it.
pub(in crate::api) async fn post_resource(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (_, datum, bytes) =
        write_request(&state, &caller, raw.as_deref(), Role::Admin, &[], body).await?;
    let resource = resources::from_geojson(&json_body(&bytes)?, datum)?;
    caller.may_write_in(state.engine().place(resource.geometry.0).1)?;
    let stored = state.live.upsert_resource(resource).await?;
    Ok(created(
        json!({ "id": stored.id, "community_id": stored.community_id }),
    ))
}

/// `POST /api/v1/inspections` (operator): a joint inspection done, as a GeoJSON Point Feature.
pub(in crate::api) async fn post_inspection(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (_, datum, bytes) =
        write_request(&state, &caller, raw.as_deref(), Role::Operator, &[], body).await?;
    let record = inspections::from_geojson(&json_body(&bytes)?, datum)?;
    let at = geo::Coord {
        x: record.lon,
        y: record.lat,
    };
    caller.may_write_in(state.engine().place(at).1)?;
    let stored = state.live.record_inspection(record).await?;
    Ok(created(json!({
        "id": stored.id,
        "community_id": stored.community_id,
        "agencies": stored.agencies,
        "kinds": stored.kinds,
    })))
}

/// `POST /api/v1/lists/demands` (operator): a need raised, as a GeoJSON Point Feature.
pub(in crate::api) async fn post_demand(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (_, datum, bytes) =
        write_request(&state, &caller, raw.as_deref(), Role::Operator, &[], body).await?;
    let engine = state.engine();
    let demand = lists::demand_from_geojson(&json_body(&bytes)?, datum, &engine)?;
    let at = geo::Coord {
        x: demand.lon,
        y: demand.lat,
    };
    caller.may_write_in(engine.place(at).1)?;
    let stored = state.live.raise_demand(demand).await?;
    Ok(created(json!({
        "id": stored.id,
        "community_id": stored.community_id,
        "status": stored.status,
    })))
}

/// `POST /api/v1/lists/projects` (operator): a project opened on open needs and offers.
pub(in crate::api) async fn post_project(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (_, _, bytes) =
        write_request(&state, &caller, raw.as_deref(), Role::Operator, &[], body).await?;
    let new = lists::new_project(&json_body(&bytes)?)?;
    // A bound operator opens projects on its own communities' needs only.
    let engine = state.engine();
    for id in &new.demand_ids {
        if let Some(d) = engine.lists.demands.iter().find(|d| d.id == *id) {
            caller.may_write_in(Some(d.community_id))?;
        }
    }
    let stored = state
        .live
        .edit_project(move |lists| lists.open_project(new))
        .await?;
    Ok(created(json!(stored)))
}

/// `PATCH /api/v1/lists/projects/{id}` (operator): a project moved on.
pub(in crate::api) async fn patch_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let (_, _, bytes) =
        write_request(&state, &caller, raw.as_deref(), Role::Operator, &[], body).await?;
    let missing = || {
        ApiError::NotFound(format!(
            "there is no project {}",
            id.chars().take(32).collect::<String>()
        ))
    };
    let id: u64 = id.parse().map_err(|_| missing())?;
    let engine = state.engine();
    // Another community's project is as unknown to a bound caller as a missing one.
    let community = engine
        .lists
        .projects
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.community_id)
        .filter(|&c| caller.scope.sees(Some(c)))
        .ok_or_else(missing)?;
    caller.may_write_in(Some(community))?;
    let (to, at) = lists::project_move(&json_body(&bytes)?)?;
    let stored = state
        .live
        .edit_project(move |lists| lists.move_project(id, to, at))
        .await?;
    Ok(Json(json!(stored)).into_response())
}
