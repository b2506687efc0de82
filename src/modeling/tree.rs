//! CART regression tree (scikit-learn's `DecisionTreeRegressor`) in linfa's style.
//!
//! The tree is grown depth first with the squared-error criterion, exactly as scikit-learn's
//! `DepthFirstTreeBuilder` with `BestSplitter` or `RandomSplitter` does:
//!
//! * candidate features are drawn without replacement by scikit-learn's Fisher-Yates loop, with
//!   the same xorshift generator (`our_rand_r`) seeded the same way from a MT19937 stream
//!   (`numpy.random.RandomState(seed).randint(0, 2**31 - 1)`), and features found constant in a
//!   node are skipped in its descendants;
//! * a best split scans the node's values in sorted order, thresholds are midpoints of
//!   consecutive distinct values (values closer than `1e-7` count as equal), and the first split
//!   with the strictly largest proxy improvement `sum_l²/w_l + sum_r²/w_r` wins (gradient
//!   boosting too: scikit-learn >= 1.9 ignores its `friedman_mse` criterion);
//! * a random split draws one uniform threshold in `[min, max)` per candidate feature;
//! * a node becomes a leaf when the depth is reached, it has fewer than `min_samples_split` (or
//!   `2 * min_samples_leaf`) samples, its impurity is `<= f64::EPSILON`, all its targets are equal,
//!   or no split keeps `min_samples_leaf` samples on each side.
//!
//! Features are rounded to `f32` for growing and predicting, as scikit-learn does. Rows are
//! presorted once per feature (scikit-learn re-sorts each node with an unstable sort), so sums
//! over tied values are added in another order and near-ties can break differently: fitted
//! models agree with scikit-learn's to well under one per cent on the reference data, not bit
//! for bit.
//!
//! Prediction sends `x[feature] <= threshold` left; a NaN feature value follows the child that
//! received more training samples (scikit-learn >= 1.3 does the same for trees fitted without
//! missing values). The fitted tree is a flat array of nodes in depth-first order.
//!
//! The tree-growing machinery ([`TrainingData`], [`TreeBuilder`], [`NumpyRng`]) is shared by
//! the forests and the gradient boosting regressor in the sibling modules.

use std::fmt;

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use linfa::ParamGuard;
use ndarray::{Array1, ArrayBase, ArrayView1, Data, Ix2};
use serde::{Deserialize, Serialize};

/// Values of one feature closer than this are treated as equal (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;
/// Largest value of scikit-learn's xorshift generator (`RAND_R_MAX`, `2^31 - 1`).
pub(crate) const RAND_R_MAX: u32 = 0x7FFF_FFFF;
/// Most trees an ensemble may hold (far beyond useful; keeps a typo from exhausting memory).
pub const MAX_ESTIMATORS: usize = 100_000;
/// Marker for "no child" in [`TreeNode`].
const LEAF: u32 = u32::MAX;

/// Errors of the tree models: invalid hyper-parameters or unusable training data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    /// A hyper-parameter is out of its range.
    #[error("{name} must be {constraint}, got {value}")]
    InvalidParameter {
        /// Name of the parameter.
        name: &'static str,
        /// What the parameter must satisfy.
        constraint: String,
        /// The value that was given.
        value: String,
    },
    /// The training data has no rows.
    #[error("cannot fit on an empty dataset (0 rows)")]
    EmptyData,
    /// The training data has no feature columns.
    #[error("cannot fit on a dataset with 0 feature columns")]
    NoFeatures,
    /// Records and targets have different numbers of rows.
    #[error("records have {records} rows but targets have {targets}")]
    MismatchedRows {
        /// Rows of the feature matrix.
        records: usize,
        /// Length of the target vector.
        targets: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("feature value at row {row}, column {column} is {value}; features must be finite")]
    NonFiniteFeature {
        /// Row of the bad value.
        row: usize,
        /// Column of the bad value.
        column: usize,
        /// The value itself.
        value: f64,
    },
    /// A target value is NaN or infinite.
    #[error("target value at row {row} is {value}; targets must be finite")]
    NonFiniteTarget {
        /// Row of the bad value.
        row: usize,
        /// The value itself.
        value: f64,
    },
    /// More rows than the 32-bit sample indices can address.
    #[error("{rows} rows is more than the supported maximum of {max}")]
    TooManyRows {
        /// Rows given.
        rows: usize,
        /// Largest supported number of rows.
        max: usize,
    },
    /// Data to predict has a different number of columns than the training data.
    #[error("model was fitted on {expected} features but the input has {got} columns")]
    FeatureCountMismatch {
        /// Number of features seen in fit.
        expected: usize,
        /// Number of columns given.
        got: usize,
    },
    /// A deserialized model is structurally invalid.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// An error reported by linfa.
    #[error(transparent)]
    Linfa(#[from] LinfaError),
}

/// A [`linfa::Error`] kept as its message, so [`TreeError`] stays `Clone` and `PartialEq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinfaError(pub String);

impl fmt::Display for LinfaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "linfa: {}", self.0)
    }
}

impl std::error::Error for LinfaError {}

impl From<linfa::Error> for TreeError {
    fn from(e: linfa::Error) -> Self {
        TreeError::Linfa(LinfaError(e.to_string()))
    }
}

impl TreeError {
    /// Shorthand for [`TreeError::InvalidParameter`].
    pub(crate) fn param(
        name: &'static str,
        constraint: impl Into<String>,
        value: impl fmt::Debug,
    ) -> Self {
        TreeError::InvalidParameter {
            name,
            constraint: constraint.into(),
            value: format!("{value:?}"),
        }
    }
}

/// How many features are drawn as split candidates at each node.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
pub enum MaxFeatures {
    /// Every feature (scikit-learn's `None` / `1.0`).
    #[default]
    All,
    /// `max(1, floor(sqrt(n_features)))`.
    Sqrt,
    /// `max(1, floor(log2(n_features)))`.
    Log2,
    /// A fixed number, `1 ..= n_features`.
    Count(usize),
    /// `max(1, floor(fraction * n_features))`, fraction in `(0, 1]`.
    Fraction(f64),
}

impl MaxFeatures {
    /// Checks the setting independently of the data.
    pub fn validate(&self) -> Result<(), TreeError> {
        match *self {
            MaxFeatures::Count(0) => Err(TreeError::param("max_features", ">= 1", self)),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => Err(TreeError::param(
                "max_features",
                "a fraction in (0, 1]",
                self,
            )),
            _ => Ok(()),
        }
    }

    /// The number of candidate features for `n_features` columns, as scikit-learn computes it.
    pub fn resolve(&self, n_features: usize) -> Result<usize, TreeError> {
        self.validate()?;
        let k = match *self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => ((n_features as f64).sqrt() as usize).max(1),
            MaxFeatures::Log2 => ((n_features as f64).log2() as usize).max(1),
            MaxFeatures::Count(k) => {
                if k > n_features {
                    return Err(TreeError::param(
                        "max_features",
                        format!("<= n_features ({n_features})"),
                        self,
                    ));
                }
                k
            }
            MaxFeatures::Fraction(f) => ((f * n_features as f64) as usize).max(1),
        };
        Ok(k)
    }
}

/// Strategy used to choose the split at each node.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Splitter {
    /// Best threshold of every candidate feature (CART).
    #[default]
    Best,
    /// One uniform random threshold per candidate feature (extremely randomized trees).
    Random,
}

