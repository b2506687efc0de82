//! Histogram boosting's training on a big table, a few columns at a time. The model only ever
//! reads its features as `u8` bins, so the pipeline's `f64` matrices (8 bytes a cell, twice:
//! the frame and the matrix) are never built: each input column is fitted (median or
//! categories, on the training rows, as [`Preprocessor::fit`] fits it), encoded, cut at its
//! bin thresholds (on the subsample [`BinMapper::fit`] would draw) and binned for the fit,
//! validation and held-out rows, then let go before the next few columns are read. The
//! held-out rows are scored from their bins too ([`HistGradientBoostingRegressor::predict_binned`]).
//!
//! The columns come from a [`ColumnSource`]: a frame whose columns are dropped as they are
//! binned ([`FrameColumns`]), or a CSV file (the command line's `train --csv`:
//! `ingest::CsvColumns`) read a few columns per pass, so that memory holds the bins plus those
//! few columns. A source that streams (a large CSV file) hands its numeric columns' values
//! over a chunk of rows at a time instead, binned as they come (`modeling::bin_stream`); only
//! its other columns are then taken whole.
//!
//! The result is the pipeline's, to the bit (tested): the same preprocessing, thresholds,
//! trees and held-out predictions as [`super::train`] with the same configuration.

use std::time::Instant;

use polars::prelude::{Column, DataFrame};
use rayon::prelude::*;

use super::bins::{BinnedColumn, ColumnErrors, FeatureBins, Rows};
use super::config::{resolve_inputs, target_values, TargetValues, TrainConfig, TrainReport};
use super::source::ColumnSource;
use super::streamed::bin_streamed;
use crate::error::{Error, Result};
use crate::modeling::evaluation::Evaluation;
use crate::modeling::preprocess::{ColumnFeatures, ColumnScratch, PreprocessOptions, Preprocessor};
use crate::modeling::registry::{FittedModel, ModelSpec};
use crate::modeling::search::GridSearch;
use crate::modeling::split::train_test_split;
use crate::modeling::trees::binning::{
    bin_value, feature_thresholds, subsample_rows, BinMapper, Binned, BINNING_SUBSAMPLE,
};
use crate::modeling::trees::{
    HistGradientBoostingRegressor, HistGradientBoostingRegressorValidParams,
};
use crate::table::InputColumn;

/// Whether `config` trains a column at a time here: histogram boosting fitted once (no
/// cross-validation, no grid). The final spec when it does.
pub fn binned_spec(config: &TrainConfig) -> Result<Option<ModelSpec>> {
    if config.folds != 0 || !config.grid.0.is_empty() {
        return Ok(None);
    }
    let mut spec = config.model.clone().with_seed(u64::from(config.seed));
    for (k, v) in config.final_params.iter().flatten() {
        spec.set(k, *v)?;
    }
    Ok(matches!(
        spec,
        ModelSpec::HistGbm(_) | ModelSpec::HistGbmClassifier(_)
    )
    .then_some(spec))
}

