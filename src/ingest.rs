//! Ingest: the dataset registry, a checksummed local cache with download on a miss, and CSV
//! parsing that copes with the real files' quirks (UTF-8 BOM, CRLF, no final newline,
//! whitespace-delimited files without a header).
//!
//! Like seaborn's `load_dataset` or scikit-learn's `fetch_*`, [`load_dataset`] reads a cached
//! file without touching the network and downloads it on first use. A cached file whose
//! SHA-256 differs from the registry's is an error, never silently used.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use polars::prelude::{Column, DataFrame, NamedFrom, Series};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Environment variable that points the dataset cache at another folder.
pub const DATA_DIR_ENV: &str = "ML_WORKFLOW_DATA";

/// How a dataset file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated with a header row.
    Csv,
    /// Runs of spaces or tabs between fields, no header; names come from the registry.
    Whitespace,
}

/// A dataset the crate knows: where it lives, its checksum and how to parse it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetSpec {
    /// Short name used by the CLI and notebooks (`height-weight`).
    pub name: String,
    /// File name in the cache.
    pub file: String,
    /// Public URL of the file.
    pub url: String,
    /// Expected SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// How the file is laid out.
    pub format: Format,
    /// Column names for header-less files (empty for files with a header).
    pub columns: Vec<String>,
    /// One line on what the data is.
    pub description: String,
}

impl DatasetSpec {
    fn builtin(
        name: &str,
        file: &str,
        url: &str,
        sha256: &str,
        format: Format,
        columns: &[&str],
        description: &str,
    ) -> Self {
        DatasetSpec {
            name: name.into(),
            file: file.into(),
            url: url.into(),
            sha256: sha256.into(),
            format,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            description: description.into(),
        }
    }
}

/// The Boston housing columns, in file order.
pub const BOSTON_COLUMNS: [&str; 14] = [
    "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B",
    "LSTAT", "MEDV",
];

/// The datasets in the registry.
pub fn datasets() -> Vec<DatasetSpec> {
    vec![
        DatasetSpec::builtin(
            "height-weight",
            "height-weight-25k.csv",
            "https://raw.githubusercontent.com/noahgift/regression-concepts/master/height-weight-25k.csv",
            "e179bd537471d395f39940aa879fca481846daac618269fcd6e3d91226921fdc",
            Format::Csv,
            &[],
            "25,000 heights (inches) and weights (pounds) of 18-year-olds",
        ),
        DatasetSpec::builtin(
            "boston-housing",
            "housing.csv",
            "https://raw.githubusercontent.com/noahgift/boston_housing_pickle/master/housing.csv",
            "baadf72995725d76efe787b664e1f083388c79ba21ef9a7990d87f774184735a",
            Format::Whitespace,
            &BOSTON_COLUMNS,
            "506 Boston census tracts, 1970: 13 features and the median home value MEDV ($1000s)",
        ),
    ]
}

/// Looks a dataset up by name.
pub fn dataset(name: &str) -> Result<DatasetSpec> {
    let all = datasets();
    all.iter()
        .find(|d| d.name == name)
        .cloned()
        .ok_or_else(|| Error::UnknownDataset {
            name: name.into(),
            known: all
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The cache folder: `ML_WORKFLOW_DATA` if set, else `data/` at the crate root.
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
    }
}

/// Loads a registered dataset as a DataFrame, from the cache or (on a miss) its URL.
pub fn load_dataset(name: &str) -> Result<DataFrame> {
    let spec = dataset(name)?;
    let path = Cache::new(data_dir()).fetch(&spec)?;
    read_dataset_file(&spec, &path)
}

/// Parses a dataset file laid out as `spec` says.
pub fn read_dataset_file(spec: &DatasetSpec, path: &Path) -> Result<DataFrame> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let source = path.display().to_string();
    match spec.format {
        Format::Csv => parse_csv(&bytes, &source),
        Format::Whitespace => parse_whitespace(&bytes, &spec.columns, &source),
    }
}

/// The state of a dataset in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    /// Not downloaded yet.
    Missing,
    /// Present and its checksum matches.
    Verified,
    /// Present but its checksum differs (it will be refused).
    Corrupt {
        /// The digest found.
        actual: String,
    },
}

