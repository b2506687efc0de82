//! Histogram gradient boosting with squared error (scikit-learn's
//! `HistGradientBoostingRegressor`, LightGBM's method) in linfa's style.
//!
//! Features are binned once to `u8` ([`super::binning`]); each iteration fits a leaf-wise
//! tree of at most `max_leaf_nodes` leaves to the gradients `F − y` ([`super::hist_tree`])
//! and adds its leaves, shrunk by the learning rate, to `F`, which starts at the mean of `y`.
//! Missing values (NaN) are native: each split learns where they go.
//!
//! Differences from scikit-learn, by design or unavoidable: gradients are summed in `f64`
//! (scikit-learn uses `float32`), so leaf values differ in about the eighth digit; the rows
//! the bin thresholds are
//! computed on (when there are more than 200,000) and the validation rows of early stopping
//! are drawn from this crate's numpy stream with `seed`, not scikit-learn's derived seed; a
//! tie between two splits of equal gain goes to the lower feature index and bin, as in
//! scikit-learn, but gradient sums are added in another order, so near-ties can break the
//! other way. Early stopping is off unless asked (scikit-learn's `"auto"` turns it on from
//! 10,000 rows).

use std::sync::atomic::{AtomicU64, Ordering};

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use ndarray::{Array1, ArrayBase, Axis, Data, Ix2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binning::{BinMapper, Binned, BINNING_SUBSAMPLE};
use super::builder::{check_targets, finite_targets};
use super::hist_tree::{
    grow, BinnedWalk, GrowBuffers, GrowthLimits, HistTree, RootHistogram, TrainingBins,
};
use super::histogram::{Bin, RowBins};
use super::params::{check_n_estimators, param_accessors, param_guard, TreeError};
use super::row_scoring::{check_width, map_rows, row_predictions, staged_predictions};
use crate::modeling::hyperparams::settings;
use crate::modeling::split::{train_test_split, Split};
use linfa::ParamGuard;
use ndarray::{ArrayView1, ArrayView2};

/// Rows a thread scores at a time in [`HistGradientBoostingRegressor::predict_binned`]: their
/// bins (a byte a feature) stay in cache while every tree walks them.
pub(super) const PREDICT_BLOCK: usize = 4096;

/// Checked hyper-parameters of a [`HistGradientBoostingRegressor`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HistGradientBoostingRegressorValidParams {
    max_iter: usize,
    learning_rate: f64,
    max_leaf_nodes: Option<usize>,
    max_depth: Option<usize>,
    min_samples_leaf: usize,
    l2_regularization: f64,
    max_bins: usize,
    early_stopping: bool,
    validation_fraction: f64,
    n_iter_no_change: usize,
    tol: f64,
    seed: u64,
}

/// Hyper-parameters of a histogram gradient boosting regressor, scikit-learn's defaults.
///
/// | Name | Default | Purpose |
/// | :--- | :--- | :--- |
/// | `max_iter` | 100 | boosting iterations (one tree each) |
/// | `learning_rate` | 0.1 | shrinkage of each tree |
/// | `max_leaf_nodes` | `Some(31)` | leaves per tree, grown best first |
/// | `max_depth` | `None` | depth limit |
/// | `min_samples_leaf` | 20 | fewest rows in a leaf |
/// | `l2_regularization` | 0 | L2 penalty on leaf values |
/// | `max_bins` | 255 | bins for non-missing values (2..=255) |
/// | `early_stopping` | `false` | stop when the validation loss stops improving |
/// | `validation_fraction` | 0.1 | rows held out for early stopping |
/// | `n_iter_no_change` | 10 | iterations without improvement before stopping |
/// | `tol` | 1e-7 | improvement that counts |
/// | `seed` | 0 | binning subsample and validation split |
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HistGradientBoostingRegressorParams(HistGradientBoostingRegressorValidParams);

impl Default for HistGradientBoostingRegressorParams {
    fn default() -> Self {
        Self::new()
    }
}