/// Trains `config` (histogram boosting, one fit: see [`binned_spec`]) on the columns of
/// `source`, a few at a time; the report equals [`super::train`]'s.
///
/// ```
/// use ml_workflow::modeling::train::{train_binned, FrameColumns};
/// use ml_workflow::modeling::train::{train_whole, TrainConfig};
/// use ml_workflow::modeling::ModelSpec;
/// use ml_workflow::polars_ext::from_columns;
///
/// let x: Vec<f64> = (0..300).map(|i| f64::from(i % 37)).collect();
/// let y: Vec<f64> = x.iter().map(|v| (v * 0.3).sin()).collect();
/// let df = from_columns(vec![("x".into(), x), ("y".into(), y)])?;
/// let mut config = TrainConfig::for_target("y");
/// config.model = ModelSpec::hist_gbm();
/// config.folds = 0;
/// let whole = train_whole(df.clone(), &config, None)?;
/// let binned = train_binned(&mut FrameColumns::new(df), &config)?;
/// assert_eq!(binned.test, whole.test);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn train_binned(source: &mut dyn ColumnSource, config: &TrainConfig) -> Result<TrainReport> {
    let spec = column_road_spec(config)?;
    let params = spec.hist_gbm_params()?;
    let mut target = None;
    let table = bin_table(source, config, params.max_bins(), |frame| {
        let values = target_values(frame, &config.target)?;
        let rows = split_rows(&values, config, &params)?;
        let without = values.without_target;
        target = Some((values.into_table_values(frame.height()), without));
        Ok(rows)
    })?;
    let (y, without_target) = target.ok_or_else(|| Error::invalid("target", "not read"))?;
    let BinnedTable {
        preprocessor,
        mapper,
        fit,
        validation,
        test,
        rows,
        mut clock,
        started,
    } = table;
    // Each set's targets, then the whole column and the row lists let go before the fit.
    let pick = |set: &[usize]| set.iter().map(|&r| y[r]).collect::<Vec<f64>>();
    let validation = (!rows.validation.is_empty()).then(|| (validation, pick(&rows.validation)));
    let (y_fit, y_test) = (pick(rows.fit()), pick(&rows.test));
    let (rows_train, rows_test) = (rows.train.len(), rows.test.len());
    drop((y, rows));
    let model = timed(&mut clock.fit, || {
        params.fit_binned(&mapper, &fit, &y_fit, validation.as_ref())
    })
    .map_err(|e| Error::model(spec.name(), e))?;
    let seconds_fit = started.elapsed().as_secs_f64();
    drop((fit, y_fit));
    let evaluation = timed(&mut clock.evaluate, || {
        evaluate(&model, &mapper, &test, y_test, config)
    })?;
    clock.log();
    Ok(TrainReport {
        config: config.clone(),
        features: preprocessor.feature_names.clone(),
        rows_train,
        rows_test,
        rows_without_target: without_target,
        preprocessor,
        search: GridSearch::skipped(&spec),
        final_spec: spec,
        model: FittedModel::HistGbm(model),
        test: evaluation.as_ref().map(Evaluation::metrics),
        evaluation,
        seconds_cv: 0.0,
        seconds_fit,
    })
}

/// The final spec of a configuration the column road takes; an error for any other.
pub(super) fn column_road_spec(config: &TrainConfig) -> Result<ModelSpec> {
    binned_spec(config)?.ok_or_else(|| {
        Error::invalid(
            "model",
            "only histogram boosting with --folds 0 and no grid trains a column at a time",
        )
    })
}

/// What the column road hands the fit: the preprocessing, the thresholds, the fit, validation
/// and held-out rows' bins, which rows those are, and the clock so far.
pub(super) struct BinnedTable {
    pub(super) preprocessor: Preprocessor,
    pub(super) mapper: BinMapper,
    pub(super) fit: Binned,
    pub(super) validation: Binned,
    pub(super) test: Binned,
    pub(super) rows: Rows,
    pub(super) clock: Phases,
    pub(super) started: Instant,
}

