//! Classification metrics, each as scikit-learn computes it on the same predictions (to 1e-9):
//! accuracy, balanced accuracy, log loss, ROC AUC (binary; macro one-vs-rest for more
//! classes), precision, recall and F1 (binary on the positive class, the second of the sorted
//! classes; macro otherwise), the confusion matrix and `classification_report`'s per-class
//! rows.
//!
//! Classes are codes `0..n_classes` (the sorted class list); probabilities are one row per
//! sample, one column per class.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One class's row of `classification_report`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    /// Of the rows predicted as this class, the share that are.
    pub precision: f64,
    /// Of the rows of this class, the share predicted as it.
    pub recall: f64,
    /// The harmonic mean of the two.
    pub f1: f64,
    /// Rows of this class.
    pub support: usize,
}

/// A classifier's held-out metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    /// Share of rows predicted right.
    pub accuracy: f64,
    /// Mean recall over the classes present.
    pub balanced_accuracy: f64,
    /// Mean negative log-likelihood of the true classes.
    pub log_loss: f64,
    /// Area under the ROC curve (binary), or its macro one-vs-rest mean; `None` when a class
    /// the average needs has no row or every row.
    pub roc_auc: Option<f64>,
    /// Precision of the positive class (binary) or its macro mean.
    pub precision: f64,
    /// Recall of the positive class (binary) or its macro mean.
    pub recall: f64,
    /// F1 of the positive class (binary) or its macro mean.
    pub f1: f64,
    /// `confusion[actual][predicted]`: row counts.
    pub confusion: Vec<Vec<usize>>,
    /// Each class's precision, recall, F1 and support.
    pub per_class: Vec<ClassScores>,
}

impl ClassMetrics {
    /// The metrics of `predicted` classes and `proba`bilities against the `actual` classes,
    /// for `n_classes` classes.
    pub fn new(
        actual: &[usize],
        predicted: &[usize],
        proba: ArrayView2<f64>,
        n_classes: usize,
    ) -> Result<ClassMetrics> {
        let bad = |m: String| Error::invalid("classification metrics", m);
        let n = actual.len();
        if n == 0 || predicted.len() != n || proba.nrows() != n || proba.ncols() != n_classes {
            return Err(bad(format!(
                "{n} actual classes, {} predicted, probabilities {}×{} for {n_classes} classes",
                predicted.len(),
                proba.nrows(),
                proba.ncols()
            )));
        }
        if let Some(&c) = actual.iter().chain(predicted).find(|&&c| c >= n_classes) {
            return Err(bad(format!("class code {c} for {n_classes} classes")));
        }
        let confusion = confusion_matrix(actual, predicted, n_classes);
        let per_class = per_class(&confusion);
        // scikit-learn averages over the labels present in either the actual or predicted.
        let present: Vec<usize> = (0..n_classes)
            .filter(|&k| per_class[k].support > 0 || confusion.iter().any(|row| row[k] > 0))
            .collect();
        let (precision, recall, f1) = if n_classes == 2 {
            let p = &per_class[1];
            (p.precision, p.recall, p.f1)
        } else {
            let mean = |f: fn(&ClassScores) -> f64| {
                present.iter().map(|&k| f(&per_class[k])).sum::<f64>() / present.len() as f64
            };
            (mean(|s| s.precision), mean(|s| s.recall), mean(|s| s.f1))
        };
        let recalls: Vec<f64> = (0..n_classes)
            .filter(|&k| per_class[k].support > 0)
            .map(|k| per_class[k].recall)
            .collect();
        Ok(ClassMetrics {
            accuracy: actual.iter().zip(predicted).filter(|(a, p)| a == p).count() as f64
                / n as f64,
            balanced_accuracy: recalls.iter().sum::<f64>() / recalls.len() as f64,
            log_loss: log_loss(actual, proba),
            roc_auc: roc_auc(actual, proba),
            precision,
            recall,
            f1,
            confusion,
            per_class,
        })
    }
}

impl ClassMetrics {
    /// The mean F1 over the classes present among the actual or predicted rows
    /// (`f1_score(average="macro")`), whatever the number of classes.
    pub fn f1_macro(&self) -> f64 {
        let present: Vec<f64> = (0..self.per_class.len())
            .filter(|&k| {
                self.per_class[k].support > 0 || self.confusion.iter().any(|row| row[k] > 0)
            })
            .map(|k| self.per_class[k].f1)
            .collect();
        present.iter().sum::<f64>() / present.len().max(1) as f64
    }
}

/// `confusion[actual][predicted]`.
pub fn confusion_matrix(
    actual: &[usize],
    predicted: &[usize],
    n_classes: usize,
) -> Vec<Vec<usize>> {
    let mut m = vec![vec![0; n_classes]; n_classes];
    for (&a, &p) in actual.iter().zip(predicted) {
        m[a][p] += 1;
    }
    m
}

/// Each class's scores from the confusion matrix; a ratio with nothing to divide by is 0, as
/// scikit-learn's `zero_division="warn"` gives.
fn per_class(confusion: &[Vec<usize>]) -> Vec<ClassScores> {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    (0..confusion.len())
        .map(|k| {
            let tp = confusion[k][k];
            let support: usize = confusion[k].iter().sum();
            let predicted: usize = confusion.iter().map(|row| row[k]).sum();
            ClassScores {
                precision: ratio(tp, predicted),
                recall: ratio(tp, support),
                // scikit-learn's form: 2·tp / (2·tp + fp + fn).
                f1: ratio(2 * tp, support + predicted),
                support,
            }
        })
        .collect()
}

