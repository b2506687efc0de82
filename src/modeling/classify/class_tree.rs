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
//! scikit-learn's default is 0); and after growing, a split whose two sides both predict the
//! same class is pruned back into one leaf (scikit-learn keeps it, and its two leaves'
//! probabilities differ). The thresholds are the same midpoints. With `balanced`, each
//! row weighs as its class's `class_weight="balanced"` weight in the impurities and in the
//! leaves' shares, as scikit-learn weighs them (the row-count limits stay counts of rows).

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
        /// Weigh each class by rows / (classes × its rows): `class_weight="balanced"`.
        balanced ["class_weight_balanced"]: bool = false;
    }
}

/// Each class's weight: 1, or with `balanced` rows / (classes × the class's rows), as
/// scikit-learn's `compute_class_weight("balanced")`.
pub fn class_weights(y: &[usize], n_classes: usize, balanced: bool) -> Vec<f64> {
    if !balanced {
        return vec![1.0; n_classes];
    }
    let mut counts = vec![0usize; n_classes];
    for &c in y {
        counts[c] += 1;
    }
    counts
        .iter()
        .map(|&n| {
            if n == 0 {
                0.0
            } else {
                y.len() as f64 / (n_classes * n) as f64
            }
        })
        .collect()
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
    let codes = y.to_vec();
    let weight = class_weights(&codes, n_classes, settings.balanced);
    // linfa-trees weighs each row's impurity by its dataset weight.
    let data =
        DatasetBase::new(x, y).with_weights(codes.iter().map(|&c| weight[c] as f32).collect());
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
        let leaf = tree.leaf(row);
        tree.proba[[leaf, class]] += weight[class];
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
    fn leaf(&self, row: ArrayView1<f64>) -> usize {
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
            let leaf = self.leaf(row);
            out.row_mut(i).assign(&self.proba.row(leaf));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    // scikit-learn 1.9.1: DecisionTreeClassifier(max_depth=1, class_weight=None | "balanced")
    // on x = 0..20, 17 rows of class 0 and 3 of class 1, all above x = 11.5: it splits there
    // and predict_proba at x = 15 is [0.625, 0.375], balanced [0.22727…, 0.77272…].
    #[test]
    fn balanced_weights_count_a_rare_class_as_much_as_a_common_one() {
        let x = Array2::from_shape_fn((20, 1), |(i, _)| i as f64);
        let y: Vec<usize> = [vec![0; 12], vec![1, 0, 1, 0, 1, 0, 0, 0]].concat();
        let y = ndarray::Array1::from(y);
        let fit = |balanced| {
            let settings = ClassTreeSettings {
                max_depth: Some(1),
                balanced,
                ..ClassTreeSettings::default()
            };
            let tree = fit_class_tree(&settings, x.view(), y.view(), 2).unwrap();
            tree.predict_proba(ndarray::array![[5.0], [15.0]].view())
        };
        // Unweighted, both sides' majority is class 0, and linfa-trees prunes such a split
        // (scikit-learn keeps it): one leaf with the root's shares.
        assert_eq!(fit(false).row(1).to_vec(), [0.85, 0.15]);
        let balanced = fit(true);
        assert_eq!(balanced.row(0).to_vec(), [1.0, 0.0]);
        assert!(
            (balanced[[1, 1]] - 0.7727272727272727).abs() < 1e-12,
            "{balanced}"
        );
        assert_eq!(class_weights(&[0, 0, 0, 1], 2, true), [4.0 / 6.0, 2.0]);
    }
}
