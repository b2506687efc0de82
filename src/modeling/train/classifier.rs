//! The classification road, on the whole table: a text or boolean target's rows (those with a
//! value; the rest are counted and left out, as for regression) split with the classes' shares
//! kept (`train_test_split(stratify=y)`), the preprocessing fitted on the training rows,
//! a grid searched on stratified folds (scored as `config.scoring` says), the final fit and the held-out metrics, each as
//! scikit-learn computes them. The configuration is the regression road's [`TrainConfig`]
//! (target, inputs, split, folds, grid, scoring, scaling); its model is a classifier of the
//! registry (`ModelSpec::for_task` turns `tree` the regressor into `tree` the classifier).

use ndarray::{Array2, ArrayView1};
use polars::prelude::{DataFrame, DataType};

use super::config::{resolve_features, TrainConfig};
use crate::error::{Error, Result};
use crate::modeling::class_metrics::ClassMetrics;
use crate::modeling::classify::{
    argmax_rows, class_grid_search, class_spot_check, ClassData, ClassSearch, ClassSpotCheck,
    Classes,
};
use crate::modeling::preprocess::Preprocessor;
use crate::modeling::registry::spot_check_models_for;
use crate::modeling::split::Split;
use crate::modeling::stratified::{stratified_kfold, stratified_train_test_split};
use crate::modeling::{FittedModel, ModelSpec, PreprocessOptions, Task};
use crate::polars_ext::column_by_name;

/// A classification table made ready for fitting: the classes, the stratified split, the
/// preprocessing fitted on the training rows and both sides' features and class codes. The
/// notebooks use it for the classifiers' spot check before training one.
#[derive(Debug, Clone)]
pub struct ClassPrepared {
    /// The target's classes, sorted (the probabilities' columns).
    pub classes: Classes,
    /// The preprocessing fitted on the training rows.
    pub preprocessor: Preprocessor,
    /// Training features.
    pub x_train: Array2<f64>,
    /// Held-out features.
    pub x_test: Array2<f64>,
    /// Training class codes.
    pub y_train: Vec<usize>,
    /// Held-out class codes.
    pub y_test: Vec<usize>,
    /// The table's rows (from 0) of the training side, in order.
    pub train_rows: Vec<usize>,
    /// The table's rows (from 0) held out, in order.
    pub test_rows: Vec<usize>,
    /// Rows left out for having no target.
    pub rows_without_target: usize,
}

impl ClassPrepared {
    /// Reads the target's classes, splits with the classes' shares kept and fits the
    /// preprocessing on the training rows.
    pub fn new(df: &DataFrame, config: &TrainConfig) -> Result<ClassPrepared> {
        let inputs = resolve_features(df, config)?;
        let (classes, codes, rows) = target_labels(df, &config.target)?;
        let names = classes.names();
        two_classes(&classes, &config.target)?;
        let split = stratified_train_test_split(&codes, &names, config.test_size, config.seed)?;
        let table_rows = |positions: &[usize]| positions.iter().map(|&p| rows[p]).collect();
        let (train_rows, test_rows): (Vec<usize>, Vec<usize>) =
            (table_rows(&split.train), table_rows(&split.test));
        let options = PreprocessOptions {
            scale: config.scale && !config.model.handles_missing(),
            max_categories: config.max_categories,
            impute: !config.model.handles_missing(),
        };
        let (preprocessor, x_train, x_test) =
            Preprocessor::fit_split(df, &inputs, (&train_rows, &test_rows), options)?;
        let pick = |positions: &[usize]| positions.iter().map(|&p| codes[p]).collect();
        Ok(ClassPrepared {
            y_train: pick(&split.train),
            y_test: pick(&split.test),
            classes,
            preprocessor,
            x_train,
            x_test,
            train_rows,
            test_rows,
            rows_without_target: df.height() - rows.len(),
        })
    }

    /// The training side as a search's data.
    fn data(&self) -> ClassData<'_> {
        ClassData {
            x: self.x_train.view(),
            y: &self.y_train,
            n_classes: self.classes.len(),
        }
    }

    /// `StratifiedKFold` of the training rows as the configuration asks.
    fn folds(&self, config: &TrainConfig) -> Result<Vec<Split>> {
        stratified_kfold(
            &self.y_train,
            &self.classes.names(),
            config.folds,
            config.shuffle,
            config.seed,
        )
    }

    /// Every classifier of the registry, with scikit-learn's defaults, through the
    /// configuration's stratified folds, scored by its `scoring`.
    pub fn spot_check(&self, config: &TrainConfig) -> Result<ClassSpotCheck> {
        let models = spot_check_models_for(Task::Classification, u64::from(config.seed));
        class_spot_check(&models, self.data(), &self.folds(config)?, config.scoring)
    }
}

