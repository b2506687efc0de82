//! `ml-workflow`: the notebooks' workflow from the command line (see `--help`).

#[path = "cli/serve.rs"]
mod serve;

use std::fmt::Display;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ml_workflow::datasets;
use ml_workflow::eda::{describe, describe_all};
use ml_workflow::error::chain_message;
use ml_workflow::ingest::csv::Separator;
use ml_workflow::ingest::{self, Cache, CacheState};
use ml_workflow::logging;
use ml_workflow::modeling::binned;
use ml_workflow::modeling::pipeline::{self, TrainConfig, TrainReport};
use ml_workflow::modeling::{Grid, ModelSpec, ParamSet, MODELS};
use ml_workflow::report::format_params;
use ml_workflow::serving::{self, artifact, Artifact};
use ml_workflow::{Error, Result};
use polars::prelude::DataFrame;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

// The server allocates a few dozen small blocks per request (headers, the parsed payload, the
// answer); mimalloc's per-thread free lists serve them faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its number in `mimalloc.h`, versions 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator give freed memory back to the system at once, unless
/// `MIMALLOC_PURGE_DELAY` says otherwise. mimalloc waits a second by default, which suits the
/// server (it allocates the same sizes again at once); a training run on a big table frees one
/// column's working space while it reads the next, and what is freed but not yet given back
/// counts in its peak (1 M rows: 227 MiB against 177 MiB).
fn give_back_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: the setter stores a number in mimalloc's option table; `main` calls this
        // before any thread starts, as mimalloc asks (setting is not synchronised).
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
}

#[derive(Parser)]
#[command(
    name = "ml-workflow",
    version,
    about = "Machine learning run as DevOps: datasets, EDA, training and a prediction server"
)]
struct Cli {
    /// Log lines as text for people, or one JSON object per line for log shippers.
    #[arg(
        long,
        global = true,
        value_enum,
        env = "ML_WORKFLOW_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log lines are written.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
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
        /// The CSV's separator: `,` `;` `tab`, any one character, or `whitespace` (runs of
        /// spaces) [default: sniffed from the header line].
        #[arg(long, value_parser = separator)]
        sep: Option<Separator>,
        /// `all` adds the text and boolean columns (count, unique, top, freq), as pandas'
        /// `describe(include="all")`.
        #[arg(long, value_parser = ["numeric", "all"], default_value = "numeric")]
        include: String,
        /// Print `df.describe().to_json()` instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Cross-validated grid search, final fit, held-out evaluation, and the model artifact.
    ///
    /// `--dataset NAME` runs the dataset's preset (boston-housing: the chapter's pipeline as it
    /// is); `--csv FILE --target COL` runs the same steps on any numeric CSV. Flags given
    /// override the preset.
    Train(TrainArgs),
    /// Predict with a saved model for a pandas-JSON DataFrame read from a file or stdin.
    ///
    /// The rows come as pandas JSON (any `DataFrame.to_json` orient, or MLflow's wrappers) or
    /// as CSV with a header row, as `mlflow models predict -t csv` takes them.
    Predict {
        #[command(flatten)]
        model: ModelFile,
        /// The rows: a file, or `-` (the default) for stdin.
        #[arg(long, default_value = "-")]
        input: String,
        /// The input's format [default: csv for a file ending in .csv, else json].
        #[arg(long, value_enum)]
        format: Option<InputFormat>,
        /// How to print the predictions: json (`{"prediction": [...]}`) or csv (a header
        /// `prediction`, then one value per row).
        #[arg(long, value_enum, default_value = "json")]
        output_format: OutputFormat,
    },
    /// Serve a saved model over HTTP (POST /predict, GET /health/live, /health/ready, /model,
    /// /metrics), with timeouts, connection and concurrency caps, and a drain on SIGTERM.
    Serve(serve::ServeArgs),
}

