//! The one-thread reader under [`super::CsvReader`]: the input opened past its byte-order
//! mark with UTF-8 checked as it streams, the layout (a separator sniffed from the header line,
//! or runs of whitespace), the rows tokenised by the `csv` crate, the first pass typing every
//! column, a second pass for the text columns, and errors that name the line. A large file's
//! first pass goes to `parallel.rs` when it can.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use polars::prelude::{Column, DataFrame};

use super::blocks::Blocks;
use super::cell_rules::CellRules;
use super::fields::{
    check_unique, header_names, keep_mask, new_columns, push_fields, push_text, reserve_for,
    SIZE_SAMPLE_ROWS,
};
use super::parallel::first_pass;
use super::typed_columns::{TextColumn, TypedColumn};
use super::utf8::{not_utf8, Utf8Reader};
use crate::error::{Error, Result};

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

/// The header's names of `input` (the separator sniffed unless given), as [`read_parts`] names its
/// columns.
pub(super) fn header(input: &Input, source: &str, separator: Separator) -> Result<Vec<String>> {
    let layout = layout(input, source, separator)?;
    let mut names = None;
    // The first row is the header; the error only stops the reading there.
    let read = each_row(input, source, layout, &mut |_, _, fields| {
        names = Some(header_names(fields));
        Err(Error::invalid("csv", "stop after the header"))
    });
    match names {
        Some(names) if !names.is_empty() && !names.iter().all(String::is_empty) => {
            check_unique(&names, source)?;
            Ok(names)
        }
        Some(_) => Err(parse_error(source, 1, "the file has no header row".into())),
        None => {
            read?;
            Err(parse_error(source, 1, "the file has no header row".into()))
        }
    }
}

/// Where the text comes from; each pass opens it afresh.
pub(super) enum Input<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

impl Input<'_> {
    /// A buffered reader past any byte-order mark, checking UTF-8 as it goes.
    pub(super) fn open(&self) -> Result<BufReader<Utf8Reader<Box<dyn Read + '_>>>> {
        let mut raw: BufReader<Box<dyn Read + '_>> = match self {
            Input::File(path) => BufReader::with_capacity(
                1 << 16,
                Box::new(File::open(path).map_err(|e| Error::io(path, e))?),
            ),
            Input::Bytes(bytes) => BufReader::new(Box::new(*bytes)),
        };
        let head = raw.fill_buf().map_err(|e| self.io_error(e))?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            raw.consume(3);
        }
        let inner: Box<dyn Read + '_> = Box::new(raw);
        Ok(BufReader::with_capacity(1 << 16, Utf8Reader::new(inner)))
    }

    /// The input's size in bytes, when known, to size the columns before they grow.
    fn size(&self) -> Option<u64> {
        match self {
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Bytes(bytes) => Some(bytes.len() as u64),
        }
    }

    fn io_error(&self, e: std::io::Error) -> Error {
        match self {
            Input::File(path) => Error::io(path, e),
            Input::Bytes(_) => Error::io("<memory>", e),
        }
    }
}

/// How rows are split into fields.
#[derive(Clone, Copy)]
pub(super) enum Layout {
    Delimited(u8),
    Whitespace,
}

/// How `separator` splits `input`'s rows (a sniffed one from the header line).
fn layout(input: &Input, source: &str, separator: Separator) -> Result<Layout> {
    Ok(match separator {
        Separator::Sniff => match sniff(&header_line(input, source)?) {
            Separator::Byte(b) => Layout::Delimited(b),
            _ => Layout::Whitespace,
        },
        Separator::Byte(b) => Layout::Delimited(b),
        Separator::Whitespace => Layout::Whitespace,
    })
}

