//! Modeling: splits and folds that match scikit-learn, scaling, linear models, the
//! gradient-descent port of the PyTorch example, trees, forests and boosting in linfa's style,
//! cross-validation, grid search, and the headless training pipeline.

pub mod adaboost;
pub mod boosting;
pub mod forest;
pub mod gradient_descent;
pub mod linear;
pub mod metrics;
pub mod model;
pub mod neighbors;
mod packed;
pub mod pipeline;
pub mod scaler;
pub mod search;
pub mod split;
pub mod svr;
pub mod tree;
pub mod xy;

pub use metrics::Metrics;
pub use model::{FittedModel, ModelSpec};
pub use scaler::StandardScaler;
pub use search::{cross_val_mse, grid_search, spot_check, Grid, GridSearch, SpotCheck};
pub use split::{train_test_split, KFold, Split};
