//! Classifiers: each returns class probabilities, one column per class, in the order of the
//! sorted class list (scikit-learn's `classes_`), and its label is the first class with the
//! largest probability (`argmax`). The models work on class codes `0..n_classes`; [`Classes`]
//! turns a target's values into codes and back.
//!
//! - `logistic.rs`: linfa-logistic, binary and multinomial, scikit-learn's `C`;
//! - `class_tree.rs`: linfa-trees' `DecisionTree`, with each leaf's class shares.

pub mod class_tree;
pub mod logistic;

use std::collections::BTreeSet;

use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

pub use class_tree::{fit_class_tree, ClassTree, ClassTreeSettings, Criterion};
pub use logistic::{fit_logistic, LogisticModel, LogisticSettings};

use crate::error::{Error, Result};

/// A target's classes, sorted as scikit-learn sorts `classes_`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classes(pub Vec<String>);

impl Classes {
    /// The distinct values of `labels`, sorted; and each label's code.
    pub fn encode<S: AsRef<str>>(labels: &[S]) -> (Classes, Vec<usize>) {
        let set: BTreeSet<&str> = labels.iter().map(AsRef::as_ref).collect();
        let classes: Vec<String> = set.into_iter().map(str::to_string).collect();
        let codes = labels
            .iter()
            .map(|l| classes.partition_point(|c| c.as_str() < l.as_ref()))
            .collect();
        (Classes(classes), codes)
    }

    /// How many classes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A classifier and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ClassifierSpec {
    /// `LogisticRegression` (L2, lbfgs).
    Logistic(LogisticSettings),
    /// `DecisionTreeClassifier`, grown by linfa-trees.
    Tree(ClassTreeSettings),
}

/// A fitted classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "state", rename_all = "kebab-case")]
pub enum FittedClassifier {
    /// Logistic regression.
    Logistic(LogisticModel),
    /// A classification tree.
    Tree(ClassTree),
}

impl ClassifierSpec {
    /// Fits on `x` and class codes `y`; every class of `0..n_classes` must have rows.
    ///
    /// ```
    /// use ml_workflow::modeling::classify::{ClassifierSpec, LogisticSettings};
    /// use ndarray::{array, Array1};
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = Array1::from(vec![0, 0, 1, 0, 1, 1]);
    /// let model = ClassifierSpec::Logistic(LogisticSettings::default()).fit(x.view(), y.view(), 2)?;
    /// let proba = model.predict_proba(x.view())?;
    /// assert!(proba[[0, 0]] > 0.5 && proba[[5, 1]] > 0.5);
    /// assert_eq!(model.predict(x.view())?[5], 1);
    /// # Ok::<(), ml_workflow::Error>(())
    /// ```
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        n_classes: usize,
    ) -> Result<FittedClassifier> {
        if n_classes < 2 {
            return Err(Error::invalid(
                "target",
                "a classifier needs at least two classes",
            ));
        }
        if x.nrows() != y.len() || y.iter().any(|&c| c >= n_classes) {
            return Err(Error::invalid(
                "classifier",
                "one class code per row, each below the number of classes",
            ));
        }
        Ok(match self {
            ClassifierSpec::Logistic(s) => {
                FittedClassifier::Logistic(fit_logistic(s, x, y, n_classes)?)
            }
            ClassifierSpec::Tree(s) => FittedClassifier::Tree(fit_class_tree(s, x, y, n_classes)?),
        })
    }
}

impl FittedClassifier {
    /// Each row's class probabilities, `[n_rows, n_classes]`.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        if x.ncols() != self.n_features() {
            return Err(Error::invalid(
                "features",
                format!(
                    "the model takes {} features, got {}",
                    self.n_features(),
                    x.ncols()
                ),
            ));
        }
        Ok(match self {
            FittedClassifier::Logistic(m) => m.predict_proba(x),
            FittedClassifier::Tree(t) => t.predict_proba(x),
        })
    }

    /// Each row's class code: the first of the largest probabilities.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<usize>> {
        Ok(argmax_rows(&self.predict_proba(x)?))
    }

    /// The number of features it takes.
    pub fn n_features(&self) -> usize {
        match self {
            FittedClassifier::Logistic(m) => m.n_features(),
            FittedClassifier::Tree(t) => t.n_features,
        }
    }
}

/// Each row's first largest column, as numpy's `argmax`.
pub fn argmax_rows(proba: &Array2<f64>) -> Vec<usize> {
    proba
        .rows()
        .into_iter()
        .map(|row| (0..row.len()).fold(0, |best, c| if row[c] > row[best] { c } else { best }))
        .collect()
}