/// Reads `input` in at most two passes: names, then typed columns, then text columns; only
/// the columns in `keep` when given. A file of `parallel_min` bytes or more has its first pass
/// in parallel blocks when it can; the blocks come back with the frame then.
pub(super) fn read_parts(
    input: &Input,
    source: &str,
    (separator, rules): (Separator, &CellRules),
    names: Option<&[String]>,
    keep: Option<&[String]>,
    parallel_min: u64,
) -> Result<(DataFrame, Option<Blocks>)> {
    let layout = layout(input, source, separator)?;
    let pass = Pass {
        input,
        source,
        layout,
        rules,
    };
    if let (Input::File(path), Layout::Delimited(delimiter), None) = (input, layout, names) {
        if let Some(first) = first_pass(path, source, delimiter, keep, parallel_min, rules)? {
            let text_at = text_columns(&first.columns);
            if let Some(text) = first.text_pass(&text_at) {
                let blocks = first.blocks();
                return Ok((assemble(first.names, first.columns, text)?, Some(blocks)));
            }
            let frame = second_pass(&pass, true, first.names, first.columns)?;
            return Ok((frame, None));
        }
    }
    let has_header = names.is_none();
    let mut header = Vec::new();
    let mut typed: Vec<TypedColumn> = match names {
        Some(n) => new_columns(&keep_mask(n, keep)?),
        None => Vec::new(),
    };
    let size = input.size();
    let mut rows = 0u64;
    each_row(input, source, layout, &mut |line, byte, fields| {
        rows += 1;
        if rows == SIZE_SAMPLE_ROWS {
            reserve_for(&mut typed, size, byte, rows);
        }
        if typed.is_empty() {
            header = header_names(fields);
            if header.is_empty() || header.iter().all(String::is_empty) {
                return Err(parse_error(source, 1, "the file has no header row".into()));
            }
            check_unique(&header, source)?;
            typed = new_columns(&keep_mask(&header, keep)?);
            return Ok(());
        }
        push_fields(
            &mut typed,
            fields,
            (line, source),
            names.unwrap_or(&header),
            rules,
        )
    })?;
    let names: Vec<String> = names.map_or(header, <[String]>::to_vec);
    if typed.is_empty() {
        return Err(parse_error(source, 1, "the file has no header row".into()));
    }
    Ok((second_pass(&pass, has_header, names, typed)?, None))
}

/// What the passes over one input share: where it comes from, how rows split, the cell rules.
struct Pass<'a> {
    input: &'a Input<'a>,
    source: &'a str,
    layout: Layout,
    rules: &'a CellRules,
}

/// The positions of the columns the first pass found to be text.
fn text_columns(typed: &[TypedColumn]) -> Vec<usize> {
    (0..typed.len()).filter(|&j| typed[j].is_text()).collect()
}

/// The text of the columns the first pass found to be text (none: no second pass), and the
/// frame.
fn second_pass(
    pass: &Pass,
    has_header: bool,
    names: Vec<String>,
    typed: Vec<TypedColumn>,
) -> Result<DataFrame> {
    let text_at = text_columns(&typed);
    let text = if text_at.is_empty() {
        Vec::new()
    } else {
        let rows = typed.iter().map(TypedColumn::len).max().unwrap_or(0);
        text_pass(pass, has_header, &names, &text_at, rows)?
    };
    assemble(names, typed, text)
}

/// The second pass: the text of the columns at `text_at`, in order.
fn text_pass(
    pass: &Pass,
    has_header: bool,
    names: &[String],
    text_at: &[usize],
    rows: usize,
) -> Result<Vec<Column>> {
    let mut text: Vec<TextColumn> = text_at
        .iter()
        .map(|&j| TextColumn::new(&names[j], 0))
        .collect();
    let mut header_seen = !has_header;
    each_row(pass.input, pass.source, pass.layout, &mut |_, _, fields| {
        if !header_seen {
            header_seen = true;
            return Ok(());
        }
        push_text(&mut text, text_at, fields, pass.rules);
        Ok(())
    })?;
    if text.iter().any(|c| c.len() != rows) {
        return Err(parse_error(
            pass.source,
            0,
            "the file changed while it was being read (its rows differ between two passes)".into(),
        ));
    }
    Ok(text.into_iter().map(TextColumn::finish).collect())
}

/// The frame: typed columns where they are, text columns in their places; columns skipped
/// (not asked for) left out.
fn assemble(names: Vec<String>, typed: Vec<TypedColumn>, text: Vec<Column>) -> Result<DataFrame> {
    let mut text = text.into_iter();
    let mut columns = Vec::with_capacity(names.len());
    let height = typed.iter().map(TypedColumn::len).max().unwrap_or(0);
    for (name, column) in names.iter().zip(typed) {
        if column.is_skipped() {
            continue;
        }
        match column.finish(name) {
            Some(c) => columns.push(c),
            None => {
                columns.push(text.next().ok_or_else(|| {
                    Error::invalid("csv", format!("column {name:?} lost its text"))
                })?)
            }
        }
    }
    Ok(DataFrame::new(height, columns)?)
}

/// The per-row callback: 1-based line, byte offset where the row starts, fields.
pub(super) type RowFn<'r> =
    dyn FnMut(usize, u64, &mut dyn Iterator<Item = &str>) -> Result<()> + 'r;