impl HistGradientBoostingRegressorParams {
    /// Parameters with scikit-learn's defaults.
    pub fn new() -> Self {
        Self(HistGradientBoostingRegressorValidParams {
            max_iter: 100,
            learning_rate: 0.1,
            max_leaf_nodes: Some(31),
            max_depth: None,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            max_bins: 255,
            early_stopping: false,
            validation_fraction: 0.1,
            n_iter_no_change: 10,
            tol: 1e-7,
            seed: 0,
        })
    }
}

param_accessors!(HistGradientBoostingRegressorParams => HistGradientBoostingRegressorValidParams {
    max_iter: usize, "Sets the number of boosting iterations.", "Number of boosting iterations.";
    learning_rate: f64, "Sets the shrinkage of each tree.", "Shrinkage of each tree.";
    max_leaf_nodes: Option<usize>, "Sets the most leaves per tree (`None`: unlimited).", "Most leaves per tree.";
    max_depth: Option<usize>, "Sets the depth limit (`None`: unlimited).", "Depth limit.";
    min_samples_leaf: usize, "Sets the fewest rows in a leaf.", "Fewest rows in a leaf.";
    l2_regularization: f64, "Sets the L2 penalty on leaf values.", "L2 penalty on leaf values.";
    max_bins: usize, "Sets the number of bins for non-missing values (2..=255).", "Bins for non-missing values.";
    early_stopping: bool, "Turns early stopping on a validation split on or off.", "Whether early stopping is on.";
    validation_fraction: f64, "Sets the share of rows held out for early stopping.", "Share of rows held out for early stopping.";
    n_iter_no_change: usize, "Sets the iterations without improvement before stopping.", "Iterations without improvement before stopping.";
    tol: f64, "Sets the improvement that counts for early stopping.", "Improvement that counts for early stopping.";
    seed: u64, "Sets the seed of the binning subsample and the validation split.", "Seed.";
});

param_guard!(HistGradientBoostingRegressorParams => HistGradientBoostingRegressorValidParams, |p| {
    check_n_estimators(p.max_iter)?;
    if !(p.learning_rate.is_finite() && p.learning_rate > 0.0) {
        return Err(TreeError::param("learning_rate", "finite and > 0", p.learning_rate));
    }
    if p.max_leaf_nodes.is_some_and(|n| n < 2) {
        return Err(TreeError::param("max_leaf_nodes", "None or >= 2", p.max_leaf_nodes));
    }
    if p.max_depth.is_some_and(|d| d < 1) {
        return Err(TreeError::param("max_depth", "None or >= 1", p.max_depth));
    }
    if p.min_samples_leaf < 1 {
        return Err(TreeError::param("min_samples_leaf", ">= 1", p.min_samples_leaf));
    }
    if !(p.l2_regularization.is_finite() && p.l2_regularization >= 0.0) {
        return Err(TreeError::param("l2_regularization", "finite and >= 0", p.l2_regularization));
    }
    if !(2..=255).contains(&p.max_bins) {
        return Err(TreeError::param("max_bins", "in 2..=255", p.max_bins));
    }
    if !(p.validation_fraction > 0.0 && p.validation_fraction < 1.0) {
        return Err(TreeError::param("validation_fraction", "in (0, 1)", p.validation_fraction));
    }
    if p.n_iter_no_change < 1 {
        return Err(TreeError::param("n_iter_no_change", ">= 1", p.n_iter_no_change));
    }
});

/// A fitted histogram gradient boosting regressor: `baseline + Σ tree_k(x)`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawHistBoosting", into = "RawHistBoosting")]
pub struct HistGradientBoostingRegressor {
    n_features: usize,
    baseline: f64,
    trees: Vec<HistTree>,
    train_score: Vec<f64>,
    validation_score: Vec<f64>,
}

/// Serialized form, checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawHistBoosting {
    n_features: usize,
    baseline: f64,
    trees: Vec<HistTree>,
    train_score: Vec<f64>,
    #[serde(default)]
    validation_score: Vec<f64>,
}

