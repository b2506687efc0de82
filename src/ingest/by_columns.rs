//! A CSV file as a [`ColumnSource`], so that training histogram boosting on a big file holds
//! the bins, never the whole table as `f64` (`modeling::train`, a column at a time).
//!
//! A file under [`ONE_PASS_BYTES`] is read whole, in one pass. A larger one is streamed: the
//! target is read alone (a pass that also cuts the file into blocks and counts their rows),
//! then the numeric columns' values are handed to the training a chunk of rows at a time
//! ([`ColumnSource::stream_numbers`], three more passes that parse only what each needs), and
//! only the columns that are not numeric (text, booleans) are read whole, as many a pass as
//! take about half the file's size as `f64` (8 bytes a value, estimated from the length of
//! its first lines). A file the parallel reader cannot cut (quoted fields) is read that way
//! too, every column.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use super::csv::blocks::Blocks;
use super::csv::parallel::PARALLEL_MIN_BYTES;
use super::csv::typed_columns::PartType;
use super::csv::CsvReader;
use crate::error::{Error, Result};
use crate::modeling::train::{default_value_budget, ColumnSource, NumberVisit};
use crate::table::ColumnType;

/// Files smaller than this are read in one pass.
pub const ONE_PASS_BYTES: u64 = 64 << 20;
/// Bytes sampled from the file's start to estimate its line length.
const SAMPLE_BYTES: usize = 1 << 20;

/// A CSV file whose columns are read a few at a time.
pub struct CsvColumns {
    path: PathBuf,
    /// How the file is read (separator, missing-value markers, decimal mark).
    reader: CsvReader,
    names: Vec<String>,
    batch: usize,
    /// Whether numeric columns are streamed into their bins (see the module docs).
    streams: bool,
    /// Files from this size are read in parallel blocks (which streaming needs).
    parallel_min: u64,
    /// The blocks the first parallel read cut, once there was one.
    blocks: Option<Blocks>,
    /// [`ColumnSource::value_budget`], when set.
    budget: Option<usize>,
}

impl CsvColumns {
    /// The file's header, and how many columns a pass reads (see the module docs); `reader`
    /// says how to read it (its separator and cell rules; its columns are chosen per pass).
    pub fn open(path: impl AsRef<Path>, reader: CsvReader) -> Result<CsvColumns> {
        let path = path.as_ref().to_path_buf();
        let names = reader.header(&path)?;
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
            reader,
            names,
            batch,
            // Streaming reads in parallel blocks, which one thread does not cut.
            streams: size >= ONE_PASS_BYTES && rayon::current_num_threads() > 1,
            parallel_min: PARALLEL_MIN_BYTES,
            blocks: None,
            budget: None,
        })
    }
}

impl CsvColumns {
    /// Reads `columns` columns a pass, whatever the file's size.
    pub fn with_batch(mut self, columns: usize) -> CsvColumns {
        self.batch = columns.max(1);
        self
    }

    /// Holds at most `values` `f64` values at once while streaming (see
    /// [`ColumnSource::value_budget`]): less memory, more passes over the file.
    pub fn with_value_budget(mut self, values: usize) -> CsvColumns {
        self.budget = Some(values.max(1));
        self
    }

    /// Streams numeric columns into their bins whatever the file's size (on two threads or
    /// more, a file without quotes), or never.
    pub fn with_streaming(mut self, streams: bool) -> CsvColumns {
        self.streams = streams;
        self.parallel_min = if streams { 0 } else { PARALLEL_MIN_BYTES };
        self
    }
}

