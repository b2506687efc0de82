//! `ml-workflow serve`: its flags (each with an `ML_WORKFLOW_*` variable), the listen address,
//! the runtime, and the server's run until a signal.

use std::net::{SocketAddr, ToSocketAddrs};
use std::num::NonZeroUsize;

use anyhow::Context;
use ml_workflow::serving::http::{self, LogRequests, ModelSource, Server, ServerConfig};

use super::args::ModelFile;

/// `serve`'s flags. Durations take humantime's forms: `10s`, `500ms`, `2m`.
#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    model: ModelFile,
    /// Address to listen on, `HOST:PORT` (a name such as `localhost:8080` is resolved)
    /// [default: 0.0.0.0:$PORT when PORT is set, else 127.0.0.1:8080].
    #[arg(long, env = "ML_WORKFLOW_ADDR")]
    addr: Option<String>,
    /// Serving threads [default: the CPUs available to the process].
    #[arg(long, env = "ML_WORKFLOW_THREADS")]
    threads: Option<NonZeroUsize>,
    /// Largest request body accepted, in bytes (413 beyond).
    #[arg(long, env = "ML_WORKFLOW_BODY_LIMIT", default_value_t = defaults().body_limit)]
    body_limit: usize,
    /// Time a client has to send a request's header, from the connection's start or the
    /// previous answer; it also closes idle keep-alive connections.
    #[arg(long, env = "ML_WORKFLOW_HEADER_TIMEOUT", default_value_t = defaults().header_timeout.into())]
    header_timeout: humantime::Duration,
    /// Time a client has to send a request's body once its header is in (408 beyond).
    #[arg(long, env = "ML_WORKFLOW_BODY_TIMEOUT", default_value_t = defaults().body_timeout.into())]
    body_timeout: humantime::Duration,
    /// Time to answer a request once its header is in (503 beyond).
    #[arg(long, env = "ML_WORKFLOW_REQUEST_TIMEOUT", default_value_t = defaults().request_timeout.into())]
    request_timeout: humantime::Duration,
    /// After SIGTERM, how long requests in flight may take before the server exits anyway.
    #[arg(long, env = "ML_WORKFLOW_DRAIN_TIMEOUT", default_value_t = defaults().drain_timeout.into())]
    drain_timeout: humantime::Duration,
    /// Most connections open at once; one more is closed at once.
    #[arg(long, env = "ML_WORKFLOW_MAX_CONNECTIONS", default_value_t = defaults().max_connections)]
    max_connections: usize,
    /// Most requests being read or scored at once (health and metrics excepted); more get 503
    /// with Retry-After.
    #[arg(long, env = "ML_WORKFLOW_MAX_INFLIGHT", default_value_t = defaults().max_inflight)]
    max_inflight: usize,
    /// Poll the model file this often and reload it when it changes (SIGHUP reloads always);
    /// a file that does not load is refused and the loaded model keeps serving.
    #[arg(long, env = "ML_WORKFLOW_WATCH")]
    watch: Option<humantime::Duration>,
    /// Which requests get a log line: all, errors, none, or sample:N (every error and one
    /// success in N).
    #[arg(long, env = "ML_WORKFLOW_LOG_REQUESTS", default_value = "errors")]
    log_requests: LogRequests,
}

fn defaults() -> ServerConfig {
    ServerConfig::default()
}

impl ServeArgs {
    fn config(&self) -> ServerConfig {
        ServerConfig {
            body_limit: self.body_limit,
            header_timeout: self.header_timeout.into(),
            body_timeout: self.body_timeout.into(),
            request_timeout: self.request_timeout.into(),
            drain_timeout: self.drain_timeout.into(),
            max_connections: self.max_connections,
            max_inflight: self.max_inflight,
            log_requests: self.log_requests,
            ..defaults()
        }
    }
}

/// `--addr` (a host name is resolved; the first address wins), else `0.0.0.0:$PORT`
/// (containers), else `127.0.0.1:8080`.
pub(crate) fn listen_addr(addr: Option<&str>) -> anyhow::Result<SocketAddr> {
    if let Some(addr) = addr {
        return addr
            .to_socket_addrs()
            .with_context(|| format!("--addr {addr:?} is not HOST:PORT"))?
            .next()
            .with_context(|| format!("--addr {addr:?} resolves to no address"));
    }
    match std::env::var("PORT") {
        Ok(port) => {
            let port: u16 = port
                .trim()
                .parse()
                .with_context(|| format!("PORT={port:?} is not a port number"))?;
            Ok(SocketAddr::from(([0, 0, 0, 0], port)))
        }
        Err(_) => Ok(SocketAddr::from(([127, 0, 0, 1], 8080))),
    }
}

/// Loads the model, binds, serves until SIGTERM or Ctrl-C, drains, and returns.
pub(crate) fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let artifact = args.model.load()?;
    let addr = listen_addr(args.addr.as_deref())?;
    // Each connection is a file descriptor: lift the soft limit (often 1,024) to the hard one,
    // as Go's runtime does, so that --max-connections, not the limit, decides.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::debug!(limit, "open file limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open file limit"),
    }
    let config = args.config();
    // One worker per CPU the process may use (affinity and cgroup limits included).
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .unwrap_or(NonZeroUsize::MIN);
    let runtime = runtime(threads).context("starting the async runtime")?;
    runtime.block_on(async move {
        let kind = artifact.spec.name();
        let features = artifact.features.len();
        let (name, version) = (artifact.name.clone(), artifact.version.clone());
        let server = Server::bind(addr, artifact, config)
            .await
            .with_context(|| format!("binding {addr}"))?
            .reload_from(ModelSource {
                path: args.model.model.clone(),
                max_bytes: args.model.max_model_bytes,
                watch: args.watch.map(Into::into),
            });
        let bound = server.local_addr()?;
        let threads = threads.get();
        tracing::info!(model = %args.model.model.display(), name, version, kind, features, threads, "listening on http://{bound}");
        server.run_until(http::shutdown_signal()).await?;
        tracing::info!("stopped");
        anyhow::Ok(())
    })
}

/// The server's runtime: one event loop for one thread (no hand-offs between threads), else
/// tokio's work-stealing scheduler over `threads` workers.
fn runtime(threads: NonZeroUsize) -> std::io::Result<tokio::runtime::Runtime> {
    if threads.get() == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.get())
            .enable_all()
            .build()
    }
}
