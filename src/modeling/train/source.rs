//! Where a training run gets its table's columns ([`ColumnSource`]): a frame
//! ([`FrameColumns`]), or a CSV read a few columns a pass or streamed (`ingest::CsvColumns`).
//! The road decides what it asks for: every column at once, a few at a time, or numbers a
//! chunk of rows at a time.

use polars::prelude::{Column, DataFrame};

use crate::error::{Error, Result};
use crate::table::ColumnType;

/// Where a training run gets a table's columns.
pub trait ColumnSource {
    /// Every column's name, in the table's order.
    fn names(&self) -> &[String];
    /// How many columns to take at a time: memory against passes over the source.
    fn batch(&self) -> usize;
    /// The named columns as a frame (in any order: they are found by name); the source lets
    /// go of them.
    fn take(&mut self, names: &[String]) -> Result<DataFrame>;
    /// Every column, in the table's order, as the whole road wants the table.
    fn take_all(&mut self) -> Result<DataFrame> {
        let names = self.names().to_vec();
        self.take(&names)
    }
    /// Whether the source streams numeric columns ([`ColumnSource::stream_numbers`]) once the
    /// target has been taken, alone: then their values are binned as they come and never held.
    fn streams(&self) -> bool {
        false
    }
    /// How many `f64` values streamed training may hold at once for a table of `rows` rows
    /// (the binning subsample's values, the median's middle bins), so many columns a pass:
    /// one column's worth, or 4 Mi values (32 MiB) for a short table, so that the subsample
    /// of a 20-column table takes one pass.
    fn value_budget(&self, rows: usize) -> usize {
        default_value_budget(rows)
    }
    /// Hands the values of columns `names` at the sorted rows `rows` (every row when `None`)
    /// to `visit` a chunk at a time (see [`NumberVisit`]), and tells each column's type over
    /// those rows: only a numeric column's values count (a column may turn out to be text
    /// after some of its numbers were handed on). `None` when the source does not stream.
    fn stream_numbers(
        &mut self,
        names: &[String],
        rows: Option<&[usize]>,
        visit: &NumberVisit<'_>,
    ) -> Result<Option<Vec<ColumnType>>> {
        let _ = (names, rows, visit);
        Ok(None)
    }
}

/// [`ColumnSource::value_budget`]'s default for a table of `rows` rows.
pub fn default_value_budget(rows: usize) -> usize {
    rows.max(4 << 20)
}

/// Where [`ColumnSource::stream_numbers`] hands a chunk: `visit(column, first, values)`, with
/// `column` an index into the names asked for, `first` the position of the chunk's first value
/// (in the rows asked for, or in the table), and a gap as NaN. Called from any thread, for
/// disjoint runs of positions.
pub type NumberVisit<'a> = dyn Fn(usize, usize, &[f64]) + Sync + 'a;

/// A frame as a [`ColumnSource`]: each batch is taken out of it, so that its memory goes as
/// the bins come.
pub struct FrameColumns {
    df: DataFrame,
    names: Vec<String>,
}

impl FrameColumns {
    /// The frame's columns, to be taken.
    pub fn new(df: DataFrame) -> FrameColumns {
        let names = crate::polars_ext::column_names(&df);
        FrameColumns { df, names }
    }
}

impl ColumnSource for FrameColumns {
    fn names(&self) -> &[String] {
        &self.names
    }

    fn batch(&self) -> usize {
        rayon::current_num_threads()
    }

    fn take_all(&mut self) -> Result<DataFrame> {
        Ok(std::mem::take(&mut self.df))
    }

    fn take(&mut self, names: &[String]) -> Result<DataFrame> {
        let height = self.df.height();
        let columns: Vec<Column> = names
            .iter()
            .map(|name| {
                self.df
                    .drop_in_place(name)
                    .map_err(|_| Error::MissingColumn {
                        name: name.clone(),
                        available: self.names.join(", "),
                    })
            })
            .collect::<Result<_>>()?;
        Ok(DataFrame::new(height, columns)?)
    }
}
