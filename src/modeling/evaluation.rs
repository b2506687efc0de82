//! The evaluation of a model on held-out rows, as numbers: actual, predicted, their difference
//! and the metrics. Its tables and charts are in [`crate::report`].

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::metrics::Metrics;
use crate::error::Result;
use crate::polars_ext::from_columns;

/// Actual and predicted values of held-out rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// What the target is (for labels), e.g. "MEDV ($1000s)".
    pub target: String,
    /// The true values.
    pub actual: Vec<f64>,
    /// The model's predictions, row for row.
    pub predicted: Vec<f64>,
}

impl Evaluation {
    /// An evaluation of `predicted` against `actual` for `target`.
    pub fn new(target: impl Into<String>, actual: Vec<f64>, predicted: Vec<f64>) -> Evaluation {
        Evaluation {
            target: target.into(),
            actual,
            predicted,
        }
    }

    /// actual − predicted, row for row.
    pub fn difference(&self) -> Vec<f64> {
        self.actual
            .iter()
            .zip(&self.predicted)
            .map(|(a, p)| a - p)
            .collect()
    }

    /// The chapter's evaluation frame: columns `actual`, `predicted`, `difference`.
    pub fn frame(&self) -> Result<DataFrame> {
        from_columns(vec![
            ("actual".into(), self.actual.clone()),
            ("predicted".into(), self.predicted.clone()),
            ("difference".into(), self.difference()),
        ])
    }

    /// MSE, RMSE, MAE and R².
    pub fn metrics(&self) -> Metrics {
        Metrics::of(&self.actual, &self.predicted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_and_metrics() {
        let e = Evaluation::new("y", vec![1.0, 2.0], vec![1.5, 2.0]);
        assert_eq!(e.difference(), [-0.5, 0.0]);
        assert_eq!(e.frame().unwrap().shape(), (2, 3));
        assert_eq!(e.metrics().mse, 0.125);
    }
}
