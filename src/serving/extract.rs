//! The `/predict` body as an axum extractor: content type, body limit and pandas-JSON parsing
//! in one place, so that a handler receives a checked [`Frame`] and stays a few lines long.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};

use super::payload::{self, Frame};
use super::server::{ApiError, AppState};
use super::PredictError;

/// A request body parsed as a pandas DataFrame in any accepted orient, its columns matched
/// against the served model's features. Rejections are JSON errors: 415 not JSON, 413 over the
/// body limit, 400 malformed, 422 a frame the model cannot use.
pub(super) struct PandasJson(pub(super) Frame);

impl FromRequest<Arc<AppState>> for PandasJson {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        require_json(request.headers())?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(body_error)?;
        let frame = payload::parse(&body, &state.artifact.features).map_err(PredictError::from)?;
        Ok(PandasJson(frame))
    }
}

fn body_error(rejection: BytesRejection) -> ApiError {
    let status = rejection.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "the request body is larger than the server's limit (--body-limit); send fewer rows per request".to_string()
    } else {
        format!("could not read the request body: {}", rejection.body_text())
    };
    ApiError::new(status, message)
}

/// Accepts `application/json` (with any parameters) and `application/*+json`.
fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "missing Content-Type; send the DataFrame as JSON with Content-Type: application/json",
        ));
    };
    let text = value.to_str().unwrap_or_default();
    let essence = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type {text:?} is not JSON; send the DataFrame with Content-Type: application/json"),
        ))
    }
}
