//! Tree models in linfa's style (params → checked params → `Fit` → model with
//! `PredictInplace`): the CART regression tree, random forest and extra trees, gradient
//! boosting and AdaBoost.R2, all grown by one shared engine (`builder`) and scored by one
//! packed layout (`packed`); and histogram gradient boosting on binned features
//! ([`binning`], [`histogram`], [`partition`], [`hist_tree`], [`hist_gbm`], and with log
//! loss for classes [`hist_gbm_classifier`]); the random forest classifier
//! ([`forest_classifier`]) grows the same engine's trees on Gini impurity or entropy.
//!
//! linfa-trees 0.8 classifies only (regression trees are rust-ml/linfa issue 360), so these are
//! written here, shaped like its `DecisionTree` so that they could be offered upstream.

pub mod adaboost;
pub mod binning;
pub mod boosting;
pub(crate) mod builder;
pub(crate) mod compact;
pub(crate) mod criterion;
pub(crate) mod fitted_tree;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod forest;
pub mod forest_classifier;
pub mod gbm_classifier;
pub mod hist_gbm;
pub mod hist_gbm_classifier;
pub mod hist_tree;
pub mod histogram;
pub(crate) mod lifted;
mod log_loss;
pub(crate) mod packed;
pub mod params;
pub mod partition;
pub(crate) mod row_scoring;
pub mod tree;
pub(crate) mod tree_node;

pub use adaboost::{AdaBoostRegressor, AdaBoostRegressorParams, AdaBoostSettings};
pub use boosting::{GbmSettings, GradientBoostingRegressor, GradientBoostingRegressorParams};
pub use forest::{ForestRegressor, ForestRegressorParams, ForestSettings};
pub use forest_classifier::{ForestClassSettings, ForestClassifier};
pub use gbm_classifier::GradientBoostingClassifier;
pub use hist_gbm::{
    HistGbmSettings, HistGradientBoostingRegressor, HistGradientBoostingRegressorParams,
    HistGradientBoostingRegressorValidParams,
};
pub use hist_gbm_classifier::{HistGbmClassifierSettings, HistGradientBoostingClassifier};
pub use params::{MaxFeatures, Splitter, TreeError, MAX_ESTIMATORS};
pub use tree::{DecisionTreeRegressor, DecisionTreeRegressorParams, TreeNode, TreeSettings};
