//! The notebook's modeling pipeline, headless: select input columns → check the target → split
//! → fit the preprocessing (imputer, scaler, one-hot encoder: [`super::preprocess`]) on the
//! training rows → cross-validated grid search → final fit → held-out evaluation.

use std::time::Instant;

use indicatif::ProgressBar;
use ndarray::{Array1, Array2, Axis};
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::evaluation::Evaluation;
use super::metrics::Metrics;
use super::preprocess::{PreprocessOptions, Preprocessor, DEFAULT_MAX_CATEGORIES};
use super::registry::{spot_check_models, FittedModel, ModelSpec, ParamSet};
use super::search::{grid_search, spot_check, Grid, GridSearch, SpotCheck};
use super::split::{train_test_split, KFold, Split};
use crate::error::{Error, Result};
use crate::polars_ext::{column_by_name, column_names};

/// Everything that decides a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Target column.
    pub target: String,
    /// Input columns in order (empty: every column but the target and `drop`); text and
    /// boolean columns are one-hot encoded, numeric ones imputed and scaled.
    pub features: Vec<String>,
    /// Columns left out of the inputs (`--drop`).
    #[serde(default)]
    pub drop: Vec<String>,
    /// The most distinct values a text column may have ([`DEFAULT_MAX_CATEGORIES`]).
    #[serde(default = "default_max_categories")]
    pub max_categories: usize,
    /// The model and its hyperparameters (grid values override them).
    pub model: ModelSpec,
    /// Hyperparameter grid searched by cross-validation (empty: cross-validate the model as is).
    pub grid: Grid,
    /// Number of cross-validation folds (0: no cross-validation, one fit).
    pub folds: usize,
    /// Shuffle rows before cutting folds (scikit-learn's `KFold(shuffle=True)`).
    pub shuffle: bool,
    /// Seed of the split, the shuffle and the model.
    pub seed: u32,
    /// Share of rows held out for the final evaluation (0: none).
    pub test_size: f64,
    /// Standardise numeric columns with a scaler fitted on the training rows.
    pub scale: bool,
    /// Parameters of the final fit, if not the best setting (the chapter fits 400 stages).
    pub final_params: Option<ParamSet>,
}

fn default_max_categories() -> usize {
    DEFAULT_MAX_CATEGORIES
}

impl TrainConfig {
    /// Defaults for any CSV: every column but the target, GBM, 10 folds.
    pub fn for_target(target: &str) -> TrainConfig {
        TrainConfig {
            target: target.into(),
            features: vec![],
            drop: vec![],
            max_categories: DEFAULT_MAX_CATEGORIES,
            model: ModelSpec::gbm(),
            grid: Grid::default(),
            folds: 10,
            shuffle: false,
            seed: 0,
            test_size: 0.2,
            scale: true,
            final_params: None,
        }
    }
}

/// The outcome of a training run: everything the CLI prints and the artifact stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainReport {
    /// The configuration that produced it.
    pub config: TrainConfig,
    /// The model's features, in the order it takes them (encoded names: `city_north`).
    pub features: Vec<String>,
    /// Rows used for training.
    pub rows_train: usize,
    /// Rows held out.
    pub rows_test: usize,
    /// The preprocessing fitted on the training rows.
    pub preprocessor: Preprocessor,
    /// Cross-validation of every grid setting.
    pub search: GridSearch,
    /// The spec of the final model.
    pub final_spec: ModelSpec,
    /// The final model, fitted on all training rows.
    pub model: FittedModel,
    /// Held-out metrics (None when `test_size` is 0).
    pub test: Option<Metrics>,
    /// Held-out actual and predicted values.
    pub evaluation: Option<Evaluation>,
    /// Seconds spent in cross-validation.
    pub seconds_cv: f64,
    /// Seconds spent in the final fit.
    pub seconds_fit: f64,
}

/// The input columns: those named, or every column but the target; `drop` removed either way.
/// Each must exist, and the target cannot be one.
pub fn resolve_features(df: &DataFrame, config: &TrainConfig) -> Result<Vec<String>> {
    resolve_inputs(&column_names(df), config)
}

/// [`resolve_features`] for a table with columns `names`.
pub fn resolve_inputs(names: &[String], config: &TrainConfig) -> Result<Vec<String>> {
    for name in config.features.iter().chain(&config.drop) {
        if !names.contains(name) {
            return Err(Error::MissingColumn {
                name: name.clone(),
                available: names.join(", "),
            });
        }
    }
    let chosen = if config.features.is_empty() {
        names
            .iter()
            .filter(|c| **c != config.target)
            .cloned()
            .collect()
    } else {
        config.features.clone()
    };
    let features: Vec<String> = chosen
        .into_iter()
        .filter(|c| !config.drop.contains(c))
        .collect();
    if features.is_empty() {
        return Err(Error::invalid(
            "features",
            "no input columns left besides the target",
        ));
    }
    if features.contains(&config.target) {
        return Err(Error::invalid(
            "features",
            format!("the target {:?} cannot also be a feature", config.target),
        ));
    }
    Ok(features)
}

