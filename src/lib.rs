//! # ml_workflow
//!
//! Machine learning run as DevOps, in Rust: the workflow of a classic MLOps chapter, from a
//! Jupyter notebook (evcxr kernel) to a prediction server.
//!
//! The modules follow the workflow: [`datasets`] (the registry and each dataset's preset) →
//! [`ingest`] (checksummed cache, CSV) → [`eda`] (describe, correlations, KDE) and [`plots`]
//! (SVG charts inline in Jupyter) → [`modeling`] (numbers only) → [`report`] (its tables and
//! charts) → [`serving`] (artifact, payloads, prediction, HTTP server). `ARCHITECTURE.md` says
//! which depends on which. Notebooks bring everything in with `use ml_workflow::prelude::*;`.
//!
//! ```
//! use ml_workflow::prelude::*;
//!
//! // A tiny frame, a linear model through the crate's pipeline, and its held-out metrics.
//! let x: Vec<f64> = (0..40).map(f64::from).collect();
//! let y: Vec<f64> = x.iter().map(|v| 3.0 * v + 1.0).collect();
//! let df = from_columns(vec![("x".into(), x), ("y".into(), y)])?;
//! let mut config = TrainConfig::for_target("y");
//! config.model = ModelSpec::Linear;
//! config.folds = 5;
//! let report = train(&df, &config, None)?;
//! assert!(report.test.unwrap().rmse < 1e-9);
//! # Ok::<(), ml_workflow::Error>(())
//! ```

#![warn(missing_docs)]

pub mod atomic_file;
pub mod datasets;
pub mod display;
pub mod eda;
pub mod error;
pub mod ingest;
#[cfg(feature = "cli")]
pub mod logging;
pub mod modeling;
mod numpy_sum;
pub mod plots;
pub mod polars_ext;
pub mod report;
pub mod serving;
pub mod table;

pub use error::{Error, Result};

/// The crate's polars, so that a notebook uses polars' own API on the crate's frames without a
/// `:dep` of its own (which could pick another version): `use ml_workflow::polars::prelude::*;`.
pub use polars;

/// Everything a notebook needs, in one import.
pub mod prelude {
    pub use crate::datasets::{dataset, preset, BOSTON_DROPPED};
    pub use crate::display::{head, Table};
    pub use crate::eda::{
        correlation, describe, describe_all, Correlation, Describe, DescribeAll, Kde1, Kde2,
        Summary,
    };
    pub use crate::error::{Error, Result};
    pub use crate::ingest::csv::{CsvReader, Separator};
    pub use crate::ingest::{load_dataset, read_csv};
    pub use crate::modeling::classify::ClassScoring;
    pub use crate::modeling::gradient_descent::{GdParams, Init};
    pub use crate::modeling::search::{spot_check, Grid};
    pub use crate::modeling::sklearn_rng::NumpyRandomState;
    pub use crate::modeling::train::{
        train, train_classifier, ClassPrepared, ClassifierReport, Prepared, TrainConfig,
        TrainReport,
    };
    pub use crate::modeling::xy::XySplit;
    pub use crate::modeling::{
        spot_check_models, Evaluation, KFold, Metrics, ModelSpec, Preprocessor, StandardScaler,
    };
    pub use crate::plots::{
        actual_vs_predicted, bar_chart, confusion_matrix, feature_importances, fitted_line,
        heatmap, kde_jointplot, line_chart, lmplot, loss_curve, pairplot, precision_recall_curves,
        residuals, roc_curves, scatter, Labels, Line, Svg,
    };
    pub use crate::polars_ext::{column_f64, column_names, drop_columns, from_columns, to_matrix};
    pub use crate::report::compare;
    pub use crate::serving::{
        csv_rows, predict, predict_frame, request_rows, Artifact, Cell, Frame, Orient, Prediction,
    };
    pub use polars::prelude::DataFrame;
}
