//! A random forest of classification trees (scikit-learn's `RandomForestClassifier`), grown by
//! the same engine as the regression forest with Gini impurity or entropy as the criterion.
//!
//! Why this engine and not linfa-ensemble's `RandomForest` over linfa-trees: measured in
//! `examples/forest_engines.rs` (numbers in docs/benchmarks.md), linfa-ensemble 0.8 votes (no
//! class probabilities, so no log loss, ROC curve or `predict_proba` to serve), draws one
//! feature subset per tree where scikit-learn draws one per split, grows its trees one after
//! another, and panics when a tree cannot be fitted. This engine already draws scikit-learn's
//! bootstrap samples and split candidates from the same seeds for the regression forest; with
//! a class criterion its probabilities equal `RandomForestClassifier(random_state=seed)`'s.
//!
//! Each tree is a [`DecisionTreeRegressor`]'s node array (whose node values are the nodes'
//! weighted row counts) and a table of its leaves' class shares, normalised as scikit-learn's
//! `predict_proba` normalises `tree_.value`; the forest's probabilities are the mean of its
//! trees', added in tree order as scikit-learn adds them. With `balanced`, each tree's bootstrap
//! rows are drawn in proportion to their class weights, as scikit-learn ≥ 1.7 draws them.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::builder::{TrainingData, TreeBuilder, TreeConfig};
use super::compact::{decode_f64s, encode_f64s};
use super::criterion::{ClassImpurity, Impurity};
use super::fitted_tree::DecisionTreeRegressor;
use super::forest::{bootstrap_counts, splitter_seed, tree_seeds, weighted_bootstrap_counts};
use super::params::{check_n_estimators, MaxFeatures, Splitter, TreeError};
use super::tree::mean_importances;
use crate::modeling::classify::class_tree::class_weights;
use crate::modeling::hyperparams::{settings, FeatureShare};

/// Rows × trees above which `predict_proba` spreads the rows over rayon's threads.
const PARALLEL_PREDICT_WORK: usize = 200_000;

settings! {
    /// A classification forest's settings in the registry (`RandomForestClassifier`).
    ForestClassSettings {
        /// Trees.
        n_estimators: usize = 100;
        /// Depth limit per tree (none: grow until pure).
        max_depth: Option<usize> = None;
        /// Fewest rows a node needs to be split.
        min_samples_split: usize = 2;
        /// Fewest rows in a leaf (larger: smaller trees, a smaller artifact).
        min_samples_leaf: usize = 1;
        /// Candidate features per split: sqrt, log2, a share in (0, 1], a count above 1, or none for all.
        max_features: FeatureShare = FeatureShare::Sqrt;
        /// Split on entropy instead of Gini impurity (scikit-learn's `criterion="entropy"`).
        entropy: bool = false;
        /// Weigh each class by rows / (classes × its rows): `class_weight="balanced"`.
        balanced ["class_weight_balanced"]: bool = false;
        /// Seed.
        seed: u64 = 0;
    }
}

impl ForestClassSettings {
    /// Grows the forest on rows `x` and class codes `y` (`0..n_classes`).
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        n_classes: usize,
    ) -> Result<ForestClassifier, TreeError> {
        check_n_estimators(self.n_estimators)?;
        let data = TrainingData::new(&x)?;
        if y.len() != data.n_rows() {
            return Err(TreeError::MismatchedRows {
                records: data.n_rows(),
                targets: y.len(),
            });
        }
        let max_features = match self.max_features {
            FeatureShare::All => MaxFeatures::All,
            FeatureShare::Sqrt => MaxFeatures::Sqrt,
            FeatureShare::Log2 => MaxFeatures::Log2,
            FeatureShare::Number(v) => MaxFeatures::from_setting(Some(v)),
        };
        let cfg = TreeConfig::new(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            &max_features,
            Splitter::Best,
            data.n_features(),
        )?;
        let labels = y.to_vec();
        let codes: Vec<u32> = labels.iter().map(|&c| c as u32).collect();
        let row_weight: Option<Vec<f64>> = self.balanced.then(|| {
            let class_weight = class_weights(&labels, n_classes, true);
            labels.iter().map(|&c| class_weight[c]).collect()
        });
        let crit = ClassImpurity {
            y: &codes,
            n_classes,
            kind: if self.entropy {
                Impurity::Entropy
            } else {
                Impurity::Gini
            },
        };
        let n = data.n_rows();
        let trees: Vec<ClassForestTree> = tree_seeds(self.seed, self.n_estimators)
            .par_iter()
            .map_init(TreeBuilder::new, |builder, &seed| {
                // scikit-learn draws the bootstrap rows in proportion to their class weights.
                let w = match &row_weight {
                    Some(rw) => weighted_bootstrap_counts(seed, rw),
                    None => bootstrap_counts(seed, n),
                };
                let mut values = Vec::new();
                let tree = builder.build_with(
                    &data,
                    &crit,
                    Some(&w),
                    &cfg,
                    splitter_seed(seed),
                    &mut values,
                );
                ClassForestTree::from_node_values(tree, &values, n_classes)
            })
            .collect();
        Ok(ForestClassifier {
            n_features: data.n_features(),
            n_classes,
            trees,
        })
    }
}