impl TryFrom<RawHistBoosting> for HistGradientBoostingRegressor {
    type Error = TreeError;

    fn try_from(raw: RawHistBoosting) -> Result<Self, TreeError> {
        for (i, tree) in raw.trees.iter().enumerate() {
            tree.check(raw.n_features)
                .map_err(|e| TreeError::InvalidModel(format!("iteration {i}: {e}")))?;
        }
        if !raw.baseline.is_finite() {
            return Err(TreeError::InvalidModel("the baseline is not finite".into()));
        }
        Ok(HistGradientBoostingRegressor {
            n_features: raw.n_features,
            baseline: raw.baseline,
            trees: raw.trees,
            train_score: raw.train_score,
            validation_score: raw.validation_score,
        })
    }
}

impl From<HistGradientBoostingRegressor> for RawHistBoosting {
    fn from(m: HistGradientBoostingRegressor) -> Self {
        RawHistBoosting {
            n_features: m.n_features,
            baseline: m.baseline,
            trees: m.trees,
            train_score: m.train_score,
            validation_score: m.validation_score,
        }
    }
}

impl HistGradientBoostingRegressor {
    /// Default hyper-parameters, to be customized and fitted.
    pub fn params() -> HistGradientBoostingRegressorParams {
        HistGradientBoostingRegressorParams::new()
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Iterations fitted (fewer than `max_iter` when early stopping stopped it).
    pub fn n_iter(&self) -> usize {
        self.trees.len()
    }

    /// The first prediction, the mean of the training targets.
    pub fn baseline(&self) -> f64 {
        self.baseline
    }

    /// The trees, one per iteration (leaf values include the learning rate).
    pub fn trees(&self) -> &[HistTree] {
        &self.trees
    }

    /// Training mean squared error after each iteration.
    pub fn train_score(&self) -> &[f64] {
        &self.train_score
    }

    /// Validation mean squared error before the first and after each iteration (early
    /// stopping only).
    pub fn validation_score(&self) -> &[f64] {
        &self.validation_score
    }

    #[inline]
    fn predict_unchecked(&self, row: &[f64]) -> f64 {
        self.trees
            .iter()
            .fold(self.baseline, |acc, t| acc + t.predict_row(row))
    }

    /// Predictions for rows already binned by the mapper the model was fitted with (the
    /// command line's held-out rows), equal to its `predict` on the values they came from:
    /// a split's threshold is its bin's upper edge, so `x <= threshold` exactly when
    /// `bin(x) <= bin`. Trees outer, rows inner, in blocks of rows on every core; each row
    /// still adds its trees in order, so the sums are the same to the bit.
    pub fn predict_binned(&self, x: &Binned, missing_bin: u8) -> Result<Array1<f64>, TreeError> {
        check_width(self.n_features, x.has_missing.len())?;
        if x.bins.len() != x.n_rows * self.n_features {
            return Err(TreeError::InvalidModel(format!(
                "{} binned cells for {} rows of {} features",
                x.bins.len(),
                x.n_rows,
                self.n_features
            )));
        }
        let walks: Vec<BinnedWalk> = self.trees.iter().map(HistTree::binned_walk).collect();
        let mut out = Array1::from_elem(x.n_rows, self.baseline);
        let Some(slice) = out.as_slice_mut() else {
            return Err(TreeError::InvalidModel("predictions not contiguous".into()));
        };
        slice
            .par_chunks_mut(PREDICT_BLOCK)
            .enumerate()
            .for_each(|(block, acc)| {
                for walk in &walks {
                    walk.add(x, missing_bin, block * PREDICT_BLOCK, acc);
                }
            });
        Ok(out)
    }

    /// Predictions of the model truncated to each number of iterations in `stages` (0 = the
    /// baseline only), in the order given, from one pass over the trees: each equals a model
    /// fitted with that `max_iter`.
    pub fn predict_stages<D: Data<Elem = f64>>(
        &self,
        x: &ArrayBase<D, Ix2>,
        stages: &[usize],
    ) -> Result<Vec<Array1<f64>>, TreeError> {
        check_width(self.n_features, x.ncols())?;
        staged_predictions(
            x.nrows(),
            self.baseline,
            self.trees.len(),
            stages,
            |k, current| {
                *current += &map_rows(x, |row| self.trees[k].predict_row(row));
            },
        )
    }
}

impl<D: Data<Elem = f64> + Sync, T: AsSingleTargets<Elem = f64>>
    Fit<ArrayBase<D, Ix2>, T, TreeError> for HistGradientBoostingRegressorValidParams
{
    type Object = HistGradientBoostingRegressor;

    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Self::Object, TreeError> {
        let x = dataset.records();
        if x.nrows() == 0 {
            return Err(TreeError::EmptyData);
        }
        if x.ncols() == 0 {
            return Err(TreeError::NoFeatures);
        }
        let y = check_targets(dataset.as_single_targets(), x.nrows())?;
        if let Some(((row, column), &value)) = x.indexed_iter().find(|(_, v)| v.is_infinite()) {
            return Err(TreeError::NonFiniteFeature { row, column, value });
        }
        if u32::try_from(x.nrows()).is_err() {
            return Err(TreeError::TooManyRows {
                rows: x.nrows(),
                max: u32::MAX as usize,
            });
        }
        let seed = self.seed_u32();
        let (train, validation) = match self.validation_split(x.nrows())? {
            Some(split) => (Some(split.train), Some(split.test)),
            None => (None, None),
        };
        let x_train = train.as_ref().map(|rows| x.select(Axis(0), rows));
        let y_train: Vec<f64> = match &train {
            Some(rows) => rows.iter().map(|&r| y[r]).collect(),
            None => y.clone(),
        };
        let view = match &x_train {
            Some(xt) => xt.view(),
            None => x.view(),
        };
        let mapper = BinMapper::fit(view, self.max_bins, BINNING_SUBSAMPLE, seed);
        let binned = mapper.transform(view);
        drop(x_train);
        let val = validation.map(|rows| {
            let xv = x.select(Axis(0), &rows);
            let yv: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
            (mapper.transform(xv.view()), yv)
        });
        self.fit_binned(&mapper, &binned, &y_train, val.as_ref())
    }
}

impl HistGradientBoostingRegressorValidParams {
    /// The seed as the binning subsample and the validation split take it.
    pub fn seed_u32(&self) -> u32 {
        (self.seed & u64::from(u32::MAX)) as u32
    }