/// The saved model a command reads.
#[derive(clap::Args)]
pub(crate) struct ModelFile {
    /// The model artifact written by `train --out`.
    #[arg(long, env = "ML_WORKFLOW_MODEL")]
    pub(crate) model: PathBuf,
    /// Refuse an artifact file larger than this, in bytes, before reading it.
    #[arg(long, env = "ML_WORKFLOW_MAX_MODEL_BYTES", default_value_t = artifact::DEFAULT_MAX_BYTES)]
    pub(crate) max_model_bytes: u64,
}

impl ModelFile {
    pub(crate) fn load(&self) -> Result<Artifact> {
        Artifact::load_limited(&self.model, self.max_model_bytes)
    }
}

#[derive(clap::Args)]
struct TrainArgs {
    /// A registered dataset, trained as its preset says (see `datasets`).
    #[arg(long, conflicts_with = "csv", required_unless_present = "csv")]
    dataset: Option<String>,
    /// Any CSV with a header and numeric columns.
    #[arg(long, requires = "target")]
    csv: Option<PathBuf>,
    /// The CSV's separator: `,` `;` `tab`, any one character, or `whitespace` [default:
    /// sniffed from the header line].
    #[arg(long, value_parser = separator, requires = "csv")]
    sep: Option<Separator>,
    /// The column to predict.
    #[arg(long)]
    target: Option<String>,
    /// Input columns, comma separated [default: every column but the target]. Numeric columns
    /// are imputed with the training median and scaled; text and boolean ones one-hot encoded.
    #[arg(long, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// Columns to leave out of the inputs, comma separated (an ID, a free-text note).
    #[arg(long, value_delimiter = ',')]
    drop: Vec<String>,
    /// The most distinct values a text column may have before it is refused [default: 100].
    #[arg(long)]
    max_categories: Option<usize>,
    /// The model, with scikit-learn's defaults.
    #[arg(long, value_parser = model_parser())]
    model: Option<ModelSpec>,
    /// A hyperparameter of the model, `KEY=VALUE` (repeatable): `--param max_iter=300`,
    /// `--param early_stopping=true`. It also overrides the preset's final fit.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// A grid entry, `KEY=V1,V2,...` or `KEY=START:STOP:STEP` (repeatable).
    #[arg(long = "grid", value_name = "KEY=VALUES")]
    grid: Vec<String>,
    /// Cross-validation folds (0: none, one fit on the training rows, `"cv": []` in --json).
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
    /// The model's name in the artifact, `/model` and the v2 API [default: the dataset's name
    /// or the CSV's stem].
    #[arg(long)]
    name: Option<String>,
    /// The model's version [default: a short hash of the features, preprocessing and model].
    #[arg(long = "version", id = "model_version")]
    model_version: Option<String>,
    /// Record the time of writing in the artifact (`SOURCE_DATE_EPOCH` if set). Without it the
    /// same data, seed and code write a byte-identical artifact.
    #[arg(long)]
    timestamp: bool,
    /// Print one JSON object (CV table, best setting, validation metrics, timings).
    #[arg(long)]
    json: bool,
}

/// `--model`'s values, names and aliases from the model registry, each with its description.
fn model_parser() -> impl TypedValueParser<Value = ModelSpec> {
    PossibleValuesParser::new(MODELS.iter().map(|m| {
        PossibleValue::new(m.name)
            .help(m.description)
            .aliases(m.aliases.iter().copied())
    }))
    .try_map(|name| ModelSpec::from_name(&name))
}

