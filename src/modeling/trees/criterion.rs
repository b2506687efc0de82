//! What a tree's splits minimise: squared error for regression trees, Gini impurity or
//! entropy for classification trees. Each is written with scikit-learn's operations in its
//! order (`sklearn/tree/_criterion.pyx`), so that two splits that score alike there score
//! alike here and the same one wins.
//!
//! The builder (`builder.rs`) is generic over [`Criterion`]: it keeps the weighted sums of a
//! node and of the left side of a candidate split, and asks the criterion what they are worth.

/// A split criterion over the training rows' targets.
pub(crate) trait Criterion: Sync {
    /// Weighted sums over a set of rows, from which its impurity follows.
    type Sums: Clone;

    /// Sums of no rows.
    fn empty(&self) -> Self::Sums;

    /// Adds row `row` with weight `w` to every sum.
    fn add(&self, sums: &mut Self::Sums, row: usize, w: f64);

    /// Adds row `row` to the sums that [`Criterion::proxy`] reads (the split scan's inner
    /// loop; squared error skips the squares there, as scikit-learn's proxy does).
    #[inline]
    fn add_for_proxy(&self, sums: &mut Self::Sums, row: usize, w: f64) {
        self.add(sums, row, w);
    }

    /// Impurity of a set of rows of total weight `w`.
    fn impurity(&self, sums: &Self::Sums, w: f64) -> f64;

    /// Impurities of a split's left and right sides; the right's sums are the node's less the
    /// left's.
    fn children_impurity(
        &self,
        left: &Self::Sums,
        w_left: f64,
        node: &Self::Sums,
        w_node: f64,
    ) -> (f64, f64);

    /// What the best split maximises (scikit-learn's `proxy_impurity_improvement`), from the
    /// left side's scan sums.
    fn proxy(&self, left: &Self::Sums, w_left: f64, node: &Self::Sums, w_node: f64) -> f64;

    /// A node's single value: a regression tree's prediction.
    fn value(&self, sums: &Self::Sums, w: f64) -> f64;

    /// Appends the node's per-class values (a classification tree's class shares); nothing
    /// for regression.
    fn push_class_values(&self, _sums: &Self::Sums, _w: f64, _out: &mut Vec<f64>) {}

    /// Whether every one of `rows` has the same target (a leaf whatever its impurity says).
    fn all_equal(&self, rows: &[u32]) -> bool;
}

/// Squared error on one numeric target (scikit-learn's `MSE`).
pub(crate) struct SquaredError<'a> {
    /// The target of every training row.
    pub(crate) y: &'a [f64],
}

/// A set of rows' `Σ w·y` and `Σ w·y²`.
#[derive(Clone, Copy, Default)]
pub(crate) struct MomentSums {
    sum: f64,
    sq_sum: f64,
}

impl Criterion for SquaredError<'_> {
    type Sums = MomentSums;

    fn empty(&self) -> MomentSums {
        MomentSums::default()
    }

    #[inline]
    fn add(&self, s: &mut MomentSums, row: usize, w: f64) {
        let y = self.y[row];
        s.sum += w * y;
        s.sq_sum += w * y * y;
    }

    #[inline]
    fn add_for_proxy(&self, s: &mut MomentSums, row: usize, w: f64) {
        s.sum += w * self.y[row];
    }

    fn impurity(&self, s: &MomentSums, w: f64) -> f64 {
        s.sq_sum / w - (s.sum / w).powi(2)
    }

    fn children_impurity(
        &self,
        left: &MomentSums,
        w_left: f64,
        node: &MomentSums,
        w_node: f64,
    ) -> (f64, f64) {
        let right = MomentSums {
            sum: node.sum - left.sum,
            sq_sum: node.sq_sum - left.sq_sum,
        };
        (
            self.impurity(left, w_left),
            self.impurity(&right, w_node - w_left),
        )
    }

    /// `sum_l²/w_l + sum_r²/w_r`, the right side's sums taken from the node's totals.
    #[inline]
    fn proxy(&self, left: &MomentSums, w_left: f64, node: &MomentSums, w_node: f64) -> f64 {
        let sum_right = node.sum - left.sum;
        let w_right = w_node - w_left;
        left.sum * left.sum / w_left + sum_right * sum_right / w_right
    }

    fn value(&self, s: &MomentSums, w: f64) -> f64 {
        s.sum / w
    }

    fn all_equal(&self, rows: &[u32]) -> bool {
        let first = self.y[rows[0] as usize];
        rows.iter().all(|&r| self.y[r as usize] == first)
    }
}

/// How a classification tree measures a node's mix of classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Impurity {
    /// `1 − Σ p²` (scikit-learn's `criterion="gini"`).
    Gini,
    /// `−Σ p·log₂ p` (`criterion="entropy"`).
    Entropy,
}

/// Gini impurity or entropy of one class target (scikit-learn's `Gini` and `Entropy`).
pub(crate) struct ClassImpurity<'a> {
    /// The class code of every training row, `0..n_classes`.
    pub(crate) y: &'a [u32],
    /// How many classes.
    pub(crate) n_classes: usize,
    /// Gini or entropy.
    pub(crate) kind: Impurity,
}

