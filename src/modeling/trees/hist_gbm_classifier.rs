//! Histogram gradient boosting with log loss (scikit-learn's `HistGradientBoostingClassifier`):
//! the regressor's trees (`hist_tree.rs`) grown on log loss's gradients and hessians.
//!
//! Two classes: one tree per iteration on the log-odds of the second class, the probability
//! its logistic. More: one tree per class per iteration on that class's raw score, the
//! probabilities their softmax; every class's gradients `p_k − [y = k]` and hessians
//! `p_k (1 − p_k)` are taken at the start of the iteration, as scikit-learn takes them. The
//! raw scores start at the (weighted) class shares' log-odds, or for more classes at
//! `log p_k` minus their mean. A leaf's value is the Newton step `−G/(H+λ)`; both sides of a
//! split need a hessian sum of 1e-3. With `balanced`, each row's gradient and hessian are
//! weighted by its class's `class_weight="balanced"` weight (over every training row, before
//! the validation split, as scikit-learn computes it), and so are the starting shares and the
//! validation loss. Early stopping holds out a stratified share of the rows and watches their
//! log loss.
//!
//! Each row's gradient and hessian are kept as `f32` and summed in `f64`, as scikit-learn (and
//! LightGBM) keep and sum them: a near-tie between two splits then breaks the same way, and
//! the probabilities equal scikit-learn's to about 1e-8 on the same rows. The differences
//! left are the regressor's (see `hist_gbm.rs`): sums added in another order, and the
//! validation rows drawn with this crate's seed (stratified, as scikit-learn draws them). There
//! is no training loss per iteration: it would cost a logarithm per row and class per
//! iteration for a number nobody reads.

use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binning::{BinMapper, Binned, BINNING_SUBSAMPLE};
use super::hist_gbm::{
    add_leaf_values, HistGradientBoostingRegressorValidParams, PREDICT_BLOCK, ROW_BLOCK,
};
use super::hist_tree::{
    grow, BinnedWalk, GrowBuffers, GrowthLimits, HistTree, RootHistogram, TrainingBins,
};
use super::histogram::{GradHess, HessBin, RowBins};
use super::log_loss::{
    binomial, probabilities, scores_per_iteration, softmax, staged_probabilities, starting_scores,
    Staged,
};
use super::params::TreeError;
use crate::error::{Error, Result};
use crate::modeling::classify::class_tree::class_weights;
use crate::modeling::hyperparams::settings;
use crate::modeling::split::Split;
use crate::modeling::stratified::stratified_train_test_split;

settings! {
    /// Histogram boosting's settings for a classifier (`HistGradientBoostingClassifier`).
    HistGbmClassifierSettings {
        /// Boosting iterations (one tree per class each, one for two classes).
        max_iter: usize = 100;
        /// Shrinkage per iteration.
        learning_rate: f64 = 0.1;
        /// Most leaves per tree.
        max_leaf_nodes: usize = 31;
        /// Fewest rows in a leaf.
        min_samples_leaf: usize = 20;
        /// L2 penalty on leaf values.
        l2_regularization: f64 = 0.0;
        /// Bins for non-missing values.
        max_bins: usize = 255;
        /// Depth limit per tree (none: only the leaf count limits it).
        max_depth: Option<usize> = None;
        /// Stop on a stratified validation split when its log loss stops improving.
        early_stopping: bool = false;
        /// Share of the rows held out for early stopping.
        validation_fraction: f64 = 0.1;
        /// Iterations without improvement before early stopping.
        n_iter_no_change: usize = 10;
        /// The least improvement of the validation loss that counts.
        tol: f64 = 1e-7;
        /// Weigh each class by rows / (classes × its rows): `class_weight="balanced"`.
        balanced ["class_weight_balanced"]: bool = false;
        /// Seed.
        seed: u64 = 0;
    }
}

