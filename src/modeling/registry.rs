//! The model registry: one description for every regressor ([`ModelSpec`]: its kind and
//! its settings), one fitted form ([`FittedModel`]), and ONE table of models ([`MODELS`]:
//! name, aliases, description, hyperparameters, capabilities) that the CLI's `--model` and
//! `--param`, the spot check, the artifact and the notebooks all read.
//!
//! Each model's hyperparameters are declared once, beside the model, with
//! [`settings!`](super::hyperparams): name, type, default and help. A new model is its own
//! file (the algorithm and its settings) plus, here, a [`ModelSpec`] variant, a row in
//! [`MODELS`], an arm in [`ModelSpec::fit`] and a [`FittedModel`] variant.

use std::collections::BTreeMap;

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::classify::{
    fit_class_tree, fit_logistic, ClassTreeSettings, KnnClassifierSettings, LogisticSettings,
};
pub use super::fitted_model::FittedModel;
use super::hyperparams::{ParamDef, ParamKind};
use super::linear::{fit_ols, ElasticNetSettings, LassoSettings};
use super::neighbors::KnnSettings;
use super::svr::SvrSettings;
use super::trees::{
    AdaBoostSettings, ForestClassSettings, ForestRegressorParams, ForestSettings, GbmSettings,
    HistGbmClassifierSettings, HistGbmSettings, HistGradientBoostingRegressorValidParams,
    TreeError, TreeSettings,
};
use crate::error::{Error, Result};
use crate::table::names::suggest;

/// A regressor's kind and settings (scikit-learn's defaults unless set). The artifact records
/// it as `{"kind": "gbm", "n_estimators": 100, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ModelSpec {
    /// Ordinary least squares (`LinearRegression`).
    Linear,
    /// L1-penalised least squares (`Lasso`).
    Lasso(LassoSettings),
    /// L1 + L2 penalised least squares (`ElasticNet`).
    ElasticNet(ElasticNetSettings),
    /// k-nearest neighbours (`KNeighborsRegressor`).
    Knn(KnnSettings),
    /// A CART regression tree (`DecisionTreeRegressor`).
    Tree(TreeSettings),
    /// Bagged trees (`RandomForestRegressor`).
    RandomForest(ForestSettings),
    /// Extremely randomised trees (`ExtraTreesRegressor`).
    ExtraTrees(ForestSettings),
    /// Gradient boosting with squared loss (`GradientBoostingRegressor`).
    Gbm(GbmSettings),
    /// Histogram gradient boosting (`HistGradientBoostingRegressor`): binned features,
    /// leaf-wise trees, native missing values.
    HistGbm(HistGbmSettings),
    /// AdaBoost.R2 over depth-3 trees (`AdaBoostRegressor`).
    AdaBoost(AdaBoostSettings),
    /// ε-support vector regression with an RBF kernel (`SVR`).
    Svr(SvrSettings),
    /// Logistic regression, a classifier (`LogisticRegression`): linfa-logistic.
    Logistic(LogisticSettings),
    /// A classification tree (`DecisionTreeClassifier`): linfa-trees.
    TreeClassifier(ClassTreeSettings),
    /// k-nearest-neighbours classification (`KNeighborsClassifier`): linfa-nn.
    KnnClassifier(KnnClassifierSettings),
    /// Histogram gradient boosting with log loss (`HistGradientBoostingClassifier`).
    HistGbmClassifier(HistGbmClassifierSettings),
    /// Gradient boosting with log loss (`GradientBoostingClassifier`).
    GbmClassifier(GbmSettings),
    /// Bagged classification trees (`RandomForestClassifier`).
    ForestClassifier(ForestClassSettings),
}

/// What a model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// A number.
    #[default]
    Regression,
    /// A class, with each class's probability.
    Classification,
}

