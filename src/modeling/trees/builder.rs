//! The tree-growing engine shared by the tree, the forests, gradient boosting and AdaBoost:
//! the training data prepared once per fit (column-major, presorted per feature) and the
//! depth-first builder with scikit-learn's best and random splitters, generic over what a split
//! minimises (`criterion.rs`: squared error, Gini impurity, entropy).

use ndarray::{ArrayBase, ArrayView1, Data, Ix2};

use super::criterion::{Criterion, SquaredError};
use super::fitted_tree::{DecisionTreeRegressor, TreeNode};
use super::params::{validate_tree_params, MaxFeatures, Splitter, TreeError};
use crate::modeling::sklearn_rng::RandR;

/// Values of one feature closer than this are treated as equal (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// Feature matrix prepared once per fit: column-major values and per-feature sorted row order.
pub(crate) struct TrainingData {
    n_rows: usize,
    n_features: usize,
    /// `cols[f * n_rows + r]` = `x[r, f]`.
    cols: Vec<f64>,
    /// `sorted[f * n_rows ..][..n_rows]`: rows in increasing order of feature `f` (stable).
    sorted: Vec<u32>,
}

impl TrainingData {
    /// Copies and presorts `x`; fails on empty or non-finite data.
    pub(crate) fn new<D: Data<Elem = f64>>(x: &ArrayBase<D, Ix2>) -> Result<Self, TreeError> {
        let (n_rows, n_features) = x.dim();
        if n_rows == 0 {
            return Err(TreeError::EmptyData);
        }
        if n_features == 0 {
            return Err(TreeError::NoFeatures);
        }
        if n_rows >= u32::MAX as usize {
            return Err(TreeError::TooManyRows {
                rows: n_rows,
                max: u32::MAX as usize - 1,
            });
        }
        let mut cols = Vec::with_capacity(n_rows * n_features);
        for (f, col) in x.columns().into_iter().enumerate() {
            for (r, &v) in col.iter().enumerate() {
                if !v.is_finite() {
                    return Err(TreeError::NonFiniteFeature {
                        row: r,
                        column: f,
                        value: v,
                    });
                }
                // Trees see features as f32, as scikit-learn's do.
                let v32 = v as f32;
                if !v32.is_finite() {
                    return Err(TreeError::NonFiniteFeature {
                        row: r,
                        column: f,
                        value: v,
                    });
                }
                cols.push(f64::from(v32));
            }
        }
        let mut sorted = Vec::with_capacity(n_rows * n_features);
        for f in 0..n_features {
            let col = &cols[f * n_rows..(f + 1) * n_rows];
            let start = sorted.len();
            sorted.extend(0..n_rows as u32);
            sorted[start..].sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]));
        }
        Ok(TrainingData {
            n_rows,
            n_features,
            cols,
            sorted,
        })
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of feature columns.
    pub(crate) fn n_features(&self) -> usize {
        self.n_features
    }

    /// Feature values of row `r` written into `buf` (resized to `n_features`).
    pub(crate) fn row_into(&self, r: usize, buf: &mut Vec<f64>) {
        buf.clear();
        buf.extend((0..self.n_features).map(|f| self.cols[f * self.n_rows + r]));
    }
}

/// Checks a target vector against the training data.
pub(crate) fn check_targets(y: ArrayView1<'_, f64>, n_rows: usize) -> Result<Vec<f64>, TreeError> {
    if y.len() != n_rows {
        return Err(TreeError::MismatchedRows {
            records: n_rows,
            targets: y.len(),
        });
    }
    let out = y.to_vec();
    finite_targets(&out)?;
    Ok(out)
}

/// An error for the first target that is not finite (NaN or infinite).
pub(crate) fn finite_targets(y: &[f64]) -> Result<(), TreeError> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(TreeError::NonFiniteTarget { row, value: y[row] }),
        None => Ok(()),
    }
}

