//! Classifiers, registered beside the regressors in `registry.rs` (`ModelSpec::Logistic`,
//! `ModelSpec::TreeClassifier`): each returns class probabilities, one column per class, in
//! the order of the sorted class list (scikit-learn's `classes_`), and its label is the first
//! class with the largest probability (`argmax`). The models work on class codes
//! `0..n_classes`; [`Classes`] turns a target's values into codes.
//!
//! - `logistic.rs`: linfa-logistic, binary and multinomial, scikit-learn's `C`
//!   (`weighted_logistic.rs`: the same objective with class weights, which linfa lacks);
//! - `class_tree.rs`: linfa-trees' `DecisionTree`, with each leaf's class shares;
//! - `knn_classifier.rs`: linfa-nn's k-d tree, each class's share of the k nearest rows;
//! - the random forest and both boosting classifiers live with the other tree models
//!   (`trees/forest_classifier.rs`, `trees/gbm_classifier.rs`, `trees/hist_gbm_classifier.rs`).
//!
//! `class_scoring.rs` scores their folds (scikit-learn's `scoring` names) and
//! `class_search.rs` runs the grid search and the spot check on stratified folds.

pub mod class_scoring;
pub mod class_search;
pub mod class_tree;
pub mod knn_classifier;
pub mod logistic;
mod weighted_logistic;

use std::collections::BTreeSet;

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use class_scoring::ClassScoring;
pub use class_search::{
    class_grid_search, class_spot_check, ClassCvResult, ClassData, ClassSearch, ClassSpotCheck,
};
pub use class_tree::{fit_class_tree, ClassTree, ClassTreeSettings};
pub use knn_classifier::{KnnClassifier, KnnClassifierSettings};
pub use logistic::{fit_logistic, LogisticModel, LogisticSettings};

/// A target's classes, sorted as scikit-learn sorts `classes_` (text by its characters,
/// `false` before `true`, integers by value), each with the target's own type in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Classes(pub Vec<Value>);

impl Classes {
    /// The distinct texts of `labels`, sorted; and each label's code.
    pub fn encode<S: AsRef<str>>(labels: &[S]) -> (Classes, Vec<usize>) {
        Classes::sorted(labels.iter().map(|l| l.as_ref().to_string()), |t| {
            Value::from(t)
        })
    }

    /// The distinct integers of `labels`, sorted by value; and each label's code.
    pub fn encode_integers(labels: &[i64]) -> (Classes, Vec<usize>) {
        Classes::sorted(labels.iter().copied(), Value::from)
    }

    /// The distinct booleans of `labels` (`false` first); and each label's code.
    pub fn encode_booleans(labels: &[bool]) -> (Classes, Vec<usize>) {
        Classes::sorted(labels.iter().copied(), Value::from)
    }

    fn sorted<T: Ord + Clone>(
        labels: impl Iterator<Item = T> + Clone,
        json: impl Fn(T) -> Value,
    ) -> (Classes, Vec<usize>) {
        let set: BTreeSet<T> = labels.clone().collect();
        let order: Vec<T> = set.into_iter().collect();
        let codes = labels.map(|l| order.partition_point(|c| *c < l)).collect();
        (Classes(order.into_iter().map(json).collect()), codes)
    }

    /// How many classes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each class as text (a name in messages, a column header).
    pub fn names(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

/// Each row's first largest column, as numpy's `argmax`.
pub fn argmax_rows(proba: ArrayView2<f64>) -> Vec<usize> {
    proba
        .rows()
        .into_iter()
        .map(|row| (0..row.len()).fold(0, |best, c| if row[c] > row[best] { c } else { best }))
        .collect()
}
