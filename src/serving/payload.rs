//! Request payloads: a pandas `DataFrame` sent as JSON, parsed into a table of finite `f64`.
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
//! names the column and row holding them (422) instead of a bare syntax position (400).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;

/// Most columns a payload may have; wider bodies are refused before a table is allocated.
pub const MAX_COLUMNS: usize = 1_000;

/// Names and values quoted in error messages are cut to this many characters.
const PREVIEW_CHARS: usize = 60;
/// Lists of labels in error messages show at most this many.
const PREVIEW_LABELS: usize = 5;
/// Index labels written as JSON numbers must come back through `f64` unchanged: 15 digits do.
const MAX_NUMERIC_LABEL_DIGITS: usize = 15;

/// Appended to shape errors, so that the client learns what would have been accepted.
const ACCEPTED: &str = "accepted: pandas to_json orients columns {\"col\":{\"row\":value}}, \
index {\"row\":{\"col\":value}}, records [{\"col\":value}], \
split {\"columns\":[...],\"index\":[...],\"data\":[[...]]}, or MLflow's \
{\"dataframe_split\":split}, {\"dataframe_records\":records}, {\"instances\":records}";

/// Why an object that mentions `columns` or `data` is not a split payload.
const SPLIT_NEEDS: &str =
    "a split payload needs both \"columns\" (a list of names) and \"data\" (a list of rows)";

/// Keys that make a one-key object an MLflow wrapper (rule 2 of the module docs).
const MLFLOW_KEYS: [&str; 4] = [
    "dataframe_split",
    "dataframe_records",
    "instances",
    "inputs",
];

/// Which HTTP status a [`PayloadError`] deserves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The body is not a DataFrame at all: not JSON, or JSON in an unknown shape (HTTP 400).
    Malformed,
    /// The body is a DataFrame the model cannot use: missing features, bad values (HTTP 422).
    Schema,
}

impl ErrorKind {
    /// The HTTP status code for this kind: 400 or 422.
    pub fn status(self) -> u16 {
        match self {
            Self::Malformed => 400,
            Self::Schema => 422,
        }
    }
}

/// Why a request body could not be turned into the model's input; each message names the culprit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PayloadError {
    /// The body is empty or only whitespace.
    #[error("the request body is empty; send a DataFrame as JSON ({})", ACCEPTED)]
    Empty,
    /// The body is not JSON; `line` and `column` are serde_json's.
    #[error("invalid JSON: {message} at line {line} column {column}")]
    InvalidJson {
        message: String,
        line: usize,
        column: usize,
    },
    /// The body is a JSON scalar, not a table.
    #[error(
        "expected a JSON object or array holding a DataFrame, found {found} ({})",
        ACCEPTED
    )]
    NotAFrame { found: &'static str },
    /// The body is a JSON object or array in none of the accepted layouts.
    #[error("unrecognised payload shape: {detail} ({})", ACCEPTED)]
    UnknownShape { detail: String },
    /// An object repeats a key: pandas never writes one, and keeping either value would be a guess.
    #[error("{message} at line {line} column {column}")]
    DuplicateKey {
        message: String,
        line: usize,
        column: usize,
    },
    /// A column name appears twice in a `split` payload or in [`Frame::from_rows`].
    #[error("duplicate column {}", quoted(.column))]
    DuplicateColumn { column: String },
    /// A row label appears twice in a `split` payload or in [`Frame::from_rows`].
    #[error("duplicate row label {}", quoted(.row))]
    DuplicateRowLabel { row: String },
    /// Features the model needs are not columns of the payload.
    #[error("{}", missing_message(.missing, .suggestions, .available))]
    MissingFeatures {
        missing: Vec<String>,
        /// For each missing feature, a column that differs from it only by case or spelling.
        suggestions: Vec<Option<String>>,
        available: Vec<String>,
    },
    /// An object of objects names no expected feature, as outer or as inner keys.
    #[error(
        "none of the expected features {} was found, neither as outer keys (columns orient) \
         nor as inner keys (index orient)",
        quoted_list(.expected)
    )]
    NoFeaturesFound { expected: Vec<String> },
    /// A cell holds a string, boolean, array or object.
    #[error("column {} row {}: expected a number, found {value}", quoted(.column), quoted(.row))]
    NotANumber {
        column: String,
        row: String,
        value: String,
    },
    /// A cell is null, which is how pandas writes NaN.
    #[error(
        "column {} row {} is null: pandas writes NaN as null, so fill or drop missing values \
         before sending",
        quoted(.column),
        quoted(.row)
    )]
    Null { column: String, row: String },
    /// A cell is NaN, an infinity, or a number too large for `f64`.
    #[error(
        "column {} row {}: {} is not a finite number{}",
        quoted(.column),
        quoted(.row),
        truncated(.value),
        overflow_note(.value)
    )]
    NotFinite {
        column: String,
        row: String,
        value: String,
    },
    /// A row of a `records` or `index` payload lacks a column other rows have.
    #[error(
        "row {} has no value for column {} (pandas would read it as NaN)",
        quoted(.row),
        quoted(.column)
    )]
    MissingCell { column: String, row: String },
    /// In `columns` orient, a column's row labels differ from the first column's.
    #[error(
        "column {} has different row labels from column {}: {}",
        quoted(.column),
        quoted(.reference),
        label_difference(.missing, .unexpected)
    )]
    IndexMismatch {
        column: String,
        reference: String,
        missing: Vec<String>,
        unexpected: Vec<String>,
    },
    /// A row holds a different number of values from the first row.
    #[error(
        "row {} has {len} values but row {} has {expected}",
        quoted(.row),
        quoted(.first_row)
    )]
    RaggedRows {
        row: String,
        len: usize,
        first_row: String,
        expected: usize,
    },
    /// The column list and the rows disagree on the table's width.
    #[error("{columns} columns are named but the rows have {width} values")]
    ColumnCountMismatch { columns: usize, width: usize },
    /// A `split` index (or the index given to [`Frame::from_rows`]) has the wrong length.
    #[error("{labels} row labels were given for {rows} rows")]
    IndexLengthMismatch { labels: usize, rows: usize },
    /// The table has no rows.
    #[error("the payload has no rows")]
    NoRows,
    /// The table has rows but no columns.
    #[error("the payload has rows but no columns")]
    NoColumns,
    /// The table is wider than [`MAX_COLUMNS`].
    #[error(
        "the payload has {count} columns; at most {} are accepted",
        MAX_COLUMNS
    )]
    TooManyColumns { count: usize },
    /// A [`Frame`]'s public fields were changed by hand so that they no longer fit its values.
    #[error(
        "the frame has {columns} columns and {rows} row labels but {values} values; \
         were its columns or index changed by hand?"
    )]
    Inconsistent {
        columns: usize,
        rows: usize,
        values: usize,
    },
}

impl PayloadError {
    /// Whether the body is not a DataFrame (400) or a DataFrame the model cannot use (422).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Empty | Self::InvalidJson { .. } | Self::NotAFrame { .. } => ErrorKind::Malformed,
            Self::UnknownShape { .. } => ErrorKind::Malformed,
            Self::DuplicateKey { .. }
            | Self::DuplicateColumn { .. }
            | Self::DuplicateRowLabel { .. }
            | Self::MissingFeatures { .. }
            | Self::NoFeaturesFound { .. }
            | Self::NotANumber { .. }
            | Self::Null { .. }
            | Self::NotFinite { .. }
            | Self::MissingCell { .. }
            | Self::IndexMismatch { .. }
            | Self::RaggedRows { .. }
            | Self::ColumnCountMismatch { .. }
            | Self::IndexLengthMismatch { .. }
            | Self::NoRows
            | Self::NoColumns
            | Self::TooManyColumns { .. }
            | Self::Inconsistent { .. } => ErrorKind::Schema,
        }
    }
}

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

