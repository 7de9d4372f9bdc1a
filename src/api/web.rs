//! `GET /` (the web map) and `GET /web/{path}` (its embedded files).

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;
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
    // The tags are hashed once: MapLibre alone is a megabyte.
    static TAGS: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| ASSETS.iter().map(|a| entity_tag(a.bytes)).collect());
    let tag = ASSETS
        .iter()
        .position(|a| a.path == asset.path)
        .map_or_else(|| entity_tag(asset.bytes), |i| TAGS[i].clone());
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == tag)
        })
    {
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
            (
                header::ETAG,
                HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"0\"")),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}

fn entity_tag(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    bytes.hash(&mut h);
    format!("\"{:016x}-{:x}\"", h.finish(), bytes.len())
}
