//! K-fold cross-validation, grid search and the spot check of many models, parallel over folds.
//!
//! A grid over a model's staged parameter (the registry's `ModelInfo::staged`, e.g.
//! `n_estimators` for gradient boosting) does not refit per setting: each fold fits the largest
//! setting once and scores its stages, since the first k stages of a boosted model are exactly
//! the model fitted with k stages.
//!
//! Tables and charts of these results live in [`crate::report`].

use indicatif::ProgressBar;
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::metrics::{mean_std, mse};
use super::registry::{ModelSpec, ParamSet};
use super::split::{KFold, Split};
use crate::error::{Error, Result};

/// Cross-validated mean squared error of one setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvResult {
    /// The grid's parameter values for this row (empty outside a grid).
    pub params: ParamSet,
    /// Mean MSE over folds.
    pub mean_mse: f64,
    /// Population standard deviation of the folds' MSE (as scikit-learn reports it).
    pub std_mse: f64,
    /// Each fold's MSE.
    pub fold_mse: Vec<f64>,
}

impl CvResult {
    fn from_folds(params: ParamSet, fold_mse: Vec<f64>) -> CvResult {
        let (mean_mse, std_mse) = mean_std(&fold_mse);
        CvResult {
            params,
            mean_mse,
            std_mse,
            fold_mse,
        }
    }
}

/// A parameter grid: names and the values to try; settings are the cartesian product.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Grid(pub Vec<(String, Vec<f64>)>);

impl Grid {
    /// A grid over one parameter.
    pub fn one(name: &str, values: impl IntoIterator<Item = f64>) -> Grid {
        Grid(vec![(name.to_string(), values.into_iter().collect())])
    }

    /// Parses `KEY=V1,V2,...` (also `KEY=START:STOP:STEP`, inclusive).
    pub fn parse_entry(text: &str) -> Result<(String, Vec<f64>)> {
        let bad = |m: String| Error::invalid("grid", m);
        let (key, values) = text.split_once('=').ok_or_else(|| {
            bad(format!(
                "{text:?} is not KEY=V1,V2,... or KEY=START:STOP:STEP"
            ))
        })?;
        let num = |s: &str| match s.trim() {
            "true" | "True" => Ok(1.0),
            "false" | "False" => Ok(0.0),
            number => number
                .parse::<f64>()
                .map_err(|_| bad(format!("{s:?} in {text:?} is not a number"))),
        };
        let values = if let [a, b, c] = values.split(':').collect::<Vec<_>>()[..] {
            let (start, stop, step) = (num(a)?, num(b)?, num(c)?);
            if step.is_nan() || step <= 0.0 || stop < start {
                return Err(bad(format!("{text:?}: need START <= STOP and STEP > 0")));
            }
            let n = ((stop - start) / step + 1e-9).floor() as usize + 1;
            (0..n).map(|i| start + step * i as f64).collect()
        } else {
            values.split(',').map(num).collect::<Result<Vec<f64>>>()?
        };
        if key.trim().is_empty() || values.is_empty() {
            return Err(bad(format!("{text:?} names no parameter or no values")));
        }
        Ok((key.trim().to_string(), values))
    }

    /// Every setting: the parameter values and the spec they give.
    pub fn settings(&self, base: &ModelSpec) -> Result<Vec<(ParamSet, ModelSpec)>> {
        let mut out = vec![(ParamSet::new(), base.clone())];
        for (key, values) in &self.0 {
            let mut next = Vec::with_capacity(out.len() * values.len());
            for (params, spec) in &out {
                for v in values {
                    let mut spec = spec.clone();
                    spec.set(key, *v)?;
                    let mut params = params.clone();
                    params.insert(key.clone(), *v);
                    next.push((params, spec));
                }
            }
            out = next;
        }
        Ok(out)
    }
}

fn rows(x: ArrayView2<f64>, idx: &[usize]) -> ndarray::Array2<f64> {
    x.select(Axis(0), idx)
}

