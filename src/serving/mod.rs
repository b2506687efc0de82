//! Serving: the model artifact, pandas-JSON payloads, and the one prediction path that the
//! notebook's JSON workflow, the CLI and the HTTP server all call.

pub mod artifact;
pub mod explain;
#[cfg(feature = "cli")]
pub mod http;
mod lifting_reader;
pub mod payload;
pub mod v2;

use std::collections::BTreeMap;

use ndarray::ArrayView2;
use polars::prelude::DataFrame;
use serde::Serialize;

pub use artifact::Artifact;
pub use explain::{explain_frame, Explanation};
pub use payload::{Cell, Frame, Orient, PayloadError};

use crate::error::{Error, Result};
use crate::table::cell::Value as CellValue;
use crate::table::Encoding;

/// Encoded values held at once while a request is scored (8 MiB of `f64`).
const ENCODED_VALUES_PER_CHUNK: usize = 1 << 20;
/// Most rows scored at once.
const MAX_CHUNK_ROWS: usize = 4096;

/// Predictions for a payload's rows, in the payload's order. As JSON (`{"prediction": [...]}`),
/// a classifier's `prediction` holds its labels (with the target's type), then come each
/// row's `probabilities` (one per class) and the `classes` in that order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prediction {
    /// One prediction per row: a regressor's number, a classifier's class (its position in
    /// `classes`).
    pub prediction: Vec<f64>,
    /// A classifier's labels, row for row (sent as `prediction`).
    pub labels: Option<Vec<serde_json::Value>>,
    /// A classifier's probabilities: a row per request row, a column per class.
    pub probabilities: Option<Vec<Vec<f64>>>,
    /// A classifier's classes, sorted (the probabilities' columns).
    pub classes: Option<Vec<serde_json::Value>>,
    /// Payload columns the model does not use (ignored).
    pub ignored_columns: Vec<String>,
    /// What the caller should know about the answer: columns that were not in the training
    /// table at all (an ID, a typo of an input's name), ignored as MLflow's schema enforcement
    /// ignores them.
    pub warnings: Vec<String>,
    /// For each text or boolean input, how many rows held a category the training rows never
    /// had (encoded as all zeros, as scikit-learn's `handle_unknown="ignore"` does).
    pub unseen_categories: BTreeMap<String, usize>,
}

impl Serialize for Prediction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        match &self.labels {
            Some(labels) => map.serialize_entry("prediction", labels)?,
            None => map.serialize_entry("prediction", &self.prediction)?,
        }
        if let Some(probabilities) = &self.probabilities {
            map.serialize_entry("probabilities", probabilities)?;
        }
        if let Some(classes) = &self.classes {
            map.serialize_entry("classes", classes)?;
        }
        if !self.ignored_columns.is_empty() {
            map.serialize_entry("ignored_columns", &self.ignored_columns)?;
        }
        if !self.warnings.is_empty() {
            map.serialize_entry("warnings", &self.warnings)?;
        }
        if !self.unseen_categories.is_empty() {
            map.serialize_entry("unseen_categories", &self.unseen_categories)?;
        }
        map.end()
    }
}

impl Prediction {
    /// Each row's answer as JSON: the label for a classifier, else the number.
    pub fn values(&self) -> Vec<serde_json::Value> {
        match &self.labels {
            Some(labels) => labels.clone(),
            None => self
                .prediction
                .iter()
                .map(|&v| serde_json::Value::from(v))
                .collect(),
        }
    }
}

impl std::fmt::Display for Prediction {
    /// The answer as the server sends it: `{"prediction": [...]}`, with
    /// `"ignored_columns"` when the payload carried columns the model does not use; indented
    /// with `{:#}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = if f.alternate() {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        }
        .map_err(|_| std::fmt::Error)?;
        f.write_str(&json)
    }
}

/// Why a prediction failed: the payload's fault (with its HTTP class) or the model's.
#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    /// The request body was wrong.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// The model's answer for a row is not a finite number (a linear model fed values near
    /// `f64::MAX`, say): never sent as `null`, always refused, naming the row.
    #[error(
        "the prediction for row {row:?} is {value}, not a finite number: the row's values are \
         outside what the model can score"
    )]
    NotFinite {
        /// The row's label in the payload.
        row: String,
        /// What the model computed (NaN or an infinity).
        value: f64,
    },
    /// The model could not predict.
    #[error(transparent)]
    Model(#[from] Error),
}