/// The outcome of [`train_classifier`].
#[derive(Debug, Clone)]
pub struct ClassifierReport {
    /// The configuration that produced it.
    pub config: TrainConfig,
    /// The classifier and its settings (the grid's best).
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
    /// The cross-validated scores of each setting of the grid (one row without a grid; none
    /// with `folds` 0).
    pub search: ClassSearch,
    /// Held-out metrics (None when `test_size` is 0).
    pub test: Option<ClassMetrics>,
    /// The table's rows (from 0) held out, in the order of the metrics' rows.
    pub test_rows: Vec<usize>,
    /// The held-out rows' classes (codes), in the order of `test_rows`.
    pub test_actual: Vec<usize>,
    /// The held-out rows' probabilities, one column per class.
    pub test_proba: Array2<f64>,
}

impl ClassifierReport {
    /// Mean and standard deviation of the best setting's fold scores (by
    /// `config.scoring`), if cross-validated.
    pub fn cv_mean_std(&self) -> Option<(f64, f64)> {
        self.search.best_result().map(|r| (r.mean, r.std))
    }
}

/// Trains `config.model` (a classifier) on `df` as `config` says, for a text, boolean or
/// integer target: a grid searched on stratified folds by `config.scoring`, the best setting
/// refitted on every training row, then scored on the held-out rows.
///
/// ```
/// use ml_workflow::modeling::train::{train_classifier, TrainConfig};
/// use polars::prelude::*;
///
/// let size: Vec<f64> = (0..60).map(f64::from).collect();
/// let kind: Vec<&str> = (0..60).map(|i| if i < 30 { "small" } else { "large" }).collect();
/// let df = df!("size" => size, "kind" => kind)?;
/// let config = TrainConfig::for_target("kind")
///     .model("logistic")?
///     .grid("C", [0.1, 1.0, 10.0])
///     .scoring("neg_log_loss")?
///     .folds(3);
/// let report = train_classifier(&df, &config)?;
/// assert_eq!(report.classes.0, ["large", "small"]);
/// assert_eq!(report.search.results.len(), 3);
/// assert!(report.test.expect("held-out rows").accuracy > 0.9);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn train_classifier(df: &DataFrame, config: &TrainConfig) -> Result<ClassifierReport> {
    // `tree` names both; a regressor without a classifier twin is an error naming them.
    let model = config.model.clone().for_task(Task::Classification)?;
    let model = model.with_seed(u64::from(config.seed));
    let data = ClassPrepared::new(df, config)?;
    let search = if config.folds == 0 {
        if !config.grid.0.is_empty() {
            return Err(Error::invalid(
                "folds",
                "a grid needs cross-validation: give --folds 2 or more",
            ));
        }
        ClassSearch::skipped(&model, config.scoring)
    } else {
        let folds = data.folds(config)?;
        class_grid_search(
            &model,
            &config.grid,
            data.data(),
            &folds,
            config.scoring,
            None,
        )?
    };
    let spec = search.best.clone();
    let k = data.classes.len();
    let fitted = spec.fit_classifier(data.x_train.view(), ArrayView1::from(&data.y_train), k)?;
    let (test, test_proba) = if data.test_rows.is_empty() {
        (None, Array2::zeros((0, k)))
    } else {
        let proba = fitted.predict_proba(data.x_test.view())?;
        let predicted = argmax_rows(proba.view());
        let metrics = ClassMetrics::new(&data.y_test, &predicted, proba.view(), k)?;
        (Some(metrics), proba)
    };
    Ok(ClassifierReport {
        config: config.clone(),
        spec,
        classes: data.classes,
        preprocessor: data.preprocessor,
        model: fitted,
        rows_train: data.train_rows.len(),
        rows_test: data.test_rows.len(),
        rows_without_target: data.rows_without_target,
        search,
        test,
        test_rows: data.test_rows,
        test_actual: data.y_test,
        test_proba,
    })
}

/// An error naming `target` when it holds fewer than two classes.
pub(super) fn two_classes(classes: &Classes, target: &str) -> Result<()> {
    if classes.len() < 2 {
        return Err(Error::BadColumn {
            column: target.to_string(),
            message: format!(
                "a classifier needs two classes or more; the target holds only {:?}",
                classes.names()
            ),
        });
    }
    Ok(())
}

/// The target's classes and each row's code, on the rows that have a target (and those rows):
/// text, booleans or integers.
pub(super) fn target_labels(
    df: &DataFrame,
    target: &str,
) -> Result<(Classes, Vec<usize>, Vec<usize>)> {
    let column = column_by_name(df, target)?;
    super::config::no_rows(df)?;
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
