//! The prediction server: the chapter's Flask app done in axum — one model loaded at start,
//! `POST /predict` with pandas JSON, JSON errors with the right 4xx, Prometheus metrics, one log
//! line per request, and a graceful shutdown.
//!
//! Routes and status codes follow the HTTP contract in the README (Serving).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::catch_panic::CatchPanicLayer;

use super::extract::PandasJson;
use super::{predict_frame, Artifact, PredictError};

/// The default request body limit: 1 MiB (about 5,000 rows in pandas' default orient).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Upper bounds (seconds) of the latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

/// How many predictions a log line shows before it abbreviates.
const LOGGED_PREDICTIONS: usize = 8;

/// Settings of the server besides the model.
#[derive(Debug, Clone, Copy)]
pub struct ServerConfig {
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

/// What the handlers share: the model, loaded once, and the request counters.
pub(super) struct AppState {
    pub(super) artifact: Artifact,
    card: Value,
    home: String,
    metrics: Metrics,
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

/// A summary of one prediction, handed from the handler to the logging middleware.
#[derive(Debug, Clone)]
struct Predicted {
    rows: usize,
    shown: String,
}

/// Request counters, a latency histogram and a prediction count, in Prometheus text form.
#[derive(Default)]
struct Metrics {
    inner: Mutex<MetricsInner>,
}

#[derive(Default)]
struct MetricsInner {
    requests: BTreeMap<(&'static str, u16), u64>,
    buckets: [u64; LATENCY_BUCKETS.len()],
    latency_sum: f64,
    latency_count: u64,
    predictions: u64,
}

impl Metrics {
    fn record(&self, route: &'static str, status: u16, seconds: f64, predictions: usize) {
        // A poisoned lock only means another request panicked mid-update; counts stay usable.
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *m.requests.entry((route, status)).or_default() += 1;
        for (bucket, bound) in m.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        m.latency_sum += seconds;
        m.latency_count += 1;
        m.predictions += predictions as u64;
    }

    fn render(&self) -> String {
        let m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP ml_workflow_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE ml_workflow_requests_total counter");
        for ((route, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "ml_workflow_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP ml_workflow_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(out, "# TYPE ml_workflow_request_duration_seconds histogram");
        for (n, bound) in m.buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(
                out,
                "ml_workflow_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "ml_workflow_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
            m.latency_count
        );
        let _ = writeln!(
            out,
            "ml_workflow_request_duration_seconds_sum {}",
            m.latency_sum
        );
        let _ = writeln!(
            out,
            "ml_workflow_request_duration_seconds_count {}",
            m.latency_count
        );
        let _ = writeln!(out, "# HELP ml_workflow_predictions_total Rows predicted.");
        let _ = writeln!(out, "# TYPE ml_workflow_predictions_total counter");
        let _ = writeln!(out, "ml_workflow_predictions_total {}", m.predictions);
        out
    }
}

/// The application: every route, the body limit, metrics and logging, over `artifact`.
pub fn router(artifact: Artifact, config: ServerConfig) -> Router {
    let state = Arc::new(AppState {
        card: model_card(&artifact),
        home: home_page(&artifact),
        artifact,
        metrics: Metrics::default(),
    });
    Router::new()
        .route("/", get(home))
        .route("/predict", post(predict_handler))
        .route("/health", get(health))
        .route("/model", get(model))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }))
        .with_state(state)
}

/// A bound server, ready to run: bind first so callers (and tests) learn the port.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
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
            app: router(artifact, config),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let listener = self.listener.tap_io(|tcp| {
            // An answer is one small write: send it now rather than wait for the client's ACK.
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, self.app)
            .with_graceful_shutdown(shutdown)
            .await
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

/// Counts and logs every request: one line with route, status, latency and any predictions.
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_label(request.extensions().get::<MatchedPath>());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    let predicted = response.extensions().get::<Predicted>();
    state
        .metrics
        .record(route, status, seconds, predicted.map_or(0, |p| p.rows));
    let micros = (seconds * 1e6).round() as u64;
    match predicted {
        Some(p) => {
            tracing::info!(%method, route, status, micros, rows = p.rows, predictions = %p.shown, "request")
        }
        None => tracing::info!(%method, route, status, micros, "request"),
    }
    response
}

/// The route as a fixed label (no allocation per request; unknown paths share one label).
fn route_label(matched: Option<&MatchedPath>) -> &'static str {
    const ROUTES: [&str; 5] = ["/", "/predict", "/health", "/model", "/metrics"];
    matched
        .and_then(|m| ROUTES.iter().find(|r| **r == m.as_str()))
        .copied()
        .unwrap_or("unmatched")
}

async fn home(State(state): State<Arc<AppState>>) -> Html<String> {
    Html(state.home.clone())
}

async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "model": state.artifact.spec.name(),
        "features": state.artifact.features.len(),
    }))
}

async fn model(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.card.clone())
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such route; try GET /, POST /predict, GET /health, GET /model or GET /metrics",
    )
}

async fn predict_handler(
    State(state): State<Arc<AppState>>,
    PandasJson(frame): PandasJson,
) -> Result<Response, ApiError> {
    let prediction = predict_frame(&state.artifact, &frame)?;
    let summary = Predicted {
        rows: prediction.prediction.len(),
        shown: summarise(&prediction.prediction),
    };
    let mut response = Json(prediction).into_response();
    response.extensions_mut().insert(summary);
    Ok(response)
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
        "created": artifact.created,
        "features": artifact.features,
        "target": artifact.target,
        "model": { "kind": artifact.spec.name(), "params": artifact.spec.params() },
        "scaler": artifact.preprocessing.scaler,
        "metrics": artifact.metrics,
        "dataset": artifact.dataset,
    })
}

/// An example body for the home page: the training means of every feature, one row.
fn example_payload(artifact: &Artifact) -> String {
    let body: serde_json::Map<String, Value> = artifact
        .features
        .iter()
        .zip(artifact.preprocessing.scaler.mean.iter())
        .map(|(f, m)| (f.clone(), json!({ "0": (m * 1000.0).round() / 1000.0 })))
        .collect();
    Value::Object(body).to_string()
}

fn home_page(artifact: &Artifact) -> String {
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
