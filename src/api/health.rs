//! Liveness and readiness. The engine is built before the listener opens, so a server that
//! answers is ready; `/readyz` also reports what it holds.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::AppState;

/// `GET /healthz`: the process is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the data is loaded; with layer counts.
pub async fn readyz(State(state): State<AppState>) -> Json<Value> {
    let e = &state.engine();
    Json(json!({
        "status": "ready",
        "layers": {
            "districts": e.districts.len(),
            "communities": e.communities.len(),
            "grids": e.grids.len(),
            "buildings": e.buildings.len(),
            "resources": e.resources.len(),
            "streets": e.streets.len(),
            "patrol_routes": e.patrol_routes.len(),
            "patrol_tracks": e.patrol_tracks.len(),
            "incidents": e.incidents.len(),
        },
        "incidents_outside_grids": e.incidents_outside_grids(),
    }))
}
