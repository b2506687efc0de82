//! A prediction-only layout of a tree ensemble: every tree's nodes in one array of 16-byte
//! nodes, each split's two children side by side.
//!
//! A fitted [`DecisionTreeRegressor`] keeps 48-byte nodes (impurity, sample counts) for
//! importances and the artifact. Scoring one row of a 400-stage boosting model walks ~1,600
//! of them, and in a server, between requests, they fall out of the cache; a third of the
//! bytes, contiguous, keeps the walk in L2. The arithmetic is the same as the trees', so
//! predictions are bit-identical.

use super::tree::DecisionTreeRegressor;

/// `feature` of a leaf.
const LEAF: u32 = u32::MAX;
/// Bit of `feature` set when a NaN value goes left.
const MISSING_LEFT: u32 = 1 << 31;

/// One node: a split (`value` is the threshold) or a leaf (`value` is its scaled output).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PackedNode {
    value: f64,
    /// Split feature (with [`MISSING_LEFT`]), or [`LEAF`].
    feature: u32,
    /// Index of the left child; the right child is the next node.
    left: u32,
}

/// The trees of an ensemble, packed for scoring rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PackedTrees {
    nodes: Vec<PackedNode>,
    roots: Vec<u32>,
}

impl PackedTrees {
    /// Packs `trees`, multiplying each leaf's value by `scale` (a boosting model's learning
    /// rate: the product is the one the trees' own scoring computes).
    pub(crate) fn new<'a>(
        trees: impl IntoIterator<Item = &'a DecisionTreeRegressor> + Clone,
        scale: f64,
    ) -> Self {
        // Sized once: a large forest's nodes are hundreds of megabytes, and a growing vector
        // would hold up to twice that while it copies.
        let (count, n_trees) = trees
            .clone()
            .into_iter()
            .fold((0, 0), |(c, t), tree| (c + tree.node_count(), t + 1));
        let mut packed = PackedTrees {
            nodes: Vec::with_capacity(count),
            roots: Vec::with_capacity(n_trees),
        };
        for tree in trees {
            packed.push(tree, scale);
        }
        packed
    }

    fn push(&mut self, tree: &DecisionTreeRegressor, scale: f64) {
        let source = tree.nodes();
        // (node of `tree`, its slot here); a split reserves two adjacent slots for its children.
        let mut pending = vec![(0usize, self.nodes.len())];
        self.roots.push(index(self.nodes.len()));
        self.nodes.push(PackedNode {
            value: 0.0,
            feature: LEAF,
            left: 0,
        });
        while let Some((at, slot)) = pending.pop() {
            let node = &source[at];
            self.nodes[slot] = match (node.left(), node.right()) {
                (Some(left), Some(right)) => {
                    let children = self.nodes.len();
                    self.nodes.extend([self.nodes[slot]; 2]);
                    pending.push((left, children));
                    pending.push((right, children + 1));
                    let missing = if node.missing_left() { MISSING_LEFT } else { 0 };
                    PackedNode {
                        value: node.threshold(),
                        feature: index(node.feature()) | missing,
                        left: index(children),
                    }
                }
                _ => PackedNode {
                    value: scale * node.value(),
                    feature: LEAF,
                    left: 0,
                },
            };
        }
    }

    /// `start` plus every tree's scaled output for `row` (a row of the trees' width), added in
    /// tree order.
    #[inline]
    pub(crate) fn sum(&self, start: f64, row: &[f64]) -> f64 {
        let mut total = start;
        for &root in &self.roots {
            let mut i = root as usize;
            loop {
                let node = self.nodes[i];
                if node.feature == LEAF {
                    total += node.value;
                    break;
                }
                // Compare as f32, the precision the trees were grown in.
                let x = f64::from(row[(node.feature & !MISSING_LEFT) as usize] as f32);
                let left = x <= node.value || (node.feature & MISSING_LEFT != 0 && x.is_nan());
                i = node.left as usize + usize::from(!left);
            }
        }
        total
    }
}

/// A node index or feature as `u32` (trees are far smaller than 2^31 nodes or features).
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX) & !MISSING_LEFT
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::synthetic;
    use super::*;
    use linfa::prelude::*;

    #[test]
    fn packed_sum_matches_the_trees_bit_for_bit() {
        let (x, y) = synthetic(300, 5, 3);
        let data = Dataset::new(x.clone(), y);
        let trees: Vec<_> = (0..6)
            .map(|seed| {
                DecisionTreeRegressor::params()
                    .max_depth(Some(2 + seed))
                    .seed(seed as u64)
                    .fit(&data)
                    .expect("fit")
            })
            .collect();
        let packed = PackedTrees::new(&trees, 0.1);
        for row in x.rows() {
            let row = row.to_vec();
            let expected = trees.iter().fold(1.5, |f, t| f + 0.1 * t.predict_row(&row));
            assert_eq!(packed.sum(1.5, &row).to_bits(), expected.to_bits());
        }
    }

    #[test]
    fn nan_follows_the_split_s_missing_side() {
        let (x, y) = synthetic(200, 3, 9);
        let tree = DecisionTreeRegressor::params()
            .max_depth(Some(4))
            .fit(&Dataset::new(x, y))
            .expect("fit");
        let packed = PackedTrees::new([&tree], 1.0);
        for row in [[f64::NAN, 0.5, 0.5], [0.5, f64::NAN, 0.5], [f64::NAN; 3]] {
            assert_eq!(
                packed.sum(0.0, &row).to_bits(),
                tree.predict_row(&row).to_bits()
            );
        }
    }
}