/// Reads and bins `source`'s input columns a few at a time. The target comes with the first
/// batch: `split` reads it from that frame (and keeps what its task needs) and says which rows
/// are fitted, validated and held out.
pub(super) fn bin_table(
    source: &mut dyn ColumnSource,
    config: &TrainConfig,
    max_bins: usize,
    split: impl FnOnce(&DataFrame) -> Result<Rows>,
) -> Result<BinnedTable> {
    let names = source.names().to_vec();
    if !names.contains(&config.target) {
        return Err(Error::MissingColumn {
            name: config.target.clone(),
            available: names.join(", "),
        });
    }
    let inputs = resolve_inputs(&names, config)?;
    let options = PreprocessOptions {
        scale: false,
        max_categories: config.max_categories,
        impute: false,
    };
    let started = Instant::now();
    let batch = source.batch().max(1);
    let streams = source.streams();
    // The target comes first (with the first batch, unless the source streams): it tells the
    // rows, and so the split.
    let first: Vec<String> = std::iter::once(config.target.clone())
        .chain(
            if streams { &[][..] } else { &inputs[..] }
                .iter()
                .take(batch.saturating_sub(1))
                .cloned(),
        )
        .collect();
    let mut clock = Phases::default();
    let frame = timed(&mut clock.read, || source.take(&first))?;
    let height = frame.height();
    let rows = timed(&mut clock.split, || split(&frame))?;
    let bins_u8 = u8::try_from(max_bins).unwrap_or(u8::MAX);
    let mut errors = ColumnErrors::new(&inputs);
    let mut binned = timed(&mut clock.bin, || {
        bin_columns(frame, &first[1..], &rows, options, bins_u8, &mut errors)
    })?;
    let mut rest = inputs[first.len() - 1..].to_vec();
    if streams {
        if let Some((numeric, others)) = timed(&mut clock.stream, || {
            bin_streamed(source, &inputs, &rows, height, bins_u8, &mut errors)
        })? {
            binned.extend(numeric);
            rest = others;
        }
    }
    for group in rest.chunks(batch) {
        let frame = timed(&mut clock.read, || source.take(group))?;
        if frame.height() != height {
            return Err(Error::invalid(
                "table",
                format!(
                    "columns {} have {} rows, the target {} (did the file change while it was read?)",
                    group.join(", "),
                    frame.height(),
                    height
                ),
            ));
        }
        binned.extend(timed(&mut clock.bin, || {
            bin_columns(frame, group, &rows, options, bins_u8, &mut errors)
        })?);
    }
    errors.into_result()?;
    // The model's features: the numeric columns first, then each one-hot block, each kind in
    // input order.
    binned.sort_by_cached_key(|c| (!c.numeric, inputs.iter().position(|i| *i == c.column.name)));
    let (columns, features): (Vec<_>, Vec<_>) =
        binned.into_iter().map(|c| (c.column, c.features)).unzip();
    let preprocessor = preprocessor(&inputs, columns, &names);
    let features: Vec<FeatureBins> = features.into_iter().flatten().collect();
    let (mapper, fit, validation, test) = assemble(features, &rows, max_bins);
    Ok(BinnedTable {
        preprocessor,
        mapper,
        fit,
        validation,
        test,
        rows,
        clock,
        started,
    })
}

/// Seconds spent in each phase of [`train_binned`], logged at debug level
/// (`RUST_LOG=ml_workflow=debug`), so that a user (or a benchmark) sees where a run's time went.
#[derive(Debug, Default)]
pub(super) struct Phases {
    read: f64,
    split: f64,
    /// The numeric columns of a streaming source, read and binned together.
    stream: f64,
    bin: f64,
    pub(super) fit: f64,
    pub(super) evaluate: f64,
}

/// Runs `phase`, adding the seconds it took to `total`.
pub(super) fn timed<T>(total: &mut f64, phase: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = phase();
    *total += started.elapsed().as_secs_f64();
    out
}

impl Phases {
    /// Logs the phases' seconds at debug level.
    pub(super) fn log(&self) {
        tracing::debug!(
            read_seconds = self.read,
            split_seconds = self.split,
            stream_seconds = self.stream,
            bin_seconds = self.bin,
            fit_seconds = self.fit,
            evaluate_seconds = self.evaluate,
            "column-at-a-time training phases"
        );
    }
}

/// The split of `n` rows as the pipeline splits them, and early stopping's validation rows
/// out of the training rows as the model draws them.
fn split_rows(
    target: &TargetValues,
    config: &TrainConfig,
    params: &HistGradientBoostingRegressorValidParams,
) -> Result<Rows> {
    // The split draws among the rows with a target; the sets hold the table's rows.
    let mut split = train_test_split(target.values.len(), config.test_size, config.seed)?;
    split.train = target.table_rows(&split.train);
    split.test = target.table_rows(&split.test);
    let inner = params
        .validation_split(split.train.len())
        .map_err(|e| Error::model("hist-gbm", e))?;
    let (inner, validation) = match inner {
        Some(v) => (
            Some(v.train.iter().map(|&i| split.train[i]).collect::<Vec<_>>()),
            v.test.iter().map(|&i| split.train[i]).collect(),
        ),
        None => (None, Vec::new()),
    };
    let n_fit = inner.as_ref().map_or(split.train.len(), Vec::len);
    let picked = subsample_rows(n_fit, BINNING_SUBSAMPLE, params.seed_u32());
    Ok(Rows {
        train: split.train,
        inner,
        validation,
        test: split.test,
        picked,
    })
}

