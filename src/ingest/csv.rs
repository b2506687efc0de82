//! CSV parsing that copes with the real files' quirks: a UTF-8 byte-order mark, CRLF line ends,
//! no final newline, and whitespace-delimited files without a header.
//!
//! The `csv` crate tokenises and the frame is built column by column, rather than through
//! polars' CSV reader, whose cargo feature pulls an object-store and async stack into every
//! build (the notebooks' kernel included).

use std::fs;
use std::path::Path;

use polars::prelude::{Column, DataFrame, NamedFrom, Series};

use crate::error::{Error, Result};

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
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(::csv::Trim::All)
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
}
