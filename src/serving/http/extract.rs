//! A scoring request's body as an axum extractor: content type, body limit and body timeout in
//! one place, so that a handler receives checked bytes for `serving::predict` (the one
//! prediction path, which parses them) and stays a few lines long.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};

use super::api_error::ApiError;
use super::prometheus::Cutoff;
use super::state::AppState;

/// How a body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `application/json` (or `application/*+json`): a pandas DataFrame, MLflow wrapper or v2
    /// request.
    Json,
    /// `text/csv`: a header row, then rows.
    Csv,
}

/// A request body read whole within the body limit and the body timeout. Rejections are JSON
/// errors: 415 neither JSON nor CSV, 413 over the body limit, 408 a body that stalled.
pub(crate) struct ScoringBody {
    pub(crate) bytes: Bytes,
    pub(crate) format: Format,
}

impl FromRequest<Arc<AppState>> for ScoringBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let format = format_of(request.headers())?;
        Ok(ScoringBody {
            bytes: read_body(request, state).await?,
            format,
        })
    }
}

/// A v2 inference request's body: JSON, with or without a `Content-Type` (Triton's client sends
/// none), and, with the binary tensor extension, raw tensor bytes after the JSON header.
pub(crate) struct V2Body {
    pub(crate) bytes: Bytes,
    /// The JSON header's length (`Inference-Header-Content-Length`), when binary data follows.
    pub(crate) header_length: Option<usize>,
}

impl FromRequest<Arc<AppState>> for V2Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let header_length = match request.headers().get("inference-header-content-length") {
            None => None,
            Some(value) => Some(
                value
                    .to_str()
                    .ok()
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .ok_or_else(|| {
                        ApiError::new(
                            StatusCode::BAD_REQUEST,
                            "Inference-Header-Content-Length is not a byte count",
                        )
                    })?,
            ),
        };
        Ok(V2Body {
            bytes: read_body(request, state).await?,
            header_length,
        })
    }
}

/// The whole body, within the body limit (413) and the body timeout (408).
async fn read_body(request: Request, state: &Arc<AppState>) -> Result<Bytes, ApiError> {
    let read = Bytes::from_request(request, state);
    match tokio::time::timeout(state.config.body_timeout, read).await {
        Ok(body) => body.map_err(body_error),
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

fn body_error(rejection: BytesRejection) -> ApiError {
    let status = rejection.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "the request body is larger than the server's limit (--body-limit); send fewer rows per request".to_string()
    } else {
        format!("could not read the request body: {}", rejection.body_text())
    };
    ApiError::new(status, message)
}

/// `application/json` (with any parameters) and `application/*+json` are JSON; `text/csv`
/// (or `application/csv`) is CSV; anything else is refused.
fn format_of(headers: &HeaderMap) -> Result<Format, ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "missing Content-Type; send the DataFrame as JSON (Content-Type: application/json) or CSV (text/csv)",
        ));
    };
    let text = value.to_str().unwrap_or_default();
    let essence = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(Format::Json)
    } else if essence == "text/csv" || essence == "application/csv" {
        Ok(Format::Csv)
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type {text:?} is neither JSON nor CSV; send the DataFrame with Content-Type: application/json or text/csv"),
        ))
    }
}
