//! A classifier's grid search and the classifiers' spot check, on stratified folds, scored
//! by a [`ClassScoring`] (higher is better, as scikit-learn's `GridSearchCV` ranks). Each
//! fold fits on its training rows and scores the probabilities of its held-out rows;
//! folds run in parallel.
//!
//! The regression side (`modeling/search.rs`) ranks by the lowest MSE and stages boosting;
//! the two share the grid's settings ([`Grid::settings`]).

use indicatif::ProgressBar;
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ClassScoring;
use crate::error::{Error, Result};
use crate::modeling::metrics::mean_std;
use crate::modeling::registry::{FittedModel, ModelSpec, ParamSet};
use crate::modeling::search::{stage_counts, Grid};
use crate::modeling::split::Split;

/// One setting's cross-validated score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassCvResult {
    /// The grid's parameter values for this row (empty outside a grid).
    pub params: ParamSet,
    /// Mean score over the folds.
    pub mean: f64,
    /// Population standard deviation of the folds' scores (scikit-learn's `std_test_score`).
    pub std: f64,
    /// Each fold's score.
    pub folds: Vec<f64>,
}

impl ClassCvResult {
    fn from_folds(params: ParamSet, folds: Vec<f64>) -> ClassCvResult {
        let (mean, std) = mean_std(&folds);
        ClassCvResult {
            params,
            mean,
            std,
            folds,
        }
    }
}

/// The outcome of a classifier's grid search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassSearch {
    /// The model searched.
    pub model: String,
    /// What ranked the settings.
    pub scoring: ClassScoring,
    /// One row per setting, in grid order (empty when cross-validation was skipped).
    pub results: Vec<ClassCvResult>,
    /// The best row (the highest mean score; the first on ties).
    pub best_index: usize,
    /// The best setting's full spec.
    pub best: ModelSpec,
}

impl ClassSearch {
    /// The best row (None when cross-validation was skipped, `folds` 0).
    pub fn best_result(&self) -> Option<&ClassCvResult> {
        self.results.get(self.best_index)
    }

    /// No search: the model as given, not cross-validated.
    pub fn skipped(spec: &ModelSpec, scoring: ClassScoring) -> ClassSearch {
        ClassSearch {
            model: spec.name().to_string(),
            scoring,
            results: Vec::new(),
            best_index: 0,
            best: spec.clone(),
        }
    }
}

/// The classifiers' spot check: each model through the same stratified folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassSpotCheck {
    /// Folds each model went through.
    pub folds: usize,
    /// What the folds were scored by.
    pub scoring: ClassScoring,
    /// (label, result) per model, in the order given.
    pub results: Vec<(String, ClassCvResult)>,
}

/// The rows and class codes a search works on.
#[derive(Debug, Clone, Copy)]
pub struct ClassData<'a> {
    /// Model features, one row per sample.
    pub x: ArrayView2<'a, f64>,
    /// Class codes `0..n_classes`, one per row.
    pub y: &'a [usize],
    /// Number of classes.
    pub n_classes: usize,
}