fn targets(y: ArrayView1<f64>, idx: &[usize]) -> Array1<f64> {
    y.select(Axis(0), idx)
}

/// MSE on one fold of one fitted setting.
fn fold_mse(
    spec: &ModelSpec,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    split: &Split,
) -> Result<f64> {
    let model = spec.fit(
        rows(x, &split.train).view(),
        targets(y, &split.train).view(),
    )?;
    let predicted = model.predict(rows(x, &split.test).view())?;
    Ok(score(&targets(y, &split.test), &predicted))
}

/// MSE of a fold's predictions against its held-out targets.
fn score(actual: &Array1<f64>, predicted: &Array1<f64>) -> f64 {
    mse(&actual.to_vec(), &predicted.to_vec())
}

/// Cross-validated MSE of one model over the given folds (parallel over folds).
pub fn cross_val_mse(
    spec: &ModelSpec,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    folds: &[Split],
) -> Result<CvResult> {
    let scores = folds
        .par_iter()
        .map(|split| fold_mse(spec, x, y, split))
        .collect::<Result<Vec<f64>>>()?;
    Ok(CvResult::from_folds(ParamSet::new(), scores))
}

/// The outcome of a grid search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridSearch {
    /// The model searched.
    pub model: String,
    /// One row per setting, in grid order.
    pub results: Vec<CvResult>,
    /// Index of the best (lowest mean MSE; the first on ties) row.
    pub best_index: usize,
    /// The best setting's full spec.
    pub best: ModelSpec,
}

impl GridSearch {
    /// The best row (None when cross-validation was skipped, `folds` 0).
    pub fn best_result(&self) -> Option<&CvResult> {
        self.results.get(self.best_index)
    }

    /// No search: the model as given, not cross-validated (`train --folds 0`).
    pub fn skipped(spec: &ModelSpec) -> GridSearch {
        GridSearch {
            model: spec.name().to_string(),
            results: Vec::new(),
            best_index: 0,
            best: spec.clone(),
        }
    }
}

/// Cross-validates every setting of `grid` on `folds` and picks the lowest mean MSE.
/// `progress`, if given, advances once per fold fit.
pub fn grid_search(
    base: &ModelSpec,
    grid: &Grid,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    folds: &[Split],
    progress: Option<&ProgressBar>,
) -> Result<GridSearch> {
    let settings = grid.settings(base)?;
    let staged = match (base.info().staged, grid.0.as_slice()) {
        (Some(param), [(key, _)]) if key == param => Some(param),
        _ => None,
    };
    let per_setting: Vec<Vec<f64>> = if let Some(param) = staged {
        if let Some(p) = progress {
            p.set_length(folds.len() as u64);
        }
        staged_scores(param, &settings, x, y, folds, progress)?
    } else {
        if let Some(p) = progress {
            p.set_length((folds.len() * settings.len()) as u64);
        }
        settings
            .iter()
            .map(|(_, spec)| {
                folds
                    .par_iter()
                    .map(|split| {
                        let s = fold_mse(spec, x, y, split);
                        if let Some(p) = progress {
                            p.inc(1);
                        }
                        s
                    })
                    .collect::<Result<Vec<f64>>>()
            })
            .collect::<Result<_>>()?
    };
    let results: Vec<CvResult> = settings
        .iter()
        .zip(per_setting)
        .map(|((params, _), scores)| CvResult::from_folds(params.clone(), scores))
        .collect();
    let best_index = results
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.mean_mse.total_cmp(&b.1.mean_mse))
        .map(|(i, _)| i)
        .ok_or_else(|| Error::invalid("grid", "the grid has no settings"))?;
    Ok(GridSearch {
        model: base.name().to_string(),
        results,
        best_index,
        best: settings[best_index].1.clone(),
    })
}

