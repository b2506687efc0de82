//! How a classifier's cross-validation folds are scored, named as scikit-learn's `scoring`
//! strings: `accuracy` (scikit-learn's default for a classifier), `neg_log_loss`, `roc_auc`,
//! `balanced_accuracy` and `f1_macro`. Higher is better for all of them, as in scikit-learn
//! (so the log loss is negated). For more than two classes `roc_auc` is the macro
//! one-vs-rest mean (scikit-learn's `roc_auc_ovr`, which is what its `roc_auc` would need to
//! be told to compute).

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::argmax_rows;
use crate::error::{Error, Result};
use crate::modeling::class_metrics::{log_loss, roc_auc, ClassMetrics};

/// A grid search's or spot check's score for a classifier; higher is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassScoring {
    /// Share of rows predicted right.
    #[default]
    Accuracy,
    /// The log loss, negated.
    NegLogLoss,
    /// Area under the ROC curve (macro one-vs-rest for more than two classes).
    RocAuc,
    /// Mean recall over the classes.
    BalancedAccuracy,
    /// Mean F1 over the classes.
    F1Macro,
}

impl ClassScoring {
    /// Every scoring, in the order `--help` lists them.
    pub const ALL: [ClassScoring; 5] = [
        ClassScoring::Accuracy,
        ClassScoring::NegLogLoss,
        ClassScoring::RocAuc,
        ClassScoring::BalancedAccuracy,
        ClassScoring::F1Macro,
    ];

    /// scikit-learn's name for it (`neg_log_loss`).
    pub fn name(self) -> &'static str {
        match self {
            ClassScoring::Accuracy => "accuracy",
            ClassScoring::NegLogLoss => "neg_log_loss",
            ClassScoring::RocAuc => "roc_auc",
            ClassScoring::BalancedAccuracy => "balanced_accuracy",
            ClassScoring::F1Macro => "f1_macro",
        }
    }

    /// The score of probabilities `proba` (one column per class) against the `actual` class
    /// codes; the label of a row is its first most probable class.
    pub fn score(self, actual: &[usize], proba: ArrayView2<f64>) -> Result<f64> {
        if actual.is_empty()
            || proba.nrows() != actual.len()
            || actual.iter().any(|&c| c >= proba.ncols())
        {
            return Err(Error::invalid(
                "scoring",
                format!(
                    "{} class codes against probabilities {}×{}",
                    actual.len(),
                    proba.nrows(),
                    proba.ncols()
                ),
            ));
        }
        // Only what the scoring needs: a fold's full metrics sort every class's scores.
        let predicted = || argmax_rows(proba);
        Ok(match self {
            ClassScoring::Accuracy => {
                let right = actual.iter().zip(predicted()).filter(|(a, p)| **a == *p);
                right.count() as f64 / actual.len().max(1) as f64
            }
            ClassScoring::NegLogLoss => -log_loss(actual, proba),
            ClassScoring::RocAuc => roc_auc(actual, proba).ok_or_else(|| {
                Error::invalid(
                    "scoring",
                    "roc_auc is undefined on a fold without rows of every class",
                )
            })?,
            ClassScoring::BalancedAccuracy | ClassScoring::F1Macro => {
                let m = ClassMetrics::new(actual, &predicted(), proba, proba.ncols())?;
                if self == ClassScoring::F1Macro {
                    m.f1_macro()
                } else {
                    m.balanced_accuracy
                }
            }
        })
    }
}

impl std::fmt::Display for ClassScoring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A scoring by scikit-learn's name: `"neg_log_loss".parse()`.
impl std::str::FromStr for ClassScoring {
    type Err = Error;

    fn from_str(text: &str) -> Result<ClassScoring> {
        ClassScoring::ALL
            .into_iter()
            .find(|s| s.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = ClassScoring::ALL.iter().map(|s| s.name()).collect();
                Error::invalid(
                    "scoring",
                    format!(
                        "unknown scoring {text:?}; choose one of {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    // scikit-learn 1.9.1: accuracy_score, -log_loss, roc_auc_score,
    // balanced_accuracy_score, f1_score(average="macro") of these arrays.
    #[test]
    fn scores_are_scikit_learns_higher_is_better() {
        let actual = [0, 1, 1, 0, 1];
        let proba = array![[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.4, 0.6], [0.1, 0.9]];
        let score = |s: ClassScoring| s.score(&actual, proba.view()).unwrap();
        assert!((score(ClassScoring::Accuracy) - 0.6).abs() < 1e-12);
        assert!((score(ClassScoring::NegLogLoss) + 0.5035520949318157).abs() < 1e-12);
        assert!((score(ClassScoring::RocAuc) - 0.8333333333333333).abs() < 1e-12);
        assert!((score(ClassScoring::BalancedAccuracy) - 0.5833333333333333).abs() < 1e-12);
        assert!((score(ClassScoring::F1Macro) - 0.5833333333333333).abs() < 1e-12);
    }

    #[test]
    fn names_round_trip_and_a_wrong_one_lists_them() {
        for s in ClassScoring::ALL {
            assert_eq!(s.name().parse::<ClassScoring>().unwrap(), s);
        }
        let err = "auc".parse::<ClassScoring>().unwrap_err().to_string();
        assert!(
            err.contains("\"auc\"") && err.contains("neg_log_loss"),
            "{err}"
        );
    }
}
