//! Presentation of modeling results: tables and charts for the grid search, the spot check,
//! the held-out evaluation and the gradient-descent fit, shown inline in evcxr.
//!
//! Presentation depends on modeling, never the reverse: these are `impl` blocks on the
//! modeling types, kept here so that `modeling` imports neither `display` nor `plots`.
//! A classifier's tables and charts are in `class_report.rs`.

mod class_report;

use crate::display::{format_float, Table};
use crate::eda::{describe, Describe};
use crate::error::Error;
use crate::error::Result;
use crate::modeling::evaluation::Evaluation;
use crate::modeling::search::{GridSearch, SpotCheck};
use crate::modeling::train::TrainReport;
use crate::modeling::xy::{GdFit, OlsFit, XySplit};
use crate::modeling::{ParamSet, Preprocessor};
use crate::plots::{
    actual_vs_predicted, bar_chart, feature_importances, fitted_line, loss_curve, residuals,
    Labels, Svg,
};
use crate::table::Encoding;

impl GridSearch {
    /// The results as a table: one row per setting, with mean and std of the MSE.
    pub fn table(&self) -> Table {
        let rows: Vec<(&ParamSet, f64, f64)> = self
            .results
            .iter()
            .map(|r| (&r.params, r.mean_mse, r.std_mse))
            .collect();
        let best = self.best_result().map(|b| &b.params);
        ranked_table(&self.model, &rows, ("MSE", Rank::Lowest), best)
    }

    /// Shows the table inline in evcxr.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

/// Which end of a score ranks first.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Rank {
    /// An error: the lowest is best.
    Lowest,
    /// A score: the highest is best.
    Highest,
}

/// A search's rows as a table: the grid's parameters (or the model's name without a grid),
/// mean and std of `metric`, and each row's rank; the caption names the best setting.
pub(crate) fn ranked_table(
    model: &str,
    results: &[(&ParamSet, f64, f64)],
    (metric, rank): (&str, Rank),
    best: Option<&ParamSet>,
) -> Table {
    let keys: Vec<String> = results
        .first()
        .map(|r| r.0.keys().cloned().collect())
        .unwrap_or_default();
    // Without a grid the one row is labelled with the model, so that the first column
    // (left-aligned, as an index) is not a number.
    let label = keys.is_empty();
    let mut header = if label {
        vec!["model".to_string()]
    } else {
        keys.clone()
    };
    header.extend([
        format!("mean {metric}"),
        format!("std {metric}"),
        "rank".to_string(),
    ]);
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|a, b| {
        let (x, y) = (results[*a].1, results[*b].1);
        match rank {
            Rank::Lowest => x.total_cmp(&y),
            Rank::Highest => y.total_cmp(&x),
        }
    });
    let rows = results
        .iter()
        .enumerate()
        .map(|(i, (params, mean, std))| {
            let mut row: Vec<String> = keys.iter().map(|k| format_param(params[k])).collect();
            if label {
                row.push(model.to_string());
            }
            row.push(format!("{mean:.6}"));
            row.push(format!("{std:.6}"));
            row.push((order.iter().position(|o| *o == i).unwrap_or(0) + 1).to_string());
            row
        })
        .collect();
    let caption = match best {
        Some(best) if best.is_empty() => {
            "one setting, the model as given (--grid searches several)".into()
        }
        Some(best) => format!("best: {}", format_params(best)),
        None => "no cross-validation (folds 0)".into(),
    };
    Table::new(header, rows).with_caption(caption)
}

/// `{"n_estimators": 200}` as `n_estimators=200`.
pub fn format_params(params: &ParamSet) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", format_param(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A hyperparameter value as a user writes it: `200`, not `200.0`.
pub fn format_param(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format_float(v)
    }
}

