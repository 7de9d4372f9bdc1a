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
    #[error("internal error: {0}")]
    Internal(String),
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
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response()
    }
}