/// Checks the hyper-parameters shared by every tree-based model.
pub(crate) fn validate_tree_params(
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: &MaxFeatures,
) -> Result<(), TreeError> {
    if max_depth == Some(0) {
        return Err(TreeError::param("max_depth", ">= 1 (or None)", 0usize));
    }
    if min_samples_split < 2 {
        return Err(TreeError::param(
            "min_samples_split",
            ">= 2",
            min_samples_split,
        ));
    }
    if min_samples_leaf < 1 {
        return Err(TreeError::param(
            "min_samples_leaf",
            ">= 1",
            min_samples_leaf,
        ));
    }
    max_features.validate()
}

/// The builder setters of a `…Params` and the matching getters of its `…ValidParams`, in
/// linfa's style, for the tree, forest and boosting parameters alike.
macro_rules! param_accessors {
    ($params:ident => $valid:ident { $($field:ident: $ty:ty, $set_doc:literal, $get_doc:literal;)* }) => {
        impl $params {
            $(
                #[doc = $set_doc]
                pub fn $field(mut self, value: $ty) -> Self {
                    self.0.$field = value;
                    self
                }
            )*
        }

        impl $valid {
            $(
                #[doc = $get_doc]
                pub fn $field(&self) -> $ty {
                    self.$field
                }
            )*
        }
    };
}
pub(crate) use param_accessors;

/// The row-prediction surface of a tree model with an `n_features` field and a
/// `predict_unchecked(&self, &[f64]) -> f64`: `predict_row` (NaN for a row of the wrong width),
/// `try_predict` over a matrix (an error for the wrong width; `own try_predict` when the model
/// writes its own) and linfa's `PredictInplace` through it (NaN predictions for the wrong width).
macro_rules! row_predictions {
    ($model:ty) => {
        row_predictions!($model, own try_predict);

        impl $model {
            /// Predictions for every row of `x`, or an error if its width is wrong.
            pub fn try_predict<D: ndarray::Data<Elem = f64>>(
                &self,
                x: &ndarray::ArrayBase<D, ndarray::Ix2>,
            ) -> Result<ndarray::Array1<f64>, TreeError> {
                check_width(self.n_features, x.ncols())?;
                Ok(map_rows(x, |row| self.predict_unchecked(row)))
            }
        }
    };
    ($model:ty, own try_predict) => {
        impl $model {
            /// Prediction for one row; NaN if `row.len() != n_features`.
            #[inline]
            pub fn predict_row(&self, row: &[f64]) -> f64 {
                if row.len() != self.n_features {
                    return f64::NAN;
                }
                self.predict_unchecked(row)
            }
        }

        impl<D: ndarray::Data<Elem = f64>>
            linfa::traits::PredictInplace<ndarray::ArrayBase<D, ndarray::Ix2>, ndarray::Array1<f64>>
            for $model
        {
            fn predict_inplace(
                &self,
                x: &ndarray::ArrayBase<D, ndarray::Ix2>,
                y: &mut ndarray::Array1<f64>,
            ) {
                *y = match self.try_predict(x) {
                    Ok(p) => p,
                    Err(_) => ndarray::Array1::from_elem(x.nrows(), f64::NAN),
                };
            }

            fn default_target(
                &self,
                x: &ndarray::ArrayBase<D, ndarray::Ix2>,
            ) -> ndarray::Array1<f64> {
                ndarray::Array1::zeros(x.nrows())
            }
        }
    };
}
pub(crate) use row_predictions;

/// An ensemble's `n_estimators` is in `[1, MAX_ESTIMATORS]`.
pub(crate) fn check_n_estimators(n_estimators: usize) -> Result<(), TreeError> {
    if (1..=MAX_ESTIMATORS).contains(&n_estimators) {
        Ok(())
    } else {
        Err(TreeError::param(
            "n_estimators",
            format!("in [1, {MAX_ESTIMATORS}]"),
            n_estimators,
        ))
    }
}

/// Checked hyper-parameters of a [`DecisionTreeRegressor`].
///
/// See [`DecisionTreeRegressorParams`] for their meaning.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DecisionTreeRegressorValidParams {
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: MaxFeatures,
    splitter: Splitter,
    seed: u64,
}

impl DecisionTreeRegressorValidParams {
    /// Resolves the parameters against the number of features of the data.
    pub(crate) fn config(&self, n_features: usize) -> Result<TreeConfig, TreeError> {
        TreeConfig::new(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            &self.max_features,
            self.splitter,
            n_features,
        )
    }
}

/// Hyper-parameters of a CART regression tree (scikit-learn's `DecisionTreeRegressor`).
///
/// Can be checked into a [`DecisionTreeRegressorValidParams`] with [`ParamGuard::check`], or
/// fitted directly with [`Fit::fit`], which checks first and forwards any error.
///
/// # Parameters
/// | Name | Default | Purpose | Range |
/// | :--- | :--- | :--- | :--- |
/// | [max_depth](Self::max_depth) | `None` | Maximum depth of the tree, `None` grows until leaves are pure | `None` or `[1, inf)` |
/// | [min_samples_split](Self::min_samples_split) | `2` | Minimum samples a node needs to be split | `[2, inf)` |
/// | [min_samples_leaf](Self::min_samples_leaf) | `1` | Minimum samples on each side of a split | `[1, inf)` |
/// | [max_features](Self::max_features) | `All` | Candidate features drawn per node | see [`MaxFeatures`] |
/// | [splitter](Self::splitter) | `Best` | Best threshold or one random threshold per feature | [`Splitter`] |
/// | [seed](Self::seed) | `0` | Seed of the feature permutation and random thresholds | any `u64` |
///
/// # Errors
/// [`TreeError::InvalidParameter`] names the parameter and value out of range;
/// `max_features` larger than the number of columns is reported at fit time.
///
/// # Example
/// ```ignore
/// use linfa::prelude::*;
/// let ds = Dataset::new(array![[1.0], [2.0], [3.0]], array![1.0, 2.0, 3.0]);
/// let tree = DecisionTreeRegressor::params().max_depth(Some(2)).fit(&ds)?;
/// let pred = tree.predict(ds.records());
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DecisionTreeRegressorParams(DecisionTreeRegressorValidParams);

impl Default for DecisionTreeRegressorParams {
    fn default() -> Self {
        Self::new()
    }
}

impl DecisionTreeRegressorParams {
    /// Parameters with scikit-learn's defaults.
    pub fn new() -> Self {
        Self(DecisionTreeRegressorValidParams {
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
            splitter: Splitter::Best,
            seed: 0,
        })
    }
}

param_accessors!(DecisionTreeRegressorParams => DecisionTreeRegressorValidParams {
    max_depth: Option<usize>, "Sets the maximum depth (`None` = unlimited).", "Maximum depth, `None` for unlimited.";
    min_samples_split: usize, "Sets the minimum number of samples a node needs to be split.", "Minimum number of samples a node needs to be split.";
    min_samples_leaf: usize, "Sets the minimum number of samples in each leaf.", "Minimum number of samples in each leaf.";
    max_features: MaxFeatures, "Sets the number of candidate features per node.", "Number of candidate features per node.";
    splitter: Splitter, "Sets the split strategy.", "Split strategy.";
    seed: u64, "Sets the random seed (scikit-learn's `random_state`).", "Seed of the random feature permutation and random thresholds.";
});

impl ParamGuard for DecisionTreeRegressorParams {
    type Checked = DecisionTreeRegressorValidParams;
    type Error = TreeError;

