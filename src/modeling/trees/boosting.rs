//! Gradient boosting regressor with squared loss (scikit-learn's `GradientBoostingRegressor`)
//! in linfa's style.
//!
//! The model starts from the mean of the targets and adds, stage after stage, a regression tree
//! fitted to the residuals `y - F`, scaled by the learning rate: `F += learning_rate * tree(x)`.
//! With `subsample < 1` each stage's tree sees `max(1, floor(subsample * n))` rows drawn without
//! replacement (the others get weight 0), while `F` is updated for every row.
//!
//! Random numbers follow scikit-learn: one MT19937 stream seeded with `seed` gives, per stage,
//! the subsample mask (`_random_sample_mask`) and then the seed of the stage's splitter, so on
//! exactly representable data the stages are the ones scikit-learn fits.
//!
//! The feature matrix is copied and presorted once per fit; every stage reuses the sorted row
//! orders and the same work buffers. Staged predictions ([`GradientBoostingRegressor::staged_predict`],
//! [`GradientBoostingRegressor::predict_stages`]) are bit-identical to the predictions of a model
//! fitted with fewer stages, which lets a search over `n_estimators` score every setting from one
//! fit.

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use ndarray::{Array1, ArrayBase, ArrayView1, Data, Ix2};
use serde::{Deserialize, Serialize};

use super::builder::{check_targets, TrainingData, TreeBuilder, TreeConfig};
use super::packed::PackedTrees;
use super::params::{
    check_n_estimators, param_accessors, param_guard, validate_tree_params, MaxFeatures, Splitter,
    TreeError,
};
use super::row_scoring::{check_width, map_rows, row_predictions, staged_predictions};
use super::tree::{mean_importances, DecisionTreeRegressor};
use crate::modeling::hyperparams::settings;
use crate::modeling::sklearn_rng::NumpyRandomState;
use crate::numpy_sum::pairwise_sum;
use ndarray::ArrayView2;

/// Checked hyper-parameters of a [`GradientBoostingRegressor`].
///
/// See [`GradientBoostingRegressorParams`] for their meaning.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GradientBoostingRegressorValidParams {
    n_estimators: usize,
    learning_rate: f64,
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: MaxFeatures,
    subsample: f64,
    seed: u64,
}

impl GradientBoostingRegressorValidParams {}

/// Hyper-parameters of a gradient boosting regressor with squared loss.
///
/// # Parameters
/// | Name | Default | Purpose | Range |
/// | :--- | :--- | :--- | :--- |
/// | [n_estimators](Self::n_estimators) | `100` | Number of boosting stages | `[1, 100000]` |
/// | [learning_rate](Self::learning_rate) | `0.1` | Shrinkage applied to each tree | `[0, inf)`, finite |
/// | [max_depth](Self::max_depth) | `Some(3)` | Maximum depth of each tree | `None` or `[1, inf)` |
/// | [min_samples_split](Self::min_samples_split) | `2` | Minimum samples a node needs to be split | `[2, inf)` |
/// | [min_samples_leaf](Self::min_samples_leaf) | `1` | Minimum samples on each side of a split | `[1, inf)` |
/// | [max_features](Self::max_features) | `All` | Candidate features drawn per node | see [`MaxFeatures`] |
/// | [subsample](Self::subsample) | `1.0` | Fraction of rows drawn (without replacement) per stage | `(0, 1]` |
/// | [seed](Self::seed) | `0` | Seed of the subsampling and feature permutations | any `u64` |
///
/// # Errors
/// [`TreeError::InvalidParameter`] names the parameter and value out of range;
/// `max_features` larger than the number of columns is reported at fit time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GradientBoostingRegressorParams(GradientBoostingRegressorValidParams);

impl Default for GradientBoostingRegressorParams {
    fn default() -> Self {
        Self::new()
    }
}

impl GradientBoostingRegressorParams {
    /// Parameters with scikit-learn's defaults.
    pub fn new() -> Self {
        Self(GradientBoostingRegressorValidParams {
            n_estimators: 100,
            learning_rate: 0.1,
            max_depth: Some(3),
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
            subsample: 1.0,
            seed: 0,
        })
    }
}