/// The target as numbers: it must be a numeric column with no missing value; the error names
/// the rows at fault (counted from 0, as pandas numbers them).
pub fn target_values(df: &DataFrame, target: &str) -> Result<Vec<f64>> {
    let column = column_by_name(df, target)?;
    let bad = |message: String| Error::BadColumn {
        column: target.into(),
        message: format!("the target must be numbers with no gaps: {message}"),
    };
    if column.dtype().is_primitive_numeric() {
        // Gaps as NaN: 8 bytes a row, not an `Option`'s 16 (a big table's target is read here).
        let values = crate::polars_ext::column_gaps_as_nan(df, target)?;
        let missing: Vec<usize> = (0..values.len()).filter(|&r| values[r].is_nan()).collect();
        if !missing.is_empty() {
            return Err(bad(format!(
                "{} missing at {}; drop or fill those rows",
                plural(missing.len(), "value"),
                rows_list(&missing)
            )));
        }
        let infinite: Vec<usize> = (0..values.len())
            .filter(|&r| values[r].is_infinite())
            .collect();
        if !infinite.is_empty() {
            return Err(bad(format!("infinite at {}", rows_list(&infinite))));
        }
        return Ok(values);
    }
    if let Ok(text) = column.str() {
        let offending: Vec<(usize, &str)> = text
            .iter()
            .enumerate()
            .filter_map(|(r, v)| {
                v.filter(|t| t.trim().parse::<f64>().is_err())
                    .map(|t| (r, t))
            })
            .take(5)
            .collect();
        if offending.is_empty() {
            return Err(bad(
                "it is a text column (its values look like numbers: cast it to a number type)"
                    .into(),
            ));
        }
        let shown: Vec<String> = offending
            .iter()
            .map(|(r, t)| format!("row {r} ({t:?})"))
            .collect();
        return Err(bad(format!("it holds text, at {}", shown.join(", "))));
    }
    Err(bad(format!("it is {}", column.dtype())))
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `row 4` or `rows 4, 9, 17 and 12 more`.
fn rows_list(rows: &[usize]) -> String {
    let shown: Vec<String> = rows.iter().take(10).map(usize::to_string).collect();
    let more = rows.len().saturating_sub(shown.len());
    let word = if rows.len() == 1 { "row" } else { "rows" };
    if more == 0 {
        format!("{word} {}", shown.join(", "))
    } else {
        format!("{word} {} and {more} more", shown.join(", "))
    }
}

/// The data as the pipeline models it: inputs picked, rows split, preprocessing fitted on the
/// training rows and applied to both parts.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The model's features, in order (encoded names).
    pub features: Vec<String>,
    /// The preprocessing fitted on the training rows.
    pub preprocessor: Preprocessor,
    /// Preprocessed training rows.
    pub x_train: Array2<f64>,
    /// Training targets.
    pub y_train: Array1<f64>,
    /// Preprocessed held-out rows.
    pub x_test: Array2<f64>,
    /// Held-out targets.
    pub y_test: Array1<f64>,
}

impl Prepared {
    /// Picks, splits and preprocesses `df` as `config` says.
    pub fn new(df: &DataFrame, config: &TrainConfig) -> Result<Prepared> {
        let inputs = resolve_features(df, config)?;
        let y = Array1::from(target_values(df, &config.target)?);
        let split = train_test_split(df.height(), config.test_size, config.seed)?;
        let options = PreprocessOptions {
            // Histogram boosting bins each feature by rank: scaling would change nothing but
            // memory, so it is skipped for it (the chapter's GBM keeps its scaler for parity).
            scale: config.scale && !config.model.handles_missing(),
            max_categories: config.max_categories,
            impute: !config.model.handles_missing(),
        };
        let preprocessor = Preprocessor::fit(df, &inputs, &split.train, options)?;
        let mut x = preprocessor
            .transform_each(df, &[&split.train, &split.test])?
            .into_iter();
        let (Some(x_train), Some(x_test)) = (x.next(), x.next()) else {
            return Err(Error::invalid(
                "split",
                "the preprocessing lost a part of the split",
            ));
        };
        Ok(Prepared {
            x_train,
            y_train: y.select(Axis(0), &split.train),
            x_test,
            y_test: y.select(Axis(0), &split.test),
            features: preprocessor.feature_names.clone(),
            preprocessor,
        })
    }

    /// The configuration's folds over the training rows.
    pub fn folds(&self, config: &TrainConfig) -> Result<Vec<Split>> {
        self.kfold(config).splits(self.x_train.nrows())
    }

