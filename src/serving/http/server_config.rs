//! The server's settings besides the model: limits, timeouts and which requests are logged,
//! with the shipped defaults.

use std::num::NonZeroU64;
use std::str::FromStr;
use std::time::Duration;

/// The default request body limit: 1 MiB (about 5,000 rows in pandas' default orient).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Bodies up to this size are parsed and scored on the event loop (a one-row request takes a
/// few microseconds); larger ones on the blocking pool, so that health checks and small
/// requests never wait behind a big batch.
pub const INLINE_BODY_BYTES: usize = 16 * 1024;

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
/// clients do (docs/hostile-clients.md has the arithmetic).
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
