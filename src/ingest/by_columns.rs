//! A CSV file as a [`ColumnSource`]: read a few columns per pass ([`read_csv_columns`]), so
//! that training histogram boosting on a big file holds those columns and the bins, never the
//! whole table as `f64` ([`crate::modeling::binned`]).
//!
//! How many columns a pass reads: a file under [`ONE_PASS_BYTES`] is read whole, in one pass;
//! a larger one as many columns as take about half the file's size as `f64` (8 bytes a value),
//! estimated from the length of its first lines. A CSV of 6-decimal numbers (about 9 bytes a
//! cell) then takes two passes; one with longer fields, one.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use super::csv::{read_csv_columns, read_header, Separator};
use crate::error::{Error, Result};
use crate::modeling::binned::ColumnSource;

/// Files smaller than this are read in one pass.
pub const ONE_PASS_BYTES: u64 = 64 << 20;
/// Bytes sampled from the file's start to estimate its line length.
const SAMPLE_BYTES: usize = 1 << 20;

/// A CSV file whose columns are read a few at a time.
pub struct CsvColumns {
    path: PathBuf,
    separator: Separator,
    names: Vec<String>,
    batch: usize,
}

impl CsvColumns {
    /// The file's header, and how many columns a pass reads (see the module docs).
    pub fn open(path: impl AsRef<Path>, separator: Separator) -> Result<CsvColumns> {
        let path = path.as_ref().to_path_buf();
        let names = read_header(&path, separator)?;
        let size = std::fs::metadata(&path)
            .map_err(|e| Error::io(&path, e))?
            .len();
        let batch = if size < ONE_PASS_BYTES {
            names.len()
        } else {
            // Columns whose f64 values take half the file: 8 bytes × rows × batch = size / 2,
            // with rows = size / line length.
            (line_length(&path)? / 16).clamp(2, names.len().max(2))
        };
        Ok(CsvColumns {
            path,
            separator,
            names,
            batch,
        })
    }
}

impl CsvColumns {
    /// Reads `columns` columns a pass, whatever the file's size.
    pub fn with_batch(mut self, columns: usize) -> CsvColumns {
        self.batch = columns.max(1);
        self
    }
}

/// The mean length in bytes of the lines in the file's first megabyte.
fn line_length(path: &Path) -> Result<usize> {
    let mut head = Vec::with_capacity(SAMPLE_BYTES);
    File::open(path)
        .and_then(|f| f.take(SAMPLE_BYTES as u64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let lines = memchr::memchr_iter(b'\n', &head).count().max(1);
    Ok(head.len() / lines)
}

impl ColumnSource for CsvColumns {
    fn names(&self) -> &[String] {
        &self.names
    }

    fn batch(&self) -> usize {
        self.batch
    }

    fn take(&mut self, names: &[String]) -> Result<DataFrame> {
        read_csv_columns(&self.path, self.separator, names)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::modeling::binned::train_binned;
    use crate::modeling::pipeline::{train, TrainConfig};
    use crate::modeling::ModelSpec;

    #[test]
    fn a_file_read_two_columns_a_pass_trains_as_the_whole_frame_does() {
        let mut text = String::from("city,a,b,n,y\n");
        for i in 0..2_000u32 {
            let city = ["north", "", "east", "west"][i as usize % 4];
            let a = f64::from(i * 37 % 1009) / 1009.0;
            let b = if i % 10 == 3 {
                String::new()
            } else {
                format!("{:.4}", f64::from(i * 53 % 997) / 997.0)
            };
            let n = i * 11 % 13;
            let y = 10.0 * (3.0 * a).sin() + f64::from(n) + if city == "east" { 3.0 } else { 0.0 };
            writeln!(text, "{city},{a:.4},{b},{n},{y:.4}").unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("table.csv");
        std::fs::write(&path, text).unwrap();
        let mut config = TrainConfig::for_target("y");
        config.model = ModelSpec::hist_gbm();
        config.model.set("max_iter", 20.0).unwrap();
        config.folds = 0;
        let whole = train(&crate::ingest::read_csv(&path).unwrap(), &config, None).unwrap();
        let mut source = CsvColumns::open(&path, Separator::Sniff)
            .unwrap()
            .with_batch(2);
        assert_eq!(source.names(), ["city", "a", "b", "n", "y"]);
        let binned = train_binned(&mut source, &config).unwrap();
        assert_eq!(binned.preprocessor, whole.preprocessor);
        assert_eq!(
            serde_json::to_string(&binned.model).unwrap(),
            serde_json::to_string(&whole.model).unwrap()
        );
        assert_eq!(binned.test, whole.test);
    }

    #[test]
    fn a_small_file_is_one_pass_and_a_large_one_half_its_size_a_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b,c\n1,2,3\n").unwrap();
        assert_eq!(
            CsvColumns::open(&path, Separator::Sniff).unwrap().batch(),
            3
        );
        // Lines of 160 bytes: 10 columns' f64 values take half the file.
        assert_eq!(line_length(&path).unwrap(), 6);
        let line = format!("{}\n", "x".repeat(159));
        std::fs::write(&path, line.repeat(100)).unwrap();
        assert_eq!(line_length(&path).unwrap() / 16, 10);
    }
}
