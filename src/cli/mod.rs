//! The command line (clap): the global flags and one module per command, each with its flags,
//! its run and the formatting of what it prints. `args` holds the flags several commands take,
//! `output` the one way they write to stdout.

mod args;
mod classifier_output;
mod dataset_list;
mod describe;
mod output;
mod predict;
mod serve;
mod train;
mod train_output;

use clap::{Parser, Subcommand};

/// The command line.
#[derive(Parser)]
#[command(
    name = "ml-workflow",
    version,
    about = "Machine learning run as DevOps: datasets, EDA, training and a prediction server"
)]
pub(crate) struct Cli {
    /// Log lines as text for people, or one JSON object per line for log shippers.
    #[arg(
        long,
        global = true,
        value_enum,
        env = "ML_WORKFLOW_LOG_FORMAT",
        default_value = "text"
    )]
    pub(crate) log_format: LogFormat,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// How log lines are written.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

/// The commands.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// List the registered datasets and whether each is cached.
    Datasets(dataset_list::DatasetsArgs),
    /// pandas-style describe table of a dataset (by name) or a CSV file (by path).
    Describe(describe::DescribeArgs),
    /// Cross-validated grid search, final fit, held-out evaluation, and the model artifact.
    ///
    /// `--dataset NAME` runs the dataset's preset (boston-housing: the chapter's pipeline as it
    /// is); `--csv FILE --target COL` runs the same steps on a CSV of your own (numbers, text,
    /// booleans, gaps): by default hist-gbm (scikit-learn's defaults), 5 folds, 20 % held out,
    /// seed 0. Flags given override the preset or these defaults.
    #[command(after_long_help = train::model_parameters())]
    Train(Box<train::TrainArgs>),
    /// Predict with a saved model for a pandas-JSON DataFrame read from a file or stdin.
    ///
    /// The rows come as pandas JSON (any `DataFrame.to_json` orient, or MLflow's wrappers) or
    /// as CSV with a header row, as `mlflow models predict -t csv` takes them.
    Predict(predict::PredictArgs),
    /// Explain a saved model's predictions for rows read as `predict` reads them: exact SHAP
    /// values per input column and per encoded feature, with the base value they add up from
    /// (the regression tree, gradient boosting and histogram boosting so far).
    Explain(predict::RowsArgs),
    /// Serve a saved model over HTTP (POST /predict, GET /health/live, /health/ready, /model,
    /// /metrics), with timeouts, connection and concurrency caps, and a drain on SIGTERM.
    Serve(serve::ServeArgs),
}

/// Runs the command.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Datasets(args) => dataset_list::run(&args),
        Command::Describe(args) => describe::run(&args),
        Command::Train(args) => train::run(*args),
        Command::Predict(args) => predict::run(&args),
        Command::Explain(args) => predict::explain(&args),
        Command::Serve(args) => serve::serve(&args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