/// Parses a pandas-JSON body and predicts with the artifact's training scaler and model.
///
/// ```
/// use ml_workflow::serving::{predict, Artifact};
/// # use ml_workflow::modeling::train::{train, TrainConfig};
/// # use ml_workflow::modeling::ModelSpec;
/// # use ml_workflow::polars_ext::from_columns;
/// # let x: Vec<f64> = (0..50).map(f64::from).collect();
/// # let y: Vec<f64> = x.iter().map(|v| 2.0 * v - 1.0).collect();
/// # let df = from_columns(vec![("x".into(), x), ("y".into(), y)])?;
/// # let mut config = TrainConfig::for_target("y");
/// # config.model = ModelSpec::Linear;
/// # let report = train(&df, &config, None)?;
/// let artifact = Artifact::from_report(&report, "y-from-x", "0000");
/// // pandas' df.to_json() of a one-column frame with rows "a" and "b".
/// let answer = predict(&artifact, br#"{"x":{"a":10.0,"b":20.0}}"#).expect("a prediction");
/// assert!((answer.prediction[0] - 19.0).abs() < 1e-9);
/// assert!((answer.prediction[1] - 39.0).abs() < 1e-9);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn predict(artifact: &Artifact, body: &[u8]) -> std::result::Result<Prediction, PredictError> {
    let frame = payload::parse(body, &artifact.features)?;
    predict_frame(artifact, &frame)
}

/// Parses a CSV body (a header row, then rows) and predicts, as [`predict`] does for JSON.
pub fn predict_csv(
    artifact: &Artifact,
    body: &[u8],
) -> std::result::Result<Prediction, PredictError> {
    let frame = payload::parse_csv(body)?;
    predict_frame(artifact, &frame)
}

/// Predicts for an already parsed frame: the model's input columns matched by name and read
/// through the artifact's preprocessing (a gap imputed, a category one-hot encoded). Other
/// columns are ignored and listed in `ignored_columns`; one the training table did not have
/// (an ID, a misspelt input) also gets a warning, with the closest input's name. A missing
/// input, or a cell of the wrong type, is an error naming it.
pub fn predict_frame(
    artifact: &Artifact,
    frame: &Frame,
) -> std::result::Result<Prediction, PredictError> {
    let (columns, ignored_columns) = frame.select(&artifact.features)?;
    let warnings = unknown_column_warnings(artifact, &ignored_columns);
    // The training rows' statistics and categories: nothing is fitted on the request. Rows go
    // through in chunks, so that the encoded matrix stays small whatever the body's size and
    // the model's width (a one-hot column makes many features of one cell).
    let width = artifact.preprocessing.width().max(1);
    let chunk = (ENCODED_VALUES_PER_CHUNK / width).clamp(1, MAX_CHUNK_ROWS);
    let n = frame.n_rows();
    let mut prediction = Vec::with_capacity(n);
    let classifier = artifact.classes.is_some();
    let mut probabilities: Vec<Vec<f64>> = Vec::new();
    for start in (0..n).step_by(chunk) {
        let end = (start + chunk).min(n);
        let part: Vec<&[Cell]> = columns.iter().filter_map(|c| c.get(start..end)).collect();
        let values = artifact
            .preprocessing
            .encode(&part, end - start)
            .map_err(|e| PayloadError::WrongType {
                column: artifact.features.get(e.column).cloned().unwrap_or_default(),
                row: frame.index.get(start + e.row).cloned().unwrap_or_default(),
                expected: e.mismatch.expected.described().into(),
                found: e.mismatch.found,
            })?;
        if classifier {
            let x = ArrayView2::from_shape((end - start, width), &values)
                .map_err(|e| Error::model("predict", e))?;
            let proba = artifact.model.predict_proba(x)?;
            let codes = crate::modeling::classify::argmax_rows(proba.view());
            prediction.extend(codes.iter().map(|&c| c as f64));
            probabilities.extend(proba.rows().into_iter().map(|r| r.to_vec()));
        } else if end - start == 1 {
            prediction.push(artifact.model.predict_row(&values)?);
        } else {
            let x = ArrayView2::from_shape((end - start, width), &values)
                .map_err(|e| Error::model("predict", e))?;
            prediction.extend(artifact.model.predict(x)?);
        }
    }
    let probability_gap = probabilities
        .iter()
        .enumerate()
        .find_map(|(i, row)| row.iter().find(|p| !p.is_finite()).map(|&p| (i, p)));
    let first_bad = prediction
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite())
        .map(|(i, &v)| (i, v))
        .or(probability_gap);
    if let Some((i, value)) = first_bad {
        return Err(PredictError::NotFinite {
            row: frame.index.get(i).cloned().unwrap_or_else(|| i.to_string()),
            value,
        });
    }
    let classes = artifact.classes.as_ref().map(|c| c.0.clone());
    let labels = classes.as_ref().map(|classes| {
        prediction
            .iter()
            .map(|&code| classes.get(code as usize).cloned().unwrap_or_default())
            .collect()
    });
    Ok(Prediction {
        prediction,
        labels,
        probabilities: classifier.then_some(probabilities),
        classes,
        ignored_columns,
        warnings,
        unseen_categories: unseen_categories(artifact, &columns),
    })
}

