//! The `/predict` body as an axum extractor: content type, body limit and body timeout in one
//! place, so that a handler receives the checked bytes for `serving::predict` (the one
//! prediction path, which parses them) and stays a few lines long.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};

use super::metrics::Cutoff;
use super::server::{ApiError, AppState};

/// A JSON request body, read whole within the body limit and the body timeout. Rejections are
/// JSON errors: 415 not JSON, 413 over the body limit, 408 a body that stalled.
pub(super) struct PandasJson(pub(super) Bytes);

impl FromRequest<Arc<AppState>> for PandasJson {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        require_json(request.headers())?;
        let read = Bytes::from_request(request, state);
        match tokio::time::timeout(state.config.body_timeout, read).await {
            Ok(body) => Ok(PandasJson(body.map_err(body_error)?)),
            Err(_) => {
                state.metrics.cutoff(Cutoff::BodyTimeout);
                Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    format!(
                        "the request body did not arrive within {} ms; send it in one go",
                        state.config.body_timeout.as_millis()
                    ),
                ))
            }
        }
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