    fn check_ref(&self) -> Result<&Self::Checked, Self::Error> {
        validate_tree_params(
            self.0.max_depth,
            self.0.min_samples_split,
            self.0.min_samples_leaf,
            &self.0.max_features,
        )?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked, Self::Error> {
        self.check_ref()?;
        Ok(self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Random numbers, bit-compatible with numpy's legacy `RandomState` and scikit-learn's rand_r.
// ---------------------------------------------------------------------------------------------

/// The MT19937 stream of numpy's legacy `RandomState`, shared with the splits.
pub(crate) use super::split::NumpyRandomState as NumpyRng;

/// The seeds scikit-learn's tree ensembles draw from their `RandomState`.
impl NumpyRng {
    /// Seed of a tree's splitter: `randint(0, RAND_R_MAX)`.
    pub(crate) fn splitter_seed(&mut self) -> u32 {
        self.interval(RAND_R_MAX - 1)
    }

    /// Seed of an ensemble member: `randint(np.iinfo(np.int32).max)`.
    pub(crate) fn estimator_seed(&mut self) -> u32 {
        self.interval(i32::MAX as u32 - 1)
    }
}

/// scikit-learn's xorshift `our_rand_r` generator used inside the splitter.
struct RandR(u32);

impl RandR {
    fn next(&mut self) -> u32 {
        if self.0 == 0 {
            self.0 = 1;
        }
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 % (RAND_R_MAX + 1)
    }

    /// Integer in `[low, high)`; `high > low`.
    fn int(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() as usize) % (high - low)
    }

    /// Double in `[low, high]`.
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        (high - low) * self.next() as f64 / RAND_R_MAX as f64 + low
    }
}

/// numpy's pairwise summation (`np.sum` of a contiguous `float64` vector).
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[i..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

// ---------------------------------------------------------------------------------------------
// Training data and the tree builder.
// ---------------------------------------------------------------------------------------------

/// Feature matrix prepared once per fit: column-major values and per-feature sorted row order.
pub(crate) struct TrainingData {
    n_rows: usize,
    n_features: usize,
    /// `cols[f * n_rows + r]` = `x[r, f]`.
    cols: Vec<f64>,
    /// `sorted[f * n_rows ..][..n_rows]`: rows in increasing order of feature `f` (stable).
    sorted: Vec<u32>,
}

impl TrainingData {
    /// Copies and presorts `x`; fails on empty or non-finite data.
    pub(crate) fn new<D: Data<Elem = f64>>(x: &ArrayBase<D, Ix2>) -> Result<Self, TreeError> {
        let (n_rows, n_features) = x.dim();
        if n_rows == 0 {
            return Err(TreeError::EmptyData);
        }
        if n_features == 0 {
            return Err(TreeError::NoFeatures);
        }
        if n_rows >= u32::MAX as usize {
            return Err(TreeError::TooManyRows {
                rows: n_rows,
                max: u32::MAX as usize - 1,
            });
        }
        let mut cols = Vec::with_capacity(n_rows * n_features);
        for (f, col) in x.columns().into_iter().enumerate() {
            for (r, &v) in col.iter().enumerate() {
                if !v.is_finite() {
                    return Err(TreeError::NonFiniteFeature {
                        row: r,
                        column: f,
                        value: v,
                    });
                }
                // Trees see features as f32, as scikit-learn's do.
                let v32 = v as f32;
                if !v32.is_finite() {
                    return Err(TreeError::NonFiniteFeature {
                        row: r,
                        column: f,
                        value: v,
                    });
                }
                cols.push(f64::from(v32));
            }
        }
        let mut sorted = Vec::with_capacity(n_rows * n_features);
        for f in 0..n_features {
            let col = &cols[f * n_rows..(f + 1) * n_rows];
            let start = sorted.len();
            sorted.extend(0..n_rows as u32);
            sorted[start..].sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]));
        }
        Ok(TrainingData {
            n_rows,
            n_features,
            cols,
            sorted,
        })
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of feature columns.
    pub(crate) fn n_features(&self) -> usize {
        self.n_features
    }

    /// Feature values of row `r` written into `buf` (resized to `n_features`).
    pub(crate) fn row_into(&self, r: usize, buf: &mut Vec<f64>) {
        buf.clear();
        buf.extend((0..self.n_features).map(|f| self.cols[f * self.n_rows + r]));
    }
}

/// Checks a target vector against the training data.
pub(crate) fn check_targets(y: ArrayView1<'_, f64>, n_rows: usize) -> Result<Vec<f64>, TreeError> {
    if y.len() != n_rows {
        return Err(TreeError::MismatchedRows {
            records: n_rows,
            targets: y.len(),
        });
    }
    let mut out = Vec::with_capacity(n_rows);
    for (row, &v) in y.iter().enumerate() {
        if !v.is_finite() {
            return Err(TreeError::NonFiniteTarget { row, value: v });
        }
        out.push(v);
    }
    Ok(out)
}

/// Hyper-parameters of one tree resolved against the data.
#[derive(Clone, Debug)]
pub(crate) struct TreeConfig {
    max_depth: usize,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: usize,
    splitter: Splitter,
}

impl TreeConfig {
    /// Validates and resolves the parameters for `n_features` columns.
    pub(crate) fn new(
        max_depth: Option<usize>,
        min_samples_split: usize,
        min_samples_leaf: usize,
        max_features: &MaxFeatures,
        splitter: Splitter,
        n_features: usize,
    ) -> Result<Self, TreeError> {
        validate_tree_params(max_depth, min_samples_split, min_samples_leaf, max_features)?;
        Ok(TreeConfig {
            max_depth: max_depth.unwrap_or(usize::MAX),
            // scikit-learn: min_samples_split = max(min_samples_split, 2 * min_samples_leaf)
            min_samples_split: min_samples_split.max(min_samples_leaf.saturating_mul(2)),
            min_samples_leaf,
            max_features: max_features.resolve(n_features)?,
            splitter,
        })
    }
}

/// A node waiting on the builder's stack.
struct StackRecord {
    start: usize,
    end: usize,
    depth: usize,
    parent: usize,
    is_left: bool,
    impurity: f64,
    n_constant: usize,
    /// A feature whose segment is partitioned down to this node (the parent's split feature;
    /// segments of features constant in an ancestor are left stale).
    stats_feature: usize,
}

/// The split chosen for a node.
#[derive(Clone, Copy)]
struct SplitRecord {
    feature: usize,
    pos: usize,
    threshold: f64,
    missing_left: bool,
}

/// Reusable work buffers for growing trees on one [`TrainingData`].
pub(crate) struct TreeBuilder {
    /// Per-feature segments of the active samples, each sorted by its feature.
    order: Vec<u32>,
    scratch: Vec<u32>,
    goes_left: Vec<bool>,
    skip_partition: Vec<bool>,
    features: Vec<usize>,
    constant_features: Vec<usize>,
    stack: Vec<StackRecord>,
    ones: Vec<f64>,
}

impl TreeBuilder {
    /// Empty buffers; they grow on first use.
    pub(crate) fn new() -> Self {
        TreeBuilder {
            order: Vec::new(),
            scratch: Vec::new(),
            goes_left: Vec::new(),
            skip_partition: Vec::new(),
            features: Vec::new(),
            constant_features: Vec::new(),
            stack: Vec::new(),
            ones: Vec::new(),
        }
    }

    /// Grows one tree on targets `y` (one per row) with optional per-row weights (rows with
    /// weight 0 are left out, as scikit-learn does), seeding the splitter with `rand_r_seed`.
    pub(crate) fn build(
        &mut self,
        data: &TrainingData,
        y: &[f64],
        weights: Option<&[f64]>,
        cfg: &TreeConfig,
        rand_r_seed: u32,
    ) -> DecisionTreeRegressor {
        let n_rows = data.n_rows;
        let nf = data.n_features;
        if self.ones.len() != n_rows {
            self.ones = vec![1.0; n_rows];
        }
        let ones = std::mem::take(&mut self.ones);
        let w: &[f64] = match weights {
            Some(w) if w.len() == n_rows => w,
            _ => &ones,
        };
        let tree = self.grow(data, y, w, weights.is_some(), cfg, rand_r_seed, nf);
        self.ones = ones;
        tree
    }

