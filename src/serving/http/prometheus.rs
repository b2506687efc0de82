//! The server's metrics, through the `prometheus-client` crate (OpenMetrics text): requests by
//! route and status, a latency histogram per route (so probes and scrapes do not blur the
//! predictions' latency), rows predicted, what the server cut off or refused, open
//! connections, model reloads, the served model's name and version, the build, and the
//! process's CPU time, resident memory and open file descriptors.

use std::sync::{Arc, RwLock};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Upper bounds (seconds) of the latency histograms' buckets.
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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabels {
    name: String,
    version: String,
    kind: String,
}

type Latency = Family<Route, Histogram, fn() -> Histogram>;

/// Every metric the server keeps, registered once.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Latency,
    predictions: Counter,
    cutoffs: Family<Reason, Counter>,
    connections: Gauge,
    reloads: Family<Outcome, Counter>,
    model: Arc<RwLock<Option<ModelLabels>>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RouteStatus, Counter>::default();
        let latency: Latency = Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        let predictions = Counter::default();
        let cutoffs = Family::<Reason, Counter>::default();
        let connections = Gauge::default();
        let reloads = Family::<Outcome, Counter>::default();
        registry.register(
            "ml_workflow_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "ml_workflow_request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        registry.register(
            "ml_workflow_predictions",
            "Rows predicted",
            predictions.clone(),
        );
        registry.register(
            "ml_workflow_cutoffs",
            "Requests and connections the server ended itself, by reason",
            cutoffs.clone(),
        );
        registry.register(
            "ml_workflow_open_connections",
            "Connections open now",
            connections.clone(),
        );
        registry.register(
            "ml_workflow_reloads",
            "Model reloads, by result (a refused file keeps the old model)",
            reloads.clone(),
        );
        // Every reason and result from the start, so a dashboard sees zeros, not gaps.
        for why in Cutoff::ALL {
            cutoffs
                .get_or_create(&Reason {
                    reason: why.label(),
                })
                .inc_by(0);
        }
        for result in ["ok", "failed"] {
            reloads.get_or_create(&Outcome { result }).inc_by(0);
        }
        let model = Arc::new(RwLock::new(None));
        registry.register_collector(Box::new(Dynamic {
            model: model.clone(),
        }));
        Metrics {
            registry,
            requests,
            latency,
            predictions,
            cutoffs,
            connections,
            reloads,
            model,
        }
    }
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
        self.requests
            .get_or_create(&RouteStatus { route, status })
            .inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(seconds);
        if predictions > 0 {
            self.predictions.inc_by(predictions as u64);
        }
    }

    /// Counts one cut-off.
    pub(crate) fn cutoff(&self, why: Cutoff) {
        self.cutoffs
            .get_or_create(&Reason {
                reason: why.label(),
            })
            .inc();
    }

    /// A connection opened (+1) or closed (-1).
    pub(crate) fn connections(&self, delta: i64) {
        self.connections.inc_by(delta);
    }

    /// A model reload that succeeded (`true`) or was refused.
    pub(crate) fn reloaded(&self, ok: bool) {
        let result = if ok { "ok" } else { "failed" };
        self.reloads.get_or_create(&Outcome { result }).inc();
    }

    /// The model now served, for `ml_workflow_model_info`.
    pub(crate) fn serving(&self, name: &str, version: &str, kind: &str) {
        let labels = ModelLabels {
            name: name.into(),
            version: version.into(),
            kind: kind.into(),
        };
        *self.model.write().unwrap_or_else(|p| p.into_inner()) = Some(labels);
    }

    /// Everything, in the OpenMetrics text format.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "encoding metrics failed");
        }
        out
    }
}

/// What is read at each scrape: the served model, the build, and the process's own figures.
#[derive(Debug)]
struct Dynamic {
    model: Arc<RwLock<Option<ModelLabels>>>,
}

impl Collector for Dynamic {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let one = ConstGauge::new(1i64);
        if let Some(labels) = self.model.read().unwrap_or_else(|p| p.into_inner()).clone() {
            let mut family = encoder.encode_descriptor(
                "ml_workflow_model_info",
                "The model this server answers with",
                None,
                one.metric_type(),
            )?;
            one.encode(family.encode_family(&labels)?)?;
        }
        let build = [("version", env!("CARGO_PKG_VERSION"))];
        let mut family = encoder.encode_descriptor(
            "ml_workflow_build_info",
            "The server's build",
            None,
            one.metric_type(),
        )?;
        one.encode(family.encode_family(&build)?)?;
        if let Some(process) = ProcessFigures::read() {
            let cpu = ConstCounter::new(process.cpu_seconds);
            cpu.encode(encoder.encode_descriptor(
                "process_cpu_seconds",
                "User and system CPU time spent, in seconds",
                None,
                cpu.metric_type(),
            )?)?;
            let rss = ConstGauge::new(process.resident_bytes as i64);
            rss.encode(encoder.encode_descriptor(
                "process_resident_memory_bytes",
                "Resident memory size, in bytes",
                None,
                rss.metric_type(),
            )?)?;
            let fds = ConstGauge::new(process.open_fds as i64);
            fds.encode(encoder.encode_descriptor(
                "process_open_fds",
                "Open file descriptors",
                None,
                fds.metric_type(),
            )?)?;
        }
        Ok(())
    }
}

/// The process's figures from /proc (Linux; elsewhere none are reported).
struct ProcessFigures {
    cpu_seconds: f64,
    resident_bytes: u64,
    open_fds: usize,
}

impl ProcessFigures {
    fn read() -> Option<ProcessFigures> {
        // Fields after the command name (which may hold spaces) are space-separated; utime and
        // stime are the 14th and 15th fields, in clock ticks (100 a second on Linux).
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let rss_kb: u64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count();
        Some(ProcessFigures {
            cpu_seconds: ticks as f64 / 100.0,
            resident_bytes: rss_kb * 1024,
            open_fds,
        })
    }
}
