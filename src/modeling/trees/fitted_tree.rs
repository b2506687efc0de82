//! A fitted CART regression tree: a flat array of nodes in depth-first order, root first,
//! checked when it is read back from an artifact, and walked row by row. Grown by
//! `builder.rs`; its hyperparameters and `Fit` are in `tree.rs`.

use ndarray::Array1;
use serde::{Deserialize, Serialize};

use super::params::TreeError;

/// Marker for "no child" in [`TreeNode`].
pub(crate) const LEAF: u32 = u32::MAX;

/// One node of a fitted tree; a leaf has no children.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct TreeNode {
    /// Feature tested by a split node.
    pub(crate) feature: u32,
    /// Index of the left child (`x[feature] <= threshold`), `u32::MAX` for a leaf.
    pub(crate) left: u32,
    /// Index of the right child, `u32::MAX` for a leaf.
    pub(crate) right: u32,
    /// Whether a NaN feature value goes left.
    pub(crate) missing_left: bool,
    /// Split threshold.
    pub(crate) threshold: f64,
    /// Mean target of the node's training samples (the prediction of a leaf).
    pub(crate) value: f64,
    /// Squared-error impurity of the node's training samples.
    pub(crate) impurity: f64,
    /// Number of (distinct) training samples in the node.
    pub(crate) n_samples: usize,
}

impl TreeNode {
    pub(crate) fn leaf(value: f64, impurity: f64, n_samples: usize) -> Self {
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
    pub(crate) n_features: usize,
    pub(crate) nodes: Vec<TreeNode>,
    /// Per-feature weighted impurity decrease divided by the root's weight (not normalized).
    pub(crate) importances: Vec<f64>,
}

impl DecisionTreeRegressor {
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