impl HistGbmClassifierSettings {
    /// The boosting parameters, checked as the regressor's are.
    pub fn params(
        &self,
    ) -> std::result::Result<HistGradientBoostingRegressorValidParams, TreeError> {
        use linfa::ParamGuard;
        super::HistGradientBoostingRegressor::params()
            .max_iter(self.max_iter)
            .learning_rate(self.learning_rate)
            .max_leaf_nodes(Some(self.max_leaf_nodes))
            .min_samples_leaf(self.min_samples_leaf)
            .l2_regularization(self.l2_regularization)
            .max_bins(self.max_bins)
            .max_depth(self.max_depth)
            .early_stopping(self.early_stopping)
            .validation_fraction(self.validation_fraction)
            .n_iter_no_change(self.n_iter_no_change)
            .tol(self.tol)
            .seed(self.seed)
            .check()
    }

    /// Fits on rows `x` (NaN is a missing value) and class codes `y` (`0..n_classes`).
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        n_classes: usize,
    ) -> Result<HistGradientBoostingClassifier> {
        let name = "hist-gbm";
        let params = self.params().map_err(|e| Error::model(name, e))?;
        if n_classes < 2 || y.iter().any(|&c| c >= n_classes) || y.len() != x.nrows() {
            return Err(Error::model(
                name,
                "one class code per row, below the number of classes (two or more)",
            ));
        }
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(Error::model(name, "no rows or no features to fit"));
        }
        if let Some(((row, column), &value)) = x.indexed_iter().find(|(_, v)| v.is_infinite()) {
            return Err(Error::model(
                name,
                TreeError::NonFiniteFeature { row, column, value },
            ));
        }
        if u32::try_from(x.nrows()).is_err() {
            return Err(Error::model(name, "more rows than 2³² − 1"));
        }
        let codes = y.to_vec();
        let (train, validation) = match self.validation_split(&codes, n_classes)? {
            Some(split) => (Some(split.train), Some(split.test)),
            None => (None, None),
        };
        let x_train = train.as_ref().map(|rows| x.select(Axis(0), rows));
        let pick = |rows: &Option<Vec<usize>>| -> Vec<usize> {
            rows.as_ref()
                .map_or_else(|| codes.clone(), |r| r.iter().map(|&i| codes[i]).collect())
        };
        let y_train = pick(&train);
        let (mapper, binned) = {
            let view = match &x_train {
                Some(xt) => xt.view(),
                None => x.view(),
            };
            let mapper = BinMapper::fit(
                view,
                params.max_bins(),
                BINNING_SUBSAMPLE,
                params.seed_u32(),
            );
            let binned = mapper.transform(view);
            (mapper, binned)
        };
        drop(x_train);
        let val = validation.map(|rows| {
            let xv = x.select(Axis(0), &rows);
            (mapper.transform(xv.view()), pick(&Some(rows)))
        });
        self.fit_binned(&mapper, &binned, &y_train, val.as_ref(), n_classes)
    }

    /// With early stopping, the rows (positions in `codes`, the training rows' class codes)
    /// held out to watch the loss, stratified as scikit-learn draws them; None without.
    pub fn validation_split(&self, codes: &[usize], n_classes: usize) -> Result<Option<Split>> {
        if !self.early_stopping {
            return Ok(None);
        }
        let params = self.params().map_err(|e| Error::model("hist-gbm", e))?;
        let names: Vec<String> = (0..n_classes).map(|k| format!("class {k}")).collect();
        stratified_train_test_split(
            codes,
            &names,
            params.validation_fraction(),
            params.seed_u32(),
        )
        .map(Some)
    }

    /// Fits on features already binned by `mapper` (column-major), with class codes `y`, and
    /// for early stopping the validation rows binned the same way
    /// ([`Self::validation_split`] says which): how the command line trains a big table
    /// without its `f64` matrix. Equal to [`Self::fit`] on the matrix these bins came from.
    pub fn fit_binned(
        &self,
        mapper: &BinMapper,
        binned: &Binned,
        y: &[usize],
        validation: Option<&(Binned, Vec<usize>)>,
        n_classes: usize,
    ) -> Result<HistGradientBoostingClassifier> {
        let name = "hist-gbm";
        let params = self.params().map_err(|e| Error::model(name, e))?;
        let n_features = mapper.thresholds.len();
        let parts = std::iter::once((binned, y)).chain(validation.map(|(b, c)| (b, &c[..])));
        for (part, codes) in parts {
            if part.n_rows != codes.len()
                || part.bins.len() != part.n_rows * n_features
                || part.has_missing.len() != n_features
                || codes.iter().any(|&c| c >= n_classes)
            {
                return Err(Error::model(
                    name,
                    format!(
                        "{} binned rows of {} cells for {n_features} features and {} class codes",
                        part.n_rows,
                        part.bins.len(),
                        codes.len()
                    ),
                ));
            }
        }
        if y.is_empty() || n_features == 0 || n_classes < 2 {
            return Err(Error::model(
                name,
                "no rows, no features or fewer than two classes",
            ));
        }
        // The weights count every training row, the validation rows too, as scikit-learn's.
        let all: Vec<usize> = y
            .iter()
            .chain(validation.iter().flat_map(|(_, c)| c.iter()))
            .copied()
            .collect();
        let weights = class_weights(&all, n_classes, self.balanced);
        let task = LogLoss {
            n_classes,
            weights: &weights,
        };
        Ok(boost(&params, task, mapper, binned, y, validation))
    }
}

