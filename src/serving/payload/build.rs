//! One builder per orient: from the detected shape to a checked [`Frame`] of cells.

use std::collections::HashSet;

use super::detect::{unknown, SPLIT_NEEDS};
use super::frame::{
    check_column_count, check_table, default_index, finite, from_checked_rows, Frame,
};
use super::json::Json;
use super::payload_error::{quoted, PayloadError};
use super::positions::Positions;
use crate::table::Cell;

/// `columns` orient: `{column: {row label: value}}`; rows in the first column's order.
pub(super) fn from_columns(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
    check_column_count(entries.len())?;
    let Some((reference, first)) = entries.first() else {
        return Err(PayloadError::NoRows);
    };
    let index: Vec<String> = first.entries().iter().map(|(l, _)| l.clone()).collect();
    let position = Positions::new(&index);
    let mut values = Vec::new();
    for (name, column) in entries {
        // Checked before anything is allocated for the column, so memory follows the body.
        check_same_labels(name, column.entries(), reference, &index, &position)?;
        values.extend(aligned_column(
            name,
            column.entries(),
            &position,
            index.len(),
        )?);
    }
    if index.is_empty() {
        return Err(PayloadError::NoRows);
    }
    let columns = entries.iter().map(|(name, _)| name.clone()).collect();
    Ok(Frame {
        columns,
        index,
        values,
    })
}

/// In `columns` orient every column must have the first column's row labels, in any order.
pub(super) fn check_same_labels(
    name: &str,
    cells: &[(String, Json)],
    reference: &str,
    index: &[String],
    position: &Positions,
) -> Result<(), PayloadError> {
    // Keys are unique (the visitor saw to it), so equal size and inclusion mean the same set.
    let known = |label: &String| position.contains(label);
    if cells.len() == index.len() && cells.iter().all(|(label, _)| known(label)) {
        return Ok(());
    }
    let present: HashSet<&str> = cells.iter().map(|(label, _)| label.as_str()).collect();
    Err(PayloadError::IndexMismatch {
        column: name.to_owned(),
        reference: reference.to_owned(),
        missing: index
            .iter()
            .filter(|l| !present.contains(l.as_str()))
            .cloned()
            .collect(),
        unexpected: cells
            .iter()
            .map(|(label, _)| label)
            .filter(|l| !known(l))
            .cloned()
            .collect(),
    })
}

/// One `columns`-orient column, its cells put in the reference row order.
pub(super) fn aligned_column(
    name: &str,
    cells: &[(String, Json)],
    position: &Positions,
    n_rows: usize,
) -> Result<Vec<Cell>, PayloadError> {
    let mut column = vec![Cell::Missing; n_rows];
    for (label, value) in cells {
        let slot = position.get(label).and_then(|i| column.get_mut(i));
        if let Some(slot) = slot {
            *slot = cell(value, name, label)?;
        }
    }
    Ok(column)
}

/// `index` orient: `{row label: {column: value}}`.
pub(super) fn from_index(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
    let index = entries.iter().map(|(label, _)| label.clone()).collect();
    let rows: Vec<&[(String, Json)]> = entries.iter().map(|(_, row)| row.entries()).collect();
    from_row_objects(index, &rows)
}