/// Calls `row` with each row (the header row included, first).
pub(super) fn each_row(input: &Input, source: &str, layout: Layout, row: &mut RowFn) -> Result<()> {
    let reader = input.open()?;
    match layout {
        Layout::Whitespace => each_whitespace_row(reader, input, source, row),
        Layout::Delimited(delimiter) => {
            let mut csv = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(reader);
            let mut record = ::csv::StringRecord::new();
            loop {
                match csv.read_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => return Ok(()),
                    Err(e) => return Err(csv_error(e, input, source, delimiter)),
                }
                // pandas skips a line of nothing but spaces (`skip_blank_lines`).
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                let (line, byte) = record
                    .position()
                    .map_or((0, 0), |p| (p.line() as usize, p.byte()));
                row(line, byte, &mut record.iter()).map_err(|e| line_from_bytes(e, input, byte))?;
            }
        }
    }
}

fn each_whitespace_row(
    mut reader: impl BufRead,
    input: &Input,
    source: &str,
    row: &mut RowFn,
) -> Result<()> {
    let mut line = String::new();
    let (mut number, mut byte) = (0, 0u64);
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| read_error(e, input, source, Some(Layout::Whitespace)))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        if !line.trim().is_empty() {
            row(number, byte, &mut line.split_whitespace())?;
        }
        byte += n as u64;
    }
}

/// A row's error with its line counted from the row's byte offset: the `csv` crate's own line
/// count misses the line ends of `\r\n` files. Counted only when there is an error to report.
fn line_from_bytes(e: Error, input: &Input, byte: u64) -> Error {
    let Error::Parse {
        source_name,
        column,
        message,
        line,
    } = e
    else {
        return e;
    };
    let counted = input.open().ok().and_then(|reader| {
        let mut lines = 1;
        // Through the row's first byte: in a `\r\n` file the crate starts a row at the `\n`.
        for b in reader.bytes().take(usize::try_from(byte).ok()? + 1) {
            lines += usize::from(b.ok()? == b'\n');
        }
        Some(lines)
    });
    Error::Parse {
        source_name,
        line: counted.unwrap_or(line),
        column,
        message,
    }
}

/// The first non-empty line, for sniffing the separator.
fn header_line(input: &Input, source: &str) -> Result<String> {
    let mut reader = input.open()?;
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| read_error(e, input, source, None))?;
        if n == 0 || !line.trim().is_empty() {
            return Ok(line);
        }
    }
}

/// A read's error: a byte that is not UTF-8 named by its line and (when it is past the header)
/// the column whose field holds it; `layout` is the rows' (None: sniffed from the header).
fn read_error(e: std::io::Error, input: &Input, source: &str, layout: Option<Layout>) -> Error {
    match not_utf8(&e) {
        Some(bad) => Error::Parse {
            source_name: source.into(),
            line: bad.line as usize,
            column: bad_byte_column(input, layout, bad.offset),
            message: bad.to_string(),
        },
        None => input.io_error(e),
    }
}

/// The header's name of the field holding the byte at `offset` (counted past any byte-order
/// mark), from the raw bytes before it, read a line at a time (only the header and the row
/// in progress are held): the header is the first line that is not blank, and the field is
/// counted on the row (separators outside quotes, or runs of whitespace). Read again only
/// when there is such an error to report; None when the byte is in the header.
fn bad_byte_column(input: &Input, layout: Option<Layout>, offset: u64) -> Option<String> {
    let raw: Box<dyn Read + '_> = match input {
        Input::File(path) => Box::new(File::open(path).ok()?),
        Input::Bytes(bytes) => Box::new(*bytes),
    };
    let mut reader = BufReader::new(raw);
    if reader.fill_buf().ok()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut before = reader.take(offset);
    let mut header = Vec::new();
    while header.trim_ascii().is_empty() {
        header.clear();
        if before.read_until(b'\n', &mut header).ok()? == 0 {
            return None;
        }
    }
    // A header not ended before the bad byte holds it.
    let header = std::str::from_utf8(&header)
        .ok()
        .filter(|h| h.ends_with('\n'))?;
    let layout = layout.unwrap_or(match sniff(header) {
        Separator::Byte(b) => Layout::Delimited(b),
        _ => Layout::Whitespace,
    });
    let names = match layout {
        Layout::Delimited(d) => {
            let mut csv = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(d)
                .from_reader(header.as_bytes());
            header_names(csv.records().next()?.ok()?.iter())
        }
        Layout::Whitespace => header_names(header.split_whitespace()),
    };
    // The row in progress: a line end inside quotes does not end it.
    let (mut row, mut line, mut quoted) = (Vec::new(), Vec::new(), false);
    loop {
        line.clear();
        if before.read_until(b'\n', &mut line).ok()? == 0 {
            break;
        }
        if matches!(layout, Layout::Delimited(_)) {
            quoted ^= line.iter().filter(|&&b| b == b'"').count() % 2 == 1;
        }
        row.extend_from_slice(&line);
        if line.ends_with(b"\n") && !quoted {
            row.clear();
        }
    }
    let field = match layout {
        Layout::Delimited(d) => {
            let mut quoted = false;
            row.iter()
                .filter(|&&b| {
                    quoted ^= b == b'"';
                    b == d && !quoted
                })
                .count()
        }
        Layout::Whitespace => {
            let started = row.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
            let ends_in_field = row.last().is_some_and(|b| !b.is_ascii_whitespace());
            started.count() - usize::from(ends_in_field)
        }
    };
    names.get(field).cloned()
}