/// A table of finite `f64` with unique column names and unique row labels, at least 1×1.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Column names, in payload order.
    pub columns: Vec<String>,
    /// Row labels, in payload order (`"0"`, `"1"`, ... when the payload has none).
    pub index: Vec<String>,
    /// Column-major: column `j` is `values[j * n_rows .. (j + 1) * n_rows]`.
    values: Vec<f64>,
}

impl Frame {
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.index.len()
    }

    /// The values of the column called `name`, top to bottom.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let j = self.columns.iter().position(|c| c == name)?;
        let n = self.n_rows();
        let start = j.checked_mul(n)?;
        self.values.get(start..start.checked_add(n)?)
    }

    /// Select the model's features in order; extra columns are returned as ignored.
    ///
    /// The matrix is row-major, `n_rows() * features.len()` long.
    pub fn select(&self, features: &[String]) -> Result<(Vec<f64>, Vec<String>), PayloadError> {
        self.check_consistent()?;
        let picked: Vec<Option<&[f64]>> = features.iter().map(|f| self.column(f)).collect();
        let missing: Vec<String> = features
            .iter()
            .zip(&picked)
            .filter(|(_, column)| column.is_none())
            .map(|(feature, _)| feature.clone())
            .collect();
        if !missing.is_empty() {
            return Err(self.missing_features(missing, features));
        }
        let columns: Vec<&[f64]> = picked.into_iter().flatten().collect();
        let mut matrix = Vec::with_capacity(self.n_rows() * columns.len());
        for row in 0..self.n_rows() {
            matrix.extend(columns.iter().filter_map(|column| column.get(row)));
        }
        let wanted = Positions::new(features);
        let ignored = self
            .columns
            .iter()
            .filter(|c| !wanted.contains(c.as_str()))
            .cloned()
            .collect();
        Ok((matrix, ignored))
    }

    /// Build a frame from rows, as a notebook writes a request; an empty `index` means 0, 1, ...
    pub fn from_rows(
        columns: Vec<String>,
        index: Vec<String>,
        rows: Vec<Vec<f64>>,
    ) -> Result<Frame, PayloadError> {
        let index = if index.is_empty() {
            default_index(rows.len())
        } else {
            index
        };
        let widths: Vec<usize> = rows.iter().map(Vec::len).collect();
        check_table(&columns, &index, &widths)?;
        from_checked_rows(columns, index, &rows, |x: &f64, column, row| {
            finite(*x, column, row)
        })
    }

    /// The frame as pandas' `to_json(orient=...)` writes it, numbers as shortest round-trip JSON.
    pub fn to_json(&self, orient: Orient) -> String {
        let mut out = String::with_capacity(24 * (self.values.len() + self.columns.len() + 1));
        match orient {
            Orient::Columns => {
                write_nested(&mut out, &self.columns, &self.index, |j, i| {
                    self.value(i, j)
                });
            }
            Orient::Index => {
                write_nested(&mut out, &self.index, &self.columns, |i, j| {
                    self.value(i, j)
                });
            }
            Orient::Records => self.write_records(&mut out),
            Orient::Split => self.write_split(&mut out),
        }
        out
    }

    /// The cell at `row`, `col`; `None` only if the public fields were changed by hand.
    fn value(&self, row: usize, col: usize) -> Option<f64> {
        let at = col.checked_mul(self.n_rows())?.checked_add(row)?;
        self.values.get(at).copied()
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

    fn write_records(&self, out: &mut String) {
        out.push('[');
        for i in 0..self.n_rows() {
            if i > 0 {
                out.push(',');
            }
            write_object(out, &self.columns, |j| self.value(i, j));
        }
        out.push(']');
    }

    fn write_split(&self, out: &mut String) {
        out.push_str("{\"columns\":[");
        for (j, name) in self.columns.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_json_string(out, name);
        }
        out.push_str("],\"index\":[");
        for (i, label) in self.index.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_label(out, label);
        }
        out.push_str("],\"data\":[");
        for i in 0..self.n_rows() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for j in 0..self.columns.len() {
                if j > 0 {
                    out.push(',');
                }
                push_number(out, self.value(i, j));
            }
            out.push(']');
        }
        out.push_str("]}");
    }
}

/// Parse a request body in any accepted shape (see the module docs for how it is recognised).
///
/// `features` are the model's expected feature names; they tell `columns` from `index` orient.
pub fn parse(body: &[u8], features: &[String]) -> Result<Frame, PayloadError> {
    let json = read_json(body)?;
    match detect(&json, features)? {
        Shape::Records(rows) => from_records(rows),
        Shape::Split(entries) => from_split(entries),
        Shape::Columns(entries) => from_columns(entries),
        Shape::Index(entries) => from_index(entries),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON with ordered keys

/// A JSON value whose objects keep their keys in body order.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
    /// A bare `NaN`/`Infinity`/`-Infinity` or an overflowing number, as written in the body.
    NonFinite(String),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Builds [`Json`]; serde_json's recursion limit bounds how deep it goes.
struct JsonVisitor;

/// Up to this many keys, an object's duplicate check is a scan rather than a hash set.
const SMALL_OBJECT: usize = 16;

/// Where each of a list of distinct labels is: a scan for a few, a hash map for many (one
/// request's labels are usually a handful, where hashing costs more than comparing).
enum Positions<'a> {
    Few(&'a [String]),
    Many(HashMap<&'a str, usize>),
}

impl<'a> Positions<'a> {
    fn new(labels: &'a [String]) -> Self {
        if labels.len() <= SMALL_OBJECT {
            Positions::Few(labels)
        } else {
            Positions::Many(
                labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| (label.as_str(), i))
                    .collect(),
            )
        }
    }

    fn get(&self, label: &str) -> Option<usize> {
        match self {
            Positions::Few(labels) => labels.iter().position(|l| l == label),
            Positions::Many(map) => map.get(label).copied(),
        }
    }

    fn contains(&self, label: &str) -> bool {
        self.get(label).is_some()
    }
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        // Objects in a request are mostly a handful of keys: a scan beats hashing them; a
        // set takes over past SMALL_OBJECT keys so that a wide object stays linear.
        let mut seen: Option<HashSet<String>> = None;
        while let Some(key) = map.next_key::<String>()? {
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None if entries.len() < SMALL_OBJECT => entries.iter().any(|(k, _)| *k == key),
                None => {
                    let mut set: HashSet<String> = entries.iter().map(|(k, _)| k.clone()).collect();
                    let duplicate = !set.insert(key.clone());
                    seen = Some(set);
                    duplicate
                }
            };
            if duplicate {
                // This is the visitor's only error, so `Category::Data` means a duplicate key.
                // The key is quoted so that serde_json cannot mistake its end for a position.
                let message = format!("duplicate key {}", quoted(&key));
                return Err(<A::Error as de::Error>::custom(message));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

impl Json {
    fn kind_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
            Json::NonFinite(_) => "a non-finite number",
        }
    }

    /// The entries of an object; nothing for any other value.
    fn entries(&self) -> &[(String, Json)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }

    fn is_container(&self) -> bool {
        matches!(self, Json::Array(_) | Json::Object(_))
    }

    /// A non-empty object of plain values: a column in `columns` orient, a row in `index`.
    fn is_object_of_scalars(&self) -> bool {
        matches!(self, Json::Object(entries)
            if !entries.is_empty() && entries.iter().all(|(_, v)| !v.is_container()))
    }

    /// Turns the marker strings left by [`Sanitized`] into [`Json::NonFinite`].
    fn resolve_markers(&mut self) {
        match self {
            Json::Str(s) => {
                if let Some(token) = s.strip_prefix(MARKER) {
                    let token = token.to_owned();
                    *self = Json::NonFinite(token);
                }
            }
            Json::Array(items) => items.iter_mut().for_each(Json::resolve_markers),
            Json::Object(entries) => entries.iter_mut().for_each(|(_, v)| v.resolve_markers()),
            _ => {}
        }
    }

    /// What a non-numeric cell holds, for an error message.
    fn describe(&self) -> String {
        match self {
            Json::Str(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => format!(
                "the numeric string {} (strings are not accepted: send the number without quotes)",
                quoted(s)
            ),
            Json::Str(s) => format!("the string {}", quoted(s)),
            Json::Bool(b) => format!("the boolean {b}"),
            Json::Array(_) => format!("the array {}", self.preview()),
            Json::Object(_) => format!("the object {}", self.preview()),
            other => other.kind_name().to_owned(),
        }
    }

    /// Compact JSON text of the value, cut to [`PREVIEW_CHARS`].
    fn preview(&self) -> String {
        let mut out = String::new();
        self.write_preview(&mut out);
        truncated(&out)
    }

    fn write_preview(&self, out: &mut String) {
        // Stop early: only the first PREVIEW_CHARS characters are shown.
        let full = |out: &String| out.len() > 4 * PREVIEW_CHARS;
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(x) => out.push_str(&x.to_string()),
            Json::NonFinite(token) => out.push_str(&truncated(token)),
            Json::Str(s) => push_json_string(out, &truncated(s)),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if full(out) {
                        break;
                    }
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_preview(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if full(out) {
                        break;
                    }
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(out, &truncated(key));
                    out.push(':');
                    value.write_preview(out);
                }
                out.push('}');
            }
        }
    }
}

/// Parses the body, retrying with non-finite tokens marked when that is why parsing failed.
fn read_json(body: &[u8]) -> Result<Json, PayloadError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(PayloadError::Empty);
    }
    let first = match serde_json::from_slice::<Json>(body) {
        Ok(json) => return Ok(json),
        Err(e) => e,
    };
    if first.classify() == Category::Syntax {
        if let Some(sanitized) = Sanitized::new(body) {
            return sanitized.parse();
        }
    }
    Err(json_error(&first, None))
}

