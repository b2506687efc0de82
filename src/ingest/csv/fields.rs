//! The field kernel under both CSV readers (the one-thread reader in `csv.rs` and the
//! parallel first pass in `parallel.rs`): header names, the columns asked for, one row's
//! fields pushed into typed or text columns, and the columns sized from the bytes so far.

use super::cell_rules::CellRules;
use super::typed_columns::{TextColumn, TypedColumn};
use crate::error::{Error, Result};

/// The header row's fields as column names: trimmed, and an empty one (a trailing separator in
/// a spreadsheet export) named as pandas names it.
pub(super) fn header_names<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<String> {
    fields
        .enumerate()
        .map(|(j, h)| match h.trim() {
            "" => format!("Unnamed: {j}"),
            name => name.to_string(),
        })
        .collect()
}

/// An error naming the first column the header names twice.
pub(super) fn check_unique(headers: &[String], source: &str) -> Result<()> {
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

/// Which of `names` to keep: all, or those in `keep` (each of which must be there).
pub(super) fn keep_mask(names: &[String], keep: Option<&[String]>) -> Result<Vec<bool>> {
    let Some(keep) = keep else {
        return Ok(vec![true; names.len()]);
    };
    if let Some(missing) = keep.iter().find(|k| !names.contains(k)) {
        return Err(Error::MissingColumn {
            name: missing.clone(),
            available: names.join(", "),
        });
    }
    Ok(names.iter().map(|n| keep.contains(n)).collect())
}

/// A fresh column for each name: typed when kept, counted only when not.
pub(super) fn new_columns(keep: &[bool]) -> Vec<TypedColumn> {
    keep.iter()
        .map(|&k| {
            if k {
                TypedColumn::default()
            } else {
                TypedColumn::skipped()
            }
        })
        .collect()
}

/// Rows read before the columns are sized from the bytes they took.
pub(super) const SIZE_SAMPLE_ROWS: u64 = 1024;

/// Reserves room for the rows still to come, estimated from the bytes the first `rows` took
/// (`byte` is where the current row starts): columns that grow by doubling would otherwise
/// hold up to twice their size.
pub(super) fn reserve_for(columns: &mut [TypedColumn], size: Option<u64>, byte: u64, rows: u64) {
    let (Some(size), Some(per_row)) = (size, byte.checked_div(rows)) else {
        return;
    };
    let Some(total) = size.checked_div(per_row.max(1)) else {
        return;
    };
    // Never more than the file's size in 8-byte values (every cell takes at least 2 bytes of
    // text), whatever rows the sample held, so a short first stretch cannot over-reserve.
    let cap = size / (8 * columns.len().max(1) as u64);
    let more = (total + total / 20).min(cap).saturating_sub(rows);
    for column in columns {
        column.reserve(usize::try_from(more).unwrap_or(0));
    }
}

/// Adds one row's cells of the columns at `text_at` to `text` (in the same order), a user's
/// missing-value marker as a gap.
pub(super) fn push_text<'f>(
    text: &mut [TextColumn],
    text_at: &[usize],
    fields: impl Iterator<Item = &'f str>,
    rules: &CellRules,
) {
    let mut k = 0;
    for (j, cell) in fields.enumerate() {
        if text_at.get(k) == Some(&j) {
            if let Some(column) = text.get_mut(k) {
                column.push(rules.text(cell));
            }
            k += 1;
        }
    }
}

/// Adds one row's fields to the columns, through the user's cell rules; a row of the wrong
/// width names its line (`at`: line and source) and column.
pub(super) fn push_fields<'f>(
    columns: &mut [TypedColumn],
    fields: impl Iterator<Item = &'f str>,
    at: (usize, &str),
    names: &[String],
    rules: &CellRules,
) -> Result<()> {
    let (line, source) = at;
    let mut n = 0;
    let plain = rules.is_plain();
    for (j, cell) in fields.enumerate() {
        if let Some(column) = columns.get_mut(j) {
            if plain {
                column.push(cell);
            } else {
                column.push(&rules.rewrite(cell));
            }
        }
        n = j + 1;
    }
    if n == names.len() {
        return Ok(());
    }
    let column = if n < names.len() {
        names.get(n)
    } else {
        names.last()
    };
    Err(Error::Parse {
        source_name: source.into(),
        line,
        column: column.cloned(),
        message: format!("expected {} fields, found {n}", names.len()),
    })
}
