//! The model registry: one description for every regressor ([`ModelSpec`]: kind and
//! hyperparameters), one fitted form ([`FittedModel`]), and ONE table of models ([`MODELS`]:
//! name, aliases, description, scikit-learn's defaults, capabilities) that the CLI's `--model`,
//! the spot check, the artifact and the notebooks all read.
//!
//! A new model is a [`ModelSpec`] variant, a row in [`MODELS`], and its arms in
//! [`ModelSpec::fit`], [`ModelSpec::set`] and [`FittedModel`].

use std::collections::BTreeMap;

use linfa::prelude::*;
use linfa::{Dataset, DatasetBase};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::linear::{fit_elastic_net, fit_ols, LinearModel};
use super::neighbors::KnnRegressor;
use super::svr::SvrModel;
use super::trees::{
    AdaBoostRegressor, DecisionTreeRegressor, ForestRegressor, ForestRegressorParams,
    GradientBoostingRegressor, GradientBoostingRegressorParams, HistGradientBoostingRegressor,
    HistGradientBoostingRegressorValidParams, TreeError,
};
use crate::error::{Error, Result};

/// A regressor's kind and hyperparameters (scikit-learn's defaults unless set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ModelSpec {
    /// Ordinary least squares (`LinearRegression`).
    Linear,
    /// L1-penalised least squares (`Lasso(alpha)`).
    Lasso {
        /// Penalty strength.
        alpha: f64,
    },
    /// L1 + L2 penalised least squares (`ElasticNet(alpha, l1_ratio)`).
    ElasticNet {
        /// Penalty strength.
        alpha: f64,
        /// Share of the L1 penalty.
        l1_ratio: f64,
    },
    /// k-nearest neighbours (`KNeighborsRegressor(n_neighbors)`).
    Knn {
        /// Neighbours averaged.
        k: usize,
    },
    /// A CART regression tree (`DecisionTreeRegressor`).
    Tree {
        /// Depth limit (None: grow until pure).
        max_depth: Option<usize>,
        /// Fewest rows in a leaf.
        min_samples_leaf: usize,
        /// Seed of the feature order.
        seed: u64,
    },
    /// Bagged trees (`RandomForestRegressor`).
    RandomForest {
        /// Trees.
        n_estimators: usize,
        /// Depth limit per tree.
        max_depth: Option<usize>,
        /// Seed.
        seed: u64,
    },
    /// Extremely randomised trees (`ExtraTreesRegressor`).
    ExtraTrees {
        /// Trees.
        n_estimators: usize,
        /// Depth limit per tree.
        max_depth: Option<usize>,
        /// Seed.
        seed: u64,
    },
    /// Gradient boosting with squared loss (`GradientBoostingRegressor`).
    Gbm {
        /// Boosting stages.
        n_estimators: usize,
        /// Shrinkage per stage.
        learning_rate: f64,
        /// Depth of each tree.
        max_depth: usize,
        /// Share of rows drawn per stage.
        subsample: f64,
        /// Seed.
        seed: u64,
    },
    /// Histogram gradient boosting (`HistGradientBoostingRegressor`): binned features,
    /// leaf-wise trees, native missing values.
    HistGbm {
        /// Boosting iterations.
        max_iter: usize,
        /// Shrinkage per iteration.
        learning_rate: f64,
        /// Most leaves per tree.
        max_leaf_nodes: usize,
        /// Fewest rows in a leaf.
        min_samples_leaf: usize,
        /// L2 penalty on leaf values.
        l2_regularization: f64,
        /// Bins for non-missing values.
        max_bins: usize,
        /// Stop on a validation split when the loss stops improving.
        early_stopping: bool,
        /// Seed.
        seed: u64,
    },
    /// AdaBoost.R2 over depth-3 trees (`AdaBoostRegressor`).
    AdaBoost {
        /// Most boosting stages.
        n_estimators: usize,
        /// Shrinks each tree's weight and the reweighting.
        learning_rate: f64,
        /// Seed.
        seed: u64,
    },
    /// ε-support vector regression with an RBF kernel (`SVR`).
    Svr {
        /// Penalty.
        c: f64,
        /// Width of the insensitive tube.
        epsilon: f64,
        /// RBF coefficient (None: scikit-learn's "scale").
        gamma: Option<f64>,
    },
}