param_accessors!(GradientBoostingRegressorParams => GradientBoostingRegressorValidParams {
    growth;
    n_estimators: usize, "Sets the number of boosting stages.", "Number of boosting stages.";
    learning_rate: f64, "Sets the shrinkage applied to each tree.", "Learning rate the stages are scaled by.";
    max_depth: Option<usize>, "Sets the maximum depth of each tree (`None` = unlimited).", "Maximum depth of each tree, `None` for unlimited.";
    subsample: f64, "Sets the fraction of rows each stage is fitted on.", "Fraction of rows each stage is fitted on.";
    seed: u64, "Sets the seed (scikit-learn's `random_state`).", "Seed of the subsampling and feature permutations.";
});

param_guard!(GradientBoostingRegressorParams => GradientBoostingRegressorValidParams, growth, |p| {
        check_n_estimators(p.n_estimators)?;
        if !(p.learning_rate.is_finite() && p.learning_rate >= 0.0) {
            return Err(TreeError::param(
                "learning_rate",
                "finite and >= 0",
                p.learning_rate,
            ));
        }
        if !(p.subsample > 0.0 && p.subsample <= 1.0) {
            return Err(TreeError::param("subsample", "in (0, 1]", p.subsample));
        }
});

/// A fitted gradient boosting regressor: `init + learning_rate * Σ tree_k(x)`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawBoosting", into = "RawBoosting")]
pub struct GradientBoostingRegressor {
    n_features: usize,
    init: f64,
    learning_rate: f64,
    trees: Vec<DecisionTreeRegressor>,
    train_score: Vec<f64>,
    /// The trees again, leaves pre-multiplied by the learning rate, laid out for scoring.
    packed: PackedTrees,
}

/// Serialized form of a [`GradientBoostingRegressor`], checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawBoosting {
    n_features: usize,
    init: f64,
    learning_rate: f64,
    trees: Vec<DecisionTreeRegressor>,
    train_score: Vec<f64>,
}

impl TryFrom<RawBoosting> for GradientBoostingRegressor {
    type Error = TreeError;

    fn try_from(raw: RawBoosting) -> Result<Self, TreeError> {
        if let Some(i) = raw
            .trees
            .iter()
            .position(|t| t.n_features() != raw.n_features)
        {
            return Err(TreeError::InvalidModel(format!(
                "stage {i} has {} features, the model {}",
                raw.trees[i].n_features(),
                raw.n_features
            )));
        }
        if raw.train_score.len() != raw.trees.len() {
            return Err(TreeError::InvalidModel(format!(
                "{} training scores for {} stages",
                raw.train_score.len(),
                raw.trees.len()
            )));
        }
        Ok(GradientBoostingRegressor::assemble(
            raw.n_features,
            raw.init,
            raw.learning_rate,
            raw.trees,
            raw.train_score,
        ))
    }
}

impl From<GradientBoostingRegressor> for RawBoosting {
    fn from(m: GradientBoostingRegressor) -> Self {
        RawBoosting {
            n_features: m.n_features,
            init: m.init,
            learning_rate: m.learning_rate,
            trees: m.trees,
            train_score: m.train_score,
        }
    }
}

impl GradientBoostingRegressor {
    /// The model from its parts (checked by the caller), with the trees packed for scoring.
    fn assemble(
        n_features: usize,
        init: f64,
        learning_rate: f64,
        trees: Vec<DecisionTreeRegressor>,
        train_score: Vec<f64>,
    ) -> Self {
        let packed = PackedTrees::new(&trees, learning_rate);
        GradientBoostingRegressor {
            n_features,
            init,
            learning_rate,
            trees,
            train_score,
            packed,
        }
    }

