//! Exact SHAP values of one tree's prediction (Lundberg, Erion and Lee, "Consistent
//! individualized feature attribution for tree ensembles", Algorithm 2: path-dependent Tree
//! SHAP, polynomial in the tree's depth). The expectation over a feature left out follows the
//! training rows down both children in proportion to their counts (a node's cover), as
//! `shap.TreeExplainer(feature_perturbation="tree_path_dependent")` computes it.
//!
//! Written here rather than taken from a crate: no Rust crate computes Tree SHAP, and the trees
//! are this crate's own (a row goes left when its value, as `f32`, is at most the threshold, or
//! when it is missing and the split sends gaps left).

use crate::modeling::trees::hist_tree::HistTree;
use crate::modeling::trees::TreeNode;

/// What Tree SHAP reads of a tree: its shape, each node's cover and a leaf's value, and which
/// way a row goes at a split (as the tree's own prediction sends it).
pub(crate) trait ShapTree {
    /// A split's left and right children; `None` for a leaf.
    fn children(&self, node: usize) -> Option<(usize, usize)>;
    /// The feature a split tests.
    fn feature(&self, node: usize) -> usize;
    /// Whether a row with `value` for the split's feature goes left.
    fn goes_left(&self, node: usize, value: f64) -> bool;
    /// How many training rows reached the node.
    fn cover(&self, node: usize) -> f64;
    /// A leaf's value.
    fn value(&self, node: usize) -> f64;
    /// How many nodes.
    fn len(&self) -> usize;
}

/// The CART engine's trees (node 0 the root): a value, as `f32`, at most the threshold goes
/// left, a gap as the split says.
impl ShapTree for [TreeNode] {
    fn children(&self, node: usize) -> Option<(usize, usize)> {
        Some((self[node].left()?, self[node].right()?))
    }
    fn feature(&self, node: usize) -> usize {
        self[node].feature()
    }
    fn goes_left(&self, node: usize, value: f64) -> bool {
        let x = f64::from(value as f32);
        x <= self[node].threshold() || (self[node].missing_left() && x.is_nan())
    }
    fn cover(&self, node: usize) -> f64 {
        self[node].n_samples() as f64
    }
    fn value(&self, node: usize) -> f64 {
        self[node].value()
    }
    fn len(&self) -> usize {
        <[TreeNode]>::len(self)
    }
}

/// Histogram boosting's trees: a value at most the threshold goes left, a gap as the split says.
impl ShapTree for HistTree {
    fn children(&self, node: usize) -> Option<(usize, usize)> {
        let n = &self.nodes[node];
        (!n.is_leaf()).then_some((n.left as usize, n.right as usize))
    }
    fn feature(&self, node: usize) -> usize {
        self.nodes[node].feature as usize
    }
    fn goes_left(&self, node: usize, value: f64) -> bool {
        let n = &self.nodes[node];
        if value.is_nan() {
            n.missing_left
        } else {
            value <= n.threshold
        }
    }
    fn cover(&self, node: usize) -> f64 {
        f64::from(self.nodes[node].count)
    }
    fn value(&self, node: usize) -> f64 {
        self.nodes[node].value
    }
    fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// One feature on the path from the root: the share of training rows (`zero`) and of this
/// row (`one`, 0 or 1) that went the path's way at its splits, and its permutation weight.
#[derive(Clone, Copy, Debug)]
struct PathElement {
    feature: usize,
    zero: f64,
    one: f64,
    weight: f64,
}

/// Adds `row`'s SHAP values for `tree` into `phi` (one per feature), each leaf's value times
/// `scale` (a boosting stage's learning rate). The row must have every feature a split tests.
pub(crate) fn add_tree_shap<T: ShapTree + ?Sized>(
    tree: &T,
    row: &[f64],
    scale: f64,
    phi: &mut [f64],
) {
    let walk = Walk { tree, row, scale };
    walk.recurse(0, &[], 1.0, 1.0, usize::MAX, phi);
}

/// The tree's mean prediction over its training rows: the leaves' values weighted by their
/// covers, times `scale`. With [`add_tree_shap`], base + Σ φ is the tree's prediction.
pub(crate) fn expected_value<T: ShapTree + ?Sized>(tree: &T, scale: f64) -> f64 {
    let total: f64 = (0..tree.len())
        .filter(|&n| tree.children(n).is_none())
        .map(|n| tree.value(n) * tree.cover(n))
        .sum();
    scale * total / tree.cover(0)
}

/// Whether every node has a positive cover (a model saved before histogram trees kept their
/// counts has none).
pub(crate) fn has_covers<T: ShapTree + ?Sized>(tree: &T) -> bool {
    (0..tree.len()).all(|n| tree.cover(n) > 0.0)
}

struct Walk<'a, T: ?Sized> {
    tree: &'a T,
    row: &'a [f64],
    scale: f64,
}