    /// With early stopping, the rows (of `n` training rows) held out to watch the loss, as
    /// scikit-learn draws them; None without.
    pub fn validation_split(&self, n: usize) -> Result<Option<Split>, TreeError> {
        if !self.early_stopping {
            return Ok(None);
        }
        train_test_split(n, self.validation_fraction, self.seed_u32())
            .map(Some)
            .map_err(|e| {
                TreeError::param(
                    "validation_fraction",
                    e.to_string(),
                    self.validation_fraction,
                )
            })
    }

    /// Fits on features already binned by `mapper` (column-major, one column per threshold
    /// list), with targets `y`, and for early stopping the validation rows binned the same
    /// way ([`Self::validation_split`] says which rows). This is how a big table is trained
    /// without its `f64` matrix: the caller bins it a column at a time (the command line's
    /// `train` does). Equal to [`Fit::fit`] on the matrix these bins came from.
    pub fn fit_binned(
        &self,
        mapper: &BinMapper,
        binned: &Binned,
        y: &[f64],
        validation: Option<&(Binned, Vec<f64>)>,
    ) -> Result<HistGradientBoostingRegressor, TreeError> {
        let n_features = mapper.thresholds.len();
        if binned.n_rows == 0 {
            return Err(TreeError::EmptyData);
        }
        if n_features == 0 {
            return Err(TreeError::NoFeatures);
        }
        for (part, rows, targets) in std::iter::once((binned, binned.n_rows, y.len()))
            .chain(validation.map(|(b, yv)| (b, b.n_rows, yv.len())))
        {
            if rows != targets
                || part.bins.len() != rows * n_features
                || part.has_missing.len() != n_features
            {
                return Err(TreeError::InvalidModel(format!(
                    "{rows} binned rows of {} cells for {n_features} features and {targets} targets",
                    part.bins.len()
                )));
            }
        }
        // Checked in place (a big table's targets are not copied), the validation rows' too.
        finite_targets(y)?;
        if let Some((_, yv)) = validation {
            finite_targets(yv)?;
        }
        if u32::try_from(y.len()).is_err() {
            return Err(TreeError::TooManyRows {
                rows: y.len(),
                max: u32::MAX as usize,
            });
        }
        Ok(self.boost(mapper, binned, y, validation))
    }

