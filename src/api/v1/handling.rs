//! The command centre's handling: `POST /api/v1/incidents/{id}/transitions` (a move, checked:
//! an illegal one is a 409 and changes nothing), `GET /api/v1/incidents/{id}/history`, and the
//! board (`/api/v1/handling/kpis`) and queue (`/api/v1/handling/queue`) read at an instant
//! (`at`, now by default) on the working calendar, never cached.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::StudyAreas;
use super::answer::{
    GradeThresholds, HandlingKpiOut, HandlingKpisAnswer, HistoryAnswer, MoveOut, QueueAnswer,
    QueuedOut, to_value,
};
use super::filters::{Filters, list};
use super::ingest::{incident_id, json_body, read_body};
use crate::analytics::handling::{self, By, GRADE_THRESHOLDS, MIN_CLOSED};
use crate::api::params::rounded;
use crate::api::{ApiError, AppState, Caller, QueryParams, Role};
use crate::index::Engine;
use crate::live::MoveRequest;
use crate::model::calendar::WorkingCalendar;
use crate::model::handling::{AMBER_SHARE, Alert, Transition};
use crate::model::{HandlingState, format_local, parse_instant};

/// The most incidents one queue answer lists.
pub const QUEUE_LIMIT: usize = 500;

/// The instant the clock is read at: `at`, or now.
fn at(params: &QueryParams) -> Result<i64, ApiError> {
    params.get("at").map_or_else(
        || Ok(chrono::Utc::now().timestamp()),
        |s| parse_instant(s).map_err(|e| ApiError::BadRequest(format!("`at`: {e}"))),
    )
}

fn by(params: &QueryParams) -> Result<By, ApiError> {
    Ok(match params.get("by").unwrap_or("grid") {
        "grid" => By::Grid,
        "community" => By::Community,
        "district" => By::District,
        "department" => By::Department,
        other => {
            return Err(ApiError::BadRequest(format!(
                "`by`: `{other}` is not one of grid, community, district, department"
            )));
        }
    })
}

fn alerts(params: &QueryParams) -> Result<Vec<Alert>, ApiError> {
    list(params, "alert")
        .iter()
        .map(|a| match a.as_str() {
            "green" => Ok(Alert::Green),
            "amber" => Ok(Alert::Amber),
            "red" => Ok(Alert::Red),
            other => Err(ApiError::BadRequest(format!(
                "`alert`: `{other}` is not one of green, amber, red"
            ))),
        })
        .collect()
}

fn hours(seconds: i64) -> f64 {
    rounded(seconds as f64 / 3600.0, 3)
}

/// `GET /api/v1/handling/kpis`.
pub fn kpis(engine: &Engine, _areas: &StudyAreas, params: &QueryParams) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &["by", "at"])?;
    let (by, now) = (by(params)?, at(params)?);
    let calendar = WorkingCalendar::current();
    let rows = handling::kpis(engine, calendar, &filters.incidents, by, now);
    let t = &engine.incidents;
    let name = |key: u32| -> (Option<u64>, String) {
        let i = key as usize;
        match by {
            By::Grid => {
                let g = &engine.grids.items()[i];
                (Some(g.id), g.name.clone())
            }
            By::Community => {
                let c = &engine.communities.items()[i];
                (Some(c.id), c.name.clone())
            }
            By::District => {
                let d = &engine.districts.items()[i];
                (Some(d.id), d.name.clone())
            }
            By::Department => (
                None,
                t.departments
                    .name(u16::try_from(key).unwrap_or(u16::MAX))
                    .unwrap_or_default()
                    .to_owned(),
            ),
        }
    };
    to_value(&HandlingKpisAnswer {
        by: params.get("by").unwrap_or("grid").to_owned(),
        at: format_local(now),
        grade_rule: format!(
            "grade by the on-time closing share: green ≥ {}, amber ≥ {}, red below; none with fewer than {MIN_CLOSED} closed",
            GRADE_THRESHOLDS.0, GRADE_THRESHOLDS.1
        ),
        grade_thresholds: GradeThresholds {
            green: GRADE_THRESHOLDS.0,
            amber: GRADE_THRESHOLDS.1,
            min_closed: MIN_CLOSED,
        },
        rates_rule: "on_time_share = closed within the kind's time limit (working hours) / closed; return_rate and redo_rate = incidents returned / reopened at least once over incidents dispatched; overdue_now = open incidents past their limit at `at`".into(),
        rows: rows
            .iter()
            .map(|k| {
                let (id, name) = name(k.key);
                HandlingKpiOut {
                    id,
                    name,
                    count: k.count,
                    closed: k.closed,
                    closed_on_time: k.closed_on_time,
                    on_time_share: k.on_time_share().map(|v| rounded(v, 4)),
                    dispatched: k.dispatched,
                    return_rate: k.return_rate().map(|v| rounded(v, 4)),
                    redo_rate: k.redo_rate().map(|v| rounded(v, 4)),
                    median_working_hours_to_close: k.median_close_h.map(|v| rounded(v, 3)),
                    overdue_now: k.overdue_now,
                    grade: k.grade().map(|g| g.as_str().to_owned()),
                }
            })
            .collect(),
    })
}