fn main() -> ExitCode {
    // Parsed before the log writer's thread starts, so that the allocator can be set up for
    // the command first (a global flag may come before the command's name).
    let cli = Cli::parse();
    if matches!(cli.command, Command::Train(_)) {
        give_back_freed_memory_at_once();
    }
    // Log lines collect in memory and a background thread writes them every 50 ms, so a request
    // costs no write and no thread wake-up (ml_workflow::logging); the guard writes the rest.
    let (log_writer, log_guard) = match logging::batched_stderr() {
        Ok((writer, guard)) => (BoxMakeWriter::new(writer), Some(guard)),
        Err(_) => (BoxMakeWriter::new(std::io::stderr), None),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_writer(log_writer)
        .with_env_filter(filter);
    match cli.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().with_current_span(false).init(),
    }
    let result = run(cli);
    drop(log_guard); // the log lines before the error message
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", chain_message(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to stdout; a closed pipe is an error that `main` ends on quietly, where
/// `println!` would panic.
fn emit(text: impl Display) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Datasets { json } => datasets(json)?,
        Command::Describe {
            source,
            sep,
            include,
            json,
        } => {
            let df = load_source(&source, sep.unwrap_or(Separator::Sniff))?;
            match (include.as_str(), json) {
                ("all", true) => emit(format_args!("{}\n", describe_all(&df)?.to_json()))?,
                ("all", false) => emit(describe_all(&df)?)?,
                (_, true) => emit(format_args!("{}\n", describe(&df)?.to_json()))?,
                (_, false) => emit(describe(&df)?)?,
            }
        }
        Command::Train(args) => train(args)?,
        Command::Predict {
            model,
            input,
            format,
            output_format,
        } => predict(&model, &input, format, output_format)?,
        Command::Serve(args) => serve::serve(&args)?,
    }
    Ok(())
}

