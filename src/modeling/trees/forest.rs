//! Random forest and extra-trees regressors (scikit-learn's `RandomForestRegressor` and
//! `ExtraTreesRegressor`) in linfa's style.
//!
//! Both average [`DecisionTreeRegressor`]s grown on the same data:
//!
//! * a random forest draws a bootstrap sample per tree (kept as per-row counts, which act as
//!   sample weights, exactly as scikit-learn does) and uses the best splitter;
//! * extra trees use the whole data and one random threshold per candidate feature.
//!
//! Each tree's seed is drawn in order from a MT19937 stream seeded with the forest's seed
//! (scikit-learn's `randint(np.iinfo(np.int32).max)` per tree), and the bootstrap sample and the
//! splitter are seeded from it as in scikit-learn, so the same seed gives the same forest
//! whatever the number of threads rayon uses to grow the trees.

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use ndarray::{Array1, ArrayBase, Axis, Data, Ix2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::builder::{check_targets, TrainingData, TreeBuilder, TreeConfig};
use super::packed::PackedTrees;
use super::params::{
    check_n_estimators, param_accessors, param_guard, validate_tree_params, MaxFeatures, Splitter,
    TreeError,
};
use super::row_scoring::{check_width, map_rows, row_predictions};
use super::tree::{mean_importances, DecisionTreeRegressor};
use crate::modeling::hyperparams::settings;
use crate::modeling::sklearn_rng::NumpyRandomState;
use crate::numpy_sum::pairwise_sum;
use ndarray::{ArrayView1, ArrayView2};

/// Rows × trees above which batch prediction is spread over rayon's threads.
const PARALLEL_PREDICT_WORK: usize = 200_000;

/// Checked hyper-parameters of a [`ForestRegressor`].
///
/// See [`ForestRegressorParams`] for their meaning.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ForestRegressorValidParams {
    n_estimators: usize,
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: MaxFeatures,
    splitter: Splitter,
    bootstrap: bool,
    seed: u64,
}

impl ForestRegressorValidParams {}

/// Hyper-parameters of a forest of regression trees.
///
/// Start from [`ForestRegressorParams::random_forest`] (scikit-learn's `RandomForestRegressor`
/// defaults) or [`ForestRegressorParams::extra_trees`] (`ExtraTreesRegressor` defaults); the
/// two differ only in `splitter` and `bootstrap`.
///
/// # Parameters
/// | Name | Default | Purpose | Range |
/// | :--- | :--- | :--- | :--- |
/// | [n_estimators](Self::n_estimators) | `100` | Number of trees | `[1, 100000]` |
/// | [max_depth](Self::max_depth) | `None` | Maximum depth of each tree | `None` or `[1, inf)` |
/// | [min_samples_split](Self::min_samples_split) | `2` | Minimum samples a node needs to be split | `[2, inf)` |
/// | [min_samples_leaf](Self::min_samples_leaf) | `1` | Minimum samples on each side of a split | `[1, inf)` |
/// | [max_features](Self::max_features) | `All` | Candidate features drawn per node | see [`MaxFeatures`] |
/// | [splitter](Self::splitter) | `Best` (forest), `Random` (extra trees) | Split strategy | [`Splitter`] |
/// | [bootstrap](Self::bootstrap) | `true` (forest), `false` (extra trees) | Grow each tree on a bootstrap sample | `false`, `true` |
/// | [seed](Self::seed) | `0` | Seed of the whole forest | any `u64` |
///
/// # Errors
/// [`TreeError::InvalidParameter`] names the parameter and value out of range;
/// `max_features` larger than the number of columns is reported at fit time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ForestRegressorParams(ForestRegressorValidParams);

impl Default for ForestRegressorParams {
    fn default() -> Self {
        Self::random_forest()
    }
}

impl ForestRegressorParams {
    /// scikit-learn's `RandomForestRegressor` defaults (bootstrap, best splits, all features).
    pub fn random_forest() -> Self {
        Self(ForestRegressorValidParams {
            n_estimators: 100,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
            splitter: Splitter::Best,
            bootstrap: true,
            seed: 0,
        })
    }
    /// scikit-learn's `ExtraTreesRegressor` defaults (no bootstrap, random splits).
    pub fn extra_trees() -> Self {
        let mut p = Self::random_forest();
        p.0.splitter = Splitter::Random;
        p.0.bootstrap = false;
        p
    }
}