/// What the registry knows of one model.
#[derive(Debug, Clone, Copy)]
pub struct ModelInfo {
    /// The name the CLI, the artifact and the notebooks use (`gbm`).
    pub name: &'static str,
    /// Other names accepted for it.
    pub aliases: &'static [&'static str],
    /// scikit-learn's class (the spot check's label).
    pub sklearn: &'static str,
    /// One line on what it is, with its defaults.
    pub description: &'static str,
    /// The model with scikit-learn's defaults.
    pub defaults: fn() -> ModelSpec,
    /// Whether the chapter's spot check includes it.
    pub spot_check: bool,
    /// The hyperparameter whose smaller values are scored from one fit of the largest value
    /// (staged prediction), if the model has one.
    pub staged: Option<&'static str>,
}

impl ModelInfo {
    /// A spot-checked model with no aliases and no staged parameter.
    const fn new(
        name: &'static str,
        sklearn: &'static str,
        description: &'static str,
        defaults: fn() -> ModelSpec,
    ) -> ModelInfo {
        ModelInfo {
            name,
            aliases: &[],
            sklearn,
            description,
            defaults,
            spot_check: true,
            staged: None,
        }
    }

    const fn aliases(mut self, aliases: &'static [&'static str]) -> ModelInfo {
        self.aliases = aliases;
        self
    }

    const fn staged(mut self, param: &'static str) -> ModelInfo {
        self.staged = Some(param);
        self
    }
}

/// Every model, in the spot check's order.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo::new(
        "linear",
        "LinearRegression",
        "ordinary least squares",
        || ModelSpec::Linear,
    )
    .aliases(&["ols"]),
    ModelInfo::new("lasso", "Lasso", "Lasso, alpha 1", || ModelSpec::Lasso {
        alpha: 1.0,
    }),
    ModelInfo::new(
        "elastic-net",
        "ElasticNet",
        "ElasticNet, alpha 1, l1_ratio 0.5",
        || ModelSpec::ElasticNet {
            alpha: 1.0,
            l1_ratio: 0.5,
        },
    )
    .aliases(&["elasticnet"]),
    ModelInfo::new("knn", "KNeighbors", "k-nearest neighbours, k 5", || {
        ModelSpec::Knn { k: 5 }
    }),
    ModelInfo::new("tree", "DecisionTree", "CART regression tree", || {
        ModelSpec::Tree {
            max_depth: None,
            min_samples_leaf: 1,
            seed: 0,
        }
    })
    .aliases(&["cart"]),
    ModelInfo::new(
        "svr",
        "SVR",
        "support vector regression, RBF, C 1, epsilon 0.1",
        || ModelSpec::Svr {
            c: 1.0,
            epsilon: 0.1,
            gamma: None,
        },
    ),
    ModelInfo::new("forest", "RandomForest", "random forest, 100 trees", || {
        ModelSpec::RandomForest {
            n_estimators: 100,
            max_depth: None,
            seed: 0,
        }
    })
    .aliases(&["random-forest"]),
    ModelInfo::new(
        "extra-trees",
        "ExtraTrees",
        "extra trees, 100 trees",
        || ModelSpec::ExtraTrees {
            n_estimators: 100,
            max_depth: None,
            seed: 0,
        },
    ),
    ModelInfo::new(
        "adaboost",
        "AdaBoost",
        "AdaBoost.R2, 50 depth-3 trees, learning rate 1",
        || ModelSpec::AdaBoost {
            n_estimators: 50,
            learning_rate: 1.0,
            seed: 0,
        },
    )
    .aliases(&["ada-boost"]),
    ModelInfo::new(
        "gbm",
        "GradientBoosting",
        "gradient boosting, 100 stages, learning rate 0.1, depth 3",
        ModelSpec::gbm,
    )
    .aliases(&["gradient-boosting"])
    .staged("n_estimators"),
    ModelInfo::new(
        "hist-gbm",
        "HistGradientBoosting",
        "histogram gradient boosting, 100 iterations, 31 leaves, learning rate 0.1, missing values native",
        ModelSpec::hist_gbm,
    )
    .aliases(&["hgb", "histgradientboosting"])
    .staged("max_iter"),
];