    #[allow(clippy::too_many_arguments)]
    fn grow(
        &mut self,
        data: &TrainingData,
        y: &[f64],
        w: &[f64],
        weighted: bool,
        cfg: &TreeConfig,
        rand_r_seed: u32,
        nf: usize,
    ) -> DecisionTreeRegressor {
        let n_rows = data.n_rows;
        // Active samples: rows with non-zero weight.
        let n = if weighted {
            w.iter().filter(|&&v| v != 0.0).count()
        } else {
            n_rows
        };
        self.order.clear();
        if n == n_rows {
            self.order.extend_from_slice(&data.sorted);
        } else {
            for f in 0..nf {
                let seg = &data.sorted[f * n_rows..(f + 1) * n_rows];
                self.order
                    .extend(seg.iter().copied().filter(|&r| w[r as usize] != 0.0));
            }
        }
        self.scratch.resize(n, 0);
        self.goes_left.resize(n_rows, false);
        self.skip_partition.clear();
        self.skip_partition.resize(nf, false);
        self.features.clear();
        self.features.extend(0..nf);
        self.constant_features.clear();
        self.constant_features.resize(nf, 0);
        self.stack.clear();

        let mut nodes: Vec<TreeNode> = Vec::new();
        let mut importances = vec![0.0; nf];
        if n == 0 {
            nodes.push(TreeNode::leaf(0.0, 0.0, 0));
            return DecisionTreeRegressor {
                n_features: nf,
                nodes,
                importances,
            };
        }
        let mut rng = RandR(rand_r_seed);
        let w_root: f64 = {
            let seg0 = &self.order[..n];
            seg0.iter().map(|&s| w[s as usize]).sum()
        };
        self.stack.push(StackRecord {
            start: 0,
            end: n,
            depth: 0,
            parent: usize::MAX,
            is_left: false,
            impurity: f64::INFINITY,
            n_constant: 0,
            stats_feature: 0,
        });
        let mut first = true;
        while let Some(rec) = self.stack.pop() {
            let (start, end) = (rec.start, rec.end);
            // Node statistics over the node's samples.
            let seg = &self.order[rec.stats_feature * n..(rec.stats_feature + 1) * n][start..end];
            let mut w_node = 0.0;
            let mut sum = 0.0;
            let mut sq_sum = 0.0;
            let mut all_equal = true;
            let first_y = y[seg[0] as usize];
            for &s in seg {
                let s = s as usize;
                let (ws, ys) = (w[s], y[s]);
                w_node += ws;
                sum += ws * ys;
                sq_sum += ws * ys * ys;
                all_equal &= ys == first_y;
            }
            let n_node = end - start;
            let mut impurity = rec.impurity;
            if first {
                impurity = sq_sum / w_node - (sum / w_node).powi(2);
                first = false;
            }
            // min_samples_split already includes 2 * min_samples_leaf (TreeConfig::new).
            let is_leaf = rec.depth >= cfg.max_depth
                || n_node < cfg.min_samples_split
                || impurity <= f64::EPSILON
                || all_equal;

            let mut split = None;
            let mut n_constant = rec.n_constant;
            if !is_leaf {
                let (best, n_total_constants) = self.node_split(
                    data,
                    y,
                    w,
                    cfg,
                    &mut rng,
                    (start, end),
                    rec.n_constant,
                    (sum, w_node),
                );
                n_constant = n_total_constants;
                split = best;
            }

            let mut children_impurity = (0.0, 0.0);
            if let Some(b) = split {
                // Children statistics, as scikit-learn's children_impurity.
                let seg = &self.order[b.feature * n + start..b.feature * n + b.pos];
                let (mut w_l, mut sum_l, mut sq_l) = (0.0, 0.0, 0.0);
                for &s in seg {
                    let s = s as usize;
                    w_l += w[s];
                    sum_l += w[s] * y[s];
                    sq_l += w[s] * y[s] * y[s];
                }
                let w_r = w_node - w_l;
                let sum_r = sum - sum_l;
                let sq_r = sq_sum - sq_l;
                let imp_l = sq_l / w_l - (sum_l / w_l).powi(2);
                let imp_r = sq_r / w_r - (sum_r / w_r).powi(2);
                let improvement = (w_node / w_root)
                    * (impurity - (w_r / w_node * imp_r) - (w_l / w_node * imp_l));
                if improvement + f64::EPSILON < 0.0 {
                    split = None;
                } else {
                    importances[b.feature] += w_node * impurity - w_l * imp_l - w_r * imp_r;
                    children_impurity = (imp_l, imp_r);
                }
            }

            let node_id = nodes.len();
            let value = sum / w_node;
            nodes.push(TreeNode::leaf(value, impurity, n_node));
            if rec.parent != usize::MAX {
                let p = &mut nodes[rec.parent];
                if rec.is_left {
                    p.left = node_id as u32;
                } else {
                    p.right = node_id as u32;
                }
            }

            if let Some(b) = split {
                let node = &mut nodes[node_id];
                node.feature = b.feature as u32;
                node.threshold = b.threshold;
                node.missing_left = b.missing_left;
                self.partition(nf, n, start, end, &b, n_constant);
                let (imp_l, imp_r) = children_impurity;
                self.stack.push(StackRecord {
                    start: b.pos,
                    end,
                    depth: rec.depth + 1,
                    parent: node_id,
                    is_left: false,
                    impurity: imp_r,
                    n_constant,
                    stats_feature: b.feature,
                });
                self.stack.push(StackRecord {
                    start,
                    end: b.pos,
                    depth: rec.depth + 1,
                    parent: node_id,
                    is_left: true,
                    impurity: imp_l,
                    n_constant,
                    stats_feature: b.feature,
                });
            }
        }
        for v in &mut importances {
            *v /= w_root;
        }
        DecisionTreeRegressor {
            n_features: nf,
            nodes,
            importances,
        }
    }

