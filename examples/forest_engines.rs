//! The two candidate engines for the `forest` classifier side by side on the same rows:
//! linfa-ensemble's `RandomForest` over linfa-trees' `DecisionTree`, and this crate's
//! `ForestClassSettings` (the regression forest's engine with Gini impurity). Each grows 100
//! fully grown trees on bootstrap samples with √features; the example prints each one's fit
//! time, held-out accuracy and log loss, and the time ratio, in one run.
//!
//! linfa-ensemble only votes, so its probabilities are taken as each class's share of the
//! trees' votes (clipped to [1e-15, 1 − 1e-15] as a log loss needs); ours are scikit-learn's
//! mean of the trees' leaf probabilities.
//!
//!     cargo run --release --example forest_engines

use std::time::Instant;

use linfa::prelude::*;
use linfa_ensemble::EnsembleLearnerParams;
use linfa_trees::DecisionTree;
use ml_workflow::modeling::trees::ForestClassSettings;
use ndarray::{Array1, Array2, Axis};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// `n` rows of `p` normal-ish features; the class is a noisy score cut into `k` bands.
fn table(n: usize, p: usize, k: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, p), |_| {
        (0..4).map(|_| rng.gen::<f64>()).sum::<f64>() - 2.0
    });
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let score = r[0] + 0.6 * r[1] * r[1] - 0.8 * r[2] + 0.5 * rng.gen::<f64>();
            ((score + 1.0).max(0.0) * k as f64 / 3.0).min(k as f64 - 1.0) as usize
        })
        .collect();
    (x, y)
}

fn accuracy(proba: &Array2<f64>, y: &Array1<usize>) -> f64 {
    let right = proba
        .rows()
        .into_iter()
        .zip(y)
        .filter(|(p, &c)| (0..p.len()).all(|j| p[j] <= p[c]))
        .count();
    right as f64 / y.len() as f64
}

fn log_loss(proba: &Array2<f64>, y: &Array1<usize>) -> f64 {
    let sum: f64 = proba
        .rows()
        .into_iter()
        .zip(y)
        .map(|(p, &c)| -p[c].clamp(1e-15, 1.0 - 1e-15).ln())
        .sum();
    sum / y.len() as f64
}

/// linfa-ensemble's forest: each class's share of the trees' votes.
fn linfa_ensemble(
    x: &Array2<f64>,
    y: &Array1<usize>,
    xt: &Array2<f64>,
    k: usize,
) -> (f64, Array2<f64>) {
    let share = ((x.ncols() as f64).sqrt().floor() / x.ncols() as f64).max(1e-9);
    let start = Instant::now();
    let model =
        EnsembleLearnerParams::new_fixed_rng(DecisionTree::params(), SmallRng::seed_from_u64(0))
            .ensemble_size(100)
            .bootstrap_proportion(1.0)
            .feature_proportion(share)
            .fit(&Dataset::new(x.clone(), y.clone()))
            .expect("linfa-ensemble fit");
    let secs = start.elapsed().as_secs_f64();
    let mut votes = Array2::<f64>::zeros((xt.nrows(), k));
    for (tree, features) in model.models.iter().zip(&model.model_features) {
        let labels: Array1<usize> = tree.predict(&xt.select(Axis(1), features));
        for (i, &c) in labels.iter().enumerate() {
            votes[[i, c]] += 1.0;
        }
    }
    votes /= model.models.len() as f64;
    (secs, votes)
}

/// This crate's forest: scikit-learn's `RandomForestClassifier` defaults.
fn own(x: &Array2<f64>, y: &Array1<usize>, xt: &Array2<f64>, k: usize) -> (f64, Array2<f64>) {
    let start = Instant::now();
    let forest = ForestClassSettings::default()
        .fit(x.view(), y.view(), k)
        .expect("own fit");
    let secs = start.elapsed().as_secs_f64();
    (secs, forest.predict_proba(xt.view()).expect("own predict"))
}

fn main() {
    println!(
        "{:<28} {:<16} {:>8} {:>9} {:>9}",
        "table", "engine", "fit s", "accuracy", "log loss"
    );
    for (name, n, p, k) in [
        ("2 classes, 20,000 x 10", 25_000, 10, 2),
        ("3 classes, 4,000 x 6", 5_000, 6, 3),
    ] {
        let (x_all, y_all) = table(n, p, k, 7);
        let cut = n * 4 / 5;
        let (x, xt) = (
            x_all.slice(ndarray::s![..cut, ..]).to_owned(),
            x_all.slice(ndarray::s![cut.., ..]).to_owned(),
        );
        let (y, yt) = (
            y_all.slice(ndarray::s![..cut]).to_owned(),
            y_all.slice(ndarray::s![cut..]).to_owned(),
        );
        let (t_linfa, p_linfa) = linfa_ensemble(&x, &y, &xt, k);
        let (t_own, p_own) = own(&x, &y, &xt, k);
        for (engine, t, proba) in [
            ("linfa-ensemble", t_linfa, &p_linfa),
            ("own (gini)", t_own, &p_own),
        ] {
            println!(
                "{name:<28} {engine:<16} {t:>8.2} {:>9.4} {:>9.4}",
                accuracy(proba, &yt),
                log_loss(proba, &yt)
            );
        }
        println!(
            "{name:<28} fit time linfa-ensemble / own: {:.2}",
            t_linfa / t_own
        );
    }
}
