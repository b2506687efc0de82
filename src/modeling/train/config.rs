//! What a training run is given and what it gives back, whichever road it takes: the
//! configuration ([`TrainConfig`]), the report ([`TrainReport`]), and the input and target
//! columns picked and checked as every road picks and checks them.

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::modeling::classify::ClassScoring;
use crate::modeling::evaluation::Evaluation;
use crate::modeling::metrics::Metrics;
use crate::modeling::preprocess::{Preprocessor, DEFAULT_MAX_CATEGORIES};
use crate::modeling::registry::{FittedModel, ModelSpec, ParamSet};
use crate::modeling::search::{Grid, GridSearch};
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
    /// What ranks a classifier's settings and spot check (scikit-learn's `scoring`;
    /// `accuracy` by default). Regression ranks by the mean squared error.
    #[serde(default)]
    pub scoring: ClassScoring,
}

fn default_max_categories() -> usize {
    DEFAULT_MAX_CATEGORIES
}

impl TrainConfig {
    /// Defaults for a user's own table: every column but the target, histogram gradient
    /// boosting with scikit-learn's defaults (strong on most tables, fast, gaps handled
    /// natively), 5 folds, a held-out 20 %, seed 0. The chapter's datasets keep the chapter's
    /// models through their presets. Change them with the builder methods or the fields.
    ///
    /// ```
    /// use ml_workflow::modeling::train::TrainConfig;
    ///
    /// let config = TrainConfig::for_target("price")
    ///     .model("hist-gbm")?
    ///     .param("max_iter", "200")?
    ///     .folds(3)
    ///     .drop(["id"]);
    /// assert_eq!((config.model.name(), config.folds), ("hist-gbm", 3));
    /// # Ok::<(), ml_workflow::Error>(())
    /// ```
    pub fn for_target(target: &str) -> TrainConfig {
        TrainConfig {
            target: target.into(),
            features: vec![],
            drop: vec![],
            max_categories: DEFAULT_MAX_CATEGORIES,
            model: ModelSpec::hist_gbm(),
            grid: Grid::default(),
            folds: 5,
            shuffle: false,
            seed: 0,
            test_size: 0.2,
            scale: true,
            final_params: None,
            scoring: ClassScoring::Accuracy,
        }
    }
}

/// Builder methods: each returns the configuration changed, for a notebook's one expression.
impl TrainConfig {
    /// The model by its registry name or alias (`"hist-gbm"`, `"rf"`), with scikit-learn's
    /// defaults; clears a grid and final parameters set for another model.
    pub fn model(mut self, name: &str) -> Result<TrainConfig> {
        self.model = name.parse()?;
        self.grid = Grid::default();
        self.final_params = None;
        Ok(self)
    }

    /// One hyperparameter of the model from its text: a number, `true`/`false`, or `none`.
    pub fn param(mut self, key: &str, value: &str) -> Result<TrainConfig> {
        self.model.set_text(key, value)?;
        Ok(self)
    }

    /// A grid entry searched by cross-validation: `grid("max_iter", [100.0, 200.0])`.
    pub fn grid(mut self, key: &str, values: impl IntoIterator<Item = f64>) -> TrainConfig {
        self.grid
            .0
            .push((key.to_string(), values.into_iter().collect()));
        self.final_params = None;
        self
    }

    /// The input columns, in order (none given: every column but the target and `drop`).
    pub fn features<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> TrainConfig {
        self.features = names.into_iter().map(Into::into).collect();
        self
    }

    /// Columns left out of the inputs (an ID, a free-text note).
    pub fn drop<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> TrainConfig {
        self.drop.extend(names.into_iter().map(Into::into));
        self
    }

    /// Cross-validation folds (0: no cross-validation, one fit).
    pub fn folds(mut self, folds: usize) -> TrainConfig {
        self.folds = folds;
        self
    }

