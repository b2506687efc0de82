//! One histogram tree, grown leaf-wise (best-first) on binned features, as scikit-learn's
//! `TreeGrower` and LightGBM grow theirs: the leaf whose best split gains most is split next,
//! until `max_leaf_nodes` leaves (or no split gains).
//!
//! What makes it fast: a node's gradient histogram (sum and count per bin and feature) is built
//! once, row by row from a row-major copy of the bins (`histogram.rs`); only the smaller
//! child's histogram is built, the larger one is the parent's minus it (the subtraction
//! trick); the root's is built once per fit and carried from tree to tree
//! ([`RootHistogram`]); bins are `u8`. Reading a node's bins at its rows is a gather the
//! hardware cannot predict, so the loops that do it (the histogram and the partition,
//! `partition.rs`) ask for the bins some rows ahead (`prefetch.rs`).
//!
//! A split's gain is `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`; a leaf's value is `−G/(H+λ)`
//! times the learning rate. Squared error has a constant hessian of 1, so its hessian sums
//! are counts (the histogram's [`Slot`] is `Bin`); log loss sums hessians too (`HessBin`), and
//! each side of a split needs a hessian sum of at least 1e-3, as scikit-learn's
//! `min_hessian_to_split`. Missing values (the last bin) are sent to whichever side gains more when the
//! feature had missing values in training; otherwise to the child with more rows, as
//! scikit-learn does.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binning::{BinMapper, Binned};
use super::histogram::{column_histogram, node_histogram, RowBins, Slot, BINS};
use super::partition::{partition, SplitRule};

/// A node of a fitted histogram tree.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistNode {
    /// The feature split on (0 for a leaf).
    pub feature: u32,
    /// Values `<= threshold` go left (+∞: every value; JSON writes it as `"inf"`).
    #[serde(with = "threshold_json")]
    pub threshold: f64,
    /// The bin split on: bins `<= bin` go left (for binned data).
    pub bin: u8,
    /// Where a missing value goes.
    pub missing_left: bool,
    /// Children (0 for a leaf).
    pub left: u32,
    /// Right child.
    pub right: u32,
    /// A leaf's contribution (learning rate included); 0 for a split.
    pub value: f64,
    /// Training rows that reached the node (scikit-learn's `count`), what SHAP values weigh
    /// the two sides of a split by; 0 in artifacts written before it was kept.
    #[serde(default)]
    pub count: u32,
}

/// A threshold in JSON: a number, or `"inf"` for the split that sends every value left and
/// the gaps right (JSON has no infinity; `serde_json` would write `null`, which no reader
/// takes back).
mod threshold_json {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &f64, out: S) -> Result<S::Ok, S::Error> {
        if *value == f64::INFINITY {
            out.serialize_str("inf")
        } else {
            out.serialize_f64(*value)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<f64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Threshold {
            Number(f64),
            Text(String),
        }
        match Threshold::deserialize(input)? {
            Threshold::Number(v) => Ok(v),
            Threshold::Text(t) if t == "inf" => Ok(f64::INFINITY),
            Threshold::Text(t) => Err(D::Error::custom(format!(
                "a threshold is a number or \"inf\", not {t:?}"
            ))),
        }
    }
}

impl HistNode {
    /// Whether the node is a leaf.
    #[inline]
    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }
}

/// A fitted histogram tree: nodes, root first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistTree {
    /// The nodes; children come after their parent.
    pub nodes: Vec<HistNode>,
}

