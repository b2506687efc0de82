//! AdaBoost.R2 regressor (Drucker 1997; scikit-learn's `AdaBoostRegressor`) in linfa's style.
//!
//! Each stage fits a depth-3 regression tree to a bootstrap sample drawn with the current
//! sample weights, measures each training row's error relative to the largest (linear, square
//! or exponential loss), and gives the tree the weight `learning_rate · ln(1/β)` with
//! `β = ε / (1 − ε)`, `ε` the weighted mean loss; rows it predicted well lose weight by
//! `β^((1 − loss) · learning_rate)`. Boosting stops early when a tree is perfect (`ε = 0`) or no
//! better than chance (`ε ≥ 0.5`). A prediction is the weighted median of the trees'.
//!
//! Random numbers follow scikit-learn: one MT19937 stream seeded with `seed` gives, per stage,
//! the tree's seed (`randint(2^31 − 1)`) and then the bootstrap rows (`choice` with the weights
//! as probabilities), so the stages are the ones scikit-learn fits.

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use linfa::Dataset;
use ndarray::{Array1, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};

use super::builder::{check_targets, TrainingData};
use super::params::{check_n_estimators, param_accessors, param_guard, TreeError};
use super::row_scoring::{check_width, map_rows, row_predictions};
use super::tree::DecisionTreeRegressor;
use crate::modeling::hyperparams::settings;
use crate::modeling::sklearn_rng::NumpyRandomState;
use crate::numpy_sum::pairwise_sum;
use ndarray::{ArrayView1, ArrayView2};

/// How a row's error counts once divided by the largest error of the stage.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AdaBoostLoss {
    /// `e` (scikit-learn's default).
    Linear,
    /// `e²`.
    Square,
    /// `1 − exp(−e)`.
    Exponential,
}

impl AdaBoostLoss {
    fn apply(self, e: f64) -> f64 {
        match self {
            AdaBoostLoss::Linear => e,
            AdaBoostLoss::Square => e * e,
            AdaBoostLoss::Exponential => 1.0 - (-e).exp(),
        }
    }
}

/// Checked hyper-parameters of an [`AdaBoostRegressor`].
///
/// See [`AdaBoostRegressorParams`] for their meaning.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AdaBoostRegressorValidParams {
    n_estimators: usize,
    learning_rate: f64,
    loss: AdaBoostLoss,
    max_depth: Option<usize>,
    seed: u64,
}

/// Hyper-parameters of an AdaBoost.R2 regressor over regression trees.
///
/// # Parameters
/// | Name | Default | Purpose | Range |
/// | :--- | :--- | :--- | :--- |
/// | [n_estimators](Self::n_estimators) | `50` | Most boosting stages | `[1, 100000]` |
/// | [learning_rate](Self::learning_rate) | `1.0` | Shrinks each tree's weight and reweighting | `(0, inf)`, finite |
/// | [loss](Self::loss) | `Linear` | How relative errors count | see [`AdaBoostLoss`] |
/// | [max_depth](Self::max_depth) | `Some(3)` | Depth of each tree | `None` or `[1, inf)` |
/// | [seed](Self::seed) | `0` | Seed of the bootstrap samples and trees | any `u64` |
///
/// # Errors
/// [`TreeError::InvalidParameter`] names the parameter and value out of range.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AdaBoostRegressorParams(AdaBoostRegressorValidParams);

impl Default for AdaBoostRegressorParams {
    fn default() -> Self {
        Self::new()
    }
}

impl AdaBoostRegressorParams {
    /// Parameters with scikit-learn's defaults.
    pub fn new() -> Self {
        Self(AdaBoostRegressorValidParams {
            n_estimators: 50,
            learning_rate: 1.0,
            loss: AdaBoostLoss::Linear,
            max_depth: Some(3),
            seed: 0,
        })
    }
}

param_accessors!(AdaBoostRegressorParams => AdaBoostRegressorValidParams {
    n_estimators: usize, "Sets the largest number of boosting stages.", "Largest number of boosting stages.";
    learning_rate: f64, "Sets the learning rate.", "Learning rate.";
    loss: AdaBoostLoss, "Sets the loss applied to relative errors.", "Loss applied to relative errors.";
    max_depth: Option<usize>, "Sets the depth of each tree (`None` = unlimited).", "Depth of each tree, `None` for unlimited.";
    seed: u64, "Sets the seed (scikit-learn's `random_state`).", "Seed of the bootstrap samples and trees.";
});

