//! The classification road, on the whole table: a text or boolean target's rows (those with a
//! value; the rest are counted and left out, as for regression) split with the classes' shares
//! kept (`train_test_split(stratify=y)`), the preprocessing fitted on the training rows,
//! stratified cross-validated accuracy, the final fit and the held-out metrics, each as
//! scikit-learn computes them. The configuration is the regression road's [`TrainConfig`]
//! (target, inputs, split, folds, scaling); its model is a classifier of the registry
//! (`ModelSpec::for_task` turns `tree` the regressor into `tree` the classifier).

use ndarray::{Array1, Axis};
use polars::prelude::{DataFrame, DataType};

use super::config::{resolve_features, TrainConfig};
use crate::error::{Error, Result};
use crate::modeling::class_metrics::ClassMetrics;
use crate::modeling::classify::{argmax_rows, Classes};
use crate::modeling::metrics::mean_std;
use crate::modeling::preprocess::Preprocessor;
use crate::modeling::stratified::{stratified_kfold, stratified_train_test_split};
use crate::modeling::{FittedModel, ModelSpec, PreprocessOptions, Task};
use crate::polars_ext::column_by_name;

/// The outcome of [`train_classifier`].
#[derive(Debug, Clone)]
pub struct ClassifierReport {
    /// The configuration that produced it.
    pub config: TrainConfig,
    /// The classifier and its settings.
    pub spec: ModelSpec,
    /// The target's classes, sorted (the probabilities' columns).
    pub classes: Classes,
    /// The preprocessing fitted on the training rows.
    pub preprocessor: Preprocessor,
    /// The classifier fitted on every training row.
    pub model: FittedModel,
    /// Rows trained on.
    pub rows_train: usize,
    /// Rows held out.
    pub rows_test: usize,
    /// Rows left out for having no target.
    pub rows_without_target: usize,
    /// Accuracy over the stratified folds: each fold's, then mean and standard deviation
    /// (empty with `folds` 0).
    pub cv_accuracy: Vec<f64>,
    /// Held-out metrics (None when `test_size` is 0).
    pub test: Option<ClassMetrics>,
    /// The table's rows (from 0) held out, in the order of the metrics' rows.
    pub test_rows: Vec<usize>,
}

impl ClassifierReport {
    /// Mean and standard deviation of the folds' accuracy.
    pub fn cv_mean_std(&self) -> Option<(f64, f64)> {
        (!self.cv_accuracy.is_empty()).then(|| mean_std(&self.cv_accuracy))
    }
}

