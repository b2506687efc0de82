//! Gradient boosting with log loss (scikit-learn's `GradientBoostingClassifier`): the
//! regressor's CART trees (`builder.rs`, squared error) fitted to the negative gradient of the
//! log loss, each leaf then set to one Newton step, as scikit-learn's
//! `_update_terminal_regions` sets it.
//!
//! Two classes: one tree per stage on `y − p` (the second class's log-odds; a leaf's value is
//! `Σ(y − p) / Σ p(1 − p)` over its in-bag rows). More: one tree per class per stage on
//! `[y = k] − p_k` with every class's gradient taken at the start of the stage, the leaf value
//! scaled by `(K − 1)/K` as scikit-learn's is. The raw scores start at the class shares'
//! log-odds (or `log p_k` less their mean), as `fit_intercept_only` starts them; a leaf whose
//! hessian sum is below 1e-150 stays at 0 (`_safe_divide`). The stage's random numbers (the
//! subsample and each tree's splitter seed) are drawn as the regressor draws them
//! (`boosting.rs`), the splitter seeds one per class in class order, as scikit-learn's trees
//! draw them from the one `random_state`.

use linfa::ParamGuard;
use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::boosting::GbmSettings;
use super::builder::{TrainingData, TreeBuilder, TreeConfig};
use super::log_loss::{
    binomial, scores_per_iteration, softmax, staged_probabilities, starting_scores, Staged,
};
use super::params::{Splitter, TreeError};
use super::tree::DecisionTreeRegressor;
use crate::error::{Error, Result};
use crate::modeling::sklearn_rng::NumpyRandomState;
use crate::numpy_sum::pairwise_sum;

/// The hessian sum below which a leaf's Newton step is 0 (scikit-learn's `_safe_divide`).
const TINY_HESSIAN: f64 = 1e-150;

/// A fitted gradient boosting classifier: per class, `init + learning_rate · Σ trees`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(try_from = "RawGbmClassifier", into = "RawGbmClassifier")]
pub struct GradientBoostingClassifier {
    n_features: usize,
    n_classes: usize,
    init: Vec<f64>,
    learning_rate: f64,
    trees: Vec<Vec<DecisionTreeRegressor>>,
}

/// Serialized form, checked on load.
#[derive(Serialize, Deserialize, Clone)]
struct RawGbmClassifier {
    n_features: usize,
    n_classes: usize,
    init: Vec<f64>,
    learning_rate: f64,
    trees: Vec<Vec<DecisionTreeRegressor>>,
}

impl TryFrom<RawGbmClassifier> for GradientBoostingClassifier {
    type Error = TreeError;

    fn try_from(raw: RawGbmClassifier) -> std::result::Result<Self, TreeError> {
        let per_stage = scores_per_iteration(raw.n_classes);
        if raw.n_classes < 2 || raw.init.len() != per_stage {
            return Err(TreeError::InvalidModel(format!(
                "{} starting scores for {} classes",
                raw.init.len(),
                raw.n_classes
            )));
        }
        if !raw.learning_rate.is_finite() || raw.init.iter().any(|v| !v.is_finite()) {
            return Err(TreeError::InvalidModel(
                "a starting score or the learning rate is not finite".into(),
            ));
        }
        for (i, stage) in raw.trees.iter().enumerate() {
            if stage.len() != per_stage || stage.iter().any(|t| t.n_features() != raw.n_features) {
                return Err(TreeError::InvalidModel(format!(
                    "stage {i} does not hold {per_stage} trees of {} features",
                    raw.n_features
                )));
            }
        }
        Ok(GradientBoostingClassifier {
            n_features: raw.n_features,
            n_classes: raw.n_classes,
            init: raw.init,
            learning_rate: raw.learning_rate,
            trees: raw.trees,
        })
    }
}

impl From<GradientBoostingClassifier> for RawGbmClassifier {
    fn from(m: GradientBoostingClassifier) -> Self {
        RawGbmClassifier {
            n_features: m.n_features,
            n_classes: m.n_classes,
            init: m.init,
            learning_rate: m.learning_rate,
            trees: m.trees,
        }
    }
}

impl GbmSettings {
    /// Fits a classifier on rows `x` and class codes `y` (`0..n_classes`).
    pub fn fit_classifier(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        n_classes: usize,
    ) -> Result<GradientBoostingClassifier> {
        let name = "gbm";
        let fail = |e: TreeError| Error::model(name, e);
        if n_classes < 2 || y.len() != x.nrows() || y.iter().any(|&c| c >= n_classes) {
            return Err(Error::model(
                name,
                "one class code per row, below the number of classes (two or more)",
            ));
        }
        // Checked as the regressor's are; the trees grow as the regressor's.
        let params = self.params().check().map_err(fail)?;
        let data = TrainingData::new(&x).map_err(fail)?;
        let cfg = TreeConfig::new(
            params.max_depth(),
            params.min_samples_split(),
            params.min_samples_leaf(),
            &params.max_features(),
            Splitter::Best,
            data.n_features(),
        )
        .map_err(fail)?;
        Ok(self.boost(&data, &cfg, &y.to_vec(), n_classes))
    }