    /// Default hyper-parameters, to be customized and fitted.
    pub fn params() -> GradientBoostingRegressorParams {
        GradientBoostingRegressorParams::new()
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of fitted stages.
    pub fn n_estimators(&self) -> usize {
        self.trees.len()
    }

    /// Initial prediction (mean of the training targets).
    pub fn init(&self) -> f64 {
        self.init
    }

    /// The shrinkage each stage's tree is multiplied by.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// The stages' trees (unscaled).
    pub fn trees(&self) -> &[DecisionTreeRegressor] {
        &self.trees
    }

    /// Training mean squared error after each stage (on the stage's subsample when
    /// `subsample < 1`).
    pub fn train_score(&self) -> &[f64] {
        &self.train_score
    }

    /// The model reduced to its first `k` stages (same as fitting with `n_estimators = k`).
    pub fn truncated(&self, k: usize) -> Result<Self, TreeError> {
        self.check_stage(k)?;
        Ok(GradientBoostingRegressor::assemble(
            self.n_features,
            self.init,
            self.learning_rate,
            self.trees[..k].to_vec(),
            self.train_score[..k].to_vec(),
        ))
    }

    /// Impurity-based importances averaged over the stages with a split, normalized to sum 1
    /// (scikit-learn's `feature_importances_`); all zeros if no stage has a split.
    pub fn feature_importances(&self) -> Array1<f64> {
        mean_importances(
            self.n_features,
            self.trees
                .iter()
                .filter(|t| t.node_count() > 1)
                .map(|t| ArrayView1::from(t.raw_importances())),
        )
    }

    fn check_stage(&self, k: usize) -> Result<(), TreeError> {
        if k > self.trees.len() {
            return Err(TreeError::param(
                "stage",
                format!("<= n_estimators ({})", self.trees.len()),
                k,
            ));
        }
        Ok(())
    }

    /// Prediction of every stage for a row of exactly `n_features` values:
    /// `init + Σ learning_rate * tree(row)`, summed in stage order.
    #[inline]
    fn predict_unchecked(&self, row: &[f64]) -> f64 {
        self.packed.sum(self.init, row)
    }

    /// Predictions after each stage `1..=n_estimators` (scikit-learn's `staged_predict`); the
    /// `k`-th item is bit-identical to the prediction of the model truncated to `k` stages.
    pub fn staged_predict<D: Data<Elem = f64>>(
        &self,
        x: &ArrayBase<D, Ix2>,
    ) -> Result<impl Iterator<Item = Array1<f64>> + '_, TreeError> {
        check_width(self.n_features, x.ncols())?;
        let rows: Vec<f64> = x.rows().into_iter().flatten().copied().collect();
        let nf = self.n_features;
        let mut current = Array1::from_elem(x.nrows(), self.init);
        Ok(self.trees.iter().map(move |tree| {
            for (f, row) in current.iter_mut().zip(rows.chunks_exact(nf.max(1))) {
                *f += self.learning_rate * tree.predict_unchecked(row);
            }
            current.clone()
        }))
    }

    /// Predictions of the model truncated to each number of stages in `stages` (0 = the initial
    /// mean only), in the order given, from a single pass over the stages.
    pub fn predict_stages<D: Data<Elem = f64>>(
        &self,
        x: &ArrayBase<D, Ix2>,
        stages: &[usize],
    ) -> Result<Vec<Array1<f64>>, TreeError> {
        check_width(self.n_features, x.ncols())?;
        for &k in stages {
            self.check_stage(k)?;
        }
        let rows: Vec<f64> = x.rows().into_iter().flatten().copied().collect();
        let nf = self.n_features.max(1);
        staged_predictions(
            x.nrows(),
            self.init,
            self.trees.len(),
            stages,
            |k, current| {
                let tree = &self.trees[k];
                for (f, row) in current.iter_mut().zip(rows.chunks_exact(nf)) {
                    *f += self.learning_rate * tree.predict_unchecked(row);
                }
            },
        )
    }
}