/// Trains `config.model` (a classifier) on `df` as `config` says, for a text or boolean
/// target.
///
/// ```
/// use ml_workflow::modeling::train::{train_classifier, TrainConfig};
/// use polars::prelude::*;
///
/// let size: Vec<f64> = (0..60).map(f64::from).collect();
/// let kind: Vec<&str> = (0..60).map(|i| if i < 30 { "small" } else { "large" }).collect();
/// let df = df!("size" => size, "kind" => kind)?;
/// let config = TrainConfig::for_target("kind").model("logistic")?.folds(3);
/// let report = train_classifier(&df, &config)?;
/// assert_eq!(report.classes.0, ["large", "small"]);
/// assert!(report.test.expect("held-out rows").accuracy > 0.9);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn train_classifier(df: &DataFrame, config: &TrainConfig) -> Result<ClassifierReport> {
    if !config.grid.0.is_empty() {
        return Err(Error::invalid(
            "grid",
            "a classifier's grid search is not there yet; set its parameters instead",
        ));
    }
    // `tree` names both; a regressor without a classifier twin is an error naming them.
    let model = &config.model.clone().for_task(Task::Classification)?;
    let inputs = resolve_features(df, config)?;
    let (classes, codes, rows) = target_labels(df, &config.target)?;
    let names = classes.names();
    if classes.len() < 2 {
        return Err(Error::BadColumn {
            column: config.target.clone(),
            message: format!(
                "a classifier needs two classes or more; the target holds only {names:?}"
            ),
        });
    }
    let split = stratified_train_test_split(&codes, &names, config.test_size, config.seed)?;
    let table_rows =
        |positions: &[usize]| -> Vec<usize> { positions.iter().map(|&p| rows[p]).collect() };
    let (train_rows, test_rows) = (table_rows(&split.train), table_rows(&split.test));
    let options = PreprocessOptions {
        scale: config.scale,
        max_categories: config.max_categories,
        impute: true,
    };
    let (preprocessor, x_train, x_test) =
        Preprocessor::fit_split(df, &inputs, (&train_rows, &test_rows), options)?;
    let pick =
        |positions: &[usize]| -> Array1<usize> { positions.iter().map(|&p| codes[p]).collect() };
    let (y_train, y_test) = (pick(&split.train), pick(&split.test));
    let k = classes.len();

    let mut cv_accuracy = Vec::new();
    if config.folds > 0 {
        let folds = stratified_kfold(
            y_train.as_slice().unwrap_or(&[]),
            &names,
            config.folds,
            config.shuffle,
            config.seed,
        )?;
        for fold in folds {
            let fitted = model.fit_classifier(
                x_train.select(Axis(0), &fold.train).view(),
                y_train.select(Axis(0), &fold.train).view(),
                k,
            )?;
            let proba = fitted.predict_proba(x_train.select(Axis(0), &fold.test).view())?;
            let right = argmax_rows(&proba)
                .iter()
                .zip(&fold.test)
                .filter(|(p, &r)| **p == y_train[r])
                .count();
            cv_accuracy.push(right as f64 / fold.test.len() as f64);
        }
    }
    let fitted = model.fit_classifier(x_train.view(), y_train.view(), k)?;
    let test = if test_rows.is_empty() {
        None
    } else {
        let proba = fitted.predict_proba(x_test.view())?;
        let predicted = argmax_rows(&proba);
        Some(ClassMetrics::new(
            y_test.as_slice().unwrap_or(&[]),
            &predicted,
            proba.view(),
            k,
        )?)
    };
    Ok(ClassifierReport {
        config: config.clone(),
        spec: model.clone(),
        classes,
        preprocessor,
        model: fitted,
        rows_train: train_rows.len(),
        rows_test: test_rows.len(),
        rows_without_target: df.height() - rows.len(),
        cv_accuracy,
        test,
        test_rows,
    })
}

/// The target's classes and each row's code, on the rows that have a target (and those rows):
/// text, booleans or integers.
fn target_labels(df: &DataFrame, target: &str) -> Result<(Classes, Vec<usize>, Vec<usize>)> {
    let column = column_by_name(df, target)?;
    let failed = |e: polars::prelude::PolarsError| Error::invalid("target", e.to_string());
    let kept =
        |present: Vec<bool>| -> Vec<usize> { (0..present.len()).filter(|&r| present[r]).collect() };
    Ok(match column.dtype() {
        DataType::String => {
            let values: Vec<Option<&str>> = column.str().map_err(failed)?.iter().collect();
            let rows = kept(values.iter().map(Option::is_some).collect());
            let labels: Vec<&str> = values.into_iter().flatten().collect();
            let (classes, codes) = Classes::encode(&labels);
            (classes, codes, rows)
        }
        DataType::Boolean => {
            let values: Vec<Option<bool>> = column.bool().map_err(failed)?.iter().collect();
            let rows = kept(values.iter().map(Option::is_some).collect());
            let labels: Vec<bool> = values.into_iter().flatten().collect();
            let (classes, codes) = Classes::encode_booleans(&labels);
            (classes, codes, rows)
        }
        dtype if dtype.is_integer() => {
            let ints = column.cast(&DataType::Int64).map_err(failed)?;
            let values: Vec<Option<i64>> = ints.i64().map_err(failed)?.iter().collect();
            let rows = kept(values.iter().map(Option::is_some).collect());
            let labels: Vec<i64> = values.into_iter().flatten().collect();
            let (classes, codes) = Classes::encode_integers(&labels);
            (classes, codes, rows)
        }
        other => {
            return Err(Error::BadColumn {
                column: target.into(),
                message: format!(
                    "a classifier's target is text, booleans or integers; this one is {other} \
                     (a numeric target trains a regressor)"
                ),
            })
        }
    })
}
