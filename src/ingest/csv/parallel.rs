//! The CSV reader's first pass on every core: a large delimited file is cut at line ends into
//! one block per thread, each block typed into its own columns ([`TypedColumn`]), and the
//! blocks' columns appended in file order with pandas' promotion (see
//! [`TypedColumn::append`]; each block's values become one chunk of the column, uncopied). The
//! result equals the one-thread pass.
//!
//! Cutting at a line end is only safe when no field is quoted (a quoted field may hold a line
//! end), so any `"` in the file, an unusual header, or any error in a block sends the file
//! back to the one-thread reader, which also names the line of an error exactly. The first
//! block to meet a quote or an error stops every block before its next chunk, so a quoted file
//! costs the fast path a chunk or so per block, not a whole pass. Blocks read the file through
//! their own handles a chunk of whole lines at a time, so the file is never held whole.
//! Without quotes a row is a line and its fields are the text between delimiters, so blocks
//! split lines themselves rather than through the `csv` crate (a `\r` inside a line, which
//! the crate takes for a line end, is sent back to it too).
//!
//! Hand-written rather than polars' parallel CSV reader for the reason in the module above:
//! its cargo feature's weight.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use polars::prelude::Column;

use super::blocks::Blocks;
use super::cell_rules::CellRules;
use super::fields::{
    check_unique, header_names, keep_mask, new_columns, push_fields, push_text, reserve_for,
    SIZE_SAMPLE_ROWS,
};
use super::typed_columns::{join_chunks, TextColumn, TypedColumn};
use crate::error::Result;

/// Files smaller than this are read on one thread: the blocks would not pay for themselves.
pub const PARALLEL_MIN_BYTES: u64 = 1 << 20;
/// How far past a cut a line end is looked for; longer lines fall back to one thread.
const LINE_SEARCH: usize = 1 << 16;
/// Bytes a block reads at a time; a longer line falls back to one thread.
const CHUNK: usize = 1 << 20;

/// A file's first pass read in parallel blocks: its header names and typed columns, and the
/// cuts that made the blocks, for the text pass.
pub struct FirstPass<'a> {
    /// The header's names.
    pub names: Vec<String>,
    /// The typed columns, each block a chunk.
    pub columns: Vec<TypedColumn>,
    path: &'a Path,
    source: &'a str,
    delimiter: u8,
    rules: &'a CellRules,
    cuts: Vec<u64>,
    /// Each block's rows.
    rows: Vec<usize>,
}

/// The file's header names and typed columns (only those in `keep`, when given; the others
/// counted), read in parallel blocks; `Ok(None)` when the file must be read on one thread
/// instead (see the module docs); an error for a `keep` name the header lacks.
pub fn first_pass<'a>(
    path: &'a Path,
    source: &'a str,
    delimiter: u8,
    keep: Option<&[String]>,
    min_bytes: u64,
    rules: &'a CellRules,
) -> Result<Option<FirstPass<'a>>> {
    let Some(size) = std::fs::metadata(path).ok().map(|m| m.len()) else {
        return Ok(None);
    };
    let threads = rayon::current_num_threads();
    if size < min_bytes || threads < 2 || !delimiter.is_ascii() {
        return Ok(None);
    }
    let Some((names, body)) = header(path, source, delimiter) else {
        return Ok(None);
    };
    let keep = keep_mask(&names, keep)?;
    let Some(cuts) = cuts(path, body, size, threads) else {
        return Ok(None);
    };
    Ok(read_blocks(
        path,
        source,
        (delimiter, rules),
        names,
        &keep,
        cuts,
    ))
}

