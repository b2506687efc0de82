//! `ml-workflow describe`: pandas' describe table of a dataset or a CSV, as text or JSON.

use std::path::{Path, PathBuf};

use ml_workflow::datasets;
use ml_workflow::eda::{describe, describe_all};
use ml_workflow::ingest::csv::CsvReader;
use ml_workflow::ingest::{self, Cache};
use ml_workflow::{Error, Result};
use polars::prelude::DataFrame;

use super::args::CsvOptions;
use super::output::emit;

/// `describe`'s flags.
#[derive(clap::Args)]
pub(crate) struct DescribeArgs {
    /// A dataset name (see `datasets`) or a path to a CSV file with a header.
    source: String,
    #[command(flatten)]
    csv: CsvOptions,
    /// `all` adds the text and boolean columns (count, unique, top, freq), as pandas'
    /// `describe(include="all")`.
    #[arg(long, value_parser = ["numeric", "all"], default_value = "numeric")]
    include: String,
    /// Print `df.describe().to_json()` instead of a table.
    #[arg(long)]
    json: bool,
}

/// Prints the describe table.
pub(crate) fn run(args: &DescribeArgs) -> anyhow::Result<()> {
    let df = load_source(&args.source, args.csv.reader())?;
    for warning in ingest::text_column_warnings(&df) {
        tracing::warn!("{warning}");
    }
    match (args.include.as_str(), args.json) {
        ("all", true) => emit(format_args!("{}\n", describe_all(&df)?.to_json())),
        ("all", false) => emit(describe_all(&df)?),
        (_, true) => emit(format_args!("{}\n", describe(&df)?.to_json())),
        (_, false) => emit(describe(&df)?),
    }
}

/// A registered dataset by name, else a CSV file by path.
fn load_source(source: &str, reader: CsvReader) -> Result<DataFrame> {
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
        Err(_) => reader.read(PathBuf::from(source)),
    }
}