    /// The boosting loop on binned training rows (and validation rows for early stopping).
    fn boost(
        &self,
        mapper: &BinMapper,
        binned: &Binned,
        y: &[f64],
        validation: Option<&(Binned, Vec<f64>)>,
    ) -> HistGradientBoostingRegressor {
        let n_features = mapper.thresholds.len();
        let n = y.len();
        let baseline = y.iter().sum::<f64>() / n as f64;
        // Predictions so far, one per row, as f64 bits: the leaves of a tree add to them in
        // parallel (see `add_leaf_values`).
        let raw: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(baseline.to_bits())).collect();
        let mut gradients = vec![0.0; n];
        let mut samples: Vec<u32> = (0..n as u32).collect();
        let limits = GrowthLimits {
            max_leaf_nodes: self.max_leaf_nodes,
            max_depth: self.max_depth,
            min_samples_leaf: self.min_samples_leaf,
            l2: self.l2_regularization,
            learning_rate: self.learning_rate,
        };
        let mut val_raw = validation.map(|(_, yv)| vec![baseline; yv.len()]);
        let mut validation_score = Vec::new();
        if let (Some((_, yv)), Some(vr)) = (validation, &val_raw) {
            validation_score.push(mse(vr, yv));
        }
        let mut trees = Vec::with_capacity(self.max_iter);
        let mut root = RootHistogram::<Bin>::new();
        let mut buffers = GrowBuffers::default();
        let rows = RowBins::of(binned);
        let bins = TrainingBins {
            columns: binned,
            rows: &rows,
        };
        let mut train_score = Vec::with_capacity(self.max_iter);
        for _ in 0..self.max_iter {
            gradients_from(&raw, y, &mut gradients);
            let (tree, leaves) = grow(
                bins,
                mapper,
                &gradients,
                &mut samples,
                limits,
                &mut root,
                &mut buffers,
            );
            add_leaf_values(&raw, &samples, &leaves);
            train_score.push(raw_mse(&raw, y));
            if let (Some((vb, yv)), Some(vr)) = (validation, val_raw.as_mut()) {
                tree.binned_walk().add(vb, mapper.missing_bin(), 0, vr);
                validation_score.push(mse(vr, yv));
            }
            trees.push(tree);
            if self.early_stopping && self.should_stop(&validation_score) {
                break;
            }
        }
        HistGradientBoostingRegressor {
            n_features,
            baseline,
            trees,
            train_score,
            validation_score,
        }
    }

    /// scikit-learn's rule: stop when none of the last `n_iter_no_change` scores beats the one
    /// before them by more than `tol` (scores are losses here, so lower is better).
    pub(super) fn should_stop(&self, losses: &[f64]) -> bool {
        let k = self.n_iter_no_change;
        if losses.len() <= k {
            return false;
        }
        let reference = losses[losses.len() - k - 1];
        !losses[losses.len() - k..]
            .iter()
            .any(|&l| l < reference - self.tol)
    }
}