impl<T: ShapTree + ?Sized> Walk<'_, T> {
    fn recurse(
        &self,
        at: usize,
        parent_path: &[PathElement],
        zero: f64,
        one: f64,
        feature: usize,
        phi: &mut [f64],
    ) {
        let mut path = parent_path.to_vec();
        extend(&mut path, zero, one, feature);
        let Some((left, right)) = self.tree.children(at) else {
            let value = self.scale * self.tree.value(at);
            for i in 1..path.len() {
                let w = unwound_sum(&path, i);
                let e = path[i];
                phi[e.feature] += w * (e.one - e.zero) * value;
            }
            return;
        };
        let split = self.tree.feature(at);
        let (hot, cold) = if self.tree.goes_left(at, self.row[split]) {
            (left, right)
        } else {
            (right, left)
        };
        let w = self.tree.cover(at);
        let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
        // A feature split on higher up: its earlier fractions carry on, and it leaves the path.
        if let Some(k) = path.iter().position(|e| e.feature == split) {
            incoming_zero = path[k].zero;
            incoming_one = path[k].one;
            unwind(&mut path, k);
        }
        let hot_share = self.tree.cover(hot) / w;
        let cold_share = self.tree.cover(cold) / w;
        self.recurse(
            hot,
            &path,
            hot_share * incoming_zero,
            incoming_one,
            split,
            phi,
        );
        self.recurse(cold, &path, cold_share * incoming_zero, 0.0, split, phi);
    }
}

/// Adds a feature to the path and updates every element's permutation weight.
fn extend(path: &mut Vec<PathElement>, zero: f64, one: f64, feature: usize) {
    let depth = path.len();
    path.push(PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    });
    let d = depth as f64;
    for i in (0..depth).rev() {
        let wi = path[i].weight;
        path[i + 1].weight += one * wi * (i + 1) as f64 / (d + 1.0);
        path[i].weight = zero * wi * (d - i as f64) / (d + 1.0);
    }
}

/// Removes element `k` from the path, undoing its `extend` on the others' weights.
fn unwind(path: &mut Vec<PathElement>, k: usize) {
    let depth = path.len() - 1;
    let d = depth as f64;
    let (one, zero) = (path[k].one, path[k].zero);
    let mut next = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].weight;
            path[i].weight = next * (d + 1.0) / ((i + 1) as f64 * one);
            next = tmp - path[i].weight * zero * (d - i as f64) / (d + 1.0);
        } else {
            path[i].weight = path[i].weight * (d + 1.0) / (zero * (d - i as f64));
        }
    }
    for i in k..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
    path.pop();
}