    /// The stages, one after the other.
    fn boost(
        &self,
        data: &TrainingData,
        cfg: &TreeConfig,
        y: &[usize],
        n_classes: usize,
    ) -> GradientBoostingClassifier {
        let n = data.n_rows();
        let k = scores_per_iteration(n_classes);
        let init = starting_scores(y, n_classes, &vec![1.0; n_classes]);
        // Raw scores, row-major: raw[i * k + c].
        let mut raw: Vec<f64> = (0..n).flat_map(|_| init.iter().copied()).collect();
        let mut residual = vec![vec![0.0; n]; k];
        let do_subsample = self.subsample < 1.0;
        let n_inbag = ((self.subsample * n as f64) as usize).max(1);
        let mut mask = vec![1.0; n];
        let mut rng = NumpyRandomState::from_u64(self.seed);
        let mut builder = TreeBuilder::new();
        let mut row = Vec::with_capacity(data.n_features());
        let mut trees = Vec::with_capacity(self.n_estimators);
        let scale = if k == 1 {
            1.0
        } else {
            (n_classes - 1) as f64 / n_classes as f64
        };
        for _ in 0..self.n_estimators {
            if do_subsample {
                sample_mask(&mut rng, &mut mask, n_inbag);
            }
            negative_gradients(&raw, y, k, &mut residual);
            let mut stage = Vec::with_capacity(k);
            for (class, r) in residual.iter().enumerate() {
                let split_seed = rng.splitter_seed();
                let weights = do_subsample.then_some(mask.as_slice());
                let mut tree = builder.build(data, r, weights, cfg, split_seed);
                let leaves: Vec<usize> = (0..n)
                    .map(|i| {
                        data.row_into(i, &mut row);
                        tree.leaf_index(|f| row[f])
                    })
                    .collect();
                // The class this tree scores: the second for two classes.
                let positive = if k == 1 { 1 } else { class };
                let step = Newton {
                    leaves: &leaves,
                    residual: r,
                    mask: &mask,
                    scale,
                };
                step.set_leaves(&mut tree, |i| y[i] == positive);
                for (i, &leaf) in leaves.iter().enumerate() {
                    raw[i * k + class] += self.learning_rate * tree.nodes[leaf].value;
                }
                stage.push(tree);
            }
            trees.push(stage);
        }
        GradientBoostingClassifier {
            n_features: data.n_features(),
            n_classes,
            init,
            learning_rate: self.learning_rate,
            trees,
        }
    }
}

/// scikit-learn's `_random_sample_mask`: `n` uniforms first, then selection sampling of
/// `n_inbag` rows (weight 1; the others 0).
fn sample_mask(rng: &mut NumpyRandomState, mask: &mut [f64], n_inbag: usize) {
    let n = mask.len();
    let uniforms: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let mut n_bagged = 0usize;
    for (i, (m, &u)) in mask.iter_mut().zip(&uniforms).enumerate() {
        let take = u * ((n - i) as f64) < (n_inbag - n_bagged) as f64;
        *m = if take { 1.0 } else { 0.0 };
        n_bagged += usize::from(take);
    }
}

/// Every row's negative gradient for each raw score: `[y = k] − p_k` (two classes: `y − p`).
fn negative_gradients(raw: &[f64], y: &[usize], k: usize, out: &mut [Vec<f64>]) {
    let mut p = vec![0.0; k];
    for (i, &c) in y.iter().enumerate() {
        let scores = &raw[i * k..(i + 1) * k];
        if k == 1 {
            out[0][i] = -binomial(scores[0], c == 1).0;
            continue;
        }
        softmax(scores, &mut p);
        for (class, (o, &pc)) in out.iter_mut().zip(&p).enumerate() {
            o[i] = if class == c { 1.0 } else { 0.0 } - pc;
        }
    }
}

/// One tree's rows for its Newton step: each row's leaf, residual and in-bag weight, and the
/// multiclass factor.
struct Newton<'a> {
    leaves: &'a [usize],
    residual: &'a [f64],
    mask: &'a [f64],
    scale: f64,
}

