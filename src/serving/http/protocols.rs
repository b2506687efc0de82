//! The protocols MLOps tools already speak, over the same prediction path as `/predict`:
//! MLflow's scoring server (`/ping`, `/version`, `/invocations`) and the Open Inference Protocol
//! (`/v2/...`, see [`super::v2`] for the request and response shapes).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::api_doc::{ErrorBody, InvocationsBody, MlflowRequest};
use super::api_error::ApiError;
use super::extract::{Format, ScoringBody, V2Body};
use super::loaded::Loaded;
use super::routes::{
    MLFLOW_INVOCATIONS, MLFLOW_PING, MLFLOW_VERSION, V2, V2_INFER, V2_INFER_VERSION, V2_LIVE,
    V2_MODEL, V2_MODEL_READY, V2_MODEL_VERSION, V2_READY,
};
use super::scoring::{off_loop_if, score_body, with_summary};
use super::server_config::INLINE_BODY_BYTES;
use super::state::AppState;
use crate::serving::predict_frame;
use crate::serving::v2::{self, InferRequest};

/// MLflow's `POST /invocations`: the same prediction path, answered `{"predictions": [...]}`.
#[utoipa::path(
    post,
    path = MLFLOW_INVOCATIONS,
    tag = "mlflow",
    request_body(content((MlflowRequest = "application/json"), (String = "text/csv")), description = "MLflow's scoring input: dataframe_split, dataframe_records, instances or inputs (params: predict_method \"predict_proba\" answers a classifier's probabilities), or CSV with a header row"),
    responses(
        (status = 200, description = "One prediction per row", body = InvocationsBody),
        (status = 400, description = "Malformed body or unknown shape", body = ErrorBody),
        (status = 408, description = "The body stalled", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody),
        (status = 415, description = "Neither JSON nor CSV", body = ErrorBody),
        (status = 422, description = "A frame the model cannot use, or a non-finite prediction; names the column and row", body = ErrorBody),
        (status = 503, description = "Over the in-flight limit or the request timeout (Retry-After)", body = ErrorBody)
    )
)]
pub(crate) async fn invocations(
    State(state): State<Arc<AppState>>,
    body: ScoringBody,
) -> Result<Response, ApiError> {
    let method = match body.format {
        Format::Json => predict_method(&body.bytes),
        Format::Csv => None,
    };
    let (prediction, model) = score_body(&state, body).await?;
    // A classifier answers its labels, as MLflow's scikit-learn flavour does, or its
    // probabilities when `params` asks for `predict_method: "predict_proba"`.
    let predictions = match (method.as_deref(), &prediction.probabilities) {
        (None | Some("predict"), _) => json!(prediction.values()),
        (Some("predict_proba"), Some(probabilities)) => json!(probabilities),
        (Some("predict_proba"), None) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "predict_method \"predict_proba\": this model is a regressor, it has no class probabilities",
            ))
        }
        (Some(other), _) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("predict_method {other:?} is not one of \"predict\", \"predict_proba\""),
            ))
        }
    };
    let answer = Json(json!({ "predictions": predictions }));
    Ok(with_summary(answer.into_response(), &prediction, model))
}

/// MLflow's `params.predict_method` in a JSON body, when it names one. Every `/invocations`
/// body passes here: one without the key is not parsed a second time.
fn predict_method(body: &[u8]) -> Option<String> {
    memchr::memmem::find(body, b"predict_method")?;
    #[derive(serde::Deserialize)]
    struct Params {
        predict_method: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Wrapper {
        params: Option<Params>,
    }
    serde_json::from_slice::<Wrapper>(body)
        .ok()?
        .params?
        .predict_method
}

/// MLflow's `GET /ping`: 200 while ready.
#[utoipa::path(
    get,
    path = MLFLOW_PING,
    tag = "mlflow",
    responses(
        (status = 200, description = "Ready", body = String),
        (status = 503, description = "Draining", body = String)
    )
)]
pub(crate) async fn ping(State(state): State<Arc<AppState>>) -> Response {
    if state.draining.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response();
    }
    (StatusCode::OK, "\n").into_response()
}

/// MLflow's `GET /version`: the server's version, as text.
#[utoipa::path(
    get,
    path = MLFLOW_VERSION,
    tag = "mlflow",
    responses(
        (status = 200, description = "The server's version", content_type = "text/plain", body = String)
    )
)]
pub(crate) async fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[utoipa::path(
    get,
    path = V2,
    tag = "v2",
    responses(
        (status = 200, description = "Server metadata", body = Object)
    )
)]
pub(crate) async fn v2_server() -> Json<Value> {
    Json(v2::server_metadata())
}

#[utoipa::path(
    get,
    path = V2_LIVE,
    tag = "v2",
    responses(
        (status = 200, description = "Live", body = Object)
    )
)]
pub(crate) async fn v2_live() -> Json<Value> {
    Json(json!({ "live": true }))
}

#[utoipa::path(
    get,
    path = V2_READY,
    tag = "v2",
    responses(
        (status = 200, description = "Ready", body = Object),
        (status = 503, description = "Draining", body = Object)
    )
)]
pub(crate) async fn v2_ready(State(state): State<Arc<AppState>>) -> Response {
    let ready = !state.draining.load(Ordering::SeqCst);
    (ready_status(ready), Json(json!({ "ready": ready }))).into_response()
}