    /// scikit-learn's `node_split_best` / `node_split_random` on the samples `[start, end)`.
    /// Returns the split (if any) and the number of features known constant for the children.
    #[allow(clippy::too_many_arguments)]
    fn node_split(
        &mut self,
        data: &TrainingData,
        y: &[f64],
        w: &[f64],
        cfg: &TreeConfig,
        rng: &mut RandR,
        (start, end): (usize, usize),
        n_known_constants: usize,
        (sum_total, w_total): (f64, f64),
    ) -> (Option<SplitRecord>, usize) {
        let nf = data.n_features;
        let n = self.scratch.len();
        let msl = cfg.min_samples_leaf;
        let mut best: Option<SplitRecord> = None;
        let mut best_proxy = f64::NEG_INFINITY;

        let mut f_i = nf;
        let mut n_visited = 0usize;
        let mut n_found_constants = 0usize;
        let mut n_drawn_constants = 0usize;
        let mut n_total_constants = n_known_constants;

        while f_i > n_total_constants
            && (n_visited < cfg.max_features || n_visited <= n_found_constants + n_drawn_constants)
        {
            n_visited += 1;
            let mut f_j = rng.int(n_drawn_constants, f_i - n_found_constants);
            if f_j < n_known_constants {
                self.features.swap(n_drawn_constants, f_j);
                n_drawn_constants += 1;
                continue;
            }
            f_j += n_found_constants;
            let feature = self.features[f_j];
            let seg = &self.order[feature * n + start..feature * n + end];
            let col = &data.cols[feature * data.n_rows..(feature + 1) * data.n_rows];
            let lo = col[seg[0] as usize];
            let hi = col[seg[seg.len() - 1] as usize];
            if hi <= lo + FEATURE_THRESHOLD {
                self.features.swap(f_j, n_total_constants);
                n_found_constants += 1;
                n_total_constants += 1;
                continue;
            }
            f_i -= 1;
            self.features.swap(f_i, f_j);

            match cfg.splitter {
                Splitter::Best => {
                    let mut sum_left = 0.0;
                    let mut w_left = 0.0;
                    let mut prev = lo;
                    let len = seg.len();
                    for k in 1..len {
                        let s = seg[k - 1] as usize;
                        sum_left += w[s] * y[s];
                        w_left += w[s];
                        let v = col[seg[k] as usize];
                        let p_prev = prev;
                        prev = v;
                        if v <= p_prev + FEATURE_THRESHOLD {
                            continue;
                        }
                        let n_left = k;
                        let n_right = len - k;
                        if n_left < msl || n_right < msl {
                            continue;
                        }
                        let sum_right = sum_total - sum_left;
                        let w_right = w_total - w_left;
                        let proxy = sum_left * sum_left / w_left + sum_right * sum_right / w_right;
                        if proxy > best_proxy {
                            best_proxy = proxy;
                            let mut threshold = p_prev / 2.0 + v / 2.0;
                            if threshold == v || threshold.is_infinite() {
                                threshold = p_prev;
                            }
                            best = Some(SplitRecord {
                                feature,
                                pos: start + k,
                                threshold,
                                missing_left: n_left > n_right,
                            });
                        }
                    }
                }
                Splitter::Random => {
                    let mut threshold = rng.uniform(lo, hi);
                    if threshold == hi {
                        threshold = lo;
                    }
                    let mut sum_left = 0.0;
                    let mut w_left = 0.0;
                    let mut k = 0;
                    while k < seg.len() {
                        let s = seg[k] as usize;
                        if col[s] > threshold {
                            break;
                        }
                        sum_left += w[s] * y[s];
                        w_left += w[s];
                        k += 1;
                    }
                    let n_left = k;
                    let n_right = seg.len() - k;
                    if n_left < msl || n_right < msl {
                        continue;
                    }
                    let sum_right = sum_total - sum_left;
                    let w_right = w_total - w_left;
                    let proxy = sum_left * sum_left / w_left + sum_right * sum_right / w_right;
                    if proxy > best_proxy {
                        best_proxy = proxy;
                        best = Some(SplitRecord {
                            feature,
                            pos: start + k,
                            threshold,
                            missing_left: n_left > n_right,
                        });
                    }
                }
            }
        }

        // Keep the known constants in their original order for siblings and descendants, and
        // record the newly found ones.
        self.features[..n_known_constants]
            .copy_from_slice(&self.constant_features[..n_known_constants]);
        self.constant_features[n_known_constants..n_total_constants]
            .copy_from_slice(&self.features[n_known_constants..n_total_constants]);
        (best, n_total_constants)
    }

