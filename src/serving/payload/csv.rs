//! A request body as CSV (`text/csv`, as MLflow's scoring server and `mlflow models predict
//! -t csv` send it): a header row of column names, then one row per line; quoted fields,
//! embedded separators and quotes as RFC 4180 writes them; a UTF-8 byte-order mark allowed.
//! Cells read as pandas' `read_csv` reads numbers; an empty or NA cell is a missing value,
//! which the model cannot take (422, naming the cell), like JSON's `null`.

use super::build::{check_table, default_index, first_duplicate};
use super::error::PayloadError;
use super::{Frame, MAX_COLUMNS};
use crate::ingest::csv::is_missing;

/// Parses a CSV body with a header row into a frame of finite numbers.
pub fn parse_csv(body: &[u8]) -> Result<Frame, PayloadError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    let columns: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if columns.len() > MAX_COLUMNS {
        return Err(PayloadError::TooManyColumns {
            count: columns.len(),
        });
    }
    if let Some(column) = first_duplicate(&columns) {
        return Err(PayloadError::DuplicateColumn { column });
    }
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let label = rows.len().to_string();
        if record.len() != columns.len() {
            return Err(PayloadError::RaggedRows {
                row: label,
                len: record.len(),
                first_row: "header".into(),
                expected: columns.len(),
            });
        }
        let row = columns
            .iter()
            .zip(record.iter())
            .map(|(column, cell)| cell_value(cell, column, &label))
            .collect::<Result<Vec<f64>, _>>()?;
        rows.push(row);
    }
    let index = default_index(rows.len());
    check_table(&columns, &index, &vec![columns.len(); rows.len()])?;
    Frame::from_rows(columns, index, rows)
}

fn cell_value(cell: &str, column: &str, row: &str) -> Result<f64, PayloadError> {
    let cell = cell.trim();
    if is_missing(cell) {
        return Err(PayloadError::Null {
            column: column.into(),
            row: row.into(),
        });
    }
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(PayloadError::NotFinite {
            column: column.into(),
            row: row.into(),
            value: cell.into(),
        }),
        Err(_) => Err(PayloadError::NotANumber {
            column: column.into(),
            row: row.into(),
            value: cell.into(),
        }),
    }
}

fn csv_error(e: ::csv::Error) -> PayloadError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let column = e.position().map_or(0, |p| p.byte() as usize);
    PayloadError::InvalidCsv {
        message: e.to_string(),
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_bom_and_spaces() {
        let frame = parse_csv(b"\xEF\xBB\xBF\"RM\",LSTAT\n6.575, 4.98\n\"7.1\",\"9.1\"\n").unwrap();
        assert_eq!(frame.columns, ["RM", "LSTAT"]);
        assert_eq!(frame.index, ["0", "1"]);
        assert_eq!(frame.column("LSTAT"), Some(&[4.98, 9.1][..]));
    }

    #[test]
    fn bad_cells_name_column_and_row() {
        let err = parse_csv(b"RM,LSTAT\n6.5,4.9\n7.1,NA\n").unwrap_err();
        assert!(
            matches!(&err, PayloadError::Null { column, row } if column == "LSTAT" && row == "1"),
            "{err}"
        );
        let err = parse_csv(b"RM\nabc\n").unwrap_err();
        assert!(err.to_string().contains("abc"), "{err}");
        let err = parse_csv(b"RM,LSTAT\n1,2,3\n").unwrap_err();
        assert!(matches!(err, PayloadError::RaggedRows { .. }), "{err}");
        let err = parse_csv(b"RM,RM\n1,2\n").unwrap_err();
        assert!(matches!(err, PayloadError::DuplicateColumn { .. }), "{err}");
        assert!(matches!(
            parse_csv(b"RM\n").unwrap_err(),
            PayloadError::NoRows
        ));
        let err = parse_csv(b"RM\n\xFF\n").unwrap_err();
        assert_eq!(err.kind(), super::super::ErrorKind::Malformed, "{err}");
    }
}