fn ready_status(ready: bool) -> StatusCode {
    if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// The served model, if `name` (and `version`, when given) are its own; else 404.
fn served(model: Arc<Loaded>, name: &str, version: Option<&str>) -> Result<Arc<Loaded>, ApiError> {
    let artifact = &model.artifact;
    if name != artifact.name {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no model {name:?}; this server serves {:?}", artifact.name),
        ));
    }
    match version {
        Some(v) if v != artifact.version => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "model {name:?} has no version {v:?}; this server serves version {:?}",
                artifact.version
            ),
        )),
        _ => Ok(model),
    }
}

#[utoipa::path(
    get,
    path = V2_MODEL,
    tag = "v2",
    params(
        ("name" = String, Path, description = "The model's name")
    ),
    responses(
        (status = 200, description = "Model metadata: one FP64 input per feature, output `predict`", body = Object),
        (status = 404, description = "No such model", body = ErrorBody)
    )
)]
pub(crate) async fn v2_model(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let model = served(state.model.load_full(), &name, None)?;
    Ok(Json(v2::model_metadata(&model.artifact)))
}

#[utoipa::path(
    get,
    path = V2_MODEL_VERSION,
    tag = "v2",
    params(
        ("name" = String, Path, description = "The model's name"),
        ("version" = String, Path, description = "The model's version")
    ),
    responses(
        (status = 200, description = "Model metadata", body = Object),
        (status = 404, description = "No such model or version", body = ErrorBody)
    )
)]
pub(crate) async fn v2_model_version(
    State(state): State<Arc<AppState>>,
    Path((name, version)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let model = served(state.model.load_full(), &name, Some(&version))?;
    Ok(Json(v2::model_metadata(&model.artifact)))
}

#[utoipa::path(
    get,
    path = V2_MODEL_READY,
    tag = "v2",
    params(
        ("name" = String, Path, description = "The model's name")
    ),
    responses(
        (status = 200, description = "Ready", body = Object),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 503, description = "Draining", body = Object)
    )
)]
pub(crate) async fn v2_model_ready(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    served(state.model.load_full(), &name, None)?;
    let ready = !state.draining.load(Ordering::SeqCst);
    Ok((
        ready_status(ready),
        Json(json!({ "name": name, "ready": ready })),
    )
        .into_response())
}

#[utoipa::path(
    post,
    path = V2_INFER,
    tag = "v2",
    params(
        ("name" = String, Path, description = "The model's name")
    ),
    request_body(content = InferRequest, description = "One tensor [N, n_features] in the model's feature order, or one tensor [N] per feature; the binary tensor extension is accepted"),
    responses(
        (status = 200, description = "Output `predict`, shape [N], FP64", body = Object),
        (status = 400, description = "A wrong shape, datatype or input name, named", body = ErrorBody),
        (status = 404, description = "No such model", body = ErrorBody)
    )
)]
pub(crate) async fn v2_infer(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    body: V2Body,
) -> Result<Response, ApiError> {
    infer(state, &name, None, body).await
}

#[utoipa::path(
    post,
    path = V2_INFER_VERSION,
    tag = "v2",
    params(
        ("name" = String, Path, description = "The model's name"),
        ("version" = String, Path, description = "The model's version")
    ),
    request_body(content = InferRequest),
    responses(
        (status = 200, description = "Output `predict`", body = Object),
        (status = 400, description = "A wrong shape, datatype or input name, named", body = ErrorBody),
        (status = 404, description = "No such model or version", body = ErrorBody)
    )
)]
pub(crate) async fn v2_infer_version(
    State(state): State<Arc<AppState>>,
    Path((name, version)): Path<(String, String)>,
    body: V2Body,
) -> Result<Response, ApiError> {
    infer(state, &name, Some(&version), body).await
}

/// `POST /v2/models/{name}[/versions/{version}]/infer`: tensors to a frame, then the same
/// `predict_frame` as every other route.
async fn infer(
    state: Arc<AppState>,
    name: &str,
    version: Option<&str>,
    body: V2Body,
) -> Result<Response, ApiError> {
    let model = served(state.model.load_full(), name, version)?;
    let large = body.bytes.len() > INLINE_BODY_BYTES;
    let ((answer, prediction), model) = off_loop_if(&state, model, large, move |artifact| {
        let bad = |e: v2::V2Error| ApiError::new(StatusCode::BAD_REQUEST, e.0);
        let mut request = v2::parse_request(&body.bytes, body.header_length).map_err(bad)?;
        let id = request.id.take();
        let wanted = request.wanted_outputs(artifact).map_err(bad)?;
        let non_numeric: Vec<String> = artifact
            .preprocessing
            .columns
            .iter()
            .filter(|c| !c.dtype.is_numeric())
            .map(|c| c.name.clone())
            .collect();
        let frame = v2::request_frame(request, &artifact.features, &non_numeric).map_err(bad)?;
        let prediction = predict_frame(artifact, &frame)?;
        let answer = v2::infer_response(artifact, id.as_deref(), &prediction, wanted.as_deref());
        Ok((answer, prediction))
    })
    .await?;
    Ok(with_summary(
        Json(answer).into_response(),
        &prediction,
        model,
    ))
}
