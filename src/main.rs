//! `ml-workflow`: the notebooks' workflow from the command line (see `--help`).

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ml_workflow::eda::describe;
use ml_workflow::ingest::{self, Cache, CacheState};
use ml_workflow::modeling::model::{ModelSpec, MODEL_NAMES};
use ml_workflow::modeling::pipeline::{self, TrainConfig, TrainReport};
use ml_workflow::modeling::Grid;
use ml_workflow::serving::server::{self, Server, ServerConfig};
use ml_workflow::serving::{self, log_writer, Artifact};
use ml_workflow::{Error, Result};
use polars::prelude::DataFrame;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

// The server allocates a few dozen small blocks per request (headers, the parsed payload, the
// answer); mimalloc's per-thread free lists serve them faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "ml-workflow",
    version,
    about = "Machine learning run as DevOps: datasets, EDA, training and a prediction server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the registered datasets and whether each is cached.
    Datasets {
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// pandas-style describe table of a dataset (by name) or a CSV file (by path).
    Describe {
        /// A dataset name (see `datasets`) or a path to a CSV file with a header.
        source: String,
        /// Print `df.describe().to_json()` instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Cross-validated grid search, final fit, held-out evaluation, and the model artifact.
    ///
    /// `--dataset boston-housing` runs the chapter's pipeline as it is; `--csv FILE --target COL`
    /// runs the same steps on any numeric CSV. Flags given override the preset.
    Train(TrainArgs),
    /// Predict with a saved model for a pandas-JSON DataFrame read from a file or stdin.
    Predict {
        /// The model artifact written by `train --out`.
        #[arg(long, env = "ML_WORKFLOW_MODEL")]
        model: PathBuf,
        /// The payload file (`-` or absent: stdin), any `DataFrame.to_json` orient.
        #[arg(long, default_value = "-")]
        input: String,
    },
    /// Serve a saved model over HTTP (POST /predict, GET /health, /model, /metrics).
    Serve {
        /// The model artifact written by `train --out`.
        #[arg(long, env = "ML_WORKFLOW_MODEL")]
        model: PathBuf,
        /// Address to listen on [default: 0.0.0.0:$PORT when PORT is set, else 127.0.0.1:8080].
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Largest request body accepted, in bytes.
        #[arg(long, default_value_t = server::DEFAULT_BODY_LIMIT)]
        body_limit: usize,
        /// Serving threads [default: the CPUs available to the process].
        #[arg(long, env = "ML_WORKFLOW_THREADS")]
        threads: Option<NonZeroUsize>,
    },
}

#[derive(clap::Args)]
struct TrainArgs {
    /// A registered dataset (the chapter's preset for boston-housing).
    #[arg(long, conflicts_with = "csv", required_unless_present = "csv")]
    dataset: Option<String>,
    /// Any CSV with a header and numeric columns.
    #[arg(long, requires = "target")]
    csv: Option<PathBuf>,
    /// The column to predict.
    #[arg(long)]
    target: Option<String>,
    /// Feature columns, comma separated [default: every numeric column but the target].
    #[arg(long, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// The model (see `--model help`).
    #[arg(long)]
    model: Option<String>,
    /// A grid entry, `KEY=V1,V2,...` or `KEY=START:STOP:STEP` (repeatable).
    #[arg(long = "grid", value_name = "KEY=VALUES")]
    grid: Vec<String>,
    /// Cross-validation folds.
    #[arg(long)]
    folds: Option<usize>,
    /// Shuffle rows before cutting folds (scikit-learn's KFold(shuffle=True)).
    #[arg(long)]
    shuffle: bool,
    /// Seed of the split, the folds' shuffle and the model.
    #[arg(long)]
    seed: Option<u32>,
    /// Share of rows held out for evaluation (0 keeps none).
    #[arg(long)]
    test_size: Option<f64>,
    /// Do not standardise the features.
    #[arg(long)]
    no_scale: bool,
    /// Where to write the model artifact [default: models/<dataset>.json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Do not write an artifact.
    #[arg(long, conflicts_with = "out")]
    no_save: bool,
    /// Print one JSON object (CV table, best setting, validation metrics, timings).
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    // Log lines collect in memory and a background thread writes them every 50 ms, so a request
    // costs no write and no thread wake-up (serving::log_writer); the guard writes the rest.
    let (log_writer, log_guard) = match log_writer::batched_stderr() {
        Ok((writer, guard)) => (BoxMakeWriter::new(writer), Some(guard)),
        Err(_) => (BoxMakeWriter::new(std::io::stderr), None),
    };
    tracing_subscriber::fmt()
        .with_writer(log_writer)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = run(Cli::parse());
    drop(log_guard); // the log lines before the error message
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Datasets { json } => datasets(json)?,
        Command::Describe { source, json } => {
            let df = load_source(&source)?;
            let table = describe(&df)?;
            if json {
                println!("{}", table.to_json());
            } else {
                print!("{table}");
            }
        }
        Command::Train(args) => train(args)?,
        Command::Predict { model, input } => predict(&model, &input)?,
        Command::Serve {
            model,
            addr,
            body_limit,
            threads,
        } => serve(&model, addr, body_limit, threads)?,
    }
    Ok(())
}

