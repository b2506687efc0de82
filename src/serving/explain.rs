//! Why the model predicts what it does for a request's rows: each row's SHAP values
//! (`modeling::explain`), on the model's encoded features and summed back to the columns the
//! client sent (a text column's one-hot block, a number's imputed and scaled value: one
//! contribution per column), with the base value they add up from.

use ndarray::ArrayView2;
use serde::Serialize;

use super::payload::{Cell, Frame, PayloadError};
use super::{Artifact, PredictError};
use crate::error::Error;
use crate::modeling::explain::shap_values;

/// A request's rows explained: `base_value + Σ values[i]` is row `i`'s prediction, and so is
/// `base_value + Σ feature_values[i]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The model's mean prediction over its training rows (shap's `expected_value`).
    pub base_value: f64,
    /// The model's input columns, as the client sends them.
    pub columns: Vec<String>,
    /// Each row's contribution per input column.
    pub values: Vec<Vec<f64>>,
    /// The model's encoded features (scikit-learn's `get_feature_names_out` names).
    pub features: Vec<String>,
    /// Each row's contribution per encoded feature.
    pub feature_values: Vec<Vec<f64>>,
    /// Each row's prediction.
    pub prediction: Vec<f64>,
}

/// Explains every row of `frame`, read through the artifact's preprocessing as a prediction
/// reads it; an error for a model that cannot be explained yet, or a payload the model
/// cannot read.
pub fn explain_frame(artifact: &Artifact, frame: &Frame) -> Result<Explanation, PredictError> {
    let (columns, _) = frame.select(&artifact.features)?;
    let n = frame.n_rows();
    let width = artifact.preprocessing.width();
    let parts: Vec<&[Cell]> = columns.iter().map(|c| &c[..]).collect();
    let encoded =
        artifact
            .preprocessing
            .encode(&parts, n)
            .map_err(|e| PayloadError::WrongType {
                column: artifact.features.get(e.column).cloned().unwrap_or_default(),
                row: frame.index.get(e.row).cloned().unwrap_or_default(),
                expected: e.mismatch.expected.described().into(),
                found: e.mismatch.found,
            })?;
    let x = ArrayView2::from_shape((n, width), &encoded).map_err(|e| Error::model("explain", e))?;
    let shap = shap_values(&artifact.model, x)?;
    let prediction = artifact.model.predict(x)?.to_vec();
    let owner = feature_owners(artifact)?;
    let by_column = shap
        .values
        .rows()
        .into_iter()
        .map(|phi| {
            let mut sums = vec![0.0; artifact.preprocessing.columns.len()];
            for (f, v) in phi.iter().enumerate() {
                sums[owner[f]] += v;
            }
            sums
        })
        .collect();
    Ok(Explanation {
        base_value: shap.base_value,
        columns: artifact
            .preprocessing
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect(),
        values: by_column,
        features: artifact.preprocessing.feature_names.clone(),
        feature_values: shap.values.rows().into_iter().map(|r| r.to_vec()).collect(),
        prediction,
    })
}

/// For each encoded feature, the input column it comes from (found by its name).
fn feature_owners(artifact: &Artifact) -> Result<Vec<usize>, Error> {
    let names = &artifact.preprocessing.feature_names;
    let mut owner = vec![usize::MAX; names.len()];
    for (c, column) in artifact.preprocessing.columns.iter().enumerate() {
        for feature in column.feature_names() {
            if let Some(f) = names.iter().position(|n| *n == feature) {
                owner[f] = c;
            }
        }
    }
    match owner.iter().position(|&o| o == usize::MAX) {
        Some(f) => Err(Error::model(
            "explain",
            format!("feature {:?} comes from no input column", names[f]),
        )),
        None => Ok(owner),
    }
}