/// The blocks between `cuts`, read in parallel and appended in order.
fn read_blocks<'a>(
    path: &'a Path,
    source: &'a str,
    (delimiter, rules): (u8, &'a CellRules),
    names: Vec<String>,
    keep: &[bool],
    cuts: Vec<u64>,
) -> Option<FirstPass<'a>> {
    let stop = AtomicBool::new(false);
    let block = Block {
        path,
        source,
        delimiter,
        rules,
        names: &names,
        stop: &stop,
    };
    let blocks: Vec<Option<Vec<TypedColumn>>> = cuts
        .par_windows(2)
        .map(|w| block.read(w[0], w[1], keep))
        .collect();
    let blocks = blocks.into_iter().collect::<Option<Vec<_>>>()?;
    let rows = blocks
        .iter()
        .map(|b| b.first().map_or(0, TypedColumn::len))
        .collect();
    let mut blocks = blocks.into_iter();
    let mut columns = blocks.next()?;
    for block in blocks {
        for (column, part) in columns.iter_mut().zip(block) {
            column.append(part);
        }
    }
    Some(FirstPass {
        names,
        columns,
        path,
        source,
        delimiter,
        rules,
        cuts,
        rows,
    })
}

impl FirstPass<'_> {
    /// The blocks this pass read, to read the file again in them ([`Blocks::numbers`]).
    pub fn blocks(&self) -> Blocks {
        Blocks {
            path: self.path.to_path_buf(),
            source: self.source.to_string(),
            delimiter: self.delimiter,
            rules: self.rules.clone(),
            names: self.names.clone(),
            cuts: self.cuts.clone(),
            rows: self.rows.clone(),
        }
    }

    /// The second pass in the same blocks: the text of the columns at `text_at`, each block a
    /// chunk; `None` when a block reads differently than in the first pass (the one-thread
    /// reader then says what changed).
    pub fn text_pass(&self, text_at: &[usize]) -> Option<Vec<Column>> {
        if text_at.is_empty() {
            return Some(Vec::new());
        }
        let stop = AtomicBool::new(false);
        let block = Block {
            path: self.path,
            source: self.source,
            delimiter: self.delimiter,
            rules: self.rules,
            names: &self.names,
            stop: &stop,
        };
        let blocks: Vec<Option<Vec<TextColumn>>> = self
            .cuts
            .par_windows(2)
            .map(|w| block.text(w[0], w[1], text_at))
            .collect();
        let rows = self.columns.iter().map(TypedColumn::len).max().unwrap_or(0);
        let mut parts: Vec<Vec<Column>> = text_at.iter().map(|_| Vec::new()).collect();
        for block in blocks {
            for (column, part) in parts.iter_mut().zip(block?) {
                column.push(part.finish());
            }
        }
        let joined: Vec<Column> = parts.into_iter().map(join_chunks).collect::<Option<_>>()?;
        joined.iter().all(|c| c.len() == rows).then_some(joined)
    }
}

/// The header's names (as the one-thread reader names them) and where the body starts; `None`
/// for a header this fast path does not handle (quoted, blank, long, not UTF-8, repeated).
fn header(path: &Path, source: &str, delimiter: u8) -> Option<(Vec<String>, u64)> {
    let mut head = vec![0; LINE_SEARCH];
    let n = read_at(path, 0, &mut head)?;
    let head = &head[..n];
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let end = bom + memchr::memchr(b'\n', &head[bom..])?;
    let line = std::str::from_utf8(&head[bom..end]).ok()?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.trim().is_empty() || line.contains(['"', '\r']) {
        return None;
    }
    let names = header_names(line.split(char::from(delimiter)));
    check_unique(&names, source).ok()?;
    Some((names, end as u64 + 1))
}

/// Byte offsets cutting `body..size` into `parts` blocks, each cut just after a line end.
fn cuts(path: &Path, body: u64, size: u64, parts: usize) -> Option<Vec<u64>> {
    let mut cuts = vec![body];
    let mut buf = vec![0; LINE_SEARCH];
    for k in 1..parts as u64 {
        let at = body + (size - body) * k / parts as u64;
        let previous = *cuts.last()?;
        if at <= previous {
            continue;
        }
        // Start one byte early: a cut that lands just after a line end stays there.
        let n = read_at(path, at - 1, &mut buf)?;
        let cut = at + memchr::memchr(b'\n', &buf[..n])? as u64;
        if cut < size {
            cuts.push(cut.max(previous));
        }
    }
    cuts.push(size);
    Some(cuts)
}