param_guard!(AdaBoostRegressorParams => AdaBoostRegressorValidParams, |p| {
        check_n_estimators(p.n_estimators)?;
        if !(p.learning_rate.is_finite() && p.learning_rate > 0.0) {
            return Err(TreeError::param(
                "learning_rate",
                "finite and > 0",
                p.learning_rate,
            ));
        }
        if p.max_depth == Some(0) {
            return Err(TreeError::param("max_depth", "None or >= 1", 0));
        }
});

/// A fitted AdaBoost.R2 regressor: trees and their weights; predicts their weighted median.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawAdaBoost", into = "RawAdaBoost")]
pub struct AdaBoostRegressor {
    n_features: usize,
    trees: Vec<DecisionTreeRegressor>,
    weights: Vec<f64>,
}

/// Serialized form of an [`AdaBoostRegressor`], checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawAdaBoost {
    n_features: usize,
    trees: Vec<DecisionTreeRegressor>,
    weights: Vec<f64>,
}

impl TryFrom<RawAdaBoost> for AdaBoostRegressor {
    type Error = TreeError;

    fn try_from(raw: RawAdaBoost) -> Result<Self, TreeError> {
        if raw.trees.is_empty() || raw.trees.len() != raw.weights.len() {
            return Err(TreeError::InvalidModel(format!(
                "{} trees and {} weights",
                raw.trees.len(),
                raw.weights.len()
            )));
        }
        if let Some(i) = raw
            .trees
            .iter()
            .position(|t| t.n_features() != raw.n_features)
        {
            return Err(TreeError::InvalidModel(format!(
                "tree {i} has {} features, the model {}",
                raw.trees[i].n_features(),
                raw.n_features
            )));
        }
        if let Some(w) = raw.weights.iter().find(|w| !w.is_finite() || **w < 0.0) {
            return Err(TreeError::InvalidModel(format!("tree weight {w}")));
        }
        Ok(AdaBoostRegressor {
            n_features: raw.n_features,
            trees: raw.trees,
            weights: raw.weights,
        })
    }
}

impl From<AdaBoostRegressor> for RawAdaBoost {
    fn from(m: AdaBoostRegressor) -> Self {
        RawAdaBoost {
            n_features: m.n_features,
            trees: m.trees,
            weights: m.weights,
        }
    }
}

