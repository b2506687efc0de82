//! Ingest: registered datasets from a checksummed local cache ([`cache`]), and CSV files
//! ([`csv`]).
//!
//! Like seaborn's `load_dataset` or scikit-learn's `fetch_*`, [`load_dataset`] reads a cached
//! file without touching the network and downloads it on first use. A cached file whose
//! SHA-256 differs from the registry's is an error, never silently used.

pub mod by_columns;
pub mod cache;
pub mod column_checks;
pub mod csv;

use std::path::Path;

use polars::prelude::DataFrame;

pub use by_columns::CsvColumns;
pub use cache::{data_dir, sha256_bytes, sha256_file, Cache, CacheState, DATA_DIR_ENV};
pub use column_checks::{category_warnings, text_column_warnings};
pub use csv::{CsvReader, Separator};

use crate::datasets::{dataset, DatasetSpec, Format};
use crate::error::Result;

/// Loads a registered dataset as a DataFrame, from the cache or (on a miss) its URL.
///
/// ```
/// // Reads the cache (ML_WORKFLOW_DATA or the user's cache folder); downloads on a miss.
/// let df = ml_workflow::ingest::load_dataset("height-weight")?;
/// assert_eq!(df.shape(), (25_000, 3));
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn load_dataset(name: &str) -> Result<DataFrame> {
    let spec = dataset(name)?;
    let path = Cache::new(data_dir()).fetch(&spec)?;
    read_dataset_file(&spec, &path)
}

/// Reads a CSV file with a header, as `pandas.read_csv(path)` does: [`CsvReader`] with every
/// option at its default (see [`csv`] for the types columns get).
pub fn read_csv(path: impl AsRef<Path>) -> Result<DataFrame> {
    CsvReader::new().read(path)
}

/// Reads (streams) a dataset file laid out as `spec` says.
pub fn read_dataset_file(spec: &DatasetSpec, path: &Path) -> Result<DataFrame> {
    match spec.format {
        Format::Csv => read_csv(path),
        Format::Whitespace => CsvReader::new()
            .separator(Separator::Whitespace)
            .names(&spec.columns)
            .read(path),
    }
}
