//! What every request goes through: request IDs, load shedding beyond the in-flight cap, the
//! request timeout, JSON 405s, the model headers, the metrics and the log line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::SemaphorePermit;
use tower_http::request_id::{MakeRequestId, RequestId};

use super::api_error::{ApiError, Refusal};
use super::prometheus::Cutoff;
use super::routes::{self, Route};
use super::scoring::{Answered, Predicted};
use super::server_config::LogRequests;
use super::state::AppState;

/// Request IDs for requests that come without one: this process's prefix (its id and start
/// time, in hex) and a counter, cheaper than a random UUID and as unique in the logs.
#[derive(Clone)]
pub(crate) struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    /// Ids prefixed with this process's id and start time.
    pub(crate) fn new() -> RequestIds {
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

/// Every request: sheds load beyond the in-flight cap (health and metrics excepted), bounds
/// the time to answer, answers 405s with JSON, counts, and logs as `--log-requests` says.
pub(crate) async fn observe(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let id = request.headers().get("x-request-id").cloned();
    let route = routes::label(
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
    );
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
    let route = route.path;
    state
        .metrics
        .record(route, status, seconds, predicted.map_or(0, |p| p.rows));
    if should_log(&state, status) {
        let micros = (seconds * 1e6).round() as u64;
        let id = id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("");
        let version = &model.artifact.version;
        let refusal = response.extensions().get::<Refusal>();
        match (predicted, refusal) {
            (Some(p), _) => {
                tracing::info!(%method, route, status, micros, id, version, rows = p.rows, predictions = %p.shown, "request")
            }
            // A refused payload: its kind and column, never a cell's value.
            (None, Some(r)) => {
                let column = r.column.as_deref().unwrap_or("");
                tracing::info!(%method, route, status, micros, id, version, reason = r.reason, column, "request")
            }
            (None, None) => tracing::info!(%method, route, status, micros, id, version, "request"),
        }
    }
    response
}

/// A request turned away because too many are in progress.
struct Shed;

/// A place among the requests in flight, or [`Shed`]. Probes and scrapes are never shed: a
/// loaded server must still say it is alive.
fn admit(state: &AppState, route: Route) -> Result<Option<SemaphorePermit<'_>>, Shed> {
    if route.probe {
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

/// Whether a request with this answer's status gets a log line (`--log-requests`).
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
