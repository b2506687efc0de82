//! Request payloads: a pandas `DataFrame` sent as JSON, parsed into a table of raw cells
//! ([`Cell`]: finite numbers, booleans, text, missing values), which the model's
//! preprocessing then reads by each column's type.
//!
//! Every layout `DataFrame.to_json(orient=...)` writes is accepted, and MLflow's serving
//! wrappers around them:
//!
//! | shape | example |
//! |---|---|
//! | `columns` (pandas' default) | `{"RM":{"0":6.575,"1":7.1},"LSTAT":{"0":4.98,"1":9.1}}` |
//! | `index` | `{"0":{"RM":6.575,"LSTAT":4.98},"1":{"RM":7.1,"LSTAT":9.1}}` |
//! | `records` | `[{"RM":6.575,"LSTAT":4.98},{"RM":7.1,"LSTAT":9.1}]` |
//! | `split` | `{"columns":["RM","LSTAT"],"index":[0,1],"data":[[6.575,4.98],[7.1,9.1]]}` |
//! | MLflow | `{"dataframe_split":split}`, `{"dataframe_records":records}`, `{"instances":records}` |
//!
//! # How the shape is detected, in this order
//!
//! 1. A JSON array is `records` orient. Its elements must be objects: a list of lists has no
//!    column names and is rejected with a pointer to `split`.
//! 2. An object with exactly one key, `dataframe_split`, `dataframe_records`, `instances` or
//!    `inputs`, is an MLflow wrapper (`inputs`, MLflow's tensor input, is rejected with a pointer
//!    to the others). Exception: when the value is an object of plain values, the body is a
//!    one-column (or one-row) frame that happens to use that word as a name, and rule 4 applies.
//! 3. An object with keys `columns` and `data` whose values are not all objects is `split`
//!    orient. pandas' `split` holds lists while `columns`/`index` orient only ever holds objects,
//!    so a frame with columns named "columns" and "data" is still read as what it is.
//! 4. An object whose values are all objects is `columns` or `index` orient. The two look alike,
//!    so the expected feature names decide: `index` orient when more expected features appear as
//!    inner keys than as outer keys, otherwise `columns` (pandas' default, also used when no
//!    features are given). When no expected feature appears at all, that is the error. Row
//!    labels must therefore not be feature names, or a frame could be read transposed.
//! 5. Anything else is an unknown shape, answered with the accepted shapes and a hint where the
//!    mistake is a common one (a single record not wrapped in a list, a dict of lists).
//!
//! Rows keep the body's order: for `columns` orient, the order of the row labels in the first
//! column; the other columns are aligned to it by label.
//!
//! # Why a hand-written visitor
//!
//! Without serde_json's `preserve_order` feature, `serde_json::Value` sorts object keys, which
//! would reorder rows in `columns` orient, and keeps only the last of duplicate keys, which would
//! silently drop data. The private `Json` tree keeps keys in body order and rejects duplicates.
//!
//! Python's `json.dumps` writes NaN and infinities as bare `NaN`/`Infinity`/`-Infinity`, which
//! is not JSON. When parsing fails, such tokens in value position (and numbers like `1e400` that
//! overflow `f64`) are replaced by marker strings and the body is parsed again, so the answer
//! names the column and row holding them (422) instead of a bare syntax position (400). A bare
//! `NaN` is then a missing value, as pandas means it (MLflow's client sends gaps that way);
//! infinities and overflows are errors.
//!
//! # Cells, not numbers
//!
//! A cell is kept as JSON typed it ([`Cell`]: number, boolean, text, missing); the model's
//! preprocessing then reads each input column by its type, so the type errors (text for a
//! numeric column, a number for a text column) are named there, with the column and row.

mod build;
mod csv;
mod detect;
mod error;
mod json;
#[cfg(test)]
mod tests;
mod write;

pub use error::{ErrorKind, PayloadError};

pub use csv::parse_csv;

