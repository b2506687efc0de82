//! The server's counters in Prometheus' text format: requests by route and status, a latency
//! histogram, rows predicted, and what the server cut off or refused to protect itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

/// Upper bounds (seconds) of the latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];

/// Why the server ended a request or a connection itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cutoff {
    /// A request's header did not arrive in time (slow or idle client; hyper closes it).
    HeaderTimeout,
    /// A request's body did not arrive in time (408).
    BodyTimeout,
    /// Answering took longer than the whole-request limit (503).
    RequestTimeout,
    /// hyper refused a malformed request before routing (its own 400, 414 or 431).
    Malformed,
    /// Too many requests in progress: shed with 503 and `Retry-After`.
    Shed,
    /// Too many open connections: the new one was closed at once.
    ConnectionRefused,
}

impl Cutoff {
    const ALL: [Cutoff; 6] = [
        Cutoff::HeaderTimeout,
        Cutoff::BodyTimeout,
        Cutoff::RequestTimeout,
        Cutoff::Malformed,
        Cutoff::Shed,
        Cutoff::ConnectionRefused,
    ];

    /// The `reason` label.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Cutoff::HeaderTimeout => "header_timeout",
            Cutoff::BodyTimeout => "body_timeout",
            Cutoff::RequestTimeout => "request_timeout",
            Cutoff::Malformed => "malformed",
            Cutoff::Shed => "shed",
            Cutoff::ConnectionRefused => "connection_refused",
        }
    }
}

/// Request counters, a latency histogram, a prediction count, cut-offs and open connections.
#[derive(Default)]
pub(crate) struct Metrics {
    inner: Mutex<MetricsInner>,
    cutoffs: [AtomicU64; Cutoff::ALL.len()],
    connections: AtomicI64,
    reloads: [AtomicU64; 2],
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
    /// Counts one answered request.
    pub(crate) fn record(
        &self,
        route: &'static str,
        status: u16,
        seconds: f64,
        predictions: usize,
    ) {
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

    /// Counts one cut-off.
    pub(crate) fn cutoff(&self, why: Cutoff) {
        let i = Cutoff::ALL.iter().position(|c| *c == why).unwrap_or(0);
        self.cutoffs[i].fetch_add(1, Ordering::Relaxed);
    }

    /// How many cut-offs of this kind so far.
    pub(crate) fn cutoffs(&self, why: Cutoff) -> u64 {
        let i = Cutoff::ALL.iter().position(|c| *c == why).unwrap_or(0);
        self.cutoffs[i].load(Ordering::Relaxed)
    }

    /// A model reload that succeeded (`true`) or was refused.
    pub(crate) fn reloaded(&self, ok: bool) {
        self.reloads[usize::from(ok)].fetch_add(1, Ordering::Relaxed);
    }

    /// A connection opened (+1) or closed (-1).
    pub(crate) fn connections(&self, delta: i64) {
        self.connections.fetch_add(delta, Ordering::Relaxed);
    }

    /// The counters in Prometheus' text exposition format.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.render_requests(&mut out);
        let _ = writeln!(
            out,
            "# HELP ml_workflow_cutoffs_total Requests and connections the server ended itself, by reason."
        );
        let _ = writeln!(out, "# TYPE ml_workflow_cutoffs_total counter");
        for why in Cutoff::ALL {
            let _ = writeln!(
                out,
                "ml_workflow_cutoffs_total{{reason=\"{}\"}} {}",
                why.label(),
                self.cutoffs(why)
            );
        }
        let _ = writeln!(
            out,
            "# HELP ml_workflow_reloads_total Model reloads, by result (a refused file keeps the old model)."
        );
        let _ = writeln!(out, "# TYPE ml_workflow_reloads_total counter");
        for (result, i) in [("ok", 1), ("failed", 0)] {
            let _ = writeln!(
                out,
                "ml_workflow_reloads_total{{result=\"{result}\"}} {}",
                self.reloads[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP ml_workflow_open_connections Connections open now."
        );
        let _ = writeln!(out, "# TYPE ml_workflow_open_connections gauge");
        let _ = writeln!(
            out,
            "ml_workflow_open_connections {}",
            self.connections.load(Ordering::Relaxed)
        );
        out
    }

    fn render_requests(&self, out: &mut String) {
        let m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
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
    }
}