/// MLflow's columnar input, `{column: [value, ...]}`: every list as long as the first, rows
/// labelled `"0"`, `"1"`, ...
pub(super) fn from_lists(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
    check_column_count(entries.len())?;
    let columns: Vec<String> = entries.iter().map(|(k, _)| k.clone()).collect();
    let lists = entries
        .iter()
        .map(|(name, value)| match value {
            Json::Array(items) => Ok(items.as_slice()),
            other => Err(unknown(format!(
                "the value of {} is {}, but columnar input maps every column to a list",
                quoted(name),
                other.kind_name()
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let n = lists.first().map_or(0, |l| l.len());
    if let Some((name, list)) = columns.iter().zip(&lists).find(|(_, l)| l.len() != n) {
        return Err(unknown(format!(
            "column {} has {} values but column {} has {n}",
            quoted(name),
            list.len(),
            quoted(&columns[0])
        )));
    }
    let rows: Vec<Vec<&Json>> = (0..n)
        .map(|i| lists.iter().map(|l| &l[i]).collect())
        .collect();
    let index = default_index(n);
    check_table(&columns, &index, &vec![columns.len(); n])?;
    from_checked_rows(columns, index, &rows, |v, c, r| cell(v, c, r))
}

/// `records` orient: `[{column: value}, ...]`, labelled `"0"`, `"1"`, ... as pandas does.
pub(super) fn from_records(items: &[Json]) -> Result<Frame, PayloadError> {
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Json::Object(entries) => Ok(entries.as_slice()),
            other => Err(not_a_record(i, other)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    from_row_objects(default_index(rows.len()), &rows)
}

pub(super) fn not_a_record(i: usize, item: &Json) -> PayloadError {
    if matches!(item, Json::Array(_)) {
        return unknown(format!(
            "row {i} is a list of values without column names; send each record as an object \
             {{\"column\": value}}, or use split orient {{\"columns\":[...],\"data\":[[...]]}}"
        ));
    }
    unknown(format!(
        "row {i} is {}, but a record is an object {{\"column\": value}}",
        item.kind_name()
    ))
}

/// Rows given as objects; columns in order of first appearance, every row must have them all.
pub(super) fn from_row_objects(
    index: Vec<String>,
    rows: &[&[(String, Json)]],
) -> Result<Frame, PayloadError> {
    if rows.is_empty() {
        return Err(PayloadError::NoRows);
    }
    let columns = union_of_keys(rows)?;
    if columns.is_empty() {
        return Err(PayloadError::NoColumns);
    }
    // Complete rows are checked first, so the table allocated below is as big as the body.
    for (label, row) in index.iter().zip(rows) {
        if row.len() != columns.len() {
            return Err(missing_cell(&columns, row, label));
        }
    }
    let position = Positions::new(&columns);
    let n = rows.len();
    let mut values = vec![Cell::Missing; n * columns.len()];
    for (i, (label, row)) in index.iter().zip(rows).enumerate() {
        for (name, value) in *row {
            let slot = position.get(name).and_then(|j| values.get_mut(j * n + i));
            if let Some(slot) = slot {
                *slot = cell(value, name, label)?;
            }
        }
    }
    Ok(Frame {
        columns,
        index,
        values,
    })
}

pub(super) fn union_of_keys(rows: &[&[(String, Json)]]) -> Result<Vec<String>, PayloadError> {
    let mut seen = HashSet::new();
    let mut columns = Vec::new();
    for (name, _) in rows.iter().flat_map(|row| row.iter()) {
        if seen.insert(name.as_str()) {
            columns.push(name.clone());
        }
    }
    check_column_count(columns.len())?;
    Ok(columns)
}

pub(super) fn missing_cell(
    columns: &[String],
    row: &[(String, Json)],
    label: &str,
) -> PayloadError {
    let present: HashSet<&str> = row.iter().map(|(name, _)| name.as_str()).collect();
    let column = columns
        .iter()
        .find(|c| !present.contains(c.as_str()))
        .cloned()
        .unwrap_or_default();
    PayloadError::MissingCell {
        column,
        row: label.to_owned(),
    }
}

/// The parts of a `split` payload.
pub(super) struct SplitParts<'a> {
    columns: &'a Json,
    index: Option<&'a Json>,
    data: &'a Json,
}

/// `split` orient: `{"columns": [...], "index": [...], "data": [[...], ...]}`, index optional.
pub(super) fn from_split(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
    let parts = split_parts(entries)?;
    let columns = labels(parts.columns, "columns")?;
    check_column_count(columns.len())?;
    let rows = data_rows(parts.data)?;
    let index = match parts.index {
        Some(json) => labels(json, "index")?,
        None => default_index(rows.len()),
    };
    let widths: Vec<usize> = rows.iter().map(|row| row.len()).collect();
    check_table(&columns, &index, &widths)?;
    from_checked_rows(columns, index, &rows, cell)
}

pub(super) fn split_parts(entries: &[(String, Json)]) -> Result<SplitParts<'_>, PayloadError> {
    let (mut columns, mut index, mut data) = (None, None, None);
    for (key, value) in entries {
        match key.as_str() {
            "columns" => columns = Some(value),
            "index" => index = Some(value),
            "data" => data = Some(value),
            other => {
                return Err(unknown(format!(
                    "unexpected key {} in a split payload, which has \"columns\", \"data\" and \
                     optionally \"index\"",
                    quoted(other)
                )))
            }
        }
    }
    match (columns, data) {
        (Some(columns), Some(data)) => Ok(SplitParts {
            columns,
            index,
            data,
        }),
        _ => Err(unknown(SPLIT_NEEDS)),
    }
}

/// Column names or row labels of a `split` payload: strings, or numbers as pandas writes them.
pub(super) fn labels(json: &Json, what: &str) -> Result<Vec<String>, PayloadError> {
    let Json::Array(items) = json else {
        return Err(unknown(format!(
            "split \"{what}\" must be a list, found {}",
            json.kind_name()
        )));
    };
    let label = |(i, item): (usize, &Json)| match item {
        Json::Str(s) => Ok(s.clone()),
        Json::Number(x) => Ok(x.to_string()),
        other => Err(unknown(format!(
            "split \"{what}\"[{i}] must be a string or a number, found {}",
            other.kind_name()
        ))),
    };
    items.iter().enumerate().map(label).collect()
}

pub(super) fn data_rows(json: &Json) -> Result<Vec<&[Json]>, PayloadError> {
    let Json::Array(rows) = json else {
        return Err(unknown(format!(
            "split \"data\" must be a list of rows, found {}",
            json.kind_name()
        )));
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| match row {
            Json::Array(cells) => Ok(cells.as_slice()),
            other => Err(unknown(format!(
                "split \"data\"[{i}] must be a list of values, found {}",
                other.kind_name()
            ))),
        })
        .collect()
}

/// One JSON value as a cell (a finite number, a boolean, text or missing), or an error
/// naming its column, row and value (an array, an object, an infinity or an overflow).
/// `null` and Python's bare `NaN` (what `json.dumps`, and so MLflow's client, writes for a
/// pandas gap) are missing values.
pub(super) fn cell(value: &Json, column: &str, row: &str) -> Result<Cell, PayloadError> {
    match value {
        Json::Number(x) => finite(*x, column, row).map(Cell::Number),
        Json::Null => Ok(Cell::Missing),
        Json::NonFinite(token) if token == "NaN" => Ok(Cell::Missing),
        Json::Bool(b) => Ok(Cell::Bool(*b)),
        Json::Str(s) => Ok(Cell::Text(s.as_str().into())),
        Json::NonFinite(token) => Err(PayloadError::NotFinite {
            column: column.to_owned(),
            row: row.to_owned(),
            value: token.clone(),
        }),
        other => Err(PayloadError::NotAValue {
            column: column.to_owned(),
            row: row.to_owned(),
            value: other.describe(),
        }),
    }
}