impl ClassData<'_> {
    /// `spec` fitted on the fold's training rows, with the fold's held-out rows and classes.
    fn fit_fold(
        &self,
        spec: &ModelSpec,
        split: &Split,
    ) -> Result<(FittedModel, Array2<f64>, Vec<usize>)> {
        let codes = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&r| self.y[r]).collect() };
        let model = spec.fit_classifier(
            self.x.select(Axis(0), &split.train).view(),
            ArrayView1::from(&codes(&split.train)),
            self.n_classes,
        )?;
        Ok((
            model,
            self.x.select(Axis(0), &split.test),
            codes(&split.test),
        ))
    }

    /// Fits `spec` on the fold's training rows and scores its held-out rows.
    fn fold_score(&self, spec: &ModelSpec, split: &Split, scoring: ClassScoring) -> Result<f64> {
        let (model, x_test, actual) = self.fit_fold(spec, split)?;
        scoring.score(&actual, model.predict_proba(x_test.view())?.view())
    }

    /// Each setting's fold scores (setting-major) for a grid over the staged parameter
    /// `param`: the largest setting is fitted once per fold and every setting is scored from
    /// its stages (the first k iterations of a boosted model are the model fitted with k).
    fn staged_scores(
        &self,
        param: &str,
        settings: &[(ParamSet, ModelSpec)],
        folds: &[Split],
        scoring: ClassScoring,
        progress: Option<&ProgressBar>,
    ) -> Result<Vec<Vec<f64>>> {
        let (stages, largest) = stage_counts(param, settings)?;
        let per_fold = folds
            .par_iter()
            .map(|split| {
                let (model, x_test, actual) = self.fit_fold(largest, split)?;
                let staged = model.predict_proba_stages(x_test.view(), &stages)?;
                if let Some(p) = progress {
                    p.inc(1);
                }
                staged
                    .iter()
                    .map(|proba| scoring.score(&actual, proba.view()))
                    .collect::<Result<Vec<f64>>>()
            })
            .collect::<Result<Vec<Vec<f64>>>>()?;
        Ok((0..settings.len())
            .map(|s| per_fold.iter().map(|f| f[s]).collect())
            .collect())
    }

    /// Every fold's score of `spec`, folds in parallel.
    fn cross_validate(
        &self,
        spec: &ModelSpec,
        folds: &[Split],
        scoring: ClassScoring,
        progress: Option<&ProgressBar>,
    ) -> Result<Vec<f64>> {
        folds
            .par_iter()
            .map(|split| {
                let s = self.fold_score(spec, split, scoring);
                if let Some(p) = progress {
                    p.inc(1);
                }
                s
            })
            .collect()
    }
}

/// Cross-validates every setting of `grid` over `folds` and picks the highest mean score.
/// `progress`, if given, advances once per fold fit.
pub fn class_grid_search(
    base: &ModelSpec,
    grid: &Grid,
    data: ClassData,
    folds: &[Split],
    scoring: ClassScoring,
    progress: Option<&ProgressBar>,
) -> Result<ClassSearch> {
    let settings = grid.settings(base)?;
    let staged = match (base.info().staged, grid.0.as_slice()) {
        (Some(param), [(key, _)]) if key == param => Some(param),
        _ => None,
    };
    let per_setting: Vec<Vec<f64>> = if let Some(param) = staged {
        if let Some(p) = progress {
            p.set_length(folds.len() as u64);
        }
        data.staged_scores(param, &settings, folds, scoring, progress)?
    } else {
        if let Some(p) = progress {
            p.set_length((folds.len() * settings.len()) as u64);
        }
        settings
            .iter()
            .map(|(_, spec)| data.cross_validate(spec, folds, scoring, progress))
            .collect::<Result<_>>()?
    };
    let results: Vec<ClassCvResult> = settings
        .iter()
        .zip(per_setting)
        .map(|((params, _), scores)| ClassCvResult::from_folds(params.clone(), scores))
        .collect();
    let best_index = results
        .iter()
        .enumerate()
        // The first of the highest: a later row must be strictly better to win.
        .fold(None, |best: Option<(usize, f64)>, (i, r)| match best {
            Some((_, m)) if r.mean <= m => best,
            _ => Some((i, r.mean)),
        })
        .map(|(i, _)| i)
        .ok_or_else(|| Error::invalid("grid", "the grid has no settings"))?;
    Ok(ClassSearch {
        model: base.name().to_string(),
        scoring,
        results,
        best_index,
        best: settings[best_index].1.clone(),
    })
}

