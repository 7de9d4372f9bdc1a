//! HTTP: routers by area, query parsing, and `ApiError` → problem+json. The only module that
//! knows axum.

mod auth;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod health;
mod limits;
mod metrics;
mod ogc;
mod openapi;
mod query;
mod server;
mod tiles;
mod v1;
mod web;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use query::QueryParams;
pub use server::serve;
pub use v1::{AnswerCache, StudyAreas};

use crate::index::Engine;
use crate::live::Live;
pub use auth::{Access, Anonymous, Caller, Jwt, JwtKey, RateLimit, Role, Scope, Tokens};
pub use limits::{Limits, QUEUE_WAIT};
pub use tiles::TileCaches;

/// Everything a handler may read, behind one pointer: axum clones the state for every
/// request, and one reference count is cheaper than the five inside.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The state every request shares.
pub struct Shared {
    /// The current snapshot and the write path.
    pub live: Arc<Live>,
    /// Who may read and write what.
    pub access: Arc<Access>,
    /// Analytics answers by (query, data version).
    pub answers: AnswerCache,
    /// Hot-spot study areas by (resolution, areas, k, places version).
    pub study_areas: StudyAreas,
    /// Encoded tiles and per-query cell values, by data version.
    pub tiles: tiles::TileCaches,
    /// How many analytics computations may run at once, and for how long.
    pub limits: Limits,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Read-only state over `engine` with empty caches (64 MiB of analytics answers) and no
    /// tokens.
    #[must_use]
    pub fn new(engine: Engine) -> Self {
        Self::with_live(Live::new(engine, None), Tokens::none())
    }

    /// State over a live dataset (with its store) and the write tokens, with the default tile
    /// cache (256 MiB).
    #[must_use]
    pub fn with_live(live: Live, tokens: Tokens) -> Self {
        Self::with_tile_cache(live, tokens, TileCaches::default())
    }

    /// State over a live dataset, the write tokens and the given tile caches.
    #[must_use]
    pub fn with_tile_cache(live: Live, tokens: Tokens, tiles: TileCaches) -> Self {
        Self::with_limits(live, tokens, tiles, Limits::default())
    }

    /// State with the write tokens, the tile caches and the limits given (anonymous readers
    /// see everything).
    #[must_use]
    pub fn with_limits(live: Live, tokens: Tokens, tiles: TileCaches, limits: Limits) -> Self {
        Self::with_access(live, Access::from(tokens), tiles, limits)
    }

    /// State with every part given.
    #[must_use]
    pub fn with_access(live: Live, access: Access, tiles: TileCaches, limits: Limits) -> Self {
        Self(Arc::new(Shared {
            live: Arc::new(live),
            access: Arc::new(access),
            answers: AnswerCache::new(64 << 20),
            study_areas: StudyAreas::default(),
            tiles,
            limits,
        }))
    }

    /// The current snapshot.
    #[must_use]
    pub fn engine(&self) -> Arc<Engine> {
        self.live.engine()
    }
}

/// A geo geometry as GeoJSON.
pub(crate) fn ogc_feature_geometry<G>(g: &G) -> geojson::Geometry
where
    for<'a> geojson::Value: From<&'a G>,
{
    geojson::Geometry::new(geojson::Value::from(g))
}

/// `Cache-Control` of every answer that sets none itself (and of tile errors).
const NO_CACHE: &str = "no-cache";

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    metrics::install();
    let api = Router::new()
        .route("/", get(web::page))
        .route("/metrics", get(metrics::metrics))
        .route("/web/{*path}", get(web::file))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/openapi.json", get(openapi::openapi))
        .nest("/ogc", ogc::router())
        .nest("/api/v1", v1::router())
        .route("/tiles/{name}", get(tiles::document))
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
    let tiles = Router::new()
        .route(
            "/tiles/{layers}/{z}/{x}/{y}",
            get(tiles::tile)
                .options(tiles::preflight)
                .fallback(method_not_allowed),
        )
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