/// The training configuration: the dataset's preset (or CSV defaults) with the flags applied.
fn train_config(args: &TrainArgs) -> anyhow::Result<TrainConfig> {
    let mut config = match (&args.dataset, &args.target) {
        (Some(name), None) => datasets::preset(name)?,
        (Some(name), Some(target)) => {
            datasets::lookup(name)?;
            TrainConfig::for_target(target)
        }
        (None, Some(target)) => TrainConfig::for_target(target),
        (None, None) => anyhow::bail!("give --dataset NAME or --csv FILE --target COLUMN"),
    };
    if let Some(features) = &args.features {
        config.features = features.clone();
    }
    config.drop.extend(args.drop.iter().cloned());
    if let Some(max) = args.max_categories {
        config.max_categories = max;
    }
    if let Some(model) = &args.model {
        config.model = model.clone();
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
    for entry in &args.params {
        let (key, value) = param_entry(entry)?;
        config.model.set(key, value)?;
        if let Some(fixed) = config.final_params.as_mut().filter(|f| f.contains_key(key)) {
            fixed.insert(key.to_string(), value);
        }
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

/// `KEY=VALUE` of `--param`: a number, or `true`/`false` (as 1 and 0).
fn param_entry(entry: &str) -> anyhow::Result<(&str, f64)> {
    let Some((key, value)) = entry.split_once('=') else {
        anyhow::bail!("--param {entry:?}: expected KEY=VALUE, such as max_iter=300");
    };
    let value = match value.trim() {
        "true" | "True" => 1.0,
        "false" | "False" => 0.0,
        v => v
            .parse()
            .with_context(|| format!("--param {entry:?}: {v:?} is not a number"))?,
    };
    Ok((key.trim(), value))
}

fn train(args: TrainArgs) -> anyhow::Result<()> {
    let config = train_config(&args)?;
    let progress = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} fold fits [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_message("cross-validation");
    let (report, name, sha256) = match (&args.dataset, &args.csv) {
        (Some(name), _) => {
            let spec = datasets::dataset(name)?;
            let path = Cache::new(ingest::data_dir())
                .with_progress(true)
                .fetch(&spec)?;
            let df = ingest::read_dataset_file(&spec, &path)?;
            (
                pipeline::train_owned(df, &config, Some(&progress))?,
                spec.name.to_string(),
                spec.sha256.to_string(),
            )
        }
        (None, Some(csv)) => {
            let sep = args.sep.unwrap_or(Separator::Sniff);
            // The file's digest (for the artifact's provenance) is computed beside the training.
            let (sha, report) = std::thread::scope(|scope| {
                let sha = scope.spawn(|| ingest::sha256_file(csv));
                let report = if binned::binned_spec(&config)?.is_some() {
                    // Histogram boosting reads the file straight into bins (a large one streamed).
                    let mut source = ingest::CsvColumns::open(csv, sep)?;
                    binned::train_binned(&mut source, &config)
                } else {
                    let df = ingest::read_csv_with(csv, sep)?;
                    pipeline::train_owned(df, &config, Some(&progress))
                };
                Ok::<_, ml_workflow::Error>((sha.join(), report))
            })?;
            let sha = sha.map_err(|_| anyhow::anyhow!("hashing {} failed", csv.display()))??;
            (report?, csv.display().to_string(), sha)
        }
        (None, None) => anyhow::bail!("give --dataset NAME or --csv FILE --target COLUMN"),
    };
    progress.finish_and_clear();

    let mut artifact = Artifact::from_report(&report, &name, &sha256)
        .with_identity(args.name.as_deref(), args.model_version.as_deref())?;
    if args.timestamp {
        artifact = artifact.stamped();
    }
    let out = if args.no_save {
        None
    } else {
        let path = args
            .out
            .clone()
            .unwrap_or_else(|| default_artifact_path(&name));
        artifact.save(&path)?;
        Some(path)
    };
    let saved = Saved {
        name: &artifact.name,
        version: &artifact.version,
        path: out.as_deref(),
    };
    if args.json {
        emit(format_args!("{}\n", train_json(&report, &name, &saved)))
    } else {
        emit(train_text(&report, &name, &saved))
    }
}

/// `models/<dataset>.json`, or `models/<file stem>.json` for a CSV.
fn default_artifact_path(name: &str) -> PathBuf {
    let stem = Path::new(name)
        .file_stem()
        .map_or_else(|| "model".into(), |s| s.to_string_lossy());
    PathBuf::from(format!("models/{stem}.json"))
}

/// What was written: the model's identity and where.
struct Saved<'a> {
    name: &'a str,
    version: &'a str,
    path: Option<&'a Path>,
}

fn train_json(report: &TrainReport, name: &str, saved: &Saved) -> serde_json::Value {
    let best = report.search.best_result();
    // Grid values print as the parameter's type: `"n_estimators": 200`, `"alpha": 0.5`.
    let typed = |params: &ParamSet| report.search.best.typed_params(params);
    let cv: Vec<serde_json::Value> = report
        .search
        .results
        .iter()
        .map(|r| {
            serde_json::json!({
                "params": typed(&r.params),
                "mean_mse": r.mean_mse,
                "std_mse": r.std_mse,
                "fold_mse": r.fold_mse,
            })
        })
        .collect();
    serde_json::json!({
        "dataset": name,
        "target": report.config.target,
        "features": report.features,
        "inputs": report.preprocessor.columns,
        "model": report.final_spec.name(),
        "folds": report.config.folds,
        "rows": { "train": report.rows_train, "test": report.rows_test },
        "cv": cv,
        "best": best.map(|b| typed(&b.params)),
        "best_cv": best.map(|b| serde_json::json!({ "mean_mse": b.mean_mse, "std_mse": b.std_mse })),
        "final": report.final_spec.params(),
        "final_override": report.final_override().map(|p| typed(&p)),
        "test": report.test,
        "seconds": { "cv": report.seconds_cv, "fit": report.seconds_fit },
        "artifact": saved.path,
        "name": saved.name,
        "version": saved.version,
    })
}

fn train_text(report: &TrainReport, name: &str, saved: &Saved) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let inputs = report.preprocessor.input_names();
    let _ = writeln!(
        t,
        "{name}: {} predicted from {} ({} training rows, {} held out)",
        report.config.target,
        inputs.join(", "),
        report.rows_train,
        report.rows_test
    );
    if inputs != report.features {
        let _ = writeln!(
            t,
            "  encoded as {} features: {}",
            report.features.len(),
            report.features.join(", ")
        );
    }
    if report.config.folds == 0 {
        let _ = writeln!(
            t,
            "\nno cross-validation (--folds 0): one fit on the training rows"
        );
    } else {
        let _ = writeln!(
            t,
            "\n{}-fold cross-validation of {} ({:.2} s):",
            report.config.folds, report.search.model, report.seconds_cv
        );
        let _ = write!(t, "{}", report.search.table());
    }
    let _ = writeln!(
        t,
        "\nfinal model: {} {} ({:.3} s)",
        report.final_spec.name(),
        report.final_spec.params(),
        report.seconds_fit
    );
    if let Some(fixed) = report.final_override() {
        let _ = writeln!(
            t,
            "  {} as the preset sets it (the chapter's choice), not the search's best {}; \
             give --grid or --model to refit the best setting, as GridSearchCV(refit=True) does",
            format_params(&fixed),
            report
                .search
                .best_result()
                .map(|b| format_params(&b.params))
                .unwrap_or_default()
        );
    }
    if let Some(evaluation) = &report.evaluation {
        let _ = write!(
            t,
            "\nheld-out evaluation:\n{}{}",
            evaluation.metrics_table(),
            evaluation.head(5)
        );
    }
    if let Some(path) = saved.path {
        let _ = writeln!(
            t,
            "\nmodel artifact: {} (name {}, version {})",
            path.display(),
            saved.name,
            saved.version
        );
    }
    t
}

/// `--sep`: a CSV separator by name or character.
fn separator(text: &str) -> std::result::Result<Separator, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(Separator::Byte(b'\t')),
        "whitespace" | "\\s+" => Ok(Separator::Whitespace),
        one if one.len() == 1 && one.is_ascii() => Ok(Separator::Byte(one.as_bytes()[0])),
        other => Err(format!(
            "{other:?}: give one character such as , or ;, or tab, or whitespace"
        )),
    }
}

