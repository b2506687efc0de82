//! CSV reading as `pandas.read_csv` reads: the separator sniffed among `,` `;` tab and runs of
//! whitespace (or given), a header row, quoted fields with embedded separators, quotes and
//! newlines, a UTF-8 byte-order mark, CRLF or LF line ends, and pandas' default missing-value
//! markers. Each column gets the type pandas infers:
//!
//! * every non-missing cell an integer and none missing: `Int64`;
//! * every non-missing cell a number (integers with gaps too): `Float64`, gaps as nulls;
//! * every non-missing cell `True`/`False` (any case pandas accepts): `Boolean` (pandas makes a
//!   column with gaps `object`; here it stays `Boolean` with nulls);
//! * anything else: `String`, text kept as written (numbers are read with surrounding spaces
//!   ignored, text is not trimmed, as in pandas), gaps as nulls.
//!
//! A column with no value at all is `Float64` of nulls, as in pandas. Unlike pandas, a row
//! with too few or too many fields is an error naming its line, rather than padded with gaps.
//!
//! The file is streamed, twice at most, and never held whole: the first pass types every
//! column and keeps only numeric and boolean values (`typed_columns.rs`); a second pass, only
//! when some column turned out to be text, collects those columns' text. UTF-8 is checked as
//! the bytes stream past (`utf8.rs`). So a numeric file costs about 9 bytes a cell
//! while it is read, whatever its text looked like.
//!
//! The `csv` crate tokenises and the frame is built column by column, rather than through
//! polars' CSV reader, whose cargo feature pulls an object-store and async stack into every
//! build (the notebooks' kernel included).

//!
//! One reader, [`CsvReader`], with pandas' options this crate takes (`sep`, `names` for a file
//! without a header, `usecols`), is the only way in; [`super::read_csv`] is its shorthand with
//! every option at its default. Underneath: `reader.rs` (one thread), `parallel.rs` (a large
//! file's first pass in blocks cut at line ends, `blocks.rs`), `fields.rs` (the field kernel
//! both share), `typed_columns.rs` (pandas' typing of a column), `utf8.rs`, and
//! `number_stream.rs` (a large file's numbers read again a chunk of rows at a time).

pub(crate) mod blocks;
mod cell_rules;
mod fields;
pub(crate) mod number_stream;
pub(crate) mod parallel;
mod reader;
pub(crate) mod typed_columns;
mod utf8;

use std::path::Path;

use polars::prelude::DataFrame;

use crate::error::Result;
use blocks::Blocks;
pub use cell_rules::CellRules;
use parallel::PARALLEL_MIN_BYTES;
use reader::Input;
pub use reader::Separator;

/// How to read a CSV: pandas' `read_csv` options that this reader takes, each with pandas'
/// default. Build it, then [`CsvReader::read`] a file or [`CsvReader::parse`] bytes.
///
/// ```
/// use ml_workflow::ingest::csv::{CsvReader, Separator};
///
/// let text = b"city;price\nnorth;1,5\nsouth;2\n";
/// let df = CsvReader::new().separator(Separator::Byte(b';')).parse(text, "houses.csv")?;
/// assert_eq!(df.shape(), (2, 2));
/// let some = CsvReader::new().columns(&["price".into()]).parse(b"city,price\nnorth,3\n", "h")?;
/// assert_eq!(some.width(), 1);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvReader {
    separator: Separator,
    rules: CellRules,
    names: Option<Vec<String>>,
    columns: Option<Vec<String>>,
    parallel_min: u64,
}

impl Default for CsvReader {
    fn default() -> Self {
        CsvReader {
            separator: Separator::Sniff,
            rules: CellRules::default(),
            names: None,
            columns: None,
            parallel_min: PARALLEL_MIN_BYTES,
        }
    }
}

impl CsvReader {
    /// pandas' defaults: the separator sniffed, a header row, every column.
    pub fn new() -> CsvReader {
        CsvReader::default()
    }

    /// How fields are separated (pandas' `sep`; `--sep`).
    pub fn separator(mut self, separator: Separator) -> CsvReader {
        self.separator = separator;
        self
    }

    /// More missing-value markers beside pandas' defaults (pandas' `na_values`; `--na-values`):
    /// a cell whose trimmed text is one of them is a gap, so `?` in a numeric column no longer
    /// makes it text. Replaces markers given before.
    pub fn na_values(mut self, markers: &[String]) -> CsvReader {
        let mark = if self.rules.decimal_comma() {
            b','
        } else {
            b'.'
        };
        self.rules = CellRules::new(markers, mark);
        self
    }

    /// The decimal mark (pandas' `decimal`; `--decimal`), `b'.'` by default: `b','` reads `1,5`
    /// as 1.5 in a numeric column (with `;` or tab as the separator). Text columns keep their
    /// text.
    pub fn decimal(mut self, mark: u8) -> CsvReader {
        self.rules = CellRules::new(self.rules.na_values(), mark);
        self
    }

    /// The file has no header row: its columns are `names` (pandas' `header=None, names=`).
    pub fn names(mut self, names: &[String]) -> CsvReader {
        self.names = Some(names.to_vec());
        self
    }

    /// Only the columns named in `keep`, in the file's order (pandas' `usecols`): the others
    /// are split off each row but never parsed or held. Each column is typed exactly as the
    /// whole file's read types it; a name the header lacks is an error.
    pub fn columns(mut self, keep: &[String]) -> CsvReader {
        self.columns = Some(keep.to_vec());
        self
    }

    /// Files of `bytes` or more are read on every thread, in blocks cut at line ends (1 MiB by
    /// default; `u64::MAX` reads on one thread).
    pub fn parallel_from(mut self, bytes: u64) -> CsvReader {
        self.parallel_min = bytes;
        self
    }

    /// Reads the file at `path`, streamed (see the module docs for the types columns get).
    pub fn read(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read_blocks(path.as_ref()).map(|(frame, _)| frame)
    }

    /// [`CsvReader::read`], and the blocks a file read in parallel was cut into (to read it
    /// again in the same blocks); `None` when it was read on one thread.
    pub(crate) fn read_blocks(&self, path: &Path) -> Result<(DataFrame, Option<Blocks>)> {
        let source = path.display().to_string();
        reader::read_parts(
            &Input::File(path),
            &source,
            (self.separator, &self.rules),
            self.names.as_deref(),
            self.columns.as_deref(),
            self.parallel_min,
        )
    }

    /// Parses `bytes`; `source` names the input in errors.
    pub fn parse(&self, bytes: &[u8], source: &str) -> Result<DataFrame> {
        reader::read_parts(
            &Input::Bytes(bytes),
            source,
            (self.separator, &self.rules),
            self.names.as_deref(),
            self.columns.as_deref(),
            u64::MAX,
        )
        .map(|(frame, _)| frame)
    }

    /// The header's names of the file at `path`, as [`CsvReader::read`] names its columns.
    pub fn header(&self, path: impl AsRef<Path>) -> Result<Vec<String>> {
        let path = path.as_ref();
        reader::header(
            &Input::File(path),
            &path.display().to_string(),
            self.separator,
        )
    }
}