param_accessors!(ForestRegressorParams => ForestRegressorValidParams {
    growth;
    n_estimators: usize, "Sets the number of trees.", "Number of trees.";
    max_depth: Option<usize>, "Sets the maximum depth of each tree (`None` = unlimited).", "Maximum depth of each tree, `None` for unlimited.";
    splitter: Splitter, "Sets the split strategy of the trees.", "Split strategy of the trees.";
    bootstrap: bool, "Sets whether each tree is grown on a bootstrap sample.", "Whether each tree is grown on a bootstrap sample.";
    seed: u64, "Sets the seed (scikit-learn's `random_state`).", "Seed of the forest.";
});

param_guard!(ForestRegressorParams => ForestRegressorValidParams, growth, |p| {
        check_n_estimators(p.n_estimators)?;
});

/// A fitted forest of regression trees; predicts the mean of its trees.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawForest", into = "RawForest")]
pub struct ForestRegressor {
    n_features: usize,
    trees: Vec<DecisionTreeRegressor>,
    /// The trees again, laid out for scoring.
    packed: PackedTrees,
}

/// A random forest (a [`ForestRegressor`] fitted from [`ForestRegressorParams::random_forest`]).
pub type RandomForestRegressor = ForestRegressor;
/// Extra trees (a [`ForestRegressor`] fitted from [`ForestRegressorParams::extra_trees`]).
pub type ExtraTreesRegressor = ForestRegressor;

/// Serialized form of a [`ForestRegressor`], checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawForest {
    n_features: usize,
    trees: Vec<DecisionTreeRegressor>,
}

impl TryFrom<RawForest> for ForestRegressor {
    type Error = TreeError;

    fn try_from(raw: RawForest) -> Result<Self, TreeError> {
        if raw.trees.is_empty() {
            return Err(TreeError::InvalidModel("forest has no trees".into()));
        }
        if let Some(i) = raw
            .trees
            .iter()
            .position(|t| t.n_features() != raw.n_features)
        {
            return Err(TreeError::InvalidModel(format!(
                "tree {i} has {} features, the forest {}",
                raw.trees[i].n_features(),
                raw.n_features
            )));
        }
        Ok(ForestRegressor::assemble(raw.n_features, raw.trees))
    }
}

impl From<ForestRegressor> for RawForest {
    fn from(f: ForestRegressor) -> Self {
        RawForest {
            n_features: f.n_features,
            trees: f.trees,
        }
    }
}

impl ForestRegressor {
    /// The forest from its (checked) trees, packed for scoring.
    fn assemble(n_features: usize, trees: Vec<DecisionTreeRegressor>) -> Self {
        let packed = PackedTrees::new(&trees, 1.0);
        ForestRegressor {
            n_features,
            trees,
            packed,
        }
    }

    /// Random-forest hyper-parameters with scikit-learn's defaults.
    pub fn random_forest() -> ForestRegressorParams {
        ForestRegressorParams::random_forest()
    }

    /// Extra-trees hyper-parameters with scikit-learn's defaults.
    pub fn extra_trees() -> ForestRegressorParams {
        ForestRegressorParams::extra_trees()
    }

    /// Number of features the forest was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of trees.
    pub fn n_estimators(&self) -> usize {
        self.trees.len()
    }

    /// The fitted trees.
    pub fn trees(&self) -> &[DecisionTreeRegressor] {
        &self.trees
    }

    /// Mean of the trees' normalized importances over trees with a split, renormalized
    /// (scikit-learn's `feature_importances_`); all zeros if no tree has a split.
    pub fn feature_importances(&self) -> Array1<f64> {
        let per_tree: Vec<Array1<f64>> = self
            .trees
            .iter()
            .filter(|t| t.node_count() > 1)
            .map(DecisionTreeRegressor::feature_importances)
            .collect();
        mean_importances(self.n_features, per_tree.iter().map(Array1::view))
    }

    /// Prediction for a row of exactly `n_features` values (checked by the caller).
    #[inline]
    fn predict_unchecked(&self, row: &[f64]) -> f64 {
        self.packed.sum(0.0, row) / self.trees.len() as f64
    }

