//! Training, by one road whichever the caller: [`train_from`] takes the table from a
//! [`ColumnSource`] (a frame, or a CSV opened by `ingest::CsvColumns`) and decides once how to
//! hold it:
//!
//! - **whole** (`matrix.rs`): the notebook's pipeline on the `f64` matrices (every model,
//!   cross-validation and grids);
//! - **a column at a time** (`by_column.rs`): histogram boosting fitted once, each input column
//!   fitted, encoded and binned, then let go; the report is the whole road's to the bit;
//! - **streamed** (`streamed.rs`): on that road, a source that streams (a large CSV) hands its
//!   numeric columns a chunk of rows at a time, binned as they come.
//!
//! A text or boolean target is classified (`classifier.rs`, [`train_classifier`]): the whole
//! table, stratified split and folds, a classifier from `modeling::classify`; histogram
//! boosting fitted once takes the column road there too (`class_columns.rs`).
//!
//! What every road shares lives beside them: the configuration and report (`config.rs`), the
//! source (`source.rs`), and the column road's row sets and bins (`bins.rs`). [`train`] and
//! [`train_owned`] are the road for a frame.

mod bins;
mod by_column;
mod class_columns;
mod classifier;
mod config;
mod matrix;
mod source;
mod streamed;

use indicatif::ProgressBar;
use polars::prelude::DataFrame;

pub use by_column::{binned_spec, train_binned};
pub use class_columns::train_binned_classifier;
pub use classifier::{train_classifier, ClassPrepared, ClassifierReport};
pub use config::{
    resolve_features, resolve_inputs, target_values, TargetValues, TrainConfig, TrainReport,
};
pub use matrix::Prepared;
pub use source::{default_value_budget, ColumnSource, FrameColumns, NumberVisit};

use crate::error::Result;

/// Trains `config` on the table `source` holds, by the road that suits it (see the module
/// docs); `progress` advances with the grid search.
pub fn train_from(
    source: &mut dyn ColumnSource,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
    if binned_spec(config)?.is_some() {
        return train_binned(source, config);
    }
    matrix::train_frame(source.take_all()?, config, progress)
}

/// What [`train_source`] trained: a regressor's report or a classifier's.
#[derive(Debug, Clone)]
pub enum Trained {
    /// A numeric target.
    Regression(Box<TrainReport>),
    /// A text, boolean or integer target and a classifier.
    Classification(Box<ClassifierReport>),
}

/// Trains `config` on `source` by the task its model names: a classifier on the whole table
/// ([`train_classifier`]), a regressor by [`train_from`]'s roads.
pub fn train_source(
    source: &mut dyn ColumnSource,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<Trained> {
    if config.model.task() == crate::modeling::Task::Classification {
        if binned_spec(config)?.is_some() {
            return Ok(Trained::Classification(Box::new(train_binned_classifier(
                source, config,
            )?)));
        }
        let df = source.take_all()?;
        return Ok(Trained::Classification(Box::new(train_classifier(
            &df, config,
        )?)));
    }
    Ok(Trained::Regression(Box::new(train_from(
        source, config, progress,
    )?)))
}

/// Trains `config` on `df` (see [`train_from`]); the frame is not changed.
///
/// ```
/// use ml_workflow::modeling::train::{train, TrainConfig};
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
    // A frame's clone shares its columns' memory: nothing is copied.
    train_owned(df.clone(), config, progress)
}

/// [`train`] on a frame it owns, let go of as soon as the road allows (at a million rows the
/// frame is 168 MB): once the matrices are built, or column by column as they are binned.
pub fn train_owned(
    df: DataFrame,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
    train_from(&mut FrameColumns::new(df), config, progress)
}

/// The whole road for any model, even one the column road would take: for comparing the
/// roads (their reports are equal to the bit).
pub fn train_whole(
    df: DataFrame,
    config: &TrainConfig,
    progress: Option<&ProgressBar>,
) -> Result<TrainReport> {
    matrix::train_frame(df, config, progress)
}