/// The columns `names` of `frame`, fitted and binned, each on its own thread; each of the
/// frame's columns is let go once read, so the batch shrinks as its bins come. A column's
/// error goes to `errors`.
fn bin_columns(
    frame: DataFrame,
    names: &[String],
    rows: &Rows,
    options: PreprocessOptions,
    max_bins: u8,
    errors: &mut ColumnErrors,
) -> Result<Vec<BinnedColumn>> {
    let height = frame.height();
    let mut columns: Vec<Option<Column>> = frame.into_columns().into_iter().map(Some).collect();
    // In input order (the frame has the table's).
    let ordered: Vec<(String, Column)> = names
        .iter()
        .map(|name| {
            columns
                .iter_mut()
                .find(|c| c.as_ref().is_some_and(|c| c.name().as_str() == name))
                .and_then(Option::take)
                .map(|c| (name.clone(), c))
                .ok_or_else(|| Error::MissingColumn {
                    name: name.clone(),
                    available: names.join(", "),
                })
        })
        .collect::<Result<_>>()?;
    // One run of columns per thread, each with its own working space: with the allocator
    // giving memory back at once, a buffer per column would be fresh pages every time.
    let size = ordered.len().div_ceil(rayon::current_num_threads()).max(1);
    let mut runs: Vec<Vec<(String, Column)>> = Vec::new();
    let mut rest = ordered.into_iter();
    loop {
        let run: Vec<(String, Column)> = rest.by_ref().take(size).collect();
        if run.is_empty() {
            break;
        }
        runs.push(run);
    }
    let binned: Vec<Vec<(String, Result<BinnedColumn>)>> = runs
        .into_par_iter()
        .map(|run| {
            let mut scratch = ColumnScratch::default();
            run.into_iter()
                .map(|(name, column)| {
                    let binned = bin_column(
                        name.clone(),
                        column,
                        height,
                        rows,
                        options,
                        max_bins,
                        &mut scratch,
                    );
                    (name, binned)
                })
                .collect()
        })
        .collect();
    let mut ok = Vec::new();
    for (name, binned) in binned.into_iter().flatten() {
        match binned {
            Ok(column) => ok.push(column),
            Err(e) => errors.note(&name, e),
        }
    }
    Ok(ok)
}

/// One column fitted and binned; its frame column let go once read.
fn bin_column(
    name: String,
    column: Column,
    height: usize,
    rows: &Rows,
    options: PreprocessOptions,
    max_bins: u8,
    scratch: &mut ColumnScratch,
) -> Result<BinnedColumn> {
    let one = DataFrame::new(height, vec![column])?;
    let features = ColumnFeatures::fit(&one, &name, &rows.train, options, scratch)?;
    drop(one);
    let bins = (0..features.width())
        .map(|k| bin_feature(&features, k, height, rows, max_bins))
        .collect();
    let numeric = features.is_numeric();
    let column = features.column.clone();
    features.recycle(scratch);
    Ok(BinnedColumn {
        numeric,
        column,
        features: bins,
    })
}

/// Feature `k` of a column of `height` rows cut at thresholds from the subsample, and binned
/// for each row set.
fn bin_feature(
    features: &ColumnFeatures,
    k: usize,
    height: usize,
    rows: &Rows,
    max_bins: u8,
) -> FeatureBins {
    let value = |r: usize| features.value(k, r);
    let sample = rows.picked.iter().map(|&i| value(rows.fit()[i])).collect();
    let thresholds = feature_thresholds(sample, usize::from(max_bins));
    // Every row binned in the column's order, then each set's (shuffled) rows picked from
    // those bytes: the values are read front to back, and the gather reads one byte a row
    // where it read eight (at 3 M rows, a column of values is 24 MB, its bins 3 MB).
    let all: Vec<u8> = (0..height)
        .map(|r| bin_value(&thresholds, value(r), max_bins))
        .collect();
    FeatureBins::picked(&all, thresholds, rows)
}

