//! One error type for the crate; every message names the column, row, value or file at fault.

use std::path::PathBuf;

/// Everything that can go wrong in the workflow, from ingest to serving.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dataset name that is not in the registry.
    #[error("unknown dataset {name:?}; known datasets: {known}")]
    UnknownDataset {
        /// The name asked for.
        name: String,
        /// The registry's names, comma separated.
        known: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A dataset is not cached and could not be downloaded.
    #[error(
        "dataset {name:?} is not in the cache and could not be downloaded from {url} ({reason}); \
         put the file at {} (SHA-256 {sha256}) or set ML_WORKFLOW_DATA to a folder that holds {}",
        path.display(),
        path.file_name().map(|f| f.to_string_lossy()).unwrap_or_default()
    )]
    Unavailable {
        /// Dataset name.
        name: String,
        /// Where it was fetched from.
        url: String,
        /// Why the download failed.
        reason: String,
        /// Where the file is expected.
        path: PathBuf,
        /// Its expected SHA-256.
        sha256: String,
    },
    /// A file's SHA-256 differs from the expected one.
    #[error("checksum mismatch for {}: expected SHA-256 {expected}, got {actual}{hint}", path.display())]
    Checksum {
        /// The file (or URL) checked.
        path: PathBuf,
        /// The expected digest.
        expected: String,
        /// The digest found.
        actual: String,
        /// What to do about it.
        hint: String,
    },
    /// A CSV or data file that cannot be parsed; names the line and column.
    #[error("{source_name}, line {line}{}: {message}", column.as_ref().map(|c| format!(", column {c:?}")).unwrap_or_default())]
    Parse {
        /// File name or description of the input.
        source_name: String,
        /// 1-based line number in the file.
        line: usize,
        /// The column, when one is at fault.
        column: Option<String>,
        /// What was wrong.
        message: String,
    },
    /// A column that is not in the frame (with the closest column's name when one is close).
    #[error(
        "column {name:?} not found{}; the columns are: {available}",
        did_you_mean(name, available)
    )]
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The frame's columns, comma separated.
        available: String,
    },
    /// A column that must be numeric and is not, or holds missing values.
    #[error("column {column:?}: {message}")]
    BadColumn {
        /// The column at fault.
        column: String,
        /// What was wrong.
        message: String,
    },
    /// An argument or parameter out of its range.
    #[error("invalid {what}: {message}")]
    Invalid {
        /// The argument or parameter.
        what: String,
        /// What was wrong and what is allowed.
        message: String,
    },
    /// A model failed to fit or predict.
    #[error("model {model}: {source}")]
    Model {
        /// The model's name (or the step, e.g. `artifact`).
        model: String,
        /// What went wrong, kept as the cause.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// Writing or reading JSON (the model artifact) failed.
    #[error("{what}: {source}")]
    Json {
        /// What was being written or read.
        what: String,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// Drawing a chart failed.
    #[error("plot {title:?}: {message}")]
    Plot {
        /// The chart's title.
        title: String,
        /// What went wrong.
        message: String,
    },
    /// An error from polars.
    #[error(transparent)]
    Polars(#[from] polars::error::PolarsError),
}

/// The message of `error` and of each cause in its chain that the message does not already
/// quote: `Io` and `Model` errors print their cause in their own text, so printing the chain
/// as it is (anyhow's `{:#}`) would say "No such file or directory" twice.
pub fn chain_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = c.source();
    }
    message
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An `Invalid` error for the argument `what`.
    pub fn invalid(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            what: what.into(),
            message: message.into(),
        }
    }

    /// A `Model` error for the model `model`, caused by `source` (an error, or a message).
    pub fn model(
        model: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Error::Model {
            model: model.into(),
            source: source.into(),
        }
    }

    /// An `Io` error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// `; did you mean "x"?` when one of the comma-separated `available` names is close to `name`.
fn did_you_mean(name: &str, available: &str) -> String {
    let candidates: Vec<&str> = available.split(", ").collect();
    crate::table::names::suggest(name, &candidates)
        .map(|close| format!("; did you mean {close:?}?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_column_names_the_close_one() {
        let err = Error::MissingColumn {
            name: "Hwy".into(),
            available: "displ, hwy, cty".into(),
        };
        assert_eq!(
            err.to_string(),
            "column \"Hwy\" not found; did you mean \"hwy\"?; the columns are: displ, hwy, cty"
        );
        let far = Error::MissingColumn {
            name: "price".into(),
            available: "displ, hwy".into(),
        };
        assert!(!far.to_string().contains("did you mean"), "{far}");
    }
}