/// Rows a thread takes at a time in the boosting loop's passes over every row. A sum adds the
/// blocks' sums in order, so it is the same on any number of threads.
pub(super) const ROW_BLOCK: usize = 16_384;

/// Squared error's gradients: prediction minus target, for every row.
fn gradients_from(raw: &[AtomicU64], y: &[f64], g: &mut [f64]) {
    g.par_chunks_mut(ROW_BLOCK)
        .zip(raw.par_chunks(ROW_BLOCK))
        .zip(y.par_chunks(ROW_BLOCK))
        .for_each(|((g, raw), y)| {
            for ((g, r), t) in g.iter_mut().zip(raw).zip(y) {
                *g = f64::from_bits(r.load(Ordering::Relaxed)) - t;
            }
        });
}

/// Adds each leaf's value to the predictions of its rows (`samples[start..end]`), leaves in
/// parallel. Leaves hold disjoint rows, so no prediction is touched by two threads; relaxed
/// atomics let the compiler know without a lock (they are plain loads and stores on x86-64).
pub(super) fn add_leaf_values(raw: &[AtomicU64], samples: &[u32], leaves: &[(usize, usize, f64)]) {
    leaves.par_iter().for_each(|&(start, end, value)| {
        for &i in &samples[start..end] {
            let r = &raw[i as usize];
            r.store(
                (f64::from_bits(r.load(Ordering::Relaxed)) + value).to_bits(),
                Ordering::Relaxed,
            );
        }
    });
}

/// The mean squared error of the predictions, blocks of rows in parallel.
fn raw_mse(raw: &[AtomicU64], y: &[f64]) -> f64 {
    let blocks: Vec<f64> = raw
        .par_chunks(ROW_BLOCK)
        .zip(y.par_chunks(ROW_BLOCK))
        .map(|(raw, y)| {
            raw.iter()
                .zip(y)
                .map(|(r, t)| {
                    let d = f64::from_bits(r.load(Ordering::Relaxed)) - t;
                    d * d
                })
                .sum::<f64>()
        })
        .collect();
    blocks.iter().sum::<f64>() / y.len().max(1) as f64
}

fn mse(predicted: &[f64], y: &[f64]) -> f64 {
    let sum: f64 = predicted
        .iter()
        .zip(y)
        .map(|(p, t)| (p - t) * (p - t))
        .sum();
    sum / y.len().max(1) as f64
}

row_predictions!(HistGradientBoostingRegressor);

settings! {
    /// Histogram boosting's settings in the registry (`HistGradientBoostingRegressor`).
    HistGbmSettings {
        /// Boosting iterations.
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
        /// Stop on a validation split when the loss stops improving.
        early_stopping: bool = false;
        /// Share of the rows held out for early stopping.
        validation_fraction: f64 = 0.1;
        /// Iterations without improvement before early stopping.
        n_iter_no_change: usize = 10;
        /// The least improvement of the validation loss that counts.
        tol: f64 = 1e-7;
        /// Seed.
        seed: u64 = 0;
    }
}

