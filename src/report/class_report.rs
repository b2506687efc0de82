//! A classifier's results as tables and charts: the spot check and the grid search ranked by
//! their scoring, the held-out metrics, scikit-learn's `classification_report` rows, the
//! confusion matrix, and the ROC and precision–recall curves (one-vs-rest per class for more
//! than two classes, the positive class's for two).

use super::{ranked_table, spot_chart, spot_table, Rank};
use crate::display::Table;
use crate::error::{Error, Result};
use crate::modeling::class_curves::{precision_recall_curve, roc_curve};
use crate::modeling::class_metrics::{binary_auc, ClassMetrics};
use crate::modeling::classify::{ClassScoring, ClassSearch, ClassSpotCheck};
use crate::modeling::train::ClassifierReport;
use crate::plots::{confusion_matrix, precision_recall_curves, roc_curves, Labels, Line, Svg};

/// How a scoring reads in a table or on an axis: the log loss as itself (lower is better),
/// the others as they are.
fn shown(scoring: ClassScoring) -> (&'static str, Rank, fn(f64) -> f64) {
    match scoring {
        ClassScoring::NegLogLoss => ("log loss", Rank::Lowest, |v| -v),
        ClassScoring::Accuracy => ("accuracy", Rank::Highest, |v| v),
        ClassScoring::RocAuc => ("ROC AUC", Rank::Highest, |v| v),
        ClassScoring::BalancedAccuracy => ("balanced accuracy", Rank::Highest, |v| v),
        ClassScoring::F1Macro => ("macro F1", Rank::Highest, |v| v),
    }
}

impl ClassSearch {
    /// One row per setting: mean and std of the scoring (the log loss shown as itself) and
    /// each row's rank.
    pub fn table(&self) -> Table {
        let (metric, rank, value) = shown(self.scoring);
        let rows: Vec<_> = self
            .results
            .iter()
            .map(|r| (&r.params, value(r.mean), r.std))
            .collect();
        let best = self.best_result().map(|b| &b.params);
        ranked_table(&self.model, &rows, (metric, rank), best)
    }

    /// Shows the table inline in evcxr.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

impl ClassSpotCheck {
    /// (model, mean, std) of the scoring as a reader sees it, what the table and the chart
    /// show: the log loss as itself (lower is better), the other scorings as they are.
    pub fn shown_rows(&self) -> Vec<(&str, f64, f64)> {
        let (_, _, value) = shown(self.scoring);
        self.results
            .iter()
            .map(|(label, r)| (label.as_str(), value(r.mean), r.std))
            .collect()
    }

    /// The scoring's name as the chart's axis says it ("Log loss", "Accuracy").
    pub fn axis_label(&self) -> String {
        capitalised(shown(self.scoring).0)
    }

    /// One row per classifier: mean and std of the scoring over the folds.
    pub fn table(&self) -> Table {
        spot_table(&self.shown_rows(), shown(self.scoring).0, 4)
    }

    /// Bars of the mean score with ±1 std whiskers.
    pub fn chart(&self) -> Result<Svg> {
        let metric = shown(self.scoring).0;
        let title = format!(
            "Spot check: {}-fold stratified cross-validated {metric} (± 1 std)",
            self.folds
        );
        spot_chart(
            &self.shown_rows(),
            &Labels::new(title, self.axis_label(), ""),
        )
    }

    /// Shows the table inline in evcxr.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One class against the rest, on the held-out rows.
struct OneClass {
    name: String,
    /// Whether each row is of the class.
    positive: Vec<bool>,
    /// Each row's probability of the class.
    score: Vec<f64>,
}

impl ClassifierReport {
    /// The held-out metrics, or an error saying there were no held-out rows.
    fn held_out(&self) -> Result<&ClassMetrics> {
        self.test.as_ref().ok_or_else(|| {
            Error::invalid(
                "evaluation",
                "no rows were held out (test_size 0): nothing to evaluate on",
            )
        })
    }

    /// The held-out metrics, named as scikit-learn names them.
    pub fn metrics_table(&self) -> Result<Table> {
        let m = self.held_out()?;
        let average = if self.classes.len() == 2 {
            format!("positive class {}", self.classes.names()[1])
        } else {
            "macro".into()
        };
        let auc = m.roc_auc.map_or("undefined".into(), |a| format!("{a:.4}"));
        let rows = vec![
            vec!["accuracy".into(), format!("{:.4}", m.accuracy)],
            vec![
                "balanced accuracy".into(),
                format!("{:.4}", m.balanced_accuracy),
            ],
            vec!["log loss".into(), format!("{:.4}", m.log_loss)],
            vec!["ROC AUC".into(), auc],
            vec![
                format!("precision ({average})"),
                format!("{:.4}", m.precision),
            ],
            vec![format!("recall ({average})"), format!("{:.4}", m.recall)],
            vec![format!("F1 ({average})"), format!("{:.4}", m.f1)],
        ];
        Ok(Table::new(vec!["metric".into(), "held out".into()], rows)
            .with_caption(format!("{} held-out rows", self.rows_test)))
    }

