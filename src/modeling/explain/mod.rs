//! Why a model predicts what it does: exact SHAP values (`tree_shap.rs`) of the tree models'
//! predictions on their encoded features, with the base value they add up from.
//!
//! Explained so far: the regression tree, gradient boosting and histogram boosting (trees
//! whose nodes count the training rows that reached them). The other models answer that they
//! cannot be explained yet.

mod tree_shap;

use ndarray::{Array2, ArrayView2};

use super::fitted_model::FittedModel;
use super::trees::hist_tree::HistTree;
use super::trees::TreeNode;
use crate::error::{Error, Result};
use tree_shap::ShapTree;

/// SHAP values of some rows' predictions: `base_value + values.row(i).sum()` is row `i`'s
/// prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapValues {
    /// The model's mean prediction over its training rows (shap's `expected_value`).
    pub base_value: f64,
    /// One row per explained row, one column per encoded feature.
    pub values: Array2<f64>,
}

/// What [`shap_values`] answers for a model it cannot explain yet.
pub const NOT_EXPLAINABLE: &str =
    "SHAP values are available for the regression tree, gradient boosting and histogram \
     boosting so far";

/// Whether [`shap_values`] can explain `model` (its kind; a hist-gbm saved before its trees
/// kept their counts is refused when asked).
pub fn explainable(model: &FittedModel) -> bool {
    matches!(
        model,
        FittedModel::Tree(_) | FittedModel::Gbm(_) | FittedModel::HistGbm(_)
    )
}

/// Exact SHAP values (path-dependent Tree SHAP) of `model`'s predictions for the rows of `x`
/// (encoded features, as the model takes them); an error for a model that cannot be
/// explained yet or rows of the wrong width.
///
/// ```
/// use ml_workflow::modeling::{explain::shap_values, ModelSpec};
/// use ndarray::{array, Array1};
///
/// let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]];
/// let y = Array1::from(vec![1.0, 3.0, 5.0, 7.0]);
/// let model = "tree".parse::<ModelSpec>()?.fit(x.view(), y.view())?;
/// let shap = shap_values(&model, x.view())?;
/// let first = shap.base_value + shap.values.row(0).sum();
/// assert!((first - 1.0).abs() < 1e-12);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn shap_values(model: &FittedModel, x: ArrayView2<f64>) -> Result<ShapValues> {
    model.check_width(x)?;
    match model {
        FittedModel::Tree(t) => Ok(explain_trees(&[t.nodes()], 1.0, 0.0, x)),
        FittedModel::Gbm(m) => {
            let trees: Vec<&[TreeNode]> = m.trees().iter().map(|t| t.nodes()).collect();
            Ok(explain_trees(&trees, m.learning_rate(), m.init(), x))
        }
        FittedModel::HistGbm(m) => {
            let trees: Vec<&HistTree> = m.trees().iter().collect();
            if !trees.iter().all(|t| tree_shap::has_covers(*t)) {
                return Err(Error::invalid(
                    "model",
                    "this hist-gbm artifact was saved before its trees kept their row counts, \
                     which SHAP values need: train it again to explain it",
                ));
            }
            Ok(explain_trees(&trees, 1.0, m.baseline(), x))
        }
        _ => Err(Error::invalid("model", NOT_EXPLAINABLE)),
    }
}

/// The SHAP values of a sum of trees (each leaf times `scale`) plus `offset`.
fn explain_trees<T: ShapTree + ?Sized>(
    trees: &[&T],
    scale: f64,
    offset: f64,
    x: ArrayView2<f64>,
) -> ShapValues {
    let base_value = offset
        + trees
            .iter()
            .map(|t| tree_shap::expected_value(*t, scale))
            .sum::<f64>();
    let mut values = Array2::zeros(x.dim());
    for (row, mut phi) in x.rows().into_iter().zip(values.rows_mut()) {
        let row = row.to_vec();
        let Some(phi) = phi.as_slice_mut() else {
            continue;
        };
        for tree in trees {
            tree_shap::add_tree_shap(*tree, &row, scale, phi);
        }
    }
    ShapValues { base_value, values }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::ModelSpec;
    use ndarray::Array1;

    #[test]
    fn boosting_s_values_add_up_to_each_prediction_and_other_models_say_no() {
        let x = Array2::from_shape_fn((200, 4), |(i, j)| ((i * (3 + j) + 5 * j) % 17) as f64);
        let y: Array1<f64> = x
            .rows()
            .into_iter()
            .map(|r| r[0] * 2.0 - r[1] + if r[2] > 8.0 { 4.0 } else { 0.0 })
            .collect();
        let mut spec: ModelSpec = "gbm".parse().unwrap();
        spec.set_text("subsample", "0.7").unwrap();
        let model = spec.fit(x.view(), y.view()).unwrap();
        let shap = shap_values(&model, x.view()).unwrap();
        let predicted = model.predict(x.view()).unwrap();
        for (phi, p) in shap.values.rows().into_iter().zip(&predicted) {
            let total = shap.base_value + phi.sum();
            assert!(
                (total - p).abs() <= 1e-9 * p.abs().max(1.0),
                "{total} vs {p}"
            );
        }
        // The first feature moves the target most (twice its range): its share is the largest.
        let mean_abs = shap
            .values
            .mapv(f64::abs)
            .mean_axis(ndarray::Axis(0))
            .unwrap();
        assert!(mean_abs.iter().all(|&m| m <= mean_abs[0]), "{mean_abs}");
        let knn = "knn"
            .parse::<ModelSpec>()
            .unwrap()
            .fit(x.view(), y.view())
            .unwrap();
        let err = shap_values(&knn, x.view()).unwrap_err().to_string();
        assert!(err.contains("available for the regression tree"), "{err}");
        let err = shap_values(&model, x.slice(ndarray::s![.., ..2]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("takes 4 features, got 2"), "{err}");
    }
}