impl Preprocessor {
    /// The input schema as a table: each column's type, encoding, what was fitted on the
    /// training rows (median, categories) and the model features it becomes.
    pub fn table(&self) -> Table {
        let rows = self
            .columns
            .iter()
            .map(|c| {
                let (encoding, fitted) = match &c.encoding {
                    Encoding::Numeric { median } => {
                        let scaled = if self.scaler.scale.iter().all(|s| *s == 1.0)
                            && self.scaler.mean.iter().all(|m| *m == 0.0)
                        {
                            "median imputation"
                        } else {
                            "median imputation, standard scaling"
                        };
                        (
                            scaled.to_string(),
                            format!("median {}", format_float(*median)),
                        )
                    }
                    Encoding::OneHot {
                        categories,
                        missing_category,
                    } => {
                        let missing = if *missing_category { " + missing" } else { "" };
                        (
                            "one-hot".to_string(),
                            format!("{}{missing}", categories.join(", ")),
                        )
                    }
                };
                vec![
                    c.name.clone(),
                    format!("{:?}", c.dtype).to_lowercase(),
                    encoding,
                    fitted,
                    c.feature_names().join(", "),
                ]
            })
            .collect();
        Table::new(
            [
                "column",
                "type",
                "encoding",
                "fitted on the training rows",
                "model features",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        )
    }

    /// Shows the table inline in evcxr.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

impl SpotCheck {
    /// A table of mean and std MSE per model.
    pub fn table(&self) -> Table {
        let rows: Vec<_> = self
            .results
            .iter()
            .map(|(label, r)| (label.as_str(), r.mean_mse, r.std_mse))
            .collect();
        spot_table(&rows, "MSE", 6)
    }

    /// Bars of mean MSE with ±1 std whiskers.
    pub fn chart(&self) -> Result<Svg> {
        let rows: Vec<_> = self
            .results
            .iter()
            .map(|(label, r)| (label.as_str(), r.mean_mse, r.std_mse))
            .collect();
        let title = format!(
            "Spot check: {}-fold cross-validated MSE (± 1 std)",
            self.folds
        );
        spot_chart(&rows, &Labels::new(title, "Mean squared error", ""))
    }

    /// Shows the table inline in evcxr.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

/// A spot check's rows, (model, mean, std) each, as a table of `metric` with `decimals`.
pub(crate) fn spot_table(rows: &[(&str, f64, f64)], metric: &str, decimals: usize) -> Table {
    let body = rows
        .iter()
        .map(|(label, mean, std)| {
            vec![
                label.to_string(),
                format!("{mean:.decimals$}"),
                format!("{std:.decimals$}"),
            ]
        })
        .collect();
    Table::new(
        vec![
            "model".into(),
            format!("mean {metric}"),
            format!("std {metric}"),
        ],
        body,
    )
}

/// A spot check's rows as bars of the mean with ±1 std whiskers.
pub(crate) fn spot_chart(rows: &[(&str, f64, f64)], labels: &Labels) -> Result<Svg> {
    let names: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let means: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let stds: Vec<f64> = rows.iter().map(|r| r.2).collect();
    bar_chart(&names, &means, &stds, labels)
}

impl Evaluation {
    /// `describe()` of the evaluation frame.
    pub fn describe(&self) -> Result<Describe> {
        describe(&self.frame()?)
    }

    /// The first `n` rows of the evaluation frame as a table.
    pub fn head(&self, n: usize) -> Table {
        self.rows_table(0..n.min(self.actual.len()))
    }

    /// The given rows (positions among the held-out rows) as actual, predicted, difference.
    fn rows_table(&self, rows: impl Iterator<Item = usize>) -> Table {
        let difference = self.difference();
        let rows = rows
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

    /// The `n` held-out rows with the largest absolute differences, largest first (row is the
    /// position among the held-out rows, as in [`Evaluation::head`]).
    pub fn largest_misses(&self, n: usize) -> Table {
        let difference = self.difference();
        let mut order: Vec<usize> = (0..difference.len()).collect();
        order.sort_by(|&a, &b| difference[b].abs().total_cmp(&difference[a].abs()));
        self.rows_table(order.into_iter().take(n))
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

impl GdFit {
    /// The training loss per epoch: every epoch on a log scale (it falls by two orders of
    /// magnitude at once) beside the slow creep that follows, on its own linear scale.
    pub fn loss_chart(&self) -> Result<Svg> {
        let losses: Vec<f64> = self.model.losses.iter().map(|l| f64::from(*l)).collect();
        loss_curve(
            &losses,
            &Labels::new(
                "Gradient descent: training loss",
                "Epoch",
                "Mean squared error",
            ),
        )
    }
}

impl OlsFit {
    /// The held-out points with the line fitted on the training points (the chapter's
    /// Figure 14-5); `data` is the split the fit came from.
    pub fn fitted_line_chart(&self, data: &XySplit) -> Result<Svg> {
        fitted_line(
            &data.test_x(),
            &self.evaluation.actual,
            self.model.coef[0],
            self.model.intercept,
            &Labels::new(
                "Held-out people and the least-squares line",
                data.feature.as_str(),
                data.target.as_str(),
            ),
        )
    }
}

impl TrainReport {
    /// The final model's feature importances as bars, largest first; an error for models
    /// that have none (linear models, k-NN, SVR, histogram boosting, AdaBoost).
    pub fn importance_chart(&self) -> Result<Svg> {
        let importances = self.model.feature_importances().ok_or_else(|| {
            Error::invalid(
                "feature importances",
                format!("the {} model does not define them", self.final_spec.name()),
            )
        })?;
        feature_importances(
            &self.features,
            &importances.to_vec(),
            &Labels::new(
                format!("What the {} model splits on", self.final_spec.name()),
                "Impurity-based importance (sums to 1)",
                "",
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::search::CvResult;

    #[test]
    fn compare_shows_the_metrics() {
        let e = Evaluation::new("y", vec![1.0, 2.0], vec![1.5, 2.0]);
        assert!(compare(&[("m", &e)]).to_string().contains("0.1250"));
    }

    #[test]
    fn spot_check_chart_names_its_fold_count() {
        let result = CvResult {
            params: ParamSet::new(),
            mean_mse: 1.0,
            std_mse: 0.1,
            fold_mse: vec![1.0; 5],
        };
        let spot = SpotCheck {
            folds: 5,
            results: vec![("Linear".into(), result)],
        };
        let svg = spot.chart().unwrap();
        assert!(svg.as_str().contains("5-fold"), "title names 5 folds");
        assert!(!svg.as_str().contains("10-fold"));
    }

    #[test]
    fn largest_misses_come_first() {
        let e = Evaluation::new("y", vec![1.0, 2.0, 3.0], vec![1.5, 5.0, 3.0]);
        let text = e.largest_misses(2).to_string();
        let (first, second) = (text.find("-3").unwrap(), text.find("-0.5").unwrap());
        assert!(first < second, "{text}");
        assert_eq!(
            e.largest_misses(2).to_string().lines().count(),
            e.head(2).to_string().lines().count()
        );
    }

    #[test]
    fn params_print_as_written() {
        assert_eq!(format_param(200.0), "200");
        assert_eq!(format_param(0.05), "0.05");
    }
}