impl HistTree {
    /// The leaf value for a row of raw feature values (NaN = missing).
    #[inline]
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let mut i = 0;
        loop {
            let node = &self.nodes[i];
            if node.is_leaf() {
                return node.value;
            }
            let x = row[node.feature as usize];
            let left = if x.is_nan() {
                node.missing_left
            } else {
                x <= node.threshold
            };
            i = if left { node.left } else { node.right } as usize;
        }
    }

    /// The tree laid out for scoring binned rows ([`BinnedWalk::add`]), built once per tree
    /// and used for every block of rows.
    pub fn binned_walk(&self) -> BinnedWalk {
        BinnedWalk {
            nodes: self
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| WalkNode::of(n, i))
                .collect(),
            steps: self.depth(),
        }
    }

    /// The most splits from the root to a leaf.
    pub fn depth(&self) -> usize {
        // Children come after their parent, so one pass in order finds every node's depth.
        let mut depth = vec![0usize; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if !node.is_leaf() {
                let below = depth[i] + 1;
                for child in [node.left, node.right] {
                    if let Some(d) = depth.get_mut(child as usize) {
                        *d = below;
                    }
                }
            }
        }
        depth.into_iter().max().unwrap_or(0)
    }

    /// Checks node links and features, for a tree read from a file.
    pub fn check(&self, n_features: usize) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 {
            return Err("a tree has no nodes".into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if node.is_leaf() {
                continue;
            }
            let (l, r) = (node.left as usize, node.right as usize);
            if l <= i || r <= i || l >= n || r >= n || node.feature as usize >= n_features {
                return Err(format!(
                    "node {i} links outside its tree or to a missing feature"
                ));
            }
        }
        Ok(())
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }
}

/// A tree as binned rows are scored through it. Branch-free: a leaf is its own child (every
/// bin goes "left", to itself), so each row takes as many steps as the tree is deep and the
/// only branch is the loop's; four rows walk side by side, so that their loads overlap.
pub struct BinnedWalk {
    nodes: Vec<WalkNode>,
    steps: usize,
}

impl BinnedWalk {
    /// Adds the leaf value of rows `first..first + acc.len()` of binned data to `acc`: bins up
    /// to a node's `bin` go left, the missing bin as the node says (the same leaf
    /// [`HistTree::predict_row`] finds from the raw values).
    pub fn add(&self, binned: &Binned, missing_bin: u8, first: usize, acc: &mut [f64]) {
        const LANES: usize = 4;
        let mut chunks = acc.chunks_exact_mut(LANES);
        let mut r = first;
        for lanes in &mut chunks {
            self.add_lanes(binned, missing_bin, r, lanes);
            r += LANES;
        }
        let rest = chunks.into_remainder();
        self.add_lanes(binned, missing_bin, r, rest);
    }

    /// Rows `first..first + acc.len()` walked side by side.
    #[inline]
    fn add_lanes(&self, binned: &Binned, missing_bin: u8, first: usize, acc: &mut [f64]) {
        let column = |f: u32| &binned.bins[f as usize * binned.n_rows..][..binned.n_rows];
        let mut at = [0u32; 4];
        let at = &mut at[..acc.len().min(4)];
        for _ in 0..self.steps {
            for (j, i) in at.iter_mut().enumerate() {
                let node = &self.nodes[*i as usize];
                let b = column(node.feature)[first + j];
                let left =
                    (b == missing_bin && node.missing_left) | (b != missing_bin && b <= node.bin);
                *i = if left { node.left } else { node.right };
            }
        }
        for (a, &i) in acc.iter_mut().zip(at.iter()) {
            *a += self.nodes[i as usize].value;
        }
    }
}

/// A node as [`BinnedWalk`] walks it: a leaf sends every bin to itself.
struct WalkNode {
    feature: u32,
    bin: u8,
    missing_left: bool,
    left: u32,
    right: u32,
    /// A leaf's value (0 for a split).
    value: f64,
}

impl WalkNode {
    fn of(node: &HistNode, i: usize) -> WalkNode {
        if node.is_leaf() {
            let me = u32::try_from(i).unwrap_or(0);
            return WalkNode {
                feature: 0,
                bin: u8::MAX,
                missing_left: true,
                left: me,
                right: me,
                value: node.value,
            };
        }
        WalkNode {
            feature: node.feature,
            bin: node.bin,
            missing_left: node.missing_left,
            left: node.left,
            right: node.right,
            value: 0.0,
        }
    }
}