/// Hyper-parameters of one tree resolved against the data.
#[derive(Clone, Debug)]
pub(crate) struct TreeConfig {
    max_depth: usize,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: usize,
    splitter: Splitter,
}

impl TreeConfig {
    /// Validates and resolves the parameters for `n_features` columns.
    pub(crate) fn new(
        max_depth: Option<usize>,
        min_samples_split: usize,
        min_samples_leaf: usize,
        max_features: &MaxFeatures,
        splitter: Splitter,
        n_features: usize,
    ) -> Result<Self, TreeError> {
        validate_tree_params(max_depth, min_samples_split, min_samples_leaf, max_features)?;
        Ok(TreeConfig {
            max_depth: max_depth.unwrap_or(usize::MAX),
            // scikit-learn: min_samples_split = max(min_samples_split, 2 * min_samples_leaf)
            min_samples_split: min_samples_split.max(min_samples_leaf.saturating_mul(2)),
            min_samples_leaf,
            max_features: max_features.resolve(n_features)?,
            splitter,
        })
    }
}

/// A node waiting on the builder's stack.
struct StackRecord {
    start: usize,
    end: usize,
    depth: usize,
    parent: usize,
    is_left: bool,
    impurity: f64,
    n_constant: usize,
    /// A feature whose segment is partitioned down to this node (the parent's split feature;
    /// segments of features constant in an ancestor are left stale).
    stats_feature: usize,
}

/// The split chosen for a node.
#[derive(Clone, Copy)]
struct SplitRecord {
    feature: usize,
    pos: usize,
    threshold: f64,
    missing_left: bool,
}

/// What one tree is grown on: the data, the criterion over its targets, each row's weight
/// (ones when unweighted) and the tree's limits.
struct Growth<'a, C> {
    data: &'a TrainingData,
    crit: &'a C,
    w: &'a [f64],
    weighted: bool,
    cfg: &'a TreeConfig,
}

/// Reusable work buffers for growing trees on one [`TrainingData`].
pub(crate) struct TreeBuilder {
    /// Per-feature segments of the active samples, each sorted by its feature.
    order: Vec<u32>,
    scratch: Vec<u32>,
    goes_left: Vec<bool>,
    skip_partition: Vec<bool>,
    features: Vec<usize>,
    constant_features: Vec<usize>,
    stack: Vec<StackRecord>,
    ones: Vec<f64>,
}

impl TreeBuilder {
    /// Empty buffers; they grow on first use.
    pub(crate) fn new() -> Self {
        TreeBuilder {
            order: Vec::new(),
            scratch: Vec::new(),
            goes_left: Vec::new(),
            skip_partition: Vec::new(),
            features: Vec::new(),
            constant_features: Vec::new(),
            stack: Vec::new(),
            ones: Vec::new(),
        }
    }

    /// Grows one regression tree on targets `y` (one per row) with optional per-row weights
    /// (rows with weight 0 are left out, as scikit-learn does), seeding the splitter with
    /// `rand_r_seed`.
    pub(crate) fn build(
        &mut self,
        data: &TrainingData,
        y: &[f64],
        weights: Option<&[f64]>,
        cfg: &TreeConfig,
        rand_r_seed: u32,
    ) -> DecisionTreeRegressor {
        self.build_with(
            data,
            &SquaredError { y },
            weights,
            cfg,
            rand_r_seed,
            &mut Vec::new(),
        )
    }

    /// Grows one tree whose splits minimise `crit`; each node's per-class values (if the
    /// criterion has any) are appended to `class_values`, node after node.
    pub(crate) fn build_with<C: Criterion>(
        &mut self,
        data: &TrainingData,
        crit: &C,
        weights: Option<&[f64]>,
        cfg: &TreeConfig,
        rand_r_seed: u32,
        class_values: &mut Vec<f64>,
    ) -> DecisionTreeRegressor {
        let n_rows = data.n_rows;
        if self.ones.len() != n_rows {
            self.ones = vec![1.0; n_rows];
        }
        let ones = std::mem::take(&mut self.ones);
        let w: &[f64] = match weights {
            Some(w) if w.len() == n_rows => w,
            _ => &ones,
        };
        let grown = Growth {
            data,
            crit,
            w,
            weighted: weights.is_some(),
            cfg,
        };
        let tree = self.grow(&grown, rand_r_seed, class_values);
        self.ones = ones;
        tree
    }

