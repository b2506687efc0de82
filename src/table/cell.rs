//! One raw value of an input column, before preprocessing: what a client sends for a column,
//! typed as JSON types it (number, boolean, text, null), or CSV text that the column's type
//! reads. [`Cell::read`] applies the model's column type and says what was wrong when the
//! value does not fit it.

use std::fmt;

use super::pandas_text::{boolean, is_missing};
use super::schema::ColumnType;

/// A raw value of one input column in one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A missing value: JSON `null`, a polars null, or one of pandas' NA markers in CSV text.
    Missing,
    /// A number (JSON numbers are finite: the payload parser refuses `NaN` and infinities).
    Number(f64),
    /// A boolean (JSON `true`/`false`).
    Bool(bool),
    /// Text (a JSON string).
    Text(Box<str>),
    /// A CSV field, whose type the model's column decides: `12` is a number for a numeric
    /// column and the text `"12"` for a text column, as pandas would have read that column.
    Field(Box<str>),
}

/// A cell read as its column's type: what the encoder works on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Missing: imputed for numbers, the "missing" state for categories.
    Missing,
    /// A finite number, for a numeric column.
    Number(f64),
    /// A category's text, for a text or boolean column (booleans as `True`/`False`).
    Category(&'a str),
}

/// A cell that does not fit its column's type; [`fmt::Display`] says what was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// The type the column holds.
    pub expected: ColumnType,
    /// The value sent, described for an error message (`text "A"`, `the number 3`).
    pub found: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {}, got {}",
            self.expected.described(),
            self.found
        )
    }
}

/// pandas' spelling of a boolean category (the names scikit-learn's encoder prints).
pub fn bool_category(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

impl Cell {
    /// The cell as a value of a column of type `dtype`, or what is wrong with it.
    pub fn read(&self, dtype: ColumnType) -> Result<Value<'_>, Mismatch> {
        let mismatch = || Mismatch {
            expected: dtype,
            found: self.describe(),
        };
        match (self, dtype.is_numeric()) {
            (Cell::Missing, _) => Ok(Value::Missing),
            (Cell::Number(x), true) => Ok(Value::Number(*x)),
            (Cell::Field(text), true) => read_number(text).ok_or_else(mismatch),
            (Cell::Bool(b), false) if dtype == ColumnType::Boolean => {
                Ok(Value::Category(bool_category(*b)))
            }
            (Cell::Text(text), false) if dtype == ColumnType::Text => Ok(Value::Category(text)),
            (Cell::Field(text), false) => read_category(text, dtype).ok_or_else(mismatch),
            _ => Err(mismatch()),
        }
    }

    /// The cell for an error message (`the text "A"`, `the number 3`), long text cut.
    pub fn describe(&self) -> String {
        const PREVIEW: usize = 60;
        let cut = |t: &str| match t.char_indices().nth(PREVIEW) {
            Some((at, _)) => format!("{:?}…", &t[..at]),
            None => format!("{t:?}"),
        };
        match self {
            Cell::Missing => "a missing value".into(),
            Cell::Number(x) => format!("the number {x}"),
            Cell::Bool(b) => format!("the boolean {b}"),
            Cell::Text(t) if t.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                format!("the text {t:?} (send numbers without quotes)")
            }
            Cell::Text(t) => format!("the text {}", cut(t)),
            Cell::Field(t) => cut(t),
        }
    }
}

/// CSV text in a numeric column: an NA marker, or a finite number past surrounding spaces.
fn read_number(text: &str) -> Option<Value<'_>> {
    let trimmed = text.trim();
    if is_missing(trimmed) {
        return Some(Value::Missing);
    }
    match trimmed.parse::<f64>() {
        Ok(x) if x.is_nan() => Some(Value::Missing),
        Ok(x) if x.is_finite() => Some(Value::Number(x)),
        _ => None,
    }
}

/// CSV text in a text column (kept as written) or a boolean column (pandas' spellings).
fn read_category(text: &str, dtype: ColumnType) -> Option<Value<'_>> {
    if is_missing(text) {
        return Some(Value::Missing);
    }
    match dtype {
        ColumnType::Boolean => boolean(text.trim()).map(|b| Value::Category(bool_category(b))),
        _ => Some(Value::Category(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cells_are_strict_and_csv_fields_follow_the_column() {
        use ColumnType::*;
        assert_eq!(Cell::Number(2.5).read(Float), Ok(Value::Number(2.5)));
        assert_eq!(Cell::Missing.read(Text), Ok(Value::Missing));
        assert_eq!(Cell::Bool(true).read(Boolean), Ok(Value::Category("True")));
        assert!(Cell::Number(3.0).read(Text).is_err());
        assert!(Cell::Text("3".into()).read(Integer).is_err());
        assert!(Cell::Text("True".into()).read(Boolean).is_err());
        assert!(Cell::Bool(false).read(Float).is_err());
        assert_eq!(
            Cell::Field(" 12 ".into()).read(Integer),
            Ok(Value::Number(12.0))
        );
        assert_eq!(
            Cell::Field("12".into()).read(Text),
            Ok(Value::Category("12"))
        );
        assert_eq!(Cell::Field("NA".into()).read(Float), Ok(Value::Missing));
        assert_eq!(Cell::Field("".into()).read(Text), Ok(Value::Missing));
        assert_eq!(
            Cell::Field("TRUE".into()).read(Boolean),
            Ok(Value::Category("True"))
        );
        assert!(Cell::Field("inf".into()).read(Float).is_err());
        let err = Cell::Field("abc".into()).read(Float).unwrap_err();
        assert_eq!(err.to_string(), "expected a number, got \"abc\"");
        let long = Cell::Text("x".repeat(500).into()).describe();
        assert!(long.ends_with("xxx\"…") && long.len() < 80, "{long}");
    }
}