    fn kfold(&self, config: &TrainConfig) -> KFold {
        KFold {
            n_splits: config.folds,
            shuffle: config.shuffle,
            seed: config.seed,
        }
    }

    /// Every model of the chapter's spot check through the configuration's folds.
    pub fn spot_check(&self, config: &TrainConfig) -> Result<SpotCheck> {
        let models = spot_check_models(u64::from(config.seed));
        spot_check(
            &models,
            self.x_train.view(),
            self.y_train.view(),
            &self.kfold(config),
        )
    }
}

/// Runs the pipeline on `df`; `progress` advances with the grid search.
///
/// ```
/// use ml_workflow::modeling::pipeline::{train, TrainConfig};
/// use ml_workflow::modeling::ModelSpec;
/// use ml_workflow::polars_ext::from_columns;
///
/// let x: Vec<f64> = (0..50).map(f64::from).collect();
/// let y: Vec<f64> = x.iter().map(|v| 2.0 * v - 1.0).collect();
/// let df = from_columns(vec![("x".into(), x), ("y".into(), y)])?;
/// let mut config = TrainConfig::for_target("y");
/// config.model = ModelSpec::Linear;
/// let report = train(&df, &config, None)?;
/// assert_eq!((report.rows_train, report.rows_test), (40, 10));
/// assert!(report.test.expect("held-out rows").r2 > 0.999);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn train(
    df: &DataFrame,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
    train_prepared(Prepared::new(df, config)?, config, progress)
}

/// [`train`] on a frame it owns, dropped as soon as the model's matrices are built, so that a
/// big table is not held through the fit beside them (at a million rows the frame is 168 MB).
/// Histogram boosting fitted once (see [`super::binned::binned_spec`]) never builds the
/// matrices: the frame's columns are binned and dropped a few at a time
/// ([`super::binned::train_binned`]), with the same result.
pub fn train_owned(
    df: DataFrame,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
    if super::binned::binned_spec(config)?.is_some() {
        return super::binned::train_binned(&mut super::binned::FrameColumns::new(df), config);
    }
    let data = Prepared::new(&df, config)?;
    drop(df);
    train_prepared(data, config, progress)
}

/// The pipeline after the preparation: search, final fit, held-out evaluation.
fn train_prepared(
    data: Prepared,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
    let started = Instant::now();
    let spec = config.model.clone().with_seed(u64::from(config.seed));
    // `folds` 0: one fit on the training rows, as a user trains once on a big table.
    let search = if config.folds == 0 {
        if !config.grid.0.is_empty() {
            return Err(Error::invalid(
                "folds",
                "a grid needs cross-validation: give --folds 2 or more",
            ));
        }
        GridSearch::skipped(&spec)
    } else {
        let folds = data.folds(config)?;
        grid_search(
            &spec,
            &config.grid,
            data.x_train.view(),
            data.y_train.view(),
            &folds,
            progress,
        )?
    };
    let seconds_cv = started.elapsed().as_secs_f64();

    let mut final_spec = search.best.clone();
    for (k, v) in config.final_params.iter().flatten() {
        final_spec.set(k, *v)?;
    }
    let started = Instant::now();
    let model = final_spec.fit(data.x_train.view(), data.y_train.view())?;
    let seconds_fit = started.elapsed().as_secs_f64();

    let evaluation = if data.y_test.is_empty() {
        None
    } else {
        let predicted = model.predict(data.x_test.view())?;
        Some(Evaluation::new(
            config.target.clone(),
            data.y_test.to_vec(),
            predicted.to_vec(),
        ))
    };
    Ok(TrainReport {
        config: config.clone(),
        rows_train: data.y_train.len(),
        rows_test: data.y_test.len(),
        features: data.features,
        preprocessor: data.preprocessor,
        search,
        final_spec,
        model,
        test: evaluation.as_ref().map(Evaluation::metrics),
        evaluation,
        seconds_cv,
        seconds_fit,
    })
}

impl TrainReport {
    /// The final parameters the configuration fixed that differ from the search's best setting
    /// (the chapter's 400 stages after a search that picked 200), or None when the final model
    /// is the best setting refitted, as scikit-learn's `GridSearchCV(refit=True)` does.
    pub fn final_override(&self) -> Option<ParamSet> {
        let none = ParamSet::new();
        let best = self.search.best_result().map_or(&none, |b| &b.params);
        let fixed: ParamSet = self
            .config
            .final_params
            .iter()
            .flatten()
            .filter(|(k, v)| best.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        (!fixed.is_empty()).then_some(fixed)
    }

    /// The held-out evaluation, or an error saying the run held no rows out.
    pub fn evaluation(&self) -> Result<&Evaluation> {
        self.evaluation
            .as_ref()
            .ok_or_else(|| Error::invalid("evaluation", "this run held out no rows (test_size 0)"))
    }
}
