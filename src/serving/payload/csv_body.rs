//! A request body as CSV (`text/csv`, as MLflow's scoring server and `mlflow models predict
//! -t csv` send it): a header row of column names, then one row per line; quoted fields,
//! embedded separators and quotes as RFC 4180 writes them; a UTF-8 byte-order mark allowed.
//! Each field is kept as text ([`Cell::Field`]) for the model's column type to read as pandas'
//! `read_csv` would: a number for a numeric column, text as written for a text column,
//! `True`/`False` for a boolean one; an empty field or an NA marker is a missing value.

use super::frame::{check_table, default_index, first_duplicate, Frame, MAX_COLUMNS};
use super::payload_error::PayloadError;
use crate::table::Cell;

/// Parses a CSV body with a header row into a frame of fields.
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
            max: MAX_COLUMNS,
        });
    }
    if let Some(column) = first_duplicate(&columns) {
        return Err(PayloadError::DuplicateColumn { column });
    }
    let mut rows: Vec<Vec<Cell>> = Vec::new();
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
        rows.push(
            record
                .iter()
                .map(|field| Cell::Field(field.into()))
                .collect(),
        );
    }
    let index = default_index(rows.len());
    check_table(&columns, &index, &vec![columns.len(); rows.len()])?;
    Frame::from_cells(columns, index, rows)
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
        let field = |s: &str| Cell::Field(s.into());
        assert_eq!(
            frame.column("LSTAT"),
            Some(&[field(" 4.98"), field("9.1")][..])
        );
    }

    #[test]
    fn bad_tables_are_named() {
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
