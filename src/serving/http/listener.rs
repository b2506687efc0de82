//! The accept loop: hyper's HTTP/1 connections with a real timer (so the header-read timeout
//! fires), a cap on open connections, and a drain on shutdown that always ends.
//!
//! `axum::serve` builds hyper without a timer and offers neither a connection cap nor a drain
//! deadline, so the loop is written here on `hyper_util`'s pieces, as axum's own
//! "serve with hyper" example does.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::prometheus::Cutoff;
use super::state::AppState;

/// hyper's per-connection read buffer cap: a request's header must fit. Small, so that many
/// open connections cost little memory (see docs/hostile-clients.md for the arithmetic).
pub(crate) const MAX_BUF_BYTES: usize = 16 * 1024;

/// Serves `app` on `listener` until `shutdown` completes, then drains: readiness turns false,
/// no new connection is accepted, requests in flight finish, idle connections close, and what
/// is still open after the state's drain timeout is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config;
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_buf_size(MAX_BUF_BYTES);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait for some to close, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            state.metrics.cutoff(Cutoff::ConnectionRefused);
            drop(stream);
            continue;
        };
        // An answer is one small write: send it now rather than wait for the client's ACK.
        let _ = stream.set_nodelay(true);
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        let state = state.clone();
        tokio::spawn(async move {
            state.metrics.connections(1);
            if let Err(e) = connection.await {
                note_connection_error(&state, &e);
            }
            state.metrics.connections(-1);
            drop(slot);
        });
    }
    state.draining.store(true, Ordering::SeqCst);
    drop(listener);
    tracing::info!(
        deadline_ms = config.drain_timeout.as_millis() as u64,
        "draining: finishing requests in flight"
    );
    if tokio::time::timeout(config.drain_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("drain deadline passed; closing the connections still open");
    }
    Ok(())
}

/// Counts (and logs at debug) what hyper ended before any route saw a request.
fn note_connection_error(state: &AppState, e: &hyper::Error) {
    if e.is_timeout() {
        state.metrics.cutoff(Cutoff::HeaderTimeout);
    } else if e.is_parse() || e.is_parse_too_large() || e.is_parse_status() {
        state.metrics.cutoff(Cutoff::Malformed);
    }
    tracing::debug!(error = %e, "connection ended");
}
