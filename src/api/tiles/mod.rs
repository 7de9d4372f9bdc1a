//! `/tiles`: vector tiles of every layer, TileJSON 3.0 and a MapLibre style.
//!
//! - `GET /tiles/{layers}/{z}/{x}/{y}.mvt`: one layer or several (`a,b,...`) in one tile;
//!   hexbins, hot spots and incidents take the analytics filters (`kind`, `from`, `to`,
//!   `status`, and `res` for the cell layers, chosen from the zoom when absent).
//!   204 for an empty tile, 400 for a z/x/y that is not a tile, 404 for an unknown layer or a
//!   zoom outside every requested layer's range; a strong `ETag` with `If-None-Match` → 304.
//! - `GET /tiles/{layers}.json`: TileJSON; `GET /tiles/style.json`: the style.
//!
//! Encoded tiles are cached by the request as sent (layers, z/x/y, query), the data version
//! and the content coding (identity, gzip, br), bounded by bytes, so a write never serves a
//! stale tile and a cached tile is compressed once.

mod coding;
mod style;

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use moka::sync::Cache;

use super::params::{RES, mode, resource_kinds};
use super::v1::filters::Filters;
use super::{ApiError, AppState, Caller, Limits, QueryParams};
use crate::index::Engine;
use crate::tiles::draw::{AccessAsked, Draw, DrawCaches, TileQuery};
use crate::tiles::layers::{Layer, auto_resolution};
use crate::tiles::tile::TileId;
use coding::Coding;

/// An encoded tile (shared with every response that sends it) and its entity tag, ready to
/// send.
type Encoded = Arc<(Bytes, HeaderValue)>;

/// The tile caches: encoded tiles, bounded by the memory they hold, and what the per-query
/// layers keep ([`DrawCaches`]); and the slots for drawing tiles that count incidents.
#[derive(Clone)]
pub struct TileCaches {
    /// Slots for drawing tiles that count incidents or compute Gi* (past them: a 503).
    pub draws: Limits,
    tiles: Cache<String, Encoded>,
    drawing: DrawCaches,
}

impl Default for TileCaches {
    fn default() -> Self {
        Self::with_bytes(256 << 20)
    }
}

