//! `ml-workflow train`: a dataset's preset or a CSV through the pipeline (search, final fit,
//! held-out evaluation), the artifact written, the report printed.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::builder::{PossibleValue, TypedValueParser};
use indicatif::{ProgressBar, ProgressStyle};
use ml_workflow::datasets;
use ml_workflow::ingest::{self, Cache};
use ml_workflow::modeling::hyperparams::ParamKind;
use ml_workflow::modeling::train::{self, FrameColumns, TrainConfig, Trained};
use ml_workflow::modeling::{Grid, ModelInfo, ModelSpec, Task, MODELS};
use ml_workflow::serving::{artifact, Artifact};
use ml_workflow::Result;

use super::args::CsvOptions;
use super::classifier_output::{classifier_json, classifier_text};
use super::output::emit;
use super::train_output::{param_text, train_json, train_text, Saved};

/// `train`'s flags.
#[derive(clap::Args)]
pub(crate) struct TrainArgs {
    /// A registered dataset, trained as its preset says (see `datasets`).
    #[arg(long, conflicts_with = "csv", required_unless_present = "csv")]
    dataset: Option<String>,
    /// A CSV with a header: numbers, text, booleans and gaps. Unless flags say otherwise it
    /// trains hist-gbm with 5 folds on 80 % of the rows and evaluates on the rest, seed 0 (a
    /// text or boolean target: logistic regression, stratified).
    #[arg(long, requires = "target")]
    csv: Option<PathBuf>,
    /// How the CSV is read.
    #[command(flatten)]
    csv_options: CsvOptions,
    /// The column to predict.
    #[arg(long)]
    target: Option<String>,
    /// What to predict [default: from the target: text or booleans are classified, numbers
    /// regressed]. `classification` classifies an integer target (0/1, grades).
    #[arg(long, value_enum)]
    task: Option<TaskArg>,
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
    #[arg(long, value_parser = ModelParser)]
    model: Option<ModelSpec>,
    /// A hyperparameter of the model, `KEY=VALUE` (repeatable): `--param max_iter=300`,
    /// `--param early_stopping=true`. It also overrides the preset's final fit.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// A grid entry, `KEY=V1,V2,...` or `KEY=START:STOP:STEP` (repeatable).
    #[arg(long = "grid", value_name = "KEY=VALUES")]
    grid: Vec<String>,
    /// What ranks a classifier's grid settings, as scikit-learn names it: accuracy,
    /// neg_log_loss, roc_auc (macro one-vs-rest for more than two classes),
    /// balanced_accuracy or f1_macro [default: accuracy].
    #[arg(long, value_name = "NAME")]
    scoring: Option<String>,
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

/// `--task`'s values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TaskArg {
    /// A class for each row, with each class's probability.
    Classification,
    /// A number for each row.
    Regression,
}

impl From<TaskArg> for Task {
    fn from(t: TaskArg) -> Task {
        match t {
            TaskArg::Classification => Task::Classification,
            TaskArg::Regression => Task::Regression,
        }
    }
}

/// The task a target's column asks for: classification for text or booleans, else
/// regression, with a hint when a whole-number target has few values (0/1, grades), which is
/// likely a class. For a CSV only its first rows are read (the whole file is read to train).
fn target_task(df: &polars::prelude::DataFrame, target: &str) -> (Task, Option<String>) {
    use polars::prelude::DataType;
    let Ok(column) = df.column(target) else {
        return (Task::Regression, None);
    };
    match column.dtype() {
        DataType::String | DataType::Boolean => (Task::Classification, None),
        dtype if dtype.is_integer() => {
            // Two values, or up to ten each on many rows (grades, ratings), look like classes.
            let distinct = column.n_unique().unwrap_or(usize::MAX);
            let rows = column.len();
            let classes_like = distinct <= 2 || (distinct <= 10 && rows >= 20 * distinct);
            let hint = classes_like.then(|| {
                format!(
                    "the target {target:?} holds whole numbers with only {distinct} distinct \
                     values: it is regressed; pass --task classification to classify it"
                )
            });
            (Task::Regression, hint)
        }
        _ => (Task::Regression, None),
    }
}

/// [`target_task`] on the first 256 KiB of `csv` (cut after its last whole line); regression
/// when that cannot be read (training then reads the file and says what is wrong).
fn csv_target_task(csv: &Path, options: &CsvOptions, target: &str) -> (Task, Option<String>) {
    use std::io::Read as _;
    let mut head = Vec::new();
    let read = std::fs::File::open(csv).and_then(|f| f.take(256 << 10).read_to_end(&mut head));
    if read.is_err() {
        return (Task::Regression, None);
    }
    if let Some(end) = head.iter().rposition(|&b| b == b'\n') {
        head.truncate(end + 1);
    }
    let reader = options.reader().columns(&[target.to_string()]);
    reader
        .parse(&head, &csv.display().to_string())
        .map_or((Task::Regression, None), |df| target_task(&df, target))
}