    /// Stably partitions every feature's segment `[start, end)` into left and right children.
    fn partition(
        &mut self,
        nf: usize,
        n: usize,
        start: usize,
        end: usize,
        b: &SplitRecord,
        n_constant: usize,
    ) {
        let best_seg = &self.order[b.feature * n + start..b.feature * n + end];
        let n_left = b.pos - start;
        for (k, &s) in best_seg.iter().enumerate() {
            self.goes_left[s as usize] = k < n_left;
        }
        // Features constant in this node stay constant (and unread) in its children.
        for v in self.skip_partition.iter_mut() {
            *v = false;
        }
        for &f in &self.constant_features[..n_constant] {
            self.skip_partition[f] = true;
        }
        for f in 0..nf {
            if f == b.feature || self.skip_partition[f] {
                continue;
            }
            let seg = &mut self.order[f * n + start..f * n + end];
            let mut l = 0;
            let mut r = 0;
            for k in 0..seg.len() {
                let s = seg[k];
                if self.goes_left[s as usize] {
                    seg[l] = s;
                    l += 1;
                } else {
                    self.scratch[r] = s;
                    r += 1;
                }
            }
            seg[l..].copy_from_slice(&self.scratch[..r]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fitted tree.
// ---------------------------------------------------------------------------------------------

/// One node of a fitted tree; a leaf has no children.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct TreeNode {
    /// Feature tested by a split node.
    feature: u32,
    /// Index of the left child (`x[feature] <= threshold`), `u32::MAX` for a leaf.
    left: u32,
    /// Index of the right child, `u32::MAX` for a leaf.
    right: u32,
    /// Whether a NaN feature value goes left.
    missing_left: bool,
    /// Split threshold.
    threshold: f64,
    /// Mean target of the node's training samples (the prediction of a leaf).
    value: f64,
    /// Squared-error impurity of the node's training samples.
    impurity: f64,
    /// Number of (distinct) training samples in the node.
    n_samples: usize,
}

impl TreeNode {
    fn leaf(value: f64, impurity: f64, n_samples: usize) -> Self {
        TreeNode {
            feature: 0,
            left: LEAF,
            right: LEAF,
            missing_left: false,
            threshold: 0.0,
            value,
            impurity,
            n_samples,
        }
    }

    /// Whether the node is a leaf.
    pub fn is_leaf(&self) -> bool {
        self.left == LEAF
    }
    /// Feature tested by a split node (meaningless for a leaf).
    pub fn feature(&self) -> usize {
        self.feature as usize
    }
    /// Threshold of a split node (meaningless for a leaf).
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// Index of the left child, `None` for a leaf.
    pub fn left(&self) -> Option<usize> {
        (!self.is_leaf()).then_some(self.left as usize)
    }
    /// Index of the right child, `None` for a leaf.
    pub fn right(&self) -> Option<usize> {
        (!self.is_leaf()).then_some(self.right as usize)
    }
    /// Whether a NaN value of the split's feature goes to the left child.
    pub fn missing_left(&self) -> bool {
        self.missing_left
    }
    /// Mean target of the node's training samples.
    pub fn value(&self) -> f64 {
        self.value
    }
    /// Squared-error impurity of the node's training samples.
    pub fn impurity(&self) -> f64 {
        self.impurity
    }
    /// Number of distinct training samples that reached the node.
    pub fn n_samples(&self) -> usize {
        self.n_samples
    }
}

/// Serialized form of a [`DecisionTreeRegressor`], checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawTree {
    n_features: usize,
    nodes: Vec<TreeNode>,
    importances: Vec<f64>,
}

impl TryFrom<RawTree> for DecisionTreeRegressor {
    type Error = TreeError;

    fn try_from(raw: RawTree) -> Result<Self, TreeError> {
        if raw.nodes.is_empty() {
            return Err(TreeError::InvalidModel("tree has no nodes".into()));
        }
        if raw.importances.len() != raw.n_features {
            return Err(TreeError::InvalidModel(format!(
                "tree has {} importances for {} features",
                raw.importances.len(),
                raw.n_features
            )));
        }
        let len = raw.nodes.len();
        // Every node but the root has exactly one parent: a tree, not a graph whose shared
        // nodes a walk of every path (packing, say) would visit exponentially often.
        let mut has_parent = vec![false; len];
        for (i, node) in raw.nodes.iter().enumerate() {
            let leaf_l = node.left == LEAF;
            let leaf_r = node.right == LEAF;
            if leaf_l != leaf_r {
                return Err(TreeError::InvalidModel(format!(
                    "node {i} has exactly one child"
                )));
            }
            if !leaf_l {
                // Children after their parent: no cycles, every walk ends at a leaf.
                let ok = |c: u32| (c as usize) > i && (c as usize) < len;
                if !ok(node.left) || !ok(node.right) {
                    return Err(TreeError::InvalidModel(format!(
                        "node {i} has children {} and {} outside ({i}, {len})",
                        node.left, node.right
                    )));
                }
                for child in [node.left, node.right] {
                    let seen = &mut has_parent[child as usize];
                    if *seen {
                        return Err(TreeError::InvalidModel(format!(
                            "node {child} has two parents (node {i} is one)"
                        )));
                    }
                    *seen = true;
                }
                if node.feature as usize >= raw.n_features {
                    return Err(TreeError::InvalidModel(format!(
                        "node {i} splits on feature {} of {}",
                        node.feature, raw.n_features
                    )));
                }
                if node.threshold.is_nan() {
                    return Err(TreeError::InvalidModel(format!(
                        "node {i} has a NaN threshold"
                    )));
                }
            }
        }
        Ok(DecisionTreeRegressor {
            n_features: raw.n_features,
            nodes: raw.nodes,
            importances: raw.importances,
        })
    }
}

impl From<DecisionTreeRegressor> for RawTree {
    fn from(t: DecisionTreeRegressor) -> Self {
        RawTree {
            n_features: t.n_features,
            nodes: t.nodes,
            importances: t.importances,
        }
    }
}

/// A fitted CART regression tree: a flat array of nodes in depth-first order, root first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawTree", into = "RawTree")]
pub struct DecisionTreeRegressor {
    n_features: usize,
    nodes: Vec<TreeNode>,
    /// Per-feature weighted impurity decrease divided by the root's weight (not normalized).
    importances: Vec<f64>,
}

impl DecisionTreeRegressor {
    /// Default hyper-parameters, to be customized and fitted.
    pub fn params() -> DecisionTreeRegressorParams {
        DecisionTreeRegressorParams::new()
    }

    /// Number of features the tree was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The nodes, root first; children always come after their parent.
    pub fn nodes(&self) -> &[TreeNode] {
        &self.nodes
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// Depth of the tree (a single leaf has depth 0).
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.nodes.len()];
        let mut max = 0;
        for (i, node) in self.nodes.iter().enumerate() {
            if let (Some(l), Some(r)) = (node.left(), node.right()) {
                depth[l] = depth[i] + 1;
                depth[r] = depth[i] + 1;
                max = max.max(depth[i] + 1);
            }
        }
        max
    }

    /// Normalized impurity-based feature importances (sum to 1 unless the tree is a single leaf).
    pub fn feature_importances(&self) -> Array1<f64> {
        let total: f64 = self.importances.iter().sum();
        if total > 0.0 {
            self.importances.iter().map(|v| v / total).collect()
        } else {
            Array1::zeros(self.n_features)
        }
    }

    /// Unnormalized importances (scikit-learn's `compute_feature_importances(normalize=False)`).
    pub(crate) fn raw_importances(&self) -> &[f64] {
        &self.importances
    }

    /// Index of the leaf reached by a row whose feature `f` is `get(f)`; `f < n_features`.
    #[inline]
    pub(crate) fn leaf_index(&self, get: impl Fn(usize) -> f64) -> usize {
        let mut i = 0;
        loop {
            let node = &self.nodes[i];
            if node.left == LEAF {
                return i;
            }
            // Compare as f32, the precision the tree was grown in.
            let x = f64::from(get(node.feature as usize) as f32);
            i = if x <= node.threshold || (node.missing_left && x.is_nan()) {
                node.left as usize
            } else {
                node.right as usize
            };
        }
    }

    /// Prediction for a row of exactly `n_features` values (checked by the caller).
    #[inline]
    pub(crate) fn predict_unchecked(&self, row: &[f64]) -> f64 {
        self.nodes[self.leaf_index(|f| row[f])].value
    }

    /// Index of the leaf that `row` falls into (scikit-learn's `apply`); `None` if
    /// `row.len() != n_features`.
    pub fn apply_row(&self, row: &[f64]) -> Option<usize> {
        (row.len() == self.n_features).then(|| self.leaf_index(|f| row[f]))
    }
}

/// Checks the number of columns of data to predict.
pub(crate) fn check_width(expected: usize, got: usize) -> Result<(), TreeError> {
    if expected != got {
        return Err(TreeError::FeatureCountMismatch { expected, got });
    }
    Ok(())
}

/// Applies `f` to each row of `x` as a slice (rows that are not contiguous are copied).
pub(crate) fn map_rows<D: Data<Elem = f64>>(
    x: &ArrayBase<D, Ix2>,
    mut f: impl FnMut(&[f64]) -> f64,
) -> Array1<f64> {
    let mut buf = Vec::with_capacity(x.ncols());
    x.rows()
        .into_iter()
        .map(|row| match row.as_slice() {
            Some(s) => f(s),
            None => {
                buf.clear();
                buf.extend(row.iter().copied());
                f(&buf)
            }
        })
        .collect()
}

impl<D: Data<Elem = f64>, T: AsSingleTargets<Elem = f64>> Fit<ArrayBase<D, Ix2>, T, TreeError>
    for DecisionTreeRegressorValidParams
{
    type Object = DecisionTreeRegressor;

    /// Grows the tree on the dataset's records and single target.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Self::Object, TreeError> {
        let data = TrainingData::new(dataset.records())?;
        let y = check_targets(dataset.as_single_targets(), data.n_rows())?;
        let cfg = self.config(data.n_features())?;
        let seed = NumpyRng::from_u64(self.seed).splitter_seed();
        Ok(TreeBuilder::new().build(&data, &y, None, &cfg, seed))
    }
}

row_predictions!(DecisionTreeRegressor);

/// Deterministic pseudo-random test data: `n` rows, `p` features, a smooth target plus noise.
#[cfg(test)]
pub(crate) fn synthetic(n: usize, p: usize, seed: u64) -> (ndarray::Array2<f64>, Array1<f64>) {
    let mut rng = NumpyRng::from_u64(seed);
    let x = ndarray::Array2::from_shape_fn((n, p), |_| rng.uniform() * 10.0 - 5.0);
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let s: f64 = r
                .iter()
                .enumerate()
                .map(|(j, v)| (j as f64 + 1.0) * v)
                .sum();
            s.sin() * 3.0 + r[0] * r[0] * 0.1 + rng.uniform()
        })
        .collect();
    (x, y)
}