impl TileCaches {
    /// Caches holding at most `bytes` of encoded tiles (0: encode every request anew, for
    /// measuring; the per-query cell values stay cached).
    #[must_use]
    pub fn with_bytes(bytes: u64) -> Self {
        Self {
            tiles: Cache::builder()
                .weigher(|k: &String, v: &Encoded| {
                    u32::try_from(k.len() + v.0.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(bytes)
                .build(),
            drawing: DrawCaches::default(),
            draws: Limits::tiles(),
        }
    }

    /// The same caches drawing within `draws` (tests use one slot to make them busy).
    #[must_use]
    pub fn with_draws(self, draws: Limits) -> Self {
        Self {
            draws: draws.for_tiles(),
            ..self
        }
    }

    /// The memory held and the bound, in bytes, of the encoded tiles and of the cell values
    /// (for `/metrics`).
    #[must_use]
    pub fn usage(&self) -> [(&'static str, u64, u64); 2] {
        self.tiles.run_pending_tasks();
        let (cells, cells_max) = self.drawing.cell_usage();
        [
            (
                "tiles",
                self.tiles.weighted_size(),
                self.tiles.policy().max_capacity().unwrap_or(0),
            ),
            ("tile_cells", cells, cells_max),
        ]
    }
}

const TILE_TYPE: &str = "application/vnd.mapbox-vector-tile";
const CACHE_CONTROL: &str = "public, no-cache";

/// The requested layers, known and deduplicated.
pub(crate) fn layers(names: &str) -> Result<Vec<Layer>, ApiError> {
    let mut out: Vec<Layer> = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let layer: Layer = name.parse().map_err(|_| {
            let known: Vec<&str> = Layer::ALL.iter().map(|l| l.as_str()).collect();
            ApiError::NotFound(format!(
                "there is no tile layer `{}`; layers: {}",
                name.chars().take(40).collect::<String>(),
                known.join(", ")
            ))
        })?;
        if !out.contains(&layer) {
            out.push(layer);
        }
    }
    if out.is_empty() {
        return Err(ApiError::NotFound("name at least one tile layer".into()));
    }
    Ok(out)
}

/// A strong entity tag for `bytes`: their hash and length in hex, quoted. Written digit by
/// digit: it is made for every tile drawn, and `format!` showed up in the uncached profile.
pub(super) fn etag(bytes: &[u8]) -> HeaderValue {
    let mut h = rustc_hash::FxHasher::default();
    bytes.hash(&mut h);
    let mut tag = [b'"'; 26];
    for (digits, value, width) in [(1..17, h.finish(), 16), (17..25, bytes.len() as u64, 8)] {
        for (i, at) in digits.enumerate() {
            let nibble = (value >> (4 * (width - 1 - i))) & 0xf;
            tag[at] = b"0123456789abcdef"[nibble as usize];
        }
    }
    HeaderValue::from_bytes(&tag).expect("hex digits in quotes are a valid header value")
}

/// `GET /tiles/{layers}/{z}/{x}/{y}.mvt`. Tiles are the hot path (a map asks for dozens at a
/// time), so this route sits outside the app's compression and CORS layers, which cost more
/// per request than sending a cached tile, and sets those headers itself.
pub(super) async fn tile(State(state): State<AppState>, request: Request) -> Response {
    let mut response = match tile_response(&state, request).await {
        Ok(response) => response,
        Err(e) => {
            let mut response = e.into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(super::NO_CACHE),
            );
            response
        }
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// A CORS preflight for a tile: any origin may `GET` or `HEAD` it, as the app's CORS layer
/// answers for every other route.
pub(super) async fn preflight() -> impl IntoResponse {
    (
        StatusCode::OK,
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "GET,HEAD"),
        ],
    )
}

async fn tile_response(state: &AppState, request: Request) -> Result<Response, ApiError> {
    let (mut parts, _) = request.into_parts();
    let coding = Coding::preferred(parts.headers.get(header::ACCEPT_ENCODING));
    let if_none_match = parts.headers.get(header::IF_NONE_MATCH).cloned();
    // A cached tile is found by the request as sent, the data version and the coding, before
    // any parsing: only tiles drawn from a valid request are cached, and the same request on
    // the same data always draws the same bytes.
    let engine = state.engine();
    let cache = &state.tiles.tiles;
    let scope = parts
        .extensions
        .get::<Caller>()
        .map(|c| c.scope.clone())
        .ok_or_else(|| ApiError::Internal("no caller on the tile route".into()))?;
    // With the cache off (`--tile-cache-mb 0`) nothing is looked up or stored. The caller's
    // scope is part of the key: a tile drawn for one community never reaches another.
    let key = (cache.policy().max_capacity() != Some(0)).then(|| {
        format!(
            "{}?{}#v{}{}",
            parts.uri.path(),
            parts.uri.query().unwrap_or_default(),
            engine.version,
            scope.cache_tag()
        )
    });
    let coded_key = key
        .as_ref()
        .filter(|_| coding != Coding::Identity)
        .map(|key| format!("{key}{}", coding.suffix()));
    if let Some(hit) = coded_key
        .as_ref()
        .or(key.as_ref())
        .and_then(|k| cache.get(k))
    {
        metrics::counter!("gridwatch_tile_cache_requests_total", "result" => "hit").increment(1);
        return Ok(respond(&hit, coding, if_none_match.as_ref(), true));
    }
    let identity_hit = coded_key
        .as_ref()
        .and(key.as_ref())
        .and_then(|k| cache.get(k));
    let (identity, cached) = if let Some(hit) = identity_hit {
        metrics::counter!("gridwatch_tile_cache_requests_total", "result" => "hit").increment(1);
        (hit, true)
    } else {
        metrics::counter!("gridwatch_tile_cache_requests_total", "result" => "miss").increment(1);
        let drawn = draw(state, &engine, &mut parts).await?;
        if let Some(key) = key {
            cache.insert(key, drawn.clone());
        }
        (drawn, false)
    };
    if coding == Coding::Identity {
        return Ok(respond(&identity, coding, if_none_match.as_ref(), cached));
    }
    let coded = compressed(&identity, coding).await?;
    if let Some(coded_key) = coded_key {
        cache.insert(coded_key, coded.clone());
    }
    Ok(respond(&coded, coding, if_none_match.as_ref(), cached))
}

/// Draws the tile `parts` asks for.
async fn draw(
    state: &AppState,
    engine: &Arc<Engine>,
    parts: &mut Parts,
) -> Result<Encoded, ApiError> {
    let Path((names, z, x, y)) =
        Path::<(String, String, String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let y = y
        .strip_suffix(".mvt")
        .ok_or_else(|| ApiError::NotFound("tiles are addressed as {z}/{x}/{y}.mvt".into()))?;
    let id = TileId::parse(&z, &x, y).map_err(|e| ApiError::BadRequest(e.0))?;
    let requested = layers(&names)?;
    let drawn: Vec<Layer> = requested
        .iter()
        .copied()
        .filter(|l| l.drawn_at(id.z))
        .collect();
    if drawn.is_empty() {
        let ranges: Vec<String> = requested
            .iter()
            .map(|l| format!("{l} {}–{}", l.spec().minzoom, l.spec().maxzoom))
            .collect();
        return Err(ApiError::NotFound(format!(
            "zoom {} is outside the layers' zoom ranges ({})",
            id.z,
            ranges.join(", ")
        )));
    }
    let scope = parts
        .extensions
        .get::<Caller>()
        .map(|c| c.scope.clone())
        .unwrap_or_default();
    let params = QueryParams::parse(parts.uri.query())?.within(scope);
    let request = Draw {
        tile: id,
        query: tile_query(engine, &params, &drawn, id.z)?,
        layers: drawn,
    };
    // A tile of prepared static layers takes 5 µs on average at z14 and about a millisecond at
    // worst (all six at z11, 65 KB; a few more the first time a layer or zoom is drawn): it is
    // drawn on this worker, as handing it to the blocking pool costs more kernel time than
    // drawing it. Tiles that may count incidents or compute Gi* go to the blocking pool, within
    // the draw slots: a flood of them (each holding the snapshot it started on) sheds with a
    // 503 instead of growing threads and memory without bound.
    let only_static = request.only_static();
    let draw = move |state: &AppState, engine: &Engine| -> Result<Encoded, ApiError> {
        let bytes = request.draw(&state.tiles.drawing, &state.study_areas, engine)?;
        let tag = etag(&bytes);
        Ok(Arc::new((Bytes::from(bytes), tag)))
    };
    if only_static {
        draw(state, engine)
    } else {
        let slot = state.tiles.draws.slot().await?;
        let (state, engine) = (state.clone(), engine.clone());
        let draws = state.tiles.draws.clone();
        draws.run(slot, move || draw(&state, &engine)).await
    }
}

/// The query of a tile of `drawn` at zoom `z`: the analytics filters, the cell resolution
/// (`res`, else chosen by zoom), what `service_gaps` measures when it is drawn, and the query
/// normalised for the per-query caches (none for static layers).
fn tile_query(
    engine: &Engine,
    params: &QueryParams,
    drawn: &[Layer],
    z: u8,
) -> Result<TileQuery, ApiError> {
    let filters = Filters::parse(
        engine,
        params,
        &["res", "access_kind", "mode", "bandwidth_m"],
    )?;
    let access = if drawn.contains(&Layer::ServiceGaps) {
        Some(access_asked(engine, params)?)
    } else {
        None
    };
    let res = match params.get("res") {
        Some(_) => RES.read(params)?,
        None => auto_resolution(z),
    };
    let key = if drawn.iter().all(|l| l.is_static()) {
        // Static layers are the same for every query: no per-query cache key.
        String::new()
    } else {
        let mut pairs: Vec<(&str, &str)> = params.pairs().collect();
        pairs.sort_unstable();
        serde_urlencoded::to_string(&pairs).unwrap_or_default() + &params.scope().cache_tag()
    };
    Ok(TileQuery {
        filter: filters.incidents,
        communities: filters.communities,
        grids: filters.grids,
        res,
        key,
        access,
        aggregate: params.scope().aggregate,
        bandwidth_m: KDE_BANDWIDTH_M.read(params, 0.0)?,
    })
}

/// The `kde` layer's bandwidth (the same default as the analysts' backtest uses).
const KDE_BANDWIDTH_M: crate::api::params::Metres = crate::api::params::Metres {
    key: "bandwidth_m",
    default: Some(300.0),
    max: 5_000.0,
    about: "the kde layer's kernel bandwidth",
};

/// What `service_gaps` measures: `access_kind` (default service complexes) and `mode`.
fn access_asked(engine: &Engine, params: &QueryParams) -> Result<AccessAsked, ApiError> {
    let kinds = resource_kinds(
        "access_kind",
        params.get("access_kind").unwrap_or("service_complex"),
    )?;
    let mode = mode(engine, params)?;
    Ok(AccessAsked { kinds, mode })
}

/// Tiles up to this size are compressed on the worker (well under a millisecond); bigger ones
/// on the blocking pool.
const COMPRESS_INLINE_BYTES: usize = 16 << 10;

/// `identity` in `coding`, with its own entity tag: a strong tag names one representation.
async fn compressed(identity: &Encoded, coding: Coding) -> Result<Encoded, ApiError> {
    if identity.0.is_empty() {
        return Ok(identity.clone());
    }
    let source = identity.clone();
    let work = move || -> Result<Encoded, ApiError> {
        let bytes = coding
            .compress(&source.0)
            .map_err(|e| ApiError::Internal(format!("compressing a tile: {e}")))?;
        let tag = source.1.to_str().unwrap_or_default().trim_end_matches('"');
        let tag = HeaderValue::from_str(&format!("{tag}{}\"", coding.suffix()))
            .map_err(|e| ApiError::Internal(format!("entity tag: {e}")))?;
        Ok(Arc::new((Bytes::from(bytes), tag)))
    };
    if identity.0.len() <= COMPRESS_INLINE_BYTES {
        work()
    } else {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ApiError::Internal(format!("compression task failed: {e}")))?
    }
}

const X_CACHE: header::HeaderName = header::HeaderName::from_static("x-cache");

/// Whether `If-None-Match` names `tag` (or `*`), by weak comparison as RFC 9110 asks.
pub(super) fn none_match(if_none_match: Option<&HeaderValue>, tag: &str) -> bool {
    if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
        })
}