/// Rows per input column whose category the training rows never had (the cells were already
/// read once, so every one reads).
fn unseen_categories(artifact: &Artifact, columns: &[&[Cell]]) -> BTreeMap<String, usize> {
    let mut unseen = BTreeMap::new();
    for (cells, spec) in columns.iter().zip(&artifact.preprocessing.columns) {
        let Encoding::OneHot { categories, .. } = &spec.encoding else {
            continue;
        };
        let count = cells
            .iter()
            .filter(|cell| match cell.read(spec.dtype) {
                Ok(CellValue::Category(c)) => {
                    categories.binary_search_by(|k| k.as_str().cmp(c)).is_err()
                }
                _ => false,
            })
            .count();
        if count > 0 {
            unseen.insert(spec.name.clone(), count);
        }
    }
    unseen
}

/// One warning for the ignored columns the training table did not have, if any.
fn unknown_column_warnings(artifact: &Artifact, ignored: &[String]) -> Vec<String> {
    let known = &artifact.preprocessing.ignored_columns;
    let unknown: Vec<&String> = ignored.iter().filter(|c| !known.contains(c)).collect();
    if unknown.is_empty() {
        return vec![];
    }
    let inputs: Vec<&str> = artifact.features.iter().map(String::as_str).collect();
    let named: Vec<String> = unknown
        .iter()
        .map(|c| match crate::table::names::suggest(c, &inputs) {
            Some(close) => format!("{c:?} (did you mean {close:?}?)"),
            None => format!("{c:?}"),
        })
        .collect();
    let plural = if unknown.len() == 1 {
        "column"
    } else {
        "columns"
    };
    vec![format!(
        "{plural} {} not among the model's inputs ({}): ignored",
        named.join(", "),
        inputs.join(", ")
    )]
}

/// Rows of a dataset as a request frame (every column, labels = row positions; text as
/// strings, gaps as missing), as the notebook builds an ad-hoc request before turning it into
/// pandas JSON.
pub fn request_rows(df: &DataFrame, rows: &[usize]) -> Result<Frame> {
    frame_of(df, rows, |t| Cell::Text(t.into()))
}

/// Every row of a CSV file read by the crate's reader (`predict --input file.csv`) as a
/// request frame: as [`request_rows`], but a text cell stays a CSV field whose type the model's
/// column decides, so that a numeric column read as text because of one stray value is blamed
/// on that value, not on its first number.
pub fn csv_rows(df: &DataFrame) -> Result<Frame> {
    let rows: Vec<usize> = (0..df.height()).collect();
    frame_of(df, &rows, |t| Cell::Field(t.into()))
}

/// Rows `rows` of `df` as a request frame, each text cell made by `text`.
fn frame_of(df: &DataFrame, rows: &[usize], text: fn(&str) -> Cell) -> Result<Frame> {
    let n = df.height();
    if let Some(bad) = rows.iter().find(|&&r| r >= n) {
        return Err(Error::invalid(
            "rows",
            format!("row {bad} is past the last row ({})", n.saturating_sub(1)),
        ));
    }
    let columns = crate::polars_ext::column_names(df);
    let cells = columns
        .iter()
        .map(|c| column_cells(df, c, text))
        .collect::<Result<Vec<_>>>()?;
    let table = rows
        .iter()
        .map(|&r| cells.iter().map(|col| col[r].clone()).collect())
        .collect();
    let index = rows.iter().map(|r| r.to_string()).collect();
    Frame::from_cells(columns, index, table).map_err(|e| Error::invalid("rows", e.to_string()))
}

/// A frame's column as raw cells (numbers, booleans, text, missing), as a request carries it.
fn column_cells(df: &DataFrame, name: &str, text: fn(&str) -> Cell) -> Result<Vec<Cell>> {
    use crate::polars_ext::{column_by_name, column_f64_nullable, is_numeric};
    use polars::prelude::DataType;
    let col = column_by_name(df, name)?;
    if is_numeric(col) {
        let values = column_f64_nullable(df, name)?;
        return Ok(values
            .into_iter()
            .map(|v| {
                v.filter(|x| !x.is_nan())
                    .map_or(Cell::Missing, Cell::Number)
            })
            .collect());
    }
    match col.dtype() {
        DataType::Boolean => Ok(col
            .bool()?
            .iter()
            .map(|v| v.map_or(Cell::Missing, Cell::Bool))
            .collect()),
        DataType::String => Ok(col
            .str()?
            .iter()
            .map(|v| v.map_or(Cell::Missing, text))
            .collect()),
        other => Err(Error::BadColumn {
            column: name.into(),
            message: format!("its type {other} has no request form (numbers, booleans, text)"),
        }),
    }
}