    /// Predictions for every row of `x`, or an error if its width is wrong.
    pub fn try_predict<D: Data<Elem = f64>>(
        &self,
        x: &ArrayBase<D, Ix2>,
    ) -> Result<Array1<f64>, TreeError> {
        check_width(self.n_features, x.ncols())?;
        if x.nrows().saturating_mul(self.trees.len()) < PARALLEL_PREDICT_WORK {
            return Ok(map_rows(x, |row| self.predict_unchecked(row)));
        }
        let out: Vec<f64> = x
            .axis_iter(Axis(0))
            .into_par_iter()
            .map(|row| match row.as_slice() {
                Some(s) => self.predict_unchecked(s),
                None => self.predict_unchecked(&row.to_vec()),
            })
            .collect();
        Ok(Array1::from(out))
    }
}

impl<D: Data<Elem = f64>, T: AsSingleTargets<Elem = f64>> Fit<ArrayBase<D, Ix2>, T, TreeError>
    for ForestRegressorValidParams
{
    type Object = ForestRegressor;

    /// Grows the trees in parallel on the dataset's records and single target.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Self::Object, TreeError> {
        let data = TrainingData::new(dataset.records())?;
        let y = check_targets(dataset.as_single_targets(), data.n_rows())?;
        let cfg = TreeConfig::new(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            &self.max_features,
            self.splitter,
            data.n_features(),
        )?;
        let n = data.n_rows();
        let bootstrap = self.bootstrap;
        let trees: Vec<DecisionTreeRegressor> = tree_seeds(self.seed, self.n_estimators)
            .par_iter()
            .map_init(TreeBuilder::new, |builder, &seed| {
                let counts = bootstrap.then(|| bootstrap_counts(seed, n));
                builder.build(&data, &y, counts.as_deref(), &cfg, splitter_seed(seed))
            })
            .collect();
        Ok(ForestRegressor::assemble(data.n_features(), trees))
    }
}

row_predictions!(ForestRegressor, own try_predict);

/// Each tree's seed, drawn in order from the forest's (scikit-learn's `_set_random_states`:
/// `randint(np.iinfo(np.int32).max)` per tree).
pub(crate) fn tree_seeds(forest_seed: u64, n_estimators: usize) -> Vec<u32> {
    let mut rng = NumpyRandomState::from_u64(forest_seed);
    (0..n_estimators).map(|_| rng.estimator_seed()).collect()
}

/// How many times each of `n` rows is drawn into a tree's bootstrap sample (numpy's
/// `RandomState(seed).randint(0, n, n)`, counted per row), to be used as row weights.
pub(crate) fn bootstrap_counts(tree_seed: u32, n: usize) -> Vec<f64> {
    let mut r = NumpyRandomState::from_u64(u64::from(tree_seed));
    let mut counts = vec![0.0; n];
    for _ in 0..n {
        counts[r.interval((n - 1) as u32) as usize] += 1.0;
    }
    counts
}

/// How many times each row is drawn into a tree's bootstrap sample when rows carry weights
/// (the forest classifier's `class_weight`): scikit-learn ≥ 1.7 draws row `i` with probability
/// `w[i] / Σw` (`RandomState(seed).choice(n, n, p=...)`: the weights summed as numpy sums,
/// their running total scaled to end at 1, one uniform draw per row looked up in it), and the
/// tree then weighs each row by its count alone.
pub(crate) fn weighted_bootstrap_counts(tree_seed: u32, weights: &[f64]) -> Vec<f64> {
    let n = weights.len();
    let total = pairwise_sum(weights);
    let mut cdf = Vec::with_capacity(n);
    let mut running = 0.0;
    for w in weights {
        running += w / total;
        cdf.push(running);
    }
    let last = cdf.last().copied().unwrap_or(1.0);
    cdf.iter_mut().for_each(|c| *c /= last);
    let mut r = NumpyRandomState::from_u64(u64::from(tree_seed));
    let mut counts = vec![0.0; n];
    for _ in 0..n {
        let u = r.uniform();
        // numpy's searchsorted(side="right"): the first running total above the draw.
        let i = cdf.partition_point(|&c| c <= u).min(n - 1);
        counts[i] += 1.0;
    }
    counts
}