impl AdaBoostRegressor {
    /// Default hyper-parameters, to be customized and fitted.
    pub fn params() -> AdaBoostRegressorParams {
        AdaBoostRegressorParams::new()
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The fitted trees (fewer than `n_estimators` when boosting stopped early).
    pub fn trees(&self) -> &[DecisionTreeRegressor] {
        &self.trees
    }

    /// Each tree's weight in the median.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Weighted median of the trees' predictions for a row of `n_features` values: the
    /// smallest prediction whose cumulative weight (predictions ascending) reaches half the
    /// total, as scikit-learn's `_get_median_predict`.
    fn predict_unchecked(&self, row: &[f64]) -> f64 {
        let mut preds: Vec<(f64, f64)> = self
            .trees
            .iter()
            .zip(&self.weights)
            .map(|(t, &w)| (t.predict_row(row), w))
            .collect();
        preds.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = preds.iter().map(|p| p.1).sum();
        let mut cumulative = 0.0;
        for &(value, weight) in &preds {
            cumulative += weight;
            if cumulative >= 0.5 * total {
                return value;
            }
        }
        preds.last().map_or(f64::NAN, |p| p.0)
    }
}

/// numpy's `RandomState.choice(n, size=n, replace=True, p=weights)`: `n` uniforms looked up
/// in the normalised cumulative weights (`searchsorted(..., side="right")`).
fn weighted_bootstrap(rng: &mut NumpyRandomState, weights: &[f64]) -> Vec<usize> {
    let mut cdf: Vec<f64> = weights
        .iter()
        .scan(0.0, |sum, &w| {
            *sum += w;
            Some(*sum)
        })
        .collect();
    let last = cdf.last().copied().unwrap_or(1.0);
    for c in &mut cdf {
        *c /= last;
    }
    let n = weights.len();
    (0..n)
        .map(|_| {
            let u = rng.uniform();
            cdf.partition_point(|&c| c <= u).min(n - 1)
        })
        .collect()
}

impl<D: Data<Elem = f64>, T: AsSingleTargets<Elem = f64>> Fit<ArrayBase<D, Ix2>, T, TreeError>
    for AdaBoostRegressorValidParams
{
    type Object = AdaBoostRegressor;

    /// Boosts trees on the dataset's records and single target (scikit-learn's `fit`).
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Self::Object, TreeError> {
        let records = dataset.records();
        // Validates the features (finite, non-empty) as every tree model does.
        let data = TrainingData::new(records)?;
        let y = check_targets(dataset.as_single_targets(), data.n_rows())?;
        let n = data.n_rows();
        let mut rng = NumpyRandomState::from_u64(self.seed);
        let mut sample_weight = vec![1.0 / n as f64; n];
        let mut trees = Vec::new();
        let mut weights = Vec::new();
        let mut row = Vec::with_capacity(data.n_features());
        for stage in 0..self.n_estimators {
            // scikit-learn keeps weights off zero so that every row can still be drawn.
            for w in &mut sample_weight {
                *w = w.max(f64::EPSILON);
            }
            let tree_seed = rng.estimator_seed();
            let rows = weighted_bootstrap(&mut rng, &sample_weight);
            let x_boot = records.select(ndarray::Axis(0), &rows);
            let y_boot: Array1<f64> = rows.iter().map(|&r| y[r]).collect();
            let tree = DecisionTreeRegressor::params()
                .max_depth(self.max_depth)
                .seed(u64::from(tree_seed))
                .fit(&Dataset::new(x_boot, y_boot))?;
            let mut errors: Vec<f64> = (0..n)
                .map(|i| {
                    data.row_into(i, &mut row);
                    (tree.predict_row(&row) - y[i]).abs()
                })
                .collect();
            let error_max = errors.iter().copied().fold(0.0, f64::max);
            for e in &mut errors {
                if error_max != 0.0 {
                    *e /= error_max;
                }
                *e = self.loss.apply(*e);
            }
            let weighted: Vec<f64> = sample_weight
                .iter()
                .zip(&errors)
                .map(|(w, e)| w * e)
                .collect();
            let error = pairwise_sum(&weighted);
            if error <= 0.0 {
                // A perfect tree: it alone decides.
                trees.push(tree);
                weights.push(1.0);
                break;
            }
            if error >= 0.5 {
                // No better than chance: discarded, unless it is the only tree (weight 0).
                if trees.is_empty() {
                    trees.push(tree);
                    weights.push(0.0);
                }
                break;
            }
            let beta = error / (1.0 - error);
            trees.push(tree);
            weights.push(self.learning_rate * (1.0 / beta).ln());
            if stage + 1 == self.n_estimators {
                break;
            }
            for (w, e) in sample_weight.iter_mut().zip(&errors) {
                *w *= beta.powf((1.0 - e) * self.learning_rate);
            }
            let total = pairwise_sum(&sample_weight);
            if !total.is_finite() || total <= 0.0 {
                break;
            }
            for w in &mut sample_weight {
                *w /= total;
            }
        }
        Ok(AdaBoostRegressor {
            n_features: data.n_features(),
            trees,
            weights,
        })
    }
}

row_predictions!(AdaBoostRegressor);

settings! {
    /// AdaBoost.R2's settings in the registry (`AdaBoostRegressor`).
    AdaBoostSettings {
        /// Most boosting stages.
        n_estimators: usize = 50;
        /// Shrinks each tree's weight and the reweighting.
        learning_rate: f64 = 1.0;
        /// Seed.
        seed: u64 = 0;
    }
}

impl AdaBoostSettings {
    /// Fits the ensemble on rows `x` and targets `y`.
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
    ) -> Result<AdaBoostRegressor, TreeError> {
        AdaBoostRegressor::params()
            .n_estimators(self.n_estimators)
            .learning_rate(self.learning_rate)
            .seed(self.seed)
            .fit(&DatasetBase::new(x.to_owned(), y.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::synthetic;
    use super::*;
    use linfa::traits::Predict;
    use ndarray::Array2;

    fn fit(params: AdaBoostRegressorParams, x: &Array2<f64>, y: &Array1<f64>) -> AdaBoostRegressor {
        params
            .fit(&Dataset::new(x.clone(), y.clone()))
            .expect("fit")
    }

    #[test]
    fn boosting_beats_a_single_stage_and_is_deterministic() {
        let (x, y) = synthetic(300, 4, 5);
        let mse = |m: &AdaBoostRegressor| {
            let p = m.predict(&x);
            p.iter().zip(&y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len() as f64
        };
        let one = fit(AdaBoostRegressor::params().n_estimators(1).seed(3), &x, &y);
        let many = fit(AdaBoostRegressor::params().n_estimators(50).seed(3), &x, &y);
        assert!(many.trees().len() > 1);
        assert!(mse(&many) < mse(&one), "{} !< {}", mse(&many), mse(&one));
        let again = fit(AdaBoostRegressor::params().n_estimators(50).seed(3), &x, &y);
        assert_eq!(many, again);
        let other = fit(AdaBoostRegressor::params().n_estimators(50).seed(4), &x, &y);
        assert_ne!(many, other);
    }

    #[test]
    fn the_prediction_is_the_weighted_median() {
        // Three stumps on one feature that predict 1, 2 and 10 everywhere (constant targets),
        // weighted 1, 1 and 3: the weighted median is 10; weighted 3, 1, 1 it is 1.
        let x = Array2::from_shape_vec((4, 1), vec![0.0, 1.0, 2.0, 3.0]).expect("shape");
        let constant = |v: f64| {
            DecisionTreeRegressor::params()
                .fit(&Dataset::new(x.clone(), Array1::from_elem(4, v)))
                .expect("fit")
        };
        let trees = vec![constant(1.0), constant(2.0), constant(10.0)];
        let model = |weights: Vec<f64>| AdaBoostRegressor {
            n_features: 1,
            trees: trees.clone(),
            weights,
        };
        assert_eq!(model(vec![1.0, 1.0, 3.0]).predict_row(&[0.5]), 10.0);
        assert_eq!(model(vec![3.0, 1.0, 1.0]).predict_row(&[0.5]), 1.0);
        assert_eq!(model(vec![1.0, 1.0, 1.0]).predict_row(&[0.5]), 2.0);
        assert!(model(vec![1.0; 3]).predict_row(&[0.5, 1.0]).is_nan());
    }

    #[test]
    fn weighted_bootstrap_follows_the_weights() {
        let mut rng = NumpyRandomState::from_u64(0);
        let rows = weighted_bootstrap(&mut rng, &[0.0, 1.0, 0.0, 0.0]);
        assert_eq!(rows, vec![1, 1, 1, 1]);
        // numpy 2.4: w = arange(1, 11) / 55; RandomState(5).choice(10, 10, p=w)
        let weights: Vec<f64> = (1..=10).map(|i| f64::from(i) / 55.0).collect();
        let mut rng = NumpyRandomState::from_u64(5);
        let rows = weighted_bootstrap(&mut rng, &weights);
        assert_eq!(rows, vec![4, 9, 4, 9, 6, 7, 8, 7, 5, 4]);
    }

    #[test]
    fn bad_parameters_and_artifacts_are_refused() {
        let (x, y) = synthetic(50, 2, 1);
        let data = Dataset::new(x.clone(), y.clone());
        for (params, name) in [
            (AdaBoostRegressor::params().n_estimators(0), "n_estimators"),
            (
                AdaBoostRegressor::params().learning_rate(0.0),
                "learning_rate",
            ),
            (
                AdaBoostRegressor::params().learning_rate(f64::NAN),
                "learning_rate",
            ),
            (AdaBoostRegressor::params().max_depth(Some(0)), "max_depth"),
        ] {
            let err = params.fit(&data).expect_err(name).to_string();
            assert!(err.contains(name), "{err}");
        }
        let model = fit(AdaBoostRegressor::params().n_estimators(5), &x, &y);
        let mut json: serde_json::Value = serde_json::to_value(&model).expect("json");
        json["weights"] = serde_json::json!([1.0]);
        let err = serde_json::from_value::<AdaBoostRegressor>(json)
            .expect_err("mismatch")
            .to_string();
        assert!(err.contains("weights"), "{err}");
        let back: AdaBoostRegressor =
            serde_json::from_value(serde_json::to_value(&model).expect("json")).expect("load");
        assert_eq!(back, model);
    }
}