/// Maps a serde_json error to ours, with positions in the body the client sent.
fn json_error(e: &serde_json::Error, sanitized: Option<&Sanitized>) -> PayloadError {
    let line = e.line();
    let column = sanitized.map_or(e.column(), |s| s.original_column(line, e.column()));
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    match e.classify() {
        Category::Data => PayloadError::DuplicateKey {
            message,
            line,
            column,
        },
        Category::Syntax | Category::Eof | Category::Io => PayloadError::InvalidJson {
            message,
            line,
            column,
        },
    }
}

/// Starts the marker strings that stand for non-finite tokens: a NUL no real string can start
/// with once the body is known to contain no `\u0000` escape.
const MARKER: char = '\0';
const MARKER_OPEN: &[u8] = b"\"\\u0000";
const MARKER_CLOSE: &[u8] = b"\"";
const MARKER_EXTRA: usize = MARKER_OPEN.len() + MARKER_CLOSE.len();

/// The body with non-finite tokens in value position replaced by marker strings.
struct Sanitized {
    text: Vec<u8>,
    /// Where each marker starts in `text`; each adds [`MARKER_EXTRA`] bytes to its line.
    markers: Vec<usize>,
}

impl Sanitized {
    /// `None` when there is nothing to mark, or when a real string could look like a marker.
    fn new(body: &[u8]) -> Option<Self> {
        if body.windows(6).any(|w| w == b"\\u0000") {
            return None;
        }
        let mut out = Sanitized {
            text: Vec::with_capacity(body.len() + 8 * MARKER_EXTRA),
            markers: Vec::new(),
        };
        let mut position = Position::default();
        let mut rest = body;
        while let Some(&byte) = rest.first() {
            let len = if byte == b'"' {
                string_len(rest)
            } else if let Some((len, non_finite)) = position.value_token(rest) {
                if non_finite {
                    out.push_marker(&rest[..len]);
                    rest = &rest[len..];
                    continue;
                }
                len
            } else {
                position.step(byte);
                1
            };
            out.text.extend_from_slice(&rest[..len]);
            rest = &rest[len..];
        }
        (!out.markers.is_empty()).then_some(out)
    }

    fn push_marker(&mut self, token: &[u8]) {
        self.markers.push(self.text.len());
        self.text.extend_from_slice(MARKER_OPEN);
        self.text.extend_from_slice(token);
        self.text.extend_from_slice(MARKER_CLOSE);
    }

    fn parse(&self) -> Result<Json, PayloadError> {
        let mut json =
            serde_json::from_slice::<Json>(&self.text).map_err(|e| json_error(&e, Some(self)))?;
        json.resolve_markers();
        Ok(json)
    }

    /// serde_json's column in the sanitized text, as a column of the body (lines are the same).
    fn original_column(&self, line: usize, column: usize) -> usize {
        let start = line_start(&self.text, line);
        let end = start.saturating_add(column);
        let before = self.markers.iter().filter(|&&m| m >= start && m < end);
        column.saturating_sub(before.count() * MARKER_EXTRA)
    }
}

/// Byte offset where 1-based `line` starts.
fn line_start(text: &[u8], line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    let newline = text.iter().enumerate().filter(|(_, &b)| b == b'\n');
    newline
        .map(|(i, _)| i + 1)
        .nth(line - 2)
        .unwrap_or(text.len())
}