/// What the registry knows of one model.
#[derive(Debug, Clone, Copy)]
pub struct ModelInfo {
    /// The name the CLI, the artifact and the notebooks use (`gbm`).
    pub name: &'static str,
    /// Other names accepted for it.
    pub aliases: &'static [&'static str],
    /// scikit-learn's class (the spot check's label).
    pub sklearn: &'static str,
    /// One line on what it is, with its defaults.
    pub description: &'static str,
    /// The model with scikit-learn's defaults.
    pub defaults: fn() -> ModelSpec,
    /// Its hyperparameters (the seed among them, set by the run's `--seed`).
    pub params: &'static [ParamDef],
    /// Whether the chapter's spot check includes it.
    pub spot_check: bool,
    /// The hyperparameter whose smaller values are scored from one fit of the largest value
    /// (staged prediction), if the model has one.
    pub staged: Option<&'static str>,
    /// What it predicts.
    pub task: Task,
}

impl ModelInfo {
    /// A spot-checked model with no aliases and no staged parameter.
    const fn new(
        name: &'static str,
        sklearn: &'static str,
        description: &'static str,
        defaults: fn() -> ModelSpec,
        params: &'static [ParamDef],
    ) -> ModelInfo {
        ModelInfo {
            name,
            aliases: &[],
            sklearn,
            description,
            defaults,
            params,
            spot_check: true,
            staged: None,
            task: Task::Regression,
        }
    }

    /// A classifier (in the classifiers' spot check).
    const fn classifier(mut self) -> ModelInfo {
        self.task = Task::Classification;
        self
    }

    const fn aliases(mut self, aliases: &'static [&'static str]) -> ModelInfo {
        self.aliases = aliases;
        self
    }

    const fn staged(mut self, param: &'static str) -> ModelInfo {
        self.staged = Some(param);
        self
    }
}

/// Every model, in the spot check's order.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo::new(
        "linear",
        "LinearRegression",
        "ordinary least squares",
        || ModelSpec::Linear,
        &[],
    )
    .aliases(&["ols"]),
    ModelInfo::new(
        "lasso",
        "Lasso",
        "Lasso, alpha 1",
        || ModelSpec::Lasso(LassoSettings::default()),
        LassoSettings::PARAMS,
    ),
    ModelInfo::new(
        "elastic-net",
        "ElasticNet",
        "ElasticNet, alpha 1, l1_ratio 0.5",
        || ModelSpec::ElasticNet(ElasticNetSettings::default()),
        ElasticNetSettings::PARAMS,
    )
    .aliases(&["elasticnet"]),
    ModelInfo::new(
        "knn",
        "KNeighbors",
        "k-nearest neighbours, k 5",
        || ModelSpec::Knn(KnnSettings::default()),
        KnnSettings::PARAMS,
    ),
    ModelInfo::new(
        "tree",
        "DecisionTree",
        "CART regression tree",
        || ModelSpec::Tree(TreeSettings::default()),
        TreeSettings::PARAMS,
    )
    .aliases(&["cart"]),
    ModelInfo::new(
        "svr",
        "SVR",
        "support vector regression, RBF, C 1, epsilon 0.1",
        || ModelSpec::Svr(SvrSettings::default()),
        SvrSettings::PARAMS,
    ),
    ModelInfo::new(
        "forest",
        "RandomForest",
        "random forest, 100 trees",
        || ModelSpec::RandomForest(ForestSettings::default()),
        ForestSettings::PARAMS,
    )
    .aliases(&["random-forest", "rf"]),
    ModelInfo::new(
        "extra-trees",
        "ExtraTrees",
        "extra trees, 100 trees",
        || ModelSpec::ExtraTrees(ForestSettings::default()),
        ForestSettings::PARAMS,
    ),
    ModelInfo::new(
        "adaboost",
        "AdaBoost",
        "AdaBoost.R2, 50 depth-3 trees, learning rate 1",
        || ModelSpec::AdaBoost(AdaBoostSettings::default()),
        AdaBoostSettings::PARAMS,
    )
    .aliases(&["ada-boost"]),
    ModelInfo::new(
        "gbm",
        "GradientBoosting",
        "gradient boosting, 100 stages, learning rate 0.1, depth 3",
        ModelSpec::gbm,
        GbmSettings::PARAMS,
    )
    .aliases(&["gradient-boosting"])
    .staged("n_estimators"),
    ModelInfo::new(
        "hist-gbm",
        "HistGradientBoosting",
        "histogram gradient boosting, 100 iterations, 31 leaves, learning rate 0.1, missing values native",
        ModelSpec::hist_gbm,
        HistGbmSettings::PARAMS,
    )
    .aliases(&["hgb", "histgradientboosting"])
    .staged("max_iter"),
    ModelInfo::new(
        "logistic",
        "LogisticRegression",
        "logistic regression, L2, C 1 (linfa-logistic)",
        || ModelSpec::Logistic(LogisticSettings::default()),
        LogisticSettings::PARAMS,
    )
    .aliases(&["logistic-regression", "logreg"])
    .classifier(),
    ModelInfo::new(
        "tree",
        "DecisionTreeClassifier",
        "classification tree, gini (linfa-trees)",
        || ModelSpec::TreeClassifier(ClassTreeSettings::default()),
        ClassTreeSettings::PARAMS,
    )
    .aliases(&["cart"])
    .classifier(),
    ModelInfo::new(
        "knn",
        "KNeighborsClassifier",
        "k-nearest neighbours, k 5 (linfa-nn)",
        || ModelSpec::KnnClassifier(KnnClassifierSettings::default()),
        KnnClassifierSettings::PARAMS,
    )
    .classifier(),
    ModelInfo::new(
        "forest",
        "RandomForestClassifier",
        "random forest, 100 trees, gini, square root of the features per split",
        || ModelSpec::ForestClassifier(ForestClassSettings::default()),
        ForestClassSettings::PARAMS,
    )
    .aliases(&["random-forest", "rf"])
    .classifier(),
    ModelInfo::new(
        "gbm",
        "GradientBoostingClassifier",
        "gradient boosting, log loss, 100 stages, learning rate 0.1, depth 3",
        || ModelSpec::GbmClassifier(GbmSettings::default()),
        GbmSettings::PARAMS,
    )
    .aliases(&["gradient-boosting"])
    .staged("n_estimators")
    .classifier(),
    ModelInfo::new(
        "hist-gbm",
        "HistGradientBoostingClassifier",
        "histogram gradient boosting, log loss, 100 iterations, 31 leaves, missing values native",
        || ModelSpec::HistGbmClassifier(HistGbmClassifierSettings::default()),
        HistGbmClassifierSettings::PARAMS,
    )
    .aliases(&["hgb", "histgradientboosting"])
    .staged("max_iter")
    .classifier(),
];

