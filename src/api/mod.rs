//! HTTP: routers by area, query parsing, and `ApiError` → problem+json. The only module that
//! knows axum.

mod auth;
mod cities;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod health;
mod limits;
mod metrics;
pub(crate) mod ogc;
pub use self::ogc::{matching_ids, queryables_of};
mod openapi;
pub mod params;
mod query;
mod routes;
mod server;
mod state;
mod tiles;
mod v1;
mod web;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use cities::app_of;
pub use error::ApiError;
pub use query::QueryParams;
pub use server::serve;
pub use state::{AppState, Shared};
pub use v1::{AnswerCache, StudyAreas, analyst};

pub use auth::{Access, Anonymous, Caller, Jwt, JwtKey, RateLimit, Role, Scope, Tokens};
pub use limits::{Limits, QUEUE_WAIT};
pub use tiles::TileCaches;

/// `Cache-Control` of every answer that sets none itself (and of tile errors).
const NO_CACHE: &str = "no-cache";

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    metrics::install();
    let mut api = Router::new();
    let mut tiles = Router::new();
    for e in routes::ENDPOINTS {
        if routes::is_tile(e) {
            tiles = tiles.route(e.route(), (e.handler)(e.path));
        } else {
            api = api.route(e.route(), (e.handler)(e.path));
        }
    }
    let api = api
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::admit_and_count,
        ))
        .with_state(state.clone())
        .layer(CompressionLayer::new())
        .layer(
            CorsLayer::new()
                .allow_methods([Method::GET, Method::HEAD])
                .allow_origin(tower_http::cors::Any),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(NO_CACHE),
        ));
    // Tiles set their own coding, CORS and cache headers (see `tiles::tile`): those three
    // layers cost more per request than sending a cached tile.
    let tiles = tiles
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::admit_and_count,
        ))
        .with_state(state);
    // Every request gets an id (or keeps the `x-request-id` it came with): in its log span and
    // on its response.
    let x_request_id = header::HeaderName::from_static("x-request-id");
    tiles
        .merge(api)
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", id, method = %request.method(), uri = %request.uri())
            }),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, RequestIds::default()))
}

/// Request ids: a random prefix per process and a counter, e.g. `3f9c2a1e-42`. Unique within
/// a process and, by the prefix, across restarts; a UUID v4 per request asked the kernel for
/// randomness every time.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self {
            prefix: format!("{:08x}", rand::random::<u32>()).into(),
            next: Arc::new(std::sync::atomic::AtomicU64::new(1)),
        }
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::try_from(format!("{}-{n}", self.prefix))
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no resource at {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}