/// The preprocessing of the fitted columns, in input order, as [`Preprocessor::fit`] makes it
/// (no scaling, no imputation: the model bins by rank and takes gaps itself).
fn preprocessor(
    inputs: &[String],
    mut columns: Vec<InputColumn>,
    names: &[String],
) -> Preprocessor {
    columns.sort_by_key(|c| inputs.iter().position(|i| *i == c.name));
    let ignored = names
        .iter()
        .filter(|n| !inputs.contains(n))
        .cloned()
        .collect();
    Preprocessor::from_columns(columns, ignored, false)
}

/// The features' thresholds and the fit, validation and held-out rows' bins, column-major.
fn assemble(
    features: Vec<FeatureBins>,
    rows: &Rows,
    max_bins: usize,
) -> (BinMapper, Binned, Binned, Binned) {
    let missing = u8::try_from(max_bins).unwrap_or(u8::MAX);
    let mut thresholds = Vec::with_capacity(features.len());
    let width = features.len();
    let mut parts = [
        Binned::with_room(rows.fit().len(), width),
        Binned::with_room(rows.validation.len(), width),
        Binned::with_room(rows.test.len(), width),
    ];
    for feature in features {
        // Each feature's bins are moved over and dropped, so the two copies never coexist whole.
        for (part, bins) in parts
            .iter_mut()
            .zip([feature.fit, feature.validation, feature.test])
        {
            part.push_feature(&bins, missing);
        }
        thresholds.push(feature.thresholds);
    }
    let [fit, validation, test] = parts;
    (
        BinMapper {
            max_bins,
            thresholds,
        },
        fit,
        validation,
        test,
    )
}

