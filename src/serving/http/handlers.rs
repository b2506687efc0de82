//! The server's own routes: the home page, health, the model card, metrics, the OpenAPI
//! document and the chapter's `POST /predict`. Each handler's path comes from the route table.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::api_doc::{ErrorBody, ExplanationBody, Features, Health, PredictionBody};
use super::api_error::ApiError;
use super::extract::ScoringBody;
use super::routes::{
    EXPLAIN, HEALTH, HEALTH_LIVE, HEALTH_READY, HOME, METRICS, MODEL, OPENAPI, PREDICT,
};
use super::scoring::{explain_body, score_body, with_summary};
use super::state::AppState;

/// The home page: the model, its features and an example request.
#[utoipa::path(
    get,
    path = HOME,
    tag = "server",
    responses((
        status = 200,
        description = "An HTML page: the model, its features, an example request",
        content_type = "text/html",
        body = String
    ))
)]
pub(crate) async fn home(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Html<String> {
    let page = &state.model.load().home;
    // The example's address is the one the client reached; a Host that is not a plain
    // address (it comes from the client) keeps the placeholder.
    match headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_plain_host(h))
    {
        Some(host) => Html(page.replace("http://HOST/", &format!("http://{host}/"))),
        None => Html(page.clone()),
    }
}

/// A host name or address with an optional port: letters, digits, `.-:[]`, at most 255 bytes.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

/// Readiness under its short name, as `/health/ready`.
#[utoipa::path(
    get,
    path = HEALTH,
    tag = "server",
    responses(
        (status = 200, description = "A model is loaded and the server is not draining", body = Health),
        (status = 503, description = "Draining after SIGTERM", body = Health)
    )
)]
pub(crate) async fn health(state: State<Arc<AppState>>) -> Response {
    ready(state).await
}

/// Readiness: a model is loaded and the server is not draining.
#[utoipa::path(
    get,
    path = HEALTH_READY,
    tag = "server",
    responses(
        (status = 200, description = "A model is loaded and the server is not draining", body = Health),
        (status = 503, description = "Draining after SIGTERM", body = Health)
    )
)]
pub(crate) async fn ready(State(state): State<Arc<AppState>>) -> Response {
    if state.draining.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "draining" })),
        )
            .into_response();
    }
    let model = state.model.load();
    Json(json!({
        "status": "ok",
        "model": model.artifact.spec.name(),
        "features": model.artifact.features.len(),
    }))
    .into_response()
}

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = HEALTH_LIVE,
    tag = "server",
    responses((status = 200, description = "The process answers", body = Health))
)]
pub(crate) async fn live() -> Json<Value> {
    Json(json!({ "status": "alive" }))
}

/// The model card.
#[utoipa::path(
    get,
    path = MODEL,
    tag = "server",
    responses((
        status = 200,
        description = "The model card: name, version, features, target, parameters, scaler, metrics, provenance",
        body = Object
    ))
)]
pub(crate) async fn model(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.model.load().card.clone())
}

/// Prometheus' text format.
#[utoipa::path(
    get,
    path = METRICS,
    tag = "server",
    responses((
        status = 200,
        description = "Prometheus text format",
        content_type = "text/plain",
        body = String
    ))
)]
pub(crate) async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// This document, with the loaded model's columns.
#[utoipa::path(
    get,
    path = OPENAPI,
    tag = "server",
    responses((status = 200, description = "This OpenAPI 3.1 document", body = Object))
)]
pub(crate) async fn openapi_json(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.model.load().openapi.clone())
}

/// A path no route matches: 404, listing the routes.
pub(crate) async fn not_found(State(state): State<Arc<AppState>>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, state.not_found.clone())
}

/// The chapter's prediction route.
#[utoipa::path(
    post,
    path = PREDICT,
    tag = "predict",
    request_body(
        content((Vec<Features> = "application/json"), (String = "text/csv")),
        description = "A pandas DataFrame: `df.to_json()` in any orient (records shown; columns, index, split and MLflow's wrappers too), or CSV with a header row. Columns are matched by name; columns the model does not use are ignored and reported (`ignored_columns`), with a warning for one the training table did not have (an ID, a misspelt input); text as strings, a gap as null."
    ),
    responses(
        (status = 200, description = "One prediction per row, in row order", body = PredictionBody),
        (status = 400, description = "Malformed body or unknown shape", body = ErrorBody),
        (status = 408, description = "The body stalled", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody),
        (status = 415, description = "Neither JSON nor CSV", body = ErrorBody),
        (status = 422, description = "A frame the model cannot use, or a non-finite prediction; names the column and row", body = ErrorBody),
        (status = 503, description = "Over the in-flight limit or the request timeout (Retry-After)", body = ErrorBody)
    )
)]
pub(crate) async fn predict(
    State(state): State<Arc<AppState>>,
    body: ScoringBody,
) -> Result<Response, ApiError> {
    let (prediction, model) = score_body(&state, body).await?;
    Ok(with_summary(
        Json(&prediction).into_response(),
        &prediction,
        model,
    ))
}

/// SHAP values of the rows' predictions (the regression tree, gradient boosting and histogram
/// boosting so far).
#[utoipa::path(
    post,
    path = EXPLAIN,
    tag = "predict",
    request_body(
        content((Vec<Features> = "application/json"), (String = "text/csv")),
        description = "The rows, as `POST /predict` takes them."
    ),
    responses(
        (status = 200, description = "Each row's SHAP values per input column and per encoded feature, with the base value they add up from", body = ExplanationBody),
        (status = 400, description = "Malformed body or unknown shape", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody),
        (status = 415, description = "Neither JSON nor CSV", body = ErrorBody),
        (status = 422, description = "A frame the model cannot use; names the column and row", body = ErrorBody),
        (status = 501, description = "A model that cannot be explained yet (the answer says which can)", body = ErrorBody),
        (status = 503, description = "Over the in-flight limit or the request timeout (Retry-After)", body = ErrorBody)
    )
)]
pub(crate) async fn explain(
    State(state): State<Arc<AppState>>,
    body: ScoringBody,
) -> Result<Response, ApiError> {
    let (explanation, _model) = explain_body(&state, body).await?;
    Ok(Json(&explanation).into_response())
}
