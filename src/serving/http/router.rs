//! The router and the routes' OpenAPI document, built together from the handlers'
//! `#[utoipa::path]` attributes (utoipa-axum), so that a route cannot be served without being
//! documented or documented without being served; then the layers every request goes through.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use utoipa::openapi::{OpenApi as Document, ServerBuilder};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::api_doc::ApiDoc;
use super::api_error::ApiError;
use super::middleware::{observe, RequestIds};
use super::state::AppState;
use super::{handlers, protocols};

/// Every route, unlayered, and the routes' document (info, schemas and paths; no model yet).
pub(crate) fn routes() -> (Router<Arc<AppState>>, Document) {
    let (router, mut api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(handlers::home))
        .routes(routes!(handlers::predict))
        .routes(routes!(handlers::explain))
        .routes(routes!(handlers::health))
        .routes(routes!(handlers::ready))
        .routes(routes!(handlers::live))
        .routes(routes!(handlers::model))
        .routes(routes!(handlers::metrics))
        .routes(routes!(handlers::openapi_json))
        // MLflow's scoring protocol (what `mlflow models serve` answers).
        .routes(routes!(protocols::ping))
        .routes(routes!(protocols::version))
        .routes(routes!(protocols::invocations))
        // The Open Inference Protocol (v2).
        .routes(routes!(protocols::v2_server))
        .routes(routes!(protocols::v2_live))
        .routes(routes!(protocols::v2_ready))
        .routes(routes!(protocols::v2_model))
        .routes(routes!(protocols::v2_model_version))
        .routes(routes!(protocols::v2_model_ready))
        .routes(routes!(protocols::v2_infer))
        .routes(routes!(protocols::v2_infer_version))
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    api.servers = Some(vec![ServerBuilder::new().url("/").build()]);
    (router, api)
}

/// The application: `routes` with the 404, the body limit, the middleware, request IDs and
/// the panic guard, over `state`.
pub(crate) fn app(routes: Router<Arc<AppState>>, state: Arc<AppState>) -> Router {
    routes
        .fallback(handlers::not_found)
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

#[cfg(test)]
mod tests {
    use super::super::routes::ROUTES;
    use super::*;

    /// The route table and the router's document name the same paths, each once.
    #[test]
    fn the_route_table_is_what_is_served_and_documented() {
        let (_, api) = routes();
        let mut documented: Vec<&str> = api.paths.paths.keys().map(String::as_str).collect();
        let mut table: Vec<&str> = ROUTES.iter().map(|r| r.path).collect();
        documented.sort_unstable();
        table.sort_unstable();
        assert_eq!(documented, table);
    }
}