/// What a tree may grow to.
#[derive(Debug, Clone, Copy)]
pub struct GrowthLimits {
    /// Most leaves (None: unlimited).
    pub max_leaf_nodes: Option<usize>,
    /// Deepest leaf (None: unlimited).
    pub max_depth: Option<usize>,
    /// Fewest rows in a leaf.
    pub min_samples_leaf: usize,
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// Shrinkage applied to leaf values.
    pub learning_rate: f64,
}

/// The best split of a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    bin: u8,
    missing_left: bool,
}

/// A leaf of the tree being grown: its rows `samples[start..end]`, sums and histogram.
struct Leaf<S> {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    g: f64,
    h: f64,
    hist: Vec<S>,
    split: Option<Split>,
}

/// The fewest hessians each side of a split sums to (scikit-learn's `min_hessian_to_split`);
/// squared error's sums are counts of at least one row, so it only ever limits log loss.
const MIN_HESSIAN: f64 = 1e-3;

/// The root's histogram from one tree to the next. Built once from every row, it is then
/// carried forward: after a tree a row's gradient (prediction minus target, for squared error)
/// moves by its leaf's value, so a bin's gradient sum moves by each leaf's value times the
/// leaf's count in that bin. That reads the 31 leaves' histograms instead of every row and
/// feature (at a million rows, 0.7 s of a fit); the sums differ from rebuilt ones by rounding
/// only (tested).
#[derive(Debug, Default)]
pub struct RootHistogram<S>(Option<Vec<S>>);

impl<S: Slot> RootHistogram<S> {
    /// No histogram yet: the first tree builds it.
    pub fn new() -> Self {
        RootHistogram(None)
    }

    /// The root's histogram for the gradients `g`: the carried one, or built from every row.
    fn take(&mut self, binned: &Binned, n_features: usize, g: &[S::Row]) -> Vec<S> {
        self.0
            .take()
            .unwrap_or_else(|| column_histogram(binned, n_features, g))
    }

    /// The next tree's root histogram: this tree's, each bin's sum moved by the leaves' values.
    fn carry(&mut self, mut hist: Vec<S>, leaves: &[Leaf<S>], values: &[f64]) {
        for (leaf, &value) in leaves.iter().zip(values) {
            for (h, l) in hist.iter_mut().zip(&leaf.hist) {
                h.carry(value, l);
            }
        }
        self.0 = Some(hist);
    }
}

/// Working space one tree leaves to the next, so that a fit does not allocate (and give back)
/// a training set's worth of it per tree: the partition's scratch rows, and spent histograms
/// (80 KB each for 20 features: the last tree's leaves', a large node's chunks') for the next
/// nodes.
#[derive(Debug, Default)]
pub struct GrowBuffers<S> {
    scratch: Vec<u32>,
    histograms: Vec<Vec<S>>,
}

impl<S: Slot> GrowBuffers<S> {
    /// A histogram of `len` empty bins, reusing a spent one when there is one.
    fn histogram(&mut self, len: usize) -> Vec<S> {
        let mut hist = self.histograms.pop().unwrap_or_default();
        hist.clear();
        hist.resize(len, S::default());
        hist
    }
}

/// The training rows' bins in both layouts: column by column for what reads one feature (the
/// root's histogram, the partition), row by row for the nodes' histograms.
#[derive(Debug, Clone, Copy)]
pub struct TrainingBins<'a> {
    /// Column-major.
    pub columns: &'a Binned,
    /// The same bins, row-major ([`RowBins::of`] the columns).
    pub rows: &'a RowBins,
}