/// The response for a tile in `coding`: 304 when `if_none_match` names it (weak comparison,
/// as RFC 9110 asks), 204 when it is empty.
fn respond(
    encoded: &Encoded,
    coding: Coding,
    if_none_match: Option<&HeaderValue>,
    cached: bool,
) -> Response {
    let (bytes, tag_value) = (&encoded.0, &encoded.1);
    let tag = tag_value.to_str().unwrap_or_default();
    let mut response = if none_match(if_none_match, tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if bytes.is_empty() {
        StatusCode::NO_CONTENT.into_response()
    } else {
        let mut response = Response::new(Body::from(bytes.clone()));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(TILE_TYPE));
        if let Some(encoding) = coding.header() {
            headers.insert(header::CONTENT_ENCODING, encoding);
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, tag_value.clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        X_CACHE,
        HeaderValue::from_static(if cached { "hit" } else { "miss" }),
    );
    response
}

/// `GET /tiles/{layers}.json` (TileJSON) and `GET /tiles/style.json`.
pub(super) async fn document(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = super::ogc::base_url(&headers);
    let engine = state.engine();
    if name == "style.json" {
        QueryParams::parse(raw.as_deref())?.only(&[])?;
        return Ok(Json(style::style(&base, &engine.city.name)).into_response());
    }
    let names = name.strip_suffix(".json").ok_or_else(|| {
        ApiError::NotFound(format!(
            "no tile document `{name}`: ask for {{layer}}.json or style.json"
        ))
    })?;
    let requested = layers(names)?;
    let params = QueryParams::parse(raw.as_deref())?;
    // The filters are checked now and carried into the tile URL.
    Filters::parse(&engine, &params, &["res", "access_kind", "mode"])?;
    access_asked(&engine, &params)?;
    Ok(Json(style::tilejson(
        &engine,
        &base,
        &requested,
        raw.as_deref().unwrap_or(""),
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use std::hash::{Hash, Hasher};

    use super::etag;

    #[test]
    fn entity_tags_are_the_quoted_hash_and_length_in_hex() {
        let big = vec![0xff; 70_000];
        for bytes in [&b""[..], b"a tile", &big] {
            let mut h = rustc_hash::FxHasher::default();
            bytes.hash(&mut h);
            let expected = format!("\"{:016x}{:08x}\"", h.finish(), bytes.len());
            assert_eq!(etag(bytes).to_str().unwrap(), expected);
        }
    }
}