/// The seed of a tree's splitter (its own `RandomState(seed)`'s first draw below `RAND_R_MAX`).
pub(crate) fn splitter_seed(tree_seed: u32) -> u32 {
    NumpyRandomState::from_u64(u64::from(tree_seed)).splitter_seed()
}

settings! {
    /// A forest's settings in the registry (`RandomForestRegressor`, `ExtraTreesRegressor`).
    ForestSettings {
        /// Trees.
        n_estimators: usize = 100;
        /// Depth limit per tree (none: grow until pure).
        max_depth: Option<usize> = None;
        /// Fewest rows a node needs to be split.
        min_samples_split: usize = 2;
        /// Fewest rows in a leaf (larger: smaller trees, a smaller artifact).
        min_samples_leaf: usize = 1;
        /// Candidate features per split: a share in (0, 1] or a count above 1 (none: all).
        max_features: Option<f64> = None;
        /// Seed.
        seed: u64 = 0;
    }
}

impl ForestSettings {
    /// Grows the forest `base` (random forest or extra trees) on rows `x` and targets `y`.
    pub fn fit(
        &self,
        base: ForestRegressorParams,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
    ) -> Result<ForestRegressor, TreeError> {
        base.n_estimators(self.n_estimators)
            .max_depth(self.max_depth)
            .min_samples_split(self.min_samples_split)
            .min_samples_leaf(self.min_samples_leaf)
            .max_features(MaxFeatures::from_setting(self.max_features))
            .seed(self.seed)
            .fit(&DatasetBase::new(x.to_owned(), y.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::synthetic;
    use super::*;
    use linfa::traits::Predict;
    use linfa::Dataset;
    use linfa::ParamGuard;
    use ndarray::{array, Array2};

    fn fit(params: ForestRegressorParams, x: &Array2<f64>, y: &Array1<f64>) -> ForestRegressor {
        params
            .fit(&Dataset::new(x.clone(), y.clone()))
            .expect("fit")
    }

    #[test]
    fn same_seed_same_forest_other_seed_differs() {
        let (x, y) = synthetic(150, 4, 11);
        let (xt, _) = synthetic(50, 4, 21);
        for params in [
            ForestRegressor::random_forest().n_estimators(12),
            ForestRegressor::extra_trees().n_estimators(12),
        ] {
            let a = fit(params.clone().seed(5), &x, &y);
            let b = fit(params.clone().seed(5), &x, &y);
            let c = fit(params.clone().seed(6), &x, &y);
            assert_eq!(a, b);
            assert_ne!(a.predict(&xt), c.predict(&xt));
            assert_eq!(a.n_estimators(), 12);
        }
    }

    #[test]
    fn result_does_not_depend_on_thread_count() {
        let (x, y) = synthetic(120, 3, 12);
        let params = ForestRegressor::random_forest().n_estimators(16).seed(3);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("pool")
        };
        let one = pool(1).install(|| fit(params.clone(), &x, &y));
        let two = pool(2).install(|| fit(params.clone(), &x, &y));
        assert_eq!(one, two);
    }

    #[test]
    fn prediction_is_mean_of_trees() {
        let (x, y) = synthetic(80, 3, 13);
        let forest = fit(ForestRegressor::random_forest().n_estimators(5), &x, &y);
        let row = [0.5, -1.0, 2.0];
        let mean = forest
            .trees()
            .iter()
            .map(|t| t.predict_row(&row))
            .sum::<f64>()
            / 5.0;
        assert_eq!(forest.predict_row(&row), mean);
        // Bootstrap trees differ from each other; extra trees without bootstrap interpolate.
        assert_ne!(forest.trees()[0], forest.trees()[1]);
        let et = fit(ForestRegressor::extra_trees().n_estimators(5), &x, &y);
        let pred = et.predict(&x);
        assert!(pred
            .iter()
            .zip(y.iter())
            .all(|(p, t)| (p - t).abs() < 1e-12));
    }

    #[test]
    fn forest_beats_single_tree_out_of_sample() {
        let (x, y) = synthetic(300, 4, 14);
        let (xt, yt) = synthetic(200, 4, 15);
        let mse = |p: Array1<f64>| (&p - &yt).mapv(|v| v * v).mean().unwrap_or(f64::NAN);
        let tree = super::super::tree::DecisionTreeRegressor::params()
            .fit(&Dataset::new(x.clone(), y.clone()))
            .expect("fit");
        let rf = fit(ForestRegressor::random_forest().n_estimators(50), &x, &y);
        let et = fit(ForestRegressor::extra_trees().n_estimators(50), &x, &y);
        let (t, r, e) = (
            mse(tree.predict(&xt)),
            mse(rf.predict(&xt)),
            mse(et.predict(&xt)),
        );
        assert!(r < t && e < t, "tree {t} rf {r} et {e}");
        let imp = rf.feature_importances();
        assert!((imp.sum() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn matches_scikit_learn_on_reference_data() {
        let (x, y, xt) = super::super::fixtures::sklearn_reference_data();
        // RandomForestRegressor(n_estimators=5, random_state=0)
        let rf = fit(ForestRegressor::random_forest().n_estimators(5), &x, &y);
        assert_eq!(
            rf.predict(&xt),
            ndarray::arr1(&[18.6, 18.8, 10.0, 18.4, 4.8, 10.0, 7.0, 5.8])
        );
        // ExtraTreesRegressor(n_estimators=5, random_state=1)
        let et = fit(
            ForestRegressor::extra_trees().n_estimators(5).seed(1),
            &x,
            &y,
        );
        assert_eq!(
            et.predict(&xt),
            ndarray::arr1(&[11.4, 17.0, 12.6, 18.2, 9.6, 10.4, 5.0, 3.6])
        );
    }

    #[test]
    fn invalid_params_and_data() {
        let err = ForestRegressor::random_forest()
            .n_estimators(0)
            .check()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "n_estimators must be in [1, 100000], got 0"
        );
        let err = ForestRegressor::random_forest()
            .n_estimators(1_000_000_000)
            .check()
            .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("n_estimators must be in [1, 100000]"));
        let err = ForestRegressor::extra_trees()
            .min_samples_leaf(0)
            .check()
            .unwrap_err();
        assert_eq!(err.to_string(), "min_samples_leaf must be >= 1, got 0");
        let mut x = Array2::<f64>::zeros((5, 2));
        x[[4, 0]] = f64::NAN;
        let err = ForestRegressor::random_forest()
            .fit(&Dataset::new(x, Array1::zeros(5)))
            .unwrap_err();
        assert!(matches!(
            err,
            TreeError::NonFiniteFeature {
                row: 4,
                column: 0,
                ..
            }
        ));
        let err = ForestRegressor::random_forest()
            .fit(&Dataset::new(
                Array2::<f64>::zeros((5, 2)),
                Array1::zeros(4),
            ))
            .unwrap_err();
        assert_eq!(
            err,
            TreeError::MismatchedRows {
                records: 5,
                targets: 4
            }
        );
    }

    #[test]
    fn nan_at_predict_does_not_panic() {
        let (x, y) = synthetic(60, 2, 16);
        let forest = fit(ForestRegressor::random_forest().n_estimators(4), &x, &y);
        assert!(forest.predict_row(&[f64::NAN, 0.0]).is_finite());
        assert!(forest.predict_row(&[0.0]).is_nan());
        let pred: Array1<f64> = forest.predict(&array![[f64::NAN, f64::NAN], [1.0, 1.0]]);
        assert!(pred.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn serde_round_trip_is_bit_identical() {
        let (x, y) = synthetic(100, 3, 17);
        let forest = fit(
            ForestRegressor::extra_trees().n_estimators(8).seed(9),
            &x,
            &y,
        );
        let json = serde_json::to_string(&forest).expect("serialize");
        let back: ForestRegressor = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, forest);
        let (xt, _) = synthetic(40, 3, 18);
        let (a, b) = (forest.predict(&xt), back.predict(&xt));
        assert!(a
            .iter()
            .zip(b.iter())
            .all(|(p, q)| p.to_bits() == q.to_bits()));
        let params = ForestRegressor::random_forest().max_features(MaxFeatures::Sqrt);
        let json = serde_json::to_string(&params).expect("serialize");
        assert_eq!(
            serde_json::from_str::<ForestRegressorParams>(&json).expect("deserialize"),
            params
        );
        assert!(serde_json::from_str::<ForestRegressor>(r#"{"n_features":2,"trees":[]}"#).is_err());
    }
}