/// How `predict` reads its rows.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InputFormat {
    Json,
    Csv,
}

/// How `predict` prints its answer.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Json,
    Csv,
}

fn predict(
    model: &ModelFile,
    input: &str,
    format: Option<InputFormat>,
    output: OutputFormat,
) -> anyhow::Result<()> {
    let artifact = model.load()?;
    let format = format.unwrap_or(if input.to_ascii_lowercase().ends_with(".csv") {
        InputFormat::Csv
    } else {
        InputFormat::Json
    });
    let mut body = Vec::new();
    if input == "-" {
        std::io::stdin()
            .read_to_end(&mut body)
            .context("reading the payload from stdin")?;
    } else {
        body = std::fs::read(input).with_context(|| format!("reading the payload {input}"))?;
    }
    let prediction = match format {
        InputFormat::Json => serving::predict(&artifact, &body)?,
        InputFormat::Csv => serving::predict_csv(&artifact, &body)?,
    };
    match output {
        OutputFormat::Json => emit(format_args!("{}\n", serde_json::to_string(&prediction)?)),
        OutputFormat::Csv => {
            let mut text = String::from("prediction\n");
            for value in &prediction.prediction {
                text.push_str(&format!("{value}\n"));
            }
            emit(text)
        }
    }
}

/// A registered dataset by name, else a CSV file by path.
fn load_source(source: &str, sep: Separator) -> Result<DataFrame> {
    match datasets::dataset(source) {
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
        Err(_) => ingest::read_csv_with(PathBuf::from(source), sep),
    }
}

fn datasets(json: bool) -> anyhow::Result<()> {
    let cache = Cache::new(ingest::data_dir());
    let mut rows = Vec::new();
    for spec in datasets::datasets() {
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
        emit(format_args!(
            "{}\n",
            serde_json::json!({ "cache": cache.dir(), "datasets": list })
        ))?;
    } else {
        let mut text = format!("cache: {}\n", cache.dir().display());
        for (s, state) in rows {
            text.push_str(&format!("{:<16} {:<22} {}\n", s.name, state, s.description));
        }
        emit(text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