    fn grow<C: Criterion>(
        &mut self,
        g: &Growth<'_, C>,
        rand_r_seed: u32,
        class_values: &mut Vec<f64>,
    ) -> DecisionTreeRegressor {
        let (data, crit, w, cfg) = (g.data, g.crit, g.w, g.cfg);
        let n_rows = data.n_rows;
        let nf = data.n_features;
        // Active samples: rows with non-zero weight.
        let n = if g.weighted {
            w.iter().filter(|&&v| v != 0.0).count()
        } else {
            n_rows
        };
        self.order.clear();
        if n == n_rows {
            self.order.extend_from_slice(&data.sorted);
        } else {
            for f in 0..nf {
                let seg = &data.sorted[f * n_rows..(f + 1) * n_rows];
                self.order
                    .extend(seg.iter().copied().filter(|&r| w[r as usize] != 0.0));
            }
        }
        self.scratch.resize(n, 0);
        self.goes_left.resize(n_rows, false);
        self.skip_partition.clear();
        self.skip_partition.resize(nf, false);
        self.features.clear();
        self.features.extend(0..nf);
        self.constant_features.clear();
        self.constant_features.resize(nf, 0);
        self.stack.clear();

        let mut nodes: Vec<TreeNode> = Vec::new();
        let mut importances = vec![0.0; nf];
        if n == 0 {
            let none = crit.empty();
            crit.push_class_values(&none, 1.0, class_values);
            nodes.push(TreeNode::leaf(0.0, 0.0, 0));
            return DecisionTreeRegressor {
                n_features: nf,
                nodes,
                importances,
            };
        }
        let mut rng = RandR(rand_r_seed);
        let w_root: f64 = {
            let seg0 = &self.order[..n];
            seg0.iter().map(|&s| w[s as usize]).sum()
        };
        self.stack.push(StackRecord {
            start: 0,
            end: n,
            depth: 0,
            parent: usize::MAX,
            is_left: false,
            impurity: f64::INFINITY,
            n_constant: 0,
            stats_feature: 0,
        });
        let mut first = true;
        while let Some(rec) = self.stack.pop() {
            let (start, end) = (rec.start, rec.end);
            // Node statistics over the node's samples.
            let seg = &self.order[rec.stats_feature * n..(rec.stats_feature + 1) * n][start..end];
            let mut w_node = 0.0;
            let mut sums = crit.empty();
            for &s in seg {
                let s = s as usize;
                w_node += w[s];
                crit.add(&mut sums, s, w[s]);
            }
            let all_equal = crit.all_equal(seg);
            let n_node = end - start;
            let mut impurity = rec.impurity;
            if first {
                impurity = crit.impurity(&sums, w_node);
                first = false;
            }
            // min_samples_split already includes 2 * min_samples_leaf (TreeConfig::new).
            let is_leaf = rec.depth >= cfg.max_depth
                || n_node < cfg.min_samples_split
                || impurity <= f64::EPSILON
                || all_equal;

            let mut split = None;
            let mut n_constant = rec.n_constant;
            if !is_leaf {
                let (best, n_total_constants) =
                    self.node_split(g, &mut rng, (start, end), rec.n_constant, (&sums, w_node));
                n_constant = n_total_constants;
                split = best;
            }

            let mut children_impurity = (0.0, 0.0);
            if let Some(b) = split {
                // Children statistics, as scikit-learn's children_impurity.
                let seg = &self.order[b.feature * n + start..b.feature * n + b.pos];
                let mut w_l = 0.0;
                let mut left = crit.empty();
                for &s in seg {
                    let s = s as usize;
                    w_l += w[s];
                    crit.add(&mut left, s, w[s]);
                }
                let w_r = w_node - w_l;
                let (imp_l, imp_r) = crit.children_impurity(&left, w_l, &sums, w_node);
                let improvement = (w_node / w_root)
                    * (impurity - (w_r / w_node * imp_r) - (w_l / w_node * imp_l));
                if improvement + f64::EPSILON < 0.0 {
                    split = None;
                } else {
                    importances[b.feature] += w_node * impurity - w_l * imp_l - w_r * imp_r;
                    children_impurity = (imp_l, imp_r);
                }
            }

            let node_id = nodes.len();
            nodes.push(TreeNode::leaf(crit.value(&sums, w_node), impurity, n_node));
            crit.push_class_values(&sums, w_node, class_values);
            if rec.parent != usize::MAX {
                let p = &mut nodes[rec.parent];
                if rec.is_left {
                    p.left = node_id as u32;
                } else {
                    p.right = node_id as u32;
                }
            }

            if let Some(b) = split {
                let node = &mut nodes[node_id];
                node.feature = b.feature as u32;
                node.threshold = b.threshold;
                node.missing_left = b.missing_left;
                self.partition(nf, n, start, end, &b, n_constant);
                let (imp_l, imp_r) = children_impurity;
                self.stack.push(StackRecord {
                    start: b.pos,
                    end,
                    depth: rec.depth + 1,
                    parent: node_id,
                    is_left: false,
                    impurity: imp_r,
                    n_constant,
                    stats_feature: b.feature,
                });
                self.stack.push(StackRecord {
                    start,
                    end: b.pos,
                    depth: rec.depth + 1,
                    parent: node_id,
                    is_left: true,
                    impurity: imp_l,
                    n_constant,
                    stats_feature: b.feature,
                });
            }
        }
        for v in &mut importances {
            *v /= w_root;
        }
        DecisionTreeRegressor {
            n_features: nf,
            nodes,
            importances,
        }
    }

