//! What `train` prints: the report as text or as one JSON object.

use std::path::Path;

use ml_workflow::modeling::train::TrainReport;
use ml_workflow::modeling::ParamSet;
use ml_workflow::report::format_params;

/// What was written: the model's identity and where.
pub(crate) struct Saved<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: &'a str,
    pub(crate) path: Option<&'a Path>,
}

/// The report as one JSON object (`--json`).
pub(crate) fn train_json(report: &TrainReport, name: &str, saved: &Saved) -> serde_json::Value {
    let best = report.search.best_result();
    // Grid values print as the parameter's type: `"n_estimators": 200`, `"alpha": 0.5`.
    let typed = |params: &ParamSet| report.search.best.typed_params(params);
    let cv: Vec<serde_json::Value> = report
        .search
        .results
        .iter()
        .map(|r| {
            serde_json::json!({
                "params": typed(&r.params),
                "mean_mse": r.mean_mse,
                "std_mse": r.std_mse,
                "fold_mse": r.fold_mse,
            })
        })
        .collect();
    serde_json::json!({
        "dataset": name,
        "target": report.config.target,
        "features": report.features,
        "inputs": report.preprocessor.columns,
        "model": report.final_spec.name(),
        "folds": report.config.folds,
        "rows": { "train": report.rows_train, "test": report.rows_test },
        "cv": cv,
        "best": best.map(|b| typed(&b.params)),
        "best_cv": best.map(|b| serde_json::json!({ "mean_mse": b.mean_mse, "std_mse": b.std_mse })),
        "final": report.final_spec.params(),
        "final_override": report.final_override().map(|p| typed(&p)),
        "test": report.test,
        "seconds": { "cv": report.seconds_cv, "fit": report.seconds_fit },
        "artifact": saved.path,
        "name": saved.name,
        "version": saved.version,
    })
}

/// The report as text for people.
pub(crate) fn train_text(report: &TrainReport, name: &str, saved: &Saved) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let inputs = report.preprocessor.input_names();
    let _ = writeln!(
        t,
        "{name}: {} predicted from {} ({} training rows, {} held out)",
        report.config.target,
        inputs.join(", "),
        report.rows_train,
        report.rows_test
    );
    if inputs != report.features {
        let _ = writeln!(
            t,
            "  encoded as {} features: {}",
            report.features.len(),
            report.features.join(", ")
        );
    }
    if report.config.folds == 0 {
        let _ = writeln!(
            t,
            "\nno cross-validation (--folds 0): one fit on the training rows"
        );
    } else {
        let _ = writeln!(
            t,
            "\n{}-fold cross-validation of {} ({:.2} s):",
            report.config.folds, report.search.model, report.seconds_cv
        );
        let _ = write!(t, "{}", report.search.table());
    }
    let _ = writeln!(
        t,
        "\nfinal model: {} {} ({:.3} s)",
        report.final_spec.name(),
        report.final_spec.params(),
        report.seconds_fit
    );
    if let Some(fixed) = report.final_override() {
        let _ = writeln!(
            t,
            "  {} as the preset sets it (the chapter's choice), not the search's best {}; \
             give --grid or --model to refit the best setting, as GridSearchCV(refit=True) does",
            format_params(&fixed),
            report
                .search
                .best_result()
                .map(|b| format_params(&b.params))
                .unwrap_or_default()
        );
    }
    if let Some(evaluation) = &report.evaluation {
        let _ = write!(
            t,
            "\nheld-out evaluation:\n{}{}",
            evaluation.metrics_table(),
            evaluation.head(5)
        );
    }
    if let Some(path) = saved.path {
        let _ = writeln!(
            t,
            "\nmodel artifact: {} (name {}, version {})",
            path.display(),
            saved.name,
            saved.version
        );
    }
    t
}