/// A fitted histogram boosting classifier: per class, `baseline + Σ trees` is its raw score.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawClassifier", into = "RawClassifier")]
pub struct HistGradientBoostingClassifier {
    n_features: usize,
    n_classes: usize,
    baseline: Vec<f64>,
    trees: Vec<Vec<HistTree>>,
    validation_loss: Vec<f64>,
}

/// Serialized form, checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawClassifier {
    n_features: usize,
    n_classes: usize,
    baseline: Vec<f64>,
    trees: Vec<Vec<HistTree>>,
    #[serde(default)]
    validation_loss: Vec<f64>,
}

impl TryFrom<RawClassifier> for HistGradientBoostingClassifier {
    type Error = TreeError;

    fn try_from(raw: RawClassifier) -> std::result::Result<Self, TreeError> {
        let per_iteration = scores_per_iteration(raw.n_classes);
        if raw.n_classes < 2 || raw.baseline.len() != per_iteration {
            return Err(TreeError::InvalidModel(format!(
                "{} starting scores for {} classes",
                raw.baseline.len(),
                raw.n_classes
            )));
        }
        if raw.baseline.iter().any(|b| !b.is_finite()) {
            return Err(TreeError::InvalidModel(
                "a starting score is not finite".into(),
            ));
        }
        for (i, iteration) in raw.trees.iter().enumerate() {
            if iteration.len() != per_iteration {
                return Err(TreeError::InvalidModel(format!(
                    "iteration {i} has {} trees, not {per_iteration}",
                    iteration.len()
                )));
            }
            for tree in iteration {
                tree.check(raw.n_features)
                    .map_err(|e| TreeError::InvalidModel(format!("iteration {i}: {e}")))?;
            }
        }
        Ok(HistGradientBoostingClassifier {
            n_features: raw.n_features,
            n_classes: raw.n_classes,
            baseline: raw.baseline,
            trees: raw.trees,
            validation_loss: raw.validation_loss,
        })
    }
}

impl From<HistGradientBoostingClassifier> for RawClassifier {
    fn from(m: HistGradientBoostingClassifier) -> Self {
        RawClassifier {
            n_features: m.n_features,
            n_classes: m.n_classes,
            baseline: m.baseline,
            trees: m.trees,
            validation_loss: m.validation_loss,
        }
    }
}

impl HistGradientBoostingClassifier {
    /// Number of features the model takes.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Iterations fitted (fewer than `max_iter` when early stopping stopped it).
    pub fn n_iter(&self) -> usize {
        self.trees.len()
    }

    /// The starting raw scores (one for two classes).
    pub fn baseline(&self) -> &[f64] {
        &self.baseline
    }

    /// The validation rows' log loss before the first and after each iteration (early
    /// stopping only).
    pub fn validation_loss(&self) -> &[f64] {
        &self.validation_loss
    }

