//! The prediction server: the chapter's Flask app done in axum — one model loaded at start,
//! `POST /predict` with pandas JSON, JSON errors with the right 4xx, Prometheus metrics, one log
//! line per request, and a graceful shutdown.
//!
//! Routes and status codes follow the HTTP contract in the README (Serving).

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU64;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

use super::extract::{Format, ScoringBody};
use super::metrics::{Cutoff, Metrics};
use super::openapi::{self, ErrorBody, Features, Health, PredictionBody};
use super::reload::{self, Loaded, ModelSource};
use super::{listener, predict, predict_csv, protocols, Artifact, PredictError, Prediction};
use crate::modeling::{ColumnType, Encoding};

/// The default request body limit: 1 MiB (about 5,000 rows in pandas' default orient).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Bodies up to this size are parsed and scored on the event loop (a one-row request takes a
/// few microseconds); larger ones on the blocking pool, so that health checks and small
/// requests never wait behind a big batch.
pub const INLINE_BODY_BYTES: usize = 16 * 1024;

/// How many predictions a log line shows before it abbreviates.
const LOGGED_PREDICTIONS: usize = 8;

/// Which requests get a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogRequests {
    /// Every request (what a benchmark or a debugging session wants).
    All,
    /// Requests answered with a 4xx or 5xx only (the production default).
    Errors,
    /// Every error and one success in N.
    Sample(NonZeroU64),
    /// None.
    None,
}

impl FromStr for LogRequests {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "all" => Ok(LogRequests::All),
            "errors" => Ok(LogRequests::Errors),
            "none" => Ok(LogRequests::None),
            other => other
                .strip_prefix("sample:")
                .and_then(|n| n.parse::<NonZeroU64>().ok())
                .map(LogRequests::Sample)
                .ok_or_else(|| {
                    format!("{other:?}: expected all, errors, none or sample:N (N >= 1)")
                }),
        }
    }
}

/// Settings of the server besides the model; [`ServerConfig::default`] holds the shipped
/// defaults, sized so that the process stays well under the Deployment's 256 MiB whatever
/// clients do (the README has the arithmetic).
#[derive(Debug, Clone, Copy)]
pub struct ServerConfig {
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Time a client has to send a request's header, counted from the connection's start or
    /// from the previous answer, so it also closes idle keep-alive connections.
    pub header_timeout: Duration,
    /// Time a client has to send a request's body once its header is in (408 after).
    pub body_timeout: Duration,
    /// Time to answer a request once its header is in (503 after).
    pub request_timeout: Duration,
    /// Most connections open at once; a new one beyond it is closed at once.
    pub max_connections: usize,
    /// Most requests being read or scored at once (health and metrics excepted); beyond it,
    /// 503 with `Retry-After`.
    pub max_inflight: usize,
    /// Most large batches scored at once on the blocking pool.
    pub max_blocking: usize,
    /// After SIGTERM, how long requests in flight may take before the server exits anyway.
    pub drain_timeout: Duration,
    /// Which requests get a log line.
    pub log_requests: LogRequests,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: DEFAULT_BODY_LIMIT,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_inflight: 64,
            max_blocking: std::thread::available_parallelism().map_or(1, |n| n.get()),
            drain_timeout: Duration::from_secs(10),
            log_requests: LogRequests::Errors,
        }
    }
}

/// What the handlers share: the model, loaded once, the limits and the counters.
pub(crate) struct AppState {
    /// The served model; a reload swaps it while requests keep the one they started with.
    pub(crate) model: ArcSwap<Loaded>,
    pub(crate) config: ServerConfig,
    pub(crate) metrics: Metrics,
    /// Set when shutdown begins: readiness answers 503 from then on.
    pub(crate) draining: AtomicBool,
    inflight: Semaphore,
    blocking: Semaphore,
    sampled: AtomicU64,
}

/// An HTTP error answered as `{"error": "..."}` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Self {
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