/// The training configuration: the dataset's preset (or CSV defaults) with the flags applied.
fn train_config(args: &TrainArgs) -> anyhow::Result<TrainConfig> {
    let mut config = match (&args.dataset, &args.target) {
        (Some(name), None) if name == "boston-housing" => TrainConfig::boston_housing(),
        (Some(name), None) if name == "height-weight" => {
            let mut c = TrainConfig::for_target("Weight");
            c.features = vec!["Height".into()];
            c.model = ModelSpec::Linear;
            c.scale = false;
            c
        }
        (Some(name), None) => anyhow::bail!(
            "dataset {name:?} has no preset; name the column to predict with --target"
        ),
        (_, Some(target)) => TrainConfig::for_target(target),
        (None, None) => anyhow::bail!("give --dataset NAME or --csv FILE --target COLUMN"),
    };
    if let Some(features) = &args.features {
        config.features = features.clone();
    }
    if let Some(name) = &args.model {
        if name == "help" {
            let list: Vec<String> = MODEL_NAMES
                .iter()
                .map(|(n, d)| format!("  {n:<12} {d}"))
                .collect();
            anyhow::bail!("models:\n{}", list.join("\n"));
        }
        config.model = ModelSpec::from_name(name)?;
        config.final_params = None;
        config.grid = Grid::default();
    }
    if !args.grid.is_empty() {
        let entries = args
            .grid
            .iter()
            .map(|g| Grid::parse_entry(g))
            .collect::<Result<Vec<_>>>()?;
        config.grid = Grid(entries);
        config.final_params = None;
    }
    if let Some(folds) = args.folds {
        config.folds = folds;
    }
    if args.shuffle {
        config.shuffle = true;
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(test_size) = args.test_size {
        config.test_size = test_size;
    }
    if args.no_scale {
        config.scale = false;
    }
    Ok(config)
}

fn train(args: TrainArgs) -> anyhow::Result<()> {
    let config = train_config(&args)?;
    let (df, name, sha256) = match (&args.dataset, &args.csv) {
        (Some(name), _) => {
            let spec = ingest::dataset(name)?;
            let path = Cache::new(ingest::data_dir())
                .with_progress(true)
                .fetch(&spec)?;
            (
                ingest::read_dataset_file(&spec, &path)?,
                spec.name.to_string(),
                spec.sha256.to_string(),
            )
        }
        (None, Some(csv)) => {
            let sha = ingest::sha256_file(csv)?;
            (ingest::read_csv(csv)?, csv.display().to_string(), sha)
        }
        (None, None) => anyhow::bail!("give --dataset NAME or --csv FILE --target COLUMN"),
    };
    let progress = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} fold fits [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_message("cross-validation");
    let report = pipeline::train(&df, &config, Some(&progress))?;
    progress.finish_and_clear();

    let out = if args.no_save {
        None
    } else {
        let path = args
            .out
            .clone()
            .unwrap_or_else(|| default_artifact_path(&name));
        Artifact::from_report(&report, &name, &sha256).save(&path)?;
        Some(path)
    };
    if args.json {
        println!("{}", train_json(&report, &name, out.as_deref()));
    } else {
        print_train_report(&report, &name, out.as_deref());
    }
    Ok(())
}

/// `models/<dataset>.json`, or `models/<file stem>.json` for a CSV.
fn default_artifact_path(name: &str) -> PathBuf {
    let stem = Path::new(name)
        .file_stem()
        .map_or_else(|| "model".into(), |s| s.to_string_lossy());
    PathBuf::from(format!("models/{stem}.json"))
}

fn train_json(report: &TrainReport, name: &str, out: Option<&Path>) -> serde_json::Value {
    let best = report.search.best_result();
    serde_json::json!({
        "dataset": name,
        "target": report.config.target,
        "features": report.features,
        "model": report.final_spec.name(),
        "folds": report.config.folds,
        "rows": { "train": report.rows_train, "test": report.rows_test },
        "cv": report.search.results,
        "best": best.params,
        "best_cv": { "mean_mse": best.mean_mse, "std_mse": best.std_mse },
        "final": report.final_spec.params(),
        "test": report.test,
        "seconds": { "cv": report.seconds_cv, "fit": report.seconds_fit },
        "artifact": out,
    })
}

fn print_train_report(report: &TrainReport, name: &str, out: Option<&Path>) {
    println!(
        "{name}: {} predicted from {} ({} training rows, {} held out)",
        report.config.target,
        report.features.join(", "),
        report.rows_train,
        report.rows_test
    );
    println!(
        "\n{}-fold cross-validation of {} ({:.2} s):",
        report.config.folds, report.search.model, report.seconds_cv
    );
    print!("{}", report.search.table());
    println!(
        "\nfinal model: {} {} ({:.3} s)",
        report.final_spec.name(),
        report.final_spec.params(),
        report.seconds_fit
    );
    if let Some(evaluation) = &report.evaluation {
        println!("\nheld-out evaluation:");
        print!("{}", evaluation.metrics_table());
        print!("{}", evaluation.head(5));
    }
    if let Some(path) = out {
        println!("\nmodel artifact: {}", path.display());
    }
}

fn predict(model: &Path, input: &str) -> anyhow::Result<()> {
    let artifact = Artifact::load(model)?;
    let mut body = Vec::new();
    if input == "-" {
        std::io::stdin()
            .read_to_end(&mut body)
            .context("reading the payload from stdin")?;
    } else {
        body = std::fs::read(input).with_context(|| format!("reading the payload {input}"))?;
    }
    let prediction = serving::predict(&artifact, &body)?;
    println!("{}", serde_json::to_string(&prediction)?);
    Ok(())
}

/// `--addr`, else `0.0.0.0:$PORT` (containers), else `127.0.0.1:8080`.
fn listen_addr(addr: Option<SocketAddr>) -> anyhow::Result<SocketAddr> {
    if let Some(addr) = addr {
        return Ok(addr);
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

fn serve(
    model: &Path,
    addr: Option<SocketAddr>,
    body_limit: usize,
    threads: Option<NonZeroUsize>,
) -> anyhow::Result<()> {
    let artifact = Artifact::load(model)?;
    let addr = listen_addr(addr)?;
    // One worker per CPU the process may use (affinity and cgroup limits included).
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok())
        .unwrap_or(NonZeroUsize::MIN);
    let runtime = runtime(threads).context("starting the async runtime")?;
    runtime.block_on(async move {
        let kind = artifact.spec.name();
        let features = artifact.features.len();
        let server = Server::bind(addr, artifact, ServerConfig { body_limit })
            .await
            .with_context(|| format!("binding {addr}"))?;
        let bound = server.local_addr()?;
        let threads = threads.get();
        tracing::info!(model = %model.display(), kind, features, threads, "listening on http://{bound}");
        server.run_until(server::shutdown_signal()).await?;
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

/// A registered dataset by name, else a CSV file by path.
fn load_source(source: &str) -> Result<DataFrame> {
    match ingest::dataset(source) {
        Ok(spec) => {
            let path = Cache::new(ingest::data_dir())
                .with_progress(true)
                .fetch(&spec)?;
            ingest::read_dataset_file(&spec, &path)
        }
        Err(unknown) if !Path::new(source).exists() => Err(Error::invalid(
            "source",
            format!("{source:?} is neither a file nor a registered dataset ({unknown})"),
        )),
        Err(_) => ingest::read_csv(PathBuf::from(source)),
    }
}

fn datasets(json: bool) -> Result<()> {
    let cache = Cache::new(ingest::data_dir());
    let mut rows = Vec::new();
    for spec in ingest::datasets() {
        let state = match cache.state(&spec)? {
            CacheState::Missing => "not downloaded".to_string(),
            CacheState::Verified => "cached, checksum ok".to_string(),
            CacheState::Corrupt { .. } => "cached, CHECKSUM MISMATCH".to_string(),
        };
        rows.push((spec, state));
    }
    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|(s, state)| {
                serde_json::json!({
                    "name": s.name, "url": s.url, "sha256": s.sha256,
                    "path": cache.path(s), "state": state, "description": s.description,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({ "cache": cache.dir(), "datasets": list })
        );
    } else {
        println!("cache: {}", cache.dir().display());
        for (s, state) in rows {
            println!("{:<16} {:<22} {}", s.name, state, s.description);
        }
    }
    Ok(())
}