/// For a grid over the staged parameter `param`: each setting's number of stages, and the
/// setting with the most (the one fitted, once per fold).
pub(crate) fn stage_counts<'a>(
    param: &str,
    settings: &'a [(ParamSet, ModelSpec)],
) -> Result<(Vec<usize>, &'a ModelSpec)> {
    // Grid values were checked as whole numbers when the settings were built.
    let stages: Vec<usize> = settings
        .iter()
        .map(|(params, _)| params.get(param).map_or(0, |v| *v as usize))
        .collect();
    let largest = settings
        .iter()
        .zip(&stages)
        .max_by_key(|(_, n)| **n)
        .map(|((_, s), _)| s)
        .ok_or_else(|| Error::invalid("grid", "the grid has no settings"))?;
    Ok((stages, largest))
}

/// Fits the largest setting of the staged parameter `param` once per fold and scores each
/// setting from its stages.
fn staged_scores(
    param: &str,
    settings: &[(ParamSet, ModelSpec)],
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    folds: &[Split],
    progress: Option<&ProgressBar>,
) -> Result<Vec<Vec<f64>>> {
    let (stages, largest) = stage_counts(param, settings)?;
    let per_fold = folds
        .par_iter()
        .map(|split| {
            let model = largest.fit(
                rows(x, &split.train).view(),
                targets(y, &split.train).view(),
            )?;
            let test_y = targets(y, &split.test);
            let predictions = model.predict_stages(rows(x, &split.test).view(), &stages)?;
            if let Some(p) = progress {
                p.inc(1);
            }
            Ok(predictions
                .iter()
                .map(|p| score(&test_y, p))
                .collect::<Vec<f64>>())
        })
        .collect::<Result<Vec<Vec<f64>>>>()?;
    // Transpose fold-major scores into setting-major.
    Ok((0..settings.len())
        .map(|s| per_fold.iter().map(|f| f[s]).collect())
        .collect())
}

/// Cross-validated scores of several models on the same folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotCheck {
    /// Cross-validation folds each model went through.
    pub folds: usize,
    /// (label, result) per model, in the order given.
    pub results: Vec<(String, CvResult)>,
}

/// Runs every model through the same cross-validation.
pub fn spot_check(
    models: &[(String, ModelSpec)],
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    kfold: &KFold,
) -> Result<SpotCheck> {
    let folds = kfold.splits(x.nrows())?;
    let results = models
        .iter()
        .map(|(label, spec)| Ok((label.clone(), cross_val_mse(spec, x, y, &folds)?)))
        .collect::<Result<_>>()?;
    Ok(SpotCheck {
        folds: kfold.n_splits,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_entries_parse() {
        assert_eq!(
            Grid::parse_entry("n_estimators=50:400:50").unwrap().1.len(),
            8
        );
        assert_eq!(Grid::parse_entry("alpha=0.1, 1").unwrap().1, [0.1, 1.0]);
        assert!(Grid::parse_entry("alpha").is_err());
        assert!(Grid::parse_entry("alpha=x")
            .unwrap_err()
            .to_string()
            .contains("\"x\""));
        assert!(Grid::parse_entry("k=5:1:1").is_err());
    }

    #[test]
    fn settings_are_the_cartesian_product() {
        let grid = Grid(vec![
            ("alpha".into(), vec![0.1, 1.0]),
            ("l1_ratio".into(), vec![0.2, 0.5, 0.8]),
        ]);
        let s = grid
            .settings(&ModelSpec::from_name("elastic-net").unwrap())
            .unwrap();
        assert_eq!(s.len(), 6);
        assert_eq!(
            s[5].1,
            ModelSpec::ElasticNet(crate::modeling::linear::ElasticNetSettings {
                alpha: 1.0,
                l1_ratio: 0.8
            })
        );
        let err = Grid::one("depth", [1.0])
            .settings(&ModelSpec::Linear)
            .unwrap_err();
        assert!(err.to_string().contains("\"depth\""), "{err}");
    }
}