/// Request IDs for requests that come without one: this process's prefix (its id and start
/// time, in hex) and a counter, cheaper than a random UUID and as unique in the logs.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> RequestIds {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        RequestIds {
            prefix: format!("{:x}{:x}", std::process::id(), started).into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// A summary of one prediction, handed from the handler to the logging middleware.
#[derive(Debug, Clone)]
struct Predicted {
    rows: usize,
    shown: String,
}

/// The application's shared state for `artifact` under `config`.
fn app_state(artifact: Artifact, config: ServerConfig) -> Arc<AppState> {
    let metrics = Metrics::default();
    metrics.serving(&artifact.name, &artifact.version, artifact.spec.name());
    Arc::new(AppState {
        model: ArcSwap::from_pointee(Loaded::new(artifact)),
        config,
        metrics,
        draining: AtomicBool::new(false),
        inflight: Semaphore::new(config.max_inflight.max(1)),
        blocking: Semaphore::new(config.max_blocking.max(1)),
        sampled: AtomicU64::new(0),
    })
}

/// The application: every route, the body limit, limits, metrics and logging, over `state`.
fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/predict", post(predict_handler))
        .route("/health", get(ready))
        .route("/health/ready", get(ready))
        .route("/health/live", get(live))
        .route("/model", get(model))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        // MLflow's scoring protocol (what `mlflow models serve` answers) and the v2 protocol.
        .route("/ping", get(protocols::ping))
        .route("/version", get(protocols::version))
        .route("/invocations", post(protocols::invocations))
        // The Open Inference Protocol (v2).
        .route("/v2", get(protocols::v2_server))
        .route("/v2/health/live", get(protocols::v2_live))
        .route("/v2/health/ready", get(protocols::v2_ready))
        .route("/v2/models/{name}", get(protocols::v2_model))
        .route(
            "/v2/models/{name}/versions/{version}",
            get(protocols::v2_model_version),
        )
        .route("/v2/models/{name}/ready", get(protocols::v2_model_ready))
        .route("/v2/models/{name}/infer", post(protocols::v2_infer))
        .route(
            "/v2/models/{name}/versions/{version}/infer",
            post(protocols::v2_infer_version),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        // `x-request-id`: the client's, else a new one; echoed on the answer and logged.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RequestIds::new()))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }))
        .with_state(state)
}

/// A bound server, ready to run: bind first so callers (and tests) learn the port.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    source: Option<ModelSource>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and prepares the routes for `artifact`.
    pub async fn bind(
        addr: SocketAddr,
        artifact: Artifact,
        config: ServerConfig,
    ) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Server {
            listener,
            state: app_state(artifact, config),
            source: None,
        })
    }

    /// Reloads the model from `source` on SIGHUP, and on a change of the file when
    /// `source.watch` is set (see [`super::reload`]).
    pub fn reload_from(mut self, source: ModelSource) -> Server {
        self.source = Some(source);
        self
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then drains: readiness turns false, no connection is
    /// accepted, requests in flight finish, and after the drain timeout the rest are closed.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        if let Some(source) = self.source {
            reload::spawn_reloaders(self.state.clone(), source);
        }
        let app = routes(self.state.clone());
        listener::serve(self.listener, app, self.state, shutdown).await
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM (what Docker and Kubernetes send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}

