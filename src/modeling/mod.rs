//! Modeling: splits and folds that match scikit-learn, scaling, linear models, the
//! gradient-descent port of the PyTorch example, trees, forests and boosting in linfa's style,
//! the model registry, cross-validation, grid search, evaluation and the headless training
//! pipeline. Numbers only: tables and charts of these results are in [`crate::report`].

pub mod class_curves;
pub mod class_metrics;
pub mod classify;
pub(crate) mod column_fit;
pub mod evaluation;
pub mod explain;
pub mod fitted_model;
pub mod gradient_descent;
pub mod hyperparams;
pub mod linear;
pub mod metrics;
pub mod neighbors;
pub(crate) mod prefetch;
pub mod preprocess;
pub mod registry;
pub mod scaler;
pub mod search;
pub mod sklearn_rng;
pub mod split;
pub mod stratified;
pub mod svr;
pub mod train;
pub mod trees;
pub mod xy;

pub use crate::table::{Cell, ColumnType, Encoding, InputColumn};
pub use evaluation::Evaluation;
pub use metrics::Metrics;
pub use preprocess::{PreprocessOptions, Preprocessor};
pub use registry::{
    model_info, model_info_for, spot_check_models, FittedModel, ModelInfo, ModelSpec, ParamSet,
    Task, MODELS,
};
pub use scaler::StandardScaler;
pub use search::{cross_val_mse, grid_search, spot_check, Grid, GridSearch, SpotCheck};
pub use split::{train_test_split, KFold, Split};
