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

use linfa::dataset::{AsSingleTargets, DatasetBase};
use linfa::traits::Fit;
use ndarray::{Array1, ArrayBase, ArrayView1, Data, Ix2};
use serde::{Deserialize, Serialize};

use super::builder::{check_targets, TrainingData, TreeBuilder, TreeConfig};
pub use super::fitted_tree::{DecisionTreeRegressor, TreeNode};
use super::params::{
    param_accessors, param_guard, validate_tree_params, MaxFeatures, Splitter, TreeError,
};
use super::row_scoring::{check_width, map_rows, row_predictions};
use crate::modeling::hyperparams::settings;
use crate::modeling::sklearn_rng::NumpyRandomState;
use ndarray::ArrayView2;

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
/// Can be checked into a [`DecisionTreeRegressorValidParams`] with [`linfa::ParamGuard::check`], or
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
/// ```
/// use linfa::prelude::*;
/// use ml_workflow::modeling::trees::DecisionTreeRegressor;
/// use ndarray::array;
///
/// let ds = Dataset::new(array![[1.0], [2.0], [3.0]], array![1.0, 2.0, 3.0]);
/// let tree = DecisionTreeRegressor::params().max_depth(Some(2)).fit(&ds)?;
/// assert_eq!(tree.predict(ds.records()), array![1.0, 2.0, 3.0]);
/// # Ok::<(), ml_workflow::modeling::trees::TreeError>(())
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
    growth;
    max_depth: Option<usize>, "Sets the maximum depth (`None` = unlimited).", "Maximum depth, `None` for unlimited.";
    splitter: Splitter, "Sets the split strategy.", "Split strategy.";
    seed: u64, "Sets the random seed (scikit-learn's `random_state`).", "Seed of the random feature permutation and random thresholds.";
});

param_guard!(DecisionTreeRegressorParams => DecisionTreeRegressorValidParams, growth, |p| {});

impl DecisionTreeRegressor {
    /// Default hyper-parameters, to be customized and fitted.
    pub fn params() -> DecisionTreeRegressorParams {
        DecisionTreeRegressorParams::new()
    }
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
        let seed = NumpyRandomState::from_u64(self.seed).splitter_seed();
        Ok(TreeBuilder::new().build(&data, &y, None, &cfg, seed))
    }
}

row_predictions!(DecisionTreeRegressor);

/// An ensemble's `feature_importances_` as scikit-learn computes it: the mean of the
/// importances of its trees that split at all (the caller passes only those), normalised to
/// sum to 1; all zeros when there are none.
pub(crate) fn mean_importances<'a>(
    n_features: usize,
    split_trees: impl Iterator<Item = ArrayView1<'a, f64>>,
) -> Array1<f64> {
    let mut acc = Array1::<f64>::zeros(n_features);
    let mut count = 0usize;
    for importances in split_trees {
        acc += &importances;
        count += 1;
    }
    if count == 0 {
        return acc;
    }
    acc /= count as f64;
    let total = acc.sum();
    if total > 0.0 {
        acc /= total;
    }
    acc
}
settings! {
    /// The tree's settings in the registry (`DecisionTreeRegressor`).
    TreeSettings {
        /// Depth limit (none: grow until pure).
        max_depth: Option<usize> = None;
        /// Fewest rows a node needs to be split.
        min_samples_split: usize = 2;
        /// Fewest rows in a leaf.
        min_samples_leaf: usize = 1;
        /// Candidate features per split: a share in (0, 1] or a count above 1 (none: all).
        max_features: Option<f64> = None;
        /// Seed of the feature order.
        seed: u64 = 0;
    }
}

impl TreeSettings {
    /// Grows the tree on rows `x` and targets `y`.
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
    ) -> Result<DecisionTreeRegressor, TreeError> {
        DecisionTreeRegressor::params()
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
    use super::super::fixtures::{fit, sklearn_reference_data, synthetic};
    use super::*;
    use linfa::traits::Predict;
    use linfa::Dataset;
    use linfa::ParamGuard;
    use ndarray::{array, Array2};

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
        // Written compact (a string, a third of the node list's size); a node list, as
        // artifacts of format 2 hold it, reads back to the same tree.
        assert!(
            json.contains("\"compact\"") && !json.contains("\"nodes\""),
            "{json}"
        );
        let listed = serde_json::json!({
            "n_features": tree.n_features(),
            "nodes": tree.nodes(),
            "importances": tree.importances,
        });
        let from_list: DecisionTreeRegressor =
            serde_json::from_value(listed.clone()).expect("list");
        assert_eq!(from_list, tree);
        assert!(
            json.len() * 3 < listed.to_string().len(),
            "{} vs {}",
            json.len(),
            listed.to_string().len()
        );
        let params = DecisionTreeRegressor::params().max_features(MaxFeatures::Fraction(0.5));
        let json = serde_json::to_string(&params).expect("serialize");
        assert_eq!(
            serde_json::from_str::<DecisionTreeRegressorParams>(&json).expect("de"),
            params
        );
    }

    /// The tree with its nodes as a list (format 2's form), for tests that change one node.
    fn listed(tree: &DecisionTreeRegressor) -> serde_json::Value {
        serde_json::json!({
            "n_features": tree.n_features(),
            "nodes": tree.nodes(),
            "importances": tree.importances,
        })
    }

    #[test]
    fn corrupt_model_is_rejected_on_load() {
        let x = array![[0.0], [1.0], [2.0]];
        let tree = fit(DecisionTreeRegressor::params(), &x, &array![0.0, 1.0, 2.0]);
        let mut v = listed(&tree);
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
        let v = listed(&tree);
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
}