    /// scikit-learn's `node_split_best` / `node_split_random` on the samples `[start, end)`.
    /// Returns the split (if any) and the number of features known constant for the children.
    fn node_split<C: Criterion>(
        &mut self,
        g: &Growth<'_, C>,
        rng: &mut RandR,
        (start, end): (usize, usize),
        n_known_constants: usize,
        (node_sums, w_total): (&C::Sums, f64),
    ) -> (Option<SplitRecord>, usize) {
        let (data, crit, w, cfg) = (g.data, g.crit, g.w, g.cfg);
        let nf = data.n_features;
        let n = self.scratch.len();
        let msl = cfg.min_samples_leaf;
        let mut best: Option<SplitRecord> = None;
        let mut best_proxy = f64::NEG_INFINITY;

        let mut f_i = nf;
        let mut n_visited = 0usize;
        let mut n_found_constants = 0usize;
        let mut n_drawn_constants = 0usize;
        let mut n_total_constants = n_known_constants;

        while f_i > n_total_constants
            && (n_visited < cfg.max_features || n_visited <= n_found_constants + n_drawn_constants)
        {
            n_visited += 1;
            let mut f_j = rng.int(n_drawn_constants, f_i - n_found_constants);
            if f_j < n_known_constants {
                self.features.swap(n_drawn_constants, f_j);
                n_drawn_constants += 1;
                continue;
            }
            f_j += n_found_constants;
            let feature = self.features[f_j];
            let seg = &self.order[feature * n + start..feature * n + end];
            let col = &data.cols[feature * data.n_rows..(feature + 1) * data.n_rows];
            let lo = col[seg[0] as usize];
            let hi = col[seg[seg.len() - 1] as usize];
            if hi <= lo + FEATURE_THRESHOLD {
                self.features.swap(f_j, n_total_constants);
                n_found_constants += 1;
                n_total_constants += 1;
                continue;
            }
            f_i -= 1;
            self.features.swap(f_i, f_j);

            match cfg.splitter {
                Splitter::Best => {
                    let mut left = crit.empty();
                    let mut w_left = 0.0;
                    let mut prev = lo;
                    let len = seg.len();
                    for k in 1..len {
                        let s = seg[k - 1] as usize;
                        crit.add_for_proxy(&mut left, s, w[s]);
                        w_left += w[s];
                        let v = col[seg[k] as usize];
                        let p_prev = prev;
                        prev = v;
                        if v <= p_prev + FEATURE_THRESHOLD {
                            continue;
                        }
                        let n_left = k;
                        let n_right = len - k;
                        if n_left < msl || n_right < msl {
                            continue;
                        }
                        let proxy = crit.proxy(&left, w_left, node_sums, w_total);
                        if proxy > best_proxy {
                            best_proxy = proxy;
                            let mut threshold = p_prev / 2.0 + v / 2.0;
                            if threshold == v || threshold.is_infinite() {
                                threshold = p_prev;
                            }
                            best = Some(SplitRecord {
                                feature,
                                pos: start + k,
                                threshold,
                                missing_left: n_left > n_right,
                            });
                        }
                    }
                }
                Splitter::Random => {
                    let mut threshold = rng.uniform(lo, hi);
                    if threshold == hi {
                        threshold = lo;
                    }
                    let mut left = crit.empty();
                    let mut w_left = 0.0;
                    let mut k = 0;
                    while k < seg.len() {
                        let s = seg[k] as usize;
                        if col[s] > threshold {
                            break;
                        }
                        crit.add_for_proxy(&mut left, s, w[s]);
                        w_left += w[s];
                        k += 1;
                    }
                    let n_left = k;
                    let n_right = seg.len() - k;
                    if n_left < msl || n_right < msl {
                        continue;
                    }
                    let proxy = crit.proxy(&left, w_left, node_sums, w_total);
                    if proxy > best_proxy {
                        best_proxy = proxy;
                        best = Some(SplitRecord {
                            feature,
                            pos: start + k,
                            threshold,
                            missing_left: n_left > n_right,
                        });
                    }
                }
            }
        }

        // Keep the known constants in their original order for siblings and descendants, and
        // record the newly found ones.
        self.features[..n_known_constants]
            .copy_from_slice(&self.constant_features[..n_known_constants]);
        self.constant_features[n_known_constants..n_total_constants]
            .copy_from_slice(&self.features[n_known_constants..n_total_constants]);
        (best, n_total_constants)
    }

    /// Stably partitions every feature's segment `[start, end)` into left and right children.
    fn partition(
        &mut self,
        nf: usize,
        n: usize,
        start: usize,
        end: usize,
        b: &SplitRecord,
        n_constant: usize,
    ) {
        let best_seg = &self.order[b.feature * n + start..b.feature * n + end];
        let n_left = b.pos - start;
        for (k, &s) in best_seg.iter().enumerate() {
            self.goes_left[s as usize] = k < n_left;
        }
        // Features constant in this node stay constant (and unread) in its children.
        for v in self.skip_partition.iter_mut() {
            *v = false;
        }
        for &f in &self.constant_features[..n_constant] {
            self.skip_partition[f] = true;
        }
        for f in 0..nf {
            if f == b.feature || self.skip_partition[f] {
                continue;
            }
            let seg = &mut self.order[f * n + start..f * n + end];
            let mut l = 0;
            let mut r = 0;
            for k in 0..seg.len() {
                let s = seg[k];
                if self.goes_left[s as usize] {
                    seg[l] = s;
                    l += 1;
                } else {
                    self.scratch[r] = s;
                    r += 1;
                }
            }
            seg[l..].copy_from_slice(&self.scratch[..r]);
        }
    }
}