pub use crate::modeling::Cell;

use build::{
    check_table, default_index, finite, from_columns, from_index, from_lists, from_records,
    from_split,
};
use detect::{detect, Shape};
use error::suggest;
use json::{read_json, Positions};

/// Most columns a payload may have; wider bodies are refused before a table is allocated.
pub const MAX_COLUMNS: usize = 1_000;

/// The `orient` argument of pandas' `DataFrame.to_json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orient {
    /// `{column: {row label: value}}`, pandas' default.
    Columns,
    /// `{row label: {column: value}}`.
    Index,
    /// `[{column: value}, ...]`; row labels are not written.
    Records,
    /// `{"columns": [...], "index": [...], "data": [[...], ...]}`.
    Split,
}

impl Orient {
    /// Every orient, in pandas' documentation order.
    pub const ALL: [Orient; 4] = [Self::Columns, Self::Index, Self::Records, Self::Split];
}

/// A table of raw cells with unique column names and unique row labels, at least 1×1.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Column names, in payload order.
    pub columns: Vec<String>,
    /// Row labels, in payload order (`"0"`, `"1"`, ... when the payload has none).
    pub index: Vec<String>,
    /// Column-major: column `j` is `values[j * n_rows .. (j + 1) * n_rows]`.
    values: Vec<Cell>,
}

