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
//! The `csv` crate tokenises and the frame is built column by column, rather than through
//! polars' CSV reader, whose cargo feature pulls an object-store and async stack into every
//! build (the notebooks' kernel included).

use std::fs;
use std::path::Path;

use polars::prelude::{Column, DataFrame, NamedFrom, Series};

use crate::error::{Error, Result};

pub use crate::pandas_text::{boolean, is_missing, NA_MARKERS};

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// Sniffed from the header line: the most frequent of `,` `;` and tab, else runs of
    /// whitespace when the header has spaces, else `,`.
    Sniff,
    /// One byte, such as `b','` or `b';'`.
    Byte(u8),
    /// Runs of spaces or tabs (pandas' `sep=r"\s+"`); no quoting.
    Whitespace,
}

/// Reads a CSV file with a header into a DataFrame, the separator sniffed (see the module
/// docs for the types each column gets).
pub fn read_csv(path: impl AsRef<Path>) -> Result<DataFrame> {
    read_csv_with(path, Separator::Sniff)
}

/// [`read_csv`] with the separator given (`--sep`).
pub fn read_csv_with(path: impl AsRef<Path>, separator: Separator) -> Result<DataFrame> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_delimited(&bytes, &path.display().to_string(), separator)
}

/// Parses CSV bytes with a header, the separator sniffed; `source` names the input in errors.
pub fn parse_csv(bytes: &[u8], source: &str) -> Result<DataFrame> {
    parse_delimited(bytes, source, Separator::Sniff)
}

/// Parses delimited bytes with a header row.
pub fn parse_delimited(bytes: &[u8], source: &str, separator: Separator) -> Result<DataFrame> {
    let text = utf8(bytes, source)?;
    let separator = match separator {
        Separator::Sniff => sniff(text),
        given => given,
    };
    let delimiter = match separator {
        Separator::Byte(b) => b,
        _ => {
            let mut lines = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty());
            let Some((_, header)) = lines.next() else {
                return Err(parse_error(source, 1, "the file has no header row".into()));
            };
            let names: Vec<String> = header.split_whitespace().map(str::to_string).collect();
            check_unique(&names, source)?;
            let mut columns = ColumnBuilder::new(&names, source);
            for (i, line) in lines {
                columns.push_row(i + 1, line.split_whitespace())?;
            }
            return columns.finish();
        }
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| parse_error(source, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.is_empty() || headers.iter().all(String::is_empty) {
        return Err(parse_error(source, 1, "the file has no header row".into()));
    }
    check_unique(&headers, source)?;
    let mut columns = ColumnBuilder::new(&headers, source);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            parse_error(source, line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        columns.push_row(line, record.iter())?;
    }
    columns.finish()
}

/// Parses a header-less file whose fields are separated by runs of spaces or tabs.
pub fn parse_whitespace(bytes: &[u8], names: &[String], source: &str) -> Result<DataFrame> {
    let text = utf8(bytes, source)?;
    let mut columns = ColumnBuilder::new(names, source);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        columns.push_row(i + 1, line.split_whitespace())?;
    }
    columns.finish()
}

/// The text without its byte-order mark, or an error at the first byte that is not UTF-8.
fn utf8<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Error::Parse {
            source_name: source.into(),
            line: 1 + bytes[..at].iter().filter(|b| **b == b'\n').count(),
            column: None,
            message: format!(
                "byte {at} is not UTF-8 (0x{:02X}); save the file as UTF-8",
                bytes[at]
            ),
        }
    })
}

/// The separator of the header line (see [`Separator::Sniff`]).
fn sniff(text: &str) -> Separator {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (sep, n) in &mut counts {
                if b == *sep {
                    *n += 1;
                }
            }
        }
    }
    match counts.iter().max_by_key(|(_, n)| *n) {
        Some((sep, n)) if *n > 0 => Separator::Byte(*sep),
        _ if header.trim().contains(' ') => Separator::Whitespace,
        _ => Separator::Byte(b','),
    }
}

fn parse_error(source: &str, line: usize, message: String) -> Error {
    Error::Parse {
        source_name: source.into(),
        line,
        column: None,
        message,
    }
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

/// Accumulates cells column by column: each column's text (compactly, for the case it turns
/// out to be text) and its numbers while every cell so far is one.
struct ColumnBuilder<'a> {
    names: &'a [String],
    source: &'a str,
    columns: Vec<Cells>,
}