/// The registry's entry for `name` (or one of its aliases); the error lists the names.
pub fn model_info(name: &str) -> Result<&'static ModelInfo> {
    let names = || {
        MODELS
            .iter()
            .flat_map(|m| std::iter::once(m.name).chain(m.aliases.iter().copied()))
    };
    MODELS
        .iter()
        .find(|m| m.name == name || m.aliases.contains(&name))
        .ok_or_else(|| {
            let known: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
            // The closest name or alias, said as the model's own name.
            let candidates: Vec<&str> = names().collect();
            let hint = suggest(name, &candidates)
                .and_then(|close| {
                    MODELS
                        .iter()
                        .find(|m| m.name == close || m.aliases.contains(&close.as_str()))
                })
                .map(|m| format!(" (did you mean {:?}?)", m.name))
                .unwrap_or_default();
            Error::invalid(
                "model",
                format!(
                    "unknown model {name:?}{hint}; choose one of {}",
                    known.join(", ")
                ),
            )
        })
}

/// The entry called `name` (or an alias) among the models for `task`; the error lists them.
pub fn model_info_for(name: &str, task: Task) -> Result<&'static ModelInfo> {
    let models = || MODELS.iter().filter(move |m| m.task == task);
    models()
        .find(|m| m.name == name || m.aliases.contains(&name))
        .ok_or_else(|| {
            let known: Vec<&str> = models().map(|m| m.name).collect();
            let what = match task {
                Task::Regression => "a regressor",
                Task::Classification => "a classifier",
            };
            Error::invalid(
                "model",
                format!("{name:?} is not {what}; choose one of {}", known.join(", ")),
            )
        })
}

/// The chapter's line-up for the spot check: each regressor with scikit-learn's defaults,
/// labelled with its scikit-learn class.
pub fn spot_check_models(seed: u64) -> Vec<(String, ModelSpec)> {
    spot_check_models_for(Task::Regression, seed)
}

