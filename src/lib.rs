//! # ml_workflow
//!
//! Machine learning run as DevOps, in Rust: the workflow of a classic MLOps chapter, from a
//! Jupyter notebook (evcxr kernel) to a prediction server.
//!
//! The modules follow the workflow: [`ingest`] (datasets with checksums and a local cache) →
//! [`eda`] (describe, correlations, KDE) and [`plots`] (SVG charts inline in Jupyter) →
//! [`modeling`] → [`conclusion`] → [`serving`]. Notebooks bring everything in with
//! `use ml_workflow::prelude::*;`.

pub mod conclusion;
pub mod display;
pub mod eda;
pub mod error;
pub mod frame;
pub mod ingest;
pub mod modeling;
pub mod plots;
pub mod serving;

pub use error::{Error, Result};

/// Everything a notebook needs, in one import.
pub mod prelude {
    pub use crate::conclusion::{compare, Evaluation};
    pub use crate::display::{head, Table};
    pub use crate::eda::{correlation, describe, Correlation, Describe, Kde1, Kde2, Summary};
    pub use crate::error::{Error, Result};
    pub use crate::frame::{column_f64, column_names, drop_columns, from_columns, to_matrix};
    pub use crate::ingest::{dataset, load_dataset, read_csv};
    pub use crate::modeling::gradient_descent::{GdParams, Init};
    pub use crate::modeling::pipeline::{
        train, Prepared, TrainConfig, TrainReport, BOSTON_DROPPED,
    };
    pub use crate::modeling::search::{spot_check, spot_check_models};
    pub use crate::modeling::xy::XySplit;
    pub use crate::modeling::{KFold, Metrics, ModelSpec, StandardScaler};
    pub use crate::plots::{
        actual_vs_predicted, bar_chart, heatmap, kde_jointplot, line_chart, lmplot, residuals,
        scatter, Labels, Line, Svg,
    };
    pub use crate::serving::{predict, request_rows, Artifact, Frame, Orient, Prediction};
    pub use polars::prelude::DataFrame;
}
