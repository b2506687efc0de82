//! The route table: every path the server answers, written once. The handlers' OpenAPI
//! attributes name these constants, the router is built from those attributes (so the router
//! and `/openapi.json` cannot differ), and the metrics label requests with the table's entries.

/// The home page.
pub(crate) const HOME: &str = "/";
/// The chapter's prediction route.
pub(crate) const PREDICT: &str = "/predict";
/// SHAP values of the rows' predictions.
pub(crate) const EXPLAIN: &str = "/explain";
/// Readiness, the short name.
pub(crate) const HEALTH: &str = "/health";
/// Liveness.
pub(crate) const HEALTH_LIVE: &str = "/health/live";
/// Readiness.
pub(crate) const HEALTH_READY: &str = "/health/ready";
/// The model card.
pub(crate) const MODEL: &str = "/model";
/// Prometheus metrics.
pub(crate) const METRICS: &str = "/metrics";
/// The OpenAPI document.
pub(crate) const OPENAPI: &str = "/openapi.json";
/// MLflow's liveness probe.
pub(crate) const MLFLOW_PING: &str = "/ping";
/// MLflow's version route.
pub(crate) const MLFLOW_VERSION: &str = "/version";
/// MLflow's scoring route.
pub(crate) const MLFLOW_INVOCATIONS: &str = "/invocations";
/// The Open Inference Protocol's server metadata.
pub(crate) const V2: &str = "/v2";
/// v2 liveness.
pub(crate) const V2_LIVE: &str = "/v2/health/live";
/// v2 readiness.
pub(crate) const V2_READY: &str = "/v2/health/ready";
/// v2 model metadata.
pub(crate) const V2_MODEL: &str = "/v2/models/{name}";
/// v2 model metadata of one version.
pub(crate) const V2_MODEL_VERSION: &str = "/v2/models/{name}/versions/{version}";
/// v2 model readiness.
pub(crate) const V2_MODEL_READY: &str = "/v2/models/{name}/ready";
/// v2 inference.
pub(crate) const V2_INFER: &str = "/v2/models/{name}/infer";
/// v2 inference on one version.
pub(crate) const V2_INFER_VERSION: &str = "/v2/models/{name}/versions/{version}/infer";

/// One route: its path, and whether it is a probe or a scrape (never shed under load, so a
/// loaded server still says it is alive).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    pub(crate) path: &'static str,
    pub(crate) probe: bool,
}

const fn route(path: &'static str) -> Route {
    Route { path, probe: false }
}

const fn probe(path: &'static str) -> Route {
    Route { path, probe: true }
}

/// Every route the server answers.
pub(crate) const ROUTES: [Route; 20] = [
    route(HOME),
    route(PREDICT),
    route(EXPLAIN),
    probe(HEALTH),
    probe(HEALTH_LIVE),
    probe(HEALTH_READY),
    route(MODEL),
    probe(METRICS),
    route(OPENAPI),
    probe(MLFLOW_PING),
    route(MLFLOW_VERSION),
    route(MLFLOW_INVOCATIONS),
    route(V2),
    probe(V2_LIVE),
    probe(V2_READY),
    route(V2_MODEL),
    route(V2_MODEL_VERSION),
    route(V2_MODEL_READY),
    route(V2_INFER),
    route(V2_INFER_VERSION),
];

/// The label of a request's route: its table entry (no allocation per request), or
/// `unmatched` for a path no route matched.
pub(crate) fn label(matched: Option<&str>) -> Route {
    matched
        .and_then(|m| ROUTES.iter().find(|r| r.path == m))
        .copied()
        .unwrap_or(Route {
            path: "unmatched",
            probe: false,
        })
}