/// The held-out rows' predictions from their bins (None when none were held out).
fn evaluate(
    model: &HistGradientBoostingRegressor,
    mapper: &BinMapper,
    test: &Binned,
    y_test: Vec<f64>,
    config: &TrainConfig,
) -> Result<Option<Evaluation>> {
    if y_test.is_empty() {
        return Ok(None);
    }
    let predicted = model
        .predict_binned(test, mapper.missing_bin())
        .map_err(|e| Error::model("hist-gbm", e))?;
    Ok(Some(Evaluation::new(
        config.target.clone(),
        y_test,
        predicted.to_vec(),
    )))
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::modeling::train::{train_whole, FrameColumns};

    /// A table with what a user's CSV has: numbers with gaps, integers, text with gaps and a
    /// category seen only in held-out rows, booleans, a column left out, and a target.
    fn table(n: usize) -> DataFrame {
        let num: Vec<Option<f64>> = (0..n)
            .map(|i| (i % 9 != 4).then(|| (i * 37 % 1009) as f64 / 101.0))
            .collect();
        let ints: Vec<i64> = (0..n).map(|i| (i * 13 % 41) as i64).collect();
        let city: Vec<Option<&str>> = (0..n)
            .map(|i| match i % 7 {
                0 => None,
                1 | 2 => Some("north"),
                3 if i > n - 5 => Some("far"),
                3..=4 => Some("east"),
                _ => Some("west"),
            })
            .collect();
        let flag: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
        let id: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let y: Vec<f64> = (0..n)
            .map(|i| {
                let x = num[i].unwrap_or(2.0);
                x.sin() * 3.0
                    + (ints[i] as f64) * 0.1
                    + f64::from(u8::from(flag[i]))
                    + if city[i] == Some("north") { 2.0 } else { 0.0 }
            })
            .collect();
        // Text before numbers: the model's features put the numeric columns first.
        df!("city" => city, "num" => num, "id" => id, "flag" => flag, "ints" => ints, "y" => y)
            .expect("frame")
    }

    fn config(early_stopping: bool) -> TrainConfig {
        let mut config = TrainConfig::for_target("y");
        config.model = ModelSpec::hist_gbm();
        config.model.set("max_iter", 30.0).expect("max_iter");
        if early_stopping {
            config
                .model
                .set("early_stopping", 1.0)
                .expect("early stopping");
        }
        config.folds = 0;
        config.drop = vec!["id".into()];
        config.seed = 3;
        config
    }

    /// A frame source that takes one column at a time.
    struct OneByOne(FrameColumns);

    impl ColumnSource for OneByOne {
        fn names(&self) -> &[String] {
            self.0.names()
        }
        fn batch(&self) -> usize {
            1
        }
        fn take(&mut self, names: &[String]) -> Result<DataFrame> {
            self.0.take(names)
        }
    }

    fn same_reports(binned: &TrainReport, whole: &TrainReport) {
        assert_eq!(binned.preprocessor, whole.preprocessor);
        assert_eq!(binned.features, whole.features);
        assert_eq!(
            serde_json::to_string(&binned.model).unwrap(),
            serde_json::to_string(&whole.model).unwrap()
        );
        let (b, w) = (binned.evaluation.as_ref(), whole.evaluation.as_ref());
        let bits = |e: Option<&Evaluation>| -> Vec<u64> {
            e.expect("held-out rows")
                .predicted
                .iter()
                .map(|p| p.to_bits())
                .collect()
        };
        assert_eq!(bits(b), bits(w));
        assert_eq!(binned.test, whole.test);
        assert_eq!(
            (binned.rows_train, binned.rows_test),
            (whole.rows_train, whole.rows_test)
        );
    }

    #[test]
    fn column_at_a_time_equals_the_pipeline_to_the_bit() {
        for early_stopping in [false, true] {
            let config = config(early_stopping);
            let whole = train_whole(table(3000), &config, None).unwrap();
            let FittedModel::HistGbm(model) = &whole.model else {
                panic!("not hist-gbm");
            };
            assert!(model.n_iter() > 1);
            assert_eq!(early_stopping, !model.validation_score().is_empty());
            let binned = train_binned(&mut FrameColumns::new(table(3000)), &config).unwrap();
            same_reports(&binned, &whole);
            let one = train_binned(&mut OneByOne(FrameColumns::new(table(3000))), &config).unwrap();
            same_reports(&one, &whole);
        }
    }

    #[test]
    fn the_command_lines_owned_training_takes_this_path_and_others_do_not() {
        let config = config(false);
        assert!(binned_spec(&config).unwrap().is_some());
        let mut folded = config.clone();
        folded.folds = 3;
        assert!(binned_spec(&folded).unwrap().is_none());
        let mut gbm = config.clone();
        gbm.model = ModelSpec::gbm();
        assert!(binned_spec(&gbm).unwrap().is_none());
        let refused = train_binned(&mut FrameColumns::new(table(100)), &gbm).unwrap_err();
        assert!(refused.to_string().contains("--folds 0"), "{refused}");
    }

    #[test]
    fn a_missing_target_or_a_short_column_is_named() {
        let mut config = config(false);
        config.target = "price".into();
        let err = train_binned(&mut FrameColumns::new(table(100)), &config).unwrap_err();
        assert!(err.to_string().contains("\"price\""), "{err}");

        /// A source whose later columns come back shorter, as a file cut between passes.
        struct Shrinking(FrameColumns, usize);
        impl ColumnSource for Shrinking {
            fn names(&self) -> &[String] {
                self.0.names()
            }
            fn batch(&self) -> usize {
                2
            }
            fn take(&mut self, names: &[String]) -> Result<DataFrame> {
                self.1 += 1;
                let frame = self.0.take(names)?;
                Ok(if self.1 > 1 {
                    frame.head(Some(50))
                } else {
                    frame
                })
            }
        }
        let err = train_binned(
            &mut Shrinking(FrameColumns::new(table(100)), 0),
            &self::config(false),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("50 rows") && err.contains("the target 100"),
            "{err}"
        );
    }
}