/// The spot check's line-up for `task`: each of its models with scikit-learn's defaults,
/// labelled with its scikit-learn class.
pub fn spot_check_models_for(task: Task, seed: u64) -> Vec<(String, ModelSpec)> {
    MODELS
        .iter()
        .filter(|m| m.spot_check && m.task == task)
        .map(|m| (m.sklearn.to_string(), (m.defaults)().with_seed(seed)))
        .collect()
}

/// A model by its registry name or alias, with scikit-learn's defaults: `"hist-gbm".parse()`.
///
/// ```
/// use ml_workflow::modeling::ModelSpec;
///
/// let model: ModelSpec = "rf".parse()?;
/// assert_eq!(model.name(), "forest");
/// assert!("randomforest".parse::<ModelSpec>().unwrap_err().to_string().contains("forest"));
/// # Ok::<(), ml_workflow::Error>(())
/// ```
impl std::str::FromStr for ModelSpec {
    type Err = Error;

    fn from_str(name: &str) -> Result<ModelSpec> {
        ModelSpec::from_name(name)
    }
}

impl ModelSpec {
    /// Gradient boosting with scikit-learn's defaults (100 stages, learning rate 0.1, depth 3).
    pub fn gbm() -> ModelSpec {
        ModelSpec::Gbm(GbmSettings::default())
    }

    /// The model called `name` (see [`MODELS`]) with scikit-learn's defaults.
    pub fn from_name(name: &str) -> Result<ModelSpec> {
        Ok((model_info(name)?.defaults)())
    }

    /// Histogram gradient boosting with scikit-learn's defaults (100 iterations, 31 leaves).
    pub fn hist_gbm() -> ModelSpec {
        ModelSpec::HistGbm(HistGbmSettings::default())
    }

    /// What the model predicts.
    pub fn task(&self) -> Task {
        self.info().task
    }

    /// The same model for `task`: itself, or the other task's model of the same name (`tree`
    /// the regressor ↔ `tree` the classifier) with the settings both have carried over; an
    /// error when there is none.
    pub fn for_task(self, task: Task) -> Result<ModelSpec> {
        if self.task() == task {
            return Ok(self);
        }
        let mut twin = (model_info_for(self.name(), task)?.defaults)();
        // Only what was set: where the two tasks' defaults differ (a classification forest
        // draws √features per split, a regression forest all), the twin keeps its own.
        let defaults = (self.info().defaults)().params();
        for (key, value) in self.params().as_object().into_iter().flatten() {
            if twin.param(key).is_some() && defaults.get(key) != Some(value) {
                twin.write(key, value.clone())?;
            }
        }
        Ok(twin)
    }

    /// Whether the model takes missing values (NaN) itself, so the preprocessing need not
    /// impute them.
    pub fn handles_missing(&self) -> bool {
        matches!(
            self,
            ModelSpec::HistGbm(_) | ModelSpec::HistGbmClassifier(_)
        )
    }