/// A folder of downloaded datasets, each verified by SHA-256.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    progress: bool,
    timeout: Duration,
}

impl Cache {
    /// A cache in `dir` (created on first download).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache {
            dir: dir.into(),
            progress: false,
            timeout: Duration::from_secs(60),
        }
    }

    /// Shows a progress bar on stderr while downloading (the CLI turns it on).
    pub fn with_progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// Sets the whole-download timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The cache's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `spec`'s file lives in this cache.
    pub fn path(&self, spec: &DatasetSpec) -> PathBuf {
        self.dir.join(&spec.file)
    }

    /// Whether `spec`'s file is cached and intact.
    pub fn state(&self, spec: &DatasetSpec) -> Result<CacheState> {
        let path = self.path(spec);
        if !path.exists() {
            return Ok(CacheState::Missing);
        }
        let actual = sha256_file(&path)?;
        Ok(if actual == spec.sha256 {
            CacheState::Verified
        } else {
            CacheState::Corrupt { actual }
        })
    }

    /// Returns the path of `spec`'s verified file, downloading it on a cache miss.
    pub fn fetch(&self, spec: &DatasetSpec) -> Result<PathBuf> {
        let path = self.path(spec);
        match self.state(spec)? {
            CacheState::Verified => Ok(path),
            CacheState::Corrupt { actual } => Err(Error::Checksum {
                path: path.clone(),
                expected: spec.sha256.clone(),
                actual,
                hint: format!(
                    "; the cached file is not the published {}: delete it to download again",
                    spec.name
                ),
            }),
            CacheState::Missing => {
                self.download(spec, &path)?;
                Ok(path)
            }
        }
    }

    /// Downloads into a temporary file, verifies, then renames into place, so that
    /// an interrupted or corrupt download never leaves a file under the final name.
    fn download(&self, spec: &DatasetSpec, path: &Path) -> Result<()> {
        let unavailable = |reason: String| Error::Unavailable {
            name: spec.name.clone(),
            url: spec.url.clone(),
            reason,
            path: path.to_path_buf(),
            sha256: spec.sha256.clone(),
        };
        fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let partial = self
            .dir
            .join(format!(".{}.{}.part", spec.file, std::process::id()));
        let result = self.download_to(spec, &partial).map_err(|e| match e {
            DownloadError::Network(reason) => unavailable(reason),
            DownloadError::Local(e) => e,
        });
        let digest = match result {
            Ok(digest) => digest,
            Err(e) => {
                let _ = fs::remove_file(&partial);
                return Err(e);
            }
        };
        if digest != spec.sha256 {
            let _ = fs::remove_file(&partial);
            return Err(Error::Checksum {
                path: PathBuf::from(&spec.url),
                expected: spec.sha256.clone(),
                actual: digest,
                hint: "; the download was discarded and nothing was cached".into(),
            });
        }
        fs::rename(&partial, path).map_err(|e| Error::io(path, e))
    }

    /// Streams the URL into `dest`, hashing as it goes; returns the hex digest.
    fn download_to(&self, spec: &DatasetSpec, dest: &Path) -> Result<String, DownloadError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .build()
            .into();
        let mut response = agent
            .get(&spec.url)
            .call()
            .map_err(|e| DownloadError::Network(e.to_string()))?;
        let length = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let bar = self.progress_bar(&spec.file, length);
        let mut reader = response.body_mut().as_reader();
        let mut file =
            fs::File::create(dest).map_err(|e| DownloadError::Local(Error::io(dest, e)))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| DownloadError::Network(e.to_string()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])
                .map_err(|e| DownloadError::Local(Error::io(dest, e)))?;
            if let Some(bar) = &bar {
                bar.inc(n as u64);
            }
        }
        file.sync_all()
            .map_err(|e| DownloadError::Local(Error::io(dest, e)))?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Ok(hex(&hasher.finalize()))
    }

    fn progress_bar(&self, file: &str, length: Option<u64>) -> Option<indicatif::ProgressBar> {
        if !self.progress {
            return None;
        }
        let bar = match length {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::no_length(),
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} {bar:30} {bytes}/{total_bytes} ({bytes_per_sec})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(format!("downloading {file}"));
        Some(bar)
    }
}