/// `--model`'s parser: the registry's names and aliases (listed in the help, each with its
/// description); an unknown name gets the registry's error, which suggests the closest model.
#[derive(Clone)]
struct ModelParser;

impl TypedValueParser for ModelParser {
    type Value = ModelSpec;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<ModelSpec, clap::Error> {
        let name = value.to_string_lossy();
        ModelSpec::from_name(&name).map_err(|e| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("--model: {e}\n"),
            )
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        // `tree` names a regressor and a classifier: listed once (the target picks which).
        let first = |m: &&ModelInfo| {
            MODELS.iter().find(|o| o.name == m.name).map(|o| o.task) == Some(m.task)
        };
        Some(Box::new(MODELS.iter().filter(first).map(|m| {
            PossibleValue::new(m.name)
                .help(m.description)
                .aliases(m.aliases.iter().copied())
        })))
    }
}

/// `train --help`'s list of every model's parameters, from the registry: name, type, default
/// and what it does.
pub(crate) fn model_parameters() -> String {
    let mut text = String::from(
        "Model parameters (--param KEY=VALUE, with true/false for a flag and none for an \
         optional one; --grid KEY=V1,V2 or KEY=START:STOP:STEP, true/false as 1/0):",
    );
    for model in MODELS {
        let defaults = (model.defaults)().params();
        let params: Vec<String> = model
            .params
            .iter()
            .filter(|p| p.kind != ParamKind::Seed)
            .map(|p| {
                let default = defaults.get(p.name).map_or("none".into(), param_text);
                let aliases = if p.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also {})", p.aliases.join(", "))
                };
                format!(
                    "    {}{aliases}: {}, default {default}. {}",
                    p.name,
                    p.kind.label(),
                    p.help.trim()
                )
            })
            .collect();
        let task = match model.task {
            Task::Regression => "",
            Task::Classification => ", for a text or boolean target",
        };
        text.push_str(&format!(
            "\n\n  {} ({}{task})",
            model.name, model.description
        ));
        if params.is_empty() {
            text.push_str("\n    no parameters");
        } else {
            text.push('\n');
            text.push_str(&params.join("\n"));
        }
    }
    text
}