/// Runs every (label, model) through the same folds.
pub fn class_spot_check(
    models: &[(String, ModelSpec)],
    data: ClassData,
    folds: &[Split],
    scoring: ClassScoring,
) -> Result<ClassSpotCheck> {
    let results = models
        .iter()
        .map(|(label, spec)| {
            let scores = data.cross_validate(spec, folds, scoring, None)?;
            Ok((
                label.clone(),
                ClassCvResult::from_folds(ParamSet::new(), scores),
            ))
        })
        .collect::<Result<_>>()?;
    Ok(ClassSpotCheck {
        folds: folds.len(),
        scoring,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::stratified::stratified_kfold;
    use ndarray::Array2;

    /// Two classes apart on the first feature, with every fifth row on the wrong side.
    fn data() -> (Array2<f64>, Vec<usize>) {
        let y: Vec<usize> = (0..60).map(|i| i % 2).collect();
        let x = Array2::from_shape_fn((60, 2), |(i, j)| {
            let side = if i % 10 == 4 { 1 - y[i] } else { y[i] };
            if j == 0 {
                side as f64 * 2.0 + (i % 7) as f64 * 0.1
            } else {
                (i % 5) as f64
            }
        });
        (x, y)
    }

    #[test]
    fn a_grid_over_iterations_scores_each_setting_as_its_own_fit_would() {
        let (x, y) = data();
        let names = vec!["a".to_string(), "b".to_string()];
        let folds = stratified_kfold(&y, &names, 3, false, 0).unwrap();
        let data = ClassData {
            x: x.view(),
            y: &y,
            n_classes: 2,
        };
        let mut base = "hist-gbm"
            .parse::<ModelSpec>()
            .unwrap()
            .for_task(crate::modeling::Task::Classification)
            .unwrap();
        base.set("min_samples_leaf", 5.0).unwrap();
        let grid = Grid::one("max_iter", [3.0, 10.0, 6.0]);
        let staged =
            class_grid_search(&base, &grid, data, &folds, ClassScoring::NegLogLoss, None).unwrap();
        for ((_, spec), row) in grid.settings(&base).unwrap().iter().zip(&staged.results) {
            let direct = data
                .cross_validate(spec, &folds, ClassScoring::NegLogLoss, None)
                .unwrap();
            assert_eq!(row.folds, direct, "{:?}", row.params);
        }
        // More iterations fit these rows better.
        assert_eq!(staged.best_index, 1);
    }

    #[test]
    fn the_best_setting_scores_highest_and_ties_keep_the_first() {
        let (x, y) = data();
        let names = vec!["a".to_string(), "b".to_string()];
        let folds = stratified_kfold(&y, &names, 3, false, 0).unwrap();
        let data = ClassData {
            x: x.view(),
            y: &y,
            n_classes: 2,
        };
        let base: ModelSpec = "logistic".parse::<ModelSpec>().unwrap();
        let grid = Grid::one("C", [1e-4, 1.0, 1.0]);
        let search =
            class_grid_search(&base, &grid, data, &folds, ClassScoring::NegLogLoss, None).unwrap();
        assert_eq!(search.results.len(), 3);
        assert!(search
            .results
            .iter()
            .all(|r| r.mean < 0.0 && r.folds.len() == 3));
        // A weaker penalty fits these classes better; of the two equal rows the first wins.
        assert_eq!(search.best_index, 1);
        assert_eq!(search.best.params()["c"], 1.0);
        let spot = class_spot_check(
            &crate::modeling::registry::spot_check_models_for(
                crate::modeling::Task::Classification,
                0,
            ),
            data,
            &folds,
            ClassScoring::Accuracy,
        )
        .unwrap();
        let labels: Vec<&str> = spot.results.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "LogisticRegression",
                "DecisionTreeClassifier",
                "KNeighborsClassifier",
                "RandomForestClassifier",
                "GradientBoostingClassifier",
                "HistGradientBoostingClassifier"
            ]
        );
        assert!(spot
            .results
            .iter()
            .all(|(_, r)| r.mean > 0.6 && r.mean <= 1.0));
    }
}