impl<D: Data<Elem = f64>, T: AsSingleTargets<Elem = f64>> Fit<ArrayBase<D, Ix2>, T, TreeError>
    for GradientBoostingRegressorValidParams
{
    type Object = GradientBoostingRegressor;

    /// Fits the stages one after the other on the dataset's records and single target.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Self::Object, TreeError> {
        let data = TrainingData::new(dataset.records())?;
        let y = check_targets(dataset.as_single_targets(), data.n_rows())?;
        let nf = data.n_features();
        let cfg = TreeConfig::new(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            &self.max_features,
            Splitter::Best,
            nf,
        )?;
        let n = data.n_rows();
        let init = pairwise_sum(&y) / n as f64;
        let mut raw = vec![init; n];
        let mut residual = vec![0.0; n];
        let do_subsample = self.subsample < 1.0;
        let n_inbag = ((self.subsample * n as f64) as usize).max(1);
        let mut mask = vec![1.0; n];
        let mut uniforms = vec![0.0; n];
        let mut row = Vec::with_capacity(nf);
        let mut rng = NumpyRandomState::from_u64(self.seed);
        let mut builder = TreeBuilder::new();
        let mut trees = Vec::with_capacity(self.n_estimators);
        let mut train_score = Vec::with_capacity(self.n_estimators);

        for _ in 0..self.n_estimators {
            if do_subsample {
                // scikit-learn's _random_sample_mask: n uniforms first, then selection sampling.
                for u in uniforms.iter_mut() {
                    *u = rng.uniform();
                }
                let mut n_bagged = 0usize;
                for (i, (m, &u)) in mask.iter_mut().zip(&uniforms).enumerate() {
                    let take = u * ((n - i) as f64) < (n_inbag - n_bagged) as f64;
                    *m = if take { 1.0 } else { 0.0 };
                    n_bagged += usize::from(take);
                }
            }
            for ((r, &yi), &fi) in residual.iter_mut().zip(&y).zip(&raw) {
                // Negative gradient of the half squared error, as -(raw - y).
                *r = -(fi - yi);
            }
            let split_seed = rng.splitter_seed();
            let weights = do_subsample.then_some(mask.as_slice());
            let tree = builder.build(&data, &residual, weights, &cfg, split_seed);
            let mut sq = 0.0;
            let mut count = 0.0;
            for (i, f) in raw.iter_mut().enumerate() {
                data.row_into(i, &mut row);
                *f += self.learning_rate * tree.predict_unchecked(&row);
                if mask[i] != 0.0 {
                    sq += (y[i] - *f) * (y[i] - *f);
                    count += 1.0;
                }
            }
            train_score.push(sq / count);
            trees.push(tree);
        }
        Ok(GradientBoostingRegressor::assemble(
            nf,
            init,
            self.learning_rate,
            trees,
            train_score,
        ))
    }
}

row_predictions!(GradientBoostingRegressor);

settings! {
    /// Gradient boosting's settings in the registry (`GradientBoostingRegressor`).
    GbmSettings {
        /// Boosting stages.
        n_estimators: usize = 100;
        /// Shrinkage per stage.
        learning_rate: f64 = 0.1;
        /// Depth of each tree.
        max_depth: usize = 3;
        /// Share of rows drawn per stage.
        subsample: f64 = 1.0;
        /// Seed.
        seed: u64 = 0;
    }
}

impl GbmSettings {
    /// The model's own parameters (the regressor's and the classifier's), not yet checked.
    pub fn params(&self) -> GradientBoostingRegressorParams {
        GradientBoostingRegressor::params()
            .n_estimators(self.n_estimators)
            .learning_rate(self.learning_rate)
            .max_depth(Some(self.max_depth))
            .subsample(self.subsample)
            .seed(self.seed)
    }