/// Grows one tree on `bins` for the gradients `g`; `samples` must hold `0..n_rows` in any
/// order and is left partitioned by leaf; `root` is carried from the previous tree (see
/// [`RootHistogram`]). Returns the tree and each leaf's range of `samples` with its value, for
/// updating the training predictions.
pub fn grow<S: Slot>(
    bins: TrainingBins,
    mapper: &BinMapper,
    g: &[S::Row],
    samples: &mut [u32],
    limits: GrowthLimits,
    root: &mut RootHistogram<S>,
    buffers: &mut GrowBuffers<S>,
) -> (HistTree, Vec<(usize, usize, f64)>) {
    let binned = bins.columns;
    let n_features = mapper.thresholds.len();
    let mut nodes = vec![HistNode {
        count: u32::try_from(samples.len()).unwrap_or(u32::MAX),
        ..leaf_node()
    }];
    let root_hist = root.take(binned, n_features, g);
    let carried = S::CARRIES.then(|| {
        let mut carried = buffers.histogram(root_hist.len());
        carried.copy_from_slice(&root_hist);
        carried
    });
    // The root's sums, row by row: any feature's bins sum to them too, but with other
    // rounding, which can tip a tie between splits on a small table (a child's totals come
    // from its first feature's bins, as scikit-learn's do).
    let root_sum = g.iter().fold(S::default(), |mut sum, &row| {
        sum.add(row);
        sum
    });
    let mut leaves = vec![Leaf {
        node: 0,
        start: 0,
        end: samples.len(),
        depth: 0,
        g: root_sum.g(),
        h: root_sum.h(),
        hist: root_hist,
        split: None,
    }];
    leaves[0].split = best_split(&leaves[0], binned, mapper, limits);
    let max_leaves = limits.max_leaf_nodes.unwrap_or(usize::MAX);
    buffers.scratch.resize(samples.len(), 0);
    while leaves.len() < max_leaves {
        let Some(pick) = leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.split.map(|s| (i, s.gain)))
            .fold(None, |best: Option<(usize, f64)>, (i, gain)| match best {
                Some((_, b)) if b >= gain => best,
                _ => Some((i, gain)),
            })
            .map(|(i, _)| i)
        else {
            break;
        };
        let parent = leaves.swap_remove(pick);
        let Some(split) = parent.split else { break };
        let (left, right) =
            split_leaf(parent, split, bins, mapper, g, samples, buffers, &mut nodes);
        for mut child in [left, right] {
            let deep = limits.max_depth.is_some_and(|d| child.depth >= d);
            let small = child.end - child.start < 2 * limits.min_samples_leaf;
            child.split = if deep || small {
                None
            } else {
                best_split(&child, binned, mapper, limits)
            };
            leaves.push(child);
        }
    }
    let mut ranges = Vec::with_capacity(leaves.len());
    for leaf in &leaves {
        let value = -leaf.g / (leaf.h + limits.l2) * limits.learning_rate;
        nodes[leaf.node].value = value;
        ranges.push((leaf.start, leaf.end, value));
    }
    if let Some(carried) = carried {
        let values: Vec<f64> = ranges.iter().map(|r| r.2).collect();
        root.carry(carried, &leaves, &values);
    }
    buffers
        .histograms
        .extend(leaves.into_iter().map(|leaf| leaf.hist));
    (HistTree { nodes }, ranges)
}

fn leaf_node() -> HistNode {
    HistNode {
        feature: 0,
        threshold: 0.0,
        bin: 0,
        missing_left: false,
        left: 0,
        right: 0,
        value: 0.0,
        count: 0,
    }
}

/// The best split of a leaf over every feature (the first feature wins a tie).
fn best_split<S: Slot>(
    leaf: &Leaf<S>,
    binned: &Binned,
    mapper: &BinMapper,
    limits: GrowthLimits,
) -> Option<Split> {
    let n = (leaf.end - leaf.start) as f64;
    let parent_score = leaf.g * leaf.g / (leaf.h + limits.l2);
    let per_feature: Vec<Option<Split>> = (0..mapper.thresholds.len())
        .into_par_iter()
        .map(|f| {
            feature_split(
                &leaf.hist[f * BINS..(f + 1) * BINS],
                f,
                mapper,
                binned.has_missing[f],
                [leaf.g, leaf.h, n],
                parent_score,
                limits,
            )
        })
        .collect();
    per_feature
        .into_iter()
        .flatten()
        .fold(None, |best: Option<Split>, s| match best {
            Some(b) if b.gain >= s.gain => Some(b),
            _ => Some(s),
        })
}

