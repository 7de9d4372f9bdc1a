//! `GET /` (the web map) and `GET /web/{path}` (its embedded files).

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::tiles::{etag, none_match};
use crate::web::{ASSETS, Asset, asset};

/// `GET /`: the web map page.
pub(super) async fn page(headers: HeaderMap) -> Response {
    send(&ASSETS[0], &headers)
}

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
    if none_match(
        headers.get(header::IF_NONE_MATCH),
        tag.to_str().unwrap_or_default(),
    ) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (header::ETAG, tag),
        ],
        asset.bytes,
    )
        .into_response()
}
