//! Flags more than one command takes: the saved model to read, and a CSV's separator.

use std::path::PathBuf;

use ml_workflow::ingest::csv::Separator;
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
