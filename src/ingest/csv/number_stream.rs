//! A large CSV file's numbers read again, a chunk of rows at a time, in the blocks its first
//! parallel pass cut ([`Blocks`]): each block types its rows as the reader types them
//! ([`TypedColumn`]) and hands each column's numbers on every [`FLUSH_ROWS`] rows, so that a
//! caller bins them as they come and no column is ever held whole
//! (`modeling::train`'s streamed road). A pass may read only some rows (a
//! sorted list): the others are split off their line and never parsed.
//!
//! The blocks' row counts come from the first pass, so every row has its place in the table
//! before it is read; a block that reads a different number of rows, or a line it cannot read
//! (the file changed), is an error. A pass that reads only some rows types them afresh, so a
//! column may be in another state when a cell comes than in the first pass (integers rather
//! than floats); [`TypedColumn::take_numbers`] hands on what the whole column's type makes of
//! each cell either way.

use std::sync::atomic::AtomicBool;

use rayon::prelude::*;

use super::blocks::Blocks;
use super::fields::{new_columns, push_fields};
use super::parallel::Block;
use super::typed_columns::{PartType, TypedColumn};
use crate::error::{Error, Result};
use crate::modeling::train::NumberVisit;

/// Rows a block types before handing their numbers on: a few hundred kilobytes of values a
/// block, and few enough hand-overs that they cost nothing.
const FLUSH_ROWS: usize = 16_384;

impl Blocks {
    /// Streams the numbers of `columns` at the sorted table rows `rows` (every row when
    /// `None`) to `visit(column, first, values)`: `column` indexes `columns`, `first` is the
    /// first value's position (in `rows`, or the table), a gap is NaN. Blocks run in parallel,
    /// so `visit` is called from any thread, for disjoint runs of positions. The type of each
    /// column over those rows comes back: what pandas would make of them (a column that is
    /// not numeric there may have had numbers handed on before its text was met).
    pub fn numbers(
        &self,
        columns: &[String],
        rows: Option<&[usize]>,
        visit: &NumberVisit<'_>,
    ) -> Result<Vec<PartType>> {
        let at: Vec<usize> = columns
            .iter()
            .map(|name| {
                self.names
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| Error::MissingColumn {
                        name: name.clone(),
                        available: self.names.join(", "),
                    })
            })
            .collect::<Result<_>>()?;
        let mut keep = vec![false; self.names.len()];
        for &j in &at {
            keep[j] = true;
        }
        let starts: Vec<usize> = self
            .rows
            .iter()
            .scan(0, |start, &n| {
                let this = *start;
                *start += n;
                Some(this)
            })
            .collect();
        let stop = AtomicBool::new(false);
        let block = Block {
            path: &self.path,
            source: &self.source,
            delimiter: self.delimiter,
            rules: &self.rules,
            names: &self.names,
            stop: &stop,
        };
        let pass = Pass {
            block: &block,
            keep: &keep,
            at: &at,
            visit,
        };
        let parts: Vec<Result<Vec<PartType>>> = (0..self.rows.len())
            .into_par_iter()
            .map(|k| {
                let range = starts[k]..starts[k] + self.rows[k];
                pass.block(self, k, range, rows)
            })
            .collect();
        let mut types = vec![PartType::EMPTY; at.len()];
        for part in parts {
            for (t, p) in types.iter_mut().zip(part?) {
                *t = t.joined(p);
            }
        }
        Ok(types)
    }
}

/// What the blocks of one [`Blocks::numbers`] pass share.
struct Pass<'a> {
    block: &'a Block<'a>,
    /// The file's columns to type (the others are counted).
    keep: &'a [bool],
    /// The file positions of the columns asked for, in the caller's order.
    at: &'a [usize],
    visit: &'a NumberVisit<'a>,
}

