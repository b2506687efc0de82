//! A classifier's column road: histogram boosting with log loss on a big table, its input
//! columns binned a few at a time as the regressor's are (`by_column.rs`: the `f64` matrix is
//! never built), the target read as classes. The rows are the whole road's: the stratified
//! split among the rows with a target, early stopping's stratified validation rows out of the
//! training rows, the binning subsample of the fit rows. The report equals
//! [`super::train_classifier`]'s on the same configuration, to the bit (tested).

use ndarray::Array2;

use super::bins::Rows;
use super::by_column::{bin_table, column_road_spec, timed, BinnedTable};
use super::classifier::{target_labels, two_classes, ClassifierReport};
use super::config::TrainConfig;
use super::source::ColumnSource;
use crate::error::{Error, Result};
use crate::modeling::class_metrics::ClassMetrics;
use crate::modeling::classify::{argmax_rows, ClassSearch, Classes};
use crate::modeling::stratified::stratified_train_test_split;
use crate::modeling::trees::binning::{subsample_rows, BINNING_SUBSAMPLE};
use crate::modeling::trees::HistGbmClassifierSettings;
use crate::modeling::{FittedModel, ModelSpec};

/// The target as the column road keeps it: the classes, each table row's code (`None` without
/// a target) and how many rows have none.
struct ClassTarget {
    classes: Classes,
    codes: Vec<Option<usize>>,
    without_target: usize,
}

/// Trains `config` (histogram boosting for classes, one fit: see
/// [`binned_spec`](super::binned_spec)) on the columns of `source`, a few at a time.
pub fn train_binned_classifier(
    source: &mut dyn ColumnSource,
    config: &TrainConfig,
) -> Result<ClassifierReport> {
    let spec = column_road_spec(config)?;
    let ModelSpec::HistGbmClassifier(settings) = &spec else {
        return Err(Error::invalid(
            "model",
            format!("{} is not histogram boosting for classes", spec.name()),
        ));
    };
    let mut target = None;
    let table = bin_table(source, config, settings.max_bins, |frame| {
        let (rows, read) = class_rows(frame, config, settings)?;
        target = Some(read);
        Ok(rows)
    })?;
    let target = target.ok_or_else(|| Error::invalid("target", "not read"))?;
    let BinnedTable {
        preprocessor,
        mapper,
        fit,
        validation,
        test,
        rows,
        mut clock,
        ..
    } = table;
    let k = target.classes.len();
    let pick = |set: &[usize]| -> Vec<usize> {
        set.iter()
            .map(|&r| target.codes[r].unwrap_or_default())
            .collect()
    };
    let validation = (!rows.validation.is_empty()).then(|| (validation, pick(&rows.validation)));
    let (y_fit, y_test) = (pick(rows.fit()), pick(&rows.test));
    let model = timed(&mut clock.fit, || {
        settings.fit_binned(&mapper, &fit, &y_fit, validation.as_ref(), k)
    })?;
    drop((fit, y_fit));
    let (test_metrics, test_proba) = timed(&mut clock.evaluate, || -> Result<_> {
        if y_test.is_empty() {
            return Ok((None, Array2::zeros((0, k))));
        }
        let proba = model.predict_proba_binned(&test, mapper.missing_bin())?;
        let predicted = argmax_rows(proba.view());
        let metrics = ClassMetrics::new(&y_test, &predicted, proba.view(), k)?;
        Ok((Some(metrics), proba))
    })?;
    clock.log();
    Ok(ClassifierReport {
        config: config.clone(),
        search: ClassSearch::skipped(&spec, config.scoring),
        spec,
        classes: target.classes,
        preprocessor,
        model: FittedModel::HistGbmClassifier(model),
        rows_train: rows.train.len(),
        rows_test: rows.test.len(),
        rows_without_target: target.without_target,
        test: test_metrics,
        test_rows: rows.test,
        test_actual: y_test,
        test_proba,
    })
}

