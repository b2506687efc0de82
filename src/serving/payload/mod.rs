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
//! | `df.to_dict("list")` | `{"RM":[6.575,7.1],"LSTAT":[4.98,9.1]}` |
//! | MLflow | `{"dataframe_split":split}`, `{"dataframe_records":records}`, `{"instances":records}` |
//!
//! # How the shape is detected, in this order
//!
//! 1. A JSON array is `records` orient. Its elements must be objects: a list of lists has no
//!    column names and is rejected with a pointer to `split`.
//! 2. An object with exactly one key, `dataframe_split`, `dataframe_records`, `instances` or
//!    `inputs`, is an MLflow wrapper (`inputs`, MLflow's tensor input, is rejected with a pointer
//!    to the others). Exception: when the value is an object of plain values, the body is a
//!    one-column (or one-row) frame that happens to use that word as a name, and rule 5 applies.
//! 3. An object with keys `columns` and `data` whose values are not all objects is `split`
//!    orient. pandas' `split` holds lists while `columns`/`index` orient only ever holds objects,
//!    so a frame with columns named "columns" and "data" is still read as what it is.
//! 4. An object whose values are all lists is `df.to_dict("list")`: each key a column, its
//!    list the column's values in row order (as MLflow's columnar `inputs`).
//! 5. An object whose values are all objects is `columns` or `index` orient. The two look alike,
//!    so the expected feature names decide: `index` orient when more expected features appear as
//!    inner keys than as outer keys, otherwise `columns` (pandas' default, also used when no
//!    features are given). When no expected feature appears at all, that is the error. Row
//!    labels must therefore not be feature names, or a frame could be read transposed.
//! 6. Anything else is an unknown shape, answered with the accepted shapes and a hint where the
//!    mistake is a common one (a single record not wrapped in a list, lists mixed with objects).
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
mod csv_body;
mod detect;
mod frame;
mod json;
mod payload_error;
mod positions;
#[cfg(test)]
mod tests;
mod write;

pub use frame::{Frame, Orient, MAX_COLUMNS};
pub use payload_error::{ErrorKind, PayloadError};

pub use csv_body::parse_csv;

pub use crate::table::Cell;

use build::{from_columns, from_index, from_lists, from_records, from_split};
use detect::{detect, Shape};
use json::read_json;

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