/// The registry's entry for `name` (or one of its aliases); the error lists the names.
pub fn model_info(name: &str) -> Result<&'static ModelInfo> {
    MODELS
        .iter()
        .find(|m| m.name == name || m.aliases.contains(&name))
        .ok_or_else(|| {
            let known: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
            Error::invalid(
                "model",
                format!("unknown model {name:?}; choose one of {}", known.join(", ")),
            )
        })
}

/// The chapter's line-up for the spot check: each regressor with scikit-learn's defaults,
/// labelled with its scikit-learn class.
pub fn spot_check_models(seed: u64) -> Vec<(String, ModelSpec)> {
    MODELS
        .iter()
        .filter(|m| m.spot_check)
        .map(|m| (m.sklearn.to_string(), (m.defaults)().with_seed(seed)))
        .collect()
}

impl ModelSpec {
    /// Gradient boosting with scikit-learn's defaults (100 stages, learning rate 0.1, depth 3).
    pub fn gbm() -> ModelSpec {
        ModelSpec::Gbm {
            n_estimators: 100,
            learning_rate: 0.1,
            max_depth: 3,
            subsample: 1.0,
            seed: 0,
        }
    }

    /// The model called `name` (see [`MODELS`]) with scikit-learn's defaults.
    pub fn from_name(name: &str) -> Result<ModelSpec> {
        Ok((model_info(name)?.defaults)())
    }

    /// Histogram gradient boosting with scikit-learn's defaults (100 iterations, 31 leaves).
    pub fn hist_gbm() -> ModelSpec {
        ModelSpec::HistGbm {
            max_iter: 100,
            learning_rate: 0.1,
            max_leaf_nodes: 31,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            max_bins: 255,
            early_stopping: false,
            seed: 0,
        }
    }

    /// Whether the model takes missing values (NaN) itself, so the preprocessing need not
    /// impute them.
    pub fn handles_missing(&self) -> bool {
        matches!(self, ModelSpec::HistGbm { .. })
    }

