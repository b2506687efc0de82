//! One node of a fitted regression tree, as the builder writes it, the predictor walks it and
//! an artifact stores it (as a list, or compact: `compact.rs`).

use serde::{Deserialize, Serialize};

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
