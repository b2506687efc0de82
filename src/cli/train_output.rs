//! What `train` prints: the report as text or as one JSON object.

use std::path::Path;

use ml_workflow::display::thousands;
use ml_workflow::modeling::train::TrainReport;
use ml_workflow::modeling::ParamSet;
use ml_workflow::report::format_params;

/// What was written: the model's identity and where.
pub(crate) struct Saved<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: &'a str,
    pub(crate) path: Option<&'a Path>,
}

impl Saved<'_> {
    /// The report's last line, where the artifact went (empty with --no-save).
    pub(crate) fn line(&self) -> String {
        self.path.map_or_else(String::new, |path| {
            format!(
                "\nmodel artifact: {} (name {}, version {})\n",
                path.display(),
                self.name,
                self.version
            )
        })
    }
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
        "rows": {
            "train": report.rows_train,
            "test": report.rows_test,
            "without_target": report.rows_without_target,
        },
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
        "{name}: {} predicted from {} ({} training rows, {} held out):\n{}",
        report.config.target,
        counted(inputs.len(), "column"),
        thousands(report.rows_train),
        thousands(report.rows_test),
        wrapped(&inputs)
    );
    if report.rows_without_target > 0 {
        let _ = writeln!(
            t,
            "  {} without a {} left out (as dropna(subset=[{:?}]) does)",
            counted(report.rows_without_target, "row"),
            report.config.target,
            report.config.target
        );
    }
    if inputs != report.features {
        let _ = writeln!(
            t,
            "  encoded as {}:\n{}",
            counted(report.features.len(), "feature"),
            wrapped(&report.features)
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
        "\nfinal model: {} ({:.3} s)\n{}",
        report.final_spec.name(),
        report.seconds_fit,
        wrapped(&settings(&report.final_spec.params()))
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
    match &report.evaluation {
        Some(evaluation) => {
            let _ = write!(
                t,
                "\nheld-out evaluation:\n{}{}",
                evaluation.metrics_table(),
                evaluation.head(5)
            );
        }
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

/// `12 columns`, `1 column`.
pub(crate) fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A model's parameters as `key=value` words (`none` for an unset optional one).
pub(crate) fn settings(params: &serde_json::Value) -> Vec<String> {
    let Some(map) = params.as_object().filter(|m| !m.is_empty()) else {
        return vec!["no parameters".into()];
    };
    map.iter()
        .map(|(k, v)| format!("{k}={}", param_text(v)))
        .collect()
}

/// A parameter's value as `--param` takes it: `none`, `sqrt`, `4`, `true`.
pub(crate) fn param_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "none".into(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Names as indented lines of at most about 88 characters, comma separated.
pub(crate) fn wrapped<S: AsRef<str>>(names: &[S]) -> String {
    const WIDTH: usize = 88;
    const INDENT: &str = "   ";
    let mut text = String::from(INDENT);
    let mut line_len = INDENT.len();
    for (i, name) in names.iter().enumerate() {
        let comma = if i + 1 < names.len() { "," } else { "" };
        let word = format!(" {}{comma}", name.as_ref());
        if line_len + word.len() > WIDTH && line_len > INDENT.len() {
            text.push('\n');
            text.push_str(INDENT);
            line_len = INDENT.len();
        }
        text.push_str(&word);
        line_len += word.len();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_wrap_under_a_count_and_parameters_read_as_key_value() {
        let names: Vec<String> = (0..40).map(|i| format!("column_{i}")).collect();
        let text = wrapped(&names);
        assert!(text.lines().count() > 3, "{text}");
        assert!(
            text.lines().all(|l| l.len() <= 88 && l.starts_with("    ")),
            "{text}"
        );
        assert!(text.ends_with("column_39"), "{text}");
        assert_eq!(counted(1, "column"), "1 column");
        assert_eq!(counted(3, "feature"), "3 features");
        let params = serde_json::json!({"max_depth": null, "n_estimators": 100});
        assert_eq!(settings(&params), ["max_depth=none", "n_estimators=100"]);
        assert_eq!(settings(&serde_json::json!({})), ["no parameters"]);
    }
}