fn csv_error(e: ::csv::Error, input: &Input, source: &str, delimiter: u8) -> Error {
    let line = e.position().map_or(0, |p| p.line() as usize);
    if !matches!(e.kind(), ::csv::ErrorKind::Io(_)) {
        return parse_error(source, line, e.to_string());
    }
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => {
            read_error(io, input, source, Some(Layout::Delimited(delimiter)))
        }
        _ => parse_error(source, line, "unreadable".into()),
    }
}

/// The separator of the header line (see [`Separator::Sniff`]).
fn sniff(header: &str) -> Separator {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::csv::CsvReader;

    fn parse_csv(bytes: &[u8], source: &str) -> Result<DataFrame> {
        CsvReader::new().parse(bytes, source)
    }

    fn parse_whitespace(bytes: &[u8], names: &[String], source: &str) -> Result<DataFrame> {
        CsvReader::new()
            .separator(Separator::Whitespace)
            .names(names)
            .parse(bytes, source)
    }

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
        assert!(err.contains("line 2, column \"b\""), "{err}");
        // Further on: a quoted field with the separator and a line end inside, a byte-order
        // mark, blank lines before the header, a `;` file, runs of whitespace.
        let cases: [(&[u8], &str); 4] = [
            (
                b"\xEF\xBB\xBF\nname,note,x\n\"a,b\",\"two\nlines\",1\nc,ok,2\nd,fine,\xff\n",
                "line 6, column \"x\"",
            ),
            (b"a;b;c\n1;2;3\n4;\xe9t\xe9;6\n", "line 3, column \"b\""),
            (b"a b  c\n1 2 3\n4   \xe9 6\n", "line 3, column \"b\""),
            (b"a,b\n1,2\n\xff,3\n", "line 3, column \"a\""),
        ];
        for (bytes, want) in cases {
            let err = parse_csv(bytes, "t.csv").unwrap_err().to_string();
            assert!(err.contains(want), "{want}: {err}");
        }
        // In the header itself, no column is named.
        let err = parse_csv(b"a,\xffb\n1,2\n", "t.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1:"), "{err}");
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
    fn empty_names_blank_lines_and_nan_spellings_read_as_pandas_reads_them() {
        let df = parse_csv(b"a,b,\n1,2,\n   \n3,4,\n", "export.csv").unwrap();
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(names, ["a", "b", "Unnamed: 2"]);
        assert_eq!(df.height(), 2);
        let df = parse_csv(b"x\n1.5\nNAN\n+nan\n", "nan.csv").unwrap();
        assert_eq!(f64s(&df, "x"), [Some(1.5), None, None]);
    }

    #[test]
    fn an_error_in_a_crlf_file_names_the_right_line() {
        for text in [
            "a,b\r\n1,2\r\n3\r\n",
            "a,b\n1,2\n3\n",
            "a,b\r\n1,2\r\n   \r\n3\r\n",
        ] {
            let err = parse_csv(text.as_bytes(), "t.csv").expect_err("ragged");
            let want = if text.contains("   ") {
                "line 4"
            } else {
                "line 3"
            };
            assert!(err.to_string().contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn duplicate_header_is_an_error() {
        let err = parse_csv(b"a,a\n1,2\n", "dup.csv").unwrap_err();
        assert!(err.to_string().contains("column \"a\""), "{err}");
    }
}