/// One classification tree of the forest: its nodes, and each leaf's class probabilities.
#[derive(Debug, Clone, PartialEq)]
struct ClassForestTree {
    tree: DecisionTreeRegressor,
    /// Leaves in node order, `n_classes` probabilities each.
    leaf_proba: Vec<f64>,
    /// Each node's row in `leaf_proba` (derived, not stored).
    leaf_row: Vec<u32>,
}

impl ClassForestTree {
    /// The tree and its leaves' probabilities from the builder's per-node class shares, each
    /// divided by their sum (scikit-learn's `predict_proba` normaliser, 1 for an empty leaf).
    fn from_node_values(tree: DecisionTreeRegressor, values: &[f64], n_classes: usize) -> Self {
        let mut leaf_proba = Vec::new();
        for (node, shares) in tree.nodes.iter().zip(values.chunks_exact(n_classes)) {
            if node.is_leaf() {
                let total: f64 = shares.iter().sum();
                let norm = if total == 0.0 { 1.0 } else { total };
                leaf_proba.extend(shares.iter().map(|s| s / norm));
            }
        }
        let leaf_row = leaf_rows(&tree);
        ClassForestTree {
            tree,
            leaf_proba,
            leaf_row,
        }
    }

    /// The leaf probabilities of the row whose feature `f` is `row[f]`.
    #[inline]
    fn proba<'a>(&'a self, row: &[f64], n_classes: usize) -> &'a [f64] {
        let leaf = self.leaf_row[self.tree.leaf_index(|f| row[f])] as usize;
        &self.leaf_proba[leaf * n_classes..(leaf + 1) * n_classes]
    }
}

/// Each node's leaf number in node order (0 for a split, never read).
fn leaf_rows(tree: &DecisionTreeRegressor) -> Vec<u32> {
    let mut next = 0u32;
    tree.nodes
        .iter()
        .map(|n| {
            if n.is_leaf() {
                next += 1;
                next - 1
            } else {
                0
            }
        })
        .collect()
}

/// A fitted random forest classifier: the mean of its trees' class probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawForestClassifier", into = "RawForestClassifier")]
pub struct ForestClassifier {
    n_features: usize,
    n_classes: usize,
    trees: Vec<ClassForestTree>,
}

/// The artifact's form: each tree's nodes (compact) and its leaves' probabilities (base64).
#[derive(Serialize, Deserialize)]
struct RawForestClassifier {
    n_features: usize,
    n_classes: usize,
    trees: Vec<RawClassTree>,
}

#[derive(Serialize, Deserialize)]
struct RawClassTree {
    tree: DecisionTreeRegressor,
    leaf_proba: String,
}

impl From<ForestClassifier> for RawForestClassifier {
    fn from(f: ForestClassifier) -> Self {
        RawForestClassifier {
            n_features: f.n_features,
            n_classes: f.n_classes,
            trees: f
                .trees
                .into_iter()
                .map(|t| RawClassTree {
                    leaf_proba: encode_f64s(&t.leaf_proba),
                    tree: t.tree,
                })
                .collect(),
        }
    }
}

impl TryFrom<RawForestClassifier> for ForestClassifier {
    type Error = TreeError;