/// The best split of one feature: bins left to right with missing values right, then (when
/// the feature had missing values in training) right to left with missing values left. The
/// last value bin with missing values right sends every value left and the gaps right; its
/// threshold is +∞, as scikit-learn's.
#[allow(clippy::too_many_arguments)]
fn feature_split<S: Slot>(
    hist: &[S],
    feature: usize,
    mapper: &BinMapper,
    has_missing: bool,
    [g, h, n]: [f64; 3],
    parent_score: f64,
    limits: GrowthLimits,
) -> Option<Split> {
    let n_bins = mapper.n_bins(feature);
    let min_leaf = limits.min_samples_leaf as f64;
    let score = |g: f64, h: f64| g * g / (h + limits.l2);
    let mut best: Option<Split> = None;
    let mut consider = |[gl, hl, nl]: [f64; 3], bin: usize, missing_left: bool| {
        let (gr, hr, nr) = (g - gl, h - hl, n - nl);
        if nl < min_leaf || nr < min_leaf || hl < MIN_HESSIAN || hr < MIN_HESSIAN {
            return;
        }
        let gain = score(gl, hl) + score(gr, hr) - parent_score;
        if gain > 0.0 && best.is_none_or(|b| gain > b.gain) {
            best = Some(Split {
                gain,
                feature,
                bin: u8::try_from(bin).unwrap_or(u8::MAX),
                missing_left,
            });
        }
    };
    let mut left = S::default();
    for (b, slot) in hist.iter().enumerate().take(n_bins) {
        left.merge(slot);
        consider([left.g(), left.h(), left.n()], b, false);
    }
    if has_missing {
        // Right to left, the right side's sums added bin by bin, as scikit-learn scans: of
        // two bins that make the same partition (an empty bin between them), the higher wins.
        let mut right = S::default();
        for b in (0..n_bins.saturating_sub(1)).rev() {
            right.merge(&hist[b + 1]);
            consider([g - right.g(), h - right.h(), n - right.n()], b, true);
        }
    }
    best
}

