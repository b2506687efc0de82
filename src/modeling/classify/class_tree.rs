//! A classification tree grown by linfa-trees' `DecisionTree` (gini or entropy), kept as a
//! flat array with each leaf's class probabilities.
//!
//! linfa-trees' leaves hold only their majority class, picked from a hash map (so a tie can
//! go either way from run to run). scikit-learn's `predict_proba` gives a leaf's class shares
//! among its training rows; so after the fit every training row is routed down the tree (by
//! the rule linfa's prediction uses: left when the value is below the threshold) and each
//! leaf keeps its rows' class shares, the label being the first class with the largest share,
//! as scikit-learn's `argmax` picks it.
//!
//! Where its splits differ from scikit-learn's `DecisionTreeClassifier`: linfa-trees weighs
//! every feature at every node in order with no random feature permutation, so a tie between
//! two equally good splits goes to the first feature (scikit-learn's to a random one); values
//! closer than 1e-5 count as equal; impurities are summed in `f32`; and a split must lower the
//! impurity by at least `min_impurity_decrease` (linfa needs it above zero: 1e-7 here, where
//! scikit-learn's default is 0). The thresholds are the same midpoints.

use linfa::prelude::*;
use linfa_trees::{DecisionTree, SplitQuality, TreeNode};
use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::modeling::hyperparams::settings;

settings! {
    /// A classification tree's settings in the registry (`DecisionTreeClassifier`).
    ClassTreeSettings {
        /// Depth limit (none: grow until pure).
        max_depth: Option<usize> = None;
        /// Fewest rows a node needs to be split.
        min_samples_split: usize = 2;
        /// Fewest rows each side of a split keeps.
        min_samples_leaf: usize = 1;
        /// Split on entropy instead of Gini impurity (scikit-learn's `criterion="entropy"`).
        entropy: bool = false;
    }
}

/// One node: a split sends a row left when `x[index] < threshold`; a leaf (children 0: the
/// root is nobody's child) points at its row of `ClassTree::proba`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassNode {
    /// Feature tested (a split), or the leaf's row in the probability table.
    pub index: usize,
    /// Threshold (a split); 0 for a leaf.
    pub threshold: f64,
    /// Left child (a split); 0 for a leaf.
    pub left: usize,
    /// Right child (a split); 0 for a leaf.
    pub right: usize,
}

/// A fitted classification tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassTree {
    /// Nodes, root first.
    pub nodes: Vec<ClassNode>,
    /// Each leaf's class probabilities, `[n_leaves, n_classes]`.
    pub proba: Array2<f64>,
    /// Number of features it takes.
    pub n_features: usize,
}

/// Grows a tree on `x` and class codes `y` (`0..n_classes`).
pub fn fit_class_tree(
    settings: &ClassTreeSettings,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<ClassTree> {
    if settings.min_samples_split < 2 || settings.min_samples_leaf < 1 {
        return Err(Error::invalid(
            "tree",
            "min_samples_split must be at least 2 and min_samples_leaf at least 1",
        ));
    }
    let quality = if settings.entropy {
        SplitQuality::Entropy
    } else {
        SplitQuality::Gini
    };
    let data = DatasetBase::new(x, y);
    let fitted = DecisionTree::params()
        .split_quality(quality)
        .max_depth(settings.max_depth)
        .min_weight_split(settings.min_samples_split as f32)
        .min_weight_leaf(settings.min_samples_leaf as f32)
        .min_impurity_decrease(1e-7)
        .fit(&data)
        .map_err(|e| Error::model("tree", e))?;
    let mut nodes = Vec::new();
    let mut leaves = 0;
    flatten(fitted.root_node(), &mut nodes, &mut leaves);
    let mut tree = ClassTree {
        nodes,
        proba: Array2::zeros((leaves, n_classes)),
        n_features: x.ncols(),
    };
    for (row, &class) in x.rows().into_iter().zip(y) {
        let leaf = tree.leaf(&row.to_vec());
        tree.proba[[leaf, class]] += 1.0;
    }
    for mut counts in tree.proba.rows_mut() {
        let total = counts.sum();
        if total > 0.0 {
            counts.mapv_inplace(|c| c / total);
        }
    }
    Ok(tree)
}

/// Appends `node`'s subtree in preorder, numbering the leaves as met.
fn flatten(node: &TreeNode<f64, usize>, out: &mut Vec<ClassNode>, leaves: &mut usize) -> usize {
    let at = out.len();
    let children = node.children();
    let (Some(left), Some(right)) = (children[0].as_deref(), children[1].as_deref()) else {
        out.push(ClassNode {
            index: *leaves,
            threshold: 0.0,
            left: 0,
            right: 0,
        });
        *leaves += 1;
        return at;
    };
    let (feature, threshold, _) = node.split();
    out.push(ClassNode {
        index: feature,
        threshold,
        left: 0,
        right: 0,
    });
    let l = flatten(left, out, leaves);
    let r = flatten(right, out, leaves);
    out[at].left = l;
    out[at].right = r;
    at
}

impl ClassTree {
    /// The leaf `row` reaches (its row of `proba`).
    fn leaf(&self, row: &[f64]) -> usize {
        let mut at = 0;
        loop {
            let node = self.nodes[at];
            if node.left == 0 {
                return node.index;
            }
            at = if row[node.index] < node.threshold {
                node.left
            } else {
                node.right
            };
        }
    }

    /// Whether the nodes make one tree over `proba` (a model read from a file is checked
    /// before it scores): children after their parent, indices in range.
    pub fn check(&self) -> std::result::Result<(), String> {
        let n = self.nodes.len();
        for (i, node) in self.nodes.iter().enumerate() {
            let ok = if node.left == 0 && node.right == 0 {
                node.index < self.proba.nrows()
            } else {
                node.index < self.n_features
                    && node.left > i
                    && node.right > i
                    && node.left < n
                    && node.right < n
                    && node.threshold.is_finite()
            };
            if !ok {
                return Err(format!("classification tree node {i} is malformed"));
            }
        }
        if n == 0 {
            return Err("classification tree has no nodes".into());
        }
        Ok(())
    }

    /// Each row's class probabilities, `[n_rows, n_classes]`.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut out = Array2::zeros((x.nrows(), self.proba.ncols()));
        for (i, row) in x.rows().into_iter().enumerate() {
            let leaf = self.leaf(&row.to_vec());
            out.row_mut(i).assign(&self.proba.row(leaf));
        }
        out
    }
}