    fn try_from(raw: RawForestClassifier) -> Result<Self, TreeError> {
        let bad = |m: String| Err(TreeError::InvalidModel(m));
        if raw.trees.is_empty() {
            return bad("forest has no trees".into());
        }
        if raw.n_classes < 2 {
            return bad(format!("a classifier of {} classes", raw.n_classes));
        }
        let mut trees = Vec::with_capacity(raw.trees.len());
        for (i, t) in raw.trees.into_iter().enumerate() {
            if t.tree.n_features() != raw.n_features {
                return bad(format!(
                    "tree {i} has {} features, the forest {}",
                    t.tree.n_features(),
                    raw.n_features
                ));
            }
            let leaf_proba = decode_f64s(&t.leaf_proba)?;
            let leaves = t.tree.n_leaves();
            if leaf_proba.len() != leaves * raw.n_classes {
                return bad(format!(
                    "tree {i} has {leaves} leaves but {} probabilities for {} classes",
                    leaf_proba.len(),
                    raw.n_classes
                ));
            }
            if let Some(p) = leaf_proba.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                return bad(format!("tree {i} has a leaf probability of {p}"));
            }
            let leaf_row = leaf_rows(&t.tree);
            trees.push(ClassForestTree {
                tree: t.tree,
                leaf_proba,
                leaf_row,
            });
        }
        Ok(ForestClassifier {
            n_features: raw.n_features,
            n_classes: raw.n_classes,
            trees,
        })
    }
}

impl ForestClassifier {
    /// Number of features the forest was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of trees.
    pub fn n_estimators(&self) -> usize {
        self.trees.len()
    }

    /// The trees' nodes (each node's value is its weighted row count).
    pub fn trees(&self) -> impl Iterator<Item = &DecisionTreeRegressor> {
        self.trees.iter().map(|t| &t.tree)
    }

    /// Mean of the trees' normalized importances over trees with a split, renormalized
    /// (scikit-learn's `feature_importances_`).
    pub fn feature_importances(&self) -> Array1<f64> {
        let per_tree: Vec<Array1<f64>> = self
            .trees()
            .filter(|t| t.node_count() > 1)
            .map(DecisionTreeRegressor::feature_importances)
            .collect();
        mean_importances(self.n_features, per_tree.iter().map(Array1::view))
    }

    /// One row's probabilities (`row.len() == n_features`, checked by the caller).
    fn proba_row(&self, row: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for tree in &self.trees {
            for (o, p) in out.iter_mut().zip(tree.proba(row, self.n_classes)) {
                *o += p;
            }
        }
        let n = self.trees.len() as f64;
        out.iter_mut().for_each(|o| *o /= n);
    }

    /// Each row's class probabilities, `[rows, n_classes]`; an error for the wrong width.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, TreeError> {
        if x.ncols() != self.n_features {
            return Err(TreeError::InvalidModel(format!(
                "the forest takes {} features, got {}",
                self.n_features,
                x.ncols()
            )));
        }
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        let one = |(row, mut o): (ArrayView1<f64>, ndarray::ArrayViewMut1<f64>)| {
            // A standard-layout matrix's rows are slices: no copy per row (the server's path).
            let owned;
            let row = match row.as_slice() {
                Some(r) => r,
                None => {
                    owned = row.to_vec();
                    &owned
                }
            };
            if let Some(o) = o.as_slice_mut() {
                self.proba_row(row, o);
            }
        };
        let rows = x.axis_iter(Axis(0)).zip(out.axis_iter_mut(Axis(0)));
        if x.nrows().saturating_mul(self.trees.len()) < PARALLEL_PREDICT_WORK {
            rows.for_each(one);
        } else {
            x.axis_iter(Axis(0))
                .into_par_iter()
                .zip(out.axis_iter_mut(Axis(0)).into_par_iter())
                .for_each(one);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array1};

    /// Two noisy classes on three features (the class follows the first two).
    fn table(n: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut x = Array2::zeros((n, 3));
        let mut y = Array1::zeros(n);
        for i in 0..n {
            for j in 0..3 {
                x[[i, j]] = next() * 4.0 - 2.0;
            }
            let score = x[[i, 0]] + 0.5 * x[[i, 1]] + (next() - 0.5);
            y[i] = usize::from(score > 0.3) + usize::from(score > 1.2);
        }
        (x, y)
    }

