//! `ml-workflow`: the notebooks' workflow from the command line (see `--help`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ml_workflow::eda::describe;
use ml_workflow::ingest::{self, Cache, CacheState};
use ml_workflow::{Error, Result};
use polars::prelude::DataFrame;

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
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(Cli::parse()) {
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
    }
    Ok(())
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