/// Reads up to `buf.len()` bytes at `offset`; the count read.
fn read_at(path: &Path, offset: u64, buf: &mut [u8]) -> Option<usize> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]).ok()? {
            0 => break,
            k => n += k,
        }
    }
    Some(n)
}

/// What every block of one file shares.
pub(super) struct Block<'a> {
    pub(super) path: &'a Path,
    pub(super) source: &'a str,
    pub(super) delimiter: u8,
    pub(super) rules: &'a CellRules,
    pub(super) names: &'a [String],
    /// Set by the first block that meets a quote or an error; every block then stops.
    pub(super) stop: &'a AtomicBool,
}

impl Block<'_> {
    /// Types the rows of `start..end` (the columns `keep` marks; the others counted); `None` on a quote, an error or a row of the wrong
    /// width, here or in another block.
    fn read(&self, start: u64, end: u64, keep: &[bool]) -> Option<Vec<TypedColumn>> {
        let mut columns = new_columns(keep);
        let mut rows = 0u64;
        self.each_line(start, end, &mut |at, fields| {
            rows += 1;
            if rows == SIZE_SAMPLE_ROWS {
                reserve_for(&mut columns, Some(end - start), at, rows);
            }
            push_fields(
                &mut columns,
                fields,
                (0, self.source),
                self.names,
                self.rules,
            )
            .ok()
        })?;
        Some(columns)
    }

    /// The text of the columns at `text_at` in the rows of `start..end`.
    fn text(&self, start: u64, end: u64, text_at: &[usize]) -> Option<Vec<TextColumn>> {
        let mut text: Vec<TextColumn> = text_at
            .iter()
            .map(|&j| TextColumn::new(&self.names[j], 0))
            .collect();
        self.each_line(start, end, &mut |_, fields| {
            push_text(&mut text, text_at, fields, self.rules);
            Some(())
        })?;
        Some(text)
    }

    /// Calls `row` with each row of `start..end` (its byte offset in the block, its fields);
    /// `None` on a quote, an error or a `None` from `row`, here or in another block (a failing
    /// block stops the others).
    pub(super) fn each_line(
        &self,
        start: u64,
        end: u64,
        row: &mut impl FnMut(u64, Fields<'_>) -> Option<()>,
    ) -> Option<()> {
        let read = self.lines(start, end, row);
        if read.is_none() {
            self.stop.store(true, Ordering::Relaxed);
        }
        read
    }

    /// The block read a chunk of whole lines at a time. Without quotes a row is a line and a
    /// field the text between delimiters, so the lines are split here directly: the general
    /// CSV state machine, and copying through its buffers, took a third of the read.
    fn lines(
        &self,
        start: u64,
        end: u64,
        row: &mut impl FnMut(u64, Fields<'_>) -> Option<()>,
    ) -> Option<()> {
        let mut file = File::open(self.path).ok()?;
        file.seek(SeekFrom::Start(start)).ok()?;
        let mut file = file.take(end - start);
        let mut chunk = vec![0u8; CHUNK];
        let (mut held, mut byte) = (0, 0u64);
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            let n = file.read(&mut chunk[held..]).ok()?;
            held += n;
            // Whole lines only, but the last line of the block may lack its line end.
            let whole = if n == 0 {
                held
            } else {
                match memchr::memrchr(b'\n', &chunk[..held]) {
                    Some(at) => at + 1,
                    // A line longer than the chunk: the one-thread reader takes the file.
                    None if held == chunk.len() => return None,
                    None => continue,
                }
            };
            let text = &chunk[..whole];
            if memchr::memchr(b'"', text).is_some() {
                return None;
            }
            let text = simdutf8::basic::from_utf8(text).ok()?;
            for line in text.split_terminator('\n') {
                let at = byte;
                byte += line.len() as u64 + 1;
                if let Some(fields) = self.fields(line) {
                    row(at, fields?)?;
                }
            }
            if n == 0 {
                return Some(());
            }
            chunk.copy_within(whole..held, 0);
            held -= whole;
        }
    }

    /// One line's fields, as the `csv` crate splits an unquoted line: `None` for a line pandas
    /// skips (blank, or only spaces without a delimiter); `Some(None)` for a `\r` inside the
    /// line, a line end of its own the one-thread reader handles.
    fn fields<'l>(&self, line: &'l str) -> Option<Option<Fields<'l>>> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // `trim` stops at the first visible character, so most lines cost no scan here.
        if line.trim().is_empty() && memchr::memchr(self.delimiter, line.as_bytes()).is_none() {
            return None;
        }
        let fields = Fields {
            rest: Some(line),
            delimiter: self.delimiter,
        };
        Some(
            memchr::memchr(b'\r', line.as_bytes())
                .is_none()
                .then_some(fields),
        )
    }
}

