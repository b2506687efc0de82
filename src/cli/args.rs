//! Flags more than one command takes: the saved model to read, and how to read a CSV.

use std::path::PathBuf;

use ml_workflow::ingest::csv::{CsvReader, Separator};
use ml_workflow::serving::{artifact, Artifact};
use ml_workflow::Result;

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
    /// Reads the artifact, refusing a file over the size cap before reading it.
    pub(crate) fn load(&self) -> Result<Artifact> {
        Artifact::load_limited(&self.model, self.max_model_bytes)
    }
}

/// `--sep`: a CSV separator by name or character.
pub(crate) fn separator(text: &str) -> std::result::Result<Separator, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(Separator::Byte(b'\t')),
        "whitespace" | "\\s+" => Ok(Separator::Whitespace),
        one if one.len() == 1 && one.is_ascii() => Ok(Separator::Byte(one.as_bytes()[0])),
        other => Err(format!(
            "{other:?}: give one character such as , or ;, or tab, or whitespace"
        )),
    }
}

/// How to read a CSV, as `describe`, `train` and `predict` all take it (pandas' `sep`,
/// `na_values` and `decimal`).
#[derive(clap::Args, Clone, Default)]
pub(crate) struct CsvOptions {
    /// The CSV's separator: `,` `;` `tab`, any one character, or `whitespace` (runs of spaces)
    /// [default: sniffed from the header line].
    #[arg(long, value_parser = separator)]
    pub(crate) sep: Option<Separator>,
    /// More missing-value markers beside pandas' defaults (empty, NA, NaN, null, ...), comma
    /// separated: `--na-values '?,-999'`.
    #[arg(long, value_delimiter = ',', value_name = "MARKERS")]
    pub(crate) na_values: Vec<String>,
    /// The decimal mark of numbers: `.` or `,` (`1,5` with `--sep ';'`).
    #[arg(long, value_parser = decimal, default_value = ".")]
    pub(crate) decimal: u8,
}

impl CsvOptions {
    /// The reader these flags describe.
    pub(crate) fn reader(&self) -> CsvReader {
        CsvReader::new()
            .separator(self.sep.unwrap_or(Separator::Sniff))
            .na_values(&self.na_values)
            .decimal(self.decimal)
    }
}

/// `--decimal`: `.` or `,`.
fn decimal(text: &str) -> std::result::Result<u8, String> {
    match text {
        "." => Ok(b'.'),
        "," => Ok(b','),
        other => Err(format!("{other:?}: give . or ,")),
    }
}