/// What a column holds so far.
#[derive(Default)]
struct Cells {
    /// Every cell's text, concatenated; `ends[i]` is where cell `i` ends.
    text: String,
    ends: Vec<u32>,
    missing: Vec<bool>,
    /// The numbers, while every non-missing cell is one.
    numbers: Option<Vec<Option<f64>>>,
    /// The same cells as integers, while every one is (missing cells as 0, unused then).
    ints: Vec<i64>,
    /// Whether every non-missing cell so far is a whole number that fits `i64`.
    integers: bool,
    /// Whether every non-missing cell so far is a boolean.
    booleans: bool,
    any: bool,
}

impl Cells {
    fn new() -> Cells {
        Cells {
            numbers: Some(Vec::new()),
            integers: true,
            booleans: true,
            ..Cells::default()
        }
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len() as u32);
        let missing = is_missing(cell);
        self.missing.push(missing);
        if missing {
            if let Some(numbers) = &mut self.numbers {
                numbers.push(None);
            }
            return;
        }
        self.any = true;
        let trimmed = cell.trim();
        if self.booleans && boolean(trimmed).is_none() {
            self.booleans = false;
        }
        if let Some(numbers) = &mut self.numbers {
            match trimmed.parse::<f64>() {
                Ok(x) => {
                    if self.integers {
                        match trimmed.parse::<i64>() {
                            Ok(i) => self.ints.push(i),
                            Err(_) => self.integers = false,
                        }
                    }
                    numbers.push(Some(x));
                }
                Err(_) => self.numbers = None,
            }
        }
    }

    fn cell(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The column as pandas would type it (see the module docs).
    fn into_series(self, name: &str) -> Series {
        let gaps = self.missing.iter().any(|m| *m);
        if !self.any {
            return Series::new(name.into(), vec![None::<f64>; self.missing.len()]);
        }
        if let Some(numbers) = &self.numbers {
            if self.integers && !gaps {
                return Series::new(name.into(), self.ints);
            }
            return Series::new(name.into(), numbers.clone());
        }
        if self.booleans {
            let values: Vec<Option<bool>> = (0..self.missing.len())
                .map(|i| {
                    if self.missing[i] {
                        None
                    } else {
                        boolean(self.cell(i).trim())
                    }
                })
                .collect();
            return Series::new(name.into(), values);
        }
        let values: Vec<Option<&str>> = (0..self.missing.len())
            .map(|i| (!self.missing[i]).then(|| self.cell(i)))
            .collect();
        Series::new(name.into(), values)
    }
}

impl<'a> ColumnBuilder<'a> {
    fn new(names: &'a [String], source: &'a str) -> Self {
        ColumnBuilder {
            names,
            source,
            columns: names.iter().map(|_| Cells::new()).collect(),
        }
    }

