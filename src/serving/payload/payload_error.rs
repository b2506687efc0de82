//! Payload errors: what was wrong with a request body, which HTTP status it deserves, and the
//! helpers that quote names and suggest the feature a client probably meant.

/// Names and values quoted in error messages are cut to this many characters.
pub(super) const PREVIEW_CHARS: usize = 60;
/// Lists of labels in error messages show at most this many.
const PREVIEW_LABELS: usize = 5;

/// Appended to shape errors, so that the client learns what would have been accepted.
pub(super) const ACCEPTED: &str =
    "accepted: pandas to_json orients columns {\"col\":{\"row\":value}}, \
index {\"row\":{\"col\":value}}, records [{\"col\":value}], \
split {\"columns\":[...],\"index\":[...],\"data\":[[...]]}, or MLflow's \
{\"dataframe_split\":split}, {\"dataframe_records\":records}, {\"instances\":records}, \
{\"inputs\":records or {\"col\":[values]}}";

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
// Each variant's doc and message say what its fields hold.
#[allow(missing_docs)]
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
    /// A CSV body that cannot be read (not UTF-8, an unterminated quote).
    #[error("invalid CSV: {message} (line {line}, byte {column})")]
    InvalidCsv {
        message: String,
        line: usize,
        column: usize,
    },
    /// An object repeats a key: pandas never writes one, and keeping either value would be a guess.
    #[error("{message} at line {line} column {column}")]
    DuplicateKey {
        message: String,
        line: usize,
        column: usize,
    },
    /// A column name appears twice in a `split` payload or in [`Frame::from_rows`](super::Frame::from_rows).
    #[error("duplicate column {}", quoted(.column))]
    DuplicateColumn { column: String },
    /// A row label appears twice in a `split` payload or in [`Frame::from_rows`](super::Frame::from_rows).
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
    /// A cell holds an array or an object, where a value (number, text, boolean, null) goes.
    #[error(
        "column {} row {}: expected a value (a number, text, a boolean or null), found {value}",
        quoted(.column),
        quoted(.row)
    )]
    NotAValue {
        column: String,
        row: String,
        value: String,
    },
    /// A cell does not fit its column's type in the model (text for a numeric column, a number
    /// for a text column).
    #[error(
        "column {} row {}: expected {expected}, as the model's column holds, got {found}",
        quoted(.column),
        quoted(.row)
    )]
    WrongType {
        column: String,
        row: String,
        expected: String,
        found: String,
    },
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
        "row {} has no value for column {} (pandas would read it as NaN; send null for a gap)",
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
    /// A `split` index (or the index given to [`Frame::from_rows`](super::Frame::from_rows)) has the wrong length.
    #[error("{labels} row labels were given for {rows} rows")]
    IndexLengthMismatch { labels: usize, rows: usize },
    /// The table has no rows.
    #[error("the payload has no rows")]
    NoRows,
    /// The table has rows but no columns.
    #[error("the payload has rows but no columns")]
    NoColumns,
    /// The table is wider than [`MAX_COLUMNS`](super::MAX_COLUMNS).
    #[error("the payload has {count} columns; at most {max} are accepted")]
    TooManyColumns {
        /// The payload's columns.
        count: usize,
        /// The most accepted.
        max: usize,
    },
    /// A [`Frame`](super::Frame)'s public fields were changed by hand so that they no longer fit its values.
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
    /// What went wrong, as a log field: the variant's name in snake case (`wrong_type`).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::InvalidJson { .. } => "invalid_json",
            Self::NotAFrame { .. } => "not_a_frame",
            Self::UnknownShape { .. } => "unknown_shape",
            Self::InvalidCsv { .. } => "invalid_csv",
            Self::DuplicateKey { .. } => "duplicate_key",
            Self::DuplicateColumn { .. } => "duplicate_column",
            Self::DuplicateRowLabel { .. } => "duplicate_row_label",
            Self::MissingFeatures { .. } => "missing_features",
            Self::NoFeaturesFound { .. } => "no_features_found",
            Self::NotAValue { .. } => "not_a_value",
            Self::WrongType { .. } => "wrong_type",
            Self::NotFinite { .. } => "not_finite",
            Self::MissingCell { .. } => "missing_cell",
            Self::IndexMismatch { .. } => "index_mismatch",
            Self::RaggedRows { .. } => "ragged_rows",
            Self::ColumnCountMismatch { .. } => "column_count_mismatch",
            Self::IndexLengthMismatch { .. } => "index_length_mismatch",
            Self::NoRows => "no_rows",
            Self::NoColumns => "no_columns",
            Self::TooManyColumns { .. } => "too_many_columns",
            Self::Inconsistent { .. } => "inconsistent",
        }
    }

    /// The column the error is about, when it is about one (a name, never a cell's value).
    pub fn column(&self) -> Option<&str> {
        match self {
            Self::DuplicateColumn { column }
            | Self::NotAValue { column, .. }
            | Self::WrongType { column, .. }
            | Self::NotFinite { column, .. }
            | Self::MissingCell { column, .. }
            | Self::IndexMismatch { column, .. } => Some(column),
            Self::MissingFeatures { missing, .. } => missing.first().map(String::as_str),
            _ => None,
        }
    }

    /// Whether the body is not a DataFrame (400) or a DataFrame the model cannot use (422).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Empty
            | Self::InvalidJson { .. }
            | Self::InvalidCsv { .. }
            | Self::NotAFrame { .. } => ErrorKind::Malformed,
            Self::UnknownShape { .. } => ErrorKind::Malformed,
            Self::DuplicateKey { .. }
            | Self::DuplicateColumn { .. }
            | Self::DuplicateRowLabel { .. }
            | Self::MissingFeatures { .. }
            | Self::NoFeaturesFound { .. }
            | Self::NotAValue { .. }
            | Self::WrongType { .. }
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

/// `s` cut to [`PREVIEW_CHARS`] characters, and whether it was cut.
pub(super) fn head(s: &str) -> (&str, bool) {
    match s.char_indices().nth(PREVIEW_CHARS) {
        Some((at, _)) => (&s[..at], true),
        None => (s, false),
    }
}

pub(super) fn truncated(s: &str) -> String {
    match head(s) {
        (head, true) => format!("{head}…"),
        (head, false) => head.to_owned(),
    }
}

/// `"name"`, escaped and cut, for messages.
pub(super) fn quoted(s: &str) -> String {
    let (head, cut) = head(s);
    format!("{head:?}{}", if cut { "…" } else { "" })
}

/// `["a", "b", … and 3 more]`.
pub(super) fn quoted_list(labels: &[String]) -> String {
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

pub(super) fn overflow_note(value: &str) -> &'static str {
    match value {
        "NaN" | "Infinity" | "-Infinity" | "inf" | "-inf" => "",
        _ => " (it overflows a 64-bit float)",
    }
}

pub(super) fn missing_message(
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

pub(super) fn label_difference(missing: &[String], unexpected: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("it lacks {}", quoted_list(missing)));
    }
    if !unexpected.is_empty() {
        parts.push(format!("it has {} instead", quoted_list(unexpected)));
    }
    parts.join(" and ")
}