    /// scikit-learn's `classification_report`: each class's precision, recall, F1 and
    /// support on the held-out rows.
    pub fn class_table(&self) -> Result<Table> {
        let m = self.held_out()?;
        let rows = self
            .classes
            .names()
            .into_iter()
            .zip(&m.per_class)
            .map(|(name, s)| {
                vec![
                    name,
                    format!("{:.4}", s.precision),
                    format!("{:.4}", s.recall),
                    format!("{:.4}", s.f1),
                    s.support.to_string(),
                ]
            })
            .collect();
        Ok(Table::new(
            ["class", "precision", "recall", "F1", "support"]
                .map(String::from)
                .to_vec(),
            rows,
        ))
    }

    /// The held-out confusion matrix: counts, or with `normalize` each actual class's shares.
    pub fn confusion_chart(&self, normalize: bool) -> Result<Svg> {
        let m = self.held_out()?;
        let what = if normalize {
            "shares of each true class"
        } else {
            "counts"
        };
        confusion_matrix(
            &m.confusion,
            &self.classes.names(),
            normalize,
            &format!(
                "Confusion matrix of {} on {} held-out rows ({what})",
                self.spec.name(),
                self.rows_test
            ),
        )
    }

    /// The curves to draw: the positive class's for two classes, each class against the
    /// rest for more.
    fn one_vs_rest(&self) -> Result<Vec<OneClass>> {
        self.held_out()?;
        let names = self.classes.names();
        let classes: Vec<usize> = if names.len() == 2 {
            vec![1]
        } else {
            (0..names.len()).collect()
        };
        Ok(classes
            .into_iter()
            .map(|c| OneClass {
                name: names[c].clone(),
                positive: self.test_actual.iter().map(|&a| a == c).collect(),
                score: self.test_proba.column(c).to_vec(),
            })
            .collect())
    }

    /// ROC curves of the held-out rows, with each curve's AUC in the legend.
    pub fn roc_chart(&self) -> Result<Svg> {
        let mut lines = Vec::new();
        for OneClass {
            name,
            positive,
            score,
        } in self.one_vs_rest()?
        {
            // A class with no held-out row (or only its rows) has no curve.
            let (Some(points), Some(auc)) =
                (roc_curve(&positive, &score), binary_auc(&positive, &score))
            else {
                continue;
            };
            lines.push(Line {
                name: format!("{name} (AUC = {auc:.3})"),
                points,
            });
        }
        let rest = if self.classes.len() > 2 {
            ", each class against the rest"
        } else {
            ""
        };
        roc_curves(
            &lines,
            &format!(
                "ROC of {} on {} held-out rows{rest}",
                self.spec.name(),
                self.rows_test
            ),
        )
    }

    /// Precision–recall curves of the held-out rows, with each curve's average precision.
    pub fn precision_recall_chart(&self) -> Result<Svg> {
        let (mut lines, mut chance) = (Vec::new(), Vec::new());
        for OneClass {
            name,
            positive,
            score,
        } in self.one_vs_rest()?
        {
            let Some((points, ap)) = precision_recall_curve(&positive, &score) else {
                continue;
            };
            lines.push(Line {
                name: format!("{name} (AP = {ap:.3})"),
                points,
            });
            chance.push(positive.iter().filter(|&&p| p).count() as f64 / positive.len() as f64);
        }
        precision_recall_curves(
            &lines,
            &chance,
            &format!(
                "Precision–recall of {} on {} held-out rows",
                self.spec.name(),
                self.rows_test
            ),
        )
    }

    /// Shows the held-out metrics inline in evcxr.
    pub fn evcxr_display(&self) {
        match self.metrics_table() {
            Ok(table) => table.evcxr_display(),
            Err(e) => println!("{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_loss_reads_as_itself_and_ranks_lowest_first() {
        let (metric, rank, value) = shown(ClassScoring::NegLogLoss);
        assert_eq!((metric, value(-0.25)), ("log loss", 0.25));
        assert!(rank == Rank::Lowest);
        assert_eq!(capitalised("log loss"), "Log loss");
    }

    #[test]
    fn a_spot_check_shows_its_scoring_as_a_reader_reads_it() {
        use crate::modeling::classify::ClassCvResult;
        let row = |mean: f64| ClassCvResult {
            params: Default::default(),
            mean,
            std: 0.1,
            folds: vec![mean; 3],
        };
        let spot = |scoring| ClassSpotCheck {
            folds: 3,
            scoring,
            results: vec![("a".into(), row(-0.25)), ("b".into(), row(-0.5))],
        };
        let loss = spot(ClassScoring::NegLogLoss);
        assert_eq!(loss.shown_rows(), [("a", 0.25, 0.1), ("b", 0.5, 0.1)]);
        assert_eq!(loss.axis_label(), "Log loss");
        let accuracy = spot(ClassScoring::Accuracy);
        assert_eq!(accuracy.shown_rows()[0], ("a", -0.25, 0.1));
        assert_eq!(accuracy.axis_label(), "Accuracy");
    }
}
