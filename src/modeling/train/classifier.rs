//! The classification road, on the whole table: a text or boolean target's rows (those with a
//! value; the rest are counted and left out, as for regression) split with the classes' shares
//! kept (`train_test_split(stratify=y)`), the preprocessing fitted on the training rows,
//! stratified cross-validated accuracy, the final fit and the held-out metrics, each as
//! scikit-learn computes them. The configuration is the regression road's [`TrainConfig`]
//! (target, inputs, split, folds, scaling); the classifier is given beside it.

use ndarray::{Array1, Axis};
use polars::prelude::{DataFrame, DataType};

use super::config::{resolve_features, TrainConfig};
use crate::error::{Error, Result};
use crate::modeling::class_metrics::ClassMetrics;
use crate::modeling::classify::{Classes, ClassifierSpec, FittedClassifier};
use crate::modeling::metrics::mean_std;
use crate::modeling::preprocess::Preprocessor;
use crate::modeling::stratified::{stratified_kfold, stratified_train_test_split};
use crate::modeling::PreprocessOptions;
use crate::polars_ext::column_by_name;

/// The outcome of [`train_classifier`].
#[derive(Debug, Clone)]
pub struct ClassifierReport {
    /// The configuration that produced it.
    pub config: TrainConfig,
    /// The classifier's settings.
    pub spec: ClassifierSpec,
    /// The target's classes, sorted (the probabilities' columns).
    pub classes: Classes,
    /// The preprocessing fitted on the training rows.
    pub preprocessor: Preprocessor,
    /// The classifier fitted on every training row.
    pub model: FittedClassifier,
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

/// Trains `model` on `df` as `config` says, for a text or boolean target.
///
/// ```
/// use ml_workflow::modeling::classify::{ClassifierSpec, LogisticSettings};
/// use ml_workflow::modeling::train::{train_classifier, TrainConfig};
/// use polars::prelude::*;
///
/// let size: Vec<f64> = (0..60).map(f64::from).collect();
/// let kind: Vec<&str> = (0..60).map(|i| if i < 30 { "small" } else { "large" }).collect();
/// let df = df!("size" => size, "kind" => kind)?;
/// let model = ClassifierSpec::Logistic(LogisticSettings::default());
/// let report = train_classifier(&df, &TrainConfig::for_target("kind").folds(3), &model)?;
/// assert_eq!(report.classes.0, ["large", "small"]);
/// assert!(report.test.expect("held-out rows").accuracy > 0.9);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn train_classifier(
    df: &DataFrame,
    config: &TrainConfig,
    model: &ClassifierSpec,
) -> Result<ClassifierReport> {
    let inputs = resolve_features(df, config)?;
    let (labels, rows) = target_labels(df, &config.target)?;
    let (classes, codes) = Classes::encode(&labels);
    if classes.len() < 2 {
        return Err(Error::BadColumn {
            column: config.target.clone(),
            message: format!(
                "a classifier needs two classes or more; the target holds only {:?}",
                classes.0
            ),
        });
    }
    let split = stratified_train_test_split(&codes, &classes.0, config.test_size, config.seed)?;
    let table_rows =
        |positions: &[usize]| -> Vec<usize> { positions.iter().map(|&p| rows[p]).collect() };
    let (train_rows, test_rows) = (table_rows(&split.train), table_rows(&split.test));
    let options = PreprocessOptions {
        scale: config.scale,
        max_categories: config.max_categories,
        impute: true,
    };
    let preprocessor = Preprocessor::fit(df, &inputs, &train_rows, options)?;
    let mut x = preprocessor
        .transform_each(df, &[&train_rows, &test_rows])?
        .into_iter();
    let (Some(x_train), Some(x_test)) = (x.next(), x.next()) else {
        return Err(Error::invalid(
            "split",
            "the preprocessing lost a part of the split",
        ));
    };
    let pick =
        |positions: &[usize]| -> Array1<usize> { positions.iter().map(|&p| codes[p]).collect() };
    let (y_train, y_test) = (pick(&split.train), pick(&split.test));
    let k = classes.len();

    let mut cv_accuracy = Vec::new();
    if config.folds > 0 {
        let folds = stratified_kfold(
            y_train.as_slice().unwrap_or(&[]),
            &classes.0,
            config.folds,
            config.shuffle,
            config.seed,
        )?;
        for fold in folds {
            let fitted = model.fit(
                x_train.select(Axis(0), &fold.train).view(),
                y_train.select(Axis(0), &fold.train).view(),
                k,
            )?;
            let predicted = fitted.predict(x_train.select(Axis(0), &fold.test).view())?;
            let right = predicted
                .iter()
                .zip(&fold.test)
                .filter(|(p, &r)| **p == y_train[r])
                .count();
            cv_accuracy.push(right as f64 / fold.test.len() as f64);
        }
    }
    let fitted = model.fit(x_train.view(), y_train.view(), k)?;
    let test = if test_rows.is_empty() {
        None
    } else {
        let proba = fitted.predict_proba(x_test.view())?;
        let predicted = crate::modeling::classify::argmax_rows(&proba);
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

/// The target's labels on the rows that have one, and those rows: text as it is, booleans as
/// `false`/`true`.
fn target_labels(df: &DataFrame, target: &str) -> Result<(Vec<String>, Vec<usize>)> {
    let column = column_by_name(df, target)?;
    let values: Vec<Option<String>> = match column.dtype() {
        DataType::String => column
            .str()
            .map_err(|e| Error::invalid("target", e.to_string()))?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect(),
        DataType::Boolean => column
            .bool()
            .map_err(|e| Error::invalid("target", e.to_string()))?
            .iter()
            .map(|v| v.map(|b| b.to_string()))
            .collect(),
        other => {
            return Err(Error::BadColumn {
                column: target.into(),
                message: format!(
                    "a classifier's target is text or booleans; this one is {other} (a numeric \
                     target trains a regressor)"
                ),
            })
        }
    };
    let rows: Vec<usize> = (0..values.len()).filter(|&r| values[r].is_some()).collect();
    let labels = values.into_iter().flatten().collect();
    Ok((labels, rows))
}
