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
    refusal: Option<Refusal>,
}

/// Why a payload was refused, for the request's log line: its kind and the column it is
/// about, never a cell's value (the logging middleware reads it from the response).
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub(crate) reason: &'static str,
    pub(crate) column: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            refusal: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if let Some(refusal) = self.refusal {
            response.extensions_mut().insert(refusal);
        }
        response
    }
}

impl From<PredictError> for ApiError {
    fn from(e: PredictError) -> Self {
        match &e {
            PredictError::Payload(p) => {
                let status = StatusCode::from_u16(p.kind().status())
                    .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                let refusal = Refusal {
                    reason: p.reason(),
                    column: p.column().map(str::to_string),
                };
                ApiError {
                    refusal: Some(refusal),
                    ..ApiError::new(status, e.to_string())
                }
            }
            PredictError::NotFinite { .. } => ApiError {
                refusal: Some(Refusal {
                    reason: "prediction_not_finite",
                    column: None,
                }),
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            },
            // A finite, well-formed payload that the model still cannot score is a server
            // fault, not the client's: the detail goes to the log, the client gets no internals.
            PredictError::Model(model) => {
                tracing::error!(error = %crate::error::chain_message(model), "prediction failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}
