//! What `train` prints for a classifier: the report as text (the held-out metrics, the
//! confusion matrix and scikit-learn's `classification_report` rows) or as one JSON object.

use ml_workflow::display::thousands;
use ml_workflow::modeling::class_metrics::ClassMetrics;
use ml_workflow::modeling::train::ClassifierReport;
use ml_workflow::report::format_params;

use super::train_output::{counted, settings, wrapped, Saved};

/// The report as one JSON object (`--json`): the metrics under `test` with scikit-learn's
/// names, `"task"` and `"classes"`.
pub(crate) fn classifier_json(
    report: &ClassifierReport,
    name: &str,
    saved: &Saved,
) -> serde_json::Value {
    let cv = report.search.best_result().map(|best| {
        serde_json::json!({
            "scoring": report.search.scoring,
            "scores": best.folds,
            "mean": best.mean,
            "std": best.std,
            "grid": report.search.results.iter().map(|r| serde_json::json!({
                "params": report.spec.typed_params(&r.params),
                "mean": r.mean,
                "std": r.std,
            })).collect::<Vec<_>>(),
            "best_index": report.search.best_index,
        })
    });
    serde_json::json!({
        "dataset": name,
        "task": "classification",
        "target": report.config.target,
        "classes": report.classes,
        "features": report.preprocessor.feature_names,
        "inputs": report.preprocessor.columns,
        "model": report.spec.name(),
        "folds": report.config.folds,
        "rows": {
            "train": report.rows_train,
            "test": report.rows_test,
            "without_target": report.rows_without_target,
        },
        "cv": cv,
        "final": report.spec.params(),
        "test": report.test,
        "artifact": saved.path,
        "name": saved.name,
        "version": saved.version,
    })
}

/// The report as text for people.
pub(crate) fn classifier_text(report: &ClassifierReport, name: &str, saved: &Saved) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let inputs = report.preprocessor.input_names();
    let classes = report.classes.names();
    let _ = writeln!(
        t,
        "{name}: {} classified from {} ({} training rows, {} held out, stratified):\n{}",
        report.config.target,
        counted(inputs.len(), "column"),
        thousands(report.rows_train),
        thousands(report.rows_test),
        wrapped(&inputs)
    );
    let _ = writeln!(t, "  {} classes:\n{}", classes.len(), wrapped(&classes));
    if report.rows_without_target > 0 {
        let _ = writeln!(
            t,
            "  {} without a {} left out",
            counted(report.rows_without_target, "row"),
            report.config.target
        );
    }
    match report.cv_mean_std() {
        Some((mean, std)) => {
            let _ = writeln!(
                t,
                "\n{}-fold stratified cross-validation of {}: {} {mean:.4} (std {std:.4})",
                report.config.folds,
                report.spec.name(),
                report.search.scoring
            );
            t.push_str(&grid_text(report));
        }
        None => {
            let _ = writeln!(t, "\nno cross-validation (--folds 0)");
        }
    }
    let _ = writeln!(
        t,
        "\nfinal model: {}\n{}",
        report.spec.name(),
        wrapped(&settings(&report.spec.params()))
    );
    match &report.test {
        Some(m) => t.push_str(&metrics_text(m, &classes)),
        None => {
            let _ = writeln!(
                t,
                "\nno held-out evaluation (--test-size 0): every row trained the model"
            );
        }
    }
    t.push_str(&saved.line());
    t
}

/// The grid's rows, best marked, when there was more than one setting.
fn grid_text(report: &ClassifierReport) -> String {
    use std::fmt::Write as _;
    let search = &report.search;
    let mut t = String::new();
    if search.results.len() < 2 {
        return t;
    }
    for (i, r) in search.results.iter().enumerate() {
        let mark = if i == search.best_index {
            "  ← best"
        } else {
            ""
        };
        let _ = writeln!(
            t,
            "  {:<28} {:.4} (std {:.4}){mark}",
            format_params(&r.params),
            r.mean,
            r.std
        );
    }
    t
}

/// The held-out metrics, the per-class table and the confusion matrix.
fn metrics_text(m: &ClassMetrics, classes: &[String]) -> String {
    use std::fmt::Write as _;
    let mut t = String::from("\nheld-out evaluation:\n");
    let auc = m
        .roc_auc
        .map_or("undefined".to_string(), |a| format!("{a:.4}"));
    let average = if classes.len() == 2 {
        "positive class"
    } else {
        "macro"
    };
    let _ = writeln!(
        t,
        "  accuracy {:.4}   balanced accuracy {:.4}   log loss {:.4}   ROC AUC {auc}",
        m.accuracy, m.balanced_accuracy, m.log_loss
    );
    let _ = writeln!(
        t,
        "  precision {:.4}   recall {:.4}   F1 {:.4} ({average})",
        m.precision, m.recall, m.f1
    );
    let width = classes.iter().map(String::len).max().unwrap_or(5).max(5);
    let _ = writeln!(
        t,
        "\n  {:width$}  precision  recall      F1  support",
        "class"
    );
    for (name, s) in classes.iter().zip(&m.per_class) {
        let _ = writeln!(
            t,
            "  {name:width$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}",
            s.precision, s.recall, s.f1, s.support
        );
    }
    let _ = writeln!(t, "\n  confusion matrix (rows: actual, columns: predicted)");
    let _ = writeln!(
        t,
        "  {:width$}  {}",
        "",
        classes
            .iter()
            .map(|c| format!("{c:>width$}"))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for (name, row) in classes.iter().zip(&m.confusion) {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>width$}")).collect();
        let _ = writeln!(t, "  {name:width$}  {}", cells.join("  "));
    }
    t
}
