//! The HTTP error: `{"error": "..."}` with its status, and how a prediction's error maps to one.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::serving::PredictError;

/// An HTTP error answered as `{"error": "..."}` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

impl From<PredictError> for ApiError {
    fn from(e: PredictError) -> Self {
        match &e {
            PredictError::Payload(p) => {
                let status = StatusCode::from_u16(p.kind().status())
                    .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                ApiError::new(status, e.to_string())
            }
            PredictError::NotFinite { .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            // A finite, well-formed payload that the model still cannot score is a server
            // fault, not the client's: the detail goes to the log, the client gets no internals.
            PredictError::Model(model) => {
                tracing::error!(error = %crate::error::chain_message(model), "prediction failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}
