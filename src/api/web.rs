//! `GET /` (the web map) and `GET /web/{path}` (its embedded files).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::tiles::{etag, none_match};
use super::{ApiError, AppState};
use crate::web::{ASSETS, Asset, asset};

/// `GET /`: the web map page, its base set to the prefix it is served under (a city's,
/// a proxy's), so every path it asks for is the same city's, and naming its city.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let prefix = super::cities::prefix(&headers);
    // The cities' list is above any one city's prefix.
    let root = super::cities::root(&prefix);
    let page = String::from_utf8_lossy(ASSETS[0].bytes)
        .replace(BASE, &format!(r#"<base href="{prefix}/">"#))
        .replace(CITIES, &format!(r#"content="{root}/cities""#))
        .replace(CITY, &format!(r#"content="{}""#, state.engine().city.code));
    let tag = etag(page.as_bytes());
    reply(
        ASSETS[0].content_type,
        false,
        tag,
        page.into_bytes(),
        &headers,
    )
}

/// The page's base, the address of the cities' list and its city, as `index.html` writes
/// them (the prefix is checked by [`super::cities::prefix`]: nothing in it needs escaping).
const BASE: &str = r#"<base href="/">"#;
const CITIES: &str = r#"content="/cities""#;
const CITY: &str = r#"content="420800""#;

/// `GET /web/{*path}`.
pub(super) async fn file(
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    asset(&path).map(|a| send(a, &headers)).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no web file `{}`",
            path.chars().take(80).collect::<String>()
        ))
    })
}

/// The file with its type and caching: a versioned vendored file for a year, ours revalidated
/// by an entity tag (the file's hash and length).
fn send(asset: &Asset, headers: &HeaderMap) -> Response {
    // The tags are hashed once (MapLibre alone is a megabyte), the same way as tiles'.
    static TAGS: std::sync::LazyLock<Vec<HeaderValue>> =
        std::sync::LazyLock::new(|| ASSETS.iter().map(|a| etag(a.bytes)).collect());
    let tag = ASSETS
        .iter()
        .position(|a| a.path == asset.path)
        .map_or_else(|| etag(asset.bytes), |i| TAGS[i].clone());
    reply(
        asset.content_type,
        asset.immutable,
        tag,
        asset.bytes,
        headers,
    )
}

/// `bytes` with their type, entity tag and caching, or 304 when the client has them.
fn reply(
    content_type: &'static str,
    immutable: bool,
    tag: HeaderValue,
    bytes: impl Into<axum::body::Body>,
    headers: &HeaderMap,
) -> Response {
    if none_match(
        headers.get(header::IF_NONE_MATCH),
        tag.to_str().unwrap_or_default(),
    ) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (header::ETAG, tag),
        ],
        bytes.into(),
    )
        .into_response()
}