impl Newton<'_> {
    /// Sets each leaf to `scale · mean(r) / mean(p(1 − p))` over its in-bag rows, where
    /// `p = y − r` (`y` 1 for the rows `positive` says) is recovered from the residual, each
    /// mean numpy's pairwise sum over the rows in order, as scikit-learn's `np.average`.
    fn set_leaves(&self, tree: &mut DecisionTreeRegressor, positive: impl Fn(usize) -> bool) {
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); tree.nodes.len()];
        for (i, (&leaf, &m)) in self.leaves.iter().zip(self.mask).enumerate() {
            if m != 0.0 {
                rows[leaf].push(i);
            }
        }
        let (mut r, mut h) = (Vec::new(), Vec::new());
        for (node, rows) in tree.nodes.iter_mut().zip(&rows) {
            if !node.is_leaf() || rows.is_empty() {
                continue;
            }
            r.clear();
            h.clear();
            for &i in rows {
                let p = if positive(i) { 1.0 } else { 0.0 } - self.residual[i];
                r.push(self.residual[i]);
                h.push(p * (1.0 - p));
            }
            let n = rows.len() as f64;
            let numerator = pairwise_sum(&r) / n * self.scale;
            let denominator = pairwise_sum(&h) / n;
            node.value = if denominator.abs() < TINY_HESSIAN {
                0.0
            } else {
                numerator / denominator
            };
        }
    }
}

impl GradientBoostingClassifier {
    /// Number of features the model takes.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Stages fitted.
    pub fn n_estimators(&self) -> usize {
        self.trees.len()
    }

    /// Each row's class probabilities, `[n_rows, n_classes]`.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let mut stages = self.predict_proba_stages(x, &[self.trees.len()])?;
        stages
            .pop()
            .ok_or_else(|| Error::model("gbm", "no stage predicted"))
    }

    /// The probabilities of the model truncated to each number of stages in `stages` (0: the
    /// starting scores), in the order given: each equals a model fitted with that many.
    pub fn predict_proba_stages(
        &self,
        x: ArrayView2<f64>,
        stages: &[usize],
    ) -> Result<Vec<Array2<f64>>> {
        let model = Staged {
            model: "gbm",
            n_features: self.n_features,
            n_classes: self.n_classes,
            start: &self.init,
            n_stages: self.trees.len(),
        };
        staged_probabilities(model, x, stages, |stage, raw| {
            for (mut scores, row) in raw.rows_mut().into_iter().zip(x.rows()) {
                for (s, tree) in scores.iter_mut().zip(&self.trees[stage]) {
                    let leaf = tree.leaf_index(|f| row[f]);
                    *s += self.learning_rate * tree.nodes[leaf].value;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    /// Three features and a class from a noisy rule over them.
    fn table(n: usize, n_classes: usize) -> (Array2<f64>, Array1<usize>) {
        let x = Array2::from_shape_fn((n, 3), |(i, f)| ((i * (7 + 5 * f) + f * 13) % 101) as f64);
        let y = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let s = r[0] / 101.0 + 0.5 * (r[1] / 101.0) + 0.3 * ((i * 31 % 17) as f64 / 17.0);
                ((s * n_classes as f64 / 1.8) as usize).min(n_classes - 1)
            })
            .collect();
        (x, y)
    }

    #[test]
    fn stages_equal_shorter_fits_and_probabilities_sum_to_one() {
        for n_classes in [2, 3] {
            let (x, y) = table(400, n_classes);
            let settings = GbmSettings {
                n_estimators: 12,
                subsample: 0.8,
                ..GbmSettings::default()
            };
            let full = settings
                .fit_classifier(x.view(), y.view(), n_classes)
                .unwrap();
            let short = GbmSettings {
                n_estimators: 5,
                ..settings.clone()
            }
            .fit_classifier(x.view(), y.view(), n_classes)
            .unwrap();
            let staged = full.predict_proba_stages(x.view(), &[12, 5]).unwrap();
            assert_eq!(staged[1], short.predict_proba(x.view()).unwrap());
            for row in staged[0].rows() {
                assert!((row.sum() - 1.0).abs() < 1e-12);
            }
            let start = full.predict_proba_stages(x.view(), &[0]).unwrap();
            let loss = |p: &Array2<f64>| -> f64 {
                -y.iter()
                    .enumerate()
                    .map(|(i, &c)| p[[i, c]].ln())
                    .sum::<f64>()
                    / 400.0
            };
            assert!(loss(&staged[0]) < 0.7 * loss(&start[0]), "{n_classes}");
        }
    }

    #[test]
    fn a_saved_model_loads_and_a_broken_one_is_refused() {
        let (x, y) = table(200, 3);
        let model = GbmSettings {
            n_estimators: 3,
            ..GbmSettings::default()
        }
        .fit_classifier(x.view(), y.view(), 3)
        .unwrap();
        let text = serde_json::to_string(&model).unwrap();
        let back: GradientBoostingClassifier = serde_json::from_str(&text).unwrap();
        assert_eq!(back, model);
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["init"] = serde_json::json!([0.0]);
        let err = serde_json::from_value::<GradientBoostingClassifier>(value).unwrap_err();
        assert!(
            err.to_string().contains("1 starting scores for 3 classes"),
            "{err}"
        );
    }
}