impl CsvColumns {
    /// The reader of this file, with its separator and cell rules.
    fn reader(&self) -> CsvReader {
        self.reader.clone()
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

    fn streams(&self) -> bool {
        self.streams
    }

    fn value_budget(&self, rows: usize) -> usize {
        self.budget.unwrap_or_else(|| default_value_budget(rows))
    }

    fn take_all(&mut self) -> Result<DataFrame> {
        self.reader().read(&self.path)
    }

    fn take(&mut self, names: &[String]) -> Result<DataFrame> {
        if !self.streams || self.blocks.is_some() {
            return self.reader().columns(names).read(&self.path);
        }
        let (frame, blocks) = self
            .reader()
            .columns(names)
            .parallel_from(self.parallel_min)
            .read_blocks(&self.path)?;
        self.blocks = blocks;
        Ok(frame)
    }

    fn stream_numbers(
        &mut self,
        names: &[String],
        rows: Option<&[usize]>,
        visit: &NumberVisit<'_>,
    ) -> Result<Option<Vec<ColumnType>>> {
        let Some(blocks) = &self.blocks else {
            return Ok(None);
        };
        let types = blocks.numbers(names, rows, visit)?;
        Ok(Some(types.into_iter().map(PartType::column_type).collect()))
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::modeling::train::train_binned;
    use crate::modeling::train::{train_whole, TrainConfig};
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
        let whole = train_whole(crate::ingest::read_csv(&path).unwrap(), &config, None).unwrap();
        let mut source = CsvColumns::open(&path, CsvReader::new())
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

    /// A table of `n` rows with every kind of column a user's file has (see the header's
    /// comments), and a target.
    fn every_kind(n: u32) -> String {
        // city: text with gaps, a category only in the last rows; a: floats; b: floats with
        // gaps; ints: integers; gappy: integers with gaps (so floats); late: numbers then a
        // word in the last row (so text); flag: booleans; promoted: integers, then floats past
        // the first blocks; zero: signed zeros and a few values; negz: integers and `-0`, then
        // floats (so `-0` is -0.0, the median too); intz: integers and `-0` (so 0); y.
        let mut text = String::from("city,a,b,ints,gappy,late,flag,promoted,zero,negz,intz,y\n");
        for i in 0..n {
            let city = match i % 5 {
                0 => "",
                1 if i + 3 > n => "far",
                1 | 2 => "north",
                _ => "west",
            };
            let a = f64::from(i.wrapping_mul(2_654_435_761) % 100_003) / 1_000.3;
            let b = if i % 7 == 3 {
                String::new()
            } else {
                format!("{:.3}", f64::from(i * 53 % 997) / 99.7)
            };
            let ints = i * 11 % 300;
            let gappy = if i % 13 == 0 {
                String::new()
            } else {
                (i % 17).to_string()
            };
            let late = if i + 1 == n {
                "many".to_string()
            } else {
                (i % 3).to_string()
            };
            let flag = if i % 3 == 0 { "True" } else { "False" };
            let promoted = if i < n / 2 {
                (i % 50).to_string()
            } else {
                format!("{}.5", i % 50)
            };
            let zero = ["0.0", "-0.0", "0", "1.5", "-2"][i as usize % 5];
            let negz = match i % 4 {
                0 | 2 => "-0",
                1 if i > n * 3 / 4 => "0.5",
                1 => "2",
                _ => "-1",
            };
            let intz = ["-0", "-0", "1", "-2", "0"][i as usize % 5];
            let y = (a / 10.0).sin() * 3.0
                + f64::from(ints) / 100.0
                + f64::from(i % 17) / 10.0
                + if city == "north" { 2.0 } else { 0.0 };
            writeln!(
                text,
                "{city},{a},{b},{ints},{gappy},{late},{flag},{promoted},{zero},{negz},{intz},{y:.5}"
            )
            .unwrap();
        }
        text
    }

    /// Trains `config` on the file at `path` through a source asked to stream, on four threads
    /// whatever the machine has; the source after it.
    fn train_streaming(
        path: &Path,
        config: &TrainConfig,
        budget: Option<usize>,
    ) -> (Result<crate::modeling::train::TrainReport>, CsvColumns) {
        let mut source = CsvColumns::open(path, CsvReader::new())
            .unwrap()
            .with_streaming(true);
        if let Some(values) = budget {
            source = source.with_value_budget(values);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let report = pool.install(|| train_binned(&mut source, config));
        (report, source)
    }

    /// Trains `config` on `text` both ways: the whole frame through the pipeline, and the file
    /// streamed on four threads; the two reports must be one, bit for bit.
    fn streamed_equals_the_whole_frame(text: &str, config: &TrainConfig, budget: Option<usize>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("table.csv");
        std::fs::write(&path, text).unwrap();
        let whole = train_whole(crate::ingest::read_csv(&path).unwrap(), config, None).unwrap();
        let (streamed, source) = train_streaming(&path, config, budget);
        let streamed = streamed.unwrap();
        assert!(source.blocks.is_some(), "the file was not streamed");
        assert_eq!(streamed.preprocessor, whole.preprocessor);
        // A zero's sign too, which `==` does not see.
        assert_eq!(
            serde_json::to_string(&streamed.preprocessor).unwrap(),
            serde_json::to_string(&whole.preprocessor).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&streamed.model).unwrap(),
            serde_json::to_string(&whole.model).unwrap()
        );
        let bits = |r: &crate::modeling::train::TrainReport| -> Vec<u64> {
            let e = r.evaluation.as_ref().expect("held-out rows");
            e.predicted.iter().map(|p| p.to_bits()).collect()
        };
        assert_eq!(bits(&streamed), bits(&whole));
        assert_eq!(streamed.test, whole.test);
    }

    fn hist_gbm(max_iter: f64, early_stopping: bool) -> TrainConfig {
        let mut config = TrainConfig::for_target("y");
        config.model = ModelSpec::hist_gbm();
        config.model.set("max_iter", max_iter).unwrap();
        if early_stopping {
            config.model.set("early_stopping", 1.0).unwrap();
        }
        config.folds = 0;
        config.seed = 5;
        config
    }

    #[test]
    fn a_streamed_file_trains_as_the_whole_frame_does() {
        // Several chunks a block, every kind of column, early stopping or not.
        let text = every_kind(70_000);
        streamed_equals_the_whole_frame(&text, &hist_gbm(8.0, false), None);
        streamed_equals_the_whole_frame(&text, &hist_gbm(8.0, true), None);
        // A budget of 500 values: the subsample (56,000 rows) a column a pass, the medians'
        // middle bins (about 440 values of a continuous column) a column a pass.
        streamed_equals_the_whole_frame(&text, &hist_gbm(8.0, false), Some(500));
        // No numeric input at all (late looks numeric until its last row).
        let mut words = hist_gbm(8.0, false);
        words.drop = [
            "a", "b", "ints", "gappy", "promoted", "zero", "negz", "intz",
        ]
        .map(String::from)
        .to_vec();
        streamed_equals_the_whole_frame(&text, &words, None);
    }

    #[test]
    fn a_quoted_file_asked_to_stream_is_read_whole_and_trains_the_same() {
        // A quoted field may hold a line end, so the file cannot be cut into blocks: every
        // column is read whole instead.
        let text = every_kind(20_000).replacen("north", "\"north, upper\"", 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("quoted.csv");
        std::fs::write(&path, text).unwrap();
        let config = hist_gbm(4.0, false);
        let whole = train_whole(crate::ingest::read_csv(&path).unwrap(), &config, None).unwrap();
        let (read, source) = train_streaming(&path, &config, None);
        let read = read.unwrap();
        assert!(source.blocks.is_none());
        assert_eq!(read.preprocessor, whole.preprocessor);
        assert_eq!(read.test, whole.test);
    }

    #[test]
    fn a_streamed_file_past_the_binning_subsample_trains_as_the_whole_frame_does() {
        // More fit rows than the 200,000 the thresholds come from.
        streamed_equals_the_whole_frame(&every_kind(260_000), &hist_gbm(3.0, false), None);
    }

    #[test]
    fn a_streamed_files_bad_column_is_named_as_the_whole_frames_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let error = |text: String| {
            std::fs::write(&path, text).unwrap();
            let config = hist_gbm(2.0, false);
            let whole = train_whole(crate::ingest::read_csv(&path).unwrap(), &config, None);
            let (streamed, source) = train_streaming(&path, &config, None);
            assert!(source.blocks.is_some(), "the file was not streamed");
            (
                whole.unwrap_err().to_string(),
                streamed.unwrap_err().to_string(),
            )
        };
        // Columns `first`, x and y: first's and x's cells from `a` and `x`.
        let rows = |first: &str, a: &dyn Fn(u32) -> String, x: &dyn Fn(u32) -> String| {
            let mut text = format!("{first},x,y\n");
            for i in 0..30_000u32 {
                writeln!(text, "{},{},{}", a(i), x(i), i % 7).unwrap();
            }
            text
        };
        // The row number, but `value` at row `at`.
        let but = |at: u32, value: &'static str| {
            move |i: u32| {
                if i == at {
                    value.to_string()
                } else {
                    i.to_string()
                }
            }
        };
        let digit = |i: u32| (i % 10).to_string();
        let (whole, streamed) = error(rows("a", &digit, &but(21_234, "-inf")));
        assert!(whole.contains("row 21234 is -inf"), "{whole}");
        assert_eq!(streamed, whole);
        let (whole, streamed) = error(rows("a", &digit, &|_| String::new()));
        assert!(whole.contains("no value in the training rows"), "{whole}");
        assert_eq!(streamed, whole);
        // Two bad columns: the first in input order is named, whichever was read first.
        let (whole, streamed) = error(rows("e", &|_| String::new(), &but(123, "inf")));
        assert!(
            whole.contains("\"e\"") && whole.contains("no value"),
            "{whole}"
        );
        assert_eq!(streamed, whole);
        // A text column read whole after the numbers, before a numeric one in input order.
        let user = |i: u32| format!("user{i}");
        let (whole, streamed) = error(rows("id", &user, &but(77, "-inf")));
        assert!(whole.contains("\"id\""), "{whole}");
        assert_eq!(streamed, whole);
    }

    #[test]
    fn a_small_file_is_one_pass_and_a_large_one_half_its_size_a_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b,c\n1,2,3\n").unwrap();
        assert_eq!(
            CsvColumns::open(&path, CsvReader::new()).unwrap().batch(),
            3
        );
        // Lines of 160 bytes: 10 columns' f64 values take half the file.
        assert_eq!(line_length(&path).unwrap(), 6);
        let line = format!("{}\n", "x".repeat(159));
        std::fs::write(&path, line.repeat(100)).unwrap();
        assert_eq!(line_length(&path).unwrap() / 16, 10);
    }
}
