//! What the handlers share: the served model behind an atomic pointer, the settings, the
//! counters, and the gates that bound the work in progress.

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::sync::Semaphore;
use utoipa::openapi::OpenApi;

use super::loaded::Loaded;
use super::prometheus::Metrics;
use super::server_config::ServerConfig;
use crate::serving::Artifact;

/// The server's shared state.
pub(crate) struct AppState {
    /// The served model; a reload swaps it while requests keep the one they started with.
    pub(crate) model: ArcSwap<Loaded>,
    pub(crate) config: ServerConfig,
    pub(crate) metrics: Metrics,
    /// Set when shutdown begins: readiness answers 503 from then on.
    pub(crate) draining: AtomicBool,
    /// The routes' OpenAPI document without a model; each loaded model fills in its columns.
    pub(crate) api: OpenApi,
    /// The 404 answer's list of routes, from the same document.
    pub(crate) not_found: String,
    /// Requests being read or scored (probes and scrapes excepted).
    pub(crate) inflight: Semaphore,
    /// Large batches being scored on the blocking pool.
    pub(crate) blocking: Semaphore,
    /// Successes seen, for `--log-requests sample:N`.
    pub(crate) sampled: AtomicU64,
}

impl AppState {
    /// The state for serving `artifact` under `config`, with the routes' document `api`.
    pub(crate) fn new(artifact: Artifact, config: ServerConfig, api: OpenApi) -> Arc<AppState> {
        let metrics = Metrics::default();
        metrics.serving(&artifact.name, &artifact.version, artifact.spec.name());
        Arc::new(AppState {
            model: ArcSwap::from_pointee(Loaded::new(artifact, &api)),
            config,
            metrics,
            draining: AtomicBool::new(false),
            not_found: not_found_message(&api),
            api,
            inflight: Semaphore::new(config.max_inflight.max(1)),
            blocking: Semaphore::new(config.max_blocking.max(1)),
            sampled: AtomicU64::new(0),
        })
    }
}

/// "no such route; try GET /, POST /predict, …": every route of the document with its methods.
fn not_found_message(api: &OpenApi) -> String {
    let routes: Vec<String> = api
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods: Vec<&str> = [
                (item.get.is_some(), "GET"),
                (item.post.is_some(), "POST"),
                (item.put.is_some(), "PUT"),
                (item.delete.is_some(), "DELETE"),
            ]
            .into_iter()
            .filter_map(|(has, name)| has.then_some(name))
            .collect();
            format!("{} {path}", methods.join("|"))
        })
        .collect();
    format!("no such route; try {}", routes.join(", "))
}