enum DownloadError {
    Network(String),
    Local(Error),
}

/// SHA-256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads any comma-separated file with a header into a DataFrame.
///
/// Columns whose every cell is an integer become `Int64`, numeric ones `Float64` (empty,
/// `NA` and `NaN` cells are missing values), and columns whose first value is text become
/// `String`. A text cell in a numeric column or a row with the wrong number of fields is an
/// error naming the line and the column.
pub fn read_csv(path: impl AsRef<Path>) -> Result<DataFrame> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_csv(&bytes, &path.display().to_string())
}

/// Parses comma-separated bytes with a header; `source` names the input in errors.
pub fn parse_csv(bytes: &[u8], source: &str) -> Result<DataFrame> {
    let bytes = strip_bom(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let parse_error = |line: usize, message: String| Error::Parse {
        source_name: source.into(),
        line,
        column: None,
        message,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| parse_error(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.is_empty() || headers.iter().all(String::is_empty) {
        return Err(parse_error(1, "the file has no header row".into()));
    }
    check_unique(&headers, source)?;
    let mut columns = ColumnBuilder::new(&headers, source);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            parse_error(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        columns.push_row(line, record.iter())?;
    }
    columns.finish()
}

/// Parses a header-less file whose fields are separated by runs of spaces or tabs.
pub fn parse_whitespace(bytes: &[u8], names: &[String], source: &str) -> Result<DataFrame> {
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|e| Error::Parse {
        source_name: source.into(),
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count(),
        column: None,
        message: "the file is not valid UTF-8".into(),
    })?;
    let mut columns = ColumnBuilder::new(names, source);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        columns.push_row(i + 1, line.split_whitespace())?;
    }
    columns.finish()
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn check_unique(headers: &[String], source: &str) -> Result<()> {
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(Error::Parse {
                source_name: source.into(),
                line: 1,
                column: Some(h.clone()),
                message: "the header names this column twice".into(),
            });
        }
    }
    Ok(())
}

/// Accumulates cells column by column, inferring each column's type from its first value.
struct ColumnBuilder<'a> {
    names: &'a [String],
    source: &'a str,
    cells: Vec<Cells>,
}

enum Cells {
    Unknown(usize),
    Numeric {
        values: Vec<Option<f64>>,
        all_int: bool,
    },
    Text(Vec<String>),
}

fn is_missing(cell: &str) -> bool {
    matches!(cell, "" | "NA" | "N/A" | "NaN" | "nan" | "null" | "NULL")
}

impl<'a> ColumnBuilder<'a> {
    fn new(names: &'a [String], source: &'a str) -> Self {
        ColumnBuilder {
            names,
            source,
            cells: names.iter().map(|_| Cells::Unknown(0)).collect(),
        }
    }

