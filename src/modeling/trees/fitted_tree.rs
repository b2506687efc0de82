//! A fitted CART regression tree: a flat array of nodes in depth-first order, root first,
//! checked when it is read back from an artifact, and walked row by row. Grown by
//! `builder.rs`; its hyperparameters and `Fit` are in `tree.rs`.

use ndarray::Array1;
use serde::{Deserialize, Serialize};

use super::params::TreeError;
pub use super::tree_node::TreeNode;
use super::tree_node::LEAF;
use super::{compact, lifted};

/// Serialized form of a [`DecisionTreeRegressor`], checked on load: the nodes in the compact
/// form (`compact.rs`) when they are in the builder's order, else as a list (and artifacts
/// written before the compact form).
#[derive(Serialize, Deserialize, Clone)]
struct RawTree {
    n_features: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nodes: Option<Vec<TreeNode>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    compact: Option<CompactNodes>,
    importances: Vec<f64>,
}

/// The nodes of [`RawTree`] in the compact form: how many, and their bytes in base64.
#[derive(Serialize, Deserialize, Clone)]
struct CompactNodes {
    count: usize,
    data: String,
}

impl TryFrom<RawTree> for DecisionTreeRegressor {
    type Error = TreeError;

    fn try_from(raw: RawTree) -> Result<Self, TreeError> {
        let nodes = match (raw.nodes, raw.compact) {
            (Some(nodes), None) => nodes,
            (None, Some(c)) => match lifted::claim(&c.data) {
                Some(text) => compact::decode(&text, c.count)?,
                None => compact::decode(&c.data, c.count)?,
            },
            _ => {
                return Err(TreeError::InvalidModel(
                    "a tree needs its nodes, as a list or compact, not both".into(),
                ))
            }
        };
        let raw = Checked {
            n_features: raw.n_features,
            nodes,
            importances: raw.importances,
        };
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

/// A tree read back, before its checks.
struct Checked {
    n_features: usize,
    nodes: Vec<TreeNode>,
    importances: Vec<f64>,
}

impl From<DecisionTreeRegressor> for RawTree {
    fn from(t: DecisionTreeRegressor) -> Self {
        let (nodes, compact) = match compact::encode(&t.nodes) {
            Some(data) => (
                None,
                Some(CompactNodes {
                    count: t.nodes.len(),
                    data,
                }),
            ),
            None => (Some(t.nodes), None),
        };
        RawTree {
            n_features: t.n_features,
            nodes,
            compact,
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