/// The target's classes from the first batch's frame, and the rows as the whole road draws
/// them (the sets hold the table's rows).
fn class_rows(
    frame: &polars::prelude::DataFrame,
    config: &TrainConfig,
    settings: &HistGbmClassifierSettings,
) -> Result<(Rows, ClassTarget)> {
    let (classes, codes, with_target) = target_labels(frame, &config.target)?;
    two_classes(&classes, &config.target)?;
    let split =
        stratified_train_test_split(&codes, &classes.names(), config.test_size, config.seed)?;
    let table_rows =
        |positions: &[usize]| -> Vec<usize> { positions.iter().map(|&p| with_target[p]).collect() };
    let (train, test) = (table_rows(&split.train), table_rows(&split.test));
    let train_codes: Vec<usize> = split.train.iter().map(|&p| codes[p]).collect();
    let (inner, validation) = match settings.validation_split(&train_codes, classes.len())? {
        Some(v) => (
            Some(v.train.iter().map(|&i| train[i]).collect::<Vec<_>>()),
            v.test.iter().map(|&i| train[i]).collect(),
        ),
        None => (None, Vec::new()),
    };
    let seed = settings
        .params()
        .map_err(|e| Error::model("hist-gbm", e))?
        .seed_u32();
    let n_fit = inner.as_ref().map_or(train.len(), Vec::len);
    let picked = subsample_rows(n_fit, BINNING_SUBSAMPLE, seed);
    let mut by_row = vec![None; frame.height()];
    for (&row, &code) in with_target.iter().zip(&codes) {
        by_row[row] = Some(code);
    }
    let target = ClassTarget {
        classes,
        codes: by_row,
        without_target: frame.height() - with_target.len(),
    };
    Ok((
        Rows {
            train,
            inner,
            validation,
            test,
            picked,
        },
        target,
    ))
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::modeling::train::{train_classifier, FrameColumns};

    /// Numbers with gaps, text with gaps, booleans, a column left out, and a text target with
    /// gaps of its own, three classes.
    fn table(n: usize) -> DataFrame {
        let num: Vec<Option<f64>> = (0..n)
            .map(|i| (i % 9 != 4).then(|| (i * 37 % 1009) as f64 / 101.0))
            .collect();
        let city: Vec<Option<&str>> = (0..n)
            .map(|i| match i % 7 {
                0 => None,
                1 | 2 => Some("north"),
                3..=4 => Some("east"),
                _ => Some("west"),
            })
            .collect();
        let flag: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
        let id: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let kind: Vec<Option<&str>> = (0..n)
            .map(|i| {
                let score = num[i].unwrap_or(5.0).sin() * 2.0
                    + f64::from(u8::from(flag[i]))
                    + if city[i] == Some("north") { 1.0 } else { 0.0 }
                    + ((i * 7919) % 13) as f64 / 13.0;
                match i % 97 {
                    5 => None,
                    _ if score < 0.5 => Some("low"),
                    _ if score < 1.8 => Some("mid"),
                    _ => Some("top"),
                }
            })
            .collect();
        df!("city" => city, "num" => num, "id" => id, "flag" => flag, "kind" => kind)
            .expect("frame")
    }

    #[test]
    fn the_column_road_equals_the_whole_road_to_the_bit() {
        for early_stopping in [false, true] {
            let mut config = TrainConfig::for_target("kind")
                .model("hist-gbm")
                .expect("model")
                .folds(0);
            config.model = config
                .model
                .clone()
                .for_task(crate::modeling::Task::Classification)
                .expect("classifier");
            config.model.set("max_iter", 25.0).expect("max_iter");
            if early_stopping {
                config.model.set("early_stopping", 1.0).expect("early");
            }
            config.drop = vec!["id".into()];
            config.seed = 3;
            let whole = train_classifier(&table(2_000), &config).unwrap();
            let binned =
                train_binned_classifier(&mut FrameColumns::new(table(2_000)), &config).unwrap();
            let FittedModel::HistGbmClassifier(model) = &binned.model else {
                panic!("not hist-gbm");
            };
            assert_eq!(early_stopping, !model.validation_loss().is_empty());
            assert_eq!(binned.preprocessor, whole.preprocessor);
            assert_eq!(
                serde_json::to_string(&binned.model).unwrap(),
                serde_json::to_string(&whole.model).unwrap()
            );
            assert_eq!(binned.test_proba, whole.test_proba);
            assert_eq!(binned.test, whole.test);
            assert_eq!(binned.test_rows, whole.test_rows);
            assert_eq!(binned.classes, whole.classes);
            assert_eq!(
                (
                    binned.rows_train,
                    binned.rows_test,
                    binned.rows_without_target
                ),
                (whole.rows_train, whole.rows_test, whole.rows_without_target)
            );
            assert_eq!(binned.rows_without_target, 21);
        }
    }
}