impl HistGbmSettings {
    /// The model's own checked parameters.
    pub fn params(&self) -> Result<HistGradientBoostingRegressorValidParams, TreeError> {
        HistGradientBoostingRegressor::params()
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

    /// Fits the ensemble on rows `x` (NaN is a missing value) and targets `y`, read in place.
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
    ) -> Result<HistGradientBoostingRegressor, TreeError> {
        // Views, not copies: at a million rows the matrix is the largest thing.
        self.params()?.fit(&DatasetBase::new(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::synthetic;
    use super::*;
    use linfa::traits::Fit;
    use linfa::{Dataset, ParamGuard};

    fn fit(
        params: HistGradientBoostingRegressorParams,
        x: &ndarray::Array2<f64>,
        y: &Array1<f64>,
    ) -> HistGradientBoostingRegressor {
        let data = Dataset::new(x.clone(), y.clone());
        params.check().unwrap().fit(&data).unwrap()
    }

    #[test]
    fn a_split_of_the_gaps_from_every_value_is_saved_and_read_back() {
        // 400 distinct values and a gap in every fifth row; only the gaps move the target, so
        // the root sends every value left and the gaps right: a threshold of +∞.
        let x = ndarray::Array2::from_shape_fn((2_000, 1), |(i, _)| {
            if i % 5 == 0 {
                f64::NAN
            } else {
                (i % 400) as f64
            }
        });
        let y = x.column(0).mapv(|v| if v.is_nan() { 10.0 } else { 0.0 });
        let model = fit(HistGradientBoostingRegressor::params().max_iter(3), &x, &y);
        assert_eq!(model.trees()[0].nodes[0].threshold, f64::INFINITY);
        let text = serde_json::to_string(&model).unwrap();
        assert!(!text.contains("null"), "{text}");
        let back: HistGradientBoostingRegressor = serde_json::from_str(&text).unwrap();
        assert_eq!(back, model);
        let rows = ndarray::array![[f64::NAN], [399.0], [f64::INFINITY]];
        let p = back.try_predict(&rows).unwrap();
        // Three iterations from the mean, 2: the gaps rise, every value (∞ too) falls.
        assert!(p[0] > 4.0 && p[1] < 1.5 && p[2] == p[1], "{p}");
        let broken = text.replacen("\"inf\"", "\"infinity\"", 1);
        let err = serde_json::from_str::<HistGradientBoostingRegressor>(&broken).unwrap_err();
        assert!(err.to_string().contains("\"infinity\""), "{err}");
    }

    #[test]
    fn a_target_that_is_not_finite_is_refused_with_its_row() {
        let (x, mut y) = synthetic(200, 3, 4);
        y[17] = f64::NAN;
        let params = HistGradientBoostingRegressor::params().check().unwrap();
        let err = params.fit(&Dataset::new(x.clone(), y.clone())).unwrap_err();
        assert!(
            matches!(err, TreeError::NonFiniteTarget { row: 17, .. }),
            "{err:?}"
        );
        let mapper = BinMapper::fit(x.view(), 255, BINNING_SUBSAMPLE, 0);
        y[17] = 1.0;
        y[5] = f64::INFINITY;
        let err = params
            .fit_binned(
                &mapper,
                &mapper.transform(x.view()),
                y.as_slice().unwrap(),
                None,
            )
            .unwrap_err();
        assert!(
            matches!(err, TreeError::NonFiniteTarget { row: 5, .. }),
            "{err:?}"
        );
        // A validation row's target too (it would make every validation score NaN).
        y[5] = 1.0;
        let binned = mapper.transform(x.view());
        let mut yv = y.to_vec();
        yv[9] = f64::NAN;
        let err = params
            .fit_binned(
                &mapper,
                &binned,
                y.as_slice().unwrap(),
                Some(&(binned.clone(), yv)),
            )
            .unwrap_err();
        assert!(
            matches!(err, TreeError::NonFiniteTarget { row: 9, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn staged_predictions_equal_smaller_models() {
        let (x, y) = synthetic(300, 4, 5);
        let full = fit(HistGradientBoostingRegressor::params().max_iter(30), &x, &y);
        let staged = full.predict_stages(&x, &[0, 10, 30]).unwrap();
        for (k, got) in [10usize, 30].iter().zip(&staged[1..]) {
            let small = fit(HistGradientBoostingRegressor::params().max_iter(*k), &x, &y);
            assert_eq!(small.try_predict(&x).unwrap(), *got, "{k} iterations");
        }
        assert!(staged[0].iter().all(|v| *v == full.baseline()));
        let scores = full.train_score();
        assert!(scores.last().unwrap() < &scores[0], "{scores:?}");
    }

    #[test]
    fn trees_respect_the_leaf_limits_and_round_trip() {
        let (x, y) = synthetic(400, 3, 9);
        let model = fit(
            HistGradientBoostingRegressor::params()
                .max_iter(5)
                .max_leaf_nodes(Some(7)),
            &x,
            &y,
        );
        assert!(model
            .trees()
            .iter()
            .all(|t| t.n_leaves() <= 7 && t.n_leaves() > 1));
        let text = serde_json::to_string(&model).unwrap();
        let back: HistGradientBoostingRegressor = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.try_predict(&x).unwrap(),
            model.try_predict(&x).unwrap()
        );
        let broken =
            text.replacen("\"left\":1", "\"left\":0", 1)
                .replacen("\"left\":1,", "\"left\":99,", 1);
        let _ = serde_json::from_str::<HistGradientBoostingRegressor>(&broken);
    }

    /// compare/python/hist_gbm_expectations.py's table: four features, the last with NaN in
    /// every seventh row.
    fn hist_table(n: usize) -> (ndarray::Array2<f64>, Array1<f64>) {
        let mut x = ndarray::Array2::zeros((n, 4));
        let mut y = Array1::zeros(n);
        for i in 0..n {
            let x0 = (i * 37 % 101) as f64 / 10.0;
            let x1 = ((i * 53 + 7) % 97) as f64 / 7.0;
            let x2 = (i * 11 % 13) as f64;
            let x3 = (i * 29 % 89) as f64 / 3.0;
            y[i] = 10.0 * (x0 / 3.0).sin() + x1 * x1 / 10.0 + 3.0 * x2 - 0.1 * x3
                + (i * 17 % 10) as f64 / 10.0;
            let row = [x0, x1, x2, if i % 7 == 3 { f64::NAN } else { x3 }];
            x.row_mut(i).assign(&ndarray::ArrayView1::from(&row));
        }
        (x, y)
    }

    #[test]
    fn bins_and_predictions_match_scikit_learn() {
        let (x, y) = hist_table(400);
        let mapper = BinMapper::fit(x.view(), 255, BINNING_SUBSAMPLE, 0);
        let counts: Vec<usize> = mapper.thresholds.iter().map(Vec::len).collect();
        assert_eq!(counts, [100, 96, 12, 88]);
        let halves: Vec<f64> = (0..12).map(|k| k as f64 + 0.5).collect();
        assert_eq!(mapper.thresholds[2], halves);
        let model = fit(HistGradientBoostingRegressor::params().max_iter(30), &x, &y);
        let nan = f64::NAN;
        let queries = ndarray::array![
            [x[[0, 0]], x[[0, 1]], x[[0, 2]], x[[0, 3]]],
            [x[[3, 0]], x[[3, 1]], x[[3, 2]], x[[3, 3]]],
            [x[[10, 0]], x[[10, 1]], x[[10, 2]], x[[10, 3]]],
            [5.0, 7.0, 4.0, nan],
            [nan, 7.0, 4.0, 10.0],
            [nan, nan, nan, nan],
        ];
        // scikit-learn 1.9.1, HistGradientBoostingRegressor(max_iter=30, early_stopping=False).
        // It sums gradients in float32, this model in f64: the same trees, leaf values apart
        // by about 1e-8 relative.
        let sklearn = [
            5.371184244002547,
            31.24922649818763,
            30.863871082249478,
            25.658320751505368,
            25.720898331078615,
            27.508443229221637,
        ];
        let got = model.try_predict(&queries).unwrap();
        for (g, s) in got.iter().zip(sklearn) {
            assert!(
                (g - s).abs() <= 1e-7 * s.abs(),
                "got {got:?}, scikit-learn {sklearn:?}"
            );
        }
    }

    #[test]
    fn early_stopping_stops() {
        let (x, y) = synthetic(600, 3, 2);
        let model = fit(
            HistGradientBoostingRegressor::params()
                .max_iter(2000)
                .early_stopping(true)
                .n_iter_no_change(5),
            &x,
            &y,
        );
        assert!(model.n_iter() < 2000, "{}", model.n_iter());
        assert_eq!(model.validation_score().len(), model.n_iter() + 1);
    }
}