/// The training configuration: the dataset's preset (or CSV defaults) with the flags applied.
fn train_config(args: &TrainArgs, task: Task) -> anyhow::Result<TrainConfig> {
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
    if task == Task::Classification {
        // `tree` names a regressor and a classifier; without --model, a preset's classifier
        // or logistic regression.
        let preset_classifies = config.model.task() == task;
        config.model = match &args.model {
            Some(model) => model.clone().for_task(task)?,
            None if preset_classifies => config.model.clone(),
            None => "logistic".parse()?,
        };
        if !preset_classifies {
            config.final_params = None;
            config.grid = Grid::default();
        }
        if let Some(scoring) = &args.scoring {
            config.scoring = scoring.parse()?;
        }
    } else {
        if config.model.task() != task {
            config.model = config.model.clone().for_task(task)?;
        }
        if let Some(scoring) = &args.scoring {
            anyhow::bail!(
                "--scoring {scoring}: it ranks a classifier's settings; a regressor's grid is \
                 ranked by the mean squared error"
            );
        }
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
        let (key, text) = param_entry(entry)?;
        config.model.set_text(key, text)?;
        if let Some(fixed) = config.final_params.as_mut().filter(|f| f.contains_key(key)) {
            // The preset's final fit takes the value too (numbers and flags only).
            let value = match config.model.params().get(key) {
                Some(serde_json::Value::Bool(flag)) => f64::from(u8::from(*flag)),
                Some(value) => value.as_f64().with_context(|| {
                    format!("--param {entry:?}: the preset's final fit needs a number")
                })?,
                None => continue,
            };
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

/// `KEY=VALUE` of `--param` (the value is checked against the parameter's type when set: a
/// number, `true`/`false`, or `none` for an optional one).
fn param_entry(entry: &str) -> anyhow::Result<(&str, &str)> {
    let Some((key, value)) = entry.split_once('=') else {
        anyhow::bail!("--param {entry:?}: expected KEY=VALUE, such as max_iter=300");
    };
    Ok((key.trim(), value.trim()))
}

/// Trains, evaluates, saves the artifact and prints the report.
pub(crate) fn run(args: TrainArgs) -> anyhow::Result<()> {
    let csv = &args.csv_options;
    if args.dataset.is_some()
        && (csv.sep.is_some() || !csv.na_values.is_empty() || csv.decimal != b'.')
    {
        anyhow::bail!(
            "--sep, --na-values and --decimal say how to read a --csv file; a --dataset is read \
             as its registry entry says"
        );
    }
    // Nothing is drawn until the training road sets the number of fold fits (no "0/0" first,
    // and no bar at all with --folds 0).
    let progress = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("cross-validation {bar:30} {pos}/{len} fold fits [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (trained, name, sha256, hint) = match (&args.dataset, &args.csv) {
        (Some(name), _) => {
            let spec = datasets::dataset(name)?;
            let path = Cache::new(ingest::data_dir())
                .with_progress(true)
                .fetch(&spec)?;
            let df = ingest::read_dataset_file(&spec, &path)?;
            // The preset's target unless --target names another.
            let target = match &args.target {
                Some(target) => target.clone(),
                None => datasets::preset(name)?.target,
            };
            let (task, hint) = match args.task {
                Some(task) => (task.into(), None),
                None => target_task(&df, &target),
            };
            let config = train_config(&args, task)?;
            let mut source = FrameColumns::new(df);
            (
                train::train_source(&mut source, &config, Some(&progress))?,
                spec.name.to_string(),
                spec.sha256.to_string(),
                hint,
            )
        }
        (None, Some(csv)) => {
            let target = args.target.clone().unwrap_or_default();
            let (task, hint) = match args.task {
                Some(task) => (task.into(), None),
                None => csv_target_task(csv, &args.csv_options, &target),
            };
            let config = train_config(&args, task)?;
            // The file's digest (for the artifact's provenance) is computed beside the training.
            let (sha, trained) = std::thread::scope(|scope| {
                let sha = scope.spawn(|| ingest::sha256_file(csv));
                // The road decides how the file is read: whole, a few columns a pass, or
                // (histogram boosting on a large file) streamed into bins.
                let mut source = ingest::CsvColumns::open(csv, args.csv_options.reader())?;
                let trained = train::train_source(&mut source, &config, Some(&progress));
                Ok::<_, ml_workflow::Error>((sha.join(), trained))
            })?;
            let sha = sha.map_err(|_| anyhow::anyhow!("hashing {} failed", csv.display()))??;
            (trained?, csv.display().to_string(), sha, hint)
        }
        (None, None) => anyhow::bail!("give --dataset NAME or --csv FILE --target COLUMN"),
    };
    progress.finish_and_clear();
    let (preprocessor, spec, artifact) = match &trained {
        Trained::Regression(report) => (
            &report.preprocessor,
            &report.final_spec,
            Artifact::from_report(report, &name, &sha256),
        ),
        Trained::Classification(report) => (
            &report.preprocessor,
            &report.spec,
            Artifact::from_classifier_report(report, &name, &sha256),
        ),
    };
    let mut warnings = ingest::category_warnings(&preprocessor.columns);
    warnings.extend(hint);
    let mut artifact =
        artifact.with_identity(args.name.as_deref(), args.model_version.as_deref())?;
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
        warnings.extend(size_warning(&path, spec));
        Some(path)
    };
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    let saved = Saved {
        name: &artifact.name,
        version: &artifact.version,
        path: out.as_deref(),
    };
    let text = match (&trained, args.json) {
        (Trained::Regression(report), true) => {
            json_with(train_json(report, &name, &saved), &warnings)
        }
        (Trained::Classification(report), true) => {
            json_with(classifier_json(report, &name, &saved), &warnings)
        }
        (Trained::Regression(report), false) => train_text(report, &name, &saved),
        (Trained::Classification(report), false) => classifier_text(report, &name, &saved),
    };
    emit(text)
}

/// The `--json` object with its `warnings`, as one line.
fn json_with(mut json: serde_json::Value, warnings: &[String]) -> String {
    json["warnings"] = serde_json::json!(warnings);
    format!("{json}\n")
}

/// A warning when the artifact at `path` is over the size `predict` and `serve` load (their
/// `ML_WORKFLOW_MAX_MODEL_BYTES`, else 64 MiB), naming the settings of `spec` that shrink it.
fn size_warning(path: &Path, spec: &ModelSpec) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    let cap = std::env::var("ML_WORKFLOW_MAX_MODEL_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(artifact::DEFAULT_MAX_BYTES);
    if size <= cap {
        return None;
    }
    let shrink: Vec<&str> = ["max_depth", "min_samples_leaf", "n_estimators", "max_iter"]
        .into_iter()
        .filter(|p| spec.param(p).is_some())
        .collect();
    let how = if shrink.is_empty() {
        String::new()
    } else {
        format!("; smaller with {} (--param)", shrink.join(", "))
    };
    Some(format!(
        "the artifact {} is {}, {} over the {} that predict and serve load (raise it with \
         --max-model-bytes or ML_WORKFLOW_MAX_MODEL_BYTES){how}",
        path.display(),
        bytes(size),
        bytes(size - cap),
        bytes(cap)
    ))
}

/// A size as people read it: `674.2 MiB`, `1000 bytes`.
fn bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20))
    } else {
        format!("{n} bytes")
    }
}

/// `models/<dataset>.json`, or `models/<file stem>.json` for a CSV.
fn default_artifact_path(name: &str) -> PathBuf {
    let stem = Path::new(name)
        .file_stem()
        .map_or_else(|| "model".into(), |s| s.to_string_lossy());
    PathBuf::from(format!("models/{stem}.json"))
}