impl ClassImpurity<'_> {
    /// One side's impurity from its class weights, as scikit-learn's `children_impurity`
    /// computes it (the right side's weights as the node's less the left's).
    fn side(&self, class_weight: impl Iterator<Item = f64>, w: f64) -> f64 {
        match self.kind {
            Impurity::Gini => {
                let sq: f64 = class_weight.fold(0.0, |acc, c| acc + c * c);
                1.0 - sq / (w * w)
            }
            Impurity::Entropy => class_weight.fold(0.0, |acc, c| {
                if c > 0.0 {
                    let p = c / w;
                    acc - p * (p.ln() / std::f64::consts::LN_2)
                } else {
                    acc
                }
            }),
        }
    }
}

impl Criterion for ClassImpurity<'_> {
    /// Each class's total weight.
    type Sums = Vec<f64>;

    fn empty(&self) -> Vec<f64> {
        vec![0.0; self.n_classes]
    }

    #[inline]
    fn add(&self, s: &mut Vec<f64>, row: usize, w: f64) {
        s[self.y[row] as usize] += w;
    }

    fn impurity(&self, s: &Vec<f64>, w: f64) -> f64 {
        self.side(s.iter().copied(), w)
    }

    fn children_impurity(
        &self,
        left: &Vec<f64>,
        w_left: f64,
        node: &Vec<f64>,
        w_node: f64,
    ) -> (f64, f64) {
        let right = node.iter().zip(left).map(|(n, l)| n - l);
        (
            self.side(left.iter().copied(), w_left),
            self.side(right, w_node - w_left),
        )
    }

    /// `−w_r·impurity_r − w_l·impurity_l`: scikit-learn's default proxy, which classification
    /// criteria do not override.
    fn proxy(&self, left: &Vec<f64>, w_left: f64, node: &Vec<f64>, w_node: f64) -> f64 {
        let (imp_left, imp_right) = self.children_impurity(left, w_left, node, w_node);
        let w_right = w_node - w_left;
        -w_right * imp_right - w_left * imp_left
    }

    /// The node's weighted row count; its class shares come from [`Criterion::push_class_values`].
    fn value(&self, _s: &Vec<f64>, w: f64) -> f64 {
        w
    }

    /// Each class's share of the node's weight (scikit-learn ≥ 1.4's `tree_.value`).
    fn push_class_values(&self, s: &Vec<f64>, w: f64, out: &mut Vec<f64>) {
        out.extend(s.iter().map(|c| c / w));
    }

    fn all_equal(&self, rows: &[u32]) -> bool {
        let first = self.y[rows[0] as usize];
        rows.iter().all(|&r| self.y[r as usize] == first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_and_entropy_of_known_mixes() {
        let y = [0u32, 0, 1, 1, 1, 2];
        let crit = |kind| ClassImpurity {
            y: &y,
            n_classes: 3,
            kind,
        };
        let sums = |c: &ClassImpurity| {
            let mut s = c.empty();
            for r in 0..y.len() {
                c.add(&mut s, r, 1.0);
            }
            s
        };
        let gini = crit(Impurity::Gini);
        let g = gini.impurity(&sums(&gini), 6.0);
        assert!((g - (1.0 - (4.0 + 9.0 + 1.0) / 36.0)).abs() < 1e-15);
        let entropy = crit(Impurity::Entropy);
        let e = entropy.impurity(&sums(&entropy), 6.0);
        let expect = -[2.0f64, 3.0, 1.0]
            .iter()
            .map(|c| c / 6.0 * (c / 6.0).log2())
            .sum::<f64>();
        assert!((e - expect).abs() < 1e-12, "{e} {expect}");
        // A pure node has no impurity at all, not a rounding error's worth.
        let pure = [2u32, 2, 2];
        let c = ClassImpurity {
            y: &pure,
            n_classes: 3,
            kind: Impurity::Gini,
        };
        let mut s = c.empty();
        (0..3).for_each(|r| c.add(&mut s, r, 1.5));
        assert_eq!(c.impurity(&s, 4.5), 0.0);
    }

    #[test]
    fn proxies_rank_splits_as_the_impurity_decrease_does() {
        // Left {0,0} right {1,1,1,2} is better than left {0,1} right {0,1,1,2}.
        let y = [0u32, 0, 1, 1, 1, 2];
        for kind in [Impurity::Gini, Impurity::Entropy] {
            let c = ClassImpurity {
                y: &y,
                n_classes: 3,
                kind,
            };
            let mut node = c.empty();
            (0..6).for_each(|r| c.add(&mut node, r, 1.0));
            let left = |rows: &[usize]| {
                let mut s = c.empty();
                rows.iter().for_each(|&r| c.add(&mut s, r, 1.0));
                s
            };
            let good = c.proxy(&left(&[0, 1]), 2.0, &node, 6.0);
            let poor = c.proxy(&left(&[0, 2]), 2.0, &node, 6.0);
            assert!(good > poor, "{kind:?}: {good} vs {poor}");
        }
        let y = [1.0, 2.0, 10.0, 11.0];
        let c = SquaredError { y: &y };
        let mut node = c.empty();
        (0..4).for_each(|r| c.add(&mut node, r, 1.0));
        let mut good = c.empty();
        (0..2).for_each(|r| c.add_for_proxy(&mut good, r, 1.0));
        let mut poor = c.empty();
        c.add_for_proxy(&mut poor, 0, 1.0);
        assert!(c.proxy(&good, 2.0, &node, 4.0) > c.proxy(&poor, 1.0, &node, 4.0));
    }
}