    /// The registry's entry for this model.
    pub fn info(&self) -> &'static ModelInfo {
        let kind = std::mem::discriminant(self);
        MODELS
            .iter()
            .find(|m| std::mem::discriminant(&(m.defaults)()) == kind)
            .unwrap_or(&MODELS[0])
    }

    /// The model's short name (as in [`MODELS`]).
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// The hyperparameters as a JSON object (without the kind).
    pub fn params(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("kind");
        }
        v
    }

    /// `params` as a JSON object whose values have this model's parameter types: whole
    /// numbers for counts (`"n_estimators": 200`), floats otherwise (`"alpha": 1.0`).
    pub fn typed_params(&self, params: &ParamSet) -> serde_json::Value {
        let map = params
            .iter()
            .map(|(k, v)| {
                // Set the value and read it back: the spec's own field says integer or float.
                let mut spec = self.clone();
                let as_set = spec
                    .set(k, *v)
                    .ok()
                    .and_then(|()| spec.params().get(k).cloned());
                let value = match as_set {
                    Some(n) if n.is_u64() => n,
                    _ => serde_json::Value::from(*v),
                };
                (k.clone(), value)
            })
            .collect();
        serde_json::Value::Object(map)
    }

    /// Sets the seed of models that draw random numbers (others ignore it).
    pub fn with_seed(mut self, new_seed: u64) -> ModelSpec {
        match &mut self {
            ModelSpec::Tree { seed, .. }
            | ModelSpec::RandomForest { seed, .. }
            | ModelSpec::ExtraTrees { seed, .. }
            | ModelSpec::Gbm { seed, .. }
            | ModelSpec::HistGbm { seed, .. }
            | ModelSpec::AdaBoost { seed, .. } => *seed = new_seed,
            _ => {}
        }
        self
    }

    /// Sets one hyperparameter by name (for grid search); the error lists the valid names.
    pub fn set(&mut self, key: &str, value: f64) -> Result<()> {
        let count = |v: f64| -> Result<usize> {
            if v >= 0.0 && v.fract() == 0.0 && v <= 1e9 {
                Ok(v as usize)
            } else {
                Err(Error::invalid(
                    key,
                    format!("must be a whole number, got {v}"),
                ))
            }
        };
        let flag = |v: f64| -> Result<bool> {
            match v {
                0.0 => Ok(false),
                1.0 => Ok(true),
                _ => Err(Error::invalid(key, format!("must be 0 or 1, got {v}"))),
            }
        };
        let name = self.name();
        match (self, key) {
            (ModelSpec::Lasso { alpha } | ModelSpec::ElasticNet { alpha, .. }, "alpha") => {
                *alpha = value
            }
            (ModelSpec::ElasticNet { l1_ratio, .. }, "l1_ratio") => *l1_ratio = value,
            (ModelSpec::Knn { k }, "k" | "n_neighbors") => *k = count(value)?,
            (
                ModelSpec::RandomForest { n_estimators, .. }
                | ModelSpec::ExtraTrees { n_estimators, .. }
                | ModelSpec::Gbm { n_estimators, .. }
                | ModelSpec::AdaBoost { n_estimators, .. },
                "n_estimators",
            ) => *n_estimators = count(value)?,
            (
                ModelSpec::Tree { max_depth, .. }
                | ModelSpec::RandomForest { max_depth, .. }
                | ModelSpec::ExtraTrees { max_depth, .. },
                "max_depth",
            ) => *max_depth = Some(count(value)?),
            (ModelSpec::Gbm { max_depth, .. }, "max_depth") => *max_depth = count(value)?,
            (
                ModelSpec::Tree {
                    min_samples_leaf, ..
                },
                "min_samples_leaf",
            ) => *min_samples_leaf = count(value)?,
            (
                ModelSpec::Gbm { learning_rate, .. } | ModelSpec::AdaBoost { learning_rate, .. },
                "learning_rate",
            ) => *learning_rate = value,
            (ModelSpec::Gbm { subsample, .. }, "subsample") => *subsample = value,
            (ModelSpec::HistGbm { max_iter, .. }, "max_iter") => *max_iter = count(value)?,
            (ModelSpec::HistGbm { learning_rate, .. }, "learning_rate") => *learning_rate = value,
            (ModelSpec::HistGbm { max_leaf_nodes, .. }, "max_leaf_nodes") => {
                *max_leaf_nodes = count(value)?
            }
            (
                ModelSpec::HistGbm {
                    min_samples_leaf, ..
                },
                "min_samples_leaf",
            ) => *min_samples_leaf = count(value)?,
            (
                ModelSpec::HistGbm {
                    l2_regularization, ..
                },
                "l2_regularization",
            ) => *l2_regularization = value,
            (ModelSpec::HistGbm { max_bins, .. }, "max_bins") => *max_bins = count(value)?,
            (ModelSpec::HistGbm { early_stopping, .. }, "early_stopping") => {
                *early_stopping = flag(value)?
            }
            (ModelSpec::Svr { c, .. }, "c" | "C") => *c = value,
            (ModelSpec::Svr { epsilon, .. }, "epsilon") => *epsilon = value,
            (ModelSpec::Svr { gamma, .. }, "gamma") => *gamma = Some(value),
            (spec, _) => {
                let keys: Vec<String> = spec
                    .params()
                    .as_object()
                    .map(|m| m.keys().filter(|k| *k != "seed").cloned().collect())
                    .unwrap_or_default();
                return Err(Error::invalid(
                    "grid",
                    format!(
                        "{name} has no parameter {key:?}; it has: {}",
                        keys.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Fits the model to rows `x` and targets `y`.
    pub fn fit(&self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<FittedModel> {
        check_training_data(self.name(), x, y, self.handles_missing())?;
        let tree_err = |e: TreeError| Error::model(self.name(), e);
        let data = || Dataset::new(x.to_owned(), y.to_owned());
        Ok(match *self {
            ModelSpec::Linear => FittedModel::Linear(fit_ols(x, y)?),
            ModelSpec::Lasso { alpha } => FittedModel::Linear(fit_elastic_net(x, y, alpha, 1.0)?),
            ModelSpec::ElasticNet { alpha, l1_ratio } => {
                FittedModel::Linear(fit_elastic_net(x, y, alpha, l1_ratio)?)
            }
            ModelSpec::Knn { k } => FittedModel::Knn(KnnRegressor::fit(x, y, k)?),
            ModelSpec::Tree {
                max_depth,
                min_samples_leaf,
                seed,
            } => FittedModel::Tree(
                DecisionTreeRegressor::params()
                    .max_depth(max_depth)
                    .min_samples_leaf(min_samples_leaf)
                    .seed(seed)
                    .fit(&data())
                    .map_err(tree_err)?,
            ),
            ModelSpec::RandomForest {
                n_estimators,
                max_depth,
                seed,
            }
            | ModelSpec::ExtraTrees {
                n_estimators,
                max_depth,
                seed,
            } => {
                let base = if matches!(self, ModelSpec::RandomForest { .. }) {
                    ForestRegressorParams::random_forest()
                } else {
                    ForestRegressorParams::extra_trees()
                };
                FittedModel::Forest(
                    base.n_estimators(n_estimators)
                        .max_depth(max_depth)
                        .seed(seed)
                        .fit(&data())
                        .map_err(tree_err)?,
                )
            }
            ModelSpec::Gbm { .. } => {
                FittedModel::Gbm(self.gbm_params()?.fit(&data()).map_err(tree_err)?)
            }
            ModelSpec::HistGbm { .. } => FittedModel::HistGbm(
                self.hist_gbm_params()?
                    // Views, not copies: at a million rows the matrix is the largest thing.
                    .fit(&DatasetBase::new(x, y))
                    .map_err(tree_err)?,
            ),
            ModelSpec::AdaBoost {
                n_estimators,
                learning_rate,
                seed,
            } => FittedModel::AdaBoost(
                AdaBoostRegressor::params()
                    .n_estimators(n_estimators)
                    .learning_rate(learning_rate)
                    .seed(seed)
                    .fit(&data())
                    .map_err(tree_err)?,
            ),
            ModelSpec::Svr { c, epsilon, gamma } => {
                FittedModel::Svr(Box::new(SvrModel::fit(x, y, c, epsilon, gamma)?))
            }
        })
    }

    /// The checked parameters of a `HistGbm` spec.
    pub fn hist_gbm_params(&self) -> Result<HistGradientBoostingRegressorValidParams> {
        match *self {
            ModelSpec::HistGbm {
                max_iter,
                learning_rate,
                max_leaf_nodes,
                min_samples_leaf,
                l2_regularization,
                max_bins,
                early_stopping,
                seed,
            } => HistGradientBoostingRegressor::params()
                .max_iter(max_iter)
                .learning_rate(learning_rate)
                .max_leaf_nodes(Some(max_leaf_nodes))
                .min_samples_leaf(min_samples_leaf)
                .l2_regularization(l2_regularization)
                .max_bins(max_bins)
                .early_stopping(early_stopping)
                .seed(seed)
                .check()
                .map_err(|e| Error::model(self.name(), e)),
            _ => Err(Error::invalid(
                "model",
                format!("{} is not histogram gradient boosting", self.name()),
            )),
        }
    }

    /// The gradient-boosting parameters of a `Gbm` spec.
    pub fn gbm_params(&self) -> Result<GradientBoostingRegressorParams> {
        match *self {
            ModelSpec::Gbm {
                n_estimators,
                learning_rate,
                max_depth,
                subsample,
                seed,
            } => Ok(GradientBoostingRegressor::params()
                .n_estimators(n_estimators)
                .learning_rate(learning_rate)
                .max_depth(Some(max_depth))
                .subsample(subsample)
                .seed(seed)),
            _ => Err(Error::invalid(
                "model",
                format!("{} is not gradient boosting", self.name()),
            )),
        }
    }
}

/// Rows and targets agree and are finite (a model that handles missing values takes NaN).
fn check_training_data(
    model: &str,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    takes_nan: bool,
) -> Result<()> {
    if x.nrows() == 0 || x.ncols() == 0 {
        return Err(Error::model(model, "no training data"));
    }
    if x.nrows() != y.len() {
        return Err(Error::model(
            model,
            format!("{} rows but {} targets", x.nrows(), y.len()),
        ));
    }
    let bad = |v: &f64| !(v.is_finite() || takes_nan && v.is_nan());
    if let Some((i, _)) = x.indexed_iter().find(|(_, v)| bad(v)) {
        return Err(Error::model(
            model,
            format!("feature {} of training row {} is not finite", i.1, i.0),
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::model(
            model,
            format!("target of training row {i} is not finite"),
        ));
    }
    Ok(())
}

/// A fitted regressor of any kind; serialises into the model artifact.
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
        })
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

    /// Impurity-based feature importances summing to 1 (scikit-learn's
    /// `feature_importances_`), for the tree models that define them; None for the others
    /// (scikit-learn's histogram boosting has none either).
    pub fn feature_importances(&self) -> Option<Array1<f64>> {
        match self {
            FittedModel::Tree(m) => Some(m.feature_importances()),
            FittedModel::Forest(m) => Some(m.feature_importances()),
            FittedModel::Gbm(m) => Some(m.feature_importances()),
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
        }
    }
}

/// Hyperparameter values by name, as a grid-search row shows them.
pub type ParamSet = BTreeMap<String, f64>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_a_model_lists_can_be_set() {
        // `hist-gbm`'s early_stopping was listed but refused by `set`.
        for m in MODELS {
            let spec = ModelSpec::from_name(m.name).unwrap();
            let params = spec.params();
            for (key, value) in params.as_object().into_iter().flatten() {
                let v = match value {
                    serde_json::Value::Bool(b) => f64::from(u8::from(!*b)),
                    serde_json::Value::Number(n) => n.as_f64().unwrap(),
                    _ => continue,
                };
                if key == "seed" {
                    continue;
                }
                let mut changed = spec.clone();
                changed
                    .set(key, v)
                    .unwrap_or_else(|e| panic!("{} {key}: {e}", m.name));
                assert_eq!(
                    changed.params()[key].as_f64().or(Some(v)),
                    Some(v),
                    "{} {key}",
                    m.name
                );
            }
        }
        let mut spec = ModelSpec::hist_gbm();
        assert!(spec.set("early_stopping", 0.5).is_err());
        spec.set("early_stopping", 1.0).unwrap();
        assert_eq!(spec.params()["early_stopping"], serde_json::json!(true));
    }

    #[test]
    fn every_model_is_found_by_its_name_and_aliases() {
        for m in MODELS {
            let spec = ModelSpec::from_name(m.name).unwrap();
            assert_eq!(
                spec.name(),
                m.name,
                "defaults of {} are another model",
                m.name
            );
            for alias in m.aliases {
                assert_eq!(ModelSpec::from_name(alias).unwrap().name(), m.name);
            }
        }
        let err = ModelSpec::from_name("nope").unwrap_err().to_string();
        assert!(
            err.contains("\"nope\"") && err.contains("extra-trees"),
            "{err}"
        );
    }

    #[test]
    fn the_spot_check_follows_the_table() {
        let labels: Vec<String> = spot_check_models(0).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            labels,
            [
                "LinearRegression",
                "Lasso",
                "ElasticNet",
                "KNeighbors",
                "DecisionTree",
                "SVR",
                "RandomForest",
                "ExtraTrees",
                "AdaBoost",
                "GradientBoosting",
                "HistGradientBoosting"
            ]
        );
        assert!(spot_check_models(3)
            .iter()
            .all(|(_, s)| s.params().get("seed").is_none_or(|v| v == 3)));
    }

    #[test]
    fn typed_params_follow_each_parameters_type() {
        let tree = ModelSpec::from_name("tree").unwrap();
        let params = ParamSet::from([("max_depth".to_string(), 5.0)]);
        assert_eq!(tree.typed_params(&params).to_string(), r#"{"max_depth":5}"#);
        let ada = ModelSpec::from_name("adaboost").unwrap();
        let params = ParamSet::from([("learning_rate".to_string(), 1.0)]);
        assert_eq!(
            ada.typed_params(&params).to_string(),
            r#"{"learning_rate":1.0}"#
        );
    }
}
