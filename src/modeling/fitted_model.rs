//! A fitted model of any kind, as the registry's [`ModelSpec`](super::ModelSpec) fits it and
//! the artifact stores it: a regressor's number, or a classifier's class code and each class's
//! probability.

use linfa::prelude::Predict;
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::classify::{argmax_rows, ClassTree, KnnClassifier, LogisticModel};
use super::linear::LinearModel;
use super::neighbors::KnnRegressor;
use super::svr::SvrModel;
use super::trees::{
    AdaBoostRegressor, DecisionTreeRegressor, ForestClassifier, ForestRegressor,
    GradientBoostingClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
};
use crate::error::{Error, Result};

/// A fitted model of any kind; serialises into the model artifact.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "state", rename_all = "kebab-case")]
pub enum FittedModel {
    /// OLS, Lasso or ElasticNet.
    Linear(LinearModel),
    /// k-nearest neighbours.
    Knn(KnnRegressor),
    /// A regression tree.
    Tree(DecisionTreeRegressor),
    /// A random forest or extra trees.
    Forest(ForestRegressor),
    /// Gradient boosting.
    Gbm(GradientBoostingRegressor),
    /// Histogram gradient boosting.
    HistGbm(HistGradientBoostingRegressor),
    /// AdaBoost.R2.
    AdaBoost(AdaBoostRegressor),
    /// Support vector regression.
    Svr(Box<SvrModel>),
    /// Logistic regression (a classifier).
    Logistic(LogisticModel),
    /// A classification tree.
    TreeClassifier(ClassTree),
    /// k-nearest-neighbours classification.
    KnnClassifier(KnnClassifier),
    /// Histogram gradient boosting with log loss.
    HistGbmClassifier(HistGradientBoostingClassifier),
    /// Gradient boosting with log loss.
    GbmClassifier(GradientBoostingClassifier),
    /// A random forest of classification trees.
    ForestClassifier(ForestClassifier),
}

