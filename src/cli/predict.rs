//! `ml-workflow predict`: a saved model's predictions for rows read from a file or stdin.

use std::io::Read;

use anyhow::Context;
use ml_workflow::serving;

use super::args::{CsvOptions, ModelFile};
use super::output::emit;

/// `predict`'s flags: the rows come as pandas JSON (any `DataFrame.to_json` orient, or MLflow's
/// wrappers) or as CSV with a header row, as `mlflow models predict -t csv` takes them.
#[derive(clap::Args)]
pub(crate) struct PredictArgs {
    #[command(flatten)]
    rows: RowsArgs,
    /// How to print the predictions: json (`{"prediction": [...]}`) or csv (a header
    /// `prediction`, then one value per row).
    #[arg(long, value_enum, default_value = "json")]
    output_format: OutputFormat,
}

/// The model and the rows it is asked about (`predict` and `explain`).
#[derive(clap::Args)]
pub(crate) struct RowsArgs {
    #[command(flatten)]
    model: ModelFile,
    /// The rows: a file, or `-` (the default) for stdin.
    #[arg(long, default_value = "-")]
    input: String,
    /// The input's format [default: csv for a file ending in .csv, .tsv or .txt, or when
    /// --sep is given; else json].
    #[arg(long, value_enum)]
    format: Option<InputFormat>,
    /// How a CSV input is read, as `train` and `describe` read it.
    #[command(flatten)]
    csv: CsvOptions,
}

impl RowsArgs {
    /// The saved model and the rows as a request frame.
    pub(crate) fn load(&self) -> anyhow::Result<(serving::Artifact, serving::Frame)> {
        let input = self.input.as_str();
        let artifact = self.model.load()?;
        let lower = input.to_ascii_lowercase();
        let tabular = [".csv", ".tsv", ".txt"].iter().any(|e| lower.ends_with(e));
        let format = self.format.unwrap_or(if tabular || self.csv.sep.is_some() {
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
        let frame = match format {
            InputFormat::Json => serving::payload::parse(&body, &artifact.features)?,
            // The reader `train` and `describe` use: the same separators, gaps and types.
            InputFormat::Csv => serving::csv_rows(&self.csv.reader().parse(&body, input)?)?,
        };
        Ok((artifact, frame))
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

/// Scores the rows and prints the predictions.
pub(crate) fn run(args: &PredictArgs) -> anyhow::Result<()> {
    let (artifact, frame) = args.rows.load()?;
    let prediction = serving::predict_frame(&artifact, &frame)?;
    match args.output_format {
        OutputFormat::Json => emit(format_args!("{}\n", serde_json::to_string(&prediction)?)),
        OutputFormat::Csv => emit(prediction_csv(&prediction)),
    }
}

/// Explains the rows' predictions and prints the explanation as JSON.
pub(crate) fn explain(args: &RowsArgs) -> anyhow::Result<()> {
    let (artifact, frame) = args.load()?;
    let explanation = serving::explain_frame(&artifact, &frame)?;
    emit(format_args!("{}\n", serde_json::to_string(&explanation)?))
}

/// The predictions as CSV: a `prediction` column (a classifier's label), and for a classifier
/// one `probability_<class>` column per class.
fn prediction_csv(prediction: &serving::Prediction) -> String {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => csv_field(s),
        other => other.to_string(),
    };
    let mut out = String::from("prediction");
    for class in prediction.classes.iter().flatten() {
        out.push(',');
        out.push_str(&csv_field(&format!(
            "probability_{}",
            text(class).trim_matches('"')
        )));
    }
    out.push('\n');
    let probabilities = prediction.probabilities.as_deref().unwrap_or(&[]);
    for (i, value) in prediction.values().iter().enumerate() {
        out.push_str(&text(value));
        for p in probabilities.get(i).into_iter().flatten() {
            out.push_str(&format!(",{p}"));
        }
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it holds a separator, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