/// The total permutation weight the path would have without element `k`.
fn unwound_sum(path: &[PathElement], k: usize) -> f64 {
    let depth = path.len() - 1;
    let d = depth as f64;
    let (one, zero) = (path[k].one, path[k].zero);
    let mut next = path[depth].weight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = next * (d + 1.0) / ((i + 1) as f64 * one);
            total += tmp;
            next = path[i].weight - tmp * zero * ((d - i as f64) / (d + 1.0));
        } else if zero != 0.0 {
            total += (path[i].weight / zero) / ((d - i as f64) / (d + 1.0));
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::trees::DecisionTreeRegressor;
    use linfa::prelude::*;
    use ndarray::Array2;

    /// The expectation of the tree's output with the features in `known` fixed to the row's
    /// and the others averaged over the training rows that reach each node (Algorithm 1).
    fn conditional<T: ShapTree + ?Sized>(tree: &T, at: usize, row: &[f64], known: u32) -> f64 {
        let Some((l, r)) = tree.children(at) else {
            return tree.value(at);
        };
        let f = tree.feature(at);
        if known & (1 << f) != 0 {
            let next = if tree.goes_left(at, row[f]) { l } else { r };
            return conditional(tree, next, row, known);
        }
        (tree.cover(l) * conditional(tree, l, row, known)
            + tree.cover(r) * conditional(tree, r, row, known))
            / tree.cover(at)
    }

    /// Shapley values by their definition: every subset of the other features, weighted.
    pub(crate) fn brute_force<T: ShapTree + ?Sized>(nodes: &T, row: &[f64]) -> Vec<f64> {
        let m = row.len();
        let fact = |n: usize| (1..=n).map(|k| k as f64).product::<f64>();
        (0..m)
            .map(|i| {
                (0u32..1 << m)
                    .filter(|s| s & (1 << i) == 0)
                    .map(|s| {
                        let size = s.count_ones() as usize;
                        let weight = fact(size) * fact(m - size - 1) / fact(m);
                        weight
                            * (conditional(nodes, 0, row, s | (1 << i))
                                - conditional(nodes, 0, row, s))
                    })
                    .sum()
            })
            .collect()
    }

    #[test]
    fn tree_shap_equals_the_shapley_definition_and_adds_up_to_the_prediction() {
        // Five features, a deep tree that splits on some features more than once.
        let n = 300;
        let x = Array2::from_shape_fn((n, 5), |(i, j)| ((i * (7 + 3 * j) + j * 11) % 29) as f64);
        let y = x.map_axis(ndarray::Axis(1), |r| {
            r[0] * r[1] / 10.0 + if r[2] > 14.0 { 5.0 } else { -(r[3] % 7.0) } + 0.1 * r[4]
        });
        let tree = DecisionTreeRegressor::params()
            .max_depth(Some(6))
            .fit(&linfa::Dataset::new(x.clone(), y))
            .unwrap();
        let nodes = tree.nodes();
        assert!(tree.depth() == 6 && tree.n_leaves() > 20);
        let base = expected_value(nodes, 1.0);
        for r in (0..n).step_by(37) {
            let row = x.row(r).to_vec();
            let mut phi = vec![0.0; 5];
            add_tree_shap(nodes, &row, 1.0, &mut phi);
            let exact = brute_force(nodes, &row);
            for (a, b) in phi.iter().zip(&exact) {
                assert!(
                    (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
                    "{phi:?} vs {exact:?}"
                );
            }
            let prediction = tree.predict_row(&row);
            let total = base + phi.iter().sum::<f64>();
            assert!((total - prediction).abs() <= 1e-9 * prediction.abs().max(1.0));
        }
    }

    #[test]
    fn histogram_trees_with_gaps_equal_the_shapley_definition() {
        // Four features, every fifth value of the second one missing (gaps go their own way).
        let n = 400;
        let x = Array2::from_shape_fn((n, 4), |(i, j)| {
            if j == 1 && i % 5 == 0 {
                f64::NAN
            } else {
                ((i * (5 + 2 * j) + 3 * j) % 31) as f64 / 3.0
            }
        });
        let y = x.map_axis(ndarray::Axis(1), |r| {
            r[0] + if r[1].is_nan() {
                4.0
            } else {
                r[1] * r[2] / 5.0
            } - 0.3 * r[3]
        });
        let mut spec: crate::modeling::ModelSpec = "hist-gbm".parse().unwrap();
        spec.set_text("max_iter", "5").unwrap();
        spec.set_text("max_leaf_nodes", "12").unwrap();
        let crate::modeling::FittedModel::HistGbm(model) = spec.fit(x.view(), y.view()).unwrap()
        else {
            panic!("a hist-gbm");
        };
        for tree in model.trees() {
            assert!(has_covers(tree) && tree.nodes.len() > 15);
            for r in (0..n).step_by(29) {
                let row = x.row(r).to_vec();
                let mut phi = vec![0.0; 4];
                add_tree_shap(tree, &row, 1.0, &mut phi);
                let exact = brute_force(tree, &row);
                for (a, b) in phi.iter().zip(&exact) {
                    assert!(
                        (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
                        "{phi:?} vs {exact:?}"
                    );
                }
                let total = expected_value(tree, 1.0) + phi.iter().sum::<f64>();
                assert!((total - tree.predict_row(&row)).abs() <= 1e-9);
            }
        }
    }
}