/// Splits a leaf: partitions its rows, records the split node, and gives both children with
/// their histograms (the smaller one built, the larger one subtracted from the parent's).
#[allow(clippy::too_many_arguments)] // the grower's state, passed apart so borrows stay disjoint
fn split_leaf<S: Slot>(
    parent: Leaf<S>,
    split: Split,
    training: TrainingBins,
    mapper: &BinMapper,
    g: &[S::Row],
    samples: &mut [u32],
    buffers: &mut GrowBuffers<S>,
    nodes: &mut Vec<HistNode>,
) -> (Leaf<S>, Leaf<S>) {
    let binned = training.columns;
    let f = split.feature;
    let bins = binned.feature(f);
    let rule = SplitRule {
        bin: split.bin,
        missing_bin: mapper.missing_bin(),
        missing_left: split.missing_left,
    };
    let rows = &mut samples[parent.start..parent.end];
    let scratch = &mut buffers.scratch[..rows.len()];
    let mid = parent.start + partition(rows, scratch, bins, rule);
    let n_left = mid - parent.start;
    let n_right = parent.end - mid;
    // A feature without missing values in training sends them to the child with more rows.
    let missing_left = if binned.has_missing[f] {
        split.missing_left
    } else {
        n_left > n_right
    };
    let (left_id, right_id) = (nodes.len(), nodes.len() + 1);
    nodes[parent.node] = HistNode {
        feature: u32::try_from(f).unwrap_or(u32::MAX),
        threshold: mapper.thresholds[f]
            .get(split.bin as usize)
            .copied()
            .unwrap_or(f64::INFINITY),
        bin: split.bin,
        missing_left,
        left: u32::try_from(left_id).unwrap_or(u32::MAX),
        right: u32::try_from(right_id).unwrap_or(u32::MAX),
        value: 0.0,
        count: nodes[parent.node].count,
    };
    let counted = |n: usize| HistNode {
        count: u32::try_from(n).unwrap_or(u32::MAX),
        ..leaf_node()
    };
    nodes.push(counted(n_left));
    nodes.push(counted(n_right));
    let n_features = mapper.thresholds.len();
    let left_smaller = n_left <= n_right;
    let (small_start, small_end) = if left_smaller {
        (parent.start, mid)
    } else {
        (mid, parent.end)
    };
    let hist = buffers.histogram(n_features * BINS);
    let small_hist = node_histogram(
        training.rows,
        g,
        &samples[small_start..small_end],
        hist,
        &mut buffers.histograms,
    );
    let mut large_hist = parent.hist;
    for (l, s) in large_hist.iter_mut().zip(&small_hist) {
        l.remove(s);
    }
    let small_g: f64 = small_hist[..BINS].iter().map(|b| b.g()).sum();
    let small_h: f64 = small_hist[..BINS].iter().map(|b| b.h()).sum();
    let (left_hist, right_hist, left_g, left_h) = if left_smaller {
        (small_hist, large_hist, small_g, small_h)
    } else {
        (
            large_hist,
            small_hist,
            parent.g - small_g,
            parent.h - small_h,
        )
    };
    let child = |node, start, end, g, h, hist| Leaf {
        node,
        start,
        end,
        depth: parent.depth + 1,
        g,
        h,
        hist,
        split: None,
    };
    (
        child(left_id, parent.start, mid, left_g, left_h, left_hist),
        child(
            right_id,
            mid,
            parent.end,
            parent.g - left_g,
            parent.h - left_h,
            right_hist,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::trees::histogram::Bin;

    #[test]
    fn the_carried_root_histogram_equals_one_built_from_every_row() {
        let n = 6_000;
        let mut state = 11u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let cells: Vec<f64> = (0..n * 3)
            .map(|k| if k % 97 == 0 { f64::NAN } else { next() })
            .collect();
        let x = ndarray::Array2::from_shape_vec((n, 3), cells).expect("matrix");
        let y: Vec<f64> = x
            .rows()
            .into_iter()
            .map(|r| {
                let v = |x: f64| if x.is_nan() { 0.5 } else { x };
                10.0 * v(r[0]).max(0.2) + (5.0 * v(r[1])).sin() + next()
            })
            .collect();
        let mapper = BinMapper::fit(x.view(), 255, 200_000, 0);
        let binned = mapper.transform(x.view());
        let limits = GrowthLimits {
            max_leaf_nodes: Some(31),
            max_depth: None,
            min_samples_leaf: 20,
            l2: 0.0,
            learning_rate: 0.1,
        };
        let mut raw = vec![y.iter().sum::<f64>() / n as f64; n];
        let mut samples: Vec<u32> = (0..n as u32).collect();
        let mut root = RootHistogram::<Bin>::new();
        let rows = RowBins::of(&binned);
        let bins = TrainingBins {
            columns: &binned,
            rows: &rows,
        };
        for _ in 0..10 {
            let g: Vec<f64> = raw.iter().zip(&y).map(|(f, t)| f - t).collect();
            let (_, leaves) = grow(
                bins,
                &mapper,
                &g,
                &mut samples,
                limits,
                &mut root,
                &mut GrowBuffers::default(),
            );
            for (start, end, value) in leaves {
                for &i in &samples[start..end] {
                    raw[i as usize] += value;
                }
            }
        }
        let g: Vec<f64> = raw.iter().zip(&y).map(|(f, t)| f - t).collect();
        let rebuilt = column_histogram::<Bin>(&binned, 3, &g);
        let carried = root.0.expect("carried after a tree");
        assert_eq!(carried.len(), rebuilt.len());
        let scale: f64 = g.iter().map(|v| v.abs()).sum();
        for (c, r) in carried.iter().zip(&rebuilt) {
            assert_eq!(c.n, r.n);
            assert!(
                (c.g - r.g).abs() <= 1e-12 * scale,
                "{} against {}",
                c.g,
                r.g
            );
        }
        // Not the same numbers by construction: the rebuilt gradients are far from the first.
        assert!(rebuilt.iter().any(|b| b.g.abs() > 1.0));
    }
}