/// Length of the JSON string at the start of `rest` (which starts with `"`), quotes included.
fn string_len(rest: &[u8]) -> usize {
    let mut i = 1;
    while let Some(&b) = rest.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// Where the scanner is outside strings: only value positions may hold a marker, so that a
/// bare `NaN` used as a key stays the syntax error it is.
#[derive(Default)]
struct Position {
    open: Vec<u8>,
    expect_key: bool,
}

impl Position {
    fn step(&mut self, byte: u8) {
        match byte {
            b'{' => {
                self.open.push(byte);
                self.expect_key = true;
            }
            b'[' => {
                self.open.push(byte);
                self.expect_key = false;
            }
            b'}' | b']' => {
                self.open.pop();
            }
            b':' => self.expect_key = false,
            b',' => self.expect_key = self.open.last() == Some(&b'{'),
            _ => {}
        }
    }

    /// Length of a number-like token at the start of `rest`, and whether it is non-finite.
    /// A whole number is consumed at once so that long digit runs are scanned only once.
    fn value_token(&self, rest: &[u8]) -> Option<(usize, bool)> {
        if self.expect_key {
            return None;
        }
        for word in [&b"NaN"[..], b"Infinity", b"-Infinity"] {
            if rest.starts_with(word) {
                return Some((word.len(), true));
            }
        }
        let first = *rest.first()?;
        if first != b'-' && !first.is_ascii_digit() {
            return None;
        }
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        let overflows = std::str::from_utf8(&rest[..len])
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .is_some_and(f64::is_infinite);
        Some((len, overflows))
    }
}

// ---------------------------------------------------------------------------------------------
// Shape detection

/// The layout of a payload, borrowing from the parsed body.
enum Shape<'a> {
    Records(&'a [Json]),
    Split(&'a [(String, Json)]),
    Columns(&'a [(String, Json)]),
    Index(&'a [(String, Json)]),
}

/// Applies the rules of the module docs, in order.
fn detect<'a>(json: &'a Json, features: &[String]) -> Result<Shape<'a>, PayloadError> {
    let entries = match json {
        Json::Array(items) => return Ok(Shape::Records(items)),
        Json::Object(entries) => entries,
        other => {
            return Err(PayloadError::NotAFrame {
                found: other.kind_name(),
            })
        }
    };
    if let Some(shape) = mlflow(entries)? {
        return Ok(shape);
    }
    let all_objects = entries.iter().all(|(_, v)| matches!(v, Json::Object(_)));
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if has("columns") && has("data") && !all_objects {
        return Ok(Shape::Split(entries));
    }
    if entries.is_empty() {
        // `{}` is what pandas writes for an empty frame.
        return Err(PayloadError::NoRows);
    }
    if !all_objects {
        return Err(unknown_object(entries));
    }
    orient_by_features(entries, features)
}

/// Rule 2: a one-key MLflow wrapper, unless its value is a plain column or row.
fn mlflow(entries: &[(String, Json)]) -> Result<Option<Shape<'_>>, PayloadError> {
    let [(key, value)] = entries else {
        return Ok(None);
    };
    if !MLFLOW_KEYS.contains(&key.as_str()) || value.is_object_of_scalars() {
        return Ok(None);
    }
    let expected =
        match (key.as_str(), value) {
            ("dataframe_split", Json::Object(split)) => return Ok(Some(Shape::Split(split))),
            ("dataframe_records" | "instances", Json::Array(rows)) => {
                return Ok(Some(Shape::Records(rows)))
            }
            ("inputs", _) => return Err(unknown(
                "MLflow's \"inputs\" (tensor input) is not supported; send \"dataframe_split\", \
                 \"dataframe_records\" or \"instances\"",
            )),
            ("dataframe_split", _) => "an object {\"columns\":[...],\"data\":[[...]]}",
            _ => "a list of records [{\"column\": value}, ...]",
        };
    Err(unknown(format!(
        "MLflow's {} must hold {expected}, found {}",
        quoted(key),
        value.kind_name()
    )))
}

/// Rule 5: says why an object that is neither split nor an object of objects was refused.
fn unknown_object(entries: &[(String, Json)]) -> PayloadError {
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if has("columns") || has("data") {
        return unknown(SPLIT_NEEDS);
    }
    if entries.iter().all(|(_, v)| !v.is_container()) {
        return unknown(
            "this looks like a single record; wrap it in a list: [{\"column\": value}]",
        );
    }
    let Some((key, value)) = entries.iter().find(|(_, v)| !matches!(v, Json::Object(_))) else {
        return unknown("expected an object of objects");
    };
    let hint = if matches!(value, Json::Array(_)) {
        " (a dict of lists is not a pandas orient: use split)"
    } else {
        ""
    };
    unknown(format!(
        "the value of {} is {}, but columns and index orient map every key to an object \
         {{\"label\": value}}{hint}",
        quoted(key),
        value.kind_name()
    ))
}

/// Rule 4: `columns` or `index` orient, whichever has more expected features in its place.
fn orient_by_features<'a>(
    entries: &'a [(String, Json)],
    features: &[String],
) -> Result<Shape<'a>, PayloadError> {
    if features.is_empty() {
        return Ok(Shape::Columns(entries));
    }
    let wanted = Positions::new(features);
    let outer = entries
        .iter()
        .filter(|(k, _)| wanted.contains(k.as_str()))
        .count();
    let inner: HashSet<&str> = entries
        .iter()
        .flat_map(|(_, v)| v.entries())
        .map(|(k, _)| k.as_str())
        .filter(|k| wanted.contains(k))
        .collect();
    match (outer, inner.len()) {
        (0, 0) => Err(PayloadError::NoFeaturesFound {
            expected: features.to_vec(),
        }),
        (outer, inner) if inner > outer => Ok(Shape::Index(entries)),
        _ => Ok(Shape::Columns(entries)),
    }
}