/// Every request: sheds load beyond the in-flight cap (health and metrics excepted), bounds
/// the time to answer, answers 405s with JSON, counts, and logs as `--log-requests` says.
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let id = request.headers().get("x-request-id").cloned();
    let route = route_label(request.extensions().get::<MatchedPath>());
    let response = match admit(&state, route) {
        Err(Shed) => shed_response(&state),
        Ok(_permit) => {
            match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
                Ok(response) => json_method_not_allowed(response),
                Err(_) => {
                    state.metrics.cutoff(Cutoff::RequestTimeout);
                    let mut response = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!(
                        "the answer took longer than the server's request timeout ({} ms); send fewer rows per request",
                        state.config.request_timeout.as_millis()
                    ),
                )
                .into_response();
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                    response
                }
            }
        }
    };
    // The identity of the model that answered (a handler that scored says which), else the
    // one loaded now.
    let mut response = response;
    let answered = response.extensions().get::<Answered>().map(|a| a.0.clone());
    let model = answered.unwrap_or_else(|| state.model.load_full());
    response
        .headers_mut()
        .extend(model.identity.iter().cloned());
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    let predicted = response.extensions().get::<Predicted>();
    state
        .metrics
        .record(route, status, seconds, predicted.map_or(0, |p| p.rows));
    if should_log(&state, status) {
        let micros = (seconds * 1e6).round() as u64;
        let id = id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("");
        let version = &model.artifact.version;
        match predicted {
            Some(p) => {
                tracing::info!(%method, route, status, micros, id, version, rows = p.rows, predictions = %p.shown, "request")
            }
            None => tracing::info!(%method, route, status, micros, id, version, "request"),
        }
    }
    response
}

/// A request turned away because too many are in progress.
struct Shed;

/// A place among the requests in flight, or [`Shed`]. Probes and scrapes are never shed: a
/// loaded server must still say it is alive.
fn admit<'a>(
    state: &'a AppState,
    route: &'static str,
) -> Result<Option<tokio::sync::SemaphorePermit<'a>>, Shed> {
    if matches!(
        route,
        "/health"
            | "/health/live"
            | "/health/ready"
            | "/metrics"
            | "/ping"
            | "/v2/health/live"
            | "/v2/health/ready"
    ) {
        return Ok(None);
    }
    state.inflight.try_acquire().map(Some).map_err(|_| Shed)
}

/// 503 with `Retry-After`, counted.
fn shed_response(state: &AppState) -> Response {
    state.metrics.cutoff(Cutoff::Shed);
    let mut response = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the server is at its limit of {} requests in progress; retry shortly",
            state.config.max_inflight
        ),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// axum's 405 has an `Allow` header and an empty body: keep the header, add the JSON error.
fn json_method_not_allowed(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let message = match allow.as_ref().and_then(|a| a.to_str().ok()) {
        Some(methods) => format!("method not allowed here; this route takes {methods}"),
        None => "method not allowed here".to_string(),
    };
    let mut answer = ApiError::new(StatusCode::METHOD_NOT_ALLOWED, message).into_response();
    if let Some(allow) = allow {
        answer.headers_mut().insert(header::ALLOW, allow);
    }
    answer
}

fn should_log(state: &AppState, status: u16) -> bool {
    match state.config.log_requests {
        LogRequests::All => true,
        LogRequests::None => false,
        LogRequests::Errors => status >= 400,
        LogRequests::Sample(n) => {
            status >= 400
                || state
                    .sampled
                    .fetch_add(1, Ordering::Relaxed)
                    .is_multiple_of(n.get())
        }
    }
}

/// The route as a fixed label (no allocation per request; unknown paths share one label).
fn route_label(matched: Option<&MatchedPath>) -> &'static str {
    const ROUTES: [&str; 19] = [
        "/",
        "/predict",
        "/health",
        "/health/live",
        "/health/ready",
        "/model",
        "/metrics",
        "/openapi.json",
        "/ping",
        "/version",
        "/invocations",
        "/v2",
        "/v2/health/live",
        "/v2/health/ready",
        "/v2/models/{name}",
        "/v2/models/{name}/versions/{version}",
        "/v2/models/{name}/ready",
        "/v2/models/{name}/infer",
        "/v2/models/{name}/versions/{version}/infer",
    ];
    matched
        .and_then(|m| ROUTES.iter().find(|r| **r == m.as_str()))
        .copied()
        .unwrap_or("unmatched")
}