/// The fields of an unquoted line. A byte loop rather than `str::split`: fields are a few
/// bytes long, and `split`'s searcher (`memchr`) costs more to start than such a field to scan.
pub(super) struct Fields<'l> {
    /// What is left of the line; `None` once the last field is out.
    rest: Option<&'l str>,
    /// An ASCII byte, so every cut falls on a character boundary.
    delimiter: u8,
}

impl<'l> Iterator for Fields<'l> {
    type Item = &'l str;

    fn next(&mut self) -> Option<&'l str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == self.delimiter) {
            Some(at) => {
                self.rest = rest.get(at + 1..);
                rest.get(..at)
            }
            None => self.rest.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use polars::prelude::DataFrame;

    use super::*;
    use crate::error::Result;
    use crate::ingest::csv::cell_rules::PLAIN;
    use crate::ingest::csv::{CsvReader, Separator};

    /// The whole file, in parallel blocks from `parallel_min` bytes.
    fn read_file(path: &Path, separator: Separator, parallel_min: u64) -> Result<DataFrame> {
        CsvReader::new()
            .separator(separator)
            .parallel_from(parallel_min)
            .read(path)
    }

    /// The columns `keep`, in parallel blocks from `parallel_min` bytes.
    fn read_file_columns(
        path: &Path,
        separator: Separator,
        keep: &[String],
        parallel_min: u64,
    ) -> Result<DataFrame> {
        CsvReader::new()
            .separator(separator)
            .columns(keep)
            .parallel_from(parallel_min)
            .read(path)
    }

    /// `text` in a file of a temporary folder (removed when the folder is dropped).
    fn temp_csv(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("data.csv");
        std::fs::write(&path, text).expect("written");
        (dir, path)
    }