    fn push_row<'c>(&mut self, line: usize, fields: impl Iterator<Item = &'c str>) -> Result<()> {
        let mut n = 0;
        for (j, cell) in fields.enumerate() {
            if let Some(column) = self.columns.get_mut(j) {
                column.push(cell);
            }
            n = j + 1;
        }
        if n != self.names.len() {
            let column = self
                .names
                .get(n.min(self.names.len().saturating_sub(1)))
                .cloned();
            return Err(Error::Parse {
                source_name: self.source.into(),
                line,
                column: if n < self.names.len() {
                    self.names.get(n).cloned()
                } else {
                    column
                },
                message: format!("expected {} fields, found {n}", self.names.len()),
            });
        }
        Ok(())
    }

    fn finish(self) -> Result<DataFrame> {
        let mut height = 0;
        let columns: Vec<Column> = self
            .names
            .iter()
            .zip(self.columns)
            .map(|(name, cells)| {
                let series = cells.into_series(name);
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
    fn a_text_cell_makes_the_column_text_as_in_pandas() {
        // The issue's example: pandas describes `a` and `price` and reads `grade` as text.
        let df = parse_csv(b"a,grade,price\n1,1,100\n2,2,210\n3,A,290\n", "m.csv").unwrap();
        assert_eq!(df.column("a").unwrap().i64().unwrap().get(2), Some(3));
        let grade = df.column("grade").unwrap().str().unwrap();
        assert_eq!([grade.get(0), grade.get(2)], [Some("1"), Some("A")]);
        assert_eq!(df.column("price").unwrap().i64().unwrap().get(1), Some(210));
        let names = vec!["p".to_string(), "q".to_string()];
        let df = parse_whitespace(b"1 2\n3 4\n5 six\n", &names, "ws").unwrap();
        assert_eq!(df.column("q").unwrap().str().unwrap().get(2), Some("six"));
    }

    fn f64s(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        let c = df.column(name).unwrap().f64().unwrap();
        (0..c.len()).map(|i| c.get(i)).collect()
    }

    fn bools(df: &DataFrame, name: &str) -> Vec<Option<bool>> {
        let c = df.column(name).unwrap().bool().unwrap();
        (0..c.len()).map(|i| c.get(i)).collect()
    }

    /// What `pandas.read_csv` 3.1 gives for the same bytes (compare/python/csv_expectations.py).
    #[test]
    fn types_and_values_match_pandas() {
        use polars::prelude::DataType;
        let df = parse_csv(b"x,y,z\n1,NA,\n2,n/a,True\nnull,3.5,False\n", "na").unwrap();
        assert_eq!(df.column("x").unwrap().dtype(), &DataType::Float64);
        let x: Vec<Option<f64>> = f64s(&df, "x");
        assert_eq!(x, [Some(1.0), Some(2.0), None]);
        let y: Vec<Option<f64>> = f64s(&df, "y");
        assert_eq!(y, [None, None, Some(3.5)]);
        let z: Vec<Option<bool>> = bools(&df, "z");
        assert_eq!(z, [None, Some(true), Some(false)]);

        let df = parse_csv(b"f,g\nTrue,false\nFALSE,TRUE\n", "bools").unwrap();
        assert_eq!(df.column("f").unwrap().dtype(), &DataType::Boolean);

        // Sniffed separators: semicolon (a comma inside a field stays text), tab, whitespace runs.
        let df = parse_csv(b"a;b\n1,5;7\n2,5;8\n", "semicolon").unwrap();
        assert_eq!(df.column("a").unwrap().str().unwrap().get(0), Some("1,5"));
        assert_eq!(df.column("b").unwrap().i64().unwrap().get(1), Some(8));
        let df = parse_csv(b"a\tb\n1\t2.5\n", "tab").unwrap();
        assert_eq!(df.column("b").unwrap().f64().unwrap().get(0), Some(2.5));
        let df = parse_csv(b"a  b   c\n1   2 x\n3 4    y\n", "ws").unwrap();
        assert_eq!(df.column("b").unwrap().i64().unwrap().get(1), Some(4));
        assert_eq!(df.column("c").unwrap().str().unwrap().get(1), Some("y"));

        // Quoted fields with separators, doubled quotes and a newline.
        let df = parse_csv(
            b"name,note\n\"Smith, J\",\"He said \"\"hi\"\"\nthen left\"\nDoe,plain\n",
            "quoted",
        )
        .unwrap();
        assert_eq!(
            df.column("name").unwrap().str().unwrap().get(0),
            Some("Smith, J")
        );
        assert_eq!(
            df.column("note").unwrap().str().unwrap().get(0),
            Some("He said \"hi\"\nthen left")
        );

        // Numbers ignore surrounding spaces; text keeps them.
        let df = parse_csv(b"a,b,c\n 1 , x ,2.5 \n3,y,4\n", "spaces").unwrap();
        assert_eq!(df.column("a").unwrap().i64().unwrap().get(0), Some(1));
        assert_eq!(df.column("b").unwrap().str().unwrap().get(0), Some(" x "));
        assert_eq!(df.column("c").unwrap().f64().unwrap().get(1), Some(4.0));

        // A column of gaps is Float64 of nulls; exponents, infinities.
        let df = parse_csv(b"a,b\n,1\nNA,2\n", "allna").unwrap();
        assert_eq!(df.column("a").unwrap().null_count(), 2);
        assert_eq!(df.column("a").unwrap().dtype(), &DataType::Float64);
        let df = parse_csv(b"a\n1e3\n-2.5\n.5\n", "floats").unwrap();
        let a: Vec<Option<f64>> = f64s(&df, "a");
        assert_eq!(a, [Some(1000.0), Some(-2.5), Some(0.5)]);
        let df = parse_csv(b"a\ninf\n-Infinity\n1\n", "inf").unwrap();
        let a: Vec<Option<f64>> = f64s(&df, "a");
        assert_eq!(a, [Some(f64::INFINITY), Some(f64::NEG_INFINITY), Some(1.0)]);
    }

    #[test]
    fn other_encodings_are_named_with_the_byte_offset() {
        let err = parse_csv(b"a,b\n1,caf\xe9\n", "latin1.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("byte 9") && err.contains("not UTF-8"), "{err}");
        assert!(err.contains("line 2"), "{err}");
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
}