#[utoipa::path(get, path = "/", tag = "server", responses((status = 200, description = "An HTML page: the model, its features, an example request", content_type = "text/html", body = String)))]
pub(super) async fn home(State(state): State<Arc<AppState>>) -> Html<String> {
    Html(state.model.load().home.clone())
}

/// Readiness (`/health`, `/health/ready`): a model is loaded and the server is not draining.
#[utoipa::path(get, path = "/health/ready", tag = "server", description = "Also at /health.", responses((status = 200, description = "A model is loaded and the server is not draining", body = Health), (status = 503, description = "Draining after SIGTERM", body = Health)))]
pub(super) async fn ready(State(state): State<Arc<AppState>>) -> Response {
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

/// Liveness (`/health/live`): the process answers.
#[utoipa::path(get, path = "/health/live", tag = "server", responses((status = 200, description = "The process answers", body = Health)))]
pub(super) async fn live() -> Json<Value> {
    Json(json!({ "status": "alive" }))
}

#[utoipa::path(get, path = "/model", tag = "server", responses((status = 200, description = "The model card: name, version, features, target, parameters, scaler, metrics, provenance", body = Object)))]
pub(super) async fn model(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.model.load().card.clone())
}

#[utoipa::path(get, path = "/metrics", tag = "server", responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub(super) async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such route; try GET /, POST /predict, GET /health (/health/live, /health/ready), GET /model or GET /metrics",
    )
}

#[utoipa::path(post, path = "/predict", tag = "predict", request_body(content((Vec<Features> = "application/json"), (String = "text/csv")), description = "A pandas DataFrame: `df.to_json()` in any orient (records shown; columns, index, split and MLflow's wrappers too), or CSV with a header row. Columns are matched by name; columns of the training table the model does not use (the target) are ignored and reported, any other is a 422; text as strings, a gap as null."), responses((status = 200, description = "One prediction per row, in row order", body = PredictionBody), (status = 400, description = "Malformed body or unknown shape", body = ErrorBody), (status = 408, description = "The body stalled", body = ErrorBody), (status = 413, description = "Body over the limit", body = ErrorBody), (status = 415, description = "Neither JSON nor CSV", body = ErrorBody), (status = 422, description = "A frame the model cannot use, or a non-finite prediction; names the column and row", body = ErrorBody), (status = 503, description = "Over the in-flight limit or the request timeout (Retry-After)", body = ErrorBody)))]
pub(super) async fn predict_handler(
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

/// Adds the log line's summary of the predictions to a response.
pub(super) fn with_summary(
    mut response: Response,
    prediction: &Prediction,
    model: Arc<Loaded>,
) -> Response {
    response.extensions_mut().insert(Predicted {
        rows: prediction.prediction.len(),
        shown: summarise(&prediction.prediction),
    });
    response.extensions_mut().insert(Answered(model));
    response
}

/// The model that answered a request, for its `x-model-*` headers.
#[derive(Clone)]
struct Answered(Arc<Loaded>);

/// Parses and scores a JSON or CSV body through `serving::predict` (or `predict_csv`) with
/// the model loaded now; returns the predictions and that model.
pub(super) async fn score_body(
    state: &Arc<AppState>,
    body: ScoringBody,
) -> Result<(Prediction, Arc<Loaded>), ApiError> {
    let large = body.bytes.len() > INLINE_BODY_BYTES;
    off_loop_if(state, state.model.load_full(), large, move |artifact| {
        Ok(match body.format {
            Format::Json => predict(artifact, &body.bytes)?,
            Format::Csv => predict_csv(artifact, &body.bytes)?,
        })
    })
    .await
}

/// Runs `work` with `model` on the event loop when small, else on the blocking pool, at most `max_blocking`
/// at once, so that the event loop keeps answering (with `--threads 1` too).
pub(super) async fn off_loop_if<T: Send + 'static>(
    state: &Arc<AppState>,
    model: Arc<Loaded>,
    large: bool,
    work: impl FnOnce(&Artifact) -> Result<T, ApiError> + Send + 'static,
) -> Result<(T, Arc<Loaded>), ApiError> {
    // `model` serves the whole request, even if a reload swaps the loaded one meanwhile.
    if !large {
        return Ok((work(&model.artifact)?, model));
    }
    let _slot =
        state.blocking.acquire().await.map_err(|_| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
        })?;
    let held = model.clone();
    let answer = tokio::task::spawn_blocking(move || work(&held.artifact))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "scoring task failed");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        })??;
    Ok((answer, model))
}