    /// The parallel first pass on four threads, whatever the machine has.
    fn four_blocks(path: &Path) -> Option<(Vec<String>, Vec<TypedColumn>)> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        pool.install(|| {
            first_pass(path, "data.csv", b',', None, 0, &PLAIN)
                .ok()
                .flatten()
        })
        .map(|first| (first.names, first.columns))
    }

    /// Reads `text` from a file on one thread and in four blocks.
    fn both_ways(
        text: &str,
    ) -> (
        crate::error::Result<DataFrame>,
        crate::error::Result<DataFrame>,
    ) {
        let (_dir, path) = temp_csv(text);
        let one = read_file(&path, Separator::Sniff, u64::MAX);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        let blocks = pool.install(|| read_file(&path, Separator::Sniff, 0));
        (one, blocks)
    }

    /// Rows whose columns change type in later blocks: integers that become floats, a column
    /// of gaps that becomes integers, booleans, booleans that meet a number, text at the end.
    fn shifting_types(rows: usize) -> String {
        let mut text = String::from("\u{feff}id,ints,late,flag,mixed,words,gappy\r\n");
        for i in 0..rows {
            let second_half = i >= rows / 2;
            let ints = if second_half && i % 97 == 0 {
                format!("{i}.5")
            } else {
                i.to_string()
            };
            let late = if second_half {
                (i % 5).to_string()
            } else {
                String::new()
            };
            let flag = if i % 11 == 0 {
                ""
            } else if i % 2 == 0 {
                "True"
            } else {
                "false"
            };
            let mixed = if i == rows - 3 {
                "7".to_string()
            } else {
                "TRUE".to_string()
            };
            let words = if i == rows - 1 {
                "text".to_string()
            } else {
                (i % 3).to_string()
            };
            // Integers with one gap, in the last block only: floats from the first row.
            let gappy = if i == rows * 7 / 8 {
                String::new()
            } else {
                i.to_string()
            };
            let _ = write!(text, "{i},{ints},{late},{flag},{mixed},{words},{gappy}\r\n");
            if i % 1000 == 0 {
                text.push_str("   \r\n");
            }
        }
        text
    }

    #[test]
    fn blocks_give_the_one_thread_frame_as_types_change_along_the_file() {
        let (one, blocks) = both_ways(&shifting_types(20_000));
        let (one, blocks) = (one.expect("one thread"), blocks.expect("blocks"));
        assert_eq!(one.schema(), blocks.schema());
        assert!(one.equals_missing(&blocks));
        let dtypes: Vec<String> = one.dtypes().iter().map(|d| d.to_string()).collect();
        assert_eq!(dtypes, ["i64", "f64", "f64", "bool", "str", "str", "f64"]);
        assert_eq!(blocks.column("gappy").expect("gappy").null_count(), 1);
        assert_eq!(one.height(), 20_000);
    }

    #[test]
    fn the_blocks_really_run_and_cut_at_line_ends() {
        let text = shifting_types(5_000);
        let (_dir, path) = temp_csv(&text);
        let (names, columns) = four_blocks(&path).expect("parallel pass");
        assert_eq!(
            names,
            ["id", "ints", "late", "flag", "mixed", "words", "gappy"]
        );
        assert!(columns.iter().all(|c| c.len() == 5_000));
        let (_, body) = header(&path, "data.csv", b',').expect("header");
        let cuts = cuts(&path, body, text.len() as u64, 4).expect("cuts");
        assert_eq!(cuts.len(), 5);
        for &cut in &cuts[1..cuts.len() - 1] {
            assert_eq!(text.as_bytes()[cut as usize - 1], b'\n', "cut at {cut}");
        }
    }

    #[test]
    fn text_columns_are_read_in_the_same_blocks() {
        let text = shifting_types(5_000);
        let (_dir, path) = temp_csv(&text);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        let text = pool
            .install(|| {
                let first = first_pass(&path, "data.csv", b',', None, 0, &PLAIN).ok()??;
                let text_at: Vec<usize> = (0..first.columns.len())
                    .filter(|&j| first.columns[j].is_text())
                    .collect();
                assert_eq!(text_at, [4, 5]);
                first.text_pass(&text_at)
            })
            .expect("a parallel text pass");
        assert_eq!(text.len(), 2);
        for column in &text {
            assert_eq!(column.len(), 5_000);
            assert_eq!(column.as_materialized_series().n_chunks(), 4);
        }
        assert_eq!(text[1].str().expect("text").get(4_999), Some("text"));
    }

    #[test]
    fn columns_asked_for_are_read_as_the_whole_file_types_them() {
        let mut quoted = shifting_types(3_000);
        quoted.push_str("3000,1,2,True,TRUE,\"two\r\nlines\",7\r\n");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        for text in [shifting_types(6_000), quoted] {
            let (_dir, path) = temp_csv(&text);
            let whole = read_file(&path, Separator::Sniff, u64::MAX).expect("whole file");
            for keep in [
                &["words"][..],
                &["gappy", "ints"],
                &["late", "id", "mixed", "flag"],
            ] {
                let keep: Vec<String> = keep.iter().map(|k| k.to_string()).collect();
                // The file's order, as pandas' usecols gives them.
                let expected = whole
                    .select(
                        whole
                            .get_column_names()
                            .into_iter()
                            .filter(|n| keep.contains(&n.to_string()))
                            .cloned(),
                    )
                    .expect("selected");
                for min in [0, u64::MAX] {
                    let got = pool
                        .install(|| read_file_columns(&path, Separator::Sniff, &keep, min))
                        .expect("columns");
                    assert_eq!(got.schema(), expected.schema(), "{keep:?} from {min}");
                    assert!(got.equals_missing(&expected), "{keep:?} from {min}");
                }
            }
            let err = read_file_columns(&path, Separator::Sniff, &["nope".into()], 0)
                .expect_err("no such column")
                .to_string();
            assert!(err.contains("\"nope\"") && err.contains("words"), "{err}");
        }
    }

    #[test]
    fn a_quoted_line_end_falls_back_to_one_thread() {
        let mut text = shifting_types(3_000);
        text.push_str("3000,1,2,True,TRUE,\"two\r\nlines\",7\r\n");
        let (one, blocks) = both_ways(&text);
        let (one, blocks) = (one.expect("one thread"), blocks.expect("blocks"));
        assert!(one.equals_missing(&blocks));
        assert_eq!(one.height(), 3_001);
        let (_dir, path) = temp_csv(&text);
        assert!(four_blocks(&path).is_none());
    }

    #[test]
    fn lines_the_blocks_split_themselves_read_as_the_csv_crate_reads_them() {
        // Blank and space-only lines (skipped), a tab-separated row of empty fields (kept),
        // a bare `\r` line end inside a block (sent back to the csv crate), no final newline.
        let mut text = String::from("a\tb\tc\n");
        for i in 0..6_000 {
            let _ = writeln!(text, "{i}\t{}\t{}.5", i % 7, i);
            match i % 1500 {
                10 => text.push('\n'),
                20 => text.push_str("  \r\n"),
                30 => text.push_str("\t\t\n"),
                _ => {}
            }
        }
        text.push_str("1\t2\t3");
        let (one, blocks) = both_ways(&text);
        let (one, blocks) = (one.expect("one thread"), blocks.expect("blocks"));
        assert!(one.equals_missing(&blocks));
        assert_eq!(one.height(), 6_005);
        assert_eq!(one.column("a").expect("a").null_count(), 4);

        let bare = text.replacen("7\t0\t7.5\n", "7\t0\t7.5\r8\t1\t8.5\n", 1);
        let (one, blocks) = both_ways(&bare);
        let (one, blocks) = (one.expect("one thread"), blocks.expect("blocks"));
        assert!(one.equals_missing(&blocks));
        assert_eq!(one.height(), 6_006);
        let (_dir, path) = temp_csv(&bare);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        assert!(pool
            .install(|| first_pass(&path, "data.csv", b'\t', None, 0, &PLAIN)
                .ok()
                .flatten())
            .is_none());
    }

    #[test]
    fn an_error_deep_in_the_file_names_its_line_as_the_one_thread_reader_does() {
        let mut text = shifting_types(4_000);
        text.push_str("1,2,3\r\n");
        let (one, blocks) = both_ways(&text);
        let (one, blocks) = (one.expect_err("ragged"), blocks.expect_err("ragged"));
        assert_eq!(one.to_string(), blocks.to_string());
        assert!(one.to_string().contains("line 4006"), "{one}");
    }
}