    /// Each row's class probabilities, `[n_rows, n_classes]` (NaN is a missing value).
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let stages = self.predict_proba_stages(x, &[self.trees.len()])?;
        stages
            .into_iter()
            .next()
            .ok_or_else(|| Error::model("hist-gbm", "no stage predicted"))
    }

    /// The probabilities of the model truncated to each number of iterations in `stages`
    /// (0: the starting scores), in the order given, from one pass over the trees: each
    /// equals a model fitted with that `max_iter`.
    pub fn predict_proba_stages(
        &self,
        x: ArrayView2<f64>,
        stages: &[usize],
    ) -> Result<Vec<Array2<f64>>> {
        let model = Staged {
            model: "hist-gbm",
            n_features: self.n_features,
            n_classes: self.n_classes,
            start: &self.baseline,
            n_stages: self.trees.len(),
        };
        staged_probabilities(model, x, stages, |stage, raw| {
            let iteration = &self.trees[stage];
            raw.axis_iter_mut(Axis(0))
                .into_par_iter()
                .zip(x.axis_iter(Axis(0)).into_par_iter())
                .for_each(|(mut scores, row)| {
                    // A row of a matrix in the standard layout is read in place.
                    let copy;
                    let values = match row.as_slice() {
                        Some(values) => values,
                        None => {
                            copy = row.to_vec();
                            &copy
                        }
                    };
                    for (s, tree) in scores.iter_mut().zip(iteration) {
                        *s += tree.predict_row(values);
                    }
                });
        })
    }

    /// Probabilities for rows already binned by the mapper the model was fitted with (the
    /// command line's held-out rows), equal to [`Self::predict_proba`] on the values they
    /// came from: each row adds its trees in the same order.
    pub fn predict_proba_binned(&self, x: &Binned, missing_bin: u8) -> Result<Array2<f64>> {
        if x.has_missing.len() != self.n_features || x.bins.len() != x.n_rows * self.n_features {
            return Err(Error::model(
                "hist-gbm",
                format!(
                    "{} binned cells for {} rows of {} features",
                    x.bins.len(),
                    x.n_rows,
                    self.n_features
                ),
            ));
        }
        let mut raw = Array2::zeros((x.n_rows, self.baseline.len()));
        for (class, &start) in self.baseline.iter().enumerate() {
            let walks: Vec<BinnedWalk> = self
                .trees
                .iter()
                .map(|iteration| iteration[class].binned_walk())
                .collect();
            let mut scores = vec![start; x.n_rows];
            scores
                .par_chunks_mut(PREDICT_BLOCK)
                .enumerate()
                .for_each(|(block, acc)| {
                    for walk in &walks {
                        walk.add(x, missing_bin, block * PREDICT_BLOCK, acc);
                    }
                });
            raw.column_mut(class).assign(&ndarray::Array1::from(scores));
        }
        Ok(self.probabilities(&raw))
    }

    /// Probabilities from raw scores, `[n_rows, n_classes]`.
    fn probabilities(&self, raw: &Array2<f64>) -> Array2<f64> {
        probabilities(raw, self.n_classes)
    }
}

/// Log loss's pieces for one fit: how many classes, each class's weight.
#[derive(Clone, Copy)]
struct LogLoss<'a> {
    n_classes: usize,
    weights: &'a [f64],
}