    /// The registry's entry for this model.
    pub fn info(&self) -> &'static ModelInfo {
        let kind = std::mem::discriminant(self);
        MODELS
            .iter()
            .find(|m| std::mem::discriminant(&(m.defaults)()) == kind)
            .unwrap_or(&MODELS[0])
    }

    /// The model's short name (as in [`MODELS`]).
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// The hyperparameters as a JSON object (without the kind).
    pub fn params(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("kind");
        }
        v
    }

    /// `params` as a JSON object whose values have this model's parameter types: whole
    /// numbers for counts (`"n_estimators": 200`), floats otherwise (`"alpha": 1.0`).
    pub fn typed_params(&self, params: &ParamSet) -> Value {
        let map = params
            .iter()
            .map(|(k, v)| {
                let value = match self.param(k) {
                    Some(def) => def.kind.typed(*v),
                    None => Value::from(*v),
                };
                (k.clone(), value)
            })
            .collect();
        Value::Object(map)
    }

    /// The hyperparameter `key` names (by its name or an alias), if the model has it.
    pub fn param(&self, key: &str) -> Option<&'static ParamDef> {
        self.info().params.iter().find(|p| p.is(key))
    }

    /// Sets the seed of models that draw random numbers (others ignore it).
    pub fn with_seed(mut self, seed: u64) -> ModelSpec {
        if self.param("seed").is_some() {
            // A seed always fits its field: the write cannot fail.
            let _ = self.write("seed", Value::from(seed));
        }
        self
    }

    /// Sets one hyperparameter by name (for grid search), checked against its type; the error
    /// lists the model's parameters.
    pub fn set(&mut self, key: &str, value: f64) -> Result<()> {
        let def = self.settable(key)?;
        self.write(def.name, def.kind.value(key, value)?)
    }

    /// Sets one hyperparameter from its text (`--param KEY=VALUE`): a number, `true`/`false`,
    /// or `none` where the parameter is optional.
    ///
    /// ```
    /// use ml_workflow::modeling::ModelSpec;
    ///
    /// let mut spec: ModelSpec = "forest".parse()?;
    /// spec.set_text("max_depth", "none")?;
    /// spec.set_text("n_estimators", "50")?;
    /// assert_eq!(spec.params()["n_estimators"], 50);
    /// # Ok::<(), ml_workflow::Error>(())
    /// ```
    pub fn set_text(&mut self, key: &str, text: &str) -> Result<()> {
        let def = self.settable(key)?;
        self.write(def.name, def.kind.parse(key, text)?)
    }

    /// The parameter `key` names, unless it is the seed (set by the run's seed); the error
    /// lists the parameters and suggests the closest name.
    fn settable(&self, key: &str) -> Result<&'static ParamDef> {
        if let Some(def) = self.param(key).filter(|p| p.kind != ParamKind::Seed) {
            return Ok(def);
        }
        let keys: Vec<&str> = self
            .info()
            .params
            .iter()
            .filter(|p| p.kind != ParamKind::Seed)
            .map(|p| p.name)
            .collect();
        let hint = suggest(key, &keys)
            .map(|close| format!(" (did you mean {close:?}?)"))
            .unwrap_or_default();
        let listed = if keys.is_empty() {
            "it has none".to_string()
        } else {
            format!("it has: {}", keys.join(", "))
        };
        Err(Error::invalid(
            "parameter",
            format!("{} has no parameter {key:?}{hint}; {listed}", self.name()),
        ))
    }

    /// Writes `value` into the field `name` through the artifact's form of the spec.
    fn write(&mut self, name: &str, value: Value) -> Result<()> {
        let mut form = serde_json::to_value(&*self).map_err(|e| Error::model(self.name(), e))?;
        if let Some(map) = form.as_object_mut() {
            map.insert(name.to_string(), value);
        }
        *self = serde_json::from_value(form).map_err(|e| Error::model(self.name(), e))?;
        Ok(())
    }

    /// Fits the model to rows `x` and targets `y`.
    pub fn fit(&self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<FittedModel> {
        check_training_data(self.name(), x, y, self.handles_missing())?;
        let tree_err = |e: TreeError| Error::model(self.name(), e);
        Ok(match self {
            ModelSpec::Linear => FittedModel::Linear(fit_ols(x, y)?),
            ModelSpec::Lasso(s) => FittedModel::Linear(s.fit(x, y)?),
            ModelSpec::ElasticNet(s) => FittedModel::Linear(s.fit(x, y)?),
            ModelSpec::Knn(s) => FittedModel::Knn(s.fit(x, y)?),
            ModelSpec::Tree(s) => FittedModel::Tree(s.fit(x, y).map_err(tree_err)?),
            ModelSpec::RandomForest(s) => FittedModel::Forest(
                s.fit(ForestRegressorParams::random_forest(), x, y)
                    .map_err(tree_err)?,
            ),
            ModelSpec::ExtraTrees(s) => FittedModel::Forest(
                s.fit(ForestRegressorParams::extra_trees(), x, y)
                    .map_err(tree_err)?,
            ),
            ModelSpec::Gbm(s) => FittedModel::Gbm(s.fit(x, y).map_err(tree_err)?),
            ModelSpec::HistGbm(s) => FittedModel::HistGbm(s.fit(x, y).map_err(tree_err)?),
            ModelSpec::AdaBoost(s) => FittedModel::AdaBoost(s.fit(x, y).map_err(tree_err)?),
            ModelSpec::Svr(s) => FittedModel::Svr(Box::new(s.fit(x, y)?)),
            ModelSpec::Logistic(_)
            | ModelSpec::TreeClassifier(_)
            | ModelSpec::KnnClassifier(_)
            | ModelSpec::HistGbmClassifier(_)
            | ModelSpec::GbmClassifier(_)
            | ModelSpec::ForestClassifier(_) => {
                return Err(Error::invalid(
                    "model",
                    format!(
                        "{} is a classifier: its target is text or booleans, not numbers",
                        self.name()
                    ),
                ))
            }
        })
    }

    /// Fits a classifier to rows `x` and class codes `y` (`0..n_classes`).
    pub fn fit_classifier(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        n_classes: usize,
    ) -> Result<FittedModel> {
        if n_classes < 2 {
            return Err(Error::invalid(
                "target",
                "a classifier needs at least two classes",
            ));
        }
        if x.nrows() == 0 || x.nrows() != y.len() || y.iter().any(|&c| c >= n_classes) {
            return Err(Error::model(
                self.name(),
                "one class code per row, each below the number of classes",
            ));
        }
        let takes_nan = self.handles_missing();
        if let Some((i, _)) = x
            .indexed_iter()
            .find(|(_, v)| !(v.is_finite() || takes_nan && v.is_nan()))
        {
            return Err(Error::model(
                self.name(),
                format!("feature {} of training row {} is not finite", i.1, i.0),
            ));
        }
        Ok(match self {
            ModelSpec::Logistic(s) => FittedModel::Logistic(fit_logistic(s, x, y, n_classes)?),
            ModelSpec::TreeClassifier(s) => {
                FittedModel::TreeClassifier(fit_class_tree(s, x, y, n_classes)?)
            }
            ModelSpec::KnnClassifier(s) => FittedModel::KnnClassifier(s.fit(x, y, n_classes)?),
            ModelSpec::HistGbmClassifier(s) => {
                FittedModel::HistGbmClassifier(s.fit(x, y, n_classes)?)
            }
            ModelSpec::GbmClassifier(s) => {
                FittedModel::GbmClassifier(s.fit_classifier(x, y, n_classes)?)
            }
            ModelSpec::ForestClassifier(s) => FittedModel::ForestClassifier(
                s.fit(x, y, n_classes)
                    .map_err(|e| Error::model(self.name(), e))?,
            ),
            _ => {
                let classifiers: Vec<&str> = MODELS
                    .iter()
                    .filter(|m| m.task == Task::Classification)
                    .map(|m| m.name)
                    .collect();
                return Err(Error::invalid(
                    "model",
                    format!(
                        "{} is a regressor: its target is numbers; classifiers: {}",
                        self.name(),
                        classifiers.join(", ")
                    ),
                ));
            }
        })
    }

    /// The checked parameters of a `HistGbm` spec.
    pub fn hist_gbm_params(&self) -> Result<HistGradientBoostingRegressorValidParams> {
        match self {
            ModelSpec::HistGbm(s) => s.params().map_err(|e| Error::model(self.name(), e)),
            _ => Err(Error::invalid(
                "model",
                format!("{} is not histogram gradient boosting", self.name()),
            )),
        }
    }
}