fn unknown(detail: impl Into<String>) -> PayloadError {
    PayloadError::UnknownShape {
        detail: detail.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Building frames

/// `columns` orient: `{column: {row label: value}}`; rows in the first column's order.
fn from_columns(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
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
fn check_same_labels(
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
fn aligned_column(
    name: &str,
    cells: &[(String, Json)],
    position: &Positions,
    n_rows: usize,
) -> Result<Vec<f64>, PayloadError> {
    let mut column = vec![0.0; n_rows];
    for (label, value) in cells {
        let slot = position.get(label).and_then(|i| column.get_mut(i));
        if let Some(slot) = slot {
            *slot = number(value, name, label)?;
        }
    }
    Ok(column)
}

/// `index` orient: `{row label: {column: value}}`.
fn from_index(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
    let index = entries.iter().map(|(label, _)| label.clone()).collect();
    let rows: Vec<&[(String, Json)]> = entries.iter().map(|(_, row)| row.entries()).collect();
    from_row_objects(index, &rows)
}

/// `records` orient: `[{column: value}, ...]`, labelled `"0"`, `"1"`, ... as pandas does.
fn from_records(items: &[Json]) -> Result<Frame, PayloadError> {
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

fn not_a_record(i: usize, item: &Json) -> PayloadError {
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
fn from_row_objects(index: Vec<String>, rows: &[&[(String, Json)]]) -> Result<Frame, PayloadError> {
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
    let mut values = vec![0.0; n * columns.len()];
    for (i, (label, row)) in index.iter().zip(rows).enumerate() {
        for (name, value) in *row {
            let slot = position.get(name).and_then(|j| values.get_mut(j * n + i));
            if let Some(slot) = slot {
                *slot = number(value, name, label)?;
            }
        }
    }
    Ok(Frame {
        columns,
        index,
        values,
    })
}

fn union_of_keys(rows: &[&[(String, Json)]]) -> Result<Vec<String>, PayloadError> {
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

fn missing_cell(columns: &[String], row: &[(String, Json)], label: &str) -> PayloadError {
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
struct SplitParts<'a> {
    columns: &'a Json,
    index: Option<&'a Json>,
    data: &'a Json,
}

/// `split` orient: `{"columns": [...], "index": [...], "data": [[...], ...]}`, index optional.
fn from_split(entries: &[(String, Json)]) -> Result<Frame, PayloadError> {
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
    from_checked_rows(columns, index, &rows, number)
}

fn split_parts(entries: &[(String, Json)]) -> Result<SplitParts<'_>, PayloadError> {
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
fn labels(json: &Json, what: &str) -> Result<Vec<String>, PayloadError> {
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

fn data_rows(json: &Json) -> Result<Vec<&[Json]>, PayloadError> {
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

/// Checks a table given as rows: at least 1×1, unique labels, and a rectangle as wide as the
/// column list. `widths` holds each row's length.
fn check_table(columns: &[String], index: &[String], widths: &[usize]) -> Result<(), PayloadError> {
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

fn check_widths(n_columns: usize, index: &[String], widths: &[usize]) -> Result<(), PayloadError> {
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
fn from_checked_rows<T, R: AsRef<[T]>>(
    columns: Vec<String>,
    index: Vec<String>,
    rows: &[R],
    cell: impl Fn(&T, &str, &str) -> Result<f64, PayloadError>,
) -> Result<Frame, PayloadError> {
    let n = rows.len();
    let mut values = vec![0.0; n * columns.len()];
    for (i, (label, row)) in index.iter().zip(rows).enumerate() {
        for (j, (name, value)) in columns.iter().zip(row.as_ref()).enumerate() {
            if let Some(slot) = values.get_mut(j * n + i) {
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

/// One cell as a finite `f64`, or an error naming its column, row and value.
fn number(value: &Json, column: &str, row: &str) -> Result<f64, PayloadError> {
    match value {
        Json::Number(x) => finite(*x, column, row),
        Json::NonFinite(token) => Err(PayloadError::NotFinite {
            column: column.to_owned(),
            row: row.to_owned(),
            value: token.clone(),
        }),
        Json::Null => Err(PayloadError::Null {
            column: column.to_owned(),
            row: row.to_owned(),
        }),
        other => Err(PayloadError::NotANumber {
            column: column.to_owned(),
            row: row.to_owned(),
            value: other.describe(),
        }),
    }
}

fn finite(x: f64, column: &str, row: &str) -> Result<f64, PayloadError> {
    if x.is_finite() {
        return Ok(x);
    }
    Err(PayloadError::NotFinite {
        column: column.to_owned(),
        row: row.to_owned(),
        value: x.to_string(),
    })
}

fn check_column_count(count: usize) -> Result<(), PayloadError> {
    if count > MAX_COLUMNS {
        return Err(PayloadError::TooManyColumns { count });
    }
    Ok(())
}

fn first_duplicate(labels: &[String]) -> Option<String> {
    let mut seen = HashSet::new();
    labels.iter().find(|l| !seen.insert(l.as_str())).cloned()
}

/// pandas' default row labels: `"0"`, `"1"`, ...
fn default_index(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Writing JSON

/// `{"outer":{"inner":value,...},...}`, `value(outer position, inner position)`.
fn write_nested(
    out: &mut String,
    outer: &[String],
    inner: &[String],
    value: impl Fn(usize, usize) -> Option<f64>,
) {
    out.push('{');
    for (a, label) in outer.iter().enumerate() {
        if a > 0 {
            out.push(',');
        }
        push_json_string(out, label);
        out.push(':');
        write_object(out, inner, |b| value(a, b));
    }
    out.push('}');
}

/// `{"label":value,...}`, `value(label position)`.
fn write_object(out: &mut String, labels: &[String], value: impl Fn(usize) -> Option<f64>) {
    out.push('{');
    for (b, label) in labels.iter().enumerate() {
        if b > 0 {
            out.push(',');
        }
        push_json_string(out, label);
        out.push(':');
        push_number(out, value(b));
    }
    out.push('}');
}

fn push_json_string(out: &mut String, s: &str) {
    // A string Value's Display is infallible and escapes exactly as JSON requires.
    out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
}

/// Shortest text that parses back to the same bits (ryu), or `null` as pandas writes NaN.
fn push_number(out: &mut String, x: Option<f64>) {
    match x.and_then(serde_json::Number::from_f64) {
        Some(number) => out.push_str(&number.to_string()),
        None => out.push_str("null"),
    }
}

/// A split index label: a number when it is a plain integer (as pandas writes a RangeIndex).
fn push_label(out: &mut String, label: &str) {
    let integer = !label.is_empty()
        && label.len() <= MAX_NUMERIC_LABEL_DIGITS
        && label.bytes().all(|b| b.is_ascii_digit())
        && (label == "0" || !label.starts_with('0'));
    if integer {
        out.push_str(label);
    } else {
        push_json_string(out, label);
    }
}

// ---------------------------------------------------------------------------------------------
// Error messages

/// `s` cut to [`PREVIEW_CHARS`] characters, and whether it was cut.
fn head(s: &str) -> (&str, bool) {
    match s.char_indices().nth(PREVIEW_CHARS) {
        Some((at, _)) => (&s[..at], true),
        None => (s, false),
    }
}

fn truncated(s: &str) -> String {
    match head(s) {
        (head, true) => format!("{head}…"),
        (head, false) => head.to_owned(),
    }
}

/// `"name"`, escaped and cut, for messages.
fn quoted(s: &str) -> String {
    let (head, cut) = head(s);
    format!("{head:?}{}", if cut { "…" } else { "" })
}

/// `["a", "b", … and 3 more]`.
fn quoted_list(labels: &[String]) -> String {
    let shown: Vec<String> = labels
        .iter()
        .take(PREVIEW_LABELS)
        .map(|l| quoted(l))
        .collect();
    let more = labels.len().saturating_sub(PREVIEW_LABELS);
    let tail = if more > 0 {
        format!(", … and {more} more")
    } else {
        String::new()
    };
    format!("[{}{tail}]", shown.join(", "))
}

fn overflow_note(value: &str) -> &'static str {
    match value {
        "NaN" | "Infinity" | "-Infinity" | "inf" | "-inf" => "",
        _ => " (it overflows a 64-bit float)",
    }
}

fn missing_message(
    missing: &[String],
    suggestions: &[Option<String>],
    available: &[String],
) -> String {
    let noun = if missing.len() == 1 {
        "feature"
    } else {
        "features"
    };
    let hints = suggestions.iter().map(Some).chain(std::iter::repeat(None));
    let parts: Vec<String> = missing
        .iter()
        .zip(hints)
        .map(|(name, hint)| match hint {
            Some(Some(close)) => format!("{} (did you mean {}?)", quoted(name), quoted(close)),
            _ => quoted(name),
        })
        .collect();
    format!(
        "missing {noun} {}; the payload has columns {}",
        parts.join(", "),
        quoted_list(available)
    )
}

fn label_difference(missing: &[String], unexpected: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("it lacks {}", quoted_list(missing)));
    }
    if !unexpected.is_empty() {
        parts.push(format!("it has {} instead", quoted_list(unexpected)));
    }
    parts.join(" and ")
}

/// A column that differs from `wanted` only by case, punctuation, or one or two typos.
fn suggest(wanted: &str, candidates: &[&str]) -> Option<String> {
    let lower = wanted.to_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some((*c).to_owned());
    }
    let key = normalise(wanted);
    if key.is_empty() {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| normalise(c) == key) {
        return Some((*c).to_owned());
    }
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .filter_map(|c| Some((edit_distance(&key, &normalise(c))?, c)))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| (*c).to_owned())
}

/// Lowercase letters and digits only: `"L_STAT"` and `"lstat"` are the same name.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance; `None` for long names, which are not worth a quadratic cost.
fn edit_distance(a: &str, b: &str) -> Option<usize> {
    const MAX_LEN: usize = 64;
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::{btree_set, vec};
    use proptest::prelude::*;
    use proptest::sample::select;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn features() -> Vec<String> {
        names(&["CRIM", "RM", "LSTAT"])
    }

    /// Three Boston rows, row-major in `features()` order.
    const EXPECTED: [f64; 9] = [
        0.00632, 6.575, 4.98, 0.02731, 6.421, 9.14, 0.02729, 7.185, 4.03,
    ];

    // The same frame in every layout: columns in another order, an extra "CHAS", and in
    // columns orient one column whose row labels come in another order.
    const COLUMNS: &str = concat!(
        r#"{"LSTAT":{"0":4.98,"1":9.14,"2":4.03},"CHAS":{"0":0,"1":0,"2":1},"#,
        r#""RM":{"2":7.185,"0":6.575,"1":6.421},"CRIM":{"0":0.00632,"1":0.02731,"2":0.02729}}"#,
    );
    const INDEX: &str = concat!(
        r#"{"0":{"LSTAT":4.98,"CHAS":0,"RM":6.575,"CRIM":0.00632},"#,
        r#""1":{"LSTAT":9.14,"CHAS":0,"RM":6.421,"CRIM":0.02731},"#,
        r#""2":{"LSTAT":4.03,"CHAS":1,"RM":7.185,"CRIM":0.02729}}"#,
    );
    const RECORDS: &str = concat!(
        r#"[{"LSTAT":4.98,"CHAS":0,"RM":6.575,"CRIM":0.00632},"#,
        r#"{"LSTAT":9.14,"CHAS":0,"RM":6.421,"CRIM":0.02731},"#,
        r#"{"LSTAT":4.03,"CHAS":1,"RM":7.185,"CRIM":0.02729}]"#,
    );
    const SPLIT: &str = concat!(
        r#"{"columns":["LSTAT","CHAS","RM","CRIM"],"index":[0,1,2],"#,
        r#""data":[[4.98,0,6.575,0.00632],[9.14,0,6.421,0.02731],[4.03,1,7.185,0.02729]]}"#,
    );
    const SPLIT_NO_INDEX: &str = concat!(
        r#"{"columns":["LSTAT","CHAS","RM","CRIM"],"#,
        r#""data":[[4.98,0,6.575,0.00632],[9.14,0,6.421,0.02731],[4.03,1,7.185,0.02729]]}"#,
    );

    #[test]
    fn every_shape_gives_the_same_matrix() {
        let bodies = [
            ("columns", COLUMNS.to_owned()),
            ("index", INDEX.to_owned()),
            ("records", RECORDS.to_owned()),
            ("split", SPLIT.to_owned()),
            ("split without index", SPLIT_NO_INDEX.to_owned()),
            (
                "dataframe_split",
                format!(r#"{{"dataframe_split": {SPLIT}}}"#),
            ),
            (
                "dataframe_records",
                format!(r#"{{"dataframe_records": {RECORDS}}}"#),
            ),
            ("instances", format!(r#"{{"instances": {RECORDS}}}"#)),
            (
                "json.dumps spacing",
                RECORDS.replace(',', ", ").replace(':', ": "),
            ),
            (
                "pretty",
                format!("{{\n  \"dataframe_split\":\n    {SPLIT}\n}}\n"),
            ),
        ];
        for (name, body) in bodies {
            let frame =
                parse(body.as_bytes(), &features()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (matrix, ignored) = frame
                .select(&features())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(matrix, EXPECTED, "{name}");
            assert_eq!(ignored, ["CHAS"], "{name}");
            assert_eq!(frame.index, ["0", "1", "2"], "{name}");
            assert_eq!(frame.columns, ["LSTAT", "CHAS", "RM", "CRIM"], "{name}");
        }
    }

    #[test]
    fn rows_keep_the_body_order() {
        let body = br#"{"RM":{"10":1,"2":2,"1":3},"LSTAT":{"1":30,"10":10,"2":20}}"#;
        let frame = parse(body, &names(&["RM"])).unwrap();
        assert_eq!(frame.index, ["10", "2", "1"]);
        assert_eq!(frame.column("RM"), Some(&[1.0, 2.0, 3.0][..]));
        assert_eq!(frame.column("LSTAT"), Some(&[10.0, 20.0, 30.0][..]));
        assert_eq!(frame.column("ZN"), None);
        assert_eq!(frame.n_rows(), 3);
    }

    #[test]
    fn to_json_writes_what_pandas_writes() {
        let frame = Frame::from_rows(
            names(&["RM", "LSTAT"]),
            vec![],
            vec![vec![6.575, 4.98], vec![7.1, 9.1]],
        )
        .unwrap();
        let cases = [
            (
                Orient::Columns,
                r#"{"RM":{"0":6.575,"1":7.1},"LSTAT":{"0":4.98,"1":9.1}}"#,
            ),
            (
                Orient::Index,
                r#"{"0":{"RM":6.575,"LSTAT":4.98},"1":{"RM":7.1,"LSTAT":9.1}}"#,
            ),
            (
                Orient::Records,
                r#"[{"RM":6.575,"LSTAT":4.98},{"RM":7.1,"LSTAT":9.1}]"#,
            ),
            (
                Orient::Split,
                r#"{"columns":["RM","LSTAT"],"index":[0,1],"data":[[6.575,4.98],[7.1,9.1]]}"#,
            ),
        ];
        for (orient, expected) in cases {
            assert_eq!(frame.to_json(orient), expected, "{orient:?}");
        }
    }

    #[test]
    fn wrapper_words_and_split_keys_can_be_column_names() {
        for name in ["instances", "dataframe_split", "inputs", "columns"] {
            let body = format!(r#"{{"{name}":{{"0":1.5,"1":2.5}}}}"#);
            let frame = parse(body.as_bytes(), &names(&[name])).unwrap();
            assert_eq!(frame.column(name), Some(&[1.5, 2.5][..]), "{name}");
        }
        let body = br#"{"columns":{"0":1},"data":{"0":2}}"#;
        let frame = parse(body, &names(&["columns", "data"])).unwrap();
        assert_eq!(frame.columns, ["columns", "data"]);
    }

    #[test]
    fn object_of_objects_orientation_follows_the_features() {
        let body = br#"{"a":{"RM":1,"LSTAT":2},"b":{"RM":3,"LSTAT":4}}"#;
        let frame = parse(body, &names(&["RM", "LSTAT"])).unwrap();
        assert_eq!(frame.index, ["a", "b"]);
        assert_eq!(frame.column("RM"), Some(&[1.0, 3.0][..]));
        // Without features, pandas' default applies: columns orient.
        let frame = parse(body, &[]).unwrap();
        assert_eq!(frame.columns, ["a", "b"]);
    }

    #[test]
    fn integers_are_floats_and_big_numbers_are_kept() {
        let body = br#"[{"RM":7,"LSTAT":-3,"CRIM":1e300}]"#;
        let (matrix, _) = parse(body, &features())
            .unwrap()
            .select(&features())
            .unwrap();
        assert_eq!(matrix, [1e300, 7.0, -3.0]);
    }

    #[test]
    fn from_rows_refuses_what_a_payload_could_not_carry() {
        let two = names(&["RM", "LSTAT"]);
        let nan = Frame::from_rows(two.clone(), vec![], vec![vec![1.0, f64::NAN]]);
        assert!(
            matches!(nan, Err(PayloadError::NotFinite { ref column, .. }) if column == "LSTAT")
        );
        let ragged = Frame::from_rows(two.clone(), vec![], vec![vec![1.0, 2.0], vec![1.0]]);
        assert!(matches!(
            ragged,
            Err(PayloadError::RaggedRows { len: 1, .. })
        ));
        let dup = Frame::from_rows(names(&["RM", "RM"]), vec![], vec![vec![1.0, 2.0]]);
        assert!(matches!(dup, Err(PayloadError::DuplicateColumn { .. })));
        let index = Frame::from_rows(two, names(&["a"]), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert!(matches!(
            index,
            Err(PayloadError::IndexLengthMismatch { labels: 1, rows: 2 })
        ));
    }

    #[test]
    fn a_frame_changed_by_hand_is_reported_not_panicked_on() {
        let mut frame = Frame::from_rows(names(&["RM"]), vec![], vec![vec![1.0]]).unwrap();
        frame.index.push("extra".to_owned());
        assert!(matches!(
            frame.select(&names(&["RM"])),
            Err(PayloadError::Inconsistent { .. })
        ));
        assert_eq!(frame.column("RM"), None);
        assert!(frame.to_json(Orient::Split).contains("null"));
    }

    /// One bad body, the kind it must get, and words its message must contain.
    struct Case {
        name: &'static str,
        body: Vec<u8>,
        kind: ErrorKind,
        needles: &'static [&'static str],
    }

    /// `"c0":0,"c1":0,...` with `n` distinct keys.
    fn wide_record(n: usize) -> String {
        (0..n)
            .map(|i| format!("\"c{i}\":0"))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn case(
        name: &'static str,
        body: impl Into<Vec<u8>>,
        kind: ErrorKind,
        needles: &'static [&'static str],
    ) -> Case {
        Case {
            name,
            body: body.into(),
            kind,
            needles,
        }
    }

    fn bad_inputs() -> Vec<Case> {
        use ErrorKind::{Malformed, Schema};
        let wide: Vec<String> = (0..=MAX_COLUMNS).map(|j| format!("\"c{j}\":1")).collect();
        vec![
            // Not a DataFrame at all: 400.
            case("empty body", "", Malformed, &["empty"]),
            case("whitespace body", " \n\t", Malformed, &["empty"]),
            case(
                "not JSON",
                "RM=6.5",
                Malformed,
                &["invalid JSON", "line 1 column 1"],
            ),
            case(
                "truncated",
                r#"{"RM":{"0":6.5}"#,
                Malformed,
                &["invalid JSON", "EOF", "line 1"],
            ),
            case(
                "trailing garbage",
                "[] []",
                Malformed,
                &["trailing characters"],
            ),
            case(
                "invalid UTF-8",
                b"[{\"RM\":\"\xff\"}]",
                Malformed,
                &["invalid JSON"],
            ),
            case(
                "top-level number",
                "42",
                Malformed,
                &["found a number", "accepted"],
            ),
            case(
                "top-level string",
                r#""RM""#,
                Malformed,
                &["found a string"],
            ),
            case("top-level boolean", "true", Malformed, &["found a boolean"]),
            case("top-level null", "null", Malformed, &["found null"]),
            case("top-level NaN", "NaN", Malformed, &["a non-finite number"]),
            case(
                "NaN as a key",
                r#"[{NaN:1}]"#,
                Malformed,
                &["invalid JSON", "line 1 column 3"],
            ),
            case(
                "list of lists",
                "[[0.1,6.5,4.9]]",
                Malformed,
                &["row 0", "without column names", "split"],
            ),
            case(
                "instances as lists",
                r#"{"instances":[[0.1,6.5,4.9]]}"#,
                Malformed,
                &["without column names"],
            ),
            case(
                "record is a number",
                "[1,2]",
                Malformed,
                &["row 0 is a number"],
            ),
            case(
                "dict of lists",
                r#"{"RM":[6.5],"LSTAT":[4.9]}"#,
                Malformed,
                &[r#"value of "RM" is an array"#, "dict of lists"],
            ),
            case(
                "bare record",
                r#"{"CRIM":0.1,"RM":6.5,"LSTAT":4.9}"#,
                Malformed,
                &["single record", "wrap it in a list"],
            ),
            case(
                "MLflow inputs",
                r#"{"inputs":[[1,2,3]]}"#,
                Malformed,
                &["\"inputs\"", "dataframe_split"],
            ),
            case(
                "dataframe_split as a list",
                r#"{"dataframe_split":[[1]]}"#,
                Malformed,
                &["\"dataframe_split\"", "found an array"],
            ),
            case(
                "empty dataframe_split",
                r#"{"dataframe_split":{}}"#,
                Malformed,
                &["\"columns\"", "\"data\""],
            ),
            case(
                "dataframe_records as an object",
                r#"{"dataframe_records":{"a":[1]}}"#,
                Malformed,
                &["\"dataframe_records\"", "list of records"],
            ),
            case(
                "split without columns",
                r#"{"data":[[1,2]]}"#,
                Malformed,
                &["\"columns\"", "\"data\""],
            ),
            case(
                "split data not rows",
                r#"{"columns":["RM"],"data":[1,2]}"#,
                Malformed,
                &[r#""data"[0]"#, "a number"],
            ),
            case(
                "split data not a list",
                r#"{"columns":["RM"],"data":"x"}"#,
                Malformed,
                &[r#""data" must be a list"#],
            ),
            case(
                "split unknown key",
                r#"{"columns":["RM"],"data":[[1]],"dtype":"f8"}"#,
                Malformed,
                &["\"dtype\""],
            ),
            case(
                "split column not a label",
                r#"{"columns":[null],"data":[[1]]}"#,
                Malformed,
                &[r#""columns"[0]"#, "null"],
            ),
            case(
                "too deep",
                format!("{}{}", "[".repeat(300), "]".repeat(300)),
                Malformed,
                &["recursion limit"],
            ),
            // A DataFrame the model cannot use: 422.
            case(
                "missing feature, close name",
                r#"[{"CRIM":0.1,"RM":6.5,"lstat":4.9}]"#,
                Schema,
                &[r#"missing feature "LSTAT" (did you mean "lstat"?)"#],
            ),
            case(
                "missing feature, typo",
                r#"[{"CRIM":0.1,"RM":6.5,"L_STAT":4.9}]"#,
                Schema,
                &[r#"(did you mean "L_STAT"?)"#],
            ),
            case(
                "missing features",
                r#"[{"CRIM":0.1,"ZN":1}]"#,
                Schema,
                &["missing features", "\"RM\"", "\"LSTAT\"", "\"ZN\""],
            ),
            case(
                "no expected feature",
                r#"{"a":{"b":1}}"#,
                Schema,
                &["none of the expected features", "\"CRIM\""],
            ),
            case(
                "numeric string",
                r#"[{"CRIM":0.1,"RM":"6.5","LSTAT":4.9}]"#,
                Schema,
                &[r#"column "RM" row "0""#, r#"numeric string "6.5""#],
            ),
            case(
                "text",
                r#"[{"CRIM":0.1,"RM":"six","LSTAT":4.9}]"#,
                Schema,
                &["\"RM\"", r#"the string "six""#],
            ),
            case(
                "long text is cut",
                format!(r#"[{{"CRIM":0.1,"RM":"{}","LSTAT":4.9}}]"#, "x".repeat(500)),
                Schema,
                &["xxx\"…"],
            ),
            case(
                "boolean",
                r#"[{"CRIM":0.1,"RM":true,"LSTAT":4.9}]"#,
                Schema,
                &["\"RM\"", "the boolean true"],
            ),
            case(
                "object cell",
                r#"[{"CRIM":0.1,"RM":{"v":6.5},"LSTAT":4.9}]"#,
                Schema,
                &["\"RM\"", r#"the object {"v":6.5}"#],
            ),
            case(
                "array cell",
                r#"{"columns":["CRIM","RM","LSTAT"],"data":[[0.1,[6.5],4.9]]}"#,
                Schema,
                &["\"RM\"", "the array [6.5]"],
            ),
            case(
                "null",
                r#"{"CRIM":{"0":0.1,"1":0.2},"RM":{"0":6.5,"1":null},"LSTAT":{"0":4.9,"1":5}}"#,
                Schema,
                &[r#"column "RM" row "1" is null"#, "NaN"],
            ),
            case(
                "NaN token",
                r#"[{"CRIM":0.1, "RM": NaN, "LSTAT":4.9}]"#,
                Schema,
                &[r#"column "RM" row "0""#, "NaN is not a finite number"],
            ),
            case(
                "Infinity token",
                r#"{"0":{"CRIM":0.1,"RM":6.5,"LSTAT":Infinity}}"#,
                Schema,
                &[r#"column "LSTAT" row "0""#, "Infinity"],
            ),
            case(
                "-Infinity in split",
                r#"{"columns":["CRIM","RM","LSTAT"],"index":[7],"data":[[-Infinity,6.5,4.9]]}"#,
                Schema,
                &[r#"column "CRIM" row "7""#, "-Infinity"],
            ),
            case(
                "overflow",
                r#"{"CRIM":{"0":0.1},"RM":{"0":1e400},"LSTAT":{"0":4.9}}"#,
                Schema,
                &[r#"column "RM" row "0""#, "1e400", "overflows"],
            ),
            case(
                "ragged split rows",
                r#"{"columns":["CRIM","RM","LSTAT"],"data":[[0.1,6.5,4.9],[0.2,6.6]]}"#,
                Schema,
                &[r#"row "1" has 2 values but row "0" has 3"#],
            ),
            case(
                "split width mismatch",
                r#"{"columns":["CRIM","RM","LSTAT"],"data":[[0.1,6.5],[0.2,6.6]]}"#,
                Schema,
                &["3 columns", "2 values"],
            ),
            case(
                "split index length",
                r#"{"columns":["RM"],"index":[0],"data":[[1],[2]]}"#,
                Schema,
                &["1 row labels", "2 rows"],
            ),
            case(
                "index labels differ",
                r#"{"CRIM":{"0":0.1,"1":0.2},"RM":{"0":6.5,"2":6.6},"LSTAT":{"0":4.9,"1":5}}"#,
                Schema,
                &[
                    r#"column "RM""#,
                    r#"column "CRIM""#,
                    r#"lacks ["1"]"#,
                    r#"has ["2"] instead"#,
                ],
            ),
            case(
                "missing cell in records",
                r#"[{"CRIM":0.1,"RM":6.5,"LSTAT":4.9},{"CRIM":0.2,"RM":6.6}]"#,
                Schema,
                &[r#"row "1""#, r#"column "LSTAT""#],
            ),
            case(
                "duplicate column key",
                r#"[{"CRIM":0.1,"RM":6.5,"RM":6.6,"LSTAT":4.9}]"#,
                Schema,
                &[r#"duplicate key "RM""#, "line 1"],
            ),
            // Past SMALL_OBJECT keys the check moves to a hash set: a duplicate of an early key
            // found late, and a duplicate of a key seen after the switch.
            case(
                "duplicate key in a wide record, first seen before the switch",
                format!("[{{{},\"c3\":0}}]", wide_record(20)),
                Schema,
                &[r#"duplicate key "c3""#],
            ),
            case(
                "duplicate key in a wide record, first seen after the switch",
                format!("[{{{},\"c18\":0}}]", wide_record(20)),
                Schema,
                &[r#"duplicate key "c18""#],
            ),
            case(
                "duplicate row label key",
                r#"{"RM":{"0":1,"0":2}}"#,
                Schema,
                &[r#"duplicate key "0""#],
            ),
            case(
                "duplicate split column",
                r#"{"columns":["RM","RM"],"data":[[1,2]]}"#,
                Schema,
                &[r#"duplicate column "RM""#],
            ),
            case(
                "duplicate split index",
                r#"{"columns":["RM"],"index":["a","a"],"data":[[1],[2]]}"#,
                Schema,
                &[r#"duplicate row label "a""#],
            ),
            case("zero rows, records", "[]", Schema, &["no rows"]),
            case("zero rows, columns", r#"{"RM":{}}"#, Schema, &["no rows"]),
            case(
                "zero rows, split",
                r#"{"columns":["RM"],"data":[]}"#,
                Schema,
                &["no rows"],
            ),
            case("zero rows, empty object", "{}", Schema, &["no rows"]),
            case("no columns", "[{}]", Schema, &["no columns"]),
            case(
                "too many columns",
                format!("[{{{}}}]", wide.join(",")),
                Schema,
                &["1001 columns", "at most 1000"],
            ),
        ]
    }

    #[test]
    fn bad_inputs_are_rejected_with_a_reason() {
        let cases = bad_inputs();
        assert!(cases.len() >= 25);
        for Case {
            name,
            body,
            kind,
            needles,
        } in cases
        {
            let error = match parse(&body, &features()) {
                Ok(frame) => frame.select(&features()).err(),
                Err(error) => Some(error),
            };
            let Some(error) = error else {
                panic!("{name}: accepted");
            };
            let message = error.to_string();
            assert_eq!(error.kind(), kind, "{name}: {message}");
            for needle in needles {
                assert!(
                    message.contains(needle),
                    "{name}: {message:?} lacks {needle:?}"
                );
            }
        }
    }

    #[test]
    fn syntax_errors_after_a_nan_point_into_the_original_body() {
        let with_nan = parse(br#"[{"RM":NaN,"LSTAT":4.9} x]"#, &features()).unwrap_err();
        let without = parse(br#"[{"RM":1.0,"LSTAT":4.9} x]"#, &features()).unwrap_err();
        assert_eq!(with_nan, without);
        assert_eq!(with_nan.kind(), ErrorKind::Malformed);
    }

    #[test]
    fn a_nul_escape_disables_marking_but_still_fails_cleanly() {
        let error = parse(br#"[{"RM":NaN,"LSTAT":"\u0000"}]"#, &features()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Malformed);
    }

    #[test]
    fn error_kinds_map_to_statuses() {
        assert_eq!(ErrorKind::Malformed.status(), 400);
        assert_eq!(ErrorKind::Schema.status(), 422);
    }

    fn key() -> impl Strategy<Value = String> {
        select(vec![
            "CRIM",
            "RM",
            "LSTAT",
            "0",
            "1",
            "columns",
            "data",
            "index",
            "dataframe_split",
            "dataframe_records",
            "instances",
            "inputs",
            "",
        ])
        .prop_map(str::to_owned)
    }

    fn json_string(s: &str) -> String {
        serde_json::Value::String(s.to_owned()).to_string()
    }

    /// Syntactically valid JSON (plus Python's non-finite tokens) over the payload vocabulary.
    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            select(vec![
                "null",
                "true",
                "NaN",
                "-Infinity",
                "1e400",
                "7",
                "-0.5"
            ])
            .prop_map(str::to_owned),
            any::<f64>().prop_map(|x| x.to_string()),
            key().prop_map(|k| json_string(&k)),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(|items| format!("[{}]", items.join(","))),
                vec((key(), inner), 0..6).prop_map(|entries| {
                    let entries: Vec<String> = entries
                        .iter()
                        .map(|(k, v)| format!("{}:{v}", json_string(k)))
                        .collect();
                    format!("{{{}}}", entries.join(","))
                }),
            ]
        })
    }

    fn token() -> impl Strategy<Value = &'static str> {
        select(vec![
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            " ",
            "\n",
            "\"",
            "\\",
            "\"RM\"",
            "\"0\"",
            "\"columns\"",
            "\"data\"",
            "\"index\"",
            "\"instances\"",
            "\"dataframe_split\"",
            "1",
            "-",
            "1.5e3",
            "1e400",
            "NaN",
            "Infinity",
            "-Infinity",
            "null",
            "true",
            "\"\\u0000\"",
            "\u{e9}",
        ])
    }

    fn label() -> impl Strategy<Value = String> {
        prop_oneof![
            vec(any::<char>(), 0..6).prop_map(String::from_iter),
            key(),
            (0u32..1_000).prop_map(|i| i.to_string()),
        ]
    }

    fn unique_labels(n: usize) -> impl Strategy<Value = Vec<String>> {
        btree_set(label(), n)
            .prop_map(Vec::from_iter)
            .prop_shuffle()
    }

    fn finite_f64() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("finite", |x| x.is_finite())
    }

    /// Frames whose row labels are not column names: otherwise `columns` and `index` orient
    /// are ambiguous (see the module docs), for us as for pandas.
    fn frame() -> impl Strategy<Value = Frame> {
        (1usize..5, 1usize..5)
            .prop_flat_map(|(n_cols, n_rows)| {
                (
                    unique_labels(n_cols),
                    unique_labels(n_rows),
                    vec(vec(finite_f64(), n_cols), n_rows),
                )
            })
            .prop_filter_map("row labels are column names", |(columns, index, rows)| {
                if index.iter().any(|label| columns.contains(label)) {
                    return None;
                }
                Frame::from_rows(columns, index, rows).ok()
            })
    }

    fn bits(frame: &Frame) -> Vec<u64> {
        frame.values.iter().map(|x| x.to_bits()).collect()
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in vec(any::<u8>(), 0..256)) {
            if let Err(error) = parse(&body, &features()) {
                // Bytes that are not JSON at all (nor JSON with NaN/Infinity, which the parser
                // takes on purpose) can only be a 400, never a schema complaint.
                let lenient = String::from_utf8_lossy(&body).replace("NaN", "0").replace("Infinity", "0");
                if serde_json::from_str::<serde_json::Value>(&lenient).is_err() {
                    prop_assert_eq!(error.kind(), ErrorKind::Malformed, "{}", error);
                }
            }
        }

        #[test]
        fn token_soup_never_panics(tokens in vec(token(), 0..48)) {
            let body = tokens.concat();
            // Never panics; the result itself is not constrained.
            let _ = parse(body.as_bytes(), &features());
        }

        #[test]
        fn generated_json_never_panics(body in json_text()) {
            // Rejected without a panic, or parsed: then a missing feature is the request's
            // schema problem (422), never a malformed body.
            if let Ok(frame) = parse(body.as_bytes(), &features()) {
                if let Err(error) = frame.select(&features()) {
                    prop_assert_eq!(error.kind(), ErrorKind::Schema, "{}", error);
                }
            }
        }

        #[test]
        fn frames_round_trip_through_every_orient(frame in frame()) {
            for orient in Orient::ALL {
                let body = frame.to_json(orient);
                let back = parse(body.as_bytes(), &frame.columns)
                    .map_err(|e| TestCaseError::fail(format!("{orient:?}: {e}\n{body}")))?;
                prop_assert_eq!(&back.columns, &frame.columns, "{:?}", orient);
                prop_assert_eq!(bits(&back), bits(&frame), "{:?}", orient);
                if orient != Orient::Records {
                    prop_assert_eq!(&back.index, &frame.index, "{:?}", orient);
                }
            }
        }
    }
}