impl LogLoss<'_> {
    /// The starting raw scores (see `log_loss::starting_scores`).
    fn baseline(&self, y: &[usize]) -> Vec<f64> {
        starting_scores(y, self.n_classes, self.weights)
    }

    /// Every row's gradient and hessian for each raw score (`g[k][row]`), from the scores.
    fn gradients(&self, raw: &[Vec<AtomicU64>], y: &[usize], g: &mut [Vec<GradHess>]) {
        let k = raw.len();
        let score = |k: usize, i: usize| f64::from_bits(raw[k][i].load(Ordering::Relaxed));
        if k == 1 {
            g[0].par_chunks_mut(ROW_BLOCK)
                .enumerate()
                .for_each(|(b, out)| {
                    for (j, o) in out.iter_mut().enumerate() {
                        let i = b * ROW_BLOCK + j;
                        let (g, h) = binomial(score(0, i), y[i] == 1);
                        let w = self.weights[y[i]];
                        *o = GradHess {
                            g: (w * g) as f32,
                            h: (w * h) as f32,
                        };
                    }
                });
            return;
        }
        // Rows in blocks; each block writes its rows of every class's gradients.
        let n = y.len();
        let blocks: Vec<Vec<GradHess>> = (0..n.div_ceil(ROW_BLOCK))
            .into_par_iter()
            .map(|b| {
                let rows = b * ROW_BLOCK..((b + 1) * ROW_BLOCK).min(n);
                let mut out = Vec::with_capacity(rows.len() * k);
                let mut scores = vec![0.0; k];
                let mut p = vec![0.0; k];
                for i in rows {
                    for (c, s) in scores.iter_mut().enumerate() {
                        *s = score(c, i);
                    }
                    softmax(&scores, &mut p);
                    let w = self.weights[y[i]];
                    for (c, &pc) in p.iter().enumerate() {
                        let target = if y[i] == c { 1.0 } else { 0.0 };
                        // scikit-learn's order: the unweighted value, then times the weight.
                        out.push(GradHess {
                            g: ((pc - target) * w) as f32,
                            h: (pc * (1.0 - pc) * w) as f32,
                        });
                    }
                }
                out
            })
            .collect();
        for (b, block) in blocks.iter().enumerate() {
            for (j, row) in block.chunks_exact(k).enumerate() {
                for (c, &gh) in row.iter().enumerate() {
                    g[c][b * ROW_BLOCK + j] = gh;
                }
            }
        }
    }

    /// The weighted mean log loss of raw scores `raw[k][row]` for codes `y`.
    fn loss(&self, raw: &[Vec<f64>], y: &[usize]) -> f64 {
        let (mut sum, mut total) = (0.0, 0.0);
        for (i, &c) in y.iter().enumerate() {
            let w = self.weights[c];
            let l = if raw.len() == 1 {
                // log(1 + e^r) − y·r, written so that neither side overflows.
                let r = raw[0][i];
                let softplus = r.max(0.0) + (-r.abs()).exp().ln_1p();
                softplus - if c == 1 { r } else { 0.0 }
            } else {
                let max = raw.iter().map(|s| s[i]).fold(f64::NEG_INFINITY, f64::max);
                let lse = max + raw.iter().map(|s| (s[i] - max).exp()).sum::<f64>().ln();
                lse - raw[c][i]
            };
            sum += w * l;
            total += w;
        }
        sum / total.max(f64::MIN_POSITIVE)
    }
}