impl Frame {
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.index.len()
    }

    /// The cells of the column called `name`, top to bottom.
    pub fn column(&self, name: &str) -> Option<&[Cell]> {
        let j = self.columns.iter().position(|c| c == name)?;
        let n = self.n_rows();
        let start = j.checked_mul(n)?;
        self.values.get(start..start.checked_add(n)?)
    }

    /// The column called `name` as numbers, if every cell is a number.
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        self.column(name)?
            .iter()
            .map(|c| match c {
                Cell::Number(x) => Some(*x),
                _ => None,
            })
            .collect()
    }

    /// The model's input columns in order, and the payload's other columns (ignored).
    pub fn select(&self, features: &[String]) -> Result<(Vec<&[Cell]>, Vec<String>), PayloadError> {
        self.check_consistent()?;
        let picked: Vec<Option<&[Cell]>> = features.iter().map(|f| self.column(f)).collect();
        let missing: Vec<String> = features
            .iter()
            .zip(&picked)
            .filter(|(_, column)| column.is_none())
            .map(|(feature, _)| feature.clone())
            .collect();
        if !missing.is_empty() {
            return Err(self.missing_features(missing, features));
        }
        let wanted = Positions::new(features);
        let ignored = self
            .columns
            .iter()
            .filter(|c| !wanted.contains(c.as_str()))
            .cloned()
            .collect();
        Ok((picked.into_iter().flatten().collect(), ignored))
    }

    /// Build a frame of numbers from rows, as a notebook writes a request; an empty `index`
    /// means 0, 1, ...
    pub fn from_rows(
        columns: Vec<String>,
        index: Vec<String>,
        rows: Vec<Vec<f64>>,
    ) -> Result<Frame, PayloadError> {
        let cells = rows
            .into_iter()
            .map(|row| row.into_iter().map(Cell::Number).collect())
            .collect();
        Frame::from_cells(columns, index, cells)
    }

    /// Build a frame from rows of cells (text, booleans, gaps); an empty `index` means 0, 1, ...
    ///
    /// ```
    /// use ml_workflow::serving::{Cell, Frame, Orient};
    ///
    /// let frame = Frame::from_cells(
    ///     vec!["size".into(), "city".into()],
    ///     vec![],
    ///     vec![vec![Cell::Number(2.5), Cell::Text("north".into())], vec![Cell::Missing, Cell::Missing]],
    /// )?;
    /// assert_eq!(frame.to_json(Orient::Records), r#"[{"size":2.5,"city":"north"},{"size":null,"city":null}]"#);
    /// # Ok::<(), ml_workflow::serving::PayloadError>(())
    /// ```
    pub fn from_cells(
        columns: Vec<String>,
        index: Vec<String>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<Frame, PayloadError> {
        let index = if index.is_empty() {
            default_index(rows.len())
        } else {
            index
        };
        let widths: Vec<usize> = rows.iter().map(Vec::len).collect();
        check_table(&columns, &index, &widths)?;
        // Cells move into place (no clone), and each row's vector is freed as it is emptied.
        let n = rows.len();
        let mut values = vec![Cell::Missing; n * columns.len()];
        for (i, row) in rows.into_iter().enumerate() {
            for (j, cell) in row.into_iter().enumerate() {
                values[j * n + i] = finite_cell(cell, &columns[j], &index[i])?;
            }
        }
        Ok(Frame {
            columns,
            index,
            values,
        })
    }

    /// Build a frame from whole columns (labels 0, 1, ...), moving their cells: how the v2
    /// protocol's tensors become a frame.
    pub fn from_column_vecs(
        names: Vec<String>,
        columns: Vec<Vec<Cell>>,
    ) -> Result<Frame, PayloadError> {
        let n = columns.first().map_or(0, Vec::len);
        let index = default_index(n);
        let widths = vec![names.len(); n];
        check_table(&names, &index, &widths)?;
        if let Some((name, column)) = names.iter().zip(&columns).find(|(_, c)| c.len() != n) {
            return Err(PayloadError::RaggedRows {
                row: name.clone(),
                len: column.len(),
                first_row: names[0].clone(),
                expected: n,
            });
        }
        let mut values = Vec::with_capacity(n * names.len());
        for (name, column) in names.iter().zip(columns) {
            for (i, cell) in column.into_iter().enumerate() {
                values.push(finite_cell(cell, name, &index[i])?);
            }
        }
        Ok(Frame {
            columns: names,
            index,
            values,
        })
    }

    /// The cell at `row`, `col`; `None` only if the public fields were changed by hand.
    fn value(&self, row: usize, col: usize) -> Option<&Cell> {
        let at = col.checked_mul(self.n_rows())?.checked_add(row)?;
        self.values.get(at)
    }

    fn check_consistent(&self) -> Result<(), PayloadError> {
        if self.columns.len().checked_mul(self.n_rows()) == Some(self.values.len()) {
            return Ok(());
        }
        Err(PayloadError::Inconsistent {
            columns: self.columns.len(),
            rows: self.n_rows(),
            values: self.values.len(),
        })
    }

    fn missing_features(&self, missing: Vec<String>, features: &[String]) -> PayloadError {
        // Only columns the model does not use can be what the client meant instead.
        let candidates: Vec<&str> = self
            .columns
            .iter()
            .map(String::as_str)
            .filter(|c| !features.iter().any(|f| f == c))
            .collect();
        let suggestions = missing.iter().map(|m| suggest(m, &candidates)).collect();
        PayloadError::MissingFeatures {
            missing,
            suggestions,
            available: self.columns.clone(),
        }
    }
}

/// A cell as it may enter a frame: a number must be finite (the error names column and row).
fn finite_cell(cell: Cell, column: &str, row: &str) -> Result<Cell, PayloadError> {
    if let Cell::Number(x) = cell {
        finite(x, column, row)?;
    }
    Ok(cell)
}

/// Parse a request body in any accepted shape (see the module docs for how it is recognised).
///
/// `features` are the model's expected feature names; they tell `columns` from `index` orient.
pub fn parse(body: &[u8], features: &[String]) -> Result<Frame, PayloadError> {
    let json = read_json(body)?;
    match detect(&json, features)? {
        Shape::Records(rows) => from_records(rows),
        Shape::Lists(columns) => from_lists(columns),
        Shape::Split(entries) => from_split(entries),
        Shape::Columns(entries) => from_columns(entries),
        Shape::Index(entries) => from_index(entries),
    }
}