/// A small dataset with exactly representable values and scikit-learn 1.9.1's predictions for it:
/// `(x, y, x_test)`. Models fitted on it with the same seed must predict the same values.
#[cfg(test)]
pub(crate) fn sklearn_reference_data() -> (ndarray::Array2<f64>, Array1<f64>, ndarray::Array2<f64>)
{
    let x = ndarray::arr2(&[
        [-3.25, -0.5, 0.0],
        [3.25, -2.5, 1.0],
        [0.0, -1.75, 1.0],
        [-3.0, -2.25, 0.0],
        [2.75, 0.0, 1.0],
        [0.0, -2.25, 0.0],
        [-0.25, 0.25, 1.0],
        [-2.25, 0.0, 0.0],
        [-1.0, -0.75, 1.0],
        [-3.75, -0.25, 1.0],
        [1.0, 1.5, 0.0],
        [0.5, 3.5, 1.0],
        [-1.75, -1.5, 0.0],
        [-1.75, 3.5, 1.0],
        [0.5, -2.25, 0.0],
        [-0.5, -2.75, 1.0],
        [-4.0, 0.0, 0.0],
        [-0.5, -3.0, 0.0],
        [0.75, 2.75, 0.0],
        [-3.5, -3.0, 1.0],
        [-1.75, 0.75, 0.0],
        [0.5, 0.25, 1.0],
        [-2.25, -3.0, 0.0],
        [-0.75, 3.5, 0.0],
        [-1.25, -1.25, 0.0],
        [3.0, -3.75, 1.0],
        [-3.25, 2.75, 1.0],
        [2.75, 3.25, 0.0],
        [2.25, 1.25, 1.0],
        [0.0, 3.5, 0.0],
    ]);
    let y = ndarray::arr1(&[
        0.0, 17.0, 15.0, 5.0, 20.0, 5.0, 12.0, 5.0, 21.0, 4.0, 21.0, 15.0, 3.0, 18.0, 23.0, 11.0,
        0.0, 18.0, 19.0, 18.0, 18.0, 26.0, 19.0, 11.0, 19.0, 26.0, 7.0, 24.0, 28.0, 4.0,
    ]);
    let x_test = ndarray::arr2(&[
        [0.5, 3.5, 0.0],
        [3.25, -0.75, 1.0],
        [-3.0, -2.25, 1.0],
        [-1.0, -4.0, 0.0],
        [-4.5, -2.5, 1.0],
        [-2.75, -1.5, 1.0],
        [-2.5, -2.0, 0.0],
        [-2.5, 3.5, 0.0],
    ]);
    (x, y, x_test)
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::{sklearn_reference_data, synthetic};
    use linfa::traits::Predict;
    use linfa::Dataset;
    use ndarray::{array, Array2};

    fn fit(
        params: DecisionTreeRegressorParams,
        x: &Array2<f64>,
        y: &Array1<f64>,
    ) -> DecisionTreeRegressor {
        params
            .fit(&Dataset::new(x.clone(), y.clone()))
            .expect("fit")
    }

    #[test]
    fn unlimited_tree_interpolates_training_data() {
        let (x, y) = synthetic(120, 4, 1);
        let tree = fit(DecisionTreeRegressor::params(), &x, &y);
        let pred = tree.predict(&x);
        for (p, t) in pred.iter().zip(y.iter()) {
            assert_eq!(p, t);
        }
        assert_eq!(tree.n_leaves(), 120);
        assert_eq!(tree.node_count(), 239);
    }

    #[test]
    fn stump_finds_best_threshold() {
        // Best single split separates {1,2,3} from {10,11}: threshold (3+10)/2 on feature 1;
        // feature 0 is noise that gives a worse split.
        let x = array![[0.0, 1.0], [1.0, 2.0], [0.0, 3.0], [1.0, 10.0], [0.0, 11.0]];
        let y = array![1.0, 1.2, 0.8, 5.0, 5.2];
        let tree = fit(DecisionTreeRegressor::params().max_depth(Some(1)), &x, &y);
        assert_eq!(tree.node_count(), 3);
        let root = tree.nodes()[0];
        assert_eq!(root.feature(), 1);
        assert_eq!(root.threshold(), 6.5);
        assert_eq!(tree.predict_row(&[0.0, 6.5]), (1.0 + 1.2 + 0.8) / 3.0);
        assert_eq!(tree.predict_row(&[0.0, 6.6]), (5.0 + 5.2) / 2.0);
        assert_eq!(tree.depth(), 1);
        assert_eq!(tree.feature_importances(), array![0.0, 1.0]);
    }

    #[test]
    fn min_samples_leaf_is_respected() {
        let (x, y) = synthetic(200, 3, 2);
        for msl in [1, 5, 17] {
            let tree = fit(
                DecisionTreeRegressor::params().min_samples_leaf(msl),
                &x,
                &y,
            );
            for node in tree.nodes() {
                if node.is_leaf() {
                    assert!(
                        node.n_samples() >= msl,
                        "leaf with {} < {msl}",
                        node.n_samples()
                    );
                }
            }
        }
    }

    #[test]
    fn max_depth_and_min_samples_split() {
        let (x, y) = synthetic(200, 3, 3);
        let tree = fit(DecisionTreeRegressor::params().max_depth(Some(4)), &x, &y);
        assert_eq!(tree.depth(), 4);
        let tree = fit(
            DecisionTreeRegressor::params().min_samples_split(50),
            &x,
            &y,
        );
        for node in tree.nodes() {
            if !node.is_leaf() {
                assert!(node.n_samples() >= 50);
            }
        }
    }

    #[test]
    fn invalid_params_are_reported() {
        let err = DecisionTreeRegressor::params()
            .min_samples_leaf(0)
            .check()
            .unwrap_err();
        assert_eq!(err.to_string(), "min_samples_leaf must be >= 1, got 0");
        let err = DecisionTreeRegressor::params()
            .min_samples_split(1)
            .check()
            .unwrap_err();
        assert_eq!(err.to_string(), "min_samples_split must be >= 2, got 1");
        let err = DecisionTreeRegressor::params()
            .max_depth(Some(0))
            .check()
            .unwrap_err();
        assert_eq!(err.to_string(), "max_depth must be >= 1 (or None), got 0");
        let err = DecisionTreeRegressor::params()
            .max_features(MaxFeatures::Fraction(1.5))
            .check()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "max_features must be a fraction in (0, 1], got Fraction(1.5)"
        );
        let err = DecisionTreeRegressor::params()
            .max_features(MaxFeatures::Count(0))
            .check()
            .unwrap_err();
        assert!(matches!(
            err,
            TreeError::InvalidParameter {
                name: "max_features",
                ..
            }
        ));
        // Too many features is found at fit time.
        let (x, y) = synthetic(10, 3, 4);
        let err = DecisionTreeRegressor::params()
            .max_features(MaxFeatures::Count(4))
            .fit(&Dataset::new(x, y))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "max_features must be <= n_features (3), got Count(4)"
        );
    }

    #[test]
    fn bad_data_is_reported_not_panicking() {
        let p = DecisionTreeRegressor::params();
        let err = p
            .fit(&Dataset::new(
                Array2::<f64>::zeros((0, 2)),
                Array1::zeros(0),
            ))
            .unwrap_err();
        assert_eq!(err, TreeError::EmptyData);
        let err = p
            .fit(&Dataset::new(
                Array2::<f64>::zeros((3, 2)),
                Array1::zeros(2),
            ))
            .unwrap_err();
        assert_eq!(
            err,
            TreeError::MismatchedRows {
                records: 3,
                targets: 2
            }
        );
        let err = p
            .fit(&Dataset::new(
                Array2::<f64>::zeros((3, 0)),
                Array1::zeros(3),
            ))
            .unwrap_err();
        assert_eq!(err, TreeError::NoFeatures);
        let mut x = Array2::<f64>::zeros((3, 2));
        x[[2, 1]] = f64::NAN;
        let err = p.fit(&Dataset::new(x, Array1::zeros(3))).unwrap_err();
        assert!(err.to_string().contains("row 2, column 1 is NaN"), "{err}");
        let y = array![1.0, f64::INFINITY, 0.0];
        let err = p
            .fit(&Dataset::new(Array2::<f64>::zeros((3, 2)), y))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "target value at row 1 is inf; targets must be finite"
        );
    }

    #[test]
    fn nan_and_bad_width_at_predict_do_not_panic() {
        let (x, y) = synthetic(50, 3, 5);
        let tree = fit(DecisionTreeRegressor::params().max_depth(Some(3)), &x, &y);
        let v = tree.predict_row(&[f64::NAN, f64::NAN, f64::NAN]);
        assert!(v.is_finite());
        assert!(tree.predict_row(&[1.0, 2.0]).is_nan());
        let wide = Array2::<f64>::zeros((4, 5));
        let pred: Array1<f64> = tree.predict(&wide);
        assert!(pred.iter().all(|v| v.is_nan()));
        assert_eq!(
            tree.try_predict(&wide).unwrap_err(),
            TreeError::FeatureCountMismatch {
                expected: 3,
                got: 5
            }
        );
        // NaN goes to the child with more training samples.
        let root = tree.nodes()[0];
        let (l, r) = (root.left().unwrap(), root.right().unwrap());
        let bigger = if tree.nodes()[l].n_samples() > tree.nodes()[r].n_samples() {
            l
        } else {
            r
        };
        let mut row = [0.0; 3];
        row[root.feature()] = f64::NAN;
        let leaf = tree.leaf_index(|f| row[f]);
        let mut i = leaf;
        // walk up: the leaf must be in the subtree of `bigger`
        while i > bigger {
            i = tree
                .nodes()
                .iter()
                .position(|n| n.left() == Some(i) || n.right() == Some(i))
                .unwrap();
        }
        assert_eq!(i, bigger);
    }

    #[test]
    fn random_splitter_and_max_features() {
        let (x, y) = synthetic(150, 5, 6);
        let a = fit(
            DecisionTreeRegressor::params()
                .splitter(Splitter::Random)
                .seed(3),
            &x,
            &y,
        );
        let b = fit(
            DecisionTreeRegressor::params()
                .splitter(Splitter::Random)
                .seed(3),
            &x,
            &y,
        );
        let c = fit(
            DecisionTreeRegressor::params()
                .splitter(Splitter::Random)
                .seed(4),
            &x,
            &y,
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        // Still interpolates (distinct rows).
        assert_eq!(a.predict(&x), y);
        let d = fit(
            DecisionTreeRegressor::params()
                .max_features(MaxFeatures::Sqrt)
                .seed(1),
            &x,
            &y,
        );
        let e = fit(
            DecisionTreeRegressor::params()
                .max_features(MaxFeatures::Sqrt)
                .seed(2),
            &x,
            &y,
        );
        assert_ne!(d, e);
        // Thresholds of random splits lie inside the node's value range.
        for node in a.nodes().iter().filter(|n| !n.is_leaf()) {
            assert!(node.threshold() >= -5.0 && node.threshold() <= 5.0);
        }
    }

    #[test]
    fn constant_feature_and_constant_target() {
        let x = array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]];
        let y = array![2.0, 2.0, 2.0, 2.0];
        let tree = fit(DecisionTreeRegressor::params(), &x, &y);
        assert_eq!(tree.node_count(), 1);
        assert_eq!(tree.predict_row(&[5.0, 5.0]), 2.0);
        let y = array![1.0, 2.0, 3.0, 4.0];
        let tree = fit(DecisionTreeRegressor::params(), &x, &y);
        assert!(tree.nodes().iter().all(|n| n.is_leaf() || n.feature() == 1));
        assert_eq!(tree.feature_importances()[0], 0.0);
        // All features constant: a single leaf with the mean.
        let x = Array2::from_elem((4, 2), 3.0);
        let tree = fit(DecisionTreeRegressor::params(), &x, &y);
        assert_eq!(tree.node_count(), 1);
        assert_eq!(tree.predict_row(&[0.0, 0.0]), 2.5);
    }

    #[test]
    fn serde_round_trip_is_bit_identical() {
        let (x, y) = synthetic(100, 4, 7);
        let tree = fit(DecisionTreeRegressor::params().max_depth(Some(6)), &x, &y);
        let json = serde_json::to_string(&tree).expect("serialize");
        let back: DecisionTreeRegressor = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, tree);
        let (xt, _) = synthetic(50, 4, 8);
        let (a, b) = (tree.predict(&xt), back.predict(&xt));
        assert!(a
            .iter()
            .zip(b.iter())
            .all(|(p, q)| p.to_bits() == q.to_bits()));
        let params = DecisionTreeRegressor::params().max_features(MaxFeatures::Fraction(0.5));
        let json = serde_json::to_string(&params).expect("serialize");
        assert_eq!(
            serde_json::from_str::<DecisionTreeRegressorParams>(&json).expect("de"),
            params
        );
    }

    #[test]
    fn corrupt_model_is_rejected_on_load() {
        let x = array![[0.0], [1.0], [2.0]];
        let tree = fit(DecisionTreeRegressor::params(), &x, &array![0.0, 1.0, 2.0]);
        let mut v: serde_json::Value = serde_json::to_value(&tree).expect("to_value");
        v["nodes"][0]["left"] = serde_json::json!(0);
        assert!(serde_json::from_value::<DecisionTreeRegressor>(v.clone()).is_err());
        v["nodes"][0]["left"] = serde_json::json!(1);
        v["nodes"][0]["feature"] = serde_json::json!(7);
        assert!(serde_json::from_value::<DecisionTreeRegressor>(v).is_err());
    }

    #[test]
    fn a_node_shared_by_two_parents_is_rejected_on_load() {
        let x = array![[0.0], [1.0], [2.0], [3.0]];
        let tree = fit(
            DecisionTreeRegressor::params(),
            &x,
            &array![0.0, 1.0, 2.0, 3.0],
        );
        let v: serde_json::Value = serde_json::to_value(&tree).expect("to_value");
        assert!(serde_json::from_value::<DecisionTreeRegressor>(v.clone()).is_ok());
        // Root's right child made equal to its left child: a graph, not a tree.
        let mut shared = v.clone();
        shared["nodes"][0]["right"] = shared["nodes"][0]["left"].clone();
        let err = serde_json::from_value::<DecisionTreeRegressor>(shared)
            .expect_err("shared child")
            .to_string();
        assert!(err.contains("two parents"), "{err}");
    }

    #[test]
    fn matches_scikit_learn_on_reference_data() {
        let (x, y, xt) = sklearn_reference_data();
        // DecisionTreeRegressor(random_state=3, max_features=2)
        let tree = fit(
            DecisionTreeRegressor::params()
                .seed(3)
                .max_features(MaxFeatures::Count(2)),
            &x,
            &y,
        );
        assert_eq!(
            tree.predict(&xt),
            ndarray::arr1(&[24.0, 17.0, 18.0, 18.0, 18.0, 18.0, 5.0, 11.0])
        );
        // DecisionTreeRegressor(random_state=5, splitter="random")
        let tree = fit(
            DecisionTreeRegressor::params()
                .seed(5)
                .splitter(Splitter::Random),
            &x,
            &y,
        );
        assert_eq!(
            tree.predict(&xt),
            ndarray::arr1(&[4.0, 17.0, 18.0, 18.0, 0.0, 18.0, 5.0, 5.0])
        );
        // Fitting with feature subsampling still interpolates the (distinct) training rows.
        let tree = fit(
            DecisionTreeRegressor::params().max_features(MaxFeatures::Count(1)),
            &x,
            &y,
        );
        assert_eq!(tree.predict(&x), y);
    }

    #[test]
    fn numpy_compatible_random_streams() {
        // numpy: RandomState(42).randint(0, 2**31 - 1) == 1608637542
        assert_eq!(NumpyRng::from_u64(42).splitter_seed(), 1_608_637_542);
        // numpy: RandomState(42).randint(0, 10, 5) == [6, 3, 7, 4, 6]
        let mut r = NumpyRng::from_u64(42);
        let v: Vec<u32> = (0..5).map(|_| r.interval(9)).collect();
        assert_eq!(v, [6, 3, 7, 4, 6]);
        // numpy: RandomState(1).uniform(size=2) == [0.417022004702574, 0.7203244934421581]
        let mut r = NumpyRng::from_u64(1);
        assert_eq!(r.uniform(), 0.417022004702574);
        assert_eq!(r.uniform(), 0.7203244934421581);
    }

    #[test]
    fn pairwise_sum_matches_plain_sum_on_integers() {
        let v: Vec<f64> = (0..1000).map(|i| (i % 37) as f64).collect();
        assert_eq!(pairwise_sum(&v), v.iter().sum::<f64>());
        assert_eq!(pairwise_sum(&[]), 0.0);
    }
}