/// The boosting loop on binned training rows (and validation rows for early stopping).
fn boost(
    params: &HistGradientBoostingRegressorValidParams,
    task: LogLoss,
    mapper: &BinMapper,
    binned: &Binned,
    y: &[usize],
    validation: Option<&(Binned, Vec<usize>)>,
) -> HistGradientBoostingClassifier {
    let n = y.len();
    let baseline = task.baseline(y);
    let k = baseline.len();
    let raw: Vec<Vec<AtomicU64>> = baseline
        .iter()
        .map(|b| (0..n).map(|_| AtomicU64::new(b.to_bits())).collect())
        .collect();
    let mut gradients = vec![vec![GradHess::default(); n]; k];
    let mut samples: Vec<u32> = (0..n as u32).collect();
    let limits = GrowthLimits {
        max_leaf_nodes: params.max_leaf_nodes(),
        max_depth: params.max_depth(),
        min_samples_leaf: params.min_samples_leaf(),
        l2: params.l2_regularization(),
        learning_rate: params.learning_rate(),
    };
    let mut val_raw: Option<Vec<Vec<f64>>> =
        validation.map(|(_, yv)| baseline.iter().map(|&b| vec![b; yv.len()]).collect());
    let mut validation_loss = Vec::new();
    if let (Some((_, yv)), Some(vr)) = (validation, &val_raw) {
        validation_loss.push(task.loss(vr, yv));
    }
    let rows = RowBins::of(binned);
    let bins = TrainingBins {
        columns: binned,
        rows: &rows,
    };
    let mut buffers = GrowBuffers::<HessBin>::default();
    let mut trees = Vec::with_capacity(params.max_iter());
    for _ in 0..params.max_iter() {
        task.gradients(&raw, y, &mut gradients);
        let mut iteration = Vec::with_capacity(k);
        for (class, g) in gradients.iter().enumerate() {
            // Log loss's gradients do not move by the leaves' values: no root to carry.
            let mut root = RootHistogram::<HessBin>::new();
            let (tree, leaves) = grow(
                bins,
                mapper,
                g,
                &mut samples,
                limits,
                &mut root,
                &mut buffers,
            );
            add_leaf_values(&raw[class], &samples, &leaves);
            if let (Some((vb, _)), Some(vr)) = (validation, val_raw.as_mut()) {
                tree.binned_walk()
                    .add(vb, mapper.missing_bin(), 0, &mut vr[class]);
            }
            iteration.push(tree);
        }
        trees.push(iteration);
        if let (Some((_, yv)), Some(vr)) = (validation, &val_raw) {
            validation_loss.push(task.loss(vr, yv));
            if params.should_stop(&validation_loss) {
                break;
            }
        }
    }
    HistGradientBoostingClassifier {
        n_features: mapper.thresholds.len(),
        n_classes: task.n_classes,
        baseline,
        trees,
        validation_loss,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    /// `n` rows of three features (one with gaps) and a class from a noisy rule over them.
    fn table(n: usize, n_classes: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
        let mut state = seed.wrapping_mul(2654435761).wrapping_add(7);
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let x = Array2::from_shape_fn((n, 3), |(i, f)| {
            if f == 2 && i % 11 == 0 {
                f64::NAN
            } else {
                next() * 4.0 - 2.0
            }
        });
        let y = x
            .rows()
            .into_iter()
            .map(|r| {
                let gap = if r[2].is_nan() { 1.0 } else { r[2] };
                let s = r[0] + 0.5 * r[1] * r[1] - gap + (next() - 0.5);
                ((s + 3.0).max(0.0) as usize * n_classes / 7).min(n_classes - 1)
            })
            .collect();
        (x, y)
    }

    #[test]
    fn probabilities_sum_to_one_and_beat_the_class_shares() {
        for n_classes in [2, 3] {
            let (x, y) = table(3_000, n_classes, 1);
            let model = HistGbmClassifierSettings::default()
                .fit(x.view(), y.view(), n_classes)
                .unwrap();
            assert_eq!(model.trees[0].len(), scores_per_iteration(n_classes));
            let p = model.predict_proba(x.view()).unwrap();
            for row in p.rows() {
                assert!((row.sum() - 1.0).abs() < 1e-12, "{row}");
            }
            let weights = vec![1.0; n_classes];
            let task = LogLoss {
                n_classes,
                weights: &weights,
            };
            let log_loss = |p: &Array2<f64>| {
                -y.iter()
                    .enumerate()
                    .map(|(i, &c)| p[[i, c]].ln())
                    .sum::<f64>()
                    / y.len() as f64
            };
            let start = model.predict_proba_stages(x.view(), &[0]).unwrap();
            // Stage 0 is the class shares: their log loss is the entropy of the shares.
            let ys = y.to_vec();
            let raw0: Vec<Vec<f64>> = task
                .baseline(&ys)
                .into_iter()
                .map(|b| vec![b; ys.len()])
                .collect();
            assert!((log_loss(&start[0]) - task.loss(&raw0, &ys)).abs() < 1e-12);
            assert!(
                log_loss(&p) < 0.6 * log_loss(&start[0]),
                "{n_classes} classes"
            );
        }
    }

    #[test]
    fn stages_equal_models_fitted_with_that_many_iterations() {
        let (x, y) = table(1_500, 3, 2);
        let settings = HistGbmClassifierSettings {
            max_iter: 12,
            ..Default::default()
        };
        let full = settings.fit(x.view(), y.view(), 3).unwrap();
        let staged = full.predict_proba_stages(x.view(), &[12, 5]).unwrap();
        let five = HistGbmClassifierSettings {
            max_iter: 5,
            ..settings.clone()
        }
        .fit(x.view(), y.view(), 3)
        .unwrap();
        assert_eq!(staged[1], five.predict_proba(x.view()).unwrap());
        assert_eq!(staged[0], full.predict_proba(x.view()).unwrap());
    }

    #[test]
    fn binned_rows_score_as_their_values_do() {
        let (x, y) = table(2_000, 3, 7);
        let model = HistGbmClassifierSettings {
            max_iter: 20,
            ..Default::default()
        }
        .fit(x.view(), y.view(), 3)
        .unwrap();
        let mapper = BinMapper::fit(x.view(), 255, BINNING_SUBSAMPLE, 0);
        let binned = mapper.transform(x.view());
        assert_eq!(
            model
                .predict_proba_binned(&binned, mapper.missing_bin())
                .unwrap(),
            model.predict_proba(x.view()).unwrap()
        );
    }

    #[test]
    fn early_stopping_stops_on_the_validation_loss() {
        let (x, y) = table(4_000, 2, 3);
        let settings = HistGbmClassifierSettings {
            max_iter: 500,
            learning_rate: 0.5,
            early_stopping: true,
            ..Default::default()
        };
        let model = settings.fit(x.view(), y.view(), 2).unwrap();
        assert!(model.n_iter() < 500, "{}", model.n_iter());
        assert_eq!(model.validation_loss().len(), model.n_iter() + 1);
        let losses = model.validation_loss();
        let best = losses.iter().copied().fold(f64::INFINITY, f64::min);
        // It stopped because the last ten did not beat the one before them.
        assert!(losses[losses.len() - 11] - 1e-7 <= best + 1e-12);
    }

    #[test]
    fn balanced_weights_raise_a_rare_class() {
        let (x, mut y) = table(3_000, 2, 4);
        // Keep one row in ten of class 1.
        for (i, c) in y.iter_mut().enumerate() {
            if *c == 1 && i % 10 != 0 {
                *c = 0;
            }
        }
        let mean_p1 = |balanced| {
            let model = HistGbmClassifierSettings {
                balanced,
                ..Default::default()
            }
            .fit(x.view(), y.view(), 2)
            .unwrap();
            model
                .predict_proba(x.view())
                .unwrap()
                .column(1)
                .mean()
                .unwrap()
        };
        let (plain, balanced) = (mean_p1(false), mean_p1(true));
        assert!(balanced > 2.0 * plain, "{plain} against {balanced}");
        let weights = class_weights(&y.to_vec(), 2, true);
        let task = LogLoss {
            n_classes: 2,
            weights: &weights,
        };
        // Balanced weights make the weighted shares equal: the start is even odds.
        assert!(task.baseline(&y.to_vec())[0].abs() < 1e-12);
    }

    #[test]
    fn a_saved_model_loads_and_a_broken_one_is_refused() {
        let (x, y) = table(800, 3, 5);
        let model = HistGbmClassifierSettings {
            max_iter: 4,
            ..Default::default()
        }
        .fit(x.view(), y.view(), 3)
        .unwrap();
        let text = serde_json::to_string(&model).unwrap();
        let back: HistGradientBoostingClassifier = serde_json::from_str(&text).unwrap();
        assert_eq!(back, model);
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["baseline"] = serde_json::json!([0.0, 0.0]);
        let err = serde_json::from_value::<HistGradientBoostingClassifier>(value).unwrap_err();
        assert!(
            err.to_string().contains("2 starting scores for 3 classes"),
            "{err}"
        );
    }

    #[test]
    fn an_infinite_feature_is_named() {
        let (mut x, y) = table(100, 2, 6);
        x[[7, 1]] = f64::INFINITY;
        let err = HistGbmClassifierSettings::default()
            .fit(x.view(), y.view(), 2)
            .unwrap_err();
        assert!(err.to_string().contains("row 7"), "{err}");
    }
}