    fn push_row<'c>(&mut self, line: usize, fields: impl Iterator<Item = &'c str>) -> Result<()> {
        let fields: Vec<&str> = fields.collect();
        if fields.len() != self.names.len() {
            let column = self.names.get(fields.len()).cloned();
            return Err(Error::Parse {
                source_name: self.source.into(),
                line,
                column,
                message: format!(
                    "expected {} fields, found {}",
                    self.names.len(),
                    fields.len()
                ),
            });
        }
        for (j, cell) in fields.into_iter().enumerate() {
            self.push_cell(line, j, cell)?;
        }
        Ok(())
    }

    fn push_cell(&mut self, line: usize, j: usize, cell: &str) -> Result<()> {
        let slot = &mut self.cells[j];
        if let Cells::Unknown(missing) = *slot {
            if is_missing(cell) {
                *slot = Cells::Unknown(missing + 1);
                return Ok(());
            }
            *slot = if cell.parse::<f64>().is_ok() {
                Cells::Numeric {
                    values: vec![None; missing],
                    all_int: true,
                }
            } else {
                Cells::Text(vec![String::new(); missing])
            };
        }
        match slot {
            Cells::Numeric { values, all_int } => {
                if is_missing(cell) {
                    values.push(None);
                    return Ok(());
                }
                let value = cell.parse::<f64>().map_err(|_| Error::Parse {
                    source_name: self.source.into(),
                    line,
                    column: Some(self.names[j].clone()),
                    message: format!("{cell:?} is not a number (the column's earlier values are)"),
                })?;
                *all_int &= cell.parse::<i64>().is_ok();
                values.push(Some(value));
            }
            Cells::Text(values) => values.push(cell.to_string()),
            Cells::Unknown(_) => unreachable!("resolved above"),
        }
        Ok(())
    }

    fn finish(self) -> Result<DataFrame> {
        let mut height = 0;
        let columns: Vec<Column> = self
            .names
            .iter()
            .zip(self.cells)
            .map(|(name, cells)| {
                let series = match cells {
                    Cells::Unknown(n) => Series::new(name.into(), vec![None::<f64>; n]),
                    Cells::Numeric { values, all_int }
                        if all_int && values.iter().all(Option::is_some) =>
                    {
                        let ints: Vec<i64> = values.iter().flatten().map(|v| *v as i64).collect();
                        Series::new(name.into(), ints)
                    }
                    Cells::Numeric { values, .. } => Series::new(name.into(), values),
                    Cells::Text(values) => Series::new(name.into(), values),
                };
                height = series.len();
                Column::from(series)
            })
            .collect();
        Ok(DataFrame::new(height, columns)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_and_no_final_newline() {
        let bytes =
            b"\xEF\xBB\xBFIndex,Height-Inches,Weight-Pounds\r\n1,65.78,112.99\r\n2,71.52,136.49";
        let df = parse_csv(bytes, "test.csv").unwrap();
        assert_eq!(df.shape(), (2, 3));
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(names, ["Index", "Height-Inches", "Weight-Pounds"]);
        let w = df.column("Weight-Pounds").unwrap().f64().unwrap();
        assert_eq!(w.get(1), Some(136.49));
        assert_eq!(df.column("Index").unwrap().i64().unwrap().get(0), Some(1));
    }

    #[test]
    fn whitespace_runs_and_leading_space() {
        let names: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let df = parse_whitespace(b" 0.1   2  3.5\n  4 5\t6\r\n", &names, "ws").unwrap();
        assert_eq!(df.shape(), (2, 3));
        assert_eq!(df.column("C").unwrap().f64().unwrap().get(0), Some(3.5));
        assert_eq!(df.column("B").unwrap().i64().unwrap().get(1), Some(5));
    }

    #[test]
    fn ragged_row_names_line_and_column() {
        let err = parse_csv(b"a,b,c\n1,2,3\n4,5\n", "bad.csv").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bad.csv, line 3"), "{msg}");
        assert!(msg.contains("column \"c\""), "{msg}");
        assert!(msg.contains("expected 3 fields, found 2"), "{msg}");
    }

    #[test]
    fn non_numeric_cell_names_line_and_column() {
        let err = parse_csv(b"a,b\n1,2\n3,x7\n", "bad.csv").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("column \"b\""), "{msg}");
        assert!(msg.contains("\"x7\""), "{msg}");
        let names = vec!["p".to_string(), "q".to_string()];
        let err = parse_whitespace(b"1 2\n3 4\n5 six\n", &names, "ws").unwrap_err();
        assert!(
            err.to_string().contains("ws, line 3, column \"q\""),
            "{err}"
        );
    }

    #[test]
    fn text_columns_and_missing_values() {
        let df = parse_csv(b"name,x\nalpha,1.5\nbeta,\ngamma,NA\n", "t.csv").unwrap();
        assert_eq!(
            df.column("name").unwrap().str().unwrap().get(2),
            Some("gamma")
        );
        let x = df.column("x").unwrap().f64().unwrap();
        assert_eq!(x.null_count(), 2);
    }

    #[test]
    fn duplicate_header_is_an_error() {
        let err = parse_csv(b"a,a\n1,2\n", "dup.csv").unwrap_err();
        assert!(err.to_string().contains("column \"a\""), "{err}");
    }

    #[test]
    fn unknown_dataset_lists_known_ones() {
        let err = dataset("iris").unwrap_err().to_string();
        assert!(
            err.contains("height-weight") && err.contains("boston-housing"),
            "{err}"
        );
    }
}
