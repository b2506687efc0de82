//! Log loss's arithmetic, shared by the boosting classifiers (`gbm_classifier.rs`,
//! `hist_gbm_classifier.rs`): the starting scores, a row's gradient and hessian, and the
//! probabilities of raw scores. Each is written as scikit-learn's `_loss` module and its
//! links write it, the same operations in the same order (with the C library's `exp` and
//! `log`, as its Cython code calls them), so that the same inputs give the same bits: the
//! classifiers' parity with scikit-learn (`tests/python/test_boosting_classifiers.py`) rests
//! on it, since a difference in the last bit can tip a near-tie between two splits many
//! iterations later.

use ndarray::{Array2, ArrayView2};

use super::params::TreeError;
use crate::error::{Error, Result};
use crate::numpy_sum::pairwise_sum;

/// Raw scores a row has: one for two classes (the second's log-odds), else one per class.
pub(super) fn scores_per_iteration(n_classes: usize) -> usize {
    if n_classes == 2 {
        1
    } else {
        n_classes
    }
}

/// The starting raw scores (`fit_intercept_only`): each class's weighted share of the rows
/// (numpy's `average`, pairwise sums), clipped to `[ε, 1 − ε]`, then linked: for two classes
/// the second's log-odds (`logit`), for more `log(p_k / gmean(p))` (the symmetric
/// multinomial link, `gmean` being `exp(mean(log p))`).
pub(super) fn starting_scores(y: &[usize], n_classes: usize, weights: &[f64]) -> Vec<f64> {
    let w: Vec<f64> = y.iter().map(|&c| weights[c]).collect();
    let total = pairwise_sum(&w);
    let mut shares: Vec<f64> = (0..n_classes)
        .map(|k| {
            let mine: Vec<f64> = y
                .iter()
                .zip(&w)
                .map(|(&c, &wi)| if c == k { wi } else { 0.0 })
                .collect();
            pairwise_sum(&mine) / total
        })
        .collect();
    for s in &mut shares {
        *s = s.clamp(f64::EPSILON, 1.0 - f64::EPSILON);
    }
    if n_classes == 2 {
        return vec![(shares[1] / (1.0 - shares[1])).ln()];
    }
    let logs: f64 = shares.iter().map(|s| s.ln()).sum();
    let gmean = (logs / n_classes as f64).exp();
    shares.iter().map(|s| (s / gmean).ln()).collect()
}

/// Half binomial loss's gradient and hessian at raw score `r` (`p − y` and `p (1 − p)`).
pub(super) fn binomial(r: f64, positive: bool) -> (f64, f64) {
    let y = if positive { 1.0 } else { 0.0 };
    if r > -37.0 {
        let e = (-r).exp();
        (((1.0 - y) - y * e) / (1.0 + e), e / ((1.0 + e) * (1.0 + e)))
    } else {
        let e = r.exp();
        (e - y, e)
    }
}

/// Softmax of `scores` into `out`: the largest score subtracted, the exponentials summed in
/// order, each divided by the sum.
pub(super) fn softmax(scores: &[f64], out: &mut [f64]) {
    let max = scores.iter().copied().fold(scores[0], f64::max);
    let mut total = 0.0;
    for (o, &s) in out.iter_mut().zip(scores) {
        *o = (s - max).exp();
        total += *o;
    }
    for o in out.iter_mut() {
        *o /= total;
    }
}

/// Each row's class probabilities from its raw scores (`[n_rows, 1]` for two classes, else
/// `[n_rows, n_classes]`): `expit` and its complement, or the softmax.
pub(super) fn probabilities(raw: &Array2<f64>, n_classes: usize) -> Array2<f64> {
    let mut p = Array2::zeros((raw.nrows(), n_classes));
    let mut scores = vec![0.0; raw.ncols()];
    let mut buf = vec![0.0; n_classes];
    for (mut out, row) in p.rows_mut().into_iter().zip(raw.rows()) {
        if n_classes == 2 {
            let p1 = 1.0 / (1.0 + (-row[0]).exp());
            out[0] = 1.0 - p1;
            out[1] = p1;
        } else {
            for (s, &r) in scores.iter_mut().zip(row) {
                *s = r;
            }
            softmax(&scores, &mut buf);
            for (o, &b) in out.iter_mut().zip(&buf) {
                *o = b;
            }
        }
    }
    p
}

