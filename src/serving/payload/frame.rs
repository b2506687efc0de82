//! The frame every payload becomes: a table of raw cells with unique column names and row
//! labels ([`Frame`]), pandas' orients ([`Orient`]), and the rules every table obeys however it
//! arrived (at least 1×1, at most [`MAX_COLUMNS`] wide, rectangular, unique labels, finite
//! numbers).

use std::collections::HashSet;

use super::payload_error::PayloadError;
use super::positions::Positions;
use crate::table::names::suggest;
use crate::table::Cell;

/// Index labels written as JSON numbers must come back through `f64` unchanged: 15 digits do.
pub(crate) const MAX_NUMERIC_LABEL_DIGITS: usize = 15;

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
    pub(super) values: Vec<Cell>,
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
    pub(super) fn value(&self, row: usize, col: usize) -> Option<&Cell> {
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

/// Checks a table given as rows: at least 1×1, unique labels, and a rectangle as wide as the
/// column list. `widths` holds each row's length.
pub(super) fn check_table(
    columns: &[String],
    index: &[String],
    widths: &[usize],
) -> Result<(), PayloadError> {
    if widths.is_empty() {
        return Err(PayloadError::NoRows);
    }
    if columns.is_empty() {
        return Err(PayloadError::NoColumns);
    }
    check_column_count(columns.len())?;
    if let Some(column) = first_duplicate(columns) {
        return Err(PayloadError::DuplicateColumn { column });
    }
    if index.len() != widths.len() {
        return Err(PayloadError::IndexLengthMismatch {
            labels: index.len(),
            rows: widths.len(),
        });
    }
    if let Some(row) = first_duplicate(index) {
        return Err(PayloadError::DuplicateRowLabel { row });
    }
    check_widths(columns.len(), index, widths)
}

/// Every row as wide as the first, and the first as wide as the column list.
pub(super) fn check_widths(
    n_columns: usize,
    index: &[String],
    widths: &[usize],
) -> Result<(), PayloadError> {
    let (Some(&expected), Some(first_row)) = (widths.first(), index.first()) else {
        return Ok(());
    };
    let ragged = index.iter().zip(widths).find(|(_, &len)| len != expected);
    if let Some((row, &len)) = ragged {
        return Err(PayloadError::RaggedRows {
            row: row.clone(),
            len,
            first_row: first_row.clone(),
            expected,
        });
    }
    if expected != n_columns {
        return Err(PayloadError::ColumnCountMismatch {
            columns: n_columns,
            width: expected,
        });
    }
    Ok(())
}

/// Builds a frame from rows that passed [`check_table`], converting each cell with `cell`.
pub(super) fn from_checked_rows<T, R: AsRef<[T]>>(
    columns: Vec<String>,
    index: Vec<String>,
    rows: &[R],
    convert: impl Fn(&T, &str, &str) -> Result<Cell, PayloadError>,
) -> Result<Frame, PayloadError> {
    let n = rows.len();
    let mut values = vec![Cell::Missing; n * columns.len()];
    for (i, (label, row)) in index.iter().zip(rows).enumerate() {
        for (j, (name, value)) in columns.iter().zip(row.as_ref()).enumerate() {
            if let Some(slot) = values.get_mut(j * n + i) {
                *slot = convert(value, name, label)?;
            }
        }
    }
    Ok(Frame {
        columns,
        index,
        values,
    })
}

/// `x` if finite, else an error naming its column and row.
pub(super) fn finite(x: f64, column: &str, row: &str) -> Result<f64, PayloadError> {
    if x.is_finite() {
        return Ok(x);
    }
    Err(PayloadError::NotFinite {
        column: column.to_owned(),
        row: row.to_owned(),
        value: x.to_string(),
    })
}

/// At most [`MAX_COLUMNS`] columns.
pub(super) fn check_column_count(count: usize) -> Result<(), PayloadError> {
    if count > MAX_COLUMNS {
        return Err(PayloadError::TooManyColumns {
            count,
            max: MAX_COLUMNS,
        });
    }
    Ok(())
}

/// The first label that appears twice.
pub(super) fn first_duplicate(labels: &[String]) -> Option<String> {
    let mut seen = HashSet::new();
    labels.iter().find(|l| !seen.insert(l.as_str())).cloned()
}

/// pandas' default row labels: `"0"`, `"1"`, ...
pub(super) fn default_index(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}