/// The first few predictions for the log line.
fn summarise(values: &[f64]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(LOGGED_PREDICTIONS)
        .map(|v| format!("{v:.4}"))
        .collect();
    if values.len() > LOGGED_PREDICTIONS {
        format!(
            "[{}, … {} more]",
            shown.join(", "),
            values.len() - LOGGED_PREDICTIONS
        )
    } else {
        format!("[{}]", shown.join(", "))
    }
}

/// The `/model` card: what the model is, what it takes, how good it was, where it came from.
pub fn model_card(artifact: &Artifact) -> Value {
    json!({
        "format": artifact.format,
        "format_version": artifact.format_version,
        "crate_version": artifact.crate_version,
        "name": artifact.name,
        "version": artifact.version,
        "created": artifact.created,
        "features": artifact.features,
        "inputs": artifact.preprocessing.columns,
        "feature_names_out": artifact.preprocessing.feature_names,
        "ignored_columns": artifact.preprocessing.ignored_columns,
        "target": artifact.target,
        "model": { "kind": artifact.spec.name(), "params": artifact.spec.params() },
        "scaler": artifact.preprocessing.scaler,
        "metrics": artifact.metrics,
        "dataset": artifact.dataset,
    })
}

/// An example body for the home page, one row: every numeric input's training median, every
/// text input's first category.
fn example_payload(artifact: &Artifact) -> String {
    let body: serde_json::Map<String, Value> = artifact
        .preprocessing
        .columns
        .iter()
        .map(|c| {
            let value = match &c.encoding {
                Encoding::Numeric { median } => json!((median * 1000.0).round() / 1000.0),
                Encoding::OneHot { categories, .. } => match (c.dtype, categories.first()) {
                    (ColumnType::Boolean, Some(b)) => json!(b == "True"),
                    (_, Some(text)) => json!(text),
                    (_, None) => Value::Null,
                },
            };
            (c.name.clone(), json!({ "0": value }))
        })
        .collect();
    Value::Object(body).to_string()
}

pub(crate) fn home_page(artifact: &Artifact) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let features = artifact
        .features
        .iter()
        .map(|f| escape(f))
        .collect::<Vec<_>>()
        .join(", ");
    let example = escape(&example_payload(artifact));
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ml-workflow prediction server</title></head>\
         <body><h1>ml-workflow prediction server</h1>\
         <p>Model: <b>{kind}</b> predicting <b>{target}</b> from {n} features: {features}.</p>\
         <p>Trained on {dataset} ({rows} rows){created}. See <a href=\"/model\">/model</a>, \
         <a href=\"/health\">/health</a> and <a href=\"/metrics\">/metrics</a>.</p>\
         <h2>Example</h2><pre>curl -s -X POST -H 'Content-Type: application/json' \\\n  -d '{example}' \\\n  http://HOST/predict</pre>\
         <p>Send a pandas DataFrame as <code>df.to_json()</code> in any orient (columns, records, split, index) \
         or MLflow's dataframe_split / dataframe_records / instances.</p></body></html>",
        kind = escape(artifact.spec.name()),
        target = escape(&artifact.target),
        n = artifact.features.len(),
        dataset = escape(&artifact.dataset.name),
        rows = artifact.dataset.rows_train,
        created = artifact
            .created
            .as_deref()
            .map(|c| format!(", created {}", escape(c)))
            .unwrap_or_default(),
    )
}
