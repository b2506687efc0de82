//! The whole-table road, the notebook's modeling pipeline headless: select input columns →
//! check the target → split → fit the preprocessing (imputer, scaler, one-hot encoder:
//! [`crate::modeling::preprocess`]) on the training rows → cross-validated grid search → final
//! fit → held-out evaluation.

use std::time::Instant;

use indicatif::ProgressBar;
use ndarray::{Array1, Array2, Axis};
use polars::prelude::DataFrame;

use super::config::{resolve_features, target_values, TrainConfig, TrainReport};
use crate::error::{Error, Result};
use crate::modeling::evaluation::Evaluation;
use crate::modeling::preprocess::{PreprocessOptions, Preprocessor};
use crate::modeling::registry::spot_check_models;
use crate::modeling::search::{grid_search, spot_check, GridSearch, SpotCheck};
use crate::modeling::split::{train_test_split, KFold, Split};

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
    /// The table's rows (counted from 0) held out, in the order of `x_test`.
    pub test_rows: Vec<usize>,
    /// Rows left out because they have no target.
    pub rows_without_target: usize,
}

impl Prepared {
    /// Picks, splits and preprocesses `df` as `config` says.
    pub fn new(df: &DataFrame, config: &TrainConfig) -> Result<Prepared> {
        let inputs = resolve_features(df, config)?;
        let target = target_values(df, &config.target)?;
        // The split draws among the rows with a target, as scikit-learn does after dropna.
        let split = train_test_split(target.values.len(), config.test_size, config.seed)?;
        let (train_rows, test_rows) = (
            target.table_rows(&split.train),
            target.table_rows(&split.test),
        );
        let y = Array1::from(target.values);
        let options = PreprocessOptions {
            // Histogram boosting bins each feature by rank: scaling would change nothing but
            // memory, so it is skipped for it (the chapter's GBM keeps its scaler for parity).
            scale: config.scale && !config.model.handles_missing(),
            max_categories: config.max_categories,
            impute: !config.model.handles_missing(),
        };
        let (preprocessor, x_train, x_test) =
            Preprocessor::fit_split(df, &inputs, (&train_rows, &test_rows), options)?;
        Ok(Prepared {
            x_train,
            y_train: y.select(Axis(0), &split.train),
            x_test,
            y_test: y.select(Axis(0), &split.test),
            test_rows,
            rows_without_target: target.without_target,
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

/// The whole-table road: the frame dropped as soon as the model's matrices are built, so that
/// a big table is not held through the fit beside them (at a million rows the frame is 168 MB);
/// then search, final fit and held-out evaluation.
pub(super) fn train_frame(
    df: DataFrame,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
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
        rows_without_target: data.rows_without_target,
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