/// A fitted boosting classifier as its staged probabilities see it.
pub(super) struct Staged<'a> {
    /// The model's name, for errors.
    pub(super) model: &'static str,
    /// Features it takes.
    pub(super) n_features: usize,
    /// Classes.
    pub(super) n_classes: usize,
    /// The starting raw scores.
    pub(super) start: &'a [f64],
    /// Iterations fitted.
    pub(super) n_stages: usize,
}

/// The probabilities of `model` truncated to each number of iterations in `stages` (0: the
/// starting scores), in the order given, from one pass over the iterations: `add(i, raw)` adds
/// iteration `i`'s trees to the raw scores (`[n_rows, scores per iteration]`).
pub(super) fn staged_probabilities(
    model: Staged,
    x: ArrayView2<f64>,
    stages: &[usize],
    mut add: impl FnMut(usize, &mut Array2<f64>),
) -> Result<Vec<Array2<f64>>> {
    if x.ncols() != model.n_features {
        return Err(Error::model(
            model.model,
            TreeError::FeatureCountMismatch {
                expected: model.n_features,
                got: x.ncols(),
            },
        ));
    }
    if let Some(&s) = stages.iter().find(|&&s| s > model.n_stages) {
        return Err(Error::model(
            model.model,
            format!("stage {s} past the {} fitted", model.n_stages),
        ));
    }
    let mut order: Vec<usize> = (0..stages.len()).collect();
    order.sort_by_key(|&i| stages[i]);
    let mut raw = Array2::from_shape_fn((x.nrows(), model.start.len()), |(_, c)| model.start[c]);
    let mut out = vec![Array2::zeros((0, 0)); stages.len()];
    let mut done = 0;
    for i in order {
        for stage in done..stages[i] {
            add(stage, &mut raw);
        }
        done = stages[i];
        out[i] = probabilities(&raw, model.n_classes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // scikit-learn 1.9.1: GradientBoostingClassifier's `_raw_predict_init` on 640 rows of
    // three classes, 213, 213 and 214 of them (each starting score's bits).
    #[test]
    fn the_starting_scores_are_scikit_learns_to_the_bit() {
        let y: Vec<usize> = [vec![0; 213], vec![1; 213], vec![2; 214]].concat();
        let got = starting_scores(&y, 3, &[1.0; 3]);
        let want = [
            0xbf59947ef7d047d9_u64,
            0xbf59947ef7d047d9,
            0x3f69947ef7d04864,
        ];
        assert_eq!(got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), want);
        // Two classes: the log-odds of the second's share.
        assert_eq!(starting_scores(&[0, 1, 1, 1], 2, &[1.0; 2]), [3f64.ln()]);
    }

    #[test]
    fn probabilities_sum_to_one_and_the_gradient_is_p_minus_y() {
        let raw = Array2::from_shape_vec((2, 3), vec![0.5, -1.0, 2.0, -40.0, 0.0, 40.0]).unwrap();
        for row in probabilities(&raw, 3).rows() {
            assert!((row.sum() - 1.0).abs() < 1e-15);
        }
        for r in [-50.0_f64, -3.0, 0.0, 2.5, 30.0] {
            let p = 1.0 / (1.0 + (-r).exp());
            let (g, h) = binomial(r, true);
            assert!((g - (p - 1.0)).abs() < 1e-15 && (h - p * (1.0 - p)).abs() < 1e-15);
        }
    }
}