    /// Fits the ensemble on rows `x` and targets `y`.
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
    ) -> Result<GradientBoostingRegressor, TreeError> {
        self.params()
            .fit(&DatasetBase::new(x.to_owned(), y.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{fit, synthetic};
    use super::*;
    use linfa::traits::Predict;
    use linfa::Dataset;
    use linfa::ParamGuard;
    use ndarray::{array, Array2};

    fn bits(a: &Array1<f64>) -> Vec<u64> {
        a.iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn training_error_decreases_with_stages() {
        let (x, y) = synthetic(200, 4, 21);
        let model = fit(GradientBoostingRegressor::params().n_estimators(60), &x, &y);
        let scores = model.train_score();
        assert_eq!(scores.len(), 60);
        for w in scores.windows(2) {
            assert!(w[1] <= w[0], "{} > {}", w[1], w[0]);
        }
        // The reported score is the training MSE of the staged predictions.
        let staged: Vec<Array1<f64>> = model.staged_predict(&x).expect("width").collect();
        for (k, pred) in staged.iter().enumerate() {
            let mse = (pred - &y).mapv(|v| v * v).mean().unwrap_or(f64::NAN);
            assert!((mse - scores[k]).abs() <= 1e-12 * (1.0 + mse), "stage {k}");
        }
        let var = y
            .mapv(|v| (v - y.mean().unwrap_or(0.0)).powi(2))
            .mean()
            .unwrap_or(0.0);
        assert!(scores[59] < 0.5 * var, "{} vs variance {var}", scores[59]);
    }

    #[test]
    fn staged_predictions_equal_shorter_fits_bitwise() {
        let (x, y) = synthetic(150, 3, 22);
        let (xt, _) = synthetic(40, 3, 23);
        for params in [
            GradientBoostingRegressor::params().n_estimators(30).seed(4),
            GradientBoostingRegressor::params()
                .n_estimators(30)
                .subsample(0.6)
                .max_features(MaxFeatures::Count(2))
                .seed(9),
        ] {
            let full = fit(params.clone(), &x, &y);
            let staged: Vec<Array1<f64>> = full.staged_predict(&xt).expect("width").collect();
            assert_eq!(staged.len(), 30);
            let ks = [17, 0, 1, 30, 5, 17];
            let picked = full.predict_stages(&xt, &ks).expect("stages");
            for (&k, p) in ks.iter().zip(&picked) {
                let short = fit(params.clone().n_estimators(k.max(1)), &x, &y);
                if k == 0 {
                    assert!(p.iter().all(|&v| v == full.init()));
                    continue;
                }
                assert_eq!(short, full.truncated(k).expect("k"));
                let expect = short.predict(&xt);
                assert_eq!(bits(p), bits(&expect), "k = {k}");
                assert_eq!(bits(&staged[k - 1]), bits(&expect), "k = {k}");
            }
            assert_eq!(bits(&staged[29]), bits(&full.predict(&xt)));
            assert!(full.predict_stages(&xt, &[31]).is_err());
        }
    }

    #[test]
    fn matches_scikit_learn_on_reference_data() {
        let (x, y, xt) = super::super::fixtures::sklearn_reference_data();
        // GradientBoostingRegressor(n_estimators=10, subsample=0.7, random_state=2)
        let model = fit(
            GradientBoostingRegressor::params()
                .n_estimators(10)
                .subsample(0.7)
                .seed(2),
            &x,
            &y,
        );
        let expected = ndarray::arr1(&[
            14.983497349486612,
            18.880043818013732,
            10.03454854591877,
            15.4017796345855,
            10.03454854591877,
            9.351169575756499,
            11.775372974516182,
            10.236948848864428,
        ]);
        let pred = model.predict(&xt);
        for (p, e) in pred.iter().zip(expected.iter()) {
            assert!((p - e).abs() < 1e-12, "{p} vs {e}");
        }
    }

    #[test]
    fn stump_boosting_by_hand() {
        // One stage of depth 1 with learning rate 1 is the mean plus a stump on the residuals.
        let x = array![[0.0], [1.0], [2.0], [3.0]];
        let y = array![1.0, 1.0, 5.0, 5.0];
        let model = fit(
            GradientBoostingRegressor::params()
                .n_estimators(1)
                .learning_rate(1.0)
                .max_depth(Some(1)),
            &x,
            &y,
        );
        assert_eq!(model.init(), 3.0);
        assert_eq!(model.predict(&x), y);
        assert_eq!(model.trees()[0].nodes()[0].threshold(), 1.5);
        assert_eq!(model.feature_importances(), array![1.0]);
    }

    #[test]
    fn deterministic_and_seed_sensitive_with_subsampling() {
        let (x, y) = synthetic(120, 4, 24);
        let p = GradientBoostingRegressor::params()
            .n_estimators(20)
            .subsample(0.5);
        let a = fit(p.clone().seed(1), &x, &y);
        let b = fit(p.clone().seed(1), &x, &y);
        let c = fit(p.seed(2), &x, &y);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn invalid_params_and_data() {
        let p = GradientBoostingRegressor::params;
        let msg = |r: Result<GradientBoostingRegressorValidParams, TreeError>| {
            r.map(|_| String::new()).unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(
            msg(p().n_estimators(0).check()),
            "n_estimators must be in [1, 100000], got 0"
        );
        assert_eq!(
            msg(p().n_estimators(1_000_000_000).check()),
            "n_estimators must be in [1, 100000], got 1000000000"
        );
        assert_eq!(
            msg(p().learning_rate(-0.1).check()),
            "learning_rate must be finite and >= 0, got -0.1"
        );
        assert_eq!(
            msg(p().learning_rate(f64::NAN).check()),
            "learning_rate must be finite and >= 0, got NaN"
        );
        assert_eq!(
            msg(p().subsample(0.0).check()),
            "subsample must be in (0, 1], got 0.0"
        );
        assert_eq!(
            msg(p().subsample(1.5).check()),
            "subsample must be in (0, 1], got 1.5"
        );
        assert_eq!(
            msg(p().max_depth(Some(0)).check()),
            "max_depth must be >= 1 (or None), got 0"
        );
        let err = p()
            .fit(&Dataset::new(array![[1.0, f64::NAN]], array![1.0]))
            .unwrap_err();
        assert!(matches!(
            err,
            TreeError::NonFiniteFeature {
                row: 0,
                column: 1,
                ..
            }
        ));
        let err = p()
            .fit(&Dataset::new(
                Array2::<f64>::zeros((0, 3)),
                Array1::zeros(0),
            ))
            .unwrap_err();
        assert_eq!(err, TreeError::EmptyData);
    }

    #[test]
    fn nan_and_wrong_width_at_predict_do_not_panic() {
        let (x, y) = synthetic(80, 3, 25);
        let model = fit(GradientBoostingRegressor::params().n_estimators(10), &x, &y);
        assert!(model.predict_row(&[f64::NAN, 1.0, f64::NAN]).is_finite());
        assert!(model.predict_row(&[1.0]).is_nan());
        let wide = Array2::<f64>::zeros((2, 4));
        assert!(model.staged_predict(&wide).is_err());
        assert!(model.predict_stages(&wide, &[1]).is_err());
        let pred: Array1<f64> = model.predict(&wide);
        assert!(pred.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn single_row_and_constant_target() {
        let model = fit(
            GradientBoostingRegressor::params(),
            &array![[1.0, 2.0]],
            &array![4.0],
        );
        assert_eq!(model.predict_row(&[0.0, 0.0]), 4.0);
        assert_eq!(model.feature_importances(), array![0.0, 0.0]);
    }

    #[test]
    fn serde_round_trip_is_bit_identical() {
        let (x, y) = synthetic(100, 3, 26);
        let model = fit(
            GradientBoostingRegressor::params()
                .n_estimators(25)
                .subsample(0.8),
            &x,
            &y,
        );
        let json = serde_json::to_string(&model).expect("serialize");
        let back: GradientBoostingRegressor = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, model);
        let (xt, _) = synthetic(30, 3, 27);
        assert_eq!(bits(&model.predict(&xt)), bits(&back.predict(&xt)));
        let params = GradientBoostingRegressor::params().learning_rate(0.05);
        let json = serde_json::to_string(&params).expect("serialize");
        assert_eq!(
            serde_json::from_str::<GradientBoostingRegressorParams>(&json).expect("deserialize"),
            params
        );
    }
}
