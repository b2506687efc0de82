//! `ml-workflow predict`: a saved model's predictions for rows read from a file or stdin.

use std::io::Read;

use anyhow::Context;
use ml_workflow::serving;

use super::args::ModelFile;
use super::output::emit;

/// `predict`'s flags: the rows come as pandas JSON (any `DataFrame.to_json` orient, or MLflow's
/// wrappers) or as CSV with a header row, as `mlflow models predict -t csv` takes them.
#[derive(clap::Args)]
pub(crate) struct PredictArgs {
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
    let (input, format, output) = (args.input.as_str(), args.format, args.output_format);
    let artifact = args.model.load()?;
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