/// Rows and targets agree and are finite (a model that handles missing values takes NaN).
fn check_training_data(
    model: &str,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    takes_nan: bool,
) -> Result<()> {
    if x.nrows() == 0 || x.ncols() == 0 {
        return Err(Error::model(model, "no training data"));
    }
    if x.nrows() != y.len() {
        return Err(Error::model(
            model,
            format!("{} rows but {} targets", x.nrows(), y.len()),
        ));
    }
    let bad = |v: &f64| !(v.is_finite() || takes_nan && v.is_nan());
    if let Some((i, _)) = x.indexed_iter().find(|(_, v)| bad(v)) {
        return Err(Error::model(
            model,
            format!("feature {} of training row {} is not finite", i.1, i.0),
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::model(
            model,
            format!("target of training row {i} is not finite"),
        ));
    }
    Ok(())
}

/// Hyperparameter values by name, as a grid-search row shows them.
pub type ParamSet = BTreeMap<String, f64>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_a_model_lists_can_be_set() {
        // `hist-gbm`'s early_stopping was listed but refused by `set`.
        for m in MODELS {
            let spec = ModelSpec::from_name(m.name).unwrap();
            let params = spec.params();
            for (key, value) in params.as_object().into_iter().flatten() {
                let v = match value {
                    serde_json::Value::Bool(b) => f64::from(u8::from(!*b)),
                    serde_json::Value::Number(n) => n.as_f64().unwrap(),
                    _ => continue,
                };
                if key == "seed" {
                    continue;
                }
                let mut changed = spec.clone();
                changed
                    .set(key, v)
                    .unwrap_or_else(|e| panic!("{} {key}: {e}", m.name));
                assert_eq!(
                    changed.params()[key].as_f64().or(Some(v)),
                    Some(v),
                    "{} {key}",
                    m.name
                );
            }
        }
        let mut spec = ModelSpec::hist_gbm();
        assert!(spec.set("early_stopping", 0.5).is_err());
        spec.set("early_stopping", 1.0).unwrap();
        assert_eq!(spec.params()["early_stopping"], serde_json::json!(true));
    }

    #[test]
    fn every_model_is_found_by_its_name_and_aliases() {
        for m in MODELS {
            let spec = ModelSpec::from_name(m.name).unwrap();
            assert_eq!(
                spec.name(),
                m.name,
                "defaults of {} are another model",
                m.name
            );
            for alias in m.aliases {
                assert_eq!(ModelSpec::from_name(alias).unwrap().name(), m.name);
            }
        }
        let err = ModelSpec::from_name("randomforest")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean \"forest\""), "{err}");
        assert_eq!(ModelSpec::from_name("rf").unwrap().name(), "forest");
        let err = ModelSpec::from_name("nope").unwrap_err().to_string();
        assert!(
            err.contains("\"nope\"") && err.contains("extra-trees"),
            "{err}"
        );
    }

    #[test]
    fn the_spot_check_follows_the_table() {
        let labels: Vec<String> = spot_check_models(0).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            labels,
            [
                "LinearRegression",
                "Lasso",
                "ElasticNet",
                "KNeighbors",
                "DecisionTree",
                "SVR",
                "RandomForest",
                "ExtraTrees",
                "AdaBoost",
                "GradientBoosting",
                "HistGradientBoosting"
            ]
        );
        assert!(spot_check_models(3)
            .iter()
            .all(|(_, s)| s.params().get("seed").is_none_or(|v| v == 3)));
    }

    #[test]
    fn the_classification_twin_keeps_its_own_defaults_and_takes_what_was_set() {
        let mut forest: ModelSpec = "forest".parse().unwrap();
        forest.set_text("max_depth", "4").unwrap();
        let twin = forest.for_task(Task::Classification).unwrap();
        assert_eq!(twin.info().sklearn, "RandomForestClassifier");
        assert_eq!(twin.params()["max_features"], "sqrt");
        assert_eq!(twin.params()["max_depth"], 4);
        let mut twin = twin;
        twin.set_text("max_features", "log2").unwrap();
        assert_eq!(twin.params()["max_features"], "log2");
        twin.set_text("max_features", "none").unwrap();
        assert!(twin.params()["max_features"].is_null());
        twin.set_text("max_features", "0.5").unwrap();
        assert_eq!(twin.params()["max_features"], 0.5);
        let err = twin
            .set_text("max_features", "half")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sqrt, log2 or none"), "{err}");
    }

    #[test]
    fn typed_params_follow_each_parameters_type() {
        let tree = ModelSpec::from_name("tree").unwrap();
        let params = ParamSet::from([("max_depth".to_string(), 5.0)]);
        assert_eq!(tree.typed_params(&params).to_string(), r#"{"max_depth":5}"#);
        let ada = ModelSpec::from_name("adaboost").unwrap();
        let params = ParamSet::from([("learning_rate".to_string(), 1.0)]);
        assert_eq!(
            ada.typed_params(&params).to_string(),
            r#"{"learning_rate":1.0}"#
        );
    }
}