/// scikit-learn's `log_loss`: probabilities clipped to `[eps, 1 - eps]`, the mean of
/// `-ln p(true class)`.
pub(crate) fn log_loss(actual: &[usize], proba: ArrayView2<f64>) -> f64 {
    let eps = f64::EPSILON;
    let losses: Vec<f64> = actual
        .iter()
        .enumerate()
        .map(|(r, &a)| -proba[[r, a]].clamp(eps, 1.0 - eps).ln())
        .collect();
    crate::numpy_sum::pairwise_sum(&losses) / losses.len() as f64
}

/// Binary ROC AUC on the second class's probability, or the macro one-vs-rest mean.
pub(crate) fn roc_auc(actual: &[usize], proba: ArrayView2<f64>) -> Option<f64> {
    let k = proba.ncols();
    let one = |c: usize| {
        let positive: Vec<bool> = actual.iter().map(|&a| a == c).collect();
        binary_auc(&positive, &proba.column(c).to_vec())
    };
    if k == 2 {
        return one(1);
    }
    let each: Option<Vec<f64>> = (0..k).map(one).collect();
    each.map(|v| v.iter().sum::<f64>() / v.len() as f64)
}

/// The area under the ROC curve of `score` for `positive`: the chance a positive row scores
/// above a negative one, ties counting half (the trapezoids' area); `None` without both kinds.
pub fn binary_auc(positive: &[bool], score: &[f64]) -> Option<f64> {
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    // Sum of the positives' ranks, tied scores sharing their mean rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && score[order[j + 1]] == score[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        let tied_pos = order[i..=j].iter().filter(|&&r| positive[r]).count();
        rank_sum += mean_rank * tied_pos as f64;
        i = j + 1;
    }
    let (p, q) = (n_pos as f64, n_neg as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// The generated predictions of the scikit-learn runs below.
    fn case(n: usize, k: usize) -> (Vec<usize>, Vec<usize>, Array2<f64>) {
        let actual: Vec<usize> = (0..n).map(|i| (i * 5 + i / 3) % k).collect();
        let mut proba = Array2::from_shape_fn((n, k), |(i, c)| ((i * 13 + c * 7) % 11 + 1) as f64);
        for (i, &a) in actual.iter().enumerate() {
            proba[[i, a]] += 4.0;
        }
        for mut row in proba.rows_mut() {
            let sum: f64 = row.iter().sum();
            row.mapv_inplace(|v| v / sum);
        }
        // numpy's argmax: the first of the largest.
        let predicted = proba
            .rows()
            .into_iter()
            .map(|row| (0..k).fold(0, |best, c| if row[c] > row[best] { c } else { best }))
            .collect();
        (actual, predicted, proba)
    }

    fn close(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }

    // Expected values from scikit-learn 1.9.1 on the same arrays: accuracy_score,
    // balanced_accuracy_score, log_loss, roc_auc_score (binary on column 1; multi_class="ovr",
    // average="macro"), precision/recall/f1_score (average="binary" / "macro"),
    // confusion_matrix, f1_score(average=None).
    #[test]
    fn binary_metrics_equal_scikit_learns() {
        let (a, p, proba) = case(40, 2);
        let m = ClassMetrics::new(&a, &p, proba.view(), 2).unwrap();
        close(m.accuracy, 0.55);
        close(m.balanced_accuracy, 0.5071225071225072);
        close(m.log_loss, 0.500144400496259);
        close(m.roc_auc.unwrap(), 0.7720797720797722);
        close(m.precision, 0.3333333333333333);
        close(m.recall, 0.38461538461538464);
        close(m.f1, 0.35714285714285715);
        assert_eq!(m.confusion, [[17, 10], [8, 5]]);
        close(m.per_class[0].f1, 0.6538461538461539);
        assert_eq!(m.per_class[1].support, 13);
    }

    #[test]
    fn multiclass_metrics_equal_scikit_learns() {
        let (a, p, proba) = case(60, 3);
        let m = ClassMetrics::new(&a, &p, proba.view(), 3).unwrap();
        close(m.accuracy, 0.43333333333333335);
        close(m.balanced_accuracy, 0.43333333333333335);
        close(m.log_loss, 0.8548905333355494);
        close(m.roc_auc.unwrap(), 0.8366666666666666);
        close(m.precision, 0.4294733044733045);
        close(m.recall, 0.43333333333333335);
        close(m.f1, 0.42572786690433756);
        assert_eq!(m.confusion, [[13, 7, 0], [5, 7, 8], [6, 8, 6]]);
        let f1: Vec<f64> = m.per_class.iter().map(|c| c.f1).collect();
        for (got, want) in
            f1.iter()
                .zip([0.5909090909090909, 0.3333333333333333, 0.35294117647058826])
        {
            close(*got, want);
        }
    }

    #[test]
    fn auc_needs_both_kinds_and_counts_ties_half() {
        assert_eq!(binary_auc(&[true, true], &[0.1, 0.2]), None);
        assert_eq!(binary_auc(&[true, false], &[0.5, 0.5]), Some(0.5));
        assert_eq!(
            binary_auc(&[false, true, false, true], &[0.1, 0.4, 0.35, 0.8]),
            Some(1.0)
        );
        let proba = Array2::from_elem((2, 2), 0.5);
        let err = ClassMetrics::new(&[0, 2], &[0, 1], proba.view(), 2).unwrap_err();
        assert!(err.to_string().contains("class code 2"), "{err}");
    }
}