impl Pass<'_> {
    /// Block `k`, whose rows are `range` of the table: the wanted ones (all, or those of
    /// `rows` in the range) typed and handed on a chunk at a time.
    fn block(
        &self,
        blocks: &Blocks,
        k: usize,
        range: std::ops::Range<usize>,
        rows: Option<&[usize]>,
    ) -> Result<Vec<PartType>> {
        // The wanted rows of this block, and the position of the first in the caller's list.
        let (wanted, offset) = match rows {
            Some(rows) => {
                let lo = rows.partition_point(|&r| r < range.start);
                let hi = rows.partition_point(|&r| r < range.end);
                (Some(&rows[lo..hi]), lo)
            }
            None => (None, range.start),
        };
        let mut columns = new_columns(self.keep);
        let mut types = vec![PartType::EMPTY; self.at.len()];
        let mut buffer = Vec::with_capacity(FLUSH_ROWS);
        let (mut row, mut next, mut pushed, mut flushed) = (range.start, 0, 0, 0);
        let (start, end) = (blocks.cuts[k], blocks.cuts[k + 1]);
        let read = self.block.each_line(start, end, &mut |_, fields| {
            let this = row;
            row += 1;
            // More rows than the first pass counted: stop before writing past the block.
            if this >= range.end {
                return None;
            }
            if let Some(wanted) = wanted {
                if wanted.get(next) != Some(&this) {
                    return Some(());
                }
                next += 1;
            }
            // The first pass read this line without error, so an error means a changed file.
            let at = (0, blocks.source.as_str());
            push_fields(&mut columns, fields, at, &blocks.names, &blocks.rules).ok()?;
            pushed += 1;
            if pushed - flushed == FLUSH_ROWS {
                self.flush(&mut columns, offset + flushed, &mut types, &mut buffer);
                flushed = pushed;
            }
            Some(())
        });
        if read.is_none() || row != range.end {
            // Every failure here is the file's change: the first pass read it all (a block
            // stopped by another's failure says the same).
            return Err(Error::invalid(
                "file",
                format!(
                    "{} changed while it was read: its bytes {start}..{end} no longer read as \
                     the {} rows they held at first",
                    blocks.source,
                    range.len()
                ),
            ));
        }
        self.flush(&mut columns, offset + flushed, &mut types, &mut buffer);
        Ok(types)
    }

    /// Hands on each wanted column's numbers since the last flush (`first`: the first one's
    /// position), adding their type to `types`.
    fn flush(
        &self,
        columns: &mut [TypedColumn],
        first: usize,
        types: &mut [PartType],
        buffer: &mut Vec<f64>,
    ) {
        for (i, &j) in self.at.iter().enumerate() {
            buffer.clear();
            types[i] = types[i].joined(columns[j].take_numbers(buffer));
            if !buffer.is_empty() {
                (self.visit)(i, first, buffer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::sync::Mutex;

    use crate::ingest::csv::cell_rules::PLAIN;
    use crate::ingest::csv::parallel::first_pass;
    use crate::table::ColumnType;

    /// Four threads, whatever the machine has.
    fn four() -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool")
    }

    #[test]
    fn every_wanted_row_is_handed_on_once_at_its_place_and_a_changed_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.csv");
        let mut text = String::from("a,b\n");
        for i in 0..50_000u32 {
            writeln!(text, "{i},{}", i % 3).expect("row");
        }
        std::fs::write(&path, &text).expect("written");
        let pool = four();
        let blocks = pool
            .install(|| first_pass(&path, "data.csv", b',', None, 0, &PLAIN))
            .expect("read")
            .expect("blocks")
            .blocks();
        assert!(blocks.rows.len() > 1, "{:?}", blocks.rows);
        let stream = |rows: Option<&[usize]>| {
            let seen = Mutex::new(Vec::new());
            let types = pool.install(|| {
                blocks.numbers(&["a".into()], rows, &|c, first, chunk| {
                    assert_eq!(c, 0);
                    let mut seen = seen.lock().expect("lock");
                    seen.extend(chunk.iter().enumerate().map(|(i, x)| (first + i, *x)));
                })
            });
            let mut seen = seen.into_inner().expect("lock");
            seen.sort_by_key(|s| s.0);
            types.map(|t| (t, seen))
        };
        // Every row: position i holds a's value i.
        let (types, seen) = stream(None).expect("streamed");
        assert_eq!(types[0].column_type(), ColumnType::Integer);
        assert_eq!(seen.len(), 50_000);
        assert!(seen.iter().all(|&(i, x)| x == i as f64));
        // Some rows, across the blocks' cuts: position k holds row rows[k].
        let rows: Vec<usize> = (0..50_000).filter(|r| r % 7 == 3).collect();
        let (_, seen) = stream(Some(&rows)).expect("streamed");
        assert_eq!(seen.len(), rows.len());
        assert!(seen.iter().all(|&(k, x)| x == rows[k] as f64));
        // A row more, or a line that no longer reads: the file changed. (Bytes past the first
        // pass's end are not read at all: the blocks keep to their cuts.)
        let changed = |text: String| {
            std::fs::write(&path, text).expect("written");
            match stream(None) {
                Ok(_) => panic!("a changed file streamed"),
                Err(e) => e.to_string(),
            }
        };
        let err = changed(text.replacen("\n7,1\n", "\n7,1\n7,1\n", 1));
        assert!(err.contains("changed while it was read"), "{err}");
        let err = changed(text.replacen("\n7,1\n", "\n7,1,9\n", 1));
        assert!(err.contains("changed while it was read"), "{err}");
    }
}