    /// The seed of the split, the folds' shuffle and the model.
    pub fn seed(mut self, seed: u32) -> TrainConfig {
        self.seed = seed;
        self
    }

    /// The share of rows held out for the final evaluation (0: none).
    pub fn test_size(mut self, share: f64) -> TrainConfig {
        self.test_size = share;
        self
    }

    /// What ranks a classifier's settings: `"accuracy"`, `"neg_log_loss"`, `"roc_auc"`,
    /// `"balanced_accuracy"` or `"f1_macro"`.
    pub fn scoring(mut self, name: &str) -> Result<TrainConfig> {
        self.scoring = name.parse()?;
        Ok(self)
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
    /// Rows left out of training and evaluation because they have no target.
    #[serde(default)]
    pub rows_without_target: usize,
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

/// The target's values on the rows that have one.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetValues {
    /// One value per row kept, in the table's order.
    pub values: Vec<f64>,
    /// The table's row (counted from 0) of each value, when some rows had no target; empty
    /// when every row has one.
    pub rows: Vec<usize>,
    /// How many rows were left out for having no target.
    pub without_target: usize,
}

impl TargetValues {
    /// A value for each of the table's `height` rows, NaN where a row has none (the column
    /// road picks values by table row).
    pub fn into_table_values(self, height: usize) -> Vec<f64> {
        if self.rows.is_empty() {
            return self.values;
        }
        let mut all = vec![f64::NAN; height];
        for (&r, &v) in self.rows.iter().zip(&self.values) {
            all[r] = v;
        }
        all
    }

    /// The table's rows at `positions` among the kept rows.
    pub fn table_rows(&self, positions: &[usize]) -> Vec<usize> {
        if self.rows.is_empty() {
            positions.to_vec()
        } else {
            positions.iter().map(|&p| self.rows[p]).collect()
        }
    }
}

/// The target as numbers. A row without a target (a gap, or NaN) is left out of training and
/// evaluation, as pandas users do with `dropna(subset=[target])`, and counted; an infinite
/// value or text is an error that names the rows at fault (counted from 0, as pandas numbers
/// them).
pub fn target_values(df: &DataFrame, target: &str) -> Result<TargetValues> {
    let column = column_by_name(df, target)?;
    no_rows(df)?;
    let bad = |message: String| Error::BadColumn {
        column: target.into(),
        message: format!("the target must be numbers: {message}"),
    };
    if column.dtype().is_primitive_numeric() {
        // Gaps as NaN: 8 bytes a row, not an `Option`'s 16 (a big table's target is read here).
        let values = crate::polars_ext::column_gaps_as_nan(df, target)?;
        let infinite: Vec<usize> = (0..values.len())
            .filter(|&r| values[r].is_infinite())
            .collect();
        if !infinite.is_empty() {
            return Err(bad(format!("infinite at {}", rows_list(&infinite))));
        }
        return kept_rows(values).ok_or_else(|| {
            bad("every row's value is missing: there is nothing to learn from".into())
        });
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

/// The values that are not NaN, with their rows when some are; `None` when none is left.
fn kept_rows(values: Vec<f64>) -> Option<TargetValues> {
    let without_target = values.iter().filter(|v| v.is_nan()).count();
    if without_target == 0 {
        return Some(TargetValues {
            values,
            rows: Vec::new(),
            without_target,
        });
    }
    let rows: Vec<usize> = (0..values.len()).filter(|&r| !values[r].is_nan()).collect();
    if rows.is_empty() {
        return None;
    }
    Some(TargetValues {
        values: rows.iter().map(|&r| values[r]).collect(),
        rows,
        without_target,
    })
}

/// An error for a table with columns but no rows (a CSV file with only its header): said as
/// such, before any column is blamed for holding nothing to learn.
pub(super) fn no_rows(df: &DataFrame) -> Result<()> {
    if df.height() == 0 {
        return Err(Error::invalid(
            "table",
            "no data rows, only a header: nothing to train on",
        ));
    }
    Ok(())
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