impl FittedModel {
    /// Predictions for the rows of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(match self {
            FittedModel::Linear(m) => m.predict(x),
            FittedModel::Knn(m) => m.predict(x)?,
            FittedModel::Tree(m) => m.predict(&x),
            FittedModel::Forest(m) => m.predict(&x),
            FittedModel::Gbm(m) => m.predict(&x),
            FittedModel::HistGbm(m) => m.predict(&x),
            FittedModel::AdaBoost(m) => m.predict(&x),
            FittedModel::Svr(m) => m.predict(x),
            // A classifier's prediction is its class code.
            FittedModel::Logistic(_)
            | FittedModel::TreeClassifier(_)
            | FittedModel::KnnClassifier(_)
            | FittedModel::HistGbmClassifier(_)
            | FittedModel::GbmClassifier(_)
            | FittedModel::ForestClassifier(_) => {
                let proba = self.predict_proba(x)?;
                argmax_rows(proba.view())
                    .into_iter()
                    .map(|c| c as f64)
                    .collect()
            }
        })
    }

    /// An error unless the rows of `x` have the model's number of features.
    pub fn check_width(&self, x: ArrayView2<f64>) -> Result<()> {
        if x.ncols() == self.n_features() {
            return Ok(());
        }
        Err(Error::invalid(
            "features",
            format!(
                "the model takes {} features, got {}",
                self.n_features(),
                x.ncols()
            ),
        ))
    }

    /// Each row's class probabilities, `[n_rows, n_classes]`, for a classifier.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        self.check_width(x)?;
        match self {
            FittedModel::Logistic(m) => Ok(m.predict_proba(x)),
            FittedModel::TreeClassifier(t) => Ok(t.predict_proba(x)),
            FittedModel::KnnClassifier(m) => m.predict_proba(x),
            FittedModel::HistGbmClassifier(m) => m.predict_proba(x),
            FittedModel::GbmClassifier(m) => m.predict_proba(x),
            FittedModel::ForestClassifier(m) => {
                m.predict_proba(x).map_err(|e| Error::model("forest", e))
            }
            _ => Err(Error::invalid(
                "model",
                "a regressor has no class probabilities",
            )),
        }
    }

    /// The number of classes of a classifier (None for a regressor).
    pub fn n_classes(&self) -> Option<usize> {
        match self {
            FittedModel::Logistic(m) => Some(m.n_classes),
            FittedModel::TreeClassifier(t) => Some(t.proba.ncols()),
            FittedModel::KnnClassifier(m) => Some(m.n_classes),
            FittedModel::HistGbmClassifier(m) => Some(m.n_classes()),
            FittedModel::GbmClassifier(m) => Some(m.n_classes()),
            FittedModel::ForestClassifier(m) => Some(m.n_classes()),
            _ => None,
        }
    }

    /// Predictions for one row (the server's hot path for tree ensembles and linear models).
    pub fn predict_row(&self, row: &[f64]) -> Result<f64> {
        Ok(match self {
            FittedModel::Linear(m) => m.predict_row(row),
            FittedModel::Tree(m) => m.predict_row(row),
            FittedModel::Forest(m) => m.predict_row(row),
            FittedModel::Gbm(m) => m.predict_row(row),
            FittedModel::HistGbm(m) => m.predict_row(row),
            FittedModel::AdaBoost(m) => m.predict_row(row),
            other => {
                let x = ArrayView2::from_shape((1, row.len()), row)
                    .map_err(|e| Error::model("predict", e))?;
                other.predict(x)?[0]
            }
        })
    }

    /// Predictions for the rows of `x` after each of `stages` stages, for a model whose
    /// registry entry names a staged parameter (its `staged` field).
    pub fn predict_stages(&self, x: ArrayView2<f64>, stages: &[usize]) -> Result<Vec<Array1<f64>>> {
        match self {
            FittedModel::Gbm(m) => m
                .predict_stages(&x, stages)
                .map_err(|e| Error::model("gbm", e)),
            FittedModel::HistGbm(m) => m
                .predict_stages(&x, stages)
                .map_err(|e| Error::model("hist-gbm", e)),
            _ => Err(Error::invalid(
                "model",
                "this model has no staged predictions",
            )),
        }
    }

    /// Class probabilities for the rows of `x` after each of `stages` stages, for a classifier
    /// whose registry entry names a staged parameter.
    pub fn predict_proba_stages(
        &self,
        x: ArrayView2<f64>,
        stages: &[usize],
    ) -> Result<Vec<Array2<f64>>> {
        match self {
            FittedModel::HistGbmClassifier(m) => m.predict_proba_stages(x, stages),
            FittedModel::GbmClassifier(m) => m.predict_proba_stages(x, stages),
            _ => Err(Error::invalid(
                "model",
                "this model has no staged probabilities",
            )),
        }
    }

    /// Impurity-based feature importances summing to 1 (scikit-learn's
    /// `feature_importances_`), for the tree models that define them; None for the others
    /// (scikit-learn's histogram boosting has none either).
    pub fn feature_importances(&self) -> Option<Array1<f64>> {
        match self {
            FittedModel::Tree(m) => Some(m.feature_importances()),
            FittedModel::Forest(m) => Some(m.feature_importances()),
            FittedModel::Gbm(m) => Some(m.feature_importances()),
            FittedModel::ForestClassifier(m) => Some(m.feature_importances()),
            _ => None,
        }
    }

    /// Number of features the model takes.
    pub fn n_features(&self) -> usize {
        match self {
            FittedModel::Linear(m) => m.coef.len(),
            FittedModel::Knn(m) => m.n_features(),
            FittedModel::Tree(m) => m.n_features(),
            FittedModel::Forest(m) => m.n_features(),
            FittedModel::Gbm(m) => m.n_features(),
            FittedModel::HistGbm(m) => m.n_features(),
            FittedModel::AdaBoost(m) => m.n_features(),
            FittedModel::Svr(m) => m.n_features(),
            FittedModel::Logistic(m) => m.n_features(),
            FittedModel::TreeClassifier(t) => t.n_features,
            FittedModel::KnnClassifier(m) => m.n_features(),
            FittedModel::HistGbmClassifier(m) => m.n_features(),
            FittedModel::GbmClassifier(m) => m.n_features(),
            FittedModel::ForestClassifier(m) => m.n_features(),
        }
    }
}