/// `GET /api/v1/handling/queue`.
pub fn queue(
    engine: &Engine,
    _areas: &StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    let filters = Filters::parse(engine, params, &["alert", "at", "limit", "department"])?;
    let now = at(params)?;
    let wanted = alerts(params)?;
    let limit = match params.get("limit") {
        None => QUEUE_LIMIT,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=QUEUE_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!("`limit`: `{s}` is not 1..={QUEUE_LIMIT}"))
            })?,
    };
    let t = &engine.incidents;
    let departments: Vec<u16> = list(params, "department")
        .iter()
        .map(|d| {
            t.departments.find(d).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "`department`: no incident was dispatched to `{d}`; departments: {}",
                    t.departments.names().join(", ")
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let calendar = WorkingCalendar::current();
    let mut queued = handling::queue(engine, calendar, &filters.incidents, &wanted, now);
    if !departments.is_empty() {
        queued.retain(|q| departments.contains(&t.handling[q.row].department));
    }
    let total = queued.len();
    let count = |a: Alert| queued.iter().filter(|q| q.alert == a).count();
    let (amber, red) = (count(Alert::Amber), count(Alert::Red));
    queued.truncate(limit);
    to_value(&QueueAnswer {
        at: format_local(now),
        amber_share: AMBER_SHARE,
        total,
        amber,
        red,
        incidents: queued
            .iter()
            .map(|q| {
                let r = q.row;
                let h = &t.handling[r];
                let id_of = |pos: u32, ids: &dyn Fn(usize) -> u64| {
                    (pos != crate::index::NONE).then(|| ids(pos as usize))
                };
                QueuedOut {
                    id: t.id[r],
                    kind: t.kind[r].as_str().to_owned(),
                    state: h.state.as_str().to_owned(),
                    department: t.departments.name(h.department).map(str::to_owned),
                    grid_id: id_of(t.grid[r], &|p| engine.grids.items()[p].id),
                    community_id: id_of(t.community[r], &|p| engine.communities.items()[p].id),
                    lon: t.lon[r],
                    lat: t.lat[r],
                    reported_at: format_local(t.reported_at[r]),
                    filed_at: format_local(h.filed_at),
                    time_limit_h: hours(q.limit_s),
                    time_left_h: hours(q.left_s),
                    due_at: (h.due_at != i64::MIN).then(|| format_local(h.due_at)),
                    alert: q.alert.as_str().to_owned(),
                }
            })
            .collect(),
    })
}

fn move_out(t: &Transition, private: bool) -> MoveOut {
    MoveOut {
        at: format_local(t.at),
        from: t.from.as_str().to_owned(),
        to: t.to.as_str().to_owned(),
        department: t.department.clone(),
        by: t.by.clone().filter(|_| private),
        note: t.note.clone().filter(|_| private),
    }
}

/// `GET /api/v1/incidents/{id}/history`: the moves (who made them and the notes only for
/// operators and admins), from the store, or from the dataset on a read-only server.
pub(in crate::api) async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    QueryParams::parse(raw.as_deref())?.only(&[])?;
    caller.needs_records("incident histories")?;
    let id = incident_id(&id)?;
    let engine = state.engine();
    if !crate::api::ogc::incident_visible(&engine, id, &caller.scope) {
        return Err(ApiError::NotFound(format!("there is no incident {id}")));
    }
    let moves: Vec<Transition> = match state.live.store() {
        Some(store) => store.history(id).await?,
        None => engine
            .moves_of(id)
            .iter()
            .map(|m| m.transition.clone())
            .collect(),
    };
    let private = caller.sees_personal_fields();
    let answer = HistoryAnswer {
        id,
        incident: crate::api::ogc::incident_properties(&engine, id),
        moves: moves.iter().map(|m| move_out(m, private)).collect(),
    };
    let mut response = Json(to_value(&answer)?).into_response();
    if private {
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(response)
}

/// `POST /api/v1/incidents/{id}/transitions` (operator): `{"to": ..., "department": ...,
/// "at": ..., "note": ...}`; answers the move and the incident as it now is.
pub(in crate::api) async fn post_transition(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    state.access.require(&caller, Role::Operator)?;
    let id = incident_id(&id)?;
    if !crate::api::ogc::incident_visible(&state.engine(), id, &caller.scope) {
        return Err(ApiError::NotFound(format!("there is no incident {id}")));
    }
    let bytes = read_body(body).await?;
    let body = json_body(&bytes)?;
    let request = move_request(&body)?;
    let (_, transition) = state.live.transition(id, request).await?;
    let engine = state.engine();
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({
            "move": move_out(&transition, true),
            "incident": crate::api::ogc::incident_properties(&engine, id),
        })),
    )
        .into_response())
}

/// The move a body asks for; an unknown field or state is a 400 naming it.
fn move_request(body: &Value) -> Result<MoveRequest, ApiError> {
    let object = body
        .as_object()
        .ok_or_else(|| ApiError::BadRequest("the body must be a JSON object".into()))?;
    if let Some(unknown) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "to" | "department" | "at" | "by" | "note"))
    {
        return Err(ApiError::BadRequest(format!(
            "`{unknown}` is not a field of a move; send to, department, at, by, note"
        )));
    }
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.chars().count() <= 200 => {
                Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
            }
            Some(_) => Err(ApiError::BadRequest(format!(
                "`{key}` must be a string of at most 200 characters"
            ))),
        }
    };
    let to: HandlingState = text("to")?
        .ok_or_else(|| ApiError::BadRequest("`to` is required".into()))?
        .parse()?;
    let at = text("at")?
        .map(|s| parse_instant(&s).map_err(|e| ApiError::BadRequest(format!("`at`: {e}"))))
        .transpose()?;
    Ok(MoveRequest {
        to,
        at,
        department: text("department")?,
        by: text("by")?,
        note: text("note")?,
    })
}
