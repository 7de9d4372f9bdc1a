//! `ApiError`: the one place that turns failures into HTTP responses, as RFC 9457
//! `application/problem+json`. Server-side failures answer a generic body and log the detail.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::model::{BboxError, PeriodError, UnknownVariant};

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// No or an unknown bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// A known token whose role may not do this, or writes disabled.
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the data (e.g. reopening a resolved incident).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Well-formed but invalid content, naming the row and field.
    #[error("{0}")]
    Unprocessable(String),
    /// The store is down or read-only; nothing was written.
    #[error("{0}")]
    Unavailable(String),
    /// Too busy or too slow now: retry shortly (a 503 with `Retry-After`).
    #[error("{0}")]
    Overloaded(String),
    /// The store's disk is full; nothing was written (a 507).
    #[error("{0}")]
    InsufficientStorage(String),
    /// The caller's token is over its rate: retry after the seconds given (a 429).
    #[error("{0}")]
    RateLimited(String, u64),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError as S;
        match e {
            S::Unavailable(detail) => Self::Unavailable(format!(
                "the store is unavailable, nothing was written: {detail}"
            )),
            S::Full(detail) => Self::InsufficientStorage(format!(
                "the store's disk is full, nothing was written: {detail}"
            )),
            S::Refused(detail) => Self::Unprocessable(format!(
                "the store refused the data, nothing was written: {detail}"
            )),
            S::Failed(detail) => Self::Internal(detail),
        }
    }
}

impl From<crate::analytics::hotspots::NotBinned> for ApiError {
    fn from(e: crate::analytics::hotspots::NotBinned) -> Self {
        Self::BadRequest(format!("`res`: {e}"))
    }
}

impl From<crate::tiles::draw::DrawError> for ApiError {
    fn from(e: crate::tiles::draw::DrawError) -> Self {
        match e {
            crate::tiles::draw::DrawError::NotBinned(e) => e.into(),
            crate::tiles::draw::DrawError::Missing(what) => Self::Internal(what.into()),
        }
    }
}

impl From<BboxError> for ApiError {
    fn from(e: BboxError) -> Self {
        Self::BadRequest(format!("invalid bbox: {e}"))
    }
}

impl From<PeriodError> for ApiError {
    fn from(e: PeriodError) -> Self {
        Self::BadRequest(format!("invalid datetime: {e}"))
    }
}

impl From<UnknownVariant> for ApiError {
    fn from(e: UnknownVariant) -> Self {
        Self::BadRequest(e.to_string())
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    r#type: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) | Self::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            Self::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "the server could not complete the request".to_owned()
            }
            other => other.to_string(),
        };
        let body = Problem {
            r#type: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: &detail,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response();
        if matches!(self, Self::Overloaded(_)) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        if let Self::RateLimited(_, seconds) = &self
            && let Ok(value) = header::HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"gridwatch\""),
            );
        }
        response
    }
}
