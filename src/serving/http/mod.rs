//! The prediction server: the chapter's Flask app done in axum — one model loaded at start,
//! `POST /predict` with pandas JSON, MLflow's scoring protocol and the Open Inference Protocol
//! (v2), JSON errors with the right 4xx, Prometheus metrics, one log line per request, hot
//! reload and a graceful shutdown. Routes and status codes follow docs/serving.md.
//!
//! The parts, each depending only on those above it: `server_config`, `api_error`, `prometheus`,
//! `routes` (the route table) and `pages` depend on nothing here; `api_doc` (schemas) →
//! `loaded` (a model and what is derived from it) → `state` → `extract` (bodies) →
//! `scoring` → `handlers`, `protocols` and `middleware` → `router` (router and document from
//! the handlers) → `reload`, `listener` and this file's [`Server`].

mod api_doc;
mod api_error;
mod extract;
mod handlers;
mod listener;
mod loaded;
mod middleware;
mod pages;
mod prometheus;
mod protocols;
mod reload;
mod router;
mod routes;
mod scoring;
mod server_config;
mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;

pub use pages::model_card;
pub use reload::ModelSource;
pub use server_config::{LogRequests, ServerConfig, DEFAULT_BODY_LIMIT, INLINE_BODY_BYTES};

use crate::serving::Artifact;
use state::AppState;

/// A bound server, ready to run: bind first so callers (and tests) learn the port.
pub struct Server {
    listener: tokio::net::TcpListener,
    routes: Router<Arc<AppState>>,
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
        let (routes, api) = router::routes();
        Ok(Server {
            listener,
            routes,
            state: AppState::new(artifact, config, api),
            source: None,
        })
    }

    /// Reloads the model from `source` on SIGHUP, and on a change of the file when
    /// `source.watch` is set (see `reload.rs`).
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
        let app = router::app(self.routes, self.state.clone());
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
