//! Conclusion: the evaluation of a model on held-out rows, as the chapter tabulates it
//! (actual, predicted, difference), with its summary, metrics and charts.

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use crate::display::{format_float, Table};
use crate::eda::{describe, Describe};
use crate::error::Result;
use crate::frame::from_columns;
use crate::modeling::Metrics;
use crate::plots::{actual_vs_predicted, residuals, Labels, Svg};

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

    /// `describe()` of the evaluation frame.
    pub fn describe(&self) -> Result<Describe> {
        describe(&self.frame()?)
    }

    /// MSE, RMSE, MAE and R².
    pub fn metrics(&self) -> Metrics {
        Metrics::of(&self.actual, &self.predicted)
    }

    /// The first `n` rows of the evaluation frame as a table.
    pub fn head(&self, n: usize) -> Table {
        let difference = self.difference();
        let rows = (0..n.min(self.actual.len()))
            .map(|i| {
                vec![
                    i.to_string(),
                    format_float(self.actual[i]),
                    format_float(self.predicted[i]),
                    format_float(difference[i]),
                ]
            })
            .collect();
        Table::new(
            vec![
                "".into(),
                "actual".into(),
                "predicted".into(),
                "difference".into(),
            ],
            rows,
        )
    }

    /// The metrics as a one-row-per-metric table.
    pub fn metrics_table(&self) -> Table {
        let m = self.metrics();
        let rows = [
            ("MSE", m.mse),
            ("RMSE", m.rmse),
            ("MAE", m.mae),
            ("R²", m.r2),
        ]
        .iter()
        .map(|(k, v)| vec![k.to_string(), format!("{v:.4}")])
        .collect();
        Table::new(vec!["metric".into(), "held-out value".into()], rows)
    }

    /// Actual against predicted, with the y = x line.
    pub fn actual_vs_predicted(&self) -> Result<Svg> {
        actual_vs_predicted(
            &self.actual,
            &self.predicted,
            &Labels::new(
                format!("Predicted against actual {}", self.target),
                format!("Actual {}", self.target),
                format!("Predicted {}", self.target),
            ),
        )
    }

    /// Residuals against predictions.
    pub fn residuals(&self) -> Result<Svg> {
        residuals(
            &self.actual,
            &self.predicted,
            &Labels::new(
                "Residuals on held-out rows",
                format!("Predicted {}", self.target),
                "Actual − predicted",
            ),
        )
    }
}

/// A comparison table of named evaluations (model, MSE, RMSE, MAE, R²).
pub fn compare(evaluations: &[(&str, &Evaluation)]) -> Table {
    let rows = evaluations
        .iter()
        .map(|(name, e)| {
            let m = e.metrics();
            vec![
                name.to_string(),
                format!("{:.4}", m.mse),
                format!("{:.4}", m.rmse),
                format!("{:.4}", m.mae),
                format!("{:.4}", m.r2),
            ]
        })
        .collect();
    Table::new(
        ["model", "MSE", "RMSE", "MAE", "R²"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows,
    )
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
        assert!(compare(&[("m", &e)]).to_string().contains("0.1250"));
    }
}