    #[test]
    fn probabilities_are_the_mean_of_the_trees_and_sum_to_one() {
        let (x, y) = table(300, 1);
        let settings = ForestClassSettings {
            n_estimators: 7,
            ..Default::default()
        };
        let forest = settings.fit(x.view(), y.view(), 3).unwrap();
        let proba = forest.predict_proba(x.view()).unwrap();
        for (i, p) in proba.rows().into_iter().enumerate() {
            assert!((p.sum() - 1.0).abs() < 1e-12);
            let row = x.row(i).to_vec();
            let mean: Vec<f64> = (0..3)
                .map(|c| {
                    forest
                        .trees
                        .iter()
                        .map(|t| t.proba(&row, 3)[c])
                        .sum::<f64>()
                        / 7.0
                })
                .collect();
            assert_eq!(p.to_vec(), mean);
        }
        // Fully grown trees on their own bootstrap rows: the forest fits its training rows.
        let right = crate::modeling::classify::argmax_rows(proba.view())
            .iter()
            .zip(&y)
            .filter(|(p, t)| p == t)
            .count();
        assert!(right as f64 > 0.95 * 300.0, "{right}");
        let imp = forest.feature_importances();
        assert!((imp.sum() - 1.0).abs() < 1e-12);
        assert!(imp[2] < imp[0], "{imp}");
    }

    #[test]
    fn same_seed_same_forest_and_thread_count_does_not_matter() {
        let (x, y) = table(200, 2);
        let s = ForestClassSettings {
            n_estimators: 8,
            seed: 4,
            ..Default::default()
        };
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| s.fit(x.view(), y.view(), 3).unwrap());
        let two = pool(2).install(|| s.fit(x.view(), y.view(), 3).unwrap());
        assert_eq!(one, two);
        let other = ForestClassSettings { seed: 5, ..s };
        assert_ne!(one, other.fit(x.view(), y.view(), 3).unwrap());
    }

    #[test]
    fn balanced_and_entropy_change_the_forest_the_way_they_should() {
        // A rare class (about one row in ten): balanced weights raise its probability.
        let (x, mut y) = table(400, 3);
        y.mapv_inplace(|c| usize::from(c == 2));
        let rare = |balanced| {
            let s = ForestClassSettings {
                n_estimators: 10,
                max_depth: Some(3),
                balanced,
                ..Default::default()
            };
            let p = s
                .fit(x.view(), y.view(), 2)
                .unwrap()
                .predict_proba(x.view())
                .unwrap();
            p.column(1).mean().unwrap()
        };
        let (plain, balanced) = (rare(false), rare(true));
        assert!(balanced > plain + 0.1, "{plain} → {balanced}");
        let entropy = ForestClassSettings {
            n_estimators: 5,
            entropy: true,
            ..Default::default()
        };
        let gini = ForestClassSettings {
            entropy: false,
            ..entropy.clone()
        };
        assert_ne!(
            entropy.fit(x.view(), y.view(), 2).unwrap(),
            gini.fit(x.view(), y.view(), 2).unwrap()
        );
    }

    #[test]
    fn round_trips_exactly_and_refuses_a_tampered_artifact() {
        let (x, y) = table(150, 4);
        let forest = ForestClassSettings {
            n_estimators: 4,
            ..Default::default()
        }
        .fit(x.view(), y.view(), 3)
        .unwrap();
        let json = serde_json::to_string(&forest).unwrap();
        let back: ForestClassifier = serde_json::from_str(&json).unwrap();
        assert_eq!(back, forest);
        let mut raw: serde_json::Value = serde_json::from_str(&json).unwrap();
        raw["n_classes"] = 4.into();
        let err = serde_json::from_value::<ForestClassifier>(raw).unwrap_err();
        assert!(
            err.to_string().contains("probabilities for 4 classes"),
            "{err}"
        );
        let wrong = forest.predict_proba(array![[1.0, 2.0]].view()).unwrap_err();
        assert!(wrong.to_string().contains("takes 3 features"), "{wrong}");
    }
}
