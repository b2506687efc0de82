//! A large CSV file's numbers read again, a chunk of rows at a time, in the blocks its first
//! parallel pass cut ([`Blocks`]): each block types its rows as that pass did
//! ([`TypedColumn`]) and hands each column's numbers on every [`FLUSH_ROWS`] rows, so that a
//! caller bins them as they come and no column is ever held whole
//! ([`crate::modeling::binned`]'s streamed training). A pass may read only some rows (a
//! sorted list): the others are split off their line and never parsed.
//!
//! The blocks' row counts come from the first pass, so every row has its place in the table
//! before it is read; a block that reads a different number of rows (the file changed) is an
//! error.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use rayon::prelude::*;

use super::columns::{PartType, TypedColumn};
use super::csv::{new_columns, push_fields};
use super::parallel::Block;
use crate::error::{Error, Result};
use crate::modeling::binned::NumberVisit;

/// Rows a block types before handing their numbers on: a few hundred kilobytes of values a
/// block, and few enough hand-overs that they cost nothing.
const FLUSH_ROWS: usize = 16_384;

/// A file cut at line ends into the blocks its parallel first pass read, with each block's
/// rows.
pub struct Blocks {
    pub(super) path: PathBuf,
    pub(super) source: String,
    pub(super) delimiter: u8,
    pub(super) names: Vec<String>,
    /// Byte offsets: block `k` is `cuts[k]..cuts[k + 1]`.
    pub(super) cuts: Vec<u64>,
    pub(super) rows: Vec<usize>,
}

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
        let mut failed = None;
        let read = self
            .block
            .each_line(blocks.cuts[k], blocks.cuts[k + 1], &mut |_, fields| {
                let this = row;
                row += 1;
                if let Some(wanted) = wanted {
                    if wanted.get(next) != Some(&this) {
                        return Some(());
                    }
                    next += 1;
                }
                if let Err(e) = push_fields(&mut columns, fields, 0, &blocks.names, &blocks.source)
                {
                    failed = Some(e);
                    return None;
                }
                pushed += 1;
                if pushed - flushed == FLUSH_ROWS {
                    self.flush(&mut columns, offset + flushed, &mut types, &mut buffer);
                    flushed = pushed;
                }
                Some(())
            });
        if let Some(e) = failed {
            return Err(e);
        }
        if read.is_none() || row != range.end {
            return Err(Error::invalid(
                "file",
                format!(
                    "{} changed while it was read: a block of {} rows read as {}",
                    blocks.source,
                    range.len(),
                    row - range.start
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
